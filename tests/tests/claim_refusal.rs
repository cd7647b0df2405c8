//! Issue 13, point 7 — R-CLAIM-4 (§4.3 拒赔/拖赔) through the `surety` binary, in Weifang:
//! 潍坊银行 with CPIC alone (the default 10-day payment period) and 潍坊农商银行 with the
//! three-party pool's sd-pool (insurer share 75%, 30-day waiting period, 15 days to pay).
//! Day counts are worked by hand in the comments.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

/// 潍坊农商银行 × the pool, 15 days to pay a claim.
const WFRCB: Channel = Channel {
    city: "weifang",
    bank: "wfrcb-wf",
    insurer: "sd-pool",
    banker: "bo-wfrcb",
    underwriter: "uw-pool",
};

fn office() -> Office {
    let o = weifang_pilot();
    let admin = |args: &[&str], body: Value| o.ok("admin", "2015-12-01", args, body);
    admin(
        &["org", "add"],
        json!({"kind": "bank", "code": "wfrcb-wf", "name": "潍坊农村商业银行", "city": "weifang"}),
    );
    let terms = |days: u32| {
        json!({"bank": "wfrcb-wf", "insurer": "sd-pool", "city": "weifang", "insurer_share": "0.75",
               "waiting_period_days": 30, "claim_payment_days": days, "guarantee_rate": "0.02",
               "accident_rate": "0.005", "signed_on": "2015-11-25"})
    };
    // The period is held to 1..=90 days, and a refused agreement is not half-written.
    for days in [0, 91] {
        let e = o.refused(
            "admin",
            "2015-12-01",
            &["agreement"],
            &terms(days).to_string(),
            "INVALID_INPUT",
        );
        assert_eq!(e.error()["field"], "claim_payment_days", "{}", e.stderr);
    }
    let a = admin(&["agreement"], terms(15));
    assert_eq!(a["claim_payment_days"], 15);
    admin(
        &["user", "add"],
        json!({"username": "bo-wfrcb", "display_name": "潍坊农商行 邱敏", "role": "bank_officer",
               "organisation": "wfrcb-wf"}),
    );
    o
}

/// A 12-month interest-monthly loan disbursed on 2016-03-10 whose borrower never pays:
/// overdue from the first due date, 2016-04-10.
fn defaulted(o: &Office, ch: &Channel, name: &str, code: &str, principal: &str) -> String {
    let mut app = application(ch, name, code, principal);
    app["borrower"]["address"] = json!("山东省潍坊市潍城区东风西街2号");
    let c = approved_with(o, ch, app, "2016-03-10");
    disbursed(o, ch, &c, "2016-03-10");
    c
}

fn todo_of(o: &Office, user: &str, day: &str, case_no: &str) -> Option<Value> {
    let d = o.ok(user, day, &["dashboard"], json!({}));
    d["todo"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["case_no"] == case_no)
        .cloned()
}

fn loss_line(o: &Office, day: &str, insurer: &str) -> Value {
    let lines = o.ok("auditor", day, &["loss-ratio"], json!({}));
    lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["insurer"] == insurer && l["city"] == "weifang")
        .cloned()
        .unwrap_or_else(|| panic!("no {insurer} line in Weifang: {lines}"))
}

#[test]
fn r_claim_4_a_claim_past_the_payment_period_is_delayed_and_a_refusal_needs_a_reason() {
    let o = office();
    let c = defaulted(&o, &WEIFANG, "潍坊恒盛五金加工厂", CODE_A, "120000");
    // A recovery before the claim is capped at what the borrower owes on 06-15: the
    // interest of 04-10, 05-10 and 06-10 (3 × 565.50 = 1,696.50), the principal 120,000.00
    // and 06-10 → 06-15 accrued (5 days: 120,000 × 5.655% / 360 × 5 = 94.25): 121,790.75.
    o.ok("bo-wf", "2016-06-15", &["case", "overdue"], json!({}));
    let e = o.refused(
        "bo-wf",
        "2016-06-15",
        &["case", "recover"],
        &json!({"case_no": c, "amount": "121790.76"}).to_string(),
        "R-RECOV-1",
    );
    assert!(e.stderr.contains("121790.75"), "{}", e.stderr);
    // Overdue since 04-10; the 60-day waiting period ends 06-09. Filed 06-15, the
    // agreement's 10 days run to 06-25.
    let v = o.ok(
        "bo-wf",
        "2016-06-15",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    assert_eq!(v["claim"]["payment_due_on"], "2016-06-25");
    // On 06-25 the insurer is still within the period: an ordinary to-do, no delay.
    let t = todo_of(&o, "uw-cpic", "2016-06-25", &c).expect("the insurer's to-do");
    assert_eq!(t["task"], "pay_claim");
    assert!(todo_of(&o, "bo-wf", "2016-06-25", &c).is_none());
    assert_eq!(loss_line(&o, "2016-06-25", "cpic")["claims_delayed"], 0);

    // On 06-28, 06-26 … 06-28 are 3 days past the period: delayed on both sides' lists
    // and in the statistics.
    for user in ["uw-cpic", "bo-wf"] {
        let t = todo_of(&o, user, "2016-06-28", &c).expect("a to-do for both sides");
        assert_eq!(t["task"], "claim_delayed", "{user}: {t}");
        assert_eq!(t["days_late"], 3, "{user}: {t}");
    }
    let line = loss_line(&o, "2016-06-28", "cpic");
    assert_eq!(
        (&line["claims_pending"], &line["claims_delayed"]),
        (&json!(1), &json!(1))
    );
    let v = o.ok("bo-wf", "2016-06-28", &["case", "show", &c], json!({}));
    assert_eq!(v["claim"]["delayed"], true);
    assert_eq!(v["claim"]["days_late"], 3);

    // A refusal without a reason, or by the bank, changes nothing.
    let e = o.refused(
        "uw-cpic",
        "2016-06-28",
        &["case", "refuse-claim"],
        &json!({"case_no": c, "note": "  "}).to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "note");
    o.refused(
        "bo-wf",
        "2016-06-28",
        &["case", "refuse-claim"],
        &json!({"case_no": c, "note": "银行不能拒赔"}).to_string(),
        "NOT_PERMITTED",
    );
    let v = o.ok("auditor", "2016-06-28", &["case", "show", &c], json!({}));
    assert_eq!(v["status"], "claimed");
    assert!(v["claim"]["refused_on"].is_null());

    // Refused with a reason on 06-28: the bank reads it on the case, the claim can no
    // longer be paid, and the refusal (3 days late) is on the record.
    let reason = "借款人隐瞒对外担保，属保险条款第七条除外责任";
    o.ok(
        "uw-cpic",
        "2016-06-28",
        &["case", "refuse-claim"],
        json!({"case_no": c, "note": reason}),
    );
    let v = o.ok("bo-wf", "2016-06-29", &["case", "show", &c], json!({}));
    assert_eq!(v["status"], "claim_refused");
    assert_eq!(v["claim"]["refused_on"], "2016-06-28");
    assert_eq!(v["claim"]["refusal_reason"], reason);
    assert_eq!(v["claim"]["days_late"], 3);
    assert_eq!(v["claim"]["delayed"], false);
    let refusal = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "case.claim_refused")
        .expect("the refusal is audited");
    assert!(
        refusal["summary"].as_str().unwrap().contains(reason)
            && refusal["summary"]
                .as_str()
                .unwrap()
                .contains("3 days after"),
        "{refusal}"
    );
    o.refused(
        "uw-cpic",
        "2016-06-29",
        &["case", "pay-claim"],
        &json!({"case_no": c}).to_string(),
        "WRONG_STATE",
    );
    let t = todo_of(&o, "bo-wf", "2016-06-29", &c).expect("the bank's to-do");
    assert_eq!(t["task"], "claim_refused");
    assert!(todo_of(&o, "uw-cpic", "2016-06-29", &c).is_none());
    let line = loss_line(&o, "2016-06-29", "cpic");
    assert_eq!(
        (
            &line["claims_pending"],
            &line["claims_delayed"],
            &line["claims_refused"],
            &line["claims_paid"]
        ),
        (&json!(0), &json!(0), &json!(1), &json!("0.00"))
    );

    // The insurer paid nothing, so a later recovery is all the bank's; then it closes.
    let v = o.ok(
        "bo-wf",
        "2016-07-20",
        &["case", "recover"],
        json!({"case_no": c, "amount": "5000"}),
    );
    assert_eq!(v["status"], "claim_refused");
    let r = &v["recoveries"][0];
    assert_eq!(
        (&r["insurer"], &r["bank"]),
        (&json!("0.00"), &json!("5000.00"))
    );
    let v = o.ok(
        "bo-wf",
        "2016-07-21",
        &["case", "close"],
        json!({"case_no": c, "note": "拒赔后自行追偿完毕"}),
    );
    assert_eq!(v["status"], "closed");
}

#[test]
fn r_claim_4_the_agreements_own_period_decides_when_a_payment_is_late() {
    let o = office();
    let c = defaulted(&o, &WFRCB, "潍坊瑞丰家庭农场", CODE_B, "90000");
    // Overdue since 04-10; the 30-day waiting period ends 05-10. Filed 05-12, the 15 days
    // run to 05-27: on 05-27 the pool is within them, on 05-28 one day late.
    let v = o.ok(
        "bo-wfrcb",
        "2016-05-12",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    assert_eq!(v["claim"]["payment_due_on"], "2016-05-27");
    let t = todo_of(&o, "uw-pool", "2016-05-27", &c).expect("the pool's to-do");
    assert_eq!(t["task"], "pay_claim");
    let t = todo_of(&o, "bo-wfrcb", "2016-05-28", &c).expect("the bank's to-do");
    assert_eq!(
        (&t["task"], &t["days_late"]),
        (&json!("claim_delayed"), &json!(1))
    );
    assert_eq!(loss_line(&o, "2016-05-28", "sd-pool")["claims_delayed"], 1);

    // Paid on 05-29, 2 days late (05-28, 05-29): no longer delayed, but the lateness stays
    // on the claim and in the audit record.
    let v = o.ok(
        "uw-pool",
        "2016-05-29",
        &["case", "pay-claim"],
        json!({"case_no": c}),
    );
    assert_eq!(v["status"], "claim_paid");
    assert_eq!(v["claim"]["paid_on"], "2016-05-29");
    assert_eq!(v["claim"]["days_late"], 2);
    assert_eq!(v["claim"]["delayed"], false);
    assert!(v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "case.claim_paid"
            && e["summary"]
                .as_str()
                .unwrap()
                .contains("paid 2 days after the 15-day payment period")));
    let line = loss_line(&o, "2016-05-30", "sd-pool");
    assert_eq!(
        (&line["claims_pending"], &line["claims_delayed"]),
        (&json!(0), &json!(0))
    );
    assert!(todo_of(&o, "bo-wfrcb", "2016-05-30", &c).is_none());
}
