//! Parse, then trust: amounts, rates, terms, dates, cities, borrower kinds and repayment
//! methods as a form or a JSON request carries them, each turned into its domain type or
//! into an error naming the field. Every folder's inputs go through these.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use chrono::NaiveDate;
use surety_domain::{BorrowerKind, City, Money, Rate, RepaymentMethod};

pub(crate) fn invalid(field: &str, zh: String, en: String) -> DeskError {
    DeskError::new(ErrorCode::InvalidInput, Some(field), zh, en)
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

/// An amount as people write it (`5,000`, `¥5,000.00`, `50万`), refused with what is
/// allowed. The message does not name the field: `field` says which one it is, and the
/// window shows the message beside it.
pub(crate) fn parse_money(field: &str, text: &str) -> DeskResult<Money> {
    let t = crate::desk::text::shown(text);
    let m = Money::from_written(text).map_err(|_| {
        invalid(
            field,
            format!("“{t}”不是有效金额：请以元为单位填写，最多两位小数，如 5000、5,000.00、¥5,000 或 50万"),
            format!("`{t}` is not an amount: give yuan with at most two decimals, e.g. 5000, 5,000.00, ¥5,000 or 50万"),
        )
    })?;
    if m.is_negative() {
        return Err(invalid(
            field,
            format!("金额 {t} 不能为负数"),
            format!("the amount {t} cannot be negative"),
        ));
    }
    let max: Money = MAX_AMOUNT.parse().expect("a valid amount");
    if m > max {
        return Err(invalid(
            field,
            "金额过大：最多 100 亿元".to_string(),
            format!("the amount {t} is too large; at most 10,000,000,000 yuan"),
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
        format!("期限 {months} 个月无效，应为 1 至 {MAX_TERM_MONTHS} 个月"),
        format!("a term of {months} months is not valid; 1 to {MAX_TERM_MONTHS}"),
    ))
}

pub(crate) fn parse_rate(field: &str, text: &str) -> DeskResult<Rate> {
    let text = &crate::desk::text::shown(text);
    let r: Rate = text.parse().map_err(|_| {
        invalid(
            field,
            format!("“{text}”不是有效费率，应为小数，如 0.0565 表示 5.65%"),
            format!("`{text}` is not a rate; give a decimal fraction, e.g. 0.0565 for 5.65%"),
        )
    })?;
    if r.fraction().is_sign_negative() || r.fraction() >= rust_decimal::Decimal::ONE {
        return Err(invalid(
            field,
            format!("费率 {text} 应在 0 与 1 之间（如 0.0565 表示 5.65%）"),
            format!("the rate {text} must be between 0 and 1 (0.0565 is 5.65%)"),
        ));
    }
    Ok(r)
}

/// A loan's annual interest rate: a rate above zero (a loan at 0% is a typing slip, and
/// every figure after it would be wrong).
pub(crate) fn parse_loan_rate(field: &str, text: &str) -> DeskResult<Rate> {
    let r = parse_rate(field, text)?;
    if r.fraction().is_zero() {
        return Err(invalid(
            field,
            "年利率不能为 0，应为小数，如 0.0565 表示 5.65%".to_string(),
            "an annual rate cannot be 0; give a decimal fraction, e.g. 0.0565 for 5.65%"
                .to_string(),
        ));
    }
    Ok(r)
}

/// A phone number as people write it: digits with spaces, dashes, brackets or a leading
/// +, 5 to 20 digits; empty when not given.
pub(crate) fn parse_phone(field: &str, text: &str) -> DeskResult<String> {
    let t = text.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let shape = t.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    if t.is_empty() || (shape && (PHONE_DIGITS_MIN..=PHONE_DIGITS_MAX).contains(&digits)) {
        return Ok(t.to_string());
    }
    let shown = crate::desk::text::shown(t);
    Err(invalid(
        field,
        format!("“{shown}”不是电话号码，应为 {PHONE_DIGITS_MIN} 至 {PHONE_DIGITS_MAX} 位数字（可含空格、- 和括号，国际号码以 + 开头）"),
        format!("`{shown}` is not a phone number; {PHONE_DIGITS_MIN} to {PHONE_DIGITS_MAX} digits (spaces, - and brackets allowed, + first for an international number)"),
    ))
}

/// The digits a phone number has: a short local number to an international one.
const PHONE_DIGITS_MIN: usize = 5;
const PHONE_DIGITS_MAX: usize = 20;

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
    let t = crate::desk::text::shown(text);
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
                format!("“{t}”不是有效日期，格式应为 YYYY-MM-DD"),
                format!("`{t}` is not a date; use YYYY-MM-DD"),
            )
        })?;
    if date < first || date > last {
        return Err(invalid(
            field,
            format!("日期 {t} 超出范围，应在 {first} 至 {last} 之间"),
            format!("the date {t} is out of range; {first} to {last}"),
        ));
    }
    Ok(date)
}

pub(crate) fn parse_city(text: &str) -> DeskResult<City> {
    let shown_text = crate::desk::text::shown(text);
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
    let shown_text = crate::desk::text::shown(text);
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
    let shown_text = crate::desk::text::shown(text);
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
