//! The commands the window calls. Each one only adapts: it takes the store and the actor from
//! the state, reads the clock, calls one core function and returns its result.

use hairyo::demo::DemoSummary;
use hairyo::home::Home;
use hairyo::person::{PersonFilter, PersonSummary};
use hairyo::record::PersonRecord;
use hairyo::search::Results;
use hairyo::settings::CitySettings;
use hairyo::staff::Actor;
use hairyo::store::StoreError;
use hairyo::{Page, Paged};
use serde::Serialize;
use tauri::State;

use crate::error::CmdError;
use crate::state::{now, Shell};

/// What the window needs to draw its frame: who is signed in, whether the administrator's
/// password must be set first, and whether to offer demo data.
#[derive(Debug, Serialize)]
pub struct AppState {
    pub initialised: bool,
    pub needs_admin_password: bool,
    pub persons: i64,
    pub actor: Option<Actor>,
    pub db_path: String,
    pub city: CitySettings,
}

#[tauri::command(async)]
pub fn app_state(state: State<'_, Shell>) -> Result<AppState, CmdError> {
    let app = state.app()?;
    let initialised = app.with_store(|s| s.is_initialised())?;
    let persons = app.with_store(|s| hairyo::stats::compute(s.conn()).map_err(StoreError::from))?.persons;
    let city = app.with_store(|s| hairyo::settings::city(s.conn()))?;
    Ok(AppState {
        initialised,
        needs_admin_password: app.is_fresh(),
        persons,
        actor: app.current(),
        db_path: app.db_path.display().to_string(),
        city,
    })
}

#[tauri::command(async)]
pub fn sign_in(state: State<'_, Shell>, login: String, password: String) -> Result<Actor, CmdError> {
    let app = state.app()?;
    let actor = app.with_store(|s| hairyo::staff::sign_in(s, login.trim(), &password, now()))?;
    app.set_actor(Some(actor.clone()));
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
    app.with_store(|s| hairyo::home::summary(s.conn(), &actor, now().date()))
}

#[tauri::command(async)]
pub fn list_persons(
    state: State<'_, Shell>,
    query: Option<String>,
    offset: i64,
    limit: i64,
) -> Result<Paged<PersonSummary>, CmdError> {
    let app = state.app()?;
    app.actor()?;
    let filter = PersonFilter { query, ..Default::default() };
    app.with_store(|s| hairyo::person::list(s, &filter, Page::new(offset, limit), now().date()))
}

#[tauri::command(async)]
pub fn search_persons(state: State<'_, Shell>, query: String, offset: i64, limit: i64) -> Result<Results, CmdError> {
    let app = state.app()?;
    app.actor()?;
    app.with_store(|s| hairyo::search::search(s.conn(), &query, Page::new(offset, limit), now().date()))
}

#[tauri::command(async)]
pub fn show_person(state: State<'_, Shell>, id: i64) -> Result<PersonRecord, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::record::show(s, &actor, id, now()))
}
