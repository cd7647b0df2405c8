//! The installation's own keys, made once at its first run and kept in the encrypted
//! database: the Ed25519 identity that signs what it sends (envelopes to the province,
//! bundles to peers) and the age key that bundles for it are sealed to.

use surety_bundle::SealKey;
use surety_store::outbox;
use surety_store::peers;
use surety_store::{StoreError, StoreResult};
use surety_sync::Identity;

/// The installation's key, made and stored inside `tx` when there is none yet.
pub(crate) fn identity_in(tx: &surety_store::Transaction) -> StoreResult<Identity> {
    match outbox::signing_key(tx)? {
        Some(hex) => identity_from(&hex),
        None => {
            let id = Identity::generate();
            surety_store::store::set_meta(tx, outbox::SIGNING_KEY, &id.to_hex())?;
            Ok(id)
        }
    }
}

/// The installation's key as stored (made at init).
pub(crate) fn identity_in_conn(conn: &surety_store::Connection) -> StoreResult<Identity> {
    let hex = outbox::signing_key(conn)?
        .ok_or_else(|| StoreError::Corrupt("meta: no installation signing key".into()))?;
    identity_from(&hex)
}

pub(crate) fn identity_from(hex: &str) -> StoreResult<Identity> {
    Identity::from_hex(hex)
        .map_err(|e| StoreError::Corrupt(format!("meta {}: {e}", outbox::SIGNING_KEY)))
}

/// This installation's bundle-receiving key, made and stored inside `tx` when there is none.
pub(crate) fn seal_key_in(tx: &surety_store::Transaction) -> StoreResult<SealKey> {
    match surety_store::store::meta_value(tx, peers::SEAL_KEY)? {
        Some(secret) => seal_key_from(&secret),
        None => {
            let key = SealKey::generate();
            surety_store::store::set_meta(tx, peers::SEAL_KEY, &key.secret())?;
            Ok(key)
        }
    }
}

pub(crate) fn seal_key_from(secret: &str) -> StoreResult<SealKey> {
    SealKey::from_secret(secret)
        .map_err(|e| StoreError::Corrupt(format!("meta {}: {e}", peers::SEAL_KEY)))
}
