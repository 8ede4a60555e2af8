//! A person's whole record as one view: profile, route, and the timeline of every desk's work.

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::{self, Permission};
use crate::application::{self, Application};
use crate::audit;
use crate::certificate::{self, Certificate};
use crate::disclosure;
use crate::facility::{self, Facility};
use crate::model::staff::Actor;
use crate::person::{self, Person, PersonError};
use crate::policy::{self, PolicyError, Route};
use crate::referral::{self, Referral};
use crate::store::Store;
use crate::text::wareki;
use crate::touchpoint::{self, Touchpoint};

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
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
    /// The address was withheld from this staff member (支援措置).
    pub address_masked: bool,
    /// The person moved to another municipality (転出), when recorded.
    pub moved_out: Option<crate::moving::MoveOut>,
    /// What the record shows above everything else because it needs checking (a 国保 member
    /// aged 75 or over belongs to 後期).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Certificate(#[from] certificate::CertificateError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl RecordError {
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Person(e) => e.code(),
            RecordError::Policy(e) => e.code(),
            RecordError::Certificate(e) => e.code(),
            RecordError::Access(e) => e.code(),
            RecordError::Store(e) => e.code(),
        }
    }
}

/// Reads a person's record for display on `today`; the read is audited.
pub fn show(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<PersonRecord, RecordError> {
    access::require(actor, Permission::ViewPerson)?;
    let today: NaiveDate = now.date();
    audit::viewed(store, actor, now, "person", Some(id), |tx| {
        let p = person::load(tx, id)?;
        let facility = match p.facility_id {
            Some(f) => facility::load(tx, f).ok(),
            None => None,
        };
        let route = policy::route_of(tx, &p, today)?;
        let mut warnings: Vec<String> = person::kouki_age_warning(&p, today).into_iter().collect();
        warnings.extend(person::completeness_warnings(&p));
        // What this staff member may see of the person, their touchpoints and certificates is
        // the disclosure rule's to say (a protected person's whereabouts stay at the insurer
        // desks; the child-welfare desk's notes stay at that desk).
        let audience = disclosure::Audience::of(actor);
        let address_masked = disclosure::person_masked(&audience, &p);
        let facility = disclosure::place(&audience, p.protected, facility);
        // A protected person's 転出先 tells where they went, as an address would.
        let moved_out =
            crate::moving::move_of(tx, id)?.map(|m| crate::moving::MoveOut { moved_to: disclosure::address(&audience, p.protected, m.moved_to), ..m });
        if let Some(m) = &moved_out {
            warnings
                .insert(0, format!("{}に{}へ転出しました。この市の手続きは終了しています (引継ぎ票は「印刷」から)", wareki::format(m.moved_on), m.moved_to));
        }
        let p = disclosure::person(&audience, p).into_inner();
        let touchpoints = touchpoint::for_person(tx, id)?.into_iter().map(|t| disclosure::touchpoint(&audience, t).into_inner()).collect();
        let certificates = certificate::for_person(tx, id)?
            .into_iter()
            .map(|c| certificate::for_actor(tx, actor, c, today))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RecordError::from)?;
        let record = PersonRecord {
            address_masked,
            moved_out,
            birth_date_wareki: wareki::format(p.birth_date),
            age: p.age_on(today),
            facility,
            route,
            had_bessou1: touchpoint::has_had_bessou1(tx, id)?,
            touchpoints,
            referrals: referral::for_person(tx, id)?.into_iter().map(|r| referral::for_actor(actor, r)).collect(),
            applications: application::for_person(tx, id)?.into_iter().map(|a| application::for_actor(actor, a)).collect(),
            certificates,
            warnings,
            person: p,
        };
        Ok(record)
    })
}
