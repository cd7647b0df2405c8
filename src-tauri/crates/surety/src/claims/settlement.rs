//! R-CLAIM-4 (§4.3 拒赔/拖赔): the insurer refuses a claim only with a reason, which the bank
//! sees on the case; a claim left unpaid after the agreement's payment period is delayed,
//! and shows so on both sides' to-do lists and in the loss-ratio statistics.

use crate::case_file::views::CaseView;
use crate::desk::dto;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use crate::origination::case_flow::NoteInput;
use chrono::NaiveDate;
use surety_domain::claim::{claim_deadline, ClaimDeadline};
use surety_domain::process::Step;
use surety_domain::Rule;
use surety_domain::{CaseStatus, City, PilotYear, Violation};
use surety_store::sections::{self, CaseRecord, ClaimRecord};
use surety_store::{StoreError, StoreResult};

/// A stored day; anything else in the column is a damaged database.
pub(crate) fn stored_day(column: &str, text: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("claims: column {column} holds `{text}`")))
}

/// R-CLAIM-4 for one insurer in one city: claims waiting for the insurer, those of them
/// past the payment period, and refusals in the pilot year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ClaimSettlement {
    pub pending: u32,
    pub delayed: u32,
    pub refused: u32,
}

impl Desk {
    /// 拒赔: the insurer refuses a filed claim, with the reason the bank will read.
    pub fn refuse_claim(&mut self, input: &NoteInput) -> DeskResult<CaseView> {
        let case = self.case(&input.case_no)?;
        self.check_side_step(&case, Step::RefuseClaim)?;
        let reason = crate::desk::text::clean("note", &input.note, crate::desk::text::NOTE)?;
        if reason.is_empty() {
            return Err(DeskError::invalid(
                "note",
                "拒赔必须说明理由（将告知银行）",
                "a refusal needs a reason (the bank will see it)",
            ));
        }
        let payment_days = self.agreement_of(&case)?.claim_payment_days;
        let today = self.today();
        let actor = self.actor();
        self.store.write(&actor, "case.claim_refused", |tx| {
            // The claim must still be open when the refusal is written, not when it was read.
            let filed_on = sections::claim(tx, case.id)?
                .map(|c| stored_day("filed_on", &c.filed_on))
                .transpose()?;
            let refused = match filed_on {
                Some(_) => sections::refuse_claim(tx, case.id, &today.to_string(), &reason)?,
                None => false,
            };
            let Some(filed_on) = filed_on.filter(|_| refused) else {
                return Err(StoreError::Rule(Violation::new(
                    Rule::WrongState,
                    "case_no",
                    "没有待赔付或拒赔的索赔",
                    "there is no claim waiting to be paid or refused",
                )));
            };
            sections::set_status(tx, &case, CaseStatus::ClaimRefused)?;
            let late = claim_deadline(filed_on, payment_days, Some(today), today).days_late;
            Ok(case_note(
                    &case.case_no,
                    format!(
                        "claim refused on {today}: {reason}; status claimed -> claim_refused{}",
                        if late > 0 {
                            format!(
                                "; R-CLAIM-4 decided {late} days after the {payment_days}-day payment period"
                            )
                        } else {
                            String::new()
                        }
                    ),
            ))
        })?;
        self.case_show(&case.case_no)
    }

    /// The claim's payment deadline under the case's agreement, as of the business date.
    pub(crate) fn claim_deadline_of(
        &self,
        case: &CaseRecord,
        claim: &ClaimRecord,
    ) -> DeskResult<ClaimDeadline> {
        let settled = claim.paid_on.as_ref().or(claim.refused_on.as_ref());
        let settled_on = settled
            .map(|d| stored_day("paid_on/refused_on", d))
            .transpose()?;
        Ok(claim_deadline(
            stored_day("filed_on", &claim.filed_on)?,
            self.agreement_of(case)?.claim_payment_days,
            settled_on,
            self.today(),
        ))
    }

    /// The claim as the case page shows it.
    pub(crate) fn claim_view(&self, case: &CaseRecord) -> DeskResult<Option<dto::ClaimRecord>> {
        let Some(claim) = sections::claim(self.store.connection(), case.id)? else {
            return Ok(None);
        };
        let deadline = self.claim_deadline_of(case, &claim)?;
        Ok(Some(dto::ClaimRecord::new(claim, deadline)))
    }

    /// Pending, delayed (as of `date`) and refused (in `year` up to `date`) claims of an
    /// insurer in a city.
    pub(crate) fn claim_settlement(
        &self,
        insurer_id: i64,
        city: City,
        year: &PilotYear,
        date: NaiveDate,
    ) -> DeskResult<ClaimSettlement> {
        let (open, refused) = sections::claim_settlement_inputs(
            self.store.connection(),
            insurer_id,
            city.code(),
            &year.start.to_string(),
            &year.end.min(date).to_string(),
        )?;
        let mut out = ClaimSettlement {
            refused,
            ..Default::default()
        };
        for (filed_on, days) in open {
            let filed_on = stored_day("filed_on", &filed_on)?;
            // A claim filed after `date` (a replayed year) is not yet there.
            if filed_on > date {
                continue;
            }
            out.pending += 1;
            if claim_deadline(filed_on, days, None, date).delayed {
                out.delayed += 1;
            }
        }
        Ok(out)
    }
}
