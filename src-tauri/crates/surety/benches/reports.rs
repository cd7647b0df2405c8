//! Scale figures for BENCHMARKS.md: a province's year — 100,000 cases in the
//! seven pilot cities, their 12-period schedules, about 1,000,000 repayment rows, claims on
//! the loans that stop paying — in an encrypted database; then, in release:
//! the quarter report for every city [< 1 s], the credit-reporting run of the pool that
//! guarantees all 100,000 accounts [< 5 s], and beside them bare `SELECT`s over the same
//! rows (every repayment; every schedule row).
//! Run: cargo bench -p surety --bench reports   (SURETY_BENCH_CASES to change the size)

// Timings are floats; money never is.
#![allow(clippy::float_arithmetic)]

use chrono::{Days, NaiveDate};
use rusqlite::params;
use std::time::{Duration, Instant};
use surety::api::{
    AgreementInput, CreditReportInput, Desk, NewUser, OrgInput, PoolMemberInput, Role,
};
use surety_domain::schedule::schedule;
use surety_domain::{Money, Rate, RepaymentMethod};

const CITIES: [&str; 7] = [
    "jinan", "qingdao", "yantai", "weifang", "jining", "taian", "dezhou",
];
const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国",
];
const TRADES: [&str; 8] = [
    "水产", "农业", "茶叶", "物流", "食品", "渔业", "果品", "机械",
];

fn json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn setup(desk: &mut Desk) {
    desk.add_organisation(&json::<OrgInput>(
        serde_json::json!({"kind": "insurer", "code": "picc", "name": "人保财险山东省分公司"}),
    ))
    .unwrap();
    desk.add_organisation(&json::<OrgInput>(
        serde_json::json!({"kind": "insurer", "code": "pingan", "name": "平安财险山东分公司"}),
    ))
    .unwrap();
    desk.add_organisation(&json::<OrgInput>(serde_json::json!({"kind": "pool", "code": "sd-pool", "name": "山东省小额贷款保证保险共保体"})))
        .unwrap();
    desk.set_pool(
        "sd-pool",
        &[
            json::<PoolMemberInput>(
                serde_json::json!({"insurer": "picc", "share": "0.6", "lead": true}),
            ),
            json::<PoolMemberInput>(serde_json::json!({"insurer": "pingan", "share": "0.4"})),
        ],
    )
    .unwrap();
    for city in CITIES {
        for b in 0..2 {
            let code = format!("bank-{city}-{b}");
            desk.add_organisation(&json::<OrgInput>(serde_json::json!({"kind": "bank", "code": code, "name": format!("{city}银行{b}"), "city": city})))
                .unwrap();
            desk.add_agreement(&json::<AgreementInput>(serde_json::json!({"bank": code, "insurer": "sd-pool", "city": city,
                "insurer_share": "0.7", "waiting_period_days": 90, "guarantee_rate": "0.02", "accident_rate": "0.005",
                "signed_on": "2015-01-01"})))
                .unwrap();
        }
    }
    let mut toml = desk.settings().to_toml();
    toml = toml.replace(
        "[credit_reporting.institutions]\n",
        "[credit_reporting.institutions]\nsd-pool = \"C9876537000001\"\nbank-jinan-0 = \"B1000037010001\"\n",
    );
    desk.apply_settings(&toml).unwrap();
    // Two cities subsidise premiums and interest (R-SUBSIDY-1), as some do.
    for city in ["yantai", "weifang"] {
        desk.set_city(&json(
            serde_json::json!({"city": city, "premium_subsidy_share": "0.5",
            "interest_subsidy_share": "0.2"}),
        ))
        .unwrap();
    }
}

/// The province's cases, by raw inserts in large transactions (the Desk's per-step writes
/// would take hours at this size; what is measured is reading).
fn province(conn: &rusqlite::Connection, cases: u32) -> (u64, Duration) {
    let start = Instant::now();
    let org = |code: &str| -> i64 {
        conn.query_row(
            "SELECT id FROM organisations WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap()
    };
    let pool = org("sd-pool");
    let banks: Vec<Vec<(i64, i64)>> = CITIES
        .iter()
        .map(|c| {
            (0..2)
                .map(|b| {
                    let bank = org(&format!("bank-{c}-{b}"));
                    let agreement: i64 = conn
                        .query_row(
                            "SELECT id FROM agreements WHERE bank_id = ?1",
                            [bank],
                            |r| r.get(0),
                        )
                        .unwrap();
                    (bank, agreement)
                })
                .collect()
        })
        .collect();
    let year_end = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
    let first = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    let mut repayments = 0u64;
    let kinds = ["micro_enterprise", "farmer", "cooperative", "entrepreneur"];
    let mut n = 0;
    while n < cases {
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut borrower = tx.prepare_cached("INSERT INTO borrowers (kind, name, id_number, city, legal_rep, operating_since, created_at) VALUES (?1, ?2, ?3, ?4, ?5, '2010-01-01', '2015-01-01')").unwrap();
            let mut case = tx.prepare_cached("INSERT INTO cases (case_no, borrower_id, city, bank_id, insurer_id, agreement_id, status, principal_fen, annual_rate, term_months, repayment, guarantee_rate, accident_rate, application_date, contract_date, quote_json, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '0.05655', 12, ?9, '0.02', '0.005', ?10, ?11, ?12, '2015-01-01', '2015-01-01')").unwrap();
            let mut sched = tx.prepare_cached("INSERT INTO schedule (case_id, period, due_date, principal_fen, interest_fen, payment_fen, balance_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)").unwrap();
            let mut decision = tx.prepare_cached("INSERT INTO decisions (case_id, side, approve, decided_on) VALUES (?1, ?2, 1, ?3)").unwrap();
            let mut contract = tx.prepare_cached("INSERT INTO contracts (case_id, doc_kind, doc_no, signed_on, premium_fen) VALUES (?1, ?2, ?3, ?4, ?5)").unwrap();
            let mut premium = tx.prepare_cached("INSERT INTO premiums (case_id, line, amount_fen, received_on) VALUES (?1, ?2, ?3, ?4)").unwrap();
            let mut disbursement = tx.prepare_cached("INSERT INTO disbursements (case_id, amount_fen, disbursed_on) VALUES (?1, ?2, ?3)").unwrap();
            let mut repayment = tx.prepare_cached("INSERT INTO repayments (case_id, paid_on, amount_fen, allocation_json, kind, schedule_version, principal_fen, interest_fen) VALUES (?1, ?2, ?3, ?4, 'installment', 1, ?5, ?6)").unwrap();
            let mut claim = tx.prepare_cached("INSERT INTO claims (case_id, cutoff, outstanding_principal_fen, interest_due_fen, interest_accrued_fen, recovered_before_fen, loss_fen, insurer_fen, bank_fen, members_json, filed_on, paid_on) VALUES (?1, ?2, ?3, 0, 0, 0, ?3, ?4, ?5, '[]', ?6, ?7)").unwrap();
            for k in n..(n + 2000).min(cases) {
                let city_i = (k % 7) as usize;
                let city = CITIES[city_i];
                let (bank, agreement) = banks[city_i][(k / 7 % 2) as usize];
                let kind = kinds[(k % 4) as usize];
                let person = kind == "farmer" || kind == "entrepreneur";
                let name = if person {
                    format!(
                        "{}{}",
                        SURNAMES[(k % 20) as usize],
                        GIVEN[(k / 20 % 24) as usize]
                    )
                } else {
                    format!(
                        "{}{}{}有限公司{k}",
                        city,
                        SURNAMES[(k % 20) as usize],
                        TRADES[(k % 8) as usize]
                    )
                };
                let id = if person {
                    format!("3706{k:013}X")
                } else {
                    format!("9137{k:013}X")
                };
                borrower
                    .execute(params![
                        kind,
                        name,
                        id,
                        city,
                        if person { "" } else { "王海" }
                    ])
                    .unwrap();
                let borrower_id = tx.last_insert_rowid();
                let applied = first + Days::new(u64::from(k % 365));
                let contract_day = applied + Days::new(10);
                let principal = Money::yuan(100_000 + i64::from(k % 90) * 10_000);
                // One loan in eight is repaid in one sum at term (a bullet loan).
                let method = if k % 8 == 3 {
                    RepaymentMethod::Bullet
                } else {
                    RepaymentMethod::ALL[(k % 3) as usize]
                };
                let lines = schedule(method, principal, Rate::percent("5.655"), 12, contract_day);
                let defaults = k % 25 == 0;
                let claimed = k % 50 == 0;
                let paid_periods: Vec<_> = lines
                    .iter()
                    .filter(|l| l.due_date <= year_end && !(defaults && l.period > 4))
                    .collect();
                let status = if claimed {
                    "claim_paid"
                } else if defaults {
                    "overdue"
                } else if paid_periods.len() == lines.len() {
                    "repaid"
                } else {
                    "disbursed"
                };
                let g = principal.as_decimal() * rust_decimal::Decimal::new(2, 2);
                let gp = Money::from_fen(
                    (g * rust_decimal::Decimal::ONE_HUNDRED)
                        .round()
                        .try_into()
                        .unwrap(),
                );
                let ap = Money::from_fen(gp.fen() / 4);
                let quote = format!(
                    r#"{{"reference_rate":"0.0435","rate_cap":"0.05655","total_interest":"0.00","premium_base":"0.00","guarantee_premium":"{gp}","accident_premium":"{ap}","total_premium":"0.00","financing_cost":"0.00","warnings":[]}}"#
                );
                let c = contract_day.to_string();
                case.execute(params![
                    format!("SD-{k:07}"),
                    borrower_id,
                    city,
                    bank,
                    pool,
                    agreement,
                    status,
                    principal.fen(),
                    method.code(),
                    applied.to_string(),
                    c,
                    quote
                ])
                .unwrap();
                let id = tx.last_insert_rowid();
                for l in &lines {
                    sched
                        .execute(params![
                            id,
                            l.period,
                            l.due_date.to_string(),
                            l.principal.fen(),
                            l.interest.fen(),
                            l.payment.fen(),
                            l.balance.fen()
                        ])
                        .unwrap();
                }
                for side in ["insurer", "bank"] {
                    decision
                        .execute(params![id, side, (applied + Days::new(5)).to_string()])
                        .unwrap();
                }
                for (doc, prefix, premium) in [
                    ("loan_contract", "DK", None),
                    ("guarantee_policy", "BZ", Some(gp.fen())),
                    ("accident_policy", "YW", Some(ap.fen())),
                ] {
                    contract
                        .execute(params![id, doc, format!("{prefix}-{k:07}"), c, premium])
                        .unwrap();
                }
                premium
                    .execute(params![id, "guarantee", gp.fen(), c])
                    .unwrap();
                premium
                    .execute(params![id, "accident", ap.fen(), c])
                    .unwrap();
                disbursement
                    .execute(params![id, principal.fen(), c])
                    .unwrap();
                for l in &paid_periods {
                    let alloc = format!(
                        "[[{},{},{}]]",
                        l.period,
                        l.interest.fen(),
                        l.principal.fen()
                    );
                    repayment
                        .execute(params![
                            id,
                            l.due_date.to_string(),
                            l.payment.fen(),
                            alloc,
                            l.principal.fen(),
                            l.interest.fen()
                        ])
                        .unwrap();
                    repayments += 1;
                }
                if claimed {
                    let outstanding: i64 = principal.fen()
                        - paid_periods.iter().map(|l| l.principal.fen()).sum::<i64>();
                    let filed = lines[4].due_date + Days::new(100);
                    if filed <= year_end {
                        let insurer = outstanding * 7 / 10;
                        claim
                            .execute(params![
                                id,
                                filed.to_string(),
                                outstanding,
                                insurer,
                                outstanding - insurer,
                                filed.to_string(),
                                (filed + Days::new(8)).to_string()
                            ])
                            .unwrap();
                    }
                }
            }
        }
        tx.commit().unwrap();
        n += 2000;
    }
    // Written by SQL of its own, the book gets its loans' standing rows as the desk's
    // writes keep them.
    surety_store::standings::refresh_all(conn).unwrap();
    (repayments, start.elapsed())
}

fn main() {
    let cases: u32 = std::env::var("SURETY_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("province.db");
    let admin = NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        organisation_id: None,
    };
    let mut desk = Desk::init_for(
        surety::api::DatabaseUse::Replay,
        &db,
        &admin,
        "bench-password-2016",
        surety::api::KdfParams::for_tests(),
    )
    .unwrap();
    setup(&mut desk);
    let (repayments, built) = province(desk.store().connection(), cases);
    desk.set_today(NaiveDate::from_ymd_opt(2017, 1, 5).unwrap());
    println!(
        "built {cases} cases, {repayments} repayment rows in {:.1} s",
        built.as_secs_f64()
    );
    let conn = desk.store().connection();
    conn.execute_batch("ANALYZE").unwrap();

    let runs = |f: &mut dyn FnMut()| -> Duration {
        median(
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let bare_repayments = runs(&mut || {
        let mut stmt = conn
            .prepare_cached(
                "SELECT case_id, paid_on, amount_fen, principal_fen, interest_fen FROM repayments",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut sum = 0i64;
        while let Some(r) = rows.next().unwrap() {
            sum += r.get::<_, i64>(2).unwrap();
        }
        assert!(sum > 0);
    });
    let bare_schedule = runs(&mut || {
        let mut stmt = conn
            .prepare_cached(
                "SELECT case_id, period, due_date, principal_fen, interest_fen FROM schedule",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut n = 0u64;
        while let Some(r) = rows.next().unwrap() {
            let _: String = r.get(2).unwrap();
            n += 1;
        }
        assert!(n > 0);
    });
    let quarter = |q: u8| {
        let scope = Desk::report_scope(2016, q, None).unwrap();
        runs(&mut || {
            let r = desk.quarter_report(scope).unwrap();
            assert!(r.business_total.loans_on_book > 0);
        })
    };
    let q3 = quarter(3);
    let q4 = quarter(4);
    let book = runs(&mut || {
        let d = desk.dashboard().unwrap();
        assert!(!d.npl.is_empty());
    });
    let on_book: i64 = conn
        .query_row(
            "SELECT count(*) FROM cases WHERE status IN ('disbursed', 'overdue', 'claimed', 'claim_refused', 'claim_paid', 'recovery')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let input = CreditReportInput {
        organisation: "sd-pool".into(),
        report_date: "2016-12-31".into(),
    };
    let preview = runs(&mut || {
        let r = desk.credit_preview(&input).unwrap();
        assert_eq!(r.accounts, cases);
    });
    let out = dir.path().join("credit.zip");
    let t = Instant::now();
    let written = desk
        .credit_report_to(&input, "bench-file-pass", &out)
        .unwrap();
    let first_file = t.elapsed();
    let t = Instant::now();
    let again = desk
        .credit_report_to(&input, "bench-file-pass", &dir.path().join("again.zip"))
        .unwrap();
    let second = t.elapsed();

    println!("| what | median |");
    println!("|---|---|");
    println!(
        "| bare SELECT of every repayment row ({repayments}) | {} |",
        ms(bare_repayments)
    );
    println!(
        "| bare SELECT of every schedule row | {} |",
        ms(bare_schedule)
    );
    println!("| quarter report 2016Q3, every city | {} |", ms(q3));
    println!("| quarter report 2016Q4, every city | {} |", ms(q4));
    println!(
        "| dashboard (admin), {on_book} loans on the books | {} |",
        ms(book)
    );
    println!(
        "| credit preview, {cases} guarantee accounts | {} |",
        ms(preview)
    );
    println!(
        "| credit file, first run ({} records, {} bytes zipped) | {} |",
        written.files.iter().map(|f| f.records).sum::<u32>(),
        std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0),
        ms(first_file)
    );
    println!(
        "| credit file, next run ({} changed) | {} |",
        again.accounts - again.unchanged,
        ms(second)
    );
}
