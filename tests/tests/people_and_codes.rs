//! Issue 17's correctness findings on names and people, through the `surety` binary:
//! usernames and organisation codes that differ only in case are the same name, and a
//! resident ID must belong to an adult born before the application.

use serde_json::json;
use surety_e2e::pilot::*;

#[test]
fn admin_and_picc_in_other_cases_are_taken() {
    let o = pilot();
    let out = o.run(
        Some("admin"),
        Some("2016-01-01"),
        &["user", "add"],
        &json!({"username": "ADMIN", "display_name": "冒名", "role": "auditor"}).to_string(),
    );
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.error()["code"], "USER_EXISTS", "{}", out.stderr);
    let e = o.refused(
        "admin",
        "2016-01-01",
        &["org", "add"],
        &json!({"kind": "insurer", "code": "PICC", "name": "另一个人保"}).to_string(),
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "code");
    assert!(e.stderr.contains("picc"), "{}", e.stderr);
}

#[test]
fn a_resident_id_must_be_an_adults_born_before_the_application() {
    let o = pilot();
    // Check digits by ISO 7064 MOD 11-2: born 2010-01-01 (six on 2016-05-03), born
    // 2030-01-01 (not born yet), born 1980-01-01 (36: an adult).
    for (id, says) in [
        ("370702201001011234", "未满 18 周岁"),
        ("370702203001011233", "晚于申请日"),
    ] {
        let mut person = application(&YANTAI, "王小明", id, "100000");
        person["borrower"]["kind"] = json!("farmer");
        let e = o.refused(
            "agent",
            "2016-05-03",
            &["case", "intake"],
            &person.to_string(),
            "INVALID_INPUT",
        );
        assert_eq!(e.error()["field"], "borrower.id_number");
        assert!(e.stderr.contains(says), "{}", e.stderr);
    }
    let mut person = application(&YANTAI, "王大明", "37070219800101123X", "100000");
    person["borrower"]["kind"] = json!("farmer");
    let v = o.ok("agent", "2016-05-03", &["case", "intake"], person);
    assert_eq!(v["status"], "intake");
}
