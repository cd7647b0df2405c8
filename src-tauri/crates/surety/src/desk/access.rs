//! Reaching a case and what it depends on: the case itself (only if the user may read it),
//! its agreement, its stored quote, and the loss ratio that can stop new business.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use crate::desk::Desk;
use surety_domain::eligibility::check_not_suspended;
use surety_domain::loss_ratio::{pilot_year_of, PilotYear};
use surety_domain::Pool;
use surety_domain::{City, LossRatio};
use surety_store::orgs::{self, Agreement};
use surety_store::sections::{self, CaseRecord};

/// R-STOP-1 for an insurer in a city over `year` so far: up to `date`, so a replayed year
/// sees only its past. Takes any connection, so a write reads it inside its transaction.
pub(crate) fn year_loss_ratio(
    conn: &surety_store::Connection,
    insurer_id: i64,
    city: City,
    year: &PilotYear,
    date: chrono::NaiveDate,
) -> surety_store::StoreResult<LossRatio> {
    let (premiums, claims) = sections::loss_ratio_inputs(
        conn,
        insurer_id,
        city.code(),
        &year.start.to_string(),
        &year.end.min(date).to_string(),
    )?;
    Ok(LossRatio::new(claims, premiums))
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
                    ErrorCode::NoAgreement,
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

    /// R-STOP-1 / R-ELIG-4 for the case's underwriter in its city on `date`: a stop
    /// recorded this pilot year holds for the rest of it, whatever the running ratio.
    pub(crate) fn check_suspension(
        &self,
        insurer_id: i64,
        city: City,
        date: chrono::NaiveDate,
    ) -> DeskResult<()> {
        let insurer = orgs::org_by_id(self.store.connection(), insurer_id)?
            .map(|o| o.name)
            .unwrap_or_default();
        if let Some(stop) = self.stop_in_force(insurer_id, city, date)? {
            let line = (self.settings.limits_for(city).stop_loss_ratio
                * rust_decimal::Decimal::ONE_HUNDRED)
                .normalize();
            return Err(DeskError::new(
                ErrorCode::RStop1,
                Some("city"),
                format!(
                    "{insurer}在{}的赔付率于 {} 达到 {}（停办线 {line}%，案件 {}），本试点年度（至 {}）暂停承保新业务",
                    city.name_zh(),
                    stop.stopped_on,
                    stop.ratio,
                    stop.case_no,
                    stop.year_end
                ),
                format!(
                    "{insurer}'s loss ratio in {} reached {} on {} (stop line {line}%, case {}): new business is stopped for the rest of the pilot year (to {})",
                    city.name_en(),
                    stop.ratio,
                    stop.stopped_on,
                    stop.case_no,
                    stop.year_end
                ),
            ));
        }
        let ratio = self.loss_ratio(insurer_id, city, date)?;
        match check_not_suspended(city, &insurer, &ratio, &self.settings) {
            Some(v) => Err(v.into()),
            None => Ok(()),
        }
    }

    /// The stop recorded for the insurer in the city in the pilot year containing `date`.
    pub(crate) fn stop_in_force(
        &self,
        insurer_id: i64,
        city: City,
        date: chrono::NaiveDate,
    ) -> DeskResult<Option<sections::BusinessStop>> {
        let year = pilot_year_of(date, self.settings.pilot_year_start_for(city));
        Ok(sections::stop_for(
            self.store.connection(),
            insurer_id,
            city.code(),
            &year.start.to_string(),
            &date.to_string(),
        )?)
    }

    pub(crate) fn loss_ratio(
        &self,
        insurer_id: i64,
        city: City,
        date: chrono::NaiveDate,
    ) -> DeskResult<LossRatio> {
        let year = pilot_year_of(date, self.settings.pilot_year_start_for(city));
        Ok(year_loss_ratio(
            self.store.connection(),
            insurer_id,
            city,
            &year,
            date,
        )?)
    }

    /// Whether the amount needs the two-sided R-AMT-1 exception.
    pub(crate) fn needs_exception(&self, case: &CaseRecord) -> bool {
        case.quote.warnings.iter().any(|w| w.rule == "R-AMT-1")
    }
}

impl Desk {
    pub(crate) fn pool_for(&self, case: &CaseRecord) -> DeskResult<Pool> {
        let conn = self.store.connection();
        let insurer = orgs::org_by_id(conn, case.insurer_id.expect("cases have an insurer"))?
            .ok_or_else(|| DeskError::not_found("保险公司", "insurer", "?"))?;
        Ok(Pool::new(orgs::pool_of(conn, &insurer)?)?)
    }
}
