//! The CJK font documents are set in: Noto Sans CJK SC (SIL Open Font License 1.1, which
//! allows embedding and redistribution), loaded once per process and embedded as a subset.
//! Windows and macOS builds ship the face (extracted from Debian's collection at build
//! time, `scripts/windows.sh`) beside the binaries; Linux uses the system's fonts-noto-cjk.
//! Parsing the font costs tens of milliseconds, so it happens once.

use crate::error::{DocsError, DocsResult};
use printpdf::ParsedFont;
use std::sync::OnceLock;

/// The face shipped with the Windows and macOS builds, in a `fonts` folder beside the
/// binaries (Windows) or in the app bundle's resources (macOS).
pub const SHIPPED_FONT: &str = "NotoSansCJKsc-Regular.otf";

/// Where the shipped font is looked for, relative to the running binary's folder.
const SHIPPED_PLACES: [&str; 2] = ["fonts", "../Resources/fonts"];

/// The system's fonts (Linux), in order, after `SURETY_PDF_FONT=path[#index]` and the
/// shipped font.
#[cfg(not(windows))]
const CANDIDATES: [(&str, u32); 4] = [
    // Debian/Ubuntu fonts-noto-cjk: face 2 of the collection is Simplified Chinese.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/local/share/fonts/NotoSansCJKsc-Regular.otf", 0),
];
/// A Windows machine has no such paths (and `/usr/…` would name a folder on the current
/// drive): the shipped font only.
#[cfg(windows)]
const CANDIDATES: [(&str, u32); 0] = [];

fn shipped() -> Vec<(String, u32)> {
    let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.to_path_buf()))
    else {
        return Vec::new();
    };
    SHIPPED_PLACES
        .iter()
        .map(|place| (dir.join(place).join(SHIPPED_FONT).display().to_string(), 0))
        .collect()
}

pub struct CjkFont {
    pub parsed: ParsedFont,
    bytes: Vec<u8>,
    index: u32,
    pub source: String,
}

impl CjkFont {
    /// Width of `text` at `size` points, from the font's own advances.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let face = ttf_parser::Face::parse(&self.bytes, self.index).expect("parsed at load");
        let upem = f32::from(face.units_per_em());
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(u32::from)
                    .unwrap_or(face.units_per_em().into())
            })
            .sum();
        units as f32 * size / upem
    }
}

static FONT: OnceLock<Result<CjkFont, String>> = OnceLock::new();

fn load() -> Result<CjkFont, String> {
    let from_env = std::env::var("SURETY_PDF_FONT")
        .ok()
        .map(|v| match v.rsplit_once('#') {
            Some((p, i)) => (p.to_string(), i.parse().unwrap_or(0)),
            None => (v, 0),
        });
    let candidates = from_env
        .into_iter()
        .chain(shipped())
        .chain(CANDIDATES.iter().map(|(p, i)| (p.to_string(), *i)));
    let mut tried = Vec::new();
    for (path, index) in candidates {
        let Ok(bytes) = std::fs::read(&path) else {
            tried.push(path);
            continue;
        };
        if ttf_parser::Face::parse(&bytes, index).is_err() {
            tried.push(format!("{path} (not a font)"));
            continue;
        }
        let parsed = ParsedFont::from_bytes(&bytes, index as usize, &mut Vec::new())
            .ok_or_else(|| format!("{path}: the font cannot be parsed"))?;
        return Ok(CjkFont {
            parsed,
            bytes,
            index,
            source: path,
        });
    }
    Err(tried.join(", "))
}

pub fn cjk_font() -> DocsResult<&'static CjkFont> {
    FONT.get_or_init(load)
        .as_ref()
        .map_err(|tried| DocsError::FontMissing(tried.clone()))
}
