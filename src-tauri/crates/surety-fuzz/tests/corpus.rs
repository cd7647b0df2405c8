//! Every seed, every input the fuzzer kept and every crash it found, through its target:
//! none may crash. A crash found by `scripts/fuzz.sh` is copied into `regressions/<target>/`
//! with its fix, so it is run here on every `cargo test`.

use std::path::Path;

#[test]
fn every_kept_input_runs_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, target) in surety_fuzz::TARGETS {
        let seeds = surety_fuzz::run_folder(*target, &root.join("corpus").join(name));
        // Each target has seeds: a fuzzer starting from nothing rarely finds valid JSON.
        assert!(seeds >= 2, "{name}: {seeds} seeds in corpus/{name}");
        surety_fuzz::run_folder(*target, &root.join("regressions").join(name));
    }
}

fn seed(target: &str, name: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read(
        root.join("corpus")
            .join(target)
            .join(format!("seed-{name}")),
    )
    .unwrap()
}

/// The seeds are valid inputs, so fuzzing starts past the first refusal (a seed that
/// rotted into a refused input would leave the accepting paths unfuzzed).
#[test]
fn the_seeds_reach_the_accepting_paths() {
    for n in ["0", "1", "2", "3"] {
        let text = String::from_utf8(seed("quote_json", n)).unwrap();
        let input = surety::api::quote_input_from_json(&text).unwrap();
        let q = surety::api::quote(&input, &surety::api::Settings::default()).unwrap();
        assert!(!q.schedule.is_empty(), "quote seed {n}");
    }
    let text = String::from_utf8(seed("settings_toml", "pilot")).unwrap();
    surety::api::settings_from_toml(&text).unwrap();
    let summary = surety_store::backup::read_unverified_header(&seed("backup_header", "sized"));
    assert_eq!(summary.unwrap().cases, 0);
    let refused = surety_store::backup::read_unverified_header(&seed("backup_header", "cut"));
    assert!(refused.unwrap_err().contains("the header says"));
    let plain = seed("bundle_plain", "two-events");
    let opened = surety_bundle::read_plain(&plain).unwrap();
    assert_eq!(opened.manifest.events.len(), 2);
    let key = surety_bundle::SealKey::from_secret(surety_fuzz::SEAL_SECRET).unwrap();
    surety_bundle::open(&seed("bundle_sealed", "two-events"), &key, 1 << 20).unwrap();
    let text = String::from_utf8(seed("envelope", "signed")).unwrap();
    surety_sync::Envelope::from_json(&text)
        .unwrap()
        .verify()
        .unwrap();
    let payload: serde_json::Value =
        serde_json::from_slice(&seed("hub_payload", "one-line")).unwrap();
    let orgs = ["picc".to_string()].into();
    let facts = surety_hub::dataset::flatten(&payload, "yantai", "2016Q3", Some(&orgs)).unwrap();
    assert!(!facts.facts.is_empty());
}

/// The intake seeds are taken as cases (the target asserts one case more for each).
#[test]
fn the_intake_seeds_are_taken() {
    // "written-amount": the principal as people write it (¥200000), which the fuzzer found
    // the target still read strictly once the service took such amounts.
    for n in ["0", "1", "2", "written-amount"] {
        let input: surety::api::IntakeInput =
            serde_json::from_slice(&seed("intake_json", n)).unwrap();
        assert!(surety_fuzz::intake::take(&input).is_ok(), "intake seed {n}");
    }
}
