//! R-NPL-1: what a loan leaves on its bank's book. A claimed loan stays non-performing
//! until it is recovered or written off: in full while the claim waits (or was refused),
//! and after the insurer paid, the bank's retained share (the loss less the insurer's
//! payment and the recoveries since credited to the bank). It keeps ageing by days overdue,
//! so the doubtful and loss tiers are reached.

use crate::desk::error::DeskResult;
use crate::desk::Desk;
use surety_domain::npl::retained_after_claim;
use surety_domain::{CaseStatus, Money};

/// One loan's place in its bank's NPL figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BookEntry {
    pub balance: Money,
    pub days_overdue: u32,
    /// What the insurer paid on the loan's claim (shown beside the bank's figures).
    pub insurer_paid: Money,
}

impl Desk {
    /// Every loan of the book at once (the dashboard's NPL lines): a few grouped reads over
    /// the loans' rows instead of two queries per loan.
    pub(crate) fn book_entries(
        &self,
        loans: &[(surety_store::sections::LiveLoan, CaseStatus)],
    ) -> DeskResult<Vec<BookEntry>> {
        let conn = self.store.connection();
        let today = self.today();
        let ids: Vec<i64> = loans.iter().map(|(l, _)| l.case_id).collect();
        // One row a loan, kept at each repayment and schedule write (`standings`).
        let facts = surety_store::standings::standings_of(conn, today, &ids)?;
        let claims = surety_store::book::paid_claims(conn)?;
        let disbursed = surety_store::book::disbursed_of(conn, &ids)?;
        loans
            .iter()
            .map(|(loan, status)| {
                let fact = facts.get(&loan.case_id).copied().unwrap_or_default();
                let principal = disbursed.get(&loan.case_id).copied().unwrap_or(Money::ZERO)
                    - fact.principal_repaid;
                let paid_claim = matches!(status, CaseStatus::ClaimPaid | CaseStatus::Recovery)
                    .then(|| claims.get(&loan.case_id))
                    .flatten();
                Ok(match paid_claim {
                    Some(c) => BookEntry {
                        balance: retained_after_claim(c.loss, c.insurer, c.bank_recovered),
                        days_overdue: fact.days_overdue,
                        insurer_paid: c.insurer,
                    },
                    None => BookEntry {
                        balance: principal,
                        days_overdue: fact.days_overdue,
                        insurer_paid: Money::ZERO,
                    },
                })
            })
            .collect()
    }
}
