//! The quote use case: loan terms as the user typed them -> validated domain types ->
//! the domain's quote. Shape errors (not a decimal, unknown city, …) are `DeskError`s;
//! broken rules are `violations` inside a successful answer.

use crate::desk::error::DeskResult;
use crate::desk::parse::{
    check_term, invalid, parse_business_date, parse_city, parse_kind, parse_money, parse_rate,
    parse_repayment,
};
use serde::Deserialize;
use surety_domain::{quote as domain_quote, Fee, LoanTerms, Money, Quote, Settings};

/// Loan terms as text, exactly as a form or a JSON request carries them.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    pub city: String,
    pub borrower_kind: String,
    /// CNY as a decimal string, at most two decimals.
    pub principal: String,
    /// A fraction as a decimal string: "0.0565" is 5.65%.
    pub annual_rate: String,
    pub term_months: u32,
    /// ISO date, e.g. "2016-03-15".
    pub contract_date: String,
    #[serde(default)]
    pub repayment: Option<String>,
    pub guarantee_rate: String,
    pub accident_rate: String,
    #[serde(default)]
    pub fees: Vec<FeeInput>,
    #[serde(default)]
    pub outstanding_principal: Option<String>,
    /// The bank and the insurer, by code: a signed-in quote then applies their agreement's
    /// R-AMT-1 cap in principle (a quote without a database takes the province's).
    #[serde(default)]
    pub bank: Option<String>,
    #[serde(default)]
    pub insurer: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct FeeInput {
    pub name: String,
    pub amount: String,
}

impl QuoteInput {
    /// Parse, then trust: every field becomes its domain type or an error naming it.
    pub fn parse(&self) -> DeskResult<LoanTerms> {
        let principal = parse_money("principal", &self.principal)?;
        if principal.is_zero() {
            return Err(invalid(
                "principal",
                "principal：贷款金额应大于 0".into(),
                "principal: the loan amount must be above 0".into(),
            ));
        }
        check_term("term_months", self.term_months)?;
        Ok(LoanTerms {
            city: parse_city(&self.city)?,
            borrower_kind: parse_kind(&self.borrower_kind)?,
            principal,
            annual_rate: crate::desk::parse::parse_loan_rate("annual_rate", &self.annual_rate)?,
            term_months: self.term_months,
            contract_date: parse_business_date("contract_date", &self.contract_date)?,
            repayment: parse_repayment(self.repayment.as_deref())?,
            guarantee_rate: parse_rate("guarantee_rate", &self.guarantee_rate)?,
            accident_rate: parse_rate("accident_rate", &self.accident_rate)?,
            fees: self
                .fees
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    Ok(Fee {
                        name: crate::desk::text::clean(
                            &format!("fees[{i}].name"),
                            &f.name,
                            crate::desk::text::NAME,
                        )?,
                        amount: parse_money(&format!("fees[{i}].amount"), &f.amount)?,
                    })
                })
                .collect::<DeskResult<_>>()?,
            outstanding_principal: match &self.outstanding_principal {
                Some(t) => parse_money("outstanding_principal", t)?,
                None => Money::ZERO,
            },
            // A quote without a case has no agreement: the province's cap in principle.
            soft_cap: None,
        })
    }
}

/// The quote for the given terms under `settings`.
pub fn quote(input: &QuoteInput, settings: &Settings) -> DeskResult<Quote> {
    Ok(domain_quote(&input.parse()?, settings))
}

/// Reads a quote request from JSON, naming what is wrong with it in both languages.
pub fn quote_input_from_json(text: &str) -> DeskResult<QuoteInput> {
    serde_json::from_str(text).map_err(|e| crate::desk::error::json_error(&e))
}

/// An amount in capitals (人民币大写), for forms that show it while typing.
pub fn capital(amount: &str) -> DeskResult<String> {
    Ok(written_amount(amount)?.capital)
}

/// An amount as it was typed (`5,000`, `50万`, `¥5,000.00`), read back: the amount the
/// service will record, and in capitals, for the form to show beside what was typed.
pub fn written_amount(text: &str) -> DeskResult<WrittenAmount> {
    let amount = parse_money("amount", text)?;
    let capital = surety_domain::capital_amount(amount).ok_or_else(|| {
        invalid(
            "amount",
            "金额过大，无法写成大写".into(),
            "the amount is too large to write in capitals".into(),
        )
    })?;
    Ok(WrittenAmount {
        amount: amount.into(),
        capital,
    })
}

/// What a typed amount is read as.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WrittenAmount {
    pub amount: crate::desk::dto::Money,
    pub capital: String,
}

impl crate::desk::Desk {
    /// The live quote under this installation's settings and, when the bank and insurer are
    /// named and have an agreement in the city, that agreement's cap in principle.
    pub fn quote(&self, input: &QuoteInput) -> DeskResult<Quote> {
        let mut terms = input.parse()?;
        if let (Some(bank), Some(insurer)) = (input.bank.as_deref(), input.insurer.as_deref()) {
            let conn = self.store.connection();
            let bank = surety_store::orgs::org_by_code(conn, bank.trim())?;
            let insurer = surety_store::orgs::org_by_code(conn, insurer.trim())?;
            if let (Some(b), Some(i)) = (bank, insurer) {
                terms.soft_cap =
                    surety_store::orgs::agreement_for(conn, b.id, i.id, terms.city.code())?
                        .and_then(|a| a.borrower_soft_cap);
            }
        }
        Ok(domain_quote(&terms, &self.settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::Desk;
    use crate::installation::admin::{AgreementInput, OrgInput};
    use surety_store::{KdfParams, NewUser, Role};

    #[test]
    fn the_live_quote_names_the_agreements_cap_in_principle() {
        let dir = tempfile::tempdir().unwrap();
        let admin = NewUser {
            username: "admin".into(),
            display_name: "管理员".into(),
            role: Role::Admin,
            organisation_id: None,
        };
        let mut desk = Desk::init(
            &dir.path().join("t.db"),
            &admin,
            "unit-test-passphrase",
            KdfParams::for_tests(),
        )
        .unwrap();
        for (kind, code, city) in [("insurer", "cpic", None), ("bank", "wfb", Some("weifang"))] {
            desk.add_organisation(&OrgInput {
                kind: kind.into(),
                code: code.into(),
                name: code.into(),
                city: city.map(Into::into),
            })
            .unwrap();
        }
        desk.add_agreement(&AgreementInput {
            bank: "wfb".into(),
            insurer: "cpic".into(),
            city: "weifang".into(),
            insurer_share: None,
            waiting_period_days: None,
            claim_payment_days: None,
            borrower_soft_cap: Some("500000".into()),
            guarantee_rate: "0.02".into(),
            accident_rate: "0.005".into(),
            signed_on: "2015-11-20".into(),
        })
        .unwrap();
        let mut input: QuoteInput = serde_json::from_value(serde_json::json!({
            "city": "weifang", "borrower_kind": "micro_enterprise", "principal": "600000",
            "annual_rate": "0.05", "term_months": 12, "contract_date": "2016-03-15",
            "guarantee_rate": "0.02", "accident_rate": "0.005"
        }))
        .unwrap();
        // Without the parties: the province's 1,000,000.00, so 600,000.00 needs nothing.
        assert!(desk.quote(&input).unwrap().warnings.is_empty());
        // With them: this agreement's 500,000.00.
        input.bank = Some("wfb".into());
        input.insurer = Some("cpic".into());
        let q = desk.quote(&input).unwrap();
        assert_eq!(q.warnings[0].rule, "R-AMT-1");
        assert!(q.warnings[0].message_zh.contains("500000.00"));
    }
}
