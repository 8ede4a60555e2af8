//! Households and standing 送付先変更 registrations: the persons who share a 世帯番号, and the
//! `delivery_registration` table.

use super::sql::{params, Row};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::household::{DeliveryRegistration, HouseholdMember, RegistrationReason};
use crate::model::person::Relationship;

/// Reads households and registrations.
pub struct HouseholdHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn households(&self) -> HouseholdHandle<'a> {
        HouseholdHandle { conn: self.conn }
    }
}

const REGISTRATION_SELECT: &str = "SELECT r.id, r.person_id, r.postal_code, r.address, r.addressee, r.reason, r.from_on, r.until_on, r.requested_by,
    r.document_seen, r.note, s.name, r.created_at, r.ended_at, p.protected
    FROM delivery_registration r JOIN staff s ON s.id = r.staff_id JOIN person p ON p.id = r.person_id";

fn registration_from_row(r: &Row<'_>) -> super::sql::Result<DeliveryRegistration> {
    let reason: RegistrationReason = r.get(5)?;
    Ok(DeliveryRegistration {
        id: r.get(0)?,
        person_id: r.get(1)?,
        postal_code: r.get(2)?,
        address: r.get(3)?,
        addressee: r.get(4)?,
        reason,
        reason_label: reason.label(),
        from_on: r.get(6)?,
        until_on: r.get(7)?,
        requested_by: r.get(8)?,
        document_seen: r.get(9)?,
        note: r.get(10)?,
        registered_by: r.get(11)?,
        created_at: r.get(12)?,
        ended_at: r.get(13)?,
        protected: r.get(14)?,
    })
}

impl HouseholdHandle<'_> {
    /// The members of household `household_no` who still live in it (not moved out, not
    /// died), the 世帯主 first, then by birth date.
    pub fn members(&self, household_no: &str) -> Result<Vec<HouseholdMember>, StoreError> {
        if household_no.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, name, relationship, birth_date, protected FROM person p WHERE household_no = ?1
               AND NOT EXISTS (SELECT 1 FROM move_out m WHERE m.person_id = p.id)
               AND NOT EXISTS (SELECT 1 FROM person_end e WHERE e.person_id = p.id AND e.cause = 'died')
             ORDER BY CASE WHEN relationship = 'head' THEN 0 ELSE 1 END, birth_date, id",
        )?;
        let rows = stmt
            .query_map([household_no], |r| {
                let relationship: Option<Relationship> = r.get(2)?;
                Ok(HouseholdMember {
                    person_id: r.get(0)?,
                    name: r.get(1)?,
                    relationship,
                    relationship_label: relationship.map(Relationship::label).unwrap_or(""),
                    birth_date: r.get(3)?,
                    protected: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// A person's registrations, the latest first.
    pub fn registrations(&self, person_id: i64) -> Result<Vec<DeliveryRegistration>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{REGISTRATION_SELECT} WHERE r.person_id = ?1 ORDER BY r.from_on DESC, r.id DESC"))?;
        let rows = stmt.query_map([person_id], registration_from_row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// One registration, or `None`.
    pub fn registration(&self, id: i64) -> Result<Option<DeliveryRegistration>, StoreError> {
        use super::sql::OptionalExtension;
        self.conn.query_row(&format!("{REGISTRATION_SELECT} WHERE r.id = ?1"), [id], registration_from_row).optional()
    }
}

/// A registration as it is stored.
#[derive(Debug, Clone)]
pub struct NewRegistration<'a> {
    pub person_id: i64,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub addressee: &'a str,
    pub reason: RegistrationReason,
    pub from_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    pub requested_by: &'a str,
    pub document_seen: &'a str,
    pub note: &'a str,
    pub staff_id: i64,
    pub created_at: &'a str,
}

/// Writes registrations inside the caller's transaction.
pub struct HouseholdHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn households_mut(&self) -> HouseholdHandleMut<'a> {
        HouseholdHandleMut { conn: self.conn }
    }
}

impl HouseholdHandleMut<'_> {
    /// Stores a registration; returns its id.
    pub fn add_registration(&self, r: &NewRegistration<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO delivery_registration (person_id, postal_code, address, addressee, reason, from_on, until_on, requested_by, document_seen, note, staff_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![r.person_id, r.postal_code, r.address, r.addressee, r.reason, r.from_on, r.until_on, r.requested_by, r.document_seen, r.note, r.staff_id, r.created_at],
        )
    }

    /// Ends a registration before its period ran out.
    pub fn end_registration(&self, id: i64, staff_id: i64, at: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE delivery_registration SET ended_by = ?2, ended_at = ?3 WHERE id = ?1", params![id, staff_id, at])?;
        Ok(())
    }
}
