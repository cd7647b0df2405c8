//! The quarterly report to the province (R-REPORT-1): its figures, closing and reopening a
//! quarter, and the report as PDF and XLSX.

pub(crate) mod closing;
pub(crate) mod combined;
pub(crate) mod documents;
pub(crate) mod lines;
pub(crate) mod report;
pub(crate) mod workbook;
