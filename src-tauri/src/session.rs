//! The signed-in `Desk`, held by the window between commands. Signing out drops it, which
//! closes the database and forgets the keys.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use surety::{Desk, DeskError, DeskResult};

pub struct Session {
    pub db: PathBuf,
    pub desk: Mutex<Option<Desk>>,
    /// Set by the window's cancel button; the running batch print checks it after each file.
    pub cancel: AtomicBool,
    /// The folder the user chose for the next batch print (chosen on the Rust side).
    pub batch_folder: Mutex<Option<PathBuf>>,
    /// The backup the admin chose to restore.
    pub restore_from: Mutex<Option<PathBuf>>,
}

impl Session {
    pub fn new(db: PathBuf) -> Self {
        Session {
            db,
            desk: Mutex::new(None),
            cancel: AtomicBool::new(false),
            batch_folder: Mutex::new(None),
            restore_from: Mutex::new(None),
        }
    }

    /// Runs `f` with the signed-in desk, or says that nobody is signed in.
    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> DeskResult<T>) -> DeskResult<T> {
        let mut guard = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Some(desk) => f(desk),
            None => Err(DeskError::new(
                "SIGNED_OUT",
                None,
                "请先登录".into(),
                "please sign in first".into(),
            )),
        }
    }
}

/// The database the CLI uses too (`surety::paths`): the app's data folder, or `SURETY_DB`.
pub fn database_path() -> PathBuf {
    surety::paths::default_database()
}
