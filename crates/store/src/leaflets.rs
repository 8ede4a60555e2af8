//! The handouts' editions and the dates they take effect.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::leaflet::{Edition, Leaflet, Posting};
use crate::model::staff::Desk;

/// Reads the editions.
pub struct LeafletsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn leaflets(&self) -> LeafletsHandle<'a> {
        LeafletsHandle { conn: self.conn }
    }
}

impl LeafletsHandle<'_> {
    /// The latest edition of `leaflet` whose effective date is not after `on`.
    pub fn edition_on(&self, leaflet: Leaflet, on: NaiveDate) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT edition FROM leaflet_edition WHERE leaflet = ?1 AND effective_from <= ?2
                 ORDER BY effective_from DESC LIMIT 1",
                params![leaflet, on],
                |r| r.get(0),
            )
            .optional()
    }

    /// The earliest edition of `leaflet`.
    pub fn first_edition(&self, leaflet: Leaflet) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT edition FROM leaflet_edition WHERE leaflet = ?1 ORDER BY effective_from LIMIT 1", [leaflet], |r| r.get(0)).optional()
    }

    /// Every posting of the 別添3 poster: those still up first, then by desk and date.
    pub fn postings(&self) -> Result<Vec<Posting>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id, p.desk, p.place, p.edition, p.posted_on, p.removed_on, p.note, s.name FROM poster_posting p JOIN staff s ON s.id = p.staff_id
             ORDER BY p.removed_on IS NOT NULL, p.desk, p.posted_on DESC, p.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            let desk: Desk = r.get(1)?;
            Ok(Posting {
                id: r.get(0)?,
                desk,
                desk_label: desk.label(),
                place: r.get(2)?,
                edition: r.get(3)?,
                posted_on: r.get(4)?,
                removed_on: r.get(5)?,
                note: r.get(6)?,
                recorded_by: r.get(7)?,
            })
        })?;
        rows.collect::<Result<_, _>>()
    }

    /// Every edition, by leaflet and effective date.
    pub fn all(&self) -> Result<Vec<Edition>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT leaflet, edition, effective_from, title FROM leaflet_edition ORDER BY leaflet, effective_from")?;
        let rows = stmt.query_map([], |r| Ok(Edition { leaflet: r.get(0)?, edition: r.get(1)?, effective_from: r.get(2)?, title: r.get(3)? }))?;
        rows.collect::<Result<_, _>>()
    }
}

/// Adds editions, inside a write transaction.
pub struct LeafletsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn leaflets_mut(&self) -> LeafletsHandleMut<'a> {
        LeafletsHandleMut { conn: self.conn }
    }
}

impl LeafletsHandleMut<'_> {
    /// Adds an edition unless that edition of the leaflet is stored already.
    pub fn add_edition(&self, leaflet: Leaflet, edition: &str, effective_from: &str, title: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO leaflet_edition (leaflet, edition, effective_from, title) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![leaflet, edition, effective_from, title],
        )?;
        Ok(())
    }
}

/// A posting as it is recorded.
#[derive(Debug, Clone)]
pub struct NewPosting<'a> {
    pub desk: Desk,
    pub place: &'a str,
    pub edition: &'a str,
    pub posted_on: NaiveDate,
    pub note: &'a str,
    pub staff_id: i64,
    pub created_at: String,
}

impl LeafletsHandleMut<'_> {
    /// Records a posting; returns its id.
    pub fn add_posting(&self, p: &NewPosting<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO poster_posting (desk, place, edition, posted_on, note, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![p.desk, p.place, p.edition, p.posted_on, p.note, p.staff_id, p.created_at],
        )
    }

    /// Records that a posting was taken down on `on`.
    pub fn remove_posting(&self, id: i64, on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute("UPDATE poster_posting SET removed_on = ?2 WHERE id = ?1", params![id, on])?;
        Ok(())
    }
}
