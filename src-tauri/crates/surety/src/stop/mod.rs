//! The 150% stop line (R-STOP-1) and the city's compensation of what the insurers paid
//! past it (R-STOP-2).
//!
//! May use: `desk`, `installation`, `case_file`, `origination`.

pub(crate) mod compensation;
