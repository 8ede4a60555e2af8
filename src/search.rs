//! Finding a person: by 氏名 or フリガナ (any part, normalised, variant kanji folded), by
//! 宛名番号, or by birth date typed in 和暦 or 西暦. Exact matches rank above prefix matches
//! above substring matches.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::coded_enum;
use crate::person::{self, PersonSummary};
use crate::text::{normalize, wareki};
use crate::{Page, Paged};

coded_enum! {
    /// How a hit matched, best first.
    pub enum MatchKind ("一致の種類") {
        Exact = ("exact", "完全一致"),
        Prefix = ("prefix", "前方一致"),
        Substring = ("substring", "部分一致"),
        AtenaNumber = ("atena", "宛名番号"),
        BirthDate = ("birth_date", "生年月日"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Hit {
    pub person: PersonSummary,
    pub matched: MatchKind,
}

/// What the query was understood as, so the UI can say "生年月日 昭和15年4月1日 で検索".
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Query {
    Name(String),
    AtenaNumber(String),
    BirthDate(NaiveDate),
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Results {
    pub query: Query,
    pub description: String,
    pub hits: Paged<Hit>,
    /// True when `hits.total` stopped counting at [`COUNT_CAP`] ("1,000件以上").
    pub total_capped: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("検索する文字を入力してください")]
    Empty,
    #[error(transparent)]
    Person(#[from] person::PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl SearchError {
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::Empty => "search.empty",
            SearchError::Person(e) => e.code(),
            SearchError::Access(e) => e.code(),
            SearchError::Store(e) => e.code(),
            SearchError::Db(_) => "search.db",
        }
    }
}

/// Reads what the clerk typed: nine or more digits are a 宛名番号; anything that parses as a
/// date (S15.4.1, 昭和15年4月1日, 3150401, 1940-04-01, 19400401) is a birth date; the rest is a
/// name or reading.
pub fn understand(input: &str) -> Result<Query, SearchError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(SearchError::Empty);
    }
    let compact: String = trimmed.nfkc().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if compact.len() >= 9 && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Query::AtenaNumber(compact));
    }
    if let Ok(d) = wareki::parse(trimmed) {
        return Ok(Query::BirthDate(d));
    }
    let key = normalize::search_key(trimmed);
    if key.is_empty() {
        return Err(SearchError::Empty);
    }
    Ok(Query::Name(key))
}

/// The upper bound of a prefix range over text keys.
fn prefix_end(key: &str) -> String {
    format!("{key}\u{10FFFF}")
}

fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Adds the persons with ids above `after` to both search indexes, in one statement each.
/// Every code path that inserts persons calls this in the same transaction (see migration
/// 0008): one row for a clerk's entry, all new rows at once for an import or the demo.
pub(crate) fn index_new_persons(conn: &crate::store::Read<'_>, after: i64) -> Result<(), rusqlite::Error> {
    index_id_range(conn, after, i64::MAX)
}

fn index_id_range(conn: &crate::store::Read<'_>, after: i64, upto: i64) -> Result<(), rusqlite::Error> {
    conn.prepare_cached("INSERT INTO person_tri(rowid, name_norm, kana_norm) SELECT id, name_norm, kana_norm FROM person WHERE id > ?1 AND id <= ?2")?
        .execute([after, upto])?;
    conn.prepare_cached("INSERT INTO person_uni(rowid, name_chars, kana_chars) SELECT id, name_chars, kana_chars FROM person WHERE id > ?1 AND id <= ?2")?
        .execute([after, upto])?;
    Ok(())
}

/// The search indexes during a bulk write (an import), which keeps them in step itself
/// instead of through the per-row update trigger: a trigger writing FTS5 rows makes SQLite
/// flush FTS5's pending terms at the start of every later statement, one tiny index segment
/// per row.
pub(crate) struct BulkIndexing {
    indexed_upto: i64,
    update_trigger: Option<String>,
}

/// Starts a bulk write: the update trigger is set aside (inside the caller's transaction, so a
/// rollback brings it back) and rows rewritten from now on are noted with [`note_rewrite`].
pub(crate) fn begin_bulk(conn: &crate::store::Read<'_>) -> Result<BulkIndexing, rusqlite::Error> {
    let update_trigger: Option<String> = conn
        .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'person_search_update'", [], |r| r.get(0))
        .optional()?;
    if update_trigger.is_some() {
        conn.execute_batch("DROP TRIGGER person_search_update")?;
    }
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS search_rewritten (id INTEGER PRIMARY KEY, name_norm TEXT, kana_norm TEXT,
            name_chars TEXT, kana_chars TEXT);
         DELETE FROM temp.search_rewritten;",
    )?;
    Ok(BulkIndexing { indexed_upto: last_person_id(conn)?, update_trigger })
}

/// Keeps the index terms of a stored person that is about to be rewritten, so that
/// [`finish_bulk`] can take them out of the index.
pub(crate) fn note_rewrite(conn: &crate::store::Read<'_>, id: i64) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO temp.search_rewritten SELECT id, name_norm, kana_norm, name_chars, kana_chars FROM person WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

/// Indexes the persons inserted since the last call. An import calls this every few thousand
/// rows, so the index grows on the writing thread while the checking thread still parses.
pub(crate) fn index_inserted(conn: &crate::store::Read<'_>, bulk: &mut BulkIndexing) -> Result<(), rusqlite::Error> {
    let upto = last_person_id(conn)?;
    if upto > bulk.indexed_upto {
        index_id_range(conn, bulk.indexed_upto, upto)?;
        bulk.indexed_upto = upto;
    }
    Ok(())
}

/// Ends a bulk write: indexes the rest of the new rows, replaces the terms of rewritten rows,
/// and puts the update trigger back.
pub(crate) fn finish_bulk(conn: &crate::store::Read<'_>, mut bulk: BulkIndexing) -> Result<(), rusqlite::Error> {
    index_inserted(conn, &mut bulk)?;
    conn.execute_batch(
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
        conn.execute_batch(sql)?;
    }
    Ok(())
}

/// The highest person id, for [`index_new_persons`].
pub(crate) fn last_person_id(conn: &crate::store::Read<'_>) -> Result<i64, rusqlite::Error> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM person", [], |r| r.get(0))
}

/// Counts stop here: a clerk narrows a query long before paging through a thousand people, and
/// counting every match of a common surname would cost more than the search itself.
pub const COUNT_CAP: i64 = 1000;

/// Ids of persons whose name or kana contains `key`, from the index that fits its length, and
/// their number up to [`COUNT_CAP`].
fn substring_ids(conn: &crate::store::Read<'_>, key: &str, limit: i64) -> Result<(Vec<i64>, i64), rusqlite::Error> {
    let (table, phrase) = if key.chars().count() >= 3 {
        ("person_tri", fts_phrase(key))
    } else {
        ("person_uni", fts_phrase(&normalize::spaced(key)))
    };
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)"))?
        .query_row(params![phrase, COUNT_CAP], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2"))?;
    let ids = stmt.query_map(params![phrase, limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok((ids, total))
}

/// Searches persons; see [`understand`] for how the query is read.
pub fn search(store: &crate::store::Store, actor: &crate::staff::Actor, input: &str, page: Page, now: chrono::NaiveDateTime) -> Result<Results, SearchError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    search_in(&store.read(), input, page, now.date())
}

pub(crate) fn search_in(conn: &crate::store::Read<'_>, input: &str, page: Page, today: NaiveDate) -> Result<Results, SearchError> {
    let query = understand(input)?;
    let want = (page.offset + page.limit) as usize;
    let mut ranked: Vec<(i64, MatchKind)> = Vec::new();
    let total: i64;
    let description;
    match &query {
        Query::AtenaNumber(n) => {
            description = format!("宛名番号 {n}");
            let mut stmt = conn.prepare_cached("SELECT id FROM person WHERE atena_no = ?1")?;
            ranked = stmt.query_map([n], |r| Ok((r.get(0)?, MatchKind::AtenaNumber)))?.collect::<Result<_, _>>()?;
            total = ranked.len() as i64;
        }
        Query::BirthDate(d) => {
            description = format!("生年月日 {}", wareki::format(*d));
            total = conn.query_row("SELECT count(*) FROM person WHERE birth_date = ?1", [d], |r| r.get(0))?;
            let mut stmt = conn.prepare_cached("SELECT id FROM person WHERE birth_date = ?1 ORDER BY kana_norm, id LIMIT ?2")?;
            ranked = stmt.query_map(params![d, want as i64], |r| Ok((r.get(0)?, MatchKind::BirthDate)))?.collect::<Result<_, _>>()?;
        }
        Query::Name(key) => {
            description = format!("氏名・フリガナ「{}」", input.trim());
            let mut seen = std::collections::HashSet::new();
            let mut exact = conn.prepare_cached(
                "SELECT id FROM person WHERE name_norm = ?1 UNION SELECT id FROM person WHERE kana_norm = ?1",
            )?;
            let mut exact_ids: Vec<i64> = exact.query_map([key], |r| r.get(0))?.collect::<Result<_, _>>()?;
            exact_ids.sort_unstable();
            for id in exact_ids {
                if seen.insert(id) {
                    ranked.push((id, MatchKind::Exact));
                }
            }
            if ranked.len() < want {
                // Two range scans in index order, each stopping after a page: no sort of every
                // person whose name starts with a common surname.
                for column in ["name_norm", "kana_norm"] {
                    let mut prefix = conn.prepare_cached(&format!(
                        "SELECT id FROM person WHERE {column} > ?1 AND {column} < ?2 ORDER BY {column}, id LIMIT ?3"
                    ))?;
                    let rows: Vec<i64> = prefix.query_map(params![key, prefix_end(key), want as i64], |r| r.get(0))?.collect::<Result<_, _>>()?;
                    for id in rows {
                        if seen.insert(id) {
                            ranked.push((id, MatchKind::Prefix));
                        }
                    }
                }
            }
            let (sub, sub_total) = substring_ids(conn, key, (want + ranked.len()) as i64)?;
            if ranked.len() < want {
                for id in sub {
                    if ranked.len() >= want {
                        break;
                    }
                    if seen.insert(id) {
                        ranked.push((id, MatchKind::Substring));
                    }
                }
            }
            total = sub_total.max(ranked.len() as i64);
        }
    }
    let slice: Vec<(i64, MatchKind)> = ranked.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    let ids: Vec<i64> = slice.iter().map(|(id, _)| *id).collect();
    let summaries = person::summaries(conn, &ids, today)?;
    let items = slice
        .into_iter()
        .zip(summaries)
        .map(|((_, matched), person)| Hit { person, matched })
        .collect();
    Ok(Results { query, description, total_capped: total >= COUNT_CAP, hits: Paged { items, total, offset: page.offset, limit: page.limit } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_understood() {
        assert_eq!(understand("100000123").unwrap(), Query::AtenaNumber("100000123".into()));
        assert_eq!(understand("S15.4.1").unwrap(), Query::BirthDate(NaiveDate::from_ymd_opt(1940, 4, 1).unwrap()));
        assert_eq!(understand("3150401").unwrap(), Query::BirthDate(NaiveDate::from_ymd_opt(1940, 4, 1).unwrap()));
        assert_eq!(understand("ﾀｶﾊｼ").unwrap(), Query::Name("タカハシ".into()));
        assert_eq!(understand("髙橋").unwrap(), Query::Name("高橋".into()));
        assert!(matches!(understand("  "), Err(SearchError::Empty)));
    }
}
