//! The counter-load forecast (R8): expected applications per week, and whom to contact early.
//!
//! Applications concentrate around expiry dates (old cards, and certificates at 7/31); the
//! notice asks the desks to act early. Each person counted here is a 要配慮者 holding a
//! マイナ保険証 (the application route of R2) with no application in progress, so each is one
//! likely visit unless contacted before.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::store::home::DueCandidate;
use crate::store::kept::Versions;

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct WeekForecast {
    /// Monday of the week.
    pub week_start: NaiveDate,
    pub certificate_expiries: i64,
    pub old_card_expiries: i64,
    pub open_referrals: i64,
    pub facility_campaigns: i64,
    /// Letters to residents at home still awaiting an answer, spread over the weeks to their
    /// mailing's deadline.
    pub home_mailings: i64,
    pub expected: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactEarly {
    pub person_id: i64,
    pub person_name: String,
    pub date: NaiveDate,
    pub cause: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    pub weeks: Vec<WeekForecast>,
    pub contact_early: Vec<ContactEarly>,
    pub contact_early_total: i64,
}

/// At most this many people are listed to contact early (the total counts all).
pub const CONTACT_LIST_LIMIT: i64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error("予測の期間は1週から52週までで指定してください (指定: {0})")]
    BadWeeks(i64),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ForecastError {
    pub fn code(&self) -> &'static str {
        match self {
            ForecastError::BadWeeks(_) => "forecast.bad_weeks",
            ForecastError::Access(e) => e.code(),
            ForecastError::Store(e) => e.code(),
        }
    }
}

/// Forecast for `weeks` weeks starting with the week of `today`.
pub fn weekly(store: &crate::store::Store, actor: &crate::model::staff::Actor, weeks: i64, now: chrono::NaiveDateTime) -> Result<Forecast, ForecastError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = store.read();
    weekly_kept(store, &conn, &conn.table_versions()?, now.date(), weeks)
}

/// The forecast, its inputs kept between calls while the tables they come from are unchanged
/// (`store::kept`): a referral sent recomputes only the count of open referrals.
pub(crate) fn weekly_kept(
    store: &crate::store::Store,
    conn: &crate::store::Read<'_>,
    versions: &Versions,
    today: NaiveDate,
    weeks: i64,
) -> Result<Forecast, ForecastError> {
    use crate::store::kept::Table::{Application, Certificate, Facility, Person, Referral};
    let horizon = horizon(today, weeks)?;
    let forecast = conn.forecast();
    let candidates = store.kept(versions, &format!("forecast.candidates.{today}.{weeks}"), &[Person, Certificate, Application], || {
        Ok::<_, ForecastError>((forecast.certificate_expiries(today, horizon.1)?, forecast.old_card_expiries(today, horizon.1)?))
    })?;
    let open = store.kept(versions, "forecast.open_referrals", &[Referral, Application], || forecast.open_referrals_without_application())?;
    let campaign = store.kept(versions, "forecast.campaign_residents", &[Facility, Person, Application], || forecast.campaign_residents())?;
    // The mailings' letters are not among the kept tables: one grouped count, read each time.
    let mailings = conn.mailings().awaited_by_deadline(today)?;
    Ok(assemble(horizon, Inputs { certificates: candidates.0, old_cards: candidates.1, open_referrals: open, campaign_residents: campaign, mailings }))
}

/// What a forecast is made from.
struct Inputs {
    certificates: Vec<DueCandidate>,
    old_cards: Vec<DueCandidate>,
    open_referrals: i64,
    campaign_residents: i64,
    /// Awaited letters per mailing deadline.
    mailings: Vec<(NaiveDate, i64)>,
}

/// The Monday of `today`'s week and the day after the last week, when `weeks` is in range.
fn horizon(today: NaiveDate, weeks: i64) -> Result<(NaiveDate, NaiveDate), ForecastError> {
    if !(1..=52).contains(&weeks) {
        return Err(ForecastError::BadWeeks(weeks));
    }
    let start = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    Ok((start, start + Duration::days(7 * weeks)))
}

fn assemble((start, end): (NaiveDate, NaiveDate), inputs: Inputs) -> Forecast {
    let weeks = (end - start).num_days() / 7;
    let week_of = |d: NaiveDate| ((d - start).num_days() / 7) as usize;
    let mut rows: Vec<WeekForecast> = (0..weeks)
        .map(|i| WeekForecast {
            week_start: start + Duration::days(7 * i),
            certificate_expiries: 0,
            old_card_expiries: 0,
            open_referrals: 0,
            facility_campaigns: 0,
            home_mailings: 0,
            expected: 0,
        })
        .collect();
    let Inputs { certificates: certs, old_cards: cards, open_referrals: open, campaign_residents: campaign, mailings } = inputs;

    let mut contact = Vec::new();
    for c in certs {
        rows[week_of(c.date)].certificate_expiries += 1;
        contact.push(ContactEarly { person_id: c.person_id, person_name: c.person_name, date: c.date, cause: "資格確認書の有効期限".into() });
    }
    for c in cards {
        rows[week_of(c.date)].old_card_expiries += 1;
        contact.push(ContactEarly { person_id: c.person_id, person_name: c.person_name, date: c.date, cause: "従来の保険証の有効期限".into() });
    }

    // Open referrals usually turn into an application within two weeks: half in each.
    rows[0].open_referrals += open - open / 2;
    if rows.len() > 1 {
        rows[1].open_referrals += open / 2;
    } else {
        rows[0].open_referrals += open / 2;
    }

    // Facilities that were called on bring their residents' proxy applications over four weeks.
    let spread = rows.len().min(4) as i64;
    for (i, row) in rows.iter_mut().take(spread as usize).enumerate() {
        row.facility_campaigns = campaign / spread + i64::from((i as i64) < campaign % spread);
    }
    // A mailing's awaited letters may each bring an application any week up to its deadline:
    // they are spread over all those weeks, and the weeks shown keep their share.
    for (deadline, letters) in mailings {
        let spread = ((deadline - start).num_days() / 7 + 1).max(1);
        for (i, row) in rows.iter_mut().enumerate().take(spread as usize) {
            row.home_mailings += letters / spread + i64::from((i as i64) < letters % spread);
        }
    }
    for r in rows.iter_mut() {
        r.expected = r.certificate_expiries + r.old_card_expiries + r.open_referrals + r.facility_campaigns + r.home_mailings;
    }
    contact.sort_by(|a, b| a.date.cmp(&b.date).then(a.person_id.cmp(&b.person_id)));
    let total = contact.len() as i64;
    contact.truncate(CONTACT_LIST_LIMIT as usize);
    Forecast { weeks: rows, contact_early: contact, contact_early_total: total }
}
