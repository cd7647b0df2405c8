//! The file a field laptop and an office exchange. One bundle is a manifest —
//! who sends it to whom, the events inside, and the SHA-256 of every part — signed with the
//! sender's Ed25519 installation key, followed by its parts (case sections, attachments),
//! the whole sealed with age to the receiving installation's X25519 key. Whoever finds the
//! USB stick reads nothing; a changed, cut or foreign bundle is refused before anything is
//! applied. No database here: the service layer decides what goes in and what it changes.

use age::secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
mod open;
mod seal;

pub use open::{decrypt, open, open_stream, read_plain, Opened, Source};
pub use seal::{seal, seal_to};

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
    #[error("the bundle cannot be written: {1}")]
    Write(std::io::ErrorKind, String),
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
            BundleError::Write(..) => "数据包无法写入".into(),
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
    pub(crate) fn canonical(&self) -> Vec<u8> {
        // serde_json's map is sorted: a round trip through Value gives the canonical form.
        let v = serde_json::to_value(self).expect("a manifest serializes");
        serde_json::to_vec(&v).expect("a value serializes")
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use surety_sync::Identity;

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
            opened.part("attachments/a-1").unwrap().as_deref(),
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
    fn a_large_part_is_read_again_when_asked_for_and_must_still_match() {
        // Three photos of 1.5 MiB each: over the size kept in memory, so each is read back
        // from the sealed file when asked for.
        let field = Identity::generate();
        let office = SealKey::generate();
        let photo = |n: u8| {
            (0..1_572_864u32)
                .map(|i| (i % 251) as u8 ^ n)
                .collect::<Vec<u8>>()
        };
        let mut parts = parts();
        for n in 1..=3u8 {
            parts.push((format!("files/p-{n}"), photo(n)));
        }
        let sealed = seal(manifest(), &parts, &field, &office.recipient()).unwrap();
        let path = std::env::temp_dir().join(format!(
            "surety-bundle-test-{}-{}",
            std::process::id(),
            sealed.len()
        ));
        std::fs::write(&path, &sealed).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut told = Vec::new();
        let opened = open_stream(
            file,
            sealed.len() as u64,
            &office,
            1 << 30,
            &mut |done, total| told.push((done, total)),
        )
        .unwrap();
        assert_eq!(
            told.last(),
            Some(&(5, 5)),
            "told after each of the five parts"
        );
        for n in [3u8, 1, 2] {
            let body = opened.part(&format!("files/p-{n}")).unwrap().unwrap();
            assert!(*body == photo(n)[..], "photo {n} as sealed, in any order");
        }
        assert_eq!(opened.parts().unwrap(), parts);

        // The file overwritten in place after it was opened: the same key cannot read the
        // changed chunk (or a changed part does not hash to what the manifest says).
        let mut changed = sealed.clone();
        let n = changed.len() - 200_000;
        changed[n] ^= 0x01;
        std::fs::write(&path, &changed).unwrap();
        assert!(matches!(
            opened.part("files/p-3"),
            Err(BundleError::Damaged(_))
        ));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_part_that_is_not_what_its_listing_says_is_not_sealed() {
        let field = Identity::generate();
        let office = SealKey::generate();
        let listed = vec![Part {
            name: "files/p-1".into(),
            bytes: 3,
            sha256: sha256_hex(b"abc"),
        }];
        let result = seal_to(
            Vec::new(),
            manifest(),
            listed,
            &field,
            &office.recipient(),
            &mut |_| Ok(b"abd".to_vec()),
            &mut |_, _| {},
        );
        assert!(matches!(result, Err(BundleError::Damaged(_))));
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
