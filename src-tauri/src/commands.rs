//! The commands the window calls. Each one only adapts: it takes the store and the actor from
//! the state, reads the clock, calls one core function and returns its result.

use hairyo::demo::DemoSummary;
use hairyo::person::{PersonFilter, PersonSummary};
use hairyo::record::PersonRecord;
use hairyo::settings::CitySettings;
use hairyo::staff::Actor;
use hairyo::store::StoreError;
use hairyo::{Page, Paged};
use serde::Serialize;
use tauri::State;

use crate::error::CmdError;
use crate::state::{now, Shell};

/// What the window needs to draw its frame and decide whether to offer demo data.
#[derive(Debug, Serialize)]
pub struct AppState {
    pub initialised: bool,
    pub persons: i64,
    pub actor: Actor,
    pub db_path: String,
    pub city: CitySettings,
}

#[tauri::command(async)]
pub fn app_state(state: State<'_, Shell>) -> Result<AppState, CmdError> {
    let app = state.app()?;
    let initialised = app.with_store(|s| s.is_initialised())?;
    let persons = app.with_store(|s| hairyo::stats::compute(s.conn()).map_err(StoreError::from))?.persons;
    let city = app.with_store(|s| hairyo::settings::city(s.conn()))?;
    Ok(AppState { initialised, persons, actor: app.actor.clone(), db_path: app.db_path.display().to_string(), city })
}

#[tauri::command(async)]
pub fn load_demo(state: State<'_, Shell>, persons: i64) -> Result<DemoSummary, CmdError> {
    let app = state.app()?;
    app.with_store(|s| hairyo::demo::generate(s, &app.actor, persons, 1, now()))
}

#[tauri::command(async)]
pub fn list_persons(
    state: State<'_, Shell>,
    query: Option<String>,
    offset: i64,
    limit: i64,
) -> Result<Paged<PersonSummary>, CmdError> {
    let app = state.app()?;
    let filter = PersonFilter { query, ..Default::default() };
    app.with_store(|s| hairyo::person::list(s, &filter, Page::new(offset, limit), now().date()))
}

#[tauri::command(async)]
pub fn show_person(state: State<'_, Shell>, id: i64) -> Result<PersonRecord, CmdError> {
    let app = state.app()?;
    app.with_store(|s| hairyo::record::show(s, &app.actor, id, now()))
}
