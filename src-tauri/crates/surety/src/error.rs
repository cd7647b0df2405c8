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

/// A request that is not the JSON it should be: which field, what was wrong.
pub fn json_error(e: &serde_json::Error) -> DeskError {
    let msg = e.to_string();
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
        code: "MALFORMED_REQUEST".into(),
        field,
        message_zh: zh,
        message_en: format!("malformed request: {msg}"),
    }
}
