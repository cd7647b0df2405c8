//! Online backup to one encrypted file, and a restore that checks everything on a copy
//! before it replaces anything.
//!
//! File layout (format 2): a magic line; one JSON header line (the key file — wrapped keys
//! only — the installation, the schema version, the audit chain's head, the size of what
//! follows); one line with the header's HMAC-SHA256 under a key derived from the database
//! key; then the database as SQLCipher wrote it, encrypted under the same key. Nobody
//! without a user's password can read or forge a header: the MAC is checked right after
//! the key unwraps, and the key derivation's cost is bounded before it runs
//! (`KdfParams::check`), so a planted header can neither hang nor exhaust the machine.

use crate::audit;
use crate::error::{StoreError, StoreResult};
use crate::files::{create_private, restrict};
use crate::keys::{key_file_path, Key, KeyFile};
use crate::migrations::{self, SCHEMA_VERSION};
use crate::store::{open_connection, raw_key_literal, sidecar, Store};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &str = "SURETY-DESK-BACKUP 2";
/// The header holds a key file: a few KiB per user. Anything longer is not ours.
const MAX_HEADER_BYTES: u64 = 1024 * 1024;
/// A province's database is a few GiB at most; a larger claim is a damaged or hostile file.
pub const MAX_DATABASE_BYTES: u64 = 64 * 1024 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Header {
    created_at: String,
    installation_id: String,
    schema_version: i64,
    cases: u64,
    audit_entries: u64,
    audit_head: String,
    database_bytes: u64,
    key_file: KeyFile,
}

/// What a backup holds, once its header is authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub installation_id: String,
    pub created_at: String,
    pub cases: u64,
    pub audit_entries: u64,
    /// The hash of the newest audit entry in the backup.
    pub audit_head: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: String,
    pub bytes: u64,
    pub cases: u64,
    pub audit_entries: u64,
}

/// A restore done: what was restored, and where the database it replaced was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreInfo {
    pub path: String,
    pub bytes: u64,
    pub backup: BackupSummary,
    /// The replaced database, kept as `<db>.pre-restore-<time>` with its key file beside.
    pub previous: Option<String>,
}

/// How strict a restore is about whose backup it takes.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// The installation being replaced: a backup of another one is refused unless
    /// `allow_foreign`. `None` on a machine with no database yet.
    pub installation_id: Option<String>,
    pub allow_foreign: bool,
}

fn temp_beside(path: &Path, tag: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(format!(".{tag}.{}", std::process::id()));
    PathBuf::from(p)
}

fn header_mac(db_key: &Key, header_line: &[u8]) -> Hmac<Sha256> {
    let mac_key = Sha256::new()
        .chain_update(b"surety-desk backup header v2\0")
        .chain_update(db_key.as_ref())
        .finalize();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&mac_key).expect("HMAC takes any key");
    mac.update(header_line);
    mac
}

/// Reads one line of at most `max` bytes (without its newline).
fn read_line_limited(reader: &mut impl BufRead, max: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut line = Vec::new();
    reader
        .take(max + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("cannot read the {what}: {e}"))?;
    if line.last() != Some(&b'\n') {
        return Err(if line.len() as u64 > max {
            format!("the {what} is longer than {max} bytes")
        } else {
            format!("the file ends inside the {what}")
        });
    }
    line.pop();
    Ok(line)
}

/// A backup's header as read, before anything in it is trusted.
struct Unverified {
    header: Header,
    /// The header line exactly as stored: what the MAC covers.
    line: Vec<u8>,
    mac_hex: Vec<u8>,
}

/// The first half of opening a backup, which needs no key: the magic line, the header
/// (its key file of a known format), the MAC line, and the database part of the size the
/// header states. `total` is the file's size.
fn read_header(reader: &mut impl BufRead, total: u64) -> Result<Unverified, String> {
    let magic = read_line_limited(reader, 64, "first line")?;
    if magic != MAGIC.as_bytes() {
        return Err("not a Surety Desk backup file (format 2)".into());
    }
    let line = read_line_limited(reader, MAX_HEADER_BYTES, "header")?;
    let header: Header =
        serde_json::from_slice(&line).map_err(|e| format!("damaged header: {e}"))?;
    header
        .key_file
        .check_format()
        .map_err(|why| format!("the key file in the header: {why}"))?;
    let mac_hex = read_line_limited(reader, 128, "header's MAC")?;
    let offset = (MAGIC.len() + 1 + line.len() + 1 + mac_hex.len() + 1) as u64;
    if header.database_bytes > MAX_DATABASE_BYTES
        || total.checked_sub(offset) != Some(header.database_bytes)
    {
        return Err(format!(
            "the database part is {} bytes, the header says {}",
            total.saturating_sub(offset),
            header.database_bytes
        ));
    }
    Ok(Unverified {
        header,
        line,
        mac_hex,
    })
}

/// What a backup's header claims, read without a password and not authenticated: the
/// part of opening a backup that any file reaches. The fuzzer runs it on arbitrary bytes.
pub fn read_unverified_header(bytes: &[u8]) -> Result<BackupSummary, String> {
    let mut reader = std::io::Cursor::new(bytes);
    read_header(&mut reader, bytes.len() as u64).map(|u| summary(&u.header))
}

/// An opened backup: its authenticated header, the database key, and the reader left at
/// the database bytes.
struct Opened {
    reader: BufReader<std::fs::File>,
    header: Header,
    db_key: Key,
}

fn open_backup(backup: &Path, username: &str, password: &str) -> StoreResult<Opened> {
    let bad = |why: String| StoreError::BadBackup {
        path: backup.display().to_string(),
        why,
    };
    let file = std::fs::File::open(backup)?;
    let total = file.metadata()?.len();
    let mut reader = BufReader::new(file);
    let Unverified {
        header,
        line,
        mac_hex,
    } = read_header(&mut reader, total).map_err(bad)?;
    // Bounded key derivation (KdfParams::check) before the header is trusted in any way.
    let (_, db_key) = header.key_file.unlock(username, password, backup)?;
    let tag = hex::decode(&mac_hex).map_err(|_| bad("damaged header MAC".into()))?;
    header_mac(&db_key, &line)
        .verify_slice(&tag)
        .map_err(|_| bad("the header was altered (its MAC does not match)".into()))?;
    if header.installation_id != header.key_file.installation_id {
        return Err(bad(
            "the header and its key file name different installations".into(),
        ));
    }
    if header.schema_version < 1 || header.schema_version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: header.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(Opened {
        reader,
        header,
        db_key,
    })
}

fn summary(h: &Header) -> BackupSummary {
    BackupSummary {
        installation_id: h.installation_id.clone(),
        created_at: h.created_at.clone(),
        cases: h.cases,
        audit_entries: h.audit_entries,
        audit_head: h.audit_head.clone(),
    }
}

/// Every check a restored database must pass, on the copy: integrity, the schema exactly
/// as this program makes it (no planted trigger, view or table), the installation, the
/// audit chain against the header's head, and the restoring user an active admin.
fn check_copy(
    conn: &mut rusqlite::Connection,
    header: &Header,
    username: &str,
    bad: &dyn Fn(String) -> StoreError,
) -> StoreResult<()> {
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        // SQLite lists every damaged page: the first finding says enough (the message
        // stays short enough to read); the file itself is left untouched.
        let first: String = integrity
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect();
        let more = integrity.lines().count().saturating_sub(1);
        let more = if more > 0 {
            format!(" (and {more} more findings)")
        } else {
            String::new()
        };
        return Err(bad(format!("the copy is damaged: {first}{more}")));
    }
    let version = migrations::schema_version(conn)?;
    if version != header.schema_version {
        return Err(bad(format!(
            "the database has schema version {version}, the header says {}",
            header.schema_version
        )));
    }
    if migrations::schema_of(conn)? != migrations::expected_schema(version)? {
        return Err(bad(
            "the database's schema is not the one this program creates (an extra or altered table, trigger or view)".into(),
        ));
    }
    migrations::migrate(conn)?;
    let installation: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'installation_id'",
            [],
            |r| r.get(0),
        )
        .ok();
    if installation.as_deref() != Some(header.installation_id.as_str()) {
        return Err(bad(
            "the database belongs to another installation than its key file".into(),
        ));
    }
    let chain = audit::verify(conn)?;
    if !chain.ok {
        return Err(bad(format!(
            "audit chain broken at entry {:?}",
            chain.first_broken
        )));
    }
    let (entries, head) = audit::head(conn)?;
    if entries != header.audit_entries || head != header.audit_head {
        return Err(bad(
            "the audit chain does not end where the header says".into()
        ));
    }
    let admin = crate::users::by_username(conn, username)?
        .is_some_and(|u| u.active && u.role == crate::users::Role::Admin);
    if !admin {
        return Err(StoreError::NotPermitted(format!(
            "`{username}` is not an active admin of the backup"
        )));
    }
    Ok(())
}

impl Store {
    /// Authenticates a backup's header with the user's password, without touching any
    /// database: what can go wrong before an open database has to be closed.
    pub fn inspect_backup(
        backup: &Path,
        username: &str,
        password: &str,
    ) -> StoreResult<BackupSummary> {
        Ok(summary(&open_backup(backup, username, password)?.header))
    }

    /// Writes a consistent copy while the database stays open (sqlcipher_export reads
    /// inside one transaction). `out` is created new, 0600; the caller checks the path.
    pub fn backup_to(&self, out: &Path) -> StoreResult<BackupInfo> {
        let staging = temp_beside(out, "staging");
        let partial = temp_beside(out, "partial");
        let _ = std::fs::remove_file(&staging);
        let _ = std::fs::remove_file(&partial);
        let result = (|| {
            // A signed-in connection may not create files (opening never creates a
            // database by accident), so ATTACH gets an empty file: SQLite takes a
            // zero-length file as a new, empty database.
            drop(create_private(&staging)?);
            let path_sql = staging.display().to_string().replace('\'', "''");
            self.conn.execute_batch(&format!(
                "ATTACH DATABASE '{path_sql}' AS backup KEY {key};
                 SELECT sqlcipher_export('backup');
                 PRAGMA backup.user_version = {SCHEMA_VERSION};",
                key = raw_key_literal(self.db_key())
            ))?;
            // The figures come from the copy itself, not from a later read of the live file.
            let figures = self.conn.query_row(
                "SELECT (SELECT count(*) FROM backup.cases), (SELECT count(*) FROM backup.audit_log),
                        (SELECT hash FROM backup.audit_log ORDER BY id DESC LIMIT 1)",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?)),
            );
            self.conn.execute_batch("DETACH DATABASE backup;")?;
            let (cases, entries, head) = figures?;
            let header = Header {
                created_at: crate::store::now_rfc3339(),
                installation_id: self.key_file().installation_id.clone(),
                schema_version: SCHEMA_VERSION,
                cases: cases as u64,
                audit_entries: entries as u64,
                audit_head: head.unwrap_or_else(|| audit::GENESIS.to_string()),
                database_bytes: std::fs::metadata(&staging)?.len(),
                key_file: self.key_file().clone(),
            };
            let line = serde_json::to_string(&header).expect("header serializes");
            let tag = hex::encode(
                header_mac(self.db_key(), line.as_bytes())
                    .finalize()
                    .into_bytes(),
            );
            {
                let mut f = create_private(&partial)?;
                writeln!(f, "{MAGIC}")?;
                writeln!(f, "{line}")?;
                writeln!(f, "{tag}")?;
                std::io::copy(&mut std::fs::File::open(&staging)?, &mut f)?;
                f.sync_all()?;
            }
            std::fs::rename(&partial, out)?;
            Ok(BackupInfo {
                path: out.display().to_string(),
                bytes: std::fs::metadata(out)?.len(),
                cases: header.cases,
                audit_entries: header.audit_entries,
            })
        })();
        let _ = std::fs::remove_file(&staging);
        let _ = std::fs::remove_file(&partial);
        result
    }

    /// Restores `backup` over the database at `db`, which must not be open. Every check
    /// passes on a copy before anything is replaced; the replaced database and key file
    /// are kept beside it as `<db>.pre-restore-<time>`.
    pub fn restore(
        backup: &Path,
        db: &Path,
        username: &str,
        password: &str,
        options: &RestoreOptions,
    ) -> StoreResult<RestoreInfo> {
        let bad = |why: String| StoreError::BadBackup {
            path: backup.display().to_string(),
            why,
        };
        let Opened {
            mut reader,
            header,
            db_key,
        } = open_backup(backup, username, password)?;
        if let Some(ours) = &options.installation_id {
            if *ours != header.installation_id && !options.allow_foreign {
                return Err(StoreError::ForeignBackup {
                    backup: header.installation_id.clone(),
                    ours: ours.clone(),
                });
            }
        }
        let candidate = temp_beside(db, "restore");
        let _ = std::fs::remove_file(&candidate);
        let result = (|| {
            {
                let mut f = create_private(&candidate)?;
                let copied = std::io::copy(&mut (&mut reader).take(header.database_bytes), &mut f)?;
                if copied != header.database_bytes {
                    return Err(bad("the file ends early".into()));
                }
                f.sync_all()?;
            }
            let mut conn =
                open_connection(&candidate, &db_key, false).map_err(|e| bad(e.to_string()))?;
            check_copy(&mut conn, &header, username, &bad)?;
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
            drop(conn);
            let kpath = key_file_path(db);
            let previous = if db.exists() {
                let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S");
                let mut kept = db.as_os_str().to_owned();
                kept.push(format!(".pre-restore-{stamp}"));
                let kept = PathBuf::from(kept);
                if kpath.exists() {
                    std::fs::copy(&kpath, key_file_path(&kept))?;
                    restrict(&key_file_path(&kept))?;
                }
                for s in ["-wal", "-shm"] {
                    if sidecar(db, s).exists() {
                        std::fs::rename(sidecar(db, s), sidecar(&kept, s))?;
                    }
                }
                std::fs::rename(db, &kept)?;
                Some(kept)
            } else {
                None
            };
            if let Err(e) = std::fs::rename(&candidate, db) {
                if let Some(kept) = &previous {
                    let _ = std::fs::rename(kept, db);
                }
                return Err(e.into());
            }
            header.key_file.save(&kpath)?;
            Ok(RestoreInfo {
                path: db.display().to_string(),
                bytes: std::fs::metadata(db)?.len(),
                backup: summary(&header),
                previous: previous.map(|p| p.display().to_string()),
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
