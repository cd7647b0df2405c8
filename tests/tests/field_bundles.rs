//! Issue 16: applications taken on a field laptop reach the office in a bundle. The office
//! previews it (nothing changes), then takes each application in with its own intake — the
//! agent's name on it, an office case number issued, the laptop's provisional number kept,
//! the intake photos with it. The same bundle again changes nothing; a bundle for another
//! office, a changed byte or a cut file is refused with nothing taken in. The office's word
//! (case numbers, where each stands) goes back to the laptop the same way.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use surety_e2e::cli::{Office, Outcome, PASSWORD};
use surety_e2e::field::{enrol_laptop, LAPTOP_PASSWORD};
use surety_e2e::pilot::*;

const CODE_D: &str = "91370302MA0000005K";

/// An office's laptop for its agent: (laptop, the office's installation id).
fn laptop_of(office: &Office, dir: &std::path::Path, name: &str) -> (Office, String) {
    let laptop = enrol_laptop(office, PASSWORD, dir, name);
    let id = office.ok("admin", "2016-02-20", &["sync", "identity"], json!({}));
    (laptop, id["installation_id"].as_str().unwrap().to_string())
}

fn agent(laptop: &Office, args: &[&str], body: &str) -> Outcome {
    laptop.run_as(
        Some("agent"),
        LAPTOP_PASSWORD,
        Some("2016-03-01"),
        args,
        body,
    )
}

fn import(office: &Office, file: &std::path::Path, preview: bool) -> Outcome {
    let mut args = vec!["bundle", "import", "--from", file.to_str().unwrap()];
    if preview {
        args.push("--preview");
    }
    office.run(Some("admin"), Some("2016-03-05"), &args, "")
}

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 180) as u8, 60])
    });
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    out
}

fn case_count(office: &Office) -> usize {
    office
        .ok(
            "auditor",
            "2016-03-05",
            &["case", "list", "--limit", "100"],
            json!({}),
        )
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn applications_taken_offline_reach_the_office_once_with_their_photos() {
    let office = pilot();
    let dir = tempfile::tempdir().unwrap();
    let (laptop, office_id) = laptop_of(&office, dir.path(), "吴磊的笔记本");

    // Three applications in the village, the first with its ID card photo.
    let mut provisional = Vec::new();
    for (ch, name, code, principal) in [
        (&YANTAI, "烟台海德机械有限公司", CODE_A, "200000"),
        (&YANTAI, "烟台福山果蔬合作社", CODE_B, "150000"),
        (&DEZHOU, "德州禹城粮食合作社", CODE_C, "100000"),
    ] {
        let out = agent(
            &laptop,
            &["case", "intake"],
            &application(ch, name, code, principal).to_string(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        provisional.push(out.json()["case_no"].as_str().unwrap().to_string());
    }
    let id_card = photo();
    let file = dir.path().join("身份证.jpg");
    std::fs::write(&file, &id_card).unwrap();
    let out = agent(
        &laptop,
        &[
            "attachment",
            "add",
            "--case",
            &provisional[0],
            "--section",
            "intake",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    let b1 = dir.path().join("b1.bundle");
    let out = agent(
        &laptop,
        &[
            "bundle",
            "export",
            "--to",
            &office_id,
            "--out",
            b1.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Three applications, one photo and the laptop's audit chain: five parts, sealed one
    // at a time and said so.
    assert!(
        out.stderr.contains("[sealing / 封装] 100% (5/5)"),
        "{}",
        out.stderr
    );
    let exported = out.json();
    assert_eq!(exported["cases"], json!(provisional));
    assert_eq!(exported["files"], 1);
    let sealed = std::fs::read(&b1).unwrap();
    for readable in ["烟台海德机械有限公司", CODE_A, &provisional[0]] {
        assert!(
            !sealed
                .windows(readable.len())
                .any(|w| w == readable.as_bytes()),
            "{readable}"
        );
    }
    let again = agent(
        &laptop,
        &[
            "bundle",
            "export",
            "--to",
            &office_id,
            "--out",
            dir.path().join("empty.bundle").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        again.error()["message_en"],
        "there are no applications or changes not sent yet"
    );

    // The preview changes nothing; it says how far the check and the plan got.
    let out = import(&office, &b1, true);
    for said in [
        "[checking / 校验] 100% (5/5)",
        "[previewing / 预览] 100% (3/3)",
    ] {
        assert!(out.stderr.contains(said), "{said}: {}", out.stderr);
    }
    assert_eq!(out.code, 0, "{}", out.stderr);
    let preview = out.json();
    assert_eq!(preview["from_name"], "吴磊的笔记本");
    let outcomes: Vec<&str> = preview["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["new", "new", "new"]);
    assert_eq!(case_count(&office), 0);

    // Taken in: office numbers, the agent's name, the provisional number and the photo kept.
    let out = import(&office, &b1, false);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let lines = report["lines"].as_array().unwrap();
    let numbers: Vec<&str> = lines
        .iter()
        .map(|l| l["case_no"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            "ICBC-YT-2016-000001",
            "ICBC-YT-2016-000002",
            "RCB-DZ-2016-000001"
        ]
    );
    assert!(lines.iter().all(|l| l["outcome"] == "taken"));
    assert_eq!(case_count(&office), 3);
    let shown = office.ok(
        "agent",
        "2016-03-05",
        &["case", "show", numbers[0]],
        json!({}),
    );
    assert_eq!(shown["borrower"]["name"], "烟台海德机械有限公司");
    assert_eq!(shown["principal"], "200000.00");
    let intake = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "case.intake")
        .unwrap()
        .clone();
    assert_eq!(intake["actor"], "agent", "the agent's application");
    assert!(
        intake["summary"]
            .as_str()
            .unwrap()
            .contains(&provisional[0]),
        "{intake}"
    );
    let files = office.ok(
        "uw-pool",
        "2016-03-05",
        &["attachment", "list", "--case", numbers[0]],
        json!({}),
    );
    assert_eq!(files[0]["file_name"], "身份证.jpg");
    assert_eq!(files[0]["sha256"], hex::encode(Sha256::digest(&id_card)));

    // The office finds it by the laptop's number too.
    let found = office.ok(
        "auditor",
        "2016-03-05",
        &["case", "list", "--search", &provisional[1]],
        json!({}),
    );
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["case_no"], numbers[1]);

    // The same bundle again: nothing changes.
    let out = import(&office, &b1, false);
    let repeat: Value = out.json();
    assert!(
        repeat["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["outcome"] == "already"),
        "{repeat}"
    );
    assert_eq!(repeat["lines"][2]["case_no"], "RCB-DZ-2016-000001");
    assert_eq!(case_count(&office), 3);

    // A changed byte, a cut file, a bundle for another office: refused, nothing taken in.
    let out = agent(
        &laptop,
        &["case", "intake"],
        &application(&YANTAI, "烟台开发区电子厂", CODE_D, "50000").to_string(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let b2 = dir.path().join("b2.bundle");
    assert_eq!(
        agent(
            &laptop,
            &[
                "bundle",
                "export",
                "--to",
                &office_id,
                "--out",
                b2.to_str().unwrap()
            ],
            ""
        )
        .code,
        0
    );
    let whole = std::fs::read(&b2).unwrap();
    let mut flipped = whole.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x04;
    let bad = dir.path().join("bad.bundle");
    std::fs::write(&bad, &flipped).unwrap();
    assert_eq!(
        import(&office, &bad, false).error()["code"],
        "BUNDLE_DAMAGED"
    );
    std::fs::write(&bad, &whole[..whole.len() - 100]).unwrap();
    assert_eq!(
        import(&office, &bad, false).error()["code"],
        "BUNDLE_DAMAGED"
    );
    // Sealed to this office by an installation it never registered: refused.
    let stranger = surety_sync::Identity::generate();
    let office_identity = office.ok("admin", "2016-03-05", &["sync", "identity"], json!({}));
    let forged = surety_bundle::seal(
        surety_bundle::Manifest {
            format: surety_bundle::FORMAT,
            bundle_id: "stranger".into(),
            sender_installation: "stranger".into(),
            sender_key: String::new(),
            recipient_installation: office_id.clone(),
            created_at: "2016-03-05T00:00:00Z".into(),
            events: vec![],
            parts: vec![],
        },
        &[],
        &stranger,
        office_identity["seal_recipient"].as_str().unwrap(),
    )
    .unwrap();
    std::fs::write(&bad, forged).unwrap();
    let out = import(&office, &bad, false);
    assert_eq!(
        out.error()["code"],
        "BUNDLE_UNKNOWN_SENDER",
        "{}",
        out.stderr
    );
    let other_office = pilot();
    let other = import(&other_office, &b2, false);
    assert_eq!(
        other.error()["code"],
        "BUNDLE_NOT_FOR_US",
        "{}",
        other.stderr
    );
    assert_eq!(case_count(&office), 3);
    let out = import(&office, &b2, false);
    assert_eq!(out.json()["lines"][0]["case_no"], "ICBC-YT-2016-000003");
    assert_eq!(case_count(&office), 4);

    // Back to the laptop: the office's word on each application — its number and where it
    // stands. The first is approved by both sides at the office.
    let c = numbers[0];
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    let day = "2016-03-06";
    office.ok(
        "uw-pool",
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean, "note": "实地调查"}),
    );
    office.ok(
        "bo-icbc",
        day,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    office.ok(
        "bo-icbc",
        day,
        &["case", "review"],
        json!({"case_no": c, "note": "会商同意"}),
    );
    office.ok(
        "uw-pool",
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    office.ok(
        "bo-icbc",
        day,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    let laptop_id = agent(&laptop, &["sync", "identity"], "").json()["installation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let back = dir.path().join("back.bundle");
    let out = office.run(
        Some("admin"),
        Some(day),
        &[
            "bundle",
            "export",
            "--to",
            &laptop_id,
            "--out",
            back.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["cases"].as_array().unwrap().len(), 4);
    let out = agent(
        &laptop,
        &["bundle", "import", "--from", back.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.json()["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["outcome"] == "taken"));
    let first = agent(&laptop, &["case", "show", &provisional[0]], "").json();
    assert_eq!(first["office"]["case_no"], "ICBC-YT-2016-000001");
    assert_eq!(
        (&first["office"]["status"], &first["office"]["status_zh"]),
        (&json!("approved"), &json!("双方批准"))
    );
    let third = agent(&laptop, &["case", "show", &provisional[2]], "").json();
    assert_eq!(
        (&third["office"]["case_no"], &third["office"]["status"]),
        (&json!("RCB-DZ-2016-000001"), &json!("intake"))
    );
    // The laptop's list shows the office's number with its own provisional one.
    let listed = agent(&laptop, &["case", "list"], "").json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["case_no"] == provisional[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(row["office_case_no"], "ICBC-YT-2016-000001", "{row}");
    // Nothing new at the office: the next bundle back — made later — changes nothing on
    // the laptop (the word is dated by the case's last change, not by the export).
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let again = dir.path().join("again.bundle");
    assert_eq!(
        office
            .run(
                Some("admin"),
                Some(day),
                &[
                    "bundle",
                    "export",
                    "--to",
                    &laptop_id,
                    "--out",
                    again.to_str().unwrap()
                ],
                ""
            )
            .code,
        0
    );
    let out = agent(
        &laptop,
        &["bundle", "import", "--from", again.to_str().unwrap()],
        "",
    );
    assert!(
        out.json()["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["outcome"] == "already"),
        "{}",
        out.stdout
    );
    // A laptop takes no applications from a bundle, nor an office its own word.
    assert_eq!(
        import(&office, &back, false).error()["code"],
        "BUNDLE_NOT_FOR_US"
    );
}

/// The application's own day travels with it: taken on the laptop on 2016-03-01 and taken
/// in at the office on 2016-03-20, it is dated 2016-03-01 there. One the laptop dates
/// after the office's day, or before the laptop was enrolled (2016-02-20), is refused with
/// its reason and nothing of it is written.
#[test]
fn an_application_keeps_the_day_it_was_taken_on_the_laptop() {
    let office = pilot();
    let dir = tempfile::tempdir().unwrap();
    let (laptop, office_id) = laptop_of(&office, dir.path(), "吴磊的笔记本");
    let mut provisional = Vec::new();
    for (day, name, code) in [
        ("2016-03-01", "烟台海德机械有限公司", CODE_A),
        ("2016-03-25", "烟台福山果蔬合作社", CODE_B),
        ("2016-02-10", "烟台莱山渔具厂", CODE_D),
    ] {
        let out = laptop.run_as(
            Some("agent"),
            LAPTOP_PASSWORD,
            Some(day),
            &["case", "intake"],
            &application(&YANTAI, name, code, "100000").to_string(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.json()["application_date"], day, "the laptop's own day");
        provisional.push(out.json()["case_no"].as_str().unwrap().to_string());
    }
    let bundle = dir.path().join("b.bundle");
    let out = laptop.run_as(
        Some("agent"),
        LAPTOP_PASSWORD,
        Some("2016-03-25"),
        &[
            "bundle",
            "export",
            "--to",
            &office_id,
            "--out",
            bundle.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    let out = office.run(
        Some("admin"),
        Some("2016-03-20"),
        &["bundle", "import", "--from", bundle.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let line = |p: &str| {
        report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["provisional_no"] == p)
            .unwrap_or_else(|| panic!("no line for {p}: {report}"))
            .clone()
    };
    let taken = line(&provisional[0]);
    assert_eq!(taken["outcome"], "taken", "{taken}");
    let shown = office.ok(
        "auditor",
        "2016-03-20",
        &["case", "show", taken["case_no"].as_str().unwrap()],
        json!({}),
    );
    assert_eq!(shown["application_date"], "2016-03-01");

    let later = line(&provisional[1]);
    assert_eq!(later["outcome"], "refused", "{later}");
    assert!(
        later["reason_zh"].as_str().unwrap().contains("晚于今天"),
        "{later}"
    );
    let earlier = line(&provisional[2]);
    assert_eq!(earlier["outcome"], "refused", "{earlier}");
    assert!(
        earlier["reason_zh"]
            .as_str()
            .unwrap()
            .contains("早于这台笔记本的登记日期 2016-02-20"),
        "{earlier}"
    );
    assert_eq!(case_count(&office), 1, "only the first was written");
}
