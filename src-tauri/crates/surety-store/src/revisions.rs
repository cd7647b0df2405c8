//! Revisions of a section written on more than one installation (the site
//! visit), the head each installation holds, conflicts, the backlog, and what went where.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub event_id: String,
    pub case_id: i64,
    pub section: String,
    /// The revision it was made on ('' for the first).
    pub base: String,
    /// For a resolution: the other side's revision it settles.
    pub merged: String,
    pub content_json: String,
    pub sha256: String,
    pub party: String,
    pub author: String,
    pub installation: String,
    pub written_at: String,
    pub bundle_id: Option<String>,
}

const COLUMNS: &str = "event_id, case_id, section, base, merged, content_json, sha256, party,
    author, installation, written_at, bundle_id";

fn revision(r: &Row) -> rusqlite::Result<Revision> {
    Ok(Revision {
        event_id: r.get(0)?,
        case_id: r.get(1)?,
        section: r.get(2)?,
        base: r.get(3)?,
        merged: r.get(4)?,
        content_json: r.get(5)?,
        sha256: r.get(6)?,
        party: r.get(7)?,
        author: r.get(8)?,
        installation: r.get(9)?,
        written_at: r.get(10)?,
        bundle_id: r.get(11)?,
    })
}

/// Stores a revision (not yet the head: see [`set_head`]).
pub fn insert(tx: &Connection, r: &Revision) -> StoreResult<()> {
    tx.execute(
        &format!("INSERT INTO section_revisions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        params![
            r.event_id,
            r.case_id,
            r.section,
            r.base,
            r.merged,
            r.content_json,
            r.sha256,
            r.party,
            r.author,
            r.installation,
            r.written_at,
            r.bundle_id
        ],
    )?;
    Ok(())
}

pub fn by_id(conn: &Connection, event_id: &str) -> StoreResult<Option<Revision>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM section_revisions WHERE event_id = ?1"),
            [event_id],
            revision,
        )
        .optional()?)
}

/// The revision this installation holds as the section's content.
pub fn head(conn: &Connection, case_id: i64, section: &str) -> StoreResult<Option<Revision>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {} FROM section_heads h JOIN section_revisions r ON r.event_id = h.event_id
                 WHERE h.case_id = ?1 AND h.section = ?2",
                COLUMNS
                    .split(',')
                    .map(|c| format!("r.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            params![case_id, section],
            revision,
        )
        .optional()?)
}

pub fn set_head(tx: &Connection, case_id: i64, section: &str, event_id: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO section_heads (case_id, section, event_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_id, section) DO UPDATE SET event_id = excluded.event_id",
        params![case_id, section, event_id],
    )?;
    Ok(())
}

/// Revisions of a case's section, oldest first.
pub fn history(conn: &Connection, case_id: i64, section: &str) -> StoreResult<Vec<Revision>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM section_revisions WHERE case_id = ?1 AND section = ?2
         ORDER BY written_at, rowid"
    ))?;
    let rows = stmt.query_map(params![case_id, section], revision)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revisions of the given cases not yet sent to `peer` and not received from it, oldest
/// first (a revision's base goes before it).
pub fn unsent(conn: &Connection, peer: &str, case_ids: &[i64]) -> StoreResult<Vec<Revision>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM section_revisions r WHERE r.case_id = ?1
           AND NOT EXISTS (SELECT 1 FROM events_sent s WHERE s.event_id = r.event_id AND s.peer = ?2)
           AND (r.bundle_id IS NULL OR r.installation <> ?2)
         ORDER BY r.rowid"
    ))?;
    let mut out = Vec::new();
    for id in case_ids {
        let rows = stmt.query_map(params![id, peer], revision)?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// Revisions written here that no bundle has carried anywhere yet.
pub fn never_sent(conn: &Connection) -> StoreResult<Vec<Revision>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM section_revisions r WHERE r.bundle_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM events_sent s WHERE s.event_id = r.event_id)
         ORDER BY r.rowid"
    ))?;
    let rows = stmt.query_map([], revision)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether `ancestor` is `of` or one of the revisions it was made on or settled.
pub fn descends_from(conn: &Connection, of: &str, ancestor: &str) -> StoreResult<bool> {
    Ok(conn.query_row(
        "WITH RECURSIVE up(id) AS (
            SELECT ?1
            UNION SELECT r.base FROM section_revisions r JOIN up ON r.event_id = up.id WHERE r.base <> ''
            UNION SELECT r.merged FROM section_revisions r JOIN up ON r.event_id = up.id WHERE r.merged <> ''
         ) SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2)",
        params![of, ancestor],
        |r| r.get(0),
    )?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub id: i64,
    pub case_id: i64,
    pub case_no: String,
    pub section: String,
    pub ours: String,
    pub theirs: String,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
}

fn conflict(r: &Row) -> rusqlite::Result<Conflict> {
    Ok(Conflict {
        id: r.get(0)?,
        case_id: r.get(1)?,
        case_no: r.get(2)?,
        section: r.get(3)?,
        ours: r.get(4)?,
        theirs: r.get(5)?,
        opened_at: r.get(6)?,
        resolved_at: r.get(7)?,
        resolved_by: r.get(8)?,
        resolution: r.get(9)?,
    })
}

const CONFLICT_SELECT: &str = "SELECT k.id, k.case_id, c.case_no, k.section, k.ours, k.theirs,
    k.opened_at, k.resolved_at, k.resolved_by, k.resolution
    FROM section_conflicts k JOIN cases c ON c.id = k.case_id";

/// The open conflict on a section, if any.
pub fn open_conflict(
    conn: &Connection,
    case_id: i64,
    section: &str,
) -> StoreResult<Option<Conflict>> {
    Ok(conn
        .query_row(
            &format!("{CONFLICT_SELECT} WHERE k.case_id = ?1 AND k.section = ?2 AND k.resolved_at IS NULL"),
            params![case_id, section],
            conflict,
        )
        .optional()?)
}

pub fn conflict_by_id(conn: &Connection, id: i64) -> StoreResult<Option<Conflict>> {
    Ok(conn
        .query_row(
            &format!("{CONFLICT_SELECT} WHERE k.id = ?1"),
            [id],
            conflict,
        )
        .optional()?)
}

/// Conflicts, open ones first, newest first; only open ones unless `all`.
pub fn conflicts(conn: &Connection, all: bool) -> StoreResult<Vec<Conflict>> {
    let mut stmt = conn.prepare(&format!(
        "{CONFLICT_SELECT} {} ORDER BY k.resolved_at IS NOT NULL, k.id DESC",
        if all {
            ""
        } else {
            "WHERE k.resolved_at IS NULL"
        }
    ))?;
    let rows = stmt.query_map([], conflict)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Opens a conflict, or moves an open one on to the other side's newer revision.
pub fn open_or_update_conflict(
    tx: &Connection,
    case_id: i64,
    section: &str,
    ours: &str,
    theirs: &str,
    at: &str,
) -> StoreResult<i64> {
    if let Some(k) = open_conflict(tx, case_id, section)? {
        tx.execute(
            "UPDATE section_conflicts SET ours = ?2, theirs = ?3 WHERE id = ?1",
            params![k.id, ours, theirs],
        )?;
        return Ok(k.id);
    }
    tx.execute(
        "INSERT INTO section_conflicts (case_id, section, ours, theirs, opened_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, section, ours, theirs, at],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn resolve_conflict(
    tx: &Connection,
    id: i64,
    by: &str,
    resolution: &str,
    at: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE section_conflicts SET resolved_at = ?2, resolved_by = ?3, resolution = ?4
         WHERE id = ?1 AND resolved_at IS NULL",
        params![id, at, by, resolution],
    )?;
    Ok(())
}

/// A revision waiting for its case or its base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// site_visit (a revision) or step (a partner office's step).
    pub section: String,
    pub event_id: String,
    pub sha256: String,
    pub bundle_id: String,
    pub from_installation: String,
    pub part_json: String,
    pub waiting_for: String,
    pub since: String,
}

pub fn wait(tx: &Connection, w: &Waiting) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO section_backlog (event_id, sha256, bundle_id, from_installation, part_json,
            waiting_for, since, section) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (event_id) DO UPDATE SET waiting_for = excluded.waiting_for",
        params![
            w.event_id,
            w.sha256,
            w.bundle_id,
            w.from_installation,
            w.part_json,
            w.waiting_for,
            w.since,
            w.section
        ],
    )?;
    Ok(())
}

pub fn backlog(conn: &Connection) -> StoreResult<Vec<Waiting>> {
    let mut stmt = conn.prepare(
        "SELECT event_id, sha256, bundle_id, from_installation, part_json, waiting_for, since,
                section
         FROM section_backlog ORDER BY since, rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Waiting {
            event_id: r.get(0)?,
            sha256: r.get(1)?,
            bundle_id: r.get(2)?,
            from_installation: r.get(3)?,
            part_json: r.get(4)?,
            waiting_for: r.get(5)?,
            since: r.get(6)?,
            section: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn waiting(conn: &Connection, event_id: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT sha256 FROM section_backlog WHERE event_id = ?1",
            [event_id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn unwait(tx: &Connection, event_id: &str) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM section_backlog WHERE event_id = ?1",
        [event_id],
    )?;
    Ok(())
}

/// At an office (`from_laptop`), the case that laptop numbered `key`; on a laptop, its own
/// case `key`. A laptop speaks only for the cases it sent.
pub fn case_by_key(
    conn: &Connection,
    from_laptop: Option<&str>,
    key: &str,
) -> StoreResult<Option<String>> {
    Ok(match from_laptop {
        Some(origin) => conn
            .query_row(
                "SELECT case_no FROM cases WHERE origin_installation = ?1 AND provisional_no = ?2",
                params![origin, key],
                |r| r.get(0),
            )
            .optional()?,
        None => conn
            .query_row("SELECT case_no FROM cases WHERE case_no = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?,
    })
}

/// Between partner offices: the case numbered `key` there and here, or the laptop's
/// provisional number both keep.
pub fn case_by_shared_key(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT case_no FROM cases WHERE case_no = ?1 OR provisional_no = ?1
             ORDER BY case_no = ?1 DESC LIMIT 1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// The key both installations know a case by: the laptop's provisional number where it
/// has one, else its case number.
pub fn case_key(conn: &Connection, case_id: i64) -> StoreResult<String> {
    Ok(conn.query_row(
        "SELECT COALESCE(provisional_no, case_no) FROM cases WHERE id = ?1",
        [case_id],
        |r| r.get(0),
    )?)
}

pub fn case_no_of(conn: &Connection, case_id: i64) -> StoreResult<String> {
    Ok(
        conn.query_row("SELECT case_no FROM cases WHERE id = ?1", [case_id], |r| {
            r.get(0)
        })?,
    )
}
