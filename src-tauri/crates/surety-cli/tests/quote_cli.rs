//! The `surety quote` JSON contract and exit codes, through the real binary.

use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn surety(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_surety"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run surety");
    // The program may exit before reading (e.g. a bad settings file): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn request() -> Value {
    json!({
        "city": "yantai",
        "borrower_kind": "micro_enterprise",
        "principal": "1000000",
        "annual_rate": "0.05655",
        "term_months": 12,
        "contract_date": "2016-03-15",
        "repayment": "interest_monthly",
        "guarantee_rate": "0.02",
        "accident_rate": "0.01"
    })
}

fn quote_ok(req: &Value) -> Value {
    let out = surety(&["quote"], &req.to_string());
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn a_compliant_quote_with_every_figure_to_the_fen() {
    let q = quote_ok(&request());
    assert_eq!(q["compliant"], true);
    assert_eq!(q["violations"], json!([]));
    assert_eq!(q["reference_rate"], "0.0435");
    assert_eq!(q["rate_cap"], "0.05655");
    assert_eq!(q["total_interest"], "56550.00");
    assert_eq!(q["premium_base"], "1056550.00");
    assert_eq!(q["guarantee_premium"], "21131.00");
    assert_eq!(q["accident_premium"], "10565.50");
    assert_eq!(q["total_premium"], "31696.50");
    assert_eq!(q["financing_cost"], "88246.50");
    let s = q["schedule"].as_array().unwrap();
    assert_eq!(s.len(), 12);
    assert_eq!(
        s[0],
        json!({"period": 1, "due_date": "2016-04-15", "principal": "0.00", "interest": "4712.50", "payment": "4712.50", "balance": "1000000.00"})
    );
    assert_eq!(s[11]["payment"], "1004712.50");
    assert_eq!(s[11]["balance"], "0.00");
}

#[test]
fn the_principal_written_as_people_write_it_quotes_the_same_to_the_fen() {
    // 100万, 1,000,000.00 and ¥1,000,000 are the 1000000 above: the same figures.
    let plain = quote_ok(&request());
    for written in ["100万", "1,000,000.00", "¥1,000,000", "１００万元"] {
        let mut r = request();
        r["principal"] = json!(written);
        let q = quote_ok(&r);
        assert_eq!(q["financing_cost"], "88246.50", "{written}");
        assert_eq!(q, plain, "{written}");
    }
}

#[test]
fn a_loan_breaking_rules_still_exits_0_and_says_why() {
    let mut req = request();
    req["annual_rate"] = json!("0.06");
    req["term_months"] = json!(13);
    req["fees"] = json!([{"name": "服务费", "amount": "800"}]);
    req["guarantee_rate"] = json!("0.015");
    let q = quote_ok(&req);
    assert_eq!(q["compliant"], false);
    let rules: Vec<&str> = q["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["R-TERM-1", "R-RATE-1", "R-FEE-1", "R-PREM-1"]);
    let rate = &q["violations"][1];
    assert_eq!(rate["field"], "annual_rate");
    assert_eq!(
        rate["message_zh"],
        "年利率 6% 超过上限 5.655%（基准利率 4.35% × 1.3）"
    );
    assert!(rate["message_en"].as_str().unwrap().contains("5.655%"));
}

#[test]
fn over_one_million_is_a_warning_over_three_million_a_violation() {
    let mut req = request();
    req["principal"] = json!("1500000");
    let q = quote_ok(&req);
    assert_eq!(q["compliant"], true);
    assert_eq!(q["warnings"][0]["rule"], "R-AMT-1");
    req["principal"] = json!("1000000");
    req["outstanding_principal"] = json!("2000000.01");
    let q = quote_ok(&req);
    assert_eq!(q["violations"][0]["rule"], "R-AMT-2");
}

#[test]
fn the_reference_rate_follows_the_contract_date() {
    let mut req = request();
    req["contract_date"] = json!("2019-08-20");
    req["annual_rate"] = json!("0.05525");
    let q = quote_ok(&req);
    assert_eq!(q["reference_rate"], "0.0425");
    assert_eq!(q["rate_cap"], "0.05525");
    assert_eq!(q["compliant"], true);
}

fn malformed(stdin: &str, mentions: &str) {
    let out = surety(&["quote"], stdin);
    assert_eq!(out.status.code(), Some(2), "input: {stdin}");
    assert!(out.stdout.is_empty(), "nothing on stdout for {stdin}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(mentions),
        "stderr for {stdin} should mention {mentions}: {err}"
    );
    assert!(
        err.contains("错误") && err.contains("error"),
        "bilingual: {err}"
    );
}

#[test]
fn malformed_requests_exit_2_with_a_clear_message() {
    malformed("not json", "malformed request");
    let mut r = request();
    r.as_object_mut().unwrap().remove("city");
    malformed(&r.to_string(), "missing field `city`");
    let mut r = request();
    r["colour"] = json!("red");
    malformed(&r.to_string(), "unknown field `colour`");
    let mut r = request();
    r["principal"] = json!(1000000);
    malformed(&r.to_string(), "invalid type");
    let mut r = request();
    r["principal"] = json!("1e6");
    malformed(&r.to_string(), "[principal]");
    let mut r = request();
    r["principal"] = json!("-5");
    malformed(&r.to_string(), "cannot be negative");
    let mut r = request();
    r["city"] = json!("beijing");
    malformed(&r.to_string(), "unknown pilot city `beijing`");
    let mut r = request();
    r["contract_date"] = json!("2016-02-30");
    malformed(&r.to_string(), "[contract_date]");
    let mut r = request();
    r["repayment"] = json!("balloon");
    malformed(&r.to_string(), "[repayment]");
}

#[test]
fn a_settings_file_changes_the_numbers_and_a_bad_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("surety-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    // A stricter multiplier than the policy's 1.3 (above it is refused): 4.35% × 1.2.
    std::fs::write(&good, "[limits]\nrate_cap_multiplier = \"1.2\"\n").unwrap();
    let out = surety(
        &["quote", "--settings", good.to_str().unwrap()],
        &request().to_string(),
    );
    let q: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(q["rate_cap"], "0.0522");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[agreement]\ninsurer_share = \"1.7\"\n").unwrap();
    let out = surety(
        &["quote", "--settings", bad.to_str().unwrap()],
        &request().to_string(),
    );
    // A settings file that does not hold is invalid input: exit code 2, as the README says.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("agreement.insurer_share"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_command_line_that_does_not_parse_is_malformed_input_in_both_languages() {
    let out = surety(&["quote", "--no-such-flag"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("命令行有误") && err.contains("the command line is wrong"),
        "{err}"
    );
    let json_line: Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
    assert_eq!(json_line["error"]["code"], "MALFORMED_REQUEST");
    assert!(json_line["error"]["message_en"]
        .as_str()
        .unwrap()
        .contains("--no-such-flag"));
}
