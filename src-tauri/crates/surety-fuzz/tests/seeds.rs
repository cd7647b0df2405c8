//! Writes the seed corpus (`corpus/<target>/seed-*`): valid inputs of every kind, made by
//! the program's own writers so they stay in step with its formats. Run by hand after a
//! format changes: `cargo test -p surety-fuzz --test seeds -- --ignored`.

use serde_json::json;
use std::path::{Path, PathBuf};

fn folder(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    std::fs::write(folder(target).join(format!("seed-{name}")), bytes).unwrap();
}

fn quote(city: &str, kind: &str, principal: &str, repayment: &str, term: u32) -> String {
    json!({"city": city, "borrower_kind": kind, "principal": principal, "annual_rate": "0.05655",
           "term_months": term, "contract_date": "2016-03-15", "repayment": repayment,
           "guarantee_rate": "0.02", "accident_rate": "0.005",
           "fees": [{"name": "评估费", "amount": "300.00"}]})
    .to_string()
}

fn intake(id: &str, kind: &str, principal: &str, repayment: &str) -> String {
    json!({"borrower": {"kind": kind, "name": "烟台海滨商贸有限公司", "id_number": id,
                        "address": "山东省烟台市芝罘区南大街1号", "phone": "0535-6612345",
                        "legal_rep": "王海", "operating_since": "2012-05-01"},
           "city": "yantai", "bank": "icbc-yt", "insurer": "picc", "principal": principal,
           "annual_rate": "0.05655", "term_months": 12, "repayment": repayment,
           "application_date": "2016-03-10"})
    .to_string()
}

#[test]
#[ignore = "writes the seed corpus; run by hand"]
fn write_seeds() {
    for (i, (city, kind, p, r, t)) in [
        (
            "yantai",
            "micro_enterprise",
            "1000000",
            "interest_monthly",
            12,
        ),
        ("weifang", "farmer", "200000.50", "equal_installment", 12),
        ("linyi", "cooperative", "500000", "equal_principal", 6),
        ("dezhou", "micro_enterprise", "3000000", "bullet", 12),
    ]
    .into_iter()
    .enumerate()
    {
        write(
            "quote_json",
            &i.to_string(),
            quote(city, kind, p, r, t).as_bytes(),
        );
    }
    write(
        "intake_json",
        "0",
        intake(
            "91350100M000100Y43",
            "micro_enterprise",
            "1000000",
            "interest_monthly",
        )
        .as_bytes(),
    );
    write(
        "intake_json",
        "1",
        intake(
            "91370602MA0000001N",
            "micro_enterprise",
            "800000.00",
            "equal_installment",
        )
        .as_bytes(),
    );
    let mut farmer: serde_json::Value = serde_json::from_str(&intake(
        "370602198503151234",
        "farmer",
        "200000",
        "equal_principal",
    ))
    .unwrap();
    farmer["borrower"]["name"] = json!("张三");
    farmer["borrower"]["id_number"] = json!(format!(
        "37060219850315123{}",
        surety::api::resident_check_char("37060219850315123").unwrap()
    ));
    write("intake_json", "2", farmer.to_string().as_bytes());

    let settings = surety::api::Settings::default();
    write("settings_toml", "default", settings.to_toml().as_bytes());
    write(
        "settings_toml",
        "pilot",
        b"[limits]\nmax_term_months = 12\n\n[cities.zibo]\npilot = true\n",
    );

    // A real backup's header: a cheap installation, backed up.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seed.db");
    let mut desk = surety::api::Desk::first_run(
        &db,
        "admin",
        "管理员",
        "seed-passphrase-1",
        surety::api::KdfParams::for_tests(),
        surety::api::DatabaseUse::Production,
    )
    .unwrap();
    let out = dir.path().join("seed.backup");
    desk.backup(&out).unwrap();
    let backup = std::fs::read(&out).unwrap();
    // The header lines and a short tail (the database part's size no longer matches,
    // which is one of the checks), and the whole header with a 64-byte database part.
    let head_end = backup
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .unwrap()
        .0
        + 1;
    write("backup_header", "cut", &backup[..head_end + 64]);
    let header: serde_json::Value = serde_json::from_slice(
        backup[backup.iter().position(|b| *b == b'\n').unwrap() + 1..]
            .split(|b| *b == b'\n')
            .next()
            .unwrap(),
    )
    .unwrap();
    let mut header = header;
    header["database_bytes"] = json!(64);
    let mut whole = b"SURETY-DESK-BACKUP 2\n".to_vec();
    whole.extend_from_slice(header.to_string().as_bytes());
    whole.extend_from_slice(b"\n");
    whole.extend_from_slice(&[b'0'; 64]);
    whole.extend_from_slice(b"\n");
    whole.extend_from_slice(&[0u8; 64]);
    write("backup_header", "sized", &whole);

    // A bundle: two events, their parts, signed; its plaintext and sealed to the fuzz key.
    let sender = surety_sync::Identity::generate();
    let manifest: surety_bundle::Manifest = serde_json::from_value(json!({
        "format": 1, "bundle_id": "b-seed-1", "sender_installation": "laptop-1",
        "sender_key": "", "recipient_installation": "office-1",
        "created_at": "2016-03-16T09:00:00Z",
        "events": [
            {"event_id": "e1", "case_uid": "u1", "section": "intake", "base": "",
             "hash": "", "part": "cases/u1/intake.json"},
            {"event_id": "e2", "case_uid": "u1", "section": "site_visit", "base": "",
             "hash": "", "part": "cases/u1/site_visit.json"}
        ],
        "parts": []
    }))
    .unwrap();
    let parts = vec![
        (
            "cases/u1/intake.json".to_string(),
            intake("91350100M000100Y43", "micro_enterprise", "1000000", "bullet").into_bytes(),
        ),
        (
            "cases/u1/site_visit.json".to_string(),
            br#"{"visited_on":"2016-03-12","place":"shop","business_running":true,"findings":"ok","recommendation":"support"}"#.to_vec(),
        ),
    ];
    let key = surety_bundle::SealKey::from_secret(surety_fuzz::SEAL_SECRET).unwrap();
    let sealed = surety_bundle::seal(manifest, &parts, &sender, &key.recipient()).unwrap();
    write("bundle_sealed", "two-events", &sealed);
    let opened = surety_bundle::open(&sealed, &key, u64::MAX).unwrap();
    // The plaintext, as `open` decrypts it: written again by the same framing.
    let plain = age_plain(&sealed, &key);
    assert_eq!(
        surety_bundle::read_plain(&plain).unwrap().parts().unwrap(),
        opened.parts().unwrap()
    );
    write("bundle_plain", "two-events", &plain);
    write(
        "bundle_plain",
        "magic-only",
        b"SURETY-BUNDLE/1\n\0\0\0\x02{}\0\0\0\0",
    );
    write(
        "bundle_sealed",
        "garbage",
        b"age-encryption.org/v1\n-> X25519 AAAA\n--- AAAA\n",
    );

    // Envelopes: a signed quarter and its payload as the hub reads it.
    let payload = json!({
        "period": "2016Q3", "city": "yantai", "complete": true,
        "state": {"closed": true, "revision": 1},
        "business": [{"city": "yantai", "insurer": "picc", "insurer_name": "人保烟台",
            "bank": "icbc", "bank_name": "工行烟台", "applications": 2, "approved": 1,
            "declined_by_insurer": 0, "declined_by_bank": 1, "disbursed_count": 1,
            "disbursed_amount": "200000.00", "ytd_count": 1, "ytd_amount": "200000.00",
            "loans_on_book": 1, "balance": "150000.5", "guarantee_written": "3000.00",
            "accident_written": "0.00", "guarantee_received": "3000.00",
            "accident_received": "0.00", "premiums_refunded": "0.00", "claims_filed": 0,
            "claims_filed_loss": "0.00", "claims_paid": 0, "claims_paid_amount": "0.00",
            "claims_refused": 0, "claims_delayed": 0, "accident_claims_paid": 0,
            "accident_claims_amount": "0.00", "recovered": "0.00",
            "recovered_insurer": "0.00", "recovered_bank": "0.00"}],
        "by_kind": [], "loss_ratios": [], "npl": [], "subsidies": [], "defaulters": []
    });
    write("hub_payload", "one-line", payload.to_string().as_bytes());
    write(
        "hub_payload",
        "empty",
        br#"{"period":"2016Q3","city":"yantai","complete":true,"state":{"closed":true},"business":[],"by_kind":[],"loss_ratios":[],"npl":[],"subsidies":[],"defaulters":[]}"#,
    );
    let envelope: surety_sync::Envelope = serde_json::from_value(json!({
        "format": surety_sync::FORMAT, "installation_id": "8f1c0c52-inst",
        "organisation": "picc", "city": "yantai", "period": "2016Q3",
        "period_start": "2016-07-01", "period_end": "2016-09-30",
        "dataset": surety_sync::QUARTER_DATASET,
        "dataset_version": surety_sync::QUARTER_DATASET_VERSION, "revision": 1,
        "payload": payload, "payload_sha256": "",
        "audit_head": {"count": 42, "hash": "ab".repeat(32)},
        "made_at": "2016-10-05T09:00:00Z", "public_key": "", "signature": ""
    }))
    .unwrap();
    let signed = envelope.sign(&sender);
    signed.verify().unwrap();
    write(
        "envelope",
        "signed",
        serde_json::to_string(&signed).unwrap().as_bytes(),
    );
    let mut unsigned = serde_json::to_value(&signed).unwrap();
    unsigned["signature"] = json!("00");
    write("envelope", "bad-signature", unsigned.to_string().as_bytes());
}

/// The decrypted bytes of a sealed bundle (the test's own decryption, through age).
fn age_plain(sealed: &[u8], key: &surety_bundle::SealKey) -> Vec<u8> {
    surety_bundle::decrypt(sealed, key).unwrap()
}
