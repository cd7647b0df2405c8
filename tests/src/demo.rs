//! Demo databases for the window tests, built by the real `surety demo`.

use crate::cli::surety_binary;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every demo user's password.
pub const DEMO_PASSWORD: &str = "demo-pilot-2016";

/// A data folder (the app's XDG_DATA_HOME) holding a demo database of `cases` cases.
/// Keep the returned guard alive as long as the folder is used.
pub fn demo_data(cases: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let out = Command::new(surety_binary())
        .args(["--db", db.to_str().unwrap(), "demo", "--cases"])
        .arg(cases.to_string())
        .env("SURETY_PASSWORD", DEMO_PASSWORD)
        .env("SURETY_TEST_FAST_KDF", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = dir.path().to_path_buf();
    (dir, home)
}

/// Where the app keeps its database inside a data folder.
pub fn demo_db(data: &Path) -> PathBuf {
    data.join("cn.gov.sd.suretydesk").join("surety.db")
}

/// One ICBC case number of the demo in `status` and `city`, by the CLI.
pub fn demo_case(data: &Path, status: &str, city: &str) -> String {
    let db = demo_db(data);
    let out = Command::new(surety_binary())
        .args([
            "--db",
            db.to_str().unwrap(),
            "case",
            "list",
            "--status",
            status,
            "--city",
            city,
            "--limit",
            "50",
        ])
        .env("SURETY_PASSWORD", "demo-pilot-2016")
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["case_no"].as_str().unwrap().to_string())
        .find(|no| no.starts_with("ICBC-YT"))
        .unwrap_or_else(|| panic!("no ICBC {status} case in {city}"))
}
