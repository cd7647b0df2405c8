//! Issue 16: a field laptop made from its office. The office's admin enrols the agent's
//! laptop into a file sealed with a passphrase; on the laptop the file becomes its own
//! encrypted database with the agent as its user and the office as its peer; an application
//! taken there gets a provisional number and the same quote and the same refusals as at the
//! office. A wrong passphrase or a changed byte makes nothing; only an admin enrols.

use serde_json::{json, Value};
use surety_e2e::cli::{Office, PASSWORD};
use surety_e2e::pilot::*;

const PHRASE: &str = "village-2016-wu";

fn enrol(o: &Office, user: &str, agent: &str, out: &std::path::Path) -> surety_e2e::cli::Outcome {
    enrol_with(o, user, agent, out, PHRASE)
}

fn enrol_with(
    o: &Office,
    user: &str,
    agent: &str,
    out: &std::path::Path,
    phrase: &str,
) -> surety_e2e::cli::Outcome {
    o.run_with(
        Some(user),
        PASSWORD,
        Some("2016-02-20"),
        &[
            "field",
            "enrol",
            "--agent",
            agent,
            "--prefix",
            "wu",
            "--laptop-name",
            "吴磊的笔记本",
            "--office-name",
            "烟台办公室",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
        &[("SURETY_ENROL_PASSPHRASE", phrase)],
    )
}

fn init(laptop: &Office, from: &std::path::Path, phrase: &str) -> surety_e2e::cli::Outcome {
    laptop.run_with(
        None,
        PASSWORD,
        None,
        &["field", "init", "--from", from.to_str().unwrap()],
        "",
        &[
            ("SURETY_ENROL_PASSPHRASE", phrase),
            ("SURETY_NEW_PASSWORD", "laptop-pass-2016"),
        ],
    )
}

fn quote_of(v: &Value) -> Value {
    let mut q = v["quote"].clone();
    q.as_object_mut().map(|o| o.remove("case_no"));
    q
}

#[test]
fn a_laptop_made_from_its_office_quotes_and_checks_as_the_office_does() {
    let office = pilot();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wu.enrol");

    let out = enrol(&office, "uw-pool", "agent", &file);
    assert_eq!(out.error()["code"], "NOT_PERMITTED");
    let out = enrol(&office, "admin", "bo-icbc", &file);
    assert_eq!(
        out.error()["field"],
        "agent",
        "a bank officer is not a field agent"
    );
    // The file carries the office's keys for the laptop: its passphrase follows the
    // password policy, in both languages, and a weak one writes no file.
    for weak in ["12345678", "agent-2016!", "wuwuwuwuwuwuwu", "password2016"] {
        let out = enrol_with(&office, "admin", "agent", &file, weak);
        let e = out.error();
        assert_eq!(e["field"], "passphrase", "{weak}: {}", out.stderr);
        assert!(
            e["message_zh"].as_str().unwrap().contains("至少 12 个字符"),
            "{e}"
        );
        assert!(
            e["message_en"].as_str().unwrap().contains("at least 12"),
            "{e}"
        );
        assert!(!file.exists(), "{weak}: a file was written");
    }
    let out = enrol(&office, "admin", "agent", &file);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let enrolled = out.json();
    let sealed = std::fs::read(&file).unwrap();
    for readable in ["人保财险", "icbc-yt", "sd-pool", "外勤 吴磊"] {
        assert!(
            !sealed
                .windows(readable.len())
                .any(|w| w == readable.as_bytes()),
            "{readable} readable in the file"
        );
    }

    // A wrong passphrase or a changed byte: nothing is made.
    let laptop = Office::empty();
    let wrong = init(&laptop, &file, "not-the-phrase");
    assert_eq!(wrong.error()["field"], "passphrase", "{}", wrong.stderr);
    assert!(!laptop.db.exists());
    let mut flipped = sealed.clone();
    let at = flipped.len() - 40;
    flipped[at] ^= 0x20;
    let bad = dir.path().join("bad.enrol");
    std::fs::write(&bad, flipped).unwrap();
    let damaged = init(&laptop, &bad, PHRASE).error();
    assert_eq!(damaged["field"], "file");
    // Chinese throughout: the cryptography's English words go into message_en only.
    let zh = damaged["message_zh"].as_str().unwrap();
    assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
    assert!(!laptop.db.exists());

    let made = init(&laptop, &file, PHRASE);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert_eq!(made.json()["user"]["role"], "field_agent");
    let as_agent = |args: &[&str], body: Value| -> Value {
        let out = laptop.run_as(
            Some("agent"),
            "laptop-pass-2016",
            Some("2016-03-01"),
            args,
            &body.to_string(),
        );
        assert_eq!(out.code, 0, "laptop `{}`: {}", args.join(" "), out.stderr);
        out.json()
    };

    // The two installations know each other.
    let laptop_id = as_agent(&["sync", "identity"], json!({}));
    assert_eq!(
        enrolled["peer"]["installation_id"],
        laptop_id["installation_id"]
    );
    assert_eq!(enrolled["peer"]["fingerprint"], laptop_id["fingerprint"]);
    let office_peers = office.ok("admin", "2016-02-20", &["peer", "list"], json!({}));
    assert_eq!(office_peers[0]["name"], "吴磊的笔记本");
    let laptop_peers = as_agent(&["peer", "list"], json!({}));
    let office_id = office.ok("admin", "2016-02-20", &["sync", "identity"], json!({}));
    assert_eq!(
        laptop_peers[0]["installation_id"],
        office_id["installation_id"]
    );
    assert_eq!(laptop_peers[0]["name"], "烟台办公室");

    // The same application at both: the same quote; the laptop's number is provisional.
    let app = application(&YANTAI, "烟台海德机械有限公司", CODE_A, "200000");
    let taken = as_agent(&["case", "intake"], app.clone());
    let provisional = taken["case_no"].as_str().unwrap().to_string();
    assert!(
        provisional.starts_with("WU-20160301-") && provisional.len() == 18,
        "{provisional}"
    );
    let at_office = office.ok("agent", "2016-03-01", &["case", "intake"], app);
    assert!(at_office["case_no"]
        .as_str()
        .unwrap()
        .starts_with("ICBC-YT-2016-"));
    let shown_laptop = as_agent(&["case", "show", &provisional], json!({}));
    let shown_office = office.ok(
        "agent",
        "2016-03-01",
        &["case", "show", at_office["case_no"].as_str().unwrap()],
        json!({}),
    );
    assert_eq!(quote_of(&shown_laptop), quote_of(&shown_office));
    assert_eq!(shown_laptop["bank_name"], "中国工商银行烟台分行");

    // And the same refusal: a rate above the agreement's ceiling is refused in the village
    // exactly as at the office.
    let mut over = application(&YANTAI, "烟台福山果蔬合作社", CODE_B, "100000");
    over["annual_rate"] = json!("0.30");
    let at_laptop = laptop.run_as(
        Some("agent"),
        "laptop-pass-2016",
        Some("2016-03-01"),
        &["case", "intake"],
        &over.to_string(),
    );
    let at_office = office.run(
        Some("agent"),
        Some("2016-03-01"),
        &["case", "intake"],
        &over.to_string(),
    );
    assert_ne!(at_laptop.code, 0);
    assert_eq!(at_laptop.error()["code"], at_office.error()["code"]);
    assert_eq!(
        at_laptop.error()["message_zh"],
        at_office.error()["message_zh"]
    );
}
