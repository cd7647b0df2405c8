//! The small-loan guarantee insurance pilot's rules, as pure functions over typed values.
//!
//! No I/O, no clock, no floats. Each rule carries the id it has in `shared/DOMAIN.md`
//! (`R-RATE-1`, …), so searching an id finds its code and its tests.

pub mod accident;
pub mod borrower;
pub mod capital;
pub mod case_status;
pub mod city;
pub mod claim;
pub mod coinsurance;
pub mod credit_report;
pub mod eligibility;
pub mod identity;
pub mod loss_ratio;
pub mod money;
pub mod npl;
pub mod passwords;
pub mod prepayment;
pub mod process;
pub mod quarter;
pub mod quote;
pub mod rate_table;
pub mod rule;
pub mod schedule;
pub mod settings;
pub mod subsidy;
pub mod violation;
mod written;

pub use borrower::BorrowerKind;
pub use capital::capital_amount;
pub use case_status::CaseStatus;
pub use city::City;
pub use coinsurance::{split_loss, LossSplit, Pool, PoolMember};
pub use eligibility::Side;
pub use identity::{CreditCode, ResidentId};
pub use loss_ratio::{LossRatio, PilotYear};
pub use money::{Money, Rate};
pub use npl::LoanClass;
pub use quarter::Quarter;
pub use quote::{quote, Fee, LoanTerms, Quote};
pub use rate_table::{RateTable, ReferenceKind, ReferenceRate};
pub use rule::Rule;
pub use schedule::{Installment, RepaymentMethod};
pub use settings::Settings;
pub use violation::Violation;
