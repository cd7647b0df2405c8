//! Keys: nobody opens the database without a valid user.
//!
//! Two random 32-byte keys: the database key (SQLCipher's raw key) and a key-encryption
//! key (KEK). The key file beside the database holds the database key wrapped under the
//! KEK, and the KEK wrapped once per user under a key derived from that user's password
//! with Argon2id. Wrapping is XChaCha20-Poly1305 with the installation id and the user
//! name as associated data, so an entry cannot be moved to another user or installation.
//! The extra KEK layer lets an admin rotate the database key without knowing the other
//! users' passwords: only the database-key wrap changes.

use crate::error::{StoreError, StoreResult};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

pub type Key = Zeroizing<[u8; 32]>;

pub fn random_key() -> Key {
    let mut k = Zeroizing::new([0u8; 32]);
    getrandom::fill(k.as_mut()).expect("the OS random source");
    k
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source");
    b
}

/// Argon2id cost. The defaults take about a quarter to half a second on this class of
/// machine (see BENCHMARKS.md); tests use cheaper ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

/// The Argon2id costs a key file or a backup may name. Below the floor a stolen key file
/// is cheap to attack (OWASP's minimum is 19 MiB, t=2, p=1); above the ceiling a planted
/// header could hang or exhaust the machine before any check runs.
pub const KDF_MEMORY_KIB: std::ops::RangeInclusive<u32> = 19 * 1024..=1024 * 1024;
pub const KDF_PASSES: std::ops::RangeInclusive<u32> = 1..=10;
pub const KDF_LANES: std::ops::RangeInclusive<u32> = 1..=4;

impl KdfParams {
    /// The cheapest cost allowed at all (19 MiB, one pass): what tests use. There is no
    /// cheaper setting, so no build can write a key file below the floor.
    pub fn for_tests() -> Self {
        KdfParams {
            m_kib: *KDF_MEMORY_KIB.start(),
            t: 1,
            p: 1,
        }
    }

    /// Refuses costs outside the bounds before any work is done.
    pub fn check(&self) -> StoreResult<()> {
        if KDF_MEMORY_KIB.contains(&self.m_kib)
            && KDF_PASSES.contains(&self.t)
            && KDF_LANES.contains(&self.p)
        {
            return Ok(());
        }
        Err(StoreError::KeyFileDamaged {
            path: String::new(),
            why: format!(
                "Argon2 parameters m={} KiB, t={}, p={} are outside the allowed range (memory {}–{} KiB, t {}–{}, p {}–{})",
                self.m_kib,
                self.t,
                self.p,
                KDF_MEMORY_KIB.start(),
                KDF_MEMORY_KIB.end(),
                KDF_PASSES.start(),
                KDF_PASSES.end(),
                KDF_LANES.start(),
                KDF_LANES.end()
            ),
        })
    }

    fn derive(&self, password: &str, salt: &[u8]) -> StoreResult<Key> {
        self.check()?;
        let params = Params::new(self.m_kib, self.t, self.p, Some(32)).map_err(|e| {
            StoreError::KeyFileDamaged {
                path: String::new(),
                why: format!("bad Argon2 parameters: {e}"),
            }
        })?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(password.as_bytes(), salt, out.as_mut())
            .map_err(|e| StoreError::KeyFileDamaged {
                path: String::new(),
                why: format!("key derivation failed: {e}"),
            })?;
        Ok(out)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wrapped {
    nonce: String,
    ciphertext: String,
}

fn wrap(key: &[u8; 32], secret: &[u8; 32], aad: &str) -> Wrapped {
    let nonce = random_bytes::<24>();
    let ct = XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: aad.as_bytes(),
            },
        )
        .expect("encryption of 32 bytes");
    Wrapped {
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ct),
    }
}

/// `None` when the key is wrong or the entry was tampered with.
fn unwrap(key: &[u8; 32], w: &Wrapped, aad: &str) -> Option<Key> {
    let nonce = hex::decode(&w.nonce).ok().filter(|n| n.len() == 24)?;
    let ct = hex::decode(&w.ciphertext).ok()?;
    let mut plain = XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ct,
                aad: aad.as_bytes(),
            },
        )
        .ok()?;
    let mut k = Zeroizing::new([0u8; 32]);
    let ok = plain.len() == 32;
    if ok {
        k.copy_from_slice(&plain);
    }
    plain.zeroize();
    ok.then_some(k)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct UserEntry {
    username: String,
    salt: String,
    kdf: KdfParams,
    kek: Wrapped,
}

/// The key file: `<database>.keys`, JSON, holding only wrapped keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    format: String,
    version: u32,
    /// Random id of this installation; also stored inside the database.
    pub installation_id: String,
    db_key: Wrapped,
    users: Vec<UserEntry>,
}

const FORMAT: &str = "surety-desk-keys";

pub fn key_file_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".keys");
    PathBuf::from(p)
}

impl KeyFile {
    /// A new installation: fresh database key and KEK, one user.
    pub fn create(
        username: &str,
        password: &str,
        kdf: KdfParams,
    ) -> StoreResult<(KeyFile, Key, Key)> {
        let installation_id = hex::encode(random_bytes::<16>());
        let db_key = random_key();
        let kek = random_key();
        let mut kf = KeyFile {
            format: FORMAT.into(),
            version: 1,
            db_key: wrap(&kek, &db_key, &format!("{installation_id}/db")),
            installation_id,
            users: Vec::new(),
        };
        kf.set_user(username, password, &kek, kdf)?;
        Ok((kf, db_key, kek))
    }

    pub fn load(path: &Path) -> StoreResult<KeyFile> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::KeyFileMissing(path.display().to_string()))
            }
            Err(e) => return Err(e.into()),
        };
        let damaged = |why: String| StoreError::KeyFileDamaged {
            path: path.display().to_string(),
            why,
        };
        let kf: KeyFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
        if kf.format != FORMAT || kf.version != 1 {
            return Err(damaged(format!(
                "unknown format {} v{}",
                kf.format, kf.version
            )));
        }
        Ok(kf)
    }

    /// Writes atomically: a temporary file, fsync, then rename over the old one.
    pub fn save(&self, path: &Path) -> StoreResult<()> {
        let tmp = path.with_extension("keys.tmp");
        {
            use std::io::Write;
            let _ = std::fs::remove_file(&tmp);
            let mut f = crate::files::create_private(&tmp)?;
            f.write_all(
                serde_json::to_string_pretty(self)
                    .expect("key file serializes")
                    .as_bytes(),
            )?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    fn aad(&self, username: &str) -> String {
        format!("{}/user/{username}", self.installation_id)
    }

    /// Unwraps the KEK and the database key with a user's password.
    pub fn unlock(&self, username: &str, password: &str, path: &Path) -> StoreResult<(Key, Key)> {
        let entry = self
            .users
            .iter()
            .find(|u| u.username == username)
            .ok_or_else(|| StoreError::UnknownUser(username.into()))?;
        let salt = hex::decode(&entry.salt).map_err(|e| StoreError::KeyFileDamaged {
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
        let user_key = entry.kdf.derive(password, &salt)?;
        let kek = unwrap(&user_key, &entry.kek, &self.aad(username))
            .ok_or_else(|| StoreError::WrongPassword(username.into()))?;
        let db_key = unwrap(&kek, &self.db_key, &format!("{}/db", self.installation_id))
            .ok_or_else(|| StoreError::KeyFileDamaged {
                path: path.display().to_string(),
                why: "the database key does not unwrap".into(),
            })?;
        Ok((kek, db_key))
    }

    /// Adds a user, or re-wraps an existing user's entry under a new password.
    pub fn set_user(
        &mut self,
        username: &str,
        password: &str,
        kek: &Key,
        kdf: KdfParams,
    ) -> StoreResult<()> {
        let salt = random_bytes::<16>();
        let user_key = kdf.derive(password, &salt)?;
        let entry = UserEntry {
            username: username.into(),
            salt: hex::encode(salt),
            kdf,
            kek: wrap(&user_key, kek, &self.aad(username)),
        };
        match self.users.iter_mut().find(|u| u.username == username) {
            Some(e) => *e = entry,
            None => self.users.push(entry),
        }
        Ok(())
    }

    pub fn has_user(&self, username: &str) -> bool {
        self.users.iter().any(|u| u.username == username)
    }

    pub fn remove_user(&mut self, username: &str) -> bool {
        let before = self.users.len();
        self.users.retain(|u| u.username != username);
        before != self.users.len()
    }

    /// Replaces the wrapped database key (after a rekey).
    pub fn set_db_key(&mut self, kek: &Key, db_key: &Key) {
        self.db_key = wrap(kek, db_key, &format!("{}/db", self.installation_id));
    }

    pub fn usernames(&self) -> Vec<String> {
        self.users.iter().map(|u| u.username.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_unlocks_with_the_right_password_only() {
        let (kf, db_key, _) =
            KeyFile::create("admin", "正确的密码", KdfParams::for_tests()).unwrap();
        let p = Path::new("x.keys");
        let (_, k) = kf.unlock("admin", "正确的密码", p).unwrap();
        assert_eq!(*k, *db_key);
        assert!(matches!(
            kf.unlock("admin", "wrong", p),
            Err(StoreError::WrongPassword(_))
        ));
        assert!(matches!(
            kf.unlock("nobody", "x", p),
            Err(StoreError::UnknownUser(_))
        ));
    }

    #[test]
    fn an_entry_moved_to_another_user_does_not_unwrap() {
        let (mut kf, _, kek) =
            KeyFile::create("admin", "pw-admin", KdfParams::for_tests()).unwrap();
        kf.set_user("clerk", "pw-clerk", &kek, KdfParams::for_tests())
            .unwrap();
        let admin_entry = kf.users[0].clone();
        kf.users[1].salt = admin_entry.salt;
        kf.users[1].kek = admin_entry.kek;
        assert!(matches!(
            kf.unlock("clerk", "pw-admin", Path::new("x")),
            Err(StoreError::WrongPassword(_))
        ));
    }
}
