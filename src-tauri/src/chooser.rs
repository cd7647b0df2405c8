//! Where a file goes or comes from is chosen here, on the Rust side, in the system's own
//! dialog: the webview never hands a path to a command.
//!
//! Test builds (debug) can answer the dialog from a file instead, because WebDriver cannot
//! drive GTK's dialog: `SURETY_TEST_CHOICES` names a file whose content is the answer (an
//! empty file cancels). A release build has no such switch.

use std::path::PathBuf;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

pub enum Choice<'a> {
    /// Save a new file; `name` is suggested, `filter` is (label, extensions).
    Save {
        title: &'a str,
        name: &'a str,
        filter: (&'a str, &'a [&'a str]),
    },
    /// An existing file to read.
    Open {
        title: &'a str,
        filter: (&'a str, &'a [&'a str]),
    },
    /// A folder to write into.
    Folder { title: &'a str },
}

/// Where to save a new file (`name` suggested, `filter` its kind and extensions), or `None`
/// if the user cancelled. Blocks: call from an async command.
pub fn save_as(
    app: &AppHandle,
    title: &str,
    name: &str,
    filter: (&str, &[&str]),
) -> Option<PathBuf> {
    choose(
        app,
        Choice::Save {
            title,
            name,
            filter,
        },
    )
}

/// An existing file to read (`filter` its kind and extensions), or `None` if the user
/// cancelled. Blocks: call from an async command.
pub fn open_file(app: &AppHandle, title: &str, filter: (&str, &[&str])) -> Option<PathBuf> {
    choose(app, Choice::Open { title, filter })
}

/// The user's choice, or `None` if they cancelled. Blocks: call from an async command.
pub fn choose(app: &AppHandle, choice: Choice) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(answer) = std::env::var_os("SURETY_TEST_CHOICES") {
        let text = std::fs::read_to_string(answer).unwrap_or_default();
        let text = text.trim();
        return (!text.is_empty()).then(|| PathBuf::from(text));
    }
    let dialog = app.dialog().file();
    let picked = match choice {
        Choice::Save {
            title,
            name,
            filter: (label, ext),
        } => dialog
            .set_title(title)
            .set_file_name(name)
            .add_filter(label, ext)
            .blocking_save_file(),
        Choice::Open {
            title,
            filter: (label, ext),
        } => dialog
            .set_title(title)
            .add_filter(label, ext)
            .blocking_pick_file(),
        Choice::Folder { title } => dialog.set_title(title).blocking_pick_folder(),
    };
    picked.and_then(|p| p.into_path().ok())
}
