//! Issue 16: the site visit — the one section written both on a field laptop and at the
//! office — merged by ownership. The agent's findings reach the office; a change made on
//! both sides since the same revision is a conflict (both kept, shown side by side, the
//! site visit frozen until a person resolves it, the resolution going back and settling
//! the laptop's copy too); an agent's change after a side decided is not taken; a change
//! that arrives before its case waits in the backlog and goes in when the case does.

use serde_json::{json, Value};
use surety_e2e::cli::{Office, Outcome, PASSWORD};
use surety_e2e::field::{enrol_laptop, LAPTOP_PASSWORD};
use surety_e2e::pilot::*;

const OFFICE_DAY: &str = "2016-03-05";

struct Pair {
    office: Office,
    laptop: Office,
    office_id: String,
    laptop_id: String,
    dir: tempfile::TempDir,
    n: std::cell::Cell<u32>,
}

fn pair() -> Pair {
    let office = pilot();
    let dir = tempfile::tempdir().unwrap();
    let laptop = enrol_laptop(&office, PASSWORD, dir.path(), "吴磊的笔记本");
    let office_id = office.ok("admin", OFFICE_DAY, &["sync", "identity"], json!({}))
        ["installation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let p = Pair {
        office,
        laptop,
        office_id,
        laptop_id: String::new(),
        dir,
        n: std::cell::Cell::new(0),
    };
    let laptop_id = p.agent(&["sync", "identity"], "").json()["installation_id"]
        .as_str()
        .unwrap()
        .to_string();
    Pair { laptop_id, ..p }
}

impl Pair {
    fn agent(&self, args: &[&str], body: &str) -> Outcome {
        self.laptop.run_as(
            Some("agent"),
            LAPTOP_PASSWORD,
            Some("2016-03-01"),
            args,
            body,
        )
    }

    fn file(&self) -> std::path::PathBuf {
        self.n.set(self.n.get() + 1);
        self.dir.path().join(format!("b{}.bundle", self.n.get()))
    }

    /// The laptop's bundle to the office.
    fn laptop_bundle(&self) -> std::path::PathBuf {
        let f = self.file();
        let out = self.agent(
            &[
                "bundle",
                "export",
                "--to",
                &self.office_id,
                "--out",
                f.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        f
    }

    /// The office's bundle to the laptop.
    fn office_bundle(&self) -> std::path::PathBuf {
        let f = self.file();
        let out = self.office.run(
            Some("admin"),
            Some(OFFICE_DAY),
            &[
                "bundle",
                "export",
                "--to",
                &self.laptop_id,
                "--out",
                f.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        f
    }

    fn office_import(&self, f: &std::path::Path, preview: bool) -> Value {
        let mut args = vec!["bundle", "import", "--from", f.to_str().unwrap()];
        if preview {
            args.push("--preview");
        }
        let out = self.office.run(Some("admin"), Some(OFFICE_DAY), &args, "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.json()
    }

    fn laptop_import(&self, f: &std::path::Path) -> Value {
        let out = self.agent(&["bundle", "import", "--from", f.to_str().unwrap()], "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.json()
    }

    fn intake(&self, ch: &Channel, name: &str, code: &str) -> String {
        let out = self.agent(
            &["case", "intake"],
            &application(ch, name, code, "100000").to_string(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.json()["case_no"].as_str().unwrap().to_string()
    }
}

fn visit(case_no: &str, findings: &str, recommendation: &str, base: &Value) -> Value {
    json!({
        "case_no": case_no,
        "visited_on": "2016-02-28",
        "place": "烟台市福山区门楼镇",
        "in_operation": true,
        "findings": findings,
        "recommendation": recommendation,
        "base": base,
    })
}

/// (section, outcome) of each line of an import report.
fn outcomes(report: &Value) -> Vec<(String, String)> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["section"].as_str().unwrap().to_string(),
                l["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_site_visit_changed_on_both_sides_is_a_conflict_a_person_resolves() {
    let p = pair();
    let wu = p.intake(&YANTAI, "烟台海德机械有限公司", CODE_A);
    let v1 = p.agent(
        &["visit", "record"],
        &visit(&wu, "厂房约800平方米，设备在运转", "support", &Value::Null).to_string(),
    );
    assert_eq!(v1.code, 0, "{}", v1.stderr);
    let r1 = v1.json()["revision"].as_str().unwrap().to_string();
    // A form made before r1 (no base) is not written over it.
    let stale = p.agent(
        &["visit", "record"],
        &visit(&wu, "旧表单", "against", &Value::Null).to_string(),
    );
    assert_eq!(stale.error()["field"], "base", "{}", stale.stderr);

    // To the office: the application and its site visit.
    let b = p.laptop_bundle();
    let preview = p.office_import(&b, true);
    assert_eq!(
        outcomes(&preview),
        pairs(&[("intake", "new"), ("site_visit", "update")])
    );
    let taken = p.office_import(&b, false);
    assert_eq!(
        outcomes(&taken),
        pairs(&[("intake", "taken"), ("site_visit", "taken")])
    );
    let case_no = taken["lines"][0]["case_no"].as_str().unwrap().to_string();
    assert_eq!(case_no, "ICBC-YT-2016-000001");
    // The laptop's own audit chain came along and is kept with its origin: its intake and
    // its site visit, at least.
    assert_eq!(taken["audit_chain"]["outcome"], "taken", "{taken}");
    let first_entries = taken["audit_chain"]["files"].as_u64().unwrap();
    assert!(first_entries >= 2, "{taken}");
    let at_office = p.office.ok(
        "bo-icbc",
        OFFICE_DAY,
        &["visit", "show", "--case", &case_no],
        json!({}),
    );
    assert_eq!(at_office["revision"], r1.as_str());
    assert_eq!(
        at_office["visit"]["findings"],
        "厂房约800平方米，设备在运转"
    );
    assert_eq!(
        (&at_office["author"], &at_office["party"]),
        (&json!("agent"), &json!("field_agent"))
    );
    assert_eq!(at_office["written_at_installation"], "吴磊的笔记本");

    // Both sides correct it from r1: the agent in the village, the bank at the office.
    let agent_r2 = p.agent(
        &["visit", "record"],
        &visit(
            &wu,
            "厂房约800平方米，设备在运转，存货约30万元",
            "support",
            &json!(r1),
        )
        .to_string(),
    );
    assert_eq!(agent_r2.code, 0, "{}", agent_r2.stderr);
    p.office.ok(
        "bo-icbc",
        OFFICE_DAY,
        &["visit", "record"],
        visit(
            &case_no,
            "厂房为租赁，租期至2017年底",
            "caution",
            &json!(r1),
        ),
    );
    let older = b.clone();
    let b = p.laptop_bundle();
    assert_eq!(
        outcomes(&p.office_import(&b, true)),
        pairs(&[("site_visit", "conflict")])
    );
    let merged_in = p.office_import(&b, false);
    assert_eq!(outcomes(&merged_in), pairs(&[("site_visit", "conflict")]));
    // The chain grew by the agent's correction (and the laptop's export record).
    assert_eq!(merged_in["audit_chain"]["outcome"], "taken");
    let second_entries = merged_in["audit_chain"]["files"].as_u64().unwrap();
    // An older bundle's chain is one the office already has.
    assert_eq!(
        p.office_import(&older, false)["audit_chain"]["outcome"],
        "already"
    );
    let verified = p
        .office
        .ok("admin", OFFICE_DAY, &["audit", "verify"], json!({}));
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(
        verified["peer_chains"],
        json!([{"installation": p.laptop_id, "entries": first_entries + second_entries, "ok": true}])
    );
    // Nothing last-write-wins: the office still holds the bank's version, both are kept.
    let held = p.office.ok(
        "bo-icbc",
        OFFICE_DAY,
        &["visit", "show", "--case", &case_no],
        json!({}),
    );
    assert_eq!(held["visit"]["findings"], "厂房为租赁，租期至2017年底");
    let conflicts = p
        .office
        .ok("bo-icbc", OFFICE_DAY, &["bundle", "conflicts"], json!({}));
    assert_eq!(conflicts.as_array().unwrap().len(), 1, "{conflicts}");
    let k = &conflicts[0];
    assert_eq!(k["case_no"], case_no.as_str());
    assert_eq!(k["ours"]["visit"]["recommendation"], "caution");
    assert_eq!(k["ours"]["author"], "bo-icbc");
    assert_eq!(
        k["theirs"]["visit"]["findings"],
        "厂房约800平方米，设备在运转，存货约30万元"
    );
    assert_eq!(k["theirs"]["written_at_installation"], "吴磊的笔记本");
    assert_eq!(k["may_resolve"], true);
    // The same bundle again changes nothing.
    assert_eq!(
        outcomes(&p.office_import(&b, false)),
        pairs(&[("site_visit", "already")])
    );
    // While the conflict is open the site visit is not written over.
    let blocked = p.office.run(
        Some("bo-icbc"),
        Some(OFFICE_DAY),
        &["visit", "record"],
        &visit(&case_no, "再改一次", "support", &held["revision"]).to_string(),
    );
    assert_eq!(blocked.error()["field"], "base", "{}", blocked.stderr);
    // Another bank's officer does not see it at all (another bank's borrower).
    let none = p
        .office
        .ok("bo-rcb", OFFICE_DAY, &["bundle", "conflicts"], json!({}));
    assert_eq!(none, json!([]));

    // The bank's officer keeps an edited version that holds both findings.
    let merged = "厂房约800平方米（租赁，租期至2017年底），设备在运转，存货约30万元";
    let resolved = p.office.ok(
        "bo-icbc",
        OFFICE_DAY,
        &["bundle", "resolve"],
        json!({"id": k["id"], "keep": "edited", "edited": {
            "visited_on": "2016-02-28", "place": "烟台市福山区门楼镇", "in_operation": true,
            "findings": merged, "recommendation": "caution"}}),
    );
    assert_eq!(resolved["resolved_by"], "bo-icbc");
    assert_eq!(
        p.office
            .ok("bo-icbc", OFFICE_DAY, &["bundle", "conflicts"], json!({})),
        json!([])
    );

    // Back to the laptop: the bank's version and the resolution; the laptop's copy is
    // settled by the resolution and both hold the same site visit.
    let back = p.office_bundle();
    let report = p.laptop_import(&back);
    let got = outcomes(&report);
    assert!(got.contains(&("office".into(), "taken".into())), "{report}");
    assert_eq!(
        got.iter()
            .filter(|(s, _)| s == "site_visit")
            .map(|(_, o)| o.as_str())
            .collect::<Vec<_>>(),
        ["conflict", "taken"],
        "{report}"
    );
    assert_eq!(p.agent(&["bundle", "conflicts"], "").json(), json!([]));
    let on_laptop = p.agent(&["visit", "show", "--case", &wu], "").json();
    let at_office = p.office.ok(
        "bo-icbc",
        OFFICE_DAY,
        &["visit", "show", "--case", &case_no],
        json!({}),
    );
    assert_eq!(on_laptop["visit"], at_office["visit"]);
    assert_eq!(on_laptop["revision"], at_office["revision"]);
    assert_eq!(on_laptop["visit"]["findings"], merged);
    // Resolved conflicts stay listed with --all, with who resolved them.
    let all = p.agent(&["bundle", "conflicts", "--all"], "").json();
    assert_eq!(
        all[0]["resolved_by"],
        "bo-icbc @ ".to_string() + &p.office_id
    );
    // Nothing more to exchange: the laptop has nothing new for the office.
    let nothing = p.agent(
        &[
            "bundle",
            "export",
            "--to",
            &p.office_id,
            "--out",
            p.file().to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        nothing.error()["message_en"],
        "there are no applications or changes not sent yet"
    );
}

#[test]
fn an_agents_change_after_a_decision_is_not_taken_and_early_changes_wait() {
    let p = pair();
    let a = p.intake(&YANTAI, "烟台海德机械有限公司", CODE_A);
    let first = p.agent(
        &["visit", "record"],
        &visit(&a, "门店正常营业", "support", &Value::Null).to_string(),
    );
    let r1 = first.json()["revision"].clone();
    let taken = p.office_import(&p.laptop_bundle(), false);
    let c = taken["lines"][0]["case_no"].as_str().unwrap().to_string();

    // Both sides decide at the office.
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    for (user, args, body) in [
        (
            "uw-pool",
            "investigate",
            json!({"case_no": c, "findings": clean}),
        ),
        (
            "bo-icbc",
            "investigate",
            json!({"case_no": c, "findings": clean}),
        ),
        (
            "bo-icbc",
            "review",
            json!({"case_no": c, "note": "会商同意"}),
        ),
        ("uw-pool", "decide", json!({"case_no": c, "approve": true})),
        ("bo-icbc", "decide", json!({"case_no": c, "approve": true})),
    ] {
        p.office.ok(user, OFFICE_DAY, &["case", args], body);
    }
    // The agent, not knowing yet, changes the findings: the office does not take it.
    let late = p.agent(
        &["visit", "record"],
        &visit(&a, "门店已停业", "against", &r1).to_string(),
    );
    assert_eq!(late.code, 0, "{}", late.stderr);
    let report = p.office_import(&p.laptop_bundle(), false);
    assert_eq!(outcomes(&report), pairs(&[("site_visit", "refused")]));
    assert!(
        report["lines"][0]["reason_en"]
            .as_str()
            .unwrap()
            .contains("a field agent can no longer change the site visit"),
        "{report}"
    );
    let held = p.office.ok(
        "bo-icbc",
        OFFICE_DAY,
        &["visit", "show", "--case", &c],
        json!({}),
    );
    assert_eq!(held["visit"]["findings"], "门店正常营业");

    // A second application and its site visit go in one bundle, a correction in the next;
    // the office gets the correction first: it waits, visibly, until its case arrives.
    let b = p.intake(&DEZHOU, "德州禹城粮食合作社", CODE_C);
    let v = p.agent(
        &["visit", "record"],
        &visit(&b, "粮库两座，存粮充足", "support", &Value::Null).to_string(),
    );
    let first_bundle = p.laptop_bundle();
    p.agent(
        &["visit", "record"],
        &visit(
            &b,
            "粮库两座，存粮充足，烘干设备一台",
            "support",
            &v.json()["revision"],
        )
        .to_string(),
    );
    let second_bundle = p.laptop_bundle();
    assert_eq!(
        outcomes(&p.office_import(&second_bundle, false)),
        pairs(&[("site_visit", "waiting")])
    );
    let backlog = p
        .office
        .ok("admin", OFFICE_DAY, &["bundle", "backlog"], json!({}));
    assert_eq!(backlog.as_array().unwrap().len(), 1, "{backlog}");
    assert_eq!(backlog[0]["case_key"], b.as_str());
    assert!(backlog[0]["waiting_for"]
        .as_str()
        .unwrap()
        .starts_with("case "));
    // Another bank's officer is not shown what concerns cases that are not theirs.
    assert_eq!(
        p.office
            .ok("bo-rcb", OFFICE_DAY, &["bundle", "backlog"], json!({})),
        json!([])
    );
    // The same bundle again: still waiting, nothing doubled.
    assert_eq!(
        outcomes(&p.office_import(&second_bundle, false)),
        pairs(&[("site_visit", "waiting")])
    );
    let report = p.office_import(&first_bundle, false);
    assert_eq!(
        outcomes(&report),
        pairs(&[
            ("intake", "taken"),
            ("site_visit", "taken"),
            ("site_visit", "taken (backlog)")
        ])
    );
    assert_eq!(
        p.office
            .ok("admin", OFFICE_DAY, &["bundle", "backlog"], json!({})),
        json!([])
    );
    let dz = report["lines"][0]["case_no"].as_str().unwrap();
    let held = p.office.ok(
        "admin",
        OFFICE_DAY,
        &["visit", "show", "--case", dz],
        json!({}),
    );
    assert_eq!(
        held["visit"]["findings"],
        "粮库两座，存粮充足，烘干设备一台"
    );

    // A site visit the service would refuse is refused from the window's form too.
    let bad = p.agent(
        &["visit", "record"],
        &visit(&b, "", "maybe", &held["revision"]).to_string(),
    );
    assert_eq!(bad.error()["field"], "findings");
}

#[test]
fn picked_cases_go_alone_and_the_rest_waits_for_the_next_bundle() {
    let p = pair();
    let x = p.intake(&YANTAI, "烟台海德机械有限公司", CODE_A);
    let y = p.intake(&DEZHOU, "德州禹城粮食合作社", CODE_C);
    p.agent(
        &["visit", "record"],
        &visit(&x, "门店正常营业", "support", &Value::Null).to_string(),
    );
    let only_y = p.file();
    let out = p.agent(
        &[
            "bundle",
            "export",
            "--to",
            &p.office_id,
            "--out",
            only_y.to_str().unwrap(),
            "--case",
            &y,
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["cases"], json!([y]));
    let report = p.office_import(&only_y, false);
    assert_eq!(outcomes(&report), pairs(&[("intake", "taken")]));
    assert_eq!(report["lines"][0]["provisional_no"], y.as_str());
    // Unknown numbers are refused before anything is written.
    let unknown = p.agent(
        &[
            "bundle",
            "export",
            "--to",
            &p.office_id,
            "--out",
            p.file().to_str().unwrap(),
            "--case",
            "WU-20160301-000000",
        ],
        "",
    );
    assert_eq!(unknown.error()["code"], "NOT_FOUND", "{}", unknown.stderr);
    // The next bundle carries what was left: x and its site visit.
    let rest = p.laptop_bundle();
    assert_eq!(
        outcomes(&p.office_import(&rest, false)),
        pairs(&[("intake", "taken"), ("site_visit", "taken")])
    );
}
