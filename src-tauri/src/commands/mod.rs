//! Tauri commands: deserialize, one call into the `surety` service layer, serialize.
//! No rule lives here; if a command grows logic, that logic belongs in `surety`.
//! Commands that touch the database are `async`: they run off the main thread, so a long
//! batch print waits its turn on the desk without freezing the window.
//! One file per area of the window, each command a few lines.

mod attachments;
mod cases;
mod exchange;
mod hub;
mod installation;
mod printing;
mod reporting;
mod signing_in;

pub use attachments::*;
pub use cases::*;
pub use exchange::*;
pub use hub::*;
pub use installation::*;
pub use printing::*;
pub use reporting::*;
pub use signing_in::*;

use serde::Serialize;
use surety::api::DeskError;

type R<T> = Result<T, DeskError>;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Printed {
    pub path: String,
    pub bytes: u32,
    /// Whether the system viewer was asked to open it.
    pub opened: bool,
}

pub(crate) fn printed(p: surety::api::Printed, opened: bool) -> Printed {
    Printed {
        path: p.path.display().to_string(),
        bytes: p.bytes as u32,
        opened,
    }
}
