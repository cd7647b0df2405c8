//! The one error every front end receives: a stable code, the field it concerns, and a
//! message in both languages. The UI never matches on message text, only on `code`.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{code}: {message_en}")]
pub struct DeskError {
    /// A rule id (`R-RATE-1`) or a stable error name (`NOT_PERMITTED`, `WRONG_STATE`).
    pub code: String,
    /// The input field the error is about, when one applies.
    pub field: Option<String>,
    pub message_zh: String,
    pub message_en: String,
}

impl DeskError {
    pub fn new(code: &str, field: Option<&str>, message_zh: String, message_en: String) -> Self {
        Self {
            code: code.to_string(),
            field: field.map(str::to_string),
            message_zh,
            message_en,
        }
    }
}

pub type DeskResult<T> = Result<T, DeskError>;
