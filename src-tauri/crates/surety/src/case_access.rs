//! Reaching a case and what it depends on: the case itself (only if the user may read it),
//! its agreement, its stored quote, and the loss ratio that can stop new business.

use crate::desk::Desk;
use crate::error::{DeskError, DeskResult};
use surety_domain::eligibility::check_not_suspended;
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::{City, LossRatio};
use surety_store::orgs::{self, Agreement};
use surety_store::sections::{self, CaseRecord};

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

    /// Whether the amount needs the two-sided R-AMT-1 exception.
    pub(crate) fn needs_exception(&self, case: &CaseRecord) -> bool {
        case.quote.warnings.iter().any(|w| w.rule == "R-AMT-1")
    }
}
