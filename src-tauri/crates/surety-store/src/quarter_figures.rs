//! R-REPORT-1 and R-SUBSIDY-1: the dated events a quarter report sums, read as they stood
//! on a past day (every query takes its dates; nothing reads a case's current state where a
//! dated row says what it was), the frozen quarters and the cities' subsidy payments.
//! Amounts are summed in SQL on integer fen; rules stay in the service layer.

use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use surety_domain::Money;

/// What the report's lines are kept by: the city and the two parties of the loan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Parties {
    pub city: String,
    pub insurer_id: i64,
    pub bank_id: i64,
}

const PARTIES: &str = "c.city, coalesce(c.insurer_id, 0), coalesce(c.bank_id, 0)";

fn parties(r: &Row) -> rusqlite::Result<Parties> {
    Ok(Parties {
        city: r.get(0)?,
        insurer_id: r.get(1)?,
        bank_id: r.get(2)?,
    })
}

fn money(r: &Row, i: usize) -> rusqlite::Result<Money> {
    Ok(Money::from_fen(r.get::<_, Option<i64>>(i)?.unwrap_or(0)))
}

/// (parties, count) rows of a grouped count.
fn counts(conn: &Connection, sql: &str, from: &str, to: &str) -> StoreResult<Vec<(Parties, u32)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![from, to], |r| Ok((parties(r)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn premiums_refunded(
    conn: &Connection,
    from: &str,
    to: &str,
) -> StoreResult<Vec<(Parties, Money)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, sum(p.amount_fen) FROM premium_refunds p JOIN cases c ON c.id = p.case_id
         WHERE p.refunded_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| Ok((parties(r)?, money(r, 3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims filed: (parties, count, loss, the insurers' share).
pub fn claims_filed(
    conn: &Connection,
    from: &str,
    to: &str,
) -> StoreResult<Vec<(Parties, u32, Money, Money)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, count(*), sum(k.loss_fen), sum(k.insurer_fen)
         FROM claims k JOIN cases c ON c.id = k.case_id
         WHERE k.filed_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((parties(r)?, r.get(3)?, money(r, 4)?, money(r, 5)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims paid: (parties, count, paid by the insurers).
pub fn claims_paid(
    conn: &Connection,
    from: &str,
    to: &str,
) -> StoreResult<Vec<(Parties, u32, Money)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, count(*), sum(k.insurer_fen) FROM claims k JOIN cases c ON c.id = k.case_id
         WHERE k.paid_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((parties(r)?, r.get(3)?, money(r, 4)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// R-CLAIM-4: claims refused in the period.
pub fn claims_refused(conn: &Connection, from: &str, to: &str) -> StoreResult<Vec<(Parties, u32)>> {
    counts(
        conn,
        &format!(
            "SELECT {PARTIES}, count(*) FROM claims k JOIN cases c ON c.id = k.case_id
             WHERE k.refused_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3"
        ),
        from,
        to,
    )
}

/// Claims open at the end of `at` (filed, neither paid nor refused by then): (parties,
/// filed on, the agreement's payment days). Whether each is delayed is R-CLAIM-4's call.
pub fn claims_open_at(conn: &Connection, at: &str) -> StoreResult<Vec<(Parties, String, u32)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, k.filed_on, a.claim_payment_days
         FROM claims k JOIN cases c ON c.id = k.case_id JOIN agreements a ON a.id = c.agreement_id
         WHERE k.filed_on <= ?1 AND (k.paid_on IS NULL OR k.paid_on > ?1)
           AND (k.refused_on IS NULL OR k.refused_on > ?1)"
    ))?;
    let rows = stmt.query_map([at], |r| Ok((parties(r)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// R-CLAIM-3: borrower accident claims paid: (parties, count, amount).
pub fn accident_claims_paid(
    conn: &Connection,
    from: &str,
    to: &str,
) -> StoreResult<Vec<(Parties, u32, Money)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, count(*), sum(a.amount_fen) FROM accident_claims a JOIN cases c ON c.id = a.case_id
         WHERE a.paid_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((parties(r)?, r.get(3)?, money(r, 4)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Recoveries received: (parties, amount, credited to the insurers, to the bank).
pub fn recoveries(
    conn: &Connection,
    from: &str,
    to: &str,
) -> StoreResult<Vec<(Parties, Money, Money, Money)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, sum(r.amount_fen), sum(r.insurer_fen), sum(r.bank_fen)
         FROM recoveries r JOIN cases c ON c.id = r.case_id
         WHERE r.received_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((parties(r)?, money(r, 3)?, money(r, 4)?, money(r, 5)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// R-SUBSIDY-1's base for one case in a period: what was actually received and paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsidyBase {
    pub case_id: i64,
    pub case_no: String,
    pub borrower_name: String,
    pub parties: Parties,
    pub kind: String,
    /// Premiums of both lines received in the period and not refunded by its end.
    pub premiums: Money,
    /// Interest repaid in the period.
    pub interest: Money,
}

/// Every case of `cities` (those that subsidise) with premiums received or interest paid
/// in the period, by case: the period's repayments and premiums grouped first (through
/// their day indexes), then joined to their cases.
pub fn subsidy_bases(
    conn: &Connection,
    from: &str,
    to: &str,
    cities: &[&str],
) -> StoreResult<Vec<SubsidyBase>> {
    if cities.is_empty() {
        return Ok(Vec::new());
    }
    let list = cities
        .iter()
        .map(|c| format!("'{}'", c.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(",");
    let mut stmt = conn.prepare(&format!(
        "WITH i AS (SELECT case_id, sum(interest_fen) AS interest FROM repayments
                    WHERE paid_on BETWEEN ?1 AND ?2 GROUP BY case_id),
              p AS (SELECT q.case_id, sum(q.amount_fen) AS premiums FROM premiums q
                    WHERE q.received_on BETWEEN ?1 AND ?2
                      AND NOT EXISTS (SELECT 1 FROM premium_refunds f WHERE f.case_id = q.case_id
                                        AND f.line = q.line AND f.refunded_on <= ?2)
                    GROUP BY q.case_id),
              ids AS (SELECT case_id FROM i UNION SELECT case_id FROM p)
         SELECT {PARTIES}, c.id, c.case_no, b.name, b.kind, coalesce(p.premiums, 0), coalesce(i.interest, 0)
         FROM ids JOIN cases c ON c.id = ids.case_id JOIN borrowers b ON b.id = c.borrower_id
         LEFT JOIN i ON i.case_id = c.id LEFT JOIN p ON p.case_id = c.id
         WHERE c.city IN ({list})
         ORDER BY c.city, c.case_no"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(SubsidyBase {
            parties: parties(r)?,
            case_id: r.get(3)?,
            case_no: r.get(4)?,
            borrower_name: r.get(5)?,
            kind: r.get(6)?,
            premiums: money(r, 7)?,
            interest: money(r, 8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A city's payment of one case's subsidy for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsidyPayment {
    pub case_id: i64,
    pub premium: Money,
    pub interest: Money,
    pub paid_on: String,
}

/// The payments recorded for a period (`2016Q3`) by the end of `up_to`.
pub fn subsidy_payments(
    conn: &Connection,
    period: &str,
    up_to: &str,
) -> StoreResult<Vec<SubsidyPayment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, premium_fen, interest_fen, paid_on FROM subsidy_payments
         WHERE period = ?1 AND paid_on <= ?2 ORDER BY case_id",
    )?;
    let rows = stmt.query_map(params![period, up_to], |r| {
        Ok(SubsidyPayment {
            case_id: r.get(0)?,
            premium: money(r, 1)?,
            interest: money(r, 2)?,
            paid_on: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_subsidy_payment(
    tx: &Transaction,
    period: &str,
    p: &SubsidyPayment,
    user_id: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO subsidy_payments (case_id, period, premium_fen, interest_fen, paid_on, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![p.case_id, period, p.premium.fen(), p.interest.fen(), p.paid_on, user_id],
    )?;
    Ok(())
}

/// R-DEFAULT-1: borrowers flagged by the end of `at`, each with the city of the case they
/// were flagged on, the day, and that loan's principal outstanding at `at`.
pub fn defaulters(conn: &Connection, at: &str) -> StoreResult<Vec<(Parties, String, Money)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTIES}, b.flagged_on,
                coalesce(d.amount_fen, 0) - coalesce((SELECT sum(principal_fen) FROM repayments r
                                                     WHERE r.case_id = c.id AND r.paid_on <= ?1), 0)
         FROM borrowers b JOIN cases c ON c.case_no = b.flagged_case
         LEFT JOIN disbursements d ON d.case_id = c.id
         WHERE b.flagged_evasion = 1 AND b.flagged_on <= ?1"
    ))?;
    let rows = stmt.query_map([at], |r| Ok((parties(r)?, r.get(3)?, money(r, 4)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One closing of a quarter: the figures frozen then, and its reopening if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedQuarter {
    pub period: String,
    pub revision: u32,
    /// The insurer whose lines it froze (a pool's code for a pool); empty for an admin's
    /// closing of the whole installation.
    pub organisation: String,
    pub figures_json: String,
    pub sha256: String,
    pub closed_on: String,
    pub closed_by: String,
    pub reopened_on: Option<String>,
    pub reopened_by: Option<String>,
    pub reopen_reason: Option<String>,
}

const CLOSING_COLUMNS: &str =
    "q.period, q.revision, q.organisation, q.figures_json, q.sha256, q.closed_on,
     coalesce(u.username, ''), q.reopened_on, v.username, q.reopen_reason
     FROM quarter_reports q LEFT JOIN users u ON u.id = q.closed_by
     LEFT JOIN users v ON v.id = q.reopened_by";

fn closing(r: &Row) -> rusqlite::Result<ClosedQuarter> {
    Ok(ClosedQuarter {
        period: r.get(0)?,
        revision: r.get(1)?,
        organisation: r.get(2)?,
        figures_json: r.get(3)?,
        sha256: r.get(4)?,
        closed_on: r.get(5)?,
        closed_by: r.get(6)?,
        reopened_on: r.get(7)?,
        reopened_by: r.get(8)?,
        reopen_reason: r.get(9)?,
    })
}

/// Every closing of a period, newest first.
pub fn closings(conn: &Connection, period: &str) -> StoreResult<Vec<ClosedQuarter>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CLOSING_COLUMNS} WHERE q.period = ?1 ORDER BY q.revision DESC"
    ))?;
    let rows = stmt.query_map([period], closing)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The closings of a period in force (not reopened), newest first: an admin's for the
/// whole installation, or one per insurer that closed its lines.
pub fn closings_in_force(conn: &Connection, period: &str) -> StoreResult<Vec<ClosedQuarter>> {
    Ok(closings(conn, period)?
        .into_iter()
        .filter(|c| c.reopened_on.is_none())
        .collect())
}

/// The closing in force that freezes case `case_id`'s figures in `period`: the whole
/// installation's, or its insurer's.
pub fn closing_over_case(
    conn: &Connection,
    period: &str,
    case_id: i64,
) -> StoreResult<Option<ClosedQuarter>> {
    let insurer: String = conn
        .query_row(
            "SELECT coalesce(o.code, '') FROM cases c LEFT JOIN organisations o ON o.id = c.insurer_id
             WHERE c.id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    Ok(closings_in_force(conn, period)?
        .into_iter()
        .find(|c| c.organisation.is_empty() || c.organisation == insurer))
}

/// The newest closing of a period, if it was ever closed.
pub fn latest_closing(conn: &Connection, period: &str) -> StoreResult<Option<ClosedQuarter>> {
    Ok(closings(conn, period)?.into_iter().next())
}

/// A new closing.
pub struct NewClosing<'a> {
    pub period: &'a str,
    pub revision: u32,
    pub organisation: &'a str,
    pub figures_json: &'a str,
    pub sha256: &'a str,
    pub closed_on: &'a str,
    pub user_id: i64,
}

pub fn insert_closing(tx: &Transaction, c: &NewClosing) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO quarter_reports (period, revision, organisation, figures_json, sha256, closed_on, closed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![c.period, c.revision, c.organisation, c.figures_json, c.sha256, c.closed_on, c.user_id],
    )?;
    Ok(())
}

/// Marks a closing reopened; false when it was not in force.
pub fn reopen(
    tx: &Transaction,
    period: &str,
    revision: u32,
    on: &str,
    user_id: i64,
    reason: &str,
) -> StoreResult<bool> {
    Ok(tx.execute(
        "UPDATE quarter_reports SET reopened_on = ?3, reopened_by = ?4, reopen_reason = ?5
         WHERE period = ?1 AND revision = ?2 AND reopened_on IS NULL",
        params![period, revision, on, user_id, reason],
    )? == 1)
}
