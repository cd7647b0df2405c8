//! Withdrawal after approval: the bank and the insurer withdraw an
//! approved case together — the first side's withdrawal is its consent, the second's
//! completes it — and any premium received is refunded in full on that day, recorded, and
//! out of the loss ratio from then on (`sections::loss_ratio_inputs`).

use crate::case_file::views::CaseView;
use crate::desk::error::{DeskError, DeskResult};
use crate::desk::steps::case_note;
use crate::desk::Desk;
use surety_domain::process::Party;
use surety_domain::Rule;
use surety_domain::{CaseStatus, Side, Violation};
use surety_store::sections::{self, CaseRecord, SideAct};
use surety_store::{withdrawals, StoreError};

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Bank => "bank",
        Side::Insurer => "insurer",
    }
}

impl Desk {
    pub(crate) fn withdraw_jointly(
        &mut self,
        case: &CaseRecord,
        party: Party,
        reason: &str,
    ) -> DeskResult<CaseView> {
        let side = joint_side(party)?;
        let other = match side {
            Side::Bank => Side::Insurer,
            Side::Insurer => Side::Bank,
        };
        let today = self.today().to_string();
        let (actor, uid) = (self.actor(), self.user.id);
        let consent = SideAct {
            side,
            approve: true,
            reason: reason.to_string(),
            by: self.user.display_name.clone(),
            on: today.clone(),
        };
        self.store.write(&actor, "case.withdraw", |tx| {
            if !withdrawals::save_consent(tx, case.id, uid, &consent)? {
                return Err(StoreError::Rule(Violation::new(
                    Rule::InvalidInput,
                    "case_no",
                    "本方已同意撤回，等待另一方确认",
                    "your side has already agreed to withdraw: the other side confirms",
                )));
            }
            let agreed = withdrawals::consents(tx, case.id)?;
            if !agreed.iter().any(|c| c.side == other) {
                // The state stays; the version moves, so a form opened before sees the change.
                sections::set_status(tx, case, case.status)?;
                return Ok(case_note(
                    &case.case_no,
                    format!(
                        "withdrawal agreed by the {}: {reason}; waiting for the {}",
                        side_name(side),
                        side_name(other)
                    ),
                ));
            }
            let refunds = withdrawals::refund_premiums(tx, case.id, &today)?;
            sections::set_status(tx, case, CaseStatus::Withdrawn)?;
            let refunded = refunds_note(&refunds);
            Ok(case_note(
                &case.case_no,
                format!(
                    "withdrawn by both sides ({}: {reason}); status {} -> withdrawn; {refunded}",
                    side_name(side),
                    case.status.code()
                ),
            ))
        })?;
        self.case_show(&case.case_no)
    }
}

/// After both approvals only the bank and the insurer withdraw; the process check already
/// refuses a field agent once a side has decided.
fn joint_side(party: Party) -> DeskResult<Side> {
    match party {
        Party::Bank => Ok(Side::Bank),
        Party::Insurer => Ok(Side::Insurer),
        Party::FieldAgent => Err(DeskError::not_permitted(
            "双方批准后，只有银行和保险公司可以共同撤回",
            "after both approvals only the bank and the insurer withdraw, together",
        )),
    }
}

/// What a withdrawal gave back, for its audit entry.
fn refunds_note(refunds: &[surety_store::withdrawals::Refund]) -> String {
    if refunds.is_empty() {
        return "no premium had been received".to_string();
    }
    let lines: Vec<String> = refunds
        .iter()
        .map(|r| format!("{} {}", r.line, r.amount))
        .collect();
    format!("premiums refunded: {}", lines.join(", "))
}
