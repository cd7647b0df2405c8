//! 受理: an application taken in, checked against every rule that can be decided now.

use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::parse::{
    parse_city, parse_date, parse_kind, parse_money, parse_rate, parse_repayment,
};
use crate::desk::Desk;
use chrono::Datelike;
use surety_domain::borrower::IdentifiedBy;
use surety_domain::eligibility::{check_applicant, Applicant};
use surety_domain::{quote as domain_quote, CaseStatus, CreditCode, Fee, LoanTerms, ResidentId};
use surety_store::cases::{insert_case, upsert_borrower, NewBorrower, NewCase};
use surety_store::orgs::{self};
use surety_store::sections::{self};
use surety_store::{AuditNote, Role};

use crate::origination::case_flow::first_violation;
use crate::origination::inputs::IntakeInput;

impl Desk {
    /// Applications are taken for one's own organisation: a bank officer for their bank,
    /// an underwriter for their insurer (pool), a field agent of an organisation for it.
    fn check_intake_for(&self, bank: &orgs::Org, insurer: &orgs::Org) -> DeskResult<()> {
        let Some(org) = self.user.organisation_id else {
            return Ok(());
        };
        let (field, ok) = match self.user.role {
            Role::BankOfficer => ("bank", bank.id == org),
            Role::Underwriter => ("insurer", insurer.id == org),
            _ => ("bank", bank.id == org || insurer.id == org),
        };
        if ok {
            return Ok(());
        }
        Err(DeskError::not_permitted(
            format!(
                "{}只能为本机构受理申请，不能代{}或{}受理",
                self.user.display_name, bank.name, insurer.name
            ),
            format!(
                "{} takes applications for their own organisation only, not for {} / {}",
                self.user.username, bank.code, insurer.code
            ),
        )
        .with_field(field))
    }

    /// 受理: the application, checked against every rule that can be decided now.
    pub fn intake(&mut self, input: &IntakeInput) -> DeskResult<CaseView> {
        self.require_role(
            &[Role::FieldAgent, Role::BankOfficer, Role::Underwriter],
            "受理申请",
            "take applications",
        )?;
        let b = &input.borrower;
        let kind = parse_kind(&b.kind).map_err(|mut e| {
            e.field = Some("borrower.kind".into());
            e
        })?;
        use crate::desk::text::{clean, ADDRESS, NAME, SHORT};
        let name = clean("borrower.name", &b.name, NAME)?;
        let address = clean("borrower.address", &b.address, ADDRESS)?;
        let phone = clean("borrower.phone", &b.phone, SHORT)?;
        let legal_rep = clean("borrower.legal_rep", &b.legal_rep, SHORT)?;
        crate::desk::parse::check_term("term_months", input.term_months)?;
        let (id_number, id_check_override) = match kind.identified_by() {
            IdentifiedBy::ResidentId => (
                ResidentId::parse(&b.id_number, "borrower.id_number")?
                    .as_str()
                    .to_string(),
                None,
            ),
            IdentifiedBy::CreditCode => {
                let reason = b
                    .id_check_override
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty());
                let code = CreditCode::parse(&b.id_number, "borrower.id_number", reason.is_some())?;
                let override_note = code.check_overridden().then(|| {
                    format!(
                        "{} ({})",
                        reason.unwrap_or_default(),
                        self.user.display_name
                    )
                });
                (code.as_str().to_string(), override_note)
            }
        };
        // R-DEFAULT-1: a borrower found to evade debts maliciously is not taken in again.
        if let Some(flag) = sections::default_flag(self.store.connection(), &id_number)? {
            return Err(crate::origination::defaults::flagged_error(
                &flag,
                "borrower.id_number",
            ));
        }
        let operating_since = parse_date("borrower.operating_since", &b.operating_since)?;
        let city = parse_city(&input.city)?;
        let bank = self.org(&input.bank, "bank")?;
        let insurer = self.org(&input.insurer, "insurer")?;
        self.check_intake_for(&bank, &insurer)?;
        let agreement =
            orgs::agreement_for(self.store.connection(), bank.id, insurer.id, city.code())?
                .ok_or_else(|| {
                    DeskError::new(
                        ErrorCode::NoAgreement,
                        Some("bank"),
                        format!(
                            "{}与{}在{}没有银保协议，不能受理",
                            bank.name,
                            insurer.name,
                            city.name_zh()
                        ),
                        format!(
                            "{} and {} have no agreement in {}: the application cannot be taken",
                            bank.code,
                            insurer.code,
                            city.name_en()
                        ),
                    )
                })?;
        let application_date = match &input.application_date {
            Some(d) => crate::desk::parse::parse_business_date("application_date", d)?,
            None => self.today(),
        };
        if application_date > self.today() {
            return Err(DeskError::invalid(
                "application_date",
                format!("申请日期 {application_date} 晚于今天（{}）", self.today()),
                format!(
                    "the application date {application_date} is after today ({})",
                    self.today()
                ),
            ));
        }
        if kind.identified_by() == IdentifiedBy::ResidentId {
            ResidentId::parse(&id_number, "borrower.id_number")?
                .check_adult(application_date, "borrower.id_number")
                .map_err(DeskError::from)?;
        }
        first_violation(check_applicant(
            &Applicant {
                kind,
                city,
                operating_since,
                application_date,
            },
            &self.settings,
        ))?;
        // R-STOP-1 on the business date, whatever date the application names: a back-dated
        // application never gets round a stop.
        self.check_suspension(insurer.id, city, self.today())?;

        let principal = parse_money("principal", &input.principal)?;
        if principal.is_zero() {
            return Err(DeskError::invalid(
                "principal",
                "贷款金额应大于 0",
                "the loan amount must be above 0",
            ));
        }
        let outstanding =
            match surety_store::cases::borrower_id(self.store.connection(), &id_number)? {
                Some(bid) => {
                    sections::other_outstanding_principal(self.store.connection(), bid, None)?
                }
                None => surety_domain::Money::ZERO,
            };
        let terms = LoanTerms {
            city,
            borrower_kind: kind,
            principal,
            annual_rate: parse_rate("annual_rate", &input.annual_rate)?,
            term_months: input.term_months,
            contract_date: application_date,
            repayment: parse_repayment(input.repayment.as_deref())?,
            guarantee_rate: match &input.guarantee_rate {
                Some(t) => parse_rate("guarantee_rate", t)?,
                None => agreement.guarantee_rate,
            },
            accident_rate: match &input.accident_rate {
                Some(t) => parse_rate("accident_rate", t)?,
                None => agreement.accident_rate,
            },
            fees: input
                .fees
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    Ok(Fee {
                        name: clean(&format!("fees[{i}].name"), &f.name, NAME)?,
                        amount: parse_money(&format!("fees[{i}].amount"), &f.amount)?,
                    })
                })
                .collect::<DeskResult<_>>()?,
            outstanding_principal: outstanding,
            soft_cap: agreement.borrower_soft_cap,
        };
        let quote = domain_quote(&terms, &self.settings);
        first_violation(quote.violations.clone())?;

        let borrower = NewBorrower {
            kind,
            name,
            id_number,
            id_check_override,
            city,
            address,
            phone,
            legal_rep,
            operating_since,
        };
        let actor = self.actor();
        let user_id = self.user.id;
        let year = application_date.year();
        let import = self.import.take();
        let input_json = serde_json::to_string(input).expect("an intake serializes");
        // Kept for partner offices with its date fixed: replayed there, it is this day's.
        let mut dated = input.clone();
        dated.application_date = Some(application_date.to_string());
        let dated_json = serde_json::to_string(&dated).expect("an intake serializes");
        let case_no = self.store.write(&actor, "case.intake", |tx| {
            // A field laptop numbers provisionally (the office issues the case number when
            // the application reaches it); an office numbers by bank and year.
            let field = crate::origination::numbering::field_prefix(tx)?;
            let forced = import.as_ref().and_then(|i| i.case_no.clone());
            let case_no = match (&field, forced) {
                // A partner office's case keeps the number it was given there.
                (_, Some(no)) => no,
                (Some(prefix), None) => crate::origination::numbering::provisional_no(prefix, application_date),
                (None, None) => {
                    let seq = orgs::next_number(tx, bank.id, "case", year)?;
                    format!("{}-{year}-{seq:06}", bank.code.to_uppercase())
                }
            };
            // One ID, one borrower: a second application under another name is a typo in
            // the name or the ID, never a silent rename or a silently kept old name.
            if let Some(known) = surety_store::cases::borrower_name(tx, &borrower.id_number)? {
                if known != borrower.name {
                    return Err(surety_store::StoreError::invalid(
                        "borrower.name",
                        format!(
                            "证件号码 {} 已登记为“{known}”，与“{}”不符：请核对姓名或证件号码",
                            borrower.id_number, borrower.name
                        ),
                        format!(
                            "the ID {} is registered as “{known}”, not “{}”: check the name or the ID",
                            borrower.id_number, borrower.name
                        ),
                    ));
                }
            }
            let bid = upsert_borrower(tx, &borrower)?;
            let case_id = insert_case(
                tx,
                bid,
                &NewCase {
                    case_no: case_no.clone(),
                    city,
                    status: CaseStatus::Intake,
                    principal,
                    annual_rate: terms.annual_rate,
                    term_months: terms.term_months,
                    repayment: terms.repayment,
                    guarantee_rate: terms.guarantee_rate,
                    accident_rate: terms.accident_rate,
                    application_date,
                    contract_date: None,
                    bank_id: Some(bank.id),
                    insurer_id: Some(insurer.id),
                    quote_json: serde_json::to_string(&quote).expect("quote serializes"),
                    schedule: quote.schedule.clone(),
                    created_by: Some(user_id),
                },
            )?;
            sections::set_agreement(tx, case_id, agreement.id)?;
            surety_store::partners::record_intake_input(tx, case_id, &dated_json)?;
            if field.is_some() {
                // Kept exactly as entered: the office replays it when the bundle arrives.
                surety_store::bundles::record_field_intake(tx, case_id, &input_json)?;
            }
            if let Some(import) = &import {
                crate::origination::replayed::record_import(tx, import, case_id, &case_no, user_id)?;
            }
            let warn = if quote.warnings.is_empty() {
                ""
            } else {
                "; needs the R-AMT-1 exception"
            };
            Ok((
                case_no.clone(),
                AuditNote::new(
                    "case",
                    &case_no,
                    format!(
                        "intake: {} {} CNY {} months{warn}{}",
                        borrower.name,
                        principal,
                        terms.term_months,
                        import
                            .as_ref()
                            .map(|i| format!(
                                "; taken in on field laptop {} as {} (bundle {})",
                                i.origin, i.provisional_no, i.bundle_id
                            ))
                            .unwrap_or_default()
                    ),
                ),
            ))
        })?;
        self.case_show(&case_no)
    }
}
