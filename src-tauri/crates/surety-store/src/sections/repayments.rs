//! Repayments against the schedule (ordinary, prepayment, pay-off), the position they leave, and overdue events.

use super::record::schedule;
use crate::corrupt::{corrupt, json};
use crate::error::StoreResult;
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;
use surety_domain::claim::{Allocation, PeriodPaid};
use surety_domain::{Installment, Money};

/// What a repayment was: an ordinary one against the schedule, or an early one that began
/// a new schedule version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepaymentKind {
    Installment,
    Prepayment,
    Payoff,
    /// R-CLAIM-3: a borrower accident claim paid to the bank.
    AccidentClaim,
}

impl RepaymentKind {
    pub fn code(self) -> &'static str {
        match self {
            RepaymentKind::Installment => "installment",
            RepaymentKind::Prepayment => "prepayment",
            RepaymentKind::Payoff => "payoff",
            RepaymentKind::AccidentClaim => "accident_claim",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repayment {
    pub paid_on: String,
    pub amount: Money,
    pub kind: RepaymentKind,
    /// The schedule version the allocations refer to.
    pub schedule_version: i64,
    pub allocations: Vec<Allocation>,
}

pub fn save_repayment(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    r: &Repayment,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO repayments (case_id, paid_on, amount_fen, allocation_json, recorded_by, kind, schedule_version,
                                 principal_fen, interest_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            case_id,
            r.paid_on,
            r.amount.fen(),
            serde_json::to_string(&r.allocations.iter().map(|a| (a.period, a.interest.fen(), a.principal.fen())).collect::<Vec<_>>()).expect("serializes"),
            user_id,
            r.kind.code(),
            r.schedule_version,
            r.allocations.iter().map(|a| a.principal.fen()).sum::<i64>(),
            r.allocations.iter().map(|a| a.interest.fen()).sum::<i64>()
        ],
    )?;
    crate::standings::refresh(tx, case_id)
}

/// The day of a case's latest repayment (any kind), from its covering index.
pub fn last_paid_on(conn: &Connection, case_id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT max(paid_on) FROM repayments WHERE case_id = ?1")?
        .query_row([case_id], |r| r.get(0))?)
}

pub fn repayments(conn: &Connection, case_id: i64) -> StoreResult<Vec<Repayment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT paid_on, amount_fen, allocation_json, kind, schedule_version FROM repayments WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        let parts: Vec<(u32, i64, i64)> = json(
            "repayments",
            case_id,
            "allocation_json",
            &r.get::<_, String>(2)?,
        )?;
        let kind = match r.get::<_, String>(3)?.as_str() {
            "installment" => RepaymentKind::Installment,
            "prepayment" => RepaymentKind::Prepayment,
            "payoff" => RepaymentKind::Payoff,
            "accident_claim" => RepaymentKind::AccidentClaim,
            other => return Err(corrupt("repayments", case_id, "kind", other)),
        };
        Ok(Repayment {
            paid_on: r.get(0)?,
            amount: Money::from_fen(r.get(1)?),
            kind,
            schedule_version: r.get(4)?,
            allocations: parts
                .into_iter()
                .map(|(period, i, p)| Allocation {
                    period,
                    interest: Money::from_fen(i),
                    principal: Money::from_fen(p),
                })
                .collect(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A loan's schedule and what has been paid against each of its periods.
pub fn position(
    conn: &Connection,
    case_id: i64,
) -> StoreResult<(Vec<Installment>, Vec<PeriodPaid>)> {
    let schedule = schedule(conn, case_id)?;
    let paid = paid_by_period(conn, case_id, schedule.len())?;
    Ok((schedule, paid))
}

/// What has been paid against each period of the schedule version in force: what was
/// carried onto it when it began, plus the repayments allocated against it.
pub fn paid_by_period(
    conn: &Connection,
    case_id: i64,
    periods: usize,
) -> StoreResult<Vec<PeriodPaid>> {
    let mut paid = crate::schedules::opening_paid(conn, case_id)?;
    paid.resize(periods, PeriodPaid::default());
    let version = crate::schedules::current_version(conn, case_id)?;
    for r in repayments(conn, case_id)? {
        if r.schedule_version == version {
            surety_domain::claim::apply(&mut paid, periods, &r.allocations);
        }
    }
    Ok(paid)
}

pub fn save_overdue_event(
    tx: &Transaction,
    case_id: i64,
    as_of: &str,
    since: &str,
    days: u32,
    class: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO overdue_events (case_id, as_of, since, days, class) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, as_of, since, days, class],
    )?;
    Ok(())
}
