//! Settings, organisations, pools, agreements, users, the audit chain, backup and restore.

use crate::chooser;
use crate::session::Session;
use surety::api::{
    AgreementInput, AgreementRow, CityInput, CityRow, CompensationInput, CompensationView,
    DeskError, OrgInput, PoolMemberInput, PoolRow, RateInput, RateRow, SettingsView, UserInput,
};
// What the commands return is the service layer's own shapes (surety::dto), so the
// generated bindings carry nothing of the store or the domain crates.
use surety::api::dto::{AuditReport, BackupInfo, Org, RestoreInfo, User};
use tauri::{AppHandle, State};

use super::R;

#[tauri::command(async)]
#[specta::specta]
pub fn settings_view(session: State<Session>) -> R<SettingsView> {
    session.with(|d| d.settings_view())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_city(session: State<Session>, input: CityInput) -> R<CityRow> {
    session.with(|d| d.set_city(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_reference_rate(session: State<Session>, input: RateInput) -> R<Vec<RateRow>> {
    session.with(|d| d.set_reference_rate(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn remove_reference_rate(session: State<Session>, effective: String) -> R<Vec<RateRow>> {
    session.with(|d| d.remove_reference_rate(&effective))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_organisation(session: State<Session>, input: OrgInput) -> R<Org> {
    session.with(|d| d.add_organisation(&input).map(Org::from))
}

#[tauri::command(async)]
#[specta::specta]
pub fn pools(session: State<Session>) -> R<Vec<PoolRow>> {
    session.with(|d| d.pools())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_pool(session: State<Session>, pool: String, members: Vec<PoolMemberInput>) -> R<()> {
    session.with(|d| d.set_pool(&pool, &members))
}

#[tauri::command(async)]
#[specta::specta]
pub fn agreements(session: State<Session>) -> R<Vec<AgreementRow>> {
    session.with(|d| d.agreements())
}

/// R-STOP-2: the city's payment of compensation to an insurer, for a pilot year.
#[tauri::command(async)]
#[specta::specta]
pub fn record_compensation(
    session: State<Session>,
    input: CompensationInput,
) -> R<CompensationView> {
    session.with(|d| d.record_compensation(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_agreement(session: State<Session>, input: AgreementInput) -> R<()> {
    session.with(|d| d.add_agreement(&input).map(|_| ()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn users(session: State<Session>) -> R<Vec<User>> {
    session.with(|d| Ok(surety::api::dto::list(d.users()?)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_user(session: State<Session>, input: UserInput, password: String) -> R<User> {
    session.with(|d| d.add_user(&input, &password).map(User::from))
}

#[tauri::command(async)]
#[specta::specta]
pub fn remove_user(session: State<Session>, username: String) -> R<()> {
    session.with(|d| d.remove_user(&username))
}

#[tauri::command(async)]
#[specta::specta]
pub fn reset_user(session: State<Session>, username: String, password: String) -> R<()> {
    session.with(|d| d.reset_user(&username, &password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn change_password(
    session: State<Session>,
    current_password: String,
    new_password: String,
) -> R<()> {
    session.with(|d| d.change_password(&current_password, &new_password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn audit_verify(session: State<Session>) -> R<AuditReport> {
    session.with(|d| d.audit_verify().map(AuditReport::from))
}

/// An encrypted backup, saved where the admin chooses; `null` if they cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn backup(app: AppHandle, session: State<Session>) -> R<Option<BackupInfo>> {
    let name = session.with(|d| {
        d.require_admin("备份数据库", "back up the database")?;
        Ok(format!("surety-{}.sdbackup", d.today()))
    })?;
    let Some(path) = chooser::save_as(
        &app,
        "保存备份 / Save the backup",
        &name,
        ("Surety Desk backup", &["sdbackup"]),
    ) else {
        return Ok(None);
    };
    session.with(|d| d.backup(&path).map(|b| Some(BackupInfo::from(b))))
}

/// The backup to restore, chosen in the system's dialog and kept here for `restore`;
/// returns its name for display, `null` if the admin cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_restore_file(app: AppHandle, session: State<Session>) -> Option<String> {
    let file = chooser::open_file(
        &app,
        "选择备份文件 / Choose a backup",
        ("Surety Desk backup", &["sdbackup", "sdbk"]),
    )?;
    let shown = file.display().to_string();
    *session
        .restore_from
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(file);
    Some(shown)
}

/// Replaces the database with the backup chosen with `choose_restore_file`. The checks
/// run while the desk is open (an admin, the backup's password, the same installation
/// unless `allow_foreign`); then it is closed, the backup restored (the replaced database
/// kept beside it), and the admin signed in to the restored database.
#[tauri::command(async)]
#[specta::specta]
pub fn restore(session: State<Session>, password: String, allow_foreign: bool) -> R<RestoreInfo> {
    let from = session
        .restore_from
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| DeskError::invalid("path", "请先选择备份文件", "choose a backup first"))?;
    let username = session.with(|d| {
        d.check_restore(&from, &password, allow_foreign)?;
        Ok(d.user().username.clone())
    })?;
    let mut guard = session.desk.lock().unwrap_or_else(|p| p.into_inner());
    let current = guard.take();
    let (desk, info) = surety::api::restore(
        &session.db,
        &from,
        current,
        &username,
        &password,
        allow_foreign,
    )?;
    *guard = Some(desk);
    Ok(RestoreInfo::from(info))
}
