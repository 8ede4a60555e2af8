//! Welfare facilities and who lives in them.

use super::sql::{params, OptionalExtension, Row};

use super::{Read, StoreError, Write};
use crate::model::facility::{Campaign, Facility, FacilityKind};
use crate::{Page, Paged};

/// A facility to add; its fields are already checked.
#[derive(Debug, Clone)]
pub struct NewFacility<'f> {
    pub name: &'f str,
    pub kind: FacilityKind,
    pub postal_code: &'f str,
    pub address: &'f str,
    pub phone: &'f str,
    pub contact_name: &'f str,
    pub campaign: Campaign,
    pub created_at: &'f str,
}

fn from_row(r: &Row<'_>) -> super::sql::Result<Facility> {
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

/// Reads facilities.
pub struct FacilitiesHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn facilities(&self) -> FacilitiesHandle<'a> {
        FacilitiesHandle { conn: self.conn }
    }
}

impl FacilitiesHandle<'_> {
    /// The id of the facility with exactly this name, if one has it.
    pub fn id_named(&self, name: &str) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT id FROM facility WHERE name = ?1 ORDER BY id LIMIT 1", [name], |r| r.get(0)).optional()
    }

    /// One facility with its count of residents.
    pub fn get(&self, id: i64) -> Result<Option<Facility>, StoreError> {
        self.conn.query_row(&format!("{SELECT} WHERE f.id = ?1"), [id], from_row).optional()
    }

    /// A page of facilities, by kind, name and id.
    pub fn page(&self, page: Page) -> Result<Paged<Facility>, StoreError> {
        let total: i64 = self.conn.query_row("SELECT count(*) FROM facility", [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{SELECT} ORDER BY f.kind, f.name, f.id LIMIT ?1 OFFSET ?2"))?;
        let items = stmt.query_map(params![page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// The ids of a facility's residents, in kana order.
    pub fn resident_ids(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM person WHERE facility_id = ?1 ORDER BY kana_norm, id")?;
        let ids = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }
}

/// Changes facilities, inside a write transaction.
pub struct FacilitiesHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn facilities_mut(&self) -> FacilitiesHandleMut<'a> {
        FacilitiesHandleMut { conn: self.conn }
    }
}

impl FacilitiesHandleMut<'_> {
    /// Adds a facility whose call for applications has not started; its new id.
    pub fn add(&self, f: &NewFacility<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO facility (name, kind, postal_code, address, phone, contact_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![f.name, f.kind, f.postal_code, f.address, f.phone, f.contact_name, f.created_at],
        )
    }

    /// Adds a facility with the campaign given (the demo's facilities are part-way through
    /// theirs); its new id.
    pub fn add_with_campaign(&self, f: &NewFacility<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO facility (name, kind, postal_code, address, phone, contact_name, campaign, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![f.name, f.kind, f.postal_code, f.address, f.phone, f.contact_name, f.campaign, f.created_at],
        )
    }

    pub fn set_campaign(&self, id: i64, campaign: Campaign) -> Result<(), StoreError> {
        self.conn.execute("UPDATE facility SET campaign = ?2 WHERE id = ?1", params![id, campaign])?;
        Ok(())
    }
}
