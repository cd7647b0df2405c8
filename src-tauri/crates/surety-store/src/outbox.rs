//! Envelopes for the provincial hub, one row each (the signed envelope itself is
//! the payload), with where delivery stands: pending (and when to try again), delivered
//! (the hub's signed receipt and the audit head it acknowledged) or refused (its reason).

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
    pub next_attempt_at: Option<String>,
    /// The hub's time of receipt.
    pub received_at: Option<String>,
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
                attempts, last_error, refused_reason, next_attempt_at, received_at
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
            next_attempt_at: r.get(13)?,
            received_at: r.get(14)?,
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

/// A pending envelope: its id, stored JSON and when it may be tried again.
pub struct Pending {
    pub id: i64,
    pub envelope_json: String,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
}

/// Envelopes still to deliver, oldest first (the hub takes an installation's audit heads
/// in order).
pub fn pending(conn: &Connection) -> StoreResult<Vec<Pending>> {
    let mut stmt = conn.prepare(
        "SELECT id, payload, attempts, next_attempt_at FROM outbox
         WHERE state = 'pending' ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Pending {
            id: r.get(0)?,
            envelope_json: r.get(1)?,
            attempts: r.get(2)?,
            next_attempt_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The state of one envelope, read inside the transaction that changes it.
pub fn state(conn: &Connection, id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT state FROM outbox WHERE id = ?1", [id], |r| r.get(0))
        .optional()?)
}

pub struct Delivered<'a> {
    pub receipt_json: &'a str,
    pub received_at: &'a str,
    pub anchor_count: u64,
    pub anchor_hash: &'a str,
    pub sent_at: &'a str,
}

pub fn mark_delivered(tx: &Connection, id: i64, d: &Delivered) -> StoreResult<()> {
    tx.execute(
        "UPDATE outbox SET state = 'delivered', receipt_json = ?2, received_at = ?3,
            anchor_count = ?4, anchor_hash = ?5, sent_at = ?6, attempts = attempts + 1,
            last_error = NULL, next_attempt_at = NULL
         WHERE id = ?1",
        params![
            id,
            d.receipt_json,
            d.received_at,
            d.anchor_count as i64,
            d.anchor_hash,
            d.sent_at
        ],
    )?;
    Ok(())
}

pub fn mark_refused(tx: &Connection, id: i64, reason: &str, at: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE outbox SET state = 'refused', refused_reason = ?2, sent_at = ?3,
            attempts = attempts + 1, next_attempt_at = NULL
         WHERE id = ?1",
        params![id, reason, at],
    )?;
    Ok(())
}

pub fn mark_failed(
    tx: &Connection,
    id: i64,
    error: &str,
    next_attempt_at: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
         WHERE id = ?1 AND state = 'pending'",
        params![id, error, next_attempt_at],
    )?;
    Ok(())
}

/// The newest audit head a hub receipt acknowledged: (count, hash, the hub's time).
pub fn last_anchor(conn: &Connection) -> StoreResult<Option<(u64, String, String)>> {
    Ok(conn
        .query_row(
            "SELECT anchor_count, anchor_hash, received_at FROM outbox
             WHERE state = 'delivered' AND anchor_count IS NOT NULL
             ORDER BY anchor_count DESC, id DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}
