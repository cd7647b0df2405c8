//! The replayed year planned ahead: for each case a goal state, the day it is applied
//! for, and every dated step that takes it there, owned by the side that records it.

use super::cast::*;
use chrono::{Days, NaiveDate};
use surety::api::premium as premium_of;
use surety::api::{schedule, BorrowerInput, CaseStatus, IntakeInput, Money, Rate, RepaymentMethod};

#[derive(Debug, Clone)]
pub(super) enum Step {
    Intake(Box<IntakeInput>),
    Investigate {
        bank_side: bool,
    },
    Review,
    Exception {
        bank_side: bool,
    },
    Decide {
        bank_side: bool,
        approve: bool,
    },
    Sign {
        bank_side: bool,
        document: &'static str,
    },
    Premium {
        line: &'static str,
        amount: Money,
    },
    Disburse,
    Repay(Money),
    Withdraw,
    Claim,
    PayClaim,
    RefuseClaim,
    Recover {
        bank_side: bool,
        amount: Money,
    },
    Close,
}

pub(super) struct Event {
    pub(super) date: NaiveDate,
    pub(super) case: usize,
    pub(super) order: u32,
    pub(super) step: Step,
}

/// The status a planned case should end in. Weights are per 1,000 cases; claims are
/// frequent only in `troubled` channels (Dezhou), rare elsewhere, so that one city crosses
/// the 150% loss ratio while the others keep working.
pub(super) fn target(rng: &mut fastrand::Rng, troubled: bool) -> CaseStatus {
    use CaseStatus::*;
    let claims = if troubled { 30 } else { 4 };
    let table: [(CaseStatus, u32); 17] = [
        (Intake, 40),
        (Investigation, 50),
        (JointReview, 40),
        (Decision, 40),
        (Declined, 60),
        (Withdrawn, 30),
        (Approved, 30),
        (Signed, 30),
        (PremiumsReceived, 30),
        (Disbursed, 300),
        (Overdue, 60),
        (Repaid, 200),
        (Claimed, claims),
        (ClaimPaid, claims),
        (ClaimRefused, claims / 2),
        (Recovery, claims),
        (Closed, claims),
    ];
    let mut pick = rng.u32(0..table.iter().map(|t| t.1).sum());
    for (s, w) in table {
        if pick < w {
            return s;
        }
        pick -= w;
    }
    Disbursed
}

pub(super) fn plan_case(
    rng: &mut fastrand::Rng,
    events: &mut Vec<Event>,
    case: usize,
    ch: &Channel,
    goal: CaseStatus,
    applied: NaiveDate,
    forced_default: bool,
) {
    use CaseStatus::*;
    let n = case as u32;
    let kind = ["micro_enterprise", "farmer", "cooperative", "entrepreneur"][rng.usize(0..4)];
    let city_zh = match ch.city {
        "yantai" => "烟台",
        "weifang" => "潍坊",
        _ => "德州",
    };
    let (name, id_number) = match kind {
        "farmer" | "entrepreneur" => {
            let birth = d(1960 + rng.i32(0..30), rng.u32(1..13), rng.u32(1..29));
            (
                format!("{}{}", SURNAMES[rng.usize(0..12)], GIVEN[rng.usize(0..12)]),
                resident_id(ch.region, birth, n),
            )
        }
        "cooperative" => (
            format!("{city_zh}{}专业合作社", TRADES[rng.usize(0..10)]),
            credit_code(ch.region, n),
        ),
        _ => (
            format!("{city_zh}{}有限公司", TRADES[rng.usize(0..10)]),
            credit_code(ch.region, n),
        ),
    };
    // Mostly under the cap in principle; one in twelve needs the R-AMT-1 exception.
    let big = rng.u32(0..12) == 0;
    let principal = Money::yuan(if forced_default {
        950_000
    } else if big {
        1_100_000 + i64::from(rng.u32(0..8)) * 50_000
    } else {
        100_000 + i64::from(rng.u32(0..18)) * 50_000
    });
    let big = principal > Money::yuan(1_000_000);
    let term = if goal == Repaid {
        6
    } else {
        [6u32, 12][rng.usize(0..2)]
    };
    let method = RepaymentMethod::ALL[rng.usize(0..4)];
    let rate = Rate::percent(["5.655", "5.5", "5.22", "4.9"][rng.usize(0..4)]);
    let intake = IntakeInput {
        borrower: BorrowerInput {
            kind: kind.into(),
            name,
            id_number,
            id_check_override: None,
            address: format!("山东省{city_zh}市经济开发区{}号", 10 + n % 90),
            phone: format!("1380635{:04}", n % 10_000),
            legal_rep: format!("{}{}", SURNAMES[rng.usize(0..12)], GIVEN[rng.usize(0..12)]),
            operating_since: "2012-03-01".into(),
        },
        city: ch.city.into(),
        bank: ch.bank.into(),
        insurer: ch.insurer.into(),
        principal: principal.to_string(),
        annual_rate: rate.to_string(),
        term_months: term,
        repayment: Some(method.code().into()),
        guarantee_rate: None,
        accident_rate: None,
        fees: vec![],
        application_date: None,
    };
    let mut order = 0;
    let mut at = |date: NaiveDate, step: Step, events: &mut Vec<Event>| {
        order += 1;
        events.push(Event {
            date,
            case,
            order,
            step,
        });
    };
    let day = |k: u64| applied + Days::new(k);
    at(day(0), Step::Intake(Box::new(intake)), events);
    let reached = |s: CaseStatus| goal >= s && !matches!(goal, Declined | Withdrawn) || goal == s;
    if goal == Intake {
        return;
    }
    if goal == Withdrawn {
        at(day(2), Step::Withdraw, events);
        return;
    }
    at(day(3), Step::Investigate { bank_side: false }, events);
    if goal == Investigation {
        return;
    }
    at(day(5), Step::Investigate { bank_side: true }, events);
    if goal == JointReview {
        return;
    }
    at(day(6), Step::Review, events);
    if big {
        at(day(7), Step::Exception { bank_side: false }, events);
        at(day(7), Step::Exception { bank_side: true }, events);
    }
    at(
        day(8),
        Step::Decide {
            bank_side: false,
            approve: true,
        },
        events,
    );
    if goal == Decision {
        return;
    }
    if goal == Declined {
        at(
            day(9),
            Step::Decide {
                bank_side: true,
                approve: false,
            },
            events,
        );
        return;
    }
    at(
        day(9),
        Step::Decide {
            bank_side: true,
            approve: true,
        },
        events,
    );
    if !reached(Signed) {
        return;
    }
    let signed = day(12);
    at(
        signed,
        Step::Sign {
            bank_side: true,
            document: "loan_contract",
        },
        events,
    );
    at(
        signed,
        Step::Sign {
            bank_side: false,
            document: "guarantee_policy",
        },
        events,
    );
    at(
        signed,
        Step::Sign {
            bank_side: false,
            document: "accident_policy",
        },
        events,
    );
    if !reached(PremiumsReceived) {
        return;
    }
    let plan = schedule(method, principal, rate, term, signed);
    let interest: Money = plan.iter().map(|i| i.interest).sum();
    let base = principal + interest;
    let premium = |r: &str| premium_of(base, Rate::percent(r), term);
    at(
        day(14),
        Step::Premium {
            line: "guarantee",
            amount: premium("2"),
        },
        events,
    );
    at(
        day(14),
        Step::Premium {
            line: "accident",
            amount: premium("0.5"),
        },
        events,
    );
    if !reached(Disbursed) {
        return;
    }
    at(day(15), Step::Disburse, events);
    let end = d(2016, 12, 31);
    // Installments paid on their due dates; a defaulting loan stops paying early.
    let defaults = matches!(
        goal,
        Overdue | Claimed | ClaimPaid | ClaimRefused | Recovery | Closed
    );
    let paid_periods = if defaults {
        rng.usize(0..3).min(plan.len() - 1)
    } else {
        plan.len()
    };
    for inst in plan.iter().take(paid_periods) {
        if inst.due_date <= end || goal == Repaid {
            at(inst.due_date, Step::Repay(inst.payment), events);
        }
    }
    if !defaults {
        return;
    }
    let Some(missed) = plan.get(paid_periods) else {
        return;
    };
    if goal == Overdue {
        return;
    }
    let claim_day = missed.due_date + Days::new(91);
    at(claim_day, Step::Claim, events);
    if goal == Claimed {
        return;
    }
    if goal == ClaimRefused {
        // Refused late, after the agreement's 10 days: on the record as 拖赔 then 拒赔.
        at(claim_day + Days::new(12), Step::RefuseClaim, events);
        return;
    }
    at(claim_day + Days::new(10), Step::PayClaim, events);
    if goal == ClaimPaid {
        return;
    }
    at(
        claim_day + Days::new(40),
        Step::Recover {
            bank_side: true,
            amount: Money::yuan(20_000),
        },
        events,
    );
    if goal == Closed {
        at(claim_day + Days::new(60), Step::Close, events);
    }
}

/// The year's events in the order they happen, and the channel of each case.
pub(super) fn year(cases: u32) -> (Vec<Event>, Vec<&'static Channel>) {
    let mut rng = fastrand::Rng::with_seed(20151120);
    let mut events: Vec<Event> = Vec::new();
    let mut channel_of: Vec<&'static Channel> = Vec::new();
    for i in 0..cases {
        // Three Dezhou cases default early: their claims take the city over 150%.
        let dezhou_default = matches!(i, 3 | 7 | 11);
        let ch = if dezhou_default {
            &CHANNELS[3]
        } else {
            &CHANNELS[rng.usize(0..CHANNELS.len())]
        };
        let goal = if dezhou_default {
            CaseStatus::ClaimPaid
        } else {
            target(&mut rng, ch.city == "dezhou")
        };
        // Repaid loans and claims need their later steps inside the replayed year.
        let window = if matches!(
            goal,
            CaseStatus::Repaid
                | CaseStatus::Claimed
                | CaseStatus::ClaimRefused
                | CaseStatus::ClaimPaid
                | CaseStatus::Recovery
                | CaseStatus::Closed
        ) {
            150
        } else {
            240
        };
        let applied = if dezhou_default {
            d(2016, 1, 5) + Days::new(u64::from(i))
        } else {
            d(2016, 1, 4) + Days::new(rng.u64(0..window))
        };
        plan_case(
            &mut rng,
            &mut events,
            i as usize,
            ch,
            goal,
            applied,
            dezhou_default,
        );
        channel_of.push(ch);
    }
    // Nothing happens after the replayed year: the demo's business date is its last day.
    events.retain(|e| e.date <= d(2016, 12, 31));
    events.sort_by_key(|e| (e.date, e.case, e.order));

    (events, channel_of)
}
