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
}

impl Session {
    pub fn new(db: PathBuf) -> Self {
        Session {
            db,
            desk: Mutex::new(None),
            cancel: AtomicBool::new(false),
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

/// The database the CLI uses too: `<data dir>/cn.gov.sd.suretydesk/surety.db`, unless
/// `SURETY_DB` names another.
pub fn database_path() -> PathBuf {
    if let Some(p) = std::env::var_os("SURETY_DB") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("cn.gov.sd.suretydesk").join("surety.db")
}
