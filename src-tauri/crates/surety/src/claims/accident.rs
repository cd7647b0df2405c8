//! R-CLAIM-3 (§3.1): the insurer pays a borrower accident claim to the bank, up to the sum
//! insured (the loan's principal and interest), and it is applied to the loan at once —
//! amounts due first, the rest as an early repayment — so a later guarantee claim covers
//! only what remains. Accident claims stay out of the guarantee loss ratio.

use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::{parse_date, parse_positive_money};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use chrono::NaiveDate;
use serde::Deserialize;
use surety_domain::accident::{apply_accident_claim, sum_insured, AccidentApplication};
use surety_domain::claim::loan_status;
use surety_domain::process::Step;
use surety_domain::{CaseStatus, Money};
use surety_store::accident_claims::{self, AccidentClaim};
use surety_store::schedules::{self, VersionKind};
use surety_store::sections::{self, Repayment, RepaymentKind};
use surety_store::StoreError;

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AccidentClaimInput {
    pub case_no: String,
    /// The day of the accident (YYYY-MM-DD), within the loan's term and not after today.
    pub occurred_on: String,
    /// What happened: death, disability… (shown on the case and the claim notice).
    pub cause: String,
    pub amount: String,
}

impl Desk {
    pub fn pay_accident_claim(&mut self, input: &AccidentClaimInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::AccidentClaim)?;
        let today = self.today();
        let contract_date = case.contract_date.unwrap_or(case.application_date);
        let (cause, amount, occurred_on) = accident_facts(input, contract_date, today)?;
        let insured = sum_insured(case.quote.premium_base);
        let (actor, uid) = (self.actor(), self.user.id);
        self.store.write(&actor, "case.accident_claim", |tx| {
            // The cover used so far and the loan's position are read inside this write.
            let used: Money = accident_claims::for_case(tx, case.id)?
                .iter()
                .map(|c| c.amount)
                .sum();
            let (schedule, paid) = sections::position(tx, case.id)?;
            let applied = apply_accident_claim(
                &schedule,
                &paid,
                case.repayment,
                case.annual_rate,
                contract_date,
                today,
                amount,
                (insured - used).max(Money::ZERO),
            )
            .map_err(StoreError::Rule)?;
            let to_due = apply_to_loan(tx, case.id, uid, today, amount, &applied)?;
            accident_claims::save(
                tx,
                case.id,
                uid,
                &AccidentClaim {
                    occurred_on: occurred_on.to_string(),
                    cause: cause.clone(),
                    amount,
                    paid_on: today.to_string(),
                },
            )?;
            let (schedule, paid) = sections::position(tx, case.id)?;
            let to = if applied.settles {
                CaseStatus::Repaid
            } else {
                loan_status(&schedule, &paid, today)
            };
            sections::set_status(tx, &case, to)?;
            Ok(case_note(
                    &case.case_no,
                    format!(
                        "R-CLAIM-3 accident claim {amount} paid to the bank on {today} (accident {occurred_on}: {cause}): {to_due} to amounts due, {} early; cover left {}; status {} -> {}",
                        amount - to_due,
                        insured - used - amount,
                        case.status.code(),
                        to.code()
                    ),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}

/// What happened, when, and what the insurer pays: the accident on a day from the contract
/// to today, its cause said, the amount above zero.
fn accident_facts(
    input: &AccidentClaimInput,
    contract_date: NaiveDate,
    today: NaiveDate,
) -> DeskResult<(String, Money, NaiveDate)> {
    let cause = crate::desk::text::clean("cause", &input.cause, crate::desk::text::NOTE)?;
    if cause.is_empty() {
        return Err(DeskError::invalid(
            "cause",
            "请写明意外事故的经过（如身故、伤残）",
            "say what the accident was (death, disability…)",
        ));
    }
    let amount = parse_positive_money("amount", &input.amount, "赔款金额", "the amount")?;
    let occurred_on = parse_date("occurred_on", &input.occurred_on)?;
    if occurred_on > today || occurred_on < contract_date {
        return Err(DeskError::invalid(
            "occurred_on",
            format!("事故日期应在合同日 {contract_date} 至今天 {today} 之间"),
            format!("the accident must fall between the contract date {contract_date} and today {today}"),
        ));
    }
    Ok((cause, amount, occurred_on))
}

/// The claim paid to the bank as repayments: first what is due (on the schedule in force),
/// then the rest early, on a new schedule version (a pay-off when it settles the loan).
/// Answers what went to amounts due.
fn apply_to_loan(
    tx: &surety_store::Transaction,
    case_id: i64,
    uid: i64,
    today: NaiveDate,
    amount: Money,
    applied: &AccidentApplication,
) -> surety_store::StoreResult<Money> {
    let version = schedules::current_version(tx, case_id)?;
    let to_due: Money = applied.due.iter().map(|a| a.interest + a.principal).sum();
    if !applied.due.is_empty() {
        sections::save_repayment(
            tx,
            case_id,
            uid,
            &Repayment {
                paid_on: today.to_string(),
                amount: to_due,
                kind: RepaymentKind::AccidentClaim,
                schedule_version: version,
                allocations: applied.due.clone(),
            },
        )?;
    }
    if let Some(early) = &applied.early {
        let kind = if applied.settles {
            VersionKind::Payoff
        } else {
            VersionKind::Prepayment
        };
        let version = schedules::replace(
            tx,
            case_id,
            uid,
            &today.to_string(),
            kind,
            &early.schedule,
            &early.opening_paid,
        )?;
        sections::save_repayment(
            tx,
            case_id,
            uid,
            &Repayment {
                paid_on: today.to_string(),
                amount: amount - to_due,
                kind: RepaymentKind::AccidentClaim,
                schedule_version: version,
                allocations: early.allocations.clone(),
            },
        )?;
    }
    Ok(to_due)
}
