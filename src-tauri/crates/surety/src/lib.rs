//! The service layer of Surety Desk.
//!
//! `Desk` is an unlocked database plus the signed-in user; every use case is one method,
//! one transaction and one audit entry, with permissions and input validation checked
//! here. The Tauri commands, the `surety` CLI and the end-to-end tests call this crate and
//! nothing below it.
//!
//! Its folders by capability, lowest first — each may use only folders before it:
//! `desk` → `installation` → `case_file` → `origination` → `stop` → `claims` →
//! `servicing` → `reporting` → `exchange`. The front ends reach them through `api` alone.

mod case_file;
mod claims;
mod desk;
mod exchange;
mod installation;
mod origination;
mod reporting;
mod servicing;
mod stop;

pub mod api;
