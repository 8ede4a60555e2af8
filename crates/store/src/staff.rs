//! Staff accounts, desks and sign-in state.

use super::sql::{params, Finder, OptionalExtension, Row};

use super::{Read, StoreError, Write};
use crate::model::staff::{Actor, Desk, Role, Staff};

/// A staff account to add; the login and name are already checked.
#[derive(Debug, Clone)]
pub struct NewStaffRow<'s> {
    pub login: &'s str,
    pub name: &'s str,
    pub desk: Desk,
    pub role: Role,
    pub created_at: &'s str,
}

/// What the directory says of an account, as its staff row keeps it.
#[derive(Debug, Clone)]
pub struct Followed<'a> {
    pub name: &'a str,
    pub desk: Desk,
    pub role: Role,
    /// The other desks' rights (`desk:role` pairs).
    pub grants: &'a str,
    pub dn: &'a str,
    pub checked_at: &'a str,
}

/// A staff row as the directory sign-in reads it.
#[derive(Debug, Clone)]
pub struct DirectoryRow {
    pub actor: Actor,
    pub active: bool,
    /// The directory entry the account follows; `None` for a local account.
    pub dn: Option<String>,
    pub checked_at: Option<String>,
}

/// What sign-in needs of an active account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub actor: Actor,
    /// The argon2id hash in PHC form; empty while no password is set.
    pub hash: String,
    pub failed: i64,
    pub locked_until: Option<chrono::NaiveDateTime>,
}

/// An actor from `id, login, name, desk, role, grants` and, at `municipality_at`, the
/// municipality the account belongs to.
fn actor_row(r: &Row<'_>, municipality_at: usize) -> super::sql::Result<Actor> {
    Ok(Actor {
        staff_id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        desk: r.get(3)?,
        role: r.get(4)?,
        grants: crate::model::staff::grants_from_text(&r.get::<_, String>(5)?),
        municipality: r.get(municipality_at)?,
    })
}

/// Reads staff accounts.
pub struct StaffHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn staff(&self) -> StaffHandle<'a> {
        StaffHandle { conn: self.conn }
    }
}

impl StaffHandle<'_> {
    /// How many accounts exist, active or not; none before `init`.
    pub fn count(&self) -> Result<i64, StoreError> {
        self.conn.query_row(&self.conn.own("SELECT count(*) FROM staff WHERE {own}"), [], |r| r.get(0))
    }

    /// Whether any municipality has an account with this login: a login names one staff
    /// member across the deployment.
    pub fn login_taken(&self, login: &str) -> Result<bool, StoreError> {
        if self.conn.is_pg() {
            return self.conn.query_row("SELECT hairyo_login_taken(?1)", [login], |r| r.get(0));
        }
        Ok(self.id_of(login)?.is_some())
    }

    /// The id of the account with this login, active or not.
    pub fn id_of(&self, login: &str) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT id FROM staff WHERE login = ?1", [login], |r| r.get(0)).optional()
    }

    /// The active account with this login, as the actor operations run as.
    pub fn active_actor(&self, login: &str) -> Result<Option<Actor>, StoreError> {
        self.conn.act_for_found(Finder::Login, login)?;
        self.conn
            .query_row("SELECT id, login, name, desk, role, grants, municipality_id FROM staff WHERE login = ?1 AND active = 1", [login], |r| actor_row(r, 6))
            .optional()
    }

    /// The id of the active administrator with this login.
    pub fn active_admin_id(&self, login: &str) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT id FROM staff WHERE login = ?1 AND active = 1 AND role = ?2", params![login, Role::Admin], |r| r.get(0)).optional()
    }

    /// The login of the first active administrator, by id.
    pub fn first_admin_login(&self) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT login FROM staff WHERE role = ?1 AND active = 1 ORDER BY id LIMIT 1", [Role::Admin], |r| r.get(0)).optional()
    }

    /// Every account, by desk (in the desks' order), role and login.
    pub fn all(&self) -> Result<Vec<Staff>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT s.id, s.login, s.name, s.desk, s.role, s.active FROM staff s JOIN desk d ON d.code = s.desk ORDER BY d.sort, s.role, s.login")?;
        let rows = stmt.query_map([], |r| {
            let desk: Desk = r.get(3)?;
            let role: Role = r.get(4)?;
            Ok(Staff { id: r.get(0)?, login: r.get(1)?, name: r.get(2)?, desk, desk_label: desk.label(), role, role_label: role.label(), active: r.get(5)? })
        })?;
        rows.collect::<Result<_, _>>()
    }

    /// A directory account's staff row: its id, whether it is active, when the directory was
    /// last asked about it, and the actor it acts as; `None` when no staff has the login.
    pub fn directory_row(&self, login: &str) -> Result<Option<DirectoryRow>, StoreError> {
        self.conn.act_for_found(Finder::Login, login)?;
        self.conn
            .query_row(
                "SELECT id, login, name, desk, role, grants, active, directory_dn, directory_checked_at, municipality_id FROM staff WHERE login = ?1",
                [login],
                |r| Ok(DirectoryRow { actor: actor_row(r, 9)?, active: r.get(6)?, dn: r.get(7)?, checked_at: r.get(8)? }),
            )
            .optional()
    }

    /// Until when `address` must wait before its next sign-in attempt, if it must.
    pub fn address_wait(&self, address: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT wait_until FROM sign_in_address WHERE address = ?1", [address], |r| r.get(0)).optional()?.flatten())
    }

    /// The sign-in state of the active account with this login.
    pub fn credentials(&self, login: &str) -> Result<Option<Credentials>, StoreError> {
        self.conn.act_for_found(Finder::Login, login)?;
        self.conn
            .query_row(
                "SELECT id, login, name, desk, role, grants, password_hash, failed_attempts, locked_until, municipality_id FROM staff WHERE login = ?1 AND active = 1",
                [login],
                |r| {
                    Ok(Credentials {
                        actor: actor_row(r, 9)?,
                        hash: r.get(6)?,
                        failed: r.get(7)?,
                        locked_until: r.get::<_, Option<String>>(8)?.and_then(|s| chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S").ok()),
                    })
                },
            )
            .optional()
    }
}

/// Changes staff accounts and desks, inside a write transaction.
pub struct StaffHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn staff_mut(&self) -> StaffHandleMut<'a> {
        StaffHandleMut { conn: self.conn }
    }
}

impl StaffHandleMut<'_> {
    /// Adds a desk in its place among the desks, unless it is there already.
    /// Writes what the directory says of an account: its name, desk, role and grants, the entry
    /// it follows and when it was asked; the account is active again.
    pub fn follow_directory(&self, id: i64, f: &Followed<'_>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE staff SET name = ?2, desk = ?3, role = ?4, grants = ?5, directory_dn = ?6, directory_checked_at = ?7, active = 1 WHERE id = ?1",
            params![id, f.name, f.desk, f.role, f.grants, f.dn, f.checked_at],
        )?;
        Ok(())
    }

    /// Deactivates an account the directory no longer lets sign in.
    pub fn deactivate(&self, id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE staff SET active = 0 WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn add_desk(&self, desk: Desk, sort: i64) -> Result<(), StoreError> {
        self.conn.execute("INSERT INTO desk (code, name, sort) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING", params![desk, desk.label(), sort])?;
        Ok(())
    }

    /// Adds an account without a password; its new id.
    pub fn add(&self, s: &NewStaffRow<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO staff (login, name, desk, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![s.login, s.name, s.desk, s.role, s.created_at],
        )
    }

    /// Adds an account with its password hash unless the login is taken; the id of the account
    /// with that login either way.
    pub fn add_unless_taken(&self, s: &NewStaffRow<'_>, hash: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO staff (login, name, desk, role, created_at, password_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![s.login, s.name, s.desk, s.role, s.created_at, hash],
        )?;
        self.conn.query_row("SELECT id FROM staff WHERE login = ?1", [s.login], |r| r.get(0))
    }

    /// Sets the password hash, leaving the sign-in state as it is.
    pub fn set_hash(&self, id: i64, hash: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE staff SET password_hash = ?2 WHERE id = ?1", params![id, hash])?;
        Ok(())
    }

    /// Replaces the password hash and unlocks the account.
    pub fn replace_password(&self, id: i64, hash: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE staff SET password_hash = ?2, failed_attempts = 0, locked_until = NULL WHERE id = ?1", params![id, hash])?;
        Ok(())
    }

    /// A successful sign-in: the count of failures starts again and any lock ends.
    pub fn clear_failures(&self, id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Counts one more sign-in attempt on an account before its password is checked, raised
    /// in the database itself (never read and written back), unless the account is locked
    /// at `now`: then the lock's end. The attempt that reaches `max` locks the account until
    /// `lock_until` and starts the count again; it is told so (`Ok(true)`).
    pub fn count_attempt(&self, id: i64, now: &str, max: i64, lock_until: &str) -> Result<Result<bool, String>, StoreError> {
        let counted: Option<i64> = self
            .conn
            .query_row(
                "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = ?1 AND (locked_until IS NULL OR locked_until <= ?2) RETURNING failed_attempts",
                params![id, now],
                |r| r.get(0),
            )
            .optional()?;
        match counted {
            // No such account (an unknown login's attempt takes the same statements), or a
            // locked one.
            None => match self.conn.query_row("SELECT locked_until FROM staff WHERE id = ?1", [id], |r| r.get::<_, Option<String>>(0)).optional()? {
                None => Ok(Ok(false)),
                Some(until) => Ok(Err(until.unwrap_or_default())),
            },
            Some(n) if n >= max => {
                self.conn.execute("UPDATE staff SET failed_attempts = 0, locked_until = ?2 WHERE id = ?1", params![id, lock_until])?;
                Ok(Ok(true))
            }
            Some(_) => Ok(Ok(false)),
        }
    }

    /// Counts a failed sign-in from `address`, in the database itself: the count starts again
    /// when the first failure counted is before `window_start`. The count after this one.
    pub fn count_address_failure(&self, address: &str, now: &str, window_start: &str) -> Result<i64, StoreError> {
        self.conn.query_row(
            "INSERT INTO sign_in_address (address, failures, first_failed_at) VALUES (?1, 1, ?2)
             ON CONFLICT (address) DO UPDATE SET
                failures = CASE WHEN sign_in_address.first_failed_at < ?3 THEN 1 ELSE sign_in_address.failures + 1 END,
                first_failed_at = CASE WHEN sign_in_address.first_failed_at < ?3 THEN ?2 ELSE sign_in_address.first_failed_at END,
                wait_until = CASE WHEN sign_in_address.first_failed_at < ?3 THEN NULL ELSE sign_in_address.wait_until END
             RETURNING failures",
            params![address, now, window_start],
            |r| r.get(0),
        )
    }

    /// Takes back one failure counted for `address` (its attempt turned out right), and its
    /// wait once it is within `free` failures again.
    pub fn forgive_address_failure(&self, address: &str, free: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sign_in_address SET
                failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
                wait_until = CASE WHEN failures - 1 <= ?2 THEN NULL ELSE wait_until END
              WHERE address = ?1",
            params![address, free],
        )?;
        Ok(())
    }

    /// Makes `address` wait until `until` before its next attempt.
    pub fn set_address_wait(&self, address: &str, until: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sign_in_address SET wait_until = ?2 WHERE address = ?1", params![address, until])?;
        Ok(())
    }
}
