//! The loans' standing rows kept at each write give the dashboard the same figures as
//! walking each loan's schedule with the repayments made by the day — worked out here
//! independently, from the allocations the test made, by the domain's own period rules.

mod common;
use chrono::NaiveDate;
use common::*;
use surety_domain::claim::{allocate, apply, days_overdue, PeriodPaid};
use surety_domain::{Installment, Money};
use surety_store::sections::{save_repayment, Repayment, RepaymentKind};
use surety_store::standings::standings_of;
use surety_store::AuditNote;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A repayment as the test made it: the day and what it paid on each period.
struct Made {
    day: NaiveDate,
    allocations: Vec<surety_domain::claim::Allocation>,
}

/// Days overdue and principal repaid at the end of `as_of`, from the repayments made by
/// then, applied to the periods they were allocated to.
fn expected(schedule: &[Installment], made: &[Made], as_of: NaiveDate) -> (u32, Money) {
    let mut paid: Vec<PeriodPaid> = Vec::new();
    for m in made.iter().filter(|m| m.day <= as_of) {
        apply(&mut paid, schedule.len(), &m.allocations);
    }
    paid.resize(schedule.len(), PeriodPaid::default());
    let principal = paid.iter().map(|p| p.principal).sum();
    (days_overdue(schedule, &paid, as_of), principal)
}

#[test]
fn the_kept_standings_give_what_the_schedules_and_repayments_give_on_any_day() {
    let f = Fixture::new();
    let (mut store, user) = f.create();
    let mut loans: Vec<(i64, Vec<Installment>, Vec<Made>)> = Vec::new();
    // Forty loans: each repayment method, contracts through 2016; from none to eleven
    // repayments each, full instalments, partial ones (60%), late ones and double ones.
    for n in 0..40u32 {
        let id = add_case(&mut store, n);
        let (_, case) = new_case(n);
        let schedule = case.schedule.clone();
        let mut paid: Vec<PeriodPaid> = Vec::new();
        let mut made = Vec::new();
        for k in 0..(n % 12) as usize {
            let inst = &schedule[k.min(schedule.len() - 1)];
            let (amount, late) = match (n + k as u32) % 4 {
                0 => (inst.payment, 0),
                1 => (
                    Money::round_fen(inst.payment.as_decimal() * rust_decimal::Decimal::new(6, 1)),
                    3,
                ),
                2 => (inst.payment, 40),
                _ => (inst.payment + inst.payment, 0),
            };
            let day = inst.due_date + chrono::Days::new(late);
            let (allocations, _) = allocate(&schedule, &paid, amount);
            if allocations.is_empty() {
                break;
            }
            apply(&mut paid, schedule.len(), &allocations);
            let r = Repayment {
                paid_on: day.to_string(),
                amount,
                kind: RepaymentKind::Installment,
                schedule_version: 1,
                allocations: allocations.clone(),
            };
            store
                .write("admin", "loan.repay", |tx| {
                    save_repayment(tx, id, user.id, &r)?;
                    Ok(((), AuditNote::new("case", "x", "repay")))
                })
                .unwrap();
            made.push(Made { day, allocations });
        }
        loans.push((id, schedule, made));
    }
    let ids: Vec<i64> = loans.iter().map(|(id, _, _)| *id).collect();
    let mut behind = 0;
    // Days before, between and after the repayments (those made after a day are not
    // counted on it: the row then gives way to the walk).
    for day in [
        "2016-01-01",
        "2016-03-10",
        "2016-07-15",
        "2016-12-31",
        "2017-06-30",
        "2018-01-01",
    ] {
        let as_of = d(day);
        let got = standings_of(store.connection(), as_of, &ids).unwrap();
        for (id, schedule, made) in &loans {
            let (days, principal) = expected(schedule, made, as_of);
            let s = got[id];
            assert_eq!(s.days_overdue, days, "loan {id} on {day}: days overdue");
            assert_eq!(
                s.principal_repaid, principal,
                "loan {id} on {day}: principal"
            );
            behind += usize::from(days > 0);
        }
    }
    // The scenarios reach both answers.
    assert!(behind > 20, "{behind} loans behind over the days");
}

#[test]
fn a_replaced_schedule_and_a_loan_without_schedule_are_read_by_the_walk() {
    let f = Fixture::new();
    let (mut store, user) = f.create();
    let id = add_case(&mut store, 5);
    let (_, case) = new_case(5);
    let schedule = case.schedule.clone();
    // The loan paid its first instalment, then its schedule was recomputed (a
    // prepayment): what is overdue is read from the new schedule, period by period.
    let (allocations, _) = allocate(&schedule, &[], schedule[0].payment);
    let first = Repayment {
        paid_on: schedule[0].due_date.to_string(),
        amount: schedule[0].payment,
        kind: RepaymentKind::Installment,
        schedule_version: 1,
        allocations,
    };
    let later: Vec<Installment> = schedule[1..].to_vec();
    store
        .write("admin", "loan.repay", |tx| {
            save_repayment(tx, id, user.id, &first)?;
            surety_store::schedules::replace(
                tx,
                id,
                user.id,
                &first.paid_on,
                surety_store::schedules::VersionKind::Prepayment,
                &later,
                &[],
            )?;
            Ok(((), AuditNote::new("case", "x", "reschedule")))
        })
        .unwrap();
    let rescheduled: i64 = store
        .connection()
        .query_row(
            "SELECT rescheduled FROM loan_standings WHERE case_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rescheduled, 1);
    // Sixty days after the second period fell due unpaid.
    let as_of = schedule[1].due_date + chrono::Days::new(60);
    let got = standings_of(store.connection(), as_of, &[id, 999_999]).unwrap();
    assert_eq!(got[&id].days_overdue, 60);
    assert_eq!(got[&id].principal_repaid, schedule[0].principal);
    // An unknown loan reads as nothing repaid and nothing overdue.
    assert_eq!(got[&999_999].days_overdue, 0);
    assert_eq!(got[&999_999].principal_repaid, Money::ZERO);
}
