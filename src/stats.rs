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

fn counts(conn: &crate::store::Read<'_>, sql: &str, label: impl Fn(&str) -> String) -> Result<Vec<Count>, rusqlite::Error> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        let key: String = r.get(0)?;
        Ok(Count { label: label(&key), key, count: r.get(1)? })
    })?;
    rows.collect()
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl StatsError {
    pub fn code(&self) -> &'static str {
        match self {
            StatsError::Access(e) => e.code(),
            StatsError::Store(e) => e.code(),
            StatsError::Db(_) => "stats.db",
        }
    }
}

/// The database's counts, for any staff member who may see persons' records.
pub fn compute(store: &crate::store::Store, actor: &crate::staff::Actor, _now: chrono::NaiveDateTime) -> Result<Stats, StatsError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(counts_of(&store.read())?)
}

fn counts_of(conn: &crate::store::Read<'_>) -> Result<Stats, rusqlite::Error> {
    use crate::application::AppStatus;
    use crate::certificate::CertificateBasis;
    use crate::person::Scheme;
    use crate::referral::ReferralStatus;
    use crate::staff::Desk;
    let desk = |k: &str| Desk::from_code(k).map(|d| d.label().to_string()).unwrap_or_else(|| k.to_string());
    Ok(Stats {
        persons: conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?,
        facilities: conn.query_row("SELECT count(*) FROM facility", [], |r| r.get(0))?,
        persons_by_scheme: counts(conn, "SELECT scheme, count(*) FROM person GROUP BY scheme ORDER BY 2 DESC", |k| {
            Scheme::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()
        })?,
        touchpoints_by_desk: counts(conn, "SELECT desk, count(*) FROM touchpoint GROUP BY desk ORDER BY 2 DESC", desk)?,
        referrals_by_status: counts(conn, "SELECT status, count(*) FROM referral GROUP BY status ORDER BY 2 DESC", |k| {
            ReferralStatus::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()
        })?,
        referrals_by_desk: counts(conn, "SELECT from_desk, count(*) FROM referral GROUP BY from_desk ORDER BY 2 DESC", desk)?,
        applications_by_status: counts(conn, "SELECT status, count(*) FROM application GROUP BY status ORDER BY 2 DESC", |k| {
            AppStatus::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()
        })?,
        certificates_by_basis: counts(conn, "SELECT basis, count(*) FROM certificate GROUP BY basis ORDER BY 2 DESC", |k| {
            CertificateBasis::from_code(k).map(|s| s.label().to_string()).unwrap_or_default()
        })?,
    })
}
