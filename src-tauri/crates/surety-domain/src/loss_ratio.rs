//! R-STOP-1 and R-STOP-2: the loss ratio per insurer (pool), city and pilot year, the
//! suspension at 150%, and what the city compensates above it.

use crate::money::Money;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LossRatio {
    pub claims_paid: Money,
    pub premiums_received: Money,
}

impl LossRatio {
    pub fn new(claims_paid: Money, premiums_received: Money) -> LossRatio {
        LossRatio {
            claims_paid,
            premiums_received,
        }
    }

    /// Claims paid ÷ premiums received; `None` while no premium has been received.
    pub fn ratio(&self) -> Option<Decimal> {
        (!self.premiums_received.is_zero())
            .then(|| self.claims_paid.as_decimal() / self.premiums_received.as_decimal())
    }

    /// "152.35%", to two decimals of a percent.
    pub fn percent(&self) -> Option<String> {
        self.ratio().map(crate::money::percent_2dp)
    }

    /// R-STOP-1: at or above the threshold (claims with no premium count as above).
    pub fn is_suspended(&self, threshold: Decimal) -> bool {
        match self.ratio() {
            Some(r) => r >= threshold,
            None => !self.claims_paid.is_zero(),
        }
    }

    /// R-STOP-2: max(0, claims paid − threshold × premiums received), to the fen.
    pub fn compensation_due(&self, threshold: Decimal) -> Money {
        let over = self.claims_paid - self.premiums_received.times(threshold);
        over.max(Money::ZERO)
    }
}

/// A pilot year: twelve months from the city's start month and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PilotYear {
    pub start: NaiveDate,
    /// The last day of the year (inclusive).
    pub end: NaiveDate,
}

/// The pilot year containing `date`, for a city whose years start on (month, day).
pub fn pilot_year_of(date: NaiveDate, (month, day): (u32, u32)) -> PilotYear {
    let start_in = |year: i32| {
        NaiveDate::from_ymd_opt(year, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(year, month, 28))
            .expect("validated month and day")
    };
    let this = start_in(date.year());
    let start = if date >= this {
        this
    } else {
        start_in(date.year() - 1)
    };
    let next = start_in(start.year() + 1);
    PilotYear {
        start,
        end: next.pred_opt().expect("date in range"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn r_stop_1_exactly_150_percent_suspends() {
        let r = LossRatio::new(Money::yuan(1500), Money::yuan(1000));
        assert_eq!(r.ratio(), Some(dec!(1.5)));
        assert!(r.is_suspended(dec!(1.5)));
        assert!(
            !LossRatio::new(Money::from_fen(149_999), Money::yuan(1000)).is_suspended(dec!(1.5))
        );
        assert!(LossRatio::new(Money::yuan(1), Money::ZERO).is_suspended(dec!(1.5)));
        assert!(!LossRatio::new(Money::ZERO, Money::ZERO).is_suspended(dec!(1.5)));
    }

    #[test]
    fn r_stop_2_city_compensates_what_exceeds_150_percent() {
        let r = LossRatio::new("200000.00".parse().unwrap(), "100000.00".parse().unwrap());
        assert_eq!(r.compensation_due(dec!(1.5)), "50000.00".parse().unwrap());
        assert_eq!(r.percent().as_deref(), Some("200.00%"));
        let under = LossRatio::new(Money::yuan(100), Money::yuan(100));
        assert_eq!(under.compensation_due(dec!(1.5)), Money::ZERO);
    }

    #[test]
    fn pilot_year_is_the_calendar_year_by_default_or_from_the_citys_start() {
        assert_eq!(
            pilot_year_of(d(2016, 6, 1), (1, 1)),
            PilotYear {
                start: d(2016, 1, 1),
                end: d(2016, 12, 31)
            }
        );
        assert_eq!(
            pilot_year_of(d(2016, 6, 30), (7, 1)),
            PilotYear {
                start: d(2015, 7, 1),
                end: d(2016, 6, 30)
            }
        );
        assert_eq!(pilot_year_of(d(2016, 7, 1), (7, 1)).start, d(2016, 7, 1));
    }
}
