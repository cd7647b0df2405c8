//! R-CREDIT-1: the accounts an institution reports (its loans or its guarantees) with what
//! their snapshots are computed from, what was last reported of each, and the files.

use crate::error::StoreResult;
use rusqlite::{params, Connection, Transaction};
use std::collections::HashMap;
use surety_domain::Money;

/// A loan (the bank's) or a guarantee (the insurer's) account, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditAccount {
    pub case_id: i64,
    pub case_no: String,
    /// The loan contract's or the guarantee policy's number.
    pub acct_code: String,
    pub borrower_name: String,
    pub id_number: String,
    pub kind: String,
    pub legal_rep: String,
    pub disbursed_on: String,
    pub contract_date: String,
    pub principal: Money,
    pub term_months: u32,
    pub closed_on: Option<String>,
    /// The claim's payment day, if the insurer paid it.
    pub claim_paid_on: Option<String>,
}

/// The accounts of `org_id` open by the end of `as_of`: a bank's loans (by its loan
/// contracts) or an insurer's guarantees (by its guarantee policies), disbursed by then.
pub fn accounts(
    conn: &Connection,
    org_id: i64,
    guarantees: bool,
    as_of: &str,
) -> StoreResult<Vec<CreditAccount>> {
    let (party, doc) = if guarantees {
        ("c.insurer_id", "guarantee_policy")
    } else {
        ("c.bank_id", "loan_contract")
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT c.id, c.case_no, k.doc_no, b.name, b.id_number, b.kind, b.legal_rep, d.disbursed_on,
                coalesce(c.contract_date, d.disbursed_on), d.amount_fen, c.term_months, c.closed_on,
                (SELECT paid_on FROM claims WHERE case_id = c.id)
         FROM cases c JOIN borrowers b ON b.id = c.borrower_id
         JOIN disbursements d ON d.case_id = c.id
         JOIN contracts k ON k.case_id = c.id AND k.doc_kind = '{doc}'
         WHERE {party} = ?1 AND d.disbursed_on <= ?2
         ORDER BY c.id"
    ))?;
    let rows = stmt.query_map(params![org_id, as_of], |r| {
        Ok(CreditAccount {
            case_id: r.get(0)?,
            case_no: r.get(1)?,
            acct_code: r.get(2)?,
            borrower_name: r.get(3)?,
            id_number: r.get(4)?,
            kind: r.get(5)?,
            legal_rep: r.get(6)?,
            disbursed_on: r.get(7)?,
            contract_date: r.get(8)?,
            principal: Money::from_fen(r.get(9)?),
            term_months: r.get(10)?,
            closed_on: r.get(11)?,
            claim_paid_on: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The snapshot JSON last reported of each account of an institution.
pub fn last_reported(conn: &Connection, institution: &str) -> StoreResult<HashMap<String, String>> {
    let mut stmt = conn
        .prepare("SELECT acct_code, snapshot_json FROM credit_reported WHERE institution = ?1")?;
    let rows = stmt.query_map([institution], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn record_reported(
    tx: &Transaction,
    institution: &str,
    acct_code: &str,
    record_type: &str,
    snapshot_json: &str,
    reported_on: &str,
    file_name: &str,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO credit_reported (institution, acct_code, record_type, snapshot_json, reported_on, file_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (institution, acct_code) DO UPDATE SET record_type = excluded.record_type,
           snapshot_json = excluded.snapshot_json, reported_on = excluded.reported_on,
           file_name = excluded.file_name",
    )?
    .execute(params![institution, acct_code, record_type, snapshot_json, reported_on, file_name])?;
    Ok(())
}

/// How many files the institution has written in all: a run compares it before and in its
/// transaction, so two runs at once cannot both report the same changes.
pub fn files_in_all(conn: &Connection, institution: &str) -> StoreResult<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM credit_files WHERE institution = ?1",
        [institution],
        |r| r.get(0),
    )?)
}

/// How many files of a record type the institution already wrote for a report date (the
/// next one's serial is one more).
pub fn files_written(
    conn: &Connection,
    institution: &str,
    report_date: &str,
    record_type: &str,
) -> StoreResult<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM credit_files WHERE institution = ?1 AND report_date = ?2 AND record_type = ?3",
        params![institution, report_date, record_type],
        |r| r.get(0),
    )?)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_file(
    tx: &Transaction,
    file_name: &str,
    institution: &str,
    record_type: &str,
    report_date: &str,
    records: usize,
    sha256: &str,
    user_id: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO credit_files (file_name, institution, record_type, report_date, records, sha256, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![file_name, institution, record_type, report_date, records as i64, sha256, user_id],
    )?;
    Ok(())
}

/// The last repayment by the end of `as_of`: (day, amount).
pub fn last_payment(
    conn: &Connection,
    case_id: i64,
    as_of: &str,
) -> StoreResult<Option<(String, Money)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT paid_on, amount_fen FROM repayments WHERE case_id = ?1 AND paid_on <= ?2
             ORDER BY paid_on DESC, id DESC LIMIT 1",
        )?
        .query_row(params![case_id, as_of], |r| {
            Ok((r.get(0)?, Money::from_fen(r.get(1)?)))
        })
        .optional()?)
}

/// Principal repaid by the end of `as_of`.
pub fn principal_repaid(conn: &Connection, case_id: i64, as_of: &str) -> StoreResult<Money> {
    Ok(Money::from_fen(
        conn.prepare_cached(
            "SELECT coalesce(sum(principal_fen), 0) FROM repayments WHERE case_id = ?1 AND paid_on <= ?2",
        )?
        .query_row(params![case_id, as_of], |r| r.get(0))?,
    ))
}
