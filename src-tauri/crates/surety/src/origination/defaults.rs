//! R-DEFAULT-1 (§4.4): a borrower found to evade debts maliciously is not taken in again,
//! cannot be investigated as clean of debt evasion, and is listed for the authorities. Only
//! an admin lifts a flag, with a reason, on the record.

use crate::case_file::printing::Printed;
use crate::case_file::views::CaseView;
use crate::desk::dto;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::origination::inputs::NoteInput;
use serde::{Deserialize, Serialize};
use surety_docs::xlsx::{encrypted, workbook, Cell, Sheet};
use surety_domain::process::Step;
use surety_store::sections::{self, DefaultFlag};
use surety_store::Role;

/// The refusal naming the flag: when, in which case.
pub(crate) fn flagged_error(flag: &DefaultFlag, field: &str) -> DeskError {
    DeskError::new(
        ErrorCode::RDefault1,
        Some(field),
        format!(
            "{}（{}）已于 {} 在案件 {} 中被认定为恶意逃废债，不得受理或认定为无逃废债记录",
            flag.name,
            crate::desk::session::mask_id(&flag.id_number),
            flag.flagged_on,
            flag.case_no
        ),
        format!(
            "{} ({}) was found to evade debts maliciously on {} in case {}: not to be taken in or recorded as clean",
            flag.name,
            crate::desk::session::mask_id(&flag.id_number),
            flag.flagged_on,
            flag.case_no
        ),
    )
}

/// R-DEFAULT-1 told to another institution: the borrower cannot be taken in, and where to
/// ask; not whose flag it is, when or in which case.
pub(crate) fn flagged_elsewhere_error(field: &str) -> DeskError {
    DeskError::new(
        ErrorCode::RDefault1,
        Some(field),
        "该证件号码的借款人已在其他机构被认定为恶意逃废债，不得受理；详情请向省级主管部门查询".into(),
        "the borrower with this ID number was found to evade debts maliciously at another institution and cannot be taken in; ask the province's office for details".into(),
    )
}

/// One flagged borrower as listed for the authorities.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlaggedBorrower {
    pub name: String,
    pub id_number: String,
    pub case_no: String,
    pub bank_name: String,
    pub outstanding: dto::Money,
    pub flagged_on: String,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct UnflagInput {
    pub id_number: String,
    pub reason: String,
}

impl Desk {
    /// The flagged borrowers this user's work touches (all for admins and auditors; a
    /// bank's or an insurer's own cases otherwise), with whole ID numbers: the list is for
    /// notifying the authorities.
    /// The flagged borrowers the reader's work covers (R-DEFAULT-1), full ID numbers
    /// included: a bulk read of personal data, on the audit record with its count.
    pub fn flagged_borrowers(&mut self) -> DeskResult<Vec<FlaggedBorrower>> {
        let list = self.flagged_rows()?;
        if !list.is_empty() {
            self.record_disclosure(
                "borrower.flagged_read",
                "borrower",
                "-",
                format!("flagged borrowers listed: {}", list.len()),
            )?;
        }
        Ok(list)
    }

    pub(crate) fn flagged_rows(&self) -> DeskResult<Vec<FlaggedBorrower>> {
        self.require_role(
            &[
                Role::Admin,
                Role::Auditor,
                Role::BankOfficer,
                Role::Underwriter,
            ],
            "查看恶意逃废债名单",
            "see the list of flagged borrowers",
        )?;
        let conn = self.store.connection();
        let reach = self.reach();
        let mut out = Vec::new();
        for f in sections::default_flags(conn)? {
            // A flag is read by its case's bank and insurer (field agents have no list).
            if !reach.includes(f.bank_id, f.insurer_id, None) {
                continue;
            }
            let bank_name = match f.bank_id {
                Some(id) => surety_store::orgs::org_by_id(conn, id)?
                    .map(|o| o.name)
                    .unwrap_or_default(),
                None => String::new(),
            };
            out.push(FlaggedBorrower {
                name: f.name,
                id_number: f.id_number,
                case_no: f.case_no,
                bank_name,
                outstanding: f.outstanding.into(),
                flagged_on: f.flagged_on,
                note: f.note,
            });
        }
        Ok(out)
    }

    /// The list as a spreadsheet locked with `password`, written to `out`, on the record.
    pub fn export_flagged_to(
        &mut self,
        password: &str,
        out: &std::path::Path,
    ) -> DeskResult<Printed> {
        crate::case_file::printing::check_export_password(password)?;
        crate::desk::output::check(self.store.path(), out)?;
        let list = self.flagged_rows()?;
        let rows = list
            .iter()
            .map(|f| {
                vec![
                    Cell::Text(f.name.clone()),
                    Cell::Text(f.id_number.clone()),
                    Cell::Text(f.case_no.clone()),
                    Cell::Text(f.bank_name.clone()),
                    Cell::Money(f.outstanding.0.parse().expect("formatted from a Money")),
                    Cell::Text(f.flagged_on.clone()),
                    Cell::Text(f.note.clone()),
                ]
            })
            .collect();
        let columns = [
            ("借款人", 30.0),
            ("证件号码", 22.0),
            ("案件号", 22.0),
            ("贷款银行", 24.0),
            ("未还本金（元）", 16.0),
            ("认定日期", 12.0),
            ("认定理由", 40.0),
        ];
        let plain = workbook(&[Sheet {
            name: "恶意逃废债名单".into(),
            columns: columns.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            rows,
        }])?;
        let bytes = encrypted(&plain, password)?;
        self.deliver(
            out,
            &bytes,
            ("export.flagged", "borrowers", &list.len().to_string()),
            format!("exported {} flagged borrowers", list.len()),
        )
    }

    /// An admin lifts a flag, with a reason (audited).
    pub fn unflag_borrower(&mut self, input: &UnflagInput) -> DeskResult<()> {
        self.require_role(
            &[Role::Admin],
            "撤销恶意逃废债认定",
            "lift a debt-evasion flag",
        )?;
        let reason = crate::desk::text::clean("reason", &input.reason, crate::desk::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "reason",
                "撤销认定必须说明理由",
                "lifting a flag needs a reason",
            ));
        }
        let id_number = input.id_number.trim().to_ascii_uppercase();
        let flag =
            sections::default_flag(self.store.connection(), &id_number)?.ok_or_else(|| {
                DeskError::not_found("被认定的借款人", "flagged borrower", &id_number)
            })?;
        let actor = self.actor();
        self.store.write(&actor, "borrower.unflag_evasion", |tx| {
            sections::unflag_evasion(tx, flag.borrower_id)?;
            Ok(case_note(
                &flag.case_no,
                format!(
                    "R-DEFAULT-1 flag of {} lifted: {reason}",
                    crate::desk::session::mask_id(&flag.id_number)
                ),
            ))
        })?;
        Ok(())
    }
}

impl Desk {
    /// R-DEFAULT-1: the borrower is flagged for notification as a malicious evader.
    pub fn flag_evasion(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Flag)?;
        let reason = &crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "必须说明认定恶意逃废债的理由",
                "say why the evasion is considered malicious",
            ));
        }
        let actor = self.actor();
        let today = self.today().to_string();
        self.store.write(&actor, "borrower.flag_evasion", |tx| {
            sections::flag_evasion(tx, case.borrower_id, reason, &today, &case.case_no)?;
            Ok(case_note(
                &case.case_no,
                format!("R-DEFAULT-1 borrower flagged: {reason}"),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}
