//! Repayment allocation, the overdue state, and the claim (R-CLAIM-1, R-CLAIM-2, and the
//! payment period of R-CLAIM-4).

use crate::money::{Money, Rate};
use crate::rule::Rule;
use crate::schedule::{accrued_interest, Installment};
use crate::violation::Violation;
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// What has been paid against one scheduled period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PeriodPaid {
    pub interest: Money,
    pub principal: Money,
}

/// One part of a repayment, applied to a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub period: u32,
    pub interest: Money,
    pub principal: Money,
}

/// Applies `amount` to the oldest unpaid amounts first, interest before principal, period
/// by period. Returns the allocations and what is left over (more than is owed).
pub fn allocate(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    amount: Money,
) -> (Vec<Allocation>, Money) {
    let mut left = amount;
    let mut out = Vec::new();
    for (i, inst) in schedule.iter().enumerate() {
        if left <= Money::ZERO {
            break;
        }
        let p = paid.get(i).copied().unwrap_or_default();
        let interest = (inst.interest - p.interest).max(Money::ZERO).min(left);
        left -= interest;
        let principal = (inst.principal - p.principal).max(Money::ZERO).min(left);
        left -= principal;
        if !interest.is_zero() || !principal.is_zero() {
            out.push(Allocation {
                period: inst.period,
                interest,
                principal,
            });
        }
    }
    (out, left)
}

/// Adds allocations to the per-period totals.
pub fn apply(paid: &mut Vec<PeriodPaid>, schedule_len: usize, allocations: &[Allocation]) {
    paid.resize(schedule_len, PeriodPaid::default());
    for a in allocations {
        let p = &mut paid[(a.period - 1) as usize];
        p.interest += a.interest;
        p.principal += a.principal;
    }
}

fn unpaid(inst: &Installment, p: PeriodPaid) -> bool {
    p.interest < inst.interest || p.principal < inst.principal
}

/// The due date of the oldest period not fully paid and already past due on `as_of`.
pub fn overdue_since(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    schedule
        .iter()
        .enumerate()
        .find(|(i, inst)| {
            inst.due_date < as_of && unpaid(inst, paid.get(*i).copied().unwrap_or_default())
        })
        .map(|(_, inst)| inst.due_date)
}

pub fn days_overdue(schedule: &[Installment], paid: &[PeriodPaid], as_of: NaiveDate) -> u32 {
    overdue_since(schedule, paid, as_of)
        .map(|d| (as_of - d).num_days().max(0) as u32)
        .unwrap_or(0)
}

/// The state a running loan is in after what was paid: repaid, overdue, or disbursed.
pub fn loan_status(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    as_of: NaiveDate,
) -> crate::CaseStatus {
    if fully_repaid(schedule, paid) {
        crate::CaseStatus::Repaid
    } else if overdue_since(schedule, paid, as_of).is_some() {
        crate::CaseStatus::Overdue
    } else {
        crate::CaseStatus::Disbursed
    }
}

/// Whether everything scheduled has been paid.
pub fn fully_repaid(schedule: &[Installment], paid: &[PeriodPaid]) -> bool {
    schedule
        .iter()
        .enumerate()
        .all(|(i, inst)| !unpaid(inst, paid.get(i).copied().unwrap_or_default()))
}

/// R-CLAIM-1: the claim cut-off (the day the waiting period ends), or why not yet.
pub fn claim_cutoff(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    as_of: NaiveDate,
    waiting_period_days: u32,
) -> Result<NaiveDate, Violation> {
    let Some(since) = overdue_since(schedule, paid, as_of) else {
        return Err(Violation::new(
            Rule::RClaim1,
            "as_of",
            format!("截至 {as_of} 借款人没有逾期，不能索赔"),
            format!("the borrower is not overdue on {as_of}: no claim can be filed"),
        ));
    };
    let cutoff = since + Days::new(u64::from(waiting_period_days));
    if as_of < cutoff {
        let days = (as_of - since).num_days();
        return Err(Violation::new(
            Rule::RClaim1,
            "as_of",
            format!("借款人自 {since} 起逾期 {days} 天，未满 {waiting_period_days} 天等待期（{cutoff} 期满），尚不能索赔"),
            format!("overdue since {since} for {days} days, short of the {waiting_period_days}-day waiting period (ends {cutoff}): no claim yet"),
        )
        .with_limit(waiting_period_days));
    }
    Ok(cutoff)
}

/// R-CLAIM-4 (§4.3 拖赔): the day a filed claim is due to be paid under the agreement, and
/// how late it is on `as_of` — or was, once the insurer paid or refused it on `settled_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimDeadline {
    pub due_on: NaiveDate,
    /// Days past `due_on`, 0 while within the period.
    pub days_late: u32,
    /// Unpaid and unrefused past `due_on`: the claim is being delayed now.
    pub delayed: bool,
}

pub fn claim_deadline(
    filed_on: NaiveDate,
    payment_days: u32,
    settled_on: Option<NaiveDate>,
    as_of: NaiveDate,
) -> ClaimDeadline {
    let due_on = filed_on + Days::new(u64::from(payment_days));
    let until = settled_on.unwrap_or(as_of);
    let days_late = (until - due_on).num_days().max(0) as u32;
    ClaimDeadline {
        due_on,
        days_late,
        delayed: settled_on.is_none() && days_late > 0,
    }
}

/// R-CLAIM-2: the loss at the claim cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimLoss {
    pub cutoff: NaiveDate,
    pub outstanding_principal: Money,
    /// Contract interest of periods due on or before the cut-off, still unpaid.
    pub interest_due_unpaid: Money,
    /// Contract interest of the period running at the cut-off, accrued daily (actual/360).
    pub interest_accrued: Money,
    pub recovered_before_claim: Money,
    pub loss: Money,
}

/// Outstanding principal + unpaid contract interest up to `cutoff` (the running period
/// accrued daily on its scheduled opening balance), less recoveries before the claim.
/// Penalty and compound interest are never included.
pub fn claim_loss(
    schedule: &[Installment],
    paid: &[PeriodPaid],
    annual_rate: Rate,
    contract_date: NaiveDate,
    cutoff: NaiveDate,
    recovered_before_claim: Money,
) -> ClaimLoss {
    let get = |i: usize| paid.get(i).copied().unwrap_or_default();
    let principal: Money = schedule.iter().map(|i| i.principal).sum();
    let principal_paid: Money = (0..schedule.len()).map(|i| get(i).principal).sum();
    let outstanding_principal = principal - principal_paid;

    let mut interest_due_unpaid = Money::ZERO;
    let mut interest_accrued = Money::ZERO;
    let mut period_start = contract_date;
    let mut opening = principal;
    for (i, inst) in schedule.iter().enumerate() {
        if inst.due_date <= cutoff {
            interest_due_unpaid += (inst.interest - get(i).interest).max(Money::ZERO);
        } else {
            let accrued = accrued_interest(opening, annual_rate, period_start, cutoff);
            // Never more than the period's own contract interest, less what was paid of it.
            interest_accrued = accrued
                .min(inst.interest - get(i).interest)
                .max(Money::ZERO);
            break;
        }
        period_start = inst.due_date;
        opening = inst.balance;
    }
    let gross = outstanding_principal + interest_due_unpaid + interest_accrued;
    ClaimLoss {
        cutoff,
        outstanding_principal,
        interest_due_unpaid,
        interest_accrued,
        recovered_before_claim,
        loss: (gross - recovered_before_claim).max(Money::ZERO),
    }
}

/// Where a loan stands at the end of `as_of`: how late, and what is overdue (R-NPL-1's days,
/// R-CREDIT-1's overdue periods and amounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Standing {
    pub days_overdue: u32,
    /// Periods due before `as_of` and not fully paid.
    pub overdue_periods: u32,
    pub overdue_principal: Money,
    /// Overdue principal and interest.
    pub overdue_total: Money,
}

/// The standing from what was paid against each period.
pub fn standing(schedule: &[Installment], paid: &[PeriodPaid], as_of: NaiveDate) -> Standing {
    let mut s = Standing {
        days_overdue: days_overdue(schedule, paid, as_of),
        ..Standing::default()
    };
    for (i, inst) in schedule.iter().enumerate() {
        if inst.due_date >= as_of {
            break;
        }
        let p = paid.get(i).copied().unwrap_or_default();
        let owed_p = (inst.principal - p.principal).max(Money::ZERO);
        let owed_i = (inst.interest - p.interest).max(Money::ZERO);
        if !(owed_p + owed_i).is_zero() {
            s.overdue_periods += 1;
            s.overdue_principal += owed_p;
            s.overdue_total += owed_p + owed_i;
        }
    }
    s
}

/// The same from one total, for a schedule whose payments were all applied by `allocate`
/// (oldest period first, interest before principal): the total covers the periods in order,
/// so what was paid on each follows from it without reading every allocation. The quarter
/// report and the credit file read a province's loans this way.
pub fn standing_from_total(
    schedule: &[Installment],
    paid_total: Money,
    as_of: NaiveDate,
) -> Standing {
    let mut left = paid_total;
    let paid: Vec<PeriodPaid> = schedule
        .iter()
        .map(|inst| {
            let interest = inst.interest.min(left.max(Money::ZERO));
            left -= interest;
            let principal = inst.principal.min(left.max(Money::ZERO));
            left -= principal;
            PeriodPaid {
                interest,
                principal,
            }
        })
        .collect();
    standing(schedule, &paid, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{schedule, RepaymentMethod};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    /// 1,200,000 at 5.655%, interest monthly, from 2016-01-15 over 12 months.
    fn loan() -> Vec<Installment> {
        schedule(
            RepaymentMethod::InterestMonthly,
            m("1200000"),
            Rate::percent("5.655"),
            12,
            d(2016, 1, 15),
        )
    }

    #[test]
    fn repayments_go_to_the_oldest_interest_first_then_principal() {
        let s = schedule(
            RepaymentMethod::EqualPrincipal,
            m("3000"),
            Rate::percent("12"),
            3,
            d(2016, 1, 15),
        );
        // Period 1: interest 30.00, principal 1000.00; period 2: interest 20.00, principal 1000.00.
        let (a, left) = allocate(&s, &[], m("1040"));
        assert_eq!(left, Money::ZERO);
        assert_eq!(
            a[0],
            Allocation {
                period: 1,
                interest: m("30"),
                principal: m("1000")
            }
        );
        assert_eq!(
            a[1],
            Allocation {
                period: 2,
                interest: m("10"),
                principal: Money::ZERO
            }
        );
        let mut paid = Vec::new();
        apply(&mut paid, s.len(), &a);
        let (a2, _) = allocate(&s, &paid, m("15"));
        assert_eq!(
            a2[0],
            Allocation {
                period: 2,
                interest: m("10"),
                principal: m("5")
            }
        );
        // Owed in all: 3,000 + 30 + 20 + 10 = 3,060; 1,040 paid leaves 2,020.
        let (_, left) = allocate(&s, &paid, m("5000"));
        assert_eq!(left, m("2980"));
    }

    #[test]
    fn overdue_counts_from_the_oldest_unpaid_due_date() {
        let s = loan();
        let mut paid = Vec::new();
        let (a, _) = allocate(&s, &paid, m("5655.00")); // the first month's interest
        apply(&mut paid, s.len(), &a);
        assert_eq!(
            overdue_since(&s, &paid, d(2016, 2, 15)),
            None,
            "due today is not overdue"
        );
        assert_eq!(
            overdue_since(&s, &paid, d(2016, 3, 16)),
            Some(d(2016, 3, 15))
        );
        assert_eq!(days_overdue(&s, &paid, d(2016, 6, 13)), 90);
    }

    #[test]
    fn r_claim_1_not_before_the_waiting_period_has_run() {
        let s = loan();
        let paid = vec![PeriodPaid {
            interest: m("5655.00"),
            principal: Money::ZERO,
        }];
        // Overdue from 2016-03-15; 90 days later is 2016-06-13.
        let e = claim_cutoff(&s, &paid, d(2016, 6, 12), 90).unwrap_err();
        assert_eq!(e.rule, "R-CLAIM-1");
        assert!(e.message_en.contains("89 days"), "{}", e.message_en);
        assert_eq!(
            claim_cutoff(&s, &paid, d(2016, 6, 13), 90).unwrap(),
            d(2016, 6, 13)
        );
        assert!(claim_cutoff(&s, &[], d(2016, 1, 20), 90).is_err());
    }

    #[test]
    fn r_claim_2_loss_to_the_fen() {
        let s = loan();
        let paid = vec![PeriodPaid {
            interest: m("5655.00"),
            principal: Money::ZERO,
        }];
        let cutoff = d(2016, 6, 13);
        let loss = claim_loss(
            &s,
            &paid,
            Rate::percent("5.655"),
            d(2016, 1, 15),
            cutoff,
            m("10000"),
        );
        assert_eq!(loss.outstanding_principal, m("1200000"));
        // Due and unpaid: 3/15, 4/15, 5/15 → 3 × 5655.00.
        assert_eq!(loss.interest_due_unpaid, m("16965.00"));
        // 5/15 → 6/13 is 29 days: 1,200,000 × 5.655% / 360 × 29 = 5466.50.
        assert_eq!(loss.interest_accrued, m("5466.50"));
        assert_eq!(
            loss.loss,
            m("1200000") + m("16965.00") + m("5466.50") - m("10000")
        );
    }

    #[test]
    fn r_claim_4_a_claim_unpaid_after_the_payment_period_is_delayed() {
        let d = |m, day| NaiveDate::from_ymd_opt(2016, m, day).unwrap();
        // Filed 09-20 with a 10-day period: due 09-30; on 09-30 it is not late yet.
        let on_time = claim_deadline(d(9, 20), 10, None, d(9, 30));
        assert_eq!(on_time.due_on, d(9, 30));
        assert_eq!((on_time.days_late, on_time.delayed), (0, false));
        // On 10-04 it is 4 days late (10-01 … 10-04) and delayed.
        let late = claim_deadline(d(9, 20), 10, None, d(10, 4));
        assert_eq!((late.days_late, late.delayed), (4, true));
        // Paid on 10-02: it was 2 days late, and is no longer delayed whatever the date.
        let paid = claim_deadline(d(9, 20), 10, Some(d(10, 2)), d(12, 31));
        assert_eq!((paid.days_late, paid.delayed), (2, false));
    }

    #[test]
    fn a_total_paid_oldest_first_stands_as_the_allocations_do() {
        let contract = NaiveDate::from_ymd_opt(2016, 1, 15).unwrap();
        for method in crate::RepaymentMethod::ALL {
            let lines = crate::schedule::schedule(
                method,
                Money::yuan(150_000),
                crate::Rate::percent("5.655"),
                12,
                contract,
            );
            for (amount, day) in [
                ("0", "2016-03-01"),
                ("700.50", "2016-04-20"),
                ("13001.37", "2016-06-30"),
                ("40000", "2016-09-30"),
                ("400000", "2017-02-01"),
            ] {
                let as_of: NaiveDate = day.parse().unwrap();
                let total: Money = amount.parse().unwrap();
                let (allocs, _) = allocate(&lines, &[], total);
                let mut paid = Vec::new();
                apply(&mut paid, lines.len(), &allocs);
                let paid_total = allocs.iter().map(|a| a.interest + a.principal).sum();
                assert_eq!(
                    standing_from_total(&lines, paid_total, as_of),
                    standing(&lines, &paid, as_of),
                    "{method:?} {amount} {day}"
                );
            }
        }
    }
}
