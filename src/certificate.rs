//! 資格確認書 (eligibility confirmation certificates): issuance, validity and renewal lists.

use chrono::{Datelike, Duration, NaiveDate};

use crate::audit::{self, Action};
use crate::model::application::{AppScheme, Delivery};
use crate::model::staff::Actor;
use crate::person::{self, PersonError};
use crate::store::certificates::NewCertificate;
use crate::store::Store;
use crate::{Page, Paged};

pub use crate::model::certificate::{Certificate, CertificateBasis, Issuer, RenewalEntry};

#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("資格確認書 ID {0} は登録されていません")]
    NotFound(i64),
    #[error("有効期限 ({until}) が交付日 ({issued}) より前です")]
    BadValidity { issued: NaiveDate, until: NaiveDate },
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl CertificateError {
    pub fn code(&self) -> &'static str {
        match self {
            CertificateError::NotFound(_) => "certificate.not_found",
            CertificateError::BadValidity { .. } => "certificate.bad_validity",
            CertificateError::Forbidden(_) => "certificate.forbidden",
            CertificateError::Person(e) => e.code(),
            CertificateError::Access(e) => e.code(),
            CertificateError::Store(e) => e.code(),
        }
    }
}

/// Certificates of both schemes run to 7/31 and are renewed en masse on 8/1 (一斉更新).
pub fn default_valid_until(issued_on: NaiveDate) -> NaiveDate {
    let year = if issued_on.month() >= 8 { issued_on.year() + 1 } else { issued_on.year() };
    NaiveDate::from_ymd_opt(year, 7, 31).expect("7/31 exists")
}

/// Where the certificate goes. A person under 支援措置 only ever gets the recorded safe address.
pub(crate) fn delivery_address(
    conn: &crate::store::Read<'_>,
    person_id: i64,
    application_id: Option<i64>,
    delivery: Delivery,
) -> Result<String, CertificateError> {
    let p = person::load(conn, person_id)?;
    if delivery == Delivery::Counter {
        return Ok("窓口で手渡し".into());
    }
    if p.protected {
        return Ok(format!("〒{} {}", p.safe_postal_code, p.safe_address).trim().to_string());
    }
    let joined = |postal: &str, addr: &str| if postal.is_empty() { addr.to_string() } else { format!("〒{postal} {addr}") };
    match delivery {
        Delivery::Proxy => {
            let addr: Option<String> = match application_id {
                Some(id) => conn.applications().proxy_address(id)?,
                None => None,
            };
            Ok(addr.unwrap_or_else(|| joined(&p.postal_code, &p.address)))
        }
        Delivery::Facility => {
            let f = match p.facility_id {
                Some(fid) => conn.certificates().facility_address(fid)?,
                None => None,
            };
            Ok(match f {
                Some(f) => format!("{} {} 気付", joined(&f.postal_code, &f.address), f.name),
                None => joined(&p.postal_code, &p.address),
            })
        }
        _ => Ok(joined(&p.postal_code, &p.address)),
    }
}

/// Inserts a certificate inside the caller's transaction, with its audit event.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    person_id: i64,
    application_id: Option<i64>,
    scheme: AppScheme,
    basis: CertificateBasis,
    issued_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    delivery: Delivery,
    now: chrono::NaiveDateTime,
) -> Result<Certificate, CertificateError> {
    let until = valid_until.unwrap_or_else(|| default_valid_until(issued_on));
    if until < issued_on {
        return Err(CertificateError::BadValidity { issued: issued_on, until });
    }
    let address = delivery_address(tx, person_id, application_id, delivery)?;
    let id = tx.certificates_mut().insert(&NewCertificate {
        person_id,
        application_id,
        scheme,
        basis,
        issuer: Issuer::of(scheme),
        issued_on,
        valid_until: until,
        delivery_address: &address,
        issued_by: actor.staff_id,
        created_at: crate::stamp(now),
    })?;
    audit::record(
        tx,
        actor,
        now,
        Action::Create,
        "certificate",
        Some(id),
        serde_json::json!({"person_id": person_id, "basis": basis, "issuer": Issuer::of(scheme), "valid_until": until}),
    )?;
    load(tx, id)
}

/// Records a certificate issued without application (職権, or 暫定運用 for 後期).
// Each argument is one thing the clerk chose on the form; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn issue_without_application(
    store: &mut Store,
    actor: &Actor,
    person_id: i64,
    scheme: AppScheme,
    basis: CertificateBasis,
    issued_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    now: chrono::NaiveDateTime,
) -> Result<Certificate, CertificateError> {
    if !crate::access::can(actor, crate::access::Permission::IssueCertificate) {
        return Err(CertificateError::Forbidden("資格確認書の交付は国民健康保険・後期高齢者医療の窓口の職員が記録します".into()));
    }
    store.write(|tx| insert(tx, actor, person_id, None, scheme, basis, issued_on, valid_until, Delivery::Home, now))
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Certificate, CertificateError> {
    conn.certificates().get(id)?.ok_or(CertificateError::NotFound(id))
}

/// A person's certificates, newest first.
pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Certificate>, crate::store::StoreError> {
    conn.certificates().for_person(person_id)
}

/// Certificates still valid on `today` that expire within `days` days, soonest first.
/// Certificates that expire within `days` of today, soonest first, with a protected person's
/// delivery address withheld from a desk that may not see it.
pub fn expiring_within(store: &Store, actor: &Actor, days: i64, page: Page, now: chrono::NaiveDateTime) -> Result<Paged<Certificate>, CertificateError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let mut l = expiring_of(&store.read(), now.date(), days, page)?;
    mask_delivery(actor, &mut l.items);
    Ok(l)
}

/// Withholds the delivery address of protected persons' certificates from a desk that may not
/// see it.
pub(crate) fn mask_delivery(actor: &Actor, list: &mut [Certificate]) {
    if !crate::access::can(actor, crate::access::Permission::ViewProtectedAddress) {
        for c in list.iter_mut().filter(|c| c.protected) {
            c.delivery_address = crate::person::MASKED_ADDRESS.to_string();
        }
    }
}

pub(crate) fn expiring_of(conn: &crate::store::Read<'_>, today: NaiveDate, days: i64, page: Page) -> Result<Paged<Certificate>, CertificateError> {
    Ok(conn.certificates().expiring_between(today, today + Duration::days(days), page)?)
}

/// Who is due at the renewal on `renewal_day` (an 8/1): holders of certificates that end the day
/// before, and 後期 applications set aside for the renewal (R9).
pub fn renewal_list(
    store: &Store,
    actor: &Actor,
    renewal_day: NaiveDate,
    page: Page,
    _now: chrono::NaiveDateTime,
) -> Result<Paged<RenewalEntry>, CertificateError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(store.read().certificates().renewal_list(renewal_day - Duration::days(1), page)?)
}
