//! Counts for the home screen and `hairyo stats`: per desk and per state.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub persons: i64,
    pub facilities: i64,
    pub persons_by_scheme: Vec<Count>,
    pub touchpoints_by_desk: Vec<Count>,
    pub referrals_by_status: Vec<Count>,
    pub referrals_by_desk: Vec<Count>,
    pub applications_by_status: Vec<Count>,
    pub certificates_by_basis: Vec<Count>,
}

/// The stored counts, each labelled by `label`.
fn labelled(counts: Vec<(String, i64)>, label: impl Fn(&str) -> String) -> Vec<Count> {
    counts.into_iter().map(|(key, count)| Count { label: label(&key), key, count }).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl StatsError {
    pub fn code(&self) -> &'static str {
        match self {
            StatsError::Access(e) => e.code(),
            StatsError::Store(e) => e.code(),
        }
    }
}

/// The database's counts, for any staff member who may see persons' records.
pub fn compute(store: &crate::store::Store, actor: &crate::model::staff::Actor, _now: chrono::NaiveDateTime) -> Result<Stats, StatsError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(counts_of(&store.read())?)
}

fn counts_of(conn: &crate::store::Read<'_>) -> Result<Stats, crate::store::StoreError> {
    use crate::application::AppStatus;
    use crate::certificate::CertificateBasis;
    use crate::model::staff::Desk;
    use crate::person::Scheme;
    use crate::referral::ReferralStatus;
    let desk = |k: &str| Desk::from_code(k).map(|d| d.label().to_string()).unwrap_or_else(|| k.to_string());
    let c = conn.stats().counts()?;
    Ok(Stats {
        persons: c.persons,
        facilities: c.facilities,
        persons_by_scheme: labelled(c.persons_by_scheme, |k| Scheme::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()),
        touchpoints_by_desk: labelled(c.touchpoints_by_desk, desk),
        referrals_by_status: labelled(c.referrals_by_status, |k| ReferralStatus::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()),
        referrals_by_desk: labelled(c.referrals_by_desk, desk),
        applications_by_status: labelled(c.applications_by_status, |k| AppStatus::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()),
        certificates_by_basis: labelled(c.certificates_by_basis, |k| CertificateBasis::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()),
    })
}
