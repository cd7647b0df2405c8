//! The signed-in `Desk`, held by the window between commands. Signing out drops it, which
//! closes the database and forgets the keys.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use surety::api::ErrorCode;
use surety::api::{Desk, DeskError, DeskResult};

pub struct Session {
    pub db: PathBuf,
    pub desk: Mutex<Option<Desk>>,
    /// Set by the window's cancel button; the running batch print checks it after each file.
    pub cancel: AtomicBool,
    /// The folder the user chose for the next batch print (chosen on the Rust side).
    pub batch_folder: Mutex<Option<PathBuf>>,
    /// The backup the admin chose to restore.
    pub restore_from: Mutex<Option<PathBuf>>,
    /// The bundle the user chose and previewed, applied by the next `bundle_apply`.
    pub pending_bundle: Mutex<Option<std::path::PathBuf>>,
    /// The idle lock, enforced here (not only by the page): the last command, and how long
    /// the desk may sit unused before its keys are dropped.
    last_active: Mutex<Instant>,
    idle_limit: Mutex<Duration>,
}

impl Session {
    pub fn new(db: PathBuf) -> Self {
        Session {
            db,
            desk: Mutex::new(None),
            cancel: AtomicBool::new(false),
            batch_folder: Mutex::new(None),
            restore_from: Mutex::new(None),
            pending_bundle: Mutex::new(None),
            last_active: Mutex::new(Instant::now()),
            idle_limit: Mutex::new(surety::api::DEFAULT_IDLE_LOCK),
        }
    }

    pub fn set_idle_limit(&self, limit: Duration) {
        *self.idle_limit.lock().unwrap_or_else(|p| p.into_inner()) = limit;
        self.touch();
    }

    fn touch(&self) {
        *self.last_active.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn idle(&self) -> bool {
        let last = *self.last_active.lock().unwrap_or_else(|p| p.into_inner());
        last.elapsed() > *self.idle_limit.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Signs the desk in (the idle clock starts again).
    pub fn open(&self, desk: Desk) {
        *self.desk.lock().unwrap_or_else(|p| p.into_inner()) = Some(desk);
        self.touch();
    }

    /// Drops the desk (database closed, keys forgotten) if it sat unused past the idle
    /// limit. Called before every command and by a watcher every few seconds, so the keys
    /// go even when the page stops reporting. A desk busy with a batch is not idle.
    pub fn lock_if_idle(&self) -> bool {
        if !self.idle() {
            return false;
        }
        match self.desk.try_lock() {
            Ok(mut guard) if guard.is_some() => {
                *guard = None;
                true
            }
            _ => false,
        }
    }

    /// Runs `f` with the signed-in desk, or says that nobody is signed in.
    pub fn with<T>(&self, mut f: impl FnMut(&mut Desk) -> DeskResult<T>) -> DeskResult<T> {
        self.lock_if_idle();
        self.touch();
        let mut guard = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            // Another change (a CLI script, a backup) held the database past the wait: the
            // step wrote nothing, so the window tries once more before saying so.
            Some(desk) => match f(desk) {
                Err(e) if e.code == "DATABASE_BUSY" => {
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    f(desk)
                }
                other => other,
            },
            None => Err(DeskError::new(
                ErrorCode::SignedOut,
                None,
                "请先登录".into(),
                "please sign in first".into(),
            )),
        }
    }
}

impl Session {
    /// Work the app does by itself (delivering envelopes): runs only when someone is
    /// signed in and the desk is free this moment, and does not count as the user's
    /// activity, so the idle lock still comes.
    pub fn in_background<T>(&self, f: impl FnOnce(&mut Desk) -> DeskResult<T>) -> Option<T> {
        let mut guard = self.desk.try_lock().ok()?;
        f(guard.as_mut()?).ok()
    }
}

/// The database the CLI uses too (`surety::api::default_database`): the app's data folder, or `SURETY_DB`.
pub fn database_path() -> PathBuf {
    surety::api::default_database()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_desk_is_closed_even_if_the_page_says_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let admin = surety::api::NewUser {
            username: "admin".into(),
            display_name: "管理员".into(),
            role: surety::api::Role::Admin,
            organisation_id: None,
        };
        let desk = Desk::init(
            &db,
            &admin,
            "idle-test-2016",
            surety::api::KdfParams::for_tests(),
        )
        .unwrap();
        let session = Session::new(db);
        session.open(desk);
        session.set_idle_limit(Duration::from_millis(200));
        assert!(!session.lock_if_idle(), "busy a moment ago");
        assert!(session.with(|_| Ok(())).is_ok());
        std::thread::sleep(Duration::from_millis(300));
        // The watcher's call: the keys go without any command from the page.
        assert!(session.lock_if_idle());
        let e = session.with(|_| Ok(())).unwrap_err();
        assert_eq!(e.code, "SIGNED_OUT");
    }
}
