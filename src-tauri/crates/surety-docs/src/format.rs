//! How amounts, rates and dates read on paper.

use rust_decimal::Decimal;
use surety_domain::{capital_amount, Money, Rate};

/// "1,000,000.00"
pub fn amount(m: Money) -> String {
    let s = m.to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// "人民币（大写）壹佰万元整（小写 ¥1,000,000.00）"
pub fn both(m: Money) -> String {
    format!(
        "人民币（大写）{}（小写 ¥{}）",
        capital_amount(m).unwrap_or_default(),
        amount(m)
    )
}

pub fn percent(r: Rate) -> String {
    r.as_percent()
}

pub fn share(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

pub fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y年%m月%d日").to_string())
        .unwrap_or_else(|| "____年__月__日".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(amount("1000000".parse().unwrap()), "1,000,000.00");
        assert_eq!(amount("4712.5".parse().unwrap()), "4,712.50");
        assert_eq!(amount("999.99".parse().unwrap()), "999.99");
        assert_eq!(
            both("1000000".parse().unwrap()),
            "人民币（大写）壹佰万元整（小写 ¥1,000,000.00）"
        );
    }
}
