//! The province's hub: this installation's identity, the hub's address, the outbox.

use crate::session::Session;
use surety::api::{HubInput, PushSummary, SyncIdentity, SyncStatus};
use tauri::State;

use super::R;

/// The installation's identity for registration at the hub (made on first use by an admin).
#[tauri::command(async)]
#[specta::specta]
pub fn sync_identity(session: State<Session>) -> R<SyncIdentity> {
    session.with(|d| d.sync_identity())
}

/// The outbox: the envelopes closing quarters wrote, newest first, and the hub's state.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_status(session: State<Session>) -> R<SyncStatus> {
    session.with(|d| d.sync_status())
}

/// Sets or clears the provincial hub (admins).
#[tauri::command(async)]
#[specta::specta]
pub fn set_hub(session: State<Session>, input: HubInput) -> R<SyncStatus> {
    session.with(|d| d.set_hub(&input))
}

/// Sends every pending envelope now (the app also does it by itself, with backoff). The
/// database is not held while the hub answers.
#[tauri::command]
#[specta::specta]
pub async fn sync_push(session: State<'_, Session>) -> R<PushSummary> {
    let Some(round) = session.with(|d| d.sync_round(true))? else {
        return Err(surety::api::not_configured());
    };
    let outcomes = surety::api::deliver(round).await;
    session.with(|d| d.sync_record(outcomes.clone()))
}
