//! R-STOP-2: the compensation a city government owes an insurer for a pilot year — claims
//! paid above the stop line (max(0, claims − 1.5 × guarantee premiums), as of the business
//! date) — and its payments as they come, so each loss-ratio line shows it paid and
//! outstanding.

use crate::desk::access::year_loss_ratio;
use crate::desk::dto;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::{parse_business_date, parse_city, parse_positive_money};
use crate::desk::Desk;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::Rule;
use surety_domain::{City, Money, PilotYear, Violation};
use surety_store::compensations::{self, CompensationPayment};
use surety_store::{AuditNote, Role, StoreError};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CompensationInput {
    /// The insurer or pool owed, by code.
    pub insurer: String,
    pub city: String,
    /// Any day of the pilot year the payment is for; by default the year of `paid_on`.
    #[serde(default)]
    pub year_of: Option<String>,
    pub amount: String,
    pub paid_on: String,
    #[serde(default)]
    pub note: String,
}

/// One year's compensation for one insurer in one city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompensationView {
    pub insurer: String,
    pub city: String,
    pub year_start: String,
    pub year_end: String,
    pub due: dto::Money,
    pub paid: dto::Money,
    pub outstanding: dto::Money,
    pub payments: Vec<dto::CompensationPayment>,
}

/// Due, paid and outstanding, read on any connection (inside a write, its transaction).
pub(crate) fn year_compensation(
    conn: &surety_store::Connection,
    insurer_id: i64,
    city: City,
    year: &PilotYear,
    threshold: rust_decimal::Decimal,
    date: chrono::NaiveDate,
) -> surety_store::StoreResult<(Money, Vec<CompensationPayment>)> {
    let due = year_loss_ratio(conn, insurer_id, city, year, date)?.compensation_due(threshold);
    Ok((due, year_payments(conn, insurer_id, city, year, date)?))
}

fn year_payments(
    conn: &surety_store::Connection,
    insurer_id: i64,
    city: City,
    year: &PilotYear,
    date: chrono::NaiveDate,
) -> surety_store::StoreResult<Vec<CompensationPayment>> {
    compensations::payments(
        conn,
        insurer_id,
        city.code(),
        &year.start.to_string(),
        &date.to_string(),
    )
}

/// What the city has paid for `year` up to `date`.
pub(crate) fn paid_so_far(
    conn: &surety_store::Connection,
    insurer_id: i64,
    city: City,
    year: &PilotYear,
    date: chrono::NaiveDate,
) -> surety_store::StoreResult<Money> {
    Ok(year_payments(conn, insurer_id, city, year, date)?
        .iter()
        .map(|p| p.amount)
        .sum())
}

impl Desk {
    /// The city's payment of R-STOP-2 compensation, recorded by the insurer owed (or an
    /// admin). More than is outstanding is refused.
    pub fn record_compensation(
        &mut self,
        input: &CompensationInput,
    ) -> DeskResult<CompensationView> {
        self.require_role(
            &[Role::Admin, Role::Underwriter],
            "登记赔付超额补偿款",
            "record compensation payments",
        )?;
        let insurer = self.compensated_insurer(&input.insurer)?;
        let city = parse_city(&input.city)?;
        let amount = parse_positive_money("amount", &input.amount, "补偿款金额", "the amount")?;
        let today = self.today();
        let (paid_on, year) = self.compensation_days(input, city, today)?;
        let note = crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
        let threshold = self.settings.limits_for(city).stop_loss_ratio;
        let payment = CompensationPayment {
            amount,
            paid_on: paid_on.to_string(),
            note,
        };
        let (actor, uid) = (self.actor(), self.user.id);
        self.store.write(&actor, "compensation.paid", |tx| {
            // What is outstanding is read in this transaction, so two entries of the same
            // payment cannot both pass.
            let (due, paid) = year_compensation(tx, insurer.id, city, &year, threshold, today)?;
            let paid: Money = paid.iter().map(|p| p.amount).sum();
            let outstanding = (due - paid).max(Money::ZERO);
            if amount > outstanding {
                return Err(StoreError::Rule(
                    Violation::new(
                        Rule::RStop2,
                        "amount",
                        format!(
                            "补偿款 {amount} 元超过尚未补偿的 {outstanding} 元（应补偿 {due} 元，已补偿 {paid} 元）"
                        ),
                        format!(
                            "{amount} CNY is more than the {outstanding} CNY outstanding ({due} due, {paid} paid)"
                        ),
                    ),
                ));
            }
            let id = compensations::insert_payment(
                tx,
                insurer.id,
                city.code(),
                &year.start.to_string(),
                &payment,
                uid,
            )?;
            Ok((
                (),
                AuditNote::new(
                    "compensation",
                    id,
                    format!(
                        "R-STOP-2 {} in {} for {}–{}: {amount} paid on {paid_on}; outstanding {}",
                        insurer.code,
                        city.code(),
                        year.start,
                        year.end,
                        outstanding - amount
                    ),
                ),
            ))
        })?;
        self.compensation(insurer.id, &insurer.code, city, &year)
    }

    /// The insurer (or pool) compensated: an underwriter records only their own company's.
    fn compensated_insurer(&self, code: &str) -> DeskResult<surety_store::orgs::Org> {
        let insurer = self.org(code, "insurer")?;
        if !insurer.kind.underwrites() {
            return Err(DeskError::invalid(
                "insurer",
                format!("“{code}”不是保险公司或共保体"),
                format!("`{code}` is not an insurer or pool"),
            ));
        }
        if self.user.role == Role::Underwriter && self.user.organisation_id != Some(insurer.id) {
            return Err(DeskError::not_permitted(
                "只能登记本公司收到的补偿款",
                "you record only what your own company received",
            ));
        }
        Ok(insurer)
    }

    /// The day the money arrived (not after today) and the pilot year it compensates (the
    /// year of `year_of`, else of the payment), which it cannot precede.
    fn compensation_days(
        &self,
        input: &CompensationInput,
        city: City,
        today: NaiveDate,
    ) -> DeskResult<(NaiveDate, PilotYear)> {
        let paid_on = parse_business_date("paid_on", &input.paid_on)?;
        if paid_on > today {
            return Err(DeskError::invalid(
                "paid_on",
                format!("到账日期 {paid_on} 晚于今天（{today}）"),
                format!("the payment date {paid_on} is after today ({today})"),
            ));
        }
        let year_of = match &input.year_of {
            Some(d) if !d.trim().is_empty() => parse_business_date("year_of", d)?,
            _ => paid_on,
        };
        let year = pilot_year_of(year_of, self.settings.pilot_year_start_for(city));
        if paid_on < year.start {
            return Err(DeskError::invalid(
                "paid_on",
                format!("到账日期 {paid_on} 早于该试点年度开始（{}）", year.start),
                format!(
                    "the payment date {paid_on} is before that pilot year began ({})",
                    year.start
                ),
            ));
        }
        Ok((paid_on, year))
    }

    /// One year's R-STOP-2 figures as of the business date.
    pub(crate) fn compensation(
        &self,
        insurer_id: i64,
        insurer_code: &str,
        city: City,
        year: &PilotYear,
    ) -> DeskResult<CompensationView> {
        let threshold = self.settings.limits_for(city).stop_loss_ratio;
        let (due, payments) = year_compensation(
            self.store.connection(),
            insurer_id,
            city,
            year,
            threshold,
            self.today(),
        )?;
        let paid: Money = payments.iter().map(|p| p.amount).sum();
        Ok(CompensationView {
            insurer: insurer_code.to_string(),
            city: city.code().into(),
            year_start: year.start.to_string(),
            year_end: year.end.to_string(),
            due: due.into(),
            paid: paid.into(),
            outstanding: (due - paid).max(Money::ZERO).into(),
            payments: dto::list(payments),
        })
    }
}
