//! A case's own row: its record with the stored quote, found by number, its status, agreement, contract terms and schedule.

use crate::corrupt::{corrupt, date, json, parsed};
use crate::error::{StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use surety_domain::{
    BorrowerKind, CaseStatus, City, Installment, Money, Rate, RepaymentMethod, Side,
};

pub(crate) fn side_code(side: Side) -> &'static str {
    match side {
        Side::Insurer => "insurer",
        Side::Bank => "bank",
    }
}

pub(crate) fn parse_side(table: &'static str, case_id: i64, s: &str) -> rusqlite::Result<Side> {
    match s {
        "insurer" => Ok(Side::Insurer),
        "bank" => Ok(Side::Bank),
        other => Err(corrupt(table, case_id, "side", other)),
    }
}

/// The figures of a case's quote as stored at intake or signing, typed: a value that does
/// not parse is a `Corrupt` error, never a zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredQuote {
    pub reference_rate: Option<Rate>,
    pub rate_cap: Option<Rate>,
    pub total_interest: Money,
    pub premium_base: Money,
    pub guarantee_premium: Money,
    pub accident_premium: Money,
    pub total_premium: Money,
    pub financing_cost: Money,
    #[serde(default)]
    pub warnings: Vec<StoredRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRule {
    pub rule: String,
}

/// A case as stored, with its borrower.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    pub id: i64,
    pub case_no: String,
    pub status: CaseStatus,
    pub city: City,
    pub bank_id: Option<i64>,
    pub insurer_id: Option<i64>,
    pub agreement_id: Option<i64>,
    pub principal: Money,
    pub annual_rate: Rate,
    pub term_months: u32,
    pub repayment: RepaymentMethod,
    pub guarantee_rate: Rate,
    pub accident_rate: Rate,
    pub application_date: chrono::NaiveDate,
    pub contract_date: Option<chrono::NaiveDate>,
    pub quote_json: String,
    pub quote: StoredQuote,
    pub version: i64,
    pub borrower_id: i64,
    pub borrower_name: String,
    pub borrower_kind: BorrowerKind,
    pub borrower_id_number: String,
    pub borrower_address: String,
    pub borrower_legal_rep: String,
    pub borrower_flagged: bool,
    /// The user who took the application in.
    pub created_by: Option<i64>,
    /// The day the case was closed (written off or settled), if it was.
    pub closed_on: Option<String>,
}

pub fn case_by_no(conn: &Connection, case_no: &str) -> StoreResult<Option<CaseRecord>> {
    Ok(conn
        .query_row(
            "SELECT c.id, c.case_no, c.status, c.city, c.bank_id, c.insurer_id, c.agreement_id, c.principal_fen,
                    c.annual_rate, c.term_months, c.repayment, c.guarantee_rate, c.accident_rate, c.application_date,
                    c.contract_date, c.quote_json, c.version, b.id, b.name, b.kind, b.id_number, b.address,
                    b.legal_rep, b.flagged_evasion, c.created_by, c.closed_on
             FROM cases c JOIN borrowers b ON b.id = c.borrower_id WHERE c.case_no = ?1",
            [case_no],
            |r| {
                let id: i64 = r.get(0)?;
                let text = |i: usize| r.get::<_, String>(i);
                let quote_json: String = r.get(15)?;
                Ok(CaseRecord {
                    id,
                    case_no: r.get(1)?,
                    status: parsed("cases", id, "status", &text(2)?)?,
                    city: parsed("cases", id, "city", &text(3)?)?,
                    bank_id: r.get(4)?,
                    insurer_id: r.get(5)?,
                    agreement_id: r.get(6)?,
                    principal: Money::from_fen(r.get(7)?),
                    annual_rate: parsed("cases", id, "annual_rate", &text(8)?)?,
                    term_months: r.get(9)?,
                    repayment: parsed("cases", id, "repayment", &text(10)?)?,
                    guarantee_rate: parsed("cases", id, "guarantee_rate", &text(11)?)?,
                    accident_rate: parsed("cases", id, "accident_rate", &text(12)?)?,
                    application_date: date("cases", id, "application_date", &text(13)?)?,
                    contract_date: r
                        .get::<_, Option<String>>(14)?
                        .map(|d| date("cases", id, "contract_date", &d))
                        .transpose()?,
                    quote: json("cases", id, "quote_json", &quote_json)?,
                    quote_json,
                    version: r.get(16)?,
                    borrower_id: r.get(17)?,
                    borrower_name: r.get(18)?,
                    borrower_kind: parsed("borrowers", r.get(17)?, "kind", &text(19)?)?,
                    borrower_id_number: r.get(20)?,
                    borrower_address: r.get(21)?,
                    borrower_legal_rep: r.get(22)?,
                    borrower_flagged: r.get::<_, i64>(23)? == 1,
                    created_by: r.get(24)?,
                    closed_on: r.get(25)?,
                })
            },
        )
        .optional()?)
}

/// Moves a case from `from` to `to`; refuses if someone else changed it meanwhile.
pub fn set_status(tx: &Transaction, case: &CaseRecord, to: CaseStatus) -> StoreResult<()> {
    // Every step checks the process model before it writes: a move backwards is a bug.
    debug_assert!(
        case.status.moves_forward_to(to),
        "case {} moved back from {} to {}",
        case.case_no,
        case.status.code(),
        to.code()
    );
    let n = tx.execute(
        "UPDATE cases SET status = ?1, version = version + 1, updated_at = ?2
         WHERE id = ?3 AND version = ?4",
        params![
            to.code(),
            crate::store::now_rfc3339(),
            case.id,
            case.version
        ],
    )?;
    if n != 1 {
        return Err(StoreError::invalid(
            "version",
            "案件已被他人修改，请刷新后重试",
            "the case was changed by someone else meanwhile: reload and try again",
        ));
    }
    Ok(())
}

pub fn set_agreement(tx: &Transaction, case_id: i64, agreement_id: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE cases SET agreement_id = ?1 WHERE id = ?2",
        params![agreement_id, case_id],
    )?;
    Ok(())
}

/// Fixes the contract date and replaces the schedule and quote computed for it.
pub fn set_contract_terms(
    tx: &Transaction,
    case_id: i64,
    contract_date: chrono::NaiveDate,
    schedule: &[Installment],
    quote_json: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE cases SET contract_date = ?1, quote_json = ?2 WHERE id = ?3",
        params![contract_date.to_string(), quote_json, case_id],
    )?;
    tx.execute("DELETE FROM schedule WHERE case_id = ?1", [case_id])?;
    crate::cases::insert_schedule(tx, case_id, schedule)?;
    Ok(())
}

pub fn schedule(conn: &Connection, case_id: i64) -> StoreResult<Vec<Installment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT period, due_date, principal_fen, interest_fen, payment_fen, balance_fen FROM schedule
         WHERE case_id = ?1 ORDER BY period",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        crate::schedules::installment(r, "schedule", case_id, 0)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
