//! 出張申請 events: the `outreach_event` table and the applications linked to each.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::application::AppStatus;
use crate::model::outreach::{OutreachApplication, OutreachEvent};
use crate::{Page, Paged};

/// Reads events.
pub struct OutreachHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn outreach(&self) -> OutreachHandle<'a> {
        OutreachHandle { conn: self.conn }
    }
}

impl OutreachHandle<'_> {
    /// One event with its applications, by name.
    pub fn get(&self, id: i64) -> Result<Option<OutreachEvent>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT e.id, e.held_on, e.place, e.with_mynumber_desk, e.note, s.name FROM outreach_event e JOIN staff s ON s.id = e.staff_id WHERE e.id = ?1",
                [id],
                |r| {
                    Ok(OutreachEvent {
                        id: r.get(0)?,
                        held_on: r.get(1)?,
                        place: r.get(2)?,
                        with_mynumber_desk: r.get(3)?,
                        note: r.get(4)?,
                        recorded_by: r.get(5)?,
                        applications: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut e) = head else { return Ok(None) };
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.person_id, p.name, a.status FROM application a JOIN person p ON p.id = a.person_id
             WHERE a.outreach_event_id = ?1 ORDER BY p.kana, a.id",
        )?;
        e.applications = stmt
            .query_map([id], |r| {
                let status: AppStatus = r.get(3)?;
                Ok(OutreachApplication { application_id: r.get(0)?, person_id: r.get(1)?, person_name: r.get(2)?, status_label: status.label() })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(e))
    }

    /// A page of event ids, newest first.
    pub fn ids(&self, page: Page) -> Result<Paged<i64>, StoreError> {
        let total: i64 = self.conn.query_row("SELECT count(*) FROM outreach_event", [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare("SELECT id FROM outreach_event ORDER BY held_on DESC, id DESC LIMIT ?1 OFFSET ?2")?;
        let items = stmt.query_map(params![page.limit, page.offset], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }
}

/// Writes events inside the caller's transaction.
pub struct OutreachHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn outreach_mut(&self) -> OutreachHandleMut<'a> {
        OutreachHandleMut { conn: self.conn }
    }
}

impl OutreachHandleMut<'_> {
    /// Stores an event; returns its id.
    pub fn insert(&self, held_on: NaiveDate, place: &str, with_mynumber_desk: bool, note: &str, staff_id: i64, created_at: &str) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO outreach_event (held_on, place, with_mynumber_desk, note, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![held_on, place, with_mynumber_desk, note, staff_id, created_at],
        )
    }

    /// Links an application to the event it was received at.
    pub fn link(&self, application_id: i64, event_id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE application SET outreach_event_id = ?2 WHERE id = ?1", params![application_id, event_id])?;
        Ok(())
    }
}
