//! The loan after disbursement: repayments, overdue states, prepayment and pay-off,
//! closing, and the bank's book of loans.
//!
//! May use: `desk`, `installation`, `case_file`, `origination`, `stop`, `claims`.

pub(crate) mod bank_book;
pub(crate) mod early_repayment;
pub(crate) mod repayment;
pub(crate) mod value_date;
