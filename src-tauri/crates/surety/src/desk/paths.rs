//! Where the installation lives. One definition for the window and the CLI.

use std::path::{Path, PathBuf};

/// The folder name under the system's data folder (the Tauri identifier).
pub const APP_FOLDER: &str = "cn.gov.sd.suretydesk";

/// The app's own data folder: `~/.local/share/cn.gov.sd.suretydesk` on Linux,
/// `%APPDATA%\cn.gov.sd.suretydesk` on Windows, `~/Library/Application Support/…` on macOS.
pub fn app_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_FOLDER)
}

/// The database the window and the CLI open unless told otherwise (`SURETY_DB`, `--db`).
pub fn default_database() -> PathBuf {
    match std::env::var_os("SURETY_DB") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => app_data_dir().join("surety.db"),
    }
}

/// Creates the folder a new database goes into, owner-only (0700).
pub fn prepare_database_folder(db: &Path) -> crate::desk::error::DeskResult<()> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            surety_store::files::create_private_dir(dir).map_err(|e| {
                crate::desk::error::DeskError::io(
                    "无法创建数据目录",
                    "cannot create the data folder",
                    dir,
                    &e,
                )
            })?;
        }
    }
    Ok(())
}

/// The app's own data folder is its owner's alone (0700) whatever the umask made it; a
/// folder the user chose for a database elsewhere is theirs to set.
pub fn secure_app_folder(db: &Path) {
    let app = std::fs::canonicalize(app_data_dir()).ok();
    let parent = db.parent().and_then(|p| std::fs::canonicalize(p).ok());
    if let (Some(app), Some(parent)) = (app, parent) {
        if app == parent {
            let _ = surety_store::files::restrict(&parent);
        }
    }
}
