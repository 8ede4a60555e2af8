//! The commands the window calls. Every operation of the core's catalogue goes through one
//! command, `operation` (the same catalogue `hairyo serve` answers over HTTP); the others are
//! the window's own: its frame, signing in, demo data, and the print and import that report
//! their progress. Each one only adapts: it takes the store and the actor from the state, reads
//! the clock, calls the core and returns its result.

use hairyo::demo::DemoSummary;
use hairyo::frame::{AppState, Place};
use hairyo::staff::Actor;
use hairyo::store::Location;
use serde::Serialize;
use tauri::State;

use crate::error::CmdError;
use crate::state::{now, Shell};

fn idle_lock_seconds() -> u64 {
    std::env::var("HAIRYO_IDLE_LOCK_SECONDS").ok().and_then(|v| v.trim().parse().ok()).filter(|s| *s > 0).unwrap_or(600)
}

/// The frame's state (`hairyo::frame::AppState`): the local database's, or the server's
/// (`db_path` is then the server's address). After `HAIRYO_IDLE_LOCK_SECONDS` (default 600)
/// without input the window signs out.
#[tauri::command(async)]
pub fn app_state(state: State<'_, Shell>) -> Result<AppState, CmdError> {
    if let Some(remote) = state.remote() {
        return remote?.app_state(idle_lock_seconds());
    }
    let app = state.app()?;
    let place = Place { db_path: app.location.display(), idle_lock_seconds: idle_lock_seconds(), needs_admin_password: app.is_fresh() };
    let actor = app.current();
    app.with_store(|s| hairyo::frame::app_state(s, actor, now(), place))
}

#[tauri::command(async)]
pub fn sign_in(app_handle: tauri::AppHandle, state: State<'_, Shell>, login: String, password: String) -> Result<Actor, CmdError> {
    if let Some(remote) = state.remote() {
        let remote = remote?;
        let actor = remote.sign_in(login.trim(), &password)?;
        // Another desk's changes reach the page while this session lasts.
        remote.follow_events(move || {
            use tauri::Emitter;
            let _ = app_handle.emit(crate::remote::CHANGE_EVENT, ());
        });
        return Ok(actor);
    }
    let app = state.app()?;
    // The window's own database: its staff's local passwords, unless the database says its
    // staff sign in with the directory (a server's, reached over HTTP instead).
    let actor = app.with_store(|s| hairyo::directory::sign_in(s, None, login.trim(), &password, None, now()))?;
    app.set_actor(Some(actor.clone()));
    // The daily automatic backup (backups/ next to the database) runs at the first sign-in of the
    // day. A failure must not keep the clerk out, so it is only reported on stderr.
    // A server database is backed up on the server (docs/deployment.md), not next to a file.
    if let Location::File(path) = &app.location {
        if let Err(e) = hairyo::backup::rotate_if_due(path, now()) {
            eprintln!("自動バックアップに失敗しました: {e}");
        }
    }
    Ok(actor)
}

#[tauri::command(async)]
pub fn sign_out(state: State<'_, Shell>) -> Result<(), CmdError> {
    if let Some(remote) = state.remote() {
        return remote?.sign_out();
    }
    state.app()?.set_actor(None);
    Ok(())
}

/// Sets the first password of an account that has none, then signs that account in.
#[tauri::command(async)]
pub fn set_initial_password(state: State<'_, Shell>, login: String, password: String) -> Result<Actor, CmdError> {
    let app = state.app()?;
    let actor = app.with_store(|s| hairyo::staff::set_initial_password(s, login.trim(), &password, now()))?;
    if actor.login == hairyo::staff::ADMIN_LOGIN {
        app.set_fresh(false);
    }
    app.set_actor(Some(actor.clone()));
    Ok(actor)
}

#[tauri::command(async)]
pub fn load_demo(state: State<'_, Shell>, persons: i64) -> Result<DemoSummary, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::demo::generate(s, &actor, persons, 1, now()))
}

/// A printed document, written to the app's cache directory for the window to open.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct PrintedFile {
    pub path: String,
    pub pages: usize,
    pub documents: usize,
    pub warnings: Vec<String>,
}

/// Prints what `request` asks for (`hairyo::print::PrintRequest`); a facility batch reports
/// its progress over `on_progress`.
#[tauri::command(async)]
pub fn print(
    app_handle: tauri::AppHandle,
    state: State<'_, Shell>,
    request: serde_json::Value,
    on_progress: tauri::ipc::Channel<hairyo::Progress>,
) -> Result<serde_json::Value, CmdError> {
    if let Some(remote) = state.remote() {
        // The server prints it whole and sends the PDF; the window saves and opens it as its own.
        let answer = remote?.post("/api/print", &serde_json::json!({ "request": request }))?;
        return saved_file(&app_handle, answer);
    }
    let app = state.app()?;
    let actor = app.actor()?;
    let request: hairyo::print::PrintRequest = hairyo::command::decode("印刷の種類", "kind", request)?;
    let t = now();
    // A closed window drops the channel; the batch still finishes and is saved.
    let printed = app.with_own_store(|s| hairyo::print::print(s, &actor, &request, t, &mut |p| drop(on_progress.send(p))))?;
    let path = write_to_cache(&app_handle, "print", &format!("{}-{}.pdf", request.file_stem(), t.format("%Y%m%d-%H%M%S%.3f")), &printed.bytes)?;
    serde_json::to_value(PrintedFile { path, pages: printed.pages, documents: printed.documents, warnings: printed.warnings })
        .map_err(|e| CmdError::new("ipc.encode", e.to_string()))
}

/// Writes a file the window will open into `$APPCACHE/<folder>/`, the folders the opener
/// capability allows (`print`, `export`); returns its path.
pub(crate) fn write_to_cache(app_handle: &tauri::AppHandle, folder: &str, name: &str, bytes: &[u8]) -> Result<String, CmdError> {
    use tauri::Manager;
    let io =
        |e: &dyn std::fmt::Display| CmdError {
            code: "file.write".into(), message: format!("ファイルを書き込めません ({folder}/{name}): {e}"), fields: vec![]
        };
    let dir = app_handle.path().app_cache_dir().map_err(|e| io(&e))?.join(folder);
    std::fs::create_dir_all(&dir).map_err(|e| io(&e))?;
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| io(&e))?;
    Ok(path.display().to_string())
}

/// Imports persons from a CSV file's bytes in `encoding` (auto, cp932 or utf-8), with the
/// columns of the saved `profile` or the default layout; `dry_run` checks every line and stores
/// nothing. Progress goes over `on_progress`.
#[tauri::command(async)]
pub fn import_persons(
    state: State<'_, Shell>,
    bytes: Vec<u8>,
    encoding: String,
    profile: Option<String>,
    dry_run: bool,
    on_progress: tauri::ipc::Channel<hairyo::Progress>,
) -> Result<serde_json::Value, CmdError> {
    if let Some(remote) = state.remote() {
        use base64::Engine;
        let content = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let args = serde_json::json!({"content_base64": content, "encoding": encoding, "profile": profile, "dry_run": dry_run});
        return remote?.post("/api/import_persons", &args);
    }
    let app = state.app()?;
    let actor = app.actor()?;
    let encoding = hairyo::import::Encoding::parse(&encoding).map_err(|message| CmdError { code: "import.bad_encoding".into(), message, fields: vec![] })?;
    let opts = hairyo::import::Options { encoding: Some(encoding), profile: profile.filter(|p| !p.is_empty()), dry_run };
    let stage = if dry_run { "確認" } else { "取込" };
    let mut progress = |done: usize, total: usize| drop(on_progress.send(hairyo::Progress::new(stage, done, total)));
    let report = app.with_own_store(|s| hairyo::import::import_persons(s, &actor, &bytes, &opts, now(), &mut progress))?;
    serde_json::to_value(report).map_err(|e| CmdError::new("ipc.encode", e.to_string()))
}

/// One operation of the core's catalogue (`hairyo::operation`, docs/api.md) by name, with its
/// arguments as JSON. A file it makes (a PDF, a CSV) is written to the window's print or export
/// folder and answered as its path, as `print` and the exports always have.
#[tauri::command(async)]
pub fn operation(app_handle: tauri::AppHandle, state: State<'_, Shell>, name: String, args: serde_json::Value) -> Result<serde_json::Value, CmdError> {
    if let Some(remote) = state.remote() {
        // Only the catalogue's names go to the server's /api/<name>.
        if !hairyo::operation::NAMES.contains(&name.as_str()) {
            return Err(CmdError::new("command.unknown", format!("操作「{name}」はありません")));
        }
        let answer = remote?.post(&format!("/api/{name}"), &args)?;
        return saved_file(&app_handle, answer);
    }
    let app = state.app()?;
    let actor = app.actor()?;
    let t = now();
    let operation = hairyo::operation::Operation::parse(&name, args)?;
    // A print, an export or an import runs on a connection of its own, so a search at the
    // counter is answered meanwhile.
    let answer = if operation.runs_long() {
        app.with_own_store(|s| hairyo::operation::run(s, &actor, operation, t))?
    } else {
        app.with_store(|s| hairyo::operation::run(s, &actor, operation, t))?
    };
    saved_file(&app_handle, answer)
}

/// An answer that carries a file (`MadeFile`) becomes the file's path and what the answer said
/// of it; any other answer passes unchanged.
pub(crate) fn saved_file(app_handle: &tauri::AppHandle, mut answer: serde_json::Value) -> Result<serde_json::Value, CmdError> {
    use base64::Engine;
    let Some(content) = answer.get("content_base64").and_then(|c| c.as_str()) else { return Ok(answer) };
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(content).map_err(|e| CmdError::new("file.decode", format!("受け取ったファイルを読めません: {e}")))?;
    let name = answer["file_name"].as_str().unwrap_or("hairyo").replace(['/', '\\'], "_");
    let folder = if name.ends_with(".pdf") { "print" } else { "export" };
    let path = write_to_cache(app_handle, folder, &name, &bytes)?;
    if let Some(object) = answer.as_object_mut() {
        object.remove("content_base64");
        object.insert("path".into(), serde_json::Value::String(path));
    }
    Ok(answer)
}

/// A CSV written to the app's cache for the window to open: the shape `saved_file` gives an
/// export's answer, declared for the page's types (bindings.ts); the shell builds it as JSON.
#[allow(dead_code)]
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ExportedFile {
    pub path: String,
    pub rows: usize,
}

/// The window's 接続先: the server it is a client of (and whether `HAIRYO_SERVER` or the saved
/// setting chose it), or this PC's database.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Connection {
    /// The server in use, or `None` for this PC's database.
    pub server: Option<String>,
    /// `env` (HAIRYO_SERVER) or `machine` (the PC's client.conf), which the setting cannot
    /// override; `setting`; or `local`.
    pub source: &'static str,
    /// What the setting holds, for the next start.
    pub saved: String,
}

fn connection_now(state: &Shell) -> Connection {
    let saved = std::fs::read_to_string(crate::state::connection_file()).unwrap_or_default().trim().to_string();
    let (server, source) = match (state.remote(), crate::state::configured_server()) {
        (Some(_), Ok(Some((server, source)))) => (Some(server), source),
        _ => (None, "local"),
    };
    Connection { server, source, saved }
}

#[tauri::command(async)]
pub fn connection(state: State<'_, Shell>) -> Connection {
    connection_now(&state)
}

/// Saves the 接続先 for the next start: a server's address (checked: https://, or http:// to
/// this PC), or empty for this PC's database.
#[tauri::command(async)]
pub fn set_connection(state: State<'_, Shell>, server: String) -> Result<Connection, CmdError> {
    let file = crate::state::connection_file();
    let server = server.trim();
    let io = |e: std::io::Error| CmdError::new("connection.write", format!("接続先を保存できません ({}): {e}", file.display()));
    if server.is_empty() {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    } else {
        let checked = crate::remote::checked_address(server).map_err(|mut e| {
            e.code = "connection.invalid".into();
            e.fields = vec![hairyo::validate::FieldError { field: "server", message: e.message.clone() }];
            e
        })?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(&file, format!("{checked}\n")).map_err(io)?;
    }
    Ok(connection_now(&state))
}
