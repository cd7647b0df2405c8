//! Store figures for BENCHMARKS.md (issue goals in brackets):
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

fn queries() -> Vec<(&'static str, CaseQuery)> {
    let page = |q: CaseQuery| CaseQuery { limit: 20, ..q };
    vec![
        ("first page, no filter", page(CaseQuery::default())),
        (
            "city + status",
            page(CaseQuery {
                city: Some(City::Weifang),
                status: Some(CaseStatus::Disbursed),
                ..Default::default()
            }),
        ),
        (
            "city, page 50",
            page(CaseQuery {
                city: Some(City::Jining),
                offset: 1000,
                ..Default::default()
            }),
        ),
        (
            "name, 4 chars (trigram)",
            page(CaseQuery {
                search: Some("绿野农业".into()),
                ..Default::default()
            }),
        ),
        (
            "name, 2 chars (scan)",
            page(CaseQuery {
                search: Some("张三".into()),
                ..Default::default()
            }),
        ),
        (
            "credit code",
            page(CaseQuery {
                search: Some(credit_code(4242)),
                ..Default::default()
            }),
        ),
        (
            "by principal, largest first, page 10",
            page(CaseQuery {
                sort: surety_store::cases::CaseSort::PrincipalDesc,
                offset: 180,
                ..Default::default()
            }),
        ),
        (
            "date range + city",
            page(CaseQuery {
                city: Some(City::Yantai),
                from: chrono::NaiveDate::from_ymd_opt(2016, 3, 1),
                to: chrono::NaiveDate::from_ymd_opt(2016, 5, 31),
                ..Default::default()
            }),
        ),
    ]
}

fn time_queries(conn: &Connection) -> Vec<(String, Duration)> {
    queries()
        .into_iter()
        .map(|(name, q)| {
            search(conn, &q).unwrap(); // warm the statement cache and pages
            let runs = (0..31)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(search(conn, &q).unwrap());
                    t.elapsed()
                })
                .collect();
            (name.to_string(), median(runs))
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

    let enc_q = time_queries(enc);
    let plain_q = time_queries(&plain);
    println!("\n| case-list query, 20 rows, at {n} cases | SQLCipher | plain | ratio |");
    println!("|---|---|---|---|");
    let (mut enc_sum, mut plain_sum) = (Duration::ZERO, Duration::ZERO);
    for ((name, e), (_, p)) in enc_q.iter().zip(&plain_q) {
        enc_sum += *e;
        plain_sum += *p;
        println!(
            "| {name} | {} | {} | {:.2}× |",
            ms(*e),
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
