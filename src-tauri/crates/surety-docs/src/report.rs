//! A statistics report as a finance office files it (R-REPORT-1): a title, the period, the
//! issuing organisation and the state of the figures as labelled fields, then numbered
//! tables of figures, page numbers on every page. The service layer fills `TabularReport`;
//! this module only lays it out, so any report (the quarter, later others) prints the same.

use crate::error::DocsResult;
use crate::font::cjk_font;
use crate::layout::{Align, Column, Composer, LEFT, RIGHT};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq)]
pub struct ReportColumn {
    pub title: String,
    /// A share of the page width; the columns of a table are scaled to fill it.
    pub weight: f32,
    /// Figures are right-aligned, names left.
    pub numeric: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    pub title: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<Vec<String>>,
    /// A note under the table (a definition, what a figure includes).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TabularReport {
    pub title: String,
    /// The report's number in the footer, e.g. `R-REPORT-1 2016Q3 r2`.
    pub number: String,
    /// (label, value) rows under the title: period, issuer, as-of, state.
    pub fields: Vec<(String, String)>,
    pub tables: Vec<ReportTable>,
}

/// The PDF; the footer's verification code is the first 8 hex digits of the SHA-256 of
/// everything the report states, so two prints of the same figures carry the same code.
pub fn tabular_report(r: &TabularReport) -> DocsResult<Vec<u8>> {
    let font = cjk_font()?;
    let mut hash = Sha256::new();
    hash.update(r.title.as_bytes());
    for t in &r.tables {
        for row in &t.rows {
            for cell in row {
                hash.update(cell.as_bytes());
                hash.update([0]);
            }
        }
    }
    let code = hex::encode(&hash.finalize()[..4]).to_uppercase();
    let mut p = Composer::new(font, &r.title, &r.number, &code);
    p.title(&r.title);
    p.gap(2.0);
    let fields: Vec<(&str, String)> = r
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    p.fields(&fields);
    for t in &r.tables {
        p.heading(&t.title);
        let total: f32 = t.columns.iter().map(|c| c.weight).sum();
        let cols: Vec<Column<'_>> = t
            .columns
            .iter()
            .map(|c| Column {
                title: &c.title,
                width: (RIGHT - LEFT) * c.weight / total,
                align: if c.numeric { Align::Right } else { Align::Left },
            })
            .collect();
        if t.rows.is_empty() {
            p.table(&cols, &[vec!["本期无数据 / none".to_string()]]);
        } else {
            p.table(&cols, &t.rows);
        }
        if let Some(note) = &t.note {
            p.paragraph(note);
        }
    }
    Ok(p.finish())
}
