//! Each loan's standing figures (`loan_standings`, migration 0025): what was repaid, and the
//! due day of the first period that does not cover. They are rewritten in the transaction
//! of every write of the loan's repayments or schedule (`refresh`, called by
//! `save_repayment`, `insert_schedule` and `schedules::replace`), so the dashboard reads one
//! row a loan (`standings_of`) instead of walking every schedule and repayment of the book.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use surety_domain::Money;

/// One loan's row, from its schedule and repayments as they are now (the migration
/// back-fills every loan with the same query over all of them).
const REFRESH: &str = "
INSERT OR REPLACE INTO loan_standings (case_id, paid_fen, principal_fen, last_paid_on, first_unpaid_due, rescheduled)
SELECT c.id,
       coalesce(r.paid, 0),
       coalesce(r.principal, 0),
       r.last,
       (SELECT s.due_date FROM (
            SELECT due_date, period,
                   sum(principal_fen + interest_fen) OVER (ORDER BY period) AS owed,
                   sum(opening_interest_fen + opening_principal_fen) OVER () AS opening
            FROM schedule WHERE case_id = c.id) AS s
        WHERE s.owed > s.opening + coalesce(r.paid, 0)
        ORDER BY s.period LIMIT 1),
       EXISTS (SELECT 1 FROM schedule_history h WHERE h.case_id = c.id)
FROM cases c
LEFT JOIN (SELECT case_id, sum(principal_fen + interest_fen) AS paid, sum(principal_fen) AS principal,
                  max(paid_on) AS last
           FROM repayments WHERE case_id = ?1 GROUP BY case_id) AS r ON r.case_id = c.id
WHERE c.id = ?1";

/// Rewrites the loan's row (none while it has no schedule), inside the caller's
/// transaction.
pub fn refresh(conn: &Connection, case_id: i64) -> StoreResult<()> {
    let has_schedule: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM schedule WHERE case_id = ?1 LIMIT 1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?;
    if has_schedule.is_some() {
        conn.prepare_cached(REFRESH)?.execute([case_id])?;
    } else {
        conn.execute("DELETE FROM loan_standings WHERE case_id = ?1", [case_id])?;
    }
    Ok(())
}

/// Rewrites every loan's row: for books loaded by SQL of their own (the benchmarks').
pub fn refresh_all(conn: &Connection) -> StoreResult<()> {
    let ids: Vec<i64> = conn
        .prepare("SELECT DISTINCT case_id FROM schedule")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        refresh(conn, id)?;
    }
    Ok(())
}

/// What the dashboard needs of a loan at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoanStanding {
    pub principal_repaid: Money,
    pub days_overdue: u32,
}

/// The standing at the end of `as_of` of each loan of `ids`: from its row, or — for a loan
/// whose schedule was replaced, that has a repayment dated after the day, or has no row —
/// from its schedule and repayments as `book::book_facts_of` reads them.
pub fn standings_of(
    conn: &Connection,
    as_of: chrono::NaiveDate,
    ids: &[i64],
) -> StoreResult<HashMap<i64, LoanStanding>> {
    let day = as_of.to_string();
    let ids_json = serde_json::to_string(ids).expect("ids serialize");
    let mut out = HashMap::with_capacity(ids.len());
    let mut stmt = conn.prepare(
        "SELECT s.case_id, s.principal_fen, s.first_unpaid_due
         FROM json_each(?1) AS j CROSS JOIN loan_standings AS s ON s.case_id = j.value
         WHERE s.rescheduled = 0 AND (s.last_paid_on IS NULL OR s.last_paid_on <= ?2)",
    )?;
    let mut rows = stmt.query(params![ids_json, day])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let first_unpaid: Option<String> = r.get(2)?;
        let days_overdue = match first_unpaid {
            Some(d) => {
                let due = crate::corrupt::date("loan_standings", id, "first_unpaid_due", &d)?;
                u32::try_from((as_of - due).num_days().max(0)).unwrap_or(u32::MAX)
            }
            None => 0,
        };
        out.insert(
            id,
            LoanStanding {
                principal_repaid: Money::from_fen(r.get(1)?),
                days_overdue,
            },
        );
    }
    let rest: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !out.contains_key(id))
        .collect();
    if !rest.is_empty() {
        let facts = crate::book::book_facts_of(conn, as_of, &day, Some(&rest))?;
        for id in rest {
            let f = facts.get(id);
            out.insert(
                id,
                LoanStanding {
                    principal_repaid: f.principal_repaid,
                    days_overdue: f.standing.days_overdue,
                },
            );
        }
    }
    Ok(out)
}
