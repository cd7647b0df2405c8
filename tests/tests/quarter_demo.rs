//! Issue 14 — the demo's year, replayed by the real `surety demo`: every quarter's report
//! agrees with figures this test derives on its own by walking each case's events as
//! `case show` gives them (applications, decisions, disbursement, premiums, repayments,
//! claims, recoveries, closing), summed in integer fen here — never by calling the report's
//! code or reading its tables.

use serde_json::Value;
use std::process::Command;
use surety_e2e::cli::surety_binary;
use surety_e2e::demo::{demo_data, demo_db, DEMO_PASSWORD};
use surety_e2e::quarter::{expected, fen, reported};

fn run(db: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(surety_binary())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SURETY_PASSWORD", DEMO_PASSWORD)
        .env("SURETY_TEST_FAST_KDF", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "surety {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn r_report_1_every_quarter_of_the_demo_year_agrees_with_its_cases() {
    let (_guard, data) = demo_data(90);
    let db = demo_db(&data);
    let mut cases = Vec::new();
    let mut offset = 0;
    loop {
        let page = run(
            &db,
            &[
                "case",
                "list",
                "--limit",
                "500",
                "--offset",
                &offset.to_string(),
            ],
        );
        let page = page.as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        offset += page.len();
        for row in page {
            cases.push(run(
                &db,
                &["case", "show", row["case_no"].as_str().unwrap()],
            ));
        }
    }
    assert!(cases.len() >= 80, "{} cases", cases.len());
    let mut busy_quarters = 0;
    for (q, from, to) in [
        ("1", "2016-01-01", "2016-03-31"),
        ("2", "2016-04-01", "2016-06-30"),
        ("3", "2016-07-01", "2016-09-30"),
        ("4", "2016-10-01", "2016-12-31"),
    ] {
        let report = run(
            &db,
            &["report", "quarter", "--year", "2016", "--quarter", q],
        );
        let want = expected(&cases, from, to);
        assert_eq!(reported(&report), want, "2016Q{q}");
        if want.disbursed_count > 0 && want.loans_on_book > 0 {
            busy_quarters += 1;
        }
        // The business lines add up to the total, and the NPL table covers the same book.
        let npl_balance: i64 = report["npl"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| fen(&l["balance"]))
            .sum();
        assert_eq!(npl_balance, want.balance_fen, "2016Q{q} NPL balance");
    }
    assert!(busy_quarters >= 3, "the demo should lend in most quarters");
}
