//! Issue 16's acceptance test across three installations: a field laptop takes 20
//! applications with photos and site visits offline; the bank's office takes them in and
//! shares them with the insurer's office; each side investigates and decides in its own
//! installation; bundles go back and forth (one arriving before the cases it is about,
//! waiting in the backlog until they come) until the bank's and the insurer's hold the
//! same cases, compared section by section, and the laptop has the office's word. A
//! partner speaks only for the organisations it is registered with.

use serde_json::{json, Value};
use surety_domain::identity::credit_check_char;
use surety_e2e::cli::{Office, PASSWORD};
use surety_e2e::field::{enrol_laptop, LAPTOP_PASSWORD};
use surety_e2e::peers::register;
use surety_e2e::pilot::*;

const DAY: &str = "2016-03-05";

fn credit_code(n: u32) -> String {
    let first = format!("91370600MA{:07}", 4200 + n);
    format!("{first}{}", credit_check_char(&first).unwrap())
}

fn photo(n: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 180) as u8, (n * 10 % 250) as u8])
    });
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    out
}

fn identity(o: &Office) -> Value {
    o.ok("admin", DAY, &["sync", "identity"], json!({}))
}

fn export(from: &Office, to: &Value, file: &std::path::Path) -> Value {
    from.ok(
        "admin",
        DAY,
        &[
            "bundle",
            "export",
            "--to",
            to["installation_id"].as_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
        json!({}),
    )
}

fn import(at: &Office, file: &std::path::Path) -> Value {
    at.ok(
        "admin",
        DAY,
        &["bundle", "import", "--from", file.to_str().unwrap()],
        json!({}),
    )
}

/// How many lines of a report have each (section, outcome).
fn tally(report: &Value) -> std::collections::BTreeMap<(String, String), usize> {
    let mut out = std::collections::BTreeMap::new();
    for l in report["lines"].as_array().unwrap() {
        *out.entry((
            l["section"].as_str().unwrap().to_string(),
            l["outcome"].as_str().unwrap().to_string(),
        ))
        .or_default() += 1;
    }
    out
}

fn counts(list: &[(&str, &str, usize)]) -> std::collections::BTreeMap<(String, String), usize> {
    list.iter()
        .map(|(s, o, n)| ((s.to_string(), o.to_string()), *n))
        .collect()
}

/// A case's sections as a reader compares them across installations.
fn sections(o: &Office, case_no: &str) -> Value {
    let v = o.ok("auditor", DAY, &["case", "show", case_no], json!({}));
    let visit = o.ok(
        "auditor",
        DAY,
        &["visit", "show", "--case", case_no],
        json!({}),
    );
    let files = o.ok(
        "auditor",
        DAY,
        &["attachment", "list", "--case", case_no],
        json!({}),
    );
    json!({
        "borrower": v["borrower"]["name"],
        "principal": v["principal"],
        "status": v["status"],
        "investigations": v["investigations"],
        "review_notes": v["review_notes"].as_array().map(|a| a.iter().map(|n| n["note"].clone()).collect::<Vec<_>>()),
        "decisions": v["decisions"],
        "site_visit": visit["visit"],
        "files": files.as_array().unwrap().iter().map(|f| f["sha256"].clone()).collect::<Vec<_>>(),
        "quote": v["quote"],
    })
}

#[test]
fn a_laptop_a_bank_and_an_insurer_end_up_holding_the_same_cases() {
    let bank = pilot();
    let insurer = pilot();
    let dir = tempfile::tempdir().unwrap();
    let (bank_id, insurer_id) = (identity(&bank), identity(&insurer));
    // Each registers the other with the organisations it speaks for.
    register(
        &bank,
        &insurer_id,
        "共保体及太保办公室",
        &["sd-pool", "cpic"],
        DAY,
    );
    register(
        &insurer,
        &bank_id,
        "工行及农商行办公室",
        &["icbc-yt", "rcb-dz"],
        DAY,
    );

    // The bank's agent's laptop.
    let laptop = enrol_laptop(&bank, PASSWORD, dir.path(), "吴磊的笔记本");
    let agent = |args: &[&str], body: &str| {
        let out = laptop.run_as(
            Some("agent"),
            LAPTOP_PASSWORD,
            Some("2016-03-01"),
            args,
            body,
        );
        assert_eq!(out.code, 0, "surety {}: {}", args.join(" "), out.stderr);
        out.json()
    };

    // Twenty applications in the villages: 12 in Yantai (ICBC, the pool), 8 in Dezhou
    // (the rural bank, CPIC), each with a photo; every fourth with a site visit.
    let mut provisional = Vec::new();
    for n in 0..20u32 {
        let ch = if n < 12 { &YANTAI } else { &DEZHOU };
        let name = format!("{}果蔬合作社{n}号", if n < 12 { "烟台" } else { "德州" });
        let no = agent(
            &["case", "intake"],
            &application(
                ch,
                &name,
                &credit_code(n),
                &format!("{}", 50_000 + n * 5_000),
            )
            .to_string(),
        )["case_no"]
            .as_str()
            .unwrap()
            .to_string();
        let f = dir.path().join(format!("场所{n}.jpg"));
        std::fs::write(&f, photo(n)).unwrap();
        agent(
            &[
                "attachment",
                "add",
                "--case",
                &no,
                "--section",
                "intake",
                f.to_str().unwrap(),
            ],
            "",
        );
        if n % 4 == 0 {
            agent(
                &["visit", "record"],
                &json!({"case_no": no, "visited_on": "2016-02-29", "place": "村委会旁",
                        "in_operation": true, "findings": format!("第{n}户：厂房在用"), "recommendation": "support"})
                .to_string(),
            );
        }
        provisional.push(no);
    }
    let office_id = identity(&bank);
    let b = dir.path().join("village.bundle");
    agent(
        &[
            "bundle",
            "export",
            "--to",
            office_id["installation_id"].as_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        tally(&import(&bank, &b)),
        counts(&[("intake", "taken", 20), ("site_visit", "taken", 5)])
    );
    let cases: Vec<String> = bank
        .ok(
            "auditor",
            DAY,
            &["case", "list", "--limit", "100"],
            json!({}),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_no"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(cases.len(), 20);

    // The bank shares the cases (bundle 1), then investigates and reviews (bundle 2).
    let b1 = dir.path().join("b1.bundle");
    let sent = export(&bank, &insurer_id, &b1);
    assert_eq!(sent["cases"].as_array().unwrap().len(), 20);
    assert_eq!(sent["files"], 20);
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    let banker = |c: &str| {
        if c.starts_with("ICBC") {
            "bo-icbc"
        } else {
            "bo-rcb"
        }
    };
    let underwriter = |c: &str| {
        if c.starts_with("ICBC") {
            "uw-pool"
        } else {
            "uw-cpic"
        }
    };
    for c in &cases {
        bank.ok(
            banker(c),
            DAY,
            &["case", "investigate"],
            json!({"case_no": c, "findings": clean, "note": "银行实地核查"}),
        );
        bank.ok(
            banker(c),
            DAY,
            &["case", "review"],
            json!({"case_no": c, "note": format!("会商：{c} 同意")}),
        );
    }
    let b2 = dir.path().join("b2.bundle");
    let steps = export(&bank, &insurer_id, &b2);
    assert_eq!(steps["files"], 0, "the cases' photos went once, in b1");
    // The second arrives first: every step waits for its case, visibly.
    assert_eq!(
        tally(&import(&insurer, &b2)),
        counts(&[("step", "waiting", 40)])
    );
    let backlog = insurer.ok("admin", DAY, &["bundle", "backlog"], json!({}));
    assert_eq!(backlog.as_array().unwrap().len(), 40);
    // Then the cases: each replayed by the insurer's own intake under the bank's number,
    // and the waiting steps go in after them.
    assert_eq!(
        tally(&import(&insurer, &b1)),
        counts(&[
            ("case", "taken", 20),
            ("site_visit", "taken", 5),
            ("step", "taken (backlog)", 40)
        ])
    );
    assert_eq!(
        insurer.ok("admin", DAY, &["bundle", "backlog"], json!({})),
        json!([])
    );
    let at_insurer = insurer.ok(
        "auditor",
        DAY,
        &["case", "list", "--limit", "100"],
        json!({}),
    );
    let mut numbers: Vec<&str> = at_insurer
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_no"].as_str().unwrap())
        .collect();
    numbers.sort();
    let mut expected: Vec<&str> = cases.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(numbers, expected, "the same case numbers");
    // The bank's steps are on the record in their author's name, at the partner.
    let one = insurer.ok("auditor", DAY, &["case", "show", &cases[0]], json!({}));
    assert_eq!(one["status"], "investigation");
    assert!(
        one["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "case.investigate"
                && e["actor"].as_str().unwrap().starts_with(banker(&cases[0]))
                && e["actor"].as_str().unwrap().contains('@')),
        "{one}"
    );

    // The insurer investigates and decides: all approved but one.
    let refused = &cases[3];
    for c in &cases {
        insurer.ok(
            underwriter(c),
            DAY,
            &["case", "investigate"],
            json!({"case_no": c, "findings": clean}),
        );
        let approve = c != refused;
        insurer.ok(underwriter(c), DAY, &["case", "decide"], json!({"case_no": c, "approve": approve, "reason": if approve { "" } else { "经营风险较高" }}));
    }
    let b3 = dir.path().join("b3.bundle");
    let back = export(&insurer, &bank_id, &b3);
    assert_eq!(back["files"], 0, "the cases themselves do not go back");
    assert_eq!(tally(&import(&bank, &b3)), counts(&[("step", "taken", 40)]));
    let declined = bank.ok("auditor", DAY, &["case", "show", refused], json!({}));
    assert_eq!(
        declined["status"], "declined",
        "one refusal declines (R-VETO-1)"
    );

    // The bank decides what is left; the insurer gets its decisions.
    for c in cases.iter().filter(|c| *c != refused) {
        bank.ok(
            banker(c),
            DAY,
            &["case", "decide"],
            json!({"case_no": c, "approve": true}),
        );
    }
    let b4 = dir.path().join("b4.bundle");
    export(&bank, &insurer_id, &b4);
    assert_eq!(
        tally(&import(&insurer, &b4)),
        counts(&[("step", "taken", 19)])
    );
    // Nothing left to send either way.
    for (from, to) in [(&bank, &insurer_id), (&insurer, &bank_id)] {
        let out = from.run(
            Some("admin"),
            Some(DAY),
            &[
                "bundle",
                "export",
                "--to",
                to["installation_id"].as_str().unwrap(),
                "--out",
                dir.path().join("none.bundle").to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(out.error()["field"], "to", "{}", out.stderr);
    }

    // Section by section, the bank's and the insurer's cases are the same.
    for c in &cases {
        let (here, there) = (sections(&bank, c), sections(&insurer, c));
        assert_eq!(here, there, "case {c}");
        let want = if c == refused { "declined" } else { "approved" };
        assert_eq!(here["status"], want, "case {c}");
        assert_eq!(here["files"].as_array().unwrap().len(), 1);
    }
    // The laptop gets the office's word.
    let word = dir.path().join("word.bundle");
    let laptop_id = agent(&["sync", "identity"], "");
    bank.ok(
        "admin",
        DAY,
        &[
            "bundle",
            "export",
            "--to",
            laptop_id["installation_id"].as_str().unwrap(),
            "--out",
            word.to_str().unwrap(),
        ],
        json!({}),
    );
    agent(&["bundle", "import", "--from", word.to_str().unwrap()], "");
    let first = agent(&["case", "show", &provisional[0]], "");
    assert_eq!(first["office"]["status"], "approved");

    // A partner speaks only for its own organisations: the insurer's office registered at
    // a third office as speaking for CPIC alone has its pool steps refused there.
    let third = pilot();
    register(&third, &insurer_id, "太保办公室", &["cpic"], DAY);
    let mut to_third = identity(&third);
    to_third["name"] = json!("第三办公室");
    to_third["organisations"] = json!(["icbc-yt"]);
    insurer.ok("admin", DAY, &["peer", "add"], to_third.clone());
    let b5 = dir.path().join("b5.bundle");
    export(&insurer, &to_third, &b5);
    let report = import(&third, &b5);
    let t = tally(&report);
    // The Yantai cases are the pool's and ICBC's, neither of which it speaks for there:
    // none is taken, each refused with its reason, and none of their steps is taken.
    assert_eq!(
        t[&("case".to_string(), "refused".to_string())],
        12,
        "{report}"
    );
    assert!(
        !t.contains_key(&("case".to_string(), "taken".to_string()))
            && !t.contains_key(&("step".to_string(), "taken".to_string())),
        "{report}"
    );
    let refusal = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["outcome"] == "refused")
        .expect("a refused case");
    assert!(
        refusal["reason_en"]
            .as_str()
            .unwrap()
            .contains("not a person of an organisation the sender speaks for"),
        "{refusal}"
    );
    assert!(refusal["reason_zh"].as_str().unwrap().contains("未导入"));
    let held = third.ok("auditor", DAY, &["case", "list"], json!({}));
    assert_eq!(
        held.as_array().unwrap().len(),
        0,
        "nothing of theirs written"
    );
}

#[test]
fn a_decision_crossing_a_refusal_is_refused_with_its_reason_not_left_waiting() {
    let bank = pilot();
    let insurer = pilot();
    let dir = tempfile::tempdir().unwrap();
    let (bank_id, insurer_id) = (identity(&bank), identity(&insurer));
    register(&bank, &insurer_id, "共保体办公室", &["sd-pool"], DAY);
    register(&insurer, &bank_id, "工行办公室", &["icbc-yt"], DAY);
    let file = |name: &str| dir.path().join(name);
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});

    // At the bank: the application, its investigation and the review; to the insurer.
    let c = bank.ok(
        "agent",
        DAY,
        &["case", "intake"],
        application(&YANTAI, "烟台海德机械有限公司", CODE_A, "200000"),
    )["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    bank.ok(
        "bo-icbc",
        DAY,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    bank.ok(
        "bo-icbc",
        DAY,
        &["case", "review"],
        json!({"case_no": c, "note": "会商"}),
    );
    export(&bank, &insurer_id, &file("b1"));
    import(&insurer, &file("b1"));
    // The insurer investigates; the bank gets it and approves; meanwhile the insurer refuses.
    insurer.ok(
        "uw-pool",
        DAY,
        &["case", "investigate"],
        json!({"case_no": c, "findings": clean}),
    );
    export(&insurer, &bank_id, &file("i1"));
    import(&bank, &file("i1"));
    bank.ok(
        "bo-icbc",
        DAY,
        &["case", "decide"],
        json!({"case_no": c, "approve": true}),
    );
    insurer.ok(
        "uw-pool",
        DAY,
        &["case", "decide"],
        json!({"case_no": c, "approve": false, "reason": "经营风险较高"}),
    );
    // The bank's approval reaches a case the insurer has declined: refused, with why.
    export(&bank, &insurer_id, &file("b2"));
    let report = import(&insurer, &file("b2"));
    assert_eq!(
        tally(&report),
        counts(&[("step", "refused", 1)]),
        "{report}"
    );
    assert!(
        report["lines"][0]["reason_en"]
            .as_str()
            .unwrap()
            .contains("declined"),
        "{report}"
    );
    assert_eq!(
        insurer.ok("admin", DAY, &["bundle", "backlog"], json!({})),
        json!([])
    );
    // The insurer's refusal declines it at the bank too (R-VETO-1).
    export(&insurer, &bank_id, &file("i2"));
    assert_eq!(
        tally(&import(&bank, &file("i2"))),
        counts(&[("step", "taken", 1)])
    );
    let at_bank = bank.ok("auditor", DAY, &["case", "show", &c], json!({}));
    assert_eq!(at_bank["status"], "declined");
}
