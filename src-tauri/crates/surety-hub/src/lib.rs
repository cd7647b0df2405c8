//! The provincial finance office's hub: installations registered by their
//! Ed25519 keys send signed quarterly envelopes; the hub checks each one, keeps every
//! revision (the current one per installation, city, period and dataset counts), answers
//! with a receipt signed by its own key and its own clock, and shows the province's sums.
//!
//! `intake` checks an envelope; `repo` decides what to keep (backends: `postgres`,
//! `sqlite`); `province` sums; `api` is the HTTP surface; `workbook` the Excel export.

pub mod api;
pub mod dataset;
pub mod intake;
pub mod postgres;
pub mod province;
pub mod refusal;
pub mod repo;
pub mod sqlite;
pub mod tls;
pub mod workbook;

use repo::{HubResult, Repository};
use surety_sync::Identity;

/// The largest envelope taken (a quarter of one city is a few tens of kilobytes).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The hub's meta key for its signing key (hex seed).
const SIGNING_KEY: &str = "hub_signing_key";

/// A running hub: its storage and its receipt-signing identity.
pub struct Hub<R: Repository> {
    pub repo: R,
    pub identity: Identity,
}

impl<R: Repository> Hub<R> {
    /// The hub over `repo`, its signing key made on first use.
    pub async fn open(repo: R) -> HubResult<Hub<R>> {
        let identity = identity(&repo).await?;
        Ok(Hub { repo, identity })
    }
}

/// The hub's signing key, made and stored the first time.
pub async fn identity<R: Repository>(repo: &R) -> HubResult<Identity> {
    let held = repo
        .meta_or_insert(SIGNING_KEY, &Identity::generate().to_hex())
        .await?;
    Identity::from_hex(&held).map_err(|e| repo::HubError::Storage(format!("the hub key: {e}")))
}
