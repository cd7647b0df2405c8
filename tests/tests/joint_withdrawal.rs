//! Issue 13, point 11: withdrawal belongs to its owner. Through the `surety` binary in
//! Weifang (CPIC alone, guarantee 2%, accident 1%): after both approvals only the bank and
//! the insurer withdraw, together; the premiums received are refunded and leave the loss
//! ratio from the refund day.
//!
//! Premiums (DOMAIN.md: base = principal + scheduled interest, 12 months at 5.655%, i.e.
//! 0.47125% a month, interest-monthly):
//! - 120,000.00: interest 565.50 × 12 = 6,786.00, base 126,786.00 → guarantee 2,535.72,
//!   accident 1,267.86;
//! - 60,000.00: interest 282.75 × 12 = 3,393.00, base 63,393.00 → guarantee 1,267.86,
//!   accident 633.93.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn weifang_case(o: &Office, name: &str, code: &str, principal: &str) -> String {
    let mut app = application(&WEIFANG, name, code, principal);
    app["borrower"]["address"] = json!("山东省潍坊市寒亭区民主街3号");
    approved_with(o, &WEIFANG, app, "2016-03-10")
}

fn cpic_premiums(o: &Office, day: &str) -> Value {
    let lines = o.ok("auditor", day, &["loss-ratio"], json!({}));
    lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["insurer"] == "cpic" && l["city"] == "weifang")
        .map(|l| l["premiums_received"].clone())
        .unwrap_or_else(|| panic!("no CPIC line in Weifang: {lines}"))
}

fn withdraw(o: &Office, user: &str, day: &str, c: &str, reason: &str) -> Value {
    o.ok(
        user,
        day,
        &["case", "withdraw"],
        json!({"case_no": c, "note": reason}),
    )
}

#[test]
fn after_approval_the_bank_and_the_insurer_withdraw_together_and_the_premiums_go_back() {
    let o = weifang_pilot();
    let a = weifang_case(&o, "潍坊德润建材有限公司", CODE_A, "120000");
    signed_and_paid(&o, &WEIFANG, &a, "2016-03-10");
    let b = weifang_case(&o, "潍坊百川渔具厂", CODE_B, "60000");
    disbursed(&o, &WEIFANG, &b, "2016-03-10");
    // Guarantee premiums only (R-STOP-1): 2,535.72 + 1,267.86 = 3,803.58.
    assert_eq!(cpic_premiums(&o, "2016-03-10"), "3803.58");

    // The field agent took A in, but both sides have decided: not theirs to withdraw.
    o.refused(
        "agent",
        "2016-03-15",
        &["case", "withdraw"],
        &json!({"case_no": a, "note": "客户不要了"}).to_string(),
        "WRONG_STATE",
    );
    // The bank agrees first: the case stays as it is, waiting for the insurer, and no
    // money can go out meanwhile.
    let v = withdraw(
        &o,
        "bo-wf",
        "2016-03-15",
        &a,
        "借款人另有资金来源，不再需要贷款",
    );
    assert_eq!(v["status"], "premiums_received");
    assert_eq!(v["withdrawal_consents"][0]["side"], "bank");
    assert!(v["premium_refunds"].as_array().unwrap().is_empty());
    o.refused(
        "bo-wf",
        "2016-03-15",
        &["case", "withdraw"],
        &json!({"case_no": a, "note": "再次撤回"}).to_string(),
        "INVALID_INPUT",
    );
    o.refused(
        "bo-wf",
        "2016-03-15",
        &["case", "disburse"],
        &json!({"case_no": a}).to_string(),
        "WRONG_STATE",
    );
    let todo = o.ok("uw-cpic", "2016-03-15", &["dashboard"], json!({}));
    assert!(
        todo["todo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["case_no"] == a.as_str() && t["task"] == "confirm_withdrawal"),
        "{todo}"
    );
    assert_eq!(cpic_premiums(&o, "2016-03-15"), "3803.58");

    // The insurer confirms on 03-20: withdrawn, both premiums refunded in full that day.
    let v = withdraw(&o, "uw-cpic", "2016-03-20", &a, "同意撤回，保费全额退还");
    assert_eq!(v["status"], "withdrawn");
    let refunds: Vec<(String, String, String)> = v["premium_refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_str().unwrap().to_string(),
                r["amount"].as_str().unwrap().to_string(),
                r["refunded_on"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        refunds,
        vec![
            ("guarantee".into(), "2535.72".into(), "2016-03-20".into()),
            ("accident".into(), "1267.86".into(), "2016-03-20".into()),
        ]
    );
    assert!(v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["summary"]
            .as_str()
            .unwrap()
            .contains("premiums refunded: guarantee 2535.72, accident 1267.86")));
    // From the refund day only B's 1,267.86 counts; a day before, A's still did.
    assert_eq!(cpic_premiums(&o, "2016-03-20"), "1267.86");
    assert_eq!(cpic_premiums(&o, "2016-03-19"), "3803.58");
}

#[test]
fn an_approved_case_without_premiums_is_withdrawn_by_both_with_nothing_to_refund() {
    let o = weifang_pilot();
    let c = weifang_case(&o, "潍坊长青果蔬专业合作社", CODE_C, "80000");
    // This time the insurer asks first and the bank confirms.
    let v = withdraw(&o, "uw-cpic", "2016-03-12", &c, "借款人经营发生重大变化");
    assert_eq!(v["status"], "approved");
    let v = withdraw(&o, "bo-wf", "2016-03-14", &c, "同意");
    assert_eq!(v["status"], "withdrawn");
    assert_eq!(v["withdrawal_consents"].as_array().unwrap().len(), 2);
    assert!(v["premium_refunds"].as_array().unwrap().is_empty());
    assert!(v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["summary"]
            .as_str()
            .unwrap()
            .contains("no premium had been received")));
}
