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

/// The KEK sealed to a user's public key: an ephemeral X25519 key, and XChaCha20-Poly1305
/// under a key hashed from the shared secret and both public keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Sealed {
    epk: String,
    nonce: String,
    ciphertext: String,
}

fn seal_key(shared: &[u8; 32], epk: &[u8; 32], public: &[u8; 32]) -> Key {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"surety-desk seal v1\0")
        .chain_update(shared)
        .chain_update(epk)
        .chain_update(public)
        .finalize();
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&digest);
    k
}

fn seal(secret: &[u8; 32], public: &[u8; 32], aad: &str) -> Sealed {
    let ephemeral = x25519_dalek::StaticSecret::from(random_bytes::<32>());
    let epk = x25519_dalek::PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(*public));
    let key = seal_key(shared.as_bytes(), &epk, public);
    let w = wrap(&key, secret, aad);
    Sealed {
        epk: hex::encode(epk),
        nonce: w.nonce,
        ciphertext: w.ciphertext,
    }
}

fn open_sealed(user_secret: &Key, s: &Sealed, aad: &str) -> Option<Key> {
    let epk: [u8; 32] = hex::decode(&s.epk).ok()?.try_into().ok()?;
    let secret = x25519_dalek::StaticSecret::from(**user_secret);
    let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
    let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(epk));
    let key = seal_key(shared.as_bytes(), &epk, &public);
    unwrap(
        &key,
        &Wrapped {
            nonce: s.nonce.clone(),
            ciphertext: s.ciphertext.clone(),
        },
        aad,
    )
}

/// One user's way in. Format 2: an X25519 key pair per user, its secret wrapped under the
/// password's Argon2id key, the KEK sealed to its public key — so the KEK can be replaced
/// (a user removed) without anyone else's password. Format 1 (pre-release) wrapped the KEK
/// directly; such an entry still opens and is upgraded at its user's next sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UserEntry {
    username: String,
    salt: String,
    kdf: KdfParams,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<Wrapped>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed_kek: Option<Sealed>,
    /// Format 1 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kek: Option<Wrapped>,
}

/// Wrong passwords given for one user name: how many in a row, and when the last was.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attempts {
    pub failures: u32,
    pub last: String,
}

/// A failed sign-in not yet on the audit record (the database cannot be written without
/// a valid password): written there at the next successful sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailedSignIn {
    pub username: String,
    pub at: String,
}

/// How many unrecorded failures and throttled names the key file keeps at most: enough
/// for any real office, bounded against someone trying a million names.
const MAX_PENDING: usize = 500;

/// The key file: `<database>.keys`, JSON, holding only wrapped keys and the sign-in
/// attempts that slow down guessing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    format: String,
    version: u32,
    /// Random id of this installation; also stored inside the database.
    pub installation_id: String,
    db_key: Wrapped,
    users: Vec<UserEntry>,
    #[serde(default)]
    attempts: std::collections::BTreeMap<String, Attempts>,
    #[serde(default)]
    pending_failures: Vec<FailedSignIn>,
}

const FORMAT: &str = "surety-desk-keys";
const VERSION: u32 = 2;

/// Seconds a user name must wait after `failures` wrong passwords in a row: none for the
/// first three, then 2, 4, 8 … up to 5 minutes.
pub fn throttle_seconds(failures: u32) -> i64 {
    if failures < 3 {
        0
    } else {
        (1i64 << (failures - 2).min(9)).min(300)
    }
}

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
        Self::create_for(&hex::encode(random_bytes::<16>()), username, password, kdf)
    }

    /// The same for an installation whose id was chosen elsewhere (a field laptop enrolled
    /// by its office, which registered it under that id).
    pub fn create_for(
        installation_id: &str,
        username: &str,
        password: &str,
        kdf: KdfParams,
    ) -> StoreResult<(KeyFile, Key, Key)> {
        let installation_id = installation_id.to_string();
        let db_key = random_key();
        let kek = random_key();
        let mut kf = KeyFile {
            format: FORMAT.into(),
            version: VERSION,
            db_key: wrap(&kek, &db_key, &format!("{installation_id}/db")),
            installation_id,
            users: Vec::new(),
            attempts: Default::default(),
            pending_failures: Vec::new(),
        };
        kf.set_user(username, password, &kek, kdf)?;
        Ok((kf, db_key, kek))
    }

    pub fn load(path: &Path) -> StoreResult<KeyFile> {
        let damaged = |why: String| StoreError::KeyFileDamaged {
            path: path.display().to_string(),
            why,
        };
        match std::fs::metadata(path) {
            Ok(m) if m.len() > 4 * 1024 * 1024 => {
                return Err(damaged(format!("{} bytes is not a key file", m.len())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::KeyFileMissing(path.display().to_string()))
            }
            _ => {}
        }
        let text = std::fs::read_to_string(path)?;
        let kf: KeyFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
        kf.check_format().map_err(damaged)?;
        Ok(kf)
    }

    /// A key file this program wrote: its format and version known. (Each user's Argon2
    /// cost is checked when that user signs in, so one stale entry locks out no one else.)
    pub fn check_format(&self) -> Result<(), String> {
        if self.format != FORMAT || !(1..=VERSION).contains(&self.version) {
            return Err(format!("unknown format {} v{}", self.format, self.version));
        }
        Ok(())
    }

    /// Writes atomically: a temporary file (0600), fsync, then rename over the old one.
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

    /// Unwraps the KEK and the database key with a user's password. An unknown user and a
    /// wrong password get the same answer after the same work.
    pub fn unlock(&self, username: &str, password: &str, path: &Path) -> StoreResult<(Key, Key)> {
        let failed = || StoreError::SignInFailed(username.into());
        let Some(entry) = self.users.iter().find(|u| u.username == username) else {
            // The same key derivation an existing user costs, so timing tells nothing.
            let _ = KdfParams::default().derive(password, &[0u8; 16]);
            return Err(failed());
        };
        let salt = hex::decode(&entry.salt).map_err(|e| StoreError::KeyFileDamaged {
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
        let user_key = entry.kdf.derive(password, &salt)?;
        let aad = self.aad(username);
        let kek = match (&entry.secret, &entry.sealed_kek, &entry.kek) {
            (Some(secret), Some(sealed), _) => {
                let secret =
                    unwrap(&user_key, secret, &format!("{aad}/secret")).ok_or_else(failed)?;
                open_sealed(&secret, sealed, &aad).ok_or_else(|| StoreError::KeyFileDamaged {
                    path: path.display().to_string(),
                    why: format!("the key sealed to `{username}` does not open"),
                })?
            }
            (_, _, Some(v1)) => unwrap(&user_key, v1, &aad).ok_or_else(failed)?,
            _ => {
                return Err(StoreError::KeyFileDamaged {
                    path: path.display().to_string(),
                    why: format!("the entry of `{username}` holds no key"),
                })
            }
        };
        let db_key = unwrap(&kek, &self.db_key, &format!("{}/db", self.installation_id))
            .ok_or_else(|| StoreError::KeyFileDamaged {
                path: path.display().to_string(),
                why: "the database key does not unwrap".into(),
            })?;
        Ok((kek, db_key))
    }

    /// Whether this user's entry is of format 1 (to be upgraded at sign-in).
    pub fn needs_upgrade(&self, username: &str) -> bool {
        self.version < VERSION
            || self
                .users
                .iter()
                .any(|u| u.username == username && u.public.is_none())
    }

    /// Adds a user, or re-wraps an existing user's entry under a new password: a new key
    /// pair, its secret wrapped under the password, the KEK sealed to it.
    pub fn set_user(
        &mut self,
        username: &str,
        password: &str,
        kek: &Key,
        kdf: KdfParams,
    ) -> StoreResult<()> {
        let salt = random_bytes::<16>();
        let user_key = kdf.derive(password, &salt)?;
        let secret = Zeroizing::new(random_bytes::<32>());
        let public =
            x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(*secret)).to_bytes();
        let aad = self.aad(username);
        let entry = UserEntry {
            username: username.into(),
            salt: hex::encode(salt),
            kdf,
            secret: Some(wrap(&user_key, &secret, &format!("{aad}/secret"))),
            public: Some(hex::encode(public)),
            sealed_kek: Some(seal(kek, &public, &aad)),
            kek: None,
        };
        match self.users.iter_mut().find(|u| u.username == username) {
            Some(e) => *e = entry,
            None => self.users.push(entry),
        }
        if self.users.iter().all(|u| u.public.is_some()) {
            self.version = VERSION;
        }
        Ok(())
    }

    /// A new KEK for everyone left (after a user's removal): sealed to each user's public
    /// key, the database key wrapped under it. Users still on format 1 cannot be resealed
    /// without their password: they are returned, and lose access until an admin resets them.
    pub fn replace_kek(&mut self, kek: &Key, db_key: &Key) -> Vec<String> {
        let installation = self.installation_id.clone();
        let mut dropped = Vec::new();
        self.users.retain_mut(|u| {
            let Some(public) = u
                .public
                .as_deref()
                .and_then(|p| hex::decode(p).ok())
                .and_then(|p| <[u8; 32]>::try_from(p).ok())
            else {
                dropped.push(u.username.clone());
                return false;
            };
            u.sealed_kek = Some(seal(
                kek,
                &public,
                &format!("{installation}/user/{}", u.username),
            ));
            true
        });
        self.set_db_key(kek, db_key);
        dropped
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

    /// Seconds this user name must still wait before the next try, at `now`.
    pub fn wait_seconds(&self, username: &str, now: chrono::DateTime<chrono::Utc>) -> i64 {
        let Some(a) = self.attempts.get(username) else {
            return 0;
        };
        let Ok(last) = chrono::DateTime::parse_from_rfc3339(&a.last) else {
            return 0;
        };
        let until = last.with_timezone(&chrono::Utc)
            + chrono::Duration::seconds(throttle_seconds(a.failures));
        (until - now).num_seconds().max(0)
    }

    /// One more wrong password (or unknown name), kept for the throttle and the audit log.
    pub fn record_failure(&mut self, username: &str, at: &str) {
        let name: String = username.chars().take(64).collect();
        if self.attempts.len() >= MAX_PENDING && !self.attempts.contains_key(&name) {
            return;
        }
        let a = self.attempts.entry(name.clone()).or_default();
        a.failures = a.failures.saturating_add(1);
        a.last = at.to_string();
        if self.pending_failures.len() < MAX_PENDING {
            self.pending_failures.push(FailedSignIn {
                username: name,
                at: at.to_string(),
            });
        }
    }

    /// After a successful sign-in: the user's count starts again; the failures not yet
    /// on the audit record are handed over to be written there.
    pub fn take_failures(&mut self, username: &str) -> Vec<FailedSignIn> {
        self.attempts.remove(username);
        std::mem::take(&mut self.pending_failures)
    }

    pub fn failures_pending(&self, username: &str) -> bool {
        !self.pending_failures.is_empty() || self.attempts.contains_key(username)
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
        // An unknown user and a wrong password get the same answer.
        assert!(matches!(
            kf.unlock("admin", "wrong", p),
            Err(StoreError::SignInFailed(_))
        ));
        assert!(matches!(
            kf.unlock("nobody", "x", p),
            Err(StoreError::SignInFailed(_))
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
        kf.users[1].secret = admin_entry.secret;
        kf.users[1].sealed_kek = admin_entry.sealed_kek;
        assert!(matches!(
            kf.unlock("clerk", "pw-admin", Path::new("x")),
            Err(StoreError::SignInFailed(_))
        ));
    }

    #[test]
    fn a_new_kek_opens_for_everyone_left_and_not_with_a_removed_users_old_entry() {
        let (mut kf, db_key, kek) =
            KeyFile::create("admin", "pw-admin-1", KdfParams::for_tests()).unwrap();
        kf.set_user("clerk", "pw-clerk-1", &kek, KdfParams::for_tests())
            .unwrap();
        let old = kf.clone();
        kf.remove_user("clerk");
        let new_kek = random_key();
        assert!(kf.replace_kek(&new_kek, &db_key).is_empty());
        let (k, d) = kf.unlock("admin", "pw-admin-1", Path::new("x")).unwrap();
        assert_eq!((*k, *d), (*new_kek, *db_key));
        // The removed clerk's old entry yields the old KEK, which opens nothing now.
        let (old_kek, _) = old.unlock("clerk", "pw-clerk-1", Path::new("x")).unwrap();
        assert!(unwrap(&old_kek, &kf.db_key, &format!("{}/db", kf.installation_id)).is_none());
    }

    #[test]
    fn wrong_passwords_slow_down_from_the_fourth() {
        assert_eq!(
            (0..8).map(throttle_seconds).collect::<Vec<_>>(),
            vec![0, 0, 0, 2, 4, 8, 16, 32]
        );
        assert_eq!(throttle_seconds(40), 300);
    }
}
