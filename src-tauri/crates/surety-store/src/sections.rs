//! The sections of a case after intake, each owned by one party: investigations,
//! review notes, decisions, exception approvals, contracts, premiums, disbursement,
//! repayments, overdue events, the claim, recoveries, subsidies.

use crate::corrupt::{corrupt, date, json, parsed};
use crate::error::{StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use surety_domain::claim::{Allocation, PeriodPaid};
use surety_domain::{
    BorrowerKind, CaseStatus, City, Installment, Money, Rate, RepaymentMethod, Side,
};

pub(crate) fn side_code(side: Side) -> &'static str {
    match side {
        Side::Insurer => "insurer",
        Side::Bank => "bank",
    }
}

fn parse_side(table: &'static str, case_id: i64, s: &str) -> rusqlite::Result<Side> {
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Investigation {
    pub side: Side,
    pub findings_json: String,
    pub note: String,
    pub attachments: Vec<String>,
    pub investigator: String,
    pub completed_on: String,
}

pub fn save_investigation(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    inv: &Investigation,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO investigations (case_id, side, findings_json, note, attachments, investigator_id, completed_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(case_id, side) DO UPDATE SET findings_json = excluded.findings_json, note = excluded.note,
           attachments = excluded.attachments, investigator_id = excluded.investigator_id, completed_on = excluded.completed_on",
        params![
            case_id,
            side_code(inv.side),
            inv.findings_json,
            inv.note,
            serde_json::to_string(&inv.attachments).expect("strings serialize"),
            user_id,
            inv.completed_on
        ],
    )?;
    Ok(())
}

pub fn investigations(conn: &Connection, case_id: i64) -> StoreResult<Vec<Investigation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.side, i.findings_json, i.note, i.attachments, coalesce(u.display_name, ''), i.completed_on
         FROM investigations i LEFT JOIN users u ON u.id = i.investigator_id WHERE i.case_id = ?1 ORDER BY i.side",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Investigation {
            side: parse_side("investigations", case_id, &r.get::<_, String>(0)?)?,
            findings_json: r.get(1)?,
            note: r.get(2)?,
            attachments: json(
                "investigations",
                case_id,
                "attachments",
                &r.get::<_, String>(3)?,
            )?,
            investigator: r.get(4)?,
            completed_on: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewNote {
    pub author: String,
    pub note: String,
    pub created_at: String,
}

pub fn add_review_note(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    note: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO review_notes (case_id, author_id, note, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![case_id, user_id, note, crate::store::now_rfc3339()],
    )?;
    Ok(())
}

pub fn review_notes(conn: &Connection, case_id: i64) -> StoreResult<Vec<ReviewNote>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(u.display_name, ''), n.note, n.created_at FROM review_notes n
         LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ?1 ORDER BY n.id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(ReviewNote {
            author: r.get(0)?,
            note: r.get(1)?,
            created_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A decision or an exception approval by one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideAct {
    pub side: Side,
    pub approve: bool,
    pub reason: String,
    pub by: String,
    pub on: String,
}

pub fn save_decision(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    act: &SideAct,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO decisions (case_id, side, approve, reason, decided_by, decided_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![case_id, side_code(act.side), act.approve as i64, act.reason, user_id, act.on],
    )?;
    Ok(())
}

pub fn decisions(conn: &Connection, case_id: i64) -> StoreResult<Vec<SideAct>> {
    side_acts(conn, "SELECT d.side, d.approve, d.reason, coalesce(u.display_name, ''), d.decided_on FROM decisions d LEFT JOIN users u ON u.id = d.decided_by WHERE d.case_id = ?1 ORDER BY d.side", case_id)
}

pub fn save_exception(
    tx: &Transaction,
    case_id: i64,
    user_id: i64,
    act: &SideAct,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO exception_approvals (case_id, side, reason, approved_by, approved_on) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, side_code(act.side), act.reason, user_id, act.on],
    )?;
    Ok(())
}

pub fn exceptions(conn: &Connection, case_id: i64) -> StoreResult<Vec<SideAct>> {
    side_acts(conn, "SELECT e.side, 1, e.reason, coalesce(u.display_name, ''), e.approved_on FROM exception_approvals e LEFT JOIN users u ON u.id = e.approved_by WHERE e.case_id = ?1 ORDER BY e.side", case_id)
}

pub(crate) fn side_acts(conn: &Connection, sql: &str, case_id: i64) -> StoreResult<Vec<SideAct>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(SideAct {
            side: parse_side("decisions", case_id, &r.get::<_, String>(0)?)?,
            approve: r.get::<_, i64>(1)? == 1,
            reason: r.get(2)?,
            by: r.get(3)?,
            on: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub doc_kind: String,
    pub doc_no: String,
    pub signed_on: String,
}

pub fn save_contract(tx: &Transaction, case_id: i64, c: &Contract) -> StoreResult<()> {
    tx.execute(
        // A policy keeps the premium its quote states (R-REPORT-1's premiums written).
        "INSERT INTO contracts (case_id, doc_kind, doc_no, signed_on, premium_fen)
         VALUES (?1, ?2, ?3, ?4,
                 (SELECT CAST(replace(json_extract(quote_json,
                           CASE ?2 WHEN 'guarantee_policy' THEN '$.guarantee_premium' ELSE '$.accident_premium' END),
                         '.', '') AS INTEGER)
                  FROM cases WHERE id = ?1 AND ?2 IN ('guarantee_policy', 'accident_policy')))",
        params![case_id, c.doc_kind, c.doc_no, c.signed_on],
    )?;
    Ok(())
}

pub fn contracts(conn: &Connection, case_id: i64) -> StoreResult<Vec<Contract>> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_kind, doc_no, signed_on FROM contracts WHERE case_id = ?1 ORDER BY signed_on, doc_kind",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Contract {
            doc_kind: r.get(0)?,
            doc_no: r.get(1)?,
            signed_on: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Premium {
    pub line: String,
    pub amount: Money,
    pub received_on: String,
}

pub fn save_premium(tx: &Transaction, case_id: i64, p: &Premium) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO premiums (case_id, line, amount_fen, received_on) VALUES (?1, ?2, ?3, ?4)",
        params![case_id, p.line, p.amount.fen(), p.received_on],
    )?;
    Ok(())
}

pub fn premiums(conn: &Connection, case_id: i64) -> StoreResult<Vec<Premium>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, amount_fen, received_on FROM premiums WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Premium {
            line: r.get(0)?,
            amount: Money::from_fen(r.get(1)?),
            received_on: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn save_disbursement(
    tx: &Transaction,
    case_id: i64,
    amount: Money,
    on: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO disbursements (case_id, amount_fen, disbursed_on) VALUES (?1, ?2, ?3)",
        params![case_id, amount.fen(), on],
    )?;
    Ok(())
}

pub fn disbursed_on(conn: &Connection, case_id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT disbursed_on FROM disbursements WHERE case_id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?)
}

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

fn members_json(m: &[(String, Money)]) -> String {
    serde_json::to_string(
        &m.iter()
            .map(|(n, a)| (n.clone(), a.fen()))
            .collect::<Vec<_>>(),
    )
    .expect("serializes")
}

fn members_from(
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

const FLAG_SELECT: &str = "SELECT b.id, b.name, b.id_number, coalesce(b.flagged_on, ''), coalesce(b.flagged_case, ''),
        coalesce(b.flagged_reason, ''), c.bank_id, c.insurer_id,
        (SELECT coalesce(sum(s.principal_fen), 0) FROM schedule s JOIN cases k ON k.id = s.case_id
          WHERE k.borrower_id = b.id AND k.status IN ('disbursed', 'overdue', 'claimed', 'claim_paid', 'recovery'))
      - (SELECT coalesce(sum(json_extract(a.value, '$[2]')), 0) FROM repayments r, json_each(r.allocation_json) a
          JOIN cases k ON k.id = r.case_id
          WHERE k.borrower_id = b.id AND k.status IN ('disbursed', 'overdue', 'claimed', 'claim_paid', 'recovery'))
     FROM borrowers b LEFT JOIN cases c ON c.case_no = b.flagged_case
     WHERE b.flagged_evasion = 1";

fn flag_row(r: &rusqlite::Row) -> rusqlite::Result<DefaultFlag> {
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
