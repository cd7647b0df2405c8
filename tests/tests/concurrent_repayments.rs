//! Issue 17: two repayments of one loan entered at the same moment must not both be
//! allocated against the same reading. Four `surety case repay` processes race on one
//! Weifang loan (interest-monthly, 565.50 a month on 120,000.00 at 5.655%); whichever win,
//! what is allocated equals what was accepted and no period is paid beyond its schedule.

use serde_json::{json, Value};
use surety_e2e::pilot::*;

#[test]
fn racing_repayments_are_each_allocated_once() {
    let o = weifang_pilot();
    let mut app = application(&WEIFANG, "潍坊同心纸业有限公司", CODE_A, "120000");
    app["borrower"]["address"] = json!("山东省潍坊市奎文区文化路11号");
    let c = approved_with(&o, &WEIFANG, app, "2016-03-10");
    disbursed(&o, &WEIFANG, &c, "2016-03-10");

    let outcomes: Vec<i32> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    o.run(
                        Some("bo-wf"),
                        Some("2016-04-10"),
                        &["case", "repay"],
                        &json!({"case_no": c, "amount": "565.50"}).to_string(),
                    )
                    .code
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let accepted = outcomes.iter().filter(|c| **c == 0).count();
    assert!(accepted >= 1, "{outcomes:?}");

    let v = o.ok("auditor", "2016-04-10", &["case", "show", &c], json!({}));
    let repayments = v["repayments"].as_array().unwrap();
    assert_eq!(repayments.len(), accepted, "one row per accepted repayment");
    let fen = |x: &Value| -> i64 {
        let s = x.as_str().unwrap().replace('.', "");
        s.parse().unwrap()
    };
    // Each accepted 565.50 went to a different period: allocated = accepted × 565.50, and
    // no period holds more interest than its 565.50.
    let allocated: i64 = v["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let paid = fen(&l["interest_paid"]) + fen(&l["principal_paid"]);
            assert!(
                fen(&l["interest_paid"]) <= fen(&l["interest"]),
                "period {} over-paid: {l}",
                l["period"]
            );
            paid
        })
        .sum();
    assert_eq!(allocated, accepted as i64 * 56_550);
}
