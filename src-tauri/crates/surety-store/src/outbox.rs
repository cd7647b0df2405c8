//! Issue 15: envelopes waiting for the provincial hub (and, once delivery exists, the
//! hub's answer), one row each; the signed envelope itself is the payload.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The meta key of the installation's signing key (hex, inside the encrypted database).
pub const SIGNING_KEY: &str = "installation_signing_key";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub period: String,
    pub revision: u32,
    pub city: String,
    pub organisation: String,
    pub sha256: String,
    pub state: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub refused_reason: Option<String>,
}

pub struct NewEnvelope<'a> {
    pub kind: &'a str,
    pub period: &'a str,
    pub revision: u32,
    pub city: &'a str,
    pub organisation: &'a str,
    pub sha256: &'a str,
    pub envelope_json: &'a str,
    pub created_at: &'a str,
}

/// Inside the closing's transaction (the connection a write hands out).
pub fn insert(tx: &Connection, e: &NewEnvelope) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO outbox (kind, period, revision, payload, created_at, city, organisation, sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            e.kind,
            e.period,
            e.revision,
            e.envelope_json,
            e.created_at,
            e.city,
            e.organisation,
            e.sha256
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Every envelope, newest first.
pub fn list(conn: &Connection) -> StoreResult<Vec<OutboxRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, period, revision, city, organisation, sha256, state, created_at, sent_at,
                attempts, last_error, refused_reason
         FROM outbox ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OutboxRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            period: r.get(2)?,
            revision: r.get(3)?,
            city: r.get(4)?,
            organisation: r.get(5)?,
            sha256: r.get(6)?,
            state: r.get(7)?,
            created_at: r.get(8)?,
            sent_at: r.get(9)?,
            attempts: r.get(10)?,
            last_error: r.get(11)?,
            refused_reason: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One envelope's stored JSON.
pub fn envelope(conn: &Connection, id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT payload FROM outbox WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The installation's signing key (hex), if one was made.
pub fn signing_key(conn: &Connection) -> StoreResult<Option<String>> {
    crate::store::meta_value(conn, SIGNING_KEY)
}
