//! Applications (交付申請) and their checklists: the `application` and `application_document`
//! tables.

use super::sql::{params, OptionalExtension, Row};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::application::{
    entries_from_text, entries_to_text, AppScheme, AppStatus, Applicant, Application, Channel, ChecklistItem, Delegator, Delivery, Document, HandOverMethod,
    IdentityShown, OptionalEntry, ProxyAuthority, Signing,
};
// The reasons column holds the reasons' codes joined by commas, as the person table does.
use crate::model::person::{reasons_from_text, reasons_to_text, Reason};
use crate::{Page, Paged};

/// An application as the counter receives it; it is stored in the state 受付.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub person_id: i64,
    pub referral_id: Option<i64>,
    pub scheme: AppScheme,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub applicant: Applicant,
    pub authority: Option<ProxyAuthority>,
    pub delegator: Option<Delegator>,
    pub proxy_name: &'a str,
    pub proxy_kana: &'a str,
    pub proxy_address: &'a str,
    pub proxy_phone: &'a str,
    pub proxy_relationship: &'a str,
    pub reasons: &'a [Reason],
    pub signing: Signing,
    pub writer_name: &'a str,
    pub optional_entries: &'a [OptionalEntry],
    pub delivery: Delivery,
    pub delivery_reason: &'a str,
    pub city_issues: bool,
    pub received_by: i64,
    pub created_at: String,
}

const SELECT: &str = "SELECT a.id, a.person_id, p.name, a.referral_id, a.scheme, a.received_on, a.channel, a.applicant, a.authority,
    a.proxy_name, a.proxy_kana, a.proxy_address, a.proxy_phone, a.proxy_relationship, a.reasons, a.delivery, a.status,
    a.override_reason, a.decision_note, s.login, d.login, a.decided_on, s.name, a.delegator,
    a.forwarded_on, f.login, a.union_decided_on, a.handed_over_on, a.handover_method, a.signing, a.writer_name, a.optional_entries, p.protected,
    a.handover_identity, a.delivery_reason, a.city_issues
    FROM application a JOIN person p ON p.id = a.person_id JOIN staff s ON s.id = a.received_by LEFT JOIN staff d ON d.id = a.decided_by
    LEFT JOIN staff f ON f.id = a.forwarded_by";

fn from_row(r: &Row<'_>) -> super::sql::Result<Application> {
    let scheme: AppScheme = r.get(4)?;
    let channel: Channel = r.get(6)?;
    let applicant: Applicant = r.get(7)?;
    let authority: Option<ProxyAuthority> = r.get(8)?;
    let delivery: Delivery = r.get(15)?;
    let status: AppStatus = r.get(16)?;
    let delegator: Option<Delegator> = r.get(23)?;
    let handover_method: Option<HandOverMethod> = r.get(28)?;
    let handover_identity: Option<IdentityShown> = r.get(33)?;
    let signing: Signing = r.get(29)?;
    Ok(Application {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_name: r.get(2)?,
        referral_id: r.get(3)?,
        scheme,
        scheme_label: scheme.label(),
        received_on: r.get(5)?,
        channel,
        channel_label: channel.label(),
        applicant,
        applicant_label: applicant.label(),
        authority,
        authority_label: authority.map(|a| a.label()),
        delegator,
        delegator_label: delegator.map(|d| d.label()),
        proxy_name: r.get(9)?,
        proxy_kana: r.get(10)?,
        proxy_address: r.get(11)?,
        proxy_phone: r.get(12)?,
        proxy_relationship: r.get(13)?,
        reasons: reasons_from_text(&r.get::<_, String>(14)?),
        signing,
        signing_label: signing.label(),
        writer_name: r.get(30)?,
        optional_entries: entries_from_text(&r.get::<_, String>(31)?),
        delivery,
        delivery_label: delivery.label(),
        delivery_reason: r.get(34)?,
        city_issues: r.get(35)?,
        status,
        status_label: status.label(),
        override_reason: r.get(17)?,
        decision_note: r.get(18)?,
        received_by: r.get(19)?,
        received_by_name: r.get(22)?,
        decided_by: r.get(20)?,
        decided_on: r.get(21)?,
        forwarded_on: r.get(24)?,
        forwarded_by: r.get(25)?,
        union_decided_on: r.get(26)?,
        handed_over_on: r.get(27)?,
        handover_method,
        handover_method_label: handover_method.map(|m| m.label()),
        handover_identity,
        handover_identity_label: handover_identity.map(|i| i.label()),
        checklist: vec![],
        next: vec![],
        protected: r.get(32)?,
    })
}

/// Reads applications, each with its checklist (in the documents' order).
pub struct ApplicationHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn applications(&self) -> ApplicationHandle<'a> {
        ApplicationHandle { conn: self.conn }
    }
}

impl ApplicationHandle<'_> {
    fn with_checklist(&self, mut a: Application) -> Result<Application, StoreError> {
        let mut stmt = self.conn.prepare("SELECT document, checked FROM application_document WHERE application_id = ?1")?;
        let mut items: Vec<ChecklistItem> = stmt
            .query_map([a.id], |r| {
                let d: Document = r.get(0)?;
                Ok(ChecklistItem { document: d, label: d.label(), checked: r.get(1)? })
            })?
            .collect::<Result<_, _>>()?;
        items.sort_by_key(|i| i.document);
        a.checklist = items;
        Ok(a)
    }

    /// One application, or `None` when no application has that id.
    pub fn get(&self, id: i64) -> Result<Option<Application>, StoreError> {
        let a = self.conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], from_row).optional()?;
        a.map(|a| self.with_checklist(a)).transpose()
    }

    /// A person's applications, newest first.
    pub fn for_person(&self, person_id: i64) -> Result<Vec<Application>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE a.person_id = ?1 ORDER BY a.received_on DESC, a.id DESC"))?;
        let rows: Vec<Application> = stmt.query_map([person_id], from_row)?.collect::<Result<_, _>>()?;
        rows.into_iter().map(|a| self.with_checklist(a)).collect()
    }

    /// Received or reviewing applications with a document still unchecked, of one scheme when
    /// given, oldest first.
    pub fn waiting_for_documents(&self, scheme: Option<AppScheme>, page: Page) -> Result<Paged<Application>, StoreError> {
        let filter = "a.status IN ('received', 'reviewing') AND (a.scheme = ?1 OR ?1 IS NULL)
        AND EXISTS (SELECT 1 FROM application_document d WHERE d.application_id = a.id AND d.checked = 0)";
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM application a WHERE {filter}"), params![scheme], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY a.received_on, a.id LIMIT ?2 OFFSET ?3"))?;
        let rows: Vec<Application> = stmt.query_map(params![scheme, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
        let items = rows.into_iter().map(|a| self.with_checklist(a)).collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// Applications in any of `statuses` (which the caller makes non-empty), of one scheme when
    /// given, oldest first.
    pub fn in_states(&self, statuses: &[AppStatus], scheme: Option<AppScheme>, page: Page) -> Result<Paged<Application>, StoreError> {
        let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
        let list = serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into());
        let filter = self.conn.dialect(
            "a.status IN (SELECT value FROM json_each(?1)) AND (a.scheme = ?2 OR ?2 IS NULL)",
            "a.status IN (SELECT json_array_elements_text(?1::json)) AND (a.scheme = ?2 OR ?2 IS NULL)",
        );
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM application a WHERE {filter}"), params![list, scheme], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY a.received_on, a.id LIMIT ?3 OFFSET ?4"))?;
        let rows: Vec<Application> = stmt.query_map(params![list, scheme, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
        let items = rows.into_iter().map(|a| self.with_checklist(a)).collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// The 後期 applications forwarded to the 広域連合 on `on`, in the order they were received.
    pub fn forwarded_on(&self, on: NaiveDate) -> Result<Vec<Application>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE a.forwarded_on = ?1 ORDER BY a.received_on, a.id"))?;
        let rows: Vec<Application> = stmt.query_map([on], from_row)?.collect::<Result<_, _>>()?;
        rows.into_iter().map(|a| self.with_checklist(a)).collect()
    }

    /// The ids of the 後期 applications of the person with 宛名番号 `atena_no` received on
    /// `received_on` (the key a 広域連合's result file may give instead of our id).
    pub fn kouki_ids_by_atena(&self, atena_no: &str, received_on: NaiveDate) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id FROM application a JOIN person p ON p.id = a.person_id
             WHERE p.atena_no = ?1 AND a.received_on = ?2 AND a.scheme = 'kouki' ORDER BY a.id",
        )?;
        let ids = stmt.query_map(params![atena_no, received_on], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The proxy's address written on an application, or `None` when no application has that id.
    pub fn proxy_address(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT proxy_address FROM application WHERE id = ?1", [id], |r| r.get(0)).optional()
    }
}

/// Writes applications inside the caller's transaction.
pub struct ApplicationHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn applications_mut(&self) -> ApplicationHandleMut<'a> {
        ApplicationHandleMut { conn: self.conn }
    }
}

impl ApplicationHandleMut<'_> {
    /// Stores a received application with its checklist of `documents` (none checked yet);
    /// returns its id.
    pub fn insert(&self, a: &NewApplication<'_>, documents: &[Document]) -> Result<i64, StoreError> {
        let id = self.conn.insert_returning_id(
            "INSERT INTO application (person_id, referral_id, scheme, received_on, channel, applicant, authority, proxy_name,
                proxy_kana, proxy_address, proxy_phone, proxy_relationship, reasons, delivery, status, received_by, created_at, delegator,
                signing, writer_name, optional_entries, delivery_reason, city_issues)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'received', ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
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
                reasons_to_text(a.reasons),
                a.delivery,
                a.received_by,
                a.created_at,
                a.delegator,
                a.signing,
                a.writer_name,
                entries_to_text(a.optional_entries),
                a.delivery_reason,
                a.city_issues
            ],
        )?;
        for d in documents {
            self.conn.execute("INSERT INTO application_document (application_id, document) VALUES (?1, ?2)", params![id, d])?;
        }
        Ok(id)
    }

    /// Marks `document` of application `id` as seen (or not); false when the document is not on
    /// that application's checklist.
    pub fn check_document(&self, id: i64, document: Document, checked: bool) -> Result<bool, StoreError> {
        let n =
            self.conn.execute("UPDATE application_document SET checked = ?3 WHERE application_id = ?1 AND document = ?2", params![id, document, checked])?;
        Ok(n > 0)
    }

    /// Moves application `id` to `to`. The deciding states (交付決定, 却下, 年次更新時交付) also
    /// record who decided and when; a non-empty `note` replaces the decision note.
    pub fn set_status(&self, id: i64, to: AppStatus, staff_id: i64, on: NaiveDate, note: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE application SET status = ?2, decided_by = CASE WHEN ?2 IN ('decided', 'rejected', 'at_renewal') THEN ?3 ELSE decided_by END,
             decided_on = CASE WHEN ?2 IN ('decided', 'rejected', 'at_renewal') THEN ?4 ELSE decided_on END,
             decision_note = CASE WHEN ?5 <> '' THEN ?5 ELSE decision_note END
         WHERE id = ?1",
            params![id, to, staff_id, on, note],
        )?;
        Ok(())
    }

    /// Records that application `id` was forwarded to the 広域連合 (進達済) on `on` by
    /// `staff_id`.
    pub fn forward(&self, id: i64, on: NaiveDate, staff_id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE application SET status = 'forwarded', forwarded_on = ?2, forwarded_by = ?3 WHERE id = ?1", params![id, on, staff_id])?;
        Ok(())
    }

    /// Records the 広域連合's result: application `id` moves to `to`, decided by the union on
    /// `decided_on`; a non-empty `note` (the reason of a 却下) replaces the decision note.
    pub fn record_union_result(&self, id: i64, to: AppStatus, decided_on: NaiveDate, note: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE application SET status = ?2, union_decided_on = ?3, decision_note = CASE WHEN ?4 <> '' THEN ?4 ELSE decision_note END WHERE id = ?1",
            params![id, to, decided_on, note],
        )?;
        Ok(())
    }

    /// Records that what the 広域連合 issued for application `id` was handed over or mailed
    /// (引渡し・送付済) on `on`.
    pub fn hand_over(&self, id: i64, method: HandOverMethod, identity: Option<IdentityShown>, on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE application SET status = 'handed_over', handed_over_on = ?2, handover_method = ?3, handover_identity = ?4 WHERE id = ?1",
            params![id, on, method, identity],
        )?;
        Ok(())
    }

    /// Records why a supervisor decided with documents missing.
    pub fn set_override_reason(&self, id: i64, reason: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE application SET override_reason = ?2 WHERE id = ?1", params![id, reason])?;
        Ok(())
    }
}
