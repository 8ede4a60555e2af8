//! Welfare facilities (高齢者施設, 障害者施設, 児童養護施設 …) and their residents.

use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::model::staff::Actor;
use crate::store::facilities::NewFacility;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

pub use crate::model::facility::{Campaign, Facility, FacilityKind};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FacilityInput {
    pub name: String,
    pub kind: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FacilityError {
    #[error("施設 ID {0} は登録されていません。`hairyo facility list` で確認してください")]
    NotFound(i64),
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl FacilityError {
    pub fn code(&self) -> &'static str {
        match self {
            FacilityError::NotFound(_) => "facility.not_found",
            FacilityError::Invalid(_) => "facility.invalid",
            FacilityError::Access(e) => e.code(),
            FacilityError::Store(e) => e.code(),
        }
    }
}

pub fn add(store: &mut Store, actor: &Actor, input: &FacilityInput, now: chrono::NaiveDateTime) -> Result<Facility, FacilityError> {
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    let mut c = Checker::new();
    let name = c.take("name", validate::text("施設名", &input.name, 60, true));
    let kind = if input.kind.trim().is_empty() {
        c.fail("kind", "施設種別を選んでください");
        None
    } else {
        c.take("kind", FacilityKind::parse(&input.kind))
    };
    let postal = c.take("postal_code", validate::postal_code(&input.postal_code));
    let address = c.take("address", validate::text("所在地", &input.address, 80, false));
    let phone = c.take("phone", validate::phone("電話番号", &input.phone));
    let contact = c.take("contact_name", validate::text("担当者", &input.contact_name, 40, false));
    c.finish().map_err(FacilityError::Invalid)?;
    // `finish` passed, so the checker kept every value.
    let Some(kind) = kind else { return Err(FacilityError::Invalid(Invalid(vec![]))) };
    let stamp = crate::stamp(now);
    let new = NewFacility {
        name: name.as_deref().unwrap_or_default(),
        kind,
        postal_code: postal.as_deref().unwrap_or_default(),
        address: address.as_deref().unwrap_or_default(),
        phone: phone.as_deref().unwrap_or_default(),
        contact_name: contact.as_deref().unwrap_or_default(),
        campaign: Campaign::None,
        created_at: &stamp,
    };
    store.write(|tx| {
        let id = tx.facilities_mut().add(&new)?;
        audit::record(tx, actor, now, Action::Create, "facility", Some(id), serde_json::json!({"after": input}))?;
        load(tx, id)
    })
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Facility, FacilityError> {
    conn.facilities().get(id)?.ok_or(FacilityError::NotFound(id))
}

pub fn list(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<Facility>, FacilityError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(store.read().facilities().page(page)?)
}

pub fn set_campaign(store: &mut Store, actor: &Actor, id: i64, campaign: Campaign, now: chrono::NaiveDateTime) -> Result<Facility, FacilityError> {
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    store.write(|tx| {
        let before = load(tx, id)?;
        tx.facilities_mut().set_campaign(id, campaign)?;
        audit::record(tx, actor, now, Action::Update, "facility", Some(id), serde_json::json!({"campaign": {"before": before.campaign, "after": campaign}}))?;
        load(tx, id)
    })
}
