//! The service layer of Surety Desk.
//!
//! `Desk` is an unlocked database plus the signed-in user; every use case is one method,
//! one transaction and one audit entry, with permissions and input validation checked
//! here. The Tauri commands, the `surety` CLI and the end-to-end tests call this crate and
//! nothing below it.

pub mod about;
pub mod accident_claim;
pub mod admin;
pub mod api;
pub mod attachments;
pub mod bank_book;
pub mod bundles;
pub mod case_access;
pub mod case_flow;
pub mod case_inputs;
pub mod claim_settlement;
pub mod compensation;
pub mod configuration;
pub mod credit_reporting;
pub mod dashboard;
pub mod defaults;
pub mod desk;
pub mod dto;
pub mod early_repayment;
pub mod error;
pub mod error_code;
pub mod field;
pub mod intake;
pub mod loan_flow;
pub mod merge;
pub mod output;
pub mod partners;
pub mod paths;
pub mod peers;
pub mod printing;
pub mod quarter_closing;
pub mod quarter_documents;
pub mod quarter_report;
pub mod quote;
pub mod site_visits;
pub mod steps;
pub mod subsidies;
pub mod sync;
pub mod text;
pub mod views;
pub mod withdrawal;

pub use about::{app_info, AppInfo, CityInfo};
pub use desk::Desk;
pub use error::{DeskError, DeskResult};
pub use quote::{quote, quote_input_from_json, QuoteInput};
pub use surety_store::{KdfParams, NewUser, Role};
