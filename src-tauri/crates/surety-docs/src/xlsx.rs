//! The one spreadsheet writer: sheets of typed cells with Chinese headers, money and
//! percent number formats, a frozen header row. The case list, a borrower's schedule and
//! (later) the quarterly report all go through `workbook`. Spreadsheets of case data leave
//! the app encrypted (`encrypted`): Excel and WPS open them with the password.

use crate::error::{DocsError, DocsResult};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use surety_domain::{Money, Rate};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// Written as a number with two decimals and thousands separators.
    Money(Money),
    /// Written as a fraction with a percent format.
    Percent(Rate),
    Int(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// (header, column width in characters)
    pub columns: Vec<(String, f64)>,
    pub rows: Vec<Vec<Cell>>,
}

/// Excel stores numbers as binary floating point: the exact decimal is converted only here,
/// at the last moment, and every amount keeps two decimals on screen.
fn excel_number(text: &str) -> f64 {
    text.parse().unwrap_or_default()
}

pub fn workbook(sheets: &[Sheet]) -> DocsResult<Vec<u8>> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#DCE6F2");
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.000%");
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (col, (title, width)) in sheet.columns.iter().enumerate() {
            let col = col as u16;
            ws.write_string_with_format(0, col, title, &header)?;
            ws.set_column_width(col, *width)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s)?,
                    Cell::Money(m) => {
                        ws.write_number_with_format(r, c, excel_number(&m.to_string()), &money)?
                    }
                    Cell::Percent(p) => {
                        ws.write_number_with_format(r, c, excel_number(&p.to_string()), &percent)?
                    }
                    Cell::Int(i) => ws.write_number(r, c, *i as f64)?,
                };
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

/// The workbook encrypted with a password (ECMA-376 agile encryption: AES-256, SHA-512,
/// 100,000 spins), as Excel writes it; nothing unencrypted is written on the way.
pub fn encrypted(xlsx: &[u8], password: &str) -> DocsResult<Vec<u8>> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer =
        ms_offcrypto_writer::Ecma376AgileWriter::create(&mut rand::rng(), password, &mut out)
            .map_err(DocsError::Encrypt)?;
    writer.write_all(xlsx).map_err(DocsError::Encrypt)?;
    writer.finalize().map_err(DocsError::Encrypt)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod encryption_tests {
    use super::*;

    #[test]
    fn an_encrypted_workbook_opens_with_its_password_only() {
        let plain = workbook(&[Sheet {
            name: "案件列表".into(),
            columns: vec![("借款人".into(), 20.0)],
            rows: vec![vec![Cell::Text("烟台金穗粮油有限公司".into())]],
        }])
        .unwrap();
        let locked = encrypted(&plain, "导出-2026").unwrap();
        let needle = "烟台金穗".as_bytes();
        assert!(!locked.windows(needle.len()).any(|w| w == needle));
        // The decrypting crate does not check the password; a wrong one yields noise.
        let wrong = office_crypto::decrypt_from_bytes(locked.clone(), "wrong-password");
        assert!(wrong.map_or(true, |bytes| bytes != plain));
        let opened = office_crypto::decrypt_from_bytes(locked, "导出-2026").unwrap();
        assert_eq!(opened, plain);
    }
}
