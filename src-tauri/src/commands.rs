//! The commands the window calls. Each one only adapts: it takes the store and the actor from
//! the state, reads the clock, calls one core function and returns its result.

use hairyo::demo::DemoSummary;
use hairyo::home::Home;
use hairyo::person::{PersonFilter, PersonSummary};
use hairyo::record::PersonRecord;
use hairyo::search::Results;
use hairyo::settings::CitySettings;
use hairyo::staff::Actor;
use hairyo::store::Location;
use hairyo::{Page, Paged};
use serde::Serialize;
use tauri::State;

use crate::error::CmdError;
use crate::state::{now, Shell};
use hairyo::codes::{choices, Choice};

/// What the window needs to draw its frame: who is signed in, whether the administrator's
/// password must be set first, and whether to offer demo data.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppState {
    pub initialised: bool,
    pub needs_admin_password: bool,
    pub persons: i64,
    pub actor: Option<Actor>,
    /// What the signed-in staff member may do (hairyo::access), as permission codes, so the
    /// window offers only those steps. The core still checks every call.
    pub permissions: Vec<&'static str>,
    /// After this long without input the window signs out
    /// (`HAIRYO_IDLE_LOCK_SECONDS`, default 600).
    pub idle_lock_seconds: u64,
    pub db_path: String,
    pub city: CitySettings,
}

#[tauri::command(async)]
pub fn app_state(state: State<'_, Shell>) -> Result<AppState, CmdError> {
    let app = state.app()?;
    let initialised = app.with_store(|s| s.is_initialised())?;
    let city = app.with_store(|s| hairyo::settings::public_city(s))?;
    let actor = app.current();
    let persons = match &actor {
        Some(a) => app.with_store(|s| hairyo::stats::compute(s, a, now()))?.persons,
        None => 0,
    };
    let permissions = actor.as_ref().map(hairyo::staff::permissions).unwrap_or_default();
    Ok(AppState {
        initialised,
        needs_admin_password: app.is_fresh(),
        persons,
        actor,
        permissions,
        idle_lock_seconds: std::env::var("HAIRYO_IDLE_LOCK_SECONDS").ok().and_then(|v| v.trim().parse().ok()).filter(|s| *s > 0).unwrap_or(600),
        db_path: app.location.display(),
        city,
    })
}

#[tauri::command(async)]
pub fn sign_in(state: State<'_, Shell>, login: String, password: String) -> Result<Actor, CmdError> {
    let app = state.app()?;
    let actor = app.with_store(|s| hairyo::staff::sign_in(s, login.trim(), &password, now()))?;
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

#[tauri::command(async)]
pub fn home(state: State<'_, Shell>) -> Result<Home, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::home::summary(s, &actor, now()))
}

#[tauri::command(async)]
pub fn list_persons(state: State<'_, Shell>, query: Option<String>, offset: i64, limit: i64) -> Result<Paged<PersonSummary>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let filter = PersonFilter { query, ..Default::default() };
    app.with_store(|s| hairyo::person::list(s, &actor, &filter, Page::new(offset, limit), now()))
}

#[tauri::command(async)]
pub fn search_persons(state: State<'_, Shell>, query: String, offset: i64, limit: i64) -> Result<Results, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::search::search(s, &actor, &query, Page::new(offset, limit), now()))
}

#[tauri::command(async)]
pub fn show_person(state: State<'_, Shell>, id: i64) -> Result<PersonRecord, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::record::show(s, &actor, id, now()))
}

/// Every list of choices the forms offer, straight from the core's coded enums.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Codes {
    pub touchpoint_kinds: Vec<Choice>,
    pub wishes: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub applicants: Vec<Choice>,
    pub authorities: Vec<Choice>,
    pub delegators: Vec<Choice>,
    /// 後期: what the 広域連合 may decide, and how the city hands over what it issued.
    pub union_results: Vec<Choice>,
    pub handover_methods: Vec<Choice>,
    pub deliveries: Vec<Choice>,
    pub desks: Vec<Choice>,
}

#[tauri::command(async)]
pub fn codes() -> Codes {
    use hairyo::application::{Applicant, Channel, Delegator, Delivery, HandOverMethod, ProxyAuthority, UnionResult};
    use hairyo::touchpoint::{TouchpointKind, Wish};
    Codes {
        touchpoint_kinds: choices::<TouchpointKind>(),
        wishes: choices::<Wish>(),
        channels: choices::<Channel>(),
        applicants: choices::<Applicant>(),
        authorities: choices::<ProxyAuthority>(),
        delegators: choices::<Delegator>(),
        union_results: choices::<UnionResult>(),
        handover_methods: choices::<HandOverMethod>(),
        deliveries: choices::<Delivery>(),
        desks: choices::<hairyo::staff::Desk>(),
    }
}

#[tauri::command(async)]
pub fn add_touchpoint(state: State<'_, Shell>, input: hairyo::touchpoint::TouchpointInput) -> Result<hairyo::touchpoint::Recorded, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::touchpoint::add(s, &actor, &input, now()))
}

#[tauri::command(async)]
pub fn send_referral(state: State<'_, Shell>, input: hairyo::referral::ReferralInput) -> Result<hairyo::referral::Referral, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::referral::send(s, &actor, &input, now()))
}

/// Accept, return, complete, resend or comment on a referral (`hairyo::referral::ReferralAction`).
#[tauri::command(async)]
pub fn referral_action(state: State<'_, Shell>, id: i64, action: serde_json::Value) -> Result<hairyo::referral::Referral, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let action: hairyo::referral::ReferralAction = hairyo::command::decode("連携依頼の操作", "action", action)?;
    app.with_store(|s| hairyo::referral::act(s, &actor, id, &action, now()))
}

#[tauri::command(async)]
pub fn referral_queue(state: State<'_, Shell>, status: Option<String>, offset: i64, limit: i64) -> Result<Paged<hairyo::referral::Referral>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    // An unknown status is refused, not read as "every status".
    let status = match status.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => {
            Some(hairyo::referral::ReferralStatus::parse(code).map_err(|message| CmdError { code: "referral.invalid".into(), message, fields: vec![] })?)
        }
        None => None,
    };
    app.with_store(|s| hairyo::referral::queue(s, &actor, status, Page::new(offset, limit), now()))
}

#[tauri::command(async)]
pub fn receive_application(state: State<'_, Shell>, input: hairyo::application::ApplicationInput) -> Result<hairyo::application::Received, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::application::receive(s, &actor, &input, now()))
}

#[tauri::command(async)]
pub fn check_document(state: State<'_, Shell>, id: i64, document: String, checked: bool) -> Result<hairyo::application::Application, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let doc = hairyo::application::Document::parse(&document).map_err(|message| CmdError { code: "application.invalid".into(), message, fields: vec![] })?;
    app.with_store(|s| hairyo::application::check_document(s, &actor, id, doc, checked, now()))
}

/// One step of an application (`hairyo::application::ApplicationStep`): review, decide, issue,
/// reject or withdraw.
#[tauri::command(async)]
pub fn application_step(state: State<'_, Shell>, id: i64, step: serde_json::Value) -> Result<hairyo::application::Application, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let step: hairyo::application::ApplicationStep = hairyo::command::decode("申請の操作", "step", step)?;
    app.with_store(|s| hairyo::application::take_step(s, &actor, id, &step, now()))
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
) -> Result<PrintedFile, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let request: hairyo::print::PrintRequest = hairyo::command::decode("印刷の種類", "kind", request)?;
    let t = now();
    // A closed window drops the channel; the batch still finishes and is saved.
    let printed = app.with_own_store(|s| hairyo::print::print(s, &actor, &request, t, &mut |p| drop(on_progress.send(p))))?;
    let path = write_to_cache(&app_handle, "print", &format!("{}-{}.pdf", request.file_stem(), t.format("%Y%m%d-%H%M%S%.3f")), &printed.bytes)?;
    Ok(PrintedFile { path, pages: printed.pages, documents: printed.documents, warnings: printed.warnings })
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

#[tauri::command(async)]
pub fn list_facilities(state: State<'_, Shell>, offset: i64, limit: i64) -> Result<Paged<hairyo::facility::Facility>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::facility::list(s, &actor, Page::new(offset, limit), now()))
}

#[tauri::command(async)]
pub fn add_person(state: State<'_, Shell>, input: hairyo::person::PersonInput) -> Result<hairyo::person::Person, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::person::add(s, &actor, &input, now()))
}

#[tauri::command(async)]
pub fn update_person(state: State<'_, Shell>, id: i64, patch: hairyo::person::PersonPatch) -> Result<hairyo::person::Person, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::person::update(s, &actor, id, &patch, now()))
}

#[tauri::command(async)]
pub fn set_city(state: State<'_, Shell>, settings: CitySettings) -> Result<CitySettings, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::settings::set_city(s, &actor, &settings, now()))
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
) -> Result<hairyo::import::Report, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let encoding = hairyo::import::Encoding::parse(&encoding).map_err(|message| CmdError { code: "import.bad_encoding".into(), message, fields: vec![] })?;
    let opts = hairyo::import::Options { encoding: Some(encoding), profile: profile.filter(|p| !p.is_empty()), dry_run };
    let stage = if dry_run { "確認" } else { "取込" };
    let mut progress = |done: usize, total: usize| drop(on_progress.send(hairyo::Progress::new(stage, done, total)));
    app.with_own_store(|s| hairyo::import::import_persons(s, &actor, &bytes, &opts, now(), &mut progress))
}

/// Saves a column mapping of another system's CSV layout (administrators) and answers with
/// every saved profile.
#[tauri::command(async)]
pub fn save_import_profile(state: State<'_, Shell>, profile: hairyo::import::Profile) -> Result<Vec<hairyo::import::Profile>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let t = now();
    app.with_store(|s| {
        hairyo::import::save_profile(s, &actor, &profile, t)?;
        hairyo::import::profiles(s, &actor, t)
    })
}

/// The saved import profiles (column mappings of other systems' CSV layouts).
#[tauri::command(async)]
pub fn import_profiles(state: State<'_, Shell>) -> Result<Vec<hairyo::import::Profile>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::import::profiles(s, &actor, now()))
}

#[tauri::command(async)]
pub fn desk_contacts(state: State<'_, Shell>) -> Result<Vec<hairyo::settings::DeskContact>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::settings::desk_contacts(s, &actor, now()))
}

#[tauri::command(async)]
pub fn set_desk_contact(state: State<'_, Shell>, contact: hairyo::settings::DeskContact) -> Result<hairyo::settings::DeskContact, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::settings::set_desk_contact(s, &actor, &contact, now()))
}
