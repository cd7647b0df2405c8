//! The four repayment methods and their monthly schedules.
//!
//! Monthly rate = annual rate / 12, unrounded; each period's interest is rounded half-up
//! to the fen. Equal-installment payments are rounded to the fen and the last period
//! absorbs the difference. Bullet interest = principal × annual rate × months / 12.

use crate::money::{Money, Rate};
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepaymentMethod {
    /// 按月付息、到期还本
    #[default]
    InterestMonthly,
    /// 等额本息
    EqualInstallment,
    /// 等额本金
    EqualPrincipal,
    /// 到期一次还本付息
    Bullet,
}

impl RepaymentMethod {
    pub const ALL: [RepaymentMethod; 4] = [
        RepaymentMethod::InterestMonthly,
        RepaymentMethod::EqualInstallment,
        RepaymentMethod::EqualPrincipal,
        RepaymentMethod::Bullet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RepaymentMethod::InterestMonthly => "interest_monthly",
            RepaymentMethod::EqualInstallment => "equal_installment",
            RepaymentMethod::EqualPrincipal => "equal_principal",
            RepaymentMethod::Bullet => "bullet",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RepaymentMethod::InterestMonthly => "按月付息、到期还本",
            RepaymentMethod::EqualInstallment => "等额本息",
            RepaymentMethod::EqualPrincipal => "等额本金",
            RepaymentMethod::Bullet => "到期一次还本付息",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RepaymentMethod::InterestMonthly => "monthly interest, principal at maturity",
            RepaymentMethod::EqualInstallment => "equal installments",
            RepaymentMethod::EqualPrincipal => "equal principal",
            RepaymentMethod::Bullet => "principal and interest at maturity",
        }
    }
}

impl FromStr for RepaymentMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RepaymentMethod::ALL
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| s.to_string())
    }
}

/// One scheduled repayment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub period: u32,
    pub due_date: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub payment: Money,
    /// Principal still owed after this payment.
    pub balance: Money,
}

/// The `n`-th due date: the contract date's day of month, `n` months on, or that month's
/// last day where the day does not exist (Jan 31 → Feb 28 → Mar 31).
pub fn due_date(contract_date: NaiveDate, n: u32) -> NaiveDate {
    contract_date
        .checked_add_months(Months::new(n))
        .expect("due date within chrono's range")
}

pub fn schedule(
    method: RepaymentMethod,
    principal: Money,
    annual_rate: Rate,
    term_months: u32,
    contract_date: NaiveDate,
) -> Vec<Installment> {
    if term_months == 0 {
        return Vec::new();
    }
    let monthly = annual_rate.fraction() / Decimal::from(12);
    match method {
        RepaymentMethod::InterestMonthly => amortize(
            principal,
            monthly,
            term_months,
            contract_date,
            |_, _, is_last| {
                if is_last {
                    principal
                } else {
                    Money::ZERO
                }
            },
        ),
        RepaymentMethod::EqualPrincipal => {
            let each = Money::round_fen(principal.as_decimal() / Decimal::from(term_months));
            amortize(
                principal,
                monthly,
                term_months,
                contract_date,
                |_, balance, is_last| {
                    if is_last {
                        balance
                    } else {
                        each.min(balance)
                    }
                },
            )
        }
        RepaymentMethod::EqualInstallment => {
            let payment = level_payment(principal, monthly, term_months);
            amortize(
                principal,
                monthly,
                term_months,
                contract_date,
                |interest, balance, is_last| {
                    if is_last {
                        balance
                    } else {
                        (payment - interest).max(Money::ZERO).min(balance)
                    }
                },
            )
        }
        RepaymentMethod::Bullet => {
            let interest = bullet_interest(principal, annual_rate, term_months);
            vec![Installment {
                period: 1,
                due_date: due_date(contract_date, term_months),
                principal,
                interest,
                payment: principal + interest,
                balance: Money::ZERO,
            }]
        }
    }
}

/// Bullet interest: principal × annual rate × months / 12, rounded to the fen.
pub fn bullet_interest(principal: Money, annual_rate: Rate, term_months: u32) -> Money {
    Money::round_fen(
        principal.as_decimal() * annual_rate.fraction() * Decimal::from(term_months)
            / Decimal::from(12),
    )
}

/// The rounded equal-installment payment: P·i·(1+i)^n / ((1+i)^n − 1); P/n at a zero rate.
pub fn level_payment(principal: Money, monthly_rate: Decimal, n: u32) -> Money {
    let p = principal.as_decimal();
    if monthly_rate.is_zero() {
        return Money::round_fen(p / Decimal::from(n));
    }
    let growth = (0..n).fold(Decimal::ONE, |acc, _| acc * (Decimal::ONE + monthly_rate));
    Money::round_fen(p * monthly_rate * growth / (growth - Decimal::ONE))
}

/// Builds a schedule where each period's interest is the opening balance × monthly rate
/// (rounded), and `principal_of(interest, balance, is_last)` says how much principal is due.
fn amortize(
    principal: Money,
    monthly_rate: Decimal,
    n: u32,
    contract_date: NaiveDate,
    principal_of: impl Fn(Money, Money, bool) -> Money,
) -> Vec<Installment> {
    let mut balance = principal;
    (1..=n)
        .map(|period| {
            let interest = balance.times(monthly_rate);
            let paid = principal_of(interest, balance, period == n);
            balance -= paid;
            Installment {
                period,
                due_date: due_date(contract_date, period),
                principal: paid,
                interest,
                payment: paid + interest,
                balance,
            }
        })
        .collect()
}

pub fn total_interest(schedule: &[Installment]) -> Money {
    schedule.iter().map(|i| i.interest).sum()
}

/// Accrued interest between two dates: principal × annual rate / 360 × actual days,
/// rounded to the fen (used for claims and early repayment).
pub fn accrued_interest(
    principal: Money,
    annual_rate: Rate,
    from: NaiveDate,
    to: NaiveDate,
) -> Money {
    let days = (to - from).num_days().max(0);
    Money::round_fen(
        principal.as_decimal() * annual_rate.fraction() * Decimal::from(days) / Decimal::from(360),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn due_dates_keep_the_day_or_fall_back_to_month_end() {
        let c = d(2024, 1, 31);
        assert_eq!(due_date(c, 1), d(2024, 2, 29));
        assert_eq!(due_date(c, 2), d(2024, 3, 31));
        assert_eq!(due_date(c, 3), d(2024, 4, 30));
        assert_eq!(due_date(d(2025, 1, 31), 1), d(2025, 2, 28));
    }

    #[test]
    fn interest_monthly_pays_interest_each_month_and_principal_at_the_end() {
        let s = schedule(
            RepaymentMethod::InterestMonthly,
            m("1000000"),
            Rate::percent("5.655"),
            12,
            d(2016, 1, 15),
        );
        assert_eq!(s.len(), 12);
        // 1,000,000 × 0.05655 / 12 = 4712.5
        assert!(s.iter().all(|i| i.interest == m("4712.50")));
        assert_eq!(s[11].principal, m("1000000"));
        assert_eq!(s[11].payment, m("1004712.50"));
        assert_eq!(s[10].balance, m("1000000"));
        assert_eq!(total_interest(&s), m("56550.00"));
    }

    #[test]
    fn equal_installment_payment_and_last_period_absorbs_rounding() {
        // 100,000 at 6% over 12 months: the textbook payment is 8606.64.
        let s = schedule(
            RepaymentMethod::EqualInstallment,
            m("100000"),
            Rate::percent("6"),
            12,
            d(2024, 3, 10),
        );
        assert_eq!(s[0].payment, m("8606.64"));
        assert_eq!(s[0].interest, m("500.00"));
        assert_eq!(s[0].principal, m("8106.64"));
        assert!(s[..11].iter().all(|i| i.payment == m("8606.64")));
        assert_eq!(s[11].balance, Money::ZERO);
        let sum: Money = s.iter().map(|i| i.principal).sum();
        assert_eq!(sum, m("100000"));
    }

    #[test]
    fn equal_principal_splits_principal_evenly() {
        let s = schedule(
            RepaymentMethod::EqualPrincipal,
            m("100000"),
            Rate::percent("6"),
            3,
            d(2024, 3, 10),
        );
        assert_eq!(s[0].principal, m("33333.33"));
        assert_eq!(s[2].principal, m("33333.34"));
        assert_eq!(s[0].interest, m("500.00"));
        assert_eq!(s[1].interest, m("333.33"));
        assert_eq!(s[2].interest, m("166.67"));
    }

    #[test]
    fn bullet_pays_everything_at_maturity() {
        let s = schedule(
            RepaymentMethod::Bullet,
            m("500000"),
            Rate::percent("4.35"),
            6,
            d(2016, 1, 1),
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].due_date, d(2016, 7, 1));
        // 500,000 × 4.35% × 6 / 12
        assert_eq!(s[0].interest, m("10875.00"));
        assert_eq!(s[0].payment, m("510875.00"));
    }

    #[test]
    fn accrued_interest_uses_actual_days_over_360() {
        // 1,000,000 × 3.9% / 360 × 31 days = 3358.333…
        assert_eq!(
            accrued_interest(
                m("1000000"),
                Rate::percent("3.9"),
                d(2024, 1, 1),
                d(2024, 2, 1)
            ),
            m("3358.33")
        );
        assert_eq!(
            accrued_interest(
                m("1000000"),
                Rate::percent("3.9"),
                d(2024, 2, 1),
                d(2024, 1, 1)
            ),
            Money::ZERO
        );
    }

    fn methods() -> impl Strategy<Value = RepaymentMethod> {
        prop::sample::select(RepaymentMethod::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn every_schedule_repays_exactly_the_principal_and_never_goes_negative(
            method in methods(),
            fen in 1i64..=300_000_000,
            rate_bp in 0i64..=2000,
            term in 1u32..=12,
            day in 1u32..=31,
        ) {
            let principal = Money::from_fen(fen);
            let rate = Rate::new(Decimal::new(rate_bp, 4));
            let contract = NaiveDate::from_ymd_opt(2025, 1, day).unwrap();
            let s = schedule(method, principal, rate, term, contract);
            let repaid: Money = s.iter().map(|i| i.principal).sum();
            prop_assert_eq!(repaid, principal);
            for i in &s {
                prop_assert!(!i.balance.is_negative());
                prop_assert!(!i.principal.is_negative());
                prop_assert!(!i.interest.is_negative());
                prop_assert_eq!(i.payment, i.principal + i.interest);
            }
            prop_assert_eq!(s.last().unwrap().balance, Money::ZERO);
            prop_assert_eq!(s.last().unwrap().due_date, due_date(contract, term));
        }
    }
}
