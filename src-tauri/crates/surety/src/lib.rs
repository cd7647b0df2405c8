//! The service layer of Surety Desk.
//!
//! Every use case is one function or `Desk` method here; the Tauri commands, the `surety`
//! CLI and the end-to-end tests call this crate and nothing below it.

pub mod about;
pub mod error;
pub mod quote;

pub use about::{app_info, AppInfo, CityInfo};
pub use error::{DeskError, DeskResult};
pub use quote::{quote, quote_input_from_json, QuoteInput};
