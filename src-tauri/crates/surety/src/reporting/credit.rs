//! R-CREDIT-1: a bank's loan accounts or an insurer's guarantee accounts, as the files its
//! staff load into the central bank's collection client. Each account's state on the report
//! date is compared with what was last reported of it: only accounts that changed get a
//! record, with the report-date code saying why (`surety_domain::credit_report`). The
//! files (one per record type) leave in an AES-256 zip under a password the user sets: they
//! hold names and ID numbers. Writing the archive and recording what was reported happen
//! together: if the record cannot be committed the archive is removed.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use surety_domain::borrower::IdentifiedBy;
use surety_domain::credit_report::{
    file_name, file_text, header, record, report_code, AccountSnapshot, RecordType,
};
use surety_domain::npl::{classify, LoanClass};
use surety_domain::{BorrowerKind, Money};
use surety_store::book::BookFacts;
use surety_store::credit_reports::{self as store, CreditAccount};
use surety_store::orgs::{Org, OrgKind};
use surety_store::{AuditNote, Role};

/// Which institution reports, and the report date.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CreditReportInput {
    /// The bank's or the insurer's organisation code.
    pub organisation: String,
    /// The report date (信息报告日期), on or before the business date.
    pub report_date: String,
}

/// A segment correction (按段更正) of one account.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CreditCorrectionInput {
    pub organisation: String,
    pub case_no: String,
    /// The segment's letter (段标), e.g. "D" for a guarantee's 在保责任信息段.
    pub segment: String,
    pub report_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreditFile {
    pub file_name: String,
    /// "210", "410", "230", "440" (or a correction's "232" …).
    pub record_type: String,
    pub records: u32,
}

/// What a credit-reporting run found and wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreditReport {
    pub institution: String,
    pub report_date: String,
    pub encoding: String,
    /// Accounts open by the report date.
    pub accounts: u32,
    /// Of them, unchanged since last reported (no record).
    pub unchanged: u32,
    /// Records per report-date code ("10": 3, "33": 12 …).
    pub by_code: Vec<(String, u32)>,
    pub files: Vec<CreditFile>,
    /// Where the archive was written; null for a preview.
    pub archive: Option<String>,
}

/// One account's record to write.
pub(crate) struct Pending {
    acct_code: String,
    record_type: RecordType,
    snapshot_json: String,
    line: String,
    code: &'static str,
}

fn tier(class: LoanClass) -> u8 {
    match class {
        LoanClass::Normal => 1,
        LoanClass::SpecialMention => 2,
        LoanClass::Substandard => 3,
        LoanClass::Doubtful => 4,
        LoanClass::Loss => 5,
    }
}

/// The loan's last due date: `months` after the contract date (the schedule's rule).
fn add_months(d: chrono::NaiveDate, months: u32) -> chrono::NaiveDate {
    d.checked_add_months(chrono::Months::new(months))
        .unwrap_or(d)
}

pub(crate) fn day(column: &str, text: &str) -> DeskResult<chrono::NaiveDate> {
    Ok(crate::claims::settlement::stored_day(column, text)?)
}

/// A file of the archive: its name and its bytes.
pub(crate) type ArchiveEntry = (String, Vec<u8>);

impl Desk {
    /// The organisation a run is for, whether it reports guarantees, and its institution
    /// code; refused for anyone but an admin or that organisation's own staff.
    pub(crate) fn credit_scope(&self, organisation: &str) -> DeskResult<(Org, bool, String)> {
        self.require_role(
            &[Role::Admin, Role::Underwriter, Role::BankOfficer],
            "报送征信数据",
            "write credit-reporting files",
        )?;
        let org = surety_store::orgs::org_by_code(self.store.connection(), organisation)?
            .ok_or_else(|| DeskError::not_found("机构", "organisation", organisation))?;
        if self.user.role != Role::Admin && self.user.organisation_id != Some(org.id) {
            return Err(DeskError::not_permitted(
                format!("只能报送本机构的征信数据，{} 不是您的机构", org.name),
                format!(
                    "you report only your own organisation's accounts, not {}",
                    org.code
                ),
            ));
        }
        let guarantees = match org.kind {
            OrgKind::Bank => false,
            OrgKind::Insurer | OrgKind::Pool => true,
            OrgKind::City => {
                return Err(DeskError::invalid(
                    "organisation",
                    format!("{} 是市级财政部门，没有借贷或担保账户可报", org.name),
                    format!(
                        "{} is a city government: it has no loan or guarantee accounts",
                        org.code
                    ),
                ))
            }
        };
        let Some(code) = self.settings.credit_reporting.institutions.get(&org.code) else {
            return Err(DeskError::new(
                ErrorCode::Settings,
                Some(&format!("credit_reporting.institutions.{}", org.code)),
                format!(
                    "设置中没有 {} 的金融机构代码：请在设置文件 [credit_reporting.institutions] 中加入 {} = \"14位代码\"",
                    org.name, org.code
                ),
                format!(
                    "the settings have no institution code for {0}: add {0} = \"<14 characters>\" under [credit_reporting.institutions]",
                    org.code
                ),
            ));
        };
        Ok((org, guarantees, code.clone()))
    }

    /// What a credit file to `out` is checked for before anything is read: the export
    /// password, who may report for `organisation`, the report date, where it is written.
    pub(crate) fn credit_file_to(
        &self,
        organisation: &str,
        report_date: &str,
        password: &str,
        out: &std::path::Path,
    ) -> DeskResult<(Org, bool, String, chrono::NaiveDate)> {
        crate::case_file::printing::check_export_password(password)?;
        let (org, guarantees, institution) = self.credit_scope(organisation)?;
        let date = self.credit_date(report_date)?;
        crate::desk::output::check(self.store.path(), out)?;
        Ok((org, guarantees, institution, date))
    }

    pub(crate) fn credit_date(&self, text: &str) -> DeskResult<chrono::NaiveDate> {
        let date = crate::desk::parse::parse_business_date("report_date", text)?;
        if date > self.today() {
            return Err(DeskError::invalid(
                "report_date",
                format!("报告日期 {date} 晚于业务日期 {}", self.today()),
                format!(
                    "report_date {date} is after the business date {}",
                    self.today()
                ),
            ));
        }
        Ok(date)
    }

    /// One account's state at the end of `as_of`, from its standing and repayments then.
    pub(crate) fn credit_snapshot(
        &self,
        a: &CreditAccount,
        guarantee: bool,
        institution: &str,
        as_of: chrono::NaiveDate,
        facts: BookFacts,
    ) -> DeskResult<AccountSnapshot> {
        let to = as_of.to_string();
        let kind: BorrowerKind = crate::desk::parse::parse_kind(&a.kind)?;
        let person = kind.identified_by() == IdentifiedBy::ResidentId;
        let outstanding = a.principal - facts.principal_repaid;
        let last_payment = facts.last_payment;
        let standing = facts.standing;
        let claim_paid = a
            .claim_paid_on
            .as_deref()
            .filter(|d| *d <= to.as_str())
            .map(|d| day("claims.paid_on", d))
            .transpose()?;
        let closed = a
            .closed_on
            .as_deref()
            .filter(|d| *d <= to.as_str())
            .map(|d| day("cases.closed_on", d))
            .transpose()?;
        // A loan closes when written off or repaid; a guarantee also when the insurer paid
        // the claim: its liability ended in the payment.
        let repaid_on = (outstanding <= Money::ZERO)
            .then(|| last_payment.map(|(d, _)| d))
            .flatten();
        let close_date = if guarantee {
            claim_paid.or(closed).or(repaid_on)
        } else {
            closed.or(repaid_on)
        };
        let due_date = add_months(day("cases.contract_date", &a.contract_date)?, a.term_months);
        Ok(AccountSnapshot {
            record_type: RecordType::of(guarantee, person),
            acct_code: a.acct_code.clone(),
            name: a.borrower_name.clone(),
            id_num: a.id_number.clone(),
            org_code: institution.to_string(),
            open_date: day("disbursements.disbursed_on", &a.disbursed_on)?,
            due_date,
            amount: a.principal,
            periods: a.term_months,
            balance: if close_date.is_some() {
                Money::ZERO
            } else {
                outstanding.max(Money::ZERO)
            },
            five_tier: tier(classify(standing.days_overdue, &self.settings.npl)),
            overdue_periods: standing.overdue_periods,
            overdue_principal: standing.overdue_principal,
            overdue_total: standing.overdue_total,
            last_payment,
            paid_out: claim_paid.is_some(),
            close_date,
            related_party: (guarantee && !person && !a.legal_rep.trim().is_empty())
                .then(|| a.legal_rep.trim().to_string()),
        })
    }

    /// Every account's record due on the report date (only changes since last reported).
    fn credit_pending(
        &self,
        org: &Org,
        guarantees: bool,
        institution: &str,
        date: chrono::NaiveDate,
    ) -> DeskResult<(u32, Vec<Pending>)> {
        let conn = self.store.connection();
        let last = store::last_reported(conn, institution)?;
        let to = date.to_string();
        let accounts = store::accounts(conn, org.id, guarantees, &to)?;
        // The whole book's standings and repayments in two passes, not per account.
        let facts = surety_store::book::book_facts(conn, date, &to)?;
        let mut pending = Vec::new();
        for a in &accounts {
            let fact = facts.get(a.case_id);
            let now = self.credit_snapshot(a, guarantees, institution, date, fact)?;
            let before: Option<AccountSnapshot> = match last.get(&a.acct_code) {
                Some(json) => Some(serde_json::from_str(json).map_err(|e| {
                    surety_store::StoreError::Corrupt(format!(
                        "credit_reported {}: {e}",
                        a.acct_code
                    ))
                })?),
                None => None,
            };
            if let Some(code) = report_code(before.as_ref(), &now) {
                pending.push(Pending {
                    acct_code: a.acct_code.clone(),
                    record_type: now.record_type,
                    snapshot_json: serde_json::to_string(&now).expect("a snapshot serializes"),
                    line: record(&now, code, date),
                    code: code.code(),
                });
            }
        }
        Ok((accounts.len() as u32, pending))
    }

    /// What a run on `report_date` would report, without writing or recording anything.
    pub fn credit_preview(&self, input: &CreditReportInput) -> DeskResult<CreditReport> {
        let (org, guarantees, institution) = self.credit_scope(&input.organisation)?;
        let date = self.credit_date(&input.report_date)?;
        let (accounts, pending) = self.credit_pending(&org, guarantees, &institution, date)?;
        Ok(self.credit_summary(&institution, date, accounts, &pending, Vec::new(), None))
    }

    fn credit_summary(
        &self,
        institution: &str,
        date: chrono::NaiveDate,
        accounts: u32,
        pending: &[Pending],
        files: Vec<CreditFile>,
        archive: Option<String>,
    ) -> CreditReport {
        let mut by_code: BTreeMap<String, u32> = BTreeMap::new();
        for p in pending {
            *by_code.entry(p.code.to_string()).or_default() += 1;
        }
        CreditReport {
            institution: institution.to_string(),
            report_date: date.to_string(),
            encoding: self.settings.credit_reporting.encoding.clone(),
            accounts,
            unchanged: accounts - pending.len() as u32,
            by_code: by_code.into_iter().collect(),
            files,
            archive,
        }
    }

    /// Writes the run's files into one encrypted zip at `out` and records what was
    /// reported, in one transaction with its audit entry.
    pub fn credit_report_to(
        &mut self,
        input: &CreditReportInput,
        password: &str,
        out: &std::path::Path,
    ) -> DeskResult<CreditReport> {
        let (org, guarantees, institution, date) =
            self.credit_file_to(&input.organisation, &input.report_date, password, out)?;
        let generation = store::files_in_all(self.store.connection(), &institution)?;
        let (accounts, pending) = self.credit_pending(&org, guarantees, &institution, date)?;
        if pending.is_empty() {
            // Nothing changed since the last file: no archive to send.
            return Ok(self.credit_summary(
                &institution,
                date,
                accounts,
                &pending,
                Vec::new(),
                None,
            ));
        }
        let (files, contents) = self.credit_files(&institution, date, &pending)?;
        let zip = surety_docs::archive::encrypted_zip(&contents, password)?;
        let path = crate::desk::output::write(self.store.path(), out, &zip)?;
        let actor = self.actor();
        let user_id = self.user.id;
        let total = pending.len();
        let recorded = self.store.write(&actor, "credit.report", |tx| {
            // What was compared against must still be the last report: another run since
            // would make this one report its changes again.
            if store::files_in_all(tx, &institution)? != generation {
                return Err(surety_store::StoreError::Busy);
            }
            record_files(tx, &institution, date, &files, &contents, &pending, user_id)?;
            Ok((
                (),
                AuditNote::new(
                    "credit",
                    &institution,
                    format!(
                        "R-CREDIT-1 {} report date {date}: {total} record(s) of {accounts} account(s) in {} file(s) to {}",
                        org.code,
                        files.len(),
                        path.display()
                    ),
                ),
            ))
        });
        if let Err(e) = recorded {
            // Nothing is recorded as reported: the archive must not be sent.
            let _ = std::fs::remove_file(&path);
            return Err(e.into());
        }
        Ok(self.credit_summary(
            &institution,
            date,
            accounts,
            &pending,
            files,
            Some(path.display().to_string()),
        ))
    }

    /// One file per record type (numbered after the day's earlier files) and the readme,
    /// each encoded as the settings say: what goes into the archive.
    fn credit_files(
        &self,
        institution: &str,
        date: chrono::NaiveDate,
        pending: &[Pending],
    ) -> DeskResult<(Vec<CreditFile>, Vec<ArchiveEntry>)> {
        let mut by_type: BTreeMap<RecordType, Vec<&Pending>> = BTreeMap::new();
        for p in pending {
            by_type.entry(p.record_type).or_default().push(p);
        }
        let stamp = self.today().and_time(chrono::Local::now().time());
        let encoding = self.settings.credit_reporting.encoding.clone();
        let mut files = Vec::new();
        let mut contents = Vec::new();
        for (rt, records) in &by_type {
            let serial = store::files_written(
                self.store.connection(),
                institution,
                &date.to_string(),
                rt.code(),
            )? + 1;
            let name = file_name(institution, date, rt.code(), serial);
            let lines: Vec<String> = records.iter().map(|p| p.line.clone()).collect();
            let text = file_text(&header(rt.code(), institution, stamp, lines.len()), &lines);
            let bytes = surety_docs::archive::encode(&text, &encoding)?;
            files.push(CreditFile {
                file_name: name.clone(),
                record_type: rt.code().to_string(),
                records: lines.len() as u32,
            });
            contents.push((format!("{name}.txt"), bytes));
        }
        contents.push((
            "说明.txt".to_string(),
            surety_docs::archive::encode(
                &credit_readme(institution, date, &encoding, &files),
                &encoding,
            )?,
        ));
        Ok((files, contents))
    }
}

/// The note inside the archive: what each file is and how it is encoded.
fn credit_readme(
    institution: &str,
    date: chrono::NaiveDate,
    encoding: &str,
    files: &[CreditFile],
) -> String {
    let mut s = format!(
        "征信报送文件（R-CREDIT-1）\r\n机构代码：{institution}\r\n报告日期：{date}\r\n字符编码：{encoding}\r\n行结束符：CRLF\r\n\r\n"
    );
    for f in files {
        s.push_str(&format!(
            "{}.txt  记录类型 {}  {} 条\r\n",
            f.file_name, f.record_type, f.records
        ));
    }
    s.push_str("\r\n本文件按公开资料整理的二代征信接口格式生成，报送前请以人民银行征信中心的接口规范和报送客户端校验为准。\r\n");
    s
}

/// The files written and every account they report, on the record as reported: the next
/// file carries only what changed since.
fn record_files(
    tx: &surety_store::Transaction,
    institution: &str,
    date: chrono::NaiveDate,
    files: &[CreditFile],
    contents: &[ArchiveEntry],
    pending: &[Pending],
    user_id: i64,
) -> surety_store::StoreResult<()> {
    for (f, (_, bytes)) in files.iter().zip(contents) {
        store::insert_file(
            tx,
            &f.file_name,
            institution,
            &f.record_type,
            &date.to_string(),
            f.records as usize,
            &hex::encode(Sha256::digest(bytes)),
            user_id,
        )?;
    }
    for p in pending {
        let file = files
            .iter()
            .find(|f| f.record_type == p.record_type.code())
            .map(|f| f.file_name.clone())
            .unwrap_or_default();
        store::record_reported(
            tx,
            institution,
            &p.acct_code,
            p.record_type.code(),
            &p.snapshot_json,
            &date.to_string(),
            &file,
        )?;
    }
    Ok(())
}
