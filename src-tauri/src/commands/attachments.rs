//! A case's attachments: list, add from a file chosen here, thumbnails, content, save.

use crate::chooser;
use crate::session::Session;
use serde::Serialize;
use surety::api::{AttachInput, Attachment};
use tauri::{AppHandle, State};

use super::{printed, Printed, R};

/// A case's photos and scans (without their content).
#[tauri::command(async)]
#[specta::specta]
pub fn attachments(session: State<Session>, case_no: String) -> R<Vec<Attachment>> {
    session.with(|d| d.attachments(&case_no))
}

/// Picks a photo or scan in the system's dialog and attaches it to a section of the case.
/// `null` if the user cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn attach_file(
    app: AppHandle,
    session: State<Session>,
    input: AttachInput,
) -> R<Option<Attachment>> {
    let Some(path) = chooser::open_file(
        &app,
        "选择照片或扫描件 / Choose a photo or scan",
        ("JPEG, PNG, PDF", &["jpg", "jpeg", "png", "pdf"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| d.attach_file(&input, &path).map(Some))
}

/// An image's thumbnail as base64 JPEG (`null` for a PDF).
#[tauri::command(async)]
#[specta::specta]
pub fn attachment_thumbnail(session: State<Session>, uid: String) -> R<Option<String>> {
    use base64::Engine;
    session.with(|d| {
        Ok(d.attachment_thumbnail(&uid)?
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b)))
    })
}

/// A whole attachment for the viewer: its MIME type and base64 content.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AttachmentContent {
    pub attachment: Attachment,
    pub mime: String,
    pub base64: String,
}

#[tauri::command(async)]
#[specta::specta]
pub fn attachment_content(session: State<Session>, uid: String) -> R<AttachmentContent> {
    use base64::Engine;
    session.with(|d| {
        let (attachment, bytes) = d.attachment_content(&uid)?;
        Ok(AttachmentContent {
            mime: surety::api::mime_of(&attachment.kind).to_string(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            attachment,
        })
    })
}

/// Saves an attachment where the user chooses (on the audit record). `null` if cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn save_attachment(app: AppHandle, session: State<Session>, uid: String) -> R<Option<Printed>> {
    let attachment = session.with(|d| d.attachment_content(&uid).map(|(a, _)| a))?;
    let ext = match attachment.kind.as_str() {
        "png" => "png",
        "pdf" => "pdf",
        _ => "jpg",
    };
    let exts = [ext];
    let Some(path) = chooser::save_as(
        &app,
        "保存附件 / Save attachment",
        &attachment.file_name,
        (ext, &exts),
    ) else {
        return Ok(None);
    };
    session.with(|d| Ok(Some(printed(d.save_attachment(&uid, &path)?, false))))
}
