//! What partner offices (the bank's and the insurer's installations) share: the
//! organisations a peer speaks for, the cases they have in common, each case's intake as
//! entered, each side's steps with who took them, what went to whom, and the stand-ins for
//! a partner's people.

use crate::error::StoreResult;
use crate::users::{Role, User};
use rusqlite::{params, Connection, OptionalExtension};
use surety_domain::Side;

/// The organisation codes a peer is registered to speak for (none: a field laptop).
pub fn organisations(conn: &Connection, peer: &str) -> StoreResult<Vec<String>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT organisations FROM peers WHERE installation_id = ?1",
            [peer],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect())
}

pub fn set_organisations(tx: &Connection, peer: &str, codes: &[String]) -> StoreResult<()> {
    tx.execute(
        "UPDATE peers SET organisations = ?2 WHERE installation_id = ?1",
        params![peer, codes.join(",")],
    )?;
    Ok(())
}

/// Cases whose bank or insurer is one of `orgs`: (id, case number), oldest first.
pub fn shared_cases(conn: &Connection, orgs: &[String]) -> StoreResult<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.case_no FROM cases c
           LEFT JOIN organisations b ON b.id = c.bank_id
           LEFT JOIN organisations i ON i.id = c.insurer_id
         WHERE b.code = ?1 OR i.code = ?1 ORDER BY c.id",
    )?;
    let mut out: Vec<(i64, String)> = Vec::new();
    for code in orgs {
        for row in stmt.query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let row = row?;
            if !out.iter().any(|(id, _)| *id == row.0) {
                out.push(row);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where a case came from by bundle (a laptop or a partner office), if it did.
pub fn origin(conn: &Connection, case_id: i64) -> StoreResult<Option<String>> {
    Ok(conn.query_row(
        "SELECT origin_installation FROM cases WHERE id = ?1",
        [case_id],
        |r| r.get(0),
    )?)
}

/// (provisional number, origin installation) of a case.
pub fn provisional(
    conn: &Connection,
    case_id: i64,
) -> StoreResult<(Option<String>, Option<String>)> {
    Ok(conn.query_row(
        "SELECT provisional_no, origin_installation FROM cases WHERE id = ?1",
        [case_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Whether a peer's bundles brought anything about the case (so the peer has it).
pub fn received_from(conn: &Connection, peer: &str, case_no: &str) -> StoreResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM bundle_events WHERE from_installation = ?1 AND case_no = ?2
           AND outcome = 'taken')",
        params![peer, case_no],
        |r| r.get(0),
    )?)
}

pub fn record_intake_input(tx: &Connection, case_id: i64, input_json: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO intake_inputs (case_id, input_json) VALUES (?1, ?2)",
        params![case_id, input_json],
    )?;
    Ok(())
}

pub fn intake_input(conn: &Connection, case_id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT input_json FROM intake_inputs WHERE case_id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// A side's step as it is shared: the side, who took it (username, display name), the day,
/// and its content.
#[derive(Debug, Clone)]
pub struct SharedStep {
    pub side: Side,
    pub by: (String, String),
    pub on: String,
    pub findings_json: String,
    pub note: String,
    pub approve: bool,
    pub reason: String,
}

fn side_of(code: &str) -> Option<Side> {
    match code {
        "bank" => Some(Side::Bank),
        "insurer" => Some(Side::Insurer),
        _ => None,
    }
}

fn steps(conn: &Connection, sql: &str, case_id: i64) -> StoreResult<Vec<SharedStep>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([case_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            SharedStep {
                side: Side::Bank,
                by: (r.get(1)?, r.get(2)?),
                on: r.get(3)?,
                findings_json: r.get(4)?,
                note: r.get(5)?,
                approve: r.get(6)?,
                reason: r.get(7)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (side, mut step) = row?;
        if let Some(side) = side_of(&side) {
            step.side = side;
            out.push(step);
        }
    }
    Ok(out)
}

pub fn investigations(conn: &Connection, case_id: i64) -> StoreResult<Vec<SharedStep>> {
    steps(
        conn,
        "SELECT i.side, coalesce(u.username, ''), coalesce(u.display_name, ''), i.completed_on,
                i.findings_json, i.note, 0, ''
         FROM investigations i LEFT JOIN users u ON u.id = i.investigator_id
         WHERE i.case_id = ?1 ORDER BY i.side",
        case_id,
    )
}

/// Review notes with their author's side (by the author's role).
pub fn review_notes(conn: &Connection, case_id: i64) -> StoreResult<Vec<SharedStep>> {
    steps(
        conn,
        "SELECT CASE u.role WHEN 'bank_officer' THEN 'bank' WHEN 'underwriter' THEN 'insurer' ELSE '' END,
                coalesce(u.username, ''), coalesce(u.display_name, ''), n.created_at, '', n.note, 0, ''
         FROM review_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.case_id = ?1 ORDER BY n.id",
        case_id,
    )
}

pub fn exceptions(conn: &Connection, case_id: i64) -> StoreResult<Vec<SharedStep>> {
    steps(
        conn,
        "SELECT e.side, coalesce(u.username, ''), coalesce(u.display_name, ''), e.approved_on,
                '', '', 1, e.reason
         FROM exception_approvals e LEFT JOIN users u ON u.id = e.approved_by
         WHERE e.case_id = ?1 ORDER BY e.side",
        case_id,
    )
}

pub fn decisions(conn: &Connection, case_id: i64) -> StoreResult<Vec<SharedStep>> {
    steps(
        conn,
        "SELECT d.side, coalesce(u.username, ''), coalesce(u.display_name, ''), d.decided_on,
                '', '', d.approve, d.reason
         FROM decisions d LEFT JOIN users u ON u.id = d.decided_by
         WHERE d.case_id = ?1 ORDER BY d.side",
        case_id,
    )
}

/// A person of a partner office: a user row that cannot sign in (no key-file entry) and
/// is not active, named `username@installation`.
pub fn add_remote_user(
    tx: &Connection,
    username: &str,
    display_name: &str,
    role: Role,
    organisation_id: Option<i64>,
    installation: &str,
) -> StoreResult<User> {
    tx.execute(
        "INSERT INTO users (username, display_name, role, organisation_id, active, created_at,
            remote_installation) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
        params![
            username,
            display_name,
            role.code(),
            organisation_id,
            crate::store::now_rfc3339(),
            installation
        ],
    )?;
    Ok(User {
        id: tx.last_insert_rowid(),
        username: username.to_string(),
        display_name: display_name.to_string(),
        role,
        organisation_id,
        active: false,
    })
}
