//! The home screen's data for one staff member: counts, the desk's queues, the funnel of
//! touchpoints → referrals → applications → certificates, and the counter-load forecast.

use chrono::{Datelike, NaiveDate};
use rusqlite::params;
use serde::Serialize;

use crate::application::{self, AppScheme, Application};
use crate::forecast::{self, WeekForecast};
use crate::referral::{self, Referral, ReferralStatus};
use crate::staff::{Actor, Desk, Role};
use crate::Page;

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Counts {
    pub persons: i64,
    /// Referrals sent to this desk and not yet answered (insurer desks).
    pub referrals_to_review: i64,
    /// Referrals this desk sent that are still open (welfare desks).
    pub referrals_open: i64,
    /// Referrals returned to this desk, waiting for it to act.
    pub referrals_returned: i64,
    pub applications_waiting_documents: i64,
    pub applications_in_progress: i64,
    pub certificates_expiring_30_days: i64,
    pub follow_ups_due: i64,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct FunnelRow {
    /// YYYY-MM.
    pub month: String,
    pub desk: Desk,
    pub desk_label: &'static str,
    pub touchpoints: i64,
    pub referrals: i64,
    pub applications: i64,
    pub certificates: i64,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Home {
    pub counts: Counts,
    /// The referrals this desk should act on next, oldest first.
    pub referral_queue: Vec<Referral>,
    /// Applications waiting for documents, oldest first (insurer desks).
    pub waiting_applications: Vec<Application>,
    pub funnel: Vec<FunnelRow>,
    pub forecast: Vec<WeekForecast>,
}

#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error(transparent)]
    Referral(#[from] referral::ReferralError),
    #[error(transparent)]
    Application(#[from] application::ApplicationError),
    #[error(transparent)]
    Forecast(#[from] forecast::ForecastError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl HomeError {
    pub fn code(&self) -> &'static str {
        match self {
            HomeError::Referral(e) => e.code(),
            HomeError::Application(e) => e.code(),
            HomeError::Forecast(e) => e.code(),
            HomeError::Access(e) => e.code(),
            HomeError::Store(e) => e.code(),
            HomeError::Db(_) => "home.db",
        }
    }
}

/// How many entries each queue shows.
const QUEUE: i64 = 10;

fn count(conn: &crate::store::Read<'_>, sql: &str, p: impl rusqlite::Params) -> Result<i64, rusqlite::Error> {
    conn.query_row(sql, p, |r| r.get(0))
}

/// Everything the home screen shows for `actor` on `today`.
pub fn summary(store: &crate::store::Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Home, HomeError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let (conn, today) = (&store.read(), now.date());
    let admin = actor.role == Role::Admin;
    let desk = actor.desk;
    let scheme: Option<AppScheme> = match desk {
        Desk::Kokuho if !admin => Some(AppScheme::Kokuho),
        Desk::Kouki if !admin => Some(AppScheme::Kouki),
        _ => None,
    };
    let insurer = desk.is_insurer_desk() || admin;
    let waiting = if insurer { Some(application::waiting_for_documents(conn, scheme, Page::new(0, QUEUE))?) } else { None };
    let counts = Counts {
        persons: count(conn, "SELECT count(*) FROM person", [])?,
        referrals_to_review: if insurer {
            count(conn, "SELECT count(*) FROM referral WHERE status = 'sent' AND (?1 OR to_desk = ?2)", params![admin, desk])?
        } else {
            0
        },
        referrals_open: count(conn, "SELECT count(*) FROM referral WHERE status IN ('sent', 'accepted') AND (?1 OR from_desk = ?2)", params![admin, desk])?,
        referrals_returned: count(conn, "SELECT count(*) FROM referral WHERE status = 'returned' AND (?1 OR from_desk = ?2)", params![admin, desk])?,
        applications_waiting_documents: waiting.as_ref().map_or(0, |w| w.total),
        applications_in_progress: if insurer {
            count(conn, "SELECT count(*) FROM application WHERE status IN ('received', 'reviewing', 'decided') AND (?1 IS NULL OR scheme = ?1)", [scheme])?
        } else {
            0
        },
        certificates_expiring_30_days: if insurer {
            count(conn, "SELECT count(*) FROM certificate WHERE valid_until >= ?1 AND valid_until <= ?2", params![today, today + chrono::Duration::days(30)])?
        } else {
            0
        },
        follow_ups_due: count(conn, "SELECT count(*) FROM follow_up WHERE done = 0 AND due_on <= ?1 AND (?2 OR desk = ?3)", params![today, admin, desk])?,
    };

    let referral_queue = if insurer {
        let desks = if admin { vec![Desk::Kokuho, Desk::Kouki] } else { vec![desk] };
        let mut q = Vec::new();
        for d in desks {
            q.extend(referral::queue_of(conn, d, Some(ReferralStatus::Sent), Page::new(0, QUEUE))?.items.into_iter().filter(|r| r.to_desk == d));
        }
        q.sort_by_key(|r| (r.sent_on, r.id));
        q.truncate(QUEUE as usize);
        q
    } else {
        referral::queue_of(conn, desk, Some(ReferralStatus::Returned), Page::new(0, QUEUE))?.items
    };

    let waiting_applications = waiting.map(|w| w.items).unwrap_or_default();

    Ok(Home {
        counts,
        referral_queue,
        waiting_applications,
        funnel: funnel(conn, today, 6)?,
        forecast: forecast::weekly_of(conn, today, 8)?.weeks,
    })
}

/// Per month (the last `months` including this one) and desk: touchpoints at the desk,
/// referrals it sent, applications and certificates that came from its referrals (or, for the
/// insurer desks, applications received directly).
pub(crate) fn funnel(conn: &crate::store::Read<'_>, today: NaiveDate, months: u32) -> Result<Vec<FunnelRow>, rusqlite::Error> {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of month") - chrono::Months::new(months - 1);
    let mut rows: std::collections::BTreeMap<(String, Desk), [i64; 4]> = std::collections::BTreeMap::new();
    let queries: [(usize, &str); 4] = [
        (0, "SELECT month, desk, count FROM touchpoint_month WHERE month >= substr(?1, 1, 7) AND count > 0"),
        (1, "SELECT substr(sent_on, 1, 7), from_desk, count(*) FROM referral WHERE sent_on >= ?1 GROUP BY 1, 2"),
        (2, "SELECT substr(a.received_on, 1, 7), coalesce(r.from_desk, a.scheme), count(*) FROM application a
             LEFT JOIN referral r ON r.id = a.referral_id WHERE a.received_on >= ?1 GROUP BY 1, 2"),
        // From the issued applications (few) to their certificates, not from every certificate
        // issued at the renewal (many).
        (3, "SELECT substr(c.issued_on, 1, 7), coalesce(r.from_desk, c.scheme), count(*) FROM application a
             CROSS JOIN certificate c ON c.application_id = a.id LEFT JOIN referral r ON r.id = a.referral_id
             WHERE a.status = 'issued' AND c.issued_on >= ?1 GROUP BY 1, 2"),
    ];
    for (slot, sql) in queries {
        let mut stmt = conn.prepare_cached(sql)?;
        let found = stmt.query_map([first], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
        for f in found {
            let (month, desk, n) = f?;
            if let Some(d) = Desk::from_code(&desk) {
                rows.entry((month, d)).or_insert([0; 4])[slot] += n;
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|((month, desk), [t, r, a, c])| FunnelRow { month, desk, desk_label: desk.label(), touchpoints: t, referrals: r, applications: a, certificates: c })
        .collect())
}
