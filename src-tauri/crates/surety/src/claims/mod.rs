//! Claims on the guarantee policy (filed, paid with the pool's split, refused, delayed),
//! recovery after a claim, and accident claims.
//!
//! May use: `desk`, `installation`, `case_file`, `origination`, `stop`.

pub(crate) mod accident;
pub(crate) mod claim;
pub(crate) mod payment_preview;
pub(crate) mod settlement;
