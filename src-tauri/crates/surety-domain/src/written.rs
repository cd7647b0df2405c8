//! Amounts as finance staff write them: `5,000`, `5,000.00`, `¥5,000`, `50万`, `1.5万元`,
//! `５０００` typed with a Chinese input method. Each is read to the same exact amount or
//! refused; nothing is guessed (`5,00` and `5 000` are refused, since their grouping does not
//! say which amount was meant).

use crate::money::{Money, MoneyParseError};
use rust_decimal::Decimal;
use std::str::FromStr;

impl Money {
    /// The amount `text` says, written as people write it (see the module's examples).
    pub fn from_written(text: &str) -> Result<Money, MoneyParseError> {
        let halfwidth: String = text.trim().chars().map(halfwidth).collect();
        let mut s = halfwidth.trim();
        s = s.strip_prefix('¥').unwrap_or(s).trim_start();
        s = s.strip_suffix("元整").unwrap_or(s);
        s = s.strip_suffix('元').unwrap_or(s).trim_end();
        let (number, unit) = if let Some(n) = s.strip_suffix('万') {
            (n.trim_end(), Decimal::from(10_000))
        } else if let Some(n) = s.strip_suffix('亿') {
            (n.trim_end(), Decimal::from(100_000_000))
        } else {
            (s, Decimal::ONE)
        };
        let plain = ungrouped(number).ok_or(MoneyParseError::NotDecimal)?;
        if unit == Decimal::ONE {
            return Money::from_str(&plain);
        }
        // 万 and 亿 carry their own decimals: 1.5万 is 15,000.00, 12.34567万 is 123,456.70.
        if plain.starts_with(['-', '+']) || plain.is_empty() {
            return Err(MoneyParseError::NotDecimal);
        }
        let d = Decimal::from_str_exact(&plain).map_err(|_| MoneyParseError::NotDecimal)?;
        let amount = d
            .checked_mul(unit)
            .ok_or(MoneyParseError::NotDecimal)?
            .normalize();
        Money::from_str(&amount.to_string())
    }
}

/// Full-width digits and signs, as a Chinese input method types them, in ASCII.
fn halfwidth(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '，' => ',',
        '．' | '。' => '.',
        '￥' => '¥',
        '－' => '-',
        '　' => ' ',
        other => other,
    }
}

/// The number with its thousands separators taken out, if they stand every three digits
/// left of the point (and nowhere else); `None` otherwise.
fn ungrouped(number: &str) -> Option<String> {
    if !number.contains(',') {
        return Some(number.to_string());
    }
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    let digits = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !(first_ok && rest_ok && digits) || fraction.is_some_and(|f| f.contains(',')) {
        return None;
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(text: &str) -> Option<i64> {
        Money::from_written(text).ok().map(Money::fen)
    }

    #[test]
    fn amounts_read_as_people_write_them() {
        // Each worked out by hand, in fen.
        assert_eq!(fen("5000"), Some(500_000));
        assert_eq!(fen("5,000"), Some(500_000));
        assert_eq!(fen("5,000.00"), Some(500_000));
        assert_eq!(fen("¥5,000"), Some(500_000));
        assert_eq!(fen("￥ 5,000.5"), Some(500_050));
        assert_eq!(fen("5000元"), Some(500_000));
        assert_eq!(fen("1,000,000元整"), Some(100_000_000));
        // 50 × 10,000 = 500,000.00 yuan = 50,000,000 fen.
        assert_eq!(fen("50万"), Some(50_000_000));
        assert_eq!(fen("50 万元"), Some(50_000_000));
        // 1.5 × 10,000 = 15,000.00 yuan.
        assert_eq!(fen("1.5万"), Some(1_500_000));
        // 12.34567 × 10,000 = 123,456.70
        assert_eq!(fen("12.34567万"), Some(12_345_670));
        // 0.5 × 100,000,000 = 50,000,000.00 yuan.
        assert_eq!(fen("0.5亿"), Some(5_000_000_000));
        assert_eq!(fen("５，０００．００"), Some(500_000));
        assert_eq!(fen("５０万"), Some(50_000_000));
    }

    #[test]
    fn what_does_not_say_one_amount_is_refused() {
        for text in [
            "",
            "5,00",
            "50,00,000",
            "5 000",
            ",500",
            "5,000,",
            "5.000,00",
            "1e6",
            "五千",
            "5000.001",
            "1.2345678万",
            "-5万",
            "万",
            "¥",
            "5,000.00.00",
            "0x10",
        ] {
            assert!(Money::from_written(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn the_strict_form_still_reads_the_same() {
        // What the stored and serialised forms use is unchanged.
        assert_eq!(fen("1000000.50"), Some(100_000_050));
        assert!(Money::from_str("5,000").is_err());
    }
}
