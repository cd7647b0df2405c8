//! Issue 5's acceptance tests: the whole process through the `surety` binary on a real
//! encrypted database, as the users of each organisation would run it.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

#[test]
fn a_loan_from_intake_to_repaid() {
    let o = pilot();
    let c = haifeng(&o, "1000000", "2016-03-01");
    let v = disbursed(&o, &YANTAI, &c, "2016-03-05");
    assert_eq!(v["status"], "disbursed");
    assert_eq!(v["contract_date"], "2016-03-05");
    assert_eq!(v["principal_capital"], "壹佰万元整");
    // R-PREM-1 on principal + interest: 1,056,550.00 × 2% and × 0.5%.
    assert_eq!(v["quote"]["guarantee_premium"], "21131.00");
    assert_eq!(v["quote"]["accident_premium"], "5282.75");
    let numbers: Vec<&str> = v["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doc_no"].as_str().unwrap())
        .collect();
    assert!(
        numbers.contains(&"ICBC-YT-JK-2016-000001") && numbers.contains(&"SD-POOL-BZ-2016-000001"),
        "{numbers:?}"
    );

    let schedule = v["schedule"].as_array().unwrap().clone();
    for line in &schedule {
        let day = line["due_date"].as_str().unwrap();
        o.ok(
            "bo-icbc",
            day,
            &["case", "repay"],
            json!({"case_no": c, "amount": line["payment"]}),
        );
    }
    let v = o.ok("auditor", "2017-03-05", &["case", "show", &c], json!({}));
    assert_eq!(v["status"], "repaid");
    assert_eq!(v["schedule"][11]["principal_paid"], "1000000.00");
    let actions: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"case.intake"));
    assert_eq!(actions.iter().filter(|a| **a == "case.repay").count(), 12);
    let audit = o.ok("auditor", "2017-03-05", &["audit", "verify"], json!({}));
    assert_eq!(audit["ok"], true);
}

#[test]
fn r_veto_1_a_refusal_by_the_bank_alone_blocks_the_loan() {
    let o = pilot();
    let day = "2016-04-01";
    let c = case_no(&o.ok(
        "bo-icbc",
        day,
        &["case", "intake"],
        application(&YANTAI, "烟台金穗粮油有限公司", CODE_A, "300000"),
    ));
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    o.ok(
        "uw-pool",
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    o.ok(
        "bo-icbc",
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    // §4.1: no decision before the joint review is on record.
    o.refused(
        "uw-pool",
        day,
        &["case", "decide"],
        &json!({"case_no": c, "approve": true}).to_string(),
        "WRONG_STATE",
    );
    o.ok(
        "uw-pool",
        day,
        &["case", "review"],
        json!({"case_no": c, "note": "会商：银行关注经营波动"}),
    );
    o.ok(
        "uw-pool",
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    let refusal = o.run(
        Some("bo-icbc"),
        Some(day),
        &["case", "decide"],
        &json!({"case_no": c, "approve": false}).to_string(),
    );
    assert_eq!(
        refusal.error()["field"],
        "reason",
        "a refusal needs a reason"
    );
    let v = o.ok(
        "bo-icbc",
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": false, "reason": "负债率过高"}),
    );
    assert_eq!(v["status"], "declined");
    o.refused(
        "bo-icbc",
        day,
        &["case", "sign"],
        &json!({"case_no": c, "document": "loan_contract"}).to_string(),
        "WRONG_STATE",
    );
    let out = o.refused(
        "bo-icbc",
        day,
        &["case", "disburse"],
        &json!({"case_no": c}).to_string(),
        "WRONG_STATE",
    );
    assert!(out.stderr.contains("R-VETO-1"), "{}", out.stderr);
}

#[test]
fn r_amt_1_one_and_a_half_million_needs_and_gets_the_exception() {
    let o = pilot();
    let day = "2016-05-03";
    let c = case_no(&o.ok(
        "agent",
        day,
        &["case", "intake"],
        application(&YANTAI, "烟台鲁东机械有限公司", CODE_B, "1500000"),
    ));
    let v = o.ok("auditor", day, &["case", "show", &c], json!({}));
    assert_eq!(v["needs_exception"], true);
    assert_eq!(v["quote"]["warnings"][0]["rule"], "R-AMT-1");
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    o.ok(
        "uw-pool",
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    o.ok(
        "bo-icbc",
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    o.ok(
        "bo-icbc",
        day,
        &["case", "review"],
        json!({"case_no": c, "note": "会商：金额超过原则上限，双方各自审批例外"}),
    );
    o.refused(
        "uw-pool",
        day,
        &["case", "decide"],
        &json!({"case_no": c, "approve": true}).to_string(),
        "R-AMT-1",
    );
    o.refused(
        "uw-pool",
        day,
        &["case", "exception"],
        &json!({"case_no": c, "note": " "}).to_string(),
        "INVALID_INPUT",
    );
    o.ok(
        "uw-pool",
        day,
        &["case", "exception"],
        json!({"case_no": c, "note": "订单充足，应收账款可作补充还款来源"}),
    );
    o.ok(
        "bo-icbc",
        day,
        &["case", "exception"],
        json!({"case_no": c, "note": "在我行结算流水稳定"}),
    );
    o.ok(
        "uw-pool",
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    let v = o.ok(
        "bo-icbc",
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    assert_eq!(v["status"], "approved");
    assert_eq!(v["exceptions"].as_array().unwrap().len(), 2);
    assert_eq!(v["principal_capital"], "壹佰伍拾万元整");
    // R-AMT-2: never above 3,000,000, with or without an exception.
    let out = o.refused(
        "agent",
        day,
        &["case", "intake"],
        &application(&YANTAI, "烟台宏达纺织有限公司", CODE_C, "3000000.01").to_string(),
        "R-AMT-2",
    );
    assert!(out.stderr.contains("3000000.00"), "{}", out.stderr);
}

fn fen(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("not a money string: {v}"));
    let (y, f) = s.split_once('.').unwrap();
    y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

#[test]
fn r_claim_a_default_reaches_a_claim_after_90_days_split_70_30_and_by_the_pool() {
    let o = pilot();
    let c = haifeng(&o, "1000000", "2016-03-01");
    disbursed(&o, &YANTAI, &c, "2016-03-05");
    // Month 1 paid (4,712.50 interest); 2016-05-05 missed, never cured.
    o.ok(
        "bo-icbc",
        "2016-04-05",
        &["case", "repay"],
        json!({"case_no": c, "amount": "4712.50"}),
    );
    let changes = o.ok("bo-icbc", "2016-07-10", &["case", "overdue"], json!({}));
    assert_eq!(changes[0]["to"], "overdue");
    assert_eq!(changes[0]["days_overdue"], 66);
    // Recovered before the claim: deducted from the loss.
    o.ok(
        "bo-icbc",
        "2016-07-10",
        &["case", "recover"],
        json!({"case_no": c, "amount": "10000"}),
    );

    let early = o.refused(
        "bo-icbc",
        "2016-08-02",
        &["case", "claim"],
        &json!({"case_no": c}).to_string(),
        "R-CLAIM-1",
    );
    assert!(early.stderr.contains("89 days"), "{}", early.stderr);
    let v = o.ok(
        "bo-icbc",
        "2016-08-03",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    let claim = &v["claim"];
    assert_eq!(claim["cutoff"], "2016-08-03");
    assert_eq!(claim["outstanding_principal"], "1000000.00");
    // Due and unpaid on 05-05, 06-05, 07-05: 3 × 4,712.50.
    assert_eq!(claim["interest_due"], "14137.50");
    // 07-05 → 08-03, 29 days: 1,000,000 × 5.655% / 360 × 29 = 4,555.416…
    assert_eq!(claim["interest_accrued"], "4555.42");
    assert_eq!(claim["recovered_before"], "10000.00");
    assert_eq!(claim["loss"], "1008692.92");
    assert_eq!(claim["insurer"], "706085.04");
    assert_eq!(claim["bank"], "302607.88");
    assert_eq!(
        claim["members"],
        json!([["picc", "423651.02"], ["pingan", "282434.02"]])
    );
    assert_eq!(
        fen(&claim["insurer"]) + fen(&claim["bank"]),
        fen(&claim["loss"])
    );

    o.refused(
        "bo-icbc",
        "2016-08-10",
        &["case", "pay-claim"],
        &json!({"case_no": c}).to_string(),
        "NOT_PERMITTED",
    );
    let v = o.ok(
        "uw-pool",
        "2016-08-10",
        &["case", "pay-claim"],
        json!({"case_no": c}),
    );
    assert_eq!(v["status"], "claim_paid");
    // R-RECOV-1: after the claim, recoveries are split the same way.
    let v = o.ok(
        "bo-icbc",
        "2016-09-01",
        &["case", "recover"],
        json!({"case_no": c, "amount": "50000.01"}),
    );
    let r = &v["recoveries"][1];
    assert_eq!(
        (r["insurer"].as_str(), r["bank"].as_str()),
        (Some("35000.01"), Some("15000.00"))
    );
    assert_eq!(
        r["members"],
        json!([["picc", "21000.01"], ["pingan", "14000.00"]])
    );
    assert_eq!(v["status"], "recovery");
    let v = o.ok(
        "uw-pool",
        "2016-10-01",
        &["case", "close"],
        json!({"case_no": c, "note": "追偿完毕"}),
    );
    assert_eq!(v["status"], "closed");
}

#[test]
fn r_stop_1_a_city_over_150_percent_refuses_disbursement_while_another_works() {
    let o = pilot();
    // Dezhou: case A defaults at once; case B waits for disbursement.
    let a = approved(
        &o,
        &DEZHOU,
        "德州扒鸡食品有限公司",
        CODE_A,
        "500000",
        "2016-02-01",
    );
    disbursed(&o, &DEZHOU, &a, "2016-02-10");
    let b = approved(
        &o,
        &DEZHOU,
        "德州新禾农资有限公司",
        CODE_B,
        "500000",
        "2016-05-01",
    );
    signed_and_paid(&o, &DEZHOU, &b, "2016-05-10");
    // A's first interest (due 03-10) is never paid: claim on 06-08, paid 06-10.
    o.ok(
        "bo-rcb",
        "2016-06-08",
        &["case", "claim"],
        json!({"case_no": a}),
    );
    o.ok(
        "uw-cpic",
        "2016-06-10",
        &["case", "pay-claim"],
        json!({"case_no": a}),
    );

    let out = o.refused(
        "bo-rcb",
        "2016-06-15",
        &["case", "disburse"],
        &json!({"case_no": b}).to_string(),
        "R-STOP-1",
    );
    assert!(out.stderr.contains("150%"), "{}", out.stderr);
    // New applications there are refused too (R-ELIG-4), for the rest of the pilot year.
    o.refused(
        "agent",
        "2016-06-16",
        &["case", "intake"],
        &application(&DEZHOU, "德州宏达纺织有限公司", CODE_C, "200000").to_string(),
        "R-STOP-1",
    );

    // Yantai keeps working.
    let y = approved(
        &o,
        &YANTAI,
        "烟台海丰水产有限公司",
        CODE_C,
        "400000",
        "2016-06-15",
    );
    assert_eq!(
        disbursed(&o, &YANTAI, &y, "2016-06-20")["status"],
        "disbursed"
    );

    let lines = o.ok("auditor", "2016-06-30", &["loss-ratio"], json!({}));
    let dz = lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["city"] == "dezhou")
        .unwrap();
    let yt = lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["city"] == "yantai")
        .unwrap();
    assert_eq!(dz["suspended"], true);
    assert_eq!(yt["suspended"], false);
    // R-STOP-1 counts the guarantee line only (§4.3 赔付额/实收保费; the accident line is
    // separate, §3.1): A and B each 528,275.00 × 2% = 10,565.50, together 21,131.00. The
    // accident premiums (× 0.5% = 2,641.38 each) stay out of the ratio.
    assert_eq!(dz["premiums_received"], "21131.00");
    // R-STOP-2: compensation = claims paid − 1.5 × premiums received.
    let claims = fen(&dz["claims_paid"]);
    assert_eq!(
        fen(&dz["compensation_due"]),
        claims - fen(&dz["premiums_received"]) * 3 / 2
    );
    assert_eq!(dz["year_start"], "2016-01-01");
}

/// (audit entries, every case as listed): what must not change when input is refused.
fn snapshot(o: &Office) -> (Value, Value) {
    let audit = o.ok("admin", "2016-06-30", &["audit", "verify"], json!({}));
    let cases = o.ok(
        "admin",
        "2016-06-30",
        &["case", "list", "--limit", "500"],
        json!({}),
    );
    (audit["entries"].clone(), cases)
}

#[test]
fn bad_input_is_refused_clearly_and_changes_nothing() {
    let o = pilot();
    let c = haifeng(&o, "600000", "2016-03-01");
    let before = snapshot(&o);
    let day = "2016-03-02";

    // Wrong role: a field agent cannot decide; a bank officer cannot sign the insurer's policy.
    o.refused(
        "agent",
        day,
        &["case", "decide"],
        &json!({"case_no": c, "approve": true}).to_string(),
        "NOT_PERMITTED",
    );
    let out = o.refused(
        "bo-icbc",
        day,
        &["case", "sign"],
        &json!({"case_no": c, "document": "guarantee_policy"}).to_string(),
        "NOT_PERMITTED",
    );
    assert!(out.stderr.contains("只有保险公司"), "{}", out.stderr);
    o.refused(
        "auditor",
        day,
        &["org", "add"],
        &json!({"kind": "bank", "code": "x", "name": "x"}).to_string(),
        "NOT_PERMITTED",
    );
    // Wrong state: disbursement before signing and premiums.
    o.refused(
        "bo-icbc",
        day,
        &["case", "disburse"],
        &json!({"case_no": c}).to_string(),
        "WRONG_STATE",
    );
    // Malformed JSON and unknown fields: exit 2.
    let out = o.refused(
        "bo-icbc",
        day,
        &["case", "repay"],
        "{not json",
        "MALFORMED_REQUEST",
    );
    assert_eq!(out.code, 2);
    o.refused(
        "bo-icbc",
        day,
        &["case", "repay"],
        &json!({"case_no": c, "amount": "5", "memo": "x"}).to_string(),
        "MALFORMED_REQUEST",
    );
    // A negative amount.
    let out = o.refused(
        "agent",
        day,
        &["case", "intake"],
        &application(&YANTAI, "烟台某公司", CODE_B, "-100").to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(
        (out.code, out.error()["field"].as_str()),
        (2, Some("principal"))
    );
    // A rate over the cap: 6% > 4.35% × 1.3.
    let mut over = application(&YANTAI, "烟台某公司", CODE_B, "100000");
    over["annual_rate"] = json!("0.06");
    let out = o.refused(
        "agent",
        day,
        &["case", "intake"],
        &over.to_string(),
        "R-RATE-1",
    );
    assert!(
        out.stderr.contains("年利率 6% 超过上限 5.655%"),
        "{}",
        out.stderr
    );
    // A resident ID with a wrong check digit.
    let mut person = application(&YANTAI, "张伟", "370602198001010011", "100000");
    person["borrower"]["kind"] = json!("farmer");
    let out = o.refused(
        "agent",
        day,
        &["case", "intake"],
        &person.to_string(),
        "ID_NUMBER",
    );
    assert!(
        out.stderr.contains("校验位错误") && out.stderr.contains("check digit"),
        "{}",
        out.stderr
    );
    assert_eq!(
        snapshot(&o),
        before,
        "refused input left the database unchanged"
    );
    // A wrong password changes no case; it is put on the audit record (one entry) at the
    // next successful sign-in.
    let out = o.run_as(
        Some("bo-icbc"),
        "not-the-password",
        Some(day),
        &["case", "list"],
        "",
    );
    assert_eq!(
        (out.code, out.error()["code"].as_str()),
        (1, Some("SIGN_IN_FAILED"))
    );
    assert!(out.stdout.is_empty());
    let (entries, cases) = snapshot(&o);
    assert_eq!(cases, before.1, "no case changed");
    assert_eq!(entries.as_u64(), before.0.as_u64().map(|n| n + 1));
}

#[test]
fn r_npl_1_the_dashboard_counts_a_loan_overdue_past_90_days_as_non_performing() {
    let o = pilot();
    let c = haifeng(&o, "1000000", "2016-03-01");
    disbursed(&o, &YANTAI, &c, "2016-03-05");
    let icbc = |day: &str| {
        let d = o.ok("auditor", day, &["dashboard"], json!({}));
        d["npl"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["bank"] == YANTAI.bank)
            .cloned()
            .expect("an NPL line for the bank")
    };
    let fresh = icbc("2016-03-06");
    assert_eq!(fresh["balance"], "1000000.00");
    assert_eq!(fresh["npl_balance"], "0.00");
    assert_eq!(fresh["exempt"], true);
    // The first interest fell due on 2016-04-05 and was never paid: 90 days overdue is
    // still 关注 (special mention), 91 days is 次级 (substandard), non-performing.
    assert_eq!(icbc("2016-07-04")["npl_balance"], "0.00");
    let late = icbc("2016-07-05");
    assert_eq!(late["npl_balance"], "1000000.00");
    assert_eq!(late["npl_ratio"], "100.00%");
    assert_eq!(late["exempt"], false, "over the 2% line");
}

/// Weifang: a bank of its own with CPIC, insurer share 80%, waiting period 60 days, accident
/// rate 1% (none of the Yantai/Dezhou defaults).

#[test]
fn r_stop_1_divides_by_the_guarantee_premiums_only() {
    let o = weifang_pilot();
    let c = approved(
        &o,
        &WEIFANG,
        "潍坊绿野农业有限公司",
        CODE_B,
        "300000",
        "2016-03-01",
    );
    disbursed(&o, &WEIFANG, &c, "2016-03-01");
    // Nothing is ever repaid: the first interest (due 2016-04-01) is 60 days overdue on
    // 2016-05-31, the claim's cut-off.
    o.ok(
        "bo-wf",
        "2016-06-01",
        &["case", "claim"],
        json!({"case_no": c}),
    );
    o.ok(
        "uw-cpic",
        "2016-06-02",
        &["case", "pay-claim"],
        json!({"case_no": c}),
    );
    let lines = o.ok("auditor", "2016-06-30", &["loss-ratio"], json!({}));
    let wf = lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["city"] == "weifang" && l["insurer"] == "cpic")
        .expect("a Weifang line for CPIC");
    // Premium base = 300,000.00 + 300,000.00 × 5.655% = 316,965.00 (interest monthly, 12
    // months); guarantee 2% = 6,339.30, accident 1% = 3,169.65 — the accident line stays out.
    assert_eq!(wf["premiums_received"], "6339.30");
    // Loss (R-CLAIM-2) = 300,000.00 + two unpaid interests of 300,000 × 5.655% / 12 =
    // 1,413.75 each + 30 days accrued to the cut-off (300,000 × 5.655% × 30/360 = 1,413.75)
    // = 304,241.25; the insurer pays 80% = 243,393.00.
    assert_eq!(wf["claims_paid"], "243393.00");
    // 243,393.00 / 6,339.30 = 38.39430… → 3839.43%, far over 150%.
    assert_eq!(wf["loss_ratio"], "3839.43%");
    assert_eq!(wf["suspended"], true);
}

/// The pilot plus the Weifang channel (its bank, the agreement, the bank's officer).

#[test]
fn r_stop_1_the_stop_holds_for_the_rest_of_the_pilot_year() {
    let o = weifang_pilot();
    let day = "2016-03-01";
    // A: 10,000.00 that defaults. Premium base 10,000 × 1.05655 = 10,565.50, guarantee 2% =
    // 211.31. B: 240,000.00, base 253,572.00, guarantee 5,071.44. Both received on 03-01.
    let a = approved(&o, &WEIFANG, "潍坊甲农资有限公司", CODE_A, "10000", day);
    disbursed(&o, &WEIFANG, &a, day);
    let b = approved(&o, &WEIFANG, "潍坊乙农业有限公司", CODE_B, "240000", day);
    disbursed(&o, &WEIFANG, &b, day);
    // C: 20,000.00, signed now, its premiums received only after the stop.
    let c = approved(&o, &WEIFANG, "潍坊丙食品有限公司", CODE_C, "20000", day);
    o.ok(
        "bo-wf",
        day,
        &["case", "sign"],
        json!({"case_no": c, "document": "loan_contract"}),
    );
    for d in ["guarantee_policy", "accident_policy"] {
        o.ok(
            "uw-cpic",
            day,
            &["case", "sign"],
            json!({"case_no": c, "document": d}),
        );
    }
    // A's claim, paid 06-02: loss ≈ 10,000 + 3 × 47.13 ≈ 10,141.39, insurer 80% ≈ 8,113.11;
    // against 211.31 + 5,071.44 = 5,282.75 of guarantee premiums that is ≈ 153.6%: the stop.
    o.ok(
        "bo-wf",
        "2016-06-01",
        &["case", "claim"],
        json!({"case_no": a}),
    );
    o.ok(
        "uw-cpic",
        "2016-06-02",
        &["case", "pay-claim"],
        json!({"case_no": a}),
    );
    let line = |on: &str| -> Value {
        o.ok("auditor", on, &["loss-ratio"], json!({}))
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["city"] == "weifang" && l["insurer"] == "cpic")
            .unwrap()
            .clone()
    };
    let at_stop = line("2016-06-02");
    assert_eq!(at_stop["premiums_received"], "5282.75");
    assert_eq!(at_stop["stopped_on"], "2016-06-02");
    let percent = |l: &Value| -> f64 {
        l["loss_ratio"]
            .as_str()
            .unwrap()
            .trim_end_matches('%')
            .parse()
            .unwrap()
    };
    assert!(percent(&at_stop) >= 150.0, "{at_stop}");
    // C's premiums arrive: base 21,131.00 × 2% = 422.62 more guarantee premium (5,705.37 in
    // all); the running ratio falls to ≈ 142%, under 150% — and the stop still holds.
    let v = o.ok("auditor", "2016-06-03", &["case", "show", &c], json!({}));
    for l in ["guarantee", "accident"] {
        let due = v["quote"][format!("{l}_premium")]
            .as_str()
            .unwrap()
            .to_string();
        o.ok(
            "uw-cpic",
            "2016-06-03",
            &["case", "premium"],
            json!({"case_no": c, "line": l, "amount": due}),
        );
    }
    let after = line("2016-06-03");
    assert_eq!(after["premiums_received"], "5705.37");
    assert!(percent(&after) < 150.0, "{after}");
    assert_eq!(after["suspended"], true);
    assert_eq!(after["stopped_on"], "2016-06-02", "recorded once");
    let out = o.refused(
        "bo-wf",
        "2016-06-04",
        &["case", "disburse"],
        &json!({"case_no": c}).to_string(),
        "R-STOP-1",
    );
    assert!(
        out.stderr.contains("2016-06-02"),
        "names the stop: {}",
        out.stderr
    );
    // A back-dated application (C's borrower again) does not get round it.
    let mut back = application(&WEIFANG, "潍坊丙食品有限公司", CODE_C, "50000");
    back["application_date"] = json!("2016-05-01");
    o.refused(
        "bo-wf",
        "2016-06-05",
        &["case", "intake"],
        &back.to_string(),
        "R-STOP-1",
    );
    // The next pilot year starts afresh.
    assert_eq!(line("2017-01-02")["stopped_on"], Value::Null);
}
