//! What an admin configures takes effect in the rules: a new reference rate lowers the
//! R-RATE-1 cap for loans from its date on; a city's pilot start moves its pilot year.
//! Through the `surety` binary, as the settings pages call the same Desk methods.

use serde_json::json;
use surety_e2e::pilot::*;

#[test]
fn a_new_reference_rate_lowers_the_cap_from_its_date() {
    let o = pilot();
    // 5.655% is exactly 1.3 × the 4.35% benchmark: allowed before the change.
    o.ok(
        "agent",
        "2016-05-30",
        &["case", "intake"],
        application(&YANTAI, "烟台金穗粮油有限公司", CODE_A, "300000"),
    );
    let refused = o.refused(
        "bo-icbc",
        "2016-05-30",
        &["rate", "set"],
        &json!({"effective": "2016-06-01", "rate": "0.04"}).to_string(),
        "NOT_PERMITTED",
    );
    assert!(refused.stderr.contains("may not change the rate table"));
    let rows = o.ok(
        "admin",
        "2016-05-30",
        &["rate", "set"],
        json!({"effective": "2016-06-01", "rate": "0.04"}),
    );
    let added = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["effective"] == "2016-06-01")
        .expect("the new rate is listed");
    assert_eq!(added["rate_percent"], "4.00%");
    assert_eq!(added["kind"], "pboc_benchmark", "before 2019-08-20");
    // From 2016-06-01 the cap is 1.3 × 4% = 5.2%: the same terms are refused.
    let out = o.refused(
        "agent",
        "2016-06-02",
        &["case", "intake"],
        &application(&YANTAI, "烟台海丰水产有限公司", CODE_B, "300000").to_string(),
        "R-RATE-1",
    );
    assert!(out.stderr.contains("5.2%"), "{}", out.stderr);
    // Removing it restores the old cap.
    o.ok(
        "admin",
        "2016-06-02",
        &["rate", "remove", "--effective", "2016-06-01"],
        json!({}),
    );
    o.ok(
        "agent",
        "2016-06-02",
        &["case", "intake"],
        application(&YANTAI, "烟台海丰水产有限公司", CODE_B, "300000"),
    );
}

#[test]
fn a_city_setting_is_validated_and_listed() {
    let o = pilot();
    let out = o.refused(
        "admin",
        "2016-01-01",
        &["city", "set"],
        &json!({"city": "yantai", "premium_subsidy_share": "1.5", "interest_subsidy_share": "0"})
            .to_string(),
        "INVALID_INPUT",
    );
    assert!(
        out.stderr.contains("premium_subsidy_share"),
        "{}",
        out.stderr
    );
    let row = o.ok(
        "admin",
        "2016-01-01",
        &["city", "set"],
        json!({"city": "yantai", "pilot_start": "2015-07-01", "premium_subsidy_share": "0.5",
               "interest_subsidy_share": "0.3", "subsidy_kinds": ["farmer"]}),
    );
    assert_eq!(row["pilot_year_start"], "07-01");
    let cities = o.ok("auditor", "2016-01-01", &["city", "list"], json!({}));
    let yantai = &cities.as_array().unwrap()[0];
    assert_eq!(yantai["premium_subsidy_share"], "0.5");
    assert_eq!(yantai["subsidy_kinds"], json!(["farmer"]));
}

#[test]
fn a_settings_file_gives_qingdao_its_own_limits_and_only_an_admin_applies_it() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qingdao.toml");
    std::fs::write(&file, "[cities.qingdao.limits]\nmax_term_months = 6\n").unwrap();
    let file = file.to_str().unwrap();
    o.refused(
        "bo-icbc",
        "2016-01-01",
        &["settings", "apply", file],
        "",
        "NOT_PERMITTED",
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[cities.yantai.limits]\nmax_term_months = 6\n").unwrap();
    let out = o.refused(
        "admin",
        "2016-01-01",
        &["settings", "apply", bad.to_str().unwrap()],
        "",
        "INVALID_INPUT",
    );
    assert!(out.stderr.contains("Qingdao"), "{}", out.stderr);
    let out = o.run(
        Some("admin"),
        Some("2016-01-01"),
        &["settings", "apply", file],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = o.run(
        Some("auditor"),
        Some("2016-01-01"),
        &["settings", "show"],
        "",
    );
    assert!(
        shown.stdout.contains("[cities.qingdao.limits]")
            && shown.stdout.contains("max_term_months = 6"),
        "{}",
        shown.stdout
    );
    // The rate table is kept: the benchmark of 2015-10-24 is still there.
    let rates = o.ok("auditor", "2016-01-01", &["rate", "list"], json!({}));
    assert!(rates
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["effective"] == "2015-10-24"));
}

#[test]
fn the_numbers_in_force_come_from_the_settings_and_stay_within_the_policys_ceilings() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        f.to_str().unwrap().to_string()
    };
    // Above the policy's ceilings for the province: refused, naming the key.
    for (text, key) in [
        (
            "[limits]\nrate_cap_multiplier = \"1.5\"\n",
            "rate_cap_multiplier",
        ),
        (
            "[limits]\nborrower_hard_cap = \"3500000\"\n",
            "borrower_hard_cap",
        ),
    ] {
        let f = write("over.toml", text);
        let out = o.refused(
            "admin",
            "2016-01-01",
            &["settings", "apply", &f],
            "",
            "INVALID_INPUT",
        );
        assert!(out.stderr.contains(key), "{}", out.stderr);
    }
    // Within them: a stricter province, and Qingdao's own pilot above them.
    let f = write(
        "strict.toml",
        "[limits]\nborrower_soft_cap = \"800000\"\nstop_loss_ratio = \"1.2\"\n[npl]\nexemption_ratio = \"0.03\"\n\
         [cities.qingdao.limits]\nborrower_hard_cap = \"5000000\"\nrate_cap_multiplier = \"1.5\"\n",
    );
    let out = o.run(
        Some("admin"),
        Some("2016-01-01"),
        &["settings", "apply", &f],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The dashboard draws the lines in force: 1.2 → 120%, 0.03 → 3%.
    let d = o.ok("auditor", "2016-05-03", &["dashboard"], json!({}));
    assert_eq!(d["stop_line_percent"], "120");
    assert_eq!(d["npl_exemption_percent"], "3");
    // R-AMT-1 names the cap in force: 900,000.00 is over 800,000.00 now.
    let c = case_no(&o.ok(
        "agent",
        "2016-05-03",
        &["case", "intake"],
        application(&YANTAI, "烟台鲁东机械有限公司", CODE_B, "900000"),
    ));
    let v = o.ok("auditor", "2016-05-03", &["case", "show", &c], json!({}));
    let w = &v["quote"]["warnings"][0];
    assert_eq!(w["rule"], "R-AMT-1");
    let message = w["message_zh"].as_str().unwrap();
    assert!(
        message.contains("800000") && !message.contains("1000000"),
        "{message}"
    );
}

#[test]
fn r_amt_1_the_agreement_sets_its_own_cap_in_principle() {
    let o = pilot();
    let admin = |args: &[&str], body: serde_json::Value| o.ok("admin", "2015-12-01", args, body);
    admin(
        &["org", "add"],
        json!({"kind": "bank", "code": "wfb-wf", "name": "潍坊银行", "city": "weifang"}),
    );
    let terms = |cap: &str| {
        json!({"bank": "wfb-wf", "insurer": "cpic", "city": "weifang", "insurer_share": "0.8",
               "borrower_soft_cap": cap, "guarantee_rate": "0.02", "accident_rate": "0.01",
               "signed_on": "2015-11-20"})
    };
    // Above the hard cap (3,000,000.00) it is no cap in principle.
    let e = o.refused(
        "admin",
        "2015-12-01",
        &["agreement"],
        &terms("3500000").to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "borrower_soft_cap");
    let a = admin(&["agreement"], terms("500000"));
    assert_eq!(a["borrower_soft_cap"], "500000.00");

    // 600,000.00 in Weifang is over this agreement's 500,000.00 and needs the exception;
    // the same amount in Yantai is within the province's 1,000,000.00.
    let weifang = Channel {
        city: "weifang",
        bank: "wfb-wf",
        insurer: "cpic",
        banker: "bo-icbc",
        underwriter: "uw-cpic",
    };
    let c = case_no(&o.ok(
        "agent",
        "2016-05-03",
        &["case", "intake"],
        application(&weifang, "潍坊宏图包装有限公司", CODE_A, "600000"),
    ));
    let v = o.ok("auditor", "2016-05-03", &["case", "show", &c], json!({}));
    assert_eq!(v["needs_exception"], true);
    let message = v["quote"]["warnings"][0]["message_zh"].as_str().unwrap();
    assert!(message.contains("原则上限 500000.00 元"), "{message}");
    let c = case_no(&o.ok(
        "agent",
        "2016-05-03",
        &["case", "intake"],
        application(&YANTAI, "烟台宏图包装有限公司", CODE_C, "600000"),
    ));
    let v = o.ok("auditor", "2016-05-03", &["case", "show", &c], json!({}));
    assert_eq!(v["needs_exception"], false);
}
