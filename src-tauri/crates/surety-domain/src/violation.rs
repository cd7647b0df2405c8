//! A broken rule, as a value: which rule, which field, what limit, in both languages.

use crate::rule::Rule;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule id from DOMAIN.md (`R-RATE-1`), or a stable input-error name.
    pub rule: Rule,
    /// The request field the violation is about (`annual_rate`, `fees[0]`).
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
    /// The limit that was crossed, as shown in the message (e.g. "0.05655").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl Violation {
    pub fn new(
        rule: Rule,
        field: impl Into<String>,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Violation {
            rule,
            field: field.into(),
            message_zh: message_zh.into(),
            message_en: message_en.into(),
            limit: None,
        }
    }

    pub fn with_limit(mut self, limit: impl ToString) -> Self {
        self.limit = Some(limit.to_string());
        self
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} [{}]: {} / {}",
            self.rule, self.field, self.message_zh, self.message_en
        )
    }
}

impl std::error::Error for Violation {}
