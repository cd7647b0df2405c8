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
    /// The balance in each of the five tiers, normal to loss.
    pub by_class: Vec<(LoanClass, Money)>,
}

impl LoanClass {
    pub const ALL: [LoanClass; 5] = [
        LoanClass::Normal,
        LoanClass::SpecialMention,
        LoanClass::Substandard,
        LoanClass::Doubtful,
        LoanClass::Loss,
    ];
}

/// R-NPL-1 after the insurer paid a claim: the bank's retained share stays on its book until
/// recovered or written off — the loss less the insurer's payment and less what recoveries
/// since then credited to the bank, never below zero.
pub fn retained_after_claim(loss: Money, insurer_paid: Money, bank_recovered: Money) -> Money {
    (loss - insurer_paid - bank_recovered).max(Money::ZERO)
}

/// Summarises (outstanding principal, days overdue) of a bank's loans.
pub fn npl_summary(loans: impl IntoIterator<Item = (Money, u32)>, t: &NplThresholds) -> NplSummary {
    let (mut balance, mut npl_balance) = (Money::ZERO, Money::ZERO);
    let mut by_class: Vec<(LoanClass, Money)> =
        LoanClass::ALL.iter().map(|c| (*c, Money::ZERO)).collect();
    for (b, days) in loans {
        balance += b;
        let class = classify(days, t);
        if class.is_npl() {
            npl_balance += b;
        }
        if let Some(tier) = by_class.iter_mut().find(|(c, _)| *c == class) {
            tier.1 += b;
        }
    }
    let npl_ratio = (!balance.is_zero()).then(|| npl_balance.as_decimal() / balance.as_decimal());
    NplSummary {
        balance,
        npl_balance,
        exempt: npl_ratio.is_none_or(|r| r <= t.exemption_ratio),
        npl_ratio,
        by_class,
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
        assert_eq!(s.by_class[4], (LoanClass::Loss, Money::yuan(3)));
        assert_eq!(s.by_class[1], (LoanClass::SpecialMention, Money::yuan(97)));
    }

    #[test]
    fn r_npl_1_the_bank_keeps_its_share_of_a_paid_claim_less_its_recoveries() {
        // Loss 121,696.50, insurer paid 97,357.20: 24,339.30 stays; a later recovery of
        // 10,000 split 80/20 credits the bank 2,000.00: 22,339.30.
        let loss = Money::from_fen(12_169_650);
        let paid = Money::from_fen(9_735_720);
        assert_eq!(
            retained_after_claim(loss, paid, Money::ZERO),
            Money::from_fen(2_433_930)
        );
        assert_eq!(
            retained_after_claim(loss, paid, Money::yuan(2_000)),
            Money::from_fen(2_233_930)
        );
        // Recovered beyond its share: nothing is left, never a negative balance.
        assert_eq!(
            retained_after_claim(loss, paid, Money::yuan(30_000)),
            Money::ZERO
        );
    }
}
