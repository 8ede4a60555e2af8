//! The person table: insert, update, load, summaries and lists.

use super::sql::{params, OptionalExtension, Row};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::person::{reasons_from_text, reasons_to_text, CardKind, Person, Registration, Scheme, SearchKeys, Sex};
use crate::{Page, Paged};

const COLUMNS: &str = "id, atena_no, name, kana, birth_date, sex, postal_code, address, phone, householder, scheme,
    insurer_no, card_symbol, card_number, card_branch, old_card_expiry, mynumber_card, registration, wishes_cancel,
    reasons, facility_id, legal_rep_kind, legal_rep_name, protected, safe_postal_code, safe_address, notes, other_insurer,
    household_no, relationship, alias, residence_until, western_calendar";

fn from_row(r: &Row<'_>) -> super::sql::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        atena_no: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        name: r.get(2)?,
        kana: r.get(3)?,
        birth_date: r.get(4)?,
        sex: r.get(5)?,
        postal_code: r.get(6)?,
        address: r.get(7)?,
        phone: r.get(8)?,
        householder: r.get(9)?,
        scheme: r.get(10)?,
        insurer_no: r.get(11)?,
        card_symbol: r.get(12)?,
        card_number: r.get(13)?,
        card_branch: r.get(14)?,
        old_card_expiry: r.get(15)?,
        mynumber_card: r.get(16)?,
        registration: r.get(17)?,
        wishes_cancel: r.get(18)?,
        reasons: reasons_from_text(&r.get::<_, String>(19)?),
        facility_id: r.get(20)?,
        legal_rep_kind: r.get(21)?,
        legal_rep_name: r.get(22)?,
        protected: r.get(23)?,
        safe_postal_code: r.get(24)?,
        safe_address: r.get(25)?,
        notes: r.get(26)?,
        other_insurer: r.get(27)?,
        household_no: r.get(28)?,
        relationship: r.get(29)?,
        alias: r.get(30)?,
        residence_until: r.get(31)?,
        western_calendar: r.get(32)?,
    })
}

/// One line of the person list as stored, with its facility's name; the domain adds what is
/// computed from it (age, 和暦).
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub id: i64,
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub scheme: Scheme,
    pub facility_id: Option<i64>,
    pub facility_name: Option<String>,
    pub mynumber_card: CardKind,
    pub registration: Registration,
    pub protected: bool,
}

const SUMMARY_SELECT: &str = "SELECT p.id, p.atena_no, p.name, p.kana, p.birth_date, p.sex, p.scheme, p.facility_id, f.name,
        p.mynumber_card, p.registration, p.protected
     FROM person p LEFT JOIN facility f ON f.id = p.facility_id";

fn summary_row(r: &Row<'_>) -> super::sql::Result<SummaryRow> {
    Ok(SummaryRow {
        id: r.get(0)?,
        atena_no: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        name: r.get(2)?,
        kana: r.get(3)?,
        birth_date: r.get(4)?,
        sex: r.get(5)?,
        scheme: r.get(6)?,
        facility_id: r.get(7)?,
        facility_name: r.get(8)?,
        mynumber_card: r.get(9)?,
        registration: r.get(10)?,
        protected: r.get(11)?,
    })
}

/// What the person list is narrowed by, each part optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonQuery<'q> {
    /// Part of the normalised name or reading key.
    pub key_part: Option<&'q str>,
    /// A 宛名番号 matched exactly, as an alternative to `key_part`.
    pub atena_no: Option<&'q str>,
    pub facility_id: Option<i64>,
    pub scheme: Option<Scheme>,
    /// Leave protected persons out of a facility's list: membership is their whereabouts.
    pub facility_hides_protected: bool,
}

/// `s` as literal text inside a LIKE pattern.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Reads persons.
pub struct PersonsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn persons(&self) -> PersonsHandle<'a> {
        PersonsHandle { conn: self.conn }
    }
}

impl PersonsHandle<'_> {
    /// The person with this id, if stored.
    pub fn get(&self, id: i64) -> Result<Option<Person>, StoreError> {
        self.conn.query_row(&format!("SELECT {COLUMNS} FROM person WHERE id = ?1"), [id], from_row).optional()
    }

    /// A facility's residents, in kana order as `facilities().resident_ids` lists them, in one
    /// query: a facility batch reads every one of them, and reading them one by one was a round
    /// trip each on PostgreSQL.
    pub fn at_facility(&self, facility_id: i64) -> Result<Vec<Person>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM person WHERE facility_id = ?1 ORDER BY kana_norm, id"))?;
        let persons = stmt.query_map([facility_id], from_row)?.collect::<Result<_, _>>()?;
        Ok(persons)
    }

    /// Whether a facility with this id is stored, for a person's reference to it.
    pub fn facility_exists(&self, facility_id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> = self.conn.query_row("SELECT id FROM facility WHERE id = ?1", [facility_id], |r| r.get(0)).optional()?;
        Ok(found.is_some())
    }

    /// The id of the person holding this 宛名番号, if any.
    pub fn id_with_atena(&self, atena_no: &str) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT id FROM person WHERE atena_no = ?1", [atena_no], |r| r.get(0)).optional()
    }

    /// Summaries of the given persons, in the order given (missing ids are skipped).
    pub fn summaries(&self, ids: &[i64]) -> Result<Vec<SummaryRow>, StoreError> {
        if self.conn.is_pg() {
            // One statement for the page instead of a round trip per person.
            let list = ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",");
            let mut stmt = self.conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE p.id = ANY(string_to_array(?1, ',')::BIGINT[])"))?;
            let mut found: std::collections::HashMap<i64, SummaryRow> =
                stmt.query_map([list], summary_row)?.map(|r| r.map(|s| (s.id, s))).collect::<Result<_, _>>()?;
            return Ok(ids.iter().filter_map(|id| found.remove(id)).collect());
        }
        let mut stmt = self.conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE p.id = ?1"))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = stmt.query_row([id], summary_row).optional()? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The persons matching `q`, by reading then id, a page at a time.
    pub fn list(&self, q: &PersonQuery<'_>, page: Page) -> Result<Paged<SummaryRow>, StoreError> {
        let pattern = q.key_part.map(|k| format!("%{}%", escape_like(k)));
        let where_ = "(p.name_norm LIKE ?1 ESCAPE '\\' OR p.kana_norm LIKE ?1 ESCAPE '\\' OR p.atena_no = ?2 OR ?1 IS NULL)
        AND ((p.facility_id = ?3 AND (p.protected = 0 OR ?5 = 0)) OR ?3 IS NULL) AND (p.scheme = ?4 OR ?4 IS NULL)";
        let hides = i64::from(q.facility_hides_protected);
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM person p WHERE {where_}"),
            params![pattern, q.atena_no, q.facility_id, q.scheme, hides],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!("{SUMMARY_SELECT} WHERE {where_} ORDER BY p.kana_norm, p.id LIMIT ?6 OFFSET ?7"))?;
        let items =
            stmt.query_map(params![pattern, q.atena_no, q.facility_id, q.scheme, hides, page.limit, page.offset], summary_row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// Every person under 支援措置, with their name, by id: whom the access review watches.
    pub fn protected_names(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, name FROM person WHERE protected = 1 ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The highest person id (0 when there are none); rows inserted later have higher ids.
    pub fn last_id(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT coalesce(max(id), 0) FROM person", [], |r| r.get(0))
    }
}

/// Writes persons, inside the caller's transaction.
pub struct PersonsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn persons_mut(&self) -> PersonsHandleMut<'a> {
        PersonsHandleMut { conn: self.conn }
    }
}

impl PersonsHandleMut<'_> {
    /// Runs `sql` (an insert or an update of a whole person) with the row's values, numbered
    /// as both statements use them.
    fn execute_row(&self, sql: &str, p: &Person, keys: &SearchKeys, stamp: &str) -> Result<(), StoreError> {
        Self::with_row_params(self.conn.is_pg(), p, keys, stamp, |params| self.conn.prepare_cached(sql)?.execute(params))?;
        Ok(())
    }

    /// Runs `sql`, which returns one integer (the row's id), with the person's parameters.
    fn query_row_of(&self, sql: &str, p: &Person, keys: &SearchKeys, stamp: &str) -> Result<i64, StoreError> {
        Self::with_row_params(self.conn.is_pg(), p, keys, stamp, |params| self.conn.prepare_cached(sql)?.query_row(params, |r| r.get(0)))
    }

    /// Calls `f` with the person's columns as `?1`…`?33` (see the statements above), and on
    /// PostgreSQL the search pieces as `?34`.
    fn with_row_params<T>(
        pg: bool,
        p: &Person,
        keys: &SearchKeys,
        stamp: &str,
        f: impl FnOnce(&[&dyn super::sql::Param]) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let atena = if p.atena_no.is_empty() { None } else { Some(p.atena_no.as_str()) };
        let all = params![
            atena,
            p.name,
            p.kana,
            keys.name,
            keys.kana,
            p.birth_date,
            p.sex,
            p.postal_code,
            p.address,
            p.phone,
            p.householder,
            p.scheme,
            p.insurer_no,
            p.card_symbol,
            p.card_number,
            p.card_branch,
            p.old_card_expiry,
            p.mynumber_card,
            p.registration,
            p.wishes_cancel,
            reasons_to_text(&p.reasons),
            p.facility_id,
            p.legal_rep_kind,
            p.legal_rep_name,
            p.protected,
            p.safe_postal_code,
            p.safe_address,
            p.notes,
            stamp,
            p.id,
            keys.name_chars,
            keys.kana_chars,
            p.other_insurer,
            keys.pieces
        ];
        f(if pg { all } else { &all[..all.len() - 1] })
    }

    /// Inserts `p` (with its own id, or the next one when `p.id == 0`) and returns its id. The
    /// new row must then be indexed for search in the same transaction.
    pub fn insert(&self, p: &Person, keys: &SearchKeys, stamp: &str) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO person (id, atena_no, name, kana, name_norm, kana_norm, birth_date, sex, postal_code, address, phone,
                householder, scheme, insurer_no, card_symbol, card_number, card_branch, old_card_expiry, mynumber_card,
                registration, wishes_cancel, reasons, facility_id, legal_rep_kind, legal_rep_name, protected,
                safe_postal_code, safe_address, notes, created_at, updated_at, name_chars, kana_chars, other_insurer PIECES_COLUMN)
             VALUES (NEXT_ID, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?29, ?31, ?32, ?33 PIECES) RETURNING id";
        // SQLite gives a NULL id the next rowid; PostgreSQL's identity column needs its
        // sequence asked, and moved past an id given explicitly.
        let sql = if self.conn.is_pg() {
            SQL.replace("NEXT_ID", "COALESCE(NULLIF(?30, 0), nextval(pg_get_serial_sequence('person', 'id')))")
                .replace("PIECES_COLUMN", ", search_grams")
                .replace("PIECES", ", string_to_array(?34, chr(31))")
        } else {
            SQL.replace("NEXT_ID", "NULLIF(?30, 0)").replace("PIECES_COLUMN", "").replace("PIECES", "")
        };
        let id = self.query_row_of(&sql, p, keys, stamp)?;
        if self.conn.is_pg() && p.id != 0 {
            self.conn.execute("SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT max(id) FROM person))", [])?;
        }
        self.set_household_and_residence(id, p, keys)?;
        Ok(id)
    }

    /// Writes the columns added with households and foreign residents (migration 0039).
    fn set_household_and_residence(&self, id: i64, p: &Person, keys: &SearchKeys) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE person SET household_no = ?2, relationship = ?3, alias = ?4, residence_until = ?5, western_calendar = ?6, alias_norm = ?7 WHERE id = ?1",
            params![id, p.household_no, p.relationship, p.alias, p.residence_until, p.western_calendar, keys.alias],
        )?;
        Ok(())
    }

    /// Rewrites every stored field of person `p.id`.
    pub fn update(&self, p: &Person, keys: &SearchKeys, stamp: &str) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE person SET atena_no = ?1, name = ?2, kana = ?3, name_norm = ?4, kana_norm = ?5, birth_date = ?6,
                sex = ?7, postal_code = ?8, address = ?9, phone = ?10, householder = ?11, scheme = ?12, insurer_no = ?13,
                card_symbol = ?14, card_number = ?15, card_branch = ?16, old_card_expiry = ?17, mynumber_card = ?18,
                registration = ?19, wishes_cancel = ?20, reasons = ?21, facility_id = ?22, legal_rep_kind = ?23,
                legal_rep_name = ?24, protected = ?25, safe_postal_code = ?26, safe_address = ?27, notes = ?28,
                updated_at = ?29, name_chars = ?31, kana_chars = ?32, other_insurer = ?33 PIECES
             WHERE id = ?30";
        let sql = SQL.replace("PIECES", self.conn.dialect("", ", search_grams = string_to_array(?34, chr(31))"));
        self.execute_row(&sql, p, keys, stamp)?;
        self.set_household_and_residence(p.id, p, keys)
    }
}
