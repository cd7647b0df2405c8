//! Pilot cities (试点市), §3.2.1 of the policy.

use crate::violation::Violation;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A city of the provincial pilot. Qingdao runs its own pilot under its own settings;
/// Laiwu became part of Jinan in 2019 but historical cases keep Laiwu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum City {
    Yantai,
    Weifang,
    Taian,
    Jining,
    Laiwu,
    Dezhou,
    Qingdao,
}

impl City {
    pub const ALL: [City; 7] = [
        City::Yantai,
        City::Weifang,
        City::Taian,
        City::Jining,
        City::Laiwu,
        City::Dezhou,
        City::Qingdao,
    ];

    /// The stable code used in files, the CLI and the database.
    pub fn code(self) -> &'static str {
        match self {
            City::Yantai => "yantai",
            City::Weifang => "weifang",
            City::Taian => "taian",
            City::Jining => "jining",
            City::Laiwu => "laiwu",
            City::Dezhou => "dezhou",
            City::Qingdao => "qingdao",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            City::Yantai => "烟台",
            City::Weifang => "潍坊",
            City::Taian => "泰安",
            City::Jining => "济宁",
            City::Laiwu => "莱芜",
            City::Dezhou => "德州",
            City::Qingdao => "青岛",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            City::Yantai => "Yantai",
            City::Weifang => "Weifang",
            City::Taian => "Tai'an",
            City::Jining => "Jining",
            City::Laiwu => "Laiwu",
            City::Dezhou => "Dezhou",
            City::Qingdao => "Qingdao",
        }
    }

    /// Qingdao organises its own pilot (§3.2.1) and so carries its own settings.
    pub fn runs_own_pilot(self) -> bool {
        matches!(self, City::Qingdao)
    }

    /// Laiwu was merged into Jinan in 2019: history is kept as Laiwu.
    /// Returns the city it became part of, as (code, 中文名, English name).
    pub fn merged_into(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            City::Laiwu => Some(("jinan", "济南", "Jinan")),
            _ => None,
        }
    }
}

/// Shandong's prefecture-level cities by the first four digits of their administrative
/// division code (GB/T 2260): what a resident ID or a credit code says about its origin.
pub const SHANDONG_PREFECTURES: [(&str, &str, &str); 17] = [
    ("3701", "济南", "Jinan"),
    ("3702", "青岛", "Qingdao"),
    ("3703", "淄博", "Zibo"),
    ("3704", "枣庄", "Zaozhuang"),
    ("3705", "东营", "Dongying"),
    ("3706", "烟台", "Yantai"),
    ("3707", "潍坊", "Weifang"),
    ("3708", "济宁", "Jining"),
    ("3709", "泰安", "Tai'an"),
    ("3710", "威海", "Weihai"),
    ("3711", "日照", "Rizhao"),
    ("3712", "莱芜", "Laiwu"),
    ("3713", "临沂", "Linyi"),
    ("3714", "德州", "Dezhou"),
    ("3715", "聊城", "Liaocheng"),
    ("3716", "滨州", "Binzhou"),
    ("3717", "菏泽", "Heze"),
];

impl City {
    /// The division-code prefixes of the city: its prefecture code, and for Laiwu also the
    /// two Jinan districts it became in 2019 (莱芜区 370116, 钢城区 370117).
    pub fn region_prefixes(self) -> &'static [&'static str] {
        match self {
            City::Yantai => &["3706"],
            City::Weifang => &["3707"],
            City::Taian => &["3709"],
            City::Jining => &["3708"],
            City::Laiwu => &["3712", "370116", "370117"],
            City::Dezhou => &["3714"],
            City::Qingdao => &["3702"],
        }
    }

    /// A borrower whose ID or credit code was issued outside the city may still live or
    /// work there: a warning to check, never a refusal. `region` is the six-digit
    /// division code the identifier carries.
    pub fn region_warning(self, region: &str) -> Option<Violation> {
        if self.region_prefixes().iter().any(|p| region.starts_with(p)) {
            return None;
        }
        let (zh, en) = SHANDONG_PREFECTURES
            .iter()
            .find(|(p, _, _)| region.starts_with(p))
            .map(|(_, zh, en)| (format!("{zh}市"), (*en).to_string()))
            .unwrap_or_else(|| {
                (
                    "山东省外或无法识别的地区".into(),
                    "outside Shandong or unknown".into(),
                )
            });
        Some(Violation::new(
            "CITY-REGION",
            "borrower.id_number",
            format!(
                "借款人证件的行政区划代码 {region}（{zh}）与试点市{}不一致：请核实借款人在本市居住或经营",
                self.name_zh()
            ),
            format!(
                "the borrower's identifier carries division code {region} ({en}), not {}: check that the borrower lives or works there",
                self.name_en()
            ),
        ))
    }
}

impl fmt::Display for City {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown pilot city `{0}`")]
pub struct UnknownCity(pub String);

impl FromStr for City {
    type Err = UnknownCity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        City::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| UnknownCity(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_elig_1_every_pilot_city_round_trips_its_code() {
        for c in City::ALL {
            assert_eq!(c.code().parse::<City>().unwrap(), c);
        }
        assert!("jinan".parse::<City>().is_err());
    }

    #[test]
    fn an_identifier_from_another_region_is_a_warning_not_a_refusal() {
        assert!(City::Weifang.region_warning("370702").is_none());
        let w = City::Weifang.region_warning("370602").unwrap();
        assert_eq!(w.rule, "CITY-REGION");
        assert!(w.message_zh.contains("烟台市") && w.message_zh.contains("潍坊"));
        assert!(City::Dezhou
            .region_warning("350100")
            .unwrap()
            .message_zh
            .contains("山东省外"));
        // Laiwu's history: its old code and the Jinan districts it became.
        assert!(City::Laiwu.region_warning("371202").is_none());
        assert!(City::Laiwu.region_warning("370116").is_none());
        assert!(City::Laiwu.region_warning("370102").is_some());
    }

    #[test]
    fn laiwu_keeps_its_history_after_the_merger() {
        assert_eq!(City::Laiwu.merged_into().map(|m| m.0), Some("jinan"));
        assert_eq!(City::Laiwu.name_zh(), "莱芜");
    }
}
