//! The reference rate in force on a contract date, and the R-RATE-1 cap over it.
//!
//! The PBoC benchmark for loans of one year or less applies until 2019-08-19; the one-year
//! LPR from 2019-08-20. The table is data with effective dates (admins edit it); the
//! values below are only the defaults it starts from.

use crate::money::Rate;
use crate::rule::Rule;
use crate::violation::Violation;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// 人民银行一年期以内贷款基准利率
    PbocBenchmark,
    /// 一年期贷款市场报价利率
    Lpr1y,
}

impl ReferenceKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            ReferenceKind::PbocBenchmark => "基准利率",
            ReferenceKind::Lpr1y => "一年期LPR",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            ReferenceKind::PbocBenchmark => "benchmark rate",
            ReferenceKind::Lpr1y => "1-year LPR",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRate {
    pub effective: NaiveDate,
    pub kind: ReferenceKind,
    pub rate: Rate,
}

/// Entries sorted by effective date; each is in force until the next one takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<ReferenceRate>", into = "Vec<ReferenceRate>")]
pub struct RateTable(Vec<ReferenceRate>);

/// The date the LPR replaced the benchmark as the reference for new loans.
pub fn lpr_reform_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 8, 20).expect("valid date")
}

impl RateTable {
    pub fn new(mut entries: Vec<ReferenceRate>) -> Result<RateTable, String> {
        entries.sort_by_key(|e| e.effective);
        for w in entries.windows(2) {
            if w[0].effective == w[1].effective {
                return Err(format!(
                    "two reference rates take effect on {}",
                    w[0].effective
                ));
            }
        }
        for e in &entries {
            if e.rate.fraction() <= Decimal::ZERO || e.rate.fraction() >= Decimal::ONE {
                return Err(format!(
                    "reference rate {} on {} is not between 0 and 100%",
                    e.rate, e.effective
                ));
            }
            let lpr_era = e.effective >= lpr_reform_date();
            if lpr_era != (e.kind == ReferenceKind::Lpr1y) {
                return Err(format!(
                    "reference rate on {}: the benchmark applies before 2019-08-20 and the 1-year LPR from then on",
                    e.effective
                ));
            }
        }
        Ok(RateTable(entries))
    }

    /// The values DOMAIN.md lists, as percentages.
    pub fn defaults() -> RateTable {
        use ReferenceKind::*;
        let rows: [(i32, u32, u32, ReferenceKind, &str); 19] = [
            (2014, 11, 22, PbocBenchmark, "5.60"),
            (2015, 3, 1, PbocBenchmark, "5.35"),
            (2015, 5, 11, PbocBenchmark, "5.10"),
            (2015, 6, 28, PbocBenchmark, "4.85"),
            (2015, 8, 26, PbocBenchmark, "4.60"),
            (2015, 10, 24, PbocBenchmark, "4.35"),
            (2019, 8, 20, Lpr1y, "4.25"),
            (2019, 9, 20, Lpr1y, "4.20"),
            (2019, 11, 20, Lpr1y, "4.15"),
            (2020, 2, 20, Lpr1y, "4.05"),
            (2020, 4, 20, Lpr1y, "3.85"),
            (2021, 12, 20, Lpr1y, "3.80"),
            (2022, 1, 20, Lpr1y, "3.70"),
            (2022, 8, 22, Lpr1y, "3.65"),
            (2023, 6, 20, Lpr1y, "3.55"),
            (2023, 8, 21, Lpr1y, "3.45"),
            (2024, 7, 22, Lpr1y, "3.35"),
            (2024, 10, 21, Lpr1y, "3.10"),
            (2025, 5, 20, Lpr1y, "3.00"),
        ];
        RateTable::new(
            rows.iter()
                .map(|&(y, m, d, kind, pct)| ReferenceRate {
                    effective: NaiveDate::from_ymd_opt(y, m, d).expect("valid date"),
                    kind,
                    rate: Rate::percent(pct),
                })
                .collect(),
        )
        .expect("the default table is valid")
    }

    pub fn entries(&self) -> &[ReferenceRate] {
        &self.0
    }

    /// The entry in force on `date`: the latest one effective on or before it.
    pub fn in_force(&self, date: NaiveDate) -> Option<&ReferenceRate> {
        let idx = self.0.partition_point(|e| e.effective <= date);
        idx.checked_sub(1).map(|i| &self.0[i])
    }
}

impl TryFrom<Vec<ReferenceRate>> for RateTable {
    type Error = String;
    fn try_from(v: Vec<ReferenceRate>) -> Result<Self, Self::Error> {
        RateTable::new(v)
    }
}

impl From<RateTable> for Vec<ReferenceRate> {
    fn from(t: RateTable) -> Self {
        t.0
    }
}

/// The highest annual rate allowed on `date`, with the reference it was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateCap {
    pub reference: ReferenceRate,
    pub cap: Rate,
}

/// R-RATE-1: the cap is `multiplier × reference` on the contract date.
pub fn rate_cap(table: &RateTable, multiplier: Decimal, date: NaiveDate) -> Option<RateCap> {
    table.in_force(date).map(|r| RateCap {
        reference: *r,
        cap: Rate::new(r.rate.fraction() * multiplier),
    })
}

/// R-RATE-1 check of a loan's annual rate on its contract date.
pub fn check_rate(
    table: &RateTable,
    multiplier: Decimal,
    date: NaiveDate,
    annual_rate: Rate,
) -> Result<RateCap, Violation> {
    let Some(cap) = rate_cap(table, multiplier, date) else {
        let first = table
            .entries()
            .first()
            .map(|e| e.effective.to_string())
            .unwrap_or_default();
        return Err(Violation::new(
            Rule::RRate1,
            "contract_date",
            format!("合同日期 {date} 没有适用的基准利率（利率表自 {first} 起）"),
            format!("no reference rate is in force on the contract date {date} (the table starts {first})"),
        ));
    };
    if annual_rate > cap.cap {
        let r = cap.reference;
        return Err(Violation::new(
            Rule::RRate1,
            "annual_rate",
            format!(
                "年利率 {} 超过上限 {}（{} {} × {}）",
                annual_rate.as_percent(),
                cap.cap.as_percent(),
                r.kind.name_zh(),
                r.rate.as_percent(),
                multiplier.normalize()
            ),
            format!(
                "annual rate {} is above the cap {} ({} {} × {})",
                annual_rate.as_percent(),
                cap.cap.as_percent(),
                r.kind.name_en(),
                r.rate.as_percent(),
                multiplier.normalize()
            ),
        )
        .with_limit(cap.cap));
    }
    Ok(cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn r_rate_1_example_cap_is_5_655_percent() {
        let cap = rate_cap(&RateTable::defaults(), dec!(1.3), d(2016, 1, 1)).unwrap();
        assert_eq!(cap.reference.rate, Rate::percent("4.35"));
        assert_eq!(cap.cap.fraction(), dec!(0.05655));
    }

    #[test]
    fn r_rate_1_exactly_at_cap_is_allowed_one_step_above_is_not() {
        let t = RateTable::defaults();
        assert!(check_rate(&t, dec!(1.3), d(2016, 1, 1), Rate::new(dec!(0.05655))).is_ok());
        let v = check_rate(&t, dec!(1.3), d(2016, 1, 1), Rate::new(dec!(0.05656))).unwrap_err();
        assert_eq!(v.rule, "R-RATE-1");
        assert_eq!(v.field, "annual_rate");
        assert_eq!(v.limit.as_deref(), Some("0.05655"));
    }

    #[test]
    fn r_rate_1_message_names_the_reference_and_the_multiplier() {
        let v = check_rate(
            &RateTable::defaults(),
            dec!(1.3),
            d(2016, 1, 1),
            Rate::percent("6.00"),
        )
        .unwrap_err();
        assert_eq!(
            v.message_zh,
            "年利率 6% 超过上限 5.655%（基准利率 4.35% × 1.3）"
        );
        assert!(v.message_en.contains("above the cap 5.655%"));
    }

    #[test]
    fn r_rate_1_new_rate_applies_from_its_effective_day() {
        let t = RateTable::defaults();
        assert_eq!(
            t.in_force(d(2015, 10, 23)).unwrap().rate,
            Rate::percent("4.60")
        );
        assert_eq!(
            t.in_force(d(2015, 10, 24)).unwrap().rate,
            Rate::percent("4.35")
        );
        // The benchmark stays in force until the LPR replaces it.
        let before = t.in_force(d(2019, 8, 19)).unwrap();
        assert_eq!(
            (before.kind, before.rate),
            (ReferenceKind::PbocBenchmark, Rate::percent("4.35"))
        );
        let after = t.in_force(d(2019, 8, 20)).unwrap();
        assert_eq!(
            (after.kind, after.rate),
            (ReferenceKind::Lpr1y, Rate::percent("4.25"))
        );
        assert_eq!(
            t.in_force(d(2026, 11, 28)).unwrap().rate,
            Rate::percent("3.00")
        );
    }

    #[test]
    fn r_rate_1_no_reference_before_the_table_starts() {
        let v = check_rate(
            &RateTable::defaults(),
            dec!(1.3),
            d(2014, 11, 21),
            Rate::percent("5"),
        )
        .unwrap_err();
        assert_eq!(v.field, "contract_date");
    }

    #[test]
    fn a_table_mixing_up_benchmark_and_lpr_is_refused() {
        let bad = vec![ReferenceRate {
            effective: d(2020, 1, 1),
            kind: ReferenceKind::PbocBenchmark,
            rate: Rate::percent("4"),
        }];
        assert!(RateTable::new(bad).is_err());
    }
}
