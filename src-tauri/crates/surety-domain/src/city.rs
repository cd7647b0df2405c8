//! Pilot cities (试点市), §3.2.1 of the policy.

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
    fn laiwu_keeps_its_history_after_the_merger() {
        assert_eq!(City::Laiwu.merged_into().map(|m| m.0), Some("jinan"));
        assert_eq!(City::Laiwu.name_zh(), "莱芜");
    }
}
