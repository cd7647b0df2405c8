//! The desk: the signed-in session over an unlocked database, and what every use case
//! shares — errors and their codes, text limits and parsers of input, paths and output
//! files, access checks and the step gate of the process model, the DTOs of the bindings.
//!
//! May use: the crates below the service layer only. Every other folder uses this one.

pub(crate) mod about;
pub(crate) mod access;
pub(crate) mod bounded;
pub mod dto;
pub(crate) mod error;
pub(crate) mod error_code;
pub(crate) mod ids;
pub(crate) mod output;
pub(crate) mod parse;
pub(crate) mod paths;
pub(crate) mod replay;
pub(crate) mod session;
pub(crate) mod steps;
pub(crate) mod text;

pub(crate) use session::{settings_toml_without_rates, Desk};
