//! R-CLAIM-3: the borrower accident claims an insurer paid to the bank on a case.

use crate::error::StoreResult;
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;
use surety_domain::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccidentClaim {
    pub occurred_on: String,
    pub cause: String,
    pub amount: Money,
    pub paid_on: String,
}

pub fn save(tx: &Transaction, case_id: i64, user_id: i64, c: &AccidentClaim) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO accident_claims (case_id, occurred_on, cause, amount_fen, paid_on, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![case_id, c.occurred_on, c.cause, c.amount.fen(), c.paid_on, user_id],
    )?;
    Ok(())
}

pub fn for_case(conn: &Connection, case_id: i64) -> StoreResult<Vec<AccidentClaim>> {
    let mut stmt = conn.prepare_cached(
        "SELECT occurred_on, cause, amount_fen, paid_on FROM accident_claims
         WHERE case_id = ?1 ORDER BY paid_on, id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(AccidentClaim {
            occurred_on: r.get(0)?,
            cause: r.get(1)?,
            amount: Money::from_fen(r.get(2)?),
            paid_on: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What an insurer paid in accident claims in a city between two days (kept apart from the
/// guarantee loss ratio, R-STOP-1).
pub fn paid_in(
    conn: &Connection,
    insurer_id: i64,
    city: &str,
    from: &str,
    to: &str,
) -> StoreResult<Money> {
    let fen: i64 = conn.query_row(
        // Accident claims are few and cases many: `CROSS JOIN` keeps SQLite walking the
        // claims (it chose to walk the city's cases: 60 ms a line at 100,000 cases).
        "SELECT coalesce(sum(a.amount_fen), 0) FROM accident_claims a CROSS JOIN cases c ON c.id = a.case_id
         WHERE c.insurer_id = ?1 AND c.city = ?2 AND a.paid_on BETWEEN ?3 AND ?4",
        params![insurer_id, city, from, to],
        |r| r.get(0),
    )?;
    Ok(Money::from_fen(fen))
}
