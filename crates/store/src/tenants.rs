//! The municipalities a database holds (tenants): listing them, adding one, and taking back
//! one whose setting-up failed. Only the schema's owner (the deployment's operator) adds.

use super::sql::{params, OptionalExtension};
use super::{Read, StoreError, Write};

/// A municipality as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MunicipalityRow {
    pub id: i64,
    /// The 全国地方公共団体コード; `None` for a database that was one city's and never said.
    pub code: Option<String>,
    pub name: String,
    pub created_at: String,
}

/// Reads the municipalities.
pub struct TenantsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn tenants(&self) -> TenantsHandle<'a> {
        TenantsHandle { conn: self.conn }
    }
}

fn row(r: &super::sql::Row<'_>) -> super::sql::Result<MunicipalityRow> {
    Ok(MunicipalityRow { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, created_at: r.get(3)? })
}

impl TenantsHandle<'_> {
    /// Every municipality, by id.
    pub fn all(&self) -> Result<Vec<MunicipalityRow>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, code, name, created_at FROM municipality ORDER BY id")?;
        let rows = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The municipality with this 全国地方公共団体コード.
    pub fn by_code(&self, code: &str) -> Result<Option<MunicipalityRow>, StoreError> {
        self.conn.query_row("SELECT id, code, name, created_at FROM municipality WHERE code = ?1", [code], row).optional()
    }

    /// Whether the connected role may add municipalities: it owns the schema (PostgreSQL; a
    /// SQLite file is one municipality and takes no other).
    pub fn may_add(&self) -> Result<bool, StoreError> {
        if !self.conn.is_pg() {
            return Ok(false);
        }
        super::pg::owns_schema(&self.conn)
    }

    /// The database role this connection is (the operator's, for the audit log).
    pub fn role(&self) -> Result<String, StoreError> {
        self.conn.query_row("SELECT current_user::text", [], |r| r.get(0))
    }

    /// How many staff accounts each municipality has, by id (the owner's connection, which row
    /// security does not hold, sees them all).
    pub fn staff_counts(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT municipality_id, count(*) FROM staff GROUP BY 1 ORDER BY 1")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Adds and removes municipalities, inside a write transaction of the schema's owner.
pub struct TenantsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn tenants_mut(&self) -> TenantsHandleMut<'a> {
        TenantsHandleMut { conn: self.conn }
    }
}

impl TenantsHandleMut<'_> {
    /// Adds a municipality with the counters the triggers keep for it and, where the audit
    /// chains are keyed, its own chain keyed from its first event with the same key; its id.
    pub fn add(&self, code: &str, name: &str, at: &str) -> Result<i64, StoreError> {
        let id = self.add_unkeyed(code, name, at)?;
        self.conn.execute(
            "INSERT INTO audit_keying (municipality_id, keyed_from, key_check, keyed_at)
             SELECT ?1::bigint, 1, key_check, ?2 FROM audit_keying ORDER BY municipality_id, keyed_from LIMIT 1",
            params![id, at],
        )?;
        Ok(id)
    }

    /// [`TenantsHandleMut::add`] without the keying: for a municipality moved in, whose chain
    /// brings its own.
    pub fn add_unkeyed(&self, code: &str, name: &str, at: &str) -> Result<i64, StoreError> {
        let id: i64 = self.conn.query_row(
            "INSERT INTO municipality (id, code, name, created_at) SELECT coalesce(max(id), 0) + 1, ?1, ?2, ?3 FROM municipality RETURNING id",
            params![code, name, at],
            |r| r.get(0),
        )?;
        self.conn.execute("INSERT INTO hairyo_row_count (municipality_id, tbl, n) VALUES (?1, 'person', 0)", [id])?;
        self.conn.execute("INSERT INTO hairyo_table_version (municipality_id, tbl, v) SELECT DISTINCT ?1::bigint, tbl, 0 FROM hairyo_table_version", [id])?;
        Ok(id)
    }

    /// Takes back a municipality just added whose setting-up or move failed: it has nothing
    /// else (the failed transaction left none).
    pub fn remove_empty(&self, id: i64) -> Result<(), StoreError> {
        for table in ["hairyo_row_count", "hairyo_table_version", "audit_keying", "touchpoint_month", "referral_month"] {
            self.conn.execute(&format!("DELETE FROM {table} WHERE municipality_id = ?1"), [id])?;
        }
        self.conn.execute("DELETE FROM municipality WHERE id = ?1", [id])?;
        Ok(())
    }
}

/// Tables whose rows a municipality's move copies, parents before children: every table of a
/// municipality's data except the counters its triggers keep (made again after the copy) and
/// its sessions (signed in to the database it leaves).
const NOT_COPIED: &[&str] = &["touchpoint_month", "referral_month", "hairyo_row_count", "hairyo_table_version", "session"];

fn pg_of<'s>(store: &'s super::Store, what: &'static str) -> Result<&'s super::sql::PgConn, StoreError> {
    match &store.engine {
        super::Engine::Pg(c) => Ok(c),
        super::Engine::Lite(_) => Err(StoreError::Unsupported(what)),
    }
}

/// The tables holding a municipality's data (they have its column), parents before children.
fn municipality_tables(conn: super::Conn<'_>) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT c.relname::text FROM pg_class c
          WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
            AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'municipality_id' AND NOT a.attisdropped)
          ORDER BY 1",
    )?;
    let tables: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT src.relname::text, dst.relname::text FROM pg_constraint c
           JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
          WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND src.oid <> dst.oid",
    )?;
    let edges: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    // Kahn's order: a table once every table it points at is placed.
    let mut placed: Vec<String> = Vec::with_capacity(tables.len());
    while placed.len() < tables.len() {
        let before = placed.len();
        for t in &tables {
            let ready = edges.iter().filter(|(from, _)| from == t).all(|(_, to)| placed.contains(to) || !tables.contains(to));
            if !placed.contains(t) && ready {
                placed.push(t.clone());
            }
        }
        if placed.len() == before {
            return Err(StoreError::Migration("外部キーが循環しています".into()));
        }
    }
    Ok(placed)
}

/// The columns of `table` a copy writes: all but the municipality's (the target's own is
/// written by its default) and generated ones.
fn copied_columns(conn: super::Conn<'_>, table: &str) -> Result<String, StoreError> {
    conn.query_row(
        "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
          WHERE attrelid = to_regclass(?1) AND attnum > 0 AND NOT attisdropped AND attgenerated = '' AND attname <> 'municipality_id'",
        [table],
        |r| r.get(0),
    )
}

/// What a database holds of municipality `id`, to compare a copy with its source.
pub fn row_counts(store: &super::Store, id: i64) -> Result<Vec<(String, i64)>, StoreError> {
    let conn = store.conn();
    let mut counts = Vec::new();
    for table in municipality_tables(conn)? {
        if NOT_COPIED.contains(&table.as_str()) {
            continue;
        }
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table} WHERE municipality_id = ?1"), [id], |r| r.get(0))?;
        counts.push((table, n));
    }
    Ok(counts)
}

/// The logins of municipality `id`'s staff.
pub fn logins(store: &super::Store, id: i64) -> Result<Vec<String>, StoreError> {
    let conn = store.conn();
    let mut stmt = conn.prepare("SELECT login FROM staff WHERE municipality_id = ?1 ORDER BY login")?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Which of `logins` some municipality of this database has already.
pub fn logins_taken(store: &super::Store, logins: &[String]) -> Result<Vec<String>, StoreError> {
    let conn = store.conn();
    let mut taken = Vec::new();
    for login in logins {
        if conn.query_row("SELECT EXISTS (SELECT 1 FROM staff WHERE login = ?1)", [login], |r| r.get::<_, bool>(0))? {
            taken.push(login.clone());
        }
    }
    Ok(taken)
}

/// The checks of the keys the database's audit chains are keyed with.
pub fn audit_key_checks(store: &super::Store) -> Result<Vec<String>, StoreError> {
    let conn = store.conn();
    let mut stmt = conn.prepare("SELECT DISTINCT key_check FROM audit_keying ORDER BY 1")?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Copies every row of municipality `from` in `source` into municipality `to` of `target`
/// (both connected as their schema's owner, at the same schema version), in one transaction
/// of the target's: all of it lands, or none. Rows keep their ids (each municipality's keys
/// are its own), so the audit chain, whose links name them, verifies in its new database as it
/// did in its old. The source is read in one snapshot. The counters the triggers keep are made
/// again from the rows, and the identity sequences moved past every copied id. With
/// `clear_first`, the target municipality's rows (a new database's seeds) are removed first,
/// in the same transaction. The rows copied per table.
pub fn copy_municipality(source: &super::Store, from: i64, target: &mut super::Store, to: i64, clear_first: bool) -> Result<Vec<(String, u64)>, StoreError> {
    let src = pg_of(source, "市区町村の移行")?;
    pg_of(target, "市区町村の移行")?;
    let tables = municipality_tables(target.conn())?;
    let mut src_client = src.client.borrow_mut();
    src_client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let copied = target.write(|tx| {
        let dst = tx.conn.as_pg().ok_or(StoreError::Unsupported("市区町村の移行"))?;
        // The rows the migrations seed in a database nobody has set up go in the same
        // transaction: a failed copy leaves the target as it was.
        if clear_first {
            for table in tables.iter().rev().filter(|t| !NOT_COPIED.contains(&t.as_str())) {
                tx.conn.execute(&format!("DELETE FROM {table} WHERE municipality_id = ?1"), [to])?;
            }
        }
        let mut copied = Vec::new();
        for table in tables.iter().filter(|t| !NOT_COPIED.contains(&t.as_str())) {
            let columns = copied_columns(tx.conn, table)?;
            // Streamed from one server to the other: a municipality of millions of rows never
            // sits in memory whole.
            let mut reader = src_client.copy_out(&format!("COPY (SELECT {columns} FROM {table} WHERE municipality_id = {from}) TO STDOUT"))?;
            let mut client = dst.client.borrow_mut();
            let mut writer = client.copy_in(&format!("COPY {table} ({columns}) FROM STDIN"))?;
            std::io::copy(&mut reader, &mut writer).map_err(|e| StoreError::Decode(format!("COPY {table}: {e}")))?;
            drop(reader);
            copied.push((table.clone(), writer.finish()?));
        }
        let conn = tx.conn;
        remake_counters(conn, to)?;
        conn.execute("UPDATE hairyo_table_version SET v = v + 1 WHERE municipality_id = ?1", [to])?;
        let mut stmt = conn.prepare(
            "SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped",
        )?;
        let identities: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        for (table, column) in identities {
            conn.query_row(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                                   greatest(coalesce(pg_sequence_last_value(pg_get_serial_sequence('{table}', '{column}')), 1),
                                            (SELECT coalesce(max({column}), 1) FROM {table})))"
                ),
                [],
                |_| Ok(()),
            )?;
        }
        Ok::<_, StoreError>(copied)
    });
    let _ = src_client.batch_execute(if copied.is_ok() { "COMMIT" } else { "ROLLBACK" });
    copied
}

/// Sets the code and name of municipality `id` (a municipality exported into a database of its
/// own becomes that database's first).
pub fn rename(store: &mut super::Store, id: i64, code: &str, name: &str) -> Result<(), StoreError> {
    store.write(|tx| {
        tx.conn.execute("UPDATE municipality SET code = ?2, name = ?3 WHERE id = ?1", params![id, code, name])?;
        Ok(())
    })
}

/// Makes the counters the triggers keep for municipality `id` again from its rows: its persons,
/// and its touchpoints and referrals by month and desk (after a copy, which brings the rows
/// without them).
fn remake_counters(conn: super::Conn<'_>, id: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE hairyo_row_count SET n = (SELECT count(*) FROM person WHERE municipality_id = ?1) WHERE municipality_id = ?1 AND tbl = 'person'",
        [id],
    )?;
    for (counter, table, day, desk) in [("touchpoint_month", "touchpoint", "date", "desk"), ("referral_month", "referral", "sent_on", "from_desk")] {
        conn.execute(&format!("DELETE FROM {counter} WHERE municipality_id = ?1"), [id])?;
        conn.execute(
            &format!(
                "INSERT INTO {counter} (municipality_id, month, desk, count)
                 SELECT ?1::bigint, substr({day}, 1, 7), {desk}, count(*) FROM {table} WHERE municipality_id = ?1 GROUP BY 2, 3"
            ),
            [id],
        )?;
    }
    Ok(())
}

/// Adds a municipality `code` `name` holding a copy of every row of municipality `from` of the
/// same database, its staff's logins ending in `login_suffix` (a login names one staff member
/// across the deployment): for `hairyo bench`, which builds a prefecture from one synthetic
/// town. The schema's owner, in one transaction. The new municipality's id.
pub fn replicate(store: &mut super::Store, from: i64, code: &str, name: &str, login_suffix: &str, at: &str) -> Result<i64, StoreError> {
    pg_of(store, "市区町村の複製")?;
    store.write(|tx| {
        let id = tx.tenants_mut().add_unkeyed(code, name, at)?;
        let conn = tx.conn;
        for table in municipality_tables(conn)?.iter().filter(|t| !NOT_COPIED.contains(&t.as_str())) {
            let columns = copied_columns(conn, table)?;
            let select = if table == "staff" {
                let suffixed = format!("login || '{}'", login_suffix.replace('\'', "''"));
                columns.split(", ").map(|c| if c == "login" { suffixed.as_str() } else { c }).collect::<Vec<_>>().join(", ")
            } else {
                columns.clone()
            };
            conn.execute(
                &format!("INSERT INTO {table} (municipality_id, {columns}) SELECT ?1::bigint, {select} FROM {table} WHERE municipality_id = ?2"),
                [id, from],
            )?;
        }
        remake_counters(conn, id)?;
        Ok(id)
    })
}

/// Creates the login role `role` (no superuser, no BYPASSRLS, nothing to own) unless it exists,
/// over `url` (a user allowed to create roles): for `hairyo bench`, which measures the way the
/// desks' servers connect, under row security.
pub fn create_login_role(url: &str, role: &str) -> Result<(), StoreError> {
    if !role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(StoreError::Role(format!("ロール名に使えない文字があります: {role}")));
    }
    let mut client = super::pg_tls::connect(url)?;
    client.batch_execute(&format!(
        "DO $$ BEGIN CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    ))?;
    Ok(())
}
