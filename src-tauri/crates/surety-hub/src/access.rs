//! Who may read the province's figures: the finance office's staff, each with an account
//! of their own (`surety-hub reader …`), signed in for a working day at most. Every read of
//! the figures is recorded with the reader's name (`surety-hub reads`).
//!
//! What stays public, by decision: the page's shell and scripts (they carry no figures),
//! `/health`, the hub's public key (`/v1/hub`: installations check receipts with it) and
//! `/v1/envelopes` (each envelope proves its sender by its signature).

use crate::readers::{ReadEntry, Reader};
use crate::refusal::{self, Refusal};
use crate::repo::{HubError, HubResult, Repository};
use crate::throttle::Throttle;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The session cookie's name.
pub const COOKIE: &str = "surety_hub_session";
/// A session lasts a working day.
pub const SESSION_HOURS: i64 = 8;
/// Failed sign-ins of one user name before a pause.
const FAILURES_BEFORE_PAUSE: u32 = 5;
const PAUSE: Duration = Duration::from_secs(15 * 60);
/// Password hashes computed at once (each takes 64 MiB): more sign-ins wait their turn.
const HASHING_AT_ONCE: usize = 2;

/// The sign-in side of a running hub.
pub struct Gate {
    failures: Throttle,
    hashing: tokio::sync::Semaphore,
    /// The hash a missing user's password is checked against, so that a wrong name takes
    /// as long as a wrong password and says the same.
    decoy: String,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            failures: Throttle::new(FAILURES_BEFORE_PAUSE, PAUSE),
            hashing: tokio::sync::Semaphore::new(HASHING_AT_ONCE),
            decoy: hash_password("decoy password of no account").expect("hashing works"),
        }
    }
}

/// A new session: the token (given to the reader once, kept only as its hash) and when
/// it ends.
pub struct Session {
    pub token: String,
    pub reader: Reader,
    pub expires_at: String,
}

fn argon2() -> Argon2<'static> {
    // The desk's own parameters (Argon2id, 64 MiB, 3 passes): a stolen hub database is
    // attacked offline like a stolen key file.
    let params = Params::new(64 * 1024, 3, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The password's Argon2id hash (PHC string, salt included).
pub fn hash_password(password: &str) -> HubResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HubError::Storage(format!("random: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HubError::Storage(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HubError::Storage(format!("hashing: {e}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn failed() -> Refusal {
    Refusal::new(
        refusal::SIGN_IN_FAILED,
        "用户名或密码不正确",
        "the user name or the password is not right",
    )
}

impl Gate {
    /// Signs a reader in with their password.
    pub async fn sign_in<R: Repository>(
        &self,
        repo: &R,
        username: &str,
        password: &str,
    ) -> Result<Session, Refusal> {
        if let Some(wait) = self.failures.over(username) {
            return Err(Refusal::new(
                refusal::SIGN_IN_PAUSED,
                format!("该用户连续多次登录失败，请 {} 分钟后再试，或请管理员重设密码", wait.div_ceil(60)),
                format!(
                    "too many failed sign-ins for this user; try again in {} minutes or ask the administrator to reset the password",
                    wait.div_ceil(60)
                ),
            )
            .with_details(serde_json::json!({"retry_after_seconds": wait})));
        }
        let held = repo.reader(username).await.map_err(refusal::storage)?;
        let (reader, hash) = match held {
            Some((r, h)) if r.disabled_at.is_none() => (r, h),
            _ => (
                Reader {
                    username: String::new(),
                    display_name: String::new(),
                    created_at: String::new(),
                    disabled_at: None,
                },
                self.decoy.clone(),
            ),
        };
        let permit = self.hashing.acquire().await.map_err(refusal::storage)?;
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
            .await
            .map_err(refusal::storage)?;
        drop(permit);
        if !ok || reader.username.is_empty() {
            let _ = self.failures.count(username);
            tracing::warn!(username, "sign-in refused");
            return Err(failed());
        }
        self.failures.clear(username);
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(refusal::storage)?;
        let token = hex::encode(raw);
        let created_at = now();
        let expires_at = (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        repo.open_session(
            &token_hash(&token),
            &reader.username,
            (&created_at, &expires_at),
        )
        .await
        .map_err(refusal::storage)?;
        tracing::info!(username = %reader.username, "signed in");
        Ok(Session {
            token,
            reader,
            expires_at,
        })
    }
}

/// The reader a request's token signs in, or the refusal that asks them to sign in.
pub async fn reader<R: Repository>(repo: &R, token: Option<&str>) -> Result<Reader, Refusal> {
    let required = || {
        Refusal::new(
            refusal::SIGN_IN_REQUIRED,
            "请先登录：省级汇总数据仅供财政厅工作人员查看",
            "sign in first: the province's figures are for the finance office's staff",
        )
    };
    let token = token.filter(|t| !t.is_empty()).ok_or_else(required)?;
    repo.session_reader(&token_hash(token), &now())
        .await
        .map_err(refusal::storage)?
        .ok_or_else(required)
}

/// Records that `reader` read `what`; the figures are not shown unless it is recorded.
pub async fn record<R: Repository>(repo: &R, reader: &Reader, what: String) -> Result<(), Refusal> {
    repo.record_read(&ReadEntry {
        username: reader.username.clone(),
        at: now(),
        what,
    })
    .await
    .map_err(refusal::storage)
}

/// A reader's user name: 1 to 64 letters, digits or `. _ -` (as a desk's).
pub fn valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// A reader's shown name: 1 to 64 characters, no control or direction characters.
pub fn valid_display_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty()
        && n.chars().count() <= 64
        && !n.chars().any(|c| {
            c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("harbour-morning-nets").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"), "{h}");
        assert!(verify_password(&h, "harbour-morning-nets"));
        assert!(!verify_password(&h, "harbour-morning-net"));
        assert!(!verify_password("not a hash", "harbour-morning-nets"));
        assert_ne!(h, hash_password("harbour-morning-nets").unwrap(), "salted");
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_username("czt.li-ming_2"));
        assert!(!valid_username("李明") && !valid_username("") && !valid_username("a b"));
        assert!(valid_display_name("财政厅 李明"));
        assert!(
            !valid_display_name("李\u{202e}明")
                && !valid_display_name(" ")
                && !valid_display_name("a\u{0}b")
        );
    }
}
