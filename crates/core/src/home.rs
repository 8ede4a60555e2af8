//! The home screen's data for one staff member: counts, the desk's queues, the funnel of
//! touchpoints → referrals → applications → certificates, and the counter-load forecast.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::application::{self, AppScheme, Application};
use crate::forecast::{self, WeekForecast};
use crate::model::staff::{Actor, Desk, Role};
use crate::referral::{self, QueueFilter, Referral, ReferralStatus};
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
    /// The insurer desks' mailings to residents at home whose deadline is at most 60 days
    /// past, newest first, with their figures.
    pub mailings: Vec<crate::model::mailing::MailingSummary>,
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

/// What a desk's referral counts and queue are made of.
#[derive(Clone)]
struct ReferralPart {
    to_review: i64,
    open: i64,
    returned: i64,
    queue: Vec<Referral>,
}

/// How many persons are on file: the frame's one count, read on every screen change, so it
/// reads one count rather than the statistics' group-bys.
pub fn persons(store: &crate::store::Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<i64, HomeError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(store.read().home().persons()?)
}

/// Everything the home screen shows for `actor` on `today`.
///
/// Each part is kept between calls while the tables it reads are unchanged (`store::kept`,
/// PostgreSQL only), so that many desks opening home at once, or one desk returning to it,
/// cost a read of the change counters and of the touchpoint counts, not the whole computation;
/// a change recomputes only the parts that read the table it changed.
pub fn summary(store: &crate::store::Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Home, HomeError> {
    store.enter(actor.municipality)?;
    use crate::store::kept::Table;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let (conn, today) = (&store.read(), now.date());
    // Read before anything they guard, so that nothing kept is older than its counters.
    let versions = conn.table_versions()?;
    let admin = actor.role == Role::Admin;
    let desk = actor.desk;
    let scope = if admin { "all" } else { desk.code() };
    let scheme: Option<AppScheme> = match desk {
        Desk::Kokuho if !admin => Some(AppScheme::Kokuho),
        Desk::Kouki if !admin => Some(AppScheme::Kouki),
        _ => None,
    };
    let insurer = desk.is_insurer_desk() || admin;
    let home = conn.home();

    // A queue entry shows the person's name, the sender's and the comments.
    let referral_tables = [Table::Referral, Table::ReferralComment, Table::Person, Table::Staff];
    let referrals = store.kept(&versions, &format!("home.referrals.{scope}"), &referral_tables, || {
        let queue = if insurer {
            let desks = if admin { vec![Desk::Kokuho, Desk::Kouki] } else { vec![desk] };
            let mut q = Vec::new();
            for d in desks {
                q.extend(
                    referral::queue_of(conn, Some(d), QueueFilter::In(ReferralStatus::Sent), Page::new(0, QUEUE))?.items.into_iter().filter(|r| r.to_desk == d),
                );
            }
            q.sort_by_key(|r| (r.sent_on, r.id));
            q.truncate(QUEUE as usize);
            q
        } else {
            referral::queue_of(conn, Some(desk), QueueFilter::In(ReferralStatus::Returned), Page::new(0, QUEUE))?.items
        };
        Ok::<_, HomeError>(ReferralPart {
            to_review: if insurer { home.referrals_to_review(admin, desk)? } else { 0 },
            open: home.referrals_open(admin, desk)?,
            returned: home.referrals_returned(admin, desk)?,
            queue,
        })
    })?;
    let scheme_key = scheme.map_or("all", |s| s.code());
    let applications = if insurer {
        Some(store.kept(&versions, &format!("home.applications.{scheme_key}"), &[Table::Application, Table::Person, Table::Staff], || {
            Ok::<_, HomeError>((application::waiting_for_documents(conn, scheme, Page::new(0, QUEUE))?, home.applications_in_progress(scheme)?))
        })?)
    } else {
        None
    };
    let expiring = if insurer {
        store.kept(&versions, &format!("home.expiring.{today}"), &[Table::Certificate], || {
            home.certificates_expiring(today, today + chrono::Duration::days(30))
        })?
    } else {
        0
    };
    let follow_ups = store.kept(&versions, &format!("home.follow_ups.{scope}.{today}"), &[Table::FollowUp], || home.follow_ups_due(today, admin, desk))?;
    let counts = Counts {
        persons: home.persons()?,
        referrals_to_review: referrals.to_review,
        referrals_open: referrals.open,
        referrals_returned: referrals.returned,
        applications_waiting_documents: applications.as_ref().map_or(0, |(w, _)| w.total),
        applications_in_progress: applications.as_ref().map_or(0, |(_, n)| *n),
        certificates_expiring_30_days: expiring,
        follow_ups_due: follow_ups,
    };
    let waiting_applications = applications.map(|(w, _)| w.items).unwrap_or_default();
    let funnel = funnel_kept(store, conn, &versions, today, 6)?;
    let forecast = forecast::weekly_kept(store, conn, &versions, today, 8)?.weeks;
    let mut mailings = Vec::new();
    if insurer {
        for id in conn.mailings().ids()? {
            if mailings.len() == 5 {
                break;
            }
            let Some(m) = conn.mailings().get(id, today)? else { continue };
            if m.deadline + chrono::Duration::days(60) >= today {
                mailings.push(crate::model::mailing::MailingSummary {
                    id: m.id,
                    title: m.title,
                    started_on: m.started_on,
                    deadline: m.deadline,
                    counts: m.counts,
                });
            }
        }
    }
    Ok(Home { counts, referral_queue: referrals.queue, waiting_applications, funnel, forecast, mailings })
}

/// The funnel, its monthly counts kept while the tables they count are unchanged; the
/// touchpoints' counts are kept by the database itself (`touchpoint_month`) and read each time.
fn funnel_kept(
    store: &crate::store::Store,
    conn: &crate::store::Read<'_>,
    versions: &crate::store::kept::Versions,
    today: NaiveDate,
    months: u32,
) -> Result<Vec<FunnelRow>, StoreError> {
    use crate::store::kept::Table;
    let first = first_month(today, months);
    let home = conn.home();
    let referrals = store.kept(versions, &format!("home.funnel.referrals.{first}"), &[Table::Referral], || home.referrals_by_month(first))?;
    // An application's and a certificate's desk is that of the referral it came from, fixed
    // when the application is received (a referral's sending desk never changes): a change to
    // referrals alone cannot move these counts.
    let outcomes = store.kept(versions, &format!("home.funnel.outcomes.{first}"), &[Table::Application, Table::Certificate], || {
        Ok::<_, StoreError>((home.applications_by_month(first)?, home.certificates_by_month(first)?))
    })?;
    Ok(funnel_rows([home.touchpoints_by_month(first)?, referrals, outcomes.0, outcomes.1]))
}

/// The first day of the earliest of the last `months` months, this one included.
fn first_month(today: NaiveDate, months: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of month") - chrono::Months::new(months - 1)
}

/// Per month and desk, from the counts of touchpoints at the desk, referrals it sent, and
/// applications and certificates that came from its referrals (or, for the insurer desks,
/// applications received directly).
fn funnel_rows(found: [Vec<crate::store::home::MonthCount>; 4]) -> Vec<FunnelRow> {
    let mut rows: std::collections::BTreeMap<(String, Desk), [i64; 4]> = std::collections::BTreeMap::new();
    for (slot, counts) in found.into_iter().enumerate() {
        // The insurer desks share their codes with the schemes, so what came in without a
        // referral counts at the scheme's desk; any other code names no desk and is left out.
        for c in counts {
            if let Some(d) = Desk::from_code(&c.desk) {
                rows.entry((c.month, d)).or_insert([0; 4])[slot] += c.count;
            }
        }
    }
    rows.into_iter()
        .map(|((month, desk), [t, r, a, c])| FunnelRow {
            month,
            desk,
            desk_label: desk.label(),
            touchpoints: t,
            referrals: r,
            applications: a,
            certificates: c,
        })
        .collect()
}
