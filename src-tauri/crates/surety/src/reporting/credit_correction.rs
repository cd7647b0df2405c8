//! R-CREDIT-1 corrections: one segment of one account re-reported, in an archive of its own.

use super::credit::*;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use sha2::{Digest, Sha256};
use surety_domain::claim::standing;
use surety_domain::credit_report::{self as credit, file_name, file_text, header, AccountSnapshot};
use surety_domain::Money;
use surety_store::book::BookFacts;
use surety_store::credit_reports::{self as store};
use surety_store::orgs::Org;

/// The correction record of one segment (by its letter), which must be one this kind of
/// account carries.
fn correction_line(
    snap: &AccountSnapshot,
    letter: char,
    segment: &str,
    guarantees: bool,
    date: chrono::NaiveDate,
) -> DeskResult<String> {
    credit::correction(snap, letter, date).ok_or_else(|| {
        let letters: String = credit::SEGMENTS
            .iter()
            .filter(|s| s.guarantee == guarantees)
            .map(|s| s.letter)
            .collect();
        DeskError::invalid(
            "segment",
            format!("段标「{segment}」不适用于此类账户，可选：{letters}"),
            format!("segment `{segment}` does not apply to this account: one of {letters}"),
        )
    })
}

impl Desk {
    /// Re-reports one segment of an account as it stands on `report_date` (a correction
    /// record, x12), in its own encrypted zip, on the audit record.
    pub fn credit_correction_to(
        &mut self,
        input: &CreditCorrectionInput,
        password: &str,
        out: &std::path::Path,
    ) -> DeskResult<CreditReport> {
        let (org, guarantees, institution, date) =
            self.credit_file_to(&input.organisation, &input.report_date, password, out)?;
        let case = self.case(&input.case_no)?;
        let account = self.correction_account(&org, guarantees, date, &case)?;
        let facts = self.account_facts_on(&account, date)?;
        let snap = self.credit_snapshot(&account, guarantees, &institution, date, facts)?;
        let letter = input.segment.trim().chars().next().unwrap_or(' ');
        let line = correction_line(&snap, letter, &input.segment, guarantees, date)?;
        let code = snap.record_type.correction_code();
        let serial = store::files_written(
            self.store.connection(),
            &institution,
            &date.to_string(),
            code,
        )? + 1;
        let name = file_name(&institution, date, code, serial);
        let stamp = self.today().and_time(chrono::Local::now().time());
        let text = file_text(&header(code, &institution, stamp, 1), &[line]);
        let encoding = self.settings.credit_reporting.encoding.clone();
        let bytes = surety_docs::archive::encode(&text, &encoding)?;
        let sha = hex::encode(Sha256::digest(&bytes));
        let zip = surety_docs::archive::encrypted_zip(&[(format!("{name}.txt"), bytes)], password)?;
        let path = crate::desk::output::write(self.store.path(), out, &zip)?;
        let actor = self.actor();
        let user_id = self.user.id;
        let recorded = self.store.write(&actor, "credit.correct", |tx| {
            store::insert_file(
                tx,
                &name,
                &institution,
                code,
                &date.to_string(),
                1,
                &sha,
                user_id,
            )?;
            Ok(case_note(
                &case.case_no,
                format!(
                    "R-CREDIT-1 correction of segment {letter} ({code}) for {date} to {}",
                    path.display()
                ),
            ))
        });
        if let Err(e) = recorded {
            let _ = std::fs::remove_file(&path);
            return Err(e.into());
        }
        Ok(CreditReport {
            institution,
            report_date: date.to_string(),
            encoding,
            accounts: 1,
            unchanged: 0,
            by_code: Vec::new(),
            files: vec![CreditFile {
                file_name: name,
                record_type: code.to_string(),
                records: 1,
            }],
            archive: Some(path.display().to_string()),
        })
    }

    /// The case as an account of the organisation on the report date.
    fn correction_account(
        &self,
        org: &Org,
        guarantees: bool,
        date: chrono::NaiveDate,
        case: &surety_store::sections::CaseRecord,
    ) -> DeskResult<store::CreditAccount> {
        store::accounts(
            self.store.connection(),
            org.id,
            guarantees,
            &date.to_string(),
        )?
        .into_iter()
        .find(|a| a.case_id == case.id)
        .ok_or_else(|| {
            DeskError::invalid(
                "case_no",
                format!("案件 {} 在 {date} 不是 {} 的账户", case.case_no, org.name),
                format!(
                    "case {} is not an account of {} on {date}",
                    case.case_no, org.code
                ),
            )
        })
    }

    /// The account's standing as it was at the end of the report date.
    fn account_facts_on(
        &self,
        account: &store::CreditAccount,
        date: chrono::NaiveDate,
    ) -> DeskResult<BookFacts> {
        let conn = self.store.connection();
        let to = date.to_string();
        let (schedule, paid) = surety_store::schedules::position_as_of(conn, account.case_id, &to)?;
        Ok(BookFacts {
            interest_since: Money::ZERO,
            standing: standing(&schedule, &paid, date),
            principal_repaid: store::principal_repaid(conn, account.case_id, &to)?,
            last_payment: store::last_payment(conn, account.case_id, &to)?
                .map(|(d, m)| Ok::<_, DeskError>((day("repayments.paid_on", &d)?, m)))
                .transpose()?,
        })
    }
}
