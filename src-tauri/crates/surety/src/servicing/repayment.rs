//! After disbursement: repayments (oldest first, interest before principal), the overdue
//! state, the claim (R-CLAIM-1/2, R-SHARE-1), recoveries (R-RECOV-1), closing, and the
//! loss-ratio watch (R-STOP-1/2).

use crate::case_file::views::CaseView;
use crate::desk::error::DeskResult;
use crate::desk::parse::{parse_business_date, parse_positive_money};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::origination::case_flow::NoteInput;
use serde::{Deserialize, Serialize};
use surety_domain::claim::{allocate, days_overdue, loan_status, overdue_since};
use surety_domain::npl::classify;
use surety_domain::process::Step;
use surety_domain::Rule;
use surety_domain::{CaseStatus, Violation};
use surety_store::sections::{self, Repayment, RepaymentKind};
use surety_store::{Role, StoreError};

/// A repayment received: the amount and, when it came in before the day it is entered,
/// its value date (YYYY-MM-DD).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct RepaymentInput {
    pub case_no: String,
    pub amount: String,
    #[serde(default)]
    pub value_date: Option<String>,
}

/// One change made by `refresh_overdue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverdueChange {
    pub case_no: String,
    pub from: String,
    pub to: String,
    pub days_overdue: u32,
}

impl Desk {
    /// 还款: applied to the oldest unpaid amounts first, interest before principal, on its
    /// value date (the day the money came in; today unless the input says otherwise).
    pub fn repay(&mut self, input: &RepaymentInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Repay)?;
        let amount = parse_positive_money("amount", &input.amount, "还款金额", "the repayment")?;
        let today = self.today();
        let on = match input.value_date.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => parse_business_date("value_date", text)?,
            _ => today,
        };
        let (actor, uid) = (self.actor(), self.user.id);
        self.store.write(&actor, "case.repay", |tx| {
            crate::servicing::value_date::check(tx, case.id, on, today)?;
            // The allocation depends on what was paid: read inside this write.
            let (schedule, mut paid) = sections::position(tx, case.id)?;
            let (allocations, left) = allocate(&schedule, &paid, amount);
            if !left.is_zero() {
                let owed = amount - left;
                return Err(StoreError::Rule(Violation::new(
                    Rule::InvalidInput,
                    "amount",
                    format!("还款 {amount} 元超过尚欠的 {owed} 元"),
                    format!("the repayment {amount} CNY exceeds the {owed} CNY still owed"),
                )));
            }
            surety_domain::claim::apply(&mut paid, schedule.len(), &allocations);
            let to = loan_status(&schedule, &paid, today);
            let r = Repayment {
                paid_on: on.to_string(),
                amount,
                kind: RepaymentKind::Installment,
                schedule_version: surety_store::schedules::current_version(tx, case.id)?,
                allocations,
            };
            sections::save_repayment(tx, case.id, uid, &r)?;
            // Always through the case's version, so two repayments recorded at once
            // cannot both allocate against the same reading.
            sections::set_status(tx, &case, to)?;
            Ok(case_note(
                &case.case_no,
                format!(
                    "repayment {amount}, value date {on}, entered on business date {today}; status {} -> {}",
                    case.status.code(),
                    to.code()
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// Brings every disbursed loan's overdue state up to today (the bank's own, for a
    /// bank officer; all, for an admin). Each change is its own transaction and entry.
    pub fn refresh_overdue(&mut self) -> DeskResult<Vec<OverdueChange>> {
        self.require_role(
            &[Role::Admin, Role::BankOfficer],
            "更新逾期状态",
            "refresh overdue states",
        )?;
        let bank = (self.user.role == Role::BankOfficer)
            .then_some(self.user.organisation_id)
            .flatten();
        let case_nos: Vec<String> = sections::live_loans(self.store.connection(), bank)?
            .into_iter()
            .map(|l| l.case_no)
            .collect();
        let today = self.today();
        let mut changes = Vec::new();
        for case_no in case_nos {
            let case = self.case(&case_no)?;
            let conn = self.store.connection();
            let (schedule, paid) = sections::position(conn, case.id)?;
            let days = days_overdue(&schedule, &paid, today);
            let to = if days > 0 {
                CaseStatus::Overdue
            } else {
                CaseStatus::Disbursed
            };
            if to == case.status {
                continue;
            }
            let since = overdue_since(&schedule, &paid, today)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let class = classify(days, &self.settings.npl);
            let actor = self.actor();
            self.store.write(&actor, "case.overdue", |tx| {
                sections::save_overdue_event(
                    tx,
                    case.id,
                    &today.to_string(),
                    &since,
                    days,
                    class.name_zh(),
                )?;
                sections::set_status(tx, &case, to)?;
                Ok(case_note(
                    &case.case_no,
                    format!(
                        "as of {today}: {days} days overdue; status {} -> {}",
                        case.status.code(),
                        to.code()
                    ),
                ))
            })?;
            changes.push(OverdueChange {
                case_no,
                from: case.status.code().into(),
                to: to.code().into(),
                days_overdue: days,
            });
        }
        Ok(changes)
    }

    /// 结案: after the claim is paid (and any recovery made).
    pub fn close(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Close)?;
        let actor = self.actor();
        let note = crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
        let today = self.today().to_string();
        self.store.write(&actor, "case.close", |tx| {
            sections::set_status(tx, &case, CaseStatus::Closed)?;
            sections::set_closed_on(tx, case.id, &today)?;
            Ok(case_note(
                &case.case_no,
                format!("closed: {note}; status {} -> closed", case.status.code()),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}
