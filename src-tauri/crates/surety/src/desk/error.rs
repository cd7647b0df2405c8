//! The one error every front end receives: a stable code, the field it concerns, and a
//! message in both languages. The UI never matches on message text, only on `code`.

pub use crate::desk::error_code::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{code}: {message_en}")]
pub struct DeskError {
    /// A rule id (`R-RATE-1`) or a stable error name (`NOT_PERMITTED`, `WRONG_STATE`).
    pub code: ErrorCode,
    /// The input field the error is about, when one applies.
    pub field: Option<String>,
    pub message_zh: String,
    pub message_en: String,
}

impl DeskError {
    pub fn new(
        code: ErrorCode,
        field: Option<&str>,
        message_zh: String,
        message_en: String,
    ) -> Self {
        Self {
            code,
            field: field.map(str::to_string),
            message_zh,
            message_en,
        }
    }
}

pub type DeskResult<T> = Result<T, DeskError>;

impl From<surety_store::StoreError> for DeskError {
    fn from(e: surety_store::StoreError) -> Self {
        DeskError {
            code: ErrorCode::from(&e),
            field: e.field().map(str::to_string),
            message_zh: e.message_zh(),
            message_en: e.to_string(),
        }
    }
}

impl From<surety_domain::Violation> for DeskError {
    fn from(v: surety_domain::Violation) -> Self {
        DeskError {
            code: v.rule.into(),
            field: Some(v.field),
            message_zh: v.message_zh,
            message_en: v.message_en,
        }
    }
}

impl From<surety_domain::settings::SettingsError> for DeskError {
    fn from(e: surety_domain::settings::SettingsError) -> Self {
        DeskError::new(
            ErrorCode::InvalidInput,
            Some(&e.key),
            e.message_zh,
            e.message_en,
        )
    }
}

impl DeskError {
    pub fn not_permitted(zh: impl Into<String>, en: impl Into<String>) -> Self {
        DeskError::new(ErrorCode::NotPermitted, None, zh.into(), en.into())
    }

    pub fn wrong_state(
        case_no: &str,
        status: surety_domain::CaseStatus,
        zh: &str,
        en: &str,
    ) -> Self {
        DeskError::new(
            ErrorCode::WrongState,
            Some("status"),
            format!("案件 {case_no} 当前状态为“{}”，{zh}", status.name_zh()),
            format!("case {case_no} is in state `{}`: {en}", status.code()),
        )
    }

    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        DeskError::new(ErrorCode::InvalidInput, Some(field), zh.into(), en.into())
    }

    /// A file or folder the desk could not use: what it tried, which path, what the system
    /// said. One shape for the window, the CLI and batch printing.
    pub fn io(doing_zh: &str, doing_en: &str, path: &std::path::Path, e: &std::io::Error) -> Self {
        DeskError::new(
            ErrorCode::Io,
            Some("path"),
            format!("{doing_zh} {}：{}", path.display(), io_cause_zh(e)),
            format!("{doing_en} {}: {e}", path.display()),
        )
    }

    /// The same error, about another field (a parser shared by several fields).
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn not_found(what_zh: &str, what_en: &str, key: &str) -> Self {
        let key = &crate::desk::text::shown(key);
        DeskError::new(
            ErrorCode::NotFound,
            None,
            format!("找不到{what_zh}“{key}”"),
            format!("no {what_en} `{key}`"),
        )
    }
}

/// A request that is not the JSON it should be: which field, what was wrong.
pub fn json_error(e: &serde_json::Error) -> DeskError {
    // serde quotes the offending value: a 10 MB string is not echoed back whole.
    let full = e.to_string();
    let msg = if full.chars().count() > 200 {
        let head: String = full.chars().take(160).collect();
        format!("{head}… at line {} column {}", e.line(), e.column())
    } else {
        full
    };
    // serde names the field between backticks: "unknown field `x`", "missing field `y`".
    let field = msg.split('`').nth(1).map(str::to_string);
    let zh = if msg.starts_with("unknown field") {
        format!("请求含有未知字段：{msg}")
    } else if msg.starts_with("missing field") {
        format!("请求缺少必填字段：{msg}")
    } else if msg.contains("invalid type") {
        format!("字段类型错误（金额和费率须为字符串形式的小数，如 \"1000000.00\"）：{msg}")
    } else {
        format!("请求不是有效的 JSON：{msg}")
    };
    DeskError {
        code: ErrorCode::MalformedRequest,
        field,
        message_zh: zh,
        message_en: format!("malformed request: {msg}"),
    }
}

pub(crate) use surety_store::error::io_cause_zh;

/// A part that is not in the expected form (its parser's words go into message_en).
pub(crate) const FORM_ZH: &str = "格式不对";
