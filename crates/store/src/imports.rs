//! Bulk loads of persons from an import: batched inserts, updates of only the changed columns,
//! the secondary indexes rebuilt once at the end, and the saved column mappings.

use std::collections::HashMap;

use super::sql::OptionalExtension;

use super::search::{BulkIndexing, SearchHandleMut};
use super::{Read, StoreError, Write};
use crate::model::person::{Person, SearchKeys};

/// Rows an import adds in one INSERT statement. Each statement execution builds small
/// temporary tables for the CHECK (… IN (…)) constraints and opens a statement journal; one
/// statement per hundred rows instead of per row made an import of 200,000 rows several times
/// faster.
pub const INSERT_BATCH: usize = 100;

/// The columns an import writes for a new person, in the order of [`imported_row`].
const IMPORTED_COLUMNS: [&str; 25] = [
    "atena_no",
    "name",
    "kana",
    "name_norm",
    "kana_norm",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "phone",
    "householder",
    "scheme",
    "insurer_no",
    "card_symbol",
    "card_number",
    "card_branch",
    "household_no",
    "relationship",
    "alias",
    "alias_norm",
    "residence_until",
    "name_chars",
    "kana_chars",
    "created_at",
    "updated_at",
];

/// A new person's values for [`IMPORTED_COLUMNS`].
fn imported_row<'r>(p: &'r Person, keys: &'r SearchKeys, stamp: &'r &str) -> [&'r dyn super::sql::Param; 25] {
    [
        &p.atena_no,
        &p.name,
        &p.kana,
        &keys.name,
        &keys.kana,
        &p.birth_date,
        &p.sex,
        &p.postal_code,
        &p.address,
        &p.phone,
        &p.householder,
        &p.scheme,
        &p.insurer_no,
        &p.card_symbol,
        &p.card_number,
        &p.card_branch,
        &p.household_no,
        &p.relationship,
        &p.alias,
        &keys.alias,
        &p.residence_until,
        &keys.name_chars,
        &keys.kana_chars,
        stamp,
        stamp,
    ]
}

/// A field an import writes to a person it already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportedField {
    AtenaNo,
    Name,
    Kana,
    PostalCode,
    Address,
    Phone,
    Householder,
    InsurerNo,
    CardSymbol,
    CardNumber,
    CardBranch,
    HouseholdNo,
    Relationship,
    Alias,
    ResidenceUntil,
    BirthDate,
    Sex,
    Scheme,
    /// The four search keys computed from the name and reading.
    SearchKeys,
}

/// The settings key a mapping profile is saved under.
fn profile_key(name: &str) -> String {
    format!("import_profile.{name}")
}

/// The page cache as it was before an import narrowed it.
#[derive(Debug, Clone, Copy)]
pub struct PageCache(i64);

/// Reads what an import looks up before it writes.
pub struct ImportsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn imports(&self) -> ImportsHandle<'a> {
        ImportsHandle { conn: self.conn }
    }
}

impl ImportsHandle<'_> {
    /// Every stored 宛名番号 with its person's id.
    pub fn atena_ids(&self) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT atena_no, id FROM person WHERE atena_no IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The saved mapping profile called `name`, as its JSON text.
    pub fn profile(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT value FROM setting WHERE key = ?1", [profile_key(name)], |r| r.get(0)).optional()
    }

    /// Every saved mapping profile as its JSON text, by name.
    pub fn profiles(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT value FROM setting WHERE key LIKE 'import\\_profile.%' ESCAPE '\\' ORDER BY key")?;
        let rows = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Narrows the page cache for a bulk load: 16 MB is plenty for an append-mostly load and
    /// keeps a 200,000-row import under 200 MB of memory. Returns the cache to restore after.
    pub fn narrow_page_cache(&self) -> Result<PageCache, StoreError> {
        // PostgreSQL's buffers are the server's, not this process's memory.
        if self.conn.is_pg() {
            return Ok(PageCache(0));
        }
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn.execute_batch("PRAGMA cache_size = -16384")?;
        Ok(PageCache(cache))
    }

    /// Puts back the page cache [`ImportsHandle::narrow_page_cache`] replaced.
    pub fn restore_page_cache(&self, cache: PageCache) -> Result<(), StoreError> {
        if !self.conn.is_pg() {
            self.conn.execute_batch(&format!("PRAGMA cache_size = {}", cache.0))?;
        }
        Ok(())
    }
}

/// A bulk load in progress, from [`ImportsHandleMut::begin_bulk_load`] to
/// [`ImportsHandleMut::finish_bulk_load`].
pub struct BulkLoad {
    search: BulkIndexing,
    /// The definitions of the indexes dropped for the load, recreated when it finishes.
    dropped_indexes: Vec<String>,
}

/// Writes an import, inside its one transaction.
pub struct ImportsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn imports_mut(&self) -> ImportsHandleMut<'a> {
        ImportsHandleMut { conn: self.conn }
    }
}

impl ImportsHandleMut<'_> {
    /// The search indexes, kept in step by the load over the same transaction.
    fn search(&self) -> SearchHandleMut<'_> {
        SearchHandleMut { conn: self.conn }
    }

    /// Saves a mapping profile (its JSON text) under its name, replacing one of that name.
    pub fn save_profile(&self, name: &str, json: &str) -> Result<(), StoreError> {
        super::settings::upsert(self.conn, &profile_key(name), json)?;
        Ok(())
    }

    /// Starts a bulk load: the search indexes are kept in step by the load itself (see
    /// [`BulkIndexing`]), and with `rebuild_indexes` the person table's secondary indexes are
    /// dropped, to be built once at the end (a sort) instead of taking 200,000 random keys
    /// each. The UNIQUE 宛名番号 index stays, and so do the partial indexes (over the rows with
    /// a facility or an old-card expiry), which get no entries from imported rows. Everything
    /// happens inside the caller's transaction, so a rollback brings it all back.
    pub fn begin_bulk_load(&self, rebuild_indexes: bool) -> Result<BulkLoad, StoreError> {
        let search = self.search().begin_bulk()?;
        if self.conn.is_pg() {
            // The search pieces' GIN index takes new rows into its pending list and merges the
            // list in memory of `work_mem`; at the default 4 MB a 200,000-row import merged in
            // small steps and took 6.6–6.8 s, at 64 MB 5.2 s (docs/performance.md). For this
            // transaction only.
            self.conn.execute_batch("SET LOCAL work_mem = '64MB'")?;
        }
        // On PostgreSQL a dropped index would lock every other desk out of the person table
        // until the import commits; its indexes take the rows as they come.
        let dropped_indexes = if rebuild_indexes && !self.conn.is_pg() {
            let mut stmt = self.conn.prepare(
                "SELECT m.name, m.sql FROM pragma_index_list('person') i JOIN sqlite_master m ON m.name = i.name
                     WHERE i.origin = 'c' AND i.\"unique\" = 0 AND i.partial = 0",
            )?;
            let found: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            drop(stmt);
            for (name, _) in &found {
                self.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
            found.into_iter().map(|(_, sql)| sql).collect()
        } else {
            vec![]
        };
        Ok(BulkLoad { search, dropped_indexes })
    }

    /// Inserts new persons (at most [`INSERT_BATCH`] at once). Only the columns an import
    /// carries are written; everything else takes the schema's defaults, which are the
    /// defaults validation gives an imported row. [`ImportsHandleMut::index_inserted`] or
    /// [`ImportsHandleMut::finish_bulk_load`] indexes them for search.
    pub fn insert_batch(&self, rows: &[(Person, SearchKeys)], stamp: &str) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        if let Some(pg) = self.conn.as_pg() {
            return Self::copy_batch(pg, rows, stamp);
        }
        // PostgreSQL's rows carry their search pieces too (see `normalize::pieces`).
        let pg = self.conn.is_pg();
        let width = if pg { 26 } else { 25 };
        let one_row = format!("({})", if pg { format!("{}, string_to_array(?, chr(31))", ["?"; 25].join(",")) } else { ["?"; 25].join(",") });
        let sql = format!(
            "INSERT INTO person ({}{}) VALUES {}",
            IMPORTED_COLUMNS.join(", "),
            if pg { ", search_grams" } else { "" },
            vec![one_row; rows.len()].join(",")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut all: Vec<&dyn super::sql::Param> = Vec::with_capacity(rows.len() * width);
        for (p, keys) in rows {
            all.extend(imported_row(p, keys, &stamp));
            if pg {
                all.push(&keys.pieces);
            }
        }
        stmt.execute(&all)?;
        Ok(())
    }

    /// [`ImportsHandleMut::insert_batch`] on PostgreSQL: one COPY, with the search pieces.
    fn copy_batch(pg: &super::sql::PgConn, rows: &[(Person, SearchKeys)], stamp: &str) -> Result<(), StoreError> {
        use super::sql::{Param, Val};
        let columns: Vec<&str> = IMPORTED_COLUMNS.iter().copied().chain(["search_grams"]).collect();
        let mut values: Vec<Val<'_>> = Vec::with_capacity(rows.len() * columns.len());
        let arrays: Vec<String> =
            rows.iter().map(|(_, keys)| super::sql::text_array(keys.pieces.split(crate::text::normalize::PIECE_SEPARATOR).filter(|p| !p.is_empty()))).collect();
        for ((p, keys), pieces) in rows.iter().zip(&arrays) {
            values.extend(imported_row(p, keys, &stamp).into_iter().chain([pieces as &dyn Param]).map(|v| v.val()));
        }
        pg.copy_in("person", &columns, &values)?;
        Ok(())
    }

    /// How many new persons an import hands to [`ImportsHandleMut::insert_batch`] at once:
    /// [`INSERT_BATCH`] for SQLite's multi-row INSERT, more for PostgreSQL's COPY, where each
    /// batch is a round trip.
    pub fn batch_rows(&self) -> usize {
        if self.conn.is_pg() {
            5000
        } else {
            INSERT_BATCH
        }
    }

    /// Writes `fields` of `p` (with `keys`, its search keys) to person `id`, and nothing else:
    /// an unchanged column costs no index update, and a re-import of 200,000 rows where only
    /// addresses changed touches no name index. When the search keys change, the row's old
    /// index terms are noted first, for [`ImportsHandleMut::finish_bulk_load`] to replace; the
    /// `load` argument is there because only during a bulk load is there a place to note them.
    pub fn update_columns(&self, _load: &BulkLoad, id: i64, p: &Person, keys: &SearchKeys, fields: &[ImportedField], stamp: &str) -> Result<(), StoreError> {
        let mut changes: Vec<(&'static str, &dyn super::sql::Param)> = Vec::with_capacity(fields.len() + 4);
        for field in fields {
            match field {
                ImportedField::AtenaNo => changes.push(("atena_no", &p.atena_no)),
                ImportedField::Name => changes.push(("name", &p.name)),
                ImportedField::Kana => changes.push(("kana", &p.kana)),
                ImportedField::PostalCode => changes.push(("postal_code", &p.postal_code)),
                ImportedField::Address => changes.push(("address", &p.address)),
                ImportedField::Phone => changes.push(("phone", &p.phone)),
                ImportedField::Householder => changes.push(("householder", &p.householder)),
                ImportedField::InsurerNo => changes.push(("insurer_no", &p.insurer_no)),
                ImportedField::CardSymbol => changes.push(("card_symbol", &p.card_symbol)),
                ImportedField::CardNumber => changes.push(("card_number", &p.card_number)),
                ImportedField::CardBranch => changes.push(("card_branch", &p.card_branch)),
                ImportedField::HouseholdNo => changes.push(("household_no", &p.household_no)),
                ImportedField::Relationship => changes.push(("relationship", &p.relationship)),
                ImportedField::Alias => changes.extend([("alias", &p.alias as &dyn super::sql::Param), ("alias_norm", &keys.alias)]),
                ImportedField::ResidenceUntil => changes.push(("residence_until", &p.residence_until)),
                ImportedField::BirthDate => changes.push(("birth_date", &p.birth_date)),
                ImportedField::Sex => changes.push(("sex", &p.sex)),
                ImportedField::Scheme => changes.push(("scheme", &p.scheme)),
                ImportedField::SearchKeys => changes.extend([
                    ("name_norm", &keys.name as &dyn super::sql::Param),
                    ("kana_norm", &keys.kana),
                    ("name_chars", &keys.name_chars),
                    ("kana_chars", &keys.kana_chars),
                ]),
            }
        }
        if fields.contains(&ImportedField::SearchKeys) {
            self.search().note_rewrite(id)?;
            if self.conn.is_pg() {
                changes.push(("search_grams", &keys.pieces));
            }
        }
        let assignments: Vec<String> = changes
            .iter()
            .enumerate()
            .map(|(i, (column, _))| match *column {
                "search_grams" => format!("search_grams = string_to_array(?{}, chr(31))", i + 1),
                _ => format!("{column} = ?{}", i + 1),
            })
            .collect();
        let n = changes.len();
        let sql = format!("UPDATE person SET {}, updated_at = ?{} WHERE id = ?{}", assignments.join(", "), n + 1, n + 2);
        let mut params: Vec<&dyn super::sql::Param> = changes.iter().map(|(_, v)| *v).collect();
        params.push(&stamp);
        params.push(&id);
        self.conn.prepare_cached(&sql)?.execute(&params)?;
        Ok(())
    }

    /// Indexes the persons inserted since the last call, so the search index grows as the
    /// rows arrive.
    pub fn index_inserted(&self, load: &mut BulkLoad) -> Result<(), StoreError> {
        self.search().index_inserted(&mut load.search)
    }

    /// Ends a bulk load: recreates the dropped indexes, then brings the search indexes up to
    /// date and puts their update trigger back.
    pub fn finish_bulk_load(&self, load: BulkLoad) -> Result<(), StoreError> {
        for sql in &load.dropped_indexes {
            self.conn.execute_batch(sql)?;
        }
        self.search().finish_bulk(load.search)
    }
}
