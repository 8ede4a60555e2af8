//! The server's sessions: hashes of their tokens, whose they are, when they began and were
//! last used. The session module decides lifetimes; this reads and writes rows.

use super::sql::{params, OptionalExtension};
use super::{Read, StoreError, Write};
use crate::model::staff::Actor;

/// A stored session, with its staff member as stored now (active accounts only).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub csrf_hash: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub actor: Option<Actor>,
    pub staff_id: i64,
    /// The directory entry the account follows, and when the directory was last asked.
    pub directory_dn: Option<String>,
    pub directory_checked_at: Option<String>,
}

/// Reads sessions.
pub struct SessionsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn sessions(&self) -> SessionsHandle<'a> {
        SessionsHandle { conn: self.conn }
    }
}

impl SessionsHandle<'_> {
    /// The session whose token hashes to `token_hash`; its actor is None when the account is
    /// no longer active.
    pub fn find(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        self.conn.act_for_found(super::sql::Finder::Session, token_hash)?;
        self.conn
            .prepare_cached(
                "SELECT s.csrf_hash, s.created_at, s.last_seen_at, s.staff_id, st.login, st.name, st.desk, st.role, st.active, st.grants,
                        st.directory_dn, st.directory_checked_at, st.municipality_id
                   FROM session s JOIN staff st ON st.id = s.staff_id WHERE s.token_hash = ?1",
            )?
            .query_row([token_hash], |r| {
                let active: i64 = r.get(8)?;
                let staff_id: i64 = r.get(3)?;
                let actor = if active == 1 {
                    Some(Actor {
                        staff_id,
                        login: r.get(4)?,
                        name: r.get(5)?,
                        desk: r.get(6)?,
                        role: r.get(7)?,
                        grants: crate::model::staff::grants_from_text(&r.get::<_, String>(9)?),
                        municipality: r.get(12)?,
                    })
                } else {
                    None
                };
                Ok(SessionRow {
                    csrf_hash: r.get(0)?,
                    created_at: r.get(1)?,
                    last_seen_at: r.get(2)?,
                    actor,
                    staff_id,
                    directory_dn: r.get(10)?,
                    directory_checked_at: r.get(11)?,
                })
            })
            .optional()
    }
}

/// Starts, touches and ends sessions.
pub struct SessionsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn sessions_mut(&self) -> SessionsHandleMut<'a> {
        SessionsHandleMut { conn: self.conn }
    }
}

impl SessionsHandleMut<'_> {
    pub fn start(&self, token_hash: &str, csrf_hash: &str, staff_id: i64, now: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO session (token_hash, csrf_hash, staff_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![token_hash, csrf_hash, staff_id, now],
        )?;
        Ok(())
    }

    pub fn touch(&self, token_hash: &str, now: &str) -> Result<(), StoreError> {
        self.conn.prepare_cached("UPDATE session SET last_seen_at = ?2 WHERE token_hash = ?1")?.execute(params![token_hash, now])?;
        Ok(())
    }

    pub fn end(&self, token_hash: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM session WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    /// Ends every session of a staff member; how many there were.
    pub fn end_all_of(&self, staff_id: i64) -> Result<usize, StoreError> {
        self.conn.execute("DELETE FROM session WHERE staff_id = ?1", [staff_id])
    }

    /// Removes the sessions unused since `idle_before` or begun before `begun_before`.
    pub fn end_expired(&self, idle_before: &str, begun_before: &str) -> Result<usize, StoreError> {
        self.conn.execute("DELETE FROM session WHERE last_seen_at < ?1 OR created_at < ?2", params![idle_before, begun_before])
    }
}
