//! Who may borrow (R-ELIG-1..4): checked at intake, confirmed by both investigations.

use crate::borrower::BorrowerKind;
use crate::city::City;
use crate::loss_ratio::LossRatio;
use crate::rule::Rule;
use crate::settings::Settings;
use crate::violation::Violation;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The day Laiwu's intake closed: it became part of Jinan in January 2019 (its row).
pub fn laiwu_merger_date() -> NaiveDate {
    merger_date(City::Laiwu).expect("Laiwu's row names its merger")
}

fn merger_date(city: City) -> Option<NaiveDate> {
    city.row()
        .merged_into
        .and_then(|(_, _, _, on)| NaiveDate::parse_from_str(on, "%Y-%m-%d").ok())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub kind: BorrowerKind,
    pub city: City,
    /// The day the business started operating (registration or first activity).
    pub operating_since: NaiveDate,
    pub application_date: NaiveDate,
}

/// R-ELIG-1 and R-ELIG-2, decidable from the application alone.
pub fn check_applicant(a: &Applicant, settings: &Settings) -> Vec<Violation> {
    let mut v = Vec::new();
    let row = a.city.row();
    if let (Some((_, zh, en, _)), Some(on)) = (row.merged_into, merger_date(a.city)) {
        if a.application_date >= on {
            v.push(Violation::new(
                Rule::RElig1,
                "city",
                format!("{}已于 {on} 并入{zh}，不再受理新的申请；历史案件仍归{}", row.name_zh, row.name_zh),
                format!(
                    "{} became part of {en} on {on} and takes no new applications; its historical cases stay under {}",
                    row.name_en, row.name_en
                ),
            ));
        }
    } else if !settings.in_pilot(a.city) {
        let pilot: Vec<&str> = settings
            .pilot_cities()
            .iter()
            .map(|c| c.name_zh())
            .collect();
        v.push(Violation::new(
            Rule::RElig1,
            "city",
            format!("{}不是试点市（试点市：{}）", row.name_zh, pilot.join("、")),
            format!(
                "{} is not a pilot city (the pilot: {})",
                row.name_en,
                settings
                    .pilot_cities()
                    .iter()
                    .map(|c| c.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let months = settings.limits_for(a.city).min_operating_months;
    let enough = a.operating_since.checked_add_months(Months::new(months));
    if a.operating_since > a.application_date || enough.is_none_or(|d| d > a.application_date) {
        v.push(
            Violation::new(
                Rule::RElig2,
                "operating_since",
                format!("经营期不足：自 {} 起经营，至申请日 {} 未满 {} 个月", a.operating_since, a.application_date, months),
                format!(
                    "not operating long enough: since {} is less than {} months before the application date {}",
                    a.operating_since, months, a.application_date
                ),
            )
            .with_limit(months),
        );
    }
    v
}

/// Which investigation a finding belongs to; each side investigates independently (§4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Insurer,
    Bank,
}

impl Side {
    pub fn name_zh(self) -> &'static str {
        match self {
            Side::Insurer => "保险公司",
            Side::Bank => "银行",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Side::Insurer => "insurer",
            Side::Bank => "bank",
        }
    }
}

/// One R-ELIG-3 finding: whether the record is clean, who checked, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub clean: bool,
    pub checked_by: String,
    pub checked_on: NaiveDate,
}

/// The three R-ELIG-3 findings of one investigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    pub tax_arrears: Finding,
    pub debt_evasion: Finding,
    pub violation_record: Finding,
}

/// R-ELIG-3: each finding recorded (who and when) and clean.
pub fn check_findings(side: Side, f: &Findings) -> Vec<Violation> {
    let items: [(&str, &str, &str, &Finding); 3] = [
        ("tax_arrears", "欠缴税费", "tax arrears", &f.tax_arrears),
        ("debt_evasion", "逃废债务", "debt evasion", &f.debt_evasion),
        (
            "violation_record",
            "违法违纪记录",
            "record of violations",
            &f.violation_record,
        ),
    ];
    let mut v = Vec::new();
    for (field, zh, en, finding) in items {
        if finding.checked_by.trim().is_empty() {
            v.push(Violation::new(
                Rule::RElig3,
                format!("{}.{field}.checked_by", side_key(side)),
                format!("{}调查未记录“{zh}”的核查人", side.name_zh()),
                format!(
                    "the {} investigation does not record who checked for {en}",
                    side.name_en()
                ),
            ));
        } else if !finding.clean {
            v.push(Violation::new(
                Rule::RElig3,
                format!("{}.{field}", side_key(side)),
                format!("{}调查发现借款人有{zh}，不符合试点条件", side.name_zh()),
                format!(
                    "the {} investigation found {en}: the borrower is not eligible",
                    side.name_en()
                ),
            ));
        }
    }
    v
}

fn side_key(side: Side) -> &'static str {
    match side {
        Side::Insurer => "insurer_investigation",
        Side::Bank => "bank_investigation",
    }
}

/// R-ELIG-4 / R-STOP-1: no new policy where the insurer's business in the city is suspended.
pub fn check_not_suspended(
    city: City,
    insurer: &str,
    ratio: &LossRatio,
    settings: &Settings,
) -> Option<Violation> {
    let threshold = settings.limits_for(city).stop_loss_ratio;
    ratio.is_suspended(threshold).then(|| {
        let shown = ratio.percent().unwrap_or_else(|| "∞".into());
        Violation::new(
            Rule::RStop1,
            "city",
            format!(
                "{insurer}在{}本试点年度的赔付率 {shown} 已达到 {}%，暂停承保新业务",
                city.name_zh(),
                (threshold * rust_decimal::Decimal::ONE_HUNDRED).normalize()
            ),
            format!(
                "{insurer}'s loss ratio in {} this pilot year is {shown}, at or above {}%: new policies are suspended",
                city.name_en(),
                (threshold * rust_decimal::Decimal::ONE_HUNDRED).normalize()
            ),
        )
        .with_limit(threshold)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn applicant(since: NaiveDate, on: NaiveDate) -> Applicant {
        Applicant {
            kind: BorrowerKind::Farmer,
            city: City::Weifang,
            operating_since: since,
            application_date: on,
        }
    }

    #[test]
    fn r_elig_2_exactly_one_year_is_enough_a_day_less_is_not() {
        let s = Settings::default();
        assert!(check_applicant(&applicant(d(2015, 3, 1), d(2016, 3, 1)), &s).is_empty());
        let v = check_applicant(&applicant(d(2015, 3, 2), d(2016, 3, 1)), &s);
        assert_eq!(v[0].rule, "R-ELIG-2");
        assert_eq!(v[0].field, "operating_since");
    }

    #[test]
    fn r_elig_1_laiwu_takes_no_new_applications_after_the_merger() {
        let s = Settings::default();
        let mut a = applicant(d(2015, 1, 1), d(2018, 12, 31));
        a.city = City::Laiwu;
        assert!(check_applicant(&a, &s).is_empty());
        a.application_date = d(2019, 1, 1);
        assert_eq!(check_applicant(&a, &s)[0].rule, "R-ELIG-1");
    }

    fn finding(clean: bool, by: &str) -> Finding {
        Finding {
            clean,
            checked_by: by.into(),
            checked_on: d(2016, 1, 5),
        }
    }

    #[test]
    fn r_elig_3_each_finding_needs_a_checker_and_a_clean_record() {
        let ok = Findings {
            tax_arrears: finding(true, "张三"),
            debt_evasion: finding(true, "张三"),
            violation_record: finding(true, "张三"),
        };
        assert!(check_findings(Side::Bank, &ok).is_empty());
        let bad = Findings {
            tax_arrears: finding(false, "张三"),
            violation_record: finding(true, ""),
            ..ok
        };
        let v = check_findings(Side::Insurer, &bad);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].field, "insurer_investigation.tax_arrears");
        assert!(v[0].message_zh.contains("欠缴税费"));
        assert_eq!(
            v[1].field,
            "insurer_investigation.violation_record.checked_by"
        );
    }

    #[test]
    fn r_elig_4_suspended_city_refuses_new_policies() {
        let s = Settings::default();
        let at = LossRatio::new(Money::yuan(150), Money::yuan(100));
        let v = check_not_suspended(City::Yantai, "人保财险", &at, &s).unwrap();
        assert_eq!(v.rule, "R-STOP-1");
        assert!(v.message_zh.contains("150%"), "{}", v.message_zh);
        let below = LossRatio::new(Money::from_fen(14_999), Money::yuan(100));
        assert!(check_not_suspended(City::Yantai, "人保财险", &below, &s).is_none());
    }
}
