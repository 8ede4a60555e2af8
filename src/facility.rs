//! Welfare facilities (高齢者施設, 障害者施設, 児童養護施設 …) and their residents.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::coded_enum;
use crate::staff::Actor;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

coded_enum! {
    pub enum FacilityKind ("施設種別") {
        Elderly = ("elderly", "高齢者施設"),
        Disability = ("disability", "障害者施設"),
        Children = ("children", "児童養護施設等"),
        Other = ("other", "その他の施設"),
    }
}

coded_enum! {
    /// How far the call for proxy applications (R6) has come at this facility.
    pub enum Campaign ("呼びかけ状況") {
        None = ("none", "未実施"),
        Informed = ("informed", "案内済み"),
        Collecting = ("collecting", "申請取りまとめ中"),
        Done = ("done", "完了"),
    }
}

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

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facility {
    pub id: i64,
    pub name: String,
    pub kind: FacilityKind,
    pub kind_label: &'static str,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
    pub campaign: Campaign,
    pub campaign_label: &'static str,
    pub residents: i64,
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
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl FacilityError {
    pub fn code(&self) -> &'static str {
        match self {
            FacilityError::NotFound(_) => "facility.not_found",
            FacilityError::Invalid(_) => "facility.invalid",
            FacilityError::Access(e) => e.code(),
            FacilityError::Store(e) => e.code(),
            FacilityError::Db(_) => "facility.db",
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
    store.write(|tx| {
        tx.execute(
            "INSERT INTO facility (name, kind, postal_code, address, phone, contact_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![name, kind, postal, address, phone, contact, crate::stamp(now)],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(tx, actor, now, Action::Create, "facility", Some(id), serde_json::json!({"after": input}))?;
        load(tx, id)
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Facility> {
    let kind: FacilityKind = r.get(2)?;
    let campaign: Campaign = r.get(7)?;
    Ok(Facility {
        id: r.get(0)?,
        name: r.get(1)?,
        kind,
        kind_label: kind.label(),
        postal_code: r.get(3)?,
        address: r.get(4)?,
        phone: r.get(5)?,
        contact_name: r.get(6)?,
        campaign,
        campaign_label: campaign.label(),
        residents: r.get(8)?,
    })
}

const SELECT: &str = "SELECT f.id, f.name, f.kind, f.postal_code, f.address, f.phone, f.contact_name, f.campaign,
    (SELECT count(*) FROM person p WHERE p.facility_id = f.id) FROM facility f";

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Facility, FacilityError> {
    conn.query_row(&format!("{SELECT} WHERE f.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(FacilityError::NotFound(id))
}

pub fn list(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<Facility>, FacilityError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    let total: i64 = conn.query_row("SELECT count(*) FROM facility", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY f.kind, f.name, f.id LIMIT ?1 OFFSET ?2"))?;
    let items = stmt.query_map(params![page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}

pub fn set_campaign(store: &mut Store, actor: &Actor, id: i64, campaign: Campaign, now: chrono::NaiveDateTime) -> Result<Facility, FacilityError> {
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    store.write(|tx| {
        let before = load(tx, id)?;
        tx.execute("UPDATE facility SET campaign = ?2 WHERE id = ?1", params![id, campaign])?;
        audit::record(tx, actor, now, Action::Update, "facility", Some(id), serde_json::json!({"campaign": {"before": before.campaign, "after": campaign}}))?;
        load(tx, id)
    })
}
