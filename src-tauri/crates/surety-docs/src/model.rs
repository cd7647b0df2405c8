//! What a document is printed from: filled by the service layer from the stored case,
//! never from what a form on screen shows.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use surety_domain::{Installment, Money, Rate};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolShare {
    pub name: String,
    pub share: Decimal,
    pub lead: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimFigures {
    pub cutoff: String,
    pub filed_on: String,
    pub paid_on: Option<String>,
    pub outstanding_principal: Money,
    pub interest_due: Money,
    pub interest_accrued: Money,
    pub recovered_before: Money,
    pub loss: Money,
    pub insurer: Money,
    pub bank: Money,
    pub members: Vec<(String, Money)>,
    /// R-CLAIM-3: borrower accident claims already paid to the bank and applied to the
    /// loan before this claim: (accident day, cause, amount).
    pub accident_paid: Vec<(String, String, Money)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDocument {
    pub case_no: String,
    pub city_zh: String,
    pub borrower_name: String,
    pub borrower_kind_zh: String,
    pub borrower_id_number: String,
    pub borrower_address: String,
    pub borrower_legal_rep: String,
    pub bank_name: String,
    pub insurer_name: String,
    /// Empty for a lone insurer.
    pub pool: Vec<PoolShare>,
    pub principal: Money,
    pub annual_rate: Rate,
    pub reference_rate: Option<Rate>,
    /// Whether the reference is the 1-year LPR (contracts from 2019-08-20) rather than the
    /// PBoC benchmark.
    pub reference_is_lpr: bool,
    pub rate_cap: Option<Rate>,
    pub term_months: u32,
    pub repayment_zh: String,
    pub contract_date: Option<NaiveDate>,
    pub guarantee_rate: Rate,
    pub accident_rate: Rate,
    pub total_interest: Money,
    pub premium_base: Money,
    pub guarantee_premium: Money,
    pub accident_premium: Money,
    pub financing_cost: Money,
    pub insurer_share: Decimal,
    pub waiting_period_days: u32,
    pub schedule: Vec<Installment>,
    /// Paid so far per period (interest, principal), for the borrower's schedule.
    pub paid: Vec<(Money, Money)>,
    /// (document kind, number) of what has been signed.
    pub numbers: Vec<(String, String)>,
    pub claim: Option<ClaimFigures>,
}

impl CaseDocument {
    pub fn number_of(&self, kind: &str) -> Option<&str> {
        self.numbers
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, n)| n.as_str())
    }

    pub fn end_date(&self) -> Option<NaiveDate> {
        self.contract_date
            .map(|d| surety_domain::schedule::due_date(d, self.term_months))
    }
}
