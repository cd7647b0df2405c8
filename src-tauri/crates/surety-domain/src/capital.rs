//! Amounts in capitals (人民币大写) as the payment settlement rules write them:
//! 整 after 元 when there are no 角/分; one 零 for a run of zeros; a 零 after 元 when the
//! 元 digit is zero and 角 is not, or before 分 when 角 is zero.

use crate::money::Money;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
const GROUPS: [&str; 3] = ["", "万", "亿"];

/// The largest amount written: 9,999 亿 and change.
pub const MAX_YUAN: i64 = 999_999_999_999;

/// `1409.50` → 壹仟肆佰零玖元伍角. `None` for amounts beyond [`MAX_YUAN`].
pub fn capital_amount(amount: Money) -> Option<String> {
    let negative = amount.is_negative();
    let fen = amount.fen().checked_abs()?;
    let yuan = fen / 100;
    if yuan > MAX_YUAN {
        return None;
    }
    let jiao = (fen / 10 % 10) as usize;
    let fen_digit = (fen % 10) as usize;

    let mut out = String::new();
    if negative {
        out.push('负');
    }
    if yuan > 0 {
        out.push_str(&integer_part(yuan));
        out.push('元');
    }
    match (jiao, fen_digit) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            if yuan > 0 && yuan % 10 == 0 {
                out.push('零');
            }
            out.push(DIGITS[j]);
            out.push('角');
            if f > 0 {
                out.push(DIGITS[f]);
                out.push('分');
            }
        }
    }
    Some(out)
}

/// The yuan in capitals, without 元. Groups of four digits take 万 and 亿; zeros inside
/// the number become one 零 before the next non-zero digit; zeros that end a group are
/// silent (壹拾万柒仟, not 壹拾万零柒仟).
fn integer_part(yuan: i64) -> String {
    let groups: Vec<usize> = {
        let mut g = Vec::new();
        let mut n = yuan;
        while n > 0 {
            g.push((n % 10_000) as usize);
            n /= 10_000;
        }
        g
    };
    let mut out = String::new();
    let mut zero_pending = false;
    for (gi, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        for place in (0..4).rev() {
            let digit = group / 10usize.pow(place as u32) % 10;
            if digit == 0 {
                zero_pending |= !out.is_empty();
                continue;
            }
            if zero_pending {
                out.push('零');
                zero_pending = false;
            }
            out.push(DIGITS[digit]);
            out.push_str(PLACES[place]);
        }
        out.push_str(GROUPS[gi]);
        zero_pending = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(s: &str) -> String {
        capital_amount(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn official_examples_from_the_settlement_rules() {
        assert_eq!(cap("1409.50"), "壹仟肆佰零玖元伍角");
        assert_eq!(cap("6007.14"), "陆仟零柒元壹角肆分");
        assert_eq!(cap("107000.53"), "壹拾万柒仟元零伍角叁分");
        assert_eq!(cap("16409.02"), "壹万陆仟肆佰零玖元零贰分");
        assert_eq!(cap("1000000"), "壹佰万元整");
    }

    #[test]
    fn edge_amounts() {
        assert_eq!(cap("0"), "零元整");
        assert_eq!(cap("0.53"), "伍角叁分");
        assert_eq!(cap("0.05"), "伍分");
        assert_eq!(cap("10"), "壹拾元整");
        assert_eq!(cap("3000000"), "叁佰万元整");
        assert_eq!(cap("1500000.00"), "壹佰伍拾万元整");
        assert_eq!(cap("100000000"), "壹亿元整");
        assert_eq!(cap("100005000"), "壹亿零伍仟元整");
        assert_eq!(cap("1004712.50"), "壹佰万肆仟柒佰壹拾贰元伍角");
        assert_eq!(cap("20.10"), "贰拾元零壹角");
        assert_eq!(cap("-5"), "负伍元整");
    }

    #[test]
    fn amounts_beyond_the_writer_are_refused() {
        assert!(capital_amount("1000000000000".parse().unwrap()).is_none());
    }
}
