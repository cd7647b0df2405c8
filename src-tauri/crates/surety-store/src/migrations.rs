//! Embedded migrations: all pending ones run in one transaction or none do, and a
//! database whose schema is newer than this binary is refused.

use crate::error::{StoreError, StoreResult};
use rusqlite::Connection;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_reach.sql"),
    include_str!("../migrations/0003_business_stops.sql"),
    include_str!("../migrations/0004_default_flags.sql"),
    include_str!("../migrations/0005_schedule_versions.sql"),
    include_str!("../migrations/0006_claim_refusal_and_delay.sql"),
    include_str!("../migrations/0007_joint_withdrawal.sql"),
    include_str!("../migrations/0008_compensation_payments.sql"),
    include_str!("../migrations/0009_agreement_soft_cap.sql"),
    include_str!("../migrations/0010_accident_claims.sql"),
    include_str!("../migrations/0011_quarter_reports.sql"),
    include_str!("../migrations/0012_credit_reporting.sql"),
    include_str!("../migrations/0013_sync_outbox.sql"),
    include_str!("../migrations/0014_sync_delivery.sql"),
    include_str!("../migrations/0015_attachments.sql"),
    include_str!("../migrations/0016_peers.sql"),
    include_str!("../migrations/0017_field_bundles.sql"),
    include_str!("../migrations/0018_office_updates.sql"),
    include_str!("../migrations/0019_provisional_search.sql"),
    include_str!("../migrations/0020_section_revisions.sql"),
    include_str!("../migrations/0021_partner_offices.sql"),
    include_str!("../migrations/0022_peer_audit.sql"),
    include_str!("../migrations/0023_search_indexes.sql"),
    include_str!("../migrations/0024_repayments_by_case.sql"),
    include_str!("../migrations/0025_loan_standings.sql"),
    include_str!("../migrations/0026_quarter_closed_per_insurer.sql"),
    include_str!("../migrations/0027_laptop_enrolled_on.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let found = schema_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// One entry of `sqlite_master`: (type, name, table, SQL).
pub type SchemaItem = (String, String, String, Option<String>);

/// Every table, index, trigger and view of a database, in a stable order. SQLite's own
/// `sqlite_*` tables (statistics, sequences) are left out.
pub fn schema_of(conn: &Connection) -> StoreResult<Vec<SchemaItem>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The schema this program creates at `version`, built in memory from the migrations:
/// what a restored database must match exactly.
pub fn expected_schema(version: i64) -> StoreResult<Vec<SchemaItem>> {
    let count = usize::try_from(version)
        .ok()
        .filter(|v| *v <= MIGRATIONS.len())
        .ok_or(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        })?;
    let conn = Connection::open_in_memory()?;
    for sql in &MIGRATIONS[..count] {
        conn.execute_batch(sql)?;
    }
    schema_of(&conn)
}
