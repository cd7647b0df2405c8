//! Online backup to one encrypted file, and a restore that checks before it replaces.
//!
//! File layout: a magic line, one JSON header line (the key file: wrapped keys only,
//! nothing secret), then the database as SQLCipher wrote it, encrypted under the same
//! database key. Restoring needs a user of the backup and their password, as signing in does.

use crate::audit;
use crate::error::{StoreError, StoreResult};
use crate::keys::{key_file_path, KeyFile};
use crate::migrations::SCHEMA_VERSION;
use crate::store::{open_connection, raw_key_literal, sidecar, Store};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &str = "SURETY-DESK-BACKUP 1";

#[derive(Serialize, Deserialize)]
struct Header {
    created_at: String,
    schema_version: i64,
    key_file: KeyFile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub path: String,
    pub bytes: u64,
    pub cases: u64,
    pub audit_entries: u64,
}

fn temp_beside(path: &Path, tag: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(format!(".{tag}.{}", std::process::id()));
    PathBuf::from(p)
}

/// The file's magic line and header, with the reader left at the database bytes.
fn read_header(backup: &Path) -> StoreResult<(BufReader<std::fs::File>, Header)> {
    let bad = |why: String| StoreError::BadBackup {
        path: backup.display().to_string(),
        why,
    };
    let mut reader = BufReader::new(std::fs::File::open(backup)?);
    let mut magic = String::new();
    reader.read_line(&mut magic)?;
    if magic.trim_end() != MAGIC {
        return Err(bad("not a Surety Desk backup file".into()));
    }
    let mut header_line = String::new();
    reader.read_line(&mut header_line)?;
    let header: Header =
        serde_json::from_str(&header_line).map_err(|e| bad(format!("damaged header: {e}")))?;
    if header.schema_version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok((reader, header))
}

impl Store {
    /// Checks, without touching any database, that `backup` is a backup this version can
    /// restore and that the user's password opens it: what can go wrong before the
    /// open database has to be closed for a restore.
    pub fn check_backup(backup: &Path, username: &str, password: &str) -> StoreResult<()> {
        let (_, header) = read_header(backup)?;
        header.key_file.unlock(username, password, backup)?;
        Ok(())
    }

    /// Writes a consistent copy while the database stays open (sqlcipher_export reads
    /// inside one transaction).
    pub fn backup_to(&self, out: &Path) -> StoreResult<BackupInfo> {
        let staging = temp_beside(out, "staging");
        let _ = std::fs::remove_file(&staging);
        let result = (|| {
            // A signed-in connection may not create files (opening never creates a
            // database by accident), so ATTACH gets an empty file: SQLite takes a
            // zero-length file as a new, empty database.
            std::fs::File::create(&staging)?;
            let path_sql = staging.display().to_string().replace('\'', "''");
            self.conn.execute_batch(&format!(
                "ATTACH DATABASE '{path_sql}' AS backup KEY {key};
                 SELECT sqlcipher_export('backup');
                 PRAGMA backup.user_version = {SCHEMA_VERSION};
                 DETACH DATABASE backup;",
                key = raw_key_literal(self.db_key())
            ))?;
            let header = Header {
                created_at: crate::store::now_rfc3339(),
                schema_version: SCHEMA_VERSION,
                key_file: self.key_file().clone(),
            };
            let partial = temp_beside(out, "partial");
            {
                let mut f = std::fs::File::create(&partial)?;
                writeln!(f, "{MAGIC}")?;
                writeln!(
                    f,
                    "{}",
                    serde_json::to_string(&header).expect("header serializes")
                )?;
                std::io::copy(&mut std::fs::File::open(&staging)?, &mut f)?;
                f.sync_all()?;
            }
            std::fs::rename(&partial, out)?;
            Ok(BackupInfo {
                path: out.display().to_string(),
                bytes: std::fs::metadata(out)?.len(),
                cases: crate::cases::count(&self.conn)?,
                audit_entries: audit::count(&self.conn)?,
            })
        })();
        let _ = std::fs::remove_file(&staging);
        result
    }

    /// Restores `backup` over the database at `db`, which must not be open. Every check
    /// (password, integrity, audit chain, schema) passes on a copy before anything is replaced.
    pub fn restore(
        backup: &Path,
        db: &Path,
        username: &str,
        password: &str,
    ) -> StoreResult<BackupInfo> {
        let bad = |why: String| StoreError::BadBackup {
            path: backup.display().to_string(),
            why,
        };
        let (mut reader, header) = read_header(backup)?;
        let (_, db_key) = header.key_file.unlock(username, password, backup)?;

        let candidate = temp_beside(db, "restore");
        let result = (|| {
            {
                let mut f = std::fs::File::create(&candidate)?;
                let mut bytes = Vec::new();
                reader.read_to_end(&mut bytes)?;
                f.write_all(&bytes)?;
                f.sync_all()?;
            }
            let conn =
                open_connection(&candidate, &db_key, false).map_err(|e| bad(e.to_string()))?;
            let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if integrity != "ok" {
                return Err(bad(format!("integrity check: {integrity}")));
            }
            let chain = audit::verify(&conn)?;
            if !chain.ok {
                return Err(bad(format!(
                    "audit chain broken at entry {:?}",
                    chain.first_broken
                )));
            }
            let cases = crate::cases::count(&conn)?;
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
            drop(conn);
            for s in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(sidecar(db, s));
            }
            std::fs::rename(&candidate, db)?;
            header.key_file.save(&key_file_path(db))?;
            Ok(BackupInfo {
                path: db.display().to_string(),
                bytes: std::fs::metadata(db)?.len(),
                cases,
                audit_entries: chain.entries,
            })
        })();
        if result.is_err() {
            for p in [
                candidate.clone(),
                sidecar(&candidate, "-wal"),
                sidecar(&candidate, "-shm"),
            ] {
                let _ = std::fs::remove_file(p);
            }
        }
        result
    }
}
