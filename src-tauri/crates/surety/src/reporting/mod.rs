//! Figures over the book: loss ratios, the dashboard, subsidies, credit reporting, the
//! quarterly report and the outbox to the province's hub.
//!
//! May use: `desk`, `installation`, `case_file`, `origination`, `stop`, `claims`,
//! `servicing`.

pub(crate) mod credit;
pub(crate) mod credit_correction;
pub(crate) mod dashboard;
pub(crate) mod loss_ratios;
pub(crate) mod quarter;
pub(crate) mod subsidies;
pub(crate) mod sync;
