//! R-REPORT-1: the calendar quarter a city reports to the provincial finance office (§6.2),
//! named as the hub names periods (`2016Q3`).

use crate::rule::Rule;
use crate::violation::Violation;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

/// Years a pilot that began in 2015 can report on; anything else is a typing slip.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Quarter {
    pub fn new(year: i32, quarter: u8) -> Result<Quarter, Violation> {
        if !YEARS.contains(&year) {
            return Err(Violation::new(
                Rule::InvalidInput,
                "year",
                format!("年份 {year} 不在 2000 至 2100 之间"),
                format!("year {year} is not between 2000 and 2100"),
            )
            .with_limit("2000..2100"));
        }
        if !(1..=4).contains(&quarter) {
            return Err(Violation::new(
                Rule::InvalidInput,
                "quarter",
                format!("季度应为 1 至 4，收到 {quarter}"),
                format!("the quarter must be 1 to 4, got {quarter}"),
            )
            .with_limit("1..4"));
        }
        Ok(Quarter { year, quarter })
    }

    /// The quarter containing `date`.
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            quarter: (date.month0() / 3 + 1) as u8,
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.quarter) * 3 - 2, 1).expect("valid")
    }

    pub fn end(self) -> NaiveDate {
        self.next().start().pred_opt().expect("valid")
    }

    /// 1 January of the quarter's year: the start of its year-to-date figures.
    pub fn year_start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 1, 1).expect("valid")
    }

    pub fn next(self) -> Quarter {
        if self.quarter == 4 {
            Quarter {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    pub fn previous(self) -> Quarter {
        if self.quarter == 1 {
            Quarter {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// The period's name: `2016Q3`.
    pub fn label(self) -> String {
        format!("{}Q{}", self.year, self.quarter)
    }

    /// 2016年第三季度
    pub fn label_zh(self) -> String {
        let n = ["一", "二", "三", "四"][usize::from(self.quarter - 1)];
        format!("{}年第{}季度", self.year, n)
    }

    /// Whether the quarter is over on `today` (its figures can be closed).
    pub fn has_ended(self, today: NaiveDate) -> bool {
        self.end() < today
    }
}

impl std::str::FromStr for Quarter {
    type Err = Violation;

    /// `2016Q3` (or `2016q3`).
    fn from_str(s: &str) -> Result<Quarter, Violation> {
        let bad = || {
            Violation::new(
                Rule::InvalidInput,
                "period",
                format!("期间「{s}」格式不对，应为 年份+Q+季度，如 2016Q3"),
                format!("period `{s}` is not a year, Q and a quarter, e.g. 2016Q3"),
            )
        };
        let (year, q) = s.split_once(['Q', 'q']).ok_or_else(bad)?;
        if year.len() != 4 || q.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        Quarter::new(year, q)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_run_from_the_first_to_the_last_day_of_three_months() {
        let q3 = Quarter::new(2016, 3).unwrap();
        assert_eq!((q3.start(), q3.end()), (d("2016-07-01"), d("2016-09-30")));
        let q1 = Quarter::new(2016, 1).unwrap();
        // 2016 is a leap year: the first quarter has 91 days.
        assert_eq!((q1.end() - q1.start()).num_days() + 1, 91);
        assert_eq!(Quarter::new(2016, 4).unwrap().end(), d("2016-12-31"));
        assert_eq!(Quarter::of(d("2016-09-30")), q3);
        assert_eq!(Quarter::of(d("2016-10-01")), Quarter::new(2016, 4).unwrap());
        assert_eq!(q1.previous(), Quarter::new(2015, 4).unwrap());
        assert_eq!(Quarter::new(2015, 4).unwrap().next(), q1);
    }

    #[test]
    fn a_period_reads_and_writes_as_the_hub_names_it() {
        assert_eq!("2016Q3".parse::<Quarter>().unwrap().label(), "2016Q3");
        assert_eq!(
            "2016q4".parse::<Quarter>().unwrap().label_zh(),
            "2016年第四季度"
        );
        for bad in [
            "2016Q5", "2016Q0", "16Q3", "2016-3", "2016Q", "Q3", "1999Q1",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
        assert_eq!(Quarter::new(2016, 5).unwrap_err().field, "quarter");
    }

    #[test]
    fn a_quarter_can_be_closed_only_once_it_is_over() {
        let q3 = Quarter::new(2016, 3).unwrap();
        assert!(!q3.has_ended(d("2016-09-30")));
        assert!(q3.has_ended(d("2016-10-01")));
    }
}
