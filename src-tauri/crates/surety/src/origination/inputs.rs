//! What a user sends for each step from application to disbursement: the request shapes,
//! as the window's forms and the CLI's JSON carry them.

use crate::origination::quote::FeeInput;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct BorrowerInput {
    pub kind: String,
    pub name: String,
    /// Resident ID for farmers and entrepreneurs, unified social credit code otherwise.
    pub id_number: String,
    /// For an early credit code that fails its check character: why it was accepted.
    #[serde(default)]
    pub id_check_override: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub legal_rep: String,
    pub operating_since: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    pub borrower: BorrowerInput,
    pub city: String,
    pub bank: String,
    pub insurer: String,
    pub principal: String,
    pub annual_rate: String,
    pub term_months: u32,
    #[serde(default)]
    pub repayment: Option<String>,
    /// Defaults to the agreement's rates.
    #[serde(default)]
    pub guarantee_rate: Option<String>,
    #[serde(default)]
    pub accident_rate: Option<String>,
    #[serde(default)]
    pub fees: Vec<FeeInput>,
    /// Defaults to today.
    #[serde(default)]
    pub application_date: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct FindingsInput {
    pub tax_arrears_clean: bool,
    pub debt_evasion_clean: bool,
    pub violation_record_clean: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct InvestigationInput {
    pub case_no: String,
    pub findings: FindingsInput,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub case_no: String,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub case_no: String,
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SignInput {
    pub case_no: String,
    /// loan_contract | guarantee_policy | accident_policy
    pub document: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PremiumInput {
    pub case_no: String,
    /// guarantee | accident
    pub line: String,
    pub amount: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CaseRef {
    pub case_no: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AmountInput {
    pub case_no: String,
    pub amount: String,
}
