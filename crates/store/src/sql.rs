//! The engine-neutral statement layer: one API over SQLite (rusqlite) and PostgreSQL (postgres),
//! so the store's aggregate files state each query once.
//!
//! The API follows rusqlite's shape (`execute`, `query_row`, `prepare`, `query_map`, `params!`),
//! so the SQL the store wrote for SQLite reads the same here. Values cross it as [`Val`]: the
//! five storage classes SQLite has. Both schemas store what SQLite stores (BIGINT integers, TEXT
//! dates and codes, 0/1 flags), so a value means the same on both engines and a query's text
//! needs no per-engine types. Placeholders are written `?1`, `?2` (or `?`) and become `$1`, `$2`
//! for PostgreSQL; statements are prepared once per connection and cached on both engines.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use super::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub use hairyo_model::value::{FromVal, Param, Val};

/// A statement's parameters: `params![a, b]`, `[a, b]` of one type, a slice of `&dyn Param`,
/// or `[]`.
pub trait Params {
    fn vals(&self) -> Vec<Val<'_>>;
}

impl Params for [&dyn Param; 0] {
    fn vals(&self) -> Vec<Val<'_>> {
        Vec::new()
    }
}

impl Params for () {
    fn vals(&self) -> Vec<Val<'_>> {
        Vec::new()
    }
}

impl Params for &[&dyn Param] {
    fn vals(&self) -> Vec<Val<'_>> {
        self.iter().map(|p| p.val()).collect()
    }
}

impl<const N: usize> Params for &[&dyn Param; N] {
    fn vals(&self) -> Vec<Val<'_>> {
        self.iter().map(|p| p.val()).collect()
    }
}

impl Params for Vec<&dyn Param> {
    fn vals(&self) -> Vec<Val<'_>> {
        self.iter().map(|p| p.val()).collect()
    }
}

impl Params for &Vec<&dyn Param> {
    fn vals(&self) -> Vec<Val<'_>> {
        self.iter().map(|p| p.val()).collect()
    }
}

impl Params for &[Val<'_>] {
    fn vals(&self) -> Vec<Val<'_>> {
        self.iter().map(|p| p.val()).collect()
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: Param> Params for [T; $n] {
            fn vals(&self) -> Vec<Val<'_>> {
                self.iter().map(|p| p.val()).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8);

/// `params![a, b, c]`: parameters of different types, as rusqlite's macro of the same name.
#[macro_export]
macro_rules! sql_params {
    () => {
        &[] as &[&dyn $crate::sql::Param]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::sql::Param),+] as &[&dyn $crate::sql::Param]
    };
}
pub use crate::sql_params as params;

/// An index of a column in a result row (from 0).
pub trait ColumnIndex {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// One row of a result. Its engine's row stays inside this package.
pub struct Row<'r>(RowOf<'r>);

enum RowOf<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl Row<'_> {
    /// Column `i` as a `T`; a value of another kind is an error that names the column.
    pub fn get<I: ColumnIndex, T: FromVal>(&self, i: I) -> Result<T> {
        let i = i.index();
        let decoded = match &self.0 {
            RowOf::Lite(r) => {
                let v = r.get_ref(i).map_err(StoreError::from)?;
                T::from_val(lite_val(v))
            }
            RowOf::Pg(r) => {
                let v: PgVal = r.try_get(i).map_err(StoreError::from)?;
                T::from_val(v.0)
            }
        };
        decoded.map_err(|m| StoreError::Decode(format!("列 {i}: {m}")))
    }
}

impl Row<'_> {
    /// Column `i` as it is stored, whatever its kind.
    pub fn get_val(&self, i: usize) -> Result<Val<'static>> {
        self.get(i)
    }
}

fn lite_val(v: rusqlite::types::ValueRef<'_>) -> Val<'_> {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Real(f) => Val::Real(f),
        ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => Val::Blob(Cow::Borrowed(b)),
    }
}

/// A value bound to a statement: the engines' value traits are implemented for this wrapper,
/// so the model's `Val` carries no engine type.
#[derive(Debug)]
struct Bound<'a>(Val<'a>);

/// The statement's values, ready for either engine.
fn bound(vals: Vec<Val<'_>>) -> Vec<Bound<'_>> {
    vals.into_iter().map(Bound).collect()
}

impl rusqlite::ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match &self.0 {
            Val::Null => ValueRef::Null,
            Val::Int(i) => ValueRef::Integer(*i),
            Val::Real(f) => ValueRef::Real(*f),
            Val::Text(s) => ValueRef::Text(s.as_bytes()),
            Val::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// `query_row(...).optional()`: no row is `None` instead of an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A connection of either engine, as the store's handles hold it. Its engine's connection
/// stays inside this package: outside it, a `Conn` runs statements through the methods below
/// and nothing else.
#[derive(Clone, Copy)]
pub struct Conn<'a>(ConnOf<'a>);

#[derive(Clone, Copy)]
enum ConnOf<'a> {
    Lite(&'a rusqlite::Connection),
    Pg(&'a PgConn),
}

/// A row of the municipality the connection acts for (`hairyo.municipality`), as migration
/// 0041's policies say it; no row while it acts for none.
pub(crate) const OWN_ROW: &str = "municipality_id = nullif(current_setting('hairyo.municipality', true), '')::bigint";

/// What a connection that acts for no municipality yet may look up to find the one to act for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Finder {
    Login,
    Session,
}

impl<'a> Conn<'a> {
    pub(crate) fn lite(c: &'a rusqlite::Connection) -> Conn<'a> {
        Conn(ConnOf::Lite(c))
    }

    pub(crate) fn pg(c: &'a PgConn) -> Conn<'a> {
        Conn(ConnOf::Pg(c))
    }

    /// The PostgreSQL connection, on PostgreSQL.
    pub(crate) fn as_pg(&self) -> Option<&'a PgConn> {
        match self.0 {
            ConnOf::Pg(c) => Some(c),
            ConnOf::Lite(_) => None,
        }
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    /// The first row of the result, mapped; `StoreError::NoRows` when there is none.
    pub fn query_row<T>(&self, sql: &str, params: impl Params, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        self.prepare(sql)?.query_row(params, f)
    }

    /// Runs an INSERT and returns the id the row was given (`RETURNING id`, which both engines
    /// have; SQLite's `last_insert_rowid` has no PostgreSQL twin).
    pub fn insert_returning_id(&self, sql: &str, params: impl Params) -> Result<i64> {
        self.query_row(&format!("{sql} RETURNING id"), params, |r| r.get(0))
    }

    /// Runs several statements separated by `;`, with no parameters (schema scripts).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self.0 {
            ConnOf::Lite(c) => Ok(c.execute_batch(sql)?),
            ConnOf::Pg(c) => Ok(c.client.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Runs several statements without parameters in one round trip and returns the rows of
    /// the last one, each value as text (PostgreSQL's simple protocol). For a lock and the read
    /// that must follow it: each statement takes its own snapshot at READ COMMITTED, so the
    /// read sees everything committed before the lock was granted. PostgreSQL only: on SQLite
    /// a round trip costs nothing and a writing transaction excludes every other.
    pub fn batch_then_rows(&self, statements: &[&str]) -> Result<Vec<Vec<Option<String>>>> {
        let Some(c) = self.as_pg() else {
            return Err(StoreError::Unsupported("複数の文の一括送信"));
        };
        let messages = c.client.borrow_mut().simple_query(&statements.join("; "))?;
        // Only the last statement's rows: the ones before it end at its predecessor's
        // CommandComplete.
        let completes = messages.iter().filter(|m| matches!(m, postgres::SimpleQueryMessage::CommandComplete(_))).count();
        let mut seen = 0;
        let mut rows = Vec::new();
        for m in messages {
            match m {
                postgres::SimpleQueryMessage::CommandComplete(_) => seen += 1,
                postgres::SimpleQueryMessage::Row(row) if seen + 1 == completes => {
                    rows.push((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect());
                }
                _ => {}
            }
        }
        Ok(rows)
    }

    /// A statement prepared once per connection: later calls with the same text reuse it.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'a>> {
        match self.0 {
            ConnOf::Lite(c) => Ok(Statement(StatementOf::Lite(c.prepare_cached(sql)?))),
            ConnOf::Pg(c) => Ok(Statement(StatementOf::Pg(c, c.prepare(sql)?))),
        }
    }

    /// The same as [`Conn::prepare`]: every statement is cached.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'a>> {
        self.prepare(sql)
    }

    /// True on PostgreSQL; for the few statements whose text differs between the engines.
    pub fn is_pg(&self) -> bool {
        self.as_pg().is_some()
    }

    /// The municipality the connection acts for: on SQLite always the file's one; on
    /// PostgreSQL the one last set by [`Conn::act_for`] or found by [`Conn::act_for_found`].
    pub fn municipality(&self) -> Option<i64> {
        match self.as_pg() {
            Some(pg) => pg.municipality.get(),
            None => Some(crate::FIRST_MUNICIPALITY),
        }
    }

    /// Makes the connection act for `municipality` (None: for none, when it is handed back),
    /// for every statement after this one until it is changed again. PostgreSQL's row security
    /// then shows and accepts only that municipality's rows. No round trip when it already acts
    /// for that municipality.
    pub fn act_for(&self, municipality: Option<i64>) -> Result<()> {
        let Some(pg) = self.as_pg() else { return Ok(()) };
        // Acting for none is always said to the server: should an earlier change have failed
        // halfway, the connection would otherwise be handed on still acting for a municipality.
        if municipality.is_some() && pg.municipality.get() == municipality {
            return Ok(());
        }
        // Cleared first: should the statement fail, the connection acts for none.
        pg.municipality.set(None);
        let value = municipality.map(|m| m.to_string()).unwrap_or_default();
        self.query_row("SELECT set_config('hairyo.municipality', ?1, false)", [&value], |_| Ok(()))?;
        pg.municipality.set(municipality);
        Ok(())
    }

    /// Makes the connection act for the municipality `finder` (one of the schema's
    /// `hairyo_*_municipality` functions, which alone look across municipalities) names for
    /// `key`: the municipality of a login or a session, before anyone is signed in. For none
    /// when it names none. A connection already acting for a municipality stays with it: a
    /// login or token named by someone signed in (an administrator setting a password) is
    /// looked up in their own municipality only, never followed into another. On SQLite
    /// nothing changes.
    pub(crate) fn act_for_found(&self, finder: Finder, key: &str) -> Result<Option<i64>> {
        let Some(pg) = self.as_pg() else { return Ok(Some(crate::FIRST_MUNICIPALITY)) };
        if let Some(current) = pg.municipality.get() {
            return Ok(Some(current));
        }
        let sql = match finder {
            Finder::Login => "SELECT set_config('hairyo.municipality', coalesce(hairyo_staff_municipality(?1)::text, ''), false)",
            Finder::Session => "SELECT set_config('hairyo.municipality', coalesce(hairyo_session_municipality(?1)::text, ''), false)",
        };
        let set: String = self.prepare_cached(sql)?.query_row([key], |r| r.get(0))?;
        let found = set.parse().ok();
        pg.municipality.set(found);
        Ok(found)
    }

    /// `sql` with each `{own}` read as "a row of the municipality the connection acts for".
    /// Row security already keeps a desk's connection to its municipality; the statements
    /// that must be right also for a role it does not hold (the schema's owner setting a
    /// municipality up, where a wrong audit link or count would follow) say so themselves.
    /// A SQLite file is one municipality: every row is its own.
    pub(crate) fn own(&self, sql: &str) -> String {
        sql.replace("{own}", if self.is_pg() { OWN_ROW } else { "1 = 1" })
    }

    /// Chooses the text of a statement that the engines spell differently.
    pub fn dialect<'s>(&self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        if self.is_pg() {
            postgres
        } else {
            sqlite
        }
    }
}

/// The engines a migration file can speak to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A migration file both engines share, as `dialect` runs it. Most statements are the same on
/// both; where they differ, a line `-- sqlite only` or `-- postgres only` starts the lines for
/// one engine, and `-- both` returns to the shared ones. The other engine's lines are left out
/// (as blank lines, so an error's line number still points into the file).
pub fn for_engine(text: &str, dialect: Dialect) -> String {
    let mut keep = true;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match line.trim() {
            "-- sqlite only" => keep = dialect == Dialect::Sqlite,
            "-- postgres only" => keep = dialect == Dialect::Postgres,
            "-- both" => keep = true,
            _ if keep => out.push_str(line),
            _ => {}
        }
        out.push('\n');
    }
    out
}

/// `s` as a PostgreSQL string literal, for the few statements sent as text with no parameters
/// (see `AuditHandleMut::append_and_commit`). As libpq's `PQescapeLiteral`: quotes doubled,
/// and with a backslash the `E''` form with backslashes doubled, so the value reads the same
/// whatever `standard_conforming_strings` says. A NUL, which no text column holds, is refused.
pub fn pg_literal(s: &str) -> Result<String> {
    if s.contains('\0') {
        return Err(StoreError::Decode("文字列に NUL 文字があります".into()));
    }
    let quoted = s.replace('\'', "''");
    Ok(if s.contains('\\') { format!("E'{}'", quoted.replace('\\', "\\\\")) } else { format!("'{quoted}'") })
}

/// A SQLite value as the text PostgreSQL's simple protocol would give (for `raw::RawSession`).
pub(crate) fn lite_text(v: rusqlite::types::Value) -> Option<String> {
    use rusqlite::types::Value;
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(t) => Some(t),
        Value::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
    }
}

/// A prepared statement. Its engine's statement stays inside this package.
pub struct Statement<'a>(StatementOf<'a>);

enum StatementOf<'a> {
    Lite(rusqlite::CachedStatement<'a>),
    Pg(&'a PgConn, postgres::Statement),
}

impl Statement<'_> {
    /// How many columns the statement's result has.
    pub fn column_count(&self) -> usize {
        match &self.0 {
            StatementOf::Lite(s) => s.column_count(),
            StatementOf::Pg(_, s) => s.columns().len(),
        }
    }

    pub fn execute(&mut self, params: impl Params) -> Result<usize> {
        let vals = bound(params.vals());
        match &mut self.0 {
            StatementOf::Lite(s) => Ok(s.execute(rusqlite::params_from_iter(vals.iter()))?),
            StatementOf::Pg(c, s) => {
                let refs = pg_refs(&vals);
                Ok(c.client.borrow_mut().execute(s, &refs)? as usize)
            }
        }
    }

    /// Every row of the result, mapped by `f`, in order.
    pub fn query_map<T>(&mut self, params: impl Params, mut f: impl FnMut(&Row<'_>) -> Result<T>) -> Result<std::vec::IntoIter<Result<T>>> {
        let mut out = Vec::new();
        self.for_each(params, |r| {
            out.push(f(r));
            Ok(())
        })?;
        Ok(out.into_iter())
    }

    /// Calls `f` for every row; on SQLite as each row arrives, without holding the whole
    /// result (exports and other long reads).
    pub fn for_each(&mut self, params: impl Params, mut f: impl FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let vals = bound(params.vals());
        match &mut self.0 {
            StatementOf::Lite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(vals.iter()))?;
                while let Some(r) = rows.next()? {
                    f(&Row(RowOf::Lite(r)))?;
                }
                Ok(())
            }
            StatementOf::Pg(c, s) => {
                // The whole result is fetched before `f` runs: `f` may query the same
                // connection, which cannot start a statement while a result is streaming.
                let refs = pg_refs(&vals);
                let rows = c.client.borrow_mut().query(&*s, &refs)?;
                for r in &rows {
                    f(&Row(RowOf::Pg(r)))?;
                }
                Ok(())
            }
        }
    }

    pub fn query_row<T>(&mut self, params: impl Params, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        let vals = bound(params.vals());
        match &mut self.0 {
            StatementOf::Lite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(vals.iter()))?;
                match rows.next()? {
                    Some(r) => f(&Row(RowOf::Lite(r))),
                    None => Err(StoreError::NoRows),
                }
            }
            StatementOf::Pg(c, s) => {
                let refs = pg_refs(&vals);
                let rows = c.client.borrow_mut().query(&*s, &refs)?;
                match rows.first() {
                    Some(r) => f(&Row(RowOf::Pg(r))),
                    None => Err(StoreError::NoRows),
                }
            }
        }
    }

    /// True when the query returns at least one row.
    pub fn exists(&mut self, params: impl Params) -> Result<bool> {
        self.query_row(params, |_| Ok(())).optional().map(|o| o.is_some())
    }
}

// PostgreSQL.

/// A PostgreSQL connection with its prepared statements. The store is used from one thread at a
/// time (the window and the server hold each `Store` behind a lock), so interior mutability
/// with `RefCell` suffices for the client, which needs `&mut` for every call.
pub(crate) struct PgConn {
    pub(crate) client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    /// The URL it was opened with, for the server's own tools (pg_dump, pg_restore).
    pub(crate) url: String,
    /// The municipality this connection acts for (`hairyo.municipality`), as last set here;
    /// `None` while it acts for none and row security shows it nothing.
    municipality: std::cell::Cell<Option<i64>>,
}

impl PgConn {
    pub(crate) fn new(client: postgres::Client, url: &str) -> Self {
        PgConn { client: RefCell::new(client), statements: RefCell::new(HashMap::new()), url: url.to_string(), municipality: std::cell::Cell::new(None) }
    }

    fn prepare(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        // `CROSS JOIN … ON` is how the SQLite statements fix a join order (SQLite never
        // reorders a CROSS JOIN); PostgreSQL plans joins itself and spells it `JOIN`.
        let text = placeholders_for_pg(&sql.replace("CROSS JOIN", "JOIN"));
        let statement = self.client.borrow_mut().prepare(&text).map_err(|e| {
            if std::env::var_os("HAIRYO_DEBUG_SQL").is_some() {
                eprintln!("PostgreSQL refused to prepare: {e:?}\n{sql}");
            }
            e
        })?;
        self.statements.borrow_mut().insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Writes `rows` (each `columns.len()` values, flattened) into `table` with one COPY in
    /// text format: no statement to parse or plan and no parameters to bind, the fastest way
    /// into PostgreSQL. A value that is the text form of an array (`{"a","b"}`) fills an
    /// array column. PostgreSQL refuses COPY into a table under row security, so the rows go
    /// into a temporary table of the same columns first and from there in one INSERT, which
    /// the policy checks like any other.
    pub fn copy_in(&self, table: &str, columns: &[&str], rows: &[Val<'_>]) -> Result<u64> {
        use std::io::Write as _;
        let mut text = String::with_capacity(rows.len() * 16);
        for row in rows.chunks(columns.len()) {
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    text.push('\t');
                }
                copy_text(v, &mut text);
            }
            text.push('\n');
        }
        let mut client = self.client.borrow_mut();
        let (staging, list) = (format!("hairyo_copy_{table}"), columns.join(", "));
        client.batch_execute(&format!("DROP TABLE IF EXISTS pg_temp.{staging}; CREATE TEMP TABLE {staging} AS SELECT {list} FROM {table} WITH NO DATA"))?;
        let mut writer = client.copy_in(&format!("COPY pg_temp.{staging} ({list}) FROM STDIN"))?;
        writer.write_all(text.as_bytes()).map_err(|e| StoreError::Decode(format!("COPY: {e}")))?;
        writer.finish()?;
        let inserted = client.execute(&format!("INSERT INTO {table} ({list}) SELECT {list} FROM pg_temp.{staging}"), &[])?;
        client.batch_execute(&format!("DROP TABLE pg_temp.{staging}"))?;
        Ok(inserted)
    }

    /// Forgets the prepared statements, after the schema changed under them.
    pub fn forget_statements(&self) {
        self.statements.borrow_mut().clear();
    }
}

/// One value in COPY's text format: `\N` for NULL, backslash, tab and line breaks escaped.
fn copy_text(v: &Val<'_>, out: &mut String) {
    match v {
        Val::Null => out.push_str("\\N"),
        Val::Int(i) => out.push_str(&i.to_string()),
        Val::Real(f) => out.push_str(&f.to_string()),
        Val::Text(t) => {
            for c in t.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
        Val::Blob(b) => {
            out.push_str("\\\\x");
            for byte in b.iter() {
                out.push_str(&format!("{byte:02x}"));
            }
        }
    }
}

/// The text form of a PostgreSQL text array holding `items`, every element quoted.
pub fn text_array<'i>(items: impl Iterator<Item = &'i str>) -> String {
    let mut out = String::from("{");
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

/// SQLite's `?1` and `?` placeholders as PostgreSQL's `$1`: outside string literals, quoted
/// names and comments only.
pub fn placeholders_for_pg(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1usize;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&format!("${next}"));
                    next += 1;
                } else {
                    next = digits.parse::<usize>().unwrap_or(0) + 1;
                    out.push('$');
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn pg_refs<'v>(vals: &'v [Bound<'_>]) -> Vec<&'v (dyn postgres::types::ToSql + Sync)> {
    vals.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect()
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// A value is written as the type PostgreSQL inferred for its placeholder, the way SQLite's
/// type affinity takes it: an integer for a TEXT parameter is its decimal text, a text for a
/// BIGINT parameter is parsed.
fn val_to_pg(v: &Val<'_>, ty: &postgres::types::Type, out: &mut bytes::BytesMut) -> std::result::Result<postgres::types::IsNull, BoxError> {
    use postgres::types::{IsNull, ToSql, Type};
    let texty = |t: &Type| matches!(*t, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN);
    match v {
        Val::Null => Ok(IsNull::Yes),
        Val::Int(i) => match *ty {
            Type::INT8 => i.to_sql(ty, out),
            Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Type::FLOAT8 => (*i as f64).to_sql(ty, out),
            Type::FLOAT4 => (*i as f32).to_sql(ty, out),
            Type::BOOL => (*i != 0).to_sql(ty, out),
            ref t if texty(t) => i.to_string().as_str().to_sql(&Type::TEXT, out),
            _ => Err(format!("整数を {ty} の引数には渡せません").into()),
        },
        Val::Real(f) => match *ty {
            Type::FLOAT8 => f.to_sql(ty, out),
            Type::FLOAT4 => (*f as f32).to_sql(ty, out),
            ref t if texty(t) => f.to_string().as_str().to_sql(&Type::TEXT, out),
            _ => Err(format!("実数を {ty} の引数には渡せません").into()),
        },
        Val::Text(s) => match *ty {
            Type::INT8 => s.parse::<i64>()?.to_sql(ty, out),
            Type::INT4 => s.parse::<i32>()?.to_sql(ty, out),
            Type::FLOAT8 => s.parse::<f64>()?.to_sql(ty, out),
            Type::BYTEA => s.as_bytes().to_sql(ty, out),
            ref t if texty(t) => s.as_ref().to_sql(&Type::TEXT, out),
            // JSON's binary form is its text; JSONB's is a version byte, then the text.
            Type::JSON => {
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            Type::JSONB => {
                out.extend_from_slice(&[1]);
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            Type::TEXT_ARRAY => Err("文字列の配列には Val::Text ではなく配列を渡してください".into()),
            _ => Err(format!("文字列を {ty} の引数には渡せません").into()),
        },
        Val::Blob(b) => match *ty {
            Type::BYTEA => b.as_ref().to_sql(ty, out),
            _ => Err(format!("バイト列を {ty} の引数には渡せません").into()),
        },
    }
}

impl postgres::types::ToSql for Bound<'_> {
    fn to_sql(&self, ty: &postgres::types::Type, out: &mut bytes::BytesMut) -> std::result::Result<postgres::types::IsNull, BoxError> {
        val_to_pg(&self.0, ty, out)
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A column read from PostgreSQL as the storage class it stands for.
struct PgVal(Val<'static>);

impl<'a> postgres::types::FromSql<'a> for PgVal {
    fn from_sql(ty: &postgres::types::Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        use postgres::types::Type;
        Ok(PgVal(match *ty {
            Type::INT8 => Val::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Val::Int(i32::from_sql(ty, raw)? as i64),
            Type::INT2 => Val::Int(i16::from_sql(ty, raw)? as i64),
            Type::OID => Val::Int(u32::from_sql(ty, raw)? as i64),
            Type::BOOL => Val::Int(bool::from_sql(ty, raw)? as i64),
            Type::FLOAT8 => Val::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Val::Real(f32::from_sql(ty, raw)? as f64),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Val::Blob(Cow::Owned(raw.to_vec())),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => Val::Text(Cow::Owned(String::from_sql(ty, raw)?)),
            _ => return Err(format!("読めない型の列です ({ty})").into()),
        }))
    }

    fn from_sql_null(_: &postgres::types::Type) -> std::result::Result<Self, BoxError> {
        Ok(PgVal(Val::Null))
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}

/// NUMERIC in PostgreSQL's binary form (what `sum(bigint)` and `avg` return): an integer when it
/// has no fraction, as SQLite gives it, otherwise a real.
fn numeric(raw: &[u8]) -> std::result::Result<Val<'static>, BoxError> {
    let word = |i: usize| -> std::result::Result<i16, BoxError> {
        raw.get(i..i + 2).map(|b| i16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "NUMERIC が短すぎます".into())
    };
    let (ndigits, weight, sign, dscale) = (word(0)? as usize, word(2)? as i32, word(4)? as u16, word(6)?);
    if sign == 0xC000 {
        return Ok(Val::Real(f64::NAN));
    }
    let mut digits = Vec::with_capacity(ndigits);
    for k in 0..ndigits {
        digits.push(word(8 + 2 * k)? as i64);
    }
    let negative = sign == 0x4000;
    // Digits are base 10000; the first one stands for 10000^weight.
    let integral = dscale == 0 && digits.iter().enumerate().all(|(k, d)| *d == 0 || weight - k as i32 >= 0);
    if integral && weight < 4 {
        let mut v: i64 = 0;
        for k in 0..=weight.max(-1) {
            v = v * 10000 + digits.get(k as usize).copied().unwrap_or(0);
        }
        return Ok(Val::Int(if negative { -v } else { v }));
    }
    let mut v = 0f64;
    for (k, d) in digits.iter().enumerate() {
        v += *d as f64 * 10000f64.powi(weight - k as i32);
    }
    Ok(Val::Real(if negative { -v } else { v }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_migration_keeps_each_engines_lines() {
        let text = "CREATE TABLE t (a TEXT);\n-- sqlite only\nCREATE INDEX i ON t(a);\n-- postgres only\nCREATE INDEX i ON t(a COLLATE \"C\");\n-- both\nINSERT INTO t VALUES ('x');\n";
        let lite = for_engine(text, Dialect::Sqlite);
        let pg = for_engine(text, Dialect::Postgres);
        assert!(lite.contains("ON t(a);") && !lite.contains("COLLATE") && lite.contains("INSERT"), "{lite}");
        assert!(pg.contains("COLLATE \"C\"") && !pg.contains("ON t(a);") && pg.contains("INSERT"), "{pg}");
        // Lines keep their numbers, so an engine's error points into the file.
        assert_eq!(lite.lines().count(), text.lines().count());
        assert_eq!(for_engine("SELECT 1;\n", Dialect::Postgres), "SELECT 1;\n");
    }

    #[test]
    fn literals_quote_as_libpq_does() {
        assert_eq!(pg_literal("上野").unwrap(), "'上野'");
        assert_eq!(pg_literal("O'Brien").unwrap(), "'O''Brien'");
        assert_eq!(pg_literal("a\\'b").unwrap(), "E'a\\\\''b'");
        assert!(pg_literal("a\0b").is_err());
    }

    #[test]
    fn placeholders_become_numbered_outside_literals() {
        assert_eq!(placeholders_for_pg("SELECT ?1, ?2 WHERE a = '?' AND b = ?1"), "SELECT $1, $2 WHERE a = '?' AND b = $1");
        assert_eq!(placeholders_for_pg("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
        assert_eq!(placeholders_for_pg("SELECT \"a?\" -- why?\n, ?3"), "SELECT \"a?\" -- why?\n, $3");
    }

    #[test]
    fn numeric_is_read_as_sqlite_gives_it() {
        // 12345678: weight 1, digits [1234, 5678].
        let raw = [0, 2, 0, 1, 0, 0, 0, 0, 0x04, 0xD2, 0x16, 0x2E];
        assert_eq!(numeric(&raw).unwrap(), Val::Int(12_345_678));
        // 20000: weight 1, digits [2] (trailing zero words dropped).
        let raw = [0, 1, 0, 1, 0, 0, 0, 0, 0, 2];
        assert_eq!(numeric(&raw).unwrap(), Val::Int(20_000));
        // 0: no digits.
        let raw = [0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(numeric(&raw).unwrap(), Val::Int(0));
        // -1.5: weight 0, digits [1, 5000], dscale 1.
        let raw = [0, 2, 0, 0, 0x40, 0, 0, 1, 0, 1, 0x13, 0x88];
        assert_eq!(numeric(&raw).unwrap(), Val::Real(-1.5));
    }
}
