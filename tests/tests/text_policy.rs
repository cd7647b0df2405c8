//! One text policy for every name: users, organisations, codes, other installations,
//! attachments, like borrowers' — no control or invisible characters, within a stated
//! length, required where a name is — and the intake's own checks (a credit code's region,
//! an annual rate, a phone number). A refusal names the field and changes nothing.

use serde_json::json;
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

const DAY: &str = "2016-03-01";

fn count(o: &Office, args: &[&str]) -> usize {
    o.ok("admin", DAY, args, json!({}))
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn every_name_follows_one_text_policy() {
    let o = pilot();
    let (orgs, users) = (count(&o, &["org", "list"]), count(&o, &["user", "list"]));
    let refused = |args: &[&str], body: serde_json::Value, field: &str| {
        let out = o.refused("admin", DAY, args, &body.to_string(), "INVALID_INPUT");
        assert_eq!(out.error()["field"], field, "{}", out.stderr);
    };
    let long = "烟".repeat(200_000);
    for (name, why) in [
        ("工商银行\u{0}烟台", "NUL"),
        ("工商银行\u{1b}[31m烟台", "ESC"),
        ("\u{202e}行银商工", "a right-to-left override"),
        (long.as_str(), "200,000 characters"),
        ("   ", "empty"),
    ] {
        let body = json!({"kind": "insurer", "code": "x-ins", "name": name});
        let out = o.refused(
            "admin",
            DAY,
            &["org", "add"],
            &body.to_string(),
            "INVALID_INPUT",
        );
        assert_eq!(out.error()["field"], "name", "{why}: {}", out.stderr);
        assert!(
            out.stderr.len() < 2_000,
            "{why}: the refusal does not echo the name"
        );
    }
    refused(
        &["org", "add"],
        json!({"kind": "insurer", "code": "c".repeat(33), "name": "某保险"}),
        "code",
    );
    // A bank lends in a city.
    refused(
        &["org", "add"],
        json!({"kind": "bank", "code": "nocity", "name": "无城市银行"}),
        "city",
    );
    for name in ["柜员\u{7}", "\u{200b}", "", &"柜".repeat(51)] {
        refused(
            &["user", "add"],
            json!({"username": "teller", "display_name": name, "role": "auditor"}),
            "display_name",
        );
    }
    refused(
        &["peer", "add"],
        json!({"installation_id": "abc", "name": "办公室\u{202e}", "public_key": "00", "seal_recipient": "x"}),
        "name",
    );
    assert_eq!(count(&o, &["org", "list"]), orgs, "no organisation added");
    assert_eq!(count(&o, &["user", "list"]), users, "no user added");
}

#[test]
fn intake_refuses_a_region_less_code_a_zero_rate_and_a_phone_that_is_not_one() {
    let o = pilot();
    let before = o.ok("admin", DAY, &["case", "list"], json!({}));
    let intake = |code: &str, change: &dyn Fn(&mut serde_json::Value)| {
        let mut a = application(&YANTAI, "烟台海丰水产有限公司", CODE_A, "300000");
        change(&mut a);
        o.refused("agent", DAY, &["case", "intake"], &a.to_string(), code)
    };
    // A code whose region is all zeros, with the right check character: GB 32100 over
    // 9 1 0 0 0 0 0 0 M 0 0 0 1 0 0 Y 4 (values × weights 1, 3, 9, … 28) sums to a
    // remainder that gives 5 (worked out with the standard's table, not the code's).
    let out = intake("ID_NUMBER", &|a| {
        a["borrower"]["id_number"] = json!("91000000M000100Y45")
    });
    assert_eq!(out.error()["field"], "borrower.id_number", "{}", out.stderr);
    let out = intake("INVALID_INPUT", &|a| a["annual_rate"] = json!("0"));
    assert_eq!(out.error()["field"], "annual_rate", "{}", out.stderr);
    let out = intake("INVALID_INPUT", &|a| a["borrower"]["phone"] = json!("abc"));
    assert_eq!(out.error()["field"], "borrower.phone", "{}", out.stderr);
    assert_eq!(o.ok("admin", DAY, &["case", "list"], json!({})), before);
    // A phone as people write it goes through.
    let mut a = application(&YANTAI, "烟台海丰水产有限公司", CODE_A, "300000");
    a["borrower"]["phone"] = json!("(0535) 621-8888");
    o.ok("agent", DAY, &["case", "intake"], a);
}
