//! One libFuzzer binary for every target of `surety-fuzz`, the target named by
//! `SURETY_FUZZ_TARGET` (scripts/fuzz.sh sets it): one instrumented link instead of one per
//! target keeps the test run's build time and disk down.
#![no_main]

use std::sync::OnceLock;

static TARGET: OnceLock<surety_fuzz::Target> = OnceLock::new();

fn target() -> surety_fuzz::Target {
    *TARGET.get_or_init(|| {
        let name = std::env::var("SURETY_FUZZ_TARGET").unwrap_or_default();
        match surety_fuzz::TARGETS.iter().find(|(n, _)| *n == name) {
            Some((_, target)) => *target,
            None => {
                let names: Vec<&str> = surety_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
                eprintln!("SURETY_FUZZ_TARGET must be one of: {}", names.join(", "));
                std::process::exit(2)
            }
        }
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| target()(data));
