//! The insurer side of a loss (R-SHARE-1, R-RECOV-1): one insurer, or a coinsurance pool
//! (共保体) whose shares sum to 100% with one lead underwriter (§3.2.3).

use crate::money::Money;
use crate::rule::Rule;
use crate::violation::Violation;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMember {
    pub insurer: String,
    /// Fraction of the insurer side, e.g. 0.6.
    pub share: Decimal,
    pub lead: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pool {
    members: Vec<PoolMember>,
}

impl Pool {
    /// Shares positive and summing to exactly 100%, exactly one lead, no insurer twice.
    pub fn new(members: Vec<PoolMember>) -> Result<Pool, Violation> {
        let err = |zh: String, en: String| Violation::new(Rule::RShare1, "pool", zh, en);
        if members.is_empty() {
            return Err(err(
                "共保体至少要有一家保险公司".into(),
                "a pool needs at least one insurer".into(),
            ));
        }
        if let Some(m) = members.iter().find(|m| m.share <= Decimal::ZERO) {
            return Err(err(
                format!("{}的份额 {} 应大于 0", m.insurer, m.share),
                format!("{}'s share {} must be above 0", m.insurer, m.share),
            ));
        }
        let sum: Decimal = members.iter().map(|m| m.share).sum();
        if sum != Decimal::ONE {
            let pct = (sum * Decimal::ONE_HUNDRED).normalize();
            return Err(err(
                format!("共保体份额合计 {pct}%，应为 100%"),
                format!("the pool's shares sum to {pct}%, not 100%"),
            ));
        }
        let leads = members.iter().filter(|m| m.lead).count();
        if leads != 1 {
            return Err(err(
                format!("共保体应有且只有一家主承保公司（现有 {leads} 家）"),
                format!("a pool has exactly one lead underwriter ({leads} given)"),
            ));
        }
        let mut names: Vec<&str> = members.iter().map(|m| m.insurer.as_str()).collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(err(
                "同一保险公司在共保体中出现两次".into(),
                "an insurer appears twice in the pool".into(),
            ));
        }
        Ok(Pool { members })
    }

    pub fn single(insurer: &str) -> Pool {
        Pool {
            members: vec![PoolMember {
                insurer: insurer.into(),
                share: Decimal::ONE,
                lead: true,
            }],
        }
    }

    pub fn members(&self) -> &[PoolMember] {
        &self.members
    }

    pub fn lead(&self) -> &PoolMember {
        self.members
            .iter()
            .find(|m| m.lead)
            .expect("validated: one lead")
    }

    /// Each member's part of `amount`, rounded to the fen; the lead absorbs the rounding.
    pub fn split(&self, amount: Money) -> Vec<(String, Money)> {
        let mut parts: Vec<(String, Money)> = self
            .members
            .iter()
            .map(|m| (m.insurer.clone(), amount.times(m.share)))
            .collect();
        let rest = amount - parts.iter().map(|p| p.1).sum();
        let lead = self
            .members
            .iter()
            .position(|m| m.lead)
            .expect("validated: one lead");
        parts[lead].1 += rest;
        parts
    }
}

/// A loss (or a recovery) split between the insurer side, its pool members, and the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LossSplit {
    pub total: Money,
    pub insurer: Money,
    pub bank: Money,
    pub members: Vec<(String, Money)>,
}

/// R-SHARE-1 / R-RECOV-1: the insurer side bears `insurer_share` (rounded to the fen), the
/// bank the rest; the insurer side is split again by pool shares.
pub fn split_loss(total: Money, insurer_share: Decimal, pool: &Pool) -> LossSplit {
    let insurer = total.times(insurer_share);
    let members = pool.split(insurer);
    debug_assert_eq!(
        members.iter().map(|m| m.1).sum::<Money>(),
        insurer,
        "the pool's parts add up to the insurer's side: the lead takes the rounding"
    );
    LossSplit {
        total,
        insurer,
        bank: total - insurer,
        members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn two_member_pool() -> Pool {
        Pool::new(vec![
            PoolMember {
                insurer: "人保财险".into(),
                share: dec!(0.6),
                lead: true,
            },
            PoolMember {
                insurer: "太平洋财险".into(),
                share: dec!(0.4),
                lead: false,
            },
        ])
        .unwrap()
    }

    #[test]
    fn r_share_1_seventy_thirty_then_by_pool_shares() {
        let s = split_loss("100000.01".parse().unwrap(), dec!(0.7), &two_member_pool());
        assert_eq!(s.insurer, "70000.01".parse().unwrap());
        assert_eq!(s.bank, "30000.00".parse().unwrap());
        assert_eq!(
            s.members[0],
            ("人保财险".into(), "42000.01".parse().unwrap())
        );
        assert_eq!(
            s.members[1],
            ("太平洋财险".into(), "28000.00".parse().unwrap())
        );
    }

    #[test]
    fn the_lead_absorbs_the_rounding() {
        let pool = Pool::new(vec![
            PoolMember {
                insurer: "A".into(),
                share: dec!(0.3333),
                lead: false,
            },
            PoolMember {
                insurer: "B".into(),
                share: dec!(0.3333),
                lead: false,
            },
            PoolMember {
                insurer: "C".into(),
                share: dec!(0.3334),
                lead: true,
            },
        ])
        .unwrap();
        let parts = pool.split(Money::from_fen(1));
        assert_eq!(parts.iter().map(|p| p.1).sum::<Money>(), Money::from_fen(1));
        assert_eq!(parts[2].1, Money::from_fen(1));
    }

    #[test]
    fn a_pool_must_sum_to_100_percent_with_one_lead() {
        let mut m = two_member_pool().members().to_vec();
        m[1].share = dec!(0.3);
        assert!(Pool::new(m.clone()).unwrap_err().message_zh.contains("90%"));
        m[1].share = dec!(0.4);
        m[1].lead = true;
        assert!(Pool::new(m)
            .unwrap_err()
            .message_en
            .contains("exactly one lead"));
    }

    proptest! {
        #[test]
        fn a_split_always_sums_to_the_whole_to_the_fen(
            fen in 0i64..=30_000_000_000,
            share_pct in 0u32..=100,
            a in 1u32..=98,
        ) {
            let pool = Pool::new(vec![
                PoolMember { insurer: "A".into(), share: Decimal::new(a as i64, 2), lead: false },
                PoolMember { insurer: "B".into(), share: Decimal::new((100 - a) as i64, 2), lead: true },
            ]).unwrap();
            let total = Money::from_fen(fen);
            let s = split_loss(total, Decimal::new(share_pct as i64, 2), &pool);
            prop_assert_eq!(s.insurer + s.bank, total);
            prop_assert_eq!(s.members.iter().map(|m| m.1).sum::<Money>(), s.insurer);
            prop_assert!(!s.bank.is_negative() && !s.insurer.is_negative());
        }
    }
}
