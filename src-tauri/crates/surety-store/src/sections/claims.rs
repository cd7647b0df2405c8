//! The claim on the guarantee policy with its pool split, recoveries after it, and the case's subsidy.

use crate::corrupt::json;
use crate::error::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use surety_domain::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRecord {
    pub cutoff: String,
    pub outstanding_principal: Money,
    pub interest_due: Money,
    pub interest_accrued: Money,
    pub recovered_before: Money,
    pub loss: Money,
    pub insurer: Money,
    pub bank: Money,
    pub members: Vec<(String, Money)>,
    pub filed_on: String,
    pub paid_on: Option<String>,
    /// R-CLAIM-4 拒赔: the day the insurer refused the claim, and why.
    pub refused_on: Option<String>,
    pub refusal_reason: Option<String>,
}

pub fn save_claim(tx: &Transaction, case_id: i64, c: &ClaimRecord) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO claims (case_id, cutoff, outstanding_principal_fen, interest_due_fen, interest_accrued_fen,
            recovered_before_fen, loss_fen, insurer_fen, bank_fen, members_json, filed_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            case_id,
            c.cutoff,
            c.outstanding_principal.fen(),
            c.interest_due.fen(),
            c.interest_accrued.fen(),
            c.recovered_before.fen(),
            c.loss.fen(),
            c.insurer.fen(),
            c.bank.fen(),
            members_json(&c.members),
            c.filed_on
        ],
    )?;
    Ok(())
}

pub(crate) fn members_json(m: &[(String, Money)]) -> String {
    serde_json::to_string(
        &m.iter()
            .map(|(n, a)| (n.clone(), a.fen()))
            .collect::<Vec<_>>(),
    )
    .expect("serializes")
}

pub(crate) fn members_from(
    table: &'static str,
    case_id: i64,
    text: &str,
) -> rusqlite::Result<Vec<(String, Money)>> {
    let v: Vec<(String, i64)> = json(table, case_id, "members_json", text)?;
    Ok(v.into_iter()
        .map(|(n, f)| (n, Money::from_fen(f)))
        .collect())
}

/// Only a claim neither paid nor refused is paid; false when there was none.
pub fn mark_claim_paid(tx: &Transaction, case_id: i64, on: &str) -> StoreResult<bool> {
    Ok(tx.execute(
        "UPDATE claims SET paid_on = ?1 WHERE case_id = ?2 AND paid_on IS NULL AND refused_on IS NULL",
        params![on, case_id],
    )? == 1)
}

/// 拒赔: only a claim neither paid nor refused can be refused; false when there was none.
pub fn refuse_claim(tx: &Transaction, case_id: i64, on: &str, reason: &str) -> StoreResult<bool> {
    Ok(tx.execute(
        "UPDATE claims SET refused_on = ?1, refusal_reason = ?2
         WHERE case_id = ?3 AND paid_on IS NULL AND refused_on IS NULL",
        params![on, reason, case_id],
    )? == 1)
}

pub fn claim(conn: &Connection, case_id: i64) -> StoreResult<Option<ClaimRecord>> {
    Ok(conn
        .query_row(
            "SELECT cutoff, outstanding_principal_fen, interest_due_fen, interest_accrued_fen, recovered_before_fen,
                    loss_fen, insurer_fen, bank_fen, members_json, filed_on, paid_on, refused_on, refusal_reason
             FROM claims WHERE case_id = ?1",
            [case_id],
            |r| {
                Ok(ClaimRecord {
                    cutoff: r.get(0)?,
                    outstanding_principal: Money::from_fen(r.get(1)?),
                    interest_due: Money::from_fen(r.get(2)?),
                    interest_accrued: Money::from_fen(r.get(3)?),
                    recovered_before: Money::from_fen(r.get(4)?),
                    loss: Money::from_fen(r.get(5)?),
                    insurer: Money::from_fen(r.get(6)?),
                    bank: Money::from_fen(r.get(7)?),
                    members: members_from("claims", case_id, &r.get::<_, String>(8)?)?,
                    filed_on: r.get(9)?,
                    paid_on: r.get(10)?,
                    refused_on: r.get(11)?,
                    refusal_reason: r.get(12)?,
                })
            },
        )
        .optional()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recovery {
    pub received_on: String,
    pub amount: Money,
    pub insurer: Money,
    pub bank: Money,
    pub members: Vec<(String, Money)>,
    pub before_claim: bool,
}

pub fn save_recovery(tx: &Transaction, case_id: i64, r: &Recovery) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO recoveries (case_id, received_on, amount_fen, insurer_fen, bank_fen, members_json, before_claim)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![case_id, r.received_on, r.amount.fen(), r.insurer.fen(), r.bank.fen(), members_json(&r.members), r.before_claim as i64],
    )?;
    Ok(())
}

pub fn recoveries(conn: &Connection, case_id: i64) -> StoreResult<Vec<Recovery>> {
    let mut stmt = conn.prepare_cached(
        "SELECT received_on, amount_fen, insurer_fen, bank_fen, members_json, before_claim FROM recoveries WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Recovery {
            received_on: r.get(0)?,
            amount: Money::from_fen(r.get(1)?),
            insurer: Money::from_fen(r.get(2)?),
            bank: Money::from_fen(r.get(3)?),
            members: members_from("recoveries", case_id, &r.get::<_, String>(4)?)?,
            before_claim: r.get::<_, i64>(5)? == 1,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn save_subsidy(
    tx: &Transaction,
    case_id: i64,
    premium: Money,
    interest: Money,
    on: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO subsidies (case_id, premium_fen, interest_fen, computed_on) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(case_id) DO UPDATE SET premium_fen = excluded.premium_fen, interest_fen = excluded.interest_fen, computed_on = excluded.computed_on",
        params![case_id, premium.fen(), interest.fen(), on],
    )?;
    Ok(())
}

pub fn subsidy(conn: &Connection, case_id: i64) -> StoreResult<Option<(Money, Money)>> {
    Ok(conn
        .query_row(
            "SELECT premium_fen, interest_fen FROM subsidies WHERE case_id = ?1",
            [case_id],
            |r| Ok((Money::from_fen(r.get(0)?), Money::from_fen(r.get(1)?))),
        )
        .optional()?)
}
