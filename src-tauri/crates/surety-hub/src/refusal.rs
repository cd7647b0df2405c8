//! Every reason the hub turns an envelope away: a code for programs (stable), a message in
//! both languages for people, and the HTTP status it travels with.

pub use surety_sync::Refusal;

pub const TOO_LARGE: &str = "TOO_LARGE";
pub const MALFORMED: &str = "MALFORMED";
pub const FORMAT_UNKNOWN: &str = "FORMAT_UNKNOWN";
pub const DATASET_UNKNOWN: &str = "DATASET_UNKNOWN";
pub const BAD_SIGNATURE: &str = "BAD_SIGNATURE";
pub const UNKNOWN_INSTALLATION: &str = "UNKNOWN_INSTALLATION";
pub const REVOKED: &str = "REVOKED";
pub const CITY_NOT_REGISTERED: &str = "CITY_NOT_REGISTERED";
pub const ORGANISATION_NOT_REGISTERED: &str = "ORGANISATION_NOT_REGISTERED";
pub const PERIOD_INVALID: &str = "PERIOD_INVALID";
pub const PERIOD_NOT_ENDED: &str = "PERIOD_NOT_ENDED";
pub const SCHEMA: &str = "SCHEMA";
pub const REVISION_CONFLICT: &str = "REVISION_CONFLICT";
pub const REVISION_SUPERSEDED: &str = "REVISION_SUPERSEDED";
pub const AUDIT_CHAIN_BEHIND: &str = "AUDIT_CHAIN_BEHIND";
pub const AUDIT_CHAIN_FORKED: &str = "AUDIT_CHAIN_FORKED";
pub const STORAGE: &str = "STORAGE";
pub const TOO_SLOW: &str = "TOO_SLOW";
pub const TOO_MANY: &str = "TOO_MANY";
pub const SIGN_IN_REQUIRED: &str = "SIGN_IN_REQUIRED";
pub const SIGN_IN_FAILED: &str = "SIGN_IN_FAILED";
pub const SIGN_IN_PAUSED: &str = "SIGN_IN_PAUSED";

/// The HTTP status a refusal travels with.
pub fn status(code: &str) -> u16 {
    match code {
        TOO_LARGE => 413,
        TOO_SLOW => 408,
        MALFORMED | FORMAT_UNKNOWN | PERIOD_INVALID => 400,
        BAD_SIGNATURE | SIGN_IN_REQUIRED | SIGN_IN_FAILED => 401,
        TOO_MANY | SIGN_IN_PAUSED => 429,
        UNKNOWN_INSTALLATION | REVOKED | CITY_NOT_REGISTERED | ORGANISATION_NOT_REGISTERED => 403,
        REVISION_CONFLICT | REVISION_SUPERSEDED | AUDIT_CHAIN_BEHIND | AUDIT_CHAIN_FORKED => 409,
        DATASET_UNKNOWN | PERIOD_NOT_ENDED | SCHEMA => 422,
        _ => 500,
    }
}

/// The storage failed: the cause goes to the hub's log, never to the caller (it may name
/// tables, paths or a panic's text).
pub fn storage(e: impl std::fmt::Display) -> Refusal {
    tracing::error!(cause = %e, "storage");
    Refusal::new(
        STORAGE,
        "省级平台暂时无法处理，请稍后重试",
        "the hub could not handle it just now; try again later",
    )
}
