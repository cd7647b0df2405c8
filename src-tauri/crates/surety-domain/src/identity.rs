//! Identification numbers of borrowers: the resident ID (GB 11643-1999) for persons and
//! the unified social credit code (GB 32100-2015) for enterprises and cooperatives.

use crate::rule::Rule;
use crate::violation::Violation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An 18-character resident ID whose check digit, birth date and region prefix are valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResidentId(String);

/// Two-digit province-level prefixes in use (GB/T 2260).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

fn id_error(field: &str, zh: String, en: String) -> Violation {
    Violation::new(Rule::IdNumber, field, zh, en)
}

/// The GB 11643 check character for the first 17 digits of a resident ID.
pub fn resident_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

impl ResidentId {
    /// Validates `text` (a lowercase x is accepted and stored as X); `field` names the input.
    pub fn parse(text: &str, field: &str) -> Result<ResidentId, Violation> {
        let s = text.trim().to_ascii_uppercase();
        // Messages quote at most 24 characters of what was typed.
        let text = &text.chars().take(24).collect::<String>();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18
            || !chars[..17].iter().all(char::is_ascii_digit)
            || !(chars[17].is_ascii_digit() || chars[17] == 'X')
        {
            return Err(id_error(
                field,
                format!("身份证号“{text}”格式不正确：应为18位，前17位为数字，最后一位为数字或X"),
                format!(
                    "resident ID `{text}` is malformed: 18 characters, 17 digits then a digit or X"
                ),
            ));
        }
        let digit = |i: usize| chars[i].to_digit(10).unwrap_or(0);
        let province = (digit(0) * 10 + digit(1)) as u8;
        if !PROVINCES.contains(&province) || chars[2..6].iter().all(|&c| c == '0') {
            return Err(id_error(
                field,
                format!("身份证号“{text}”的地区码 {} 不存在", &s[..6]),
                format!(
                    "resident ID `{text}`: region code {} does not exist",
                    &s[..6]
                ),
            ));
        }
        let birth = NaiveDate::parse_from_str(&s[6..14], "%Y%m%d")
            .ok()
            .filter(|d| d >= &NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date"));
        if birth.is_none() {
            return Err(id_error(
                field,
                format!("身份证号“{text}”的出生日期 {} 无效", &s[6..14]),
                format!(
                    "resident ID `{text}`: birth date {} is not a valid date",
                    &s[6..14]
                ),
            ));
        }
        let want = resident_check_char(&s[..17]).expect("17 digits checked");
        if chars[17] != want {
            return Err(id_error(
                field,
                format!("身份证号“{text}”校验位错误：最后一位应为 {want}"),
                format!(
                    "resident ID `{text}`: wrong check digit, the last character should be {want}"
                ),
            ));
        }
        Ok(ResidentId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A borrower signs a loan contract in their own name: born before `on` and 18 or over
    /// that day (完全民事行为能力).
    pub fn check_adult(&self, on: NaiveDate, field: &str) -> Result<(), Violation> {
        let birth = self.birth_date();
        let adult_from = birth.checked_add_months(chrono::Months::new(18 * 12));
        if birth > on {
            return Err(Violation::new(
                Rule::InvalidInput,
                field,
                format!("身份证号码中的出生日期 {birth} 晚于申请日 {on}：请核对证件号码"),
                format!("the resident ID's birth date {birth} is after the application date {on}: check the number"),
            ));
        }
        if adult_from.is_none_or(|d| d > on) {
            return Err(Violation::new(
                Rule::InvalidInput,
                field,
                format!("借款人出生于 {birth}，至申请日 {on} 未满 18 周岁，不能以本人名义借款"),
                format!("the borrower, born {birth}, is under 18 on {on} and cannot borrow in their own name"),
            ));
        }
        Ok(())
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked at parse")
    }
}

/// A unified social credit code. `check_overridden` records an early code that fails the
/// check character but was verified by a person (who and why are kept with the borrower).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CreditCode {
    code: String,
    check_overridden: bool,
}

/// The code's alphabet: digits and capitals without I, O, Z, S, V.
const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Registration authorities (first character).
const AUTHORITIES: &str = "123456789ABCDEFGY";

fn credit_value(c: char) -> Option<u32> {
    CREDIT_CHARS.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters, which must be in the alphabet.
pub fn credit_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (i, c) in first17.chars().enumerate() {
        sum += credit_value(c)? * CREDIT_WEIGHTS.get(i)?;
    }
    let v = (31 - sum % 31) % 31;
    CREDIT_CHARS.chars().nth(v as usize)
}

impl CreditCode {
    /// Validates charset, length, authority, region and check character.
    /// `allow_check_override` accepts a wrong check character (and records it).
    pub fn parse(
        text: &str,
        field: &str,
        allow_check_override: bool,
    ) -> Result<CreditCode, Violation> {
        let s = text.trim().to_ascii_uppercase();
        // Messages quote at most 24 characters of what was typed.
        let text = &text.chars().take(24).collect::<String>();
        let shape_ok = s.chars().count() == 18
            && s.chars().all(|c| CREDIT_CHARS.contains(c))
            && s.chars().next().is_some_and(|c| AUTHORITIES.contains(c))
            && s[2..8].chars().all(|c| c.is_ascii_digit());
        if !shape_ok {
            return Err(id_error(
                field,
                format!("统一社会信用代码“{text}”格式不正确：应为18位数字或大写字母（不含I、O、Z、S、V），第3至8位为行政区划码"),
                format!("credit code `{text}` is malformed: 18 digits or capitals (no I, O, Z, S, V), characters 3–8 a region code"),
            ));
        }
        // Characters 3–8 are the registering authority's division: a province's (or
        // 100000 for the national level), never all zeros.
        let region = &s[2..8];
        let province: u8 = region[..2].parse().expect("digits checked");
        if !(region == "100000" || PROVINCES.contains(&province)) {
            return Err(id_error(
                field,
                format!("统一社会信用代码“{text}”的行政区划码 {region} 不存在"),
                format!("credit code `{text}`: region code {region} does not exist"),
            ));
        }
        let want = credit_check_char(&s[..17]).expect("charset checked");
        let got = s.chars().nth(17).expect("length checked");
        if got != want && !allow_check_override {
            return Err(id_error(
                field,
                format!("统一社会信用代码“{text}”校验码错误：最后一位应为 {want}；早期代码如经核实，可登记校验例外"),
                format!("credit code `{text}`: wrong check character, the last should be {want}; an early code verified by hand can be recorded with a check override"),
            ));
        }
        Ok(CreditCode {
            check_overridden: got != want,
            code: s,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn check_overridden(&self) -> bool {
        self.check_overridden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example_resident_id_is_valid() {
        let id = ResidentId::parse("11010519491231002x", "id_number").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
    }

    #[test]
    fn resident_id_errors_say_what_is_wrong() {
        let e = ResidentId::parse("110105194912310021", "id_number").unwrap_err();
        assert!(
            e.message_zh.contains("校验位错误") && e.message_en.contains("should be X"),
            "{e}"
        );
        assert_eq!(e.field, "id_number");
        let e = ResidentId::parse("11010519491331002X", "id_number").unwrap_err();
        assert!(e.message_en.contains("birth date"), "{e}");
        let e = ResidentId::parse("99010519491231002X", "id_number").unwrap_err();
        assert!(e.message_en.contains("region"), "{e}");
        let e = ResidentId::parse("1101051949123100", "id_number").unwrap_err();
        assert!(e.message_en.contains("malformed"), "{e}");
    }

    #[test]
    fn credit_code_check_character() {
        // 91350100M000100Y4 + check 3: a widely published valid example.
        assert_eq!(credit_check_char("91350100M000100Y4"), Some('3'));
        let c = CreditCode::parse("91350100M000100Y43", "credit_code", false).unwrap();
        assert!(!c.check_overridden());
    }

    #[test]
    fn credit_code_with_a_bad_check_needs_a_recorded_override() {
        let e = CreditCode::parse("91350100M000100Y44", "credit_code", false).unwrap_err();
        assert!(e.message_zh.contains("最后一位应为 3"), "{e}");
        let c = CreditCode::parse("91350100M000100Y44", "credit_code", true).unwrap();
        assert!(c.check_overridden());
        // The override never excuses a malformed code.
        assert!(CreditCode::parse("91350100M000100O43", "credit_code", true).is_err());
        assert!(CreditCode::parse("Z1350100M000100Y43", "credit_code", true).is_err());
        // Region 000000, with a right check character: 9, 1, 0×6, M000100Y, then the check
        // the algorithm gives for those 17.
        let first17 = "91000000M000100Y4";
        let code = format!("{first17}{}", credit_check_char(first17).unwrap());
        let e = CreditCode::parse(&code, "credit_code", false).unwrap_err();
        assert!(
            e.message_en.contains("region code 000000"),
            "{}",
            e.message_en
        );
        // The national level's 100000 is a region.
        let first17 = "91100000M000100Y4";
        let code = format!("{first17}{}", credit_check_char(first17).unwrap());
        CreditCode::parse(&code, "credit_code", false).unwrap();
    }
}
