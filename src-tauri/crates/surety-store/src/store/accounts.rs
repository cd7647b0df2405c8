//! The people who may open the database and its key: users added, their passwords
//! changed or reset, users removed, the database key rotated — each wrapping the key anew in
//! the key file, committed after the database so that a crash leaves one password working.

use super::*;
use crate::audit::AuditNote;
use crate::error::{StoreError, StoreResult};
use crate::keys::{key_file_path, Key, KeyFile};
use crate::users::{self, NewUser, Role, User};

impl Store {
    pub fn add_user(&mut self, actor: &str, new: &NewUser, password: &str) -> StoreResult<User> {
        users::validate_new(new, password)?;
        // `ADMIN` beside `admin` would be two accounts a person cannot tell apart.
        let same = |u: &str| u.eq_ignore_ascii_case(&new.username);
        if self.key_file.usernames().iter().any(|u| same(u))
            || users::list(&self.conn)?.iter().any(|u| same(&u.username))
        {
            return Err(StoreError::UserExists(new.username.clone()));
        }
        let mut key_file = self.key_file.clone();
        key_file.set_user(&new.username, password, &self.kek, self.kdf)?;
        let kpath = key_file_path(&self.path);
        let user = self.write(actor, "user.add", |tx| {
            let user = users::insert(tx, new)?;
            // Saved inside the transaction: if it fails, the user row is rolled back.
            key_file.save(&kpath)?;
            Ok((
                user,
                AuditNote::new("user", &new.username, format!("role {}", new.role.code())),
            ))
        })?;
        self.key_file = key_file;
        Ok(user)
    }

    /// A user's own new password; the current one must open their key entry.
    pub fn change_password(
        &mut self,
        actor: &str,
        username: &str,
        current_password: &str,
        new_password: &str,
    ) -> StoreResult<()> {
        let kpath = key_file_path(&self.path);
        if let Err(e) = self.key_file.unlock(username, current_password, &kpath) {
            return Err(match e {
                StoreError::SignInFailed(_) => StoreError::invalid(
                    "current_password",
                    "当前密码不正确",
                    "the current password is not right",
                ),
                other => other,
            });
        }
        users::validate_password(new_password, username)?;
        if new_password == current_password {
            return Err(same_as_before());
        }
        let mut key_file = self.key_file.clone();
        key_file.set_user(username, new_password, &self.kek, self.kdf)?;
        let kpath = key_file_path(&self.path);
        self.write(actor, "user.password", |_| {
            key_file.save(&kpath)?;
            Ok((
                (),
                AuditNote::new("user", username, "password changed (key re-wrapped)"),
            ))
        })?;
        self.key_file = key_file;
        Ok(())
    }

    /// An admin sets a new password for a user who forgot theirs, or brings a disabled
    /// user back: the key is wrapped for the new password and the user is active again.
    pub fn reset_user(&mut self, actor: &str, username: &str, password: &str) -> StoreResult<()> {
        users::validate_password(password, username)?;
        let user = users::by_username(&self.conn, username)?
            .ok_or_else(|| StoreError::UnknownUser(username.into()))?;
        // The password the key is wrapped for now opens it: the same one again is refused.
        if self
            .key_file
            .unlock(username, password, &key_file_path(&self.path))
            .is_ok()
        {
            return Err(same_as_before());
        }
        let mut key_file = self.key_file.clone();
        key_file.set_user(username, password, &self.kek, self.kdf)?;
        let kpath = key_file_path(&self.path);
        let note = if user.active {
            "password reset by an admin (key re-wrapped)"
        } else {
            "enabled again with a new password (key wrapped)"
        };
        self.write(actor, "user.reset", |tx| {
            tx.execute(
                "UPDATE users SET active = 1 WHERE username = ?1",
                [username],
            )?;
            key_file.save(&kpath)?;
            Ok(((), AuditNote::new("user", username, note)))
        })?;
        self.key_file = key_file;
        Ok(())
    }

    /// Deactivates the user (their history stays), removes their key entry, and replaces
    /// both the KEK and the database key: a copy of the old key file in the removed user's
    /// hands then opens nothing. Everyone left keeps their password (the new KEK is sealed
    /// to each user's public key).
    pub fn remove_user(&mut self, actor: &str, username: &str) -> StoreResult<()> {
        let user = users::by_username(&self.conn, username)?
            .ok_or_else(|| StoreError::UnknownUser(username.into()))?;
        if user.role == Role::Admin && users::active_admins(&self.conn)? <= 1 {
            return Err(StoreError::invalid(
                "username",
                "不能删除最后一个管理员",
                "the last admin cannot be removed",
            ));
        }
        let mut key_file = self.key_file.clone();
        key_file.remove_user(username);
        let new_kek = crate::keys::random_key();
        let new_db_key = crate::keys::random_key();
        let dropped = key_file.replace_kek(&new_kek, &new_db_key);
        self.write(actor, "user.remove", |tx| {
            tx.execute(
                "UPDATE users SET active = 0 WHERE username = ?1",
                [username],
            )?;
            let also = if dropped.is_empty() {
                String::new()
            } else {
                format!(
                    "; format-1 key entries of {} dropped (reset them)",
                    dropped.join(", ")
                )
            };
            Ok((
                (),
                AuditNote::new(
                    "user",
                    username,
                    format!("removed; key entry deleted, KEK and database key replaced{also}"),
                ),
            ))
        })?;
        self.rekey_with(new_db_key, new_kek, key_file)
    }

    /// Rotates the database key: SQLCipher re-encrypts every page, the key file gets the
    /// new key's wrap, and a second connection proves the new key opens the file.
    pub fn rotate_key(&mut self, actor: &str) -> StoreResult<()> {
        let new_key = crate::keys::random_key();
        let mut key_file = self.key_file.clone();
        key_file.set_db_key(&self.kek, &new_key);
        let kek = self.kek.clone();
        self.rekey_with(new_key, kek, key_file)?;
        self.write(actor, "key.rotate", |_| {
            Ok((
                (),
                AuditNote::new("installation", "db_key", "database key rotated"),
            ))
        })
    }

    /// Re-encrypts the database under `new_key` and puts `key_file` (which wraps it under
    /// `kek`) in place; a second connection proves the new key opens the file.
    fn rekey_with(&mut self, new_key: Key, kek: Key, key_file: KeyFile) -> StoreResult<()> {
        let kpath = key_file_path(&self.path);
        let staged = kpath.with_extension("keys.rekey");
        let _ = std::fs::remove_file(&staged);
        key_file.save(&staged)?;
        // Rekey works on a rollback journal; WAL is restored right after.
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
        let rekey = self
            .conn
            .execute_batch(&format!("PRAGMA rekey = {};", raw_key_literal(&new_key)));
        if let Err(e) = rekey {
            let _ = std::fs::remove_file(&staged);
            self.conn.execute_batch("PRAGMA journal_mode = WAL;")?;
            return Err(e.into());
        }
        std::fs::rename(&staged, &kpath)?;
        self.conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        self.db_key = new_key;
        self.kek = kek;
        self.key_file = key_file;
        drop(open_connection(&self.path, &self.db_key, false)?);
        Ok(())
    }

    /// The raw SQLCipher key as hex, for an administrator's emergency access with the
    /// `sqlcipher` shell (ARCHITECTURE.md). The service layer allows it to admins only.
    pub fn emergency_key_hex(&self) -> String {
        hex::encode(self.db_key.as_ref())
    }
}

fn same_as_before() -> StoreError {
    StoreError::invalid(
        "password",
        "新密码不能与原密码相同",
        "the new password cannot be the previous one",
    )
}
