//! A document's font, written here rather than by printpdf: its program cut to the glyphs
//! the pages use, its widths and its ToUnicode map.
//!
//! printpdf would cut each document's glyphs out of the face, then read each kept glyph's
//! advance by decoding its outline from a freshly parsed copy of the cut (about 40 % of a
//! contract's time), copy the whole face and walk its charset for every document, and
//! compress at zlib's best level (another 20 %). The pages here are written as CIDs of the
//! working face (Identity-H, resolved through the CFF charset, which a cut keeps), so the
//! widths come from the advances read once at load, the ToUnicode map from the characters
//! the pages were set from, and the program is the bare CFF of just the glyphs used.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;

/// The face's figures a font descriptor states, in its units.
#[derive(Debug, Clone, Copy)]
pub struct Metrics {
    pub units_per_em: u16,
    pub ascent: i16,
    pub descent: i16,
    pub cap_height: i16,
    pub bbox: [i16; 4],
    pub weight: u16,
}

impl Metrics {
    pub fn of(face: &ttf_parser::Face) -> Metrics {
        let b = face.global_bounding_box();
        Metrics {
            units_per_em: face.units_per_em(),
            ascent: face.ascender(),
            descent: face.descender(),
            cap_height: face.capital_height().unwrap_or(face.ascender()),
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            weight: face.weight().to_number(),
        }
    }

    /// Font units to the thousandths of an em PDF measures glyphs in.
    fn scaled(&self, units: i32) -> i64 {
        (f64::from(units) * 1000.0 / f64::from(self.units_per_em.max(1))).round() as i64
    }
}

/// The working face's CFF program, each glyph's CID and each CID's glyph: what a
/// document's font is cut from.
pub struct Cuttable {
    bytes: Vec<u8>,
    cid_of_glyph: Vec<u16>,
    glyph_of_cid: HashMap<u16, u16>,
    metrics: Metrics,
    /// The face's PostScript name (NotoSansCJKsc-Regular).
    name: String,
}

impl Cuttable {
    /// `None` unless the face's outlines are a CID-keyed CFF (as Noto Sans CJK's are): a
    /// face of another kind is embedded the way printpdf does it.
    pub fn new(face: &[u8], metrics: Metrics, name: &str) -> Option<Cuttable> {
        let cids = printpdf::font::cff_charset_gid_to_cid_map(face, 0)?;
        let mut cid_of_glyph = vec![0u16; cids.len()];
        for (gid, cid) in &cids {
            *cid_of_glyph.get_mut(usize::from(*gid))? = *cid;
        }
        Some(Cuttable {
            bytes: face.to_vec(),
            cid_of_glyph,
            glyph_of_cid: cids.into_iter().map(|(gid, cid)| (cid, gid)).collect(),
            metrics,
            name: name.to_string(),
        })
    }

    /// The CID of the face's glyph `gid`.
    pub fn cid(&self, gid: u16) -> Option<u16> {
        self.cid_of_glyph
            .get(usize::from(gid))
            .copied()
            .filter(|c| *c != 0)
    }

    /// The bare CFF of `.notdef` and the glyphs of `cids`.
    fn cut<'a>(&self, cids: impl Iterator<Item = &'a u16>) -> Option<Vec<u8>> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::prince::{subset, PrinceCmapTarget};
        let mut glyphs: Vec<u16> = cids
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

/// What the pages show: each CID with its character and its advance (font units).
pub type Shown = BTreeMap<u16, (char, u16)>;

/// The PDF of `pdf` (written by printpdf without the font, its text as CIDs of the working
/// face, not compressed) with the font `resource` added to every page: a Type0 font over
/// the bare CFF of the glyphs `shown`, its names tagged `tag+` as a subset's are; every
/// stream compressed. `None` if the face cannot be cut.
pub fn finish(
    mut pdf: Document,
    face: &Cuttable,
    shown: &Shown,
    resource: &str,
    tag: &str,
) -> Option<Vec<u8>> {
    let program = face.cut(shown.keys())?;
    let font = add_font(&mut pdf, face, shown, program, tag);
    for page in pdf.get_pages().into_values().collect::<Vec<_>>() {
        add_to_page(&mut pdf, page, resource, font)?;
    }
    compress(&mut pdf);
    let mut out = Vec::new();
    pdf.save_to(&mut out).ok()?;
    Some(out)
}

fn name(n: &str) -> Object {
    Object::Name(n.as_bytes().to_vec())
}

/// The Type0 font and what it refers to; its id.
fn add_font(
    pdf: &mut Document,
    face: &Cuttable,
    shown: &Shown,
    program: Vec<u8>,
    tag: &str,
) -> ObjectId {
    let m = &face.metrics;
    let tagged = format!("{tag}+{}", face.name);
    let mut program = Stream::new(
        Dictionary::from_iter([("Subtype", name("CIDFontType0C"))]),
        program,
    );
    program.allows_compression = true;
    let program = pdf.add_object(program);
    // Flags 32: nonsymbolic; StemV estimated from the weight class, as producers do.
    let stem_v = 50 + (f64::from(m.weight) / 65.0).powi(2).round() as i64;
    let descriptor = pdf.add_object(Dictionary::from_iter([
        ("Type", name("FontDescriptor")),
        ("FontName", name(&tagged)),
        ("Ascent", m.scaled(m.ascent.into()).into()),
        ("Descent", m.scaled(m.descent.into()).into()),
        ("CapHeight", m.scaled(m.cap_height.into()).into()),
        ("ItalicAngle", 0.into()),
        ("Flags", 32.into()),
        ("StemV", stem_v.into()),
        (
            "FontBBox",
            Object::Array(
                m.bbox
                    .iter()
                    .map(|v| m.scaled((*v).into()).into())
                    .collect(),
            ),
        ),
        ("FontFile3", Object::Reference(program)),
    ]));
    let cid_font = Dictionary::from_iter([
        ("Type", name("Font")),
        ("Subtype", name("CIDFontType0")),
        ("BaseFont", name(&tagged)),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter([
                (
                    "Registry",
                    Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                ),
                (
                    "Ordering",
                    Object::String(b"Identity".to_vec(), StringFormat::Literal),
                ),
                ("Supplement", 0.into()),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("DW", 1000.into()),
        ("W", Object::Array(widths(shown, m))),
    ]);
    let mut to_unicode = Stream::new(Dictionary::new(), to_unicode(shown).into_bytes());
    to_unicode.allows_compression = true;
    let to_unicode = pdf.add_object(to_unicode);
    pdf.add_object(Dictionary::from_iter([
        ("Type", name("Font")),
        ("Subtype", name("Type0")),
        ("BaseFont", name(&tagged)),
        ("Encoding", name("Identity-H")),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Dictionary(cid_font)]),
        ),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]))
}

/// `/W`: runs of consecutive CIDs, `c [w1 w2 …]`.
fn widths(shown: &Shown, m: &Metrics) -> Vec<Object> {
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut first = 0u16;
    let mut next = None;
    for (cid, (_, advance)) in shown {
        if next != Some(*cid) && !run.is_empty() {
            out.push(i64::from(first).into());
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            first = *cid;
        }
        run.push(m.scaled((*advance).into()).into());
        next = cid.checked_add(1);
    }
    if !run.is_empty() {
        out.push(i64::from(first).into());
        out.push(Object::Array(run));
    }
    out
}

/// The ToUnicode CMap (Adobe technical note 5411): each CID to its character, so a reader
/// can search and copy the text.
fn to_unicode(shown: &Shown) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = shown.iter().collect();
    // At most 100 entries a block.
    for block in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", block.len());
        for (cid, (c, _)) in block {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{cid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

/// Names the font `resource` in the page's resources.
fn add_to_page(pdf: &mut Document, page: ObjectId, resource: &str, font: ObjectId) -> Option<()> {
    let resources = dict_object(pdf, page, b"Resources")?;
    let fonts = dict_object(pdf, resources, b"Font")?;
    let fonts = pdf.get_object_mut(fonts).ok()?.as_dict_mut().ok()?;
    fonts.set(resource, Object::Reference(font));
    Some(())
}

/// The object holding the dictionary at `key` of the dictionary object `holder`. An inline
/// dictionary (or a missing one, made empty) becomes an object of its own, referred to from
/// `holder`; printpdf refers to both the resources and their fonts already.
fn dict_object(pdf: &mut Document, holder: ObjectId, key: &[u8]) -> Option<ObjectId> {
    let dict = match pdf.get_object(holder).ok()?.as_dict().ok()?.get(key) {
        Ok(Object::Reference(id)) => return Some(*id),
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(_) => return None,
        Err(_) => Dictionary::new(),
    };
    let id = pdf.add_object(dict);
    let holder = pdf.get_object_mut(holder).ok()?.as_dict_mut().ok()?;
    holder.set(key, Object::Reference(id));
    Some(id)
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
