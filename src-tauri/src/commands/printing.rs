//! Documents of a case and exports of the case list: the path is chosen here, in the
//! system's dialog, never by the webview.

use crate::chooser::{self, Choice};
use crate::session::Session;
use serde::Serialize;
use std::sync::atomic::Ordering;
use surety::api::{CaseListInput, DeskError, FlaggedBorrower};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::{printed, Printed, R};
use surety::api::dto::DocumentKind;

/// Asks where to save (the system's dialog, run here), writes the document of a case
/// there and, if asked, opens it in the system's PDF viewer. `null` if the user cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn print_document(
    app: AppHandle,
    session: State<Session>,
    document: DocumentKind,
    case_no: String,
    open: bool,
) -> R<Option<Printed>> {
    let name = format!("{}-{}.pdf", case_no.trim(), document.code());
    let Some(path) = chooser::save_as(&app, "保存 PDF / Save PDF", &name, ("PDF", &["pdf"]))
    else {
        return Ok(None);
    };
    session.with(|d| {
        let done = d.print_to(document.code(), &case_no, &path)?;
        // Only the absolute path of the file just written is handed to the viewer.
        let opened = open && opener::open(&done.path).is_ok();
        Ok(Some(printed(done, opened)))
    })
}

/// A document as base64 PDF bytes, for the preview inside the window (on the audit record).
#[tauri::command(async)]
#[specta::specta]
pub fn print_preview(
    session: State<Session>,
    document: DocumentKind,
    case_no: String,
) -> R<String> {
    use base64::Engine;
    session.with(|d| {
        let bytes = d.preview(document.code(), &case_no)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    })
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub case_no: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BatchResult {
    pub folder: String,
    pub written: u32,
    pub cancelled: bool,
}

/// The folder a batch print writes into, chosen in the system's dialog and kept here for
/// `print_batch`; returns it for display, `null` if the user cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_batch_folder(app: AppHandle, session: State<Session>) -> Option<String> {
    let folder = chooser::choose(
        &app,
        Choice::Folder {
            title: "选择保存文件夹 / Choose a folder",
        },
    )?;
    let shown = folder.display().to_string();
    *session
        .batch_folder
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(folder);
    Some(shown)
}

/// One document for every case the list's filter matches, into the folder chosen with
/// `choose_batch_folder`; progress after each file; `cancel_print_batch` stops it after
/// the file being written.
#[tauri::command(async)]
#[specta::specta]
pub fn print_batch(
    session: State<Session>,
    document: DocumentKind,
    filter: CaseListInput,
    on_progress: Channel<BatchProgress>,
) -> R<BatchResult> {
    let folder = session
        .batch_folder
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| {
            DeskError::invalid("folder", "请先选择保存文件夹", "choose a folder first")
        })?;
    session.cancel.store(false, Ordering::SeqCst);
    let mut cancelled = false;
    let written = session.with(|d| {
        d.print_batch(document.code(), &filter, &folder, |done, total, case_no| {
            let _ = on_progress.send(BatchProgress {
                done: done as u32,
                total: total as u32,
                case_no: case_no.to_string(),
            });
            cancelled = session.cancel.load(Ordering::SeqCst);
            !cancelled
        })
    })?;
    Ok(BatchResult {
        folder: folder.display().to_string(),
        written: written.len() as u32,
        cancelled,
    })
}

/// Not async and never touches the desk: it must get through while a batch holds it.
#[tauri::command]
#[specta::specta]
pub fn cancel_print_batch(session: State<Session>) {
    session.cancel.store(true, Ordering::SeqCst);
}

/// The filtered case list as an XLSX file locked with `password`, saved where the user
/// chooses in the system's dialog; `null` if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_cases(
    app: AppHandle,
    session: State<Session>,
    filter: CaseListInput,
    password: String,
) -> R<Option<Printed>> {
    surety::api::check_export_password(&password)?;
    let Some(path) = chooser::save_as(
        &app,
        "导出 Excel / Export to Excel",
        "案件列表.xlsx",
        ("Excel", &["xlsx"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| {
        Ok(Some(printed(
            d.export_cases_to(&filter, &password, &path)?,
            false,
        )))
    })
}

/// R-DEFAULT-1: the flagged borrowers this user's work touches, for the authorities.
#[tauri::command(async)]
#[specta::specta]
pub fn flagged_borrowers(session: State<Session>) -> R<Vec<FlaggedBorrower>> {
    session.with(|d| d.flagged_borrowers())
}

/// The flagged borrowers as an XLSX file locked with `password`, saved where the user
/// chooses; `null` if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn export_flagged(
    app: AppHandle,
    session: State<Session>,
    password: String,
) -> R<Option<Printed>> {
    surety::api::check_export_password(&password)?;
    let Some(path) = chooser::save_as(
        &app,
        "导出恶意逃废债名单 / Export the flagged borrowers",
        "恶意逃废债名单.xlsx",
        ("Excel", &["xlsx"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(printed(d.export_flagged_to(&password, &path)?, false))))
}
