//! Synthetic rows for `hairyo demo`: persons with their touchpoints, referrals, applications
//! and certificates written in one transaction, hundreds of thousands of rows at a time, a few
//! hundred rows to a statement.

use super::sql::{params, Conn, Param, Val};

use super::{StoreError, Write};

/// A synthetic person, every column as the demo makes it (codes as stored).
#[derive(Debug, Clone)]
pub struct DemoPerson<'p> {
    pub atena_no: String,
    pub name: &'p str,
    pub kana: &'p str,
    pub name_norm: &'p str,
    pub kana_norm: &'p str,
    pub birth_date: chrono::NaiveDate,
    pub sex: &'p str,
    pub postal_code: &'p str,
    pub address: &'p str,
    pub phone: &'p str,
    pub householder: &'p str,
    pub scheme: &'p str,
    pub insurer_no: &'p str,
    pub card_symbol: &'p str,
    pub card_number: &'p str,
    pub card_branch: &'p str,
    pub old_card_expiry: Option<chrono::NaiveDate>,
    pub mynumber_card: &'p str,
    pub registration: &'p str,
    pub wishes_cancel: bool,
    pub reasons: String,
    pub facility_id: Option<i64>,
    pub legal_rep_kind: &'p str,
    pub legal_rep_name: &'p str,
    pub protected: bool,
    pub safe_postal_code: &'p str,
    pub safe_address: &'p str,
    /// 世帯番号 and the 続柄 code of the 住民票.
    pub household_no: String,
    pub relationship: Option<&'p str>,
    pub created_at: &'p str,
    pub name_chars: String,
    pub kana_chars: String,
    /// The search pieces of both keys ([`crate::text::normalize::pieces`]).
    pub pieces: String,
}

/// A synthetic touchpoint at a desk.
#[derive(Debug, Clone)]
pub struct DemoTouchpoint<'t> {
    pub person_id: i64,
    pub desk: crate::model::staff::Desk,
    pub staff_id: i64,
    pub date: chrono::NaiveDate,
    pub kind: &'t str,
    pub wish: &'t str,
    pub created_at: &'t str,
}

/// A synthetic referral between desks.
#[derive(Debug, Clone)]
pub struct DemoReferral<'r> {
    pub person_id: i64,
    pub from_desk: crate::model::staff::Desk,
    pub to_desk: crate::model::staff::Desk,
    pub reason: &'r str,
    pub proposed_applicant: &'r str,
    pub sharing_basis: crate::model::referral::SharingBasis,
    pub status: &'r str,
    pub sent_by: i64,
    pub sent_on: chrono::NaiveDate,
    pub handled_by: Option<i64>,
    pub handled_on: Option<chrono::NaiveDate>,
    pub return_reason: &'r str,
    pub completed_on: Option<chrono::NaiveDate>,
}

/// A synthetic proxy application that came from a referral.
#[derive(Debug, Clone)]
pub struct DemoApplication<'a> {
    pub person_id: i64,
    pub referral_id: i64,
    pub scheme: &'a str,
    pub received_on: chrono::NaiveDate,
    pub channel: &'a str,
    pub applicant: &'a str,
    pub authority: &'a str,
    pub proxy_name: &'a str,
    pub proxy_kana: &'a str,
    pub proxy_address: &'a str,
    pub proxy_phone: &'a str,
    pub proxy_relationship: &'a str,
    pub reasons: String,
    pub delivery: &'a str,
    pub status: &'a str,
    pub received_by: i64,
    pub decided_by: Option<i64>,
    pub decided_on: Option<chrono::NaiveDate>,
    pub created_at: &'a str,
    /// Who signed the 委任状 (`self` or `householder`), when the proxy needs one.
    pub delegator: Option<&'a str>,
    /// 後期: forwarded to the 広域連合, its decision, and the hand-over (`counter` or `mail`).
    pub forwarded_on: Option<chrono::NaiveDate>,
    pub forwarded_by: Option<i64>,
    pub union_decided_on: Option<chrono::NaiveDate>,
    pub handed_over_on: Option<chrono::NaiveDate>,
    pub handover_method: Option<&'a str>,
}

/// A synthetic 資格確認書.
#[derive(Debug, Clone)]
pub struct DemoCertificate<'c> {
    pub person_id: i64,
    pub application_id: Option<i64>,
    pub scheme: &'c str,
    pub basis: &'c str,
    pub issued_on: chrono::NaiveDate,
    pub valid_until: chrono::NaiveDate,
    /// `setting` or `age_75`, as stored.
    pub valid_until_basis: &'c str,
    pub delivery_address: &'c str,
    pub issued_by: i64,
    pub created_at: &'c str,
    /// `city` or `union`: who issued it.
    pub issuer: &'c str,
}

/// The rows a multi-row INSERT takes at most: a statement per row cost a round trip each on
/// PostgreSQL (a 200,000-person demo took over six minutes), and a few hundred rows keep every
/// statement well under both engines' limits on parameters (SQLite 32,766, PostgreSQL 65,535).
const ROWS_PER_STATEMENT: usize = 400;

/// Rows of one table waiting to be written, all with the same columns.
struct Pending {
    table: &'static str,
    columns: Vec<&'static str>,
    /// Extra SQL for the last column, written around its placeholder (PostgreSQL's search
    /// pieces arrive as one text and become an array).
    last_wrap: Option<(&'static str, &'static str)>,
    values: Vec<Val<'static>>,
}

impl Pending {
    fn new(table: &'static str, columns: &[&'static str]) -> Pending {
        Pending { table, columns: columns.to_vec(), last_wrap: None, values: Vec::new() }
    }

    fn rows(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    fn push(&mut self, row: &[&dyn Param]) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.values.extend(row.iter().map(|p| owned(p.val())));
    }

    fn flush(&mut self, conn: Conn<'_>) -> Result<(), StoreError> {
        if self.values.is_empty() {
            return Ok(());
        }
        let n = self.columns.len();
        let mut one = String::from("(");
        for i in 0..n {
            if i > 0 {
                one.push(',');
            }
            match self.last_wrap {
                Some((before, after)) if i == n - 1 => {
                    one.push_str(before);
                    one.push('?');
                    one.push_str(after);
                }
                _ => one.push('?'),
            }
        }
        one.push(')');
        let sql = format!("INSERT INTO {} ({}) VALUES {}", self.table, self.columns.join(", "), vec![one; self.rows()].join(","));
        conn.prepare_cached(&sql)?.execute(&self.values[..])?;
        self.values.clear();
        Ok(())
    }
}

fn owned(v: Val<'_>) -> Val<'static> {
    match v {
        Val::Null => Val::Null,
        Val::Int(i) => Val::Int(i),
        Val::Real(f) => Val::Real(f),
        Val::Text(t) => Val::Text(t.into_owned().into()),
        Val::Blob(b) => Val::Blob(b.into_owned().into()),
    }
}

/// The next free id of each table the demo writes, taken once at the start: the write
/// transaction excludes every other writer on both engines, so nobody else takes one meanwhile.
#[derive(Debug, Clone, Copy)]
struct NextIds {
    person: i64,
    touchpoint: i64,
    referral: i64,
    application: i64,
}

/// The person columns the demo writes (PostgreSQL adds its search pieces).
const PERSON_COLUMNS: &[&str] = &[
    "id",
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
    "old_card_expiry",
    "mynumber_card",
    "registration",
    "wishes_cancel",
    "reasons",
    "facility_id",
    "legal_rep_kind",
    "legal_rep_name",
    "protected",
    "safe_postal_code",
    "safe_address",
    "notes",
    "created_at",
    "updated_at",
    "name_chars",
    "kana_chars",
    "household_no",
    "relationship",
];

/// The demo's inserts for one write transaction, gathered and written many rows at a time.
/// Ids are assigned here, so that a person's touchpoints can name it before it is written;
/// [`DemoLoad::finish`] writes what is left and moves PostgreSQL's identity sequences past them.
pub struct DemoLoad<'a> {
    conn: Conn<'a>,
    next: NextIds,
    person: Pending,
    touchpoint: Pending,
    leaflet: Pending,
    referral: Pending,
    application: Pending,
    document: Pending,
    certificate: Pending,
}

impl<'a> Write<'a> {
    /// How many persons have an id outside every one of `ranges` (first and last id, both
    /// included): persons the demo did not add.
    pub fn persons_outside(&self, ranges: &[(i64, i64)]) -> Result<i64, StoreError> {
        let conn: Conn<'a> = self.read.conn;
        let mut outside: i64 = conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?;
        for (first, last) in ranges {
            let inside: i64 = conn.query_row("SELECT count(*) FROM person WHERE id BETWEEN ?1 AND ?2", params![first, last], |r| r.get(0))?;
            outside -= inside;
        }
        Ok(outside)
    }

    /// Starts the demo's inserts.
    pub fn demo_load(&self) -> Result<DemoLoad<'a>, StoreError> {
        let conn: Conn<'a> = self.read.conn;
        let next_of = |table: &str| -> Result<i64, StoreError> { conn.query_row(&format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"), [], |r| r.get(0)) };
        let next =
            NextIds { person: next_of("person")?, touchpoint: next_of("touchpoint")?, referral: next_of("referral")?, application: next_of("application")? };
        let mut person = Pending::new("person", PERSON_COLUMNS);
        if conn.is_pg() {
            person.columns.push("search_grams");
            person.last_wrap = Some(("string_to_array(", ", chr(31))"));
        }
        Ok(DemoLoad {
            conn,
            next,
            person,
            touchpoint: Pending::new("touchpoint", &["id", "person_id", "desk", "staff_id", "date", "kind", "wish", "notes", "created_at"]),
            leaflet: Pending::new("touchpoint_leaflet", &["touchpoint_id", "leaflet", "edition"]),
            referral: Pending::new(
                "referral",
                &[
                    "id",
                    "person_id",
                    "from_desk",
                    "to_desk",
                    "reason",
                    "proposed_applicant",
                    "sharing_basis",
                    "status",
                    "sent_by",
                    "sent_on",
                    "handled_by",
                    "handled_on",
                    "return_reason",
                    "completed_on",
                ],
            ),
            application: Pending::new(
                "application",
                &[
                    "id",
                    "person_id",
                    "referral_id",
                    "scheme",
                    "received_on",
                    "channel",
                    "applicant",
                    "authority",
                    "proxy_name",
                    "proxy_kana",
                    "proxy_address",
                    "proxy_phone",
                    "proxy_relationship",
                    "reasons",
                    "delivery",
                    "status",
                    "received_by",
                    "decided_by",
                    "decided_on",
                    "created_at",
                    "delegator",
                    "forwarded_on",
                    "forwarded_by",
                    "union_decided_on",
                    "handed_over_on",
                    "handover_method",
                ],
            ),
            document: Pending::new("application_document", &["application_id", "document", "checked"]),
            certificate: Pending::new(
                "certificate",
                &[
                    "person_id",
                    "application_id",
                    "scheme",
                    "basis",
                    "issued_on",
                    "valid_until",
                    "valid_until_basis",
                    "delivery_address",
                    "issued_by",
                    "created_at",
                    "issuer",
                ],
            ),
        })
    }
}

impl DemoLoad<'_> {
    /// The highest 宛名番号 stored as a number, or 100000000 when there is none; the demo
    /// numbers its persons after it.
    pub fn last_atena_no(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT coalesce(max(CAST(atena_no AS BIGINT)), 100000000) FROM person", [], |r| r.get(0))
    }

    /// Writes the gathered rows once a table has a statement's worth, parents before the rows
    /// that refer to them (foreign keys are checked at each statement).
    fn flush_if_full(&mut self) -> Result<(), StoreError> {
        let full = [&self.person, &self.touchpoint, &self.leaflet, &self.referral, &self.application, &self.document, &self.certificate]
            .iter()
            .any(|p| p.rows() >= ROWS_PER_STATEMENT);
        if full {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        let conn = self.conn;
        for p in
            [&mut self.person, &mut self.touchpoint, &mut self.leaflet, &mut self.referral, &mut self.application, &mut self.document, &mut self.certificate]
        {
            p.flush(conn)?;
        }
        Ok(())
    }

    /// Writes the rows still gathered and, on PostgreSQL, moves each identity sequence past
    /// the ids given here, so that the next row a desk adds takes a fresh one.
    pub fn finish(mut self) -> Result<(), StoreError> {
        self.flush()?;
        if self.conn.is_pg() {
            for table in ["person", "touchpoint", "referral", "application"] {
                self.conn
                    .execute(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"), [])?;
            }
        }
        Ok(())
    }

    /// Adds a person; its id. The search index is filled afterwards, for all at once.
    pub fn person(&mut self, p: &DemoPerson<'_>) -> Result<i64, StoreError> {
        let id = self.next.person;
        self.next.person += 1;
        let row = params![
            id,
            p.atena_no,
            p.name,
            p.kana,
            p.name_norm,
            p.kana_norm,
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
            p.reasons,
            p.facility_id,
            p.legal_rep_kind,
            p.legal_rep_name,
            p.protected,
            p.safe_postal_code,
            p.safe_address,
            "",
            p.created_at,
            p.created_at,
            p.name_chars,
            p.kana_chars,
            p.household_no,
            p.relationship,
            p.pieces
        ];
        let width = self.person.columns.len();
        self.person.push(&row[..width]);
        self.flush_if_full()?;
        Ok(id)
    }

    /// Adds a touchpoint without notes; its id.
    pub fn touchpoint(&mut self, t: &DemoTouchpoint<'_>) -> Result<i64, StoreError> {
        let id = self.next.touchpoint;
        self.next.touchpoint += 1;
        self.touchpoint.push(params![id, t.person_id, t.desk, t.staff_id, t.date, t.kind, t.wish, "", t.created_at]);
        self.flush_if_full()?;
        Ok(id)
    }

    /// Records that the R7.5 edition of 別添1 was handed out at the touchpoint.
    pub fn bessou1_given(&mut self, touchpoint_id: i64) -> Result<(), StoreError> {
        self.leaflet.push(params![touchpoint_id, "bessou1", "R7.5"]);
        self.flush_if_full()
    }

    /// Adds a referral; its id.
    pub fn referral(&mut self, r: &DemoReferral<'_>) -> Result<i64, StoreError> {
        let id = self.next.referral;
        self.next.referral += 1;
        self.referral.push(params![
            id,
            r.person_id,
            r.from_desk,
            r.to_desk,
            r.reason,
            r.proposed_applicant,
            r.sharing_basis,
            r.status,
            r.sent_by,
            r.sent_on,
            r.handled_by,
            r.handled_on,
            r.return_reason,
            r.completed_on
        ]);
        self.flush_if_full()?;
        Ok(id)
    }

    /// Adds an application; its id.
    pub fn application(&mut self, a: &DemoApplication<'_>) -> Result<i64, StoreError> {
        let id = self.next.application;
        self.next.application += 1;
        self.application.push(params![
            id,
            a.person_id,
            a.referral_id,
            a.scheme,
            a.received_on,
            a.channel,
            a.applicant,
            a.authority,
            a.proxy_name,
            a.proxy_kana,
            a.proxy_address,
            a.proxy_phone,
            a.proxy_relationship,
            a.reasons,
            a.delivery,
            a.status,
            a.received_by,
            a.decided_by,
            a.decided_on,
            a.created_at,
            a.delegator,
            a.forwarded_on,
            a.forwarded_by,
            a.union_decided_on,
            a.handed_over_on,
            a.handover_method
        ]);
        self.flush_if_full()?;
        Ok(id)
    }

    /// Adds one of the documents an application needs (by its code), checked or not.
    pub fn document(&mut self, application_id: i64, document: &str, checked: bool) -> Result<(), StoreError> {
        self.document.push(params![application_id, document, checked]);
        self.flush_if_full()
    }

    /// Adds a certificate.
    pub fn certificate(&mut self, c: &DemoCertificate<'_>) -> Result<(), StoreError> {
        self.certificate.push(params![
            c.person_id,
            c.application_id,
            c.scheme,
            c.basis,
            c.issued_on,
            c.valid_until,
            c.valid_until_basis,
            c.delivery_address,
            c.issued_by,
            c.created_at,
            c.issuer
        ]);
        self.flush_if_full()
    }
}
