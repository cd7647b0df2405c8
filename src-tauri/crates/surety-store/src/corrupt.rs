//! A stored value that does not parse is an error naming where it is, never a default:
//! a damaged row must not turn into a wrong figure.

use rusqlite::types::Type;
use std::str::FromStr;

#[derive(Debug)]
pub struct Corrupt {
    pub table: &'static str,
    pub row: i64,
    pub column: &'static str,
    pub found: String,
}

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} row {}: column {} holds `{}`",
            self.table,
            self.row,
            self.column,
            self.found.chars().take(40).collect::<String>()
        )
    }
}

impl std::error::Error for Corrupt {}

/// The rusqlite error that carries a `Corrupt` out of a row mapper.
pub(crate) fn corrupt(
    table: &'static str,
    row: i64,
    column: &'static str,
    found: &str,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        Type::Text,
        Box::new(Corrupt {
            table,
            row,
            column,
            found: found.to_string(),
        }),
    )
}

/// `text` parsed as `T`, or the `Corrupt` error naming the table, row and column.
pub(crate) fn parsed<T: FromStr>(
    table: &'static str,
    row: i64,
    column: &'static str,
    text: &str,
) -> rusqlite::Result<T> {
    text.parse().map_err(|_| corrupt(table, row, column, text))
}

/// JSON stored in a column, or the `Corrupt` error.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    row: i64,
    column: &'static str,
    text: &str,
) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|_| corrupt(table, row, column, text))
}

/// A stored date: exactly `YYYY-MM-DD` (chrono alone would read "16-03-15" as year 16).
pub(crate) fn date(
    table: &'static str,
    row: i64,
    column: &'static str,
    text: &str,
) -> rusqlite::Result<chrono::NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(corrupt(table, row, column, text));
    }
    // Read digit by digit: a province's schedules are millions of dates, and a general
    // parser costs ten times as much.
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => chrono::NaiveDate::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| corrupt(table, row, column, text)),
        _ => Err(corrupt(table, row, column, text)),
    }
}
