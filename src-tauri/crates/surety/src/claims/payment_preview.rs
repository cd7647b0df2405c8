//! What paying a claim will do to the insurer's loss ratio in the case's city (R-STOP-1),
//! worked out before the payment so the person paying is told when it reaches the stop
//! line and stops new business there.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::Desk;
use crate::origination::inputs::CaseRef;
use serde::Serialize;
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::process::Step;
use surety_domain::LossRatio;
use surety_store::sections;

/// The insurer's loss ratio in the city this pilot year, now and after the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClaimPaymentPreview {
    pub case_no: String,
    pub city: String,
    pub city_zh: String,
    /// What the insurer (or pool) pays.
    pub amount: crate::desk::dto::Money,
    /// e.g. "120.00%"; null before any premium was received.
    pub ratio_now: Option<String>,
    pub ratio_after: Option<String>,
    /// The stop line, e.g. "150.00%".
    pub stop_line: String,
    /// This payment takes the ratio to the stop line: new business in the city stops.
    pub reaches_stop: bool,
}

impl Desk {
    /// The payment's effect, for the confirmation before `pay_claim`; nothing is written.
    pub fn claim_payment_preview(&self, input: &CaseRef) -> DeskResult<ClaimPaymentPreview> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::PayClaim)?;
        let conn = self.store.connection();
        let claim = sections::claim(conn, case.id)?.ok_or_else(|| {
            DeskError::invalid(
                "case_no",
                "没有待赔付的索赔",
                "there is no claim waiting to be paid",
            )
        })?;
        let insurer_id = case.insurer_id.expect("cases have an insurer");
        let day = self.today();
        let city = case.city;
        let threshold = self.settings.limits_for(city).stop_loss_ratio;
        let year = pilot_year_of(day, self.settings.pilot_year_start_for(city));
        let now = crate::desk::access::year_loss_ratio(conn, insurer_id, city, &year, day)?;
        let after = LossRatio::new(now.claims_paid + claim.insurer, now.premiums_received);
        Ok(ClaimPaymentPreview {
            case_no: case.case_no.clone(),
            city: city.code().to_string(),
            city_zh: city.name_zh().to_string(),
            amount: claim.insurer.into(),
            ratio_now: now.percent(),
            ratio_after: after.percent(),
            stop_line: surety_domain::money::percent_2dp(threshold),
            reaches_stop: !now.is_suspended(threshold) && after.is_suspended(threshold),
        })
    }
}
