//! Printed documents and spreadsheet exports, rendered from stored cases.
//!
//! PDFs are A4, set in Noto Sans CJK SC embedded as a subset (with a ToUnicode map, so
//! `pdftotext` gives the Chinese back), numbered 第 n 页 共 m 页 with the document number
//! and a verification code on every page, and byte-for-byte reproducible.

// Page geometry is in floating-point millimetres and points; money never is.
#![allow(clippy::float_arithmetic)]

pub mod archive;
pub mod documents;
pub mod embed;
pub mod error;
pub mod font;
pub mod format;
pub mod images;
pub mod layout;
pub mod model;
pub mod report;
pub mod xlsx;

pub use documents::{render, verification_code, DocKind};
pub use error::{DocsError, DocsResult};
pub use model::{CaseDocument, ClaimFigures, PoolShare};
