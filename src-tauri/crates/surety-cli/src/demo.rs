//! A realistic demo database, built only through `Desk` use cases (so every rule holds),
//! as a client of the service layer like any other front end:
//! four pilot cities, a lone insurer and a two-member pool, three banks, a user for each
//! role, and cases replayed day by day through 2016 into every state, with claims,
//! recoveries and one city (Dezhou) pushed over the 150% loss ratio.

use chrono::{Days, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use surety::api::premium as premium_of;
use surety::api::{
    credit_check_char, resident_check_char, schedule, AgreementInput, AmountInput, BorrowerInput,
    CaseRef, CaseStatus, DecisionInput, Desk, DeskResult, FindingsInput, IntakeInput,
    InvestigationInput, KdfParams, Money, NewUser, NoteInput, OrgInput, PoolMemberInput,
    PremiumInput, Rate, RepaymentMethod, Role, SignInput, UserInput,
};

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub database: String,
    pub password_note: String,
    pub users: Vec<String>,
    pub cases: u32,
    pub by_status: BTreeMap<String, u32>,
    /// Steps the rules refused during the replay (e.g. disbursements in a suspended city).
    pub refused: BTreeMap<String, u32>,
    /// The first few refusals, as a person would read them.
    pub refused_examples: Vec<String>,
    pub as_of: String,
}

struct Channel {
    city: &'static str,
    bank: &'static str,
    insurer: &'static str,
    banker: &'static str,
    underwriter: &'static str,
    region: &'static str,
}

const CHANNELS: [Channel; 4] = [
    Channel {
        city: "yantai",
        bank: "icbc-yt",
        insurer: "sd-pool",
        banker: "bo-icbc",
        underwriter: "uw-pool",
        region: "370602",
    },
    Channel {
        city: "weifang",
        bank: "abc-wf",
        insurer: "sd-pool",
        banker: "bo-abc",
        underwriter: "uw-pool",
        region: "370702",
    },
    Channel {
        city: "yantai",
        bank: "icbc-yt",
        insurer: "cpic",
        banker: "bo-icbc",
        underwriter: "uw-cpic",
        region: "370602",
    },
    Channel {
        city: "dezhou",
        bank: "rcb-dz",
        insurer: "cpic",
        banker: "bo-rcb",
        underwriter: "uw-cpic",
        region: "371402",
    },
];

const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "孙", "马",
];
const GIVEN: [&str; 12] = [
    "伟", "芳", "建国", "秀英", "海涛", "丽娟", "志强", "桂兰", "德胜", "玉梅", "国庆", "春生",
];
const TRADES: [&str; 10] = [
    "海丰水产",
    "绿野蔬菜",
    "金穗粮油",
    "鲁东机械",
    "齐鲁果品",
    "沿海物流",
    "泰和茶叶",
    "丰源畜牧",
    "新禾农资",
    "宏达纺织",
];

#[derive(Debug, Clone)]
enum Step {
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

struct Event {
    date: NaiveDate,
    case: usize,
    order: u32,
    step: Step,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn resident_id(region: &str, birth: NaiveDate, seq: u32) -> String {
    let first = format!("{region}{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let check = resident_check_char(&first).expect("17 digits");
    format!("{first}{check}")
}

fn credit_code(region: &str, n: u32) -> String {
    let first = format!("91{region}MA{:07}", n % 10_000_000);
    let check = credit_check_char(&first).expect("alphabet characters");
    format!("{first}{check}")
}

/// The status a planned case should end in. Weights are per 1,000 cases; claims are
/// frequent only in `troubled` channels (Dezhou), rare elsewhere, so that one city crosses
/// the 150% loss ratio while the others keep working.
fn target(rng: &mut fastrand::Rng, troubled: bool) -> CaseStatus {
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

pub fn build(path: &Path, cases: u32, password: &str, kdf: KdfParams) -> DeskResult<DemoSummary> {
    // On a fresh machine the default place (%APPDATA%\cn.gov.sd.suretydesk, ~/.local/share/…)
    // does not exist yet.
    surety::api::prepare_database_folder(path)?;
    let admin_user = NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        organisation_id: None,
    };
    let mut admin = Desk::init(path, &admin_user, password, kdf)?;
    admin.set_today(d(2015, 12, 1));
    let org = |kind: &str, code: &str, name: &str, city: Option<&str>| OrgInput {
        kind: kind.into(),
        code: code.into(),
        name: name.into(),
        city: city.map(str::to_string),
    };
    for o in [
        org(
            "insurer",
            "picc",
            "中国人民财产保险股份有限公司山东省分公司",
            None,
        ),
        org(
            "insurer",
            "pingan",
            "中国平安财产保险股份有限公司山东分公司",
            None,
        ),
        org(
            "insurer",
            "cpic",
            "中国太平洋财产保险股份有限公司山东分公司",
            None,
        ),
        org("pool", "sd-pool", "山东省小额贷款保证保险共保体", None),
        org("bank", "icbc-yt", "中国工商银行烟台分行", Some("yantai")),
        org("bank", "abc-wf", "中国农业银行潍坊分行", Some("weifang")),
        org("bank", "rcb-dz", "德州农村商业银行", Some("dezhou")),
    ] {
        admin.add_organisation(&o)?;
    }
    admin.set_pool(
        "sd-pool",
        &[
            PoolMemberInput {
                insurer: "picc".into(),
                share: "0.6".into(),
                lead: true,
            },
            PoolMemberInput {
                insurer: "pingan".into(),
                share: "0.4".into(),
                lead: false,
            },
        ],
    )?;
    for c in &CHANNELS {
        admin.add_agreement(&AgreementInput {
            bank: c.bank.into(),
            insurer: c.insurer.into(),
            city: c.city.into(),
            insurer_share: Some("0.7".into()),
            waiting_period_days: Some(90),
            claim_payment_days: None,
            borrower_soft_cap: None,
            guarantee_rate: "0.02".into(),
            accident_rate: "0.005".into(),
            signed_on: "2015-11-20".into(),
        })?;
    }
    let people = [
        ("uw-pool", "共保体核保 刘洋", "underwriter", Some("sd-pool")),
        ("uw-cpic", "太保核保 孙丽", "underwriter", Some("cpic")),
        ("bo-icbc", "工行信贷 赵刚", "bank_officer", Some("icbc-yt")),
        ("bo-abc", "农行信贷 钱敏", "bank_officer", Some("abc-wf")),
        ("bo-rcb", "农商行信贷 周强", "bank_officer", Some("rcb-dz")),
        ("agent", "外勤 吴磊", "field_agent", None),
        ("auditor", "审计 郑洁", "auditor", None),
    ];
    for (username, name, role, org) in people {
        admin.add_user(
            &UserInput {
                username: username.into(),
                display_name: name.into(),
                role: role.into(),
                organisation: org.map(str::to_string),
            },
            password,
        )?;
    }
    let mut desks: BTreeMap<&str, Desk> = BTreeMap::new();
    for (username, ..) in people.iter().filter(|p| p.0 != "auditor") {
        desks.insert(username, Desk::open(path, username, password)?);
    }

    let mut rng = fastrand::Rng::with_seed(20151120);
    let mut events: Vec<Event> = Vec::new();
    let mut channel_of: Vec<&Channel> = Vec::new();
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

    let mut case_no: Vec<Option<String>> = vec![None; cases as usize];
    let mut stuck = vec![false; cases as usize];
    let mut refused: BTreeMap<String, u32> = BTreeMap::new();
    let mut examples: Vec<String> = Vec::new();
    for e in events {
        if stuck[e.case] {
            continue;
        }
        let ch = channel_of[e.case];
        let who = match &e.step {
            Step::Intake(_) => ["agent", ch.banker, ch.underwriter][e.case % 3],
            Step::Investigate { bank_side }
            | Step::Exception { bank_side }
            | Step::Decide { bank_side, .. }
            | Step::Sign { bank_side, .. }
            | Step::Recover { bank_side, .. } => {
                if *bank_side {
                    ch.banker
                } else {
                    ch.underwriter
                }
            }
            Step::Review
            | Step::Disburse
            | Step::Repay(_)
            | Step::Withdraw
            | Step::Claim
            | Step::Close => ch.banker,
            Step::Premium { .. } | Step::PayClaim | Step::RefuseClaim => ch.underwriter,
        };
        let desk = desks.get_mut(who).expect("every actor has a desk");
        desk.set_today(e.date);
        let no = case_no[e.case].clone().unwrap_or_default();
        let case = || CaseRef {
            case_no: no.clone(),
        };
        let note = |text: &str| NoteInput {
            case_no: no.clone(),
            note: text.into(),
        };
        let result = match e.step {
            Step::Intake(input) => desk
                .intake(&input)
                .map(|v| case_no[e.case] = Some(v.case_no)),
            Step::Investigate { .. } => desk
                .investigate(&InvestigationInput {
                    case_no: no.clone(),
                    findings: FindingsInput {
                        tax_arrears_clean: true,
                        debt_evasion_clean: true,
                        violation_record_clean: true,
                    },
                    note: "实地走访，经营正常，纳税记录良好".into(),
                    attachments: vec!["营业执照.pdf".into(), "征信报告.pdf".into()],
                })
                .map(drop),
            Step::Review => desk
                .review_note(&note("会商：经营稳定，还款来源充足，同意推进"))
                .map(drop),
            Step::Exception { .. } => desk
                .approve_exception(&note("订单充足，有应收账款作补充还款来源"))
                .map(drop),
            Step::Decide { approve, .. } => desk
                .decide(&DecisionInput {
                    case_no: no.clone(),
                    approve,
                    reason: if approve {
                        String::new()
                    } else {
                        "负债率偏高，还款能力不足".into()
                    },
                })
                .map(drop),
            Step::Sign { document, .. } => desk
                .sign(&SignInput {
                    case_no: no.clone(),
                    document: document.into(),
                })
                .map(drop),
            Step::Premium { line, amount } => desk
                .record_premium(&PremiumInput {
                    case_no: no.clone(),
                    line: line.into(),
                    amount: amount.to_string(),
                })
                .map(drop),
            Step::Disburse => desk.disburse(&case()).map(drop),
            Step::Repay(amount) => desk
                .repay(&AmountInput {
                    case_no: no.clone(),
                    amount: amount.to_string(),
                })
                .map(drop),
            Step::Withdraw => desk
                .withdraw(&note("申请人资金需求已通过其他渠道解决"))
                .map(drop),
            Step::Claim => desk.file_claim(&case()).map(drop),
            Step::PayClaim => desk.pay_claim(&case()).map(drop),
            Step::RefuseClaim => desk
                .refuse_claim(&note("借款人隐瞒对外担保，属保险条款除外责任"))
                .map(drop),
            Step::Recover { amount, .. } => desk
                .record_recovery(&AmountInput {
                    case_no: no.clone(),
                    amount: amount.to_string(),
                })
                .map(drop),
            Step::Close => desk.close(&note("追偿结束，结案")).map(drop),
        };
        if let Err(err) = result {
            if examples.len() < 5 {
                examples.push(format!("{} {who}: {}", e.date, err.message_zh));
            }
            *refused.entry(err.code.as_str().to_string()).or_default() += 1;
            stuck[e.case] = true;
        }
    }
    let end = d(2016, 12, 31);
    admin.set_today(end);
    admin.refresh_overdue()?;
    // Whoever opens the demo later sees it as of the end of the replayed year.
    admin.mark_demo(end)?;

    let mut by_status = BTreeMap::new();
    for s in CaseStatus::ALL {
        let n = admin
            .case_list(&surety::api::CaseListInput {
                status: Some(s.code().into()),
                limit: Some(1),
                ..Default::default()
            })?
            .total;
        if n > 0 {
            by_status.insert(s.code().to_string(), n as u32);
        }
    }
    Ok(DemoSummary {
        database: path.display().to_string(),
        password_note: "every demo user has the password given to `surety demo`".into(),
        users: std::iter::once("admin".to_string())
            .chain(people.iter().map(|p| p.0.to_string()))
            .collect(),
        cases,
        by_status,
        refused,
        refused_examples: examples,
        as_of: end.to_string(),
    })
}

fn plan_case(
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
