//! Claims on the guarantee policy: filing (R-CLAIM-1/2), payment with the pool's split
//! (R-SHARE-1) and recoveries after it (R-RECOV-1).

use crate::case_file::views::CaseView;
use crate::desk::error::DeskResult;
use crate::desk::parse::parse_positive_money;
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::origination::inputs::AmountInput;
use crate::origination::inputs::CaseRef;
use surety_domain::claim::{claim_cutoff, claim_deadline, claim_loss};
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::process::Step;
use surety_domain::Rule;
use surety_domain::{split_loss, CaseStatus, Money, Violation};
use surety_store::sections::{self, CaseRecord, ClaimRecord, Recovery};
use surety_store::StoreError;

impl Desk {
    /// 索赔: once overdue for the waiting period and not cured (R-CLAIM-1), the loss at the
    /// cut-off (R-CLAIM-2) split by the agreement's share and the pool (R-SHARE-1).
    pub fn file_claim(&mut self, input: &CaseRef) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Claim)?;
        let agreement = self.agreement_of(&case)?;
        let conn = self.store.connection();
        let (schedule, paid) = sections::position(conn, case.id)?;
        let today = self.today();
        let cutoff = claim_cutoff(&schedule, &paid, today, agreement.waiting_period_days)?;
        let recovered_before: Money = sections::recoveries(conn, case.id)?
            .iter()
            .filter(|r| r.before_claim)
            .map(|r| r.amount)
            .sum();
        let contract_date = case.contract_date.unwrap_or(case.application_date);
        let loss = claim_loss(
            &schedule,
            &paid,
            case.annual_rate,
            contract_date,
            cutoff,
            recovered_before,
        );
        let split = split_loss(loss.loss, agreement.insurer_share, &self.pool_for(&case)?);
        let record = ClaimRecord {
            cutoff: cutoff.to_string(),
            outstanding_principal: loss.outstanding_principal,
            interest_due: loss.interest_due_unpaid,
            interest_accrued: loss.interest_accrued,
            recovered_before,
            loss: loss.loss,
            insurer: split.insurer,
            bank: split.bank,
            members: split.members,
            filed_on: today.to_string(),
            paid_on: None,
            refused_on: None,
            refusal_reason: None,
        };
        debug_assert_eq!(
            record.insurer + record.bank,
            record.loss,
            "the insurer and the bank bear the whole loss between them (R-SHARE-1)"
        );
        let actor = self.actor();
        self.store.write(&actor, "case.claim", |tx| {
            sections::save_claim(tx, case.id, &record)?;
            sections::set_status(tx, &case, CaseStatus::Claimed)?;
            Ok(case_note(
                &case.case_no,
                format!(
                    "claim filed: loss {} (insurer {}, bank {}), cut-off {cutoff}",
                    record.loss, record.insurer, record.bank
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 赔付: the insurer pays its share; this counts in the loss ratio (R-STOP-1).
    pub fn pay_claim(&mut self, input: &CaseRef) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::PayClaim)?;
        let day = self.today();
        let today = day.to_string();
        let actor = self.actor();
        let insurer_id = case.insurer_id.expect("cases have an insurer");
        let city = case.city;
        let threshold = self.settings.limits_for(city).stop_loss_ratio;
        let year = pilot_year_of(day, self.settings.pilot_year_start_for(city));
        let payment_days = self.agreement_of(&case)?.claim_payment_days;
        self.store.write(&actor, "case.claim_paid", |tx| {
            let claim = sections::claim(tx, case.id)?;
            if !sections::mark_claim_paid(tx, case.id, &today)? {
                return Err(StoreError::Rule(Violation::new(
                    Rule::WrongState,
                    "case_no",
                    "没有待赔付的索赔",
                    "there is no claim waiting to be paid",
                )));
            }
            sections::set_status(tx, &case, CaseStatus::ClaimPaid)?;
            // R-CLAIM-4: a payment after the agreement's period is on the record as late.
            let late = match claim {
                Some(c) => {
                    let filed = crate::claims::settlement::stored_day("filed_on", &c.filed_on)?;
                    claim_deadline(filed, payment_days, Some(day), day).days_late
                }
                None => 0,
            };
            // R-STOP-1: the payment that takes the year's ratio to the stop line records
            // the stop, read inside this transaction, once.
            let stop = record_stop_if_reached(tx, &case, insurer_id, &year, day, threshold)?;
            Ok(case_note(
                    &case.case_no,
                    format!(
                        "claim paid on {today}; status claimed -> claim_paid{}{}",
                        if late > 0 {
                            format!("; R-CLAIM-4 paid {late} days after the {payment_days}-day payment period")
                        } else {
                            String::new()
                        },
                        stop.unwrap_or_default()
                    ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 追偿: before a claim, a recovery reduces the loss; after it, it is split like the
    /// loss (R-RECOV-1), the insurer's part again by pool shares.
    pub fn record_recovery(&mut self, input: &AmountInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Recover)?;
        let amount = parse_positive_money("amount", &input.amount, "追偿金额", "the amount")?;
        let before_claim = matches!(case.status, CaseStatus::Overdue);
        // After a refused claim (拒赔) the insurer paid nothing: what is recovered is the bank's.
        let refused = matches!(case.status, CaseStatus::ClaimRefused);
        // The process check allowed overdue, claim-paid, recovering or refused cases only.
        let after_claim = !before_claim && !refused;
        let recovery = self.recovery_split(&case, amount, before_claim, refused)?;
        let to = if after_claim {
            CaseStatus::Recovery
        } else {
            case.status
        };
        let actor = self.actor();
        let today = self.today();
        self.store.write(&actor, "case.recovery", |tx| {
            // Never more than is still unrecovered, read in this write.
            let cap = unrecovered(tx, &case, before_claim, today)?;
            if amount > cap {
                return Err(StoreError::Rule(
                    Violation::new(
                        Rule::RRecov1,
                        "amount",
                        format!("追偿金额 {amount} 元超过尚未追回的 {cap} 元"),
                        format!("{amount} CNY is more than the {cap} CNY still unrecovered"),
                    )
                    .with_limit(cap),
                ));
            }
            sections::save_recovery(tx, case.id, &recovery)?;
            // Through the case's version even when the state stays, so two recoveries
            // entered at once cannot both pass the cap.
            sections::set_status(tx, &case, to)?;
            Ok(case_note(
                &case.case_no,
                format!(
                    "recovery {amount}: insurer {}, bank {}{}",
                    recovery.insurer,
                    recovery.bank,
                    if before_claim {
                        " (before the claim)"
                    } else if refused {
                        " (the claim was refused: all the bank's)"
                    } else {
                        ""
                    }
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// A recovery split as the loss was (R-RECOV-1), the insurer's part again by pool
    /// shares; before a claim, or after a refused one, it is all the bank's.
    fn recovery_split(
        &self,
        case: &CaseRecord,
        amount: Money,
        before_claim: bool,
        refused: bool,
    ) -> DeskResult<Recovery> {
        let received_on = self.today().to_string();
        if before_claim || refused {
            return Ok(Recovery {
                received_on,
                amount,
                insurer: Money::ZERO,
                bank: amount,
                members: vec![],
                before_claim,
            });
        }
        let agreement = self.agreement_of(case)?;
        let s = split_loss(amount, agreement.insurer_share, &self.pool_for(case)?);
        Ok(Recovery {
            received_on,
            amount,
            insurer: s.insurer,
            bank: s.bank,
            members: s.members,
            before_claim: false,
        })
    }
}

/// What is still unrecovered, read in the recovery's write: before a claim, what the
/// borrower owes today less earlier recoveries; after it, the claim's loss less what was
/// recovered since.
fn unrecovered(
    tx: &surety_store::Transaction,
    case: &CaseRecord,
    before_claim: bool,
    today: chrono::NaiveDate,
) -> surety_store::StoreResult<Money> {
    let earlier = sections::recoveries(tx, case.id)?;
    let since = |before: bool| -> Money {
        earlier
            .iter()
            .filter(|r| r.before_claim == before)
            .map(|r| r.amount)
            .sum()
    };
    let left = if before_claim {
        crate::case_file::payoff::figure(tx, case, today)?.total - since(true)
    } else {
        let loss = sections::claim(tx, case.id)?
            .map(|k| k.loss)
            .unwrap_or(Money::ZERO);
        loss - since(false)
    };
    Ok(left.max(Money::ZERO))
}

/// R-STOP-1: if this payment takes the insurer's loss ratio in the city's pilot year to
/// the stop line, the stop is recorded (once); answers the audit note's words for it.
fn record_stop_if_reached(
    tx: &surety_store::Transaction,
    case: &CaseRecord,
    insurer_id: i64,
    year: &surety_domain::PilotYear,
    day: chrono::NaiveDate,
    threshold: rust_decimal::Decimal,
) -> surety_store::StoreResult<Option<String>> {
    let city = case.city;
    let ratio = crate::desk::access::year_loss_ratio(tx, insurer_id, city, year, day)?;
    let stopped = ratio.is_suspended(threshold)
        && sections::record_stop(
            tx,
            insurer_id,
            city.code(),
            &sections::BusinessStop {
                stopped_on: day.to_string(),
                year_start: year.start.to_string(),
                year_end: year.end.to_string(),
                premiums: ratio.premiums_received,
                claims: ratio.claims_paid,
                ratio: ratio.percent().unwrap_or_else(|| "∞".into()),
                case_no: case.case_no.clone(),
            },
        )?;
    Ok(stopped.then(|| {
        format!(
            "; R-STOP-1 reached in {} ({}): new business stopped to {}",
            city.code(),
            ratio.percent().unwrap_or_default(),
            year.end
        )
    }))
}
