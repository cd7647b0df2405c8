//! R-NPL-1: what a loan leaves on its bank's book. A claimed loan stays non-performing
//! until it is recovered or written off: in full while the claim waits (or was refused),
//! and after the insurer paid, the bank's retained share (the loss less the insurer's
//! payment and the recoveries since credited to the bank). It keeps ageing by days overdue,
//! so the doubtful and loss tiers are reached.

use crate::desk::Desk;
use crate::error::DeskResult;
use surety_domain::claim::days_overdue;
use surety_domain::npl::retained_after_claim;
use surety_domain::{CaseStatus, Money};
use surety_store::sections;

/// One loan's place in its bank's NPL figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BookEntry {
    pub balance: Money,
    pub days_overdue: u32,
    /// What the insurer paid on the loan's claim (shown beside the bank's figures).
    pub insurer_paid: Money,
}

impl Desk {
    pub(crate) fn book_entry(&self, case_id: i64, status: CaseStatus) -> DeskResult<BookEntry> {
        let conn = self.store.connection();
        let (schedule, paid) = sections::position(conn, case_id)?;
        let days = days_overdue(&schedule, &paid, self.today());
        let principal: Money = schedule.iter().map(|i| i.principal).sum::<Money>()
            - paid.iter().map(|p| p.principal).sum();
        // Only a paid claim changes the balance: the claim row is read for those loans alone
        // (the dashboard walks every live loan).
        let paid_claim = match status {
            CaseStatus::ClaimPaid | CaseStatus::Recovery => {
                sections::claim(conn, case_id)?.filter(|c| c.paid_on.is_some())
            }
            _ => None,
        };
        let entry = match (status, paid_claim) {
            (CaseStatus::ClaimPaid | CaseStatus::Recovery, Some(claim)) => {
                let bank_recovered: Money = sections::recoveries(conn, case_id)?
                    .iter()
                    .filter(|r| !r.before_claim)
                    .map(|r| r.bank)
                    .sum();
                BookEntry {
                    balance: retained_after_claim(claim.loss, claim.insurer, bank_recovered),
                    days_overdue: days,
                    insurer_paid: claim.insurer,
                }
            }
            _ => BookEntry {
                balance: principal,
                days_overdue: days,
                insurer_paid: Money::ZERO,
            },
        };
        Ok(entry)
    }
}
