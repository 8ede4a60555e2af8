//! 資格確認書 (eligibility confirmation certificates): issuance, validity and renewal lists.

use chrono::{Datelike, Duration, NaiveDate};

use crate::audit::{self, Action};
use crate::model::application::{AppScheme, Delivery};
use crate::model::staff::Actor;
use crate::person::{self, PersonError};
use crate::policy;
use crate::store::certificates::NewCertificate;
use crate::store::Store;
use crate::{Page, Paged};

pub use crate::model::certificate::{
    Certificate, CertificateBasis, CertificateEvent, CertificateEventKind, CertificateStatus, CertificateStepKind, CertificateValidity, EndCause, Issuer,
    ReissueCause, RenewalDue, RenewalEntry, ValidityBasis,
};

#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("資格確認書 ID {0} は登録されていません")]
    NotFound(i64),
    #[error("有効期限 ({until}) が交付日 ({issued}) より前です")]
    BadValidity { issued: NaiveDate, until: NaiveDate },
    #[error("有効期限は交付日から{}年以内 ({}まで) にしてください", crate::settings::MAX_VALIDITY_YEARS, crate::text::wareki::format(*.0))]
    TooLong(NaiveDate),
    #[error("{}から後期高齢者医療の被保険者 (75歳) のため、国民健康保険の資格確認書は交付できません。加入制度を確認してください", crate::text::wareki::format(*.0))]
    KokuhoAged75(NaiveDate),
    #[error("国民健康保険の資格確認書の有効期限は、75歳の誕生日の前日 ({}) までです", crate::text::wareki::format(*.0))]
    BeyondKokuhoAge(NaiveDate),
    #[error("在留期限 ({}) が過ぎているため交付できません。在留期間の更新を確認してください", crate::text::wareki::format(*.0))]
    ResidenceEnded(NaiveDate),
    #[error("{0}")]
    Forbidden(String),
    #[error("この資格確認書は{status}のため、「{step}」はできません")]
    BadTransition { status: &'static str, step: &'static str },
    #[error("{0}")]
    Invalid(crate::validate::Invalid),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
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
            CertificateError::TooLong(_) => "certificate.too_long",
            CertificateError::KokuhoAged75(_) => "certificate.kokuho_aged_75",
            CertificateError::BeyondKokuhoAge(_) => "certificate.beyond_kokuho_age",
            CertificateError::ResidenceEnded(_) => "certificate.residence_ended",
            CertificateError::Forbidden(_) => "certificate.forbidden",
            CertificateError::BadTransition { .. } => "certificate.bad_transition",
            CertificateError::Invalid(_) => "certificate.invalid",
            CertificateError::Person(e) => e.code(),
            CertificateError::Policy(e) => e.code(),
            CertificateError::Settings(e) => e.code(),
            CertificateError::Access(e) => e.code(),
            CertificateError::Store(e) => e.code(),
        }
    }
}

/// The end of a certificate issued on `issued_on` under the setting `v`: the first
/// `end_month`/`end_day` on or after that day, then `years - 1` years later (so always less than
/// `years` years after the issue).
pub fn valid_until_by(v: &CertificateValidity, issued_on: NaiveDate) -> NaiveDate {
    // The setting is checked to name a day every year has when it is stored and read.
    let end_in = |year: i32| NaiveDate::from_ymd_opt(year, v.end_month, v.end_day).unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 7, 31).expect("7/31"));
    let this_year = end_in(issued_on.year());
    let first = if this_year >= issued_on { this_year } else { end_in(issued_on.year() + 1) };
    end_in(first.year() + v.years.max(1) as i32 - 1)
}

/// When a certificate issued on `issued_on` under the setting `v` ends, and why, for a person
/// born on `birth`: by the setting, but a 国保 certificate at most to the day before the 75th
/// birthday (the person joins 後期 on the birthday). The caller refuses a 国保 issue on or after
/// the birthday.
pub fn valid_until_for(v: &CertificateValidity, birth: NaiveDate, issued_on: NaiveDate) -> (NaiveDate, ValidityBasis) {
    let by_setting = valid_until_by(v, issued_on);
    match last_kokuho_day(v.scheme, birth) {
        Some(last) if last < by_setting => (last, ValidityBasis::Age75),
        _ => (by_setting, ValidityBasis::Setting),
    }
}

/// The last day a 国保 certificate can cover: the day before the 75th birthday.
fn last_kokuho_day(scheme: AppScheme, birth: NaiveDate) -> Option<NaiveDate> {
    match scheme {
        AppScheme::Kokuho => person::birthday(birth, person::KOUKI_AGE).pred_opt(),
        AppScheme::Kouki => None,
    }
}

/// When a certificate for `p` issued on `issued_on` ends, and why: the date typed at issue, or
/// else the city's setting for the scheme, with the 75th-birthday cap for 国保. No 国保
/// certificate is issued on or after the 75th birthday, and a typed date past the cap or five
/// years is refused.
pub(crate) fn validity(
    conn: &crate::store::Read<'_>,
    p: &person::Person,
    scheme: AppScheme,
    issued_on: NaiveDate,
    entered: Option<NaiveDate>,
) -> Result<(NaiveDate, ValidityBasis), CertificateError> {
    if scheme == AppScheme::Kokuho && issued_on >= p.kouki_from() {
        return Err(CertificateError::KokuhoAged75(p.kouki_from()));
    }
    let (until, basis) = match entered {
        Some(u) => {
            if let Some(last) = last_kokuho_day(scheme, p.birth_date).filter(|last| u > *last) {
                return Err(CertificateError::BeyondKokuhoAge(last));
            }
            let limit = issued_on + chrono::Months::new(12 * crate::settings::MAX_VALIDITY_YEARS) - Duration::days(1);
            if u > limit {
                return Err(CertificateError::TooLong(limit));
            }
            (u, ValidityBasis::Entered)
        }
        None => valid_until_for(&crate::settings::validity_of(conn, scheme)?, p.birth_date, issued_on),
    };
    if until < issued_on {
        return Err(CertificateError::BadValidity { issued: issued_on, until });
    }
    Ok((until, basis))
}

/// A foreign resident's certificate runs no longer than their stay: the day `validity` gives,
/// or the 在留期限 when it comes first (and then `true`). A stay that has already ended is
/// refused: the resident is no longer insured here.
pub(crate) fn capped_by_residence(p: &person::Person, issued_on: NaiveDate, until: NaiveDate) -> Result<(NaiveDate, bool), CertificateError> {
    match p.residence_until {
        Some(stay) if stay < issued_on => Err(CertificateError::ResidenceEnded(stay)),
        Some(stay) if stay < until => Ok((stay, true)),
        _ => Ok((until, false)),
    }
}

/// Where the certificate goes. A person under 支援措置 only ever gets the recorded safe address.
/// A standing 送付先変更 on `on` takes mail that would go home or to the facility; a proxy's
/// address chosen on the application stays. 国保 mail home goes 世帯主宛 where the city says so.
pub(crate) fn delivery_address(
    conn: &crate::store::Read<'_>,
    person_id: i64,
    application_id: Option<i64>,
    delivery: Delivery,
    scheme: AppScheme,
    on: NaiveDate,
) -> Result<String, CertificateError> {
    let p = person::load(conn, person_id)?;
    if delivery == Delivery::Counter {
        return Ok("窓口で手渡し".into());
    }
    if p.protected {
        return Ok(format!("〒{} {}", p.safe_postal_code, p.safe_address).trim().to_string());
    }
    if matches!(delivery, Delivery::Home | Delivery::Facility) {
        if let Some(r) = crate::household::standing(conn, p.id, on)? {
            return Ok(crate::household::registered_address(conn, &r)?);
        }
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
        _ => {
            let home = joined(&p.postal_code, &p.address);
            let householder = crate::household::householder_name(conn, &p)?;
            Ok(if scheme == AppScheme::Kokuho && crate::settings::mail_to_householder(conn)? && !householder.is_empty() {
                format!("{home} {householder} 様 (世帯主あて)")
            } else {
                home
            })
        }
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
    let p = person::load(tx, person_id)?;
    let (until, until_basis) = validity(tx, &p, scheme, issued_on, valid_until)?;
    let (until, residence_capped) = capped_by_residence(&p, issued_on, until)?;
    let address = delivery_address(tx, person_id, application_id, delivery, scheme, issued_on)?;
    // What the application asked to have printed beside the rest (併記) goes on the certificate.
    let entries = match application_id {
        Some(id) => tx.applications().get(id)?.map(|a| a.optional_entries).unwrap_or_default(),
        None => Vec::new(),
    };
    let id = tx.certificates_mut().insert(&NewCertificate {
        person_id,
        application_id,
        scheme,
        basis,
        issuer: Issuer::of(scheme),
        issued_on,
        valid_until: until,
        valid_until_basis: until_basis,
        residence_capped,
        delivery_address: &address,
        optional_entries: &entries,
        source: crate::model::certificate::CertificateSource::Hairyo,
        card: &crate::model::certificate::CardDetails::default(),
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
        serde_json::json!({"person_id": person_id, "basis": basis, "issuer": Issuer::of(scheme), "valid_until": until, "valid_until_basis": until_basis}),
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
    store.enter(actor.municipality)?;
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
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let mut l = expiring_of(&store.read(), now.date(), days, page)?;
    l.items = mask_delivery(actor, l.items);
    Ok(l)
}

/// Certificates as `actor` may see them (see `disclosure::certificate`).
pub(crate) fn mask_delivery(actor: &Actor, list: Vec<Certificate>) -> Vec<Certificate> {
    let audience = crate::disclosure::Audience::of(actor);
    list.into_iter().map(|c| crate::disclosure::certificate(&audience, c).into_inner()).collect()
}

pub(crate) fn expiring_of(conn: &crate::store::Read<'_>, today: NaiveDate, days: i64, page: Page) -> Result<Paged<Certificate>, CertificateError> {
    Ok(conn.certificates().expiring_between(today, today + Duration::days(days), page)?)
}

/// Who is due at the renewal on `renewal_day` (an 8/1): holders of certificates that end the day
/// before, and 後期 applications set aside for the renewal (R9). Each line says what the rules in
/// force that day give the person, and whether the certificate is issued again without a new
/// application (ex officio, or continued after an application: `*-applied-continues`).
pub fn renewal_list(
    store: &Store,
    actor: &Actor,
    renewal_day: NaiveDate,
    page: Page,
    _now: chrono::NaiveDateTime,
) -> Result<Paged<RenewalEntry>, CertificateError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    let due = conn.certificates().renewal_list(renewal_day - Duration::days(1), crate::model::person::statutorily_born_by(renewal_day, 85), page)?;
    let rules = policy::rules(conn)?;
    let mut items = Vec::with_capacity(due.items.len());
    for d in due.items {
        let p = person::load(conn, d.person_id)?;
        let facts = policy::Facts::of(conn, &p, renewal_day)?;
        let route = policy::evaluate(&rules, p.scheme, &facts, renewal_day);
        items.push(RenewalEntry {
            issued_without_application: policy::issued_without_application(&rules, &route),
            route: route.kind,
            route_label: route.label,
            rule_id: route.rule_id,
            due: d,
        });
    }
    Ok(Paged { items, total: due.total, offset: due.offset, limit: due.limit })
}

/// A 国保 certificate whose holder becomes a 高齢受給者 while it runs: its 負担割合 no longer
/// holds, so it is reissued (cause 70歳到達) from the day shown.
#[derive(ts_rs::TS, Debug, Clone, serde::Serialize)]
pub struct AgeReissue {
    pub person_id: i64,
    pub person_name: String,
    pub certificate_id: i64,
    pub valid_until: NaiveDate,
    /// The first day as a 高齢受給者.
    pub elderly_from: NaiveDate,
}

/// How far ahead the 70歳到達 list looks: the month of the next issue run and the one after.
pub const AGE_REISSUE_DAYS: i64 = 62;

/// The 国保 certificates to reissue because their holders turn 70: those whose 高齢受給者 month
/// begins within [`AGE_REISSUE_DAYS`] of today (or began already) while the certificate, issued
/// before it, still runs; soonest first.
pub fn age_reissues(store: &Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Vec<AgeReissue>, CertificateError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ManageCertificate)?;
    age_reissues_in(&store.read(), now.date())
}

pub(crate) fn age_reissues_in(conn: &crate::store::Read<'_>, today: NaiveDate) -> Result<Vec<AgeReissue>, CertificateError> {
    use crate::model::person::elderly_recipient_from;
    let until = today + Duration::days(AGE_REISSUE_DAYS);
    // Those who reach 70 within the window, and those who did in the months before it and
    // still hold the card issued earlier.
    let born_from = today - chrono::Months::new(12 * 70 + 12);
    let born_to = until - chrono::Months::new(12 * 70) + Duration::days(1);
    let mut out: Vec<AgeReissue> = conn
        .certificates()
        .valid_held_by_born_between(AppScheme::Kokuho, born_from, born_to)?
        .into_iter()
        .filter_map(|c| {
            let birth = conn.persons().get(c.person_id).ok().flatten()?.birth_date;
            let from = elderly_recipient_from(birth);
            (from <= until && c.issued_on < from && c.valid_until >= from.max(today)).then_some(AgeReissue {
                person_id: c.person_id,
                person_name: c.person_name,
                certificate_id: c.id,
                valid_until: c.valid_until,
                elderly_from: from,
            })
        })
        .collect();
    out.sort_by_key(|r| (r.elderly_from, r.certificate_id));
    Ok(out)
}

/// One step of a certificate's life after issue, as the window, the API and the CLI send it.
/// Dates are typed as anywhere else (和暦, `12/1`); empty is today.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case", deny_unknown_fields)]
pub enum CertificateStep {
    /// 再交付: a new certificate with the same term replaces this one, which no longer counts.
    /// A damaged one is to be handed back; a lost or stolen one cannot be.
    Reissue {
        cause: ReissueCause,
        #[serde(default)]
        on: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 無効: the holder lost eligibility, moved out or died; the certificate's return is asked
    /// for and tracked.
    Invalidate {
        cause: EndCause,
        #[serde(default)]
        on: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// The certificate whose return was asked for came back.
    RecordReturn {
        #[serde(default)]
        on: String,
    },
    /// The mailed certificate came back (宛所不明): a follow-up is set at the desk.
    MailReturned {
        #[serde(default)]
        on: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 送付先の変更: the certificate is sent again, to the address given.
    ChangeDelivery {
        #[serde(default)]
        postal_code: String,
        address: String,
        reason: String,
        #[serde(default)]
        on: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// A certificate whose mail came back is handed over at the counter.
    HandOver {
        #[serde(default)]
        on: String,
    },
}

impl CertificateStep {
    pub fn kind(&self) -> CertificateStepKind {
        match self {
            CertificateStep::Reissue { .. } => CertificateStepKind::Reissue,
            CertificateStep::Invalidate { .. } => CertificateStepKind::Invalidate,
            CertificateStep::RecordReturn { .. } => CertificateStepKind::RecordReturn,
            CertificateStep::MailReturned { .. } => CertificateStepKind::MailReturned,
            CertificateStep::ChangeDelivery { .. } => CertificateStepKind::ChangeDelivery,
            CertificateStep::HandOver { .. } => CertificateStepKind::HandOver,
        }
    }
}

/// The steps the certificate's state allows on `today`, whoever asks: the state machine.
pub fn allowed_steps(c: &Certificate, today: NaiveDate) -> Vec<CertificateStepKind> {
    use CertificateStepKind::*;
    let mut steps = Vec::new();
    if c.status == CertificateStatus::Valid {
        // An expired certificate is renewed, not reissued or ended.
        if c.valid_until >= today {
            steps.extend([Reissue, Invalidate]);
        }
        if c.undelivered {
            steps.extend([ChangeDelivery, HandOver]);
        } else if c.delivery_address != "窓口で手渡し" {
            steps.push(MailReturned);
        }
    }
    if c.return_due {
        steps.push(RecordReturn);
    }
    steps
}

/// What `actor` may do next to `c`: the allowed steps, for a desk that records them.
pub fn next_steps(actor: &Actor, c: &Certificate, today: NaiveDate) -> Vec<CertificateStepKind> {
    if !crate::access::can(actor, crate::access::Permission::ManageCertificate) {
        return Vec::new();
    }
    allowed_steps(c, today)
}

/// A certificate as `actor` reads it on `today`: its history, what they may do next, and a
/// protected person's delivery address withheld from a desk that may not see it.
pub(crate) fn for_actor(conn: &crate::store::Read<'_>, actor: &Actor, c: Certificate, today: NaiveDate) -> Result<Certificate, CertificateError> {
    let events = conn.certificates().events(c.id)?;
    let next = next_steps(actor, &c, today);
    let audience = crate::disclosure::Audience::of(actor);
    Ok(crate::disclosure::certificate(&audience, Certificate { events, next, ..c }).into_inner())
}

/// One certificate with its history, for a staff member who may see persons' records.
pub fn get(store: &Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<Certificate, CertificateError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = store.read();
    let c = load(&conn, id)?;
    for_actor(&conn, actor, c, now.date())
}

/// Certificates whose return was asked for (無効, or a damaged one replaced) and has not
/// arrived, oldest first.
pub fn returns_due(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<Certificate>, CertificateError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let mut due = store.read().certificates().returns_due(page)?;
    due.items = mask_delivery(actor, due.items);
    Ok(due)
}

fn invalid(field: &'static str, message: impl Into<String>) -> CertificateError {
    CertificateError::Invalid(crate::validate::Invalid(vec![crate::validate::FieldError { field, message: message.into() }]))
}

/// The day a step happened: typed as anywhere else, today when empty, never in the future nor
/// before the certificate was issued.
fn day_of(text: &str, c: &Certificate, today: NaiveDate) -> Result<NaiveDate, String> {
    let on = if text.trim().is_empty() { today } else { crate::validate::date_on("日付", text, today)? };
    if on > today {
        return Err("日付が未来の日付です".into());
    }
    if on < c.issued_on {
        return Err(format!("日付が交付日 ({}) より前です", crate::text::wareki::format(c.issued_on)));
    }
    Ok(on)
}

fn step_day(text: &str, c: &Certificate, today: NaiveDate) -> Result<NaiveDate, CertificateError> {
    day_of(text, c, today).map_err(|m| invalid("on", m))
}

/// A free text a step keeps (a note or a reason), checked as every free text is.
fn step_text(field: &'static str, label: &str, value: &str, required: bool, confirmed: bool) -> Result<String, CertificateError> {
    crate::validate::typed_text(field, label, value, 500, required, confirmed).map_err(CertificateError::Invalid)
}

/// How the certificate's state reads in a refusal.
fn state_words(c: &Certificate, today: NaiveDate) -> &'static str {
    match c.status {
        CertificateStatus::Valid if c.valid_until < today => "有効期限切れ",
        CertificateStatus::Valid if c.undelivered => "有効・宛所不明で返戻中",
        s => s.label(),
    }
}

/// Takes one step of certificate `id`'s life after issue, audited and kept in its history, and
/// returns the certificate the record shows next: the new one after a 再交付, else this one.
pub fn take_step(store: &mut Store, actor: &Actor, id: i64, step: &CertificateStep, now: chrono::NaiveDateTime) -> Result<Certificate, CertificateError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ManageCertificate)?;
    let shown = store.write(|tx| apply_step(tx, actor, id, step, now))?;
    get(store, actor, shown, now)
}

/// Takes a step inside the caller's transaction (see [`take_step`]); returns the id of the
/// certificate the record shows next.
pub(crate) fn apply_step(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    id: i64,
    step: &CertificateStep,
    now: chrono::NaiveDateTime,
) -> Result<i64, CertificateError> {
    use crate::store::certificates::{CertificateChange, NewCertificateEvent};
    use CertificateEventKind as Kind;
    let today = now.date();
    {
        let c = load(tx, id)?;
        if !allowed_steps(&c, today).contains(&step.kind()) {
            return Err(CertificateError::BadTransition { status: state_words(&c, today), step: step.kind().label() });
        }
        let record = |kind: Kind, on: NaiveDate, cause: &str, note: &str| -> Result<(), CertificateError> {
            let e = NewCertificateEvent { certificate_id: c.id, kind, on, cause, note, staff_id: actor.staff_id, created_at: crate::stamp(now) };
            tx.certificates_mut().add_event(&e)?;
            Ok(())
        };
        let change = |ch: CertificateChange<'_>| tx.certificates_mut().change(c.id, &ch);
        let mut shown = c.id;
        let details = match step {
            CertificateStep::Reissue { cause, on, note, confirmed_digits } => {
                let on = step_day(on, &c, today)?;
                let note = step_text("note", "メモ", note, false, *confirmed_digits)?;
                // The replacement shows what the first one showed, except at 70: the 負担割合
                // and 限度区分 of a 高齢受給者 are not those of the card it replaces, and the
                // core systems' feed brings them.
                let mut card = c.card.clone();
                if *cause == ReissueCause::Age70 {
                    card.copay_rate = None;
                    card.limit_class = None;
                }
                // The replacement runs to the same day and goes where the first one went, or to
                // the standing 送付先 registered since (a protected person's stays safe).
                let holder = person::load(tx, c.person_id)?;
                let delivery_address = match crate::household::standing(tx, c.person_id, on)? {
                    Some(r) if !holder.protected && c.delivery_address != "窓口で手渡し" => crate::household::registered_address(tx, &r)?,
                    // A registration that has ended no longer takes the mail: it goes home.
                    None if crate::household::was_registered(tx, c.person_id, &c.delivery_address)? => {
                        delivery_address(tx, c.person_id, None, Delivery::Home, c.scheme, on)?
                    }
                    _ => c.delivery_address.clone(),
                };
                let replacement = NewCertificate {
                    person_id: c.person_id,
                    application_id: c.application_id,
                    scheme: c.scheme,
                    basis: c.basis,
                    issuer: c.issuer,
                    issued_on: on,
                    valid_until: c.valid_until,
                    valid_until_basis: c.valid_until_basis,
                    residence_capped: c.residence_capped,
                    delivery_address: &delivery_address,
                    optional_entries: &c.optional_entries,
                    source: crate::model::certificate::CertificateSource::Hairyo,
                    card: &card,
                    issued_by: actor.staff_id,
                    created_at: crate::stamp(now),
                };
                shown = tx.certificates_mut().insert_replacement(&replacement, c.id)?;
                // A damaged certificate, or one whose 負担割合 no longer holds, is handed back; a
                // lost or stolen one cannot be.
                let return_due = matches!(cause, ReissueCause::Damaged | ReissueCause::Age70);
                change(CertificateChange {
                    status: Some(CertificateStatus::Replaced),
                    ended_on: Some(on),
                    return_due: Some(return_due),
                    undelivered: Some(false),
                    ..Default::default()
                })?;
                record(Kind::Reissued, on, cause.code(), &note)?;
                serde_json::json!({"cause": cause, "on": on, "replacement": shown, "return_due": return_due})
            }
            CertificateStep::Invalidate { cause, on, note, confirmed_digits } => {
                let on = step_day(on, &c, today)?;
                let note = step_text("note", "メモ", note, false, *confirmed_digits)?;
                // A certificate whose mail came back is at the desk already: nothing to return.
                let return_due = !c.undelivered;
                change(CertificateChange {
                    status: Some(CertificateStatus::Invalidated),
                    ended_on: Some(on),
                    return_due: Some(return_due),
                    ..Default::default()
                })?;
                record(Kind::Invalidated, on, cause.code(), &note)?;
                serde_json::json!({"cause": cause, "on": on, "return_due": return_due})
            }
            CertificateStep::RecordReturn { on } => {
                let on = step_day(on, &c, today)?;
                change(CertificateChange { return_due: Some(false), ..Default::default() })?;
                record(Kind::Returned, on, "", "")?;
                serde_json::json!({"on": on})
            }
            CertificateStep::MailReturned { on, note, confirmed_digits } => {
                let on = step_day(on, &c, today)?;
                let note = step_text("note", "メモ", note, false, *confirmed_digits)?;
                change(CertificateChange { undelivered: Some(true), ..Default::default() })?;
                record(Kind::MailReturned, on, "", &note)?;
                // The desk follows it up today: find where the holder lives now, or hand it over.
                let follow_up = format!("資格確認書 (ID {}) が宛所不明で返戻されました。送付先を確認し、再送するか窓口で交付してください", c.id);
                let fid = tx.follow_ups_mut().insert(&crate::store::home::NewFollowUp {
                    person_id: c.person_id,
                    staff_id: actor.staff_id,
                    desk: actor.desk,
                    due_on: today,
                    note: &follow_up,
                    created_at: crate::stamp(now),
                })?;
                audit::record(tx, actor, now, Action::Create, "follow_up", Some(fid), serde_json::json!({"person_id": c.person_id, "due_on": today}))?;
                serde_json::json!({"on": on, "follow_up": fid})
            }
            CertificateStep::ChangeDelivery { postal_code, address, reason, on, confirmed_digits } => {
                let p = person::load(tx, c.person_id)?;
                if p.protected && !crate::access::can(actor, crate::access::Permission::ViewProtectedAddress) {
                    return Err(CertificateError::Forbidden("支援措置の対象者の送付先は、住所を見られる窓口で変更してください".into()));
                }
                let mut check = crate::validate::Checker::new();
                let on = check.take("on", day_of(on, &c, today));
                let postal = check.take("postal_code", crate::validate::postal_code(postal_code));
                let address = check.take("address", crate::validate::text("送付先の住所", address, 200, true));
                let reason = check.take("reason", crate::validate::text("変更の理由", reason, 500, true));
                check.finish().map_err(CertificateError::Invalid)?;
                let (Some(on), Some(postal), Some(address), Some(reason)) = (on, postal, address, reason) else {
                    unreachable!("the checker refused any missing value")
                };
                crate::validate::unconfirmed_digits("変更の理由", &reason, *confirmed_digits).map_err(|m| invalid(crate::validate::CONFIRM_DIGITS, m))?;
                let to = if postal.is_empty() { address } else { format!("〒{postal} {address}") };
                change(CertificateChange { delivery_address: Some(&to), undelivered: Some(false), ..Default::default() })?;
                record(Kind::DeliveryChanged, on, "", &reason)?;
                // The address itself stays on the certificate, not in the audit trail.
                serde_json::json!({"on": on})
            }
            CertificateStep::HandOver { on } => {
                let on = step_day(on, &c, today)?;
                change(CertificateChange { undelivered: Some(false), ..Default::default() })?;
                record(Kind::HandedOver, on, "", "")?;
                serde_json::json!({"on": on})
            }
        };
        audit::record(tx, actor, now, Action::Update, "certificate", Some(c.id), serde_json::json!({"step": step.kind(), "details": details}))?;
        Ok(shown)
    }
}
