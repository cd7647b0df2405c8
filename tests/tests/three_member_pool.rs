//! Issue 13's acceptance scenario with a pool of three: Tai'an, 泰安银行 with a pool led by
//! PICC (50%) with Ping An (30%) and CPIC (20%), insurer share 75%, a 45-day waiting period
//! and 20 days to pay a claim; an equal-principal loan. Through the `surety` binary.
//!
//! 90,000.00 over 6 months at 5.655% (0.47125% a month) from 2016-03-10, 15,000.00 principal
//! a month; never paid, so overdue from 04-10 and the cut-off is 04-10 + 45 days = 05-25.
//! Loss (R-CLAIM-2): principal 90,000.00, plus the interest of 04-10 (90,000 × 0.47125% =
//! 424.125 → 424.13) and of 05-10 (75,000 × 0.47125% = 353.4375 → 353.44), plus the running
//! period's opening balance 60,000 accrued 05-10 → 05-25 (15 days): 60,000 × 5.655% / 360 ×
//! 15 = 141.375 → 141.38; together 90,918.95. The pool pays 75%: 68,189.2125 → 68,189.21,
//! the bank 22,729.74. In the pool (R-SHARE-1, fen rounding to the lead): Ping An 30% =
//! 20,456.763 → 20,456.76, CPIC 20% = 13,637.842 → 13,637.84, PICC the rest, 34,094.61.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

const TAIAN: Channel = Channel {
    city: "taian",
    bank: "tab-ta",
    insurer: "ta-pool",
    banker: "bo-ta",
    underwriter: "uw-tapool",
};

fn office() -> Office {
    let o = pilot();
    let admin = |args: &[&str], body: Value| o.ok("admin", "2015-12-01", args, body);
    admin(
        &["org", "add"],
        json!({"kind": "pool", "code": "ta-pool", "name": "泰安小额贷款保证保险共保体"}),
    );
    admin(
        &["pool", "--pool", "ta-pool"],
        json!([{"insurer": "picc", "share": "0.5", "lead": true},
               {"insurer": "pingan", "share": "0.3"},
               {"insurer": "cpic", "share": "0.2"}]),
    );
    admin(
        &["org", "add"],
        json!({"kind": "bank", "code": "tab-ta", "name": "泰安银行", "city": "taian"}),
    );
    admin(
        &["agreement"],
        json!({"bank": "tab-ta", "insurer": "ta-pool", "city": "taian", "insurer_share": "0.75",
               "waiting_period_days": 45, "claim_payment_days": 20, "guarantee_rate": "0.02",
               "accident_rate": "0.005", "signed_on": "2015-11-25"}),
    );
    for (user, name, role, org) in [
        ("uw-tapool", "共保体核保 秦月", "underwriter", "ta-pool"),
        ("bo-ta", "泰安银行 冯涛", "bank_officer", "tab-ta"),
    ] {
        admin(
            &["user", "add"],
            json!({"username": user, "display_name": name, "role": role, "organisation": org}),
        );
    }
    o
}

/// The members' amounts, by insurer code (the order they are listed in is not the point).
fn members(v: &Value) -> Vec<(String, String)> {
    let mut m: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m[0].as_str().unwrap().to_string(),
                m[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    m.sort();
    m
}

#[test]
fn a_pool_of_three_shares_the_claim_and_the_recovery_with_the_lead_taking_the_fen() {
    let o = office();
    let mut app = application(&TAIAN, "泰安岱岳石材有限公司", CODE_A, "90000");
    app["repayment"] = json!("equal_principal");
    app["term_months"] = json!(6);
    app["borrower"]["address"] = json!("山东省泰安市岱岳区泰山大街10号");
    let c = approved_with(&o, &TAIAN, app, "2016-03-10");
    disbursed(&o, &TAIAN, &c, "2016-03-10");

    // One day short of the waiting period: no claim yet.
    o.refused(
        "bo-ta",
        "2016-05-24",
        &["case", "claim"],
        &json!({"case_no": c}).to_string(),
        "R-CLAIM-1",
    );
    let v = o.ok(
        "bo-ta",
        "2016-05-26",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    let k = &v["claim"];
    assert_eq!(k["cutoff"], "2016-05-25");
    assert_eq!(k["interest_due"], "777.57");
    assert_eq!(k["interest_accrued"], "141.38");
    assert_eq!(k["loss"], "90918.95");
    assert_eq!(
        (&k["insurer"], &k["bank"]),
        (&json!("68189.21"), &json!("22729.74"))
    );
    assert_eq!(
        members(&k["members"]),
        vec![
            ("cpic".into(), "13637.84".into()),
            ("picc".into(), "34094.61".into()),
            ("pingan".into(), "20456.76".into())
        ]
    );
    // 20 days to pay: due 06-15.
    assert_eq!(k["payment_due_on"], "2016-06-15");
    o.ok(
        "uw-tapool",
        "2016-06-01",
        &["case", "pay-claim"],
        json!({"case_no": c}),
    );

    // 10,000.00 recovered afterwards: 75% = 7,500.00 to the pool (Ping An 2,250.00, CPIC
    // 1,500.00, PICC 3,750.00), 2,500.00 to the bank (R-RECOV-1).
    let v = o.ok(
        "bo-ta",
        "2016-06-20",
        &["case", "recover"],
        json!({"case_no": c, "amount": "10000"}),
    );
    let r = &v["recoveries"][0];
    assert_eq!(
        (&r["insurer"], &r["bank"]),
        (&json!("7500.00"), &json!("2500.00"))
    );
    assert_eq!(
        members(&r["members"]),
        vec![
            ("cpic".into(), "1500.00".into()),
            ("picc".into(), "3750.00".into()),
            ("pingan".into(), "2250.00".into())
        ]
    );
}
