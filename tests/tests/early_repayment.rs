//! Issue 13, point 4: early repayment through the `surety` binary, in Weifang (CPIC alone,
//! insurer share 80%, 60-day waiting period), one loan per repayment method. Every figure
//! is worked by hand in the comment above it (rates: 5.655% a year, 0.47125% a month,
//! accrual = balance × 5.655% / 360 × actual days, each rounded half-up to the fen).

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn loan(o: &Office, name: &str, code: &str, principal: &str, method: &str, term: u32) -> String {
    let mut app = application(&WEIFANG, name, code, principal);
    app["repayment"] = json!(method);
    app["term_months"] = json!(term);
    app["borrower"]["address"] = json!("山东省潍坊市奎文区胜利东街1号");
    let c = approved_with(o, &WEIFANG, app, "2016-03-10");
    disbursed(o, &WEIFANG, &c, "2016-03-10");
    c
}

fn pay(o: &Office, c: &str, day: &str, amount: &str) -> Value {
    o.ok(
        "bo-wf",
        day,
        &["case", "repay"],
        json!({"case_no": c, "amount": amount}),
    )
}

#[test]
fn paying_off_an_equal_principal_loan_costs_principal_plus_interest_to_the_day() {
    let o = weifang_pilot();
    let c = loan(
        &o,
        "潍坊金穗农机合作社",
        CODE_A,
        "120000",
        "equal_principal",
        12,
    );
    // 10,000.00 principal a month. Period 1 (04-10): 120,000 × 0.47125% = 565.50;
    // period 2 (05-10): 110,000 × 0.47125% = 518.375 → 518.38.
    pay(&o, &c, "2016-04-10", "10565.50");
    pay(&o, &c, "2016-05-10", "10518.38");

    // Asked on 05-20 for 05-31: 100,000.00 outstanding; 05-10 → 05-31 is 21 days:
    // 100,000 × 5.655% / 360 × 21 = 329.875 → 329.88; total 100,329.88, not the
    // 100,000 + every later period's interest the schedule would ask.
    let q = o.ok(
        "bo-wf",
        "2016-05-20",
        &["case", "payoff", &c, "--date", "2016-05-31"],
        json!({}),
    );
    assert_eq!(q["principal_outstanding"], "100000.00");
    assert_eq!(q["accrual_from"], "2016-05-10");
    assert_eq!(q["accrual_days"], 21);
    assert_eq!(q["interest_accrued"], "329.88");
    assert_eq!(q["total"], "100329.88");
    assert_eq!(q["total_capital"], "壹拾万零叁佰贰拾玖元捌角捌分");

    // A day already gone cannot be quoted; an amount other than the figure is refused
    // and changes nothing.
    o.refused(
        "bo-wf",
        "2016-05-31",
        &["case", "payoff", &c, "--date", "2016-05-30"],
        "",
        "INVALID_INPUT",
    );
    let e = o.refused(
        "bo-wf",
        "2016-05-31",
        &["case", "pay-off"],
        &json!({"case_no": c, "amount": "100000"}).to_string(),
        "R-PREPAY-1",
    );
    assert!(e.stderr.contains("100329.88"), "{}", e.stderr);
    let v = o.ok("auditor", "2016-05-31", &["case", "show", &c], json!({}));
    assert_eq!(v["status"], "disbursed");
    assert_eq!(v["payoff_today"]["total"], "100329.88");

    let v = o.ok(
        "bo-wf",
        "2016-05-31",
        &["case", "pay-off"],
        json!({"case_no": c, "amount": "100329.88"}),
    );
    assert_eq!(v["status"], "repaid");
    let paid = v["repayments"].as_array().unwrap();
    assert_eq!(paid.last().unwrap()["kind"], "payoff");
    // The contract's schedule is kept as version 1; version 2 ends with the settlement.
    let versions = v["schedule_versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["kind"], "contract");
    assert_eq!(versions[0]["installments"].as_array().unwrap().len(), 12);
    let now = versions[1]["installments"].as_array().unwrap();
    assert_eq!(now.len(), 3);
    assert_eq!(now[2]["due_date"], "2016-05-31");
    assert_eq!(now[2]["interest"], "329.88");
    assert_eq!(now[2]["principal"], "100000.00");
    assert!(v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "case.pay_off"));
}

#[test]
fn paying_off_a_bullet_loan_counts_interest_by_the_day_from_the_contract() {
    let o = weifang_pilot();
    let c = loan(&o, "潍坊丰源食品有限公司", CODE_B, "200000", "bullet", 12);
    // 03-10 → 09-10 is 184 days: 200,000 × 5.655% / 360 × 184 = 5,780.666… → 5,780.67
    // (the full term's interest would be 200,000 × 5.655% = 11,310.00).
    let q = o.ok("bo-wf", "2016-09-10", &["case", "payoff", &c], json!({}));
    assert_eq!(q["accrual_days"], 184);
    assert_eq!(q["total"], "205780.67");
    let v = o.ok(
        "bo-wf",
        "2016-09-10",
        &["case", "pay-off"],
        json!({"case_no": c, "amount": "205780.67"}),
    );
    assert_eq!(v["status"], "repaid");
}

#[test]
fn a_part_prepayment_recomputes_the_equal_installments_on_the_lower_balance() {
    let o = weifang_pilot();
    let c = loan(
        &o,
        "潍坊青禾种植专业合作社",
        CODE_C,
        "60000",
        "equal_installment",
        6,
    );
    // i = 0.0047125, (1+i)^6 = 1.0286102…: payment = 60,000 × i × 1.0286102 / 0.0286102
    // = 10,165.58. Period 1: interest 282.75, principal 9,882.83, balance 50,117.17;
    // period 2: interest 236.18, principal 9,929.40, balance 40,187.77.
    pay(&o, &c, "2016-04-10", "10165.58");
    pay(&o, &c, "2016-05-10", "10165.58");

    // 20,000.00 on 05-25: 05-10 → 05-25 is 15 days: 40,187.77 × 5.655% / 360 × 15 = 94.69;
    // 19,905.31 goes to principal, 20,282.46 is left.
    let v = o.ok(
        "bo-wf",
        "2016-05-25",
        &["case", "prepay"],
        json!({"case_no": c, "amount": "20000"}),
    );
    assert_eq!(v["status"], "disbursed");
    let s = v["schedule"].as_array().unwrap();
    // Periods 1–2 as they were, the settlement on 05-25, then the four due dates left.
    assert_eq!(s.len(), 7);
    assert_eq!(s[2]["due_date"], "2016-05-25");
    assert_eq!(s[2]["interest"], "94.69");
    assert_eq!(s[2]["principal"], "19905.31");
    assert_eq!(s[2]["balance"], "20282.46");
    // Level payment on 20,282.46 over 4 at i ((1+i)^4 = 1.0189837…):
    // 20,282.46 × i × 1.0189837 / 0.0189837 = 5,130.49.
    // 06-10: 05-25 → 06-10 is 16 days: 20,282.46 × 5.655% / 360 × 16 = 50.98,
    //        principal 5,130.49 − 50.98 = 5,079.51, balance 15,202.95;
    // 07-10: interest 15,202.95 × i = 71.64, principal 5,058.85, balance 10,144.10;
    // 08-10: interest 47.80, principal 5,082.69, balance 5,061.41;
    // 09-10: interest 23.85, principal 5,061.41.
    let rest: Vec<(&str, &str, &str)> = s[3..]
        .iter()
        .map(|l| {
            (
                l["due_date"].as_str().unwrap(),
                l["interest"].as_str().unwrap(),
                l["principal"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rest,
        vec![
            ("2016-06-10", "50.98", "5079.51"),
            ("2016-07-10", "71.64", "5058.85"),
            ("2016-08-10", "47.80", "5082.69"),
            ("2016-09-10", "23.85", "5061.41"),
        ]
    );
    assert_eq!(
        v["schedule_versions"][0]["installments"][2]["payment"],
        "10165.58"
    );
    // The new schedule is the one repaid: 06-10's 5,130.49 keeps the loan current.
    let v = pay(&o, &c, "2016-06-10", "5130.49");
    assert_eq!(v["status"], "disbursed");
    assert!(v["overdue"].is_null());
}

#[test]
fn a_claim_after_a_part_prepayment_follows_the_new_schedule() {
    let o = weifang_pilot();
    let c = loan(
        &o,
        "潍坊海晟渔业有限公司",
        CODE_A,
        "300000",
        "interest_monthly",
        12,
    );
    // 04-10: 300,000 × 0.47125% = 1,413.75.
    pay(&o, &c, "2016-04-10", "1413.75");
    // 04-10 → 04-25 is 15 days: 300,000 × 5.655% / 360 × 15 = 706.875 → 706.88;
    // 100,000 − 706.88 = 99,293.12 off the principal: 200,706.88 left.
    let v = o.ok(
        "bo-wf",
        "2016-04-25",
        &["case", "prepay"],
        json!({"case_no": c, "amount": "100000"}),
    );
    assert_eq!(v["payoff_today"]["principal_outstanding"], "200706.88");
    // Then nothing more is paid. 05-10's interest (04-25 → 05-10, 15 days):
    // 200,706.88 × 5.655% / 360 × 15 = 472.915… → 472.92 is unpaid from 05-10; the
    // 60-day wait ends 07-09.
    o.refused(
        "bo-wf",
        "2016-06-01",
        &["case", "prepay"],
        &json!({"case_no": c, "amount": "5000"}).to_string(),
        "R-PREPAY-1",
    );
    let v = o.ok(
        "bo-wf",
        "2016-07-09",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    // Loss at 07-09: principal 200,706.88; interest due and unpaid 472.92 (05-10) +
    // 200,706.88 × 0.47125% = 945.83 (06-10); accrued 06-10 → 07-09, 29 days:
    // 200,706.88 × 5.655% / 360 × 29 = 914.30. Loss 203,039.93; CPIC's 80% = 162,431.944
    // → 162,431.94; the bank keeps 40,607.99.
    let claim = &v["claim"];
    assert_eq!(claim["outstanding_principal"], "200706.88");
    assert_eq!(claim["interest_due"], "1418.75");
    assert_eq!(claim["interest_accrued"], "914.30");
    assert_eq!(claim["loss"], "203039.93");
    assert_eq!(claim["insurer"], "162431.94");
    assert_eq!(claim["bank"], "40607.99");
}

/// R-REPORT-1 reads a rescheduled loan as it stood each quarter's last day: before the
/// part prepayment on the contract's schedule, after it on the new one.
#[test]
fn the_quarter_report_reads_a_rescheduled_loan_as_it_stood() {
    let o = weifang_pilot();
    let c = loan(
        &o,
        "潍坊海晟渔业有限公司",
        CODE_A,
        "300000",
        "interest_monthly",
        12,
    );
    pay(&o, &c, "2016-04-10", "1413.75");
    // 100,000 on 04-25: 706.88 accrued interest, 99,293.12 principal: 200,706.88 left.
    o.ok(
        "bo-wf",
        "2016-04-25",
        &["case", "prepay"],
        json!({"case_no": c, "amount": "100000"}),
    );
    let bank = |q: &str| -> Value {
        let r = o.ok(
            "auditor",
            "2016-12-31",
            &[
                "report",
                "quarter",
                "--year",
                "2016",
                "--quarter",
                q,
                "--city",
                "weifang",
            ],
            json!({}),
        );
        r["npl"][0].clone()
    };
    // 2016-03-31: the contract's schedule, nothing due yet: 300,000.00 正常.
    let q1 = bank("1");
    assert_eq!(
        (&q1["balance"], &q1["normal"]),
        (&json!("300000.00"), &json!("300000.00"))
    );
    // 2016-06-30: on the new schedule 05-10's 472.92 is unpaid: 51 days, 关注.
    let q2 = bank("2");
    assert_eq!(
        (&q2["balance"], &q2["special_mention"], &q2["npl_balance"]),
        (&json!("200706.88"), &json!("200706.88"), &json!("0.00"))
    );
    // 2016-09-30: 143 days since 05-10: 次级, non-performing.
    let q3 = bank("3");
    assert_eq!(
        (&q3["substandard"], &q3["exempt"]),
        (&json!("200706.88"), &json!(false))
    );
}
