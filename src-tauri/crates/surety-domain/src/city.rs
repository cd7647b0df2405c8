//! Pilot cities (试点市), §3.2.1 of the policy.

use crate::rule::Rule;
use crate::violation::Violation;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A prefecture-level city of the province. Which of them are in the pilot is data: the
/// seven of the 2015 text by default, more by settings (`Settings::in_pilot`). Qingdao
/// runs its own pilot under its own settings; Laiwu became part of Jinan in 2019 but its
/// historical cases keep Laiwu. Everything about a city is its row in [`CITY_ROWS`].
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
    Jinan,
    Zibo,
    Zaozhuang,
    Dongying,
    Weihai,
    Rizhao,
    Linyi,
    Liaocheng,
    Binzhou,
    Heze,
}

/// One city's data: its code, names, division-code prefixes (GB/T 2260), whether it runs
/// its own pilot, and what it was merged into, with the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityRow {
    pub city: City,
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub region_prefixes: &'static [&'static str],
    pub own_pilot: bool,
    /// (code, 中文名, English name, the day it took effect as YYYY-MM-DD).
    pub merged_into: Option<(&'static str, &'static str, &'static str, &'static str)>,
}

const fn row(
    city: City,
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    region_prefixes: &'static [&'static str],
) -> CityRow {
    CityRow {
        city,
        code,
        name_zh,
        name_en,
        region_prefixes,
        own_pilot: false,
        merged_into: None,
    }
}

/// The province's prefecture-level cities, in `City` order: the seven of the 2015 pilot
/// first.
pub const CITY_ROWS: [CityRow; 17] = [
    row(City::Yantai, "yantai", "烟台", "Yantai", &["3706"]),
    row(City::Weifang, "weifang", "潍坊", "Weifang", &["3707"]),
    row(City::Taian, "taian", "泰安", "Tai'an", &["3709"]),
    row(City::Jining, "jining", "济宁", "Jining", &["3708"]),
    CityRow {
        // 莱芜区 370116 and 钢城区 370117 are what Laiwu became in Jinan.
        merged_into: Some(("jinan", "济南", "Jinan", "2019-01-01")),
        ..row(
            City::Laiwu,
            "laiwu",
            "莱芜",
            "Laiwu",
            &["3712", "370116", "370117"],
        )
    },
    row(City::Dezhou, "dezhou", "德州", "Dezhou", &["3714"]),
    CityRow {
        own_pilot: true,
        ..row(City::Qingdao, "qingdao", "青岛", "Qingdao", &["3702"])
    },
    row(City::Jinan, "jinan", "济南", "Jinan", &["3701"]),
    row(City::Zibo, "zibo", "淄博", "Zibo", &["3703"]),
    row(City::Zaozhuang, "zaozhuang", "枣庄", "Zaozhuang", &["3704"]),
    row(City::Dongying, "dongying", "东营", "Dongying", &["3705"]),
    row(City::Weihai, "weihai", "威海", "Weihai", &["3710"]),
    row(City::Rizhao, "rizhao", "日照", "Rizhao", &["3711"]),
    row(City::Linyi, "linyi", "临沂", "Linyi", &["3713"]),
    row(City::Liaocheng, "liaocheng", "聊城", "Liaocheng", &["3715"]),
    row(City::Binzhou, "binzhou", "滨州", "Binzhou", &["3716"]),
    row(City::Heze, "heze", "菏泽", "Heze", &["3717"]),
];

impl City {
    /// Every city the province has, in table order.
    pub const ALL: [City; 17] = {
        let mut all = [City::Yantai; 17];
        let mut i = 0;
        while i < 17 {
            all[i] = CITY_ROWS[i].city;
            i += 1;
        }
        all
    };

    /// The pilot of the 2015 text (§3.2.1): in the pilot unless the settings say otherwise.
    pub const PILOT_2015: [City; 7] = [
        City::Yantai,
        City::Weifang,
        City::Taian,
        City::Jining,
        City::Laiwu,
        City::Dezhou,
        City::Qingdao,
    ];

    pub fn row(self) -> &'static CityRow {
        &CITY_ROWS[self as usize]
    }

    /// The stable code used in files, the CLI and the database.
    pub fn code(self) -> &'static str {
        self.row().code
    }

    pub fn name_zh(self) -> &'static str {
        self.row().name_zh
    }

    pub fn name_en(self) -> &'static str {
        self.row().name_en
    }

    /// Qingdao organises its own pilot (§3.2.1) and so carries its own settings.
    pub fn runs_own_pilot(self) -> bool {
        self.row().own_pilot
    }

    /// The city this one became part of (Laiwu into Jinan, 2019): (code, 中文名, English name).
    pub fn merged_into(self) -> Option<(&'static str, &'static str, &'static str)> {
        self.row().merged_into.map(|(c, zh, en, _)| (c, zh, en))
    }

    /// The division-code prefixes of the city: its prefecture code, and for Laiwu also the
    /// two Jinan districts it became.
    pub fn region_prefixes(self) -> &'static [&'static str] {
        self.row().region_prefixes
    }

    /// A borrower whose ID or credit code was issued outside the city may still live or
    /// work there: a warning to check, never a refusal. `region` is the six-digit
    /// division code the identifier carries.
    pub fn region_warning(self, region: &str) -> Option<Violation> {
        if self.region_prefixes().iter().any(|p| region.starts_with(p)) {
            return None;
        }
        let (zh, en) = CITY_ROWS
            .iter()
            .find(|r| r.region_prefixes[0].len() == 4 && region.starts_with(r.region_prefixes[0]))
            .map(|r| (format!("{}市", r.name_zh), r.name_en.to_string()))
            .unwrap_or_else(|| {
                (
                    "山东省外或无法识别的地区".into(),
                    "outside Shandong or unknown".into(),
                )
            });
        Some(Violation::new(
            Rule::CityRegion,
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
        assert!("beijing".parse::<City>().is_err());
        // The table is in `City` order, one row each.
        for (i, r) in CITY_ROWS.iter().enumerate() {
            assert_eq!(r.city as usize, i, "{}", r.code);
        }
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
