//! Early repayment (DOMAIN.md "Early repayment"): the whole loan at any time for the
//! outstanding principal plus interest accrued to that day (annual rate / 360, actual days)
//! plus whatever is overdue or due that day; or part of the principal, after which the
//! remaining periods are recomputed on the lower balance by the loan's own method.
//!
//! Either way the loan gets a new schedule version: the periods already due are kept as they
//! were, the period running on the day is cut at that day (a settlement period carrying the
//! accrued interest and the principal repaid), and, for a partial prepayment, the remaining
//! due dates follow with new amounts. Interest of later periods is never charged.

use crate::claim::{allocate, Allocation, PeriodPaid};
use crate::money::{Money, Rate};
use crate::rule::Rule;
use crate::schedule::{accrued_interest, level_payment, Installment, RepaymentMethod};
use crate::violation::Violation;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// What it takes to repay the whole loan on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Payoff {
    pub as_of: NaiveDate,
    /// Unpaid interest and principal of the periods due on or before the day.
    pub due_unpaid: Money,
    /// The period running on the day (its due date is later); none after the last due date.
    pub running_period: Option<u32>,
    /// Where the running period's interest starts accruing (the previous due date, or the
    /// contract date for the first period).
    pub accrual_from: Option<NaiveDate>,
    /// Principal not yet repaid of the running and later periods.
    pub principal_outstanding: Money,
    /// The running period's interest from `accrual_from` to the day, actual/360.
    pub interest_accrued: Money,
    /// Interest already paid ahead on the running and later periods, credited.
    pub interest_paid_ahead: Money,
    /// The figure to pay: `due_unpaid + principal_outstanding + interest_accrued −
    /// interest_paid_ahead` (never below `due_unpaid`).
    pub total: Money,
}

fn paid_at(paid: &[PeriodPaid], i: usize) -> PeriodPaid {
    paid.get(i).copied().unwrap_or_default()
}

/// The payoff figure for `as_of` on the loan's current schedule.
pub fn payoff(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    annual_rate: Rate,
    contract_date: NaiveDate,
    as_of: NaiveDate,
) -> Payoff {
    let mut due_unpaid = Money::ZERO;
    let mut accrual_from = contract_date;
    let mut running = None;
    for (i, inst) in schedule.iter().enumerate() {
        let p = paid_at(paid, i);
        if inst.due_date <= as_of {
            due_unpaid += (inst.interest - p.interest).max(Money::ZERO)
                + (inst.principal - p.principal).max(Money::ZERO);
            accrual_from = inst.due_date;
        } else {
            running = Some(i);
            break;
        }
    }
    let Some(k) = running else {
        return Payoff {
            as_of,
            due_unpaid,
            running_period: None,
            accrual_from: None,
            principal_outstanding: Money::ZERO,
            interest_accrued: Money::ZERO,
            interest_paid_ahead: Money::ZERO,
            total: due_unpaid,
        };
    };
    let ahead = &schedule[k..];
    let principal_outstanding: Money = ahead
        .iter()
        .enumerate()
        .map(|(j, inst)| (inst.principal - paid_at(paid, k + j).principal).max(Money::ZERO))
        .sum();
    let interest_paid_ahead: Money = (k..schedule.len()).map(|i| paid_at(paid, i).interest).sum();
    let interest_accrued =
        accrued_interest(principal_outstanding, annual_rate, accrual_from, as_of);
    let total = (due_unpaid + principal_outstanding + interest_accrued - interest_paid_ahead)
        .max(due_unpaid);
    Payoff {
        as_of,
        due_unpaid,
        running_period: Some(schedule[k].period),
        accrual_from: Some(accrual_from),
        principal_outstanding,
        interest_accrued,
        interest_paid_ahead,
        total,
    }
}

/// A loan's schedule after an early repayment: the new version's periods, what counts as
/// already paid on each before the repayment itself, and how the repayment is allocated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reschedule {
    pub schedule: Vec<Installment>,
    pub opening_paid: Vec<PeriodPaid>,
    pub allocations: Vec<Allocation>,
    /// The principal still owed after the repayment.
    pub balance: Money,
}

/// The periods before the running one as they were, and the running one cut at the day
/// with `principal` repaid in it. Paid-ahead amounts move onto the settlement period
/// (interest first, any excess paid-ahead interest as principal).
fn settle(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    p: &Payoff,
    k: usize,
    principal: Money,
) -> (Vec<Installment>, Vec<PeriodPaid>) {
    let scheduled_balance: Money = schedule[k..].iter().map(|i| i.principal).sum();
    let principal_paid_ahead = scheduled_balance - p.principal_outstanding;
    let interest = p.interest_accrued;
    let credited_interest = p.interest_paid_ahead.min(interest);
    let credited_principal = principal_paid_ahead + (p.interest_paid_ahead - credited_interest);
    let mut new: Vec<Installment> = schedule[..k].to_vec();
    let mut opening: Vec<PeriodPaid> = (0..k).map(|i| paid_at(paid, i)).collect();
    let settled = credited_principal + principal;
    new.push(Installment {
        period: schedule[k].period,
        due_date: p.as_of,
        principal: settled,
        interest,
        payment: settled + interest,
        balance: scheduled_balance - settled,
    });
    opening.push(PeriodPaid {
        interest: credited_interest,
        principal: credited_principal,
    });
    (new, opening)
}

fn no_running_period(as_of: NaiveDate) -> Violation {
    Violation::new(
        Rule::RPrepay1,
        "as_of",
        format!("{as_of} 已过最后一期还款日，没有可提前归还的本金；请按逾期还款处理"),
        format!("{as_of} is past the last due date: nothing can be repaid early; record the overdue repayment instead"),
    )
}

/// Repays the whole loan on `p.as_of` for exactly `p.total`.
pub fn settle_in_full(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    p: &Payoff,
) -> Result<Reschedule, Violation> {
    let k = running_index(schedule, p).ok_or_else(|| no_running_period(p.as_of))?;
    let scheduled_balance: Money = schedule[k..].iter().map(|i| i.principal).sum();
    let credited = scheduled_balance - p.principal_outstanding
        + (p.interest_paid_ahead - p.interest_paid_ahead.min(p.interest_accrued));
    let (new, opening) = settle(schedule, paid, p, k, scheduled_balance - credited);
    let (allocations, left) = allocate(&new, &opening, p.total);
    debug_assert!(
        left.is_zero(),
        "the payoff figure is what the new schedule owes"
    );
    Ok(Reschedule {
        schedule: new,
        opening_paid: opening,
        allocations,
        balance: Money::ZERO,
    })
}

fn running_index(schedule: &[Installment], p: &Payoff) -> Option<usize> {
    let period = p.running_period?;
    schedule.iter().position(|i| i.period == period)
}

/// Repays `amount` early on `p.as_of`: the interest accrued to the day first, the rest off
/// the principal; the remaining due dates keep their days and are recomputed on the lower
/// balance by the loan's method (the first of them accrues from the day, actual/360).
pub fn prepay_part(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    p: &Payoff,
    method: RepaymentMethod,
    annual_rate: Rate,
    amount: Money,
) -> Result<Reschedule, Violation> {
    if !p.due_unpaid.is_zero() {
        return Err(Violation::new(
            Rule::RPrepay1,
            "amount",
            format!(
                "尚有逾期或当日到期的 {} 元未还：请先按期还款，再提前还款",
                p.due_unpaid
            ),
            format!(
                "{} CNY overdue or due that day is unpaid: record that repayment before an early one",
                p.due_unpaid
            ),
        ));
    }
    let k = running_index(schedule, p).ok_or_else(|| no_running_period(p.as_of))?;
    let interest_owed = (p.interest_accrued - p.interest_paid_ahead).max(Money::ZERO);
    if amount <= interest_owed {
        return Err(Violation::new(
            Rule::RPrepay1,
            "amount",
            format!("提前还款 {amount} 元不超过截至 {} 的应计利息 {interest_owed} 元，不能冲减本金", p.as_of),
            format!("an early repayment of {amount} CNY does not exceed the {interest_owed} CNY interest accrued to {}: nothing would go to principal", p.as_of),
        ));
    }
    if amount >= p.total {
        return Err(Violation::new(
            Rule::RPrepay1,
            "amount",
            format!(
                "提前还款 {amount} 元达到或超过结清金额 {} 元：请办理提前结清",
                p.total
            ),
            format!(
                "{amount} CNY reaches the payoff figure of {} CNY: settle the loan in full instead",
                p.total
            ),
        )
        .with_limit(p.total));
    }
    let (mut new, opening) = settle(schedule, paid, p, k, amount - interest_owed);
    let balance = new[k].balance;
    let dates: Vec<NaiveDate> = schedule[k..].iter().map(|i| i.due_date).collect();
    new.extend(remaining(
        method,
        balance,
        annual_rate,
        p.as_of,
        &dates,
        schedule[k].period + 1,
    ));
    let (allocations, left) = allocate(&new[..=k], &opening, amount);
    debug_assert!(
        left.is_zero(),
        "the amount settles the running period exactly"
    );
    Ok(Reschedule {
        schedule: new,
        opening_paid: opening,
        allocations,
        balance,
    })
}

/// The periods after a partial prepayment: `balance` repaid over `due_dates` by `method`;
/// the first period's interest accrues from `from` (actual/360), the others a month each.
fn remaining(
    method: RepaymentMethod,
    balance: Money,
    annual_rate: Rate,
    from: NaiveDate,
    due_dates: &[NaiveDate],
    first_period: u32,
) -> Vec<Installment> {
    let n = due_dates.len();
    let monthly = annual_rate.fraction() / Decimal::from(12);
    let level = level_payment(balance, monthly, n as u32);
    let each = Money::round_fen(balance.as_decimal() / Decimal::from(n as u32));
    let mut open = balance;
    let mut start = from;
    due_dates
        .iter()
        .enumerate()
        .map(|(j, &due)| {
            let interest = if j == 0 {
                accrued_interest(open, annual_rate, start, due)
            } else {
                open.times(monthly)
            };
            let last = j + 1 == n;
            let principal = if last {
                open
            } else {
                match method {
                    RepaymentMethod::InterestMonthly | RepaymentMethod::Bullet => Money::ZERO,
                    RepaymentMethod::EqualPrincipal => each.min(open),
                    RepaymentMethod::EqualInstallment => {
                        (level - interest).max(Money::ZERO).min(open)
                    }
                }
            };
            open -= principal;
            start = due;
            Installment {
                period: first_period + j as u32,
                due_date: due,
                principal,
                interest,
                payment: principal + interest,
                balance: open,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::apply;
    use crate::schedule::schedule;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }
    fn paid_through(s: &[Installment], periods: usize) -> Vec<PeriodPaid> {
        let mut paid = Vec::new();
        let due: Money = s[..periods].iter().map(|i| i.payment).sum();
        let (a, _) = allocate(s, &paid, due);
        apply(&mut paid, s.len(), &a);
        paid
    }

    /// 600,000 at 6% interest-monthly over 6 months from 2017-01-10: 3,000.00 a month.
    fn interest_monthly() -> Vec<Installment> {
        schedule(
            RepaymentMethod::InterestMonthly,
            m("600000"),
            Rate::percent("6"),
            6,
            d(2017, 1, 10),
        )
    }

    #[test]
    fn payoff_is_principal_plus_interest_accrued_by_the_day() {
        let s = interest_monthly();
        let paid = paid_through(&s, 2); // 2/10 and 3/10 paid
        let p = payoff(
            &s,
            &paid,
            Rate::percent("6"),
            d(2017, 1, 10),
            d(2017, 3, 31),
        );
        // Running period 3 (3/10 → 4/10); 3/10 → 3/31 is 21 days:
        // 600,000 × 6% / 360 × 21 = 2,100.00.
        assert_eq!(p.running_period, Some(3));
        assert_eq!(p.due_unpaid, Money::ZERO);
        assert_eq!(p.interest_accrued, m("2100.00"));
        assert_eq!(p.total, m("602100.00"));
    }

    #[test]
    fn payoff_adds_what_is_overdue_and_credits_interest_paid_ahead() {
        let s = interest_monthly();
        let paid = paid_through(&s, 1); // only 2/10 paid; 3/10 overdue on 3/31
        let p = payoff(
            &s,
            &paid,
            Rate::percent("6"),
            d(2017, 1, 10),
            d(2017, 3, 31),
        );
        assert_eq!(p.due_unpaid, m("3000.00"));
        assert_eq!(p.total, m("605100.00")); // 3,000 + 600,000 + 2,100
        let r = settle_in_full(&s, &paid, &p).unwrap();
        assert_eq!(r.schedule.len(), 3);
        assert_eq!(r.schedule[2].due_date, d(2017, 3, 31));
        assert_eq!(r.schedule[2].interest, m("2100.00"));
        assert_eq!(r.schedule[2].principal, m("600000"));
        let paid_now: Money = r.allocations.iter().map(|a| a.interest + a.principal).sum();
        assert_eq!(paid_now, m("605100.00"));

        // Interest of period 3 (3,000.00) paid ahead: only 3,000 − 2,100 is credited back.
        let ahead = paid_through(&s, 3);
        let p = payoff(
            &s,
            &ahead,
            Rate::percent("6"),
            d(2017, 1, 10),
            d(2017, 3, 31),
        );
        assert_eq!(p.total, m("599100.00")); // 600,000 + 2,100 − 3,000
        let r = settle_in_full(&s, &ahead, &p).unwrap();
        assert_eq!(r.opening_paid[2].interest, m("2100.00"));
        assert_eq!(r.opening_paid[2].principal, m("900.00"));
    }

    #[test]
    fn part_prepayment_recomputes_equal_installments_on_the_new_balance() {
        // 120,000 at 7.2% equal installments over 4 months from 2018-05-20: i = 0.006,
        // 1.006^4 = 1.024216…; payment = 120,000 × 0.006 × 1.024216 / 0.024216 = 30,451.35.
        let rate = Rate::percent("7.2");
        let s = schedule(
            RepaymentMethod::EqualInstallment,
            m("120000"),
            rate,
            4,
            d(2018, 5, 20),
        );
        assert_eq!(s[0].payment, m("30451.35"));
        let paid = paid_through(&s, 1);
        // Period 1: interest 720.00, principal 29,731.35, balance 90,268.65.
        assert_eq!(s[0].balance, m("90268.65"));
        let p = payoff(&s, &paid, rate, d(2018, 5, 20), d(2018, 7, 5));
        // 6/20 → 7/5 = 15 days: 90,268.65 × 7.2% / 360 × 15 = 270.806 → 270.81.
        assert_eq!(p.interest_accrued, m("270.81"));
        let r = prepay_part(
            &s,
            &paid,
            &p,
            RepaymentMethod::EqualInstallment,
            rate,
            m("30270.81"),
        )
        .unwrap();
        // 30,270.81 − 270.81 = 30,000.00 off the principal: 60,268.65 left.
        assert_eq!(r.balance, m("60268.65"));
        assert_eq!(r.schedule[1].due_date, d(2018, 7, 5));
        assert_eq!(r.schedule[1].principal, m("30000.00"));
        // Three due dates remain (7/20, 8/20, 9/20), renumbered 3..5.
        let rest = &r.schedule[2..];
        assert_eq!(
            rest.iter()
                .map(|i| (i.period, i.due_date))
                .collect::<Vec<_>>(),
            vec![
                (3, d(2018, 7, 20)),
                (4, d(2018, 8, 20)),
                (5, d(2018, 9, 20))
            ]
        );
        // 7/5 → 7/20 = 15 days: 60,268.65 × 7.2% / 360 × 15 = 180.806 → 180.81.
        assert_eq!(rest[0].interest, m("180.81"));
        // Level payment on 60,268.65 over 3 at 0.6% (1.006^3 = 1.018108…):
        // 60,268.65 × 0.006 × 1.018108 / 0.018108 = 20,331.11;
        // principal 20,331.11 − 180.81 = 20,150.30, balance 40,118.35;
        // then interest 40,118.35 × 0.006 = 240.71, principal 20,090.40, balance 20,027.95;
        // the last: interest 20,027.95 × 0.006 = 120.17, principal 20,027.95.
        assert_eq!(rest[0].principal, m("20150.30"));
        assert_eq!(rest[1].interest, m("240.71"));
        assert_eq!(rest[1].principal, m("20090.40"));
        assert_eq!(rest[2].interest, m("120.17"));
        assert_eq!(rest[2].principal, m("20027.95"));
        assert_eq!(rest[2].balance, Money::ZERO);
    }

    #[test]
    fn part_prepayment_is_refused_when_overdue_or_when_it_reaches_the_payoff() {
        let s = interest_monthly();
        let rate = Rate::percent("6");
        let behind = paid_through(&s, 1);
        let p = payoff(&s, &behind, rate, d(2017, 1, 10), d(2017, 3, 31));
        let e = prepay_part(
            &s,
            &behind,
            &p,
            RepaymentMethod::InterestMonthly,
            rate,
            m("10000"),
        )
        .unwrap_err();
        assert!(e.message_en.contains("3000.00"), "{}", e.message_en);
        let paid = paid_through(&s, 2);
        let p = payoff(&s, &paid, rate, d(2017, 1, 10), d(2017, 3, 31));
        let e = prepay_part(
            &s,
            &paid,
            &p,
            RepaymentMethod::InterestMonthly,
            rate,
            m("602100"),
        )
        .unwrap_err();
        assert!(e.message_en.contains("602100.00"), "{}", e.message_en);
        let e = prepay_part(
            &s,
            &paid,
            &p,
            RepaymentMethod::InterestMonthly,
            rate,
            m("2100"),
        )
        .unwrap_err();
        assert!(
            e.message_en.contains("2100.00 CNY interest"),
            "{}",
            e.message_en
        );
    }
}
