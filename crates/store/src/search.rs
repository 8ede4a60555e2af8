//! The person search indexes (FTS5: trigrams for keys of three or more characters, single
//! characters below that; on PostgreSQL a GIN index over every one- and two-character piece of
//! the keys) and the key lookups a search ranks its hits from.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::text::normalize;

/// Which search key of a person a prefix lookup scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyColumn {
    Name,
    Kana,
}

impl KeyColumn {
    fn column(self) -> &'static str {
        match self {
            KeyColumn::Name => "name_norm",
            KeyColumn::Kana => "kana_norm",
        }
    }
}

/// The upper bound of a prefix range over text keys.
fn prefix_end(key: &str) -> String {
    format!("{key}\u{10FFFF}")
}

fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// What [`SearchHandle::by_key`] found for a key.
#[derive(Debug, Clone, Default)]
pub struct KeyMatches {
    /// Persons whose name or reading key is the key, by id.
    pub exact: Vec<i64>,
    /// Persons whose name key starts with the key, in key order.
    pub name_prefix: Vec<i64>,
    /// Persons whose reading key starts with the key, in key order.
    pub kana_prefix: Vec<i64>,
    /// Persons whose name or reading contains the key, by id.
    pub containing: Vec<i64>,
    /// How many contain the key, counted up to the cap.
    pub containing_total: i64,
}

/// Looks persons up by their search keys.
pub struct SearchHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn search(&self) -> SearchHandle<'a> {
        SearchHandle { conn: self.conn }
    }
}

impl SearchHandle<'_> {
    /// Ids of the persons holding this 宛名番号.
    pub fn ids_with_atena(&self, atena_no: &str) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM person WHERE atena_no = ?1")?;
        let ids = stmt.query_map([atena_no], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// How many persons were born on `d`.
    pub fn count_born_on(&self, d: NaiveDate) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT count(*) FROM person WHERE birth_date = ?1", [d], |r| r.get(0))
    }

    /// Ids of the first `limit` persons born on `d`, by reading then id.
    pub fn born_on(&self, d: NaiveDate, limit: i64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM person WHERE birth_date = ?1 ORDER BY kana_norm, id LIMIT ?2")?;
        let ids = stmt.query_map(params![d, limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Ids of the persons whose name key or reading key is exactly `key`, in no set order.
    pub fn exact(&self, key: &str) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM person WHERE name_norm = ?1 UNION SELECT id FROM person WHERE kana_norm = ?1")?;
        let ids = stmt.query_map([key], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Ids of the first `limit` persons whose `column` key starts with `key` (and is longer),
    /// in key order: a range scan that stops after a page, with no sort of every person whose
    /// name starts with a common surname.
    pub fn with_prefix(&self, column: KeyColumn, key: &str, limit: i64) -> Result<Vec<i64>, StoreError> {
        let column = column.column();
        let mut stmt = self.conn.prepare_cached(&format!("SELECT id FROM person WHERE {column} > ?1 AND {column} < ?2 ORDER BY {column}, id LIMIT ?3"))?;
        let ids = stmt.query_map(params![key, prefix_end(key), limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Everyone a name or reading key finds, by how: exact keys, the first `want` key prefixes
    /// of each kind in key order, and up to `want` of those containing the key (lowest ids
    /// first) with their number counted up to `cap`. The search ranks them; this only fetches.
    /// When a prefix alone reaches `cap`, so does the number containing the key (every prefix
    /// match contains it) and the containing ids are not fetched: a common surname's reading
    /// is then answered from the key indexes alone. On PostgreSQL it is one statement (one
    /// round trip instead of five).
    pub fn by_key(&self, key: &str, want: i64, cap: i64) -> Result<KeyMatches, StoreError> {
        if self.conn.is_pg() {
            return self.by_key_pg(key, want, cap);
        }
        let mut exact = self.exact(key)?;
        exact.sort_unstable();
        let name_prefix = self.with_prefix(KeyColumn::Name, key, want)?;
        let kana_prefix = self.with_prefix(KeyColumn::Kana, key, want)?;
        let reaches_cap = self.count_with_prefix(KeyColumn::Kana, key, cap)? >= cap || self.count_with_prefix(KeyColumn::Name, key, cap)? >= cap;
        let (containing, containing_total) = if reaches_cap { (vec![], cap) } else { self.containing(key, want + exact.len() as i64 + 2 * want, cap)? };
        Ok(KeyMatches { exact, name_prefix, kana_prefix, containing, containing_total })
    }

    /// Persons whose 通称 contains `key` (few have one: a partial index holds only them), each
    /// with whether it is the whole 通称; lowest ids first, up to `limit`.
    pub fn with_alias(&self, key: &str, limit: i64) -> Result<Vec<(i64, bool)>, StoreError> {
        let sql = format!(
            "SELECT id, alias_norm FROM person WHERE alias <> '' AND {} > 0 ORDER BY id LIMIT ?2",
            self.conn.dialect("instr(alias_norm, ?1)", "strpos(alias_norm, ?1)")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![key, limit], |r| {
                let alias: String = r.get(1)?;
                Ok((r.get(0)?, alias == key))
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn by_key_pg(&self, key: &str, want: i64, cap: i64) -> Result<KeyMatches, StoreError> {
        let chars: Vec<char> = key.chars().collect();
        let mut pieces: Vec<String> = if chars.len() <= 2 { vec![key.to_string()] } else { chars.windows(2).map(|w| w.iter().collect()).collect() };
        pieces.sort_unstable();
        pieces.dedup();
        // The pieces are looked up through `hairyo_person_grams` (migration 0041), which reads
        // the GIN index that row security would not let this statement read.
        let check = if chars.len() <= 2 { "''" } else { "?1" };
        let sql = format!(
            "WITH prefix_count AS (
                 SELECT greatest((SELECT count(*) FROM (SELECT 1 FROM person WHERE kana_norm > ?1 AND kana_norm < ?2 LIMIT ?4) k),
                                 (SELECT count(*) FROM (SELECT 1 FROM person WHERE name_norm > ?1 AND name_norm < ?2 LIMIT ?4) n)) AS n)
             SELECT 0, id, '' FROM (SELECT id FROM person WHERE name_norm = ?1 UNION SELECT id FROM person WHERE kana_norm = ?1) e
             UNION ALL SELECT 1, id, k FROM (SELECT id, name_norm AS k FROM person WHERE name_norm > ?1 AND name_norm < ?2 ORDER BY name_norm, id LIMIT ?3) pn
             UNION ALL SELECT 2, id, k FROM (SELECT id, kana_norm AS k FROM person WHERE kana_norm > ?1 AND kana_norm < ?2 ORDER BY kana_norm, id LIMIT ?3) pk
             UNION ALL SELECT 3, id, '' FROM (SELECT g AS id FROM hairyo_person_grams(string_to_array(?5, chr(31)), {check}, ?4) g
                                          WHERE (SELECT n FROM prefix_count) < ?4) c
             UNION ALL SELECT 4, n, '' FROM prefix_count"
        );
        let mut m = KeyMatches::default();
        let mut prefix_count = 0;
        let rows: Vec<(i64, i64, String)> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![key, prefix_end(key), want, cap, pieces.join(&normalize::PIECE_SEPARATOR.to_string())], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        let (mut name_prefix, mut kana_prefix) = (Vec::new(), Vec::new());
        for (kind, id, k) in rows {
            match kind {
                0 => m.exact.push(id),
                1 => name_prefix.push((k, id)),
                2 => kana_prefix.push((k, id)),
                3 => m.containing.push(id),
                _ => prefix_count = id,
            }
        }
        // A UNION's branches may arrive interleaved (a parallel plan): each list is put back
        // in its own order, key then id for the prefixes (the key compares as bytes, as
        // `COLLATE "C"` does), id for the rest.
        name_prefix.sort_unstable();
        kana_prefix.sort_unstable();
        m.name_prefix = name_prefix.into_iter().map(|(_, id)| id).collect();
        m.kana_prefix = kana_prefix.into_iter().map(|(_, id)| id).collect();
        m.exact.sort_unstable();
        if prefix_count >= cap {
            m.containing.clear();
            m.containing_total = cap;
        } else {
            m.containing_total = m.containing.len() as i64;
            m.containing.sort_unstable();
        }
        Ok(m)
    }

    /// How many persons' `column` key starts with `key` (and is longer), counted up to `cap`
    /// from the key index alone.
    pub fn count_with_prefix(&self, column: KeyColumn, key: &str, cap: i64) -> Result<i64, StoreError> {
        let column = column.column();
        self.conn
            .prepare_cached(&format!("SELECT count(*) FROM (SELECT 1 FROM person WHERE {column} > ?1 AND {column} < ?2 LIMIT ?3) hits"))?
            .query_row(params![key, prefix_end(key), cap], |r| r.get(0))
    }

    /// Ids of up to `limit` persons whose name or reading contains `key`, from the index that
    /// fits its length, and their number counted up to `cap`.
    pub fn containing(&self, key: &str, limit: i64, cap: i64) -> Result<(Vec<i64>, i64), StoreError> {
        if self.conn.is_pg() {
            return self.containing_pg(key, limit, cap);
        }
        let (table, phrase) = if key.chars().count() >= 3 { ("person_tri", fts_phrase(key)) } else { ("person_uni", fts_phrase(&normalize::spaced(key))) };
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)"))?
            .query_row(params![phrase, cap], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2"))?;
        let ids = stmt.query_map(params![phrase, limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok((ids, total))
    }

    /// The same on PostgreSQL, in one statement. A key of one or two characters is one piece
    /// of `search_grams`, so membership is the answer; a longer key asks for all of its
    /// two-character pieces, then checks the keys themselves (`strpos` compares characters, so
    /// neither the collation nor LC_CTYPE enters the result). Up to `cap` matches are read
    /// from the GIN index in the table's order and the lowest ids kept: below the cap that is
    /// exactly SQLite's answer; at the cap, which of the many matches fill the page may differ
    /// (the count, "at least `cap`", does not). An ORDER BY id over every match of a common
    /// piece would read thousands of rows for a page of twenty.
    /// The index is read through `hairyo_person_grams` (migration 0041): under row security
    /// the statement itself could not use it.
    fn containing_pg(&self, key: &str, limit: i64, cap: i64) -> Result<(Vec<i64>, i64), StoreError> {
        let chars: Vec<char> = key.chars().collect();
        let sep = normalize::PIECE_SEPARATOR.to_string();
        let mut stmt;
        let mut ids: Vec<i64> = if chars.len() <= 2 {
            stmt = self.conn.prepare_cached("SELECT hairyo_person_grams(ARRAY[?1], '', ?2)")?;
            stmt.query_map(params![key, cap], |r| r.get(0))?.collect::<Result<_, _>>()?
        } else {
            let mut bigrams: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
            bigrams.sort_unstable();
            bigrams.dedup();
            stmt = self.conn.prepare_cached("SELECT hairyo_person_grams(string_to_array(?1, chr(31)), ?3, ?2)")?;
            stmt.query_map(params![bigrams.join(&sep), cap, key], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        let total = ids.len() as i64;
        ids.sort_unstable();
        ids.truncate(limit.max(0) as usize);
        Ok((ids, total))
    }
}

/// Keeps the search indexes in step with the person table.
pub struct SearchHandleMut<'a> {
    pub(super) conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn search_mut(&self) -> SearchHandleMut<'a> {
        SearchHandleMut { conn: self.conn }
    }
}

/// The search indexes during a bulk write (an import), which keeps them in step itself
/// instead of through the per-row update trigger: a trigger writing FTS5 rows makes SQLite
/// flush FTS5's pending terms at the start of every later statement, one tiny index segment
/// per row.
pub struct BulkIndexing {
    indexed_upto: i64,
    update_trigger: Option<String>,
}

impl SearchHandleMut<'_> {
    /// Adds the persons with ids above `after` to both search indexes, in one statement each.
    /// Every code path that inserts persons calls this in the same transaction (see migration
    /// 0008): one row for a clerk's entry, all new rows at once for an import or the demo.
    pub fn index_after(&self, after: i64) -> Result<(), StoreError> {
        self.index_id_range(after, i64::MAX)
    }

    fn index_id_range(&self, after: i64, upto: i64) -> Result<(), StoreError> {
        // PostgreSQL computes `search_grams` with the row and indexes it with the row.
        if self.conn.is_pg() {
            return Ok(());
        }
        self.conn
            .prepare_cached("INSERT INTO person_tri(rowid, name_norm, kana_norm) SELECT id, name_norm, kana_norm FROM person WHERE id > ?1 AND id <= ?2")?
            .execute([after, upto])?;
        self.conn
            .prepare_cached("INSERT INTO person_uni(rowid, name_chars, kana_chars) SELECT id, name_chars, kana_chars FROM person WHERE id > ?1 AND id <= ?2")?
            .execute([after, upto])?;
        Ok(())
    }

    fn last_person_id(&self) -> Result<i64, StoreError> {
        Read { conn: self.conn, seal: Default::default() }.persons().last_id()
    }

    /// Starts a bulk write: the update trigger is set aside (inside the caller's transaction,
    /// so a rollback brings it back) and rows rewritten from now on are noted with
    /// [`SearchHandleMut::note_rewrite`].
    pub fn begin_bulk(&self) -> Result<BulkIndexing, StoreError> {
        if self.conn.is_pg() {
            return Ok(BulkIndexing { indexed_upto: 0, update_trigger: None });
        }
        let update_trigger: Option<String> =
            self.conn.query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'person_search_update'", [], |r| r.get(0)).optional()?;
        if update_trigger.is_some() {
            self.conn.execute_batch("DROP TRIGGER person_search_update")?;
        }
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS search_rewritten (id INTEGER PRIMARY KEY, name_norm TEXT, kana_norm TEXT,
            name_chars TEXT, kana_chars TEXT);
         DELETE FROM temp.search_rewritten;",
        )?;
        Ok(BulkIndexing { indexed_upto: self.last_person_id()?, update_trigger })
    }

    /// Keeps the index terms of a stored person that is about to be rewritten, so that
    /// [`SearchHandleMut::finish_bulk`] can take them out of the index.
    pub fn note_rewrite(&self, id: i64) -> Result<(), StoreError> {
        if self.conn.is_pg() {
            return Ok(());
        }
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO temp.search_rewritten SELECT id, name_norm, kana_norm, name_chars, kana_chars FROM person WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    /// Indexes the persons inserted since the last call. An import calls this every few
    /// thousand rows, so the index grows on the writing thread while the checking thread
    /// still parses.
    pub fn index_inserted(&self, bulk: &mut BulkIndexing) -> Result<(), StoreError> {
        if self.conn.is_pg() {
            return Ok(());
        }
        let upto = self.last_person_id()?;
        if upto > bulk.indexed_upto {
            self.index_id_range(bulk.indexed_upto, upto)?;
            bulk.indexed_upto = upto;
        }
        Ok(())
    }

    /// Ends a bulk write: indexes the rest of the new rows, replaces the terms of rewritten
    /// rows, and puts the update trigger back.
    pub fn finish_bulk(&self, mut bulk: BulkIndexing) -> Result<(), StoreError> {
        if self.conn.is_pg() {
            return Ok(());
        }
        self.index_inserted(&mut bulk)?;
        self.conn.execute_batch(
            "INSERT INTO person_tri(person_tri, rowid, name_norm, kana_norm)
             SELECT 'delete', id, name_norm, kana_norm FROM temp.search_rewritten;
         INSERT INTO person_uni(person_uni, rowid, name_chars, kana_chars)
             SELECT 'delete', id, name_chars, kana_chars FROM temp.search_rewritten;
         INSERT INTO person_tri(rowid, name_norm, kana_norm)
             SELECT p.id, p.name_norm, p.kana_norm FROM person p JOIN temp.search_rewritten r ON r.id = p.id;
         INSERT INTO person_uni(rowid, name_chars, kana_chars)
             SELECT p.id, p.name_chars, p.kana_chars FROM person p JOIN temp.search_rewritten r ON r.id = p.id;
         DROP TABLE temp.search_rewritten;",
        )?;
        if let Some(sql) = &bulk.update_trigger {
            self.conn.execute_batch(sql)?;
        }
        Ok(())
    }
}
