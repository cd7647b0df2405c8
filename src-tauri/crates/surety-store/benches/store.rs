//! Store figures for BENCHMARKS.md (goals in brackets):
//! unlock with the production Argon2id parameters [< 1 s]; inserting 100,000 cases with
//! their schedules; a filtered, paged case-list query at 100,000 cases [< 20 ms];
//! SQLCipher against plain SQLite on the same workload [< 1.3×].
//! Run: cargo bench -p surety-store --bench store   (SURETY_BENCH_CASES to change the size)

// Timings are floats; money never is (the lint stays on everywhere else).
#![allow(clippy::float_arithmetic)]

#[path = "../tests/common/mod.rs"]
mod fixture;

use fixture::*;
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};
use surety_domain::{CaseStatus, City};
use surety_store::cases::{search, CaseQuery};
use surety_store::{KdfParams, Store};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Each list query the window makes, with the bare SQL a person would write for the same
/// rows (the same filter, count and page, no index of our own): the reference beside it.
fn queries() -> Vec<(&'static str, CaseQuery, String)> {
    let page = |q: CaseQuery| CaseQuery { limit: 20, ..q };
    let newest = "c.application_date DESC, c.id DESC";
    let bare = |filter: &str, order: &str, offset: u32| {
        format!(
            "SELECT count(*) FROM cases c JOIN borrowers b ON b.id = c.borrower_id WHERE {filter};
             SELECT c.case_no, b.name, b.kind, b.id_number, c.city, c.status, c.principal_fen, c.application_date
             FROM cases c JOIN borrowers b ON b.id = c.borrower_id WHERE {filter}
             ORDER BY {order} LIMIT 20 OFFSET {offset}"
        )
    };
    let name = |text: &str| {
        (
            page(CaseQuery {
                search: Some(text.into()),
                ..Default::default()
            }),
            bare(&format!("b.name LIKE '%{text}%'"), newest, 0),
        )
    };
    let (zhang_wei, zhang_wei_sql) = name("张伟");
    let (wang_xiuying, wang_xiuying_sql) = name("王秀英");
    let (trade, trade_sql) = name("绿野农业");
    vec![
        (
            "first page, no filter",
            page(CaseQuery::default()),
            bare("1 = 1", newest, 0),
        ),
        (
            "city + status",
            page(CaseQuery {
                city: Some(City::Weifang),
                status: Some(CaseStatus::Disbursed),
                ..Default::default()
            }),
            bare("c.city = 'weifang' AND c.status = 'disbursed'", newest, 0),
        ),
        (
            "city, page 50",
            page(CaseQuery {
                city: Some(City::Jining),
                offset: 1000,
                ..Default::default()
            }),
            bare("c.city = 'jining'", newest, 1000),
        ),
        (
            "name, 2 characters: 张伟 (bigram index)",
            zhang_wei,
            zhang_wei_sql,
        ),
        (
            "name, 3 characters: 王秀英 (trigram index)",
            wang_xiuying,
            wang_xiuying_sql,
        ),
        (
            "name, 4 characters: 绿野农业 (trigram index)",
            trade,
            trade_sql,
        ),
        (
            "credit code",
            page(CaseQuery {
                search: Some(credit_code(4242)),
                ..Default::default()
            }),
            bare(&format!("b.id_number = '{}'", credit_code(4242)), newest, 0),
        ),
        (
            "by principal, largest first, page 10",
            page(CaseQuery {
                sort: surety_store::cases::CaseSort::PrincipalDesc,
                offset: 180,
                ..Default::default()
            }),
            bare("1 = 1", "c.principal_fen DESC, c.id DESC", 180),
        ),
        (
            "date range + city",
            page(CaseQuery {
                city: Some(City::Yantai),
                from: chrono::NaiveDate::from_ymd_opt(2016, 7, 1),
                to: chrono::NaiveDate::from_ymd_opt(2016, 9, 30),
                ..Default::default()
            }),
            bare(
                "c.city = 'yantai' AND c.application_date BETWEEN '2016-07-01' AND '2016-09-30'",
                newest,
                0,
            ),
        ),
    ]
}

fn time(runs: usize, mut run: impl FnMut()) -> Duration {
    run(); // warm the statement cache and pages
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                run();
                t.elapsed()
            })
            .collect(),
    )
}

/// (query, rows found, our search, the bare SQL's time — measured when `bare` is asked,
/// in 5 runs: a name's bare `LIKE` reads every borrower).
fn time_queries(conn: &Connection, with_bare: bool) -> Vec<(String, u64, Duration, Duration)> {
    queries()
        .into_iter()
        .map(|(name, q, sql)| {
            let found = search(conn, &q).unwrap().total;
            let ours = time(31, || {
                std::hint::black_box(search(conn, &q).unwrap());
            });
            if !with_bare {
                return (name.to_string(), found, ours, Duration::ZERO);
            }
            let (count_sql, page_sql) = sql.split_once(';').unwrap();
            let bare_total: i64 = conn.query_row(count_sql, [], |r| r.get(0)).unwrap();
            assert_eq!(
                bare_total as u64, found,
                "{name}: the bare SQL finds other rows"
            );
            let bare = time(5, || {
                let n: i64 = conn.query_row(count_sql, [], |r| r.get(0)).unwrap();
                let mut stmt = conn.prepare_cached(page_sql).unwrap();
                let rows = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .unwrap()
                    .count();
                std::hint::black_box((n, rows));
            });
            (name.to_string(), found, ours, bare)
        })
        .collect()
}

fn plain_connection(path: &Path) -> Connection {
    let mut conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .unwrap();
    surety_store::migrations::migrate(&mut conn).unwrap();
    conn
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: u32 = std::env::var("SURETY_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let params = KdfParams::default();
    println!("# surety-store bench: {n} cases");

    let (store, _) = Store::create(&db, &admin(), PASSWORD, params).unwrap();
    drop(store);
    let unlocks: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            drop(Store::open(&db, "admin", PASSWORD).unwrap());
            t.elapsed()
        })
        .collect();
    println!(
        "unlock (Argon2id m={} MiB, t={}, p={}, then open + check): median {}",
        params.m_kib / 1024,
        params.t,
        params.p,
        ms(median(unlocks))
    );

    // One case per transaction, as the Desk writes them (fsync per commit).
    let (mut store, _) = Store::open(&db, "admin", PASSWORD).unwrap();
    let t = Instant::now();
    for k in 0..200 {
        add_case(&mut store, 1_000_000 + k);
    }
    println!(
        "single-case transactions (encrypted): {:.0} cases/s",
        200.0 / t.elapsed().as_secs_f64()
    );

    // The production connection, as signing in opens it.
    let enc = store.connection();
    let enc_insert = insert_all(enc, n, 1000);
    println!(
        "insert {n} cases + schedules + audit, 1000 per transaction (encrypted): {:.1} s",
        enc_insert.as_secs_f64()
    );

    let plain_db = dir.path().join("plain.db");
    let plain = plain_connection(&plain_db);
    let plain_insert = insert_all(&plain, n, 1000);
    println!(
        "insert {n} cases + schedules + audit, 1000 per transaction (plain SQLite): {:.1} s",
        plain_insert.as_secs_f64()
    );

    let enc_q = time_queries(enc, true);
    let plain_q = time_queries(&plain, false);
    println!("\n| case-list query, 20 rows + total, at {n} cases | found | SQLCipher | bare SQL, same database | ÷ bare | plain SQLite | ÷ plain |");
    println!("|---|---|---|---|---|---|---|");
    let (mut enc_sum, mut plain_sum) = (Duration::ZERO, Duration::ZERO);
    for ((name, found, e, bare), (_, _, p, _)) in enc_q.iter().zip(&plain_q) {
        enc_sum += *e;
        plain_sum += *p;
        println!(
            "| {name} | {found} | {} | {} | {:.2}× | {} | {:.2}× |",
            ms(*e),
            ms(*bare),
            e.as_secs_f64() / bare.as_secs_f64(),
            ms(*p),
            e.as_secs_f64() / p.as_secs_f64()
        );
    }
    println!(
        "\nSQLCipher / plain: inserts {:.2}×, queries (sum of medians) {:.2}×",
        enc_insert.as_secs_f64() / plain_insert.as_secs_f64(),
        enc_sum.as_secs_f64() / plain_sum.as_secs_f64()
    );
    println!(
        "database size: {:.1} MB",
        std::fs::metadata(&db).unwrap().len() as f64 / 1e6
    );
}
