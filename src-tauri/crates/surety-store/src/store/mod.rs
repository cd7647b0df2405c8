//! Opening, creating and writing the encrypted database.

use crate::audit::{self, AuditNote};
use crate::error::{StoreError, StoreResult};
use crate::keys::{key_file_path, KdfParams, Key, KeyFile};
use crate::migrations;
use crate::users::{self, NewUser, Role, User};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use std::path::{Path, PathBuf};

mod accounts;

/// A write added to the next state change's transaction (see [`Store::after_next_write`]).
pub type Rider = Box<dyn FnOnce(&Transaction) -> StoreResult<()> + Send>;

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    key_file: KeyFile,
    kek: Key,
    db_key: Key,
    kdf: KdfParams,
    rider: Option<Rider>,
    held: Option<HeldWrites>,
}

/// Why this session may not write (a production database read as of another day): the
/// refusal every write then gets, field and both languages.
#[derive(Debug, Clone)]
pub struct HeldWrites {
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

/// The raw-key form SQLCipher takes: `x'<64 hex>'` (no key derivation inside SQLCipher).
pub(crate) fn raw_key_literal(key: &Key) -> String {
    format!("\"x'{}'\"", hex::encode(key.as_ref()))
}

/// Durability and cache settings of every connection (also used by the benchmark's
/// unencrypted baseline, so that the comparison is fair).
pub const CONNECTION_PRAGMAS: &str = "PRAGMA journal_mode = WAL;
     PRAGMA synchronous = FULL;
     PRAGMA foreign_keys = ON;
     PRAGMA busy_timeout = 5000;
     PRAGMA cache_size = -65536;";

pub const CIPHER_DEFAULTS: &str =
    "PRAGMA cipher_default_compatibility = 3; PRAGMA cipher_default_page_size = 4096;";

/// Opens a connection with the key and the durability settings every connection uses.
/// SQLCipher 4.20 marks itself initialised before it registers `sqlcipher_export`, so a
/// connection opened on another thread in that moment lacks the function and its backup
/// fails ("no such function: sqlcipher_export"; seen once in CI with tests in parallel).
/// Finishing the first initialisation before any connection opens closes that window.
///
/// The cipher defaults are the process's, not a connection's: set here once. Setting them
/// on every connection (as before) rewrote them while other threads opened theirs, and
/// `cipher_default_compatibility = 3` passes through SQLCipher 3's 1 KiB pages before the
/// next pragma sets 4 KiB: a connection keyed in that moment read 4 KiB pages as 1 KiB ones
/// and failed as "not our database" (the rare NOT_OUR_DATABASE of full test runs).
fn sqlcipher_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let defaults = Connection::open_in_memory().and_then(|c| c.execute_batch(CIPHER_DEFAULTS));
        if let Err(e) = defaults {
            // Every later open fails on its first read with a clear error; nothing to add.
            eprintln!("SQLCipher defaults could not be set: {e}");
        }
    });
}

pub fn open_connection(path: &Path, key: &Key, create: bool) -> StoreResult<Connection> {
    sqlcipher_ready();
    let flags = if create {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    let conn = Connection::open_with_flags(path, flags)?;
    // Without this SQLCipher prints "hmac check failed" to stderr on a wrong key.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let cipher: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .ok();
    if cipher.is_none_or(|v| v.is_empty()) {
        return Err(StoreError::NotSqlcipher);
    }
    // SQLCipher 3 page format with 4 KiB pages, so that Debian 12's `sqlcipher` shell
    // (3.4.1) can open the file with the raw key in an emergency (ARCHITECTURE.md): the
    // process's defaults, set once by `sqlcipher_ready`, so attached backup files get the
    // same format.
    // Waiting for a lock applies to the first read too: under load another connection may
    // hold the file for a moment, which is not a wrong key.
    conn.execute_batch(&format!(
        "PRAGMA busy_timeout = 5000; PRAGMA key = {};",
        raw_key_literal(key)
    ))?;
    // The first read proves the key: a wrong key or a foreign file fails here ("not a
    // database"); any other failure is reported as itself.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | None => {
            StoreError::NotOurDatabase(path.display().to_string())
        }
        Some(_) => StoreError::from(e),
    })?;
    // A 64 MiB page cache keeps decrypted pages in memory between queries (the default
    // 2 MiB makes every list query decrypt the same pages again). Memory security (wiping
    // every freed allocation) costs more than it protects here: the key stays in this
    // process's memory for the whole session anyway.
    conn.execute_batch("PRAGMA cipher_memory_security = OFF;")?;
    conn.execute_batch(CONNECTION_PRAGMAS)?;
    // A trigger or view planted in a file (a hostile backup) may not call functions with
    // side effects or use virtual tables that are not marked harmless.
    conn.execute_batch("PRAGMA trusted_schema = OFF;")?;
    Ok(conn)
}

/// `meta` key of a database a restore is replacing (see `Store::seal_for_restore`).
pub const RESTORE_SEAL_KEY: &str = "replaced_by_restore";

/// Read inside the write's own transaction, so a seal committed before it is seen and one
/// committed after it makes its commit fail (the snapshot is stale): never a lost write.
/// A write's transaction, unless the session's writes are held or a restore sealed the
/// database: the one gate every write (audited or bookkeeping) passes.
fn begin<'c>(conn: &'c mut Connection, held: Option<&HeldWrites>) -> StoreResult<Transaction<'c>> {
    if let Some(h) = held {
        return Err(StoreError::Invalid {
            field: h.field.clone(),
            message_zh: h.message_zh.clone(),
            message_en: h.message_en.clone(),
        });
    }
    let tx = conn.transaction()?;
    check_not_sealed(&tx)?;
    Ok(tx)
}

fn check_not_sealed(tx: &Transaction) -> StoreResult<()> {
    match meta_value(tx, RESTORE_SEAL_KEY)? {
        Some(_) => Err(StoreError::RestoreInProgress),
        None => Ok(()),
    }
}

/// A `meta` value, on any connection (inside a write, its transaction).
pub fn meta_value(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Sets a `meta` value inside a write.
pub fn set_meta(tx: &Transaction, key: &str, value: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `<db>-wal`, `<db>-shm`: SQLite's files beside the database.
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

impl Store {
    /// A new installation: the database, its key file and the first admin, or nothing.
    pub fn create(
        path: &Path,
        admin: &NewUser,
        password: &str,
        kdf: KdfParams,
    ) -> StoreResult<(Store, User)> {
        if admin.role != Role::Admin {
            return Err(StoreError::invalid(
                "role",
                "第一个用户必须是管理员",
                "the first user must be an admin",
            ));
        }
        Self::create_with(path, admin, password, kdf, None)
    }

    /// A field laptop's database: its one user is the field agent, and its
    /// installation id is the one its office registered it under.
    pub fn create_field(
        path: &Path,
        agent: &NewUser,
        password: &str,
        kdf: KdfParams,
        installation_id: &str,
    ) -> StoreResult<(Store, User)> {
        if agent.role != Role::FieldAgent {
            return Err(StoreError::invalid(
                "role",
                "外勤笔记本的用户必须是外勤人员",
                "a field laptop's user must be a field agent",
            ));
        }
        Self::create_with(path, agent, password, kdf, Some(installation_id))
    }

    fn create_with(
        path: &Path,
        admin: &NewUser,
        password: &str,
        kdf: KdfParams,
        installation_id: Option<&str>,
    ) -> StoreResult<(Store, User)> {
        let kpath = key_file_path(path);
        if path.exists() || kpath.exists() {
            return Err(StoreError::AlreadyExists(path.display().to_string()));
        }
        users::validate_new(admin, password)?;
        let result = (|| {
            let (key_file, db_key, kek) = match installation_id {
                Some(id) => KeyFile::create_for(id, &admin.username, password, kdf)?,
                None => KeyFile::create(&admin.username, password, kdf)?,
            };
            // Created 0600 first: SQLite gives its WAL and shared-memory files the
            // database's mode.
            crate::files::create_private(path)?;
            let mut conn = open_connection(path, &db_key, true)?;
            migrations::migrate(&mut conn)?;
            let mut store = Store {
                conn,
                path: path.to_path_buf(),
                key_file,
                kek,
                db_key,
                kdf,
                rider: None,
                held: None,
            };
            let installation = store.key_file.installation_id.clone();
            let user = store.write("system", "installation.create", |tx| {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('installation_id', ?1), ('created_at', ?2)",
                    params![installation, now_rfc3339()],
                )?;
                let user = users::insert(tx, admin)?;
                Ok((user, AuditNote::new("user", &admin.username, format!("first user {} ({})", admin.username, admin.role.code()))))
            })?;
            store.key_file.save(&kpath)?;
            Ok((store, user))
        })();
        if result.is_err() {
            // Nothing half-made stays behind.
            for p in [
                path.to_path_buf(),
                kpath.clone(),
                sidecar(path, "-wal"),
                sidecar(path, "-shm"),
            ] {
                let _ = std::fs::remove_file(p);
            }
        }
        result
    }

    /// Signs a user in: unwraps the key, opens and checks the database.
    /// Repeated wrong passwords for one user name slow down (`keys::throttle_seconds`),
    /// counted in the key file — the database cannot be written before a valid password —
    /// and put on the audit record at the next successful sign-in.
    pub fn open(path: &Path, username: &str, password: &str) -> StoreResult<(Store, User)> {
        let kpath = key_file_path(path);
        let mut key_file = KeyFile::load(&kpath)?;
        let now = chrono::Utc::now();
        let wait = key_file.wait_seconds(username, now);
        if wait > 0 {
            return Err(StoreError::Throttled(wait));
        }
        let (kek, db_key) = match key_file.unlock(username, password, &kpath) {
            Ok(keys) => keys,
            Err(StoreError::SignInFailed(u)) => {
                key_file.record_failure(&u, &now_rfc3339());
                key_file.save(&kpath)?;
                return Err(StoreError::SignInFailed(u));
            }
            Err(e) => return Err(e),
        };
        if !path.exists() {
            return Err(StoreError::NotOurDatabase(path.display().to_string()));
        }
        crate::files::restrict_database(path)?;
        let mut conn = open_connection(path, &db_key, false)?;
        migrations::migrate(&mut conn)?;
        // A read that fails (busy, damaged) says so; only a different id is "not ours".
        let installation: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'installation_id'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if installation.as_deref() != Some(key_file.installation_id.as_str()) {
            return Err(StoreError::NotOurDatabase(path.display().to_string()));
        }
        let user = users::by_username(&conn, username)?
            .filter(|u| u.active)
            .ok_or_else(|| StoreError::SignInFailed(username.into()))?;
        // A user add killed between saving the key file and committing its row leaves a key
        // entry without a user: the name would be stuck for good. The database is the record.
        let known: Vec<String> = users::list(&conn)?
            .into_iter()
            .map(|u| u.username)
            .collect();
        let orphans: Vec<String> = key_file
            .usernames()
            .into_iter()
            .filter(|u| !known.contains(u))
            .collect();
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            key_file,
            kek,
            db_key,
            kdf: KdfParams::default(),
            rider: None,
            held: None,
        };
        if !orphans.is_empty() {
            store.drop_orphan_keys(username, &orphans)?;
        }
        store.after_sign_in(username, password)?;
        Ok((store, user))
    }

    /// Removes key entries whose user was never committed, on the audit record.
    fn drop_orphan_keys(&mut self, actor: &str, orphans: &[String]) -> StoreResult<()> {
        let mut key_file = self.key_file.clone();
        for u in orphans {
            key_file.remove_user(u);
        }
        let kpath = key_file_path(&self.path);
        self.write(actor, "keyfile.reconcile", |_| {
            key_file.save(&kpath)?;
            Ok((
                (),
                AuditNote::new(
                    "keyfile",
                    "users",
                    format!(
                        "removed key entries with no user (an interrupted user add): {}",
                        orphans.join(", ")
                    ),
                ),
            ))
        })?;
        self.key_file = key_file;
        Ok(())
    }

    /// Puts earlier failed sign-ins on the audit record, resets this user's count, and
    /// upgrades a format-1 key entry, now that the password is known to be right.
    fn after_sign_in(&mut self, username: &str, password: &str) -> StoreResult<()> {
        let upgrade = self.key_file.needs_upgrade(username);
        if !self.key_file.failures_pending(username) && !upgrade {
            return Ok(());
        }
        let mut key_file = self.key_file.clone();
        let failures = key_file.take_failures(username);
        if upgrade {
            key_file.set_user(username, password, &self.kek, KdfParams::default())?;
        }
        for f in &failures {
            let note = AuditNote::new(
                "user",
                &f.username,
                format!("wrong user name or password at {}", f.at),
            );
            self.write("system", "signin.failed", |_| Ok(((), note)))?;
        }
        key_file.save(&key_file_path(&self.path))?;
        self.key_file = key_file;
        Ok(())
    }

    /// Argon2 parameters for passwords set from now on (tests make them cheap).
    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }

    pub fn set_kdf(&mut self, kdf: KdfParams) {
        self.kdf = kdf;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn db_key(&self) -> &Key {
        &self.db_key
    }

    pub(crate) fn key_file(&self) -> &KeyFile {
        &self.key_file
    }

    /// Bookkeeping that changes no case, user or figure (a delivery try's counter and its
    /// next time): one transaction, no audit entry, so a hub that stays down for a week
    /// does not fill the log with retries.
    pub fn write_bookkeeping<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let tx = begin(&mut self.conn, self.held.as_ref())?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// One state change: `f` writes inside a transaction and says what it did; the audit
    /// entry is appended in the same transaction. Any error rolls everything back.
    pub fn write<T>(
        &mut self,
        actor: &str,
        action: &str,
        f: impl FnOnce(&Transaction) -> StoreResult<(T, AuditNote)>,
    ) -> StoreResult<T> {
        let tx = begin(&mut self.conn, self.held.as_ref())?;
        let (value, note) = f(&tx)?;
        if let Some(rider) = self.rider.take() {
            rider(&tx)?;
        }
        audit::append(&tx, &now_rfc3339(), actor, action, &note)?;
        tx.commit()?;
        Ok(value)
    }

    /// Holds every later write out of this database before a restore replaces it: the seal
    /// and the audit head returned are one transaction, so every write either committed
    /// before (and is in the head the restore names as replaced) or finds the seal and is
    /// refused (`RestoreInProgress`) — none succeeds into a file about to be set aside.
    pub fn seal_for_restore(&mut self) -> StoreResult<(u64, String)> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        check_not_sealed(&tx)?;
        let head = audit::head(&tx)?;
        set_meta(&tx, RESTORE_SEAL_KEY, &now_rfc3339())?;
        tx.commit()?;
        Ok(head)
    }

    /// Lifts the seal: the restore did not happen (a bad backup), or this is the restored
    /// database, which must not carry a seal its backup might have held.
    pub fn unseal_after_restore(&mut self) -> StoreResult<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [RESTORE_SEAL_KEY])?;
        Ok(())
    }

    /// Refuses every later write of this session with `why`: it reads, it changes nothing.
    pub fn hold_writes(&mut self, why: HeldWrites) {
        self.held = Some(why);
    }

    /// Adds `rider` to the next [`Store::write`]'s transaction, so that it commits (or
    /// rolls back) with that change: a bundle's event is recorded with the step it
    /// replays. Cleared by [`Store::clear_after_next_write`] if no write came.
    pub fn after_next_write(&mut self, rider: Rider) {
        self.rider = Some(rider);
    }

    pub fn clear_after_next_write(&mut self) {
        self.rider = None;
    }

    /// A value of the installation's `meta` table (e.g. a demo database's business date).
    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        meta_value(&self.conn, key)
    }

    pub fn integrity_check(&self) -> StoreResult<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}
