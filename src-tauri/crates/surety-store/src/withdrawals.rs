//! A withdrawal after approval: each side's consent, and the premiums refunded when the
//! second side consents (the case is then withdrawn).

use crate::error::StoreResult;
use crate::sections::{side_acts, side_code, SideAct};
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;
use surety_domain::Money;

/// Records one side's consent; false when that side had already consented.
pub fn save_consent(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    act: &SideAct,
) -> StoreResult<bool> {
    Ok(tx.execute(
        "INSERT OR IGNORE INTO withdrawal_consents (case_id, side, reason, agreed_by, agreed_on)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, side_code(act.side), act.reason, user_id, act.on],
    )? == 1)
}

pub fn consents(conn: &Connection, case_id: i64) -> StoreResult<Vec<SideAct>> {
    side_acts(
        conn,
        "SELECT w.side, 1, w.reason, coalesce(u.display_name, ''), w.agreed_on
         FROM withdrawal_consents w LEFT JOIN users u ON u.id = w.agreed_by
         WHERE w.case_id = ?1 ORDER BY w.agreed_on, w.side",
        case_id,
    )
}

/// A premium line paid back to the borrower when the case was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refund {
    pub line: String,
    pub amount: Money,
    pub refunded_on: String,
}

/// Refunds every premium the case received, in full, on `on`; returns what was refunded.
pub fn refund_premiums(tx: &Transaction, case_id: i64, on: &str) -> StoreResult<Vec<Refund>> {
    tx.execute(
        "INSERT INTO premium_refunds (case_id, line, amount_fen, refunded_on)
         SELECT case_id, line, sum(amount_fen), ?2 FROM premiums WHERE case_id = ?1 GROUP BY line",
        params![case_id, on],
    )?;
    refunds(tx, case_id)
}

pub fn refunds(conn: &Connection, case_id: i64) -> StoreResult<Vec<Refund>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, amount_fen, refunded_on FROM premium_refunds WHERE case_id = ?1 ORDER BY line DESC",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Refund {
            line: r.get(0)?,
            amount: Money::from_fen(r.get(1)?),
            refunded_on: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
