//! Grouped reads for the watch and the dashboard: loss-ratio and claim inputs, the pipeline, disbursements by month, the loans on the books, the business stop.

use crate::corrupt::corrupt;
use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use surety_domain::{CaseStatus, Money};

/// R-STOP-1 inputs: the underwriter's premiums received and claims paid (its share) in a
/// city between two dates (inclusive).
pub fn loss_ratio_inputs(
    conn: &Connection,
    insurer_id: i64,
    city: &str,
    from: &str,
    to: &str,
) -> StoreResult<(Money, Money)> {
    let premiums: i64 = conn.query_row(
        // R-STOP-1 (§4.3 赔付额/实收保费): the guarantee line only; the borrower accident
        // insurance is a separate line (§3.1) and stays out. A premium refunded when the
        // case was withdrawn leaves the ratio from the day of the refund.
        "SELECT coalesce(sum(p.amount_fen), 0) FROM premiums p JOIN cases c ON c.id = p.case_id
         WHERE c.insurer_id = ?1 AND c.city = ?2 AND p.line = 'guarantee'
           AND p.received_on BETWEEN ?3 AND ?4
           AND NOT EXISTS (SELECT 1 FROM premium_refunds r
                           WHERE r.case_id = p.case_id AND r.line = p.line AND r.refunded_on <= ?4)",
        params![insurer_id, city, from, to],
        |r| r.get(0),
    )?;
    let claims: i64 = conn.query_row(
        "SELECT coalesce(sum(k.insurer_fen), 0) FROM claims k JOIN cases c ON c.id = k.case_id
         WHERE c.insurer_id = ?1 AND c.city = ?2 AND k.paid_on BETWEEN ?3 AND ?4",
        params![insurer_id, city, from, to],
        |r| r.get(0),
    )?;
    Ok((Money::from_fen(premiums), Money::from_fen(claims)))
}

/// (insurer, city) → (guarantee premiums received, claims paid by the insurer).
pub type PairInputs = std::collections::HashMap<(i64, String), (Money, Money)>;

/// `loss_ratio_inputs` for every insurer and city at once, between two dates inclusive —
/// one grouped read instead of one per pair.
pub fn loss_ratio_inputs_all(conn: &Connection, from: &str, to: &str) -> StoreResult<PairInputs> {
    let mut out: std::collections::HashMap<(i64, String), (Money, Money)> =
        std::collections::HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT c.insurer_id, c.city, sum(p.amount_fen) FROM premiums p JOIN cases c ON c.id = p.case_id
         WHERE p.line = 'guarantee' AND p.received_on BETWEEN ?1 AND ?2 AND c.insurer_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM premium_refunds r
                           WHERE r.case_id = p.case_id AND r.line = p.line AND r.refunded_on <= ?2)
         GROUP BY 1, 2",
    )?;
    for row in stmt.query_map(params![from, to], |r| {
        Ok((
            (r.get::<_, i64>(0)?, r.get::<_, String>(1)?),
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (key, fen) = row?;
        out.entry(key).or_insert((Money::ZERO, Money::ZERO)).0 = Money::from_fen(fen);
    }
    let mut stmt = conn.prepare(
        "SELECT c.insurer_id, c.city, sum(k.insurer_fen) FROM claims k JOIN cases c ON c.id = k.case_id
         WHERE k.paid_on BETWEEN ?1 AND ?2 AND c.insurer_id IS NOT NULL GROUP BY 1, 2",
    )?;
    for row in stmt.query_map(params![from, to], |r| {
        Ok((
            (r.get::<_, i64>(0)?, r.get::<_, String>(1)?),
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (key, fen) = row?;
        out.entry(key).or_insert((Money::ZERO, Money::ZERO)).1 = Money::from_fen(fen);
    }
    Ok(out)
}

/// R-CLAIM-4 for an insurer in a city: the claims neither paid nor refused, each as (filed
/// on, the agreement's payment days), and the number refused between `from` and `to`.
pub fn claim_settlement_inputs(
    conn: &Connection,
    insurer_id: i64,
    city: &str,
    from: &str,
    to: &str,
) -> StoreResult<(Vec<(String, u32)>, u32)> {
    let mut stmt = conn.prepare(
        "SELECT k.filed_on, a.claim_payment_days
         FROM claims k JOIN cases c ON c.id = k.case_id JOIN agreements a ON a.id = c.agreement_id
         WHERE c.insurer_id = ?1 AND c.city = ?2 AND k.paid_on IS NULL AND k.refused_on IS NULL",
    )?;
    let open = stmt
        .query_map(params![insurer_id, city], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let refused = conn.query_row(
        "SELECT count(*) FROM claims k JOIN cases c ON c.id = k.case_id
         WHERE c.insurer_id = ?1 AND c.city = ?2 AND k.refused_on BETWEEN ?3 AND ?4",
        params![insurer_id, city, from, to],
        |r| r.get(0),
    )?;
    Ok((open, refused))
}

/// How many cases are in each state.
pub fn pipeline(
    conn: &Connection,
    reach: crate::cases::CaseReach,
) -> StoreResult<Vec<(String, u32)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT status, count(*) FROM cases c WHERE 1 = 1{} GROUP BY status ORDER BY status",
        reach.filter().unwrap_or_default()
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Disbursements per month: (YYYY-MM, count, amount).
pub fn monthly_disbursements(
    conn: &Connection,
    reach: crate::cases::CaseReach,
) -> StoreResult<Vec<(String, u32, Money)>> {
    // Every case in reach: the disbursements alone, summed by day in the order of their
    // index and then by month (grouping 100,000 of them by month at once sorted them all:
    // 30 ms of the dashboard); otherwise the cases in reach, by their index.
    let sql = match reach.filter() {
        None => "SELECT substr(day, 1, 7) AS m, sum(n), sum(fen)
                 FROM (SELECT disbursed_on AS day, count(*) AS n, sum(amount_fen) AS fen
                       FROM disbursements GROUP BY disbursed_on)
                 GROUP BY m ORDER BY m"
            .to_string(),
        Some(filter) => format!(
            "SELECT substr(d.disbursed_on, 1, 7) AS m, count(*), sum(d.amount_fen)
             FROM disbursements d JOIN cases c ON c.id = d.case_id WHERE 1 = 1{filter}
             GROUP BY m ORDER BY m"
        ),
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, Money::from_fen(r.get(2)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Case numbers of an organisation's cases (as bank or as insurer) in the given states.
pub fn org_cases(
    conn: &Connection,
    org_id: i64,
    statuses: &[CaseStatus],
    limit: u32,
) -> StoreResult<Vec<String>> {
    let list = statuses
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(",");
    let mut stmt = conn.prepare(&format!(
        "SELECT case_no FROM cases WHERE (bank_id = ?1 OR insurer_id = ?1) AND status IN ({list})
         ORDER BY application_date LIMIT {limit}"
    ))?;
    let rows = stmt.query_map([org_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A case with a loan outstanding (disbursed or overdue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveLoan {
    pub case_id: i64,
    pub case_no: String,
    pub bank_id: i64,
}

/// The loans outstanding, of one bank or of all, oldest first.
pub fn live_loans(conn: &Connection, bank: Option<i64>) -> StoreResult<Vec<LiveLoan>> {
    let mut stmt = conn.prepare(
        "SELECT id, case_no, bank_id FROM cases
         WHERE status IN ('disbursed', 'overdue') AND bank_id IS NOT NULL AND (?1 IS NULL OR bank_id = ?1)
         ORDER BY id",
    )?;
    let rows = stmt.query_map([bank], |r| {
        Ok(LiveLoan {
            case_id: r.get(0)?,
            case_no: r.get(1)?,
            bank_id: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// R-NPL-1: every loan still on a bank's book — running, overdue, or claimed and not yet
/// recovered in full or written off (closed) — with its state.
pub fn book_loans(conn: &Connection) -> StoreResult<Vec<(LiveLoan, CaseStatus)>> {
    let mut stmt = conn.prepare(
        "SELECT id, case_no, bank_id, status FROM cases
         WHERE status IN ('disbursed', 'overdue', 'claimed', 'claim_refused', 'claim_paid', 'recovery')
           AND bank_id IS NOT NULL
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: i64 = r.get(0)?;
        let status: String = r.get(3)?;
        Ok((
            LiveLoan {
                case_id: id,
                case_no: r.get(1)?,
                bank_id: r.get(2)?,
            },
            status
                .parse::<CaseStatus>()
                .map_err(|_| corrupt("cases", id, "status", &status))?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// R-STOP-1 reached: the event that stops an insurer's new business in a city for the rest
/// of a pilot year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessStop {
    pub stopped_on: String,
    pub year_start: String,
    pub year_end: String,
    pub premiums: Money,
    pub claims: Money,
    pub ratio: String,
    pub case_no: String,
}

/// Records the stop once; a second one for the same insurer, city and year changes nothing.
pub fn record_stop(
    tx: &Transaction,
    insurer_id: i64,
    city: &str,
    stop: &BusinessStop,
) -> StoreResult<bool> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO business_stops
           (insurer_id, city, year_start, year_end, stopped_on, premiums_fen, claims_fen, ratio, case_no)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            insurer_id,
            city,
            stop.year_start,
            stop.year_end,
            stop.stopped_on,
            stop.premiums.fen(),
            stop.claims.fen(),
            stop.ratio,
            stop.case_no
        ],
    )?;
    Ok(n == 1)
}

/// The stop in force for an insurer in a city in the pilot year starting `year_start`, if
/// one was recorded on or before `date`.
pub fn stop_for(
    conn: &Connection,
    insurer_id: i64,
    city: &str,
    year_start: &str,
    date: &str,
) -> StoreResult<Option<BusinessStop>> {
    Ok(conn
        .query_row(
            "SELECT stopped_on, year_start, year_end, premiums_fen, claims_fen, ratio, case_no
             FROM business_stops WHERE insurer_id = ?1 AND city = ?2 AND year_start = ?3 AND stopped_on <= ?4",
            params![insurer_id, city, year_start, date],
            |r| {
                Ok(BusinessStop {
                    stopped_on: r.get(0)?,
                    year_start: r.get(1)?,
                    year_end: r.get(2)?,
                    premiums: Money::from_fen(r.get(3)?),
                    claims: Money::from_fen(r.get(4)?),
                    ratio: r.get(5)?,
                    case_no: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// The day a case was closed (R-REPORT-1 reads a loan off its bank's book from that day).
pub fn set_closed_on(tx: &Transaction, case_id: i64, on: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE cases SET closed_on = ?2 WHERE id = ?1",
        params![case_id, on],
    )?;
    Ok(())
}
