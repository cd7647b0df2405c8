//! A document's font program, cut to the glyphs its pages use, and its streams compressed.
//!
//! printpdf cuts each document's glyphs out of the face itself, but then reads each kept
//! glyph's advance by decoding its outline from a freshly parsed copy of the cut (about 40 %
//! of a contract's time), builds a cmap that a bare CFF program never carries, and
//! compresses at zlib's best level (another 20 %). So a document set in the working face is
//! built from the whole working face — whose advances are decoded once per process, into
//! the glyph cache its clones share — and here its font program is replaced by the bare CFF
//! of just the glyphs used. The pages are written in the face's CIDs (Identity-H through
//! the CFF charset), and a cut keeps every glyph's CID, so the codes, `/W` and `/ToUnicode`
//! printpdf wrote stay right by construction.

use lopdf::{Document, Object};
use std::collections::HashMap;
use std::io::Write;

/// The working face's CFF program and, for each CID, its glyph: what a cut is made from.
pub struct Cuttable {
    bytes: Vec<u8>,
    glyph_of_cid: HashMap<u16, u16>,
}

impl Cuttable {
    /// `None` unless the face's outlines are a CID-keyed CFF (as Noto Sans CJK's are): a
    /// face of another kind is embedded the way printpdf does it.
    pub fn new(face: &[u8]) -> Option<Cuttable> {
        let cids = printpdf::font::cff_charset_gid_to_cid_map(face, 0)?;
        Some(Cuttable {
            bytes: face.to_vec(),
            glyph_of_cid: cids.into_iter().map(|(gid, cid)| (cid, gid)).collect(),
        })
    }

    /// The bare CFF of `.notdef` and the glyphs of `cids`.
    fn cut(&self, cids: &[u16]) -> Option<Vec<u8>> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::prince::{subset, PrinceCmapTarget};
        let mut glyphs: Vec<u16> = cids
            .iter()
            .filter_map(|c| self.glyph_of_cid.get(c).copied())
            .filter(|g| *g != 0)
            .collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        glyphs.insert(0, 0);
        let file = ReadScope::new(&self.bytes).read::<FontData<'_>>().ok()?;
        let provider = file.table_provider(0).ok()?;
        subset(&provider, &glyphs, PrinceCmapTarget::Omit, false).ok()
    }
}

/// The PDF of `pdf` (written with the whole working face, not compressed) with its font
/// program cut to the glyphs used, the subset tag on the font's names, and every stream
/// compressed. `None` when the document is not what this expects (one Type0 font whose
/// program is a bare CID-keyed CFF): the caller then lets printpdf embed it.
pub fn finish(mut pdf: Document, face: &Cuttable, tag: &str) -> Option<Vec<u8>> {
    let (font_id, descriptor_id, cids) = the_font(&pdf)?;
    let program = face.cut(&cids)?;
    let name = |pdf: &Document| -> Option<Vec<u8>> {
        let font = pdf.get_object(font_id).ok()?.as_dict().ok()?;
        Some(font.get(b"BaseFont").ok()?.as_name().ok()?.to_vec())
    };
    let mut tagged = format!("{tag}+").into_bytes();
    tagged.extend(name(&pdf)?);
    {
        let font = pdf.get_object_mut(font_id).ok()?.as_dict_mut().ok()?;
        font.set("BaseFont", Object::Name(tagged.clone()));
        let descendants = font.get_mut(b"DescendantFonts").ok()?;
        if let Object::Array(list) = descendants {
            for d in list.iter_mut() {
                d.as_dict_mut()
                    .ok()?
                    .set("BaseFont", Object::Name(tagged.clone()));
            }
        }
    }
    let program_id = {
        let descriptor = pdf.get_object_mut(descriptor_id).ok()?.as_dict_mut().ok()?;
        descriptor.set("FontName", Object::Name(tagged));
        descriptor.get(b"FontFile3").ok()?.as_reference().ok()?
    };
    let stream = pdf.get_object_mut(program_id).ok()?.as_stream_mut().ok()?;
    if stream.dict.get(b"Subtype").ok()?.as_name().ok()? != b"CIDFontType0C" {
        return None;
    }
    stream.set_content(program);
    compress(&mut pdf);
    let mut out = Vec::new();
    pdf.save_to(&mut out).ok()?;
    Some(out)
}

/// The document's one Type0 font, its descriptor, and the codes its `/W` gives a width
/// (every code the pages show).
fn the_font(pdf: &Document) -> Option<(lopdf::ObjectId, lopdf::ObjectId, Vec<u16>)> {
    let mut found = None;
    for (id, object) in &pdf.objects {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        if found.is_some() {
            return None;
        }
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()?
            .as_array()
            .ok()?
            .first()?
            .as_dict()
            .ok()?;
        let descriptor = descendant
            .get(b"FontDescriptor")
            .ok()?
            .as_reference()
            .ok()?;
        let widths = descendant.get(b"W").ok()?.as_array().ok()?;
        // c [w1 w2 …]: consecutive codes from c; c_first c_last w: a range of one width.
        let mut cids = Vec::new();
        let mut i = 0;
        while i < widths.len() {
            let first = u16::try_from(widths[i].as_i64().ok()?).ok()?;
            match widths.get(i + 1)? {
                Object::Array(run) => {
                    cids.extend((0..run.len()).filter_map(|k| first.checked_add(k as u16)));
                    i += 2;
                }
                last => {
                    let last = u16::try_from(last.as_i64().ok()?).ok()?;
                    cids.extend(first..=last);
                    i += 3;
                }
            }
        }
        found = Some((*id, descriptor, cids));
    }
    found
}

/// Compresses every stream that is not yet, at zlib's fast level: a contract's text and
/// font compress within a few percent of the best level's size at a fraction of its time.
fn compress(pdf: &mut Document) {
    for object in pdf.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        if z.write_all(&stream.content).is_err() {
            continue;
        }
        let Ok(packed) = z.finish() else { continue };
        if packed.len() + 19 < stream.content.len() {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(packed);
        }
    }
}
