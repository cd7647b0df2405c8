//! R-SUBSIDY-1: the share of premium and interest a city pays for eligible borrowers.

use crate::borrower::BorrowerKind;
use crate::money::Money;
use crate::settings::CitySettings;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Subsidy {
    pub premium: Money,
    pub interest: Money,
}

impl Subsidy {
    pub fn total(&self) -> Money {
        self.premium + self.interest
    }
}

/// Each part rounded half-up to the fen; nothing for kinds the city does not subsidise.
pub fn subsidy(
    kind: BorrowerKind,
    total_premium: Money,
    total_interest: Money,
    city: &CitySettings,
) -> Subsidy {
    if !city.subsidy_kinds.is_empty() && !city.subsidy_kinds.contains(&kind) {
        return Subsidy::default();
    }
    Subsidy {
        premium: total_premium.times(city.premium_subsidy_share),
        interest: total_interest.times(city.interest_subsidy_share),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn r_subsidy_1_shares_of_premium_and_interest() {
        let city = CitySettings {
            premium_subsidy_share: Decimal::new(5, 1),
            interest_subsidy_share: Decimal::new(2, 1),
            subsidy_kinds: vec![BorrowerKind::Farmer],
            ..Default::default()
        };
        let s = subsidy(
            BorrowerKind::Farmer,
            "31696.51".parse().unwrap(),
            "56550.00".parse().unwrap(),
            &city,
        );
        assert_eq!(s.premium, "15848.26".parse().unwrap());
        assert_eq!(s.interest, "11310.00".parse().unwrap());
        assert_eq!(
            subsidy(
                BorrowerKind::MicroEnterprise,
                Money::yuan(100),
                Money::yuan(100),
                &city
            ),
            Subsidy::default()
        );
    }
}
