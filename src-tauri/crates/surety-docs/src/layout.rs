//! A small page composer for A4 business documents: titles, wrapped paragraphs, label–
//! value fields, tables that break across pages with their header repeated, signature
//! blocks, and a footer on every page (第 n 页 共 m 页, document number, verification code).
//!
//! Layout works in millimetres from the top-left; PDF wants points from the bottom-left.

use crate::font::CjkFont;
use printpdf::{
    Codepoint, FontId, Line, LinePoint, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem,
};

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const LEFT: f32 = 20.0;
pub const RIGHT: f32 = 190.0;
const TOP: f32 = 22.0;
/// Content stops here; the footer lives below.
const BOTTOM: f32 = 272.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

pub struct Column<'a> {
    pub title: &'a str,
    pub width: f32,
    pub align: Align,
}

pub struct Composer {
    font: &'static CjkFont,
    font_id: FontId,
    /// A character outside the font's working set was set: embed from the whole face.
    outside_working_set: bool,
    doc: PdfDocument,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The font size and line width set on the page so far: each is written when it
    /// changes, not before every text and line (a contract's page holds hundreds).
    size_in_force: Option<f32>,
    thickness_in_force: Option<f32>,
    y: f32,
    title: String,
    doc_no: String,
    verification: String,
}

/// How many documents this process embedded from the whole face (a character outside the
/// working set): the tests check the documents' own text never needs it.
pub static FULL_FACE_DOCUMENTS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

fn point(x: f32, y_from_top: f32) -> Point {
    Point {
        x: Mm(x).into(),
        y: Mm(PAGE_H - y_from_top).into(),
    }
}

impl Composer {
    pub fn new(font: &'static CjkFont, title: &str, doc_no: &str, verification: &str) -> Composer {
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.producer = "Surety Desk".into();
        // A fixed resource name instead of add_font's random one (same case, same bytes);
        // its first six capitals become the subset tag (SURETY+NotoSansCJKsc-Regular).
        let font_id = FontId("SURETYNOTOSANSCJKSC".into());
        Composer {
            font,
            font_id,
            outside_working_set: false,
            doc,
            pages: Vec::new(),
            ops: Vec::new(),
            size_in_force: None,
            thickness_in_force: None,
            y: TOP,
            title: title.into(),
            doc_no: doc_no.into(),
            verification: verification.into(),
        }
    }

    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.font.width(text, size) / PT_PER_MM
    }

    /// Text with its baseline at `y` (mm from the top).
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.outside_working_set |= !self.font.covers(text);
        self.ops.push(Op::StartTextSection);
        // Text is filled in the page's initial colour, black (ISO 32000-1, 8.4.1).
        if self.size_in_force != Some(size) {
            self.size_in_force = Some(size);
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            });
        }
        self.ops.extend([
            Op::SetTextCursor { pos: point(x, y) },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn aligned(&mut self, x: f32, width: f32, y: f32, size: f32, text: &str, align: Align) {
        let w = self.width(text, size);
        let x = match align {
            Align::Left => x + 1.5,
            Align::Right => x + width - 1.5 - w,
            Align::Center => x + (width - w) / 2.0,
        };
        self.text(x, y, size, text);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        // Lines are stroked in the page's initial colour, black.
        if self.thickness_in_force != Some(thickness) {
            self.thickness_in_force = Some(thickness);
            self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        }
        self.ops.extend([Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: point(x1, y1),
                        bezier: false,
                    },
                    LinePoint {
                        p: point(x2, y2),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        }]);
    }

    fn new_page(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        self.size_in_force = None;
        self.thickness_in_force = None;
        self.y = TOP;
    }

    /// Starts a new page unless `height` mm still fit on this one.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// Splits `text` into lines no wider than `width` mm. Chinese breaks between any two
    /// characters; a run of Latin letters or digits is kept whole where it fits.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut word = String::new();
            let flush_word = |line: &mut String, word: &mut String, lines: &mut Vec<String>| {
                if self.width(&format!("{line}{word}"), size) > width && !line.is_empty() {
                    lines.push(std::mem::take(line));
                }
                while self.width(word, size) > width {
                    let mut head = String::new();
                    for c in word.chars() {
                        if self.width(&format!("{head}{c}"), size) > width {
                            break;
                        }
                        head.push(c);
                    }
                    if head.is_empty() {
                        break;
                    }
                    *word = word[head.len()..].to_string();
                    lines.push(head);
                }
                line.push_str(word);
                word.clear();
            };
            for c in paragraph.chars() {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | '%' | '/' | ':') {
                    word.push(c);
                } else {
                    flush_word(&mut line, &mut word, &mut lines);
                    // Closing punctuation never starts a line (禁则): it hangs in the margin.
                    let hangs = "，。、；：？！）」』”’》".contains(c);
                    if !hangs && self.width(&format!("{line}{c}"), size) > width && !line.is_empty()
                    {
                        lines.push(std::mem::take(&mut line));
                    }
                    if !(line.is_empty() && c == ' ') {
                        line.push(c);
                    }
                }
            }
            flush_word(&mut line, &mut word, &mut lines);
            lines.push(line);
        }
        lines
    }

    pub fn title(&mut self, text: &str) {
        let size = 18.0;
        self.ensure(14.0);
        self.y += 8.0;
        let w = self.width(text, size);
        self.text((PAGE_W - w) / 2.0, self.y, size, text);
        self.y += 6.0;
    }

    /// A right-aligned line under the title, e.g. the document number.
    pub fn subtitle_right(&mut self, text: &str) {
        let size = 9.5;
        self.ensure(6.0);
        self.y += 4.0;
        let w = self.width(text, size);
        self.text(RIGHT - w, self.y, size, text);
        self.y += 3.0;
    }

    pub fn heading(&mut self, text: &str) {
        let size = 12.0;
        self.ensure(12.0);
        self.y += 7.0;
        self.text(LEFT, self.y, size, text);
        self.y += 2.5;
    }

    pub fn paragraph(&mut self, text: &str) {
        let size = 10.5;
        let leading = 5.6;
        for line in self.wrap(text, size, RIGHT - LEFT) {
            self.ensure(leading);
            self.y += leading;
            self.text(LEFT, self.y, size, &line);
        }
        self.y += 1.5;
    }

    /// Label–value rows in two columns; long values wrap under themselves.
    pub fn fields(&mut self, rows: &[(&str, String)]) {
        let size = 10.5;
        let leading = 5.6;
        let widest = rows
            .iter()
            .map(|(l, _)| self.width(&format!("{l}："), size))
            .fold(0.0, f32::max);
        let label_w = widest.max(30.0) + 3.0;
        for (label, value) in rows {
            let lines = self.wrap(value, size, RIGHT - LEFT - label_w);
            self.ensure(leading * lines.len() as f32);
            self.y += leading;
            self.text(LEFT, self.y, size, &format!("{label}："));
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    self.y += leading;
                }
                self.text(LEFT + label_w, self.y, size, l);
            }
        }
        self.y += 1.5;
    }

    /// A ruled table. Rows that do not fit continue on the next page under the header again.
    pub fn table(&mut self, cols: &[Column<'_>], rows: &[Vec<String>]) {
        let size = 9.0;
        let row_h = 6.2;
        let total_w: f32 = cols.iter().map(|c| c.width).sum();
        let draw_header = |c: &mut Composer| {
            let top = c.y;
            c.line(LEFT, top, LEFT + total_w, top, 0.8);
            let mut x = LEFT;
            for col in cols {
                c.aligned(x, col.width, top + 4.4, size, col.title, Align::Center);
                x += col.width;
            }
            c.y += row_h;
            c.line(LEFT, c.y, LEFT + total_w, c.y, 0.5);
        };
        self.ensure(row_h * 2.0 + 2.0);
        self.y += 2.0;
        draw_header(self);
        for row in rows {
            if self.ensure(row_h) {
                draw_header(self);
            }
            let top = self.y;
            let mut x = LEFT;
            for (col, cell) in cols.iter().zip(row) {
                let (cell_size, text) = self.fitted(cell, size, col.width - 3.0);
                self.aligned(x, col.width, top + 4.4, cell_size, &text, col.align);
                x += col.width;
            }
            self.y += row_h;
            self.line(LEFT, self.y, LEFT + total_w, self.y, 0.25);
        }
        self.y += 2.0;
    }

    /// A cell's text at a size that fits `width` mm: smaller down to 6.5 pt, then cut with
    /// an ellipsis (a long organisation name in a narrow column).
    fn fitted(&self, text: &str, size: f32, width: f32) -> (f32, String) {
        let mut s = size;
        while s > 6.5 && self.width(text, s) > width {
            s -= 0.5;
        }
        if self.width(text, s) <= width {
            return (s, text.to_string());
        }
        let mut cut: String = text.to_string();
        while !cut.is_empty() && self.width(&format!("{cut}…"), s) > width {
            cut.pop();
        }
        (s, format!("{cut}…"))
    }

    /// Signature and seal blocks side by side: (party, name) pairs.
    pub fn signatures(&mut self, parties: &[(&str, String)]) {
        let size = 10.5;
        self.ensure(40.0);
        self.y += 10.0;
        let col_w = (RIGHT - LEFT) / parties.len() as f32;
        let top = self.y;
        for (i, (party, name)) in parties.iter().enumerate() {
            let x = LEFT + col_w * i as f32;
            let mut y = top;
            for line in self.wrap(&format!("{party}：{name}"), size, col_w - 4.0) {
                y += 5.6;
                self.text(x, y, size, &line);
            }
            self.text(x, top + 20.0, size, "（签字 / 盖章）");
            self.text(x, top + 27.0, size, "日期：    年    月    日");
        }
        self.y = top + 30.0;
    }

    /// Adds the footer to every page and writes the PDF (the font embedded as a subset).
    pub fn finish(mut self) -> Vec<u8> {
        self.new_page();
        let total = self.pages.len();
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .enumerate()
            .map(|(i, ops)| {
                self.ops = ops;
                // What the page's last operations left in force is not tracked here.
                self.size_in_force = None;
                self.thickness_in_force = None;
                let y = 284.0;
                self.line(LEFT, y - 5.0, RIGHT, y - 5.0, 0.3);
                let left = format!("{}  编号 {}", self.title, self.doc_no);
                self.text(LEFT, y, 8.0, &left);
                let page = format!("第 {} 页 共 {} 页", i + 1, total);
                let w = self.width(&page, 8.0);
                self.text((PAGE_W - w) / 2.0 + 25.0, y, 8.0, &page);
                let code = format!("校验码 {}", self.verification);
                let w = self.width(&code, 8.0);
                self.text(RIGHT - w, y, 8.0, &code);
                PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), std::mem::take(&mut self.ops))
            })
            .collect();
        let cut = match &self.font.cuttable {
            Some(face) if !self.outside_working_set => {
                let mut shown = crate::embed::Shown::new();
                let as_set = pages
                    .iter()
                    .cloned()
                    .map(|mut page| {
                        as_cids(&mut page.ops, self.font, &mut shown);
                        page
                    })
                    .collect();
                // No font in the document's resources: printpdf writes the CIDs as they
                // are and leaves the font to `embed`.
                let doc = self.doc.with_pages(as_set);
                let plain = PdfSaveOptions {
                    subset_fonts: false,
                    optimize: false,
                    ..Default::default()
                };
                crate::embed::finish(
                    doc.to_lopdf_document(&plain, &mut Vec::new()),
                    face,
                    &shown,
                    &self.font_id.0,
                    // The font id's first six capitals: SURETY+NotoSansCJKsc-Regular.
                    "SURETY",
                )
            }
            _ => None,
        };
        let mut bytes = cut.unwrap_or_else(|| {
            let face = if self.outside_working_set {
                FULL_FACE_DOCUMENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                &self.font.parsed
            } else {
                &self.font.working
            };
            self.doc
                .resources
                .fonts
                .map
                .insert(self.font_id.clone(), PdfFont::new(face.clone()));
            let options = PdfSaveOptions {
                subset_fonts: true,
                ..Default::default()
            };
            self.doc.with_pages(pages).save(&options, &mut Vec::new())
        });
        stable_trailer_id(&mut bytes);
        bytes
    }
}

/// The text of `ops` as CIDs of the working face; each CID shown, with its character and
/// advance, into `shown` (the font's widths and ToUnicode map).
fn as_cids(ops: &mut [Op], font: &CjkFont, shown: &mut crate::embed::Shown) {
    for op in ops {
        let Op::ShowText { items } = op else { continue };
        for item in items.iter_mut() {
            let TextItem::Text(text) = item else { continue };
            let glyphs = text
                .chars()
                .map(|c| {
                    let cid = font.working_cid(c).unwrap_or(0);
                    if cid != 0 {
                        shown.insert(cid, (c, font.working_advance(c).unwrap_or(1000)));
                    }
                    Codepoint {
                        gid: cid,
                        offset: 0.0,
                        cid: None,
                    }
                })
                .collect();
            *item = TextItem::GlyphIds(glyphs);
        }
    }
}

/// printpdf writes a random file identifier into the trailer; replace it, in place and
/// with the same length, by one derived from everything before it, so that the same case
/// always prints to the same bytes.
fn stable_trailer_id(pdf: &mut [u8]) {
    use sha2::{Digest, Sha256};
    let Some(at) = pdf.windows(5).rposition(|w| w == b"/ID[(") else {
        return;
    };
    let digest = Sha256::digest(&pdf[..at]);
    let letters: Vec<u8> = digest
        .iter()
        .flat_map(|b| [b'A' + (b >> 4), b'A' + (b & 0x0f)])
        .collect();
    let mut i = at + 5;
    let mut k = 0;
    // Two parenthesised strings of letters: overwrite each character, keep the length.
    while i < pdf.len() && pdf[i] != b']' {
        if pdf[i].is_ascii_alphanumeric() {
            pdf[i] = letters[k % letters.len()];
            k += 1;
        }
        i += 1;
    }
}
