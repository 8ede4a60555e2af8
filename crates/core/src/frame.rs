//! The window's frame: who is signed in, what they may do, the city's public settings, and the
//! era table every screen shows its dates with. The desktop window, `hairyo serve` and the
//! window connected to a server all answer with this one type, built here.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::model::staff::Actor;
use crate::settings::CitySettings;
use crate::store::Store;

/// What the window needs to draw its frame.
#[derive(ts_rs::TS, Debug, Clone, Serialize, Deserialize)]
pub struct AppState {
    pub initialised: bool,
    /// A new local database whose administrator has no password yet.
    pub needs_admin_password: bool,
    pub persons: i64,
    /// Referrals waiting for the signed-in desk to act (crate::referral::waiting), shown on the
    /// 連携依頼 tab; 0 when nobody is signed in.
    pub referrals_waiting: i64,
    pub actor: Option<Actor>,
    /// What the signed-in staff member may do (crate::access), as permission codes, so the
    /// window offers only those steps. The core still checks every call.
    pub permissions: Vec<String>,
    /// After this long without input the window signs out.
    pub idle_lock_seconds: u64,
    /// Where the data lives: the database file, or the server's address.
    pub db_path: String,
    pub city: CitySettings,
    /// The eras dates are shown in (和暦), oldest first, so the window formats every date as
    /// the forms do without a copy of the era table of its own.
    pub eras: Vec<EraStart>,
    /// The version of the core answering: this binary's, or the server's behind the window.
    pub version: String,
    /// The database's schema changes, newest first (its creation and each upgrade with the
    /// backup taken before it); administrators only, empty for everyone else.
    pub schema_history: Vec<crate::store::SchemaChange>,
    /// What the opening of this database upgraded, and where its backup is (said once the
    /// staff member signed in; a visitor who has not learns nothing of the server's files).
    pub upgraded: Option<String>,
}

/// An era's name and its first day.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraStart {
    pub name: String,
    pub start: NaiveDate,
}

/// What only the caller knows: where the data lives and how the window is run.
#[derive(Debug, Clone)]
pub struct Place {
    pub db_path: String,
    pub idle_lock_seconds: u64,
    pub needs_admin_password: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    #[error(transparent)]
    Home(#[from] crate::home::HomeError),
    #[error(transparent)]
    Referral(#[from] crate::referral::ReferralError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl FrameError {
    pub fn code(&self) -> &'static str {
        match self {
            FrameError::Settings(e) => e.code(),
            FrameError::Home(e) => e.code(),
            FrameError::Referral(e) => e.code(),
            FrameError::Store(e) => e.code(),
        }
    }
}

fn eras() -> Vec<EraStart> {
    crate::text::wareki::ERAS
        .iter()
        .map(|e| EraStart { name: e.name.to_string(), start: NaiveDate::from_ymd_opt(e.start.0, e.start.1, e.start.2).expect("era start is a valid date") })
        .collect()
}

/// The frame before anyone has signed in, where there is no database to read (a browser or a
/// window in front of a server). The city's name is shown only after sign-in.
pub fn signed_out(place: Place) -> AppState {
    AppState {
        initialised: true,
        needs_admin_password: place.needs_admin_password,
        persons: 0,
        referrals_waiting: 0,
        actor: None,
        permissions: Vec::new(),
        idle_lock_seconds: place.idle_lock_seconds,
        db_path: place.db_path,
        city: CitySettings::default(),
        eras: eras(),
        version: crate::VERSION.to_string(),
        schema_history: Vec::new(),
        upgraded: None,
    }
}

/// The frame over `store` for `actor` (None: nobody signed in yet).
pub fn app_state(store: &Store, actor: Option<Actor>, now: NaiveDateTime, place: Place) -> Result<AppState, FrameError> {
    // Signed in: the staff member's municipality. Not yet: the database's only one, if it has
    // only one (its name heads the sign-in screen); else none, and the screen names no city.
    match &actor {
        Some(a) => store.enter(a.municipality)?,
        None => store.enter_sole_municipality()?,
    }
    let initialised = store.is_initialised()?;
    let city = crate::settings::public_city(store)?;
    let (persons, referrals_waiting, permissions) = match &actor {
        Some(a) => (
            crate::home::persons(store, a, now)?,
            crate::referral::waiting(store, a, now)?,
            crate::staff::permissions(a).into_iter().map(String::from).collect(),
        ),
        None => (0, 0, Vec::new()),
    };
    let schema_history = match &actor {
        Some(a) if a.role == crate::model::staff::Role::Admin => store.schema_history()?,
        _ => Vec::new(),
    };
    let upgraded = actor.as_ref().and(store.upgrade()).map(ToString::to_string);
    Ok(AppState { initialised, persons, referrals_waiting, actor, permissions, city, schema_history, upgraded, ..signed_out(place) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One version for the app, the CLI and the server: the window's bundle and the UI package
    /// carry the workspace's.
    #[test]
    fn every_part_carries_the_one_version() {
        let want = format!("\"version\": \"{}\"", crate::VERSION);
        for (file, text) in
            [("src-tauri/tauri.conf.json", include_str!("../../../src-tauri/tauri.conf.json")), ("ui/package.json", include_str!("../../../ui/package.json"))]
        {
            assert!(text.contains(&want), "{file} does not carry version {}", crate::VERSION);
        }
        assert_eq!(signed_out(Place { db_path: String::new(), idle_lock_seconds: 600, needs_admin_password: false }).version, crate::VERSION);
    }

    #[test]
    fn the_era_table_starts_each_era_on_its_first_day() {
        let eras = eras();
        assert_eq!(eras.first().map(|e| e.name.as_str()), Some("明治"));
        let reiwa = eras.last().expect("eras");
        assert_eq!((reiwa.name.as_str(), reiwa.start), ("令和", NaiveDate::from_ymd_opt(2019, 5, 1).unwrap()));
        assert!(eras.windows(2).all(|w| w[0].start < w[1].start), "oldest first");
    }
}
