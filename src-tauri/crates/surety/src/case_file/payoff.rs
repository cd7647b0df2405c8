//! The payoff figure (DOMAIN.md "Early repayment"): what repaying the whole loan on a day
//! takes. The case page shows today's; a pay-off settles exactly it.

use crate::desk::dto;
use crate::desk::error::DeskResult;
use crate::desk::Desk;
use chrono::NaiveDate;
use serde::Serialize;
use surety_domain::prepayment::{payoff, Payoff};
use surety_store::sections::{self, CaseRecord};
use surety_store::StoreResult;

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
    pub(crate) fn payoff_figure(
        &self,
        case: &CaseRecord,
        as_of: NaiveDate,
    ) -> DeskResult<PayoffView> {
        let p = figure(self.store.connection(), case, as_of)?;
        Ok((case.case_no.as_str(), p).into())
    }
}
