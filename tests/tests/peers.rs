//! Issue 16: two installations register each other for bundles from what each one's
//! `surety sync identity` shows (id, Ed25519 key and fingerprint, age recipient); a typo in
//! the key, a wrong fingerprint, a bad recipient, itself or the same peer twice are refused
//! naming the field, and only an admin registers.

use serde_json::json;
use surety_e2e::pilot::pilot;

#[test]
fn installations_register_each_other_for_bundles() {
    let office = pilot();
    let field = pilot();
    let office_id = office.ok("admin", "2016-03-01", &["sync", "identity"], json!({}));
    let field_id = field.ok("admin", "2016-03-01", &["sync", "identity"], json!({}));
    let recipient = field_id["seal_recipient"].as_str().unwrap();
    assert!(recipient.starts_with("age1"), "{field_id}");
    assert_ne!(field_id["seal_recipient"], office_id["seal_recipient"]);

    let mut peer = field_id.clone();
    peer["name"] = json!("外勤 吴磊的笔记本");
    let added = office.ok("admin", "2016-03-01", &["peer", "add"], peer.clone());
    assert_eq!(added["fingerprint"], field_id["fingerprint"]);
    let mut back = office_id.clone();
    back["name"] = json!("烟台办公室");
    field.ok("admin", "2016-03-01", &["peer", "add"], back);
    let list = office.ok("uw-pool", "2016-03-01", &["peer", "list"], json!({}));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "外勤 吴磊的笔记本");

    let refused = |input: serde_json::Value, code: &str, field_name: &str| {
        let out = office.run(
            Some("admin"),
            Some("2016-03-01"),
            &["peer", "add"],
            &input.to_string(),
        );
        let e = out.error();
        assert_eq!(
            (&e["code"], &e["field"]),
            (&json!(code), &json!(field_name)),
            "{e}"
        );
    };
    let mut typo = peer.clone();
    typo["installation_id"] = json!("another");
    typo["public_key"] = json!("zz");
    refused(typo, "INVALID_INPUT", "public_key");
    let mut wrong = peer.clone();
    wrong["installation_id"] = json!("another");
    wrong["fingerprint"] = json!("0000-0000-0000-0000-0000-0000-0000-0000");
    refused(wrong, "INVALID_INPUT", "fingerprint");
    let mut bad = peer.clone();
    bad["installation_id"] = json!("another");
    bad["seal_recipient"] = json!("age1notakey");
    refused(bad, "INVALID_INPUT", "seal_recipient");
    let mut own = office_id.clone();
    own["name"] = json!("自己");
    refused(own, "INVALID_INPUT", "installation_id");
    refused(peer.clone(), "INVALID_INPUT", "installation_id");
    let out = office.run(
        Some("uw-pool"),
        Some("2016-03-01"),
        &["peer", "add"],
        &peer.to_string(),
    );
    assert_eq!(out.error()["code"], "NOT_PERMITTED");
    assert_eq!(
        office
            .ok("admin", "2016-03-01", &["peer", "list"], json!({}))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
