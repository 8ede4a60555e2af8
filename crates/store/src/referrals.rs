//! Referrals (連携依頼) and their comment threads: the `referral` and `referral_comment` tables.

use super::sql::{params, OptionalExtension, Row};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::referral::{Comment, QueueFilter, QueueOrder, Referral, ReferralStatus, SharingBasis, SHARING_BASIS_UNRECORDED};
use crate::model::staff::Desk;
use crate::{Page, Paged};

/// A referral as a welfare desk sends it; it is stored in the state 送付済み.
#[derive(Debug, Clone)]
pub struct NewReferral<'a> {
    pub person_id: i64,
    pub from_desk: Desk,
    pub to_desk: Desk,
    pub reason: &'a str,
    pub proposed_applicant: &'a str,
    pub sharing_basis: SharingBasis,
    pub sharing_note: &'a str,
    pub sent_by: i64,
    pub sent_on: NaiveDate,
}

/// One comment in a referral's thread.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub referral_id: i64,
    pub staff_id: i64,
    pub at: String,
    pub body: &'a str,
}

const SELECT: &str = "SELECT r.id, r.person_id, p.name, r.from_desk, r.to_desk, r.reason, r.proposed_applicant, r.status,
    s.login, r.sent_on, h.login, r.handled_on, r.return_reason, r.completed_on, s.name, r.withdrawn_on, r.withdraw_reason,
    r.sharing_basis, r.sharing_note
    FROM referral r JOIN person p ON p.id = r.person_id JOIN staff s ON s.id = r.sent_by LEFT JOIN staff h ON h.id = r.handled_by";

fn from_row(r: &Row<'_>) -> super::sql::Result<Referral> {
    let from_desk: Desk = r.get(3)?;
    let to_desk: Desk = r.get(4)?;
    let status: ReferralStatus = r.get(7)?;
    let sharing_basis: Option<SharingBasis> = r.get(17)?;
    Ok(Referral {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_name: r.get(2)?,
        from_desk,
        from_desk_label: from_desk.label(),
        to_desk,
        to_desk_label: to_desk.label(),
        reason: r.get(5)?,
        proposed_applicant: r.get(6)?,
        sharing_basis,
        sharing_basis_label: sharing_basis.map_or(SHARING_BASIS_UNRECORDED, |b| b.label()),
        sharing_note: r.get(18)?,
        status,
        status_label: status.label(),
        sent_by: r.get(8)?,
        sent_by_name: r.get(14)?,
        sent_on: r.get(9)?,
        handled_by: r.get(10)?,
        handled_on: r.get(11)?,
        return_reason: r.get(12)?,
        completed_on: r.get(13)?,
        withdrawn_on: r.get(15)?,
        withdraw_reason: r.get(16)?,
        comments: vec![],
        waited_days: None,
        next: vec![],
    })
}

/// Reads referrals with their comment threads.
pub struct ReferralHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn referrals(&self) -> ReferralHandle<'a> {
        ReferralHandle { conn: self.conn }
    }
}

impl ReferralHandle<'_> {
    /// One referral with its thread, or `None` when no referral has that id.
    pub fn get(&self, id: i64) -> Result<Option<Referral>, StoreError> {
        let Some(mut r) = self.conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row).optional()? else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT c.at, s.login, s.name, c.body FROM referral_comment c JOIN staff s ON s.id = c.staff_id
         WHERE c.referral_id = ?1 ORDER BY c.id",
        )?;
        r.comments =
            stmt.query_map([id], |row| Ok(Comment { at: row.get(0)?, login: row.get(1)?, name: row.get(2)?, body: row.get(3)? }))?.collect::<Result<_, _>>()?;
        Ok(Some(r))
    }

    /// True when referral `id` exists and is about person `person_id`.
    pub fn is_of_person(&self, id: i64, person_id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> =
            self.conn.query_row("SELECT id FROM referral WHERE id = ?1 AND person_id = ?2", params![id, person_id], |r| r.get(0)).optional()?;
        Ok(found.is_some())
    }

    /// A desk's queue: referrals sent to it (or from it; every desk's when `desk` is None), as
    /// `filter` picks them, in `order` of the day sent, with their threads.
    ///
    /// The queue is the union of two parts, sent to the desk and sent from it (and not also to
    /// it), each read in date order from its own index (`referral_to_sent`,
    /// `referral_from_sent`, migration 0030): a page reads only its rows from each part and the
    /// count only the indexes. One filter with `OR` and "or NULL" parameters scanned the whole
    /// table twice per read, the costliest statement of a saturated server.
    pub fn queue(&self, desk: Option<Desk>, filter: QueueFilter, order: QueueOrder, page: Page) -> Result<Paged<Referral>, StoreError> {
        // Both engines read the date-ordered indexes backwards as readily as forwards.
        let by = match order {
            QueueOrder::Oldest => "r.sent_on, r.id",
            QueueOrder::Newest => "r.sent_on DESC, r.id DESC",
        };
        let in_status = match filter {
            QueueFilter::In(s) => Some(s),
            _ => None,
        };
        // The parameters both statements share, numbered in the order they are bound.
        let mut shared: Vec<&dyn super::sql::Param> = Vec::new();
        let desk_is = desk.as_ref().map(|d| {
            shared.push(d);
            format!("?{}", shared.len())
        });
        let status = match (filter, &in_status) {
            (QueueFilter::In(_), Some(s)) => {
                shared.push(s);
                format!(" AND r.status = ?{}", shared.len())
            }
            (QueueFilter::OpenSent, _) => " AND r.status IN ('sent', 'accepted')".to_string(),
            _ => String::new(),
        };
        let parts = match (&desk_is, filter) {
            (None, _) => vec![format!("1 = 1{status}")],
            (Some(d), QueueFilter::OpenSent) => vec![format!("r.from_desk = {d}{status}")],
            (Some(d), _) => vec![format!("r.to_desk = {d}{status}"), format!("r.from_desk = {d} AND r.to_desk <> {d}{status}")],
        };
        let counts: Vec<String> = parts.iter().map(|part| format!("(SELECT count(*) FROM referral r WHERE {part})")).collect();
        let total: i64 = self.conn.prepare_cached(&format!("SELECT {}", counts.join(" + ")))?.query_row(&shared, |r| r.get(0))?;
        let n = shared.len();
        let (window, limit, offset) = (n + 1, n + 2, n + 3);
        let ids: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| format!("SELECT id FROM (SELECT r.id FROM referral r WHERE {part} ORDER BY {by} LIMIT ?{window}) part{i}"))
            .collect();
        let sql = format!("{SELECT} WHERE r.id IN ({}) ORDER BY {by} LIMIT ?{limit} OFFSET ?{offset}", ids.join(" UNION ALL "));
        let through = page.offset + page.limit;
        let mut list_params = shared.clone();
        list_params.extend([&through as &dyn super::sql::Param, &page.limit, &page.offset]);
        let items = self.conn.prepare_cached(&sql)?.query_map(&list_params, from_row)?.collect::<Result<_, _>>()?;
        let items = self.with_comments(items)?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// Referrals in `status`, oldest first, without their threads: touching `desk` (sent to or
    /// from it) when given, sent from `from_desk` when given, and sent on or before
    /// `sent_until` when given.
    pub fn matching(
        &self,
        status: ReferralStatus,
        desk: Option<Desk>,
        from_desk: Option<Desk>,
        sent_until: Option<NaiveDate>,
        page: Page,
    ) -> Result<Paged<Referral>, StoreError> {
        let filter = "r.status = ?1 AND (r.to_desk = ?2 OR r.from_desk = ?2 OR ?2 IS NULL) AND (r.from_desk = ?3 OR ?3 IS NULL)
        AND (r.sent_on <= ?4 OR ?4 IS NULL)";
        let p = params![status, desk, from_desk, sent_until];
        let total: i64 = self.conn.query_row(&format!("SELECT count(*) FROM referral r WHERE {filter}"), p, |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY r.sent_on, r.id LIMIT ?5 OFFSET ?6"))?;
        let items = stmt.query_map(params![status, desk, from_desk, sent_until, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }

    /// A person's referrals with their threads, newest first.
    pub fn for_person(&self, person_id: i64) -> Result<Vec<Referral>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE r.person_id = ?1 ORDER BY r.sent_on DESC, r.id DESC"))?;
        let rows = stmt.query_map([person_id], from_row)?.collect::<Result<_, _>>()?;
        self.with_comments(rows)
    }

    /// Fills in the comment threads of a list of referrals (the list queries select the
    /// referrals alone), in one query for the whole list: `referral_comment` has no index on the
    /// referral, so a query per referral would scan it once for each.
    fn with_comments(&self, mut list: Vec<Referral>) -> Result<Vec<Referral>, StoreError> {
        if list.is_empty() {
            return Ok(list);
        }
        let ids = serde_json::to_string(&list.iter().map(|r| r.id).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare(self.conn.dialect(
            "SELECT c.referral_id, c.at, s.login, s.name, c.body FROM referral_comment c JOIN staff s ON s.id = c.staff_id
         WHERE c.referral_id IN (SELECT value FROM json_each(?1)) ORDER BY c.id",
            "SELECT c.referral_id, c.at, s.login, s.name, c.body FROM referral_comment c JOIN staff s ON s.id = c.staff_id
         WHERE c.referral_id IN (SELECT value::bigint FROM json_array_elements_text(?1::json)) ORDER BY c.id",
        ))?;
        stmt.for_each([ids], |row| {
            let id: i64 = row.get(0)?;
            if let Some(r) = list.iter_mut().find(|r| r.id == id) {
                r.comments.push(Comment { at: row.get(1)?, login: row.get(2)?, name: row.get(3)?, body: row.get(4)? });
            }
            Ok(())
        })?;
        Ok(list)
    }
}

/// Writes referrals and their threads inside the caller's transaction.
pub struct ReferralHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn referrals_mut(&self) -> ReferralHandleMut<'a> {
        ReferralHandleMut { conn: self.conn }
    }
}

impl ReferralHandleMut<'_> {
    /// Stores a sent referral; returns its id.
    pub fn insert(&self, r: &NewReferral<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO referral (person_id, from_desk, to_desk, reason, proposed_applicant, status, sent_by, sent_on, sharing_basis, sharing_note)
             VALUES (?1, ?2, ?3, ?4, ?5, 'sent', ?6, ?7, ?8, ?9)",
            params![r.person_id, r.from_desk, r.to_desk, r.reason, r.proposed_applicant, r.sent_by, r.sent_on, r.sharing_basis, r.sharing_note],
        )
    }

    /// 受理: the receiving desk's staff member `by` took it on `on`.
    pub fn mark_accepted(&self, id: i64, by: i64, on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute("UPDATE referral SET status = 'accepted', handled_by = ?2, handled_on = ?3 WHERE id = ?1", params![id, by, on])?;
        Ok(())
    }

    /// 差戻し by staff member `by` on `on`, with the reason the sender is to act on.
    pub fn mark_returned(&self, id: i64, by: i64, on: NaiveDate, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE referral SET status = 'returned', handled_by = ?2, handled_on = ?3, return_reason = ?4 WHERE id = ?1",
            params![id, by, on, reason],
        )?;
        Ok(())
    }

    /// 完了 on `on`.
    pub fn mark_completed(&self, id: i64, on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute("UPDATE referral SET status = 'completed', completed_on = ?2 WHERE id = ?1", params![id, on])?;
        Ok(())
    }

    /// 取下げ by the sending desk on `on`, with the reason.
    pub fn mark_withdrawn(&self, id: i64, on: NaiveDate, reason: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE referral SET status = 'withdrawn', withdrawn_on = ?2, withdraw_reason = ?3 WHERE id = ?1", params![id, on, reason])?;
        Ok(())
    }

    /// Sent again on `on`: the earlier review no longer holds, so who handled it is cleared.
    pub fn mark_sent_again(&self, id: i64, on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute("UPDATE referral SET status = 'sent', sent_on = ?2, handled_by = NULL, handled_on = NULL WHERE id = ?1", params![id, on])?;
        Ok(())
    }

    /// Appends a comment to a referral's thread.
    pub fn add_comment(&self, c: &NewComment<'_>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO referral_comment (referral_id, staff_id, at, body) VALUES (?1, ?2, ?3, ?4)",
            params![c.referral_id, c.staff_id, c.at, c.body],
        )?;
        Ok(())
    }
}
