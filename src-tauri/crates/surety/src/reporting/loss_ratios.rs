//! The loss-ratio watch (R-STOP-1/2): per underwriter, city and pilot year, premiums
//! received against claims paid, the stop day, the compensation due and paid, and the
//! claims pending, delayed and refused.

use crate::desk::error::DeskResult;
use crate::desk::Desk;
use serde::Serialize;
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::{City, LossRatio, Money};
use surety_store::orgs;
use surety_store::sections::{self};

/// The line that stands for every insurer outside the reader's work, all cities.
pub const OTHER_INSURERS: &str = "其他保险公司合计 / other insurers (total)";

/// R-STOP-1/2 for one underwriter in one city and pilot year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LossRatioLine {
    pub insurer: String,
    pub insurer_name: String,
    pub city: String,
    pub year_start: String,
    pub year_end: String,
    pub premiums_received: String,
    pub claims_paid: String,
    /// e.g. "152.35%"; null while no premium was received.
    pub loss_ratio: Option<String>,
    pub suspended: bool,
    /// The day the stop ratio was reached this pilot year (R-STOP-1: recorded once, it holds
    /// to the year's end).
    pub stopped_on: Option<String>,
    /// R-STOP-2: what the city compensates above 150% of premiums.
    pub compensation_due: String,
    /// Of that, what the city has paid so far, and what it still owes.
    pub compensation_paid: String,
    pub compensation_outstanding: String,
    /// R-CLAIM-4: claims filed and waiting for the insurer now.
    pub claims_pending: u32,
    /// Of those, the ones past the agreement's payment period (拖赔).
    pub claims_delayed: u32,
    /// Claims refused (拒赔) in the pilot year so far.
    pub claims_refused: u32,
    /// R-CLAIM-3: borrower accident claims paid this pilot year, apart from the guarantee
    /// line (not in the loss ratio).
    pub accident_claims_paid: String,
}

impl Desk {
    /// R-STOP-1/2 for every underwriter and city, in the pilot year containing `date`.
    pub fn loss_ratios(&self, date: chrono::NaiveDate) -> DeskResult<Vec<LossRatioLine>> {
        let conn = self.store.connection();
        let pairs = orgs::underwriter_cities(conn)?;
        let partners = self.partners()?;
        let mut out = Vec::new();
        // Insurers outside the reader's work show only as one total.
        let (mut other_premiums, mut other_claims) = (Money::ZERO, Money::ZERO);
        let mut other_settlement = crate::claims::settlement::ClaimSettlement::default();
        // One grouped read per distinct pilot year (cities share them as a rule).
        let mut by_year: std::collections::BTreeMap<(String, String), sections::PairInputs> =
            std::collections::BTreeMap::new();
        for (insurer_id, city_code) in pairs {
            let city: City = city_code.parse().map_err(|_| {
                surety_store::StoreError::Corrupt(format!(
                    "agreements: column city holds `{city_code}`"
                ))
            })?;
            let year = pilot_year_of(date, self.settings.pilot_year_start_for(city));
            let span = (year.start.to_string(), year.end.min(date).to_string());
            if !by_year.contains_key(&span) {
                let inputs = sections::loss_ratio_inputs_all(conn, &span.0, &span.1)?;
                by_year.insert(span.clone(), inputs);
            }
            let (premiums, claims) = by_year[&span]
                .get(&(insurer_id, city_code.clone()))
                .copied()
                .unwrap_or((Money::ZERO, Money::ZERO));
            let ratio = LossRatio::new(claims, premiums);
            let stop = self.stop_in_force(insurer_id, city, date)?;
            let settlement = self.claim_settlement(insurer_id, city, &year, date)?;
            if partners.as_ref().is_some_and(|p| !p.contains(&insurer_id)) {
                other_premiums += ratio.premiums_received;
                other_claims += ratio.claims_paid;
                other_settlement.pending += settlement.pending;
                other_settlement.delayed += settlement.delayed;
                other_settlement.refused += settlement.refused;
                continue;
            }
            out.push(self.loss_ratio_line(insurer_id, city, &year, date, ratio, stop, settlement)?);
        }
        if !other_premiums.is_zero() || !other_claims.is_zero() {
            out.push(others_line(
                LossRatio::new(other_claims, other_premiums),
                &other_settlement,
            ));
        }
        Ok(out)
    }

    /// One underwriter's line in one city: the ratio against the stop line, the stop in
    /// force, the city's compensation (R-STOP-2), the claims waiting, late or refused, and
    /// the accident claims paid beside the guarantee line.
    #[allow(clippy::too_many_arguments)]
    fn loss_ratio_line(
        &self,
        insurer_id: i64,
        city: City,
        year: &surety_domain::PilotYear,
        date: chrono::NaiveDate,
        ratio: LossRatio,
        stop: Option<sections::BusinessStop>,
        settlement: crate::claims::settlement::ClaimSettlement,
    ) -> DeskResult<LossRatioLine> {
        let conn = self.store.connection();
        let threshold = self.settings.limits_for(city).stop_loss_ratio;
        let org = orgs::org_by_id(conn, insurer_id)?;
        // R-STOP-2: what the city paid against the due figure this line already has.
        let due = ratio.compensation_due(threshold);
        let paid = crate::stop::compensation::paid_so_far(conn, insurer_id, city, year, date)?;
        let accident_claims_paid = surety_store::accident_claims::paid_in(
            conn,
            insurer_id,
            city.code(),
            &year.start.to_string(),
            &year.end.min(date).to_string(),
        )?;
        Ok(LossRatioLine {
            insurer: org.as_ref().map(|o| o.code.clone()).unwrap_or_default(),
            insurer_name: org.map(|o| o.name).unwrap_or_default(),
            city: city.code().to_string(),
            year_start: year.start.to_string(),
            year_end: year.end.to_string(),
            premiums_received: ratio.premiums_received.to_string(),
            claims_paid: ratio.claims_paid.to_string(),
            loss_ratio: ratio.percent(),
            suspended: ratio.is_suspended(threshold) || stop.is_some(),
            stopped_on: stop.map(|s| s.stopped_on),
            compensation_due: due.to_string(),
            compensation_paid: paid.to_string(),
            compensation_outstanding: (due - paid).max(Money::ZERO).to_string(),
            claims_pending: settlement.pending,
            claims_delayed: settlement.delayed,
            claims_refused: settlement.refused,
            accident_claims_paid: accident_claims_paid.to_string(),
        })
    }
}

/// Every insurer outside the reader's work as one line, all cities.
fn others_line(
    total: LossRatio,
    settlement: &crate::claims::settlement::ClaimSettlement,
) -> LossRatioLine {
    LossRatioLine {
        insurer: String::new(),
        insurer_name: OTHER_INSURERS.into(),
        city: String::new(),
        year_start: String::new(),
        year_end: String::new(),
        premiums_received: total.premiums_received.to_string(),
        claims_paid: total.claims_paid.to_string(),
        loss_ratio: total.percent(),
        suspended: false,
        stopped_on: None,
        compensation_due: Money::ZERO.to_string(),
        compensation_paid: Money::ZERO.to_string(),
        compensation_outstanding: Money::ZERO.to_string(),
        claims_pending: settlement.pending,
        claims_delayed: settlement.delayed,
        claims_refused: settlement.refused,
        accident_claims_paid: Money::ZERO.to_string(),
    }
}
