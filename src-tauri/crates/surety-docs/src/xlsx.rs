//! The one spreadsheet writer: sheets of typed cells with Chinese headers, money and
//! percent number formats, a frozen header row. The case list, a borrower's schedule and
//! (later) the quarterly report all go through `workbook`.

use crate::error::DocsResult;
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
