//! Admin use cases: organisations, coinsurance pools, agreements, users.

use crate::desk::error::{DeskError, DeskResult};
use crate::desk::parse::parse_city;
use crate::desk::Desk;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;
use surety_domain::Rule;
use surety_domain::{Pool, PoolMember};
use surety_store::backup::{BackupInfo, BackupSummary, RestoreInfo};
use surety_store::orgs::{self, Org, OrgKind};
use surety_store::{AuditNote, NewUser, Role, User};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    /// insurer | pool | bank | city
    pub kind: String,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub city: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PoolMemberInput {
    pub insurer: String,
    /// A fraction as a decimal string: "0.6" is 60%.
    pub share: String,
    #[serde(default)]
    pub lead: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    pub bank: String,
    /// An insurer or a pool.
    pub insurer: String,
    pub city: String,
    #[serde(default)]
    pub insurer_share: Option<String>,
    #[serde(default)]
    pub waiting_period_days: Option<u32>,
    /// R-CLAIM-4: days the insurer has to pay a filed claim (default from the settings, 10).
    #[serde(default)]
    pub claim_payment_days: Option<u32>,
    /// R-AMT-1: the agreement's cap in principle per borrower, in yuan; by default the
    /// province's (or Qingdao's own). At most the hard cap.
    #[serde(default)]
    pub borrower_soft_cap: Option<String>,
    pub guarantee_rate: String,
    pub accident_rate: String,
    pub signed_on: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    #[serde(default)]
    pub organisation: Option<String>,
}

pub(crate) fn share(field: &str, text: &str) -> DeskResult<Decimal> {
    Decimal::from_str(text)
        .ok()
        .filter(|d| *d > Decimal::ZERO && *d <= Decimal::ONE)
        .ok_or_else(|| {
            DeskError::invalid(
                field,
                format!("“{text}”不是有效比例，应为 0 到 1 之间的小数，如 0.7"),
                format!("`{text}` is not a share; give a decimal above 0 and at most 1, e.g. 0.7"),
            )
        })
}

/// The longest organisation code (codes are typed and printed in lists).
const ORG_CODE_CHARS_MAX: usize = 32;

impl Desk {
    pub fn add_organisation(&mut self, input: &OrgInput) -> DeskResult<Org> {
        self.require_role(&[Role::Admin], "登记机构", "register organisations")?;
        let kind = OrgKind::parse(&input.kind).ok_or_else(|| {
            DeskError::invalid(
                "kind",
                format!(
                    "未知机构类型“{}”，应为 insurer、pool、bank、city",
                    input.kind
                ),
                format!(
                    "unknown organisation kind `{}`; one of insurer, pool, bank, city",
                    input.kind
                ),
            )
        })?;
        let code = input.code.trim();
        if code.is_empty()
            || code.chars().count() > ORG_CODE_CHARS_MAX
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(DeskError::invalid(
                "code",
                format!("机构代码应为 1 至 {ORG_CODE_CHARS_MAX} 个英文字母、数字或 - _"),
                format!(
                    "an organisation code is 1 to {ORG_CODE_CHARS_MAX} letters, digits, - or _"
                ),
            ));
        }
        let name = crate::desk::text::clean("name", &input.name, crate::desk::text::NAME)?;
        let city = input.city.as_deref().map(parse_city).transpose()?;
        // A bank lends in one city: its loans, NPL and subsidies are that city's.
        if kind == OrgKind::Bank && city.is_none() {
            return Err(DeskError::invalid(
                "city",
                "银行须指定所在试点城市",
                "a bank needs the pilot city it lends in",
            ));
        }
        let actor = self.actor();
        Ok(self.store.write(&actor, "organisation.add", |tx| {
            // `PICC` beside `picc` would be two organisations nobody can tell apart.
            if let Some(other) = orgs::list_orgs(tx)?
                .into_iter()
                .find(|o| o.code.eq_ignore_ascii_case(code))
            {
                return Err(surety_store::StoreError::Rule(
                    surety_domain::Violation::new(
                        Rule::InvalidInput,
                        "code",
                        format!(
                            "机构代码“{code}”与已登记的“{}”相同（代码不区分大小写）",
                            other.code
                        ),
                        format!(
                        "the code `{code}` is the same as the registered `{}` (codes ignore case)",
                        other.code
                    ),
                    ),
                ));
            }
            let org = orgs::insert_org(tx, kind, code, &name, city)?;
            Ok((
                org,
                AuditNote::new("organisation", code, format!("{} {name}", kind.code())),
            ))
        })?)
    }

    /// Sets a pool's members: shares summing to 100%, one lead underwriter (§3.2.3).
    pub fn set_pool(&mut self, pool_code: &str, members: &[PoolMemberInput]) -> DeskResult<()> {
        self.require_role(&[Role::Admin], "设置共保体", "set up pools")?;
        let pool = self.org(pool_code, "pool")?;
        if pool.kind != OrgKind::Pool {
            return Err(DeskError::invalid(
                "pool",
                format!("“{pool_code}”不是共保体"),
                format!("`{pool_code}` is not a pool"),
            ));
        }
        let mut rows = Vec::new();
        let mut domain = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let org = self.org(&m.insurer, &format!("members[{i}].insurer"))?;
            if org.kind != OrgKind::Insurer {
                return Err(DeskError::invalid(
                    &format!("members[{i}].insurer"),
                    format!("“{}”不是保险公司", m.insurer),
                    format!("`{}` is not an insurer", m.insurer),
                ));
            }
            let s = share(&format!("members[{i}].share"), &m.share)?;
            rows.push((org.id, s, m.lead));
            domain.push(PoolMember {
                insurer: org.code.clone(),
                share: s,
                lead: m.lead,
            });
        }
        Pool::new(domain)?;
        let actor = self.actor();
        let summary = members
            .iter()
            .map(|m| {
                format!(
                    "{} {}{}",
                    m.insurer,
                    m.share,
                    if m.lead { " lead" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        self.store.write(&actor, "pool.set", |tx| {
            orgs::set_pool_members(tx, pool.id, &rows)?;
            Ok(((), AuditNote::new("organisation", pool_code, summary)))
        })?;
        Ok(())
    }

    pub fn add_user(&mut self, input: &UserInput, password: &str) -> DeskResult<User> {
        self.require_role(&[Role::Admin], "添加用户", "add users")?;
        let role = Role::parse(&input.role).ok_or_else(|| {
            DeskError::invalid("role", format!("请选择角色（“{}”不是本系统的角色）：管理员、保险公司核保人员、银行信贷人员、外勤人员或审计人员", crate::desk::text::shown(&input.role)), format!("choose a role (`{}` is not one): admin, underwriter, bank_officer, field_agent or auditor", crate::desk::text::shown(&input.role)))
        })?;
        let organisation_id = match &input.organisation {
            Some(code) => {
                let org = self.org(code, "organisation")?;
                let fits = match role {
                    Role::Underwriter => org.kind.underwrites(),
                    Role::BankOfficer => org.kind == OrgKind::Bank,
                    _ => true,
                };
                if !fits {
                    return Err(DeskError::invalid(
                        "organisation",
                        format!("角色 {} 与机构“{code}”的类型不符", input.role),
                        format!("role {} does not fit organisation `{code}`", input.role),
                    ));
                }
                Some(org.id)
            }
            None if matches!(role, Role::Underwriter | Role::BankOfficer) => {
                return Err(DeskError::invalid(
                    "organisation",
                    "保险公司和银行人员必须属于一个机构",
                    "underwriters and bank officers must belong to an organisation",
                ));
            }
            None => None,
        };
        let new = NewUser {
            username: input.username.clone(),
            display_name: crate::desk::text::clean(
                "display_name",
                &input.display_name,
                crate::desk::text::DISPLAY_NAME,
            )?,
            role,
            organisation_id,
        };
        let actor = self.actor();
        Ok(self.store.add_user(&actor, &new, password)?)
    }

    /// One's own password: the current one first, then the new one under the policy.
    pub fn change_password(
        &mut self,
        current_password: &str,
        new_password: &str,
    ) -> DeskResult<()> {
        let (actor, me) = (self.actor(), self.user.username.clone());
        Ok(self
            .store
            .change_password(&actor, &me, current_password, new_password)?)
    }

    pub fn remove_user(&mut self, username: &str) -> DeskResult<()> {
        self.require_role(&[Role::Admin], "删除用户", "remove users")?;
        let actor = self.actor();
        Ok(self.store.remove_user(&actor, username)?)
    }

    /// A new password for another user (forgotten), or a disabled user enabled again.
    pub fn reset_user(&mut self, username: &str, password: &str) -> DeskResult<()> {
        self.require_role(&[Role::Admin], "重置用户密码", "reset users' passwords")?;
        let actor = self.actor();
        Ok(self.store.reset_user(&actor, username, password)?)
    }

    pub fn users(&self) -> DeskResult<Vec<User>> {
        self.require_role(&[Role::Admin, Role::Auditor], "查看用户", "list users")?;
        Ok(surety_store::users::list(self.store.connection())?)
    }

    pub fn organisations(&self) -> DeskResult<Vec<Org>> {
        Ok(orgs::list_orgs(self.store.connection())?)
    }

    pub fn audit_verify(&self) -> DeskResult<surety_store::AuditReport> {
        self.require_role(
            &[Role::Admin, Role::Auditor],
            "校验审计日志",
            "verify the audit log",
        )?;
        let conn = self.store.connection();
        let mut report = surety_store::audit::verify(conn)?;
        // Once a quarter has reached the hub, its receipt anchors the chain: the entry it
        // acknowledged must still be there with the same hash.
        if let Some((count, hash, at)) = surety_store::outbox::last_anchor(conn)? {
            let holds = surety_store::audit::hash_at(conn, count)?.as_deref() == Some(&hash);
            report.anchor_count = Some(count);
            report.anchor_received_at = Some(at);
            report.anchor_holds = Some(holds);
            report.ok &= holds;
        }
        // Each field laptop's chain its bundles brought, from its genesis.
        for origin in surety_store::audit::peer_origins(conn)? {
            let chain = surety_store::audit::peer_chain(conn, &origin)?;
            let ok = surety_store::audit::first_broken(&chain).is_none();
            report.ok &= ok;
            report
                .peer_chains
                .push(surety_store::audit::PeerChainReport {
                    installation: origin,
                    entries: chain.len() as u64,
                    ok,
                });
        }
        Ok(report)
    }

    /// Whether each file of the database (itself, its key file, its journal) is its owner's
    /// alone: mode 0600, or on Windows a protected access-control list for the user alone.
    pub fn database_files(&self) -> DeskResult<Vec<FilePrivacy>> {
        self.require_role(
            &[Role::Admin, Role::Auditor],
            "检查数据库文件权限",
            "check the database files' permissions",
        )?;
        let db = self.store.path();
        let files = surety_store::files::database_privacy(db).map_err(|e| {
            DeskError::io(
                "无法读取文件权限",
                "cannot read the files' permissions",
                db,
                &e,
            )
        })?;
        Ok(files
            .into_iter()
            .map(|(file, private, protection)| FilePrivacy {
                file,
                private,
                protection,
            })
            .collect())
    }

    /// SQLite's own check of every page and index (`PRAGMA integrity_check`): "ok", or what
    /// is damaged. Admins and auditors, like the audit chain's check.
    pub fn integrity_check(&self) -> DeskResult<String> {
        self.require_role(
            &[Role::Admin, Role::Auditor],
            "检查数据库完整性",
            "check the database's integrity",
        )?;
        Ok(self.store.integrity_check()?)
    }

    /// An encrypted backup written to `out` (outside the app's data folder), on record.
    pub fn backup(&mut self, out: &std::path::Path) -> DeskResult<BackupInfo> {
        self.require_role(&[Role::Admin], "备份数据库", "back up the database")?;
        let target = crate::desk::output::check(self.store.path(), out)?;
        let info = self.store.backup_to(&target)?;
        self.record_disclosure(
            "database.backup",
            "database",
            "1",
            format!(
                "backup of {} cases, {} audit entries to {}",
                info.cases,
                info.audit_entries,
                target.display()
            ),
        )?;
        Ok(info)
    }

    /// The checks a restore makes while this desk is still open: an admin of this
    /// installation, a backup whose header the given password authenticates, and (unless
    /// `allow_foreign`) a backup of this very installation. Then the desk is closed and
    /// [`restore`] replaces the database.
    pub fn check_restore(
        &self,
        from: &std::path::Path,
        password: &str,
        allow_foreign: bool,
    ) -> DeskResult<BackupSummary> {
        self.require_role(&[Role::Admin], "恢复数据库", "restore the database")?;
        let summary = surety_store::Store::inspect_backup(from, &self.user.username, password)?;
        let ours = self.installation_id()?;
        if summary.installation_id != ours && !allow_foreign {
            return Err(surety_store::StoreError::ForeignBackup {
                backup: summary.installation_id,
                ours,
            }
            .into());
        }
        Ok(summary)
    }

    pub(crate) fn installation_id(&self) -> DeskResult<String> {
        Ok(self.store.meta("installation_id")?.unwrap_or_default())
    }

    pub fn rotate_key(&mut self) -> DeskResult<()> {
        self.require_role(&[Role::Admin], "更换数据库密钥", "rotate the database key")?;
        let actor = self.actor();
        Ok(self.store.rotate_key(&actor)?)
    }
}

/// Restores `from` over the database at `db`. Where a database exists, `current` must be
/// its admin, signed in: the desk is closed, the backup checked on a copy and only then
/// put in place, the replaced database kept beside it. On a machine with no database
/// (disaster recovery) the credentials must be an admin's of the backup. The restored
/// database records the restore: which backup, its time and chain head, and the chain
/// head it replaced, so a rollback is visible.
pub fn restore(
    db: &std::path::Path,
    from: &std::path::Path,
    current: Option<Desk>,
    username: &str,
    password: &str,
    allow_foreign: bool,
) -> DeskResult<(Desk, RestoreInfo)> {
    let replaced = match current {
        Some(mut desk) => {
            desk.require_role(&[Role::Admin], "恢复数据库", "restore the database")?;
            let installation = desk.installation_id()?;
            // From here every other writer is held out: what committed before is the head
            // this restore replaces, and the audit says so.
            let head = desk.store.seal_for_restore()?;
            drop(desk); // closes the database
            Some((installation, head))
        }
        None if db.exists() => {
            return Err(DeskError::not_permitted(
                "本机已有数据库：请以其管理员身份登录后再恢复",
                "a database exists here: sign in to it as an admin to restore over it",
            ))
        }
        None => None,
    };
    let options = surety_store::backup::RestoreOptions {
        installation_id: replaced.as_ref().map(|(id, _)| id.clone()),
        allow_foreign,
    };
    let info = match surety_store::Store::restore(from, db, username, password, &options) {
        Ok(info) => info,
        Err(e) => {
            // Nothing was replaced: the database takes writes again.
            if replaced.is_some() {
                if let Ok((mut store, _)) = surety_store::Store::open(db, username, password) {
                    let _ = store.unseal_after_restore();
                }
            }
            return Err(e.into());
        }
    };
    let mut desk = Desk::open(db, username, password)?;
    desk.store.unseal_after_restore()?;
    let actor = desk.actor();
    let b = &info.backup;
    let over = match (&replaced, &info.previous) {
        (Some((id, (n, hash))), Some(kept)) => format!(
            "; replaced installation {id} at audit entry {n} ({}), kept as {kept}",
            short(hash)
        ),
        _ => "; onto a machine with no database".into(),
    };
    let note = format!(
        "from {} (backup of installation {} made {}, {} cases, audit entry {} {}){over}",
        from.display(),
        b.installation_id,
        b.created_at,
        b.cases,
        b.audit_entries,
        short(&b.audit_head),
    );
    desk.store.write(&actor, "database.restore", |_| {
        Ok(((), AuditNote::new("database", "1", note)))
    })?;
    Ok((desk, info))
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(16)]
}

/// One file of the database and whether only its owner may open it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilePrivacy {
    pub file: String,
    pub private: bool,
    /// Its mode (`0600`), or on Windows its access-control list in SDDL form.
    pub protection: String,
}
