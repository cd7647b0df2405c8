//! Signing in and out: the app's facts, first run, sign-in, the idle lock.

use crate::session::Session;
use serde::Serialize;
use surety::api::{DatabaseUse, Desk, KdfParams, UserInput};
// What the commands return is the service layer's own shapes (surety::dto), so the
// generated bindings carry nothing of the store or the domain crates.
use surety::api::dto::User;
use tauri::State;

use super::R;

#[tauri::command]
#[specta::specta]
pub fn app_info() -> surety::api::AppInfo {
    surety::api::app_info()
}

/// The UI calls this once it has painted its first page. Under `SURETY_STARTUP_PROBE=1`
/// (the launch benchmark) the app says so on stdout and quits; otherwise it does nothing.
#[tauri::command]
#[specta::specta]
pub fn window_ready(app: tauri::AppHandle) {
    if std::env::var_os("SURETY_STARTUP_PROBE").is_some() {
        println!("window interactive");
        app.exit(0);
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SessionInfo {
    pub database: String,
    pub database_exists: bool,
    pub user: Option<User>,
    /// The signed-in desk's business date (a demo database keeps the year it replays).
    pub business_date: Option<String>,
    /// The pilot's cities under the signed-in desk's settings (empty when signed out).
    pub pilot_cities: Vec<surety::api::CityInfo>,
    /// A database made for replay, training or demonstration (its business date is set);
    /// the window says so in its title and header.
    pub replay: bool,
}

/// The window's title: a replay database says so, with its business date, so that nobody
/// takes it for the production books.
fn window_title(replay_as_of: Option<&str>) -> String {
    match replay_as_of {
        Some(day) => format!("保贷通 Surety Desk — 演练库 / replay database ({day})"),
        None => "保贷通 Surety Desk".to_string(),
    }
}

#[tauri::command]
#[specta::specta]
pub fn session_info(window: tauri::WebviewWindow, session: State<Session>) -> SessionInfo {
    session.lock_if_idle();
    let signed_in = session.desk.lock().ok().and_then(|d| {
        d.as_ref().map(|d| {
            (
                User::from(d.user().clone()),
                d.today().to_string(),
                d.pilot_cities(),
                d.is_replay(),
            )
        })
    });
    let replay = signed_in.as_ref().is_some_and(|s| s.3);
    let day = signed_in.as_ref().map(|s| s.1.as_str());
    // A title the system could not set changes nothing the user works with.
    let _ = window.set_title(&window_title(day.filter(|_| replay)));
    SessionInfo {
        database: session.db.display().to_string(),
        database_exists: session.db.exists(),
        user: signed_in.as_ref().map(|s| s.0.clone()),
        business_date: signed_in.as_ref().map(|s| s.1.clone()),
        pilot_cities: signed_in.map(|s| s.2).unwrap_or_default(),
        replay,
    }
}

/// First run: creates the database and its first admin, and signs them in.
#[tauri::command(async)]
#[specta::specta]
pub fn first_run(session: State<Session>, admin: UserInput, password: String) -> R<User> {
    let desk = Desk::first_run(
        &session.db,
        &admin.username,
        &admin.display_name,
        &password,
        KdfParams::default(),
        DatabaseUse::Production,
    )?;
    let user = User::from(desk.user().clone());
    session.open(desk);
    Ok(user)
}

#[tauri::command(async)]
#[specta::specta]
pub fn sign_in(session: State<Session>, username: String, password: String) -> R<User> {
    let desk = Desk::open(&session.db, username.trim(), &password)?;
    let user = User::from(desk.user().clone());
    session.open(desk);
    Ok(user)
}

/// The idle lock's length (设置 → 偏好, kept per machine by the page): after this many
/// minutes without a command the desk is closed and its keys dropped, here in Rust.
#[tauri::command]
#[specta::specta]
pub fn set_idle_lock(session: State<Session>, minutes: u32) -> R<()> {
    session.set_idle_limit(surety::api::idle_limit(minutes)?);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn sign_out(session: State<Session>) {
    *session.desk.lock().unwrap_or_else(|p| p.into_inner()) = None;
}
