//! Synthetic rows for `hairyo demo`: persons with their touchpoints, referrals, applications
//! and certificates written in one transaction, hundreds of thousands of rows at a time, through
//! statements prepared once.

use super::sql::{params, Conn, Statement};

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
    pub created_at: &'p str,
    pub name_chars: String,
    pub kana_chars: String,
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

/// The demo's prepared inserts, for one write transaction.
pub struct DemoLoad<'a> {
    conn: Conn<'a>,
    person: Statement<'a>,
    touchpoint: Statement<'a>,
    leaflet: Statement<'a>,
    referral: Statement<'a>,
    application: Statement<'a>,
    document: Statement<'a>,
    certificate: Statement<'a>,
}

impl<'a> Write<'a> {
    /// Prepares the demo's inserts.
    pub fn demo_load(&self) -> Result<DemoLoad<'a>, StoreError> {
        let conn: Conn<'a> = self.read.conn;
        Ok(DemoLoad {
            conn,
            person: conn.prepare(
                "INSERT INTO person (atena_no, name, kana, name_norm, kana_norm, birth_date, sex, postal_code, address, phone,
                    householder, scheme, insurer_no, card_symbol, card_number, card_branch, old_card_expiry, mynumber_card,
                    registration, wishes_cancel, reasons, facility_id, legal_rep_kind, legal_rep_name, protected,
                    safe_postal_code, safe_address, notes, created_at, updated_at, name_chars, kana_chars)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
                    ?24, ?25, ?26, ?27, '', ?28, ?28, ?29, ?30) RETURNING id",
            )?,
            touchpoint: conn.prepare(
                "INSERT INTO touchpoint (person_id, desk, staff_id, date, kind, wish, notes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            )?,
            leaflet: conn.prepare("INSERT INTO touchpoint_leaflet (touchpoint_id, leaflet, edition) VALUES (?1, 'bessou1', 'R7.5')")?,
            referral: conn.prepare(
                "INSERT INTO referral (person_id, from_desk, to_desk, reason, proposed_applicant, status, sent_by, sent_on, handled_by, handled_on, return_reason, completed_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
            )?,
            application: conn.prepare(
                "INSERT INTO application (person_id, referral_id, scheme, received_on, channel, applicant, authority, proxy_name, proxy_kana,
                    proxy_address, proxy_phone, proxy_relationship, reasons, delivery, status, received_by, decided_by, decided_on, created_at,
                    delegator, forwarded_on, forwarded_by, union_decided_on, handed_over_on, handover_method)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) RETURNING id",
            )?,
            document: conn.prepare("INSERT INTO application_document (application_id, document, checked) VALUES (?1, ?2, ?3)")?,
            certificate: conn.prepare(
                "INSERT INTO certificate (person_id, application_id, scheme, basis, issued_on, valid_until, valid_until_basis, delivery_address,
                    issued_by, created_at, issuer)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?,
        })
    }
}

impl DemoLoad<'_> {
    /// The highest 宛名番号 stored as a number, or 100000000 when there is none; the demo
    /// numbers its persons after it.
    pub fn last_atena_no(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT coalesce(max(CAST(atena_no AS BIGINT)), 100000000) FROM person", [], |r| r.get(0))
    }

    /// Adds a person; the new id. The search index is filled afterwards, for all at once.
    pub fn person(&mut self, p: &DemoPerson<'_>) -> Result<i64, StoreError> {
        self.person.query_row(
            params![
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
                p.created_at,
                p.name_chars,
                p.kana_chars
            ],
            |r| r.get(0),
        )
    }

    /// Adds a touchpoint without notes; the new id.
    pub fn touchpoint(&mut self, t: &DemoTouchpoint<'_>) -> Result<i64, StoreError> {
        self.touchpoint.query_row(params![t.person_id, t.desk, t.staff_id, t.date, t.kind, t.wish, "", t.created_at], |r| r.get(0))
    }

    /// Records that the R7.5 edition of 別添1 was handed out at the touchpoint.
    pub fn bessou1_given(&mut self, touchpoint_id: i64) -> Result<(), StoreError> {
        self.leaflet.execute([touchpoint_id])?;
        Ok(())
    }

    /// Adds a referral; the new id.
    pub fn referral(&mut self, r: &DemoReferral<'_>) -> Result<i64, StoreError> {
        self.referral.query_row(
            params![
                r.person_id,
                r.from_desk,
                r.to_desk,
                r.reason,
                r.proposed_applicant,
                r.status,
                r.sent_by,
                r.sent_on,
                r.handled_by,
                r.handled_on,
                r.return_reason,
                r.completed_on
            ],
            |r| r.get(0),
        )
    }

    /// Adds an application; the new id.
    pub fn application(&mut self, a: &DemoApplication<'_>) -> Result<i64, StoreError> {
        self.application.query_row(
            params![
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
            ],
            |r| r.get(0),
        )
    }

    /// Adds one of the documents an application needs (by its code), checked or not.
    pub fn document(&mut self, application_id: i64, document: &str, checked: bool) -> Result<(), StoreError> {
        self.document.execute(params![application_id, document, checked])?;
        Ok(())
    }

    /// Adds a certificate.
    pub fn certificate(&mut self, c: &DemoCertificate<'_>) -> Result<(), StoreError> {
        self.certificate.execute(params![
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
        ])?;
        Ok(())
    }
}
