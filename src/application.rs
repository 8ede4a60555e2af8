//! Applications for a 資格確認書 (交付申請): channel, applicant, proxy authority and its checklist.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::certificate::{self, CertificateBasis, CertificateError};
use crate::coded_enum;
use crate::person::{self, PersonError, Reason, Scheme};
use crate::policy::{self, PolicyError, RouteKind};
use crate::staff::Actor;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

coded_enum! {
    /// Which scheme the certificate is for; the city's counter handles 国保 and 後期.
    pub enum AppScheme ("申請先の制度") {
        Kokuho = ("kokuho", "国民健康保険"),
        Kouki = ("kouki", "後期高齢者医療"),
    }
}

coded_enum! {
    pub enum Channel ("受付方法") {
        Counter = ("counter", "窓口"),
        Mail = ("mail", "郵送"),
        Outreach = ("outreach", "出張申請"),
        FacilityBatch = ("facility_batch", "施設一括"),
    }
}

coded_enum! {
    pub enum Applicant ("申請者") {
        Person = ("self", "本人"),
        Householder = ("householder", "世帯主"),
        Proxy = ("proxy", "代理人"),
    }
}

coded_enum! {
    /// The proxy's authority (代理権限), which decides the documents to check.
    pub enum ProxyAuthority ("代理人の種別") {
        SameHousehold = ("same_household", "同一世帯の親族"),
        Relative = ("relative", "別世帯の親族"),
        Guardian = ("guardian", "成年後見人"),
        Parent = ("parent", "親権者"),
        FacilityChild = ("facility_child", "施設職員 (児童・親権者の委任)"),
        Caregiver = ("caregiver", "介助者"),
        FacilityAdult = ("facility_adult", "施設職員 (成人)"),
    }
}

coded_enum! {
    /// A document the clerk checks before deciding.
    pub enum Document ("確認書類") {
        ApplicantId = ("applicant_id", "申請者の本人確認書類"),
        ProxyId = ("proxy_id", "代理人の本人確認書類"),
        Delegation = ("delegation", "委任状 (本人から代理人へ)"),
        RegistryCertificate = ("registry_certificate", "登記事項証明書 (成年後見)"),
        FamilyRegister = ("family_register", "戸籍謄本等 (親権の確認)"),
        ParentDelegation = ("parent_delegation", "親権者から施設職員への委任状"),
        StaffId = ("staff_id", "施設職員の身分証明書"),
    }
}

impl ProxyAuthority {
    /// The documents this authority needs (R3, R4; a proxy outside the household brings a
    /// 委任状 and their own identity document).
    pub fn documents(self) -> &'static [Document] {
        use Document::*;
        match self {
            ProxyAuthority::SameHousehold => &[ProxyId],
            ProxyAuthority::Relative => &[Delegation, ProxyId],
            ProxyAuthority::Guardian => &[RegistryCertificate, ProxyId],
            ProxyAuthority::Parent => &[FamilyRegister, ProxyId],
            ProxyAuthority::FacilityChild => &[ParentDelegation, StaffId],
            ProxyAuthority::Caregiver => &[Delegation, ProxyId],
            ProxyAuthority::FacilityAdult => &[Delegation, StaffId],
        }
    }

    /// True when the proxy brings a 委任状 that Hairyo can print pre-filled.
    pub fn needs_delegation_letter(self) -> bool {
        self.documents().iter().any(|d| matches!(d, Document::Delegation | Document::ParentDelegation))
    }
}

/// The documents an application needs, by applicant and authority.
pub fn required_documents(applicant: Applicant, authority: Option<ProxyAuthority>) -> Vec<Document> {
    match (applicant, authority) {
        (Applicant::Proxy, Some(a)) => a.documents().to_vec(),
        _ => vec![Document::ApplicantId],
    }
}

coded_enum! {
    pub enum AppStatus ("申請の状態") {
        Received = ("received", "受付"),
        Reviewing = ("reviewing", "審査中"),
        Decided = ("decided", "交付決定"),
        Issued = ("issued", "交付済"),
        Rejected = ("rejected", "却下"),
        Withdrawn = ("withdrawn", "取下げ"),
        AtRenewal = ("at_renewal", "年次更新時交付"),
    }
}

coded_enum! {
    /// Where the certificate is sent.
    pub enum Delivery ("送付先") {
        Home = ("home", "本人の住所"),
        Proxy = ("proxy", "代理人の住所"),
        Facility = ("facility", "入所施設"),
        Counter = ("counter", "窓口で手渡し"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub person_id: i64,
    /// kokuho or kouki; empty takes the person's scheme.
    pub scheme: String,
    pub received_on: String,
    pub channel: String,
    pub applicant: String,
    pub authority: String,
    pub proxy_name: String,
    pub proxy_kana: String,
    pub proxy_address: String,
    pub proxy_phone: String,
    pub proxy_relationship: String,
    pub reasons: Vec<String>,
    pub delivery: String,
    pub referral_id: Option<i64>,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub document: Document,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Application {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub referral_id: Option<i64>,
    pub scheme: AppScheme,
    pub scheme_label: &'static str,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub channel_label: &'static str,
    pub applicant: Applicant,
    pub applicant_label: &'static str,
    pub authority: Option<ProxyAuthority>,
    pub authority_label: Option<&'static str>,
    pub proxy_name: String,
    pub proxy_kana: String,
    pub proxy_address: String,
    pub proxy_phone: String,
    pub proxy_relationship: String,
    pub reasons: Vec<Reason>,
    pub delivery: Delivery,
    pub delivery_label: &'static str,
    pub status: AppStatus,
    pub status_label: &'static str,
    pub override_reason: String,
    pub decision_note: String,
    pub received_by: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub checklist: Vec<ChecklistItem>,
    /// What the staff member who asked may do to it now ([`next_steps`]); empty in the core's
    /// own reads.
    pub next: Vec<ApplicationStepKind>,
}

impl Application {
    pub fn missing_documents(&self) -> Vec<Document> {
        self.checklist.iter().filter(|c| !c.checked).map(|c| c.document).collect()
    }
}

/// What the clerk is told when an application is received.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Received {
    pub application: Application,
    pub notices: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("申請 ID {0} は登録されていません")]
    NotFound(i64),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("{0}")]
    Forbidden(String),
    #[error("この申請は「{from}」のため、{action}できません")]
    Transition { from: &'static str, action: &'static str },
    #[error("確認書類がそろっていないため交付決定できません (未確認: {missing})。書類を確認するか、係長が理由を記録して決定してください")]
    ChecklistIncomplete { missing: String },
    #[error("書類「{0}」はこの申請の確認書類ではありません")]
    NotOnChecklist(&'static str),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl ApplicationError {
    pub fn code(&self) -> &'static str {
        match self {
            ApplicationError::NotFound(_) => "application.not_found",
            ApplicationError::Invalid(_) => "application.invalid",
            ApplicationError::Forbidden(_) => "application.forbidden",
            ApplicationError::Transition { .. } => "application.bad_transition",
            ApplicationError::ChecklistIncomplete { .. } => "application.checklist_incomplete",
            ApplicationError::NotOnChecklist(_) => "application.not_on_checklist",
            ApplicationError::Person(e) => e.code(),
            ApplicationError::Policy(e) => e.code(),
            ApplicationError::Certificate(e) => e.code(),
            ApplicationError::Access(e) => e.code(),
            ApplicationError::Store(e) => e.code(),
            ApplicationError::Db(_) => "application.db",
        }
    }
}

fn insurer_staff(actor: &Actor) -> Result<(), ApplicationError> {
    if crate::access::can(actor, crate::access::Permission::DecideApplication) {
        Ok(())
    } else {
        Err(ApplicationError::Forbidden("申請の受付・審査・決定は国民健康保険・後期高齢者医療の窓口の職員 (事務担当・係長) が行います".into()))
    }
}

coded_enum! {
    /// The kinds of [`ApplicationStep`] (and the checklist), for the view of what a desk may do
    /// next; each label is the step's name in an error message.
    pub enum ApplicationStepKind ("申請の操作") {
        CheckDocument = ("check_document", "書類の確認を変更"),
        StartReview = ("start_review", "審査を開始"),
        Decide = ("decide", "交付決定"),
        Issue = ("issue", "交付"),
        Reject = ("reject", "却下"),
        Withdraw = ("withdraw", "取下げ"),
    }
}

impl ApplicationStep {
    pub fn kind(&self) -> ApplicationStepKind {
        match self {
            ApplicationStep::StartReview => ApplicationStepKind::StartReview,
            ApplicationStep::Decide { .. } => ApplicationStepKind::Decide,
            ApplicationStep::Issue => ApplicationStepKind::Issue,
            ApplicationStep::Reject { .. } => ApplicationStepKind::Reject,
            ApplicationStep::Withdraw { .. } => ApplicationStepKind::Withdraw,
        }
    }
}

/// The state machine in one place: whether `actor` may take a step of `kind` on `a` as it
/// stands. Every step checks it, and [`next_steps`] offers exactly the steps it allows.
fn may_step(actor: &Actor, a: &Application, kind: ApplicationStepKind) -> Result<(), ApplicationError> {
    use AppStatus::*;
    insurer_staff(actor)?;
    let from: &[AppStatus] = match kind {
        ApplicationStepKind::CheckDocument | ApplicationStepKind::Decide | ApplicationStepKind::Reject => &[Received, Reviewing],
        ApplicationStepKind::StartReview => &[Received],
        ApplicationStepKind::Issue => &[Decided, AtRenewal],
        ApplicationStepKind::Withdraw => &[Received, Reviewing, Decided, AtRenewal],
    };
    if from.contains(&a.status) {
        Ok(())
    } else {
        Err(ApplicationError::Transition { from: a.status.label(), action: kind.label() })
    }
}

/// What `actor` may do to `a` now, for the window to offer (the core checks again on the step).
pub fn next_steps(actor: &Actor, a: &Application) -> Vec<ApplicationStepKind> {
    ApplicationStepKind::ALL.iter().copied().filter(|k| may_step(actor, a, *k).is_ok()).collect()
}

/// `a` with the steps `actor` may take on it.
pub(crate) fn for_actor(actor: &Actor, mut a: Application) -> Application {
    a.next = next_steps(actor, &a);
    a
}

fn invalid(field: &'static str, message: String) -> ApplicationError {
    ApplicationError::Invalid(Invalid(vec![validate::FieldError { field, message }]))
}

/// Receives an application. Ex-officio persons are told so (申請不要) but the application is
/// still recorded; a wish to cancel the card's registration brings the R12 guidance.
pub fn receive(store: &mut Store, actor: &Actor, input: &ApplicationInput, now: chrono::NaiveDateTime) -> Result<Received, ApplicationError> {
    insurer_staff(actor)?;
    let today = now.date();
    let mut c = Checker::new();
    let received_on = if input.received_on.trim().is_empty() {
        Some(today)
    } else {
        c.take("received_on", validate::date("受付日", &input.received_on).and_then(|d| {
            if d > today { Err("受付日が未来の日付です".to_string()) } else { Ok(d) }
        }))
    };
    let channel = if input.channel.trim().is_empty() { Some(Channel::Counter) } else { c.take("channel", Channel::parse(&input.channel)) };
    let applicant = if input.applicant.trim().is_empty() { Some(Applicant::Person) } else { c.take("applicant", Applicant::parse(&input.applicant)) };
    let authority = match (applicant, input.authority.trim()) {
        (Some(Applicant::Proxy), "") => {
            c.fail("authority", "代理人の種別 (同一世帯の親族、成年後見人、施設職員など) を選んでください");
            None
        }
        (Some(Applicant::Proxy), a) => c.take("authority", ProxyAuthority::parse(a)),
        (_, "") => None,
        (_, _) => {
            c.fail("authority", "代理人の種別は、申請者が代理人のときだけ指定できます");
            None
        }
    };
    let is_proxy = applicant == Some(Applicant::Proxy);
    let proxy_name = if is_proxy {
        c.take("proxy_name", validate::person_name("代理人氏名", &input.proxy_name))
    } else {
        c.take("proxy_name", validate::text("代理人氏名", &input.proxy_name, 40, false))
    };
    let proxy_kana = if input.proxy_kana.trim().is_empty() { Some(String::new()) } else { c.take("proxy_kana", validate::furigana("代理人フリガナ", &input.proxy_kana)) };
    let proxy_address = c.take("proxy_address", validate::text("代理人住所", &input.proxy_address, 80, is_proxy));
    let proxy_phone = c.take("proxy_phone", validate::phone("代理人電話番号", &input.proxy_phone));
    let proxy_relationship = c.take("proxy_relationship", validate::text("本人との関係", &input.proxy_relationship, 30, is_proxy));
    let mut reasons = Vec::new();
    for r in &input.reasons {
        if let Some(r) = c.take("reasons", Reason::parse(r)) {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    reasons.sort();
    let delivery = if input.delivery.trim().is_empty() { Some(Delivery::Home) } else { c.take("delivery", Delivery::parse(&input.delivery)) };
    if delivery == Some(Delivery::Proxy) && !is_proxy {
        c.fail("delivery", "代理人の住所へ送付できるのは代理申請のときだけです");
    }
    let scheme = if input.scheme.trim().is_empty() { None } else { c.take("scheme", AppScheme::parse(&input.scheme)) };
    c.finish().map_err(ApplicationError::Invalid)?;
    let (Some(received_on), Some(channel), Some(applicant), Some(delivery)) = (received_on, channel, applicant, delivery) else {
        unreachable!("the checker refused any missing value above")
    };

    store.write(|tx| {
        let p = person::load(tx, input.person_id)?;
        let scheme = match (scheme, p.scheme) {
            (Some(s), _) => s,
            (None, Scheme::Kokuho) => AppScheme::Kokuho,
            (None, Scheme::Kouki) => AppScheme::Kouki,
            (None, other) => {
                return Err(invalid("scheme", format!(
                    "この方の保険は「{}」のため、市の窓口では資格確認書の申請を受け付けられません。加入先の保険者を案内してください",
                    other.label()
                )))
            }
        };
        if delivery == Delivery::Facility && p.facility_id.is_none() {
            return Err(invalid("delivery", "この方は施設に入所していないため、施設へは送付できません".into()));
        }
        if let Some(rid) = input.referral_id {
            let exists: Option<i64> = tx.query_row("SELECT id FROM referral WHERE id = ?1 AND person_id = ?2", params![rid, p.id], |r| r.get(0)).optional()?;
            if exists.is_none() {
                return Err(invalid("referral_id", format!("連携依頼 ID {rid} はこの方の連携依頼ではありません")));
            }
        }
        let mut notices = Vec::new();
        let route = policy::route_of(tx, &p, received_on)?;
        match route.kind {
            RouteKind::ExOfficio => notices.push(format!("申請不要: 職権交付対象です。{} (申請は記録します)", route.explanation)),
            RouteKind::KoukiProvisional => notices.push("後期高齢者医療の暫定運用期間中の申請です。受け付けて、暫定運用終了後の年次更新で交付します (R9)".into()),
            _ => {}
        }
        if p.wishes_cancel {
            notices.push(crate::touchpoint::R12_GUIDANCE.to_string());
        }
        if p.protected && delivery == Delivery::Home {
            notices.push("支援措置の対象者です。証は登録された安全な送付先へ送ります".into());
        }
        tx.execute(
            "INSERT INTO application (person_id, referral_id, scheme, received_on, channel, applicant, authority, proxy_name,
                proxy_kana, proxy_address, proxy_phone, proxy_relationship, reasons, delivery, status, received_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'received', ?15, ?16)",
            params![
                p.id, input.referral_id, scheme, received_on, channel, applicant, authority, proxy_name, proxy_kana,
                proxy_address, proxy_phone, proxy_relationship, person::reasons_to_text(&reasons), delivery,
                actor.staff_id, crate::stamp(now)
            ],
        )?;
        let id = tx.last_insert_rowid();
        for d in required_documents(applicant, authority) {
            tx.execute("INSERT INTO application_document (application_id, document) VALUES (?1, ?2)", params![id, d])?;
        }
        audit::record(tx, actor, now, Action::Create, "application", Some(id), serde_json::json!({"person_id": p.id, "scheme": scheme, "applicant": applicant, "authority": authority}))?;
        Ok(Received { application: load(tx, id)?, notices })
    })
}

/// Marks a checklist document as seen (or not).
pub fn check_document(store: &mut Store, actor: &Actor, id: i64, document: Document, checked: bool, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::CheckDocument)?;
        let n = tx.execute(
            "UPDATE application_document SET checked = ?3 WHERE application_id = ?1 AND document = ?2",
            params![id, document, checked],
        )?;
        if n == 0 {
            return Err(ApplicationError::NotOnChecklist(document.label()));
        }
        audit::record(tx, actor, now, Action::Update, "application", Some(id), serde_json::json!({"document": document, "checked": checked}))?;
        Ok(for_actor(actor, load(tx, id)?))
    })
}

fn set_status(tx: &crate::store::Write<'_>, actor: &Actor, a: &Application, to: AppStatus, now: chrono::NaiveDateTime, note: &str) -> Result<(), ApplicationError> {
    tx.execute(
        "UPDATE application SET status = ?2, decided_by = CASE WHEN ?2 IN ('decided', 'rejected', 'at_renewal') THEN ?3 ELSE decided_by END,
             decided_on = CASE WHEN ?2 IN ('decided', 'rejected', 'at_renewal') THEN ?4 ELSE decided_on END,
             decision_note = CASE WHEN ?5 <> '' THEN ?5 ELSE decision_note END
         WHERE id = ?1",
        params![a.id, to, actor.staff_id, now.date(), note],
    )?;
    audit::record(tx, actor, now, Action::Update, "application", Some(a.id), serde_json::json!({"status": {"before": a.status, "after": to}, "note": note}))?;
    Ok(())
}

/// 受付 → 審査中.
pub fn start_review(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::StartReview)?;
        set_status(tx, actor, &a, AppStatus::Reviewing, now, "")?;
        load(tx, id)
    })
}

/// Decides to issue (交付決定). An incomplete checklist is refused unless a supervisor records
/// a reason for overriding it. A 後期 application received while the provisional rule (R9)
/// was in force becomes 年次更新時交付 instead: it is issued at the renewal after that period.
pub fn decide(store: &mut Store, actor: &Actor, id: i64, override_reason: Option<&str>, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    let override_reason = match override_reason.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(validate::text("上書きの理由", r, 500, true).map_err(|m| invalid("override_reason", m))?),
        None => None,
    };
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Decide)?;
        let missing = a.missing_documents();
        if !missing.is_empty() {
            let names = missing.iter().map(|d| d.label()).collect::<Vec<_>>().join("、");
            match &override_reason {
                None => return Err(ApplicationError::ChecklistIncomplete { missing: names }),
                Some(_) if !crate::access::can(actor, crate::access::Permission::OverrideChecklist) => {
                    return Err(ApplicationError::Forbidden("確認書類がそろわないまま交付決定できるのは係長だけです".into()))
                }
                Some(reason) => {
                    tx.execute("UPDATE application SET override_reason = ?2 WHERE id = ?1", params![id, reason])?;
                }
            }
        }
        let p = person::load(tx, a.person_id)?;
        let route = policy::route_of(tx, &p, a.received_on)?;
        let to = if a.scheme == AppScheme::Kouki && route.kind == RouteKind::KoukiProvisional {
            AppStatus::AtRenewal
        } else {
            AppStatus::Decided
        };
        set_status(tx, actor, &a, to, now, override_reason.as_deref().map(|r| format!("書類確認の上書き: {r}")).as_deref().unwrap_or(""))?;
        load(tx, id)
    })
}

/// Refuses the application (却下) with a reason.
pub fn reject(store: &mut Store, actor: &Actor, id: i64, reason: &str, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    let reason = validate::text("却下の理由", reason, 500, true).map_err(|m| invalid("reason", m))?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Reject)?;
        set_status(tx, actor, &a, AppStatus::Rejected, now, &reason)?;
        load(tx, id)
    })
}

/// Records that the applicant withdrew (取下げ), with the reason or the applicant's words, so
/// the record says why no certificate followed.
pub fn withdraw(store: &mut Store, actor: &Actor, id: i64, reason: &str, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Withdraw)?;
        let reason = validate::text("取下げの理由", reason, 500, true).map_err(|m| invalid("reason", m))?;
        set_status(tx, actor, &a, AppStatus::Withdrawn, now, &reason)?;
        load(tx, id)
    })
}

/// Issues the certificate of a decided application (交付済). An 年次更新時交付 application can
/// only be issued on or after the renewal day that ends the provisional period.
pub fn issue(store: &mut Store, actor: &Actor, id: i64, issued_on: NaiveDate, now: chrono::NaiveDateTime) -> Result<certificate::Certificate, ApplicationError> {
    insurer_staff(actor)?;
    if issued_on > now.date() {
        return Err(invalid("issued_on", "交付日が未来の日付です".into()));
    }
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Issue)?;
        if a.status == AppStatus::AtRenewal {
            let p = person::load(tx, a.person_id)?;
            if policy::route_of(tx, &p, issued_on)?.kind == RouteKind::KoukiProvisional {
                return Err(ApplicationError::Transition { from: a.status.label(), action: "暫定運用期間中に交付" });
            }
        }
        let cert = certificate::insert(tx, actor, a.person_id, Some(a.id), a.scheme, CertificateBasis::Application, issued_on, None, a.delivery, now)?;
        set_status(tx, actor, &a, AppStatus::Issued, now, "")?;
        Ok(cert)
    })
}

const SELECT: &str = "SELECT a.id, a.person_id, p.name, a.referral_id, a.scheme, a.received_on, a.channel, a.applicant, a.authority,
    a.proxy_name, a.proxy_kana, a.proxy_address, a.proxy_phone, a.proxy_relationship, a.reasons, a.delivery, a.status,
    a.override_reason, a.decision_note, s.login, d.login, a.decided_on
    FROM application a JOIN person p ON p.id = a.person_id JOIN staff s ON s.id = a.received_by LEFT JOIN staff d ON d.id = a.decided_by";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Application> {
    let scheme: AppScheme = r.get(4)?;
    let channel: Channel = r.get(6)?;
    let applicant: Applicant = r.get(7)?;
    let authority: Option<ProxyAuthority> = r.get(8)?;
    let delivery: Delivery = r.get(15)?;
    let status: AppStatus = r.get(16)?;
    Ok(Application {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_name: r.get(2)?,
        referral_id: r.get(3)?,
        scheme,
        scheme_label: scheme.label(),
        received_on: r.get(5)?,
        channel,
        channel_label: channel.label(),
        applicant,
        applicant_label: applicant.label(),
        authority,
        authority_label: authority.map(|a| a.label()),
        proxy_name: r.get(9)?,
        proxy_kana: r.get(10)?,
        proxy_address: r.get(11)?,
        proxy_phone: r.get(12)?,
        proxy_relationship: r.get(13)?,
        reasons: person::reasons_from_text(&r.get::<_, String>(14)?),
        delivery,
        delivery_label: delivery.label(),
        status,
        status_label: status.label(),
        override_reason: r.get(17)?,
        decision_note: r.get(18)?,
        received_by: r.get(19)?,
        decided_by: r.get(20)?,
        decided_on: r.get(21)?,
        checklist: vec![],
        next: vec![],
    })
}

fn with_checklist(conn: &crate::store::Read<'_>, mut a: Application) -> Result<Application, rusqlite::Error> {
    let mut stmt = conn.prepare("SELECT document, checked FROM application_document WHERE application_id = ?1")?;
    let mut items: Vec<ChecklistItem> = stmt
        .query_map([a.id], |r| {
            let d: Document = r.get(0)?;
            Ok(ChecklistItem { document: d, label: d.label(), checked: r.get(1)? })
        })?
        .collect::<Result<_, _>>()?;
    items.sort_by_key(|i| i.document);
    a.checklist = items;
    Ok(a)
}

/// One step of an application's life, as the window and the API send it.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case", deny_unknown_fields)]
pub enum ApplicationStep {
    /// 受付 → 審査中.
    StartReview,
    /// 交付決定; a supervisor may decide with documents missing, giving the reason.
    Decide {
        #[serde(default)]
        override_reason: Option<String>,
    },
    /// 交付: the certificate is issued today.
    Issue,
    /// 却下, with the reason told to the applicant.
    Reject { reason: String },
    /// 取下げ at the applicant's wish, with the reason.
    Withdraw { reason: String },
}

/// Takes one step; the application as it stands afterwards.
pub fn take_step(store: &mut Store, actor: &Actor, id: i64, step: &ApplicationStep, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    let a = match step {
        ApplicationStep::StartReview => start_review(store, actor, id, now),
        ApplicationStep::Decide { override_reason } => {
            decide(store, actor, id, override_reason.as_deref().filter(|r| !r.trim().is_empty()), now)
        }
        ApplicationStep::Issue => {
            issue(store, actor, id, now.date(), now)?;
            get(store, actor, id, now)
        }
        ApplicationStep::Reject { reason } => reject(store, actor, id, reason, now),
        ApplicationStep::Withdraw { reason } => withdraw(store, actor, id, reason, now),
    }?;
    Ok(for_actor(actor, a))
}

/// One application, for a staff member who may see persons' records.
pub fn get(store: &Store, actor: &Actor, id: i64, _now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(for_actor(actor, load(&store.read(), id)?))
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Application, ApplicationError> {
    let a = conn
        .query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(ApplicationError::NotFound(id))?;
    Ok(with_checklist(conn, a)?)
}

pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Application>, rusqlite::Error> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE a.person_id = ?1 ORDER BY a.received_on DESC, a.id DESC"))?;
    let rows: Vec<Application> = stmt.query_map([person_id], from_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|a| with_checklist(conn, a)).collect()
}

/// Received or reviewing applications with a document still unchecked, oldest first.
pub(crate) fn waiting_for_documents(conn: &crate::store::Read<'_>, scheme: Option<AppScheme>, page: Page) -> Result<Paged<Application>, ApplicationError> {
    let filter = "a.status IN ('received', 'reviewing') AND (?1 IS NULL OR a.scheme = ?1)
        AND EXISTS (SELECT 1 FROM application_document d WHERE d.application_id = a.id AND d.checked = 0)";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM application a WHERE {filter}"), params![scheme], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY a.received_on, a.id LIMIT ?2 OFFSET ?3"))?;
    let rows: Vec<Application> = stmt.query_map(params![scheme, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
    let items = rows.into_iter().map(|a| with_checklist(conn, a)).collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}

/// Applications in the given states, oldest first.
/// Applications in any of `statuses` (all when empty), of one scheme when given, a page at a
/// time, each with what `actor` may do to it.
pub fn list(store: &Store, actor: &Actor, statuses: &[AppStatus], scheme: Option<AppScheme>, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<Application>, ApplicationError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let mut l = list_of(&store.read(), statuses, scheme, page)?;
    l.items = l.items.into_iter().map(|a| for_actor(actor, a)).collect();
    Ok(l)
}

fn list_of(conn: &crate::store::Read<'_>, statuses: &[AppStatus], scheme: Option<AppScheme>, page: Page) -> Result<Paged<Application>, ApplicationError> {
    let codes: Vec<&str> = if statuses.is_empty() { AppStatus::ALL.iter().map(|s| s.code()).collect() } else { statuses.iter().map(|s| s.code()).collect() };
    let list = serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into());
    let filter = "a.status IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR a.scheme = ?2)";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM application a WHERE {filter}"), params![list, scheme], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY a.received_on, a.id LIMIT ?3 OFFSET ?4"))?;
    let rows: Vec<Application> = stmt.query_map(params![list, scheme, page.limit, page.offset], from_row)?.collect::<Result<_, _>>()?;
    let items = rows.into_iter().map(|a| with_checklist(conn, a)).collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}
