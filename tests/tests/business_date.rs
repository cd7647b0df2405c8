//! The business date: on a production database it is today, and `--as-of` only reads; a
//! step's value date is a field of its own, bounded by today, the case's previous step and
//! the quarters closed for the province.

use serde_json::{json, Value};
use surety_e2e::pilot::*;

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

fn audit_entries(o: &surety_e2e::cli::Office) -> u64 {
    let v = o.ok("admin", &today(), &["audit", "verify"], json!({}));
    v["entries"]
        .as_u64()
        .unwrap_or_else(|| panic!("audit verify counts its entries: {v}"))
}

#[test]
fn as_of_on_a_production_database_reads_but_changes_nothing() {
    let day = today();
    let o = production_pilot(&day);
    let entries = audit_entries(&o);
    let intake = application(&YANTAI, "烟台海丰水产有限公司", CODE_A, "300000").to_string();

    // Back-dating an intake (into a period a rule may since have closed) is refused...
    let out = o.refused(
        "agent",
        "2016-05-01",
        &["case", "intake"],
        &intake,
        "INVALID_INPUT",
    );
    assert_eq!(out.error()["field"], "as_of", "{}", out.stderr);
    assert!(out.stderr.contains("生产库"), "{}", out.stderr);
    assert!(out.stderr.contains("production database"), "{}", out.stderr);
    let list = o.ok("admin", "2016-05-01", &["case", "list"], json!({}));
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
    assert_eq!(audit_entries(&o), entries);

    // The same loan on today's date goes through, to disbursement.
    // Today's LPR caps the rate at 3.9% (3% × 1.3).
    let mut loan = application(&YANTAI, "烟台海丰水产有限公司", CODE_A, "300000");
    loan["annual_rate"] = json!("0.035");
    let c = approved_with(&o, &YANTAI, loan, &day);
    disbursed(&o, &YANTAI, &c, &day);
    let entries = audit_entries(&o);
    // Bringing overdue states forward to a day that has not come, and a repayment on a day
    // of the caller's choosing, are refused the same way.
    o.refused(
        "bo-icbc",
        "2099-01-01",
        &["case", "overdue"],
        "",
        "INVALID_INPUT",
    );
    o.refused(
        "bo-icbc",
        "2016-10-06",
        &["case", "repay"],
        &json!({"case_no": c, "amount": "100"}).to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(audit_entries(&o), entries, "nothing written");
    let show = o.ok("bo-icbc", &day, &["case", "show", &c], json!({}));
    assert_eq!(show["status"], "disbursed");
    assert_eq!(show["repayments"].as_array().map(Vec::len), Some(0));

    // Reading figures as of a past day stays allowed.
    let dash = o.ok("admin", "2016-07-05", &["dashboard"], json!({}));
    assert!(dash.is_object(), "{dash}");
}

fn repayments(o: &surety_e2e::cli::Office, c: &str, day: &str) -> Vec<Value> {
    let v = o.ok("bo-icbc", day, &["case", "show", c], json!({}));
    v["repayments"].as_array().cloned().unwrap_or_default()
}

fn repay(c: &str, amount: &str, value_date: &str) -> String {
    json!({"case_no": c, "amount": amount, "value_date": value_date}).to_string()
}

#[test]
fn a_repayment_value_date_is_bounded_by_today_the_previous_step_and_closed_quarters() {
    let o = pilot();
    let c = haifeng(&o, "300000", "2016-03-01");
    disbursed(&o, &YANTAI, &c, "2016-03-05");

    // Before the disbursement: refused, nothing recorded.
    let out = o.refused(
        "bo-icbc",
        "2016-04-05",
        &["case", "repay"],
        &repay(&c, "1413.75", "2016-03-04"),
        "INVALID_INPUT",
    );
    assert_eq!(out.error()["field"], "value_date");
    assert!(
        out.stderr.contains("2016-03-05"),
        "names the disbursement: {}",
        out.stderr
    );
    // After the business date: refused.
    let out = o.refused(
        "bo-icbc",
        "2016-04-05",
        &["case", "repay"],
        &repay(&c, "1413.75", "2016-04-06"),
        "INVALID_INPUT",
    );
    assert_eq!(out.error()["field"], "value_date");
    assert!(repayments(&o, &c, "2016-04-05").is_empty());

    // Entered on 7 April for money that came in on 5 April: recorded on its value date,
    // the audit entry says both days and carries its own entry time.
    let v = o.ok(
        "bo-icbc",
        "2016-04-07",
        &["case", "repay"],
        serde_json::from_str(&repay(&c, "1413.75", "2016-04-05")).unwrap(),
    );
    let paid = repayments(&o, &c, "2016-04-07");
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0]["paid_on"], "2016-04-05", "{}", paid[0]);
    let entry = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "case.repay")
        .cloned()
        .expect("the repayment's audit entry");
    assert!(
        entry["summary"]
            .as_str()
            .unwrap()
            .contains("value date 2016-04-05, entered on business date 2016-04-07"),
        "{entry}"
    );
    assert!(!entry["at"].as_str().unwrap().is_empty(), "{entry}");

    // Before that repayment: refused.
    o.refused(
        "bo-icbc",
        "2016-05-05",
        &["case", "repay"],
        &repay(&c, "1413.75", "2016-04-04"),
        "INVALID_INPUT",
    );

    // The second quarter closed for the province: a value date inside it is refused even
    // after the quarter's end, one after it goes through.
    o.ok(
        "uw-pool",
        "2016-07-05",
        &["report", "close", "--year", "2016", "--quarter", "2"],
        json!({}),
    );
    let out = o.refused(
        "bo-icbc",
        "2016-07-06",
        &["case", "repay"],
        &repay(&c, "1413.75", "2016-06-20"),
        "INVALID_INPUT",
    );
    assert!(
        out.stderr.contains("2016Q2") || out.stderr.contains("2016年第二季度"),
        "{}",
        out.stderr
    );
    assert_eq!(
        repayments(&o, &c, "2016-07-06").len(),
        1,
        "nothing recorded by the refusals"
    );
    o.ok(
        "bo-icbc",
        "2016-07-06",
        &["case", "repay"],
        serde_json::from_str(&repay(&c, "1413.75", "2016-07-01")).unwrap(),
    );
    assert_eq!(repayments(&o, &c, "2016-07-06").len(), 2);
}
