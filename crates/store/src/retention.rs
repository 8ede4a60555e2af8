//! The rows retention reads and removes: persons' ends (転出, 死亡, 資格喪失), what each ended
//! person still has of each kind, the removal of a kind or of the whole person, and the
//! disposal record.

use chrono::NaiveDate;

use super::sql::params;
use super::{Read, StoreError, Write};
use crate::{Page, Paged};

/// One ended person, with how many rows of each kind they still have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedRow {
    pub person_id: i64,
    pub name: String,
    pub protected: bool,
    pub cause: String,
    pub ended_on: NaiveDate,
    pub touchpoints: i64,
    pub referrals: i64,
    pub applications: i64,
    pub certificates: i64,
}

/// One stored disposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisposalRow {
    pub id: i64,
    pub disposed_at: String,
    pub login: String,
    pub person_ref: i64,
    pub scope: String,
    pub cause: String,
    pub ended_on: NaiveDate,
    pub removed: i64,
}

/// Reads ends and disposals.
pub struct RetentionHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn retention(&self) -> RetentionHandle<'a> {
        RetentionHandle { conn: self.conn }
    }
}

impl RetentionHandle<'_> {
    /// Every person who ended on or before `until`, oldest end first, with what they still have.
    pub fn ended_by(&self, until: NaiveDate) -> Result<Vec<EndedRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.person_id, p.name, p.protected, e.cause, e.ended_on,
                    (SELECT count(*) FROM touchpoint t WHERE t.person_id = e.person_id),
                    (SELECT count(*) FROM referral r WHERE r.person_id = e.person_id),
                    (SELECT count(*) FROM application a WHERE a.person_id = e.person_id),
                    (SELECT count(*) FROM certificate c WHERE c.person_id = e.person_id)
               FROM person_end e JOIN person p ON p.id = e.person_id
              WHERE e.ended_on <= ?1
              ORDER BY e.ended_on, e.person_id",
        )?;
        let rows = stmt
            .query_map(params![until], |r| {
                Ok(EndedRow {
                    person_id: r.get(0)?,
                    name: r.get(1)?,
                    protected: r.get(2)?,
                    cause: r.get(3)?,
                    ended_on: r.get(4)?,
                    touchpoints: r.get(5)?,
                    referrals: r.get(6)?,
                    applications: r.get(7)?,
                    certificates: r.get(8)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The disposals, newest first.
    pub fn disposals(&self, page: Page) -> Result<Paged<DisposalRow>, StoreError> {
        let total: i64 = self.conn.query_row("SELECT count(*) FROM disposal", [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.disposed_at, s.login, d.person_ref, d.scope, d.cause, d.ended_on, d.removed
               FROM disposal d JOIN staff s ON s.id = d.staff_id ORDER BY d.id DESC LIMIT ?1 OFFSET ?2",
        )?;
        let items = stmt
            .query_map(params![page.limit, page.offset], |r| {
                Ok(DisposalRow {
                    id: r.get(0)?,
                    disposed_at: r.get(1)?,
                    login: r.get(2)?,
                    person_ref: r.get(3)?,
                    scope: r.get(4)?,
                    cause: r.get(5)?,
                    ended_on: r.get(6)?,
                    removed: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }
}

/// Records ends and removes what is past its period.
pub struct RetentionHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn retention_mut(&self) -> RetentionHandleMut<'a> {
        RetentionHandleMut { conn: self.conn }
    }
}

impl RetentionHandleMut<'_> {
    /// Records that the person ended on `on` for `cause`; an end already recorded is kept (the
    /// first end is the one the periods count from).
    pub fn record_end(&self, person_id: i64, cause: &str, on: NaiveDate, at: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO person_end (person_id, cause, ended_on, recorded_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![person_id, cause, on, at],
        )?;
        Ok(())
    }

    /// Forgets a person's end of `cause` (a person who gained eligibility again).
    pub fn clear_end(&self, person_id: i64, cause: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM person_end WHERE person_id = ?1 AND cause = ?2", params![person_id, cause])?;
        Ok(())
    }

    /// Removes the person's touchpoints (and the leaflets given at them); returns how many.
    pub fn remove_touchpoints(&self, person_id: i64) -> Result<usize, StoreError> {
        self.conn.execute("DELETE FROM touchpoint_leaflet WHERE touchpoint_id IN (SELECT id FROM touchpoint WHERE person_id = ?1)", [person_id])?;
        self.conn.execute("DELETE FROM touchpoint WHERE person_id = ?1", [person_id])
    }

    /// Removes the person's referrals and their comments; the applications that came from them
    /// keep no link. Returns how many referrals.
    pub fn remove_referrals(&self, person_id: i64) -> Result<usize, StoreError> {
        let mine = "SELECT id FROM referral WHERE person_id = ?1";
        self.conn.execute(&format!("UPDATE application SET referral_id = NULL WHERE referral_id IN ({mine})"), [person_id])?;
        self.conn.execute(&format!("DELETE FROM referral_comment WHERE referral_id IN ({mine})"), [person_id])?;
        self.conn.execute("DELETE FROM referral WHERE person_id = ?1", [person_id])
    }

    /// Removes the person's applications and their checklists; certificates and campaign
    /// returns keep no link to them. Returns how many applications.
    pub fn remove_applications(&self, person_id: i64) -> Result<usize, StoreError> {
        let mine = "SELECT id FROM application WHERE person_id = ?1";
        self.conn.execute(&format!("UPDATE certificate SET application_id = NULL WHERE application_id IN ({mine})"), [person_id])?;
        self.conn.execute(&format!("UPDATE campaign_resident SET application_id = NULL WHERE application_id IN ({mine})"), [person_id])?;
        self.conn.execute(&format!("DELETE FROM application_document WHERE application_id IN ({mine})"), [person_id])?;
        self.conn.execute("DELETE FROM application WHERE person_id = ?1", [person_id])
    }

    /// Removes the person's certificates and their histories; returns how many.
    pub fn remove_certificates(&self, person_id: i64) -> Result<usize, StoreError> {
        let mine = "SELECT id FROM certificate WHERE person_id = ?1";
        self.conn.execute(&format!("UPDATE certificate SET replaces_id = NULL WHERE replaces_id IN ({mine})"), [person_id])?;
        self.conn.execute(&format!("DELETE FROM certificate_event WHERE certificate_id IN ({mine})"), [person_id])?;
        self.conn.execute("DELETE FROM certificate_conflict WHERE person_id = ?1", [person_id])?;
        self.conn.execute("DELETE FROM certificate WHERE person_id = ?1", [person_id])
    }

    /// Removes the person's own row and what hangs on it alone (follow-ups, the move out, the
    /// end, campaign returns, dismissed duplicate pairs); the caller removed each kind first.
    /// The search indexes follow the person's row (SQLite's trigger; PostgreSQL's index is
    /// on the row itself).
    pub fn remove_person(&self, person_id: i64) -> Result<(), StoreError> {
        for sql in [
            "DELETE FROM follow_up WHERE person_id = ?1",
            "DELETE FROM move_out WHERE person_id = ?1",
            "DELETE FROM person_end WHERE person_id = ?1",
            "DELETE FROM campaign_resident WHERE person_id = ?1",
            "DELETE FROM mailing_recipient WHERE person_id = ?1",
            "DELETE FROM coverage_notice WHERE person_id = ?1",
            "DELETE FROM delivery_registration WHERE person_id = ?1",
            "DELETE FROM duplicate_dismissal WHERE a = ?1 OR b = ?1",
            "DELETE FROM person WHERE id = ?1",
        ] {
            self.conn.execute(sql, [person_id])?;
        }
        Ok(())
    }

    /// Records one disposal.
    #[allow(clippy::too_many_arguments)]
    pub fn record_disposal(
        &self,
        at: &str,
        staff_id: i64,
        person_ref: i64,
        scope: &str,
        cause: &str,
        ended_on: NaiveDate,
        removed: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO disposal (disposed_at, staff_id, person_ref, scope, cause, ended_on, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![at, staff_id, person_ref, scope, cause, ended_on, removed],
        )?;
        Ok(())
    }
}
