//! What an installation sends the provincial finance office's hub: an Ed25519
//! identity (made once, the private half kept in the installation's encrypted database) and
//! quarterly envelopes — the closed quarter's summary figures for one city, with their
//! SHA-256 and the audit chain's head, signed over a canonical form so the hub can check
//! who sent what and that nothing changed on the way. No I/O here: the service layer stores
//! and delivers.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod backoff;
#[cfg(feature = "push")]
pub mod push;
mod receipt;
pub use receipt::{status, Receipt, Refusal};

/// The envelope format's version: the hub refuses one it does not know.
pub const FORMAT: u32 = 1;
/// The dataset a quarterly envelope carries.
pub const QUARTER_DATASET: &str = "quarter_report";
/// The quarter report's shape version (bumped when its fields change meaning).
pub const QUARTER_DATASET_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SyncError {
    #[error("the stored installation key is damaged")]
    BadKey,
    #[error("the envelope's payload does not match its SHA-256")]
    PayloadHash,
    #[error("the envelope's signature does not verify")]
    Signature,
    #[error("the envelope is not in a known form: {0}")]
    Malformed(String),
    #[error("the hub's receipt is not valid: {0}")]
    Receipt(String),
    #[error("the hub connection is not set up right: {0}")]
    Config(String),
}

/// The installation's signing key.
pub struct Identity(SigningKey);

impl Identity {
    /// A new key from the operating system's random source.
    pub fn generate() -> Identity {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the OS random source");
        Identity(SigningKey::from_bytes(&seed))
    }

    /// The key as stored (hex of the 32-byte seed; kept only inside the encrypted database).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn from_hex(text: &str) -> Result<Identity, SyncError> {
        let bytes: [u8; 32] = hex::decode(text)
            .map_err(|_| SyncError::BadKey)?
            .try_into()
            .map_err(|_| SyncError::BadKey)?;
        Ok(Identity(SigningKey::from_bytes(&bytes)))
    }

    /// The public key, hex: what the hub registers.
    pub fn public_key(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// What a person compares on the phone with the hub's registration: the first 16 bytes
    /// of the public key's SHA-256, in groups of four hex digits.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0.verifying_key().to_bytes())
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }

    /// An Ed25519 signature over `bytes` (a bundle's manifest).
    pub fn sign_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        self.0.sign(bytes).to_bytes().to_vec()
    }
}

/// Whether `signature` over `bytes` verifies under `public_key` (hex).
pub fn verify_bytes(public_key: &str, bytes: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = receipt::verifying_key(public_key) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    key.verify(bytes, &Signature::from_bytes(&sig)).is_ok()
}

/// The fingerprint of a public key given in hex (what the hub shows at registration).
pub fn fingerprint_hex(public_key: &str) -> Result<String, SyncError> {
    Ok(fingerprint(receipt::verifying_key(public_key)?.as_bytes()))
}

pub fn fingerprint(public_key: &[u8]) -> String {
    let digest = Sha256::digest(public_key);
    hex::encode_upper(&digest[..16])
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The audit chain's head when the envelope was made: a hub keeping the last one can tell
/// when the newest entries were truncated or rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub count: u64,
    pub hash: String,
}

/// One installation's closed quarter for one city, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: u32,
    pub installation_id: String,
    pub organisation: String,
    pub city: String,
    /// `2016Q3`, and its first and last days.
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub dataset: String,
    pub dataset_version: u32,
    /// The quarter's closing revision: a reopened and closed-again quarter sends a higher one.
    pub revision: u32,
    /// The summary figures (no name, ID or case number).
    pub payload: serde_json::Value,
    /// SHA-256 (hex) of the payload's canonical JSON.
    pub payload_sha256: String,
    pub audit_head: AuditHead,
    /// The installation's clock when it was made (for people; the hub keeps its own time).
    pub made_at: String,
    /// The signer's public key (hex) and the Ed25519 signature (hex) over `signed_bytes`.
    pub public_key: String,
    pub signature: String,
}

/// The canonical JSON of a value: object keys sorted (serde_json's map is ordered by key),
/// no spaces. Signed and hashed bytes are always this.
pub fn canonical(value: &serde_json::Value) -> String {
    // serde_json without `preserve_order` keeps maps sorted; a round trip through Value
    // sorts any object built elsewhere.
    serde_json::to_string(value).expect("a JSON value serializes")
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Envelope {
    /// What the signature covers: the envelope without its signature, canonical.
    pub fn signed_bytes(&self) -> String {
        let mut v = serde_json::to_value(self).expect("an envelope serializes");
        if let Some(o) = v.as_object_mut() {
            o.remove("signature");
        }
        canonical(&v)
    }

    /// Fills in the payload's hash, the public key and the signature.
    pub fn sign(mut self, identity: &Identity) -> Envelope {
        self.payload_sha256 = sha256_hex(&canonical(&self.payload));
        self.public_key = identity.public_key();
        self.signature = String::new();
        let sig = identity.0.sign(self.signed_bytes().as_bytes());
        self.signature = hex::encode(sig.to_bytes());
        self
    }

    /// Checks the payload against its hash and the signature against the embedded key
    /// (whether that key is a registered installation's is the hub's question).
    pub fn verify(&self) -> Result<(), SyncError> {
        if sha256_hex(&canonical(&self.payload)) != self.payload_sha256 {
            return Err(SyncError::PayloadHash);
        }
        let key = receipt::verifying_key(&self.public_key)?;
        let sig: [u8; 64] = hex::decode(&self.signature)
            .map_err(|_| SyncError::Signature)?
            .try_into()
            .map_err(|_| SyncError::Signature)?;
        key.verify(self.signed_bytes().as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| SyncError::Signature)
    }

    pub fn from_json(text: &str) -> Result<Envelope, SyncError> {
        serde_json::from_str(text).map_err(|e| SyncError::Malformed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope {
            format: FORMAT,
            installation_id: "8f1c0c52-inst".into(),
            organisation: "icbc-yt".into(),
            city: "yantai".into(),
            period: "2016Q3".into(),
            period_start: "2016-07-01".into(),
            period_end: "2016-09-30".into(),
            dataset: QUARTER_DATASET.into(),
            dataset_version: QUARTER_DATASET_VERSION,
            revision: 1,
            payload: serde_json::json!({"business_total": {"balance": "200000.00", "applications": 2}}),
            payload_sha256: String::new(),
            audit_head: AuditHead {
                count: 42,
                hash: "ab".repeat(32),
            },
            made_at: "2016-10-05T09:00:00Z".into(),
            public_key: String::new(),
            signature: String::new(),
        }
    }

    #[test]
    fn a_signed_envelope_verifies_and_any_change_breaks_it() {
        let id = Identity::generate();
        let e = envelope().sign(&id);
        assert_eq!(e.verify(), Ok(()));
        assert_eq!(e.public_key, id.public_key());
        let back = Envelope::from_json(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back.verify(), Ok(()));

        let mut figures = e.clone();
        figures.payload["business_total"]["balance"] = serde_json::json!("200000.01");
        assert_eq!(figures.verify(), Err(SyncError::PayloadHash));
        let mut rehashed = figures.clone();
        rehashed.payload_sha256 = sha256_hex(&canonical(&rehashed.payload));
        assert_eq!(
            rehashed.verify(),
            Err(SyncError::Signature),
            "a new hash is not signed"
        );
        let mut revision = e.clone();
        revision.revision = 2;
        assert_eq!(revision.verify(), Err(SyncError::Signature));
        let other = Identity::generate();
        let mut stolen = e.clone();
        stolen.public_key = other.public_key();
        assert_eq!(stolen.verify(), Err(SyncError::Signature));
    }

    #[test]
    fn the_key_round_trips_and_its_fingerprint_is_stable() {
        let id = Identity::generate();
        let again = Identity::from_hex(&id.to_hex()).unwrap();
        assert_eq!(again.public_key(), id.public_key());
        let f = id.fingerprint();
        assert_eq!(f.len(), 39, "{f}");
        assert_eq!(f, again.fingerprint());
        assert!(Identity::from_hex("zz").is_err());
    }
}
