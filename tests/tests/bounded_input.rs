//! Outside input is read up to its limit and no further: a device without end (whose size
//! reads as nothing) or an endless pipe is refused clearly, and nothing changes.

use serde_json::json;
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

#[test]
fn endless_input_is_refused_at_its_limit_and_changes_nothing() {
    let o = pilot();
    let c = haifeng(&o, "300000", "2016-03-01");
    let day = "2016-03-02";

    // An attachment: 20 MiB at most.
    let out = o.refused(
        "agent",
        day,
        &[
            "attachment",
            "add",
            "--case",
            &c,
            "--section",
            "intake",
            "/dev/zero",
        ],
        "",
        "INVALID_INPUT",
    );
    assert_eq!(out.error()["field"], "file", "{}", out.stderr);
    assert!(out.stderr.contains("20 MiB"), "{}", out.stderr);
    let list = o.ok(
        "agent",
        day,
        &["attachment", "list", "--case", &c],
        json!({}),
    );
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");

    // A settings file: 1 MiB at most.
    let out = o.refused(
        "admin",
        day,
        &["settings", "apply", "/dev/zero"],
        "",
        "INVALID_INPUT",
    );
    assert!(out.stderr.contains("1 MiB"), "{}", out.stderr);

    // A request on standard input: 16 MiB at most (17 MiB of spaces before the JSON).
    let padded = " ".repeat(17 * 1024 * 1024) + &json!({"case_no": c, "note": "x"}).to_string();
    let out = o.run(Some("bo-icbc"), Some(day), &["case", "review"], &padded);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("16 MiB"), "{}", out.stderr);
    let show = o.ok("bo-icbc", day, &["case", "show", &c], json!({}));
    // Only the review note of the approval itself.
    assert_eq!(show["review_notes"].as_array().map(Vec::len), Some(1));

    // A laptop's enrolment: 64 MiB at most, and no database is left behind.
    let laptop = Office::empty();
    let out = laptop.run(None, None, &["field", "init", "--from", "/dev/zero"], "");
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("64 MiB"), "{}", out.stderr);
    assert!(!laptop.path().exists());

    // A bundle: a plain file only, read as a stream (a device has no size to check).
    let cases_before = o.ok("admin", day, &["case", "list"], json!({}));
    let out = o.refused(
        "admin",
        day,
        &["bundle", "import", "--from", "/dev/zero"],
        "",
        "INVALID_INPUT",
    );
    assert_eq!(out.error()["field"], "from", "{}", out.stderr);
    assert!(
        out.stderr.contains("not a plain file") && out.stderr.contains("不是普通文件"),
        "{}",
        out.stderr
    );
    assert_eq!(
        o.ok("admin", day, &["case", "list"], json!({})),
        cases_before
    );
}
