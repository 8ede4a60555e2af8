//! What the shell holds between commands: the open store and the acting staff member.
//!
//! Start-up failures (a database from a newer Hairyo, an unknown `HAIRYO_AS` login) do not stop
//! the window from opening: the failure is kept and every command returns it, so the clerk reads
//! a Japanese message instead of a window that never appears.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use hairyo::staff::Actor;
use hairyo::store::Store;

use crate::error::CmdError;

/// The open database and who is working in this window.
pub struct App {
    store: Mutex<Store>,
    pub actor: Actor,
    pub db_path: PathBuf,
}

/// Managed Tauri state: the app, or why it could not start.
pub struct Shell(Result<App, CmdError>);

/// The current local time. The core never reads the clock; the shell passes `now` in.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

impl Shell {
    /// Opens the database named by `HAIRYO_DB` (or the default one), initialises it on first use,
    /// and resolves the actor from `HAIRYO_AS` (or the administrator).
    pub fn start() -> Shell {
        let path = std::env::var_os("HAIRYO_DB")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(hairyo::store::default_db_path);
        let login = std::env::var("HAIRYO_AS")
            .ok()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| hairyo::staff::ADMIN_LOGIN.to_string());
        Shell(App::open(&path, &login))
    }

    pub fn app(&self) -> Result<&App, CmdError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

impl App {
    fn open(path: &Path, login: &str) -> Result<App, CmdError> {
        let mut store = hairyo::store::open(path)?;
        if !store.is_initialised()? {
            hairyo::staff::init(&mut store, now())?;
        }
        let actor = hairyo::staff::actor(&store, login)?;
        Ok(App { store: Mutex::new(store), actor, db_path: path.to_path_buf() })
    }

    /// Runs `f` with exclusive use of the store and turns the core's error into a `CmdError`.
    pub fn with_store<T, E>(&self, f: impl FnOnce(&mut Store) -> Result<T, E>) -> Result<T, CmdError>
    where
        CmdError: From<E>,
    {
        Ok(f(&mut self.lock())?)
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while the lock was held cannot leave a half-written change behind: every write
        // runs in one transaction, rolled back when it is dropped. So a poisoned lock is safe to
        // take over rather than failing every later command.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
