//! The provincial finance office's hub: installations registered by their
//! Ed25519 keys send signed quarterly envelopes; the hub checks each one, keeps every
//! revision (the current one per installation, city, period and dataset counts), answers
//! with a receipt signed by its own key and its own clock, and shows the province's sums.
//!
//! `intake` checks an envelope; `repo` decides what to keep (backends: `postgres`,
//! `sqlite`); `province` sums; `api` is the HTTP surface; `workbook` the Excel export.

pub mod access;
pub mod api;
pub mod dataset;
pub mod intake;
pub mod postgres;
pub mod province;
pub mod readers;
pub mod refusal;
pub mod repo;
pub mod signing_key;
pub mod sqlite;
pub mod throttle;
pub mod tls;
pub mod workbook;

use repo::{HubResult, Repository};
use std::path::Path;
use std::time::Duration;
use surety_sync::Identity;

/// The largest envelope taken (a quarter of one city is a few tens of kilobytes).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How a hub serves: limits a province may tune.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a request's body may take to arrive.
    pub body_deadline: Duration,
    /// Envelopes one installation (one public key) may send a minute: a desk sends a few a
    /// quarter and retries with back-off, so more is a fault or an attack.
    pub envelopes_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_deadline: Duration::from_secs(30),
            envelopes_per_minute: 60,
        }
    }
}

/// A running hub: its storage, its receipt-signing identity, who may read it.
pub struct Hub<R: Repository> {
    pub repo: R,
    pub identity: Identity,
    pub gate: access::Gate,
    pub limits: Limits,
    pub envelopes: throttle::Throttle,
    /// Served over TLS: the session cookie is marked Secure.
    pub tls: bool,
}

impl<R: Repository> Hub<R> {
    /// The hub over `repo`, signing with the key in `key_file` (made on first use).
    pub async fn open(repo: R, key_file: &Path, limits: Limits) -> HubResult<Hub<R>> {
        let identity = signing_key::load_or_make(&repo, key_file).await?;
        Ok(Hub {
            repo,
            identity,
            gate: access::Gate::default(),
            envelopes: throttle::Throttle::new(
                limits.envelopes_per_minute,
                Duration::from_secs(60),
            ),
            limits,
            tls: false,
        })
    }
}
