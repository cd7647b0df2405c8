//! After disbursement: repayments (oldest first, interest before principal), the overdue
//! state, the claim (R-CLAIM-1/2, R-SHARE-1), recoveries (R-RECOV-1), closing, and the
//! loss-ratio watch (R-STOP-1/2).

use crate::case_flow::{CaseRef, NoteInput};
use crate::desk::Desk;
use crate::error::{DeskError, DeskResult};
use crate::quote::parse_positive_money;
use crate::views::CaseView;
use serde::{Deserialize, Serialize};
use surety_domain::claim::{
    allocate, claim_cutoff, claim_deadline, claim_loss, days_overdue, loan_status, overdue_since,
};
use surety_domain::loss_ratio::pilot_year_of;
use surety_domain::npl::classify;
use surety_domain::process::Step;
use surety_domain::{split_loss, CaseStatus, City, LossRatio, Money, Pool, Violation};
use surety_store::orgs;
use surety_store::sections::{self, CaseRecord, ClaimRecord, Recovery, Repayment, RepaymentKind};
use surety_store::{AuditNote, Role, StoreError};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AmountInput {
    pub case_no: String,
    pub amount: String,
}

/// One change made by `refresh_overdue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverdueChange {
    pub case_no: String,
    pub from: String,
    pub to: String,
    pub days_overdue: u32,
}

/// The line that stands for every insurer outside the reader's work, all cities.
pub const OTHER_INSURERS: &str = "其他保险公司合计 / other insurers (total)";

/// R-STOP-1/2 for one underwriter in one city and pilot year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LossRatioLine {
    pub insurer: String,
    pub insurer_name: String,
    pub city: String,
    pub year_start: String,
    pub year_end: String,
    pub premiums_received: String,
    pub claims_paid: String,
    /// e.g. "152.35%"; null while no premium was received.
    pub loss_ratio: Option<String>,
    pub suspended: bool,
    /// The day the stop ratio was reached this pilot year (R-STOP-1: recorded once, it holds
    /// to the year's end).
    pub stopped_on: Option<String>,
    /// R-STOP-2: what the city compensates above 150% of premiums.
    pub compensation_due: String,
    /// Of that, what the city has paid so far, and what it still owes.
    pub compensation_paid: String,
    pub compensation_outstanding: String,
    /// R-CLAIM-4: claims filed and waiting for the insurer now.
    pub claims_pending: u32,
    /// Of those, the ones past the agreement's payment period (拖赔).
    pub claims_delayed: u32,
    /// Claims refused (拒赔) in the pilot year so far.
    pub claims_refused: u32,
    /// R-CLAIM-3: borrower accident claims paid this pilot year, apart from the guarantee
    /// line (not in the loss ratio).
    pub accident_claims_paid: String,
}

impl Desk {
    pub(crate) fn pool_for(&self, case: &CaseRecord) -> DeskResult<Pool> {
        let conn = self.store.connection();
        let insurer = orgs::org_by_id(conn, case.insurer_id.expect("cases have an insurer"))?
            .ok_or_else(|| DeskError::not_found("保险公司", "insurer", "?"))?;
        Ok(Pool::new(orgs::pool_of(conn, &insurer)?)?)
    }

    /// 还款: applied to the oldest unpaid amounts first, interest before principal.
    pub fn repay(&mut self, input: &AmountInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Repay)?;
        let amount = parse_positive_money("amount", &input.amount, "还款金额", "the repayment")?;
        let today = self.today();
        let (actor, uid) = (self.actor(), self.user.id);
        self.store.write(&actor, "case.repay", |tx| {
            // The allocation depends on what was paid: read inside this write.
            let (schedule, mut paid) = sections::position(tx, case.id)?;
            let (allocations, left) = allocate(&schedule, &paid, amount);
            if !left.is_zero() {
                let owed = amount - left;
                return Err(StoreError::Rule(Violation::new(
                    "INVALID_INPUT",
                    "amount",
                    format!("还款 {amount} 元超过尚欠的 {owed} 元"),
                    format!("the repayment {amount} CNY exceeds the {owed} CNY still owed"),
                )));
            }
            surety_domain::claim::apply(&mut paid, schedule.len(), &allocations);
            let to = loan_status(&schedule, &paid, today);
            let r = Repayment {
                paid_on: today.to_string(),
                amount,
                kind: RepaymentKind::Installment,
                schedule_version: surety_store::schedules::current_version(tx, case.id)?,
                allocations,
            };
            sections::save_repayment(tx, case.id, uid, &r)?;
            // Always through the case's version, so two repayments recorded at once
            // cannot both allocate against the same reading.
            sections::set_status(tx, &case, to)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "repayment {amount} on {today}; status {} -> {}",
                        case.status.code(),
                        to.code()
                    ),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// Brings every disbursed loan's overdue state up to today (the bank's own, for a
    /// bank officer; all, for an admin). Each change is its own transaction and entry.
    pub fn refresh_overdue(&mut self) -> DeskResult<Vec<OverdueChange>> {
        self.require_role(
            &[Role::Admin, Role::BankOfficer],
            "更新逾期状态",
            "refresh overdue states",
        )?;
        let bank = (self.user.role == Role::BankOfficer)
            .then_some(self.user.organisation_id)
            .flatten();
        let case_nos: Vec<String> = sections::live_loans(self.store.connection(), bank)?
            .into_iter()
            .map(|l| l.case_no)
            .collect();
        let today = self.today();
        let mut changes = Vec::new();
        for case_no in case_nos {
            let case = self.case(&case_no)?;
            let conn = self.store.connection();
            let (schedule, paid) = sections::position(conn, case.id)?;
            let days = days_overdue(&schedule, &paid, today);
            let to = if days > 0 {
                CaseStatus::Overdue
            } else {
                CaseStatus::Disbursed
            };
            if to == case.status {
                continue;
            }
            let since = overdue_since(&schedule, &paid, today)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let class = classify(days, &self.settings.npl);
            let actor = self.actor();
            self.store.write(&actor, "case.overdue", |tx| {
                sections::save_overdue_event(
                    tx,
                    case.id,
                    &today.to_string(),
                    &since,
                    days,
                    class.name_zh(),
                )?;
                sections::set_status(tx, &case, to)?;
                Ok((
                    (),
                    AuditNote::new(
                        "case",
                        &case.case_no,
                        format!(
                            "as of {today}: {days} days overdue; status {} -> {}",
                            case.status.code(),
                            to.code()
                        ),
                    ),
                ))
            })?;
            changes.push(OverdueChange {
                case_no,
                from: case.status.code().into(),
                to: to.code().into(),
                days_overdue: days,
            });
        }
        Ok(changes)
    }

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
        let actor = self.actor();
        self.store.write(&actor, "case.claim", |tx| {
            sections::save_claim(tx, case.id, &record)?;
            sections::set_status(tx, &case, CaseStatus::Claimed)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "claim filed: loss {} (insurer {}, bank {}), cut-off {cutoff}",
                        record.loss, record.insurer, record.bank
                    ),
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
                    "WRONG_STATE",
                    "case_no",
                    "没有待赔付的索赔",
                    "there is no claim waiting to be paid",
                )));
            }
            sections::set_status(tx, &case, CaseStatus::ClaimPaid)?;
            // R-CLAIM-4: a payment after the agreement's period is on the record as late.
            let late = match claim {
                Some(c) => {
                    let filed = crate::claim_settlement::stored_day("filed_on", &c.filed_on)?;
                    claim_deadline(filed, payment_days, Some(day), day).days_late
                }
                None => 0,
            };
            // R-STOP-1: the payment that takes the year's ratio to the stop line records
            // the stop, read inside this transaction, once.
            let ratio = crate::case_access::year_loss_ratio(tx, insurer_id, city, &year, day)?;
            let stopped = ratio.is_suspended(threshold)
                && sections::record_stop(
                    tx,
                    insurer_id,
                    city.code(),
                    &sections::BusinessStop {
                        stopped_on: today.clone(),
                        year_start: year.start.to_string(),
                        year_end: year.end.to_string(),
                        premiums: ratio.premiums_received,
                        claims: ratio.claims_paid,
                        ratio: ratio.percent().unwrap_or_else(|| "∞".into()),
                        case_no: case.case_no.clone(),
                    },
                )?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!(
                        "claim paid on {today}; status claimed -> claim_paid{}{}",
                        if late > 0 {
                            format!("; R-CLAIM-4 paid {late} days after the {payment_days}-day payment period")
                        } else {
                            String::new()
                        },
                        if stopped {
                            format!(
                                "; R-STOP-1 reached in {} ({}): new business stopped to {}",
                                city.code(),
                                ratio.percent().unwrap_or_default(),
                                year.end
                            )
                        } else {
                            String::new()
                        }
                    ),
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
        let recovery = if before_claim || refused {
            Recovery {
                received_on: self.today().to_string(),
                amount,
                insurer: Money::ZERO,
                bank: amount,
                members: vec![],
                before_claim,
            }
        } else {
            let agreement = self.agreement_of(&case)?;
            let s = split_loss(amount, agreement.insurer_share, &self.pool_for(&case)?);
            Recovery {
                received_on: self.today().to_string(),
                amount,
                insurer: s.insurer,
                bank: s.bank,
                members: s.members,
                before_claim: false,
            }
        };
        let to = if after_claim {
            CaseStatus::Recovery
        } else {
            case.status
        };
        let actor = self.actor();
        let today = self.today();
        self.store.write(&actor, "case.recovery", |tx| {
            // Never more than is still unrecovered, read in this write: before a claim, what
            // the borrower owes today less earlier recoveries; after it, the claim's loss
            // less what was recovered since.
            let earlier = sections::recoveries(tx, case.id)?;
            let cap = if before_claim {
                crate::early_repayment::figure(tx, &case, today)?.total
                    - earlier
                        .iter()
                        .filter(|r| r.before_claim)
                        .map(|r| r.amount)
                        .sum()
            } else {
                let loss = sections::claim(tx, case.id)?
                    .map(|k| k.loss)
                    .unwrap_or(Money::ZERO);
                loss - earlier
                    .iter()
                    .filter(|r| !r.before_claim)
                    .map(|r| r.amount)
                    .sum()
            }
            .max(Money::ZERO);
            if amount > cap {
                return Err(StoreError::Rule(
                    Violation::new(
                        "R-RECOV-1",
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
            Ok((
                (),
                AuditNote::new(
                    "case",
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
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// 结案: after the claim is paid (and any recovery made).
    pub fn close(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Close)?;
        let actor = self.actor();
        let note = crate::text::clean("note", &input.note, crate::text::NOTE)?;
        let today = self.today().to_string();
        self.store.write(&actor, "case.close", |tx| {
            sections::set_status(tx, &case, CaseStatus::Closed)?;
            sections::set_closed_on(tx, case.id, &today)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!("closed: {note}; status {} -> closed", case.status.code()),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// R-DEFAULT-1: the borrower is flagged for notification as a malicious evader.
    pub fn flag_evasion(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::Flag)?;
        let reason = &crate::text::clean("note", &input.note, crate::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "必须说明认定恶意逃废债的理由",
                "say why the evasion is considered malicious",
            ));
        }
        let actor = self.actor();
        let today = self.today().to_string();
        self.store.write(&actor, "borrower.flag_evasion", |tx| {
            sections::flag_evasion(tx, case.borrower_id, reason, &today, &case.case_no)?;
            Ok((
                (),
                AuditNote::new(
                    "case",
                    &case.case_no,
                    format!("R-DEFAULT-1 borrower flagged: {reason}"),
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// R-STOP-1/2 for every underwriter and city, in the pilot year containing `date`.
    pub fn loss_ratios(&self, date: chrono::NaiveDate) -> DeskResult<Vec<LossRatioLine>> {
        let conn = self.store.connection();
        let pairs = orgs::underwriter_cities(conn)?;
        let partners = self.partners()?;
        let mut out = Vec::new();
        // Insurers outside the reader's work show only as one total.
        let (mut other_premiums, mut other_claims) = (Money::ZERO, Money::ZERO);
        let mut other_settlement = crate::claim_settlement::ClaimSettlement::default();
        // One grouped read per distinct pilot year (cities share them as a rule).
        let mut by_year: std::collections::BTreeMap<(String, String), sections::PairInputs> =
            std::collections::BTreeMap::new();
        for (insurer_id, city_code) in pairs {
            let city: City = city_code.parse().map_err(|_| {
                surety_store::StoreError::Corrupt(format!(
                    "agreements: column city holds `{city_code}`"
                ))
            })?;
            let year = pilot_year_of(date, self.settings.pilot_year_start_for(city));
            let span = (year.start.to_string(), year.end.min(date).to_string());
            if !by_year.contains_key(&span) {
                let inputs = sections::loss_ratio_inputs_all(conn, &span.0, &span.1)?;
                by_year.insert(span.clone(), inputs);
            }
            let (premiums, claims) = by_year[&span]
                .get(&(insurer_id, city_code.clone()))
                .copied()
                .unwrap_or((Money::ZERO, Money::ZERO));
            let ratio = LossRatio::new(claims, premiums);
            let stop = self.stop_in_force(insurer_id, city, date)?;
            let settlement = self.claim_settlement(insurer_id, city, &year, date)?;
            if partners.as_ref().is_some_and(|p| !p.contains(&insurer_id)) {
                other_premiums += ratio.premiums_received;
                other_claims += ratio.claims_paid;
                other_settlement.pending += settlement.pending;
                other_settlement.delayed += settlement.delayed;
                other_settlement.refused += settlement.refused;
                continue;
            }
            let threshold = self.settings.limits_for(city).stop_loss_ratio;
            let org = orgs::org_by_id(conn, insurer_id)?;
            // R-STOP-2: what the city paid against the due figure this line already has.
            let due = ratio.compensation_due(threshold);
            let paid = crate::compensation::paid_so_far(conn, insurer_id, city, &year, date)?;
            out.push(LossRatioLine {
                insurer: org.as_ref().map(|o| o.code.clone()).unwrap_or_default(),
                insurer_name: org.map(|o| o.name).unwrap_or_default(),
                city: city_code,
                year_start: year.start.to_string(),
                year_end: year.end.to_string(),
                premiums_received: ratio.premiums_received.to_string(),
                claims_paid: ratio.claims_paid.to_string(),
                loss_ratio: ratio.percent(),
                suspended: ratio.is_suspended(threshold) || stop.is_some(),
                stopped_on: stop.map(|s| s.stopped_on),
                compensation_due: due.to_string(),
                compensation_paid: paid.to_string(),
                compensation_outstanding: (due - paid).max(Money::ZERO).to_string(),
                claims_pending: settlement.pending,
                claims_delayed: settlement.delayed,
                claims_refused: settlement.refused,
                accident_claims_paid: surety_store::accident_claims::paid_in(
                    conn,
                    insurer_id,
                    city.code(),
                    &year.start.to_string(),
                    &year.end.min(date).to_string(),
                )?
                .to_string(),
            });
        }
        if !other_premiums.is_zero() || !other_claims.is_zero() {
            let total = LossRatio::new(other_claims, other_premiums);
            out.push(LossRatioLine {
                insurer: String::new(),
                insurer_name: OTHER_INSURERS.into(),
                city: String::new(),
                year_start: String::new(),
                year_end: String::new(),
                premiums_received: total.premiums_received.to_string(),
                claims_paid: total.claims_paid.to_string(),
                loss_ratio: total.percent(),
                suspended: false,
                stopped_on: None,
                compensation_due: Money::ZERO.to_string(),
                compensation_paid: Money::ZERO.to_string(),
                compensation_outstanding: Money::ZERO.to_string(),
                claims_pending: other_settlement.pending,
                claims_delayed: other_settlement.delayed,
                claims_refused: other_settlement.refused,
                accident_claims_paid: Money::ZERO.to_string(),
            });
        }
        Ok(out)
    }
}
