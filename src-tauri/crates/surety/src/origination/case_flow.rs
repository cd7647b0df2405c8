//! From investigation to disbursement: both investigations, joint review, both decisions
//! (R-VETO-1), the R-AMT-1 exception, signing, premiums, disbursement, withdrawal. The
//! state guards are the process model's (`surety_domain::process`).

use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::parse_money;
use crate::desk::steps::case_note;
use crate::desk::Desk;
use chrono::Datelike;
use surety_domain::eligibility::{check_findings, Finding, Findings};
use surety_domain::process::{Document, PremiumLine, Step};
use surety_domain::quote::Quote;
use surety_domain::{quote as domain_quote, BorrowerKind, CaseStatus, LoanTerms, Side};
use surety_store::orgs::{self};
use surety_store::sections::{self, CaseRecord, Contract, Investigation, Premium, SideAct};

pub use crate::origination::inputs::{
    BorrowerInput, CaseRef, DecisionInput, FindingsInput, IntakeInput, InvestigationInput,
    NoteInput, PremiumInput, SignInput,
};

/// The number prefix of each document (借款合同 JK, 保证保险 BZ, 意外险 YW).
pub(crate) fn document_prefix(d: Document) -> &'static str {
    match d {
        Document::LoanContract => "JK",
        Document::GuaranteePolicy => "BZ",
        Document::AccidentPolicy => "YW",
    }
}

pub(crate) fn first_violation(violations: Vec<surety_domain::Violation>) -> DeskResult<()> {
    match violations.into_iter().next() {
        Some(v) => Err(v.into()),
        None => Ok(()),
    }
}

impl Desk {
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
        if case.borrower_flagged && input.findings.debt_evasion_clean {
            // R-DEFAULT-1: a flagged borrower's record is not clean of debt evasion.
            let flag = sections::default_flag(self.store.connection(), &case.borrower_id_number)?;
            if let Some(flag) = flag {
                return Err(crate::origination::defaults::flagged_error(
                    &flag,
                    "findings.debt_evasion_clean",
                ));
            }
        }
        let problems = check_findings(side, &findings);
        let inv = Investigation {
            side,
            findings_json: serde_json::to_string(&findings).expect("findings serialize"),
            note: crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?,
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
        let summary = investigation_note(side, &problems, case.status, to);
        self.store.write(&actor, "case.investigate", |tx| {
            sections::save_investigation(tx, case.id, uid, &inv)?;
            if case.status != to {
                sections::set_status(tx, &case, to)?;
            }
            Ok(case_note(&case.case_no, summary))
        })?;
        self.case_show(&case.case_no)
    }

    /// 会商: a note of the joint review, by either side.
    pub fn review_note(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Review)?;
        let note = &crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
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
            Ok(case_note(&case.case_no, format!("joint review: {note}")))
        })?;
        self.case_show(&case.case_no)
    }

    /// R-AMT-1: one side's approval of an amount above the cap in principle.
    pub fn approve_exception(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let side = self.check_side_step(&case, Step::Exception)?;
        let reason = &crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
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
            Ok(case_note(
                &case.case_no,
                format!(
                    "R-AMT-1 exception approved by the {}: {reason}",
                    side.name_en()
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
        let reason = &crate::desk::text::clean("reason", &input.reason, crate::desk::text::NOTE)?;
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
            Ok(case_note(&case.case_no, summary))
        })?;
        self.case_show(&case.case_no)
    }

    /// 签约: the loan contract (bank), the guarantee and accident policies (insurer), each
    /// numbered from its organisation's sequence. Signing the loan contract fixes the
    /// contract date: the rate cap is checked again and the schedule recomputed for it.
    pub fn sign(&mut self, input: &SignInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let document = parse_document(&input.document)?;
        let owner = self.check_side_step(&case, Step::Sign(document))?;
        if document == Document::GuaranteePolicy {
            // Issuing a new guarantee policy is new business: R-STOP-1 applies.
            self.check_suspension(
                case.insurer_id.expect("cases have an insurer"),
                case.city,
                self.today(),
            )?;
        }
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
            Ok(case_note(
                &case.case_no,
                format!(
                    "{doc} signed: {doc_no}{}",
                    if all_signed {
                        "; status approved -> signed"
                    } else {
                        ""
                    }
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
                soft_cap: self.agreement_of(case)?.borrower_soft_cap,
            },
            &self.settings,
        ))
    }

    /// 保费: a premium line received, exactly as quoted.
    pub fn record_premium(&mut self, input: &PremiumInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        let Some(line) = PremiumLine::parse(input.line.trim()) else {
            let other = crate::desk::text::shown(&input.line);
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
            Ok(case_note(
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
            Ok(case_note(
                &case.case_no,
                format!(
                    "disbursed {} on {today}; status premiums_received -> disbursed",
                    case.principal
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 撤回: the applicant withdraws before disbursement. After both sides approved it takes
    /// both of them (`process::joint_withdrawal`): see `withdraw_jointly`.
    pub fn withdraw(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        // A field agent withdraws only an application they took in (`party_on`), and only
        // before any decision (the process check).
        let party = self.check_step(&case, Step::Withdraw)?;
        let reason = &crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "撤回必须说明理由",
                "a withdrawal needs a reason",
            ));
        }
        if surety_domain::process::joint_withdrawal(case.status) {
            return self.withdraw_jointly(&case, party, reason);
        }
        let actor = self.actor();
        self.store.write(&actor, "case.withdraw", |tx| {
            sections::set_status(tx, &case, CaseStatus::Withdrawn)?;
            Ok(case_note(
                &case.case_no,
                format!(
                    "withdrawn: {reason}; status {} -> withdrawn",
                    case.status.code()
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}

/// The investigation's audit entry: which side, what it found, where the case went.
fn investigation_note(
    side: Side,
    problems: &[surety_domain::Violation],
    from: CaseStatus,
    to: CaseStatus,
) -> String {
    let found = if problems.is_empty() {
        "clean".to_string()
    } else {
        problems
            .iter()
            .map(|p| p.field.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{} investigation: {found}; status {} -> {}",
        side.name_en(),
        from.code(),
        to.code()
    )
}

/// One of the three documents a case is signed with.
fn parse_document(text: &str) -> DeskResult<Document> {
    Document::parse(text.trim()).ok_or_else(|| {
        let shown = crate::desk::text::shown(text);
        DeskError::invalid(
            "document",
            format!("未知文件“{shown}”，应为 loan_contract、guarantee_policy、accident_policy"),
            format!("unknown document `{shown}`; one of loan_contract, guarantee_policy, accident_policy"),
        )
    })
}
