//! The CJK font documents are set in: Noto Sans CJK SC (SIL Open Font License 1.1, which
//! allows embedding and redistribution), loaded once per process and embedded as a subset.
//! Windows and macOS builds ship the face (extracted from Debian's collection at build
//! time, `scripts/windows.sh`) beside the binaries; Linux uses the system's fonts-noto-cjk.
//! Parsing the font costs tens of milliseconds, so it happens once.

use crate::error::{DocsError, DocsResult};
use printpdf::ParsedFont;
use std::collections::HashMap;
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
    /// The whole face: for a document with a character outside the working set.
    pub parsed: ParsedFont,
    /// The face cut down once to the working set (GB 2312 and ASCII): what nearly every
    /// document is set in. Subsetting each document's glyphs out of 7,000 instead of
    /// 65,000 is what makes a contract take milliseconds (BENCHMARKS.md).
    pub working: ParsedFont,
    /// The working face's program, for each document's font to be cut from (`embed`);
    /// `None` for a face that is not a CID-keyed CFF.
    pub cuttable: Option<crate::embed::Cuttable>,
    /// Each character of the working set with its advance (font units).
    advances: ByChar,
    /// Each character of the working set with its CID in the working face: pages set in it
    /// are written as CIDs (`embed`).
    cids: ByChar,
    bytes: Vec<u8>,
    index: u32,
    units_per_em: f32,
    pub source: String,
}

impl CjkFont {
    /// Width of `text` at `size` points, from the font's own advances.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut face = None;
        let units: u32 = text
            .chars()
            .map(|c| match self.advances.get(c) {
                Some(a) => u32::from(a),
                None => {
                    let face = face.get_or_insert_with(|| {
                        ttf_parser::Face::parse(&self.bytes, self.index).expect("parsed at load")
                    });
                    face.glyph_index(c)
                        .and_then(|g| face.glyph_hor_advance(g))
                        .map(u32::from)
                        .unwrap_or(self.units_per_em as u32)
                }
            })
            .sum();
        units as f32 * size / self.units_per_em
    }

    /// The CID of `c` in the working face.
    pub fn working_cid(&self, c: char) -> Option<u16> {
        self.cids.get(c)
    }

    /// The advance of `c` (font units), if it is in the working set.
    pub fn working_advance(&self, c: char) -> Option<u16> {
        self.advances.get(c)
    }

    /// Whether every character of `text` is in the working set.
    pub fn covers(&self, text: &str) -> bool {
        text.chars().all(|c| self.advances.get(c).is_some())
    }
}

/// The working set: printable ASCII and every character of GB 2312 (its 6,763 hanzi,
/// punctuation, full-width forms, numbering) — what names, addresses and the documents'
/// own text are written in, all but the rarest.
fn working_set() -> Vec<char> {
    let mut chars: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
    for lead in (0xa1u8..=0xa9).chain(0xb0..=0xf7) {
        for trail in 0xa1u8..=0xfe {
            let pair = [lead, trail];
            let (text, bad) = encoding_rs::GBK.decode_without_bom_handling(&pair);
            if !bad {
                chars.extend(text.chars().filter(|c| !c.is_control()));
            }
        }
    }
    chars.extend(['￥', '¥', '·', '—', '…', '※', '№']);
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// The face cut to the working set: read back, its program, and each character's advance
/// and glyph.
struct WorkingFace {
    parsed: ParsedFont,
    bytes: Vec<u8>,
    advances: ByChar,
    glyphs: ByChar,
}

/// A figure (never 0) for each character of the Basic Multilingual Plane that has one: the
/// working set's advances and glyphs, looked up once per character of every line set (a
/// hash map's lookups were a tenth of a contract's time).
struct ByChar(Vec<u16>);

impl ByChar {
    fn new() -> ByChar {
        ByChar(vec![0; 0x10000])
    }

    fn set(&mut self, c: char, figure: u16) {
        if let Some(slot) = self.0.get_mut(c as usize) {
            *slot = figure;
        }
    }

    fn get(&self, c: char) -> Option<u16> {
        self.0.get(c as usize).copied().filter(|f| *f != 0)
    }
}

/// Cuts the face (`face`, read from `bytes`) down to `chars`, keeping their Unicode
/// mappings, and reads the result back as a font of its own; with each kept character's
/// advance.
fn working_font(
    face: &ttf_parser::Face,
    bytes: &[u8],
    index: u32,
    chars: &[char],
) -> Result<WorkingFace, String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};
    let mut advances = ByChar::new();
    let mut glyphs = vec![0u16];
    for &c in chars {
        if let Some(g) = face.glyph_index(c) {
            // An advance of 0 (none of the working set has one) would read as "not in it".
            let advance = face.glyph_hor_advance(g).unwrap_or(face.units_per_em());
            advances.set(c, advance.max(1));
            glyphs.push(g.0);
        }
    }
    glyphs[1..].sort_unstable();
    glyphs.dedup();
    // The cut numbers its glyphs by their place in the list it was given.
    let cut_glyph: HashMap<u16, u16> = glyphs
        .iter()
        .enumerate()
        .map(|(new, old)| (*old, new as u16))
        .collect();
    let mut glyph_of_char = ByChar::new();
    for &c in chars {
        if let Some(new) = face.glyph_index(c).and_then(|g| cut_glyph.get(&g.0)) {
            glyph_of_char.set(c, *new);
        }
    }
    let file = ReadScope::new(bytes)
        .read::<FontData<'_>>()
        .map_err(|e| e.to_string())?;
    let provider = file
        .table_provider(index as usize)
        .map_err(|e| e.to_string())?;
    let cut = subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| e.to_string())?;
    let parsed = ParsedFont::from_bytes(&cut, 0, &mut Vec::new())
        .ok_or("the working font cannot be read back")?;
    Ok(WorkingFace {
        parsed,
        bytes: cut,
        advances,
        glyphs: glyph_of_char,
    })
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
        let Ok(face) = ttf_parser::Face::parse(&bytes, index) else {
            tried.push(format!("{path} (not a font)"));
            continue;
        };
        let units_per_em = f32::from(face.units_per_em());
        let parsed = ParsedFont::from_bytes(&bytes, index as usize, &mut Vec::new())
            .ok_or_else(|| format!("{path}: the font cannot be parsed"))?;
        let working = working_font(&face, &bytes, index, &working_set())
            .map_err(|e| format!("{path}: the font cannot be cut to its working set: {e}"))?;
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "NotoSansCJKsc-Regular".into());
        let cuttable =
            crate::embed::Cuttable::new(&working.bytes, crate::embed::Metrics::of(&face), &name);
        let mut cids = ByChar::new();
        if let Some(cut) = &cuttable {
            for (c, gid) in working.glyphs.0.iter().enumerate() {
                if let (Some(c), Some(cid)) = (char::from_u32(c as u32), cut.cid(*gid)) {
                    cids.set(c, cid);
                }
            }
        }
        return Ok(CjkFont {
            parsed,
            cuttable,
            working: working.parsed,
            advances: working.advances,
            cids,
            bytes,
            index,
            units_per_em,
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
