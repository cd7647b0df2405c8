//! Issue 13, point 6 — R-CLAIM-3 (§3.1): the borrower accident claim is paid to the bank
//! first and applied to the loan; only what remains becomes a guarantee loss. Through the
//! `surety` binary in Weifang (潍坊银行 × CPIC alone, insurer share 80%, 60-day waiting
//! period, accident rate 1%).
//!
//! 120,000.00 interest-monthly over 12 months at 5.655% from 2016-03-10 (565.50 a month);
//! the sum insured is the premium base, 120,000 + 12 × 565.50 = 126,786.00. Nothing is paid.
//! The borrower dies on 05-20; CPIC pays 50,000.00 on 05-25:
//! - the periods of 04-10 and 05-10 first: 2 × 565.50 = 1,131.00;
//! - the rest, 48,869.00, early: interest 05-10 → 05-25 (15 days) 120,000 × 5.655% / 360 ×
//!   15 = 282.75, principal 48,586.25, leaving 71,413.75.
//!
//! The new schedule's 06-10 period accrues 05-25 → 06-10 (16 days): 71,413.75 × 5.655% /
//! 360 × 16 = 179.49; 07-10: 71,413.75 × 0.47125% = 336.54. Unpaid from 06-10, the claim
//! cut-off is 08-09: loss 71,413.75 + 179.49 + 336.54 + 30 days accrued 07-10 → 08-09
//! (336.54) = 72,266.32; CPIC 80% = 57,813.06.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn cpic_line(o: &Office, day: &str) -> Value {
    let lines = o.ok("auditor", day, &["loss-ratio"], json!({}));
    lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["insurer"] == "cpic" && l["city"] == "weifang")
        .cloned()
        .unwrap()
}

#[test]
fn r_claim_3_the_accident_claim_repays_the_loan_first_and_the_guarantee_covers_the_rest() {
    let o = weifang_pilot();
    let mut app = application(&WEIFANG, "潍坊福瑞家庭农场", CODE_A, "120000");
    app["borrower"]["address"] = json!("山东省潍坊市昌乐县新城街6号");
    let c = approved_with(&o, &WEIFANG, app, "2016-03-10");
    disbursed(&o, &WEIFANG, &c, "2016-03-10");
    let claim = |amount: &str| {
        json!({"case_no": c, "occurred_on": "2016-05-20", "cause": "借款人交通事故身故",
               "amount": amount})
    };

    // The bank cannot pay the insurer's claim; more than the borrower owes on 05-25
    // (1,131.00 + 120,000.00 + 282.75 = 121,413.75) is refused and changes nothing.
    o.refused(
        "bo-wf",
        "2016-05-25",
        &["case", "accident-claim"],
        &claim("50000").to_string(),
        "NOT_PERMITTED",
    );
    let e = o.refused(
        "uw-cpic",
        "2016-05-25",
        &["case", "accident-claim"],
        &claim("121413.76").to_string(),
        "R-CLAIM-3",
    );
    assert!(e.stderr.contains("121413.75"), "{}", e.stderr);
    let v = o.ok(
        "uw-cpic",
        "2016-05-25",
        &["case", "accident-claim"],
        claim("50000"),
    );
    // All that was due is paid: the loan runs on a lower balance.
    assert_eq!(v["status"], "disbursed");
    assert_eq!(v["accident_claims"][0]["amount"], "50000.00");
    let kinds: Vec<(&str, &str)> = v["repayments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("accident_claim", "1131.00"),
            ("accident_claim", "48869.00")
        ]
    );
    let s = v["schedule"].as_array().unwrap();
    let june = s.iter().find(|l| l["due_date"] == "2016-06-10").unwrap();
    assert_eq!(june["interest"], "179.49");
    let july = s.iter().find(|l| l["due_date"] == "2016-07-10").unwrap();
    assert_eq!(july["interest"], "336.54");

    // The guarantee claim covers only what remained.
    let v = o.ok(
        "bo-wf",
        "2016-08-10",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    assert_eq!(v["claim"]["outstanding_principal"], "71413.75");
    assert_eq!(v["claim"]["loss"], "72266.32");
    assert_eq!(v["claim"]["insurer"], "57813.06");
    o.ok(
        "uw-cpic",
        "2016-08-12",
        &["case", "pay-claim"],
        json!({"case_no": c}),
    );
    // Accident claims are reported apart and stay out of the guarantee loss ratio.
    let l = cpic_line(&o, "2016-08-12");
    assert_eq!(l["claims_paid"], "57813.06");
    assert_eq!(l["accident_claims_paid"], "50000.00");

    // The claim notice says the accident claim went to the loan first.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("claim.pdf");
    o.ok(
        "auditor",
        "2016-08-12",
        &[
            "print",
            "claim_notice",
            "--case",
            &c,
            "--out",
            pdf.to_str().unwrap(),
        ],
        json!({}),
    );
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace(['\n', ' '], "");
    assert!(
        text.contains("借款人意外伤害保险已赔付50,000.00元")
            && text.contains("2016-05-20借款人交通事故身故"),
        "{text}"
    );
}

#[test]
fn r_claim_3_a_claim_that_covers_the_payoff_settles_the_loan_and_nothing_more_is_claimed_on_it() {
    let o = weifang_pilot();
    let mut app = application(&WEIFANG, "潍坊顺达物流有限公司", CODE_B, "60000");
    app["borrower"]["address"] = json!("山东省潍坊市寿光市农圣街7号");
    app["repayment"] = json!("bullet");
    let c = approved_with(&o, &WEIFANG, app, "2016-03-10");
    disbursed(&o, &WEIFANG, &c, "2016-03-10");
    // Bullet, nothing due before 2017-03-10. On 06-10, 92 days: 60,000 × 5.655% / 360 × 92 =
    // 867.10; owed 60,867.10. Sum insured 60,000 + 60,000 × 5.655% = 63,393.00.
    let v = o.ok(
        "uw-cpic",
        "2016-06-10",
        &["case", "accident-claim"],
        json!({"case_no": c, "occurred_on": "2016-06-01", "cause": "借款人意外致残，丧失劳动能力",
               "amount": "60867.10"}),
    );
    assert_eq!(v["status"], "repaid");
    // Settled: nothing more can be claimed on it.
    o.refused(
        "uw-cpic",
        "2016-06-11",
        &["case", "accident-claim"],
        &json!({"case_no": c, "occurred_on": "2016-06-01", "cause": "再次", "amount": "1"})
            .to_string(),
        "WRONG_STATE",
    );
    // An accident before the contract or after today is not a date the claim can have.
    let c2 = {
        let mut app = application(&WEIFANG, "潍坊金禾粮油店", CODE_C, "60000");
        app["borrower"]["address"] = json!("山东省潍坊市青州市范公亭路8号");
        let c2 = approved_with(&o, &WEIFANG, app, "2016-03-10");
        disbursed(&o, &WEIFANG, &c2, "2016-03-10");
        c2
    };
    let e = o.refused(
        "uw-cpic",
        "2016-06-10",
        &["case", "accident-claim"],
        &json!({"case_no": c2, "occurred_on": "2016-06-11", "cause": "事故", "amount": "100"})
            .to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "occurred_on");
}
