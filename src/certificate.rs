//! 資格確認書 (eligibility confirmation certificates): issuance, validity and renewal lists.

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::application::{AppScheme, Delivery};
use crate::audit::{self, Action};
use crate::coded_enum;
use crate::person::{self, PersonError};
use crate::staff::Actor;
use crate::store::Store;
use crate::{Page, Paged};

coded_enum! {
    /// On what basis the certificate was issued.
    pub enum CertificateBasis ("交付の根拠") {
        ExOfficio = ("ex_officio", "職権"),
        Application = ("application", "申請"),
        Provisional = ("provisional", "暫定運用"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Certificate {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub application_id: Option<i64>,
    pub scheme: AppScheme,
    pub scheme_label: &'static str,
    pub basis: CertificateBasis,
    pub basis_label: &'static str,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub delivery_address: String,
    /// The person is under 支援措置: the delivery address is shown only to the desks that may
    /// see it.
    pub protected: bool,
}

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
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
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
            CertificateError::Db(_) => "certificate.db",
        }
    }
}

/// Certificates of both schemes run to 7/31 and are renewed en masse on 8/1 (一斉更新).
pub fn default_valid_until(issued_on: NaiveDate) -> NaiveDate {
    let year = if issued_on.month() >= 8 { issued_on.year() + 1 } else { issued_on.year() };
    NaiveDate::from_ymd_opt(year, 7, 31).expect("7/31 exists")
}

/// Where the certificate goes. A person under 支援措置 only ever gets the recorded safe address.
pub(crate) fn delivery_address(conn: &crate::store::Read<'_>, person_id: i64, application_id: Option<i64>, delivery: Delivery) -> Result<String, CertificateError> {
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
                Some(id) => conn.query_row("SELECT proxy_address FROM application WHERE id = ?1", [id], |r| r.get(0)).optional()?,
                None => None,
            };
            Ok(addr.unwrap_or_else(|| joined(&p.postal_code, &p.address)))
        }
        Delivery::Facility => {
            let f: Option<(String, String, String)> = match p.facility_id {
                Some(fid) => conn
                    .query_row("SELECT name, postal_code, address FROM facility WHERE id = ?1", [fid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?,
                None => None,
            };
            Ok(match f {
                Some((name, postal, addr)) => format!("{} {name} 気付", joined(&postal, &addr)),
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
    tx.execute(
        "INSERT INTO certificate (person_id, application_id, scheme, basis, issued_on, valid_until, delivery_address, issued_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![person_id, application_id, scheme, basis, issued_on, until, address, actor.staff_id, crate::stamp(now)],
    )?;
    let id = tx.last_insert_rowid();
    audit::record(tx, actor, now, Action::Create, "certificate", Some(id), serde_json::json!({"person_id": person_id, "basis": basis, "valid_until": until}))?;
    load(tx, id)
}

/// Records a certificate issued without application (職権, or 暫定運用 for 後期).
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

const SELECT: &str = "SELECT c.id, c.person_id, p.name, c.application_id, c.scheme, c.basis, c.issued_on, c.valid_until, c.delivery_address,
    p.protected FROM certificate c JOIN person p ON p.id = c.person_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Certificate> {
    let scheme: AppScheme = r.get(4)?;
    let basis: CertificateBasis = r.get(5)?;
    Ok(Certificate {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_name: r.get(2)?,
        application_id: r.get(3)?,
        scheme,
        scheme_label: scheme.label(),
        basis,
        basis_label: basis.label(),
        issued_on: r.get(6)?,
        valid_until: r.get(7)?,
        delivery_address: r.get(8)?,
        protected: r.get(9)?,
    })
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Certificate, CertificateError> {
    conn.query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], from_row).optional()?.ok_or(CertificateError::NotFound(id))
}

pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Certificate>, rusqlite::Error> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE c.person_id = ?1 ORDER BY c.issued_on DESC, c.id DESC"))?;
    let rows = stmt.query_map([person_id], from_row)?;
    rows.collect()
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
    let until = today + Duration::days(days);
    let filter = "c.valid_until >= ?1 AND c.valid_until <= ?2";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM certificate c WHERE {filter}"), params![today, until], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY c.valid_until, c.id LIMIT ?3 OFFSET ?4"))?;
    let items = stmt.query_map(params![today, until, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}

/// One line of the 8/1 renewal list.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalEntry {
    pub person_id: i64,
    pub person_name: String,
    pub scheme: AppScheme,
    /// Why the person is on the list: a certificate ending 7/31, or an 年次更新時交付 application.
    pub cause: String,
    pub certificate_id: Option<i64>,
    pub application_id: Option<i64>,
}

/// Who is due at the renewal on `renewal_day` (an 8/1): holders of certificates that end the day
/// before, and 後期 applications set aside for the renewal (R9).
pub fn renewal_list(store: &Store, actor: &Actor, renewal_day: NaiveDate, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<RenewalEntry>, CertificateError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    let ends = renewal_day - Duration::days(1);
    let sql = "SELECT c.person_id, p.name, c.scheme, '有効期限 ' || c.valid_until || ' の資格確認書', c.id, NULL
                 FROM certificate c JOIN person p ON p.id = c.person_id WHERE c.valid_until = ?1
               UNION ALL
               SELECT a.person_id, p.name, a.scheme, '年次更新時交付の申請 (受付 ' || a.received_on || ')', NULL, a.id
                 FROM application a JOIN person p ON p.id = a.person_id WHERE a.status = 'at_renewal'";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM ({sql})"), params![ends], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({sql}) ORDER BY 2, 1 LIMIT ?2 OFFSET ?3"))?;
    let items = stmt
        .query_map(params![ends, page.limit, page.offset], |r| {
            Ok(RenewalEntry {
                person_id: r.get(0)?,
                person_name: r.get(1)?,
                scheme: r.get(2)?,
                cause: r.get(3)?,
                certificate_id: r.get(4)?,
                application_id: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}
