//! Printing and exports: documents rendered from the stored case (never from a form), the
//! case list and a borrower's schedule as spreadsheets.

use crate::case_file::views::CaseListInput;
use crate::desk::dto::DocumentKind;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use std::path::{Path, PathBuf};
use surety_docs::xlsx::{encrypted, workbook, Cell, Sheet};
use surety_docs::{CaseDocument, ClaimFigures, DocKind, PoolShare};
use surety_domain::{BorrowerKind, CaseStatus, Money, RepaymentMethod};
use surety_store::orgs;
use surety_store::sections::{self, CaseRecord};
use surety_store::Role;

/// A file the desk wrote: its absolute path and size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Printed {
    pub path: PathBuf,
    pub bytes: u64,
}

impl From<surety_docs::DocsError> for DeskError {
    fn from(e: surety_docs::DocsError) -> Self {
        let code = match e {
            surety_docs::DocsError::FontMissing(_) => ErrorCode::FontMissing,
            surety_docs::DocsError::Xlsx(_) | surety_docs::DocsError::Encrypt(_) => ErrorCode::Xlsx,
            surety_docs::DocsError::Archive(_) => ErrorCode::Archive,
        };
        DeskError::new(code, None, e.message_zh(), e.to_string())
    }
}

pub fn parse_doc(kind: &str) -> DeskResult<DocKind> {
    DocKind::parse(kind).ok_or_else(|| {
        let codes: Vec<&str> = DocKind::ALL.iter().map(|k| k.code()).collect();
        DeskError::invalid(
            "document",
            format!("未知文件“{kind}”，应为：{}", codes.join("、")),
            format!("unknown document `{kind}`; one of: {}", codes.join(", ")),
        )
    })
}

impl Desk {
    fn name_of_code(&self, code: &str) -> String {
        orgs::org_by_code(self.store.connection(), code)
            .ok()
            .flatten()
            .map(|o| o.name)
            .unwrap_or_else(|| code.to_string())
    }

    /// Everything a document states, read from the database.
    // One field per figure the documents print: a long literal rather than long logic.
    pub fn document(&self, case_no: &str) -> DeskResult<CaseDocument> {
        let case = self.case(case_no)?;
        let conn = self.store.connection();
        let org = |id: Option<i64>| -> DeskResult<Option<orgs::Org>> {
            Ok(id
                .and_then(|id| orgs::org_by_id(conn, id).transpose())
                .transpose()?)
        };
        let bank = org(case.bank_id)?;
        let insurer = org(case.insurer_id)?;
        let pool = self.pool_shares(insurer.as_ref())?;
        let agreement = self.agreement_of(&case)?;
        let quote = &case.quote;
        let (schedule, paid) = sections::position(conn, case.id)?;
        let claim = self.claim_figures(&case)?;
        let kind: BorrowerKind = case.borrower_kind;
        Ok(CaseDocument {
            case_no: case.case_no.clone(),
            city_zh: self.city_of(&case).name_zh().into(),
            borrower_name: case.borrower_name.clone(),
            borrower_kind_zh: kind.name_zh().into(),
            borrower_id_number: case.borrower_id_number.clone(),
            borrower_address: case.borrower_address.clone(),
            borrower_legal_rep: case.borrower_legal_rep.clone(),
            bank_name: bank.map(|b| b.name).unwrap_or_default(),
            insurer_name: insurer.map(|i| i.name).unwrap_or_default(),
            pool,
            principal: case.principal,
            annual_rate: case.annual_rate,
            reference_rate: quote.reference_rate,
            reference_is_lpr: case.contract_date.unwrap_or(case.application_date)
                >= surety_domain::rate_table::lpr_reform_date(),
            rate_cap: quote.rate_cap,
            term_months: case.term_months,
            repayment_zh: RepaymentMethod::name_zh(case.repayment).into(),
            contract_date: case.contract_date,
            guarantee_rate: case.guarantee_rate,
            accident_rate: case.accident_rate,
            total_interest: quote.total_interest,
            premium_base: quote.premium_base,
            guarantee_premium: quote.guarantee_premium,
            accident_premium: quote.accident_premium,
            financing_cost: quote.financing_cost,
            insurer_share: agreement.insurer_share,
            waiting_period_days: agreement.waiting_period_days,
            paid: paid.iter().map(|p| (p.interest, p.principal)).collect(),
            schedule,
            numbers: sections::contracts(conn, case.id)?
                .into_iter()
                .map(|c| (c.doc_kind, c.doc_no))
                .collect(),
            claim,
        })
    }

    /// A pool's members by name with their shares, as the policy lists them.
    fn pool_shares(&self, insurer: Option<&orgs::Org>) -> DeskResult<Vec<PoolShare>> {
        let Some(pool) = insurer.filter(|i| i.kind == orgs::OrgKind::Pool) else {
            return Ok(Vec::new());
        };
        Ok(orgs::pool_of(self.store.connection(), pool)?
            .into_iter()
            .map(|m| PoolShare {
                name: self.name_of_code(&m.insurer),
                share: m.share,
                lead: m.lead,
            })
            .collect())
    }

    /// The claim as the claim notice prints it, the accident claims paid beside it.
    fn claim_figures(&self, case: &CaseRecord) -> DeskResult<Option<ClaimFigures>> {
        let conn = self.store.connection();
        let accident_paid: Vec<(String, String, surety_domain::Money)> =
            surety_store::accident_claims::for_case(conn, case.id)?
                .into_iter()
                .map(|a| (a.occurred_on, a.cause, a.amount))
                .collect();
        Ok(sections::claim(conn, case.id)?.map(|k| ClaimFigures {
            cutoff: k.cutoff,
            filed_on: k.filed_on,
            paid_on: k.paid_on,
            outstanding_principal: k.outstanding_principal,
            interest_due: k.interest_due,
            interest_accrued: k.interest_accrued,
            recovered_before: k.recovered_before,
            accident_paid,
            loss: k.loss,
            insurer: k.insurer,
            bank: k.bank,
            members: k
                .members
                .into_iter()
                .map(|(code, m)| (self.name_of_code(&code), m))
                .collect(),
        }))
    }

    /// Every document kind `check_printable` allows for this case, in the menu's order.
    pub(crate) fn printable(&self, case: &CaseRecord) -> DeskResult<Vec<DocumentKind>> {
        let mut out = Vec::new();
        for kind in DocKind::ALL {
            match self.check_printable(kind, case) {
                Ok(()) => out.push(kind.into()),
                Err(e) if e.code == ErrorCode::WrongState => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    fn check_printable(&self, kind: DocKind, case: &CaseRecord) -> DeskResult<()> {
        let ok = match kind {
            DocKind::ClaimNotice => sections::claim(self.store.connection(), case.id)?.is_some(),
            DocKind::RepaymentSchedule => true,
            _ => {
                matches!(case.status, s if s >= CaseStatus::Approved && !matches!(s, CaseStatus::Declined | CaseStatus::Withdrawn))
            }
        };
        if ok {
            return Ok(());
        }
        let (zh, en) = match kind {
            DocKind::ClaimNotice => (
                "尚未索赔，不能打印理赔通知书",
                "there is no claim to print a notice for",
            ),
            _ => (
                "合同和保险单须在双方批准后打印",
                "contracts and policies are printed once both sides approved",
            ),
        };
        Err(DeskError::wrong_state(&case.case_no, case.status, zh, en))
    }

    /// One document of one case, as PDF bytes (not yet disclosed: see the callers).
    fn render(&self, kind: DocKind, case_no: &str) -> DeskResult<Vec<u8>> {
        let case = self.case(case_no)?;
        self.check_printable(kind, &case)?;
        Ok(surety_docs::render(kind, &self.document(case_no)?)?)
    }

    /// A document shown in the window's preview: on the audit record like a print.
    pub fn preview(&mut self, kind: &str, case_no: &str) -> DeskResult<Vec<u8>> {
        let doc = parse_doc(kind)?;
        let bytes = self.render(doc, case_no)?;
        self.record_disclosure(
            "document.preview",
            "case",
            case_no.trim(),
            format!("previewed {}", doc.code()),
        )?;
        Ok(bytes)
    }

    /// Prints one document of one case to `out` (outside the app's data folder, 0600) and
    /// returns the file's absolute path.
    pub fn print_to(&mut self, kind: &str, case_no: &str, out: &Path) -> DeskResult<Printed> {
        let doc = parse_doc(kind)?;
        crate::desk::output::check(self.store.path(), out)?;
        let bytes = self.render(doc, case_no)?;
        self.deliver(
            out,
            &bytes,
            ("document.print", "case", case_no.trim()),
            format!("printed {}", doc.code()),
        )
    }

    /// Writes a file of personal data the user asked for (under the output rules) and puts
    /// it on the audit record: `record` is (action, entity, id), `what` says what left.
    pub(crate) fn deliver(
        &mut self,
        out: &Path,
        bytes: &[u8],
        record: (&str, &str, &str),
        what: String,
    ) -> DeskResult<Printed> {
        let path = crate::desk::output::write(self.store.path(), out, bytes)?;
        self.disclosed(path, bytes.len() as u64, record, what)
    }

    /// A file of `bytes` written where the user asked, put on the audit record.
    pub(crate) fn disclosed(
        &mut self,
        path: PathBuf,
        bytes: u64,
        (action, entity, entity_id): (&str, &str, &str),
        what: String,
    ) -> DeskResult<Printed> {
        self.record_disclosure(
            action,
            entity,
            entity_id,
            format!("{what} to {}", path.display()),
        )?;
        Ok(Printed { path, bytes })
    }

    /// A document for every matching case, written into `dir` as `<case no>-<document>.pdf`.
    /// `progress(done, total)` is called after each file; returning false cancels.
    /// Cases the document does not apply to (e.g. no claim) are skipped.
    pub fn print_batch(
        &mut self,
        kind: &str,
        filter: &CaseListInput,
        dir: &Path,
        progress: impl FnMut(usize, usize, &str) -> bool,
    ) -> DeskResult<Vec<PathBuf>> {
        // A batch is the case work's own printing; the auditor reads and prints one case's
        // documents at a time, never every matching case at once.
        self.require_role(
            &[
                Role::Admin,
                Role::Underwriter,
                Role::BankOfficer,
                Role::FieldAgent,
            ],
            "批量打印",
            "batch print",
        )?;
        let doc = parse_doc(kind)?;
        let dir = crate::desk::output::folder(dir)?;
        let mut written = Vec::new();
        let result = self.print_each(doc, filter, &dir, &mut written, progress);
        // What was written is on record even if the batch stopped on an error.
        if !written.is_empty() {
            self.record_disclosure(
                "document.batch",
                "cases",
                &written.len().to_string(),
                format!(
                    "printed {} {} documents into {}",
                    written.len(),
                    doc.code(),
                    dir.display()
                ),
            )?;
        }
        result.map(|()| written)
    }

    fn print_each(
        &self,
        doc: DocKind,
        filter: &CaseListInput,
        dir: &Path,
        written: &mut Vec<PathBuf>,
        mut progress: impl FnMut(usize, usize, &str) -> bool,
    ) -> DeskResult<()> {
        let printable: Vec<String> = self
            .all_cases(filter)?
            .into_iter()
            .map(|r| r.case_no)
            .filter(|no| {
                self.case(no)
                    .and_then(|c| self.check_printable(doc, &c))
                    .is_ok()
            })
            .collect();
        // Cases are read here (one connection), rendered on every core a chunk at a time,
        // and written in order, so progress and cancelling stay per file.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut done = 0;
        for chunk in printable.chunks(cores * 8) {
            let documents = chunk
                .iter()
                .map(|no| self.document(no))
                .collect::<DeskResult<Vec<_>>>()?;
            let rendered: Vec<_> = {
                use rayon::prelude::*;
                documents
                    .par_iter()
                    .map(|d| surety_docs::render(doc, d))
                    .collect()
            };
            for (no, bytes) in chunk.iter().zip(rendered) {
                let path = dir.join(format!("{no}-{}.pdf", doc.code()));
                written.push(crate::desk::output::write(
                    self.store.path(),
                    &path,
                    &bytes?,
                )?);
                done += 1;
                if !progress(done, printable.len(), no) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Every case the filter matches, page after page.
    fn all_cases(&self, filter: &CaseListInput) -> DeskResult<Vec<surety_store::cases::CaseRow>> {
        let mut all = Vec::new();
        loop {
            let page = self.case_page(&CaseListInput {
                limit: Some(surety_store::cases::MAX_PAGE),
                offset: Some(all.len() as u32),
                ..filter.clone()
            })?;
            let n = page.rows.len() as u32;
            all.extend(page.rows);
            if n < surety_store::cases::MAX_PAGE {
                return Ok(all);
            }
        }
    }

    /// The filtered case list, encrypted with `password`, written to `out`.
    pub fn export_cases_to(
        &mut self,
        filter: &CaseListInput,
        password: &str,
        out: &Path,
    ) -> DeskResult<Printed> {
        crate::desk::output::check(self.store.path(), out)?;
        let (bytes, count) = self.export_cases(filter, password)?;
        self.deliver(
            out,
            &bytes,
            ("export.cases", "cases", &count.to_string()),
            format!("exported {count} cases (ID numbers masked)"),
        )
    }

    /// A borrower's schedule, encrypted with `password`, written to `out`.
    pub fn export_schedule_to(
        &mut self,
        case_no: &str,
        password: &str,
        out: &Path,
    ) -> DeskResult<Printed> {
        crate::desk::output::check(self.store.path(), out)?;
        let bytes = self.export_schedule(case_no, password)?;
        self.deliver(
            out,
            &bytes,
            ("export.schedule", "case", case_no.trim()),
            "exported the schedule".into(),
        )
    }

    /// The filtered case list as a spreadsheet (every page of it), encrypted with
    /// `password`: case data never leaves the app in the clear. ID numbers are masked.
    fn export_cases(&self, filter: &CaseListInput, password: &str) -> DeskResult<(Vec<u8>, usize)> {
        check_export_password(password)?;
        let mut rows = Vec::new();
        let cases = self.all_cases(filter)?;
        let count = cases.len();
        for r in cases {
            let kind: BorrowerKind = stored(&r.case_no, "borrower_kind", &r.borrower_kind)?;
            let status: CaseStatus = stored(&r.case_no, "status", &r.status)?;
            let city: surety_domain::City = stored(&r.case_no, "city", &r.city)?;
            rows.push(vec![
                Cell::Text(r.case_no),
                Cell::Text(r.borrower_name),
                Cell::Text(kind.name_zh().into()),
                Cell::Text(r.id_number),
                Cell::Text(city.name_zh().into()),
                Cell::Text(status.name_zh().into()),
                Cell::Money(r.principal),
                Cell::Text(r.application_date),
            ]);
        }
        let columns = [
            ("案件号", 22.0),
            ("借款人", 36.0),
            ("借款人类型", 18.0),
            ("证件号码", 22.0),
            ("城市", 8.0),
            ("状态", 12.0),
            ("贷款金额（元）", 18.0),
            ("申请日期", 12.0),
        ];
        let plain = workbook(&[Sheet {
            name: "案件列表".into(),
            columns: columns.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            rows,
        }])?;
        Ok((encrypted(&plain, password)?, count))
    }

    /// A borrower's schedule with what was paid, as a spreadsheet encrypted with `password`.
    fn export_schedule(&self, case_no: &str, password: &str) -> DeskResult<Vec<u8>> {
        check_export_password(password)?;
        let d = self.document(case_no)?;
        let rows = d
            .schedule
            .iter()
            .zip(
                d.paid
                    .iter()
                    .copied()
                    .chain(std::iter::repeat((Money::ZERO, Money::ZERO))),
            )
            .map(|(s, (pi, pp))| {
                vec![
                    Cell::Int(i64::from(s.period)),
                    Cell::Text(s.due_date.to_string()),
                    Cell::Money(s.principal),
                    Cell::Money(s.interest),
                    Cell::Money(s.payment),
                    Cell::Money(s.balance),
                    Cell::Money(pi + pp),
                    Cell::Percent(d.annual_rate),
                ]
            })
            .collect();
        let columns = [
            ("期数", 6.0),
            ("还款日", 12.0),
            ("应还本金", 16.0),
            ("应还利息", 14.0),
            ("应还合计", 16.0),
            ("剩余本金", 16.0),
            ("已还本息", 16.0),
            ("年利率", 10.0),
        ];
        let plain = workbook(&[Sheet {
            name: format!("还款计划 {}", d.case_no).chars().take(31).collect(),
            columns: columns.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            rows,
        }])?;
        Ok(encrypted(&plain, password)?)
    }
}

/// The shortest password an export may be locked with: whoever receives the file needs it,
/// so it is told separately; eight characters keep a guess from opening it.
pub const MIN_EXPORT_PASSWORD: usize = 8;

pub fn check_export_password(password: &str) -> DeskResult<()> {
    if password.chars().count() < MIN_EXPORT_PASSWORD {
        return Err(DeskError::invalid(
            "password",
            format!("导出文件的密码至少 {MIN_EXPORT_PASSWORD} 个字符（打开文件时需要输入）"),
            format!("the export's password needs at least {MIN_EXPORT_PASSWORD} characters (it is asked for when the file is opened)"),
        ));
    }
    Ok(())
}

/// A value of a listed case row, or the `CORRUPT` error naming it (never a default).
fn stored<T: std::str::FromStr>(case_no: &str, column: &str, text: &str) -> DeskResult<T> {
    text.parse().map_err(|_| {
        surety_store::StoreError::Corrupt(format!(
            "cases {case_no}: column {column} holds `{text}`"
        ))
        .into()
    })
}
