//! Issue 11: hostile input through the CLI. Each row is one request a careless or
//! malicious user could send; each must be refused with its code, in both languages,
//! and leave the database exactly as it was (no case row, no audit entry).

use serde_json::{json, Value};
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

/// What a reader sees of the whole database: every case row and the audit count.
fn snapshot(o: &Office) -> (String, Value) {
    let cases = o.run(
        Some("auditor"),
        Some("2016-03-01"),
        &["case", "list", "--limit", "500"],
        "",
    );
    assert_eq!(cases.code, 0, "{}", cases.stderr);
    let audit = o.ok("auditor", "2016-03-01", &["audit", "verify"], json!({}));
    (cases.stdout, audit["entries"].clone())
}

/// `base` with the value at a dotted path replaced (or removed for `None`).
fn with(base: &Value, path: &str, v: Option<Value>) -> Value {
    let mut out = base.clone();
    let mut at = &mut out;
    let keys: Vec<&str> = path.split('.').collect();
    for k in &keys[..keys.len() - 1] {
        at = &mut at[*k];
    }
    let last = keys[keys.len() - 1];
    match v {
        Some(v) => at[last] = v,
        None => {
            at.as_object_mut().unwrap().remove(last);
        }
    }
    out
}

fn hostile_base() -> Value {
    application(&YANTAI, "烟台测试渔具有限公司", CODE_B, "300000")
}

fn hostile_intakes() -> Vec<(String, Value, &'static str)> {
    let base = hostile_base();
    let mut rows: Vec<(String, Value, &'static str)> = Vec::new();
    let mut add = |what: String, v: Value, code: &'static str| rows.push((what, v, code));
    let ten_mb = "9".repeat(10 * 1024 * 1024);
    let long_name = "A".repeat(200_000);
    for p in [
        "79228162514264337593543950335",
        "100000000000",
        "-1",
        "-0.01",
        "1e6",
        "0",
        "0.001",
        // Written as people write amounts, but not saying one amount: the grouping is wrong.
        "1,00",
        "１０,００",
        "5 000",
        "abc",
        "",
        " ",
        "NaN",
        "Infinity",
        "0x10",
        "1.2.3",
        "+-1",
        "10000000000.01",
        "99999999999999999999999999999999",
        ten_mb.as_str(),
    ] {
        add(
            format!("principal {}", &p[..p.len().min(20)]),
            with(&base, "principal", Some(json!(p))),
            "INVALID_INPUT",
        );
    }
    for p in [
        json!(300000),
        json!(null),
        json!(true),
        json!([1]),
        json!({"a": 1}),
    ] {
        add(
            format!("principal as {p}"),
            with(&base, "principal", Some(p)),
            "MALFORMED_REQUEST",
        );
    }
    for r in [
        "-0.01",
        "1",
        "5",
        "abc",
        "",
        "0.0565%",
        "5.655",
        "1e-2",
        ten_mb.as_str(),
    ] {
        add(
            format!("annual_rate {}", &r[..r.len().min(20)]),
            with(&base, "annual_rate", Some(json!(r))),
            "INVALID_INPUT",
        );
    }
    for t in [json!(0), json!(361), json!(4294967295u32)] {
        add(
            format!("term {t}"),
            with(&base, "term_months", Some(t)),
            "INVALID_INPUT",
        );
    }
    for t in [
        json!(-1),
        json!("12"),
        json!(1.5),
        json!(4294967296u64),
        json!(null),
    ] {
        add(
            format!("term as {t}"),
            with(&base, "term_months", Some(t)),
            "MALFORMED_REQUEST",
        );
    }
    for d in [
        "9999-12-31",
        "16-03-15",
        "2016-02-30",
        "2101-01-01",
        "2013-12-31",
        "",
        "2016/03/15",
        "2016-3-15",
        "20160315",
        "2016-03-15T00:00:00",
        "２０１６-03-15",
        "2030-01-01",
        "2016-03-02",
    ] {
        add(
            format!("application_date {d}"),
            with(&base, "application_date", Some(json!(d))),
            "INVALID_INPUT",
        );
    }
    for n in [
        "",
        " ",
        "\u{3000}",
        "张\u{200B}三",
        "\u{202E}司公限有",
        "张\u{0}三",
        "张\u{1B}[31m三",
        "第一行\n第二行",
        "名\t称",
        "\u{FEFF}烟台公司",
        "烟台\u{2066}公司",
        "烟台\u{200D}公司",
        "烟台\u{00AD}公司",
        "\u{7}铃声公司",
        "烟台\u{061C}公司",
        long_name.as_str(),
    ] {
        add(
            format!("borrower.name {:?}", n.chars().take(12).collect::<String>()),
            with(&base, "borrower.name", Some(json!(n))),
            "INVALID_INPUT",
        );
    }
    for a in ["地址\u{0}", "\u{202E}址地", &"路".repeat(201)] {
        add(
            "borrower.address hostile".into(),
            with(&base, "borrower.address", Some(json!(a))),
            "INVALID_INPUT",
        );
    }
    for r in ["王\u{200B}海", &"王".repeat(51)] {
        add(
            "borrower.legal_rep hostile".into(),
            with(&base, "borrower.legal_rep", Some(json!(r))),
            "INVALID_INPUT",
        );
    }
    for id in [
        "",
        "91370602MA0000001X",
        "9137060",
        "ABCDEFGHIJKLMNOPQR",
        "91370602MA0000001N0",
        "91370602MA00000\u{200B}1N",
        ten_mb.as_str(),
    ] {
        add(
            format!("id_number {}", &id.chars().take(20).collect::<String>()),
            with(&base, "borrower.id_number", Some(json!(id))),
            "ID_NUMBER",
        );
    }
    for k in ["dragon", "", "MICRO_ENTERPRISE", "farmer\u{0}"] {
        add(
            format!("kind {k:?}"),
            with(&base, "borrower.kind", Some(json!(k))),
            "INVALID_INPUT",
        );
    }
    for d in ["1800-01-01", "9999-01-01", "2012-13-01", "12-05-01", ""] {
        add(
            format!("operating_since {d}"),
            with(&base, "borrower.operating_since", Some(json!(d))),
            "INVALID_INPUT",
        );
    }
    for c in ["beijing", "", "Yantai ", "烟台", "yantai\u{0}"] {
        add(
            format!("city {c:?}"),
            with(&base, "city", Some(json!(c))),
            "INVALID_INPUT",
        );
    }
    for b in ["nobody", "", "icbc-yt'; DROP TABLE cases; --"] {
        add(
            format!("bank {b:?}"),
            with(&base, "bank", Some(json!(b))),
            "INVALID_INPUT",
        );
    }
    for r in ["monthly", "", "EQUAL_INSTALLMENT"] {
        add(
            format!("repayment {r:?}"),
            with(&base, "repayment", Some(json!(r))),
            "INVALID_INPUT",
        );
    }
    for (field, v) in [
        ("guarantee_rate", "-0.02"),
        ("guarantee_rate", "abc"),
        ("accident_rate", "2"),
        ("accident_rate", ""),
    ] {
        add(
            format!("{field} {v}"),
            with(&base, field, Some(json!(v))),
            "INVALID_INPUT",
        );
    }
    add(
        "a fee named with a NUL".into(),
        with(
            &base,
            "fees",
            Some(json!([{"name": "手续\u{0}费", "amount": "10"}])),
        ),
        "INVALID_INPUT",
    );
    add(
        "a fee of -10".into(),
        with(
            &base,
            "fees",
            Some(json!([{"name": "手续费", "amount": "-10"}])),
        ),
        "INVALID_INPUT",
    );
    for field in [
        "principal",
        "city",
        "bank",
        "insurer",
        "borrower.name",
        "borrower.id_number",
        "term_months",
        "annual_rate",
    ] {
        add(
            format!("no {field}"),
            with(&base, field, None),
            "MALFORMED_REQUEST",
        );
    }
    for field in ["admin", "case_no", "status", "borrower.flagged"] {
        add(
            format!("unknown field {field}"),
            with(&base, field, Some(json!("x"))),
            "MALFORMED_REQUEST",
        );
    }
    rows
}

#[test]
fn hostile_requests_are_refused_with_their_code_and_change_nothing() {
    let o = pilot();
    let before = snapshot(&o);
    let mut count = 0;
    for (what, body, code) in hostile_intakes() {
        let out = o.run(
            Some("bo-icbc"),
            Some("2016-03-01"),
            &["case", "intake"],
            &body.to_string(),
        );
        assert_ne!(out.code, 0, "{what}: accepted");
        assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
        assert_eq!(
            out.error()["code"],
            code,
            "{what}: {}",
            &out.stderr[..out.stderr.len().min(600)]
        );
        assert!(
            out.stderr.contains("错误") && out.stderr.contains("error"),
            "{what}: bilingual"
        );
        // A 10 MB value is never echoed back whole.
        assert!(
            out.stderr.len() < 4000,
            "{what}: the error echoes {} bytes",
            out.stderr.len()
        );
        count += 1;
    }
    // Malformed request bodies.
    for body in [
        "",
        "{",
        "[]",
        "null",
        "\"text\"",
        "{\"borrower\": 1}",
        "\u{0}",
        &"[".repeat(100_000),
    ] {
        let out = o.run(
            Some("bo-icbc"),
            Some("2016-03-01"),
            &["case", "intake"],
            body,
        );
        assert_eq!(out.code, 2, "{body:.20}: {}", out.stderr);
        assert_eq!(out.error()["code"], "MALFORMED_REQUEST");
        count += 1;
    }
    // Wrong role, wrong organisation.
    let good = application(&YANTAI, "烟台测试渔具有限公司", CODE_B, "300000");
    for (user, body, code) in [
        ("auditor", good.clone(), "NOT_PERMITTED"),
        ("admin", good.clone(), "NOT_PERMITTED"),
        ("bo-rcb", good.clone(), "NOT_PERMITTED"),
        ("uw-cpic", good.clone(), "NOT_PERMITTED"),
        (
            "bo-icbc",
            application(&DEZHOU, "德州测试公司", CODE_C, "300000"),
            "NOT_PERMITTED",
        ),
    ] {
        let out = o.run(
            Some(user),
            Some("2016-03-01"),
            &["case", "intake"],
            &body.to_string(),
        );
        assert_eq!(out.error()["code"], code, "{user}: {}", out.stderr);
        count += 1;
    }
    // Outputs over the database and its files.
    let db = o.db.display().to_string();
    for suffix in ["", ".keys", "-wal", "-shm", ".keys.tmp"] {
        let target = format!("{db}{suffix}");
        for args in [
            vec!["backup", "--out", &target],
            vec!["export", "cases", "--out", &target],
        ] {
            let out = o.run(Some("admin"), Some("2016-03-01"), &args, "");
            assert_eq!(
                out.error()["code"],
                "PATH_NOT_ALLOWED",
                "{args:?}: {}",
                out.stderr
            );
            count += 1;
        }
    }
    // The same values through the quote, which needs no database.
    let quote = json!({"city": "yantai", "borrower_kind": "micro_enterprise", "principal": "300000",
        "annual_rate": "0.05655", "term_months": 12, "contract_date": "2016-03-15",
        "guarantee_rate": "0.02", "accident_rate": "0.005"});
    for (what, body, code) in hostile_intakes() {
        let Some((field, value)) = [
            "principal",
            "annual_rate",
            "term_months",
            "application_date",
            "city",
        ]
        .iter()
        .find_map(|f| (body[*f] != hostile_base()[*f]).then(|| (*f, body[*f].clone()))) else {
            continue;
        };
        let field = if field == "application_date" {
            "contract_date"
        } else {
            field
        };
        // A quote may be for a future contract date: only the intake refuses those.
        let future = value == json!("2030-01-01") || value == json!("2016-03-02");
        if value.is_null() || future || body.get(field).is_none() && field != "contract_date" {
            continue;
        }
        let out = o.run(
            None,
            None,
            &["quote"],
            &with(&quote, field, Some(value)).to_string(),
        );
        assert_eq!(
            out.error()["code"],
            code,
            "quote {what}: {}",
            &out.stderr[..out.stderr.len().min(400)]
        );
        count += 1;
    }
    // Steps on a case that does not exist, or that the user may not read, or by a role
    // that may not act, or with a malformed body.
    assert_eq!(snapshot(&o), before, "the intakes changed nothing");
    let yantai = o.ok(
        "bo-icbc",
        "2016-03-01",
        &["case", "intake"],
        application(&YANTAI, "烟台测试海产有限公司", CODE_C, "200000"),
    );
    let c = case_no(&yantai);
    let before = snapshot(&o);
    let findings = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    for (user, args, body, code) in [
        (
            "uw-pool",
            "investigate",
            json!({"case_no": "NOPE-2016-000001", "findings": findings}),
            "NOT_FOUND",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": "", "findings": findings}),
            "NOT_FOUND",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": "9".repeat(1 << 20), "findings": findings}),
            "NOT_FOUND",
        ),
        (
            "uw-cpic",
            "investigate",
            json!({"case_no": c, "findings": findings}),
            "NOT_FOUND",
        ),
        (
            "bo-rcb",
            "investigate",
            json!({"case_no": c, "findings": findings}),
            "NOT_FOUND",
        ),
        (
            "auditor",
            "investigate",
            json!({"case_no": c, "findings": findings}),
            "NOT_PERMITTED",
        ),
        (
            "agent",
            "investigate",
            json!({"case_no": c, "findings": findings}),
            "NOT_FOUND",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": c, "findings": findings, "note": "\u{0}"}),
            "INVALID_INPUT",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": c, "findings": findings, "note": "\u{202E}"}),
            "INVALID_INPUT",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": c, "findings": findings, "note": "注".repeat(2001)}),
            "INVALID_INPUT",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": c}),
            "MALFORMED_REQUEST",
        ),
        (
            "uw-pool",
            "investigate",
            json!({"case_no": c, "findings": {"tax_arrears_clean": "yes"}}),
            "MALFORMED_REQUEST",
        ),
        (
            "bo-rcb",
            "withdraw",
            json!({"case_no": c, "note": "不要了"}),
            "NOT_FOUND",
        ),
        (
            "agent",
            "withdraw",
            json!({"case_no": c, "note": "不要了"}),
            "NOT_FOUND",
        ),
        (
            "bo-icbc",
            "withdraw",
            json!({"case_no": c, "note": "\u{1B}[2J"}),
            "INVALID_INPUT",
        ),
        (
            "bo-icbc",
            "repay",
            json!({"case_no": c, "amount": "100.00"}),
            "WRONG_STATE",
        ),
        ("bo-icbc", "disburse", json!({"case_no": c}), "WRONG_STATE"),
        ("bo-rcb", "disburse", json!({"case_no": c}), "NOT_FOUND"),
        ("uw-pool", "pay-claim", json!({"case_no": c}), "WRONG_STATE"),
        (
            "bo-icbc",
            "sign",
            json!({"case_no": c, "document": "guarantee_policy"}),
            "NOT_PERMITTED",
        ),
        (
            "bo-icbc",
            "sign",
            json!({"case_no": c, "document": "x"}),
            "INVALID_INPUT",
        ),
        (
            "bo-icbc",
            "review",
            json!({"case_no": c, "note": "会商\u{0}"}),
            "WRONG_STATE",
        ),
    ] {
        let body = body.to_string();
        let out = o.run(Some(user), Some("2016-03-02"), &["case", args], &body);
        assert_eq!(
            out.error()["code"],
            code,
            "{user} {args}: {}",
            &out.stderr[..out.stderr.len().min(400)]
        );
        assert!(
            out.stderr.len() < 4000,
            "{user} {args}: echoes {} bytes",
            out.stderr.len()
        );
        count += 1;
    }
    // Reading with filters that are not values, and business dates out of range.
    for args in [
        vec!["case", "list", "--status", "dragon"],
        vec!["case", "list", "--city", "beijing"],
        vec!["case", "list", "--sort", "random"],
        vec!["case", "list", "--from", "16-01-01"],
        vec!["case", "list", "--to", "2016-02-30"],
        vec!["case", "list", "--kind", "robot"],
        vec!["--as-of", "", "case", "list"],
        vec!["--as-of", "16-03-15", "case", "list"],
        vec!["--as-of", "9999-12-31", "case", "list"],
        vec!["--as-of", "2013-12-31", "dashboard"],
    ] {
        let out = o.run(Some("auditor"), None, &args, "");
        assert_eq!(
            out.error()["code"],
            "INVALID_INPUT",
            "{args:?}: {}",
            out.stderr
        );
        count += 1;
    }
    assert_eq!(snapshot(&o), before, "the database is unchanged");
    assert!(count >= 200, "{count} hostile inputs");
    eprintln!("{count} hostile inputs refused");
}

#[test]
fn a_second_application_under_another_name_for_the_same_id_is_refused() {
    let o = pilot();
    o.ok(
        "bo-icbc",
        "2016-03-01",
        &["case", "intake"],
        application(&YANTAI, "烟台海丰水产有限公司", CODE_A, "300000"),
    );
    let before = snapshot(&o);
    let out = o.refused(
        "bo-icbc",
        "2016-03-02",
        &["case", "intake"],
        &application(&YANTAI, "烟台别名水产有限公司", CODE_A, "200000").to_string(),
        "INVALID_INPUT",
    );
    assert!(
        out.stderr.contains("烟台海丰水产有限公司"),
        "names the registered name: {}",
        out.stderr
    );
    // No case changed; the refusal itself is on the record.
    let after = snapshot(&o);
    assert_eq!(after.0, before.0);
    assert_eq!(after.1.as_u64(), before.1.as_u64().map(|n| n + 1));
}

#[test]
fn piping_the_output_into_a_closed_pipe_does_not_panic() {
    let o = pilot();
    let mut child = std::process::Command::new(surety_e2e::cli::surety_binary())
        .args([
            "--db",
            o.db.to_str().unwrap(),
            "--user",
            "auditor",
            "org",
            "list",
        ])
        .env("SURETY_PASSWORD", surety_e2e::cli::PASSWORD)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader went away, like `| head -0`
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
