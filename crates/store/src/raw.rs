//! A plain session on a database, outside the store's schema handling: no migration, no version
//! check, no audit, values read back as text. For the operator's own statements (a role, a
//! database) and for the tests that tamper with a database as someone holding the file or the
//! owner's password would. The core never uses it; it exists so that nothing outside this
//! package needs an engine's crate.

use std::path::Path;

use super::StoreError;

/// An open session on a SQLite file or a PostgreSQL server.
pub struct RawSession {
    engine: Engine,
}

enum Engine {
    Lite(rusqlite::Connection),
    Pg(Box<postgres::Client>),
}

impl RawSession {
    /// The SQLite file at `path`, as it is (nothing is migrated or checked).
    pub fn file(path: &Path) -> Result<RawSession, StoreError> {
        let conn = rusqlite::Connection::open(path).map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
        Ok(RawSession { engine: Engine::Lite(conn) })
    }

    /// The PostgreSQL database at `url`, connected as securely as the store connects, under
    /// the application name `hairyo-raw` (so that it is not counted among Hairyo's own).
    pub fn server(url: &str) -> Result<RawSession, StoreError> {
        let mut client = super::pg_tls::connect(url)?;
        client.batch_execute("SET application_name = 'hairyo-raw'")?;
        Ok(RawSession { engine: Engine::Pg(Box::new(client)) })
    }

    /// Runs statements separated by `;`, without parameters.
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match &mut self.engine {
            Engine::Lite(c) => Ok(c.execute_batch(sql)?),
            Engine::Pg(c) => Ok(c.batch_execute(sql)?),
        }
    }

    /// The rows of one statement without parameters, each value as text (`None` for NULL).
    pub fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, StoreError> {
        match &mut self.engine {
            Engine::Lite(c) => {
                let mut stmt = c.prepare(sql)?;
                let n = stmt.column_count();
                let rows = stmt.query_map([], |r| (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(super::sql::lite_text)).collect())?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Engine::Pg(c) => Ok(c
                .simple_query(sql)?
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => Some((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect()),
                    _ => None,
                })
                .collect()),
        }
    }

    /// The first column of the first row of one statement, as an integer.
    pub fn integer(&mut self, sql: &str) -> Result<i64, StoreError> {
        let rows = self.rows(sql)?;
        let text = rows.first().and_then(|r| r.first().cloned().flatten()).ok_or(StoreError::NoRows)?;
        text.parse().map_err(|_| StoreError::Decode(format!("整数ではありません: {text}")))
    }
}
