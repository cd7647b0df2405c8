//! Site visits, peers, field laptops and bundles between installations.

use crate::chooser;
use crate::session::Session;
use surety::api::DeskError;
use surety::api::{
    ConflictView, Enrolled, Exported, FieldEnrolInput, ImportReport, PeerInput, PeerView,
    ResolveInput, SiteVisitInput, SiteVisitView, Unsent, WaitingView,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::{BatchProgress, R};

/// The site visit this installation holds for a case (`null` if none yet).
#[tauri::command(async)]
#[specta::specta]
pub fn site_visit(session: State<Session>, case_no: String) -> R<Option<SiteVisitView>> {
    session.with(|d| d.site_visit(&case_no))
}

/// Records or corrects the site visit, on top of the revision the form showed.
#[tauri::command(async)]
#[specta::specta]
pub fn record_site_visit(session: State<Session>, input: SiteVisitInput) -> R<SiteVisitView> {
    session.with(|d| d.record_site_visit(&input))
}

/// The installations bundles are exchanged with.
#[tauri::command(async)]
#[specta::specta]
pub fn peers(session: State<Session>) -> R<Vec<PeerView>> {
    session.with(|d| d.peers())
}

/// Registers another installation for bundles (admins).
#[tauri::command(async)]
#[specta::specta]
pub fn add_peer(session: State<Session>, input: PeerInput) -> R<PeerView> {
    session.with(|d| d.add_peer(&input))
}

/// Enrols a field laptop: the sealed enrolment file goes where the admin chooses (to carry
/// to the laptop on a stick) and the laptop becomes a peer. `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn enrol_field(
    app: AppHandle,
    session: State<Session>,
    input: FieldEnrolInput,
    passphrase: String,
) -> R<Option<Enrolled>> {
    // Checked before the dialog: a bad form is told at once, not after choosing a file.
    session.with(|d| d.check_field_enrolment(&input, &passphrase))?;
    let name = format!("{}.enrol", input.prefix.trim().to_lowercase());
    let Some(path) = chooser::save_as(
        &app,
        "保存外勤笔记本登记文件 / Save the laptop's enrolment",
        &name,
        ("Surety enrolment", &["enrol"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| d.enrol_field_to(&input, &passphrase, &path).map(Some))
}

/// What has not left this installation yet (a field laptop's unsent work).
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_unsent(session: State<Session>) -> R<Vec<Unsent>> {
    session.with(|d| d.waiting_to_send())
}

/// Writes a bundle for the peer `to` (the cases picked, or everything it has not had yet)
/// where the user chooses. `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_export(
    app: AppHandle,
    session: State<Session>,
    to: String,
    cases: Vec<String>,
    on_progress: Channel<BatchProgress>,
) -> R<Option<Exported>> {
    let name = format!(
        "surety-to-{}.bundle",
        to.chars().take(8).collect::<String>()
    );
    let Some(path) = chooser::save_as(
        &app,
        "保存数据包 / Save the bundle",
        &name,
        ("Surety bundle", &["bundle"]),
    ) else {
        return Ok(None);
    };
    let mut progress = progress_to(&on_progress);
    session.with(|d| {
        d.export_bundle_with(&to, &path, &cases, &mut |done, total| {
            progress(done, total, "")
        })
        .map(Some)
    })
}

/// Picks a bundle in the system's dialog and says what it would change (nothing is
/// written); the bundle's place is kept for `bundle_apply`, which opens and checks it
/// again. `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_preview(
    app: AppHandle,
    session: State<Session>,
    on_progress: Channel<BatchProgress>,
) -> R<Option<ImportReport>> {
    let Some(path) = chooser::open_file(
        &app,
        "选择数据包 / Choose a bundle",
        ("Surety bundle", &["bundle"]),
    ) else {
        return Ok(None);
    };
    let report =
        session.with(|d| d.import_bundle_file(&path, false, &mut progress_to(&on_progress)))?;
    *session
        .pending_bundle
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(path);
    Ok(Some(report))
}

/// Takes in the bundle last previewed, saying how far it got.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_apply(
    session: State<Session>,
    on_progress: Channel<BatchProgress>,
) -> R<ImportReport> {
    let path = session
        .pending_bundle
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| {
            DeskError::invalid(
                "file",
                "请先选择并预览数据包",
                "choose and preview a bundle first",
            )
        })?;
    session.with(|d| d.import_bundle_file(&path, true, &mut progress_to(&on_progress)))
}

/// Progress sent to the window: (done, total, case; "" while the bundle is checked).
fn progress_to(channel: &Channel<BatchProgress>) -> impl FnMut(usize, usize, &str) + '_ {
    move |done, total, case_no| {
        let _ = channel.send(BatchProgress {
            done: done as u32,
            total: total as u32,
            case_no: case_no.to_string(),
        });
    }
}

/// Sections changed on both sides (open ones; all with `all`).
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_conflicts(session: State<Session>, all: bool) -> R<Vec<ConflictView>> {
    session.with(|d| d.conflicts(all))
}

#[tauri::command(async)]
#[specta::specta]
pub fn resolve_conflict(session: State<Session>, input: ResolveInput) -> R<ConflictView> {
    session.with(|d| d.resolve_conflict(&input))
}

/// Changes waiting for the case or revision they build on.
#[tauri::command(async)]
#[specta::specta]
pub fn bundle_backlog(session: State<Session>) -> R<Vec<WaitingView>> {
    session.with(|d| d.backlog())
}
