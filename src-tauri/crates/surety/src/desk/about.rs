//! What the app is and which pilot it serves; needs no unlocked database.

use serde::Serialize;
use surety_domain::{BorrowerKind, CaseStatus, City, RepaymentMethod};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CityInfo {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Qingdao runs its own pilot under its own settings (§3.2.1).
    pub own_pilot: bool,
    /// The city it became part of (Laiwu into Jinan, 2019), by name, in each language.
    pub merged_into_zh: Option<String>,
    pub merged_into_en: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppInfo {
    pub name_zh: String,
    pub name_en: String,
    pub version: String,
    pub cities: Vec<CityInfo>,
    /// The codes the service takes for these lists, in order: the UI's selects read them
    /// here rather than keeping copies.
    pub statuses: Vec<String>,
    pub borrower_kinds: Vec<String>,
    pub repayment_methods: Vec<String>,
}

/// A city as the lists show it.
pub fn city_info(c: City) -> CityInfo {
    CityInfo {
        code: c.code().into(),
        name_zh: c.name_zh().into(),
        name_en: c.name_en().into(),
        own_pilot: c.runs_own_pilot(),
        merged_into_zh: c.merged_into().map(|m| m.1.to_string()),
        merged_into_en: c.merged_into().map(|m| m.2.to_string()),
    }
}

/// Before anyone signs in: the pilot of the 2015 text. Once signed in, the desk's settings
/// say which cities are in the pilot (`Desk::pilot_cities`).
pub fn app_info() -> AppInfo {
    AppInfo {
        name_zh: "保贷通".into(),
        name_en: "Surety Desk".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        cities: City::PILOT_2015.into_iter().map(city_info).collect(),
        statuses: CaseStatus::ALL.iter().map(|s| s.code().into()).collect(),
        borrower_kinds: BorrowerKind::ALL.iter().map(|k| k.code().into()).collect(),
        repayment_methods: RepaymentMethod::ALL
            .iter()
            .map(|m| m.code().into())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_lists_the_seven_pilot_cities_with_chinese_names() {
        let info = app_info();
        assert_eq!(info.cities.len(), 7);
        assert_eq!(info.cities[0].name_zh, "烟台");
        assert!(info
            .cities
            .iter()
            .any(|c| c.code == "qingdao" && c.own_pilot));
    }
}
