//! Issue 13, point 2 — R-STOP-2 compensation per city and pilot year, with the city
//! government's payments, through the `surety` binary in Weifang (潍坊银行 × CPIC alone,
//! insurer share 80%, 60-day waiting period, pilot years from 1 January).
//!
//! One 120,000.00 interest-monthly loan from 2016-03-10 is the only CPIC business in
//! Weifang: guarantee premium 2% of (120,000 + 12 × 565.50) = 2% × 126,786.00 = 2,535.72.
//! It never pays; the claim paid on 2016-06-20 is the insurer's 80% of 121,696.50 (see
//! npl_after_claim.rs) = 97,357.20. Due from the city: 97,357.20 − 1.5 × 2,535.72 =
//! 97,357.20 − 3,803.58 = 93,553.62.

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
        .unwrap_or_else(|| panic!("no CPIC line in Weifang: {lines}"))
}

fn compensation(l: &Value) -> [&str; 3] {
    [
        "compensation_due",
        "compensation_paid",
        "compensation_outstanding",
    ]
    .map(|k| l[k].as_str().unwrap())
}

fn payment(amount: &str, paid_on: &str) -> Value {
    json!({"insurer": "cpic", "city": "weifang", "amount": amount, "paid_on": paid_on,
           "note": "潍坊市财政局拨付"})
}

#[test]
fn r_stop_2_the_citys_compensation_is_recorded_as_paid_and_outstanding() {
    let o = weifang_pilot();
    let mut app = application(&WEIFANG, "潍坊金源纺织有限公司", CODE_A, "120000");
    app["borrower"]["address"] = json!("山东省潍坊市高新区健康东街5号");
    let c = approved_with(&o, &WEIFANG, app, "2016-03-10");
    disbursed(&o, &WEIFANG, &c, "2016-03-10");
    o.ok(
        "bo-wf",
        "2016-06-15",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    o.ok(
        "uw-cpic",
        "2016-06-20",
        &["case", "pay-claim"],
        json!({"case_no": c}),
    );
    let l = cpic_line(&o, "2016-06-20");
    assert_eq!(l["year_start"], "2016-01-01");
    assert_eq!(l["premiums_received"], "2535.72");
    assert_eq!(l["claims_paid"], "97357.20");
    assert_eq!(compensation(&l), ["93553.62", "0.00", "93553.62"]);

    // Only the insurer owed (or an admin) records the city's payment.
    for user in ["bo-wf", "uw-pool"] {
        o.refused(
            user,
            "2016-09-01",
            &["compensation"],
            &payment("50000", "2016-09-01").to_string(),
            "NOT_PERMITTED",
        );
    }
    let v = o.ok(
        "uw-cpic",
        "2016-09-01",
        &["compensation"],
        payment("50000", "2016-09-01"),
    );
    assert_eq!(
        (&v["due"], &v["paid"], &v["outstanding"]),
        (&json!("93553.62"), &json!("50000.00"), &json!("43553.62"))
    );
    // More than is outstanding, or a payment not yet made, is refused and changes nothing.
    let e = o.refused(
        "uw-cpic",
        "2016-09-05",
        &["compensation"],
        &payment("50000", "2016-09-05").to_string(),
        "R-STOP-2",
    );
    assert!(e.stderr.contains("43553.62"), "{}", e.stderr);
    let e = o.refused(
        "uw-cpic",
        "2016-09-05",
        &["compensation"],
        &payment("1000", "2016-09-06").to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "paid_on");
    assert_eq!(
        compensation(&cpic_line(&o, "2016-12-31")),
        ["93553.62", "50000.00", "43553.62"]
    );

    // The rest arrives in February for the 2016 year: settled.
    let mut rest = payment("43553.62", "2017-02-10");
    rest["year_of"] = json!("2016-12-31");
    let v = o.ok("admin", "2017-02-10", &["compensation"], rest);
    assert_eq!(v["year_start"], "2016-01-01");
    assert_eq!(
        (&v["paid"], &v["outstanding"]),
        (&json!("93553.62"), &json!("0.00"))
    );
    assert_eq!(v["payments"].as_array().unwrap().len(), 2);
    // Looking back at 2016-12-31 shows what had been paid by then.
    assert_eq!(
        compensation(&cpic_line(&o, "2016-12-31")),
        ["93553.62", "50000.00", "43553.62"]
    );
}
