//! The shapes the front ends receive, owned by the service layer: the records of the store
//! and the values of the domain as the window and the CLI see them. The generated
//! `bindings.ts` is made from these (and the service's own views), never from a type of the
//! store or the domain crates, so a change below the service cannot change the UI's
//! contract unnoticed. Each mirrors its source field for field and serializes the same.

use serde::Serialize;

/// An amount in yuan as text with exactly two decimals ("1000000.00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Money(pub String);

/// Nothing: "0.00".
impl Default for Money {
    fn default() -> Self {
        surety_domain::Money::ZERO.into()
    }
}

impl Money {
    /// The amount again, for figures read back from a frozen report; text that is not an
    /// amount counts as nothing (it was written from a `Money`).
    pub fn value(&self) -> surety_domain::Money {
        self.0.parse().unwrap_or(surety_domain::Money::ZERO)
    }
}

impl From<surety_domain::Money> for Money {
    fn from(m: surety_domain::Money) -> Self {
        Money(m.to_string())
    }
}

/// A rate as a decimal fraction in text ("0.05655" is 5.655%).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Rate(pub String);

impl From<surety_domain::Rate> for Rate {
    fn from(r: surety_domain::Rate) -> Self {
        Rate(r.to_string())
    }
}

/// An enum of the layers below, variant for variant.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident from $src:ty { $($variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name { $($variant),* }

        impl From<$src> for $name {
            fn from(x: $src) -> Self {
                type Src = $src;
                match x { $(Src::$variant => $name::$variant),* }
            }
        }
    };
}

mirror_enum!(
    /// The states of a case (§3.3, §4.1).
    CaseStatus from surety_domain::CaseStatus {
        Intake, Investigation, JointReview, Decision, Approved, Signed, PremiumsReceived,
        Disbursed, Overdue, Claimed, ClaimRefused, ClaimPaid, Recovery, Closed, Declined, Withdrawn,
        Repaid,
    }
);
mirror_enum!(Side from surety_domain::Side { Insurer, Bank });
mirror_enum!(Document from surety_domain::process::Document { LoanContract, GuaranteePolicy, AccidentPolicy });
mirror_enum!(PremiumLine from surety_domain::process::PremiumLine { Guarantee, Accident });
mirror_enum!(Role from surety_store::Role { Admin, Underwriter, BankOfficer, FieldAgent, Auditor });
mirror_enum!(OrgKind from surety_store::orgs::OrgKind { Insurer, Pool, Bank, City });

/// A step a user can take on a case (`surety_domain::process::Step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    RefuseClaim,
    AccidentClaim,
    Recover,
    Close,
    Withdraw,
    Flag,
    Visit,
}

impl From<surety_domain::process::Step> for Step {
    fn from(s: surety_domain::process::Step) -> Self {
        use surety_domain::process::Step as S;
        match s {
            S::Investigate => Step::Investigate,
            S::Review => Step::Review,
            S::Exception => Step::Exception,
            S::Approve => Step::Approve,
            S::Refuse => Step::Refuse,
            S::Sign(d) => Step::Sign(d.into()),
            S::Premium(l) => Step::Premium(l.into()),
            S::Disburse => Step::Disburse,
            S::Repay => Step::Repay,
            S::Claim => Step::Claim,
            S::PayClaim => Step::PayClaim,
            S::RefuseClaim => Step::RefuseClaim,
            S::AccidentClaim => Step::AccidentClaim,
            S::Recover => Step::Recover,
            S::Close => Step::Close,
            S::Withdraw => Step::Withdraw,
            S::Flag => Step::Flag,
            S::Visit => Step::Visit,
        }
    }
}

/// Builds a mirror struct of the same fields, each converted with `Into`.
macro_rules! mirror_struct {
    ($(#[$meta:meta])* $name:ident from $src:ty { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty),* }

        impl From<$src> for $name {
            fn from(x: $src) -> Self {
                $name { $($field: x.$field.into()),* }
            }
        }
    };
}

/// A list, element by element.
pub fn list<A, B: From<A>>(v: Vec<A>) -> Vec<B> {
    v.into_iter().map(B::from).collect()
}

mirror_struct!(
    /// One scheduled repayment.
    Installment from surety_domain::Installment {
        period: u32,
        due_date: DateText,
        principal: Money,
        interest: Money,
        payment: Money,
        /// Principal still owed after this payment.
        balance: Money,
    }
);

/// A date as `YYYY-MM-DD` text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct DateText(pub String);

impl From<chrono::NaiveDate> for DateText {
    fn from(d: chrono::NaiveDate) -> Self {
        DateText(d.to_string())
    }
}

mirror_struct!(
    /// One part of a repayment, applied to a period.
    Allocation from surety_domain::claim::Allocation { period: u32, interest: Money, principal: Money }
);

/// A rule a request breaks, with the field and both languages' messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Violation {
    pub rule: String,
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl From<surety_domain::Violation> for Violation {
    fn from(v: surety_domain::Violation) -> Self {
        Violation {
            rule: v.rule.to_string(),
            field: v.field,
            message_zh: v.message_zh,
            message_en: v.message_en,
            limit: v.limit,
        }
    }
}

/// A loan's quote: the rules it meets or breaks and every figure (R-RATE-1, R-PREM-1, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Quote {
    pub compliant: bool,
    pub violations: Vec<Violation>,
    pub warnings: Vec<Violation>,
    pub reference_rate: Option<Rate>,
    pub rate_cap: Option<Rate>,
    pub total_interest: Money,
    pub premium_base: Money,
    pub guarantee_premium: Money,
    pub accident_premium: Money,
    pub total_premium: Money,
    /// Interest plus premiums: the whole financing cost the policy allows (§3.5).
    pub financing_cost: Money,
    pub schedule: Vec<Installment>,
}

impl From<surety_domain::Quote> for Quote {
    fn from(q: surety_domain::Quote) -> Self {
        Quote {
            compliant: q.compliant,
            violations: list(q.violations),
            warnings: list(q.warnings),
            reference_rate: q.reference_rate.map(Rate::from),
            rate_cap: q.rate_cap.map(Rate::from),
            total_interest: q.total_interest.into(),
            premium_base: q.premium_base.into(),
            guarantee_premium: q.guarantee_premium.into(),
            accident_premium: q.accident_premium.into(),
            total_premium: q.total_premium.into(),
            financing_cost: q.financing_cost.into(),
            schedule: list(q.schedule),
        }
    }
}

mirror_struct!(
    Investigation from surety_store::sections::Investigation {
        side: Side,
        findings_json: String,
        note: String,
        attachments: Vec<String>,
        investigator: String,
        completed_on: String,
    }
);
mirror_struct!(ReviewNote from surety_store::sections::ReviewNote { author: String, note: String, created_at: String });
mirror_struct!(
    SideAct from surety_store::sections::SideAct { side: Side, approve: bool, reason: String, by: String, on: String }
);
mirror_struct!(Contract from surety_store::sections::Contract { doc_kind: String, doc_no: String, signed_on: String });
mirror_struct!(Premium from surety_store::sections::Premium { line: String, amount: Money, received_on: String });
mirror_struct!(
    /// R-CLAIM-3: a borrower accident claim paid to the bank and applied to the loan.
    AccidentClaim from surety_store::accident_claims::AccidentClaim { occurred_on: String, cause: String, amount: Money, paid_on: String }
);
mirror_struct!(
    /// R-STOP-2: a city government's payment of compensation.
    CompensationPayment from surety_store::compensations::CompensationPayment { amount: Money, paid_on: String, note: String }
);
mirror_struct!(
    /// A premium paid back when an approved case was withdrawn by both sides.
    Refund from surety_store::withdrawals::Refund { line: String, amount: Money, refunded_on: String }
);

/// A repayment and how it was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Repayment {
    pub paid_on: String,
    pub amount: Money,
    /// installment | prepayment (part of the principal early) | payoff (the whole loan early)
    pub kind: String,
    /// The schedule version the allocations refer to (1: the contract's).
    pub schedule_version: u32,
    pub allocations: Vec<Allocation>,
}

impl From<surety_store::sections::Repayment> for Repayment {
    fn from(r: surety_store::sections::Repayment) -> Self {
        Repayment {
            paid_on: r.paid_on,
            amount: r.amount.into(),
            kind: r.kind.code().into(),
            schedule_version: r.schedule_version as u32,
            allocations: list(r.allocations),
        }
    }
}

fn members(m: Vec<(String, surety_domain::Money)>) -> Vec<(String, Money)> {
    m.into_iter().map(|(n, a)| (n, a.into())).collect()
}

/// A claim (R-CLAIM-1/2) and its split (R-SHARE-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClaimRecord {
    pub cutoff: String,
    pub outstanding_principal: Money,
    pub interest_due: Money,
    pub interest_accrued: Money,
    pub recovered_before: Money,
    pub loss: Money,
    pub insurer: Money,
    pub bank: Money,
    pub members: Vec<(String, Money)>,
    pub filed_on: String,
    pub paid_on: Option<String>,
    /// R-CLAIM-4: the last day of the agreement's payment period.
    pub payment_due_on: String,
    /// Days past `payment_due_on` (until paid or refused, or to today while open).
    pub days_late: u32,
    /// Open past the payment period: 拖赔.
    pub delayed: bool,
    /// 拒赔: the day and the insurer's reason.
    pub refused_on: Option<String>,
    pub refusal_reason: Option<String>,
}

impl ClaimRecord {
    pub fn new(
        c: surety_store::sections::ClaimRecord,
        deadline: surety_domain::claim::ClaimDeadline,
    ) -> Self {
        ClaimRecord {
            cutoff: c.cutoff,
            outstanding_principal: c.outstanding_principal.into(),
            interest_due: c.interest_due.into(),
            interest_accrued: c.interest_accrued.into(),
            recovered_before: c.recovered_before.into(),
            loss: c.loss.into(),
            insurer: c.insurer.into(),
            bank: c.bank.into(),
            members: members(c.members),
            filed_on: c.filed_on,
            paid_on: c.paid_on,
            payment_due_on: deadline.due_on.to_string(),
            days_late: deadline.days_late,
            delayed: deadline.delayed,
            refused_on: c.refused_on,
            refusal_reason: c.refusal_reason,
        }
    }
}

/// A recovery (R-RECOV-1) and its split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Recovery {
    pub received_on: String,
    pub amount: Money,
    pub insurer: Money,
    pub bank: Money,
    pub members: Vec<(String, Money)>,
    pub before_claim: bool,
}

impl From<surety_store::sections::Recovery> for Recovery {
    fn from(r: surety_store::sections::Recovery) -> Self {
        Recovery {
            received_on: r.received_on,
            amount: r.amount.into(),
            insurer: r.insurer.into(),
            bank: r.bank.into(),
            members: members(r.members),
            before_claim: r.before_claim,
        }
    }
}

mirror_struct!(
    /// One entry as shown on a case's timeline.
    AuditEntry from surety_store::audit::AuditEntry {
        id: i64, at: String, actor: String, action: String, entity: String, entity_id: String, summary: String,
        actor_name: Option<String>, actor_organisation: Option<String>, actor_office: Option<String>,
    }
);
mirror_struct!(
    /// A field laptop's chain kept at its office, verified from its genesis.
    PeerChainReport from surety_store::audit::PeerChainReport { installation: String, entries: u64, ok: bool }
);

/// The audit chain checked: how many entries, the first broken one if any, whether it
/// still holds the head the provincial hub acknowledged, and the field laptops' chains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditReport {
    pub entries: u64,
    pub first_broken: Option<i64>,
    pub ok: bool,
    pub anchor_count: Option<u64>,
    pub anchor_received_at: Option<String>,
    pub anchor_holds: Option<bool>,
    pub peer_chains: Vec<PeerChainReport>,
}

impl From<surety_store::AuditReport> for AuditReport {
    fn from(r: surety_store::AuditReport) -> Self {
        AuditReport {
            entries: r.entries,
            first_broken: r.first_broken,
            ok: r.ok,
            anchor_count: r.anchor_count,
            anchor_received_at: r.anchor_received_at,
            anchor_holds: r.anchor_holds,
            peer_chains: list(r.peer_chains),
        }
    }
}
mirror_struct!(
    User from surety_store::User {
        id: i64, username: String, display_name: String, role: Role, organisation_id: Option<i64>, active: bool,
    }
);
mirror_struct!(Org from surety_store::orgs::Org { id: i64, kind: OrgKind, code: String, name: String, city: Option<String> });
mirror_struct!(
    /// One line of the case list (the ID number masked).
    CaseRow from surety_store::cases::CaseRow {
        case_no: String,
        borrower_name: String,
        borrower_kind: String,
        id_number: String,
        city: String,
        status: String,
        principal: Money,
        application_date: String,
        /// On a field laptop: the office's number for the application, once its word came
        /// (shown first, the laptop's provisional number under it).
        office_case_no: Option<String>,
    }
);

/// One page of the case list and how many cases match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CasePage {
    pub total: u64,
    pub rows: Vec<CaseRow>,
}

impl From<surety_store::cases::CasePage> for CasePage {
    fn from(p: surety_store::cases::CasePage) -> Self {
        CasePage {
            total: p.total,
            rows: list(p.rows),
        }
    }
}

mirror_struct!(
    BackupInfo from surety_store::backup::BackupInfo { path: String, bytes: u64, cases: u64, audit_entries: u64 }
);
mirror_struct!(
    BackupSummary from surety_store::backup::BackupSummary {
        installation_id: String, created_at: String, cases: u64, audit_entries: u64, audit_head: String,
    }
);
mirror_struct!(
    RestoreInfo from surety_store::backup::RestoreInfo {
        path: String, bytes: u64, backup: BackupSummary, previous: Option<String>,
    }
);

/// A schedule the loan no longer follows, kept after an early repayment replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleVersion {
    pub version: u32,
    /// contract | prepayment | payoff
    pub kind: String,
    pub made_on: String,
    pub in_force: bool,
    pub installments: Vec<Installment>,
}

impl From<surety_store::schedules::ScheduleVersion> for ScheduleVersion {
    fn from(v: surety_store::schedules::ScheduleVersion) -> Self {
        ScheduleVersion {
            version: v.version as u32,
            kind: v.kind.code().into(),
            made_on: v.made_on,
            in_force: v.in_force,
            installments: list(v.installments),
        }
    }
}

/// A document of a case, as the window asks for it (the five the desk prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    LoanContract,
    GuaranteePolicy,
    AccidentPolicy,
    ClaimNotice,
    RepaymentSchedule,
}

impl DocumentKind {
    /// The code the service and the CLI take (`loan_contract`): the documents crate's own.
    pub fn code(self) -> &'static str {
        surety_docs::DocKind::from(self).code()
    }
}

impl From<DocumentKind> for surety_docs::DocKind {
    fn from(kind: DocumentKind) -> Self {
        match kind {
            DocumentKind::LoanContract => surety_docs::DocKind::LoanContract,
            DocumentKind::GuaranteePolicy => surety_docs::DocKind::GuaranteePolicy,
            DocumentKind::AccidentPolicy => surety_docs::DocKind::AccidentPolicy,
            DocumentKind::ClaimNotice => surety_docs::DocKind::ClaimNotice,
            DocumentKind::RepaymentSchedule => surety_docs::DocKind::RepaymentSchedule,
        }
    }
}

impl From<surety_docs::DocKind> for DocumentKind {
    fn from(kind: surety_docs::DocKind) -> Self {
        match kind {
            surety_docs::DocKind::LoanContract => DocumentKind::LoanContract,
            surety_docs::DocKind::GuaranteePolicy => DocumentKind::GuaranteePolicy,
            surety_docs::DocKind::AccidentPolicy => DocumentKind::AccidentPolicy,
            surety_docs::DocKind::ClaimNotice => DocumentKind::ClaimNotice,
            surety_docs::DocKind::RepaymentSchedule => DocumentKind::RepaymentSchedule,
        }
    }
}

/// The file a report is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Pdf,
    Xlsx,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window's names of the documents are the documents crate's codes, both ways.
    #[test]
    fn every_document_kind_keeps_its_code_both_ways() {
        for kind in surety_docs::DocKind::ALL {
            let ours = DocumentKind::from(kind);
            assert_eq!(ours.code(), kind.code());
            assert_eq!(surety_docs::DocKind::from(ours), kind);
            assert_eq!(serde_json::to_value(ours).unwrap(), kind.code());
        }
    }
}
