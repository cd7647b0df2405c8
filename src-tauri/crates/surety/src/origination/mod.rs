//! From application to loan: the quote, intake (at the counter, from a field laptop or a
//! partner office), both investigations and decisions, the R-AMT-1 exception, signing,
//! premiums, withdrawal, and defaulter flags.
//!
//! May use: `desk`, `installation`, `case_file`.

pub(crate) mod case_flow;
pub(crate) mod defaults;
pub(crate) mod inputs;
pub(crate) mod intake;
pub(crate) mod numbering;
pub(crate) mod quote;
pub(crate) mod replayed;
pub(crate) mod withdrawal;
