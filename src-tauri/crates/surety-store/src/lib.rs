//! The encrypted case database: SQLCipher through rusqlite.
//!
//! One file per installation plus its key file (`<db>.keys`). Every write is one
//! transaction that also appends one hash-chained audit entry (`Store::write`).

pub mod accident_claims;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod book;
pub mod bundles;
pub mod cases;
pub mod compensations;
pub mod corrupt;
pub mod credit_reports;
pub mod error;
pub mod files;
pub mod keys;
pub mod migrations;
pub mod orgs;
pub mod outbox;
pub mod partners;
pub mod peers;
pub mod quarter_figures;
pub mod reference;
pub mod revisions;
pub mod schedules;
pub mod sections;
pub mod standings;
pub mod store;
pub mod users;
pub mod withdrawals;

pub use audit::{AuditNote, AuditReport};
pub use error::{StoreError, StoreResult};
pub use keys::{key_file_path, KdfParams};
pub use rusqlite::{Connection, Transaction};
pub use store::Store;
pub use users::{NewUser, Role, User};
