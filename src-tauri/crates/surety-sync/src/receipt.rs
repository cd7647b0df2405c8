//! The hub's answers: a receipt it signs with its own key when it has an envelope (its own
//! clock, never the installation's), or a refusal with a machine-readable code and a
//! message in both languages.

use crate::{canonical, AuditHead, Envelope, Identity, SyncError};
use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// What became of an envelope at the hub.
pub mod status {
    /// Stored now (a first revision, or one superseding a lower).
    pub const STORED: &str = "stored";
    /// The same revision with the same figures was stored before: nothing changed.
    pub const ALREADY_STORED: &str = "already_stored";
    /// A dry run: valid, nothing stored.
    pub const VALID: &str = "valid";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub format: u32,
    pub installation_id: String,
    pub city: String,
    pub period: String,
    pub dataset: String,
    pub revision: u32,
    pub payload_sha256: String,
    /// One of [`status`].
    pub status: String,
    /// The hub's clock when it first stored this revision (RFC 3339, UTC).
    pub received_at: String,
    /// The installation's audit chain head the hub now holds for it (the anchor).
    pub audit_head: AuditHead,
    pub hub_public_key: String,
    pub signature: String,
}

impl Receipt {
    /// The receipt's answer to `envelope`, unsigned.
    pub fn for_envelope(e: &Envelope, status: &str, received_at: String) -> Receipt {
        Receipt {
            format: crate::FORMAT,
            installation_id: e.installation_id.clone(),
            city: e.city.clone(),
            period: e.period.clone(),
            dataset: e.dataset.clone(),
            revision: e.revision,
            payload_sha256: e.payload_sha256.clone(),
            status: status.to_string(),
            received_at,
            audit_head: e.audit_head.clone(),
            hub_public_key: String::new(),
            signature: String::new(),
        }
    }

    fn signed_bytes(&self) -> String {
        let mut v = serde_json::to_value(self).expect("a receipt serializes");
        if let Some(o) = v.as_object_mut() {
            o.remove("signature");
        }
        canonical(&v)
    }

    pub fn sign(mut self, hub: &Identity) -> Receipt {
        self.hub_public_key = hub.public_key();
        self.signature = String::new();
        self.signature = sign_hex(hub, &self.signed_bytes());
        self
    }

    /// Signed by `hub_key` (hex) and answering `envelope`: an installation keeps a receipt
    /// only when both hold.
    pub fn verify_for(&self, hub_key: &str, envelope: &Envelope) -> Result<(), SyncError> {
        if !self.hub_public_key.eq_ignore_ascii_case(hub_key) {
            return Err(SyncError::Receipt(format!(
                "signed by {} instead of the configured hub key {}",
                short(&self.hub_public_key),
                short(hub_key)
            )));
        }
        check_signature(hub_key, &self.signature, &self.signed_bytes())?;
        let answers = self.installation_id == envelope.installation_id
            && self.city == envelope.city
            && self.period == envelope.period
            && self.dataset == envelope.dataset
            && self.revision == envelope.revision
            && self.payload_sha256 == envelope.payload_sha256;
        if !answers {
            return Err(SyncError::Receipt(
                "it answers another envelope than the one sent".into(),
            ));
        }
        Ok(())
    }
}

/// The hub's signature (hex) over `bytes`.
fn sign_hex(hub: &Identity, bytes: &str) -> String {
    hex::encode(hub.signing_key().sign(bytes.as_bytes()).to_bytes())
}

/// Whether `signature` (hex) is the configured hub key's (`hub_key`, hex) over `bytes`: the
/// one check behind believing a receipt and a refusal.
fn check_signature(hub_key: &str, signature: &str, bytes: &str) -> Result<(), SyncError> {
    let key = verifying_key(hub_key).map_err(|_| SyncError::Receipt("bad hub key".into()))?;
    let sig: [u8; 64] = hex::decode(signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SyncError::Receipt("malformed signature".into()))?;
    key.verify(bytes.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| SyncError::Receipt("the signature does not verify".into()))
}

fn short(key: &str) -> &str {
    key.get(..16).unwrap_or(key)
}

pub(crate) fn verifying_key(hex_key: &str) -> Result<VerifyingKey, SyncError> {
    let key: [u8; 32] = hex::decode(hex_key)
        .map_err(|_| SyncError::Signature)?
        .try_into()
        .map_err(|_| SyncError::Signature)?;
    VerifyingKey::from_bytes(&key).map_err(|_| SyncError::Signature)
}

/// A refusal's body: the code is for programs, the messages for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    /// Anything a program may need: both hashes of a conflict, the revision held.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
    /// The hub's signature: a desk stops sending an envelope only on a refusal whose
    /// signature checks, so that anyone between it and the hub cannot stop its reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<Box<RefusalSignature>>,
}

/// Which envelope a refusal answers (that envelope's signature), and the hub's key and
/// signature over the whole refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusalSignature {
    pub answers: String,
    pub hub_public_key: String,
    pub signature: String,
}

impl Refusal {
    pub fn new(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal {
            code: code.to_string(),
            message_zh: zh.into(),
            message_en: en.into(),
            details: serde_json::Value::Null,
            signed: None,
        }
    }

    /// What the hub signs: the refusal with the envelope it answers and the hub's key, the
    /// signature itself left out.
    fn signed_bytes(&self, answers: &str, hub_public_key: &str) -> String {
        let mut v = serde_json::to_value(self).expect("a refusal serializes");
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "signed".into(),
                serde_json::json!({"answers": answers, "hub_public_key": hub_public_key}),
            );
        }
        canonical(&v)
    }

    /// The refusal as the hub's answer to `envelope`, signed.
    pub fn sign_for(mut self, envelope: &Envelope, hub: &Identity) -> Refusal {
        self.signed = None;
        let hub_public_key = hub.public_key();
        let signature = sign_hex(
            hub,
            &self.signed_bytes(&envelope.signature, &hub_public_key),
        );
        self.signed = Some(Box::new(RefusalSignature {
            answers: envelope.signature.clone(),
            hub_public_key,
            signature,
        }));
        self
    }

    /// Signed by `hub_key` (hex) and answering `envelope`.
    pub fn verify_for(&self, hub_key: &str, envelope: &Envelope) -> Result<(), SyncError> {
        let unsigned =
            || SyncError::Receipt("the refusal is not signed by the configured hub".into());
        let signed = self.signed.as_deref().ok_or_else(unsigned)?;
        if !signed.hub_public_key.eq_ignore_ascii_case(hub_key) {
            return Err(unsigned());
        }
        let bare = Refusal {
            signed: None,
            ..self.clone()
        };
        let bytes = bare.signed_bytes(&signed.answers, &signed.hub_public_key);
        check_signature(hub_key, &signed.signature, &bytes)?;
        if signed.answers != envelope.signature {
            return Err(SyncError::Receipt(
                "the refusal answers another envelope than the one sent".into(),
            ));
        }
        Ok(())
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Refusal {
        self.details = details;
        self
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} / {}",
            self.code, self.message_zh, self.message_en
        )
    }
}
