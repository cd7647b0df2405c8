//! Tauri commands: deserialize, one call into the `surety` service layer, serialize.
//! No rule lives here; if a command grows logic, that logic belongs in `surety`.

use crate::session::Session;
use serde::Serialize;
use surety::admin::UserInput;
use surety::case_flow::{
    CaseRef, DecisionInput, IntakeInput, InvestigationInput, NoteInput, PremiumInput, SignInput,
};
use surety::loan_flow::{AmountInput, LossRatioLine};
use surety::views::{CaseListInput, CaseView};
use surety::{Desk, DeskError, KdfParams, NewUser, QuoteInput, Role};
use surety_store::cases::CasePage;
use surety_store::User;
use tauri::State;

type R<T> = Result<T, DeskError>;

#[tauri::command]
#[specta::specta]
pub fn app_info() -> surety::AppInfo {
    surety::app_info()
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SessionInfo {
    pub database: String,
    pub database_exists: bool,
    pub user: Option<User>,
}

#[tauri::command]
#[specta::specta]
pub fn session_info(session: State<Session>) -> SessionInfo {
    let user = session
        .desk
        .lock()
        .ok()
        .and_then(|d| d.as_ref().map(|d| d.user().clone()));
    SessionInfo {
        database: session.db.display().to_string(),
        database_exists: session.db.exists(),
        user,
    }
}

/// First run: creates the database and its first admin, and signs them in.
#[tauri::command]
#[specta::specta]
pub fn first_run(session: State<Session>, admin: UserInput, password: String) -> R<User> {
    if let Some(dir) = session.db.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            DeskError::new(
                "IO",
                None,
                format!("无法创建数据目录：{e}"),
                format!("cannot create the data folder: {e}"),
            )
        })?;
    }
    let new = NewUser {
        username: admin.username,
        display_name: admin.display_name,
        role: Role::Admin,
        organisation_id: None,
    };
    let desk = Desk::init(&session.db, &new, &password, KdfParams::default())?;
    let user = desk.user().clone();
    *session.desk.lock().unwrap_or_else(|p| p.into_inner()) = Some(desk);
    Ok(user)
}

#[tauri::command]
#[specta::specta]
pub fn sign_in(session: State<Session>, username: String, password: String) -> R<User> {
    let desk = Desk::open(&session.db, username.trim(), &password)?;
    let user = desk.user().clone();
    *session.desk.lock().unwrap_or_else(|p| p.into_inner()) = Some(desk);
    Ok(user)
}

#[tauri::command]
#[specta::specta]
pub fn sign_out(session: State<Session>) {
    *session.desk.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// The live quote while typing: needs no sign-in; uses the signed-in settings if any.
#[tauri::command]
#[specta::specta]
pub fn quote(session: State<Session>, input: QuoteInput) -> R<surety_domain::Quote> {
    let settings = session
        .with(|d| Ok(d.settings().clone()))
        .unwrap_or_default();
    surety::quote(&input, &settings)
}

#[tauri::command]
#[specta::specta]
pub fn capital_amount(amount: String) -> R<String> {
    surety::quote::capital(&amount)
}

#[tauri::command]
#[specta::specta]
pub fn organisations(session: State<Session>) -> R<Vec<surety_store::orgs::Org>> {
    session.with(|d| d.organisations())
}

#[tauri::command]
#[specta::specta]
pub fn case_list(session: State<Session>, input: CaseListInput) -> R<CasePage> {
    session.with(|d| d.case_list(&input))
}

#[tauri::command]
#[specta::specta]
pub fn case_show(session: State<Session>, case_no: String) -> R<CaseView> {
    session.with(|d| d.case_show(&case_no))
}

#[tauri::command]
#[specta::specta]
pub fn dashboard(session: State<Session>) -> R<surety::dashboard::Dashboard> {
    session.with(|d| d.dashboard())
}

#[tauri::command]
#[specta::specta]
pub fn loss_ratios(session: State<Session>) -> R<Vec<LossRatioLine>> {
    session.with(|d| d.loss_ratios(d.today()))
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Printed {
    pub path: String,
    pub bytes: u32,
    /// Whether the system viewer was asked to open it.
    pub opened: bool,
}

/// Writes a document of a case where the user chose (the save dialog runs in the UI) and,
/// if asked, opens it in the system's PDF viewer.
#[tauri::command]
#[specta::specta]
pub fn print_document(
    session: State<Session>,
    document: String,
    case_no: String,
    path: String,
    open: bool,
) -> R<Printed> {
    session.with(|d| {
        let bytes = d.print(&document, &case_no)?;
        std::fs::write(&path, &bytes).map_err(|e| {
            DeskError::new(
                "IO",
                Some("path"),
                format!("无法写入 {path}：{e}"),
                format!("cannot write {path}: {e}"),
            )
        })?;
        // Opening is a convenience: the file is written either way.
        let opened = open && opener::open(&path).is_ok();
        Ok(Printed {
            path,
            bytes: bytes.len() as u32,
            opened,
        })
    })
}

macro_rules! case_step {
    ($($name:ident($input:ty) => $method:ident;)*) => {$(
        #[tauri::command]
        #[specta::specta]
        pub fn $name(session: State<Session>, input: $input) -> R<CaseView> {
            session.with(|d| d.$method(&input))
        }
    )*};
}

case_step! {
    case_intake(IntakeInput) => intake;
    case_investigate(InvestigationInput) => investigate;
    case_review(NoteInput) => review_note;
    case_exception(NoteInput) => approve_exception;
    case_decide(DecisionInput) => decide;
    case_sign(SignInput) => sign;
    case_premium(PremiumInput) => record_premium;
    case_disburse(CaseRef) => disburse;
    case_repay(AmountInput) => repay;
    case_claim(CaseRef) => file_claim;
    case_pay_claim(CaseRef) => pay_claim;
    case_recover(AmountInput) => record_recovery;
    case_close(NoteInput) => close;
    case_withdraw(NoteInput) => withdraw;
}
