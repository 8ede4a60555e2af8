//! Finding a person: by 氏名 or フリガナ (any part, normalised, variant kanji folded), by
//! 宛名番号, or by birth date typed in 和暦 or 西暦. Exact matches rank above prefix matches
//! above substring matches.

use chrono::NaiveDate;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::coded_enum;
use crate::person::{self, PersonSummary};
use crate::store::StoreError;
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
    /// True when `hits.total` stopped counting at [`COUNT_CAP`] ("200件以上").
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
}

impl SearchError {
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::Empty => "search.empty",
            SearchError::Person(e) => e.code(),
            SearchError::Access(e) => e.code(),
            SearchError::Store(e) => e.code(),
        }
    }
}

/// Reads what the clerk typed: nine or more digits are a 宛名番号; anything that parses as a
/// date (S15.4.1, 昭和15年4月1日, 3150401, 1940-04-01, 19400401) is a birth date; the rest is a
/// name or reading.
/// The input as a 宛名番号: digits only (hyphens, spaces and full-width digits allowed), as many
/// as the store accepts (fifteen).
fn atena_digits(input: &str) -> Option<String> {
    let compact: String = input.nfkc().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (!compact.is_empty() && compact.len() <= 15 && compact.bytes().all(|b| b.is_ascii_digit())).then_some(compact)
}

pub fn understand(input: &str) -> Result<Query, SearchError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(SearchError::Empty);
    }
    let number = atena_digits(trimmed);
    if let Some(n) = number.as_ref().filter(|n| n.len() >= 9) {
        return Ok(Query::AtenaNumber(n.clone()));
    }
    // Up to eight digits may also be a date (3150401 is 昭和15年4月1日): it is read as the date,
    // and the search lists a person with that 宛名番号 first (see [`search_in`]).
    if let Ok(d) = wareki::parse(trimmed) {
        return Ok(Query::BirthDate(d));
    }
    if let Some(n) = number {
        return Ok(Query::AtenaNumber(n));
    }
    let key = normalize::search_key(trimmed);
    if key.is_empty() {
        return Err(SearchError::Empty);
    }
    Ok(Query::Name(key))
}

/// The highest person id: persons after it are new and must be indexed.
pub(crate) fn last_person_id(conn: &crate::store::Read<'_>) -> Result<i64, StoreError> {
    conn.persons().last_id()
}

/// Counts stop here: a clerk narrows a query long before paging through ten pages of people,
/// and counting every match of a common surname would cost more than the search itself. On
/// PostgreSQL each counted match is a row read from the table (a GIN index cannot count on
/// its own): 1,000 of them took 3–8 ms at 200,000 persons, 200 take about one.
pub const COUNT_CAP: i64 = 200;

/// Searches persons; see [`understand`] for how the query is read.
/// The search is audited with its text and the persons it showed (a search's text is personal
/// data: only the audit log's readers see it).
pub fn search(
    store: &mut crate::store::Store,
    actor: &crate::model::staff::Actor,
    input: &str,
    page: Page,
    now: chrono::NaiveDateTime,
) -> Result<Results, SearchError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let audience = crate::disclosure::Audience::of(actor);
    crate::audit::viewed_many(
        store,
        actor,
        now,
        "search",
        |conn| search_in(conn, &audience, input, page, now.date()),
        |r| serde_json::json!({"query": input, "shown": r.hits.items.iter().map(|h| h.person.id).collect::<Vec<_>>()}),
    )
}

/// The search itself, its hits as `audience` may see them.
pub(crate) fn search_in(
    conn: &crate::store::Read<'_>,
    audience: &crate::disclosure::Audience,
    input: &str,
    page: Page,
    today: NaiveDate,
) -> Result<Results, SearchError> {
    let query = understand(input)?;
    let want = (page.offset + page.limit) as usize;
    let mut ranked: Vec<(i64, MatchKind)> = Vec::new();
    let total: i64;
    let description;
    match &query {
        Query::AtenaNumber(n) => {
            description = format!("宛名番号 {n}");
            ranked = conn.search().ids_with_atena(n)?.into_iter().map(|id| (id, MatchKind::AtenaNumber)).collect();
            total = ranked.len() as i64;
        }
        Query::BirthDate(d) => {
            // Digits that read as a date may also be a short 宛名番号: that person comes first.
            let by_number: Vec<i64> = match atena_digits(input) {
                Some(n) => conn.search().ids_with_atena(&n)?,
                None => vec![],
            };
            description = if by_number.is_empty() {
                format!("生年月日 {}", wareki::format(*d))
            } else {
                format!("宛名番号 {} または生年月日 {}", input.trim(), wareki::format(*d))
            };
            ranked = by_number.iter().map(|id| (*id, MatchKind::AtenaNumber)).collect();
            let born = conn.search().born_on(*d, want as i64)?;
            ranked.extend(born.into_iter().filter(|id| !by_number.contains(id)).map(|id| (id, MatchKind::BirthDate)));
            total = conn.search().count_born_on(*d)? + by_number.len() as i64;
        }
        Query::Name(key) => {
            description = format!("氏名・フリガナ「{}」", input.trim());
            let mut seen = std::collections::HashSet::new();
            let found = conn.search().by_key(key, want as i64, COUNT_CAP)?;
            // A 通称 typed whole is as good as the name; part of one, as part of a name.
            let by_alias = conn.search().with_alias(key, want as i64)?;
            for id in found.exact.into_iter().chain(by_alias.iter().filter(|(_, whole)| *whole).map(|(id, _)| *id)) {
                if seen.insert(id) {
                    ranked.push((id, MatchKind::Exact));
                }
            }
            // Two range scans in index order, each stopping after a page: no sort of every
            // person whose name starts with a common surname.
            for id in found.name_prefix.into_iter().chain(found.kana_prefix) {
                if ranked.len() >= want {
                    break;
                }
                if seen.insert(id) {
                    ranked.push((id, MatchKind::Prefix));
                }
            }
            for id in found.containing.into_iter().chain(by_alias.iter().map(|(id, _)| *id)) {
                if ranked.len() >= want {
                    break;
                }
                if seen.insert(id) {
                    ranked.push((id, MatchKind::Substring));
                }
            }
            let sub_total = found.containing_total + by_alias.len() as i64;
            total = sub_total.max(ranked.len() as i64);
        }
    }
    let slice: Vec<(i64, MatchKind)> = ranked.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    let ids: Vec<i64> = slice.iter().map(|(id, _)| *id).collect();
    let summaries = person::summaries(conn, audience, &ids, today)?;
    let items = slice.into_iter().zip(summaries).map(|((_, matched), person)| Hit { person, matched }).collect();
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
