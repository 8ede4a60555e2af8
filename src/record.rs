//! A person's whole record as one view: profile, route, and the timeline of every desk's work.

use chrono::NaiveDate;
use serde::Serialize;

use crate::application::{self, Application};
use crate::audit::{self, Action};
use crate::certificate::{self, Certificate};
use crate::facility::{self, Facility};
use crate::person::{self, Person, PersonError};
use crate::policy::{self, PolicyError, Route};
use crate::referral::{self, Referral};
use crate::staff::Actor;
use crate::store::Store;
use crate::text::wareki;
use crate::touchpoint::{self, Touchpoint};

#[derive(Debug, Clone, Serialize)]
pub struct PersonRecord {
    pub person: Person,
    pub birth_date_wareki: String,
    pub age: i32,
    pub facility: Option<Facility>,
    pub route: Route,
    pub had_bessou1: bool,
    pub touchpoints: Vec<Touchpoint>,
    pub referrals: Vec<Referral>,
    pub applications: Vec<Application>,
    pub certificates: Vec<Certificate>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl RecordError {
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Person(e) => e.code(),
            RecordError::Policy(e) => e.code(),
            RecordError::Db(_) => "record.db",
        }
    }
}

/// Reads a person's record for display on `today`; the read is audited.
pub fn show(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<PersonRecord, RecordError> {
    let today: NaiveDate = now.date();
    store.write(|tx| {
        let p = person::load(tx, id)?;
        let facility = match p.facility_id {
            Some(f) => facility::load(tx, f).ok(),
            None => None,
        };
        let route = policy::route_of(tx, &p, today)?;
        let record = PersonRecord {
            birth_date_wareki: wareki::format(p.birth_date),
            age: p.age_on(today),
            facility,
            route,
            had_bessou1: touchpoint::has_had_bessou1(tx, id)?,
            touchpoints: touchpoint::for_person(tx, id)?,
            referrals: referral::for_person(tx, id)?,
            applications: application::for_person(tx, id)?,
            certificates: certificate::for_person(tx, id)?,
            person: p,
        };
        audit::record(tx, actor, now, Action::View, "person", Some(id), serde_json::json!({}))?;
        Ok(record)
    })
}
