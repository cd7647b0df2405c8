//! R-STOP-2: what a city government paid of the compensation due above the stop line, per
//! insurer, city and pilot year.

use crate::error::StoreResult;
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;
use surety_domain::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompensationPayment {
    pub amount: Money,
    pub paid_on: String,
    pub note: String,
}

pub fn insert_payment(
    tx: &Transaction,
    insurer_id: i64,
    city: &str,
    year_start: &str,
    p: &CompensationPayment,
    user_id: i64,
) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO compensation_payments (insurer_id, city, year_start, amount_fen, paid_on, note, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![insurer_id, city, year_start, p.amount.fen(), p.paid_on, p.note, user_id],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The payments for one year, received on or before `up_to`, oldest first.
pub fn payments(
    conn: &Connection,
    insurer_id: i64,
    city: &str,
    year_start: &str,
    up_to: &str,
) -> StoreResult<Vec<CompensationPayment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT amount_fen, paid_on, note FROM compensation_payments
         WHERE insurer_id = ?1 AND city = ?2 AND year_start = ?3 AND paid_on <= ?4
         ORDER BY paid_on, id",
    )?;
    let rows = stmt.query_map(params![insurer_id, city, year_start, up_to], |r| {
        Ok(CompensationPayment {
            amount: Money::from_fen(r.get(0)?),
            paid_on: r.get(1)?,
            note: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
