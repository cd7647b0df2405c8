//! 受理: an application taken in, checked against every rule that can be decided now.

use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::parse::{
    parse_city, parse_date, parse_kind, parse_money, parse_rate, parse_repayment,
};
use crate::desk::replay::IntakeImport;
use crate::desk::text::{clean, ADDRESS, NAME, SHORT};
use crate::desk::Desk;
use crate::origination::inputs::BorrowerInput;
use chrono::{Datelike, NaiveDate};
use surety_domain::borrower::IdentifiedBy;
use surety_domain::eligibility::{check_applicant, Applicant};
use surety_domain::{
    quote as domain_quote, BorrowerKind, CaseStatus, City, CreditCode, Fee, LoanTerms, Quote,
    ResidentId,
};
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

    /// 受理: the application, checked against every rule that can be decided now, in the
    /// order of the form (the first error a person meets is the first field to fix).
    pub fn intake(&mut self, input: &IntakeInput) -> DeskResult<CaseView> {
        self.require_role(
            &[Role::FieldAgent, Role::BankOfficer, Role::Underwriter],
            "受理申请",
            "take applications",
        )?;
        let borrower = self.applicant(input)?;
        let parties = self.intake_parties(input, borrower.city)?;
        let application_date = self.application_date(input, &borrower)?;
        first_violation(check_applicant(
            &Applicant {
                kind: borrower.kind,
                city: borrower.city,
                operating_since: borrower.operating_since,
                application_date,
            },
            &self.settings,
        ))?;
        // R-STOP-1 on the business date, whatever date a form names: a back-dated
        // application never gets round a stop. An application taken on a laptop or at a
        // partner office is replayed as of the day it was taken, that day's stop included
        // (its day was bounded when its bundle was taken in).
        let stop_day = if self.import.is_some() {
            application_date
        } else {
            self.today()
        };
        self.check_suspension(parties.insurer.id, borrower.city, stop_day)?;
        let terms = self.intake_terms(input, &borrower, &parties.agreement, application_date)?;
        let quote = domain_quote(&terms, &self.settings);
        first_violation(quote.violations.clone())?;
        let case_no = self.write_intake(input, &borrower, &parties, &terms, &quote)?;
        self.case_show(&case_no)
    }

    /// The borrower as the form gives them (and the term, which the form asks next): each
    /// field cleaned and parsed, the ID number checked, a flagged defaulter refused.
    fn applicant(&mut self, input: &IntakeInput) -> DeskResult<NewBorrower> {
        let b = &input.borrower;
        let kind = parse_kind(&b.kind).map_err(|e| e.with_field("borrower.kind"))?;
        let name = clean("borrower.name", &b.name, NAME)?;
        let address = clean("borrower.address", &b.address, ADDRESS)?;
        let phone = crate::desk::parse::parse_phone(
            "borrower.phone",
            &clean("borrower.phone", &b.phone, SHORT)?,
        )?;
        let legal_rep = clean("borrower.legal_rep", &b.legal_rep, SHORT)?;
        crate::desk::parse::check_term("term_months", input.term_months)?;
        let (id_number, id_check_override) = self.id_number(kind, b)?;
        // R-DEFAULT-1: a borrower found to evade debts maliciously is not taken in again.
        if let Some(flag) = sections::default_flag(self.store.connection(), &id_number)? {
            // Another institution's defaulter: the refusal says so and no more (not the
            // name, the day or the case), and is on the record.
            let ours = sections::case_by_no(self.store.connection(), &flag.case_no)?
                .is_some_and(|case| self.may_read(&case));
            let refusal = if ours {
                crate::origination::defaults::flagged_error(&flag, "borrower.id_number")
            } else {
                crate::origination::defaults::flagged_elsewhere_error("borrower.id_number")
            };
            self.audit_intake_refusal(&id_number, "R-DEFAULT-1: a flagged defaulter");
            return Err(refusal);
        }
        let operating_since = parse_date("borrower.operating_since", &b.operating_since)?;
        Ok(NewBorrower {
            kind,
            name,
            id_number,
            id_check_override,
            city: parse_city(&input.city)?,
            address,
            phone,
            legal_rep,
            operating_since,
        })
    }

    /// The resident ID or credit code the borrower's kind calls for; an early credit code
    /// whose check character fails is taken only with a reason, kept with who gave it.
    fn id_number(
        &self,
        kind: BorrowerKind,
        b: &BorrowerInput,
    ) -> DeskResult<(String, Option<String>)> {
        Ok(match kind.identified_by() {
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
        })
    }

    /// The bank and the insurer named, the user's own, and their agreement in the city.
    fn intake_parties(&self, input: &IntakeInput, city: City) -> DeskResult<Parties> {
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
        Ok(Parties {
            bank,
            insurer,
            agreement,
        })
    }

    /// The day the application was made (today unless named), never after today; a
    /// person borrowing must be of age on it.
    fn application_date(
        &self,
        input: &IntakeInput,
        borrower: &NewBorrower,
    ) -> DeskResult<NaiveDate> {
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
        if borrower.kind.identified_by() == IdentifiedBy::ResidentId {
            ResidentId::parse(&borrower.id_number, "borrower.id_number")?
                .check_adult(application_date, "borrower.id_number")
                .map_err(DeskError::from)?;
        }
        Ok(application_date)
    }

    /// The loan's terms for the quote: the form's figures, the agreement's premium rates
    /// where the form names none, and the borrower's other guaranteed principal (R-AMT-1).
    fn intake_terms(
        &self,
        input: &IntakeInput,
        borrower: &NewBorrower,
        agreement: &orgs::Agreement,
        application_date: NaiveDate,
    ) -> DeskResult<LoanTerms> {
        let principal = parse_money("principal", &input.principal)?;
        if principal.is_zero() {
            return Err(DeskError::invalid(
                "principal",
                "贷款金额应大于 0",
                "the loan amount must be above 0",
            ));
        }
        let conn = self.store.connection();
        let outstanding = match surety_store::cases::borrower_id(conn, &borrower.id_number)? {
            Some(bid) => sections::other_outstanding_principal(conn, bid, None)?,
            None => surety_domain::Money::ZERO,
        };
        Ok(LoanTerms {
            city: borrower.city,
            borrower_kind: borrower.kind,
            principal,
            annual_rate: crate::desk::parse::parse_loan_rate("annual_rate", &input.annual_rate)?,
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
        })
    }

    /// The case written in one transaction with its audit entry: its number, the borrower
    /// (one ID, one name), the case, its agreement, the intake as entered for partners and
    /// laptops, and where a replayed intake came from.
    fn write_intake(
        &mut self,
        input: &IntakeInput,
        borrower: &NewBorrower,
        parties: &Parties,
        terms: &LoanTerms,
        quote: &Quote,
    ) -> DeskResult<String> {
        let actor = self.actor();
        let user_id = self.user.id;
        let application_date = terms.contract_date;
        let import = self.import.take();
        // Kept for partner offices with its date fixed: replayed there, it is this day's.
        let mut dated = input.clone();
        dated.application_date = Some(application_date.to_string());
        let dated_json = serde_json::to_string(&dated).expect("an intake serializes");
        let reach = self.reach();
        let written = self.store.write(&actor, "case.intake", |tx| {
            let field = crate::origination::numbering::field_prefix(tx)?;
            let forced = import.as_ref().and_then(|i| i.case_no.clone());
            let case_no = case_number(
                tx,
                field.as_deref(),
                forced,
                &parties.bank,
                application_date,
            )?;
            check_one_name_per_id(tx, borrower, reach)?;
            let bid = upsert_borrower(tx, borrower)?;
            let case_id = insert_case(
                tx,
                bid,
                &NewCase {
                    case_no: case_no.clone(),
                    city: terms.city,
                    status: CaseStatus::Intake,
                    principal: terms.principal,
                    annual_rate: terms.annual_rate,
                    term_months: terms.term_months,
                    repayment: terms.repayment,
                    guarantee_rate: terms.guarantee_rate,
                    accident_rate: terms.accident_rate,
                    application_date,
                    contract_date: None,
                    bank_id: Some(parties.bank.id),
                    insurer_id: Some(parties.insurer.id),
                    quote_json: serde_json::to_string(quote).expect("quote serializes"),
                    schedule: quote.schedule.clone(),
                    created_by: Some(user_id),
                },
            )?;
            sections::set_agreement(tx, case_id, parties.agreement.id)?;
            surety_store::partners::record_intake_input(tx, case_id, &dated_json)?;
            if field.is_some() {
                // Kept with its day fixed: the office replays it as of the day it was taken.
                surety_store::bundles::record_field_intake(tx, case_id, &dated_json)?;
            }
            if let Some(import) = &import {
                crate::origination::replayed::record_import(
                    tx, import, case_id, &case_no, user_id,
                )?;
            }
            let note = intake_note(borrower, terms, quote, import.as_ref());
            Ok((case_no.clone(), AuditNote::new("case", &case_no, note)))
        });
        if let Err(surety_store::StoreError::Invalid { field, .. }) = &written {
            if field.starts_with("borrower.") {
                self.audit_intake_refusal(&borrower.id_number, "another name for a registered ID");
            }
        }
        Ok(written?)
    }
}

/// The bank and the insurer of an application, and their agreement in its city.
struct Parties {
    bank: orgs::Org,
    insurer: orgs::Org,
    agreement: orgs::Agreement,
}

/// A partner office's case keeps the number it was given there; a field laptop numbers
/// provisionally (the office issues the case number when the application reaches it); an
/// office numbers by bank and year.
fn case_number(
    tx: &surety_store::Transaction,
    field_prefix: Option<&str>,
    forced: Option<String>,
    bank: &orgs::Org,
    application_date: NaiveDate,
) -> surety_store::StoreResult<String> {
    Ok(match (field_prefix, forced) {
        (_, Some(no)) => no,
        (Some(prefix), None) => {
            crate::origination::numbering::provisional_no(prefix, application_date)
        }
        (None, None) => {
            let year = application_date.year();
            let seq = orgs::next_number(tx, bank.id, "case", year)?;
            format!("{}-{year}-{seq:06}", bank.code.to_uppercase())
        }
    })
}

/// One ID, one borrower: a second application under another name is a typo in the name or
/// the ID, never a silent rename or a silently kept old name.
fn check_one_name_per_id(
    tx: &surety_store::Transaction,
    borrower: &NewBorrower,
    reach: surety_store::cases::CaseReach,
) -> surety_store::StoreResult<()> {
    let known = match surety_store::cases::borrower_name(tx, &borrower.id_number)? {
        Some(known) if known != borrower.name => known,
        _ => return Ok(()),
    };
    // Registered through another institution: whose name it is is not this reader's.
    if !surety_store::cases::borrower_in_reach(tx, &borrower.id_number, reach)? {
        return Err(surety_store::StoreError::invalid(
            "borrower.id_number",
            "该证件号码已登记为其他机构的另一位借款人：请核对证件号码，如确有疑问请向省级主管部门查询",
            "this ID number is registered to another borrower at another institution: check the ID number, or ask the province's office",
        ));
    }
    Err(surety_store::StoreError::invalid(
        "borrower.name",
        format!(
            "证件号码 {} 已登记为“{known}”，与“{}”不符：请核对姓名或证件号码",
            borrower.id_number, borrower.name
        ),
        format!(
            "the ID {} is registered as “{known}”, not “{}”: check the name or the ID",
            borrower.id_number, borrower.name
        ),
    ))
}

/// The intake's audit entry: who borrows how much for how long, and where it came from.
fn intake_note(
    borrower: &NewBorrower,
    terms: &LoanTerms,
    quote: &Quote,
    import: Option<&IntakeImport>,
) -> String {
    let warn = if quote.warnings.is_empty() {
        ""
    } else {
        "; needs the R-AMT-1 exception"
    };
    let origin = import
        .map(|i| {
            format!(
                "; taken in on field laptop {} as {} (bundle {})",
                i.origin, i.provisional_no, i.bundle_id
            )
        })
        .unwrap_or_default();
    format!(
        "intake: {} {} CNY {} months{warn}{origin}",
        borrower.name, terms.principal, terms.term_months
    )
}

impl Desk {
    /// A refused intake on the record (who tried which ID, masked, and why), in a write of
    /// its own: the refused one left nothing. A record that cannot be written (a session
    /// reading as of another day) does not change the refusal.
    fn audit_intake_refusal(&mut self, id_number: &str, why: &str) {
        let actor = self.actor();
        let masked = crate::desk::session::mask_id(id_number);
        let _ = self.store.write(&actor, "case.intake_refused", |_| {
            Ok((
                (),
                AuditNote::new("borrower", &masked, format!("intake refused: {why}")),
            ))
        });
    }
}
