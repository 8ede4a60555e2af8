//! Moving out (転出): the `move_out` table.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};

/// A person's move out as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMove {
    pub person_id: i64,
    pub moved_on: NaiveDate,
    pub moved_to: String,
    pub note: String,
    pub recorded_by: String,
}

/// Reads moves out.
pub struct MovesHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn moves(&self) -> MovesHandle<'a> {
        MovesHandle { conn: self.conn }
    }
}

impl MovesHandle<'_> {
    /// The person's move out, or `None` while they live here.
    pub fn of(&self, person_id: i64) -> Result<Option<StoredMove>, StoreError> {
        self.conn
            .query_row(
                "SELECT m.person_id, m.moved_on, m.moved_to, m.note, s.name FROM move_out m JOIN staff s ON s.id = m.staff_id WHERE m.person_id = ?1",
                [person_id],
                |r| Ok(StoredMove { person_id: r.get(0)?, moved_on: r.get(1)?, moved_to: r.get(2)?, note: r.get(3)?, recorded_by: r.get(4)? }),
            )
            .optional()
    }
}

/// Writes moves out inside the caller's transaction.
pub struct MovesHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn moves_mut(&self) -> MovesHandleMut<'a> {
        MovesHandleMut { conn: self.conn }
    }
}

impl MovesHandleMut<'_> {
    /// Records a move out.
    pub fn insert(&self, person_id: i64, moved_on: NaiveDate, moved_to: &str, note: &str, staff_id: i64, created_at: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO move_out (person_id, moved_on, moved_to, note, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![person_id, moved_on, moved_to, note, staff_id, created_at],
        )?;
        Ok(())
    }

    /// Marks every open follow-up of the person done; returns how many.
    pub fn close_follow_ups(&self, person_id: i64) -> Result<usize, StoreError> {
        self.conn.execute("UPDATE follow_up SET done = 1 WHERE person_id = ?1 AND done = 0", [person_id])
    }
}
