//! What bundles carried — a laptop's intakes as entered and when they were sent,
//! an office's events taken in.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};

/// On a field laptop, inside the intake's transaction.
pub fn record_field_intake(tx: &Connection, case_id: i64, input_json: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO field_intakes (case_id, input_json) VALUES (?1, ?2)",
        params![case_id, input_json],
    )?;
    Ok(())
}

/// On a field laptop: every case it took in.
pub fn field_case_ids(conn: &Connection) -> StoreResult<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT case_id FROM field_intakes ORDER BY case_id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An intake not sent yet: (case id, provisional number, input JSON, created_at).
pub type Unsent = (i64, String, String);

pub fn unsent_intakes(conn: &Connection) -> StoreResult<Vec<Unsent>> {
    let mut stmt = conn.prepare(
        "SELECT f.case_id, c.case_no, f.input_json FROM field_intakes f
         JOIN cases c ON c.id = f.case_id WHERE f.sent_at IS NULL ORDER BY f.case_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn mark_sent(tx: &Connection, case_id: i64, bundle_id: &str, at: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE field_intakes SET sent_at = ?3, bundle_id = ?2 WHERE case_id = ?1",
        params![case_id, bundle_id, at],
    )?;
    Ok(())
}

/// Records that an event went to `peer` in a bundle; also for one received from it (it
/// has it).
pub fn mark_event_sent(
    tx: &Connection,
    event_id: &str,
    peer: &str,
    bundle_id: &str,
    at: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT OR IGNORE INTO events_sent (event_id, peer, bundle_id, sent_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![event_id, peer, bundle_id, at],
    )?;
    Ok(())
}

pub fn event_sent(conn: &Connection, event_id: &str, peer: &str) -> StoreResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM events_sent WHERE event_id = ?1 AND peer = ?2)",
        params![event_id, peer],
        |r| r.get(0),
    )?)
}

/// An event taken in before: (sha256, outcome, case number).
pub fn event(
    conn: &Connection,
    event_id: &str,
) -> StoreResult<Option<(String, String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT sha256, outcome, case_no FROM bundle_events WHERE event_id = ?1",
            [event_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

pub struct TakenEvent<'a> {
    pub event_id: &'a str,
    pub sha256: &'a str,
    pub bundle_id: &'a str,
    pub from_installation: &'a str,
    pub applied_at: &'a str,
    pub outcome: &'a str,
    pub case_no: Option<&'a str>,
}

/// Whether `peer`'s case `case_no` was refused here (its number used for another borrower,
/// or not the peer's to send): the case's later steps must not land on another case.
pub fn case_refused_from(conn: &Connection, peer: &str, case_no: &str) -> StoreResult<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM bundle_events
             WHERE from_installation = ?1 AND case_no = ?2 AND outcome LIKE 'refused%' LIMIT 1",
            params![peer, case_no],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub fn record_event(tx: &Connection, e: &TakenEvent) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO bundle_events (event_id, sha256, bundle_id, from_installation, applied_at,
            outcome, case_no) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            e.event_id,
            e.sha256,
            e.bundle_id,
            e.from_installation,
            e.applied_at,
            e.outcome,
            e.case_no
        ],
    )?;
    Ok(())
}

/// Marks a case as the one a laptop numbered `provisional_no`.
pub fn set_origin(
    tx: &Connection,
    case_id: i64,
    origin: &str,
    provisional_no: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE cases SET origin_installation = ?2, provisional_no = ?3 WHERE id = ?1",
        params![case_id, origin, provisional_no],
    )?;
    Ok(())
}

/// Marks a case as one a partner office sent (numbered there, not provisionally).
pub fn set_origin_only(tx: &Connection, case_id: i64, origin: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE cases SET origin_installation = ?2 WHERE id = ?1",
        params![case_id, origin],
    )?;
    Ok(())
}

/// At an office: the cases a field laptop's bundles brought, (case number, provisional).
pub fn cases_from(conn: &Connection, origin: &str) -> StoreResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT case_no, provisional_no FROM cases
         WHERE origin_installation = ?1 AND provisional_no IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([origin], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The office's word on a laptop case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeWord {
    pub case_no: String,
    pub status: String,
    pub decisions: String,
    pub as_of: String,
}

pub fn set_office_word(
    tx: &Connection,
    case_id: i64,
    w: &OfficeWord,
    bundle_id: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO office_updates (case_id, case_no, status, decisions, as_of, bundle_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (case_id) DO UPDATE SET case_no = excluded.case_no, status = excluded.status,
            decisions = excluded.decisions, as_of = excluded.as_of, bundle_id = excluded.bundle_id",
        params![
            case_id,
            w.case_no,
            w.status,
            w.decisions,
            w.as_of,
            bundle_id
        ],
    )?;
    Ok(())
}

pub fn office_word(conn: &Connection, case_id: i64) -> StoreResult<Option<OfficeWord>> {
    Ok(conn
        .query_row(
            "SELECT case_no, status, decisions, as_of FROM office_updates WHERE case_id = ?1",
            [case_id],
            |r| {
                Ok(OfficeWord {
                    case_no: r.get(0)?,
                    status: r.get(1)?,
                    decisions: r.get(2)?,
                    as_of: r.get(3)?,
                })
            },
        )
        .optional()?)
}
