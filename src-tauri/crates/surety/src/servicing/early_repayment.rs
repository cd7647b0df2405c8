//! Early repayment: the payoff figure for a day, repaying the whole loan before term, and
//! repaying part of the principal early (a new schedule version; the old one is kept).
//! Each write reads the schedule and what was paid inside its own transaction.

use crate::case_file::payoff::PayoffView;
use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::{parse_date, parse_money, parse_positive_money};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::origination::inputs::AmountInput;
use serde::Deserialize;
use surety_domain::prepayment::{payoff, prepay_part, settle_in_full, Payoff, Reschedule};
use surety_domain::process::Step;
use surety_domain::CaseStatus;
use surety_domain::Rule;
use surety_store::schedules::{self, VersionKind};
use surety_store::sections::{self, CaseRecord, Repayment, RepaymentKind};
use surety_store::{StoreError, StoreResult};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PayoffInput {
    pub case_no: String,
    /// YYYY-MM-DD, today or later; today when absent.
    #[serde(default)]
    pub as_of: Option<String>,
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

    /// 提前结清: the whole loan repaid today for exactly the payoff figure; the case is repaid.
    pub fn pay_off(&mut self, input: &AmountInput) -> DeskResult<CaseView> {
        let amount = parse_money("amount", &input.amount)?;
        self.early(input, RepaymentKind::Payoff, move |schedule, paid, p, _| {
            if amount != p.total {
                return Err(StoreError::Rule(
                    surety_domain::Violation::new(
                        Rule::RPrepay1,
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
            let (version, amount) = record_reschedule(tx, case.id, uid, today, kind, &r)?;
            let to = match kind {
                RepaymentKind::Payoff => CaseStatus::Repaid,
                _ => case.status,
            };
            // Bumps the case's version even when the status stays: a concurrent write
            // that read the old schedule fails instead of allocating against it.
            sections::set_status(tx, &case, to)?;
            Ok(case_note(
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
            ))
        })?;
        self.case_show(&case.case_no)
    }
}

/// The new schedule version an early repayment leaves, and the repayment itself against
/// it: answers the version and the amount repaid.
fn record_reschedule(
    tx: &surety_store::Transaction,
    case_id: i64,
    uid: i64,
    today: chrono::NaiveDate,
    kind: RepaymentKind,
    r: &Reschedule,
) -> StoreResult<(i64, surety_domain::Money)> {
    let version_kind = match kind {
        RepaymentKind::Payoff => VersionKind::Payoff,
        _ => VersionKind::Prepayment,
    };
    let version = schedules::replace(
        tx,
        case_id,
        uid,
        &today.to_string(),
        version_kind,
        &r.schedule,
        &r.opening_paid,
    )?;
    let amount = r.allocations.iter().map(|a| a.interest + a.principal).sum();
    sections::save_repayment(
        tx,
        case_id,
        uid,
        &Repayment {
            paid_on: today.to_string(),
            amount,
            kind,
            schedule_version: version,
            allocations: r.allocations.clone(),
        },
    )?;
    Ok((version, amount))
}
