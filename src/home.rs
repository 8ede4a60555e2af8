//! The home screen's data for one staff member: counts, the desk's queues, the funnel of
//! touchpoints → referrals → applications → certificates, and the counter-load forecast.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::application::{self, AppScheme, Application};
use crate::forecast::{self, WeekForecast};
use crate::model::staff::{Actor, Desk, Role};
use crate::referral::{self, Referral, ReferralStatus};
use crate::store::StoreError;
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
}

impl HomeError {
    pub fn code(&self) -> &'static str {
        match self {
            HomeError::Referral(e) => e.code(),
            HomeError::Application(e) => e.code(),
            HomeError::Forecast(e) => e.code(),
            HomeError::Access(e) => e.code(),
            HomeError::Store(e) => e.code(),
        }
    }
}

/// How many entries each queue shows.
const QUEUE: i64 = 10;

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
    let home = conn.home();
    let counts = Counts {
        persons: home.persons()?,
        referrals_to_review: if insurer { home.referrals_to_review(admin, desk)? } else { 0 },
        referrals_open: home.referrals_open(admin, desk)?,
        referrals_returned: home.referrals_returned(admin, desk)?,
        applications_waiting_documents: waiting.as_ref().map_or(0, |w| w.total),
        applications_in_progress: if insurer { home.applications_in_progress(scheme)? } else { 0 },
        certificates_expiring_30_days: if insurer { home.certificates_expiring(today, today + chrono::Duration::days(30))? } else { 0 },
        follow_ups_due: home.follow_ups_due(today, admin, desk)?,
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

    Ok(Home { counts, referral_queue, waiting_applications, funnel: funnel(conn, today, 6)?, forecast: forecast::weekly_of(conn, today, 8)?.weeks })
}

/// Per month (the last `months` including this one) and desk: touchpoints at the desk,
/// referrals it sent, applications and certificates that came from its referrals (or, for the
/// insurer desks, applications received directly).
pub(crate) fn funnel(conn: &crate::store::Read<'_>, today: NaiveDate, months: u32) -> Result<Vec<FunnelRow>, StoreError> {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of month") - chrono::Months::new(months - 1);
    let mut rows: std::collections::BTreeMap<(String, Desk), [i64; 4]> = std::collections::BTreeMap::new();
    let home = conn.home();
    let found = [home.touchpoints_by_month(first)?, home.referrals_by_month(first)?, home.applications_by_month(first)?, home.certificates_by_month(first)?];
    for (slot, counts) in found.into_iter().enumerate() {
        // The insurer desks share their codes with the schemes, so what came in without a
        // referral counts at the scheme's desk; any other code names no desk and is left out.
        for c in counts {
            if let Some(d) = Desk::from_code(&c.desk) {
                rows.entry((c.month, d)).or_insert([0; 4])[slot] += c.count;
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|((month, desk), [t, r, a, c])| FunnelRow {
            month,
            desk,
            desk_label: desk.label(),
            touchpoints: t,
            referrals: r,
            applications: a,
            certificates: c,
        })
        .collect())
}
