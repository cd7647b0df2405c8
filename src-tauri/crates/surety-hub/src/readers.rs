//! The storage of who reads the province: the finance office's readers, their sessions and
//! the record of what each read (`access` decides; the backends keep).

use crate::repo::HubResult;
use serde::Serialize;
use std::future::Future;

/// A member of the finance office's staff who may read the province's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reader {
    pub username: String,
    pub display_name: String,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

/// One read of the province's figures, as the hub recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadEntry {
    pub username: String,
    pub at: String,
    pub what: String,
}

/// The readers' storage, beside the envelopes' (`Repository`).
pub trait Readers: Clone + Send + Sync + 'static {
    /// Adds a reader with the hash of their password; `Invalid` if the name is taken.
    fn add_reader(
        &self,
        reader: &Reader,
        password_hash: &str,
    ) -> impl Future<Output = HubResult<()>> + Send;
    /// A reader and their password's hash.
    fn reader(
        &self,
        username: &str,
    ) -> impl Future<Output = HubResult<Option<(Reader, String)>>> + Send;
    fn readers(&self) -> impl Future<Output = HubResult<Vec<Reader>>> + Send;
    /// Whether a reader not disabled had their password replaced (their sessions end).
    fn set_reader_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> impl Future<Output = HubResult<bool>> + Send;
    /// Whether a reader not yet disabled was disabled now (their sessions end).
    fn disable_reader(
        &self,
        username: &str,
        at: &str,
    ) -> impl Future<Output = HubResult<bool>> + Send;
    fn open_session(
        &self,
        token_sha256: &str,
        username: &str,
        times: (&str, &str),
    ) -> impl Future<Output = HubResult<()>> + Send;
    /// The reader a session token (its hash) signs in, if it has not expired at `now` and
    /// the reader is not disabled.
    fn session_reader(
        &self,
        token_sha256: &str,
        now: &str,
    ) -> impl Future<Output = HubResult<Option<Reader>>> + Send;
    fn close_session(&self, token_sha256: &str) -> impl Future<Output = HubResult<()>> + Send;
    fn record_read(&self, entry: &ReadEntry) -> impl Future<Output = HubResult<()>> + Send;
    /// The newest `limit` reads, newest first.
    fn reads(&self, limit: i64) -> impl Future<Output = HubResult<Vec<ReadEntry>>> + Send;
}
