//! The quote use case: loan terms as the user typed them -> validated domain types ->
//! the domain's quote. Shape errors (not a decimal, unknown city, …) are `DeskError`s;
//! broken rules are `violations` inside a successful answer.

use crate::error::{DeskError, DeskResult};
use chrono::NaiveDate;
use serde::Deserialize;
use surety_domain::{
    quote as domain_quote, BorrowerKind, City, Fee, LoanTerms, Money, Quote, Rate, RepaymentMethod,
    Settings,
};

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
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct FeeInput {
    pub name: String,
    pub amount: String,
}

fn invalid(field: &str, zh: String, en: String) -> DeskError {
    DeskError::new("INVALID_INPUT", Some(field), zh, en)
}

pub(crate) fn parse_money(field: &str, text: &str) -> DeskResult<Money> {
    let m: Money = text.parse().map_err(|_| {
        invalid(
            field,
            format!("{field}：“{text}”不是有效金额，应为元为单位的数字，最多两位小数，如 1000000.00"),
            format!("{field}: `{text}` is not an amount; give yuan as a decimal with at most two decimals, e.g. 1000000.00"),
        )
    })?;
    if m.is_negative() {
        return Err(invalid(
            field,
            format!("{field}：金额 {text} 不能为负数"),
            format!("{field}: the amount {text} cannot be negative"),
        ));
    }
    Ok(m)
}

pub(crate) fn parse_rate(field: &str, text: &str) -> DeskResult<Rate> {
    let r: Rate = text.parse().map_err(|_| {
        invalid(
            field,
            format!("{field}：“{text}”不是有效费率，应为小数，如 0.0565 表示 5.65%"),
            format!(
                "{field}: `{text}` is not a rate; give a decimal fraction, e.g. 0.0565 for 5.65%"
            ),
        )
    })?;
    if r.fraction().is_sign_negative() || r.fraction() >= rust_decimal::Decimal::ONE {
        return Err(invalid(
            field,
            format!("{field}：费率 {text} 应在 0 与 1 之间（如 0.0565 表示 5.65%）"),
            format!("{field}: the rate {text} must be between 0 and 1 (0.0565 is 5.65%)"),
        ));
    }
    Ok(r)
}

/// A date as forms and the CLI's `--as-of` give it (YYYY-MM-DD).
pub fn parse_date(field: &str, text: &str) -> DeskResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            format!("{field}：“{text}”不是有效日期，格式应为 YYYY-MM-DD"),
            format!("{field}: `{text}` is not a date; use YYYY-MM-DD"),
        )
    })
}

pub(crate) fn parse_city(text: &str) -> DeskResult<City> {
    text.parse().map_err(|_| {
        let codes: Vec<&str> = City::ALL.iter().map(|c| c.code()).collect();
        invalid(
            "city",
            format!("未知试点市“{text}”，应为：{}", codes.join("、")),
            format!("unknown pilot city `{text}`; one of: {}", codes.join(", ")),
        )
    })
}

pub(crate) fn parse_kind(text: &str) -> DeskResult<BorrowerKind> {
    text.parse().map_err(|_| {
        let codes: Vec<&str> = BorrowerKind::ALL.iter().map(|k| k.code()).collect();
        invalid(
            "borrower_kind",
            format!("未知借款人类型“{text}”，应为：{}", codes.join("、")),
            format!(
                "unknown borrower kind `{text}`; one of: {}",
                codes.join(", ")
            ),
        )
    })
}

pub(crate) fn parse_repayment(text: Option<&str>) -> DeskResult<RepaymentMethod> {
    let Some(text) = text else {
        return Ok(RepaymentMethod::default());
    };
    text.parse().map_err(|_| {
        let codes: Vec<&str> = RepaymentMethod::ALL.iter().map(|k| k.code()).collect();
        invalid(
            "repayment",
            format!("未知还款方式“{text}”，应为：{}", codes.join("、")),
            format!(
                "unknown repayment method `{text}`; one of: {}",
                codes.join(", ")
            ),
        )
    })
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
        if self.term_months > 360 {
            return Err(invalid(
                "term_months",
                format!("term_months：{} 个月不是有效期限", self.term_months),
                format!("term_months: {} months is not a term", self.term_months),
            ));
        }
        Ok(LoanTerms {
            city: parse_city(&self.city)?,
            borrower_kind: parse_kind(&self.borrower_kind)?,
            principal,
            annual_rate: parse_rate("annual_rate", &self.annual_rate)?,
            term_months: self.term_months,
            contract_date: parse_date("contract_date", &self.contract_date)?,
            repayment: parse_repayment(self.repayment.as_deref())?,
            guarantee_rate: parse_rate("guarantee_rate", &self.guarantee_rate)?,
            accident_rate: parse_rate("accident_rate", &self.accident_rate)?,
            fees: self
                .fees
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    Ok(Fee {
                        name: f.name.clone(),
                        amount: parse_money(&format!("fees[{i}].amount"), &f.amount)?,
                    })
                })
                .collect::<DeskResult<_>>()?,
            outstanding_principal: match &self.outstanding_principal {
                Some(t) => parse_money("outstanding_principal", t)?,
                None => Money::ZERO,
            },
        })
    }
}

/// The quote for the given terms under `settings`.
pub fn quote(input: &QuoteInput, settings: &Settings) -> DeskResult<Quote> {
    Ok(domain_quote(&input.parse()?, settings))
}

/// Reads a quote request from JSON, naming what is wrong with it in both languages.
pub fn quote_input_from_json(text: &str) -> DeskResult<QuoteInput> {
    serde_json::from_str(text).map_err(|e| crate::error::json_error(&e))
}

/// An amount in capitals (人民币大写), for forms that show it while typing.
pub fn capital(amount: &str) -> DeskResult<String> {
    let m = parse_money("amount", amount)?;
    surety_domain::capital_amount(m).ok_or_else(|| {
        invalid(
            "amount",
            "金额过大，无法写成大写".into(),
            "the amount is too large to write in capitals".into(),
        )
    })
}
