//! Early repayment: the payoff figure for a day, repaying the whole loan before term, and
//! repaying part of the principal early (a new schedule version; the old one is kept).
//! Each write reads the schedule and what was paid inside its own transaction.

use crate::desk::Desk;
use crate::dto;
use crate::error::{DeskError, DeskResult};
use crate::loan_flow::AmountInput;
use crate::quote::{parse_date, parse_money, parse_positive_money};
use crate::views::CaseView;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use surety_domain::prepayment::{payoff, prepay_part, settle_in_full, Payoff, Reschedule};
use surety_domain::process::Step;
use surety_domain::CaseStatus;
use surety_store::schedules::{self, VersionKind};
use surety_store::sections::{self, CaseRecord, Repayment, RepaymentKind};
use surety_store::{AuditNote, StoreError, StoreResult};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PayoffInput {
    pub case_no: String,
    /// YYYY-MM-DD, today or later; today when absent.
    #[serde(default)]
    pub as_of: Option<String>,
}

/// What repaying the whole loan on a day takes (DOMAIN.md "Early repayment").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PayoffView {
    pub case_no: String,
    pub as_of: String,
    /// Overdue or due that day, unpaid.
    pub due_unpaid: dto::Money,
    pub principal_outstanding: dto::Money,
    /// Interest of the running period to the day: principal × annual rate / 360 × days.
    pub interest_accrued: dto::Money,
    pub accrual_from: Option<String>,
    pub accrual_days: u32,
    /// Interest already paid ahead on later periods, credited.
    pub interest_paid_ahead: dto::Money,
    pub total: dto::Money,
    /// 人民币大写 of the total.
    pub total_capital: String,
}

impl From<(&str, Payoff)> for PayoffView {
    fn from((case_no, p): (&str, Payoff)) -> Self {
        PayoffView {
            case_no: case_no.to_string(),
            as_of: p.as_of.to_string(),
            due_unpaid: p.due_unpaid.into(),
            principal_outstanding: p.principal_outstanding.into(),
            interest_accrued: p.interest_accrued.into(),
            accrual_from: p.accrual_from.map(|d| d.to_string()),
            accrual_days: p
                .accrual_from
                .map(|f| (p.as_of - f).num_days().max(0) as u32)
                .unwrap_or(0),
            interest_paid_ahead: p.interest_paid_ahead.into(),
            total: p.total.into(),
            total_capital: surety_domain::capital_amount(p.total).unwrap_or_default(),
        }
    }
}

/// The payoff figure on `as_of`, read on any connection (inside a write, its transaction).
pub(crate) fn figure(
    conn: &surety_store::Connection,
    case: &CaseRecord,
    as_of: NaiveDate,
) -> StoreResult<Payoff> {
    let (schedule, paid) = sections::position(conn, case.id)?;
    let contract_date = case.contract_date.unwrap_or(case.application_date);
    Ok(payoff(
        &schedule,
        &paid,
        case.annual_rate,
        contract_date,
        as_of,
    ))
}

impl Desk {
    /// 提前结清试算: the payoff figure for a day (today or later), before anything is
    /// recorded.
    pub fn payoff_quote(&self, input: &PayoffInput) -> DeskResult<PayoffView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Repay)?;
        let today = self.today();
        let as_of = match input.as_of.as_deref() {
            None => today,
            Some(text) => parse_date("as_of", text)?,
        };
        if as_of < today {
            return Err(DeskError::invalid(
                "as_of",
                format!("试算日期 {as_of} 早于今天（{today}）：只能试算今天或以后的结清金额"),
                format!("{as_of} is before today ({today}): a payoff can be worked out for today or later only"),
            ));
        }
        self.payoff_figure(&case, as_of)
    }

    pub(crate) fn payoff_figure(
        &self,
        case: &CaseRecord,
        as_of: NaiveDate,
    ) -> DeskResult<PayoffView> {
        let p = figure(self.store.connection(), case, as_of)?;
        Ok((case.case_no.as_str(), p).into())
    }

    /// 提前结清: the whole loan repaid today for exactly the payoff figure; the case is repaid.
    pub fn pay_off(&mut self, input: &AmountInput) -> DeskResult<CaseView> {
        let amount = parse_money("amount", &input.amount)?;
        self.early(input, RepaymentKind::Payoff, move |schedule, paid, p, _| {
            if amount != p.total {
                return Err(StoreError::Rule(
                    surety_domain::Violation::new(
                        "R-PREPAY-1",
                        "amount",
                        format!(
                            "提前结清应还 {} 元（{}），录入的是 {amount} 元",
                            p.total,
                            surety_domain::capital_amount(p.total).unwrap_or_default()
                        ),
                        format!(
                            "settling in full today takes {} CNY, not {amount} CNY",
                            p.total
                        ),
                    )
                    .with_limit(p.total),
                ));
            }
            settle_in_full(schedule, paid, p).map_err(StoreError::Rule)
        })
    }

    /// 部分提前还款: the interest accrued to today, then the rest off the principal; the
    /// remaining periods are recomputed on the lower balance by the loan's method.
    pub fn prepay(&mut self, input: &AmountInput) -> DeskResult<CaseView> {
        let amount = parse_positive_money(
            "amount",
            &input.amount,
            "提前还款金额",
            "the early repayment",
        )?;
        self.early(
            input,
            RepaymentKind::Prepayment,
            move |schedule, paid, p, case| {
                prepay_part(schedule, paid, p, case.repayment, case.annual_rate, amount)
                    .map_err(StoreError::Rule)
            },
        )
    }

    fn early(
        &mut self,
        input: &AmountInput,
        kind: RepaymentKind,
        plan: impl FnOnce(
            &[surety_domain::Installment],
            &[surety_domain::claim::PeriodPaid],
            &Payoff,
            &CaseRecord,
        ) -> StoreResult<Reschedule>,
    ) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Repay)?;
        let today = self.today();
        let (actor, uid) = (self.actor(), self.user.id);
        let action = match kind {
            RepaymentKind::Payoff => "case.pay_off",
            _ => "case.prepay",
        };
        self.store.write(&actor, action, |tx| {
            // Everything the plan depends on is read here, inside the write.
            let (schedule, paid) = sections::position(tx, case.id)?;
            let contract_date = case.contract_date.unwrap_or(case.application_date);
            let p = payoff(&schedule, &paid, case.annual_rate, contract_date, today);
            let r = plan(&schedule, &paid, &p, &case)?;
            let version_kind = match kind {
                RepaymentKind::Payoff => VersionKind::Payoff,
                _ => VersionKind::Prepayment,
            };
            let version = schedules::replace(
                tx,
                case.id,
                uid,
                &today.to_string(),
                version_kind,
                &r.schedule,
                &r.opening_paid,
            )?;
            let amount = r
                .allocations
                .iter()
                .map(|a| a.interest + a.principal)
                .sum();
            sections::save_repayment(
                tx,
                case.id,
                uid,
                &Repayment {
                    paid_on: today.to_string(),
                    amount,
                    kind,
                    schedule_version: version,
                    allocations: r.allocations.clone(),
                },
            )?;
            let to = match kind {
                RepaymentKind::Payoff => CaseStatus::Repaid,
                _ => case.status,
            };
            // Bumps the case's version even when the status stays: a concurrent write
            // that read the old schedule fails instead of allocating against it.
            sections::set_status(tx, &case, to)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "{} {amount} on {today}: accrued interest {} (from {}), principal balance now {}; schedule version {version}; status {} -> {}",
                        kind.code(),
                        p.interest_accrued,
                        p.accrual_from.map(|d| d.to_string()).unwrap_or_default(),
                        r.balance,
                        case.status.code(),
                        to.code()
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}
