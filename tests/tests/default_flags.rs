//! R-DEFAULT-1 (§4.4) has effect: a borrower flagged for malicious debt evasion is not taken
//! in again, cannot be found clean of evasion, is listed (and exported) for the authorities,
//! and only an admin lifts the flag, with a reason.

use serde_json::json;
use surety_e2e::cli::open_export;
use surety_e2e::pilot::*;

#[test]
fn r_default_1_a_flagged_borrower_is_refused_listed_and_unflagged_only_by_an_admin() {
    let o = pilot();
    let name = "烟台逃债水产有限公司";
    let first = approved(&o, &YANTAI, name, CODE_A, "300000", "2016-03-01");
    disbursed(&o, &YANTAI, &first, "2016-03-01");
    // A second application of the same borrower, taken in before the finding.
    let second = case_no(&o.ok(
        "agent",
        "2016-03-02",
        &["case", "intake"],
        application(&YANTAI, name, CODE_A, "200000"),
    ));
    o.ok(
        "bo-icbc",
        "2016-07-01",
        &["case", "flag"],
        json!({"case_no": first, "note": "转移资产、拒不还款"}),
    );

    // Taken in again: refused, naming the date and the case.
    let out = o.refused(
        "agent",
        "2016-07-02",
        &["case", "intake"],
        &application(&YANTAI, name, CODE_A, "100000").to_string(),
        "R-DEFAULT-1",
    );
    assert!(
        out.stderr.contains("2016-07-01") && out.stderr.contains(&first),
        "{}",
        out.stderr
    );
    // The pending application cannot be found clean of debt evasion; the truth can be recorded.
    let clean = json!({"tax_arrears_clean": true, "debt_evasion_clean": true, "violation_record_clean": true});
    o.refused(
        "uw-pool",
        "2016-07-02",
        &["case", "investigate"],
        &json!({"case_no": second, "findings": clean}).to_string(),
        "R-DEFAULT-1",
    );
    let honest = json!({"tax_arrears_clean": true, "debt_evasion_clean": false, "violation_record_clean": true});
    o.ok(
        "uw-pool",
        "2016-07-02",
        &["case", "investigate"],
        json!({"case_no": second, "findings": honest}),
    );

    // The list for the authorities: the first loan (interest monthly, principal due at the
    // end) still owes all of its 300,000.00; the second was never disbursed.
    let list = o.ok("auditor", "2016-07-03", &["borrower", "flagged"], json!({}));
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["name"], name);
    assert_eq!(rows[0]["id_number"], CODE_A);
    assert_eq!(rows[0]["case_no"], first.as_str());
    assert_eq!(rows[0]["bank_name"], "中国工商银行烟台分行");
    assert_eq!(rows[0]["outstanding"], "300000.00");
    assert_eq!(rows[0]["flagged_on"], "2016-07-01");
    // Another bank's officer sees none of it.
    let other = o.ok("bo-rcb", "2016-07-03", &["borrower", "flagged"], json!({}));
    assert!(other.as_array().unwrap().is_empty());
    // The export is encrypted; opened with its password it holds the one borrower.
    let out_file = o.db.with_file_name("flagged.xlsx");
    o.ok(
        "bo-icbc",
        "2016-07-03",
        &["export", "flagged", "--out", out_file.to_str().unwrap()],
        json!({}),
    );
    use calamine::Reader;
    let mut book = open_export(&out_file);
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let data: Vec<_> = sheet.rows().skip(1).collect();
    assert_eq!(data.len(), 1);
    assert!(data[0]
        .iter()
        .any(|c| matches!(c, calamine::Data::String(s) if s == name)));

    // Only an admin lifts the flag, with a reason; then the borrower may apply again.
    let unflag = json!({"id_number": CODE_A, "reason": "法院判决撤销认定"});
    o.refused(
        "bo-icbc",
        "2016-08-01",
        &["borrower", "unflag"],
        &unflag.to_string(),
        "NOT_PERMITTED",
    );
    o.refused(
        "admin",
        "2016-08-01",
        &["borrower", "unflag"],
        &json!({"id_number": CODE_A, "reason": ""}).to_string(),
        "INVALID_INPUT",
    );
    o.ok("admin", "2016-08-01", &["borrower", "unflag"], unflag);
    o.ok(
        "agent",
        "2016-08-02",
        &["case", "intake"],
        application(&YANTAI, name, CODE_A, "100000"),
    );
    let list = o.ok("auditor", "2016-08-02", &["borrower", "flagged"], json!({}));
    assert!(list.as_array().unwrap().is_empty());
}

#[test]
fn another_institution_is_told_a_borrower_is_flagged_or_registered_and_nothing_more() {
    let o = pilot();
    let name = "烟台逃债水产有限公司";
    let first = approved(&o, &YANTAI, name, CODE_A, "300000", "2016-03-01");
    disbursed(&o, &YANTAI, &first, "2016-03-01");
    let entries = |o: &surety_e2e::cli::Office| {
        o.ok("admin", "2016-07-02", &["audit", "verify"], json!({}))["entries"]
            .as_u64()
            .unwrap()
    };

    // The same ID under another name at the Dezhou rural bank: refused without the name
    // Yantai registered, and on the record.
    let before = entries(&o);
    let out = o.refused(
        "bo-rcb",
        "2016-05-02",
        &["case", "intake"],
        &application(&DEZHOU, "德州某某商贸公司", CODE_A, "100000").to_string(),
        "INVALID_INPUT",
    );
    assert!(!out.stderr.contains(name), "{}", out.stderr);
    assert!(out.stderr.contains("another institution"), "{}", out.stderr);
    assert_eq!(entries(&o), before + 1, "the refusal is audited");

    o.ok(
        "bo-icbc",
        "2016-07-01",
        &["case", "flag"],
        json!({"case_no": first, "note": "转移资产、拒不还款"}),
    );
    // Flagged at ICBC Yantai: Dezhou hears that it cannot take the borrower in, not whose
    // flag it is, when, or in which case.
    let before = entries(&o);
    let out = o.refused(
        "bo-rcb",
        "2016-07-02",
        &["case", "intake"],
        &application(&DEZHOU, name, CODE_A, "100000").to_string(),
        "R-DEFAULT-1",
    );
    for secret in [name, first.as_str(), "2016-07-01"] {
        assert!(!out.stderr.contains(secret), "{secret}: {}", out.stderr);
    }
    assert!(out.stderr.contains("province's office"), "{}", out.stderr);
    assert_eq!(entries(&o), before + 1, "the refusal is audited");
    let list = o.ok("bo-rcb", "2016-07-02", &["case", "list"], json!({}));
    assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing taken in");
}
