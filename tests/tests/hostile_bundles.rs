//! Bundles whose signature is genuine but whose content is not the sender's to say: each
//! crafted from a real bundle and signed again with the real sender's key (read from its
//! own encrypted database), so only the content is hostile. Each such event is listed as
//! refused with its reason and nothing of it is written; an importer who may not read the
//! applications is refused before anything is shown.

use serde_json::{json, Value};
use std::path::Path;
use surety_bundle::{Event, SealKey};
use surety_e2e::cli::{Office, PASSWORD};
use surety_e2e::field::{enrol_laptop, LAPTOP_PASSWORD};
use surety_e2e::peers::register;
use surety_e2e::pilot::*;
use surety_sync::Identity;

const DAY: &str = "2016-03-05";

/// A change made to a real event's content.
type Edit = Box<dyn Fn(&mut Value)>;

/// Which event of a real bundle to change, and how.
type EventEdit<'a> = (&'a str, &'a dyn Fn(&mut Value));

/// The keys a crafted bundle needs: the receiver's, to open the real one, and the real
/// sender's, to sign the crafted one.
struct Keys {
    receiver: SealKey,
    recipient: String,
    sender: Identity,
}

fn meta(db: &Path, user: &str, password: &str, key: &str) -> String {
    let (store, _) = surety_store::Store::open(db, user, password).unwrap();
    surety_store::store::meta_value(store.connection(), key)
        .unwrap()
        .unwrap_or_else(|| panic!("no {key} in {}", db.display()))
}

fn keys(receiver: (&Office, &str, &str), sender: (&Office, &str, &str)) -> Keys {
    let seal = meta(
        &receiver.0.db,
        receiver.1,
        receiver.2,
        surety_store::peers::SEAL_KEY,
    );
    let receiver_key = SealKey::from_secret(&seal).unwrap();
    let signing = meta(
        &sender.0.db,
        sender.1,
        sender.2,
        surety_store::outbox::SIGNING_KEY,
    );
    Keys {
        recipient: receiver_key.recipient(),
        receiver: receiver_key,
        sender: Identity::from_hex(&signing).unwrap(),
    }
}

/// `real` opened, its event of `section` rewritten by `edit` (a new event id and hash, as
/// a new event would have), an `extra` event added, sealed again as bundle `name`.
fn rebuild(
    keys: &Keys,
    real: &[u8],
    name: &str,
    edit: Option<EventEdit>,
    extra: Option<(&str, Value)>,
) -> Vec<u8> {
    let opened = surety_bundle::open(real, &keys.receiver, u64::MAX).unwrap();
    let mut manifest = opened.manifest.clone();
    let mut parts = opened.parts().unwrap();
    if let Some((section, edit)) = edit {
        let event: &mut Event = manifest
            .events
            .iter_mut()
            .find(|e| e.section == section)
            .unwrap_or_else(|| panic!("no {section} event"));
        let (_, bytes) = parts.iter_mut().find(|(n, _)| *n == event.part).unwrap();
        let mut body: Value = serde_json::from_slice(bytes).unwrap();
        edit(&mut body);
        *bytes = serde_json::to_vec(&body).unwrap();
        event.hash = surety_bundle::sha256_hex(bytes);
        event.event_id = surety_bundle::sha256_hex(format!("{name}/{}", event.event_id).as_bytes());
    }
    if let Some((section, body)) = extra {
        let bytes = serde_json::to_vec(&body).unwrap();
        let part = format!("{section}/{name}.json");
        let template = manifest.events[0].clone();
        manifest.events.push(Event {
            event_id: surety_bundle::sha256_hex(format!("{name}/{section}").as_bytes()),
            section: section.to_string(),
            hash: surety_bundle::sha256_hex(&bytes),
            part: part.clone(),
            ..template
        });
        parts.push((part, bytes));
    }
    manifest.bundle_id = name.to_string();
    surety_bundle::seal(manifest, &parts, &keys.sender, &keys.recipient).unwrap()
}

fn craft(
    keys: &Keys,
    real: &[u8],
    name: &str,
    section: &str,
    edit: impl Fn(&mut Value),
) -> Vec<u8> {
    rebuild(keys, real, name, Some((section, &edit)), None)
}

fn with_extra(keys: &Keys, real: &[u8], name: &str, section: &str, body: Value) -> Vec<u8> {
    rebuild(keys, real, name, None, Some((section, body)))
}

fn import_as(
    at: &Office,
    user: &str,
    bytes: &[u8],
    dir: &Path,
    name: &str,
) -> surety_e2e::cli::Outcome {
    let file = dir.join(format!("{name}.bundle"));
    std::fs::write(&file, bytes).unwrap();
    at.run(
        Some(user),
        Some(DAY),
        &["bundle", "import", "--from", file.to_str().unwrap()],
        "",
    )
}

fn cases(o: &Office) -> usize {
    o.ok("auditor", DAY, &["case", "list"], json!({}))
        .as_array()
        .unwrap()
        .len()
}

/// The one line of `section` in an import's report.
fn line_of(report: &Value, section: &str) -> Value {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["section"] == section)
        .unwrap_or_else(|| panic!("no {section} line: {report}"))
        .clone()
}

/// The office's laptop, with one Yantai application taken on 2016-03-01 and exported to the
/// office the next day: the laptop and the bundle's file.
fn laptop_with_one_application(office: &Office, dir: &Path) -> (Office, std::path::PathBuf) {
    let laptop = enrol_laptop(office, PASSWORD, dir, "吴磊的笔记本");
    let office_id = office.ok("admin", DAY, &["sync", "identity"], json!({}));
    let out = laptop.run_as(
        Some("agent"),
        LAPTOP_PASSWORD,
        Some("2016-03-01"),
        &["case", "intake"],
        &application(&YANTAI, "烟台海德机械有限公司", CODE_A, "200000").to_string(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = dir.join("real.bundle");
    let out = laptop.run_as(
        Some("agent"),
        LAPTOP_PASSWORD,
        Some("2016-03-02"),
        &[
            "bundle",
            "export",
            "--to",
            office_id["installation_id"].as_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    (laptop, file)
}

#[test]
fn a_laptop_sends_only_its_own_agents_applications() {
    let office = pilot();
    let dir = tempfile::tempdir().unwrap();
    let (laptop, real_file) = laptop_with_one_application(&office, dir.path());
    let real = std::fs::read(&real_file).unwrap();
    let k = keys(
        (&office, "admin", PASSWORD),
        (&laptop, "agent", LAPTOP_PASSWORD),
    );

    // Signed by another agent, or by an admin of the office: not the laptop's to say.
    for (n, who) in ["bo-icbc", "admin"].into_iter().enumerate() {
        let crafted = craft(&k, &real, &format!("agent-{n}"), "intake", |b| {
            b["agent"] = json!(who)
        });
        let out = import_as(
            &office,
            "admin",
            &crafted,
            dir.path(),
            &format!("agent-{n}"),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let l = line_of(&out.json(), "intake");
        assert_eq!(l["outcome"], "refused", "{l}");
        assert!(
            l["reason_zh"]
                .as_str()
                .unwrap()
                .contains("不是这台笔记本登记的“agent”"),
            "{l}"
        );
        assert_eq!(cases(&office), 0, "{who}: nothing written");
    }

    // A step a laptop may not take (a bank's decision) and a case under a number it may
    // not assign: refused, the genuine application beside them taken.
    let decision = json!({"case_no": "ICBC-YT-2016-000001", "step": "decide", "side": "bank",
        "author": "agent", "author_name": "外勤 吴磊", "on": "2016-03-02", "content": {"approve": true}});
    let crafted = with_extra(&k, &real, "step", "step", decision);
    let out = import_as(&office, "admin", &crafted, dir.path(), "step");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let step = line_of(&report, "step");
    assert_eq!(step["outcome"], "refused", "{step}");
    assert!(step["reason_en"]
        .as_str()
        .unwrap()
        .contains("a field laptop sends applications"));
    assert_eq!(line_of(&report, "intake")["outcome"], "taken", "{report}");
    assert_eq!(cases(&office), 1);
    let decided = office.ok(
        "auditor",
        DAY,
        &["case", "show", "ICBC-YT-2016-000001"],
        json!({}),
    );
    assert_eq!(decided["status"], "intake", "no decision was taken");

    // The same crafted bundle again: said, never applied again.
    let again = import_as(&office, "admin", &crafted, dir.path(), "step-again").json();
    assert!(
        again["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["outcome"] != "taken"),
        "{again}"
    );
    assert_eq!(cases(&office), 1);
}

#[test]
fn an_importer_who_may_not_read_the_applications_is_refused_before_anything_is_shown() {
    let office = pilot();
    let dir = tempfile::tempdir().unwrap();
    let (_laptop, file) = laptop_with_one_application(&office, dir.path());
    let bytes = std::fs::read(&file).unwrap();
    // Another bank's officer: refused, the preview too, and nothing of it printed.
    for preview in [true, false] {
        let mut args = vec!["bundle", "import", "--from", file.to_str().unwrap()];
        if preview {
            args.push("--preview");
        }
        let out = office.run(Some("bo-rcb"), Some(DAY), &args, "");
        assert_eq!(out.error()["code"], "NOT_PERMITTED", "{}", out.stderr);
        assert!(out.stdout.trim().is_empty(), "{}", out.stdout);
        assert!(!out.stderr.contains("烟台海德"), "{}", out.stderr);
    }
    assert_eq!(cases(&office), 0);
    // The bank's own officer takes it in.
    let out = import_as(&office, "bo-icbc", &bytes, dir.path(), "own");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(cases(&office), 1);
}

#[test]
fn a_partner_office_sends_only_what_its_organisations_may_say() {
    let bank = pilot();
    let insurer = pilot();
    let dir = tempfile::tempdir().unwrap();
    let id = |o: &Office| o.ok("admin", DAY, &["sync", "identity"], json!({}));
    let (bank_id, insurer_id) = (id(&bank), id(&insurer));
    register(&bank, &insurer_id, "共保体办公室", &["sd-pool"], DAY);
    register(&insurer, &bank_id, "工行办公室", &["icbc-yt"], DAY);
    let out = bank.run(
        Some("agent"),
        Some(DAY),
        &["case", "intake"],
        &application(&YANTAI, "烟台海德机械有限公司", CODE_A, "200000").to_string(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let real_file = dir.path().join("real.bundle");
    bank.ok(
        "admin",
        DAY,
        &[
            "bundle",
            "export",
            "--to",
            insurer_id["installation_id"].as_str().unwrap(),
            "--out",
            real_file.to_str().unwrap(),
        ],
        json!({}),
    );
    let real = std::fs::read(&real_file).unwrap();
    let out = import_as(&insurer, "admin", &real, dir.path(), "real");
    assert_eq!(
        line_of(&out.json(), "case")["outcome"],
        "taken",
        "{}",
        out.stdout
    );
    assert_eq!(cases(&insurer), 1);
    let k = keys((&insurer, "admin", PASSWORD), (&bank, "admin", PASSWORD));

    // Each crafted case: refused with its reason, the insurer's one case unchanged.
    let crafted: [(&str, Edit, &str); 3] = [
        (
            // Taken in by an admin: not a person of the bank's or the pool's.
            "admin-author",
            Box::new(|c: &mut Value| {
                c["case_no"] = json!("ICBC-YT-2016-000099");
                c["agent"] = json!("admin");
                c["agent_role"] = json!("admin");
            }),
            "not a person of an organisation the sender speaks for",
        ),
        (
            // Numbered as another bank's case.
            "other-bank-number",
            Box::new(|c: &mut Value| c["case_no"] = json!("RCB-DZ-2016-000099")),
            "is not one of the lending bank's",
        ),
        (
            // The number the insurer holds already, for another borrower.
            "number-in-use",
            Box::new(|c: &mut Value| {
                c["input"]["borrower"]["id_number"] = json!(CODE_B);
                c["input"]["borrower"]["name"] = json!("烟台福山果蔬合作社");
            }),
            "is used here by another application",
        ),
    ];
    for (name, edit, reason) in crafted {
        let bytes = craft(&k, &real, name, "case", edit);
        let out = import_as(&insurer, "admin", &bytes, dir.path(), name);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let l = line_of(&out.json(), "case");
        assert_eq!(l["outcome"], "refused", "{name}: {l}");
        assert!(
            l["reason_en"].as_str().unwrap().contains(reason),
            "{name}: {l}"
        );
        assert_eq!(cases(&insurer), 1, "{name}: nothing written");
    }
    // The number in use again, now with the bank's investigation of "its" case: the step
    // must not land on this office's case of that number.
    let other_borrower = |c: &mut Value| {
        c["input"]["borrower"]["id_number"] = json!(CODE_B);
        c["input"]["borrower"]["name"] = json!("烟台福山果蔬合作社");
    };
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    let investigation = json!({"case_no": "ICBC-YT-2016-000001", "step": "investigate", "side": "bank",
        "author": "bo-icbc", "author_name": "工行信贷 赵刚", "on": DAY,
        "content": {"findings": clean, "note": "实地核查"}});
    let bytes = rebuild(
        &k,
        &real,
        "number-in-use-with-step",
        Some(("case", &other_borrower)),
        Some(("step", investigation)),
    );
    let out = import_as(
        &insurer,
        "admin",
        &bytes,
        dir.path(),
        "number-in-use-with-step",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(line_of(&report, "case")["outcome"], "refused", "{report}");
    let step = line_of(&report, "step");
    assert_eq!(step["outcome"], "refused", "{step}");
    assert!(
        step["reason_en"]
            .as_str()
            .unwrap()
            .contains("was refused here before"),
        "{step}"
    );
    let held = insurer.ok(
        "auditor",
        DAY,
        &["case", "show", "ICBC-YT-2016-000001"],
        json!({}),
    );
    assert_eq!(held["borrower"]["name"], "烟台海德机械有限公司");
    assert_eq!(
        held["status"], "intake",
        "no investigation landed on it: {held}"
    );
}
