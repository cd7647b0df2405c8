//! Money and rates: exact decimals, never floats.
//!
//! `Money` is CNY. Arithmetic keeps full precision; rounding to the fen (half-up) happens
//! only where DOMAIN.md names it, through [`Money::round_fen`].

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds half-up to the fen. Amounts here are non-negative, where half-up and
    /// "half away from zero" agree; for negatives this is the mirror image.
    pub fn round_fen(value: Decimal) -> Money {
        Money(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// An amount already known to be whole fen (parsed input, stored values).
    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, 2))
    }

    pub fn yuan(yuan: i64) -> Money {
        Money(Decimal::from(yuan))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Whole fen; exact because every `Money` is rounded to the fen.
    pub fn fen(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        (self.0 * Decimal::ONE_HUNDRED)
            .round()
            .to_i64()
            .expect("amount fits in i64 fen")
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn max(self, other: Money) -> Money {
        if self >= other {
            self
        } else {
            other
        }
    }

    pub fn min(self, other: Money) -> Money {
        if self <= other {
            self
        } else {
            other
        }
    }

    /// `self × factor`, rounded half-up to the fen.
    pub fn times(self, factor: Decimal) -> Money {
        Money::round_fen(self.0 * factor)
    }
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    #[error("not a decimal number")]
    NotDecimal,
    #[error("more than two decimals (fen is the smallest unit)")]
    BelowFen,
}

impl FromStr for Money {
    type Err = MoneyParseError;
    /// Accepts "1000000", "1000000.5", "1000000.50"; refuses "1e6", "1,000", "0.001".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
        {
            return Err(MoneyParseError::NotDecimal);
        }
        let d = Decimal::from_str_exact(s).map_err(|_| MoneyParseError::NotDecimal)?;
        if d.normalize().scale() > 2 {
            return Err(MoneyParseError::BelowFen);
        }
        Ok(Money(d))
    }
}

impl fmt::Display for Money {
    /// Always two decimals: "1000000.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        d.rescale(2);
        write!(f, "{d}")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// An annual (or, where named, monthly) rate as a fraction: 0.0435 is 4.35%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(Decimal);

impl Rate {
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    pub fn new(fraction: Decimal) -> Rate {
        Rate(fraction.normalize())
    }

    /// From a percentage as the policy writes it: `Rate::percent("4.35")` is 0.0435.
    pub fn percent(text: &str) -> Rate {
        Rate::new(
            Decimal::from_str_exact(text).expect("a literal percentage") / Decimal::ONE_HUNDRED,
        )
    }

    pub fn fraction(self) -> Decimal {
        self.0
    }

    /// "5.655%": the percentage with no trailing zeros.
    pub fn as_percent(self) -> String {
        format!("{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }
}

/// A fraction as a percentage with exactly two decimals, half-up: 1.52345 -> "152.35%".
pub fn percent_2dp(fraction: Decimal) -> String {
    let mut pct = (fraction * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    pct.rescale(2);
    format!("{pct}%")
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl FromStr for Rate {
    type Err = MoneyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            return Err(MoneyParseError::NotDecimal);
        }
        Decimal::from_str_exact(s)
            .map(Rate::new)
            .map_err(|_| MoneyParseError::NotDecimal)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounding_to_the_fen_is_half_up() {
        assert_eq!(Money::round_fen(dec!(0.005)).to_string(), "0.01");
        assert_eq!(Money::round_fen(dec!(0.004999)).to_string(), "0.00");
        assert_eq!(Money::round_fen(dec!(2.675)).to_string(), "2.68");
    }

    #[test]
    fn money_text_is_strict() {
        assert_eq!(
            "1000000".parse::<Money>().unwrap().to_string(),
            "1000000.00"
        );
        assert_eq!("12.5".parse::<Money>().unwrap().to_string(), "12.50");
        assert_eq!("0.001".parse::<Money>(), Err(MoneyParseError::BelowFen));
        assert_eq!("1e6".parse::<Money>(), Err(MoneyParseError::NotDecimal));
        assert_eq!("1,000".parse::<Money>(), Err(MoneyParseError::NotDecimal));
        assert_eq!("".parse::<Money>(), Err(MoneyParseError::NotDecimal));
    }

    #[test]
    fn rates_print_as_the_policy_writes_them() {
        assert_eq!(Rate::percent("4.35").to_string(), "0.0435");
        assert_eq!(Rate::new(dec!(0.05655)).as_percent(), "5.655%");
        assert_eq!("0.0600".parse::<Rate>().unwrap().as_percent(), "6%");
    }
}
