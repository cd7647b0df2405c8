//! The sections of a case after intake, each owned by one party: investigations,
//! review notes, decisions, exception approvals, contracts, premiums, disbursement,
//! repayments, overdue events, the claim, recoveries, subsidies.

mod claims;
mod figures;
mod flags;
mod record;
mod repayments;
mod underwriting;

pub use claims::*;
pub use figures::*;
pub use flags::*;
pub use record::*;
pub use repayments::*;
pub use underwriting::*;
