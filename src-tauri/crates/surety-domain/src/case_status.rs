//! The states a case passes through (§3.3, §4.1 of the policy).
//!
//! intake → investigation (both sides, independently) → joint review (会商) → decision
//! (both sides) → approved → signed (loan contract, guarantee and accident policies) →
//! premiums received → disbursed → overdue → claimed → claim paid → recovery → closed, or
//! claimed → claim refused (拒赔, §4.3, with a reason) → closed.
//! Also: declined (one refusal, R-VETO-1), withdrawn, repaid.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    #[default]
    Intake,
    Investigation,
    JointReview,
    Decision,
    Approved,
    Signed,
    PremiumsReceived,
    Disbursed,
    Overdue,
    Claimed,
    ClaimRefused,
    ClaimPaid,
    Recovery,
    Closed,
    Declined,
    Withdrawn,
    Repaid,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 17] = [
        CaseStatus::Intake,
        CaseStatus::Investigation,
        CaseStatus::JointReview,
        CaseStatus::Decision,
        CaseStatus::Approved,
        CaseStatus::Signed,
        CaseStatus::PremiumsReceived,
        CaseStatus::Disbursed,
        CaseStatus::Overdue,
        CaseStatus::Claimed,
        CaseStatus::ClaimRefused,
        CaseStatus::ClaimPaid,
        CaseStatus::Recovery,
        CaseStatus::Closed,
        CaseStatus::Declined,
        CaseStatus::Withdrawn,
        CaseStatus::Repaid,
    ];

    /// Whether a case in this state may be moved to `to`: a case only moves forward along
    /// the process (in the order the states are declared), the one way back being from
    /// overdue to disbursed when the arrears are paid; staying is not a move.
    pub fn moves_forward_to(self, to: CaseStatus) -> bool {
        self == to || to > self || (self == CaseStatus::Overdue && to == CaseStatus::Disbursed)
    }

    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Intake => "intake",
            CaseStatus::Investigation => "investigation",
            CaseStatus::JointReview => "joint_review",
            CaseStatus::Decision => "decision",
            CaseStatus::Approved => "approved",
            CaseStatus::Signed => "signed",
            CaseStatus::PremiumsReceived => "premiums_received",
            CaseStatus::Disbursed => "disbursed",
            CaseStatus::Overdue => "overdue",
            CaseStatus::Claimed => "claimed",
            CaseStatus::ClaimRefused => "claim_refused",
            CaseStatus::ClaimPaid => "claim_paid",
            CaseStatus::Recovery => "recovery",
            CaseStatus::Closed => "closed",
            CaseStatus::Declined => "declined",
            CaseStatus::Withdrawn => "withdrawn",
            CaseStatus::Repaid => "repaid",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CaseStatus::Intake => "受理",
            CaseStatus::Investigation => "资信调查",
            CaseStatus::JointReview => "集中会商",
            CaseStatus::Decision => "审批",
            CaseStatus::Approved => "双方批准",
            CaseStatus::Signed => "合同已签",
            CaseStatus::PremiumsReceived => "保费已收",
            CaseStatus::Disbursed => "已放款",
            CaseStatus::Overdue => "逾期",
            CaseStatus::Claimed => "已索赔",
            CaseStatus::ClaimRefused => "已拒赔",
            CaseStatus::ClaimPaid => "已赔付",
            CaseStatus::Recovery => "追偿中",
            CaseStatus::Closed => "已结案",
            CaseStatus::Declined => "已否决",
            CaseStatus::Withdrawn => "已撤回",
            CaseStatus::Repaid => "已结清",
        }
    }

    /// No further change is possible.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseStatus::Closed | CaseStatus::Declined | CaseStatus::Withdrawn | CaseStatus::Repaid
        )
    }
}

impl FromStr for CaseStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseStatus::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_moves_only_forward_but_back_from_overdue_when_paid() {
        use CaseStatus::*;
        assert!(Intake.moves_forward_to(Investigation));
        assert!(Overdue.moves_forward_to(Disbursed));
        assert!(Overdue.moves_forward_to(Claimed));
        assert!(Approved.moves_forward_to(Withdrawn));
        assert!(!Disbursed.moves_forward_to(Signed));
        assert!(!ClaimPaid.moves_forward_to(Claimed));
        assert!(!Repaid.moves_forward_to(Overdue));
    }
}
