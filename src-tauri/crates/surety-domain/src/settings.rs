//! Every number the policy leaves to agreements and cities, with DOMAIN.md's defaults.
//!
//! Loadable from TOML (any key may be left out and keeps its default) and validated on
//! load: a bad file is refused with a message naming the key.

use crate::borrower::BorrowerKind;
use crate::city::City;
use crate::money::{Money, Rate};
use crate::rate_table::RateTable;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub limits: Limits,
    pub agreement: AgreementTerms,
    pub npl: NplThresholds,
    /// Default pilot-year start as month and day ("01-01": the calendar year).
    pub pilot_year_start: String,
    pub cities: BTreeMap<City, CitySettings>,
    pub reference_rates: RateTable,
    /// R-CREDIT-1: the institutions' codes and the files' encoding.
    pub credit_reporting: CreditReporting,
    /// R-REPORT-1: where the closed quarters go (the provincial hub).
    pub sync: HubSettings,
}

/// The provincial hub this installation reports to. Empty: not configured, the
/// envelopes wait in the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HubSettings {
    /// `https://…` (plain `http://` only to this machine, for a trial).
    pub url: String,
    /// The hub's receipt-signing key (hex, 64 digits), from `surety-hub key`: a receipt
    /// signed by any other key is not taken.
    pub public_key: String,
    /// The province's own CA certificate (PEM), when the hub's certificate is not from a
    /// CA the operating system trusts.
    pub ca_pem: String,
}

impl HubSettings {
    pub fn configured(&self) -> bool {
        !self.url.is_empty()
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if self.url.is_empty() && self.public_key.is_empty() {
            return Ok(());
        }
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|p| {
                self.url
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
            });
        let https = self.url.starts_with("https://") && self.url.len() > 8;
        if !(https || loopback) {
            return Err(bad(
                "sync.url",
                format!("省级平台地址「{}」应以 https:// 开头（http:// 仅限本机试用）", self.url),
                format!(
                    "the hub address `{}` must start with https:// (http:// only to this machine, for a trial)",
                    self.url
                ),
            ));
        }
        let hex_ok =
            self.public_key.len() == 64 && self.public_key.chars().all(|c| c.is_ascii_hexdigit());
        if !hex_ok {
            return Err(bad(
                "sync.public_key",
                "省级平台公钥应为 64 位十六进制（surety-hub key 显示）",
                "the hub's public key must be 64 hex digits (as `surety-hub key` prints it)",
            ));
        }
        if !self.ca_pem.is_empty() && !self.ca_pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(bad(
                "sync.ca_pem",
                "CA 证书应为 PEM 格式（-----BEGIN CERTIFICATE-----）",
                "the CA certificate must be PEM (-----BEGIN CERTIFICATE-----)",
            ));
        }
        Ok(())
    }
}

/// R-CREDIT-1: what the credit-reporting files need that the interface leaves to each
/// institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditReporting {
    /// 金融机构代码 (14 characters) by our organisation code, e.g. `icbc-yt = "B1…"`.
    pub institutions: BTreeMap<String, String>,
    /// The text files' encoding: "UTF-8" (default) or "GB18030"; the interface's own choice
    /// is not confirmed in public (DOMAIN.md).
    pub encoding: String,
}

impl Default for CreditReporting {
    fn default() -> Self {
        CreditReporting {
            institutions: BTreeMap::new(),
            encoding: "UTF-8".into(),
        }
    }
}

/// The policy's own limits (§3.4, §3.5, §4.3). Qingdao may set its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// R-TERM-1
    pub max_term_months: u32,
    /// R-AMT-1: above this, an exception approved by both sides is needed.
    pub borrower_soft_cap: Money,
    /// R-AMT-2: never above this.
    pub borrower_hard_cap: Money,
    /// R-RATE-1: annual rate ≤ multiplier × reference rate.
    pub rate_cap_multiplier: Decimal,
    /// R-PREM-1: guarantee premium rate at least this.
    pub min_guarantee_rate: Rate,
    /// R-PREM-1: guarantee + accident premium rates at most this.
    pub max_total_premium_rate: Rate,
    /// R-STOP-1: loss ratio at or above this suspends new policies in the city.
    pub stop_loss_ratio: Decimal,
    /// R-ELIG-2: months of operation before the application date.
    pub min_operating_months: u32,
}

/// What a bank–insurer agreement sets; these are the defaults for new agreements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgreementTerms {
    /// R-SHARE-1: the insurer's share of a loss; the bank bears the rest.
    pub insurer_share: Decimal,
    /// R-CLAIM-1: days overdue before a claim may be filed.
    pub waiting_period_days: u32,
    /// R-CLAIM-4: days the insurer has to pay a filed claim; unpaid after them it is delayed.
    pub claim_payment_days: u32,
}

/// R-NPL-1: upper bounds, in days overdue, of each tier; over `doubtful_max` is loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NplThresholds {
    pub special_mention_max: u32,
    pub substandard_max: u32,
    pub doubtful_max: u32,
    /// A bank's NPL ratio at or under this is exempt from assessment (§5.2).
    pub exemption_ratio: Decimal,
}

/// A city's own choices (§5.1 subsidies, pilot-year start).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CitySettings {
    /// Whether the city is in the pilot: by default the seven of the 2015 text are, and the
    /// province's other cities join by `pilot = true`.
    pub pilot: Option<bool>,
    /// The day the city's pilot started; its pilot years run from that month and day.
    pub pilot_start: Option<NaiveDate>,
    /// R-SUBSIDY-1: share of the premium the city pays for eligible borrowers.
    pub premium_subsidy_share: Decimal,
    /// R-SUBSIDY-1: share of the interest the city pays for eligible borrowers.
    pub interest_subsidy_share: Decimal,
    /// Kinds eligible for subsidies; empty means all four.
    pub subsidy_kinds: Vec<BorrowerKind>,
    /// Qingdao runs its own pilot: its limits may differ.
    pub limits: Option<Limits>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_term_months: 12,
            borrower_soft_cap: Money::yuan(1_000_000),
            borrower_hard_cap: Money::yuan(3_000_000),
            rate_cap_multiplier: Decimal::new(13, 1),
            min_guarantee_rate: Rate::new(Decimal::new(2, 2)),
            max_total_premium_rate: Rate::new(Decimal::new(3, 2)),
            stop_loss_ratio: Decimal::new(15, 1),
            min_operating_months: 12,
        }
    }
}

impl Default for AgreementTerms {
    fn default() -> Self {
        AgreementTerms {
            insurer_share: Decimal::new(70, 2),
            waiting_period_days: 90,
            claim_payment_days: 10,
        }
    }
}

impl Default for NplThresholds {
    fn default() -> Self {
        NplThresholds {
            special_mention_max: 90,
            substandard_max: 270,
            doubtful_max: 360,
            exemption_ratio: Decimal::new(2, 2),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: Limits::default(),
            agreement: AgreementTerms::default(),
            npl: NplThresholds::default(),
            pilot_year_start: "01-01".into(),
            cities: BTreeMap::new(),
            reference_rates: RateTable::defaults(),
            credit_reporting: CreditReporting::default(),
            sync: HubSettings::default(),
        }
    }
}

/// The years a city's pilot can start in: the policy's (2014 on) to the end of the
/// program's calendar.
pub const PILOT_YEAR_FIRST: i32 = 2014;
pub const PILOT_YEAR_LAST: i32 = 2100;

/// Why a settings file was refused: the key and what is wrong, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("settings `{key}`: {message_en}")]
pub struct SettingsError {
    pub key: String,
    pub message_zh: String,
    pub message_en: String,
}

fn bad(key: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.into(),
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

fn fraction_in(key: &str, v: Decimal, lo: Decimal, hi: Decimal) -> Result<(), SettingsError> {
    if v < lo || v > hi {
        return Err(bad(
            key,
            format!("{key} = {v} 超出允许范围 {lo} 至 {hi}"),
            format!("{key} = {v} is outside the allowed range {lo} to {hi}"),
        ));
    }
    Ok(())
}

impl Settings {
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let s: Settings = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            bad(
                "toml",
                format!("配置文件无法读取：{msg}"),
                format!("the settings file cannot be read: {msg}"),
            )
        })?;
        s.validate()?;
        Ok(s)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("settings serialize")
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        use chrono::Datelike;
        self.limits.validate("limits", false)?;
        self.sync.validate()?;
        for (org, code) in &self.credit_reporting.institutions {
            if !crate::credit_report::valid_institution_code(code) {
                return Err(bad(
                    format!("credit_reporting.institutions.{org}"),
                    format!("金融机构代码「{code}」应为 14 位数字或大写字母"),
                    format!("institution code `{code}` must be 14 digits or capital letters"),
                ));
            }
        }
        if !["UTF-8", "GB18030"].contains(&self.credit_reporting.encoding.as_str()) {
            return Err(bad(
                "credit_reporting.encoding",
                format!(
                    "征信报送文件编码应为 UTF-8 或 GB18030，收到「{}」",
                    self.credit_reporting.encoding
                ),
                format!(
                    "the credit-reporting encoding is UTF-8 or GB18030, not `{}`",
                    self.credit_reporting.encoding
                ),
            ));
        }
        for (city, c) in &self.cities {
            let key = format!("cities.{}", city.code());
            // A date written with two digits for its year ("14-11-22") reads as year 14.
            if let Some(start) = c
                .pilot_start
                .filter(|d| !(PILOT_YEAR_FIRST..=PILOT_YEAR_LAST).contains(&d.year()))
            {
                return Err(bad(
                    format!("{key}.pilot_start"),
                    format!("试点开始日期 {start} 无效：请用四位年份（如 2015-07-01），{PILOT_YEAR_FIRST} 至 {PILOT_YEAR_LAST} 年"),
                    format!("the pilot start {start} is not valid: write the year with four digits (2015-07-01), {PILOT_YEAR_FIRST} to {PILOT_YEAR_LAST}"),
                ));
            }
            if let Some(l) = &c.limits {
                if !city.runs_own_pilot() {
                    return Err(bad(
                        format!("{key}.limits"),
                        format!("只有自行组织试点的城市（青岛）可以设定自己的政策上限，{} 不可以", city.name_zh()),
                        format!("only a city running its own pilot (Qingdao) may set its own limits, not {}", city.name_en()),
                    ));
                }
                l.validate(&format!("{key}.limits"), true)?;
            }
            fraction_in(
                &format!("{key}.premium_subsidy_share"),
                c.premium_subsidy_share,
                Decimal::ZERO,
                Decimal::ONE,
            )?;
            fraction_in(
                &format!("{key}.interest_subsidy_share"),
                c.interest_subsidy_share,
                Decimal::ZERO,
                Decimal::ONE,
            )?;
        }
        fraction_in(
            "agreement.insurer_share",
            self.agreement.insurer_share,
            Decimal::ZERO,
            Decimal::ONE,
        )?;
        if !(1..=3650).contains(&self.agreement.waiting_period_days) {
            return Err(bad(
                "agreement.waiting_period_days",
                "等待期天数应在 1 至 3650 之间",
                "the waiting period must be 1 to 3650 days",
            ));
        }
        if !(1..=90).contains(&self.agreement.claim_payment_days) {
            return Err(bad(
                "agreement.claim_payment_days",
                "赔款支付期限应在 1 至 90 天之间",
                "the claim payment period must be 1 to 90 days",
            ));
        }
        let n = &self.npl;
        if !(0 < n.special_mention_max
            && n.special_mention_max < n.substandard_max
            && n.substandard_max < n.doubtful_max)
        {
            return Err(bad(
                "npl",
                "五级分类的逾期天数界限应依次递增（关注 < 次级 < 可疑）",
                "the five-tier day bounds must increase: special mention < substandard < doubtful",
            ));
        }
        fraction_in(
            "npl.exemption_ratio",
            n.exemption_ratio,
            Decimal::ZERO,
            Decimal::ONE,
        )?;
        parse_month_day(&self.pilot_year_start).ok_or_else(|| {
            bad(
                "pilot_year_start",
                format!("试点年度起始日“{}”应为 MM-DD 格式", self.pilot_year_start),
                format!("pilot_year_start `{}` must be MM-DD", self.pilot_year_start),
            )
        })?;
        Ok(())
    }

    /// Whether `city` takes part in the pilot (R-ELIG-1).
    pub fn in_pilot(&self, city: City) -> bool {
        self.cities
            .get(&city)
            .and_then(|c| c.pilot)
            .unwrap_or_else(|| City::PILOT_2015.contains(&city))
    }

    /// The pilot's cities, in table order.
    pub fn pilot_cities(&self) -> Vec<City> {
        City::ALL
            .into_iter()
            .filter(|c| self.in_pilot(*c))
            .collect()
    }

    /// The limits in force in `city` (Qingdao's own where set).
    pub fn limits_for(&self, city: City) -> &Limits {
        self.cities
            .get(&city)
            .and_then(|c| c.limits.as_ref())
            .unwrap_or(&self.limits)
    }

    pub fn city(&self, city: City) -> CitySettings {
        self.cities.get(&city).cloned().unwrap_or_default()
    }

    /// (month, day) the city's pilot years start on.
    pub fn pilot_year_start_for(&self, city: City) -> (u32, u32) {
        use chrono::Datelike;
        match self.cities.get(&city).and_then(|c| c.pilot_start) {
            Some(d) => (d.month(), d.day()),
            None => parse_month_day(&self.pilot_year_start).unwrap_or((1, 1)),
        }
    }
}

impl Limits {
    /// The policy's ceilings (§3.3, §3.4: terms up to 12 months, at most 3,000,000 per
    /// borrower, rates at most 1.3 times the reference) hold for every city but one that runs
    /// its own pilot (Qingdao), whose limits are its own.
    fn validate(&self, key: &str, own_pilot: bool) -> Result<(), SettingsError> {
        let (max_term, max_multiplier) = if own_pilot {
            (60, Decimal::TEN)
        } else {
            (12, Decimal::new(13, 1))
        };
        if !(1..=max_term).contains(&self.max_term_months) {
            return Err(bad(
                format!("{key}.max_term_months"),
                format!("贷款期限上限应在 1 至 {max_term} 个月之间（试点政策规定最长 12 个月）"),
                format!(
                    "the maximum term must be 1 to {max_term} months (the policy's ceiling is 12)"
                ),
            ));
        }
        let ceiling = Money::yuan(3_000_000);
        if !own_pilot && self.borrower_hard_cap > ceiling {
            return Err(bad(
                format!("{key}.borrower_hard_cap"),
                format!(
                    "单户最高限额 {} 元超过政策规定的 {ceiling} 元",
                    self.borrower_hard_cap
                ),
                format!(
                    "the per-borrower hard cap {} CNY is above the policy's {ceiling} CNY",
                    self.borrower_hard_cap
                ),
            ));
        }
        if self.borrower_soft_cap <= Money::ZERO || self.borrower_soft_cap > self.borrower_hard_cap
        {
            return Err(bad(
                format!("{key}.borrower_soft_cap"),
                "单户原则上限应大于 0 且不超过最高限额",
                "the per-borrower cap in principle must be above 0 and at most the hard cap",
            ));
        }
        fraction_in(
            &format!("{key}.rate_cap_multiplier"),
            self.rate_cap_multiplier,
            Decimal::ONE,
            max_multiplier,
        )?;
        fraction_in(
            &format!("{key}.min_guarantee_rate"),
            self.min_guarantee_rate.fraction(),
            Decimal::ZERO,
            Decimal::ONE,
        )?;
        fraction_in(
            &format!("{key}.max_total_premium_rate"),
            self.max_total_premium_rate.fraction(),
            self.min_guarantee_rate.fraction(),
            Decimal::ONE,
        )?;
        fraction_in(
            &format!("{key}.stop_loss_ratio"),
            self.stop_loss_ratio,
            Decimal::ZERO,
            Decimal::from(100),
        )?;
        Ok(())
    }
}

fn parse_month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    // A leap year accepts 02-29; such a start falls back to 02-28 in other years.
    NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hub_is_https_with_its_key_or_http_only_to_this_machine() {
        let key = "ab".repeat(32);
        let hub = |url: &str, public_key: &str| {
            Settings::from_toml(&format!(
                "[sync]\nurl = \"{url}\"\npublic_key = \"{public_key}\"\n"
            ))
        };
        assert!(hub("https://hub.czt.shandong.gov.cn", &key).is_ok());
        assert!(hub("http://127.0.0.1:8480", &key).is_ok());
        assert!(hub("http://localhost", &key).is_ok());
        assert!(hub("", "").is_ok(), "not configured");
        for url in [
            "http://hub.example.cn",
            "http://127.0.0.1.evil.cn",
            "ftp://x",
            "https://",
        ] {
            assert_eq!(hub(url, &key).unwrap_err().key, "sync.url", "{url}");
        }
        assert_eq!(
            hub("https://hub.example.cn", "abc").unwrap_err().key,
            "sync.public_key"
        );
        assert_eq!(
            hub("", &key).unwrap_err().key,
            "sync.url",
            "a key but no address"
        );
    }

    #[test]
    fn defaults_are_domain_md_numbers() {
        let s = Settings::default();
        assert_eq!(s.agreement.insurer_share, Decimal::new(7, 1));
        assert_eq!(s.agreement.waiting_period_days, 90);
        assert_eq!(s.limits.borrower_hard_cap, Money::yuan(3_000_000));
        assert_eq!(s.npl.substandard_max, 270);
        s.validate().unwrap();
    }

    #[test]
    fn toml_overrides_only_what_it_names() {
        let s = Settings::from_toml(
            r#"
            [agreement]
            insurer_share = "0.8"
            [cities.qingdao]
            pilot_start = "2015-07-01"
            premium_subsidy_share = "0.5"
            "#,
        )
        .unwrap();
        assert_eq!(s.agreement.insurer_share, Decimal::new(8, 1));
        assert_eq!(s.agreement.waiting_period_days, 90);
        assert_eq!(s.pilot_year_start_for(City::Qingdao), (7, 1));
        assert_eq!(s.pilot_year_start_for(City::Yantai), (1, 1));
    }

    #[test]
    fn a_bad_file_is_refused_naming_the_key() {
        let e = Settings::from_toml("[agreement]\ninsurer_share = \"1.2\"").unwrap_err();
        assert_eq!(e.key, "agreement.insurer_share");
        let e = Settings::from_toml("[npl]\nsubstandard_max = 30").unwrap_err();
        assert_eq!(e.key, "npl");
        let e = Settings::from_toml("[cities.yantai.limits]\nmax_term_months = 6").unwrap_err();
        assert_eq!(e.key, "cities.yantai.limits");
        let e = Settings::from_toml("bogus = 1").unwrap_err();
        assert_eq!(e.key, "toml");
        let e = Settings::from_toml("[cities.beijing]").unwrap_err();
        assert_eq!(e.key, "toml");
    }

    #[test]
    fn the_policys_ceilings_hold_except_for_qingdaos_own_pilot() {
        for (toml, key) in [
            (
                "[limits]\nborrower_hard_cap = \"3000000.01\"",
                "limits.borrower_hard_cap",
            ),
            (
                "[limits]\nrate_cap_multiplier = \"1.31\"",
                "limits.rate_cap_multiplier",
            ),
            ("[limits]\nmax_term_months = 13", "limits.max_term_months"),
        ] {
            assert_eq!(Settings::from_toml(toml).unwrap_err().key, key, "{toml}");
        }
        // At the ceilings is allowed; Qingdao may go beyond them.
        Settings::from_toml(
            "[limits]\nborrower_hard_cap = \"3000000\"\nrate_cap_multiplier = \"1.3\"",
        )
        .unwrap();
        let q = Settings::from_toml(
            "[cities.qingdao.limits]\nborrower_hard_cap = \"5000000\"\nrate_cap_multiplier = \"1.5\"\nmax_term_months = 24",
        )
        .unwrap();
        assert_eq!(q.limits_for(City::Qingdao).max_term_months, 24);
        assert_eq!(q.limits_for(City::Yantai).max_term_months, 12);
    }

    #[test]
    fn the_pilot_is_the_seven_by_default_and_grows_by_settings() {
        let s = Settings::default();
        assert_eq!(s.pilot_cities(), City::PILOT_2015.to_vec());
        assert!(!s.in_pilot(City::Zibo));
        let s = Settings::from_toml(
            "[cities.zibo]\npilot = true\npilot_start = \"2017-04-01\"\n[cities.dezhou]\npilot = false\n",
        )
        .unwrap();
        assert!(s.in_pilot(City::Zibo) && !s.in_pilot(City::Dezhou));
        assert_eq!(s.pilot_year_start_for(City::Zibo), (4, 1));
        assert_eq!(s.pilot_cities().len(), 7);
    }

    #[test]
    fn a_pilot_start_needs_a_four_digit_year() {
        let e = Settings::from_toml("[cities.zibo]\npilot = true\npilot_start = \"14-11-22\"\n")
            .unwrap_err();
        assert_eq!(e.key, "cities.zibo.pilot_start");
        assert!(e.message_en.contains("four digits"), "{}", e.message_en);
    }

    #[test]
    fn settings_round_trip_through_toml() {
        let s = Settings::default();
        assert_eq!(Settings::from_toml(&s.to_toml()).unwrap(), s);
    }
}
