//! Defaulter flags on borrowers (R-DEFAULT-1) and a borrower's other guaranteed principal (R-AMT-1).

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use surety_domain::Money;

pub fn flag_evasion(
    tx: &Transaction,
    borrower_id: i64,
    reason: &str,
    on: &str,
    case_no: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE borrowers SET flagged_evasion = 1, flagged_reason = ?1, flagged_on = ?2, flagged_case = ?3
         WHERE id = ?4",
        params![reason, on, case_no, borrower_id],
    )?;
    Ok(())
}

/// The flag lifted (by an admin, with a reason kept in the audit log).
pub fn unflag_evasion(tx: &Transaction, borrower_id: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE borrowers SET flagged_evasion = 0, flagged_reason = NULL, flagged_on = NULL, flagged_case = NULL
         WHERE id = ?1",
        [borrower_id],
    )?;
    Ok(())
}

/// A borrower flagged under R-DEFAULT-1, with what the authorities are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultFlag {
    pub borrower_id: i64,
    pub name: String,
    pub id_number: String,
    pub flagged_on: String,
    pub case_no: String,
    pub note: String,
    /// The bank of the case the flag was found in.
    pub bank_id: Option<i64>,
    pub insurer_id: Option<i64>,
    /// Principal not yet repaid on the borrower's loans.
    pub outstanding: Money,
}

pub(crate) const FLAG_SELECT: &str = "SELECT b.id, b.name, b.id_number, coalesce(b.flagged_on, ''), coalesce(b.flagged_case, ''),
        coalesce(b.flagged_reason, ''), c.bank_id, c.insurer_id,
        (SELECT coalesce(sum(s.principal_fen), 0) FROM schedule s JOIN cases k ON k.id = s.case_id
          WHERE k.borrower_id = b.id AND k.status IN ('disbursed', 'overdue', 'claimed', 'claim_paid', 'recovery'))
      - (SELECT coalesce(sum(json_extract(a.value, '$[2]')), 0) FROM repayments r, json_each(r.allocation_json) a
          JOIN cases k ON k.id = r.case_id
          WHERE k.borrower_id = b.id AND k.status IN ('disbursed', 'overdue', 'claimed', 'claim_paid', 'recovery'))
     FROM borrowers b LEFT JOIN cases c ON c.case_no = b.flagged_case
     WHERE b.flagged_evasion = 1";

pub(crate) fn flag_row(r: &rusqlite::Row) -> rusqlite::Result<DefaultFlag> {
    Ok(DefaultFlag {
        borrower_id: r.get(0)?,
        name: r.get(1)?,
        id_number: r.get(2)?,
        flagged_on: r.get(3)?,
        case_no: r.get(4)?,
        note: r.get(5)?,
        bank_id: r.get(6)?,
        insurer_id: r.get(7)?,
        outstanding: Money::from_fen(r.get(8)?),
    })
}

/// The flag on the borrower with this resident ID / credit code, if any.
pub fn default_flag(conn: &Connection, id_number: &str) -> StoreResult<Option<DefaultFlag>> {
    Ok(conn
        .query_row(
            &format!("{FLAG_SELECT} AND b.id_number = ?1"),
            [id_number],
            flag_row,
        )
        .optional()?)
}

/// Every flagged borrower, oldest flag first.
pub fn default_flags(conn: &Connection) -> StoreResult<Vec<DefaultFlag>> {
    let mut stmt = conn.prepare(&format!("{FLAG_SELECT} ORDER BY b.flagged_on, b.id"))?;
    let rows = stmt.query_map([], flag_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The borrower's guaranteed principal still outstanding on their other live cases (R-AMT-1).
pub fn other_outstanding_principal(
    conn: &Connection,
    borrower_id: i64,
    except_case: Option<i64>,
) -> StoreResult<Money> {
    let fen: i64 = conn.query_row(
        "SELECT coalesce(sum(c.principal_fen - coalesce((SELECT sum(json_extract(a.value, '$[2]'))
                  FROM repayments r, json_each(r.allocation_json) a WHERE r.case_id = c.id), 0)), 0)
         FROM cases c WHERE c.borrower_id = ?1 AND c.id != ?2
           AND c.status NOT IN ('declined', 'withdrawn', 'repaid', 'closed', 'claim_paid', 'recovery')",
        params![borrower_id, except_case.unwrap_or(-1)],
        |r| r.get(0),
    )?;
    Ok(Money::from_fen(fen))
}
