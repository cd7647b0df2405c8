//! What an admin configures beyond organisations: each city's pilot start and subsidy
//! shares (§5.1), and the reference-rate table R-RATE-1 caps against. Read by everyone,
//! changed by admins only; each change is one transaction and one audit entry, and the
//! signed-in desk uses the new settings at once.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::{parse_city, parse_date, parse_kind, parse_rate};
use crate::desk::session::{settings_toml_without_rates, Desk};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use surety_domain::money::percent_2dp;
use surety_domain::rate_table::{lpr_reform_date, RateTable, ReferenceKind, ReferenceRate};
use surety_domain::{City, Settings};
use surety_store::orgs::{self, OrgKind};
use surety_store::{AuditNote, Role};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CityRow {
    pub city: String,
    pub name_zh: String,
    pub name_en: String,
    /// ISO date the city's pilot started; its pilot years run from that month and day.
    pub pilot_start: Option<String>,
    /// The month-day pilot years start on (the default "01-01" when no start is set).
    pub pilot_year_start: String,
    /// Fractions as decimal strings ("0.5" is 50%).
    pub premium_subsidy_share: String,
    pub interest_subsidy_share: String,
    /// Borrower kinds eligible for subsidies; empty means all four.
    pub subsidy_kinds: Vec<String>,
    /// Qingdao runs its own pilot under its own limits (§3.2.1).
    pub runs_own_pilot: bool,
    /// Laiwu merged into Jinan and takes no new intake from 2019-01-01.
    pub intake_closed_from: Option<String>,
    /// Whether the city is in the pilot (the seven of 2015 by default; the province's
    /// other cities join by settings).
    pub in_pilot: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RateRow {
    pub effective: String,
    /// pboc_benchmark | lpr1y, decided by the date (the LPR from 2019-08-20).
    pub kind: String,
    pub kind_zh: String,
    pub kind_en: String,
    /// A fraction as a decimal string.
    pub rate: String,
    pub rate_percent: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyLimits {
    pub max_term_months: u32,
    pub borrower_soft_cap: String,
    pub borrower_hard_cap: String,
    pub rate_cap_multiplier: String,
    pub min_guarantee_rate: String,
    pub max_total_premium_rate: String,
    pub stop_loss_ratio: String,
    pub default_insurer_share: String,
    pub default_waiting_period_days: u32,
    pub default_claim_payment_days: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SettingsView {
    pub cities: Vec<CityRow>,
    pub rates: Vec<RateRow>,
    pub limits: PolicyLimits,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementRow {
    pub id: u32,
    pub bank: String,
    pub bank_name: String,
    pub insurer: String,
    pub insurer_name: String,
    pub city: String,
    pub city_zh: String,
    pub insurer_share: String,
    pub waiting_period_days: u32,
    /// R-CLAIM-4: days the insurer has to pay a filed claim.
    pub claim_payment_days: u32,
    /// R-AMT-1's cap in principle under this agreement (its own, or the one in force).
    pub borrower_soft_cap: String,
    /// Whether the agreement sets its own cap.
    pub own_soft_cap: bool,
    pub guarantee_rate: String,
    pub accident_rate: String,
    pub signed_on: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PoolMemberRow {
    pub insurer: String,
    pub insurer_name: String,
    pub share: String,
    pub lead: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PoolRow {
    pub code: String,
    pub name: String,
    pub members: Vec<PoolMemberRow>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CityInput {
    pub city: String,
    /// In the pilot or not; unchanged when absent.
    #[serde(default)]
    pub in_pilot: Option<bool>,
    /// ISO date, or empty for the default pilot year.
    #[serde(default)]
    pub pilot_start: Option<String>,
    pub premium_subsidy_share: String,
    pub interest_subsidy_share: String,
    #[serde(default)]
    pub subsidy_kinds: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    pub effective: String,
    /// A fraction as a decimal string: "0.0435" is 4.35%.
    pub rate: String,
}

fn fraction(field: &str, text: &str) -> DeskResult<Decimal> {
    Decimal::from_str(text.trim())
        .ok()
        .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::ONE)
        .ok_or_else(|| {
            DeskError::invalid(
                field,
                format!("“{text}”不是有效比例，应为 0 到 1 之间的小数，如 0.5 表示 50%"),
                format!("`{text}` is not a share; give a decimal from 0 to 1, e.g. 0.5 for 50%"),
            )
        })
}

fn rate_row(e: &ReferenceRate) -> RateRow {
    RateRow {
        effective: e.effective.to_string(),
        kind: match e.kind {
            ReferenceKind::PbocBenchmark => "pboc_benchmark",
            ReferenceKind::Lpr1y => "lpr1y",
        }
        .into(),
        kind_zh: e.kind.name_zh().into(),
        kind_en: e.kind.name_en().into(),
        rate: e.rate.to_string(),
        rate_percent: percent_2dp(e.rate.fraction()),
    }
}

fn city_row(settings: &Settings, city: City) -> CityRow {
    let own = settings.city(city);
    let (m, d) = settings.pilot_year_start_for(city);
    CityRow {
        city: city.code().into(),
        name_zh: city.name_zh().into(),
        name_en: city.name_en().into(),
        pilot_start: own.pilot_start.map(|d| d.to_string()),
        pilot_year_start: format!("{m:02}-{d:02}"),
        premium_subsidy_share: own.premium_subsidy_share.normalize().to_string(),
        interest_subsidy_share: own.interest_subsidy_share.normalize().to_string(),
        subsidy_kinds: own
            .subsidy_kinds
            .iter()
            .map(|k| k.code().to_string())
            .collect(),
        runs_own_pilot: city.runs_own_pilot(),
        intake_closed_from: city.row().merged_into.map(|m| m.3.to_string()),
        in_pilot: settings.in_pilot(city),
    }
}

impl Desk {
    pub fn settings_view(&self) -> DeskResult<SettingsView> {
        let s = &self.settings;
        let l = &s.limits;
        Ok(SettingsView {
            cities: City::ALL.iter().map(|c| city_row(s, *c)).collect(),
            rates: s.reference_rates.entries().iter().map(rate_row).collect(),
            limits: PolicyLimits {
                max_term_months: l.max_term_months,
                borrower_soft_cap: l.borrower_soft_cap.to_string(),
                borrower_hard_cap: l.borrower_hard_cap.to_string(),
                rate_cap_multiplier: l.rate_cap_multiplier.normalize().to_string(),
                min_guarantee_rate: l.min_guarantee_rate.to_string(),
                max_total_premium_rate: l.max_total_premium_rate.to_string(),
                stop_loss_ratio: l.stop_loss_ratio.normalize().to_string(),
                default_insurer_share: s.agreement.insurer_share.normalize().to_string(),
                default_waiting_period_days: s.agreement.waiting_period_days,
                default_claim_payment_days: s.agreement.claim_payment_days,
            },
        })
    }

    /// Replaces every setting but the rate table with a settings TOML (keys left out take
    /// DOMAIN.md's defaults): the way to set Qingdao's own limits or other agreement
    /// defaults. Validated whole before anything is saved; the rate table has its own
    /// commands and is kept.
    pub fn apply_settings(&mut self, toml_text: &str) -> DeskResult<()> {
        self.require_role(&[Role::Admin], "修改系统设置", "change the settings")?;
        let mut next = Settings::from_toml(toml_text).map_err(DeskError::from)?;
        next.reference_rates = self.settings.reference_rates.clone();
        let toml = settings_toml_without_rates(&next);
        let actor = self.actor();
        self.store.write(&actor, "settings.apply", |tx| {
            orgs::save_settings_toml(tx, &toml)?;
            Ok((
                (),
                AuditNote::new("settings", "1", "settings file applied (rate table kept)"),
            ))
        })?;
        self.settings = next;
        Ok(())
    }

    /// A city's pilot start and subsidies; other cities and settings stay as they are.
    pub fn set_city(&mut self, input: &CityInput) -> DeskResult<CityRow> {
        self.require_role(&[Role::Admin], "修改城市设置", "change city settings")?;
        let city = parse_city(&input.city)?;
        let pilot_start = match input.pilot_start.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(crate::desk::parse::parse_business_date("pilot_start", d)?),
        };
        let mut kinds = Vec::new();
        for k in &input.subsidy_kinds {
            let kind = parse_kind(k).map_err(|e| e.with_field("subsidy_kinds"))?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let mut next = self.settings.clone();
        let entry = next.cities.entry(city).or_default();
        if let Some(p) = input.in_pilot {
            entry.pilot = Some(p);
        }
        entry.pilot_start = pilot_start;
        entry.premium_subsidy_share =
            fraction("premium_subsidy_share", &input.premium_subsidy_share)?;
        entry.interest_subsidy_share =
            fraction("interest_subsidy_share", &input.interest_subsidy_share)?;
        entry.subsidy_kinds = kinds;
        next.validate().map_err(DeskError::from)?;
        let row = city_row(&next, city);
        let summary = format!(
            "in the pilot: {}, pilot start {}, premium subsidy {}, interest subsidy {}, kinds [{}]",
            row.in_pilot,
            row.pilot_start.as_deref().unwrap_or("-"),
            row.premium_subsidy_share,
            row.interest_subsidy_share,
            row.subsidy_kinds.join(",")
        );
        let toml = settings_toml_without_rates(&next);
        let actor = self.actor();
        self.store.write(&actor, "settings.city", |tx| {
            orgs::save_settings_toml(tx, &toml)?;
            Ok(((), AuditNote::new("settings", city.code(), summary)))
        })?;
        self.settings = next;
        Ok(row)
    }

    /// Adds a reference rate taking effect on a date, or replaces the one on that date.
    /// The kind follows the date: the PBoC benchmark before 2019-08-20, the 1-year LPR after.
    pub fn set_reference_rate(&mut self, input: &RateInput) -> DeskResult<Vec<RateRow>> {
        self.require_role(&[Role::Admin], "修改基准利率表", "change the rate table")?;
        let effective = parse_date("effective", &input.effective)?;
        let rate = parse_rate("rate", &input.rate)?;
        if rate.fraction() <= Decimal::ZERO || rate.fraction() >= Decimal::new(2, 1) {
            return Err(DeskError::invalid(
                "rate",
                format!(
                    "参考利率 {} 不合理，应大于 0 且低于 20%",
                    percent_2dp(rate.fraction())
                ),
                format!(
                    "a reference rate of {} is implausible; give one above 0 and below 20%",
                    percent_2dp(rate.fraction())
                ),
            ));
        }
        let kind = if effective >= lpr_reform_date() {
            ReferenceKind::Lpr1y
        } else {
            ReferenceKind::PbocBenchmark
        };
        let mut entries: Vec<ReferenceRate> = self
            .settings
            .reference_rates
            .entries()
            .iter()
            .filter(|e| e.effective != effective)
            .copied()
            .collect();
        entries.push(ReferenceRate {
            effective,
            kind,
            rate,
        });
        let summary = format!("{effective} {} {}", kind.name_en(), rate);
        self.save_rates(entries, "rates.set", summary)
    }

    pub fn remove_reference_rate(&mut self, effective: &str) -> DeskResult<Vec<RateRow>> {
        self.require_role(&[Role::Admin], "修改基准利率表", "change the rate table")?;
        let date = parse_date("effective", effective)?;
        let before = self.settings.reference_rates.entries();
        let entries: Vec<ReferenceRate> = before
            .iter()
            .filter(|e| e.effective != date)
            .copied()
            .collect();
        if entries.len() == before.len() {
            return Err(DeskError::invalid(
                "effective",
                format!("利率表中没有 {date} 生效的利率"),
                format!("the rate table has no rate taking effect on {date}"),
            ));
        }
        if entries.is_empty() {
            return Err(DeskError::invalid(
                "effective",
                "利率表不能为空：利率上限（R-RATE-1）需要参考利率",
                "the rate table cannot be empty: the rate cap (R-RATE-1) needs a reference rate",
            ));
        }
        self.save_rates(entries, "rates.remove", format!("{date}"))
    }

    fn save_rates(
        &mut self,
        entries: Vec<ReferenceRate>,
        action: &str,
        summary: String,
    ) -> DeskResult<Vec<RateRow>> {
        let table =
            RateTable::new(entries).map_err(|e| DeskError::invalid("effective", e.clone(), e))?;
        let actor = self.actor();
        self.store.write(&actor, action, |tx| {
            orgs::save_rate_table(tx, &table)?;
            Ok(((), AuditNote::new("settings", "reference_rates", summary)))
        })?;
        let rows = table.entries().iter().map(rate_row).collect();
        self.settings.reference_rates = table;
        Ok(rows)
    }

    pub fn agreements(&self) -> DeskResult<Vec<AgreementRow>> {
        let conn = self.store.connection();
        let orgs_by_id: std::collections::HashMap<i64, orgs::Org> = orgs::list_orgs(conn)?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let name = |id: i64| {
            orgs_by_id
                .get(&id)
                .map(|o| (o.code.clone(), o.name.clone()))
                .unwrap_or_default()
        };
        Ok(orgs::list_agreements(conn)?
            .into_iter()
            .map(|a| {
                let (bank, bank_name) = name(a.bank_id);
                let (insurer, insurer_name) = name(a.insurer_id);
                let city_zh = a
                    .city
                    .parse::<City>()
                    .map(|c| c.name_zh().to_string())
                    .unwrap_or_else(|_| a.city.clone());
                let soft_cap =
                    a.borrower_soft_cap
                        .unwrap_or_else(|| match a.city.parse::<City>() {
                            Ok(c) => self.settings.limits_for(c).borrower_soft_cap,
                            Err(_) => self.settings.limits.borrower_soft_cap,
                        });
                AgreementRow {
                    id: a.id as u32,
                    bank,
                    bank_name,
                    insurer,
                    insurer_name,
                    city: a.city,
                    city_zh,
                    insurer_share: a.insurer_share.normalize().to_string(),
                    waiting_period_days: a.waiting_period_days,
                    claim_payment_days: a.claim_payment_days,
                    borrower_soft_cap: soft_cap.to_string(),
                    own_soft_cap: a.borrower_soft_cap.is_some(),
                    guarantee_rate: a.guarantee_rate.to_string(),
                    accident_rate: a.accident_rate.to_string(),
                    signed_on: a.signed_on,
                }
            })
            .collect())
    }

    pub fn pools(&self) -> DeskResult<Vec<PoolRow>> {
        let conn = self.store.connection();
        let all = orgs::list_orgs(conn)?;
        let name_of = |code: &str| {
            all.iter()
                .find(|o| o.code == code)
                .map(|o| o.name.clone())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for pool in all.iter().filter(|o| o.kind == OrgKind::Pool) {
            let members = orgs::pool_of(conn, pool)?
                .into_iter()
                .map(|m| PoolMemberRow {
                    insurer_name: name_of(&m.insurer),
                    insurer: m.insurer,
                    share: m.share.normalize().to_string(),
                    lead: m.lead,
                })
                .collect();
            out.push(PoolRow {
                code: pool.code.clone(),
                name: pool.name.clone(),
                members,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use surety_store::{KdfParams, NewUser};

    fn admin_desk(dir: &std::path::Path) -> Desk {
        let admin = NewUser {
            username: "admin".into(),
            display_name: "管理员".into(),
            role: Role::Admin,
            organisation_id: None,
        };
        Desk::init(
            &dir.join("t.db"),
            &admin,
            "unit-test-passphrase",
            KdfParams::for_tests(),
        )
        .unwrap()
    }

    #[test]
    fn a_city_change_is_audited_kept_and_used_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut desk = admin_desk(dir.path());
        let audits = surety_store::audit::count(desk.store().connection()).unwrap();
        let row = desk
            .set_city(&CityInput {
                in_pilot: None,
                city: "yantai".into(),
                pilot_start: Some("2015-07-01".into()),
                premium_subsidy_share: "0.5".into(),
                interest_subsidy_share: "0.3".into(),
                subsidy_kinds: vec!["farmer".into()],
            })
            .unwrap();
        assert_eq!(row.pilot_year_start, "07-01");
        assert_eq!(desk.settings().pilot_year_start_for(City::Yantai), (7, 1));
        assert_eq!(
            surety_store::audit::count(desk.store().connection()).unwrap(),
            audits + 1
        );
        drop(desk);
        let desk = Desk::open(&dir.path().join("t.db"), "admin", "unit-test-passphrase").unwrap();
        let yantai = &desk.settings_view().unwrap().cities[0];
        assert_eq!(yantai.premium_subsidy_share, "0.5");
    }

    #[test]
    fn a_bad_share_or_kind_names_its_field_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut desk = admin_desk(dir.path());
        let before = desk.settings().clone();
        let input = CityInput {
            in_pilot: None,
            city: "qingdao".into(),
            pilot_start: None,
            premium_subsidy_share: "1.5".into(),
            interest_subsidy_share: "0".into(),
            subsidy_kinds: vec![],
        };
        let e = desk.set_city(&input).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("premium_subsidy_share"));
        let e = desk
            .set_city(&CityInput {
                premium_subsidy_share: "0.2".into(),
                subsidy_kinds: vec!["pirate".into()],
                ..input
            })
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("subsidy_kinds"));
        assert_eq!(desk.settings(), &before);
    }

    #[test]
    fn a_settings_file_sets_qingdaos_own_limits_and_keeps_the_rate_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut desk = admin_desk(dir.path());
        desk.set_reference_rate(&RateInput {
            effective: "2027-01-01".into(),
            rate: "0.0295".into(),
        })
        .unwrap();
        let rates = desk.settings().reference_rates.clone();
        let e = desk
            .apply_settings("[cities.yantai.limits]\nmax_term_months = 6")
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("cities.yantai.limits"));
        desk.apply_settings("[cities.qingdao.limits]\nmax_term_months = 6")
            .unwrap();
        assert_eq!(desk.settings().limits_for(City::Qingdao).max_term_months, 6);
        assert_eq!(desk.settings().limits_for(City::Yantai).max_term_months, 12);
        assert_eq!(desk.settings().reference_rates, rates);
        drop(desk);
        let desk = Desk::open(&dir.path().join("t.db"), "admin", "unit-test-passphrase").unwrap();
        assert_eq!(desk.settings().limits_for(City::Qingdao).max_term_months, 6);
    }

    #[test]
    fn rates_take_their_kind_from_the_date_and_the_table_never_empties() {
        let dir = tempfile::tempdir().unwrap();
        let mut desk = admin_desk(dir.path());
        let rows = desk
            .set_reference_rate(&RateInput {
                effective: "2027-01-01".into(),
                rate: "0.0295".into(),
            })
            .unwrap();
        let last = rows.last().unwrap();
        assert_eq!(
            (last.kind.as_str(), last.rate_percent.as_str()),
            ("lpr1y", "2.95%")
        );
        let e = desk
            .set_reference_rate(&RateInput {
                effective: "2027-02-01".into(),
                rate: "4.35".into(),
            })
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rate"));
        let n = rows.len();
        for r in rows.iter().take(n - 1) {
            desk.remove_reference_rate(&r.effective).unwrap();
        }
        let e = desk.remove_reference_rate("2027-01-01").unwrap_err();
        assert!(e.message_en.contains("cannot be empty"), "{}", e.message_en);
    }
}
