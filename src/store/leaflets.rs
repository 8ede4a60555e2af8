//! The handouts' editions and the dates they take effect.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::leaflet::{Edition, Leaflet};

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
