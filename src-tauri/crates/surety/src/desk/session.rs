//! `Desk`: an unlocked database plus the signed-in user. Every use case is a method; the
//! Tauri commands, the CLI and the tests all go through here.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::error_code::ErrorCode;
use chrono::NaiveDate;
use std::path::Path;
use surety_domain::{City, Settings, Side};
use surety_store::cases::CaseReach;
use surety_store::orgs::{self, Org};
use surety_store::sections::CaseRecord;
use surety_store::{AuditNote, KdfParams, Role, Store, User};

/// How long a signed-in desk may sit unused before the window drops its keys.
pub const DEFAULT_IDLE_LOCK: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The idle lock a user may choose: at least a minute, at most a working half-day.
pub const IDLE_LOCK_MINUTES_MIN: u32 = 1;
pub const IDLE_LOCK_MINUTES_MAX: u32 = 240;

/// An idle lock of `minutes` (`IDLE_LOCK_MINUTES_MIN` to `IDLE_LOCK_MINUTES_MAX`).
pub fn idle_limit(minutes: u32) -> DeskResult<std::time::Duration> {
    let (min, max) = (IDLE_LOCK_MINUTES_MIN, IDLE_LOCK_MINUTES_MAX);
    if !(min..=max).contains(&minutes) {
        return Err(DeskError::invalid(
            "minutes",
            format!("自动锁定时间 {minutes} 分钟无效，应为 {min} 至 {max} 分钟"),
            format!("an idle lock of {minutes} minutes is not valid; {min} to {max}"),
        ));
    }
    Ok(std::time::Duration::from_secs(u64::from(minutes) * 60))
}

/// `meta` key of a demo database's business date (the end of the replayed year).
pub const DEMO_DATE_KEY: &str = "demo_business_date";

/// `meta` key written once, when a database is made for replay (`DatabaseUse::Replay`):
/// only there may the business date be set for steps that change a case.
pub const REPLAY_KEY: &str = "replay_database";

/// The real date on this machine's clock.
fn real_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub struct Desk {
    pub(crate) store: Store,
    pub(crate) user: User,
    pub(crate) settings: Settings,
    pub(crate) today: Option<NaiveDate>,
    /// A database made for replay: its business date may be set for every step.
    pub(crate) replay: bool,
    /// Set only while an office replays a field laptop's intake from a bundle: where the
    /// application came from, written in the intake's own transaction.
    pub(crate) import: Option<crate::desk::replay::IntakeImport>,
}

impl Desk {
    /// Signs in.
    pub fn open(path: &Path, username: &str, password: &str) -> DeskResult<Desk> {
        crate::desk::paths::secure_app_folder(path);
        let (store, user) = Store::open(path, username, password)?;
        let mut settings = match orgs::load_settings_toml(store.connection())? {
            Some(t) => Settings::from_toml(&t).map_err(|e| {
                DeskError::new(
                    ErrorCode::Settings,
                    Some(&e.key),
                    e.message_zh,
                    e.message_en,
                )
            })?,
            None => Settings::default(),
        };
        if let Some(rates) = orgs::load_rate_table(store.connection())? {
            settings.reference_rates = rates;
        }
        // A demo database replays a past year: it keeps its own business date. Demos made
        // before the replay mark existed are replay databases too.
        let demo_date = store.meta(DEMO_DATE_KEY)?;
        let replay = store.meta(REPLAY_KEY)?.is_some() || demo_date.is_some();
        let today = demo_date.and_then(|d| d.parse().ok());
        Ok(Desk {
            store,
            user,
            settings,
            today,
            replay,
            import: None,
        })
    }

    /// Argon2 parameters for passwords set in this session (tests and demos make them cheap).
    pub fn set_kdf(&mut self, kdf: KdfParams) {
        self.store.set_kdf(kdf);
    }

    /// The business date: the real date unless set (`--as-of`), so tests and demos can
    /// replay a year in seconds.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(real_today)
    }

    /// Sets the business date. On a replay database every step then happens on `date`. On
    /// a production database the date of a step is the day it is entered (a step's value
    /// date is a field of its own): another day only reads figures as of then, and every
    /// write of this session is refused.
    pub fn set_today(&mut self, date: NaiveDate) {
        self.today = Some(date);
        if !self.replay && date != real_today() {
            self.store.hold_writes(surety_store::store::HeldWrites {
                field: "as_of".into(),
                message_zh: format!(
                    "生产库的业务日期就是今天：--as-of {date} 只能查看当日的数字，不能办理业务\
                     （还款等的起息日在其表单中填写；演练请用 surety init --replay 建库）"
                ),
                message_en: format!(
                    "a production database's business date is today: --as-of {date} only reads \
                     figures as of that day and changes nothing (a repayment's value date is a \
                     field of its own; replay in a database made with surety init --replay)"
                ),
            });
        }
    }

    /// Whether this database was made for replay (its business date may be set).
    pub fn is_replay(&self) -> bool {
        self.replay
    }

    /// Marks this replay database as a demo of a past year: whoever opens it later sees it
    /// as of `end` (admin only).
    pub fn mark_demo(&mut self, end: NaiveDate) -> DeskResult<()> {
        self.require_role(&[Role::Admin], "标记演示库", "mark a demo database")?;
        if !self.replay {
            return Err(DeskError::invalid(
                "database",
                "只有为演练建立的数据库才能标记为演示库",
                "only a database made for replay can be marked as a demo",
            ));
        }
        let actor = self.actor();
        self.store.write(&actor, "demo.business_date", |tx| {
            surety_store::store::set_meta(tx, DEMO_DATE_KEY, &end.to_string())?;
            Ok((
                (),
                AuditNote::new(
                    "installation",
                    "demo",
                    format!("demo database: business date {end}"),
                ),
            ))
        })?;
        self.today = Some(end);
        Ok(())
    }

    /// Whether the business date is fixed (a demo database, or `--as-of`).
    pub fn fixed_date(&self) -> Option<NaiveDate> {
        self.today
    }

    /// The cities of the pilot under this installation's settings (R-ELIG-1).
    pub fn pilot_cities(&self) -> Vec<crate::desk::about::CityInfo> {
        self.settings
            .pilot_cities()
            .into_iter()
            .map(crate::desk::about::city_info)
            .collect()
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn actor(&self) -> String {
        self.user.username.clone()
    }

    // --- permissions: checked here, never only in the UI ---

    /// Refuses anyone but an admin (before a dialog asks an admin-only question).
    pub fn require_admin(&self, what_zh: &str, what_en: &str) -> DeskResult<()> {
        self.require_role(&[Role::Admin], what_zh, what_en)
    }

    /// Whose cases this user may read: their bank's, their insurer's (a pool's underwriter
    /// the pool's), a field agent the applications they took in; auditors and admins all.
    pub(crate) fn reach(&self) -> CaseReach {
        let own = CaseReach::TakenInBy(self.user.id);
        match self.user.role {
            Role::Admin | Role::Auditor => CaseReach::All,
            Role::BankOfficer => self.user.organisation_id.map_or(own, CaseReach::Bank),
            Role::Underwriter => self.user.organisation_id.map_or(own, CaseReach::Insurer),
            Role::FieldAgent => own,
        }
    }

    pub(crate) fn may_read(&self, case: &CaseRecord) -> bool {
        self.reach()
            .includes(case.bank_id, case.insurer_id, case.created_by)
    }

    /// The signed-in user's organisation (none for an admin or an auditor without one).
    pub(crate) fn own_organisation(&self) -> DeskResult<Option<orgs::Org>> {
        Ok(match self.user.organisation_id {
            Some(id) => orgs::org_by_id(self.store.connection(), id)?,
            None => None,
        })
    }

    /// The organisations this user's work touches: their own and those it has an
    /// agreement with (a bank's insurers, an insurer's banks). Everyone's for all-readers.
    pub(crate) fn partners(&self) -> DeskResult<Option<std::collections::BTreeSet<i64>>> {
        if self.reach() == CaseReach::All {
            return Ok(None);
        }
        let mut set = std::collections::BTreeSet::new();
        if let Some(org) = self.user.organisation_id {
            set.insert(org);
            for a in orgs::list_agreements(self.store.connection())? {
                if a.bank_id == org {
                    set.insert(a.insurer_id);
                }
                if a.insurer_id == org {
                    set.insert(a.bank_id);
                }
            }
        }
        Ok(Some(set))
    }

    /// Personal data leaving the app (a print, preview, export, batch, backup) goes on the
    /// audit record: who, what, how many cases.
    pub(crate) fn record_disclosure(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        summary: String,
    ) -> DeskResult<()> {
        let actor = self.actor();
        self.store.write(&actor, action, |_| {
            Ok(((), AuditNote::new(entity, entity_id, summary)))
        })?;
        Ok(())
    }

    pub(crate) fn require_role(
        &self,
        roles: &[Role],
        what_zh: &str,
        what_en: &str,
    ) -> DeskResult<()> {
        if roles.contains(&self.user.role) {
            return Ok(());
        }
        Err(DeskError::not_permitted(
            format!(
                "{}（{}）无权{what_zh}",
                self.user.display_name,
                role_zh(self.user.role)
            ),
            format!(
                "{} ({}) may not {what_en}",
                self.user.username,
                self.user.role.code()
            ),
        ))
    }

    /// The side the user acts for on this case: an underwriter of the case's insurer, or
    /// an officer of the case's bank. Anyone else is refused.
    pub(crate) fn side_on(
        &self,
        case: &CaseRecord,
        what_zh: &str,
        what_en: &str,
    ) -> DeskResult<Side> {
        let org = self.user.organisation_id;
        match self.user.role {
            Role::Underwriter if org.is_some() && org == case.insurer_id => Ok(Side::Insurer),
            Role::BankOfficer if org.is_some() && org == case.bank_id => Ok(Side::Bank),
            _ => Err(DeskError::not_permitted(
                format!(
                    "{}（{}）不是本案件保险公司或银行的经办人，无权{what_zh}",
                    self.user.display_name,
                    role_zh(self.user.role)
                ),
                format!(
                    "{} ({}) does not act for this case's insurer or bank and may not {what_en}",
                    self.user.username,
                    self.user.role.code()
                ),
            )),
        }
    }

    pub(crate) fn org(&self, code: &str, field: &str) -> DeskResult<Org> {
        orgs::org_by_code(self.store.connection(), code)?.ok_or_else(|| {
            let code = crate::desk::text::shown(code);
            DeskError::invalid(
                field,
                format!("找不到机构“{code}”"),
                format!("no organisation `{code}`"),
            )
        })
    }

    pub(crate) fn city_of(&self, case: &CaseRecord) -> City {
        case.city
    }
}

/// A resident ID or credit code as lists and exports show it: the first four and the last
/// four characters (`3707**********1237`); the whole number only on the case page.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars[..4]
        .iter()
        .chain(std::iter::repeat_n(&'*', n - 8))
        .chain(&chars[n - 4..])
        .collect()
}

pub(crate) fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理员",
        Role::Underwriter => "保险公司核保人员",
        Role::BankOfficer => "银行信贷人员",
        Role::FieldAgent => "外勤人员",
        Role::Auditor => "审计人员",
    }
}

/// The settings row holds everything but the rate table, which has its own table.
pub(crate) fn settings_toml_without_rates(s: &Settings) -> String {
    let mut v: toml::Table = toml::from_str(&s.to_toml()).expect("settings serialize to TOML");
    v.remove("reference_rates");
    toml::to_string_pretty(&v).expect("TOML table serializes")
}
