//! A bulk read of personal data — the case list beyond a screen's page, the flagged
//! borrowers with their full ID numbers, a quarter's subsidy list by borrower — is on the
//! audit record with its count; a page of the list is not.

use serde_json::json;
use surety_e2e::cli::Office;
use surety_e2e::pilot::*;

fn entries(o: &Office) -> u64 {
    o.ok("admin", "2016-12-31", &["audit", "verify"], json!({}))["entries"]
        .as_u64()
        .unwrap()
}

#[test]
fn bulk_reads_of_personal_data_are_on_the_audit_record() {
    let o = pilot();
    // 101 applications: one more than the window's largest page (100).
    for _ in 0..101 {
        o.ok(
            "agent",
            "2016-03-01",
            &["case", "intake"],
            application(&YANTAI, "烟台海丰水产有限公司", CODE_A, "10000"),
        );
    }
    let before = entries(&o);
    let page = o.ok(
        "bo-icbc",
        "2016-03-02",
        &["case", "list", "--limit", "20"],
        json!({}),
    );
    assert_eq!(page.as_array().map(Vec::len), Some(20));
    assert_eq!(entries(&o), before, "a page is not a bulk read");
    let all = o.ok(
        "bo-icbc",
        "2016-03-02",
        &["case", "list", "--limit", "500"],
        json!({}),
    );
    assert_eq!(all.as_array().map(Vec::len), Some(101));
    assert_eq!(
        entries(&o),
        before + 1,
        "101 cases at once are on the record"
    );

    // The flagged list, read by the bank that flagged.
    let c = approved(
        &o,
        &YANTAI,
        "烟台海德机械有限公司",
        CODE_B,
        "200000",
        "2016-03-03",
    );
    disbursed(&o, &YANTAI, &c, "2016-03-05");
    o.ok(
        "bo-icbc",
        "2016-07-01",
        &["case", "flag"],
        json!({"case_no": c, "note": "转移资产"}),
    );
    let before = entries(&o);
    let flagged = o.ok("bo-icbc", "2016-07-02", &["borrower", "flagged"], json!({}));
    assert_eq!(flagged.as_array().map(Vec::len), Some(1));
    assert_eq!(entries(&o), before + 1);
    // Another bank's officer reads an empty list: nothing disclosed, nothing recorded.
    let other = o.ok("bo-rcb", "2016-07-02", &["borrower", "flagged"], json!({}));
    assert_eq!(other.as_array().map(Vec::len), Some(0));
    assert_eq!(entries(&o), before + 1);
}
