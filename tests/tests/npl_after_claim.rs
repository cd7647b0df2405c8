//! Issue 13, point 3 — R-NPL-1 counts loans after a claim. Through the `surety` binary in
//! Weifang (潍坊银行 × CPIC alone, insurer share 80%, 60-day waiting period):
//!
//! - A: 120,000.00 interest-monthly over 12 months from 2016-03-10, never paid: overdue
//!   since 2016-04-10. Claim cut-off 04-10 + 60 days = 06-09. Loss (R-CLAIM-2): principal
//!   120,000.00, plus the interest of the periods due 04-10 and 05-10, 2 × 565.50 =
//!   1,131.00, plus the running period accrued 05-10 → 06-09, 30 days: 120,000 × 5.655% /
//!   360 × 30 = 565.50; together 121,696.50. Insurer 80%: 97,357.20; the bank keeps 24,339.30.
//! - B: 60,000.00 bullet over 12 months, due 2017-03-10: current until then.
//!
//! Days overdue from 2016-04-10: 07-09 is 90 (关注), 07-10 is 91 (次级), 2017-01-06 is 271
//! (可疑), 2017-04-06 is 361 (损失).

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn loan(o: &Office, name: &str, code: &str, principal: &str, method: &str) -> String {
    let mut app = application(&WEIFANG, name, code, principal);
    app["repayment"] = json!(method);
    app["borrower"]["address"] = json!("山东省潍坊市坊子区凤凰街4号");
    let c = approved_with(o, &WEIFANG, app, "2016-03-10");
    disbursed(o, &WEIFANG, &c, "2016-03-10");
    c
}

/// The bank's NPL line on `day`, as its own officer sees it.
fn npl(o: &Office, day: &str) -> Value {
    let d = o.ok("bo-wf", day, &["dashboard"], json!({}));
    d["npl"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["bank"] == "wfb-wf")
        .cloned()
        .unwrap_or_else(|| panic!("no 潍坊银行 line: {d}"))
}

fn figures(l: &Value) -> [&str; 7] {
    [
        "balance",
        "npl_balance",
        "substandard",
        "doubtful",
        "loss",
        "insurer_paid",
        "npl_ratio",
    ]
    .map(|k| l[k].as_str().unwrap_or("—"))
}

#[test]
fn r_npl_1_a_claimed_loan_stays_on_the_banks_book_and_ages_into_doubtful_and_loss() {
    let o = weifang_pilot();
    let a = loan(
        &o,
        "潍坊鑫达机械配件厂",
        CODE_A,
        "120000",
        "interest_monthly",
    );
    loan(&o, "潍坊绿源生态农场", CODE_B, "60000", "bullet");

    let v = o.ok(
        "bo-wf",
        "2016-06-15",
        &["case", "claim"],
        json!({"case_no": a}),
    );
    assert_eq!(v["claim"]["loss"], "121696.50");
    assert_eq!(v["claim"]["insurer"], "97357.20");
    assert_eq!(v["claim"]["bank"], "24339.30");
    // Filed, not yet paid: the whole 120,000.00 is still the bank's, 69 days overdue (关注).
    assert_eq!(
        figures(&npl(&o, "2016-06-18")),
        ["180000.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00%"]
    );

    o.ok(
        "uw-cpic",
        "2016-06-20",
        &["case", "pay-claim"],
        json!({"case_no": a}),
    );
    // Paid: the bank keeps 24,339.30, beside B's 60,000.00 = 84,339.30; still 关注 on 07-09,
    // 次级 on 07-10: 24,339.30 / 84,339.30 = 28.86%, over the 2% exemption.
    assert_eq!(
        figures(&npl(&o, "2016-07-09")),
        ["84339.30", "0.00", "0.00", "0.00", "0.00", "97357.20", "0.00%"]
    );
    let l = npl(&o, "2016-07-10");
    assert_eq!(
        figures(&l),
        ["84339.30", "24339.30", "24339.30", "0.00", "0.00", "97357.20", "28.86%"]
    );
    assert_eq!(l["exempt"], false);

    // A recovery of 10,000.00 on 08-01 is split 80/20 (R-RECOV-1): the bank is credited
    // 2,000.00 and keeps 22,339.30; 22,339.30 / 82,339.30 = 27.13%.
    let v = o.ok(
        "bo-wf",
        "2016-08-01",
        &["case", "recover"],
        json!({"case_no": a, "amount": "10000"}),
    );
    assert_eq!(v["recoveries"][0]["bank"], "2000.00");
    // R-RECOV-1 is capped at what is unrecovered: 121,696.50 − 10,000.00 = 111,696.50.
    let e = o.refused(
        "bo-wf",
        "2016-08-01",
        &["case", "recover"],
        &json!({"case_no": a, "amount": "111696.51"}).to_string(),
        "R-RECOV-1",
    );
    assert!(e.stderr.contains("111696.50"), "{}", e.stderr);
    assert_eq!(
        figures(&npl(&o, "2016-08-01")),
        ["82339.30", "22339.30", "22339.30", "0.00", "0.00", "97357.20", "27.13%"]
    );
    // It keeps ageing: 可疑 at 271 days, 损失 at 361 (B, due 2017-03-10 and unpaid, is 27
    // days overdue then: 关注, in the balance but not non-performing).
    assert_eq!(
        figures(&npl(&o, "2017-01-06")),
        ["82339.30", "22339.30", "0.00", "22339.30", "0.00", "97357.20", "27.13%"]
    );
    assert_eq!(
        figures(&npl(&o, "2017-04-06")),
        ["82339.30", "22339.30", "0.00", "0.00", "22339.30", "97357.20", "27.13%"]
    );
    let v = o.ok("bo-wf", "2017-04-06", &["case", "show", &a], json!({}));
    assert_eq!(v["overdue"]["days"], 361);
    assert_eq!(v["overdue"]["class"], "损失");

    // Closed (written off): off the book; only B is left.
    o.ok(
        "bo-wf",
        "2017-04-10",
        &["case", "close"],
        json!({"case_no": a, "note": "追偿终结，核销"}),
    );
    assert_eq!(
        figures(&npl(&o, "2017-04-10")),
        ["60000.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00%"]
    );
}
