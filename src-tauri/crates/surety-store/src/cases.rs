//! Borrowers and cases: writing them (inside `Store::write`) and finding them.

use crate::error::{StoreError, StoreResult};
use crate::store::now_rfc3339;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use surety_domain::{BorrowerKind, CaseStatus, City, Installment, Money, Rate, RepaymentMethod};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBorrower {
    pub kind: BorrowerKind,
    pub name: String,
    /// A validated resident ID or credit code (surety-domain's identity module).
    pub id_number: String,
    pub id_check_override: Option<String>,
    pub city: City,
    pub address: String,
    pub phone: String,
    pub legal_rep: String,
    pub operating_since: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub case_no: String,
    pub city: City,
    pub status: CaseStatus,
    pub principal: Money,
    pub annual_rate: Rate,
    pub term_months: u32,
    pub repayment: RepaymentMethod,
    pub guarantee_rate: Rate,
    pub accident_rate: Rate,
    pub application_date: NaiveDate,
    pub contract_date: Option<NaiveDate>,
    pub bank_id: Option<i64>,
    pub insurer_id: Option<i64>,
    pub quote_json: String,
    pub schedule: Vec<Installment>,
    pub created_by: Option<i64>,
}

/// The borrower with this ID number, if already known.
pub fn borrower_id(conn: &Connection, id_number: &str) -> StoreResult<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM borrowers WHERE id_number = ?1",
            [id_number],
            |r| r.get(0),
        )
        .optional()?)
}

/// Finds the borrower by ID number, or creates them. Returns the borrower's id.
/// The registered name of the borrower with this resident ID / credit code.
pub fn borrower_name(conn: &Connection, id_number: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT name FROM borrowers WHERE id_number = ?1",
            [id_number],
            |r| r.get(0),
        )
        .optional()?)
}

/// Whether any case of the borrower with this ID number is within `reach`.
pub fn borrower_in_reach(
    conn: &Connection,
    id_number: &str,
    reach: CaseReach,
) -> StoreResult<bool> {
    let filter = reach.filter().unwrap_or_default();
    Ok(conn.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM cases c JOIN borrowers b ON b.id = c.borrower_id
             WHERE b.id_number = ?1{filter})"
        ),
        [id_number],
        |r| r.get(0),
    )?)
}

pub fn upsert_borrower(tx: &Transaction, b: &NewBorrower) -> StoreResult<i64> {
    if b.name.trim().is_empty() {
        return Err(StoreError::invalid(
            "borrower.name",
            "借款人名称不能为空",
            "the borrower's name is required",
        ));
    }
    if let Some(id) = borrower_id(tx, &b.id_number)? {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO borrowers (kind, name, id_number, id_check_override, city, address, phone, legal_rep, operating_since, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            b.kind.code(),
            b.name.trim(),
            b.id_number,
            b.id_check_override,
            b.city.code(),
            b.address,
            b.phone,
            b.legal_rep,
            b.operating_since.to_string(),
            now_rfc3339()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Inserts a case and its schedule. Refuses what the domain would never produce.
pub fn insert_case(tx: &Transaction, borrower_id: i64, c: &NewCase) -> StoreResult<i64> {
    if c.principal <= Money::ZERO {
        return Err(StoreError::invalid(
            "principal",
            "贷款金额应大于 0",
            "the principal must be above 0",
        ));
    }
    let scheduled: Money = c.schedule.iter().map(|i| i.principal).sum();
    if !c.schedule.is_empty() && scheduled != c.principal {
        return Err(StoreError::invalid(
            "schedule",
            format!(
                "还款计划本金合计 {scheduled} 与贷款金额 {} 不符",
                c.principal
            ),
            format!(
                "the schedule repays {scheduled}, not the principal {}",
                c.principal
            ),
        ));
    }
    let now = now_rfc3339();
    tx.execute(
        "INSERT INTO cases (case_no, borrower_id, city, bank_id, insurer_id, status, principal_fen, annual_rate,
            term_months, repayment, guarantee_rate, accident_rate, application_date, contract_date, quote_json,
            created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
        params![
            c.case_no,
            borrower_id,
            c.city.code(),
            c.bank_id,
            c.insurer_id,
            c.status.code(),
            c.principal.fen(),
            c.annual_rate.to_string(),
            c.term_months,
            c.repayment.code(),
            c.guarantee_rate.to_string(),
            c.accident_rate.to_string(),
            c.application_date.to_string(),
            c.contract_date.map(|d| d.to_string()),
            c.quote_json,
            c.created_by,
            now
        ],
    )?;
    let case_id = tx.last_insert_rowid();
    insert_schedule(tx, case_id, &c.schedule)?;
    Ok(case_id)
}

/// Writes a case's schedule rows (after any old ones were deleted).
pub(crate) fn insert_schedule(
    tx: &Transaction,
    case_id: i64,
    schedule: &[Installment],
) -> StoreResult<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO schedule (case_id, period, due_date, principal_fen, interest_fen, payment_fen, balance_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for i in schedule {
        stmt.execute(params![
            case_id,
            i.period,
            i.due_date.to_string(),
            i.principal.fen(),
            i.interest.fen(),
            i.payment.fen(),
            i.balance.fen()
        ])?;
    }
    crate::standings::refresh(tx, case_id)
}

/// The case list's order. Every order ends on the id, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseSort {
    /// Newest applications first: what the list opens with.
    #[default]
    AppliedDesc,
    AppliedAsc,
    PrincipalDesc,
    PrincipalAsc,
    CaseNoAsc,
    CaseNoDesc,
}

impl CaseSort {
    pub const ALL: [CaseSort; 6] = [
        CaseSort::AppliedDesc,
        CaseSort::AppliedAsc,
        CaseSort::PrincipalDesc,
        CaseSort::PrincipalAsc,
        CaseSort::CaseNoAsc,
        CaseSort::CaseNoDesc,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseSort::AppliedDesc => "applied_desc",
            CaseSort::AppliedAsc => "applied_asc",
            CaseSort::PrincipalDesc => "principal_desc",
            CaseSort::PrincipalAsc => "principal_asc",
            CaseSort::CaseNoAsc => "case_no_asc",
            CaseSort::CaseNoDesc => "case_no_desc",
        }
    }

    pub fn parse(code: &str) -> Option<CaseSort> {
        CaseSort::ALL.into_iter().find(|s| s.code() == code)
    }

    fn order_by(self) -> &'static str {
        match self {
            CaseSort::AppliedDesc => "c.application_date DESC, c.id DESC",
            CaseSort::AppliedAsc => "c.application_date ASC, c.id ASC",
            CaseSort::PrincipalDesc => "c.principal_fen DESC, c.id DESC",
            CaseSort::PrincipalAsc => "c.principal_fen ASC, c.id ASC",
            CaseSort::CaseNoAsc => "c.case_no ASC",
            CaseSort::CaseNoDesc => "c.case_no DESC",
        }
    }
}

/// Whose cases a reader may see: a bank's, an insurer's (or pool's), the applications one
/// user took in, or all (auditors, admins). Decided by the service layer from the user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseReach {
    #[default]
    All,
    Bank(i64),
    Insurer(i64),
    TakenInBy(i64),
}

impl CaseReach {
    /// Whether a case of this bank and insurer, taken in by this user, is within reach:
    /// the same rule as `filter`, for a record already read.
    pub fn includes(
        self,
        bank_id: Option<i64>,
        insurer_id: Option<i64>,
        taken_in_by: Option<i64>,
    ) -> bool {
        match self {
            CaseReach::All => true,
            CaseReach::Bank(id) => bank_id == Some(id),
            CaseReach::Insurer(id) => insurer_id == Some(id),
            CaseReach::TakenInBy(id) => taken_in_by == Some(id),
        }
    }

    /// The SQL condition on `cases c`, starting with ` AND`, or nothing for all.
    pub fn filter(self) -> Option<String> {
        // Ids are integers from the database: safe to inline.
        match self {
            CaseReach::All => None,
            CaseReach::Bank(id) => Some(format!(" AND c.bank_id = {id}")),
            CaseReach::Insurer(id) => Some(format!(" AND c.insurer_id = {id}")),
            CaseReach::TakenInBy(id) => Some(format!(" AND c.created_by = {id}")),
        }
    }
}

/// A case-list query: every filter optional, always paged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    /// Borrower-name substring, ID number / credit code, or case number.
    pub search: Option<String>,
    pub city: Option<City>,
    pub status: Option<CaseStatus>,
    pub kind: Option<BorrowerKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: u32,
    pub offset: u32,
    pub sort: CaseSort,
    pub reach: CaseReach,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub case_no: String,
    pub borrower_name: String,
    pub borrower_kind: String,
    pub id_number: String,
    pub city: String,
    pub status: String,
    pub principal: Money,
    pub application_date: String,
    /// On a field laptop: the number the office gave the application once its word came.
    pub office_case_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasePage {
    pub total: u64,
    pub rows: Vec<CaseRow>,
}

pub const MAX_PAGE: u32 = 500;

/// Newest applications first. The search text is resolved first into borrower and case
/// ids through indexes (ID number, case number, the trigram index on names of three or
/// more characters, the bigram index for two — many Chinese names have two — and a scan
/// of the name column for one), so the case filter itself always runs on the cases
/// table's own indexes.
pub fn search(conn: &Connection, q: &CaseQuery) -> StoreResult<CasePage> {
    let mut filter = String::from(" WHERE 1 = 1");
    if let Some(f) = q.reach.filter() {
        filter.push_str(&f);
    }
    let mut args: Vec<Value> = Vec::new();
    let mut arg = |sql: &str, v: Value, filter: &mut String| {
        args.push(v);
        filter.push_str(&sql.replace('?', &format!("?{}", args.len())));
    };
    if let Some(c) = q.city {
        arg(" AND c.city = ?", c.code().to_string().into(), &mut filter);
    }
    if let Some(s) = q.status {
        arg(
            " AND c.status = ?",
            s.code().to_string().into(),
            &mut filter,
        );
    }
    if let Some(d) = q.from {
        arg(
            " AND c.application_date >= ?",
            d.to_string().into(),
            &mut filter,
        );
    }
    if let Some(d) = q.to {
        arg(
            " AND c.application_date <= ?",
            d.to_string().into(),
            &mut filter,
        );
    }
    if let Some(k) = q.kind {
        arg(
            " AND c.borrower_id IN (SELECT id FROM borrowers WHERE kind = ?)",
            k.code().to_string().into(),
            &mut filter,
        );
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let (borrowers, cases) = resolve_search(conn, text)?;
        if borrowers.is_empty() && cases.is_empty() {
            return Ok(CasePage {
                total: 0,
                rows: Vec::new(),
            });
        }
        // Ids are integers from the database: safe to inline.
        let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        filter.push_str(&format!(
            " AND (c.borrower_id IN ({}) OR c.id IN ({}))",
            list(&borrowers),
            list(&cases)
        ));
    }
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM cases c{filter}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    let limit = q.limit.clamp(1, MAX_PAGE);
    let order = q.sort.order_by();
    let sql = format!(
        "SELECT c.case_no, b.name, b.kind, b.id_number, c.city, c.status, c.principal_fen, c.application_date,
                o.case_no
         FROM (SELECT c.id FROM cases c{filter} ORDER BY {order} LIMIT {limit} OFFSET {}) page
         JOIN cases c ON c.id = page.id JOIN borrowers b ON b.id = c.borrower_id
         LEFT JOIN office_updates o ON o.case_id = c.id
         ORDER BY {order}",
        q.offset
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), |r| {
            Ok(CaseRow {
                case_no: r.get(0)?,
                borrower_name: r.get(1)?,
                borrower_kind: r.get(2)?,
                id_number: r.get(3)?,
                city: r.get(4)?,
                status: r.get(5)?,
                principal: Money::from_fen(r.get(6)?),
                application_date: r.get(7)?,
                office_case_no: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(CasePage {
        total: total as u64,
        rows,
    })
}

/// (borrower ids, case ids) that the search text names.
fn resolve_search(conn: &Connection, text: &str) -> StoreResult<(Vec<i64>, Vec<i64>)> {
    let exact = text.to_ascii_uppercase();
    let mut borrowers: Vec<i64> = Vec::new();
    let mut cases: Vec<i64> = Vec::new();
    // The ID number or credit code, the case number, or the provisional number a field
    // laptop gave it: one statement over three unique indexes.
    let mut exactly = conn.prepare_cached(
        "SELECT 1, id FROM borrowers WHERE id_number = ?1
         UNION ALL SELECT 0, id FROM cases WHERE case_no = ?1
         UNION ALL SELECT 0, id FROM cases WHERE provisional_no = ?1",
    )?;
    for row in exactly.query_map([&exact], |r| {
        Ok((r.get::<_, bool>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (is_borrower, id) = row?;
        // (A case found by both its numbers is listed twice; the IN list does not mind.)
        if is_borrower {
            borrowers.push(id);
        } else {
            cases.push(id);
        }
    }
    // A whole ID number, credit code or case number is not also part of a name: the name
    // indexes are not asked (their 16 trigrams cost three times the lookup itself).
    if !borrowers.is_empty() || !cases.is_empty() {
        return Ok((borrowers, cases));
    }
    let mut collect = |sql: &str, param: String| -> StoreResult<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        for id in stmt.query_map([param], |r| r.get::<_, i64>(0))? {
            borrowers.push(id?);
        }
        Ok(())
    };
    let length = text.chars().count();
    if length == 2 {
        collect(
            "SELECT borrower_id FROM borrower_bigrams WHERE gram = lower(?1)",
            text.to_string(),
        )?;
    } else if length >= 3 {
        // A phrase query: quotes inside the text are doubled, so it cannot inject syntax.
        collect(
            "SELECT rowid FROM borrower_names WHERE borrower_names MATCH ?1",
            format!("\"{}\"", text.replace('"', "\"\"")),
        )?;
    } else {
        collect(
            "SELECT id FROM borrowers WHERE name LIKE ?1 ESCAPE '\\'",
            format!(
                "%{}%",
                text.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            ),
        )?;
    }
    borrowers.sort_unstable();
    borrowers.dedup();
    Ok((borrowers, cases))
}

pub fn count(conn: &Connection) -> StoreResult<u64> {
    Ok(conn.query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0))? as u64)
}
