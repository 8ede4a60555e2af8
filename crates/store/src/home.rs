//! The home screen, reminders and forecast aggregates: counts over several tables, the
//! funnel's monthly counts, the forecast's candidates, and the `follow_up` table.
//!
//! The home screen's queries are matched by covering indexes (migrations 0007 and 0010): a
//! change to a query's text can lose its index, so each text stays as the index expects it.

use super::sql::params;
use chrono::NaiveDate;
use serde::Serialize;

use super::{Read, StoreError, Write};
use crate::model::application::AppScheme;
use crate::model::staff::Desk;

/// A follow-up a worker set on a person.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub due_on: NaiveDate,
    pub note: String,
    pub login: String,
}

/// A follow-up as a worker sets it.
#[derive(Debug, Clone)]
pub struct NewFollowUp<'a> {
    pub person_id: i64,
    pub staff_id: i64,
    pub desk: Desk,
    pub due_on: NaiveDate,
    pub note: &'a str,
    pub created_at: String,
}

/// How many of something one desk had in one month. `desk` is a stored code: a desk's, or, for
/// what came in without a referral, the scheme's (which names its insurer desk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCount {
    /// YYYY-MM.
    pub month: String,
    pub desk: String,
    pub count: i64,
}

/// A person the forecast counts, and the day that brings them to the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCandidate {
    pub person_id: i64,
    pub person_name: String,
    pub date: NaiveDate,
}

/// The home screen's counts and the funnel.
pub struct HomeHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn home(&self) -> HomeHandle<'a> {
        HomeHandle { conn: self.conn }
    }

    pub fn forecast(&self) -> ForecastHandle<'a> {
        ForecastHandle { conn: self.conn }
    }

    pub fn follow_ups(&self) -> FollowUpHandle<'a> {
        FollowUpHandle { conn: self.conn }
    }
}

fn count(conn: super::Conn<'_>, sql: &str, p: impl super::sql::Params) -> Result<i64, StoreError> {
    conn.query_row(sql, p, |r| r.get(0))
}

impl HomeHandle<'_> {
    /// Every person on file.
    pub fn persons(&self) -> Result<i64, StoreError> {
        // PostgreSQL counts every row for count(*); migration 0014 keeps the number instead.
        count(self.conn, self.conn.dialect("SELECT count(*) FROM person", "SELECT n FROM hairyo_row_count WHERE tbl = 'person'"), [])
    }

    /// Referrals sent and not yet answered: to `desk`, or to any desk when `all_desks`.
    pub fn referrals_to_review(&self, all_desks: bool, desk: Desk) -> Result<i64, StoreError> {
        count(self.conn, "SELECT count(*) FROM referral WHERE status = 'sent' AND (?1 OR to_desk = ?2)", params![all_desks, desk])
    }

    /// Referrals still open (sent or accepted): from `desk`, or from any desk when `all_desks`.
    pub fn referrals_open(&self, all_desks: bool, desk: Desk) -> Result<i64, StoreError> {
        count(self.conn, "SELECT count(*) FROM referral WHERE status IN ('sent', 'accepted') AND (?1 OR from_desk = ?2)", params![all_desks, desk])
    }

    /// Referrals returned to `desk`, or to any desk when `all_desks`.
    pub fn referrals_returned(&self, all_desks: bool, desk: Desk) -> Result<i64, StoreError> {
        count(self.conn, "SELECT count(*) FROM referral WHERE status = 'returned' AND (?1 OR from_desk = ?2)", params![all_desks, desk])
    }

    /// Applications received, in review or decided, or (後期) forwarded to the 広域連合 or
    /// issued by it and not yet handed over, of one scheme when given.
    pub fn applications_in_progress(&self, scheme: Option<AppScheme>) -> Result<i64, StoreError> {
        count(
            self.conn,
            "SELECT count(*) FROM application WHERE status IN ('received', 'reviewing', 'decided', 'forwarded', 'union_issued')
             AND (scheme = ?1 OR ?1 IS NULL)",
            [scheme],
        )
    }

    /// Certificates that end from `from` through `until` (both included).
    pub fn certificates_expiring(&self, from: NaiveDate, until: NaiveDate) -> Result<i64, StoreError> {
        count(self.conn, "SELECT count(*) FROM certificate WHERE valid_until >= ?1 AND valid_until <= ?2", params![from, until])
    }

    /// Open follow-ups due on or before `today`: set at `desk`, or at any desk when `all_desks`.
    pub fn follow_ups_due(&self, today: NaiveDate, all_desks: bool, desk: Desk) -> Result<i64, StoreError> {
        count(self.conn, "SELECT count(*) FROM follow_up WHERE done = 0 AND due_on <= ?1 AND (?2 OR desk = ?3)", params![today, all_desks, desk])
    }

    fn month_counts(&self, sql: &str, first: NaiveDate) -> Result<Vec<MonthCount>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let found = stmt.query_map([first], |r| Ok(MonthCount { month: r.get::<_, String>(0)?, desk: r.get::<_, String>(1)?, count: r.get::<_, i64>(2)? }))?;
        found.collect::<Result<_, _>>()
    }

    /// Touchpoints per month (from the month of `first`) and desk, from the counts the
    /// triggers keep.
    pub fn touchpoints_by_month(&self, first: NaiveDate) -> Result<Vec<MonthCount>, StoreError> {
        self.month_counts("SELECT month, desk, count FROM touchpoint_month WHERE month >= substr(?1, 1, 7) AND count > 0", first)
    }

    /// Referrals sent since `first`, per month and sending desk.
    pub fn referrals_by_month(&self, first: NaiveDate) -> Result<Vec<MonthCount>, StoreError> {
        // PostgreSQL keeps these counts (migration 0016), as it keeps the touchpoints'.
        self.month_counts(
            self.conn.dialect(
                "SELECT substr(sent_on, 1, 7), from_desk, count(*) FROM referral WHERE sent_on >= ?1 GROUP BY 1, 2",
                "SELECT month, desk, count FROM referral_month WHERE month >= substr(?1, 1, 7) AND count > 0",
            ),
            first,
        )
    }

    /// Applications received since `first`, per month and the desk that referred them (the
    /// scheme when none did).
    pub fn applications_by_month(&self, first: NaiveDate) -> Result<Vec<MonthCount>, StoreError> {
        self.month_counts(
            "SELECT substr(a.received_on, 1, 7), coalesce(r.from_desk, a.scheme), count(*) FROM application a
             LEFT JOIN referral r ON r.id = a.referral_id WHERE a.received_on >= ?1 GROUP BY 1, 2",
            first,
        )
    }

    /// Certificates issued on application since `first`, per month and the desk that referred
    /// the application (the scheme when none did).
    pub fn certificates_by_month(&self, first: NaiveDate) -> Result<Vec<MonthCount>, StoreError> {
        // From the issued applications (few) to their certificates, not from every certificate
        // issued at the renewal (many).
        self.month_counts(
            "SELECT substr(c.issued_on, 1, 7), coalesce(r.from_desk, c.scheme), count(*) FROM application a
             CROSS JOIN certificate c ON c.application_id = a.id LEFT JOIN referral r ON r.id = a.referral_id
             WHERE a.status IN ('issued', 'union_issued', 'handed_over') AND c.application_id IS NOT NULL AND c.issued_on >= ?1 GROUP BY 1, 2",
            first,
        )
    }
}

/// The persons on the application route with nothing in progress.
const CANDIDATE: &str = "p.mynumber_card IN ('card', 'face_auth') AND p.registration = 'registered' AND p.reasons <> ''
    AND p.scheme IN ('kokuho', 'kouki')
    AND NOT EXISTS (SELECT 1 FROM application a WHERE a.person_id = p.id
                    AND a.status IN ('received', 'reviewing', 'decided', 'at_renewal', 'forwarded', 'union_issued'))";

/// The counter-load forecast's counts: each candidate is a 要配慮者 holding a マイナ保険証 (the
/// application route of R2) with no application in progress.
pub struct ForecastHandle<'a> {
    conn: super::Conn<'a>,
}

impl ForecastHandle<'_> {
    /// Candidates whose latest certificate ends from `from` up to (not including) `until`,
    /// soonest first.
    pub fn certificate_expiries(&self, from: NaiveDate, until: NaiveDate) -> Result<Vec<DueCandidate>, StoreError> {
        // Starting from the certificates that end in the window keeps this fast at 200,000
        // persons.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.id, p.name, min(c.valid_until) FROM certificate c JOIN person p ON p.id = c.person_id
         WHERE c.valid_until >= ?1 AND c.valid_until < ?2 AND {CANDIDATE}
           AND NOT EXISTS (SELECT 1 FROM certificate c2 WHERE c2.person_id = p.id AND c2.valid_until > c.valid_until)
         GROUP BY p.id, p.name ORDER BY 3, p.id"
        ))?;
        let rows = stmt.query_map(params![from, until], |r| Ok(DueCandidate { person_id: r.get(0)?, person_name: r.get(1)?, date: r.get(2)? }))?;
        rows.collect::<Result<_, _>>()
    }

    /// Candidates whose old insurance card ends from `from` up to (not including) `until`,
    /// soonest first.
    pub fn old_card_expiries(&self, from: NaiveDate, until: NaiveDate) -> Result<Vec<DueCandidate>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.id, p.name, p.old_card_expiry FROM person p WHERE {CANDIDATE} AND p.old_card_expiry >= ?1 AND p.old_card_expiry < ?2
         ORDER BY p.old_card_expiry, p.id"
        ))?;
        let rows = stmt.query_map(params![from, until], |r| Ok(DueCandidate { person_id: r.get(0)?, person_name: r.get(1)?, date: r.get(2)? }))?;
        rows.collect::<Result<_, _>>()
    }

    /// Open referrals (sent or accepted) that no application has come from yet.
    pub fn open_referrals_without_application(&self) -> Result<i64, StoreError> {
        count(
            self.conn,
            "SELECT count(*) FROM referral r WHERE r.status IN ('sent', 'accepted')
         AND NOT EXISTS (SELECT 1 FROM application a WHERE a.referral_id = r.id)",
            [],
        )
    }

    /// Candidates living in facilities that were called on (informed or collecting).
    pub fn campaign_residents(&self) -> Result<i64, StoreError> {
        count(
            self.conn,
            &format!(
                "SELECT count(*) FROM facility f CROSS JOIN person p ON p.facility_id = f.id WHERE f.campaign IN ('informed', 'collecting') AND {CANDIDATE}"
            ),
            [],
        )
    }
}

/// Reads the follow-ups workers set.
pub struct FollowUpHandle<'a> {
    conn: super::Conn<'a>,
}

const FOLLOW_FILTER: &str = "f.done = 0 AND f.due_on <= ?1 AND (?2 OR f.desk = ?3)";

impl FollowUpHandle<'_> {
    /// How many open follow-ups are due on or before `today`: set at `desk`, or at any desk
    /// when `all_desks`.
    pub fn due_count(&self, today: NaiveDate, all_desks: bool, desk: Desk) -> Result<i64, StoreError> {
        count(self.conn, &format!("SELECT count(*) FROM follow_up f WHERE {FOLLOW_FILTER}"), params![today, all_desks, desk])
    }

    /// The first `limit` of those, soonest first.
    pub fn due(&self, today: NaiveDate, all_desks: bool, desk: Desk, limit: i64) -> Result<Vec<FollowUp>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT f.id, f.person_id, p.name, f.due_on, f.note, s.login FROM follow_up f JOIN person p ON p.id = f.person_id
         JOIN staff s ON s.id = f.staff_id WHERE {FOLLOW_FILTER} ORDER BY f.due_on, f.id LIMIT ?4"
        ))?;
        let rows = stmt.query_map(params![today, all_desks, desk, limit], |r| {
            Ok(FollowUp { id: r.get(0)?, person_id: r.get(1)?, person_name: r.get(2)?, due_on: r.get(3)?, note: r.get(4)?, login: r.get(5)? })
        })?;
        rows.collect::<Result<_, _>>()
    }
}

/// Writes follow-ups inside the caller's transaction.
pub struct FollowUpHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn follow_ups_mut(&self) -> FollowUpHandleMut<'a> {
        FollowUpHandleMut { conn: self.conn }
    }
}

impl FollowUpHandleMut<'_> {
    /// Stores a follow-up; returns its id.
    pub fn insert(&self, f: &NewFollowUp<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO follow_up (person_id, staff_id, desk, due_on, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![f.person_id, f.staff_id, f.desk, f.due_on, f.note, f.created_at],
        )
    }
}
