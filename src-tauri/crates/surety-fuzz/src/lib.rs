//! The fuzz targets: for each way outside bytes enter the program, the function the
//! program runs on them, called here as the program calls it, plus checks of what an
//! accepted input must give. A panic is a crash; so is a broken check.
//!
//! Run by two drivers: the libFuzzer binary `src/bin/fuzz.rs` (feature `libfuzzer`;
//! coverage-guided on the stable toolchain: `scripts/fuzz.sh`), and this crate's test, which runs every file of
//! `corpus/<target>/` (the seeds, and what the fuzzer kept) and `regressions/<target>/`
//! (every crash found, kept after its fix) on each `cargo test`.

use std::sync::OnceLock;

pub mod intake;

/// What a target runs on one input.
pub type Target = fn(&[u8]);

/// The targets by name (`SURETY_FUZZ_TARGET` of the fuzz binary, and the corpus folders).
pub const TARGETS: &[(&str, Target)] = &[
    ("quote_json", quote_json),
    ("intake_json", intake::intake_json),
    ("settings_toml", settings_toml),
    ("backup_header", backup_header),
    ("bundle_plain", bundle_plain),
    ("bundle_sealed", bundle_sealed),
    ("envelope", envelope),
    ("hub_payload", hub_payload),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Every amount the program shows is whole fen.
fn whole_fen(m: surety_domain::Money) -> bool {
    m.as_decimal().normalize().scale() <= 2
}

/// `surety quote` and the window's live quote: a request from JSON, quoted under the
/// default settings. An accepted request gives fen amounts whose parts add up.
pub fn quote_json(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(input) = surety::api::quote_input_from_json(text) else {
        return;
    };
    let Ok(q) = surety::api::quote(&input, &surety::api::Settings::default()) else {
        return;
    };
    for m in [
        q.total_interest,
        q.guarantee_premium,
        q.accident_premium,
        q.total_premium,
        q.financing_cost,
    ] {
        assert!(whole_fen(m), "{m} is not whole fen");
        assert!(m >= surety_domain::Money::ZERO, "{m} is negative");
    }
    assert_eq!(
        q.total_premium,
        q.guarantee_premium + q.accident_premium,
        "the premium is not its two parts"
    );
    if !q.schedule.is_empty() {
        let principal: surety_domain::Money = q.schedule.iter().map(|i| i.principal).sum();
        let interest: surety_domain::Money = q.schedule.iter().map(|i| i.interest).sum();
        if let Ok(requested) = input.principal.trim().parse::<surety_domain::Money>() {
            assert_eq!(
                principal, requested,
                "the schedule repays another principal"
            );
        }
        assert_eq!(
            interest, q.total_interest,
            "the schedule's interest differs"
        );
        for i in &q.schedule {
            assert_eq!(i.payment, i.principal + i.interest, "period {}", i.period);
        }
    }
    serde_json::to_string(&q).expect("a quote serializes");
}

/// `--settings`, `settings check` and the stored settings: TOML read and checked. What is
/// accepted writes back to TOML that reads as the same settings.
pub fn settings_toml(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(settings) = surety::api::settings_from_toml(text) else {
        return;
    };
    let again = settings.to_toml();
    let reread = surety::api::settings_from_toml(&again)
        .unwrap_or_else(|e| panic!("accepted settings write back unreadable: {e}\n{again}"));
    assert_eq!(reread, settings, "settings change on the way through TOML");
}

/// `surety restore` / 恢复备份: a backup file's header, read before any key is derived.
pub fn backup_header(data: &[u8]) {
    let _ = surety_store::backup::read_unverified_header(data);
}

/// A bundle's contents after decryption: manifest, signature, parts.
pub fn bundle_plain(data: &[u8]) {
    if let Ok(opened) = surety_bundle::read_plain(data) {
        for p in &opened.manifest.parts {
            let body = opened
                .part(&p.name)
                .expect("a checked part reads again")
                .expect("a listed part is there");
            assert_eq!(surety_bundle::sha256_hex(&body), p.sha256);
        }
    }
}

/// A bundle file as it arrives: age's header and stream, sealed to this installation.
pub fn bundle_sealed(data: &[u8]) {
    static KEY: OnceLock<surety_bundle::SealKey> = OnceLock::new();
    let key = KEY.get_or_init(|| {
        // A fixed key, so the seeds sealed to it keep reaching the inner format.
        surety_bundle::SealKey::from_secret(SEAL_SECRET).expect("the fuzz key reads")
    });
    let _ = surety_bundle::open(data, key, 64 * 1024 * 1024);
}

/// The key the seeds of `bundle_sealed` are sealed to (not a secret: fuzzing only).
pub const SEAL_SECRET: &str =
    "AGE-SECRET-KEY-15JG2NMXEZGCXU0KY707ZP0TUUYUG8LWL48UYUZX8NGLYQYN0YDASA0VGPW";

/// The hub's `POST /v1/envelopes`: an envelope from JSON, its hash and signature checked.
pub fn envelope(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(e) = surety_sync::Envelope::from_json(text) {
        let _ = e.verify();
        let _ = e.signed_bytes();
    }
}

/// The hub's reading of a quarter's payload (after the signature): checked and flattened
/// into facts. Accepted facts are whole fen.
pub fn hub_payload(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let orgs = ["sd-pool".to_string(), "picc".to_string()].into();
    let _ = surety_hub::dataset::flatten(&value, "yantai", "2016Q3", Some(&orgs));
    let _ = surety_hub::dataset::flatten(&value, "yantai", "2016Q3", None);
}

/// Runs `target` on every file of a folder; returns how many ran.
pub fn run_folder(target: Target, dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        if path.is_file() {
            let data = std::fs::read(&path).unwrap();
            let run = std::panic::catch_unwind(|| target(&data));
            assert!(run.is_ok(), "{} crashes", path.display());
            n += 1;
        }
    }
    n
}
