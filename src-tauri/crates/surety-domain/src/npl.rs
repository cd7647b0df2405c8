//! R-NPL-1: five-tier classification by days overdue and a bank's NPL ratio.

use crate::money::Money;
use crate::settings::NplThresholds;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanClass {
    /// 正常
    Normal,
    /// 关注
    SpecialMention,
    /// 次级
    Substandard,
    /// 可疑
    Doubtful,
    /// 损失
    Loss,
}

impl LoanClass {
    pub fn name_zh(self) -> &'static str {
        match self {
            LoanClass::Normal => "正常",
            LoanClass::SpecialMention => "关注",
            LoanClass::Substandard => "次级",
            LoanClass::Doubtful => "可疑",
            LoanClass::Loss => "损失",
        }
    }

    pub fn is_npl(self) -> bool {
        matches!(
            self,
            LoanClass::Substandard | LoanClass::Doubtful | LoanClass::Loss
        )
    }
}

pub fn classify(days_overdue: u32, t: &NplThresholds) -> LoanClass {
    match days_overdue {
        0 => LoanClass::Normal,
        d if d <= t.special_mention_max => LoanClass::SpecialMention,
        d if d <= t.substandard_max => LoanClass::Substandard,
        d if d <= t.doubtful_max => LoanClass::Doubtful,
        _ => LoanClass::Loss,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NplSummary {
    pub balance: Money,
    pub npl_balance: Money,
    /// NPL balance ÷ balance; `None` with no balance.
    pub npl_ratio: Option<Decimal>,
    /// At or under the exemption ratio (2%): not counted against the bank (§5.2).
    pub exempt: bool,
}

/// Summarises (outstanding principal, days overdue) of a bank's loans.
pub fn npl_summary(loans: impl IntoIterator<Item = (Money, u32)>, t: &NplThresholds) -> NplSummary {
    let (mut balance, mut npl_balance) = (Money::ZERO, Money::ZERO);
    for (b, days) in loans {
        balance += b;
        if classify(days, t).is_npl() {
            npl_balance += b;
        }
    }
    let npl_ratio = (!balance.is_zero()).then(|| npl_balance.as_decimal() / balance.as_decimal());
    NplSummary {
        balance,
        npl_balance,
        exempt: npl_ratio.is_none_or(|r| r <= t.exemption_ratio),
        npl_ratio,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_npl_1_tier_boundaries() {
        let t = NplThresholds::default();
        let cases = [
            (0, LoanClass::Normal),
            (1, LoanClass::SpecialMention),
            (90, LoanClass::SpecialMention),
            (91, LoanClass::Substandard),
            (270, LoanClass::Substandard),
            (271, LoanClass::Doubtful),
            (360, LoanClass::Doubtful),
            (361, LoanClass::Loss),
        ];
        for (days, class) in cases {
            assert_eq!(classify(days, &t), class, "{days} days");
        }
    }

    #[test]
    fn r_npl_1_two_percent_is_exempt_above_is_not() {
        let t = NplThresholds::default();
        let s = npl_summary([(Money::yuan(98), 0), (Money::yuan(2), 91)], &t);
        assert_eq!(s.npl_ratio, Some(Decimal::new(2, 2)));
        assert!(s.exempt);
        let s = npl_summary([(Money::yuan(97), 90), (Money::yuan(3), 400)], &t);
        assert!(!s.exempt);
        assert_eq!(s.npl_balance, Money::yuan(3));
    }
}
