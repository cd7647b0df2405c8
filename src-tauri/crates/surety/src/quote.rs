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

fn invalid(field: &str, zh: String, en: String) -> DeskError {
    DeskError::new("INVALID_INPUT", Some(field), zh, en)
}

/// The largest amount any field takes: 100 亿元, far above any loan of the pilot, far
/// below where interest and schedule arithmetic could overflow.
pub const MAX_AMOUNT: &str = "10000000000";
/// Business dates (applications, contracts, agreements, the business date itself): from
/// before the pilot began to well past any loan's end.
pub const FIRST_BUSINESS_DATE: (i32, u32, u32) = (2014, 1, 1);
/// Any date, e.g. since when a business operates or a past reference rate.
pub const FIRST_DATE: (i32, u32, u32) = (1949, 10, 1);
pub const LAST_DATE: (i32, u32, u32) = (2100, 12, 31);
/// Terms in months a request may name (R-TERM-1 then holds them to the policy's).
pub const MAX_TERM_MONTHS: u32 = 360;

/// An amount that must be above zero (a payment, a recovery): `zh` and `en` name it.
pub(crate) fn parse_positive_money(
    field: &str,
    text: &str,
    zh: &str,
    en: &str,
) -> DeskResult<Money> {
    let m = parse_money(field, text)?;
    if m.is_zero() {
        return Err(invalid(
            field,
            format!("{zh}应大于 0"),
            format!("{en} must be above 0"),
        ));
    }
    Ok(m)
}

pub(crate) fn parse_money(field: &str, text: &str) -> DeskResult<Money> {
    let t = crate::text::shown(text);
    let m: Money = text.parse().map_err(|_| {
        invalid(
            field,
            format!("{field}：“{t}”不是有效金额，应为元为单位的数字，最多两位小数，如 1000000.00"),
            format!("{field}: `{t}` is not an amount; give yuan as a decimal with at most two decimals, e.g. 1000000.00"),
        )
    })?;
    if m.is_negative() {
        return Err(invalid(
            field,
            format!("{field}：金额 {t} 不能为负数"),
            format!("{field}: the amount {t} cannot be negative"),
        ));
    }
    let max: Money = MAX_AMOUNT.parse().expect("a valid amount");
    if m > max {
        return Err(invalid(
            field,
            format!("{field}：金额 {t} 过大，最多 {max} 元"),
            format!("{field}: the amount {t} is too large; at most {max} yuan"),
        ));
    }
    Ok(m)
}

/// A loan term in months, 1 to 360 (the policy's own limit is checked by R-TERM-1).
pub(crate) fn check_term(field: &str, months: u32) -> DeskResult<u32> {
    if (1..=MAX_TERM_MONTHS).contains(&months) {
        return Ok(months);
    }
    Err(invalid(
        field,
        format!("{field}：期限 {months} 个月无效，应为 1 至 {MAX_TERM_MONTHS} 个月"),
        format!("{field}: a term of {months} months is not valid; 1 to {MAX_TERM_MONTHS}"),
    ))
}

pub(crate) fn parse_rate(field: &str, text: &str) -> DeskResult<Rate> {
    let text = &crate::text::shown(text);
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
/// A business date (YYYY-MM-DD, 2014 to 2100): applications, contracts, agreements,
/// pilot starts, the business date.
pub fn parse_business_date(field: &str, text: &str) -> DeskResult<NaiveDate> {
    date_between(field, text, FIRST_BUSINESS_DATE)
}

/// Any date (YYYY-MM-DD, 1949-10-01 to 2100): four-digit years only, "16-03-15" is not
/// year 16.
pub fn parse_date(field: &str, text: &str) -> DeskResult<NaiveDate> {
    date_between(field, text, FIRST_DATE)
}

fn date_between(field: &str, text: &str, from: (i32, u32, u32)) -> DeskResult<NaiveDate> {
    let t = crate::text::shown(text);
    let (y0, m0, d0) = from;
    let (y1, m1, d1) = LAST_DATE;
    let first = NaiveDate::from_ymd_opt(y0, m0, d0).expect("a valid date");
    let last = NaiveDate::from_ymd_opt(y1, m1, d1).expect("a valid date");
    let shape_ok = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| shape_ok)
        .ok_or_else(|| {
            invalid(
                field,
                format!("{field}：“{t}”不是有效日期，格式应为 YYYY-MM-DD"),
                format!("{field}: `{t}` is not a date; use YYYY-MM-DD"),
            )
        })?;
    if date < first || date > last {
        return Err(invalid(
            field,
            format!("{field}：日期 {t} 超出范围，应在 {first} 至 {last} 之间"),
            format!("{field}: the date {t} is out of range; {first} to {last}"),
        ));
    }
    Ok(date)
}

pub(crate) fn parse_city(text: &str) -> DeskResult<City> {
    let shown_text = crate::text::shown(text);
    text.parse().map_err(|_| {
        let text = &shown_text;
        let codes: Vec<&str> = City::ALL.iter().map(|c| c.code()).collect();
        invalid(
            "city",
            format!("未知试点市“{text}”，应为：{}", codes.join("、")),
            format!("unknown pilot city `{text}`; one of: {}", codes.join(", ")),
        )
    })
}

pub(crate) fn parse_kind(text: &str) -> DeskResult<BorrowerKind> {
    let shown_text = crate::text::shown(text);
    text.parse().map_err(|_| {
        let text = &shown_text;
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
    let shown_text = crate::text::shown(text);
    text.parse().map_err(|_| {
        let text = &shown_text;
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
        check_term("term_months", self.term_months)?;
        Ok(LoanTerms {
            city: parse_city(&self.city)?,
            borrower_kind: parse_kind(&self.borrower_kind)?,
            principal,
            annual_rate: parse_rate("annual_rate", &self.annual_rate)?,
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
                        name: crate::text::clean(
                            &format!("fees[{i}].name"),
                            &f.name,
                            crate::text::NAME,
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
    use crate::admin::{AgreementInput, OrgInput};
    use crate::desk::Desk;
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
            "pw-123456",
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
