//! From application to disbursement: intake, both investigations, joint review, both
//! decisions (R-VETO-1), the R-AMT-1 exception, signing, premiums, disbursement.

use crate::desk::Desk;
use crate::error::{DeskError, DeskResult};
use crate::quote::{
    parse_city, parse_date, parse_kind, parse_money, parse_rate, parse_repayment, FeeInput,
};
use crate::views::CaseView;
use chrono::Datelike;
use serde::Deserialize;
use surety_domain::borrower::IdentifiedBy;
use surety_domain::eligibility::{
    check_applicant, check_findings, check_not_suspended, Applicant, Finding, Findings,
};
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::process::{Document, PremiumLine, Step};
use surety_domain::quote::Quote;
use surety_domain::{
    quote as domain_quote, BorrowerKind, CaseStatus, City, CreditCode, Fee, LoanTerms, LossRatio,
    ResidentId, Side,
};
use surety_store::cases::{insert_case, upsert_borrower, NewBorrower, NewCase};
use surety_store::orgs::{self, Agreement};
use surety_store::sections::{self, CaseRecord, Contract, Investigation, Premium, SideAct};
use surety_store::{AuditNote, Role};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct BorrowerInput {
    pub kind: String,
    pub name: String,
    /// Resident ID for farmers and entrepreneurs, unified social credit code otherwise.
    pub id_number: String,
    /// For an early credit code that fails its check character: why it was accepted.
    #[serde(default)]
    pub id_check_override: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub legal_rep: String,
    pub operating_since: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    pub borrower: BorrowerInput,
    pub city: String,
    pub bank: String,
    pub insurer: String,
    pub principal: String,
    pub annual_rate: String,
    pub term_months: u32,
    #[serde(default)]
    pub repayment: Option<String>,
    /// Defaults to the agreement's rates.
    #[serde(default)]
    pub guarantee_rate: Option<String>,
    #[serde(default)]
    pub accident_rate: Option<String>,
    #[serde(default)]
    pub fees: Vec<FeeInput>,
    /// Defaults to today.
    #[serde(default)]
    pub application_date: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct FindingsInput {
    pub tax_arrears_clean: bool,
    pub debt_evasion_clean: bool,
    pub violation_record_clean: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct InvestigationInput {
    pub case_no: String,
    pub findings: FindingsInput,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub case_no: String,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub case_no: String,
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SignInput {
    pub case_no: String,
    /// loan_contract | guarantee_policy | accident_policy
    pub document: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PremiumInput {
    pub case_no: String,
    /// guarantee | accident
    pub line: String,
    pub amount: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CaseRef {
    pub case_no: String,
}

/// The number prefix of each document (借款合同 JK, 保证保险 BZ, 意外险 YW).
pub(crate) fn document_prefix(d: Document) -> &'static str {
    match d {
        Document::LoanContract => "JK",
        Document::GuaranteePolicy => "BZ",
        Document::AccidentPolicy => "YW",
    }
}

fn first_violation(violations: Vec<surety_domain::Violation>) -> DeskResult<()> {
    match violations.into_iter().next() {
        Some(v) => Err(v.into()),
        None => Ok(()),
    }
}

impl Desk {
    /// A case this user may read; one they may not is not found (its existence is not
    /// disclosed either).
    pub(crate) fn case(&self, case_no: &str) -> DeskResult<CaseRecord> {
        sections::case_by_no(self.store.connection(), case_no.trim())?
            .filter(|c| self.may_read(c))
            .ok_or_else(|| DeskError::not_found("案件", "case", case_no))
    }

    pub(crate) fn agreement_of(&self, case: &CaseRecord) -> DeskResult<Agreement> {
        case.agreement_id
            .and_then(|id| orgs::agreement_by_id(self.store.connection(), id).transpose())
            .transpose()?
            .ok_or_else(|| {
                DeskError::new(
                    "NO_AGREEMENT",
                    None,
                    "案件没有对应的银保协议".into(),
                    "the case has no bank–insurer agreement".into(),
                )
            })
    }

    /// The stored quote as JSON for the case page (its figures, typed, are `case.quote`).
    pub(crate) fn stored_quote_json(&self, case: &CaseRecord) -> DeskResult<serde_json::Value> {
        serde_json::from_str(&case.quote_json).map_err(|_| {
            surety_store::StoreError::Corrupt(format!(
                "cases {}: column quote_json is not JSON",
                case.case_no
            ))
            .into()
        })
    }

    /// R-STOP-1 / R-ELIG-4 for the case's underwriter in its city on `date`.
    pub(crate) fn check_suspension(
        &self,
        insurer_id: i64,
        city: City,
        date: chrono::NaiveDate,
    ) -> DeskResult<()> {
        let ratio = self.loss_ratio(insurer_id, city, date)?;
        let insurer = orgs::org_by_id(self.store.connection(), insurer_id)?
            .map(|o| o.name)
            .unwrap_or_default();
        match check_not_suspended(city, &insurer, &ratio, &self.settings) {
            Some(v) => Err(v.into()),
            None => Ok(()),
        }
    }

    pub(crate) fn loss_ratio(
        &self,
        insurer_id: i64,
        city: City,
        date: chrono::NaiveDate,
    ) -> DeskResult<LossRatio> {
        // The pilot year so far: up to `date`, so a replayed year sees only its past.
        let year = pilot_year_of(date, self.settings.pilot_year_start_for(city));
        let (premiums, claims) = sections::loss_ratio_inputs(
            self.store.connection(),
            insurer_id,
            city.code(),
            &year.start.to_string(),
            &year.end.min(date).to_string(),
        )?;
        Ok(LossRatio::new(claims, premiums))
    }

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
        use crate::text::{clean, ADDRESS, NAME, SHORT};
        let name = clean("borrower.name", &b.name, NAME)?;
        let address = clean("borrower.address", &b.address, ADDRESS)?;
        let phone = clean("borrower.phone", &b.phone, SHORT)?;
        let legal_rep = clean("borrower.legal_rep", &b.legal_rep, SHORT)?;
        crate::quote::check_term("term_months", input.term_months)?;
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
        let operating_since = parse_date("borrower.operating_since", &b.operating_since)?;
        let city = parse_city(&input.city)?;
        let bank = self.org(&input.bank, "bank")?;
        let insurer = self.org(&input.insurer, "insurer")?;
        self.check_intake_for(&bank, &insurer)?;
        let agreement =
            orgs::agreement_for(self.store.connection(), bank.id, insurer.id, city.code())?
                .ok_or_else(|| {
                    DeskError::new(
                        "NO_AGREEMENT",
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
            Some(d) => crate::quote::parse_business_date("application_date", d)?,
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
        first_violation(check_applicant(
            &Applicant {
                kind,
                city,
                operating_since,
                application_date,
            },
            &self.settings,
        ))?;
        self.check_suspension(insurer.id, city, application_date)?;

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
        let case_no = self.store.write(&actor, "case.intake", |tx| {
            let seq = orgs::next_number(tx, bank.id, "case", year)?;
            let case_no = format!("{}-{year}-{seq:06}", bank.code.to_uppercase());
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
                        "intake: {} {} CNY {} months{warn}",
                        borrower.name, principal, terms.term_months
                    ),
                ),
            ))
        })?;
        self.case_show(&case_no)
    }

    /// Whether the amount needs the two-sided R-AMT-1 exception.
    pub(crate) fn needs_exception(&self, case: &CaseRecord) -> bool {
        case.quote.warnings.iter().any(|w| w.rule == "R-AMT-1")
    }

    /// 资信调查: one side's independent findings (R-ELIG-3).
    pub fn investigate(&mut self, input: &InvestigationInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let side = self.check_side_step(&case, Step::Investigate)?;
        let today = self.today();
        let by = self.user.display_name.clone();
        let finding = |clean| Finding {
            clean,
            checked_by: by.clone(),
            checked_on: today,
        };
        let findings = Findings {
            tax_arrears: finding(input.findings.tax_arrears_clean),
            debt_evasion: finding(input.findings.debt_evasion_clean),
            violation_record: finding(input.findings.violation_record_clean),
        };
        let problems = check_findings(side, &findings);
        let inv = Investigation {
            side,
            findings_json: serde_json::to_string(&findings).expect("findings serialize"),
            note: crate::text::clean("note", &input.note, crate::text::NOTE)?,
            attachments: input
                .attachments
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            investigator: by.clone(),
            completed_on: today.to_string(),
        };
        let other_done = sections::investigations(self.store.connection(), case.id)?
            .iter()
            .any(|i| i.side != side);
        let to = if other_done {
            CaseStatus::JointReview
        } else {
            CaseStatus::Investigation
        };
        let (actor, uid) = (self.actor(), self.user.id);
        let summary = format!(
            "{} investigation: {}; status {} -> {}",
            side.name_en(),
            if problems.is_empty() {
                "clean".to_string()
            } else {
                problems
                    .iter()
                    .map(|p| p.field.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            case.status.code(),
            to.code()
        );
        self.store.write(&actor, "case.investigate", |tx| {
            sections::save_investigation(tx, case.id, uid, &inv)?;
            if case.status != to {
                sections::set_status(tx, &case, to)?;
            }
            Ok(((), AuditNote::new("case", &case.case_no, summary)))
        })?;
        self.case_show(&case.case_no)
    }

    /// 会商: a note of the joint review, by either side.
    pub fn review_note(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Review)?;
        let note = &crate::text::clean("note", &input.note, crate::text::NOTE)?;
        if note.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "会商意见不能为空",
                "the note is empty",
            ));
        }
        let (actor, uid) = (self.actor(), self.user.id);
        self.store.write(&actor, "case.review_note", |tx| {
            sections::add_review_note(tx, case.id, uid, note)?;
            Ok((
                (),
                AuditNote::new("case", &case.case_no, format!("joint review: {note}")),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// R-AMT-1: one side's approval of an amount above the cap in principle.
    pub fn approve_exception(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let side = self.check_side_step(&case, Step::Exception)?;
        let reason = &crate::text::clean("note", &input.note, crate::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "例外审批必须说明理由",
                "an exception needs a reason",
            ));
        }
        let act = SideAct {
            side,
            approve: true,
            reason: reason.into(),
            by: self.user.display_name.clone(),
            on: self.today().to_string(),
        };
        let (actor, uid) = (self.actor(), self.user.id);
        self.store.write(&actor, "case.exception", |tx| {
            sections::save_exception(tx, case.id, uid, &act)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "R-AMT-1 exception approved by the {}: {reason}",
                        side.name_en()
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 审批: one side's independent decision. One refusal declines the case (R-VETO-1).
    pub fn decide(&mut self, input: &DecisionInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let step = if input.approve {
            Step::Approve
        } else {
            Step::Refuse
        };
        let side = self.check_side_step(&case, step)?;
        let decisions = sections::decisions(self.store.connection(), case.id)?;
        let reason = &crate::text::clean("reason", &input.reason, crate::text::NOTE)?;
        if input.approve {
            let mine = sections::investigations(self.store.connection(), case.id)?
                .into_iter()
                .find(|i| i.side == side);
            let findings: Option<Findings> =
                mine.and_then(|i| serde_json::from_str(&i.findings_json).ok());
            if let Some(f) = findings {
                first_violation(check_findings(side, &f))?;
            }
        } else if reason.is_empty() {
            return Err(DeskError::invalid(
                "reason",
                "否决必须说明理由",
                "a refusal needs a reason",
            ));
        }
        let other_approved = decisions.iter().any(|d| d.side != side && d.approve);
        let to = if !input.approve {
            CaseStatus::Declined
        } else if other_approved {
            CaseStatus::Approved
        } else {
            CaseStatus::Decision
        };
        let act = SideAct {
            side,
            approve: input.approve,
            reason: reason.into(),
            by: self.user.display_name.clone(),
            on: self.today().to_string(),
        };
        let (actor, uid) = (self.actor(), self.user.id);
        let summary = format!(
            "{} {}{}; status {} -> {}",
            side.name_en(),
            if input.approve { "approves" } else { "refuses" },
            if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            },
            case.status.code(),
            to.code()
        );
        self.store.write(&actor, "case.decide", |tx| {
            sections::save_decision(tx, case.id, uid, &act)?;
            sections::set_status(tx, &case, to)?;
            Ok(((), AuditNote::new("case", &case.case_no, summary)))
        })?;
        self.case_show(&case.case_no)
    }

    /// 签约: the loan contract (bank), the guarantee and accident policies (insurer), each
    /// numbered from its organisation's sequence. Signing the loan contract fixes the
    /// contract date: the rate cap is checked again and the schedule recomputed for it.
    pub fn sign(&mut self, input: &SignInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let Some(document) = Document::parse(input.document.trim()) else {
            let shown = crate::text::shown(&input.document);
            return Err(DeskError::invalid("document", format!("未知文件“{shown}”，应为 loan_contract、guarantee_policy、accident_policy"), format!("unknown document `{shown}`; one of loan_contract, guarantee_policy, accident_policy")));
        };
        let owner = self.check_side_step(&case, Step::Sign(document))?;
        let (doc, prefix) = (document.code(), document_prefix(document));
        let signed = sections::contracts(self.store.connection(), case.id)?;
        let today = self.today();
        let mut new_terms = None;
        if doc == "loan_contract" {
            let quote = self.requote(&case, today)?;
            first_violation(quote.violations.clone())?;
            new_terms = Some(quote);
        }
        let org_id = match owner {
            Side::Bank => case.bank_id,
            Side::Insurer => case.insurer_id,
        }
        .expect("cases have both parties");
        let org_code = orgs::org_by_id(self.store.connection(), org_id)?
            .map(|o| o.code.to_uppercase())
            .unwrap_or_default();
        let all_signed = signed.len() + 1 == Document::ALL.len();
        let (actor, year) = (self.actor(), today.year());
        self.store.write(&actor, "case.sign", |tx| {
            let seq = orgs::next_number(tx, org_id, doc, year)?;
            let doc_no = format!("{org_code}-{prefix}-{year}-{seq:06}");
            sections::save_contract(
                tx,
                case.id,
                &Contract {
                    doc_kind: doc.into(),
                    doc_no: doc_no.clone(),
                    signed_on: today.to_string(),
                },
            )?;
            if let Some(q) = &new_terms {
                sections::set_contract_terms(
                    tx,
                    case.id,
                    today,
                    &q.schedule,
                    &serde_json::to_string(q).expect("quote serializes"),
                )?;
            }
            if all_signed {
                sections::set_status(tx, &case, CaseStatus::Signed)?;
            }
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "{doc} signed: {doc_no}{}",
                        if all_signed {
                            "; status approved -> signed"
                        } else {
                            ""
                        }
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// The case's terms quoted again for a contract date.
    pub(crate) fn requote(
        &self,
        case: &CaseRecord,
        contract_date: chrono::NaiveDate,
    ) -> DeskResult<Quote> {
        let city = self.city_of(case);
        let kind: BorrowerKind = case.borrower_kind;
        let outstanding = sections::other_outstanding_principal(
            self.store.connection(),
            case.borrower_id,
            Some(case.id),
        )?;
        Ok(domain_quote(
            &LoanTerms {
                city,
                borrower_kind: kind,
                principal: case.principal,
                annual_rate: case.annual_rate,
                term_months: case.term_months,
                contract_date,
                repayment: case.repayment,
                guarantee_rate: case.guarantee_rate,
                accident_rate: case.accident_rate,
                fees: vec![],
                outstanding_principal: outstanding,
            },
            &self.settings,
        ))
    }

    /// 保费: a premium line received, exactly as quoted.
    pub fn record_premium(&mut self, input: &PremiumInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let Some(line) = PremiumLine::parse(input.line.trim()) else {
            let other = crate::text::shown(&input.line);
            return Err(DeskError::invalid(
                "line",
                format!("未知险种“{other}”，应为 guarantee 或 accident"),
                format!("unknown premium line `{other}`; guarantee or accident"),
            ));
        };
        self.check_side_step(&case, Step::Premium(line))?;
        let due = match line {
            PremiumLine::Guarantee => case.quote.guarantee_premium,
            PremiumLine::Accident => case.quote.accident_premium,
        };
        let amount = parse_money("amount", &input.amount)?;
        if amount != due {
            return Err(DeskError::invalid(
                "amount",
                format!("保费金额 {amount} 元与应收 {due} 元不符"),
                format!("the premium {amount} CNY does not match the {due} CNY due"),
            ));
        }
        let received = sections::premiums(self.store.connection(), case.id)?;
        let accident_due = case.quote.accident_premium;
        let lines_needed = if accident_due.is_zero() { 1 } else { 2 };
        let complete = received.len() + 1 >= lines_needed;
        let actor = self.actor();
        let today = self.today().to_string();
        self.store.write(&actor, "case.premium", |tx| {
            sections::save_premium(
                tx,
                case.id,
                &Premium {
                    line: line.code().into(),
                    amount,
                    received_on: today.clone(),
                },
            )?;
            if complete {
                sections::set_status(tx, &case, CaseStatus::PremiumsReceived)?;
            }
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "{} premium {amount} received{}",
                        line.code(),
                        if complete {
                            "; status signed -> premiums_received"
                        } else {
                            ""
                        }
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 放款: only with both approvals, all three documents and the premiums (R-VETO-1),
    /// and never while the insurer's business in the city is suspended (R-STOP-1).
    pub fn disburse(&mut self, input: &CaseRef) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Disburse)?;
        let today = self.today();
        let city = self.city_of(&case);
        self.check_suspension(case.insurer_id.expect("cases have an insurer"), city, today)?;
        let kind: BorrowerKind = case.borrower_kind;
        let subsidy = surety_domain::subsidy::subsidy(
            kind,
            case.quote.total_premium,
            case.quote.total_interest,
            &self.settings.city(city),
        );
        let actor = self.actor();
        self.store.write(&actor, "case.disburse", |tx| {
            sections::save_disbursement(tx, case.id, case.principal, &today.to_string())?;
            if !subsidy.total().is_zero() {
                sections::save_subsidy(
                    tx,
                    case.id,
                    subsidy.premium,
                    subsidy.interest,
                    &today.to_string(),
                )?;
            }
            sections::set_status(tx, &case, CaseStatus::Disbursed)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "disbursed {} on {today}; status premiums_received -> disbursed",
                        case.principal
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 撤回: the applicant withdraws before disbursement.
    pub fn withdraw(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        // A field agent withdraws only an application they took in (`party_on`), and only
        // before any decision (the process check).
        self.check_step(&case, Step::Withdraw)?;
        let reason = &crate::text::clean("note", &input.note, crate::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "撤回必须说明理由",
                "a withdrawal needs a reason",
            ));
        }
        let actor = self.actor();
        self.store.write(&actor, "case.withdraw", |tx| {
            sections::set_status(tx, &case, CaseStatus::Withdrawn)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "withdrawn: {reason}; status {} -> withdrawn",
                        case.status.code()
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}
