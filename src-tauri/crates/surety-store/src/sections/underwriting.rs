//! Before the money: both sides' investigations, review notes, decisions and R-AMT-1 exceptions, contracts signed, premiums received, the disbursement.

use super::record::{parse_side, side_code};
use crate::corrupt::json;
use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use surety_domain::{Money, Side};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Investigation {
    pub side: Side,
    pub findings_json: String,
    pub note: String,
    pub attachments: Vec<String>,
    pub investigator: String,
    pub completed_on: String,
}

pub fn save_investigation(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    inv: &Investigation,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO investigations (case_id, side, findings_json, note, attachments, investigator_id, completed_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(case_id, side) DO UPDATE SET findings_json = excluded.findings_json, note = excluded.note,
           attachments = excluded.attachments, investigator_id = excluded.investigator_id, completed_on = excluded.completed_on",
        params![
            case_id,
            side_code(inv.side),
            inv.findings_json,
            inv.note,
            serde_json::to_string(&inv.attachments).expect("strings serialize"),
            user_id,
            inv.completed_on
        ],
    )?;
    Ok(())
}

pub fn investigations(conn: &Connection, case_id: i64) -> StoreResult<Vec<Investigation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.side, i.findings_json, i.note, i.attachments, coalesce(u.display_name, ''), i.completed_on
         FROM investigations i LEFT JOIN users u ON u.id = i.investigator_id WHERE i.case_id = ?1 ORDER BY i.side",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Investigation {
            side: parse_side("investigations", case_id, &r.get::<_, String>(0)?)?,
            findings_json: r.get(1)?,
            note: r.get(2)?,
            attachments: json(
                "investigations",
                case_id,
                "attachments",
                &r.get::<_, String>(3)?,
            )?,
            investigator: r.get(4)?,
            completed_on: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewNote {
    pub author: String,
    pub note: String,
    pub created_at: String,
}

pub fn add_review_note(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    note: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO review_notes (case_id, author_id, note, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![case_id, user_id, note, crate::store::now_rfc3339()],
    )?;
    Ok(())
}

pub fn review_notes(conn: &Connection, case_id: i64) -> StoreResult<Vec<ReviewNote>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(u.display_name, ''), n.note, n.created_at FROM review_notes n
         LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ?1 ORDER BY n.id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(ReviewNote {
            author: r.get(0)?,
            note: r.get(1)?,
            created_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A decision or an exception approval by one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideAct {
    pub side: Side,
    pub approve: bool,
    pub reason: String,
    pub by: String,
    pub on: String,
}

pub fn save_decision(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    act: &SideAct,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO decisions (case_id, side, approve, reason, decided_by, decided_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![case_id, side_code(act.side), act.approve as i64, act.reason, user_id, act.on],
    )?;
    Ok(())
}

pub fn decisions(conn: &Connection, case_id: i64) -> StoreResult<Vec<SideAct>> {
    side_acts(conn, "SELECT d.side, d.approve, d.reason, coalesce(u.display_name, ''), d.decided_on FROM decisions d LEFT JOIN users u ON u.id = d.decided_by WHERE d.case_id = ?1 ORDER BY d.side", case_id)
}

pub fn save_exception(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    act: &SideAct,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO exception_approvals (case_id, side, reason, approved_by, approved_on) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, side_code(act.side), act.reason, user_id, act.on],
    )?;
    Ok(())
}

pub fn exceptions(conn: &Connection, case_id: i64) -> StoreResult<Vec<SideAct>> {
    side_acts(conn, "SELECT e.side, 1, e.reason, coalesce(u.display_name, ''), e.approved_on FROM exception_approvals e LEFT JOIN users u ON u.id = e.approved_by WHERE e.case_id = ?1 ORDER BY e.side", case_id)
}

pub(crate) fn side_acts(conn: &Connection, sql: &str, case_id: i64) -> StoreResult<Vec<SideAct>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(SideAct {
            side: parse_side("decisions", case_id, &r.get::<_, String>(0)?)?,
            approve: r.get::<_, i64>(1)? == 1,
            reason: r.get(2)?,
            by: r.get(3)?,
            on: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub doc_kind: String,
    pub doc_no: String,
    pub signed_on: String,
}

pub fn save_contract(tx: &Transaction, case_id: i64, c: &Contract) -> StoreResult<()> {
    tx.execute(
        // A policy keeps the premium its quote states (R-REPORT-1's premiums written).
        "INSERT INTO contracts (case_id, doc_kind, doc_no, signed_on, premium_fen)
         VALUES (?1, ?2, ?3, ?4,
                 (SELECT CAST(replace(json_extract(quote_json,
                           CASE ?2 WHEN 'guarantee_policy' THEN '$.guarantee_premium' ELSE '$.accident_premium' END),
                         '.', '') AS INTEGER)
                  FROM cases WHERE id = ?1 AND ?2 IN ('guarantee_policy', 'accident_policy')))",
        params![case_id, c.doc_kind, c.doc_no, c.signed_on],
    )?;
    Ok(())
}

pub fn contracts(conn: &Connection, case_id: i64) -> StoreResult<Vec<Contract>> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_kind, doc_no, signed_on FROM contracts WHERE case_id = ?1 ORDER BY signed_on, doc_kind",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Contract {
            doc_kind: r.get(0)?,
            doc_no: r.get(1)?,
            signed_on: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Premium {
    pub line: String,
    pub amount: Money,
    pub received_on: String,
}

pub fn save_premium(tx: &Transaction, case_id: i64, p: &Premium) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO premiums (case_id, line, amount_fen, received_on) VALUES (?1, ?2, ?3, ?4)",
        params![case_id, p.line, p.amount.fen(), p.received_on],
    )?;
    Ok(())
}

pub fn premiums(conn: &Connection, case_id: i64) -> StoreResult<Vec<Premium>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, amount_fen, received_on FROM premiums WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Premium {
            line: r.get(0)?,
            amount: Money::from_fen(r.get(1)?),
            received_on: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn save_disbursement(
    tx: &Transaction,
    case_id: i64,
    amount: Money,
    on: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO disbursements (case_id, amount_fen, disbursed_on) VALUES (?1, ?2, ?3)",
        params![case_id, amount.fen(), on],
    )?;
    Ok(())
}

pub fn disbursed_on(conn: &Connection, case_id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT disbursed_on FROM disbursements WHERE case_id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?)
}
