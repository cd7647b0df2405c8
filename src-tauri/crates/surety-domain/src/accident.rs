//! R-CLAIM-3 (§3.1 借款人意外伤害保险): when an accident leaves the borrower unable to repay,
//! the accident claim is paid to the bank first and applied to the loan — what is due
//! first, then the rest as an early repayment (the whole loan when it covers the payoff) —
//! and only what then remains can become a guarantee-insurance loss.

use crate::claim::{allocate, apply, Allocation, PeriodPaid};
use crate::money::{Money, Rate};
use crate::prepayment::{payoff, prepay_part, settle_in_full, Reschedule};
use crate::rule::Rule;
use crate::schedule::{Installment, RepaymentMethod};
use crate::violation::Violation;
use chrono::NaiveDate;

/// How an accident claim payment is applied to the loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccidentApplication {
    /// Against the amounts due on or before the day, on the schedule in force.
    pub due: Vec<Allocation>,
    /// The rest, as an early repayment: a new schedule version.
    pub early: Option<Reschedule>,
    /// Whether the payment settles the whole loan.
    pub settles: bool,
}

/// The sum insured of the borrower accident policy: the loan's principal and interest
/// (贷款本息), the base its premium was computed on (R-PREM-1).
pub fn sum_insured(premium_base: Money) -> Money {
    premium_base
}

#[allow(clippy::too_many_arguments)]
pub fn apply_accident_claim(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    method: RepaymentMethod,
    annual_rate: Rate,
    contract_date: NaiveDate,
    as_of: NaiveDate,
    amount: Money,
    insured_left: Money,
) -> Result<AccidentApplication, Violation> {
    if amount > insured_left {
        return Err(Violation::new(
            Rule::RClaim3,
            "amount",
            format!("意外险赔款 {amount} 元超过尚余保险金额 {insured_left} 元"),
            format!(
                "the accident claim {amount} CNY is more than the {insured_left} CNY of cover left"
            ),
        )
        .with_limit(insured_left));
    }
    let owed = payoff(schedule, paid, annual_rate, contract_date, as_of);
    if amount > owed.total {
        return Err(Violation::new(
            Rule::RClaim3,
            "amount",
            format!(
                "意外险赔款 {amount} 元超过借款人截至 {as_of} 所欠贷款 {} 元（本金、应计利息及逾期款）：赔款优先归还贷款，不得多付给银行",
                owed.total
            ),
            format!(
                "the accident claim {amount} CNY is more than the {} CNY the borrower owes on {as_of} (principal, accrued interest, overdue amounts)",
                owed.total
            ),
        )
        .with_limit(owed.total));
    }
    let due_periods = schedule.iter().take_while(|i| i.due_date <= as_of).count();
    let (due, left) = allocate(&schedule[..due_periods], paid, amount);
    if left.is_zero() {
        let mut after = paid.to_vec();
        apply(&mut after, schedule.len(), &due);
        let settles = crate::claim::fully_repaid(schedule, &after);
        return Ok(AccidentApplication {
            due,
            early: None,
            settles,
        });
    }
    let mut after = paid.to_vec();
    apply(&mut after, schedule.len(), &due);
    let rest = payoff(schedule, &after, annual_rate, contract_date, as_of);
    let settles = left == rest.total;
    let early = if settles {
        settle_in_full(schedule, &after, &rest)?
    } else {
        prepay_part(schedule, &after, &rest, method, annual_rate, left)?
    };
    Ok(AccidentApplication {
        due,
        early: Some(early),
        settles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::schedule;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2016, m, day).unwrap()
    }

    /// 120,000.00 interest-monthly over 12 months at 5.655% from 03-10: 565.50 a month.
    fn loan() -> Vec<Installment> {
        schedule(
            RepaymentMethod::InterestMonthly,
            Money::yuan(120_000),
            Rate::percent("5.655"),
            12,
            d(3, 10),
        )
    }

    #[test]
    fn r_claim_3_pays_what_is_due_first_then_the_principal_early() {
        let s = loan();
        let rate = Rate::percent("5.655");
        // Nothing paid; on 05-25 the periods of 04-10 and 05-10 are due: 2 × 565.50 =
        // 1,131.00. 50,000.00 pays them, then 48,869.00 early: the interest accrued 05-10 →
        // 05-25 (15 days) is 120,000 × 5.655% / 360 × 15 = 282.75, the rest, 48,586.25, off
        // the principal: 71,413.75 left.
        let a = apply_accident_claim(
            &s,
            &[],
            RepaymentMethod::InterestMonthly,
            rate,
            d(3, 10),
            d(5, 25),
            Money::yuan(50_000),
            Money::yuan(126_786),
        )
        .unwrap();
        let due: Money = a.due.iter().map(|x| x.interest + x.principal).sum();
        assert_eq!(due, "1131.00".parse().unwrap());
        let early = a.early.unwrap();
        assert_eq!(early.balance, "71413.75".parse().unwrap());
        assert!(!a.settles);
    }

    #[test]
    fn r_claim_3_never_more_than_the_cover_left_or_than_is_owed() {
        let s = loan();
        let rate = Rate::percent("5.655");
        let over_cover = apply_accident_claim(
            &s,
            &[],
            RepaymentMethod::InterestMonthly,
            rate,
            d(3, 10),
            d(5, 25),
            Money::yuan(60_000),
            Money::yuan(50_000),
        )
        .unwrap_err();
        assert_eq!(over_cover.rule, "R-CLAIM-3");
        // Owed on 05-25: 1,131.00 due + 120,000.00 + 282.75 = 121,413.75.
        let over_owed = apply_accident_claim(
            &s,
            &[],
            RepaymentMethod::InterestMonthly,
            rate,
            d(3, 10),
            d(5, 25),
            "121413.76".parse().unwrap(),
            Money::yuan(126_786),
        )
        .unwrap_err();
        assert!(
            over_owed.message_en.contains("121413.75"),
            "{}",
            over_owed.message_en
        );
        let all = apply_accident_claim(
            &s,
            &[],
            RepaymentMethod::InterestMonthly,
            rate,
            d(3, 10),
            d(5, 25),
            "121413.75".parse().unwrap(),
            Money::yuan(126_786),
        )
        .unwrap();
        assert!(all.settles);
    }
}
