//! The file a field laptop and an office exchange. One bundle is a manifest —
//! who sends it to whom, the events inside, and the SHA-256 of every part — signed with the
//! sender's Ed25519 installation key, followed by its parts (case sections, attachments),
//! the whole sealed with age to the receiving installation's X25519 key. Whoever finds the
//! USB stick reads nothing; a changed, cut or foreign bundle is refused before anything is
//! applied. No database here: the service layer decides what goes in and what it changes.

use age::secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use surety_sync::Identity;

/// The framing's first line, inside the encryption.
const MAGIC: &[u8] = b"SURETY-BUNDLE/1\n";
/// The manifest format; a reader refuses one it does not know.
pub const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    #[error("the bundle is larger than the {0} MB allowed")]
    TooLarge(u64),
    #[error("the bundle is not for this installation (it was sealed to another one)")]
    NotForUs,
    #[error("the bundle is damaged or incomplete: {0}")]
    Damaged(String),
    #[error("the bundle's signature does not verify: it was changed after it was made")]
    BadSignature,
    #[error("this installation's bundle key is damaged")]
    BadKey,
    #[error("the passphrase is wrong")]
    WrongPassphrase,
}

impl BundleError {
    /// The same reason in Chinese, for a message_zh that is Chinese throughout.
    pub fn reason_zh(&self) -> String {
        match self {
            BundleError::TooLarge(mb) => format!("数据包超过 {mb} MB 上限"),
            BundleError::NotForUs => "数据包是发给另一个机构的".into(),
            BundleError::Damaged(_) => "数据包已损坏或不完整".into(),
            BundleError::BadSignature => "数据包的签名不符：制作后被改动过".into(),
            BundleError::BadKey => "本机的数据包密钥已损坏".into(),
            BundleError::WrongPassphrase => "口令不正确".into(),
        }
    }
}

/// The installation's key for receiving bundles (age X25519). The secret stays inside the
/// encrypted database; the recipient (`age1…`) is what the other side seals to.
pub struct SealKey(age::x25519::Identity);

impl SealKey {
    pub fn generate() -> SealKey {
        SealKey(age::x25519::Identity::generate())
    }

    pub fn from_secret(text: &str) -> Result<SealKey, BundleError> {
        text.trim()
            .parse::<age::x25519::Identity>()
            .map(SealKey)
            .map_err(|_| BundleError::BadKey)
    }

    /// `AGE-SECRET-KEY-1…`, to keep in the encrypted database only.
    pub fn secret(&self) -> String {
        self.0.to_string().expose_secret().to_string()
    }

    /// `age1…`: what a sender seals to.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }
}

/// Seals `plain` with a passphrase (age scrypt): for what goes to an installation that has
/// no key yet — a field laptop's enrolment. `log_n` lowers scrypt's work for tests only.
pub fn seal_with_passphrase(
    plain: &[u8],
    passphrase: &str,
    log_n: Option<u8>,
) -> Result<Vec<u8>, BundleError> {
    let mut to = age::scrypt::Recipient::new(passphrase.to_owned().into());
    if let Some(n) = log_n {
        to.set_work_factor(n);
    }
    age::encrypt(&to, plain).map_err(|e| BundleError::Damaged(e.to_string()))
}

pub fn open_with_passphrase(bytes: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    let me = age::scrypt::Identity::new(passphrase.to_owned().into());
    age::decrypt(&me, bytes).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys
        | age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed => BundleError::WrongPassphrase,
        other => BundleError::Damaged(other.to_string()),
    })
}

/// Whether `text` is an age X25519 recipient (`age1…`).
pub fn valid_recipient(text: &str) -> bool {
    text.trim().parse::<age::x25519::Recipient>().is_ok()
}

/// One part of a bundle, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One change inside: a section of a case as the sender holds it now, and the version of it
/// the sender last knew the receiver to hold (`base`), so that the receiver can tell a
/// change from a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub event_id: String,
    pub case_uid: String,
    pub section: String,
    /// SHA-256 of the section the sender based this on ("" for a new one).
    pub base: String,
    /// SHA-256 of the section as sent (the part named `part`).
    pub hash: String,
    pub part: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub bundle_id: String,
    pub sender_installation: String,
    /// The sender's Ed25519 public key (hex): the receiver must know it as a peer's.
    pub sender_key: String,
    pub recipient_installation: String,
    pub created_at: String,
    pub events: Vec<Event>,
    pub parts: Vec<Part>,
}

impl Manifest {
    fn canonical(&self) -> Vec<u8> {
        // serde_json's map is sorted: a round trip through Value gives the canonical form.
        let v = serde_json::to_value(self).expect("a manifest serializes");
        serde_json::to_vec(&v).expect("a value serializes")
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A bundle opened and checked: its manifest (signature verified against the key it names)
/// and its parts by name, each matching its hash.
#[derive(Debug)]
pub struct Opened {
    pub manifest: Manifest,
    pub parts: Vec<(String, Vec<u8>)>,
}

impl Opened {
    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }
}

/// Fills in the parts' hashes and the sender's key, signs the manifest, and seals the lot
/// to `recipient` (`age1…`).
pub fn seal(
    mut manifest: Manifest,
    parts: &[(String, Vec<u8>)],
    sender: &Identity,
    recipient: &str,
) -> Result<Vec<u8>, BundleError> {
    let to: age::x25519::Recipient = recipient.trim().parse().map_err(|_| BundleError::BadKey)?;
    manifest.format = FORMAT;
    manifest.sender_key = sender.public_key();
    manifest.parts = parts
        .iter()
        .map(|(name, bytes)| Part {
            name: name.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    let signed = manifest.canonical();
    let signature = sender.sign_bytes(&signed);
    let mut plain = Vec::with_capacity(
        parts.iter().map(|(_, b)| b.len() + 8).sum::<usize>() + signed.len() + 128,
    );
    plain.extend_from_slice(MAGIC);
    plain.extend_from_slice(&(signed.len() as u32).to_be_bytes());
    plain.extend_from_slice(&signed);
    plain.extend_from_slice(&(signature.len() as u32).to_be_bytes());
    plain.extend_from_slice(&signature);
    for (_, bytes) in parts {
        plain.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        plain.extend_from_slice(bytes);
    }
    age::encrypt(&to, &plain).map_err(|e| BundleError::Damaged(e.to_string()))
}

/// Opens a bundle sealed to `me`: refused if larger than `max_bytes`, sealed to another
/// key, cut or changed anywhere, or not signed by the key its manifest names. Whether that
/// key is a known peer's is the caller's question.
pub fn open(bytes: &[u8], me: &SealKey, max_bytes: u64) -> Result<Opened, BundleError> {
    if bytes.len() as u64 > max_bytes {
        return Err(BundleError::TooLarge(max_bytes / 1024 / 1024));
    }
    read_plain(&decrypt(bytes, me)?)
}

/// A sealed bundle's plaintext: refused if sealed to another key or damaged.
pub fn decrypt(bytes: &[u8], me: &SealKey) -> Result<Vec<u8>, BundleError> {
    age::decrypt(&me.0, bytes).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => BundleError::NotForUs,
        other => BundleError::Damaged(other.to_string()),
    })
}

/// A bundle's contents once decrypted: the manifest, its signature by the key it names,
/// and every part of the size and SHA-256 the manifest gives, nothing after the last.
pub fn read_plain(plain: &[u8]) -> Result<Opened, BundleError> {
    let mut r = Reader { data: plain, at: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err(BundleError::Damaged("not a Surety Desk bundle".into()));
    }
    let manifest_len = r.u32()? as usize;
    let signed = r.take(manifest_len)?.to_vec();
    let sig_len = r.u32()? as usize;
    let signature = r.take(sig_len)?.to_vec();
    let manifest: Manifest = serde_json::from_slice(&signed)
        .map_err(|e| BundleError::Damaged(format!("the manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(BundleError::Damaged(format!(
            "manifest format {} (this program reads {FORMAT})",
            manifest.format
        )));
    }
    if manifest.canonical() != signed
        || !surety_sync::verify_bytes(&manifest.sender_key, &signed, &signature)
    {
        return Err(BundleError::BadSignature);
    }
    let mut parts = Vec::with_capacity(manifest.parts.len());
    let mut names = std::collections::BTreeSet::new();
    for p in &manifest.parts {
        if !names.insert(p.name.as_str()) {
            return Err(BundleError::Damaged(format!(
                "part {} is listed twice",
                p.name
            )));
        }
        let len = r.u64()?;
        if len != p.bytes {
            return Err(BundleError::Damaged(format!(
                "part {} has the wrong size",
                p.name
            )));
        }
        let body = r.take(len as usize)?;
        if sha256_hex(body) != p.sha256 {
            return Err(BundleError::Damaged(format!(
                "part {} does not match its SHA-256",
                p.name
            )));
        }
        parts.push((p.name.clone(), body.to_vec()));
    }
    if r.at != plain.len() {
        return Err(BundleError::Damaged("bytes after the last part".into()));
    }
    Ok(Opened { manifest, parts })
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BundleError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| BundleError::Damaged("it ends early".into()))?;
        let out = &self.data[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, BundleError> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, BundleError> {
        Ok(u64::from_be_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT,
            bundle_id: "b-1".into(),
            sender_installation: "field-wu".into(),
            sender_key: String::new(),
            recipient_installation: "office-yt".into(),
            created_at: "2016-03-02T10:00:00Z".into(),
            events: vec![Event {
                event_id: "e-1".into(),
                case_uid: "c-1".into(),
                section: "intake".into(),
                base: String::new(),
                hash: sha256_hex(b"{\"name\":\"\xe7\x83\x9f\xe5\x8f\xb0\"}"),
                part: "sections/c-1/intake.json".into(),
            }],
            parts: vec![],
        }
    }

    fn parts() -> Vec<(String, Vec<u8>)> {
        vec![
            (
                "sections/c-1/intake.json".into(),
                b"{\"name\":\"\xe7\x83\x9f\xe5\x8f\xb0\"}".to_vec(),
            ),
            ("attachments/a-1".into(), vec![0xFF, 0xD8, 0xFF, 1, 2, 3]),
        ]
    }

    #[test]
    fn a_sealed_bundle_opens_only_for_its_recipient_and_whole() {
        let field = Identity::generate();
        let office = SealKey::generate();
        let other = SealKey::generate();
        let sealed = seal(manifest(), &parts(), &field, &office.recipient()).unwrap();
        assert!(
            !sealed.windows(6).any(|w| w == b"intake"),
            "nothing readable"
        );

        let opened = open(&sealed, &office, 1 << 30).unwrap();
        assert_eq!(opened.manifest.sender_key, field.public_key());
        assert_eq!(
            opened.part("attachments/a-1"),
            Some(&[0xFF, 0xD8, 0xFF, 1, 2, 3][..])
        );
        assert_eq!(opened.manifest.parts.len(), 2);

        assert_eq!(
            open(&sealed, &other, 1 << 30).unwrap_err(),
            BundleError::NotForUs
        );
        assert!(matches!(
            open(&sealed[..sealed.len() - 7], &office, 1 << 30),
            Err(BundleError::Damaged(_))
        ));
        let mut flipped = sealed.clone();
        let n = flipped.len() / 2;
        flipped[n] ^= 0x01;
        assert!(matches!(
            open(&flipped, &office, 1 << 30),
            Err(BundleError::Damaged(_))
        ));
        assert_eq!(
            open(&sealed, &office, 100).unwrap_err(),
            BundleError::TooLarge(0)
        );
        assert!(matches!(
            open(b"not a bundle", &office, 1 << 30),
            Err(BundleError::Damaged(_))
        ));
    }

    #[test]
    fn a_manifest_or_part_changed_by_someone_who_can_seal_is_caught() {
        // Anyone may seal to the office's public key: the signature is what says who sent it.
        let field = Identity::generate();
        let forger = Identity::generate();
        let office = SealKey::generate();
        // Signed by the forger but naming the field's key.
        let mut m = manifest();
        let sealed = seal(m.clone(), &parts(), &forger, &office.recipient()).unwrap();
        let opened = open(&sealed, &office, 1 << 30).unwrap();
        assert_eq!(
            opened.manifest.sender_key,
            forger.public_key(),
            "its own key, not the field's"
        );
        m.sender_key = field.public_key();
        let mut plain = Vec::new();
        plain.extend_from_slice(MAGIC);
        let signed = {
            let mut mm = m.clone();
            mm.parts = vec![];
            mm.canonical()
        };
        plain.extend_from_slice(&(signed.len() as u32).to_be_bytes());
        plain.extend_from_slice(&signed);
        let sig = forger.sign_bytes(&signed);
        plain.extend_from_slice(&(sig.len() as u32).to_be_bytes());
        plain.extend_from_slice(&sig);
        let recipient: age::x25519::Recipient = office.recipient().parse().unwrap();
        let forged = age::encrypt(&recipient, &plain).unwrap();
        assert_eq!(
            open(&forged, &office, 1 << 30).unwrap_err(),
            BundleError::BadSignature
        );
    }

    #[test]
    fn a_passphrase_opens_what_it_sealed_and_nothing_else() {
        let sealed = seal_with_passphrase(b"reference data", "field-2016-pass", Some(10)).unwrap();
        assert_eq!(
            open_with_passphrase(&sealed, "field-2016-pass").unwrap(),
            b"reference data"
        );
        assert_eq!(
            open_with_passphrase(&sealed, "wrong-pass").unwrap_err(),
            BundleError::WrongPassphrase
        );
        assert!(matches!(
            open_with_passphrase(&sealed[..sealed.len() - 3], "field-2016-pass"),
            Err(BundleError::Damaged(_))
        ));
    }

    #[test]
    fn the_keys_round_trip() {
        let k = SealKey::generate();
        let again = SealKey::from_secret(&k.secret()).unwrap();
        assert_eq!(again.recipient(), k.recipient());
        assert!(k.recipient().starts_with("age1"));
        assert!(valid_recipient(&k.recipient()));
        assert!(!valid_recipient("age1nope"));
        assert!(SealKey::from_secret("nope").is_err());
    }
}
