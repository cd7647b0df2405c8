//! Issue 14 — R-CREDIT-1 through the `surety` binary: a bank's loan accounts and an
//! insurer's guarantee accounts as second-generation credit-reporting files, in an AES zip,
//! carrying only what changed since the last file.
//!
//! - A (烟台, enterprise 海德机械, 200,000.00 interest-monthly): disbursed 2016-02-10;
//!   interest 942.50 paid 2016-03-10 → reported in whole yuan, half-up: 943.
//! - P (德州, farmer 李建国, resident ID, 100,000.00 interest-monthly): disbursed 2016-05-05,
//!   never paid; the first due date 2016-06-05 passes unpaid.

use serde_json::{json, Value};
use std::io::Read;
use surety_e2e::cli::{Office, EXPORT_PASSWORD};
use surety_e2e::pilot::*;

const FARMER_ID: &str = "371421197503152015";

/// The pilot with institution codes for the four institutions, in GB18030.
fn with_codes(o: &Office, dir: &std::path::Path) {
    let shown = o.run(Some("admin"), Some("2015-12-01"), &["settings", "show"], "");
    let toml = shown
        .stdout
        .replace("encoding = \"UTF-8\"", "encoding = \"GB18030\"")
        .replace(
            "[credit_reporting.institutions]\n",
            "[credit_reporting.institutions]\nicbc-yt = \"B1021237060001\"\nrcb-dz = \"B1402337140001\"\nsd-pool = \"C9876537000001\"\ncpic = \"C1234537000001\"\n",
        );
    let file = dir.join("settings.toml");
    std::fs::write(&file, toml).unwrap();
    let out = o.run(
        Some("admin"),
        Some("2015-12-01"),
        &["settings", "apply", file.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// The archive's text files by name, decoded from GB18030.
fn texts(zip_path: &std::path::Path) -> Vec<(String, String)> {
    let bytes = std::fs::read(zip_path).unwrap();
    assert!(
        !bytes.windows(4).any(|w| w == b"A050"),
        "nothing readable without the password"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive
            .by_index_decrypt(i, EXPORT_PASSWORD.as_bytes())
            .unwrap();
        let name = f.name().unwrap().to_string();
        let mut raw = Vec::new();
        f.read_to_end(&mut raw).unwrap();
        let (text, _, bad) = encoding_rs::GB18030.decode(&raw);
        assert!(!bad, "{name} is GB18030");
        out.push((name, text.into_owned()));
    }
    out
}

fn report(o: &Office, user: &str, org: &str, date: &str, out: &std::path::Path) -> Value {
    o.ok(
        user,
        date,
        &[
            "credit",
            "report",
            "--org",
            org,
            "--date",
            date,
            "--out",
            out.to_str().unwrap(),
        ],
        json!({}),
    )
}

/// The one data file of an archive (not 说明.txt): (name, header, records).
fn only_file(files: &[(String, String)]) -> (String, String, Vec<String>) {
    let data: Vec<&(String, String)> = files.iter().filter(|(n, _)| n != "说明.txt").collect();
    assert_eq!(
        data.len(),
        1,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let (name, text) = data[0];
    assert!(
        text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "CRLF line ends"
    );
    let mut lines = text
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string);
    let header = lines.next().unwrap();
    (name.clone(), header, lines.collect())
}

#[test]
fn r_credit_1_a_banks_loans_and_an_insurers_guarantees_report_only_their_changes() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    with_codes(&o, dir.path());
    let a = haide(&o, "200000", "2016-02-10");
    let shown = disbursed(&o, &YANTAI, &a, "2016-02-10");
    let contract_no = |kind: &str| {
        let v = o.ok("auditor", "2016-02-10", &["case", "show", &a], json!({}));
        v["contracts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["doc_kind"] == kind)
            .unwrap()["doc_no"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let _ = shown;
    let loan_no = contract_no("loan_contract");
    let policy_no = contract_no("guarantee_policy");

    // The bank's first file: one 410 record, opened (10), with its basic segment.
    let out = dir.path().join("icbc-0229.zip");
    let r = report(&o, "bo-icbc", "icbc-yt", "2016-02-29", &out);
    assert_eq!((&r["accounts"], &r["unchanged"]), (&json!(1), &json!(0)));
    let (name, header, records) = only_file(&texts(&out));
    // 14-character code + yyyyMMdd + record type + "0" + serial 001 + flag.
    assert_eq!(name, "B10212370600012016022941000010.txt");
    assert_eq!(header.len(), 50, "{header}");
    assert!(
        header.starts_with("A0504102.0.001B1021237060001"),
        "{header}"
    );
    assert!(header.ends_with("00000001"), "{header}");
    let rec = &records[0];
    assert!(
        rec.starts_with("<Document><EnAcctInf><AcctBsSgmt><InfRecType>410</InfRecType>"),
        "{rec}"
    );
    for want in [
        format!("<AcctCode>{loan_no}</AcctCode>"),
        "<RptDateCode>10</RptDateCode>".into(),
        "<Name>烟台海德机械有限公司</Name>".into(),
        format!("<IDNum>{CODE_A}</IDNum>"),
        "<MngmtOrgCode>B1021237060001</MngmtOrgCode>".into(),
        "<LoanAmt>200000</LoanAmt>".into(),
        "<OpenDate>2016-02-10</OpenDate>".into(),
        "<AcctBal>200000</AcctBal>".into(),
        "<FiveCate>1</FiveCate>".into(),
    ] {
        assert!(rec.contains(&want), "{want} not in {rec}");
    }

    // Nothing changed: no file at all.
    let again = report(
        &o,
        "bo-icbc",
        "icbc-yt",
        "2016-02-29",
        &dir.path().join("again.zip"),
    );
    assert_eq!(
        (&again["unchanged"], &again["archive"]),
        (&json!(1), &Value::Null)
    );
    assert!(!dir.path().join("again.zip").exists());

    // The March interest: an actual repayment (33), 942.50 → 943 whole yuan.
    o.ok(
        "bo-icbc",
        "2016-03-10",
        &["case", "repay"],
        json!({"case_no": a, "amount": "942.50"}),
    );
    let out = dir.path().join("icbc-0331.zip");
    let r = report(&o, "bo-icbc", "icbc-yt", "2016-03-31", &out);
    assert_eq!(r["by_code"], json!([["33", 1]]));
    let (_, _, records) = only_file(&texts(&out));
    let rec = &records[0];
    assert!(
        rec.contains("<RptDateCode>33</RptDateCode>") && rec.contains("<LatRpyAmt>943</LatRpyAmt>"),
        "{rec}"
    );
    assert!(
        rec.contains("<LatRpyDate>2016-03-10</LatRpyDate>") && !rec.contains("AcctBsInfSgmt"),
        "{rec}"
    );

    // The pool's guarantee of the same loan: 440, with the legal representative.
    let out = dir.path().join("pool-0331.zip");
    report(&o, "uw-pool", "sd-pool", "2016-03-31", &out);
    let files = texts(&out);
    let readme = &files.iter().find(|(n, _)| n == "说明.txt").unwrap().1;
    assert!(readme.contains("字符编码：GB18030"), "{readme}");
    let (name, _, records) = only_file(&files);
    assert!(name.starts_with("C98765370000012016033144000010"), "{name}");
    let rec = &records[0];
    for want in [
        format!("<AcctCode>{policy_no}</AcctCode>"),
        "<GuarAmt>200000</GuarAmt>".into(),
        "<CompAdvFlag>0</CompAdvFlag>".into(),
        "<ArlpName>王海</ArlpName>".into(),
    ] {
        assert!(rec.contains(&want), "{want} not in {rec}");
    }
    // April's interest paid on time: the bank has a repayment to report, the guarantee
    // nothing (interest-only: the guaranteed principal and the tier did not change).
    o.ok(
        "bo-icbc",
        "2016-04-10",
        &["case", "repay"],
        json!({"case_no": a, "amount": "942.50"}),
    );
    let r = report(
        &o,
        "uw-pool",
        "sd-pool",
        "2016-04-30",
        &dir.path().join("pool-0430.zip"),
    );
    assert_eq!((&r["unchanged"], &r["archive"]), (&json!(1), &Value::Null));
}

#[test]
fn r_credit_1_a_farmers_missed_due_date_and_a_correction() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    with_codes(&o, dir.path());
    let mut app = application(&DEZHOU, "李建国", FARMER_ID, "100000");
    app["borrower"]["kind"] = json!("farmer");
    app["borrower"]["address"] = json!("山东省德州市陵城区边临镇1号");
    app["borrower"]["legal_rep"] = json!("");
    let p = approved_with(&o, &DEZHOU, app, "2016-05-05");
    disbursed(&o, &DEZHOU, &p, "2016-05-05");

    let out = dir.path().join("rcb-0531.zip");
    report(&o, "bo-rcb", "rcb-dz", "2016-05-31", &out);
    let (name, _, records) = only_file(&texts(&out));
    assert!(
        name.contains("2016053121000010"),
        "a personal loan (210): {name}"
    );
    assert!(
        records[0].starts_with("<Document><InAcctInf>"),
        "{}",
        records[0]
    );
    assert!(records[0].contains(&format!("<IDNum>{FARMER_ID}</IDNum>")));

    // 2016-06-05 passes unpaid: 32, one period and 471.25 → 471 yuan overdue, status 逾期.
    let out = dir.path().join("rcb-0630.zip");
    let r = report(&o, "bo-rcb", "rcb-dz", "2016-06-30", &out);
    assert_eq!(r["by_code"], json!([["32", 1]]));
    let (_, _, records) = only_file(&texts(&out));
    let rec = &records[0];
    for want in [
        "<AcctStatus>2</AcctStatus>",
        "<OverdPrd>1</OverdPrd>",
        "<TotOverd>471</TotOverd>",
        "<OverdPrinc>0</OverdPrinc>",
        "<FiveCate>2</FiveCate>",
    ] {
        assert!(rec.contains(want), "{want} not in {rec}");
    }

    // CPIC's guarantee of a person: 230, no related party; a correction re-reports its
    // 在保责任信息段 (D) as a 232 record.
    let out = dir.path().join("cpic-0630.zip");
    report(&o, "uw-cpic", "cpic", "2016-06-30", &out);
    let (name, _, records) = only_file(&texts(&out));
    assert!(name.contains("23000010"), "{name}");
    assert!(
        records[0].contains("<RltRepymtNm>0</RltRepymtNm>"),
        "{}",
        records[0]
    );
    let out = dir.path().join("cpic-fix.zip");
    o.ok(
        "uw-cpic",
        "2016-07-02",
        &[
            "credit",
            "correct",
            "--org",
            "cpic",
            "--case",
            &p,
            "--segment",
            "D",
            "--date",
            "2016-06-30",
            "--out",
            out.to_str().unwrap(),
        ],
        json!({}),
    );
    let (name, header, records) = only_file(&texts(&out));
    assert!(name.contains("23200010"), "{name}");
    assert!(header.starts_with("A0502322.0.0"), "{header}");
    assert!(
        records[0].contains("<MdfcSgmtCode>D</MdfcSgmtCode>")
            && records[0].contains("<RepymtInfSgmt>"),
        "{}",
        records[0]
    );
    let e = o.refused(
        "uw-cpic",
        "2016-07-02",
        &[
            "credit",
            "correct",
            "--org",
            "cpic",
            "--case",
            &p,
            "--segment",
            "Z",
            "--date",
            "2016-06-30",
            "--out",
            dir.path().join("z.zip").to_str().unwrap(),
        ],
        "",
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "segment");
}

#[test]
fn r_credit_1_who_may_report_and_what_the_settings_must_say() {
    let o = pilot();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.zip");
    let args = |org: &'static str| -> Vec<String> {
        [
            "credit",
            "report",
            "--org",
            org,
            "--date",
            "2016-03-31",
            "--out",
            out.to_str().unwrap(),
        ]
        .map(str::to_string)
        .to_vec()
    };
    let run = |user: &str, org: &'static str, code: &str| {
        let a = args(org);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        o.refused(user, "2016-03-31", &refs, "", code)
    };
    // No institution code yet: the error names the setting to add.
    let e = run("bo-icbc", "icbc-yt", "SETTINGS");
    assert_eq!(e.error()["field"], "credit_reporting.institutions.icbc-yt");
    with_codes(&o, dir.path());
    run("bo-rcb", "icbc-yt", "NOT_PERMITTED");
    run("agent", "icbc-yt", "NOT_PERMITTED");
    run("auditor", "icbc-yt", "NOT_PERMITTED");
    assert!(!out.exists(), "nothing written");
    // A code that is not 14 characters is refused when the settings are applied.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[credit_reporting.institutions]\nicbc-yt = \"B10212\"\n",
    )
    .unwrap();
    let e = o.refused(
        "admin",
        "2016-03-31",
        &["settings", "apply", bad.to_str().unwrap()],
        "",
        "INVALID_INPUT",
    );
    assert_eq!(e.error()["field"], "credit_reporting.institutions.icbc-yt");
}
