//! What the shell holds between commands: the open store and the staff member signed in.
//!
//! Start-up failures (a database from a newer Hairyo) do not stop the window from opening: the
//! failure is kept and every command returns it, so the clerk reads a Japanese message instead
//! of a window that never appears. Nobody is signed in at start; `sign_in` sets the actor.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use hairyo::staff::Actor;
use hairyo::store::{Location, Store};

use crate::error::CmdError;
use crate::remote::Remote;

/// The open database and who is working in this window.
pub struct App {
    store: Mutex<Store>,
    actor: Mutex<Option<Actor>>,
    /// The database: the file on this PC, or the city's PostgreSQL server.
    pub location: Location,
    /// The database was initialised by this start: the administrator has no password yet.
    fresh: AtomicBool,
}

/// Managed Tauri state: the local database's app, or the client of a city's server
/// (`HAIRYO_SERVER`, the PC's `client.conf` or the saved 接続先), or why either could not start.
#[allow(clippy::large_enum_variant)] // One per window, for its whole life: boxing saves nothing.
pub enum Shell {
    Local(Result<App, CmdError>),
    Remote(Result<Arc<Remote>, CmdError>),
}

/// The database the window opens when no server is configured: `HAIRYO_DB`, or the default file.
fn local_location() -> Location {
    std::env::var("HAIRYO_DB").ok().filter(|p| !p.is_empty()).map(|s| Location::parse(&s)).unwrap_or_else(|| Location::File(hairyo::store::default_db_path()))
}

/// Where the window's 接続先 is kept: `server.txt` beside the local database file (the app's
/// data folder), so each PC keeps its own.
pub fn connection_file() -> PathBuf {
    let db = match local_location() {
        Location::File(path) => path,
        Location::Server(_) => hairyo::store::default_db_path(),
    };
    db.with_file_name("server.txt")
}

/// The PC's own configuration, which the IT section (or the Windows installer's `/SERVER=`)
/// writes: `HAIRYO_CLIENT_CONF`, or `/etc/hairyo/client.conf` (`%ProgramData%\Hairyo\client.conf`
/// on Windows).
pub fn machine_file() -> PathBuf {
    std::env::var_os("HAIRYO_CLIENT_CONF").filter(|p| !p.is_empty()).map(PathBuf::from).unwrap_or_else(hairyo::config::machine_client_path)
}

/// Where a server is configured for the window, with where it came from: `HAIRYO_SERVER` (`env`,
/// which wins), the PC's configuration file (`machine`), or the 接続先 saved in the window
/// (`setting`). A PC file that does not read stops the start: falling back to this PC's
/// database would have the clerk record people where the other desks never see them.
pub fn configured_server() -> Result<Option<(String, &'static str)>, CmdError> {
    if let Some(server) = std::env::var("HAIRYO_SERVER").ok().filter(|s| !s.trim().is_empty()) {
        return Ok(Some((server.trim().to_string(), "env")));
    }
    let machine = hairyo::config::load_client(&machine_file()).map_err(CmdError::from)?;
    if let Some(server) = machine.and_then(|m| m.server) {
        return Ok(Some((server, "machine")));
    }
    let Ok(saved) = std::fs::read_to_string(connection_file()) else { return Ok(None) };
    let saved = saved.trim();
    Ok((!saved.is_empty()).then(|| (saved.to_string(), "setting")))
}

/// Runs `f` on a thread of its own and waits for it. Tauri runs the commands on its async
/// runtime's threads, where a synchronous client that drives a runtime of its own (the
/// PostgreSQL client, the HTTPS client of a server) may not block; the core stays synchronous.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// The current local time. The core never reads the clock; the shell passes `now` in.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

impl Shell {
    /// Opens the database named by `HAIRYO_DB` (or the default one) and initialises it on first
    /// use.
    pub fn start() -> Shell {
        match configured_server() {
            Ok(Some((server, _))) => return Shell::Remote(Remote::new(&server).map(Arc::new)),
            Ok(None) => {}
            Err(e) => return Shell::Remote(Err(e)),
        }
        let location = local_location();
        Shell::Local(App::open(location))
    }

    /// The local database's app; refused when the window is a server's client.
    pub fn app(&self) -> Result<&App, CmdError> {
        match self {
            Shell::Local(app) => app.as_ref().map_err(Clone::clone),
            Shell::Remote(_) => Err(CmdError::new("remote.local_only", "サーバーに接続しているため、この PC のデータベースの操作はできません")),
        }
    }

    /// The server's client, when the window is one.
    pub fn remote(&self) -> Option<Result<&Arc<Remote>, CmdError>> {
        match self {
            Shell::Remote(r) => Some(r.as_ref().map_err(Clone::clone)),
            Shell::Local(_) => None,
        }
    }
}

impl App {
    fn open(location: Location) -> Result<App, CmdError> {
        let mut store = hairyo::store::open_location(&location)?;
        let mut fresh = false;
        if !store.is_initialised()? {
            hairyo::staff::init(&mut store, now())?;
            fresh = true;
        }
        Ok(App { store: Mutex::new(store), actor: Mutex::new(None), location, fresh: AtomicBool::new(fresh) })
    }

    pub fn is_fresh(&self) -> bool {
        self.fresh.load(Ordering::SeqCst)
    }

    pub fn set_fresh(&self, v: bool) {
        self.fresh.store(v, Ordering::SeqCst)
    }

    /// The signed-in staff member, or `session.signed_out`.
    pub fn actor(&self) -> Result<Actor, CmdError> {
        self.current().ok_or_else(|| CmdError { code: "session.signed_out".into(), message: "サインインしてください".into(), fields: vec![] })
    }

    pub fn current(&self) -> Option<Actor> {
        self.actor.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_actor(&self, actor: Option<Actor>) {
        *self.actor.lock().unwrap_or_else(|p| p.into_inner()) = actor;
    }

    /// Runs `f` with exclusive use of the store and turns the core's error into a `CmdError`.
    pub fn with_store<T: Send, E: Send>(&self, f: impl FnOnce(&mut Store) -> Result<T, E> + Send) -> Result<T, CmdError>
    where
        CmdError: From<E>,
    {
        let mut store = self.lock();
        let store = &mut *store;
        Ok(off_runtime(move || f(store))?)
    }

    /// Runs a long job (a facility batch, an import, an export) on a connection of its own, so
    /// the window's other commands (a search at the counter) are answered meanwhile instead of
    /// waiting for the job. On a SQLite file in WAL mode the job's reads do not block other
    /// readers, and its one short write waits for (or is waited for by) others through the busy
    /// timeout; on a PostgreSQL server readers never wait and writers take turns.
    pub fn with_own_store<T: Send, E: Send>(&self, f: impl FnOnce(&mut Store) -> Result<T, E> + Send) -> Result<T, CmdError>
    where
        CmdError: From<E>,
    {
        let location = &self.location;
        off_runtime(move || {
            let mut store = hairyo::store::open_location(location)?;
            Ok(f(&mut store)?)
        })
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while the lock was held cannot leave a half-written change behind: every write
        // runs in one transaction, rolled back when it is dropped. So a poisoned lock is safe to
        // take over rather than failing every later command.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
