//! Issue 14 — R-REPORT-1 quarterly statistics and R-SUBSIDY-1 subsidies through the
//! `surety` binary, on a small pilot whose figures are worked by hand:
//!
//! - A (烟台, pool × 工行, 200,000.00 interest-monthly at 5.655%, 12 months) taken in,
//!   approved and disbursed 2016-02-10. Interest 200,000 × 0.05655 / 12 = 942.50 a month,
//!   11,310.00 in all; premium base 211,310.00; guarantee 2% = 4,226.20, accident 0.5% =
//!   1,056.55. Interest paid 2016-03-10 (Q1), 04-10, 05-10, 06-10 (Q2).
//! - B (烟台, 100,000.00) taken in 2016-03-20, refused by the bank 2016-03-25.
//! - C (德州, CPIC × 农商行, 100,000.00 interest-monthly) disbursed 2016-05-05, never paid:
//!   interest 471.25 a month, 5,655.00 in all; base 105,655.00; guarantee 2% = 2,113.10,
//!   accident 0.5% = 528.275 → 528.28. First due 2016-06-05: 25 days overdue on 2016-06-30,
//!   关注 (1–90 days).
//! - 潍坊 has an agreement and no business: its report is zeros.
//!
//! Yantai subsidises half the premium and a fifth of the interest, for every borrower kind.

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;
use surety_e2e::quarter::{all_cases, expected, reported};

const CODE_LATE: &str = "91370302MA0000005K";

fn report(o: &Office, user: &str, day: &str, q: &str, city: Option<&str>) -> Value {
    let mut args = vec!["report", "quarter", "--year", "2016", "--quarter", q];
    if let Some(c) = city {
        args.extend(["--city", c]);
    }
    o.ok(user, day, &args, json!({}))
}

fn line<'a>(r: &'a Value, city: &str) -> &'a Value {
    r["business"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["city"] == city)
        .unwrap_or_else(|| panic!("no {city} line: {}", r["business"]))
}

/// The hand-worked pilot: A and B in Q1, C in Q2.
fn scenario() -> (Office, String, String) {
    let o = weifang_pilot();
    o.ok(
        "admin",
        "2015-12-01",
        &["city", "set"],
        json!({"city": "yantai", "premium_subsidy_share": "0.5", "interest_subsidy_share": "0.2"}),
    );
    let a = haide(&o, "200000", "2016-02-10");
    disbursed(&o, &YANTAI, &a, "2016-02-10");
    o.ok(
        "bo-icbc",
        "2016-03-10",
        &["case", "repay"],
        json!({"case_no": a, "amount": "942.50"}),
    );
    // B: both investigate, the insurer agrees, the bank refuses.
    let b = case_no(&o.ok(
        "agent",
        "2016-03-20",
        &["case", "intake"],
        application(&YANTAI, "烟台福山果蔬合作社", CODE_B, "100000"),
    ));
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    for who in ["uw-pool", "bo-icbc"] {
        o.ok(
            who,
            "2016-03-22",
            &["case", "investigate"],
            json!({"case_no": b, "findings": clean}),
        );
    }
    o.ok(
        "bo-icbc",
        "2016-03-23",
        &["case", "review"],
        json!({"case_no": b, "note": "会商"}),
    );
    o.ok(
        "uw-pool",
        "2016-03-24",
        &["case", "decide"],
        json!({"case_no": b, "approve": true}),
    );
    o.ok(
        "bo-icbc",
        "2016-03-25",
        &["case", "decide"],
        json!({"case_no": b, "approve": false, "reason": "经营现金流不足"}),
    );
    for day in ["2016-04-10", "2016-05-10", "2016-06-10"] {
        o.ok(
            "bo-icbc",
            day,
            &["case", "repay"],
            json!({"case_no": a, "amount": "942.50"}),
        );
    }
    let mut c_app = application(&DEZHOU, "德州禹城粮食合作社", CODE_C, "100000");
    c_app["borrower"]["address"] = json!("山东省德州市禹城市市中街道1号");
    let c = approved_with(&o, &DEZHOU, c_app, "2016-05-05");
    disbursed(&o, &DEZHOU, &c, "2016-05-05");
    (o, a, c)
}

#[test]
fn r_report_1_a_quarter_sums_its_own_events_as_of_its_last_day() {
    let (o, _a, _c) = scenario();

    // Q1, read long after it ended: only what happened by 2016-03-31.
    let q1 = report(&o, "auditor", "2016-12-31", "1", None);
    assert_eq!(
        (&q1["period"], &q1["as_of"], &q1["complete"]),
        (&json!("2016Q1"), &json!("2016-03-31"), &json!(true))
    );
    let t = &q1["business_total"];
    let counts = |l: &Value| {
        [
            "applications",
            "approved",
            "declined_by_insurer",
            "declined_by_bank",
            "disbursed_count",
            "ytd_count",
            "loans_on_book",
        ]
        .map(|k| l[k].as_u64().unwrap())
    };
    assert_eq!(counts(t), [2, 1, 0, 1, 1, 1, 1]);
    assert_eq!(t["disbursed_amount"], "200000.00");
    assert_eq!(t["balance"], "200000.00");
    assert_eq!(t["guarantee_written"], "4226.20");
    assert_eq!(t["accident_written"], "1056.55");
    assert_eq!(t["guarantee_received"], "4226.20");
    assert_eq!(t["accident_received"], "1056.55");
    assert_eq!(line(&q1, "yantai")["bank"], "icbc-yt");
    assert_eq!(
        q1["business"].as_array().unwrap().len(),
        1,
        "no Dezhou business yet"
    );
    let npl = &q1["npl"][0];
    assert_eq!(
        (&npl["bank"], &npl["balance"]),
        (&json!("icbc-yt"), &json!("200000.00"))
    );
    assert_eq!(
        (&npl["special_mention"], &npl["npl_ratio"]),
        (&json!("0.00"), &json!("0.00%"))
    );
    // Subsidies: premiums received in Q1, (4,226.20 + 1,056.55) × 0.5 = 2,641.375 → 2,641.38;
    // interest paid in Q1, 942.50 × 0.2 = 188.50.
    let s = &q1["subsidies"][0];
    assert_eq!(s["city"], "yantai");
    assert_eq!(
        (&s["cases"], &s["premium_due"], &s["interest_due"]),
        (&json!(1), &json!("2641.38"), &json!("188.50"))
    );

    // Q2: Dezhou's loan; Yantai's loan still on the book, three interest payments.
    let q2 = report(&o, "auditor", "2016-12-31", "2", None);
    let t = &q2["business_total"];
    assert_eq!(counts(t), [1, 1, 0, 0, 1, 2, 2]);
    assert_eq!(t["ytd_amount"], "300000.00");
    assert_eq!(t["balance"], "300000.00");
    assert_eq!(t["guarantee_received"], "2113.10");
    assert_eq!(t["accident_written"], "528.28");
    let dz = q2["npl"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["bank"] == "rcb-dz")
        .unwrap();
    // 25 days overdue on 2016-06-30: 关注, not non-performing.
    assert_eq!(
        (&dz["special_mention"], &dz["npl_balance"], &dz["exempt"]),
        (&json!("100000.00"), &json!("0.00"), &json!(true))
    );
    let cpic_dz = q2["loss_ratios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["insurer"] == "cpic" && l["city"] == "dezhou")
        .unwrap();
    assert_eq!(
        (&cpic_dz["premiums_received"], &cpic_dz["loss_ratio"]),
        (&json!("2113.10"), &json!("0.00%"))
    );
    // Yantai's Q2 interest subsidy: 3 × 942.50 × 0.2 = 565.50; no premium that quarter.
    let s = &q2["subsidies"][0];
    assert_eq!(
        (&s["premium_due"], &s["interest_due"]),
        (&json!("0.00"), &json!("565.50"))
    );

    // Read in Q3, Dezhou's loan has aged: on 2016-09-30 it is 117 days past 2016-06-05.
    let q3 = report(&o, "auditor", "2016-12-31", "3", Some("dezhou"));
    let dz = &q3["npl"][0];
    assert_eq!(
        (&dz["substandard"], &dz["npl_ratio"], &dz["exempt"]),
        (&json!("100000.00"), &json!("100.00%"), &json!(false))
    );
    assert_eq!(
        q3["business"].as_array().unwrap().len(),
        1,
        "one city's lines"
    );

    // A city with an agreement and no business: zeros, not an error.
    let wf = report(&o, "auditor", "2016-12-31", "2", Some("weifang"));
    assert_eq!(wf["city"], "weifang");
    assert!(wf["business"].as_array().unwrap().is_empty());
    assert_eq!(counts(&wf["business_total"]), [0; 7]);
    assert_eq!(wf["business_total"]["balance"], "0.00");
    let r = report(&o, "auditor", "2016-12-31", "2", Some("jinan"));
    assert_eq!(r["subsidies_total"]["premium_due"], "0.00");

    // A quarter not yet begun has nothing to report; bad input says which field.
    o.refused(
        "auditor",
        "2016-05-01",
        &["report", "quarter", "--year", "2016", "--quarter", "3"],
        "",
        "R-REPORT-1",
    );
    let e = o.refused(
        "auditor",
        "2016-05-01",
        &["report", "quarter", "--year", "2016", "--quarter", "5"],
        "",
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "quarter");
    assert_eq!(e.code, 2);
    o.refused(
        "agent",
        "2016-12-31",
        &["report", "quarter", "--year", "2016", "--quarter", "1"],
        "",
        "NOT_PERMITTED",
    );
}

/// The tables that sum cases by city alone, for a bank officer: their own bank's loans only,
/// whether the quarter is open or frozen.
#[test]
fn r_report_1_a_bank_officer_reads_the_city_tables_of_their_own_loans() {
    let (o, _a, _c) = scenario();
    let kinds_total = |r: &Value| {
        let t = &r["by_kind_total"];
        (
            t["disbursed_count"].as_u64().unwrap(),
            t["ytd_count"].as_u64().unwrap(),
            t["ytd_amount"].as_str().unwrap().to_string(),
            t["balance"].as_str().unwrap().to_string(),
        )
    };
    let cities = |r: &Value, table: &str| -> Vec<String> {
        let mut c: Vec<String> = r[table]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["city"].as_str().unwrap().to_string())
            .collect();
        c.dedup();
        c
    };
    for closed in [false, true] {
        if closed {
            o.ok(
                "admin",
                "2016-07-05",
                &["report", "close", "--year", "2016", "--quarter", "2"],
                json!({}),
            );
        }
        // Q2 for everyone (the auditor): A (烟台, 工行) 200,000.00 from Q1 and C (德州, 农商行)
        // 100,000.00 paid out in Q2: in the year 2 loans, 300,000.00, both on the book.
        let all = report(&o, "auditor", "2016-12-31", "2", None);
        assert_eq!(
            kinds_total(&all),
            (1, 2, "300000.00".into(), "300000.00".into())
        );
        assert_eq!(all["subsidies_total"]["interest_due"], "565.50");

        // 工行's officer: A alone (nothing paid out in Q2), and A's interest subsidy
        // 3 × 942.50 × 0.2 = 565.50.
        let icbc = report(&o, "bo-icbc", "2016-12-31", "2", None);
        assert_eq!(cities(&icbc, "by_kind"), ["yantai"], "closed: {closed}");
        assert_eq!(
            kinds_total(&icbc),
            (0, 1, "200000.00".into(), "200000.00".into())
        );
        assert_eq!(icbc["subsidies_total"]["interest_due"], "565.50");

        // 农商行's officer: C alone; Yantai's subsidy is none of theirs.
        let rcb = report(&o, "bo-rcb", "2016-12-31", "2", None);
        assert_eq!(cities(&rcb, "by_kind"), ["dezhou"], "closed: {closed}");
        assert_eq!(
            kinds_total(&rcb),
            (1, 1, "100000.00".into(), "100000.00".into())
        );
        assert!(
            !cities(&rcb, "subsidies").contains(&"yantai".to_string()),
            "{}",
            rcb["subsidies"]
        );
        assert_eq!(rcb["subsidies_total"]["interest_due"], "0.00");
        assert!(rcb["defaulters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["city"] == "dezhou"));
    }
}

#[test]
fn r_report_1_the_scenarios_quarters_equal_the_sum_of_its_cases_events() {
    let (o, _a, _c) = scenario();
    let cases = all_cases(&o);
    assert_eq!(cases.len(), 3);
    for (q, from, to) in [
        ("1", "2016-01-01", "2016-03-31"),
        ("2", "2016-04-01", "2016-06-30"),
        ("3", "2016-07-01", "2016-09-30"),
        ("4", "2016-10-01", "2016-12-31"),
    ] {
        let r = report(&o, "auditor", "2016-12-31", q, None);
        assert_eq!(reported(&r), expected(&cases, from, to), "2016Q{q}");
    }
}

#[test]
fn r_report_1_a_closed_quarter_stays_as_it_was_until_an_admin_reopens_it() {
    let (o, _a, _c) = scenario();
    // Not before the quarter is over.
    o.refused(
        "uw-pool",
        "2016-03-31",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        "",
        "R-REPORT-1",
    );
    // An admin closes the whole installation (each insurer may close its own lines: see
    // sync_envelopes.rs).
    let closed = o.ok(
        "admin",
        "2016-04-05",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    assert_eq!(
        (&closed["state"]["closed"], &closed["state"]["revision"]),
        (&json!(true), &json!(1))
    );
    // Closing twice is refused, the whole or an insurer's part; it stays at revision 1.
    o.refused(
        "uw-pool",
        "2016-04-06",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        "",
        "R-REPORT-1",
    );

    // An application from March entered late, after the closing.
    o.ok(
        "agent",
        "2016-03-28",
        &["case", "intake"],
        application(&YANTAI, "烟台莱山渔具厂", CODE_LATE, "50000"),
    );
    let frozen = report(&o, "auditor", "2016-12-31", "1", None);
    assert_eq!(
        frozen["business_total"]["applications"], 2,
        "frozen figures"
    );
    assert_eq!(frozen["state"]["sha256"], closed["state"]["sha256"]);

    // Reopening is an admin's, with a reason; closing again counts the late application.
    o.refused(
        "uw-pool",
        "2016-04-10",
        &[
            "report",
            "reopen",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--reason",
            "补录",
        ],
        "",
        "NOT_PERMITTED",
    );
    let e = o.refused(
        "admin",
        "2016-04-10",
        &[
            "report",
            "reopen",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--reason",
            " ",
        ],
        "",
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "reason");
    let reopened = o.ok(
        "admin",
        "2016-04-10",
        &[
            "report",
            "reopen",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--reason",
            "补录3月申请",
        ],
        json!({}),
    );
    assert_eq!(reopened["state"]["closed"], false);
    assert_eq!(reopened["state"]["reopen_reason"], "补录3月申请");
    assert_eq!(
        reopened["business_total"]["applications"], 3,
        "live figures while reopened"
    );
    let again = o.ok(
        "uw-pool",
        "2016-04-11",
        &["report", "close", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    assert_eq!(
        (
            &again["state"]["revision"],
            &again["business_total"]["applications"]
        ),
        (&json!(2), &json!(3))
    );
    assert_ne!(again["state"]["sha256"], closed["state"]["sha256"]);
    let audit = o.ok("auditor", "2016-12-31", &["audit", "verify"], json!({}));
    assert_eq!(audit["ok"], true);
}

/// `surety subsidy pay` of Yantai's 2016Q1 list on `day`.
fn pay_q1_yantai(day: &str) -> [&str; 10] {
    [
        "subsidy",
        "pay",
        "--year",
        "2016",
        "--quarter",
        "1",
        "--city",
        "yantai",
        "--paid-on",
        day,
    ]
}

#[test]
fn r_subsidy_1_the_city_pays_the_quarters_list_once() {
    let (o, a, _c) = scenario();
    let list = o.ok(
        "auditor",
        "2016-04-20",
        &[
            "subsidy",
            "list",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--city",
            "yantai",
        ],
        json!({}),
    );
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            &rows[0]["case_no"],
            &rows[0]["premiums"],
            &rows[0]["interest"]
        ),
        (&json!(a), &json!("5282.75"), &json!("942.50"))
    );
    assert_eq!(rows[0]["paid_on"], Value::Null);
    // The Dezhou bank's staff see none of Yantai's borrowers.
    let theirs = o.ok(
        "bo-rcb",
        "2016-04-20",
        &["subsidy", "list", "--year", "2016", "--quarter", "1"],
        json!({}),
    );
    assert!(theirs.as_array().unwrap().is_empty());

    // Paid after the quarter, not before; once.
    o.refused(
        "admin",
        "2016-04-20",
        &pay_q1_yantai("2016-03-31"),
        "",
        "R-SUBSIDY-1",
    );
    let paid = o.ok(
        "admin",
        "2016-04-20",
        &pay_q1_yantai("2016-04-20"),
        json!({}),
    );
    assert_eq!(paid[0]["paid_on"], "2016-04-20");
    o.refused(
        "admin",
        "2016-04-21",
        &pay_q1_yantai("2016-04-21"),
        "",
        "R-SUBSIDY-1",
    );
    let q1 = report(&o, "auditor", "2016-12-31", "1", Some("yantai"));
    let s = &q1["subsidies"][0];
    assert_eq!(
        (&s["premium_paid"], &s["interest_paid"]),
        (&json!("2641.38"), &json!("188.50"))
    );

    // The finance bureau's list leaves encrypted, with the borrower's name.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("烟台2016Q1补贴.xlsx");
    o.ok(
        "admin",
        "2016-04-20",
        &[
            "subsidy",
            "list",
            "--year",
            "2016",
            "--quarter",
            "1",
            "--city",
            "yantai",
            "--out",
            out.to_str().unwrap(),
        ],
        json!({}),
    );
    use calamine::Reader;
    let mut book = surety_e2e::cli::open_export(&out);
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let text: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        text.contains(&"烟台海德机械有限公司".to_string()),
        "{text:?}"
    );
    assert!(text.contains(&"2641.38".to_string()), "{text:?}");
}

#[test]
fn r_report_1_the_pdf_and_the_spreadsheet_read_back() {
    let (o, _a, _c) = scenario();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("2016Q2.pdf");
    let xlsx = dir.path().join("2016Q2.xlsx");
    for f in [&pdf, &xlsx] {
        o.ok(
            "auditor",
            "2016-12-31",
            &[
                "report",
                "quarter",
                "--year",
                "2016",
                "--quarter",
                "2",
                "--out",
                f.to_str().unwrap(),
            ],
            json!({}),
        );
    }
    let text = String::from_utf8(
        std::process::Command::new("pdftotext")
            .args(["-layout", pdf.to_str().unwrap(), "-"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for want in ["小额贷款保证保险试点统计季报", "金额单位", "万元", "表六"] {
        assert!(text.contains(want), "{want} not in:\n{text}");
    }
    assert!(text.replace(' ', "").contains("第1页共2页"), "{text}");
    assert!(
        text.contains("2016年第二季度（2016-04-01 至 2016-06-30）"),
        "{text}"
    );
    // Table one's total row: 1 application, 1 approved, 1 loan of 10.00 万元, 30.00 万元 this
    // year, 30.00 万元 outstanding.
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("合计") && l.contains("30.00"))
        .unwrap_or_else(|| panic!("no total row:\n{text}"));
    let cells: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(
        cells,
        ["合计", "1", "1", "0", "0", "1", "10.00", "30.00", "30.00"]
    );

    use calamine::Reader;
    let bytes = std::fs::read(&xlsx).unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names().to_vec();
    assert_eq!(
        names,
        [
            "说明",
            "业务明细",
            "借款人类型",
            "赔付率",
            "五级分类",
            "财政补贴",
            "恶意逃废债"
        ]
    );
    let sheet = book.worksheet_range("五级分类").unwrap();
    let dz: Vec<String> = sheet
        .rows()
        .find(|r| r.iter().any(|c| *c == "德州农村商业银行"))
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    // 城市, 银行, 笔数, 余额, 正常, 关注 …
    assert_eq!(
        &dz[..6],
        ["德州", "德州农村商业银行", "1", "100000", "0", "100000"]
    );
}
