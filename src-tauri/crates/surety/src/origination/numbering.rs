//! Which kind of installation numbers a case: an office gives the bank's case number, a
//! field laptop a provisional one until the office's word comes back.

/// The meta keys of a field installation.
pub const KIND: &str = "installation_kind";

pub const PREFIX: &str = "field_prefix";

/// Whether this database is a field laptop's, and its prefix.
pub(crate) fn field_prefix(
    conn: &surety_store::Connection,
) -> surety_store::StoreResult<Option<String>> {
    if surety_store::store::meta_value(conn, KIND)?.as_deref() != Some("field") {
        return Ok(None);
    }
    surety_store::store::meta_value(conn, PREFIX)
}

/// A provisional number for an application taken on a field laptop.
pub(crate) fn provisional_no(prefix: &str, day: chrono::NaiveDate) -> String {
    format!(
        "{prefix}-{}-{:06X}",
        day.format("%Y%m%d"),
        fastrand::u32(..0x0100_0000)
    )
}
