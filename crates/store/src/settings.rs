//! City settings (a table of keys and values) and each desk's contact block.

use super::sql::{params, OptionalExtension};

use super::{Read, StoreError, Write};
use crate::model::staff::{Desk, DeskContact};

/// Reads settings.
pub struct SettingsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn settings(&self) -> SettingsHandle<'a> {
        SettingsHandle { conn: self.conn }
    }
}

impl SettingsHandle<'_> {
    /// The value stored under `key`, if any.
    pub fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()
    }

    /// The values stored under keys that start with `prefix` (ASCII letters, `_` and `.`), by key.
    pub fn values_with_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT key, value FROM setting ORDER BY key")?;
        let rows: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows.into_iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, v)| v).collect())
    }

    /// A desk's contact block; None for a desk `init` has not created.
    pub fn desk_contact(&self, desk: Desk) -> Result<Option<DeskContact>, StoreError> {
        self.conn
            .query_row("SELECT name, phone, hours, place FROM desk WHERE code = ?1", [desk], |r| {
                Ok(DeskContact { desk, name: r.get(0)?, phone: r.get(1)?, hours: r.get(2)?, place: r.get(3)? })
            })
            .optional()
    }
}

/// Changes settings, inside a write transaction.
pub struct SettingsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn settings_mut(&self) -> SettingsHandleMut<'a> {
        SettingsHandleMut { conn: self.conn }
    }
}

impl SettingsHandleMut<'_> {
    /// Stores `value` under `key` unless the key has a value already (defaults never overwrite
    /// what an administrator set).
    pub fn set_default(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute("INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![key, value])?;
        Ok(())
    }

    /// Stores `value` under `key`, replacing any value there.
    pub fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        upsert(self.conn, key, value)
    }

    /// Removes the value under `key`, if any.
    pub fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM setting WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Replaces a desk's contact block.
    pub fn set_desk_contact(&self, c: &DeskContact) -> Result<(), StoreError> {
        self.conn.execute(
            &self.conn.own("UPDATE desk SET name = ?2, phone = ?3, hours = ?4, place = ?5 WHERE {own} AND code = ?1"),
            params![c.desk, c.name, c.phone, c.hours, c.place],
        )?;
        Ok(())
    }
}

/// Stores `value` under `key` in the settings of the municipality the connection acts for
/// (PostgreSQL's key is the municipality's and the name; a SQLite file's the name alone).
pub(crate) fn upsert(conn: super::Conn<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        conn.dialect(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (municipality_id, key) DO UPDATE SET value = excluded.value",
        ),
        params![key, value],
    )?;
    Ok(())
}
