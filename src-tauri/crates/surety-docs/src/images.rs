//! Photos and scans attached to a case (ID cards, licences, premises): what a file really is
//! — by its bytes, not its name — whether it is whole, and a small JPEG to show in lists.

use image::ImageFormat;

/// The largest file taken (a phone photo or a multi-page scan).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The longer side of a thumbnail, in pixels.
const THUMBNAIL: u32 = 240;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanKind {
    Jpeg,
    Png,
    Pdf,
}

impl ScanKind {
    pub fn code(self) -> &'static str {
        match self {
            ScanKind::Jpeg => "jpeg",
            ScanKind::Png => "png",
            ScanKind::Pdf => "pdf",
        }
    }

    pub fn from_code(code: &str) -> Option<ScanKind> {
        match code {
            "jpeg" => Some(ScanKind::Jpeg),
            "png" => Some(ScanKind::Png),
            "pdf" => Some(ScanKind::Pdf),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ScanKind::Jpeg => "image/jpeg",
            ScanKind::Png => "image/png",
            ScanKind::Pdf => "application/pdf",
        }
    }

    /// The file-name endings that go with the kind.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ScanKind::Jpeg => &["jpg", "jpeg"],
            ScanKind::Png => &["png"],
            ScanKind::Pdf => &["pdf"],
        }
    }
}

/// A file looked at: its kind, an image's size, and the thumbnail (images only).
#[derive(Debug, Clone)]
pub struct Inspected {
    pub kind: ScanKind,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub thumbnail: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("not a JPEG, PNG or PDF file")]
    UnknownType,
    #[error("empty")]
    Empty,
    #[error("larger than 20 MB")]
    TooLarge,
    #[error("damaged: {0}")]
    Damaged(String),
}

/// The kind by the file's first bytes.
pub fn sniff(bytes: &[u8]) -> Option<ScanKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ScanKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ScanKind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(ScanKind::Pdf)
    } else {
        None
    }
}

/// A JPEG decoder fills a cut-off photo with grey and says nothing, so the end is checked
/// by hand: the end-of-image marker (FF D9) must follow the last start-of-scan (FF DA).
/// Inside scan data a real FF is written FF 00, so the pair appears only as the marker, and
/// an EXIF thumbnail's own markers come before the main image's scan.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

/// Checks a file whole: an image must decode to its last row (a photo cut off in transfer
/// does not), a PDF must end with its end-of-file marker.
pub fn inspect(bytes: &[u8]) -> Result<Inspected, ScanError> {
    if bytes.is_empty() {
        return Err(ScanError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(ScanError::TooLarge);
    }
    let kind = sniff(bytes).ok_or(ScanError::UnknownType)?;
    match kind {
        ScanKind::Pdf => {
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            if !tail.windows(5).any(|w| w == b"%%EOF") {
                return Err(ScanError::Damaged("the PDF has no end (%%EOF)".into()));
            }
            Ok(Inspected {
                kind,
                width: None,
                height: None,
                thumbnail: None,
            })
        }
        ScanKind::Jpeg if !jpeg_is_whole(bytes) => Err(ScanError::Damaged(
            "the JPEG stops before its end marker (cut off in transfer?)".into(),
        )),
        ScanKind::Jpeg | ScanKind::Png => {
            let format = if kind == ScanKind::Jpeg {
                ImageFormat::Jpeg
            } else {
                ImageFormat::Png
            };
            let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
            // A 20 MB file may not unpack into gigabytes.
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(512 * 1024 * 1024);
            reader.limits(limits);
            let img = reader
                .decode()
                .map_err(|e| ScanError::Damaged(e.to_string()))?;
            let (width, height) = (img.width(), img.height());
            let small = img.thumbnail(THUMBNAIL, THUMBNAIL).into_rgb8();
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
                .encode_image(&small)
                .map_err(|e| ScanError::Damaged(e.to_string()))?;
            Ok(Inspected {
                kind,
                width: Some(width),
                height: Some(height),
                thumbnail: Some(out),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_whole_image_gets_its_size_and_a_thumbnail() {
        let i = inspect(&png(800, 600)).unwrap();
        assert_eq!(
            (i.kind, i.width, i.height),
            (ScanKind::Png, Some(800), Some(600))
        );
        let thumb = i.thumbnail.unwrap();
        assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]));
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (240, 180));
    }

    #[test]
    fn a_jpeg_cut_off_anywhere_in_its_scan_is_refused() {
        let img = image::RgbImage::from_fn(400, 300, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 7])
        });
        let mut whole = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut whole), ImageFormat::Jpeg)
            .unwrap();
        assert!(inspect(&whole).is_ok());
        for keep in [whole.len() / 3, whole.len() / 2, whole.len() - 2] {
            assert!(
                matches!(inspect(&whole[..keep]), Err(ScanError::Damaged(_))),
                "{keep}"
            );
        }
    }

    #[test]
    fn a_cut_off_image_a_pdf_without_its_end_and_other_files_are_refused() {
        let whole = png(300, 300);
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(inspect(cut), Err(ScanError::Damaged(_))));
        assert_eq!(inspect(b"GIF89a...").unwrap_err(), ScanError::UnknownType);
        assert_eq!(inspect(b"").unwrap_err(), ScanError::Empty);
        assert!(matches!(
            inspect(b"%PDF-1.4\n1 0 obj\n"),
            Err(ScanError::Damaged(_))
        ));
        assert_eq!(
            inspect(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
                .unwrap()
                .kind,
            ScanKind::Pdf
        );
        let big = vec![0xFFu8; MAX_BYTES + 1];
        assert_eq!(inspect(&big).unwrap_err(), ScanError::TooLarge);
    }
}
