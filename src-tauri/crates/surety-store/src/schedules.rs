//! Schedule versions (early repayment): the version in force lives in `schedule`, each one
//! it replaced in `schedule_history`, and `schedule_versions` says when and why each began.

use crate::corrupt::{corrupt, date};
use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use surety_domain::claim::PeriodPaid;
use surety_domain::{Installment, Money};

/// One installment as a schedule table stores it: period, due date, principal, interest,
/// payment and balance in six columns from `first` (every reader of `schedule` and
/// `schedule_history` reads them so).
pub(crate) fn installment(
    r: &rusqlite::Row,
    table: &'static str,
    case_id: i64,
    first: usize,
) -> rusqlite::Result<Installment> {
    Ok(Installment {
        period: r.get(first)?,
        due_date: date(table, case_id, "due_date", &r.get::<_, String>(first + 1)?)?,
        principal: Money::from_fen(r.get(first + 2)?),
        interest: Money::from_fen(r.get(first + 3)?),
        payment: Money::from_fen(r.get(first + 4)?),
        balance: Money::from_fen(r.get(first + 5)?),
    })
}

/// Why a schedule version began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionKind {
    /// The schedule of the signed loan contract.
    Contract,
    /// A partial early repayment recomputed the remaining periods.
    Prepayment,
    /// The loan was repaid in full before term.
    Payoff,
}

impl VersionKind {
    pub fn code(self) -> &'static str {
        match self {
            VersionKind::Contract => "contract",
            VersionKind::Prepayment => "prepayment",
            VersionKind::Payoff => "payoff",
        }
    }
    fn parse(case_id: i64, s: &str) -> rusqlite::Result<Self> {
        match s {
            "contract" => Ok(VersionKind::Contract),
            "prepayment" => Ok(VersionKind::Prepayment),
            "payoff" => Ok(VersionKind::Payoff),
            other => Err(corrupt("schedule_versions", case_id, "kind", other)),
        }
    }
}

/// One version of a loan's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleVersion {
    pub version: i64,
    pub kind: VersionKind,
    /// The contract date for version 1, the repayment day for the others.
    pub made_on: String,
    pub in_force: bool,
    pub installments: Vec<Installment>,
}

/// The number of the schedule version in force.
pub fn current_version(conn: &Connection, case_id: i64) -> StoreResult<i64> {
    Ok(conn
        .query_row(
            "SELECT schedule_version FROM cases WHERE id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(1))
}

/// Keeps the schedule in force as history and puts `schedule` in its place, with what was
/// already paid on each period before it (`opening`). Returns the new version's number.
pub fn replace(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    made_on: &str,
    kind: VersionKind,
    schedule: &[Installment],
    opening: &[PeriodPaid],
) -> StoreResult<i64> {
    let old = current_version(tx, case_id)?;
    if old == 1 {
        // Version 1 is described when it is first replaced: the contract's own schedule.
        tx.execute(
            "INSERT OR IGNORE INTO schedule_versions (case_id, version, made_on, kind, made_by)
             SELECT id, 1, coalesce(contract_date, application_date), 'contract', NULL FROM cases WHERE id = ?1",
            [case_id],
        )?;
    }
    tx.execute(
        "INSERT INTO schedule_history (case_id, version, period, due_date, principal_fen, interest_fen, payment_fen, balance_fen,
                                       opening_interest_fen, opening_principal_fen)
         SELECT case_id, ?2, period, due_date, principal_fen, interest_fen, payment_fen, balance_fen,
                opening_interest_fen, opening_principal_fen
         FROM schedule WHERE case_id = ?1",
        params![case_id, old],
    )?;
    tx.execute("DELETE FROM schedule WHERE case_id = ?1", [case_id])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO schedule (case_id, period, due_date, principal_fen, interest_fen, payment_fen, balance_fen,
                               opening_interest_fen, opening_principal_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (i, inst) in schedule.iter().enumerate() {
        let open = opening.get(i).copied().unwrap_or_default();
        stmt.execute(params![
            case_id,
            inst.period,
            inst.due_date.to_string(),
            inst.principal.fen(),
            inst.interest.fen(),
            inst.payment.fen(),
            inst.balance.fen(),
            open.interest.fen(),
            open.principal.fen()
        ])?;
    }
    let new = old + 1;
    tx.execute(
        "INSERT INTO schedule_versions (case_id, version, made_on, kind, made_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, new, made_on, kind.code(), user_id],
    )?;
    tx.execute(
        "UPDATE cases SET schedule_version = ?2 WHERE id = ?1",
        params![case_id, new],
    )?;
    crate::standings::refresh(tx, case_id)?;
    Ok(new)
}

/// What counts as paid on each period of the version in force before its first repayment.
pub fn opening_paid(conn: &Connection, case_id: i64) -> StoreResult<Vec<PeriodPaid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT opening_interest_fen, opening_principal_fen FROM schedule WHERE case_id = ?1 ORDER BY period",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(PeriodPaid {
            interest: Money::from_fen(r.get(0)?),
            principal: Money::from_fen(r.get(1)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every version of a loan's schedule, oldest first; just the one in force while the
/// schedule was never replaced.
pub fn versions(conn: &Connection, case_id: i64) -> StoreResult<Vec<ScheduleVersion>> {
    let current = current_version(conn, case_id)?;
    let mut described = conn.prepare_cached(
        "SELECT version, made_on, kind FROM schedule_versions WHERE case_id = ?1 ORDER BY version",
    )?;
    let mut out: Vec<ScheduleVersion> = described
        .query_map([case_id], |r| {
            Ok(ScheduleVersion {
                version: r.get(0)?,
                made_on: r.get(1)?,
                kind: VersionKind::parse(case_id, &r.get::<_, String>(2)?)?,
                in_force: false,
                installments: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut history = conn.prepare_cached(
        "SELECT period, due_date, principal_fen, interest_fen, payment_fen, balance_fen
         FROM schedule_history WHERE case_id = ?1 AND version = ?2 ORDER BY period",
    )?;
    for v in out.iter_mut().filter(|v| v.version != current) {
        v.installments = history
            .query_map(params![case_id, v.version], |r| {
                installment(r, "schedule_history", case_id, 0)
            })?
            .collect::<Result<_, _>>()?;
    }
    let in_force = crate::sections::schedule(conn, case_id)?;
    match out.iter_mut().find(|v| v.version == current) {
        Some(v) => {
            v.in_force = true;
            v.installments = in_force;
        }
        None => out.push(ScheduleVersion {
            version: current,
            kind: VersionKind::Contract,
            made_on: String::new(),
            in_force: true,
            installments: in_force,
        }),
    }
    Ok(out)
}

/// A loan's schedule and what was paid against each period as it stood at the end of
/// `as_of`: the version in force that day (the newest one begun on or before it) and the
/// repayments on it made by then. The quarter report reads past quarters through this.
pub fn position_as_of(
    conn: &Connection,
    case_id: i64,
    as_of: &str,
) -> StoreResult<(Vec<Installment>, Vec<PeriodPaid>)> {
    let current = current_version(conn, case_id)?;
    let version: i64 = conn
        .prepare_cached(
            "SELECT max(version) FROM schedule_versions WHERE case_id = ?1 AND made_on <= ?2",
        )?
        .query_row(params![case_id, as_of], |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(1);
    let table = if version == current {
        "schedule WHERE case_id = ?1 AND ?2 = ?2"
    } else {
        "schedule_history WHERE case_id = ?1 AND version = ?2"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT period, due_date, principal_fen, interest_fen, payment_fen, balance_fen,
                opening_interest_fen, opening_principal_fen
         FROM {table} ORDER BY period"
    ))?;
    let rows = stmt.query_map(params![case_id, version], |r| {
        Ok((
            installment(r, "schedule", case_id, 0)?,
            PeriodPaid {
                interest: Money::from_fen(r.get(6)?),
                principal: Money::from_fen(r.get(7)?),
            },
        ))
    })?;
    let (schedule, mut paid): (Vec<Installment>, Vec<PeriodPaid>) =
        rows.collect::<Result<Vec<_>, _>>()?.into_iter().unzip();
    for r in crate::sections::repayments(conn, case_id)? {
        if r.schedule_version == version && r.paid_on.as_str() <= as_of {
            surety_domain::claim::apply(&mut paid, schedule.len(), &r.allocations);
        }
    }
    Ok((schedule, paid))
}
