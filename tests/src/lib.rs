//! Harness for driving the real Surety Desk window: a private Xvfb display, tauri-driver in
//! front of WebKitWebDriver, and a WebDriver session on the app binary. Everything it starts
//! is killed and reaped when the [`AppWindow`] is dropped, also when a test panics.

pub mod cli;
pub mod demo;
pub mod field;
pub mod hub;
pub mod peers;
pub mod pilot;
pub mod processes;
pub mod quarter;
pub mod window;

pub use window::{skip_ui_tests, AppWindow};

use std::path::PathBuf;

/// The workspace's `target/<profile>` folder, where `cargo build` put the binaries.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("debug");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug")
}

/// The desktop binary under test: `SURETY_DESK_BIN`, or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("SURETY_DESK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("surety-desk"));
    assert!(
        path.exists(),
        "the app binary {} does not exist: run `cargo build -p surety-desk` first (the README's test command does)",
        path.display()
    );
    path
}

/// Where tests leave screenshots for a person to look at.
pub fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts/screenshots");
    std::fs::create_dir_all(&dir).expect("create artifacts/screenshots");
    dir
}
