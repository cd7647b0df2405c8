//! What a step replayed from another installation carries on the `Desk` while it runs:
//! the intake's origin, the bundle event and the files that came with it.

use surety_docs::images;

/// A file to store with a replayed intake.
#[derive(Debug, Clone)]
pub(crate) struct ImportedFile {
    pub uid: String,
    pub file_name: String,
    pub sha256: String,
    pub added_at: String,
    pub content: Vec<u8>,
    pub inspected: images::Inspected,
}

/// Where a replayed intake came from (set on the Desk only during the replay).
#[derive(Debug, Clone)]
pub(crate) struct IntakeImport {
    pub origin: String,
    /// The installation whose bundle brought it (the laptop, or a partner office).
    pub sender: String,
    pub provisional_no: String,
    pub event_id: String,
    pub sha256: String,
    pub bundle_id: String,
    pub files: Vec<ImportedFile>,
    /// A partner office's case keeps the number it was given there.
    pub case_no: Option<String>,
    /// Whether the origin numbered it provisionally (a laptop's application).
    pub provisional: bool,
}
