//! Certificates (資格確認書): the `certificate` table, its expiry lists and the 8/1 renewal
//! list.

use super::sql::{params, OptionalExtension, Row};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::application::{entries_from_text, entries_to_text, AppScheme, OptionalEntry};
use crate::model::certificate::{
    CardDetails, Certificate, CertificateBasis, CertificateConflict, CertificateEvent, CertificateEventKind, CertificateSource, CertificateStatus,
    ConflictResolution, CoverageNotice, EndCause, Issuer, ReissueCause, RenewalDue, ValidityBasis,
};
use crate::{Page, Paged};

/// A certificate as it is issued, with the address it is sent to already decided.
#[derive(Debug, Clone)]
pub struct NewCertificate<'a> {
    pub person_id: i64,
    pub application_id: Option<i64>,
    pub scheme: AppScheme,
    pub basis: CertificateBasis,
    pub issuer: Issuer,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub valid_until_basis: ValidityBasis,
    pub residence_capped: bool,
    pub delivery_address: &'a str,
    /// 任意記載事項 printed on it (併記).
    pub optional_entries: &'a [OptionalEntry],
    pub source: CertificateSource,
    pub card: &'a CardDetails,
    pub issued_by: i64,
    pub created_at: String,
}

/// Where a facility receives its residents' mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityAddress {
    pub name: String,
    pub postal_code: String,
    pub address: String,
}

const SELECT: &str = "SELECT c.id, c.person_id, p.name, c.application_id, c.scheme, c.basis, c.issued_on, c.valid_until, c.delivery_address,
    p.protected, c.valid_until_basis, c.issuer, c.status, c.replaces_id, c.ended_on, c.undelivered, c.return_due, c.optional_entries,
    c.source, c.card_symbol, c.card_number, c.card_branch, c.copay_rate, c.limit_class, c.specified_disease, c.special_care,
    c.residence_capped
    FROM certificate c JOIN person p ON p.id = c.person_id";

/// A step of a certificate's history as it is stored.
#[derive(Debug, Clone)]
pub struct NewCertificateEvent<'a> {
    pub certificate_id: i64,
    pub kind: CertificateEventKind,
    pub on: NaiveDate,
    /// The cause's code (ReissueCause, EndCause), or empty.
    pub cause: &'a str,
    pub note: &'a str,
    pub staff_id: i64,
    pub created_at: String,
}

/// How a step changes the certificate's own columns; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct CertificateChange<'a> {
    pub status: Option<CertificateStatus>,
    pub ended_on: Option<NaiveDate>,
    pub undelivered: Option<bool>,
    pub return_due: Option<bool>,
    pub delivery_address: Option<&'a str>,
    pub source: Option<CertificateSource>,
    pub card: Option<&'a CardDetails>,
    pub issued_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

fn from_row(r: &Row<'_>) -> super::sql::Result<Certificate> {
    let scheme: AppScheme = r.get(4)?;
    let basis: CertificateBasis = r.get(5)?;
    let valid_until_basis: ValidityBasis = r.get(10)?;
    let issuer: Issuer = r.get(11)?;
    Ok(Certificate {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_name: r.get(2)?,
        application_id: r.get(3)?,
        scheme,
        scheme_label: scheme.label(),
        basis,
        basis_label: basis.label(),
        issuer,
        issuer_label: issuer.label(),
        issued_on: r.get(6)?,
        valid_until: r.get(7)?,
        valid_until_basis,
        valid_until_basis_label: if r.get::<_, bool>(26)? { "在留期限まで" } else { valid_until_basis.label() },
        residence_capped: r.get(26)?,
        delivery_address: r.get(8)?,
        protected: r.get(9)?,
        status: r.get(12)?,
        status_label: r.get::<_, CertificateStatus>(12)?.label(),
        replaces_id: r.get(13)?,
        ended_on: r.get(14)?,
        undelivered: r.get(15)?,
        return_due: r.get(16)?,
        optional_entries: entries_from_text(&r.get::<_, String>(17)?),
        source: r.get(18)?,
        source_label: r.get::<_, CertificateSource>(18)?.label(),
        card: CardDetails {
            symbol: r.get(19)?,
            number: r.get(20)?,
            branch: r.get(21)?,
            copay_rate: r.get(22)?,
            limit_class: r.get(23)?,
            specified_disease: r.get(24)?,
            special_care: r.get(25)?,
        },
        card_withheld: false,
        card_lines: Vec::new(),
        events: Vec::new(),
        next: Vec::new(),
    })
}

/// Reads certificates.
pub struct CertificateHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn certificates(&self) -> CertificateHandle<'a> {
        CertificateHandle { conn: self.conn }
    }
}

impl CertificateHandle<'_> {
    /// One certificate, or `None` when no certificate has that id.
    pub fn get(&self, id: i64) -> Result<Option<Certificate>, StoreError> {
        self.conn.query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], from_row).optional()
    }

    /// A person's certificates, newest first.
    pub fn for_person(&self, person_id: i64) -> Result<Vec<Certificate>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE c.person_id = ?1 ORDER BY c.issued_on DESC, c.id DESC"))?;
        let rows = stmt.query_map([person_id], from_row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// A certificate's history, oldest first, with who recorded each step.
    pub fn events(&self, certificate_id: i64) -> Result<Vec<CertificateEvent>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.kind, e.on_date, e.cause, e.note, s.name FROM certificate_event e JOIN staff s ON s.id = e.staff_id
             WHERE e.certificate_id = ?1 ORDER BY e.id",
        )?;
        let rows = stmt
            .query_map([certificate_id], |r| {
                let kind: CertificateEventKind = r.get(1)?;
                Ok((r.get(0)?, kind, r.get(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?))
            })?
            .collect::<Result<Vec<(i64, CertificateEventKind, NaiveDate, String, String, String)>, _>>()?;
        Ok(rows
            .into_iter()
            .map(|(id, kind, on, cause, note, by)| {
                let cause_label = ReissueCause::from_code(&cause).map(ReissueCause::label).or_else(|| EndCause::from_code(&cause).map(EndCause::label));
                CertificateEvent { id, kind, kind_label: kind.label(), on, cause_label: cause_label.unwrap_or_default().to_string(), note, by }
            })
            .collect())
    }

    /// Certificates whose return was asked for and has not arrived, oldest request first.
    pub fn returns_due(&self, page: Page) -> Result<Paged<Certificate>, StoreError> {
        let filter = "c.return_due = 1";
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM certificate c WHERE {filter}"), [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY c.ended_on, c.id LIMIT ?1 OFFSET ?2"))?;
        let items = stmt.query_map(params![page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// Certificates valid from `from` through `until` (both included), soonest expiry first.
    pub fn expiring_between(&self, from: NaiveDate, until: NaiveDate, page: Page) -> Result<Paged<Certificate>, StoreError> {
        let filter = "c.status = 'valid' AND c.valid_until >= ?1 AND c.valid_until <= ?2";
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM certificate c WHERE {filter}"), params![from, until], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY c.valid_until, c.id LIMIT ?3 OFFSET ?4"))?;
        let items = stmt.query_map(params![from, until, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// Who is due at a renewal: holders of certificates that end on `ends`, 後期 applications
    /// set aside for the renewal (年次更新時交付), and 後期 members born on or before `born_by`
    /// (85 or over on the renewal day) who hold no certificate today, having had a 資格情報の
    /// お知らせ at 84; in 五十音順 (by the normalised フリガナ; the kanji's code order is no order
    /// a clerk knows). A member who moved out, died or lost eligibility, or who is insured
    /// elsewhere (住所地特例), is not the city's to list.
    pub fn renewal_list(&self, ends: NaiveDate, born_by: NaiveDate, page: Page) -> Result<Paged<RenewalDue>, StoreError> {
        let sql = "SELECT c.person_id, p.name, c.scheme, c.valid_until, c.id, NULL, p.kana_norm, 'certificate'
                 FROM certificate c JOIN person p ON p.id = c.person_id WHERE c.valid_until = ?1 AND c.status = 'valid'
               UNION ALL
               SELECT a.person_id, p.name, a.scheme, a.received_on, NULL, a.id, p.kana_norm, 'application'
                 FROM application a JOIN person p ON p.id = a.person_id WHERE a.status = 'at_renewal'
               UNION ALL
               SELECT p.id, p.name, 'kouki', p.birth_date, NULL, NULL, p.kana_norm, 'age_85'
                 FROM person p
                WHERE p.scheme = 'kouki' AND p.other_insurer = '' AND p.birth_date <= ?2
                  AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.person_id = p.id AND c.status = 'valid')
                  AND NOT EXISTS (SELECT 1 FROM application a WHERE a.person_id = p.id AND a.status = 'at_renewal')
                  AND NOT EXISTS (SELECT 1 FROM person_end e WHERE e.person_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM move_out m WHERE m.person_id = p.id)";
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM ({sql}) listed"), params![ends, born_by], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("SELECT * FROM ({sql}) listed ORDER BY 7, 1 LIMIT ?3 OFFSET ?4"))?;
        let items = stmt
            .query_map(params![ends, born_by, page.limit, page.offset], |r| {
                // The day is the certificate's last one, the application's receipt or the
                // birthday; the cause says which, in 和暦 as every date shown.
                let on: NaiveDate = r.get(3)?;
                let certificate_id: Option<i64> = r.get(4)?;
                let part: String = r.get(7)?;
                let on = crate::text::wareki::format(on);
                Ok(RenewalDue {
                    person_id: r.get(0)?,
                    person_name: r.get(1)?,
                    scheme: r.get(2)?,
                    cause: match (certificate_id, part.as_str()) {
                        (Some(_), _) => format!("有効期限 {on} の資格確認書"),
                        (None, "age_85") => format!("85歳到達 (生年月日 {on}、資格確認書なし)"),
                        (None, _) => format!("年次更新時交付の申請 (受付 {on})"),
                    },
                    certificate_id: r.get(4)?,
                    application_id: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// The postal address of facility `id`, for certificates sent to a resident there; `None`
    /// when no facility has that id. (The facilities' own handle may take this over; it is
    /// here because only the certificate's delivery asks for it this way.)
    pub fn facility_address(&self, id: i64) -> Result<Option<FacilityAddress>, StoreError> {
        self.conn
            .query_row("SELECT name, postal_code, address FROM facility WHERE id = ?1", [id], |r| {
                Ok(FacilityAddress { name: r.get(0)?, postal_code: r.get(1)?, address: r.get(2)? })
            })
            .optional()
    }
}

const CONFLICT_SELECT: &str = "SELECT k.id, k.person_id, p.name, k.certificate_id, c.issued_on, c.valid_until, k.fed, k.reason, k.created_at,
    k.resolution, COALESCE(s.name, '')
    FROM certificate_conflict k JOIN person p ON p.id = k.person_id JOIN certificate c ON c.id = k.certificate_id
    LEFT JOIN staff s ON s.id = k.resolved_by";

fn conflict_from_row(r: &Row<'_>) -> super::sql::Result<CertificateConflict> {
    let fed: String = r.get(6)?;
    Ok(CertificateConflict {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_name: r.get(2)?,
        certificate_id: r.get(3)?,
        recorded_issued_on: r.get(4)?,
        recorded_valid_until: r.get(5)?,
        fed: serde_json::from_str(&fed).map_err(|e| StoreError::Decode(format!("certificate_conflict.fed: {e}")))?,
        reason: r.get(7)?,
        found_at: r.get(8)?,
        resolution: r.get(9)?,
        resolved_by: r.get(10)?,
    })
}

impl CertificateHandle<'_> {
    /// Fed certificates that disagreed with recorded ones: the open ones (oldest first), or
    /// all of them (newest first).
    pub fn conflicts(&self, open_only: bool, page: Page) -> Result<Paged<CertificateConflict>, StoreError> {
        let (filter, order) = if open_only { ("k.resolution IS NULL", "k.id") } else { ("1 = 1", "k.id DESC") };
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM certificate_conflict k WHERE {filter}"), [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{CONFLICT_SELECT} WHERE {filter} ORDER BY {order} LIMIT ?1 OFFSET ?2"))?;
        let items = stmt.query_map(params![page.limit, page.offset], conflict_from_row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// Valid certificates of `scheme` whose holders were born from `from` through `to`, by
    /// birth date, except those issued in place of one reissued at 70 (`age_70`).
    pub fn valid_held_by_born_between(&self, scheme: AppScheme, from: NaiveDate, to: NaiveDate) -> Result<Vec<Certificate>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT} WHERE c.scheme = ?1 AND c.status = 'valid' AND p.birth_date >= ?2 AND p.birth_date <= ?3
               AND NOT EXISTS (SELECT 1 FROM certificate_event e WHERE e.certificate_id = c.replaces_id AND e.kind = 'reissued' AND e.cause = 'age_70')
             ORDER BY p.birth_date, c.id"
        ))?;
        let rows = stmt.query_map(params![scheme, from, to], from_row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// One conflict, or `None`.
    pub fn conflict(&self, id: i64) -> Result<Option<CertificateConflict>, StoreError> {
        self.conn.query_row(&format!("{CONFLICT_SELECT} WHERE k.id = ?1"), [id], conflict_from_row).optional()
    }

    /// Whether the same fed certificate was listed as a conflict with certificate
    /// `certificate_id` before, waiting or settled (a feed sent twice lists it once).
    pub fn conflict_seen(&self, certificate_id: i64, fed: &str) -> Result<bool, StoreError> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM certificate_conflict WHERE certificate_id = ?1 AND fed = ?2", params![certificate_id, fed], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// The 資格情報のお知らせ sent to a person, newest first.
    pub fn notices(&self, person_id: i64) -> Result<Vec<CoverageNotice>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT scheme, sent_on FROM coverage_notice WHERE person_id = ?1 ORDER BY sent_on DESC, id DESC")?;
        let rows = stmt
            .query_map([person_id], |r| {
                let scheme: AppScheme = r.get(0)?;
                Ok(CoverageNotice { scheme, scheme_label: scheme.label(), sent_on: r.get(1)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Writes certificates inside the caller's transaction.
pub struct CertificateHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn certificates_mut(&self) -> CertificateHandleMut<'a> {
        CertificateHandleMut { conn: self.conn }
    }
}

impl CertificateHandleMut<'_> {
    /// Lists a fed certificate that disagrees with certificate `certificate_id` for a clerk.
    pub fn add_conflict(&self, person_id: i64, certificate_id: i64, fed: &str, reason: &str, staff_id: i64, at: &str) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO certificate_conflict (person_id, certificate_id, fed, reason, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![person_id, certificate_id, fed, reason, staff_id, at],
        )
    }

    /// Records how a clerk settled a conflict.
    pub fn resolve_conflict(&self, id: i64, resolution: ConflictResolution, staff_id: i64, at: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE certificate_conflict SET resolution = ?2, resolved_by = ?3, resolved_at = ?4 WHERE id = ?1",
            params![id, resolution, staff_id, at],
        )?;
        Ok(())
    }

    /// Records a 資格情報のお知らせ; returns false when the same one was recorded before.
    pub fn add_notice(&self, person_id: i64, scheme: AppScheme, sent_on: NaiveDate, staff_id: i64, at: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "INSERT INTO coverage_notice (person_id, scheme, sent_on, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            params![person_id, scheme, sent_on, staff_id, at],
        )?;
        Ok(n > 0)
    }

    /// Stores one step of a certificate's history.
    pub fn add_event(&self, e: &NewCertificateEvent<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO certificate_event (certificate_id, kind, on_date, cause, note, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![e.certificate_id, e.kind, e.on, e.cause, e.note, e.staff_id, e.created_at],
        )
    }

    /// Applies a step's change to the certificate's own columns.
    pub fn change(&self, id: i64, c: &CertificateChange<'_>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE certificate SET status = COALESCE(?2, status), ended_on = COALESCE(?3, ended_on),
                undelivered = COALESCE(?4, undelivered), return_due = COALESCE(?5, return_due),
                delivery_address = COALESCE(?6, delivery_address), source = COALESCE(?7, source),
                issued_on = COALESCE(?8, issued_on), valid_until = COALESCE(?9, valid_until) WHERE id = ?1",
            params![
                id,
                c.status,
                c.ended_on,
                c.undelivered.map(i64::from),
                c.return_due.map(i64::from),
                c.delivery_address,
                c.source,
                c.issued_on,
                c.valid_until
            ],
        )?;
        if let Some(card) = c.card {
            self.set_card(id, card)?;
        }
        Ok(())
    }

    /// Replaces what the card shows.
    fn set_card(&self, id: i64, card: &CardDetails) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE certificate SET card_symbol = ?2, card_number = ?3, card_branch = ?4, copay_rate = ?5, limit_class = ?6,
                specified_disease = ?7, special_care = ?8 WHERE id = ?1",
            params![id, card.symbol, card.number, card.branch, card.copay_rate, card.limit_class, card.specified_disease, i64::from(card.special_care)],
        )?;
        Ok(())
    }

    /// Stores the certificate issued in place of `replaces` (再交付).
    pub fn insert_replacement(&self, c: &NewCertificate<'_>, replaces: i64) -> Result<i64, StoreError> {
        let id = self.insert(c)?;
        self.conn.execute("UPDATE certificate SET replaces_id = ?2 WHERE id = ?1", params![id, replaces])?;
        Ok(id)
    }

    /// Stores an issued certificate; returns its id.
    pub fn insert(&self, c: &NewCertificate<'_>) -> Result<i64, StoreError> {
        let id = self.conn.insert_returning_id(
            "INSERT INTO certificate (person_id, application_id, scheme, basis, issued_on, valid_until, valid_until_basis, delivery_address, issued_by, created_at, issuer, optional_entries, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
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
                c.issuer,
                entries_to_text(c.optional_entries),
                c.source
            ],
        )?;
        if *c.card != CardDetails::default() {
            self.set_card(id, c.card)?;
        }
        if c.residence_capped {
            self.conn.execute("UPDATE certificate SET residence_capped = 1 WHERE id = ?1", [id])?;
        }
        Ok(id)
    }
}
