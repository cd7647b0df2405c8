//! The planned year replayed step by step, each step by the desk of the side that owns it,
//! on its own day; a step the rules refuse stops its case there and is counted.

use super::cast::Channel;
use super::plan::{Event, Step};
use std::collections::BTreeMap;
use surety::api::{
    AmountInput, CaseRef, DecisionInput, Desk, DeskResult, FindingsInput, InvestigationInput,
    NoteInput, PremiumInput, RepaymentInput, SignInput,
};

/// What the rules refused during the replay: counts by code and the first few, as read.
#[derive(Default)]
pub(super) struct Refusals {
    pub(super) by_code: BTreeMap<String, u32>,
    pub(super) examples: Vec<String>,
}

/// Who records a step: the bank's officer, the insurer's underwriter, or (intakes) one of
/// the agent, the banker and the underwriter in turn.
fn actor(step: &Step, case: usize, ch: &Channel) -> &'static str {
    match step {
        Step::Intake(_) => ["agent", ch.banker, ch.underwriter][case % 3],
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
    }
}

pub(super) fn run(
    desks: &mut BTreeMap<&str, Desk>,
    events: Vec<Event>,
    channel_of: &[&Channel],
) -> Refusals {
    let cases = channel_of.len();
    let mut case_no: Vec<Option<String>> = vec![None; cases];
    let mut stuck = vec![false; cases];
    let mut refused = Refusals::default();
    for e in events {
        if stuck[e.case] {
            continue;
        }
        let who = actor(&e.step, e.case, channel_of[e.case]);
        let desk = desks.get_mut(who).expect("every actor has a desk");
        desk.set_today(e.date);
        let no = case_no[e.case].clone().unwrap_or_default();
        match take(desk, e.step, &no) {
            Ok(Some(new_no)) => case_no[e.case] = Some(new_no),
            Ok(None) => {}
            Err(err) => {
                if refused.examples.len() < 5 {
                    refused
                        .examples
                        .push(format!("{} {who}: {}", e.date, err.message_zh));
                }
                *refused
                    .by_code
                    .entry(err.code.as_str().to_string())
                    .or_default() += 1;
                stuck[e.case] = true;
            }
        }
    }
    refused
}

/// One step on case `no`; an intake answers the case number it was given.
fn take(desk: &mut Desk, step: Step, no: &str) -> DeskResult<Option<String>> {
    let case = || CaseRef {
        case_no: no.to_string(),
    };
    let note = |text: &str| NoteInput {
        case_no: no.to_string(),
        note: text.into(),
    };
    let amount = |amount: surety::api::Money| AmountInput {
        case_no: no.to_string(),
        amount: amount.to_string(),
    };
    match step {
        Step::Intake(input) => return desk.intake(&input).map(|v| Some(v.case_no)),
        Step::Investigate { .. } => desk
            .investigate(&InvestigationInput {
                case_no: no.to_string(),
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
                case_no: no.to_string(),
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
                case_no: no.to_string(),
                document: document.into(),
            })
            .map(drop),
        Step::Premium { line, amount } => desk
            .record_premium(&PremiumInput {
                case_no: no.to_string(),
                line: line.into(),
                amount: amount.to_string(),
            })
            .map(drop),
        Step::Disburse => desk.disburse(&case()).map(drop),
        Step::Repay(a) => desk
            .repay(&RepaymentInput {
                case_no: no.to_string(),
                amount: a.to_string(),
                value_date: None,
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
        Step::Recover { amount: a, .. } => desk.record_recovery(&amount(a)).map(drop),
        Step::Close => desk.close(&note("追偿结束，结案")).map(drop),
    }?;
    Ok(None)
}
