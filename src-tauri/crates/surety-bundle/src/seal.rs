//! Sealing a bundle as a stream: the manifest lists every part's size and SHA-256 before
//! the first is written, so the caller says them up front (a stored photo's are on record)
//! and hands over one part's contents at a time; each is checked against what the manifest
//! says as it goes out.

use crate::{sha256_hex, BundleError, Manifest, Part, FORMAT, MAGIC};
use std::io::Write;
use surety_sync::Identity;

/// Signs the manifest (with `parts` as its list and the sender's key) and writes the
/// bundle, sealed to `recipient` (`age1…`), to `out`. `body(i)` gives the contents of
/// `parts[i]`, asked for in order, each once; `progress(done, total)` is told after each.
/// Returns `out` once the seal is finished.
pub fn seal_to<W: Write>(
    out: W,
    mut manifest: Manifest,
    parts: Vec<Part>,
    sender: &Identity,
    recipient: &str,
    body: &mut dyn FnMut(usize) -> Result<Vec<u8>, BundleError>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<W, BundleError> {
    let to: age::x25519::Recipient = recipient.trim().parse().map_err(|_| BundleError::BadKey)?;
    manifest.format = FORMAT;
    manifest.sender_key = sender.public_key();
    manifest.parts = parts;
    let signed = manifest.canonical();
    let signature = sender.sign_bytes(&signed);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&to as &dyn age::Recipient))
        .map_err(|e| BundleError::Damaged(e.to_string()))?;
    let mut sealed = encryptor.wrap_output(out).map_err(written)?;
    let mut head = Vec::with_capacity(MAGIC.len() + 8 + signed.len() + signature.len());
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&(signed.len() as u32).to_be_bytes());
    head.extend_from_slice(&signed);
    head.extend_from_slice(&(signature.len() as u32).to_be_bytes());
    head.extend_from_slice(&signature);
    sealed.write_all(&head).map_err(written)?;
    let total = manifest.parts.len();
    for (i, part) in manifest.parts.iter().enumerate() {
        let bytes = body(i)?;
        if bytes.len() as u64 != part.bytes || sha256_hex(&bytes) != part.sha256 {
            return Err(BundleError::Damaged(format!(
                "part {} is not the size and SHA-256 on record",
                part.name
            )));
        }
        sealed
            .write_all(&part.bytes.to_be_bytes())
            .and_then(|()| sealed.write_all(&bytes))
            .map_err(written)?;
        progress(i + 1, total);
    }
    sealed.finish().map_err(written)
}

fn written(e: std::io::Error) -> BundleError {
    BundleError::Write(e.kind(), e.to_string())
}

/// The same in memory, for parts already at hand: fills in their sizes and hashes.
pub fn seal(
    manifest: Manifest,
    parts: &[(String, Vec<u8>)],
    sender: &Identity,
    recipient: &str,
) -> Result<Vec<u8>, BundleError> {
    let listed = parts
        .iter()
        .map(|(name, bytes)| Part {
            name: name.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    seal_to(
        Vec::new(),
        manifest,
        listed,
        sender,
        recipient,
        &mut |i| Ok(parts[i].1.clone()),
        &mut |_, _| {},
    )
}
