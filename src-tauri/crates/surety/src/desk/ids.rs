//! Entry times and random ids: what a written record says of when and which.

/// The time of entry, in UTC to the second (RFC 3339).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A random 128-bit id in hex (a bundle's, a field laptop's installation).
pub(crate) fn random_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}
