//! Opening a bundle as a stream: the manifest and its signature first, then every part
//! hashed as it goes by. Small parts stay in memory; a large one (a photo) is read again,
//! from the still-encrypted file, when it is asked for, so a bundle of a gigabyte opens in a
//! few megabytes. Nothing is written anywhere: the plaintext exists only in memory.

use crate::{sha256_hex, BundleError, Manifest, SealKey, FORMAT, MAGIC};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{BufReader, Read, Seek, SeekFrom};

/// A part up to this size is kept in memory once read ...
const KEPT_PART_BYTES: u64 = 1024 * 1024;
/// ... while all kept parts together stay under this.
const KEPT_BYTES: u64 = 32 * 1024 * 1024;
/// A manifest lists events and parts, never their contents: a longer one is not a bundle's.
const MANIFEST_BYTES_MAX: u32 = 64 * 1024 * 1024;
/// An Ed25519 signature, hex-encoded, with room to spare.
const SIGNATURE_BYTES_MAX: u32 = 1024;
/// How much is hashed at a time.
const BUFFER: usize = 64 * 1024;

/// What a bundle is read from: a file, or bytes already in memory.
pub trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

enum Held {
    Kept(Vec<u8>),
    /// Where in the plaintext the part starts, and what it must hash to when read again.
    At {
        offset: u64,
        len: u64,
        sha256: String,
    },
}

/// A bundle opened and checked: its manifest (signature verified against the key it names)
/// and every part matching its size and SHA-256.
pub struct Opened<'a> {
    pub manifest: Manifest,
    held: Vec<(String, Held)>,
    plain: RefCell<Box<dyn Source + 'a>>,
}

impl std::fmt::Debug for Opened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

impl Opened<'_> {
    /// A part by name, read again from the bundle if it was not kept (and checked again
    /// against its SHA-256, so a file changed since it was opened is refused).
    pub fn part(&self, name: &str) -> Result<Option<Cow<'_, [u8]>>, BundleError> {
        let Some((_, held)) = self.held.iter().find(|(n, _)| n == name) else {
            return Ok(None);
        };
        match held {
            Held::Kept(bytes) => Ok(Some(Cow::Borrowed(bytes.as_slice()))),
            Held::At {
                offset,
                len,
                sha256,
            } => {
                let mut plain = self.plain.borrow_mut();
                plain.seek(SeekFrom::Start(*offset)).map_err(damaged)?;
                let mut body = Vec::with_capacity(*len as usize);
                (&mut *plain)
                    .take(*len)
                    .read_to_end(&mut body)
                    .map_err(damaged)?;
                if body.len() as u64 != *len || sha256_hex(&body) != *sha256 {
                    return Err(BundleError::Damaged(format!(
                        "part {name} changed after the bundle was opened"
                    )));
                }
                Ok(Some(Cow::Owned(body)))
            }
        }
    }

    /// Every part with its contents, in the bundle's order (for small bundles and tests:
    /// this reads them all into memory).
    pub fn parts(&self) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
        self.held
            .iter()
            .map(|(name, _)| {
                let body = self.part(name)?.expect("a held part is there").into_owned();
                Ok((name.clone(), body))
            })
            .collect()
    }
}

fn damaged(e: std::io::Error) -> BundleError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => BundleError::Damaged("it ends early".into()),
        _ => BundleError::Damaged(e.to_string()),
    }
}

fn decrypt_error(e: age::DecryptError) -> BundleError {
    match e {
        age::DecryptError::NoMatchingKeys => BundleError::NotForUs,
        other => BundleError::Damaged(other.to_string()),
    }
}

/// Opens a sealed bundle of `size` bytes read from `sealed`, sealed to `me`: refused if
/// larger than `max_bytes`, sealed to another key, cut or changed anywhere, or not signed by
/// the key its manifest names (whether that key is a known peer's is the caller's
/// question). `progress(done, total)` is told after each part.
pub fn open_stream<'a>(
    sealed: impl Source + 'a,
    size: u64,
    me: &SealKey,
    max_bytes: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Opened<'a>, BundleError> {
    if size > max_bytes {
        return Err(BundleError::TooLarge(max_bytes / 1024 / 1024));
    }
    // Past the size it was told, a source ends at age's last chunk or is refused as
    // damaged: what is kept in memory is bounded either way.
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(BUFFER, sealed))
        .map_err(decrypt_error)?;
    let plain = decryptor
        .decrypt(std::iter::once(&me.0 as &dyn age::Identity))
        .map_err(decrypt_error)?;
    read_framing(Box::new(plain), progress)
}

/// Opens a sealed bundle held in memory (see [`open_stream`]).
pub fn open<'a>(bytes: &'a [u8], me: &SealKey, max_bytes: u64) -> Result<Opened<'a>, BundleError> {
    open_stream(
        std::io::Cursor::new(bytes),
        bytes.len() as u64,
        me,
        max_bytes,
        &mut |_, _| {},
    )
}

/// A sealed bundle's plaintext, all in memory: refused if sealed to another key or damaged.
pub fn decrypt(bytes: &[u8], me: &SealKey) -> Result<Vec<u8>, BundleError> {
    age::decrypt(&me.0, bytes).map_err(decrypt_error)
}

/// A bundle's contents once decrypted (see [`open_stream`] for what is checked).
pub fn read_plain(plain: &[u8]) -> Result<Opened<'_>, BundleError> {
    read_framing(Box::new(std::io::Cursor::new(plain)), &mut |_, _| {})
}

/// The framing read from the start of the plaintext: magic, manifest, signature, and every
/// part of the size and SHA-256 the manifest gives, nothing after the last.
fn read_framing<'a>(
    mut plain: Box<dyn Source + 'a>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Opened<'a>, BundleError> {
    let mut magic = [0u8; MAGIC.len()];
    plain.read_exact(&mut magic).map_err(damaged)?;
    if magic != MAGIC {
        return Err(BundleError::Damaged("not a Surety Desk bundle".into()));
    }
    let signed = read_sized(&mut plain, MANIFEST_BYTES_MAX)?;
    let signature = read_sized(&mut plain, SIGNATURE_BYTES_MAX)?;
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
    let mut offset = (MAGIC.len() + 4 + signed.len() + 4 + signature.len()) as u64;
    let mut held = Vec::with_capacity(manifest.parts.len());
    let mut names = std::collections::BTreeSet::new();
    let mut kept_bytes = 0u64;
    let total = manifest.parts.len();
    for (n, p) in manifest.parts.iter().enumerate() {
        if !names.insert(p.name.as_str()) {
            return Err(BundleError::Damaged(format!(
                "part {} is listed twice",
                p.name
            )));
        }
        let mut len = [0u8; 8];
        plain.read_exact(&mut len).map_err(damaged)?;
        if u64::from_be_bytes(len) != p.bytes {
            return Err(BundleError::Damaged(format!(
                "part {} has the wrong size",
                p.name
            )));
        }
        offset += 8;
        let keep = p.bytes <= KEPT_PART_BYTES && kept_bytes + p.bytes <= KEPT_BYTES;
        let (sha256, body) = hash_part(&mut plain, p.bytes, keep)?;
        if sha256 != p.sha256 {
            return Err(BundleError::Damaged(format!(
                "part {} does not match its SHA-256",
                p.name
            )));
        }
        let part = match body {
            Some(bytes) => {
                kept_bytes += p.bytes;
                Held::Kept(bytes)
            }
            None => Held::At {
                offset,
                len: p.bytes,
                sha256,
            },
        };
        held.push((p.name.clone(), part));
        offset += p.bytes;
        progress(n + 1, total);
    }
    let mut after = [0u8; 1];
    if plain.read(&mut after).map_err(damaged)? != 0 {
        return Err(BundleError::Damaged("bytes after the last part".into()));
    }
    Ok(Opened {
        manifest,
        held,
        plain: RefCell::new(plain),
    })
}

/// A length-prefixed field of at most `max` bytes.
fn read_sized(plain: &mut impl Read, max: u32) -> Result<Vec<u8>, BundleError> {
    let mut len = [0u8; 4];
    plain.read_exact(&mut len).map_err(damaged)?;
    let len = u32::from_be_bytes(len);
    if len > max {
        return Err(BundleError::Damaged(
            "a field is longer than allowed".into(),
        ));
    }
    let mut out = vec![0u8; len as usize];
    plain.read_exact(&mut out).map_err(damaged)?;
    Ok(out)
}

/// Reads `len` bytes, hashing them; returns the hash, and the bytes when `keep`.
fn hash_part(
    plain: &mut impl Read,
    len: u64,
    keep: bool,
) -> Result<(String, Option<Vec<u8>>), BundleError> {
    let mut hasher = Sha256::new();
    let mut kept = keep.then(|| Vec::with_capacity(len as usize));
    let mut buffer = vec![0u8; BUFFER];
    let mut left = len;
    while left > 0 {
        let n = left.min(BUFFER as u64) as usize;
        plain.read_exact(&mut buffer[..n]).map_err(damaged)?;
        hasher.update(&buffer[..n]);
        if let Some(k) = kept.as_mut() {
            k.extend_from_slice(&buffer[..n]);
        }
        left -= n as u64;
    }
    Ok((hex::encode(hasher.finalize()), kept))
}
