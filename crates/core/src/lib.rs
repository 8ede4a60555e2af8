//! Hairyo core: cases of 要配慮者, the desks' touchpoints, referrals, applications and 資格確認書.
//!
//! Everything the app does is a function here taking the store, the acting staff member and the
//! current time; the CLI (`src/bin/hairyo`) and the desktop shell (`src-tauri`) only adapt it.

pub use hairyo_model::{coded_enum, model, stored_as_code, text, Page, Paged, VERSION};
/// The store: the one package that knows SQL and the engines (`hairyo-store`).
pub use hairyo_store as store;

pub mod access;
pub mod access_review;
pub mod application;
pub mod audit;
pub mod backup;
pub mod bench;
pub mod campaign;
pub mod certificate;
pub mod certificate_feed;
pub mod codes;
pub mod command;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod deployment;
pub mod directory;
pub mod disclosure;
pub mod duplicates;
pub mod export;
pub mod facility;
pub mod feed;
pub mod fonts;
pub mod forecast;
pub mod forms;
pub mod frame;
pub mod home;
pub mod household;
pub mod import;
pub mod kouki;
pub mod leaflet;
pub mod mailing;
pub mod moving;
pub mod operation;
pub mod outreach;
pub mod person;
pub mod policy;
pub mod print;
pub mod record;
pub mod referral;
pub mod reminder;
pub mod renewal;
pub mod retention;
pub mod search;
pub mod session;
pub mod settings;
pub mod staff;
pub mod stats;
pub mod tenant;
pub mod touchpoint;
pub mod validate;

use serde::Serialize;

/// How timestamps are stored: local wall-clock time to the second, sortable as text.
pub fn stamp(now: chrono::NaiveDateTime) -> String {
    now.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// How far a long operation (a facility batch, an import) has come, for a progress bar: `done`
/// of `total` steps of the stage named in Japanese.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub stage: String,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn new(stage: &str, done: usize, total: usize) -> Progress {
        Progress { stage: stage.to_string(), done: done as u64, total: total as u64 }
    }
}
