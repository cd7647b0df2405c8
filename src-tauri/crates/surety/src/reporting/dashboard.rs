//! 工作台: what needs the signed-in user's side now, the pipeline, and the three watch
//! figures — loss ratio per city (R-STOP-1), NPL ratio per bank (R-NPL-1), disbursements.

use crate::desk::dto;
use crate::desk::error::DeskResult;
use crate::desk::Desk;
use crate::reporting::loss_ratios::LossRatioLine;
use crate::servicing::bank_book::BookEntry;
use serde::Serialize;
use std::collections::BTreeMap;
use surety_domain::claim::days_overdue;
use surety_domain::npl::{npl_summary, LoanClass};
use surety_domain::process::{self, Step};
use surety_domain::{CaseStatus, Money, Side};
use surety_store::orgs;
use surety_store::sections::{self, CaseRecord};
use surety_store::Role;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TodoItem {
    pub case_no: String,
    pub borrower_name: String,
    pub status: dto::CaseStatus,
    /// What the user's side has to do: investigate, review, decide, exception, sign, premium,
    /// disburse, confirm_withdrawal (the other side agreed to withdraw an approved case),
    /// claim_soon, claim_due, pay_claim, claim_delayed (R-CLAIM-4: a claim past the
    /// agreement's payment period, on both sides' lists), claim_refused (the bank's: recover
    /// or close).
    pub task: String,
    /// For overdue loans: days overdue.
    pub days_overdue: Option<u32>,
    /// For a delayed claim: days past the payment period.
    pub days_late: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NplLine {
    pub bank: String,
    pub bank_name: String,
    pub balance: dto::Money,
    pub npl_balance: dto::Money,
    /// e.g. "1.25%"; null with no balance.
    pub npl_ratio: Option<String>,
    pub exempt: bool,
    /// The non-performing tiers: 次级, 可疑, 损失.
    pub substandard: dto::Money,
    pub doubtful: dto::Money,
    pub loss: dto::Money,
    /// Paid by the insurers on these loans' claims: not the bank's, shown beside it.
    pub insurer_paid: dto::Money,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthLine {
    pub month: String,
    pub count: u32,
    pub amount: dto::Money,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub as_of: String,
    pub pipeline: Vec<(dto::CaseStatus, u32)>,
    pub todo: Vec<TodoItem>,
    pub loss_ratios: Vec<LossRatioLine>,
    pub npl: Vec<NplLine>,
    pub disbursements: Vec<MonthLine>,
    /// The province's R-STOP-1 line in percent ("150"), from the settings in force (a city
    /// running its own pilot may have its own; its line's `suspended` says so).
    pub stop_line_percent: String,
    /// The R-NPL-1 exemption ratio in percent ("2"), from the settings in force.
    pub npl_exemption_percent: String,
}

/// A fraction as a plain percent number: 1.5 → "150", 0.02 → "2".
fn percent_of(fraction: rust_decimal::Decimal) -> String {
    (fraction * rust_decimal::Decimal::ONE_HUNDRED)
        .normalize()
        .to_string()
}

/// The line that stands for every bank outside the reader's work.
pub const OTHER_BANKS: &str = "其他银行合计 / other banks (total)";

impl Desk {
    pub fn dashboard(&self) -> DeskResult<Dashboard> {
        let conn = self.store.connection();
        let today = self.today();
        let reach = self.reach();
        let partners = self.partners()?;
        let pipeline = sections::pipeline(conn, reach)?
            .into_iter()
            .map(|(s, n)| {
                s.parse::<CaseStatus>().map(|s| (s.into(), n)).map_err(|_| {
                    surety_store::StoreError::Corrupt(format!("cases: column status holds `{s}`"))
                        .into()
                })
            })
            .collect::<DeskResult<_>>()?;

        // R-NPL-1: every loan on a bank's book, claimed ones included (`bank_book`).
        let mut by_bank: BTreeMap<i64, Vec<BookEntry>> = BTreeMap::new();
        let loans = sections::book_loans(conn)?;
        for ((loan, _), entry) in loans.iter().zip(self.book_entries(&loans)?) {
            by_bank.entry(loan.bank_id).or_default().push(entry);
        }
        let mut npl = Vec::new();
        // Banks outside the user's work show only as one total.
        let mut others = Vec::new();
        for (bank_id, loans) in by_bank {
            if partners.as_ref().is_some_and(|p| !p.contains(&bank_id)) {
                others.extend(loans);
                continue;
            }
            let bank = orgs::org_by_id(conn, bank_id)?;
            npl.push(self.npl_line(
                bank.as_ref().map(|b| b.code.clone()).unwrap_or_default(),
                bank.map(|b| b.name).unwrap_or_default(),
                loans,
            ));
        }
        if !others.is_empty() {
            npl.push(self.npl_line(String::new(), OTHER_BANKS.into(), others));
        }

        Ok(Dashboard {
            as_of: today.to_string(),
            pipeline,
            todo: self.todo()?,
            loss_ratios: self.loss_ratios(today)?,
            npl,
            stop_line_percent: percent_of(self.settings.limits.stop_loss_ratio),
            npl_exemption_percent: percent_of(self.settings.npl.exemption_ratio),
            disbursements: sections::monthly_disbursements(conn, reach)?
                .into_iter()
                .map(|(month, count, amount)| MonthLine {
                    month,
                    count,
                    amount: amount.into(),
                })
                .collect(),
        })
    }

    fn npl_line(&self, bank: String, bank_name: String, loans: Vec<BookEntry>) -> NplLine {
        let insurer_paid: Money = loans.iter().map(|l| l.insurer_paid).sum();
        let s = npl_summary(
            loans.iter().map(|l| (l.balance, l.days_overdue)),
            &self.settings.npl,
        );
        let tier = |class: LoanClass| -> dto::Money {
            s.by_class
                .iter()
                .find(|(c, _)| *c == class)
                .map(|(_, m)| *m)
                .unwrap_or(Money::ZERO)
                .into()
        };
        NplLine {
            bank,
            bank_name,
            balance: s.balance.into(),
            npl_balance: s.npl_balance.into(),
            npl_ratio: s.npl_ratio.map(surety_domain::money::percent_2dp),
            exempt: s.exempt,
            substandard: tier(LoanClass::Substandard),
            doubtful: tier(LoanClass::Doubtful),
            loss: tier(LoanClass::Loss),
            insurer_paid: insurer_paid.into(),
        }
    }

    /// The signed-in user's side's open work, oldest first (at most 50 of each kind).
    fn todo(&self) -> DeskResult<Vec<TodoItem>> {
        let Some(org) = self.user.organisation_id else {
            return Ok(Vec::new());
        };
        if !matches!(self.user.role, Role::Underwriter | Role::BankOfficer) {
            return Ok(Vec::new());
        }
        use CaseStatus::*;
        let conn = self.store.connection();
        let open = [
            Intake,
            Investigation,
            JointReview,
            Decision,
            Approved,
            Signed,
            PremiumsReceived,
            Disbursed,
            Overdue,
            Claimed,
            ClaimRefused,
        ];
        let mut items = Vec::new();
        for no in sections::org_cases(conn, org, &open, 500)? {
            let case = self.case(&no)?;
            let Ok(side) = self.side_on(&case, "", "") else {
                continue;
            };
            if let Some((task, days)) = self.task_for(&case, side)? {
                let late = task == "claim_delayed";
                items.push(TodoItem {
                    case_no: no,
                    borrower_name: case.borrower_name.clone(),
                    status: case.status.into(),
                    task: task.into(),
                    days_overdue: days.filter(|_| !late),
                    days_late: days.filter(|_| late),
                });
            }
        }
        Ok(items)
    }

    /// The first of the side's next steps that is work waiting for it (the process
    /// model's `next_steps`; re-investigating, reviewing and withdrawing are not to-dos).
    fn task_for(
        &self,
        case: &CaseRecord,
        side: Side,
    ) -> DeskResult<Option<(&'static str, Option<u32>)>> {
        let facts = self.facts(case)?;
        let steps = process::next_steps(&facts, side.into());
        let has = |want: fn(&Step) -> bool| steps.iter().any(want);
        // The other side agreed to withdraw: this side confirms (or not) before anything else.
        if !facts.withdrawal_consents.is_empty()
            && !facts.withdrawal_consents.contains(&side)
            && has(|s| *s == Step::Withdraw)
        {
            return Ok(Some(("confirm_withdrawal", None)));
        }
        if has(|s| *s == Step::Investigate) && !facts.investigated.contains(&side) {
            return Ok(Some(("investigate", None)));
        }
        if !facts.reviewed && has(|s| *s == Step::Review) && case.status == CaseStatus::JointReview
        {
            return Ok(Some(("review", None)));
        }
        if has(|s| *s == Step::Exception) {
            return Ok(Some(("exception", None)));
        }
        if has(|s| *s == Step::Approve) {
            return Ok(Some(("decide", None)));
        }
        if has(|s| matches!(s, Step::Sign(_))) {
            return Ok(Some(("sign", None)));
        }
        if has(|s| matches!(s, Step::Premium(_))) {
            return Ok(Some(("premium", None)));
        }
        if has(|s| *s == Step::Disburse) {
            return Ok(Some(("disburse", None)));
        }
        if case.status == CaseStatus::Claimed {
            // R-CLAIM-4: past the payment period the claim is late for both sides.
            let claim = sections::claim(self.store.connection(), case.id)?;
            if let Some(claim) = claim {
                let deadline = self.claim_deadline_of(case, &claim)?;
                if deadline.delayed {
                    return Ok(Some(("claim_delayed", Some(deadline.days_late))));
                }
            }
            if has(|s| *s == Step::PayClaim) {
                return Ok(Some(("pay_claim", None)));
            }
            return Ok(None);
        }
        if case.status == CaseStatus::ClaimRefused && side == Side::Bank {
            return Ok(Some(("claim_refused", None)));
        }
        if case.status == CaseStatus::Overdue && has(|s| *s == Step::Claim) {
            let (schedule, paid) = sections::position(self.store.connection(), case.id)?;
            let days = days_overdue(&schedule, &paid, self.today());
            let waiting = self.agreement_of(case)?.waiting_period_days;
            // Within 30 days of the waiting period's end, or past it: claim now.
            return Ok(if days >= waiting {
                Some(("claim_due", Some(days)))
            } else {
                (days + 30 >= waiting).then_some(("claim_soon", Some(days)))
            });
        }
        Ok(None)
    }
}
