//! An encrypted archive of text files (R-CREDIT-1's files): a zip whose every entry is
//! AES-256 encrypted (WinZip AE-2) under the password the user set for it, written in
//! memory so nothing unencrypted touches the disk; and the text encodings files may need.

use crate::error::{DocsError, DocsResult};
use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, ZipWriter};

/// `files` as (name, bytes), in that order, in one encrypted zip.
pub fn encrypted_zip(files: &[(String, Vec<u8>)], password: &str) -> DocsResult<Vec<u8>> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .with_aes_encryption(AesMode::Aes256, password);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| DocsError::Archive(e.to_string()))?;
        zip.write_all(bytes)
            .map_err(|e| DocsError::Archive(e.to_string()))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| DocsError::Archive(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// Text in `encoding` ("UTF-8" or "GB18030"); a character GB18030 cannot hold is an error,
/// never a silent substitute.
pub fn encode(text: &str, encoding: &str) -> DocsResult<Vec<u8>> {
    match encoding {
        "GB18030" => {
            let (bytes, _, lossy) = encoding_rs::GB18030.encode(text);
            if lossy {
                return Err(DocsError::Archive(
                    "a character cannot be written in GB18030".into(),
                ));
            }
            Ok(bytes.into_owned())
        }
        _ => Ok(text.as_bytes().to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_opens_only_with_its_password_and_holds_the_texts() {
        let files = vec![("a.txt".to_string(), "征信 A050".as_bytes().to_vec())];
        let bytes = encrypted_zip(&files, "file-pass-2016").unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"A050"), "nothing in clear");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert!(archive.by_index(0).is_err(), "no password, no content");
        let mut f = archive.by_index_decrypt(0, b"file-pass-2016").unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).unwrap();
        assert_eq!(text, "征信 A050");
    }

    #[test]
    fn gb18030_encodes_chinese_in_two_bytes() {
        assert_eq!(encode("征信", "GB18030").unwrap().len(), 4);
        assert_eq!(encode("征信", "UTF-8").unwrap().len(), 6);
    }
}
