//! The case process, in one place: which step may be taken in which state, by whom, and
//! which party owns each section of a case.
//!
//! Every step the service layer offers calls [`check`] once before it writes; the
//! dashboard's to-do list and the case page's buttons come from [`next_steps`]. R-VETO-1
//! (nothing is signed or paid out without both sides' approval, and one refusal declines
//! the case) and the R-AMT-1 exception (an amount over the cap in principle needs each
//! side's approved exception before that side approves) live here.

use crate::rule::Rule;
use crate::{CaseStatus, Side, Violation};
use serde::{Deserialize, Serialize};

/// The parties that write a case: a field agent (intake), the bank, the insurer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    FieldAgent,
    Bank,
    Insurer,
}

impl From<Side> for Party {
    fn from(s: Side) -> Party {
        match s {
            Side::Bank => Party::Bank,
            Side::Insurer => Party::Insurer,
        }
    }
}

impl Party {
    pub fn name_zh(self) -> &'static str {
        match self {
            Party::FieldAgent => "外勤人员",
            Party::Bank => "银行",
            Party::Insurer => "保险公司",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Party::FieldAgent => "field agent",
            Party::Bank => "bank",
            Party::Insurer => "insurer",
        }
    }
}

/// The three documents of a case and who signs each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    LoanContract,
    GuaranteePolicy,
    AccidentPolicy,
}

impl Document {
    pub const ALL: [Document; 3] = [
        Document::LoanContract,
        Document::GuaranteePolicy,
        Document::AccidentPolicy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Document::LoanContract => "loan_contract",
            Document::GuaranteePolicy => "guarantee_policy",
            Document::AccidentPolicy => "accident_policy",
        }
    }

    pub fn parse(code: &str) -> Option<Document> {
        Document::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The bank signs the loan contract; the insurer issues both policies.
    pub fn signer(self) -> Side {
        match self {
            Document::LoanContract => Side::Bank,
            _ => Side::Insurer,
        }
    }
}

/// The two premium lines (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PremiumLine {
    Guarantee,
    Accident,
}

impl PremiumLine {
    pub fn code(self) -> &'static str {
        match self {
            PremiumLine::Guarantee => "guarantee",
            PremiumLine::Accident => "accident",
        }
    }

    pub fn parse(code: &str) -> Option<PremiumLine> {
        [PremiumLine::Guarantee, PremiumLine::Accident]
            .into_iter()
            .find(|l| l.code() == code)
    }
}

/// Every step a user can take on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Investigate,
    Review,
    Exception,
    Approve,
    Refuse,
    Sign(Document),
    Premium(PremiumLine),
    Disburse,
    Repay,
    Claim,
    PayClaim,
    /// 拒赔 (§4.3): the insurer refuses the claim, with a reason the bank sees.
    RefuseClaim,
    /// R-CLAIM-3: the insurer pays a borrower accident claim to the bank, applied to the loan.
    AccidentClaim,
    Recover,
    Close,
    Withdraw,
    Flag,
    /// 实地走访: the site visit's findings (premises, whether the business runs).
    Visit,
}

/// A section of a case: what one step writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The application and the borrower as taken in.
    Intake,
    Investigation(Side),
    JointReview,
    Exception(Side),
    Decision(Side),
    Document(Document),
    Premium(PremiumLine),
    Disbursement,
    Repayments,
    Claim,
    ClaimPayment,
    /// R-CLAIM-3: accident claims paid (the insurer's).
    AccidentClaims,
    Recoveries,
    Flags,
    Withdrawal,
    /// The site visit: the field agent's findings, which either side may correct.
    SiteVisit,
}

/// Who may write a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Owner {
    /// One party alone.
    Party(Party),
    /// Either side, each in its own name (the joint review, recoveries, flags, closing).
    EitherSide,
    /// Either side, or the field agent who took the application in (before any decision).
    AnyParty,
}

impl Section {
    /// The party that owns the section: only it writes it, and offline bundles merge by it.
    pub fn owner(self) -> Owner {
        use Section::*;
        match self {
            Intake => Owner::AnyParty,
            Investigation(s) | Exception(s) | Decision(s) => Owner::Party(s.into()),
            Document(d) => Owner::Party(d.signer().into()),
            Premium(_) | ClaimPayment | AccidentClaims => Owner::Party(Party::Insurer),
            Disbursement | Repayments | Claim => Owner::Party(Party::Bank),
            JointReview | Recoveries | Flags => Owner::EitherSide,
            Withdrawal | SiteVisit => Owner::AnyParty,
        }
    }

    pub fn may_write(self, party: Party) -> bool {
        match self.owner() {
            Owner::Party(p) => p == party,
            Owner::EitherSide => party != Party::FieldAgent,
            Owner::AnyParty => true,
        }
    }
}

impl Step {
    /// The section a step writes, for the party taking it.
    pub fn section(self, party: Party) -> Section {
        let side = match party {
            Party::Insurer => Side::Insurer,
            _ => Side::Bank,
        };
        match self {
            Step::Investigate => Section::Investigation(side),
            Step::Review => Section::JointReview,
            Step::Exception => Section::Exception(side),
            Step::Approve | Step::Refuse => Section::Decision(side),
            Step::Sign(d) => Section::Document(d),
            Step::Premium(l) => Section::Premium(l),
            Step::Disburse => Section::Disbursement,
            Step::Repay => Section::Repayments,
            Step::Claim => Section::Claim,
            Step::PayClaim | Step::RefuseClaim => Section::ClaimPayment,
            Step::AccidentClaim => Section::AccidentClaims,
            Step::Recover => Section::Recoveries,
            Step::Close => Section::Recoveries,
            Step::Withdraw => Section::Withdrawal,
            Step::Flag => Section::Flags,
            Step::Visit => Section::SiteVisit,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Step::Investigate => "登记资信调查",
            Step::Review => "填写会商意见",
            Step::Exception => "审批超额例外",
            Step::Approve => "批准",
            Step::Refuse => "否决",
            Step::Sign(_) => "签署文件",
            Step::Premium(_) => "登记保费",
            Step::Disburse => "放款",
            Step::Repay => "登记还款",
            Step::Claim => "提出索赔",
            Step::PayClaim => "支付赔款",
            Step::RefuseClaim => "拒赔",
            Step::AccidentClaim => "支付意外险赔款",
            Step::Recover => "登记追偿款",
            Step::Close => "结案",
            Step::Withdraw => "撤回申请",
            Step::Flag => "标记恶意逃废债",
            Step::Visit => "记录实地走访",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Step::Investigate => "record an investigation",
            Step::Review => "write a joint-review note",
            Step::Exception => "approve an amount exception",
            Step::Approve => "approve",
            Step::Refuse => "refuse",
            Step::Sign(_) => "sign a document",
            Step::Premium(_) => "record a premium",
            Step::Disburse => "disburse",
            Step::Repay => "record a repayment",
            Step::Claim => "file a claim",
            Step::PayClaim => "pay the claim",
            Step::RefuseClaim => "refuse the claim",
            Step::AccidentClaim => "pay an accident claim",
            Step::Recover => "record a recovery",
            Step::Close => "close the case",
            Step::Withdraw => "withdraw the application",
            Step::Flag => "flag debt evasion",
            Step::Visit => "record a site visit",
        }
    }
}

/// What the process needs to know about a case, read inside the step's transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseFacts {
    pub status: CaseStatus,
    pub investigated: Vec<Side>,
    /// Whether the joint review (会商评议, §4.1) has a note on record.
    pub reviewed: bool,
    /// Each side's decision: (side, approved).
    pub decisions: Vec<(Side, bool)>,
    /// R-AMT-1: the borrower's total is over the cap in principle.
    pub needs_exception: bool,
    pub exceptions: Vec<Side>,
    pub signed: Vec<Document>,
    pub premiums: Vec<PremiumLine>,
    /// Whether the accident line is due at all (a zero accident premium is not).
    pub accident_premium_due: bool,
    /// The sides that agreed to withdraw an approved case (see [`joint_withdrawal`]).
    pub withdrawal_consents: Vec<Side>,
}

/// After both sides approved (and before the money is out), a case is withdrawn only by the
/// bank and the insurer together: the first side's withdrawal is its consent, the second
/// side's completes it, and any premium received is refunded.
pub fn joint_withdrawal(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::Approved | CaseStatus::Signed | CaseStatus::PremiumsReceived
    )
}

fn wrong_state(status: CaseStatus, zh: &str, en: &str) -> Violation {
    Violation {
        rule: Rule::WrongState,
        field: "status".into(),
        message_zh: format!("当前状态为“{}”，{zh}", status.name_zh()),
        message_en: format!("it is in state `{}`: {en}", status.code()),
        limit: None,
    }
}

fn not_permitted(step: Step, party: Party) -> Violation {
    let (zh, en) = match step.section(party).owner() {
        Owner::Party(owner) => (
            format!("只有{}可以{}", owner.name_zh(), step.name_zh()),
            format!("only the {} may {}", owner.name_en(), step.name_en()),
        ),
        _ => (
            format!("{}不能{}", party.name_zh(), step.name_zh()),
            format!("the {} may not {}", party.name_en(), step.name_en()),
        ),
    };
    Violation {
        rule: Rule::NotPermitted,
        field: "case_no".into(),
        message_zh: zh,
        message_en: en,
        limit: None,
    }
}

fn already(field: &str, zh: String, en: String) -> Violation {
    Violation {
        rule: Rule::InvalidInput,
        field: field.into(),
        message_zh: zh,
        message_en: en,
        limit: None,
    }
}

/// Whether `party` may take `step` on a case with these facts: the section's owner, the
/// state, R-VETO-1 and the R-AMT-1 exception. Inputs (amounts, reasons) are the caller's.
pub fn check(step: Step, facts: &CaseFacts, party: Party) -> Result<(), Violation> {
    use CaseStatus::*;
    let section = step.section(party);
    if !section.may_write(party) {
        return Err(not_permitted(step, party));
    }
    let side = match party {
        Party::Bank => Some(Side::Bank),
        Party::Insurer => Some(Side::Insurer),
        Party::FieldAgent => None,
    };
    let s = facts.status;
    let mine = |list: &[Side]| side.is_some_and(|me| list.contains(&me));
    match step {
        Step::Investigate if !matches!(s, Intake | Investigation | JointReview) => Err(wrong_state(
            s,
            "审批开始后不能再修改调查结论",
            "investigations cannot change once decisions have started",
        )),
        Step::Review if !matches!(s, Investigation | JointReview | Decision) => Err(wrong_state(
            s,
            "不在调查或会商阶段",
            "it is not under investigation or review",
        )),
        Step::Exception if !facts.needs_exception => Err(already(
            "case_no",
            "本案件金额未超过单户原则上限，无需例外审批".into(),
            "this amount is within the cap in principle: no exception is needed".into(),
        )),
        Step::Exception if !matches!(s, Intake | Investigation | JointReview | Decision) => {
            Err(wrong_state(
                s,
                "审批结束后不能再批准例外",
                "exceptions are approved before the decisions end",
            ))
        }
        Step::Exception if mine(&facts.exceptions) => Err(already(
            "case_no",
            format!("{}已批准过例外", party.name_zh()),
            format!("the {} has already approved the exception", party.name_en()),
        )),
        Step::Approve | Step::Refuse if !matches!(s, JointReview | Decision) => Err(wrong_state(
            s,
            "须在双方调查完成、集中会商之后审批",
            "decisions come after both investigations and the joint review",
        )),
        // §4.1: the two sides review the case together before either decides.
        Step::Approve | Step::Refuse if !facts.reviewed => Err(wrong_state(
            s,
            "须先记录集中会商（会商评议）意见，再作审批决定",
            "the joint review (会商评议) must be recorded before a decision",
        )),
        Step::Approve | Step::Refuse
            if side.is_some_and(|me| facts.decisions.iter().any(|(d, _)| *d == me)) =>
        {
            Err(already(
                "case_no",
                format!("{}已作出审批决定", party.name_zh()),
                format!("the {} has already decided", party.name_en()),
            ))
        }
        // R-AMT-1: over the cap in principle, each side approves its exception first.
        Step::Approve if facts.needs_exception && !mine(&facts.exceptions) => Err(Violation {
            rule: Rule::RAmt1,
            field: "case_no".into(),
            message_zh: format!(
                "借款人贷款合计超过单户原则上限：{}须先批准超额例外并说明理由",
                party.name_zh()
            ),
            message_en: format!(
                "the borrower's total exceeds the cap in principle: the {} must approve the exception, with a reason, first",
                party.name_en()
            ),
            limit: None,
        }),
        // R-VETO-1: documents only after both sides approved.
        Step::Sign(_) if s != Approved => Err(wrong_state(
            s,
            "须在双方批准后签约（R-VETO-1）",
            "documents are signed only after both sides approved (R-VETO-1)",
        )),
        Step::Sign(d) if facts.signed.contains(&d) => Err(already(
            "document",
            "该文件已签署".into(),
            "this document is already signed".into(),
        )),
        Step::Premium(_) if s != Signed => Err(wrong_state(
            s,
            "须在三份文件签署后收取保费",
            "premiums are received after all three documents are signed",
        )),
        Step::Premium(l) if facts.premiums.contains(&l) => Err(already(
            "line",
            "该险种保费已登记".into(),
            "this premium line is already recorded".into(),
        )),
        Step::Premium(PremiumLine::Accident) if !facts.accident_premium_due => Err(already(
            "line",
            "本案件没有意外险保费".into(),
            "this case has no accident premium".into(),
        )),
        Step::Disburse if s != PremiumsReceived => Err(wrong_state(
            s,
            "须在双方批准、三份文件签署、保费收齐之后放款（R-VETO-1）",
            "disbursement needs both approvals, all three documents signed and the premiums received (R-VETO-1)",
        )),
        // One side has agreed to withdraw: no money goes out while the other decides.
        Step::Disburse if !facts.withdrawal_consents.is_empty() => Err(wrong_state(
            s,
            "一方已同意撤回本案件，撤回确认前不得放款",
            "a side has agreed to withdraw this case: no disbursement until that is settled",
        )),
        // R-VETO-1 again, on the facts themselves: a state reached by any other path
        // still needs two approvals and three signatures.
        Step::Disburse
            if facts.decisions.iter().filter(|(_, ok)| *ok).count() != 2
                || Document::ALL.iter().any(|d| !facts.signed.contains(d)) =>
        {
            Err(Violation {
                rule: Rule::RVeto1,
                field: "case_no".into(),
                message_zh: "缺少双方批准或签署文件，不得放款".into(),
                message_en: "both approvals and all three signed documents are required".into(),
                limit: None,
            })
        }
        Step::Repay | Step::Claim if !matches!(s, Disbursed | Overdue) => Err(wrong_state(
            s,
            "只有已放款或逾期的贷款可以还款或索赔",
            "only disbursed or overdue loans are repaid or claimed",
        )),
        // R-CLAIM-3: paid to the bank while the loan runs, before any guarantee claim.
        Step::AccidentClaim if !matches!(s, Disbursed | Overdue) => Err(wrong_state(
            s,
            "意外险赔款只能在贷款存续期间、提出保证保险索赔之前支付",
            "an accident claim is paid while the loan runs, before any guarantee claim",
        )),
        Step::AccidentClaim if !facts.accident_premium_due => Err(already(
            "case_no",
            "本案件没有借款人意外伤害保险".into(),
            "this case has no borrower accident insurance".into(),
        )),
        Step::PayClaim | Step::RefuseClaim if s != Claimed => Err(wrong_state(
            s,
            "没有待赔付的索赔",
            "there is no claim waiting to be paid",
        )),
        Step::Recover if !matches!(s, Overdue | ClaimPaid | Recovery | ClaimRefused) => {
            Err(wrong_state(
                s,
                "只有逾期、已赔付或已拒赔的案件可以登记追偿款",
                "recoveries are recorded on overdue, claim-paid or claim-refused cases",
            ))
        }
        Step::Close if !matches!(s, ClaimPaid | Recovery | ClaimRefused) => Err(wrong_state(
            s,
            "只有已赔付或已拒赔的案件可以结案",
            "only a case whose claim was paid or refused can be closed",
        )),
        Step::Withdraw if s.is_final() || s >= Disbursed => Err(wrong_state(
            s,
            "放款后不能撤回",
            "a case cannot be withdrawn after disbursement",
        )),
        // A field agent withdraws their application only before any decision.
        Step::Withdraw
            if party == Party::FieldAgent && (!facts.decisions.is_empty() || s >= Approved) =>
        {
            Err(wrong_state(
                s,
                "已有审批意见，外勤人员不能再撤回",
                "a side has decided: a field agent can no longer withdraw it",
            ))
        }
        Step::Withdraw if joint_withdrawal(s) && mine(&facts.withdrawal_consents) => {
            Err(already(
                "case_no",
                format!("{}已同意撤回，等待另一方确认", party.name_zh()),
                format!(
                    "the {} has already agreed to withdraw: the other side confirms",
                    party.name_en()
                ),
            ))
        }
        Step::Visit if s.is_final() => Err(wrong_state(
            s,
            "案件已结束，不能再修改实地走访记录",
            "the case is over: its site visit no longer changes",
        )),
        // The agent's findings are theirs until a side decides; the sides' after that.
        Step::Visit if party == Party::FieldAgent && (!facts.decisions.is_empty() || s >= Approved) => {
            Err(wrong_state(
                s,
                "已有审批意见，外勤人员不能再修改实地走访记录",
                "a side has decided: a field agent can no longer change the site visit",
            ))
        }
        _ => Ok(()),
    }
}

/// The steps `party` can take now, in the order a user meets them. Flagging (R-DEFAULT-1)
/// is left out: it is not a next step but a finding that can come at any time.
pub fn next_steps(facts: &CaseFacts, party: Party) -> Vec<Step> {
    let mut all = vec![
        Step::Investigate,
        Step::Review,
        Step::Exception,
        Step::Approve,
        Step::Refuse,
    ];
    all.extend(Document::ALL.map(Step::Sign));
    all.extend([
        Step::Premium(PremiumLine::Guarantee),
        Step::Premium(PremiumLine::Accident),
        Step::Disburse,
        Step::Repay,
        Step::Claim,
        Step::AccidentClaim,
        Step::PayClaim,
        Step::RefuseClaim,
        Step::Recover,
        Step::Close,
        Step::Withdraw,
    ]);
    all.into_iter()
        .filter(|s| check(*s, facts, party).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    fn facts(status: CaseStatus) -> CaseFacts {
        CaseFacts {
            status,
            accident_premium_due: true,
            reviewed: status >= JointReview,
            ..Default::default()
        }
    }

    #[test]
    fn r_veto_1_one_refusal_blocks_and_nothing_is_signed_or_paid_without_both() {
        // The bank refused: the case is declined and nothing further can happen.
        let declined = CaseFacts {
            decisions: vec![(Side::Bank, false), (Side::Insurer, true)],
            ..facts(Declined)
        };
        assert!(next_steps(&declined, Party::Bank).is_empty());
        assert!(next_steps(&declined, Party::Insurer).is_empty());
        // Only one side approved: still deciding, no document can be signed.
        let half = CaseFacts {
            decisions: vec![(Side::Insurer, true)],
            ..facts(Decision)
        };
        let e = check(Step::Sign(Document::LoanContract), &half, Party::Bank).unwrap_err();
        assert_eq!(e.rule, "WRONG_STATE");
        assert_eq!(
            next_steps(&half, Party::Bank),
            vec![Step::Review, Step::Approve, Step::Refuse, Step::Withdraw]
        );
        // A case at premiums_received whose approvals are somehow missing cannot disburse.
        let forged = CaseFacts {
            decisions: vec![(Side::Bank, true)],
            signed: Document::ALL.to_vec(),
            ..facts(PremiumsReceived)
        };
        assert_eq!(
            check(Step::Disburse, &forged, Party::Bank)
                .unwrap_err()
                .rule,
            "R-VETO-1"
        );
        let whole = CaseFacts {
            decisions: vec![(Side::Bank, true), (Side::Insurer, true)],
            ..forged
        };
        assert!(check(Step::Disburse, &whole, Party::Bank).is_ok());
    }

    #[test]
    fn r_amt_1_each_side_approves_its_exception_before_it_approves() {
        let over = CaseFacts {
            needs_exception: true,
            ..facts(JointReview)
        };
        assert_eq!(
            check(Step::Approve, &over, Party::Insurer)
                .unwrap_err()
                .rule,
            "R-AMT-1"
        );
        // Refusing needs no exception.
        assert!(check(Step::Refuse, &over, Party::Insurer).is_ok());
        let insurer_excepted = CaseFacts {
            exceptions: vec![Side::Insurer],
            ..over.clone()
        };
        assert!(check(Step::Approve, &insurer_excepted, Party::Insurer).is_ok());
        // The insurer's exception does not stand for the bank's.
        assert_eq!(
            check(Step::Approve, &insurer_excepted, Party::Bank)
                .unwrap_err()
                .rule,
            "R-AMT-1"
        );
        assert!(
            check(Step::Exception, &insurer_excepted, Party::Insurer).is_err(),
            "once per side"
        );
        // Within the cap there is no exception to approve.
        assert!(check(Step::Exception, &facts(JointReview), Party::Bank).is_err());
    }

    #[test]
    fn the_joint_review_comes_before_any_decision() {
        // Both sides investigated, nobody wrote the review yet: no decision either way.
        let unreviewed = CaseFacts {
            reviewed: false,
            ..facts(JointReview)
        };
        assert_eq!(
            check(Step::Approve, &unreviewed, Party::Bank)
                .unwrap_err()
                .rule,
            "WRONG_STATE"
        );
        assert_eq!(
            check(Step::Refuse, &unreviewed, Party::Insurer)
                .unwrap_err()
                .rule,
            "WRONG_STATE"
        );
        assert_eq!(
            next_steps(&unreviewed, Party::Bank),
            vec![Step::Investigate, Step::Review, Step::Withdraw]
        );
        assert!(check(Step::Approve, &facts(JointReview), Party::Bank).is_ok());
    }

    #[test]
    fn each_section_is_written_by_its_owner_only() {
        let approved = facts(Approved);
        assert_eq!(
            check(
                Step::Sign(Document::GuaranteePolicy),
                &approved,
                Party::Bank
            )
            .unwrap_err()
            .rule,
            "NOT_PERMITTED"
        );
        assert!(check(Step::Sign(Document::LoanContract), &approved, Party::Bank).is_ok());
        assert_eq!(
            check(
                Step::Premium(PremiumLine::Guarantee),
                &facts(Signed),
                Party::Bank
            )
            .unwrap_err()
            .rule,
            "NOT_PERMITTED"
        );
        assert_eq!(
            check(Step::Disburse, &facts(PremiumsReceived), Party::Insurer)
                .unwrap_err()
                .rule,
            "NOT_PERMITTED"
        );
        assert_eq!(
            check(Step::Investigate, &facts(Intake), Party::FieldAgent)
                .unwrap_err()
                .rule,
            "NOT_PERMITTED"
        );
        assert_eq!(
            Section::Investigation(Side::Bank).owner(),
            Owner::Party(Party::Bank)
        );
        assert_eq!(
            Section::Document(Document::AccidentPolicy).owner(),
            Owner::Party(Party::Insurer)
        );
        assert_eq!(Section::JointReview.owner(), Owner::EitherSide);
        // A field agent withdraws before any decision, never after one.
        assert!(check(Step::Withdraw, &facts(Investigation), Party::FieldAgent).is_ok());
        let decided = CaseFacts {
            decisions: vec![(Side::Bank, true)],
            ..facts(Decision)
        };
        assert!(check(Step::Withdraw, &decided, Party::FieldAgent).is_err());
        assert!(check(Step::Withdraw, &decided, Party::Bank).is_ok());
    }

    #[test]
    fn after_approval_the_two_sides_withdraw_together() {
        assert!(!joint_withdrawal(Decision) && joint_withdrawal(Approved));
        assert!(joint_withdrawal(PremiumsReceived) && !joint_withdrawal(Disbursed));
        let bank_agreed = CaseFacts {
            withdrawal_consents: vec![Side::Bank],
            ..facts(PremiumsReceived)
        };
        // The bank has agreed: once is enough; the insurer confirms; the agent never.
        assert_eq!(
            check(Step::Withdraw, &bank_agreed, Party::Bank)
                .unwrap_err()
                .rule,
            "INVALID_INPUT"
        );
        assert!(check(Step::Withdraw, &bank_agreed, Party::Insurer).is_ok());
        assert!(check(Step::Withdraw, &bank_agreed, Party::FieldAgent).is_err());
        assert!(!next_steps(&bank_agreed, Party::Bank).contains(&Step::Withdraw));
        // Nor is the loan paid out while the insurer decides.
        let whole = CaseFacts {
            decisions: vec![(Side::Bank, true), (Side::Insurer, true)],
            signed: Document::ALL.to_vec(),
            ..bank_agreed
        };
        assert_eq!(
            check(Step::Disburse, &whole, Party::Bank).unwrap_err().rule,
            "WRONG_STATE"
        );
    }

    #[test]
    fn the_steps_follow_the_states_from_intake_to_close() {
        let bank = |s| next_steps(&facts(s), Party::Bank);
        let insurer = |s| next_steps(&facts(s), Party::Insurer);
        assert_eq!(bank(Intake), vec![Step::Investigate, Step::Withdraw]);
        assert_eq!(
            insurer(Signed),
            vec![
                Step::Premium(PremiumLine::Guarantee),
                Step::Premium(PremiumLine::Accident),
                Step::Withdraw
            ]
        );
        assert_eq!(bank(Overdue), vec![Step::Repay, Step::Claim, Step::Recover]);
        // R-CLAIM-3 is the insurer's, while the loan runs.
        assert_eq!(insurer(Overdue), vec![Step::AccidentClaim, Step::Recover]);
        assert_eq!(insurer(Claimed), vec![Step::PayClaim, Step::RefuseClaim]);
        // 拒赔 is the insurer's: the bank that filed cannot refuse its own claim.
        assert!(bank(Claimed).is_empty());
        assert_eq!(insurer(ClaimPaid), vec![Step::Recover, Step::Close]);
        // After a refusal the bank recovers what it can on its own and closes.
        assert_eq!(bank(ClaimRefused), vec![Step::Recover, Step::Close]);
        assert_eq!(
            check(Step::PayClaim, &facts(ClaimRefused), Party::Insurer)
                .unwrap_err()
                .rule,
            "WRONG_STATE"
        );
        assert!(bank(Closed).is_empty() && bank(Repaid).is_empty());
        // No accident premium due: only the guarantee line.
        let no_accident = CaseFacts {
            accident_premium_due: false,
            ..facts(Signed)
        };
        assert_eq!(
            next_steps(&no_accident, Party::Insurer),
            vec![Step::Premium(PremiumLine::Guarantee), Step::Withdraw]
        );
    }
}
