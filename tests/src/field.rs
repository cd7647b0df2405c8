//! Field laptops for the tests: enrolled by an office's admin with `surety field enrol` and
//! made with `surety field init` from the file, as an agent's laptop is.

use crate::cli::Office;
use std::path::Path;

/// The passphrase the office's admin sets on the enrolment file.
pub const PHRASE: &str = "village-2016-wu";
/// The agent's own password on the laptop.
pub const LAPTOP_PASSWORD: &str = "laptop-pass-2016";

/// A laptop for the office's agent `agent` (prefix WU), named `laptop_name`; the office's
/// admin signs in with `admin_password`. The enrolment file is written into `dir`.
pub fn enrol_laptop(
    office: &Office,
    admin_password: &str,
    dir: &Path,
    laptop_name: &str,
) -> Office {
    let file = dir.join(format!("{}.enrol", crate::cli::safe_name(laptop_name)));
    let out = office.run_with(
        Some("admin"),
        admin_password,
        Some("2016-02-20"),
        &[
            "field",
            "enrol",
            "--agent",
            "agent",
            "--prefix",
            "wu",
            "--laptop-name",
            laptop_name,
            "--office-name",
            "办公室",
            "--out",
            file.to_str().unwrap(),
        ],
        "",
        &[("SURETY_ENROL_PASSPHRASE", PHRASE)],
    );
    assert_eq!(out.code, 0, "field enrol: {}", out.stderr);
    let laptop = Office::empty();
    let made = laptop.run_with(
        None,
        admin_password,
        None,
        &["field", "init", "--from", file.to_str().unwrap()],
        "",
        &[
            ("SURETY_ENROL_PASSPHRASE", PHRASE),
            ("SURETY_NEW_PASSWORD", LAPTOP_PASSWORD),
        ],
    );
    assert_eq!(made.code, 0, "field init: {}", made.stderr);
    laptop
}
