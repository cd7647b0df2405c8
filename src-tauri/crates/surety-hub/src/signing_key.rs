//! The hub's receipt-signing key lives in a file of its own, readable by the hub's user
//! only, never in the database: a copy of the database (a backup, a replica, a dump handed
//! to a contractor) must not be able to sign receipts or refusals in the hub's name.

use crate::repo::{HubError, HubResult, Repository};
use std::io::Write;
use std::path::Path;
use surety_sync::Identity;

/// Where hubs before this one kept the key: in the database's meta table.
const LEGACY_META_KEY: &str = "hub_signing_key";

/// The key in `path`, made on first use; a key still in the database is moved out to it.
pub async fn load_or_make<R: Repository>(repo: &R, path: &Path) -> HubResult<Identity> {
    let legacy = repo.meta(LEGACY_META_KEY).await?;
    let held = match read(path)? {
        Some(held) => held,
        None => {
            let hex = legacy
                .clone()
                .unwrap_or_else(|| Identity::generate().to_hex());
            match write_new(path, &hex) {
                Ok(()) => hex,
                // Another hub process made it first: theirs is the key.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    read(path)?.ok_or_else(|| unreadable(path, "empty"))?
                }
                Err(e) => return Err(unreadable(path, e)),
            }
        }
    };
    if let Some(old) = legacy {
        if old != held {
            return Err(HubError::Invalid(format!(
                "the key file {} and the database hold different signing keys; keep the one the installations registered (surety-hub key shows the file's)",
                path.display()
            )));
        }
        repo.meta_remove(LEGACY_META_KEY).await?;
    }
    Identity::from_hex(&held).map_err(|e| unreadable(path, e))
}

fn unreadable(path: &Path, e: impl std::fmt::Display) -> HubError {
    HubError::Storage(format!("the hub's key file {}: {e}", path.display()))
}

fn read(path: &Path) -> HubResult<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.trim().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(unreadable(path, e)),
    }
}

/// Writes a new key file, owner-only from its first byte; never over an existing one.
fn write_new(path: &Path, hex: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(hex.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}
