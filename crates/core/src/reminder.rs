//! Reminders: what needs a worker's attention today, at their desk, and follow-ups they set.

use chrono::Duration;
use serde::Serialize;

use crate::application::{self, AppScheme, Application};
use crate::audit::{self, Action};
use crate::certificate::{self, Certificate};
use crate::model::staff::{Actor, Desk, Role};
use crate::person::{self, PersonError};
use crate::referral::{self, Referral, ReferralStatus};
use crate::store::home::NewFollowUp;
use crate::store::Store;
use crate::validate;
use crate::Page;

pub use crate::store::home::FollowUp;

/// How long before something counts as due.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub referral_days: i64,
    pub expiry_days: i64,
}

impl Default for Window {
    fn default() -> Self {
        Window { referral_days: 7, expiry_days: 30 }
    }
}

/// Each list holds at most [`SHOWN`] entries; the totals count all of them.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Reminders {
    pub unanswered_referrals: Vec<Referral>,
    pub unanswered_referrals_total: i64,
    pub returned_referrals: Vec<Referral>,
    pub returned_referrals_total: i64,
    pub waiting_documents: Vec<Application>,
    pub waiting_documents_total: i64,
    /// Applications received and not yet ended (the home screen's 処理中の申請).
    pub in_progress_applications: Vec<Application>,
    pub in_progress_applications_total: i64,
    pub expiring_certificates: Vec<Certificate>,
    pub expiring_certificates_total: i64,
    pub follow_ups: Vec<FollowUp>,
    pub follow_ups_total: i64,
    /// The spring renewal list is due (insurer desks): from the reminder window until it is
    /// exported or the 広域連合's cut-off passes.
    pub renewal: Option<crate::renewal::RenewalSeason>,
    /// Facility campaigns past their deadline with forms still out.
    pub overdue_campaigns: Vec<crate::campaign::FacilityCampaign>,
    /// Mailings to residents at home past their deadline with letters unanswered and not yet
    /// reminded (insurer desks).
    pub overdue_mailings: Vec<crate::mailing::MailingCampaign>,
}

/// How many entries of each list are returned.
pub const SHOWN: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("{0}")]
    Invalid(validate::Invalid),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Referral(#[from] referral::ReferralError),
    #[error(transparent)]
    Application(#[from] application::ApplicationError),
    #[error(transparent)]
    Certificate(#[from] certificate::CertificateError),
    #[error(transparent)]
    Campaign(Box<crate::campaign::CampaignError>),
    #[error(transparent)]
    Mailing(Box<crate::mailing::MailingError>),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ReminderError {
    pub fn code(&self) -> &'static str {
        match self {
            ReminderError::Invalid(_) => "reminder.invalid",
            ReminderError::Person(e) => e.code(),
            ReminderError::Referral(e) => e.code(),
            ReminderError::Application(e) => e.code(),
            ReminderError::Certificate(e) => e.code(),
            ReminderError::Campaign(e) => e.code(),
            ReminderError::Mailing(e) => e.code(),
            ReminderError::Access(e) => e.code(),
            ReminderError::Store(e) => e.code(),
        }
    }
}

fn desk_scheme(desk: Desk) -> Option<AppScheme> {
    match desk {
        Desk::Kokuho => Some(AppScheme::Kokuho),
        Desk::Kouki => Some(AppScheme::Kouki),
        _ => None,
    }
}

/// Everything due for the actor's desk on `today`. Administrators see every desk.
pub fn due(store: &Store, actor: &Actor, w: Window, now: chrono::NaiveDateTime) -> Result<Reminders, ReminderError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let (conn, today) = (&store.read(), now.date());
    let admin = actor.role == Role::Admin;
    let insurer = actor.desk.is_insurer_desk() || admin;
    let cutoff = today - Duration::days(w.referral_days);
    let shown = Page::new(0, SHOWN as i64);

    // Referrals: the receiving desk is reminded of those it has not answered; the sending desk
    // of those returned to it and of those still unanswered after the window.
    let desk = (!admin).then_some(actor.desk);
    let unanswered = referral::matching(conn, ReferralStatus::Sent, desk, None, Some(cutoff), shown)?;
    let returned = referral::matching(conn, ReferralStatus::Returned, None, desk, None, shown)?;
    let waiting = if insurer {
        application::waiting_for_documents(conn, if admin { None } else { desk_scheme(actor.desk) }, shown)?
    } else {
        crate::Paged { items: vec![], total: 0, offset: 0, limit: shown.limit }
    };

    let in_progress = if insurer {
        use application::AppStatus::*;
        application::list_of(conn, &[Received, Reviewing, Decided, Forwarded, UnionIssued], if admin { None } else { desk_scheme(actor.desk) }, shown)?
    } else {
        crate::Paged { items: vec![], total: 0, offset: 0, limit: shown.limit }
    };

    let (expiring, expiring_total) = if insurer {
        let p = certificate::expiring_of(conn, today, w.expiry_days, Page::new(0, SHOWN as i64))?;
        (p.items, p.total)
    } else {
        (vec![], 0)
    };

    let renewal = if insurer { Some(crate::renewal::season_in(conn, today)?).filter(|s| s.remind) } else { None };

    let audience = crate::disclosure::Audience::of(actor);
    let overdue_campaigns: Vec<_> = crate::campaign::overdue_in(conn, today)
        .map_err(|e| ReminderError::Campaign(Box::new(e)))?
        .into_iter()
        .map(|c| crate::disclosure::facility_campaign(&audience, c).into_inner())
        .collect();

    let overdue_mailings: Vec<_> = if insurer {
        crate::mailing::overdue_in(conn, today)
            .map_err(|e| ReminderError::Mailing(Box::new(e)))?
            .into_iter()
            .map(|m| crate::disclosure::mailing(&audience, m).into_inner())
            .collect()
    } else {
        vec![]
    };

    let follow_total = conn.follow_ups().due_count(today, admin, actor.desk)?;
    let follow_ups = conn.follow_ups().due(today, admin, actor.desk, SHOWN as i64)?;

    Ok(Reminders {
        unanswered_referrals: unanswered.items,
        unanswered_referrals_total: unanswered.total,
        returned_referrals: returned.items,
        returned_referrals_total: returned.total,
        waiting_documents: waiting.items,
        waiting_documents_total: waiting.total,
        in_progress_applications: in_progress.items,
        in_progress_applications_total: in_progress.total,
        expiring_certificates: expiring,
        expiring_certificates_total: expiring_total,
        follow_ups,
        follow_ups_total: follow_total,
        renewal,
        overdue_campaigns,
        overdue_mailings,
    })
}

/// Sets a follow-up for a person at the actor's desk.
pub fn add_follow_up(store: &mut Store, actor: &Actor, person_id: i64, due: &str, note: &str, now: chrono::NaiveDateTime) -> Result<FollowUp, ReminderError> {
    store.enter(actor.municipality)?;
    let mut c = validate::Checker::new();
    let due_on = c.take("due_on", validate::date_on("期日", due, now.date()));
    let note = c.take("note", validate::text("内容", note, 500, true));
    c.finish().map_err(ReminderError::Invalid)?;
    let (Some(due_on), Some(note)) = (due_on, note) else { unreachable!("the checker refused any missing value") };
    store.write(|tx| {
        let p = person::load(tx, person_id)?;
        let id = tx.follow_ups_mut().insert(&NewFollowUp {
            person_id,
            staff_id: actor.staff_id,
            desk: actor.desk,
            due_on,
            note: &note,
            created_at: crate::stamp(now),
        })?;
        audit::record(tx, actor, now, Action::Create, "follow_up", Some(id), serde_json::json!({"person_id": person_id, "due_on": due_on}))?;
        Ok(FollowUp { id, person_id, person_name: p.name, due_on, note, login: actor.login.clone() })
    })
}
