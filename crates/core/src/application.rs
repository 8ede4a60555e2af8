//! Applications for a 資格確認書 (交付申請): channel, applicant, proxy authority and its checklist.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::certificate::{self, CertificateBasis, CertificateError};
use crate::model::staff::Actor;
use crate::person::{self, PersonError, Reason, Scheme};
use crate::policy::{self, PolicyError, RouteKind};
use crate::store::applications::NewApplication;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

pub use crate::model::application::{
    AppScheme, AppStatus, Applicant, Application, ApplicationStepKind, Channel, ChecklistItem, Delegator, Delivery, Document, HandOverMethod, IdentityShown,
    OptionalEntry, ProxyAuthority, Signing, UnionResult,
};

/// The documents an application needs, by applicant, authority, who signs the 委任状 and how
/// the person's own part was signed: a member of the same household brings only their ID; a
/// 委任状 signed by the 世帯主 is checked as such; a 代筆 adds the person's own ID (when a proxy
/// brings the written-for 委任状) or the writer's (when the writer is not the proxy); a person
/// who cannot delegate at all is represented by a statement of why instead of a 委任状.
pub fn required_documents(
    applicant: Applicant,
    authority: Option<ProxyAuthority>,
    delegator: Option<Delegator>,
    signing: Signing,
    writer_is_proxy: bool,
) -> Vec<Document> {
    let mut docs = match (applicant, authority) {
        (Applicant::Proxy, Some(a)) => a
            .documents()
            .iter()
            .map(|d| match (d, delegator, signing) {
                (Document::Delegation, _, Signing::NoDelegation) => Document::NoDelegationStatement,
                (Document::Delegation, Some(Delegator::Householder), _) => Document::HouseholderDelegation,
                (d, _, _) => *d,
            })
            .collect(),
        _ => vec![Document::ApplicantId],
    };
    if signing == Signing::Ghostwritten {
        if applicant == Applicant::Proxy {
            docs.push(Document::PersonId);
        }
        if !(applicant == Applicant::Proxy && writer_is_proxy) {
            docs.push(Document::WriterId);
        }
    }
    docs.sort();
    docs.dedup();
    docs
}

#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationInput {
    pub person_id: i64,
    /// kokuho or kouki; empty takes the person's scheme.
    pub scheme: String,
    pub received_on: String,
    pub channel: String,
    pub applicant: String,
    pub authority: String,
    /// Who signs the 委任状 (self or householder) when the proxy needs one from the person or
    /// the 世帯主; empty means the person.
    pub delegator: String,
    pub proxy_name: String,
    pub proxy_kana: String,
    pub proxy_address: String,
    pub proxy_phone: String,
    pub proxy_relationship: String,
    pub reasons: Vec<String>,
    /// signed (empty), ghostwritten (代筆) or no_delegation.
    pub signing: String,
    /// Who wrote for the person (代筆者); required with `ghostwritten`.
    pub writer_name: String,
    /// 任意記載事項 to print beside the rest (limit_category, specific_disease).
    pub optional_entries: Vec<String>,
    pub delivery: String,
    /// Why the certificate goes to the proxy's address; required for a proxy from another
    /// household who is not a legal representative (the registered address is the rule).
    pub delivery_reason: String,
    pub referral_id: Option<i64>,
    /// The clerk saw on the 住民票 that a proxy claiming 同一世帯 lives in the person's household,
    /// though Hairyo does not hold them as a member (a family member who is no 要配慮者).
    pub household_confirmed: bool,
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
    #[error("後期高齢者医療の申請は広域連合が決定・交付します。市では「{0}」はできません。書類を確認して進達し、広域連合の決定を記録してください")]
    UnionDecides(&'static str),
    #[error("「{0}」は後期高齢者医療の申請の手続きです。国民健康保険の申請は市が審査・決定・交付します")]
    KoukiOnly(&'static str),
    #[error("この後期高齢者医療の申請は、市の窓口で交付する設定のときに受け付けたため、「{0}」はしません。市で審査・交付決定・交付してください")]
    CityIssues(&'static str),
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
            ApplicationError::UnionDecides(_) => "application.union_decides",
            ApplicationError::KoukiOnly(_) => "application.kouki_only",
            ApplicationError::CityIssues(_) => "application.city_issues",
            ApplicationError::Person(e) => e.code(),
            ApplicationError::Policy(e) => e.code(),
            ApplicationError::Certificate(e) => e.code(),
            ApplicationError::Access(e) => e.code(),
            ApplicationError::Store(e) => e.code(),
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

impl ApplicationStep {
    pub fn kind(&self) -> ApplicationStepKind {
        match self {
            ApplicationStep::StartReview => ApplicationStepKind::StartReview,
            ApplicationStep::Decide { .. } => ApplicationStepKind::Decide,
            ApplicationStep::Issue => ApplicationStepKind::Issue,
            ApplicationStep::Reject { .. } => ApplicationStepKind::Reject,
            ApplicationStep::Withdraw { .. } => ApplicationStepKind::Withdraw,
            ApplicationStep::Forward { .. } => ApplicationStepKind::Forward,
            ApplicationStep::RecordUnionResult { .. } => ApplicationStepKind::RecordUnionResult,
            ApplicationStep::HandOver { .. } => ApplicationStepKind::HandOver,
        }
    }
}

/// The state machine in one place: whether `actor` may take a step of `kind` on `a` as it
/// stands. Every step checks it, and [`next_steps`] offers exactly the steps it allows.
///
/// 国保: 受付 → 審査中 → 交付決定 → 交付済 (or 却下, 取下げ); the city decides and issues.
/// 後期: 受付 → 進達済 → 広域連合で交付決定 / 却下 / 年次更新時交付 → 引渡し・送付済; the
/// 広域連合 decides and issues, so the city never reviews, decides, issues or refuses one.
/// Where the 広域連合 lets the city issue at its counter, a 後期 application received then
/// (`city_issues`) takes 国保's steps instead.
fn may_step(actor: &Actor, a: &Application, kind: ApplicationStepKind) -> Result<(), ApplicationError> {
    use AppStatus::*;
    use ApplicationStepKind as K;
    insurer_staff(actor)?;
    let kouki = a.scheme == AppScheme::Kouki && !a.city_issues;
    match kind {
        K::StartReview | K::Decide | K::Issue | K::Reject if kouki => return Err(ApplicationError::UnionDecides(kind.label())),
        K::Forward | K::RecordUnionResult | K::HandOver if a.city_issues => return Err(ApplicationError::CityIssues(kind.label())),
        K::Forward | K::RecordUnionResult | K::HandOver if !kouki => return Err(ApplicationError::KoukiOnly(kind.label())),
        _ => {}
    }
    let from: &[AppStatus] = match kind {
        K::CheckDocument | K::Decide | K::Reject => &[Received, Reviewing],
        K::StartReview => &[Received],
        K::Issue => &[Decided],
        // A 後期 application under review (before the union's part was modelled) is forwarded
        // like a received one.
        K::Forward => &[Received, Reviewing],
        // An 年次更新時交付 application gets the union's result again at the renewal.
        K::RecordUnionResult => &[Forwarded, AtRenewal],
        K::HandOver => &[UnionIssued],
        K::Withdraw if kouki => &[Received, Reviewing, Forwarded, AtRenewal],
        K::Withdraw => &[Received, Reviewing, Decided],
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
/// An application as `actor` reads it: what they may do to it next, and what they may see of
/// it (the disclosure rule).
pub(crate) fn for_actor(actor: &Actor, mut a: Application) -> Application {
    a.next = next_steps(actor, &a);
    crate::disclosure::application(&crate::disclosure::Audience::of(actor), a).into_inner()
}

fn invalid(field: &'static str, message: String) -> ApplicationError {
    ApplicationError::Invalid(Invalid(vec![validate::FieldError { field, message }]))
}

/// Receives an application. Ex-officio persons are told so (申請不要) but the application is
/// still recorded; a wish to cancel the card's registration brings the R12 guidance.
pub fn receive(store: &mut Store, actor: &Actor, input: &ApplicationInput, now: chrono::NaiveDateTime) -> Result<Received, ApplicationError> {
    store.enter(actor.municipality)?;
    store.write(|tx| receive_in(tx, actor, input, now))
}

/// Receives an application inside the caller's transaction (a facility campaign receives a
/// whole facility's returned forms in one).
pub(crate) fn receive_in(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    input: &ApplicationInput,
    now: chrono::NaiveDateTime,
) -> Result<Received, ApplicationError> {
    insurer_staff(actor)?;
    let today = now.date();
    let mut c = Checker::new();
    let received_on = if input.received_on.trim().is_empty() {
        Some(today)
    } else {
        c.take(
            "received_on",
            validate::date_on("受付日", &input.received_on, today).and_then(|d| {
                if d > today {
                    Err("受付日が未来の日付です".to_string())
                } else {
                    Ok(d)
                }
            }),
        )
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
    let delegator = match (authority, input.delegator.trim()) {
        (Some(a), "") if a.delegated_by_person_or_householder() => Some(Delegator::Person),
        (Some(a), d) if a.delegated_by_person_or_householder() => c.take("delegator", Delegator::parse(d)),
        (_, "") => None,
        (_, d) => {
            // An unknown value is refused as such before saying it does not apply here.
            if c.take("delegator", Delegator::parse(d)).is_some() {
                c.fail(
                    "delegator",
                    "委任者は、委任状が必要な代理人 (別世帯の親族、介助者、成人の施設職員) のときだけ指定できます。同一世帯の方は委任状が不要です",
                );
            }
            None
        }
    };
    let is_proxy = applicant == Some(Applicant::Proxy);
    let proxy_name = if is_proxy {
        c.take("proxy_name", validate::person_name("代理人氏名", &input.proxy_name))
    } else {
        c.take("proxy_name", validate::text("代理人氏名", &input.proxy_name, 40, false))
    };
    let proxy_kana = if input.proxy_kana.trim().is_empty() {
        Some(String::new())
    } else {
        c.take("proxy_kana", validate::furigana("代理人フリガナ", &input.proxy_kana))
    };
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
    let signing = if input.signing.trim().is_empty() { Some(Signing::Signed) } else { c.take("signing", Signing::parse(&input.signing)) };
    let writer_name = match signing {
        Some(Signing::Ghostwritten) => c.take("writer_name", validate::person_name("代筆者氏名", &input.writer_name)),
        _ if !input.writer_name.trim().is_empty() => {
            c.fail("writer_name", "代筆者氏名は、署名を「代筆」にしたときだけ入力します");
            None
        }
        _ => Some(String::new()),
    };
    // 代筆 is of the person's own hand: their 申請書, or the 委任状 they give. A proxy who needs
    // no 委任状 writes the application themselves.
    let writes_for_person = match (applicant, authority) {
        (Some(Applicant::Proxy), Some(a)) => a.delegated_by_person_or_householder() && delegator != Some(Delegator::Householder),
        _ => true,
    };
    match signing {
        Some(Signing::Ghostwritten) if !writes_for_person => {
            c.fail("signing", "代筆を記録できるのは、本人が書く申請書か、本人が書く委任状のときです。この代理人は委任状なしで申請します")
        }
        Some(Signing::NoDelegation) if !(applicant == Some(Applicant::Proxy) && writes_for_person) => c.fail(
            "signing",
            "「委任できない」は、本人からの委任状が必要な代理人 (別世帯の親族、介助者、成人の施設職員) のときだけ選べます。法定代理人や同一世帯の方は委任状なしで申請できます",
        ),
        _ => {}
    }
    let mut optional_entries = Vec::new();
    for e in &input.optional_entries {
        if let Some(e) = c.take("optional_entries", OptionalEntry::parse(e)) {
            if !optional_entries.contains(&e) {
                optional_entries.push(e);
            }
        }
    }
    optional_entries.sort();
    let delivery = if input.delivery.trim().is_empty() { Some(Delivery::Home) } else { c.take("delivery", Delivery::parse(&input.delivery)) };
    if delivery == Some(Delivery::Proxy) && !is_proxy {
        c.fail("delivery", "代理人の住所へ送付できるのは代理申請のときだけです");
    }
    let delivery_reason = c.take("delivery_reason", validate::text("送付先の理由", &input.delivery_reason, 200, false));
    if delivery == Some(Delivery::Proxy) && authority.is_some_and(|a| !a.mails_to_proxy_without_reason()) && input.delivery_reason.trim().is_empty() {
        c.fail(
            "delivery_reason",
            "資格確認書は住民票の住所 (国保は世帯主あて) へ送るのが原則です。別世帯の代理人の住所へ送るときは、その理由 (例: 本人が代理人の家に滞在中) を記録してください",
        );
    }
    let scheme = if input.scheme.trim().is_empty() { None } else { c.take("scheme", AppScheme::parse(&input.scheme)) };
    c.finish().map_err(ApplicationError::Invalid)?;
    let (Some(received_on), Some(channel), Some(applicant), Some(delivery), Some(signing), Some(writer_name), Some(delivery_reason)) =
        (received_on, channel, applicant, delivery, signing, writer_name, delivery_reason)
    else {
        unreachable!("the checker refused any missing value above")
    };
    let (Some(proxy_name), Some(proxy_kana), Some(proxy_address), Some(proxy_phone), Some(proxy_relationship)) =
        (proxy_name, proxy_kana, proxy_address, proxy_phone, proxy_relationship)
    else {
        unreachable!("the checker refused any missing value above")
    };

    {
        let p = person::load(tx, input.person_id)?;
        let scheme = match (scheme, p.scheme) {
            (Some(s), _) => s,
            (None, Scheme::Kokuho) => AppScheme::Kokuho,
            (None, Scheme::Kouki) => AppScheme::Kouki,
            (None, other) => {
                return Err(invalid(
                    "scheme",
                    format!("この方の保険は「{}」のため、市の窓口では資格確認書の申請を受け付けられません。加入先の保険者を案内してください", other.label()),
                ))
            }
        };
        // 住所地特例: insured by the former municipality's insurer, who issues the certificate;
        // this city's counter receives nothing for them (the route says the same).
        if p.insured_elsewhere() {
            return Err(invalid("person_id", policy::insured_elsewhere_message(&p.other_insurer)));
        }
        // 後期 has no 世帯主 in the application: the 被保険者 applies, or a proxy with the
        // 被保険者's own 委任状 (国保's 届出 is the 世帯主's).
        if scheme == AppScheme::Kouki {
            let mut k = Checker::new();
            if applicant == Applicant::Householder {
                k.fail(
                    "applicant",
                    "後期高齢者医療の申請者は被保険者ご本人です。「本人」または「代理人」を選んでください (世帯主が申請者になるのは国民健康保険です)",
                );
            }
            if delegator == Some(Delegator::Householder) {
                k.fail("delegator", "後期高齢者医療の委任状は被保険者ご本人が書きます。委任者に世帯主は選べません");
            }
            k.finish().map_err(ApplicationError::Invalid)?;
        }
        // Where the person lives decides who may act as parent (a facility's head, or the
        // 児童相談所長 for a child with a 里親).
        let placement = match p.facility_id {
            Some(id) => tx.facilities().get(id)?.map(|f| f.kind),
            None => None,
        };
        if let Some(why) = authority.and_then(|a| a.refusal_for(p.age_on(received_on), placement)) {
            return Err(invalid("authority", why.into()));
        }
        // A proxy who says they share the household is checked against it where the 住民票's
        // household is recorded: a member (by name or 通称) or the recorded 世帯主 passes; anyone
        // else passes only once the clerk has seen it on the 住民票 (Hairyo holds 要配慮者, not
        // every family member); otherwise they are another relative, with a 委任状.
        if authority == Some(ProxyAuthority::SameHousehold) && !input.household_confirmed && crate::household::is_member(tx, &p, &proxy_name)? == Some(false) {
            return Err(invalid(
                "household_confirmed",
                format!(
                    "代理人「{proxy_name}」は、この方の世帯 (世帯番号 {}) の世帯員として記録されていません。住民票で同一世帯であることを確かめたら「住民票で同一世帯を確認した」を選んでください。確かめられないときは「別世帯の親族」として委任状を添えて申請します",
                    p.household_no
                ),
            ));
        }
        if delivery == Delivery::Facility && p.facility_id.is_none() {
            return Err(invalid("delivery", "この方は施設に入所していないため、施設へは送付できません".into()));
        }
        if let Some(rid) = input.referral_id {
            if !tx.referrals().is_of_person(rid, p.id)? {
                return Err(invalid("referral_id", format!("連携依頼 ID {rid} はこの方の連携依頼ではありません")));
            }
        }
        let mut notices = Vec::new();
        if signing == Signing::NoDelegation {
            notices.push(
                "ご本人が委任できない事情を申立書で確認してください。判断能力が十分でない方には、成年後見制度の利用 (市長申立てを含む) を福祉の窓口と検討してください。職権交付の対象であれば申請は要りません"
                    .into(),
            );
        }
        let route = policy::route_of(tx, &p, received_on)?;
        match route.kind {
            RouteKind::ExOfficio => notices.push(format!("申請不要: 職権交付対象です。{} (申請は記録します)", route.explanation)),
            RouteKind::KoukiProvisional => notices
                .push("後期高齢者医療の暫定運用期間中の申請です。受け付けて広域連合へ進達します。広域連合が暫定運用終了後の年次更新で交付します (R9)".into()),
            RouteKind::CheckScheme => notices.push(format!("加入制度の確認が必要です。{}", route.explanation)),
            _ => {}
        }
        if p.wishes_cancel {
            notices.push(crate::touchpoint::R12_GUIDANCE.to_string());
        }
        if p.protected && delivery == Delivery::Home {
            notices.push("支援措置の対象者です。証は登録された安全な送付先へ送ります".into());
        }
        let id = tx.applications_mut().insert(
            &NewApplication {
                person_id: p.id,
                referral_id: input.referral_id,
                scheme,
                received_on,
                channel,
                applicant,
                authority,
                delegator,
                proxy_name: &proxy_name,
                proxy_kana: &proxy_kana,
                proxy_address: &proxy_address,
                proxy_phone: &proxy_phone,
                proxy_relationship: &proxy_relationship,
                reasons: &reasons,
                signing,
                writer_name: &writer_name,
                optional_entries: &optional_entries,
                delivery,
                // A reason is kept only where it explains a proxy's address.
                delivery_reason: if delivery == Delivery::Proxy { &delivery_reason } else { "" },
                city_issues: scheme == AppScheme::Kouki && crate::settings::kouki_counter_issue(tx)?,
                received_by: actor.staff_id,
                created_at: crate::stamp(now),
            },
            &required_documents(
                applicant,
                authority,
                delegator,
                signing,
                !writer_name.is_empty() && crate::text::normalize::search_key(&writer_name) == crate::text::normalize::search_key(&proxy_name),
            ),
        )?;
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "application",
            Some(id),
            serde_json::json!({"person_id": p.id, "scheme": scheme, "applicant": applicant, "authority": authority, "delegator": delegator,
                "household_confirmed": input.household_confirmed}),
        )?;
        Ok(Received { application: load(tx, id)?, notices })
    }
}

/// Marks a checklist document as seen (or not).
pub fn check_document(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    document: Document,
    checked: bool,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::CheckDocument)?;
        if !tx.applications_mut().check_document(id, document, checked)? {
            return Err(ApplicationError::NotOnChecklist(document.label()));
        }
        audit::record(tx, actor, now, Action::Update, "application", Some(id), serde_json::json!({"document": document, "checked": checked}))?;
        Ok(for_actor(actor, load(tx, id)?))
    })
}

fn set_status(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    a: &Application,
    to: AppStatus,
    now: chrono::NaiveDateTime,
    note: &str,
) -> Result<(), ApplicationError> {
    tx.applications_mut().set_status(a.id, to, actor.staff_id, now.date(), note)?;
    audit::record(tx, actor, now, Action::Update, "application", Some(a.id), serde_json::json!({"status": {"before": a.status, "after": to}, "note": note}))?;
    ended(tx, actor, a, to, now)
}

/// An application that ends (issued, refused, withdrawn, or decided by the 広域連合) ends the
/// referral it came from, in the same transaction.
fn ended(tx: &crate::store::Write<'_>, actor: &Actor, a: &Application, to: AppStatus, now: chrono::NaiveDateTime) -> Result<(), ApplicationError> {
    let Some(referral) = a.referral_id else { return Ok(()) };
    if matches!(to, AppStatus::Issued | AppStatus::Rejected | AppStatus::Withdrawn | AppStatus::UnionIssued | AppStatus::UnionRejected) {
        crate::referral::complete_with_application(tx, actor, referral, to.label(), now)?;
    }
    Ok(())
}

/// 受付 → 審査中.
pub fn start_review(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::StartReview)?;
        set_status(tx, actor, &a, AppStatus::Reviewing, now, "")?;
        load(tx, id)
    })
}

/// Refuses a step on an incomplete checklist unless a supervisor gives the reason for going on
/// without the missing documents, which is then recorded on the application.
fn checklist_or_override(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    a: &Application,
    override_reason: Option<&str>,
    action: &str,
) -> Result<(), ApplicationError> {
    let missing = a.missing_documents();
    if missing.is_empty() {
        return Ok(());
    }
    let names = missing.iter().map(|d| d.label()).collect::<Vec<_>>().join("、");
    match override_reason {
        None => Err(ApplicationError::ChecklistIncomplete { missing: names }),
        Some(_) if !crate::access::can(actor, crate::access::Permission::OverrideChecklist) => {
            Err(ApplicationError::Forbidden(format!("確認書類がそろわないまま{action}できるのは係長だけです")))
        }
        Some(reason) => Ok(tx.applications_mut().set_override_reason(a.id, reason)?),
    }
}

fn override_text(reason: Option<&str>, confirmed_digits: bool) -> Result<Option<String>, ApplicationError> {
    match reason.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Ok(Some(reason_text("override_reason", "上書きの理由", r, true, confirmed_digits)?)),
        None => Ok(None),
    }
}

/// A reason typed at a step: a text field of at most 500 characters whose twelve-digit runs need
/// the clerk's confirmation (`confirmed_digits`) before they are stored.
fn reason_text(field: &'static str, label: &str, value: &str, required: bool, confirmed_digits: bool) -> Result<String, ApplicationError> {
    validate::typed_text(field, label, value, 500, required, confirmed_digits).map_err(ApplicationError::Invalid)
}

/// Decides to issue (交付決定), for 国保: the city is its insurer. An incomplete checklist is
/// refused unless a supervisor records a reason for overriding it. (A 後期 application is
/// forwarded to the 広域連合 instead, which decides.)
pub fn decide(store: &mut Store, actor: &Actor, id: i64, override_reason: Option<&str>, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    decide_confirmed(store, actor, id, override_reason, false, now)
}

fn decide_confirmed(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    override_reason: Option<&str>,
    confirmed_digits: bool,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    let override_reason = override_text(override_reason, confirmed_digits)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Decide)?;
        checklist_or_override(tx, actor, &a, override_reason.as_deref(), "交付決定")?;
        set_status(tx, actor, &a, AppStatus::Decided, now, override_reason.as_deref().map(|r| format!("書類確認の上書き: {r}")).as_deref().unwrap_or(""))?;
        load(tx, id)
    })
}

/// Refuses the application (却下) with a reason.
pub fn reject(store: &mut Store, actor: &Actor, id: i64, reason: &str, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    close_with_reason(store, actor, id, REJECT, reason, false, now)
}

/// The two ways an application ends with a reason: the step, the state it leads to, and what
/// the reason is called.
type Closing = (ApplicationStepKind, AppStatus, &'static str);
const REJECT: Closing = (ApplicationStepKind::Reject, AppStatus::Rejected, "却下の理由");
const WITHDRAW: Closing = (ApplicationStepKind::Withdraw, AppStatus::Withdrawn, "取下げの理由");

/// Ends the application as 却下 or 取下げ with the reason typed for it: the step must be open to
/// `actor` in the application's state before its reason is read.
fn close_with_reason(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    (kind, status, label): Closing,
    reason: &str,
    confirmed_digits: bool,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, kind)?;
        let reason = reason_text("reason", label, reason, true, confirmed_digits)?;
        set_status(tx, actor, &a, status, now, &reason)?;
        load(tx, id)
    })
}

/// Withdraws application `a` because its person moved out (転出), inside the caller's
/// transaction; false when the application has already ended.
pub(crate) fn withdraw_on_moving_out(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    a: &Application,
    reason: &str,
    now: chrono::NaiveDateTime,
) -> Result<bool, ApplicationError> {
    if may_step(actor, a, ApplicationStepKind::Withdraw).is_err() {
        return Ok(false);
    }
    set_status(tx, actor, a, AppStatus::Withdrawn, now, reason)?;
    Ok(true)
}

/// Records that the applicant withdrew (取下げ), with the reason or the applicant's words, so
/// the record says why no certificate followed.
pub fn withdraw(store: &mut Store, actor: &Actor, id: i64, reason: &str, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    close_with_reason(store, actor, id, WITHDRAW, reason, false, now)
}

/// Issues the certificate of a decided 国保 application (交付済). (A 後期 certificate is the
/// 広域連合's: it is recorded with the union's result, [`record_union_result`].)
pub fn issue(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    issued_on: NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<certificate::Certificate, ApplicationError> {
    store.enter(actor.municipality)?;
    insurer_staff(actor)?;
    if issued_on > now.date() {
        return Err(invalid("issued_on", "交付日が未来の日付です".into()));
    }
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Issue)?;
        let cert = certificate::insert(tx, actor, a.person_id, Some(a.id), a.scheme, CertificateBasis::Application, issued_on, None, a.delivery, now)?;
        set_status(tx, actor, &a, AppStatus::Issued, now, "")?;
        Ok(cert)
    })
}

/// 後期: forwards the application to the 広域連合 (進達) on `on`. The city checks the documents
/// first, as for a decision: an incomplete checklist is refused unless a supervisor records
/// why it goes on without them.
pub fn forward(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    on: NaiveDate,
    override_reason: Option<&str>,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    forward_confirmed(store, actor, id, on, override_reason, false, now)
}

// The step's arguments as the public `forward` takes them, plus the confirmation flag.
#[allow(clippy::too_many_arguments)]
fn forward_confirmed(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    on: NaiveDate,
    override_reason: Option<&str>,
    confirmed_digits: bool,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    insurer_staff(actor)?;
    let override_reason = override_text(override_reason, confirmed_digits)?;
    if on > now.date() {
        return Err(invalid("forwarded_on", "進達日が未来の日付です".into()));
    }
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::Forward)?;
        if on < a.received_on {
            return Err(invalid("forwarded_on", format!("進達日が受付日 ({}) より前です", crate::text::wareki::format(a.received_on))));
        }
        checklist_or_override(tx, actor, &a, override_reason.as_deref(), "進達")?;
        tx.applications_mut().forward(id, on, actor.staff_id)?;
        audit::record(
            tx,
            actor,
            now,
            Action::Update,
            "application",
            Some(id),
            serde_json::json!({"status": {"before": a.status, "after": AppStatus::Forwarded}, "forwarded_on": on, "override_reason": override_reason}),
        )?;
        load(tx, id)
    })
}

/// The 広域連合's result for one 後期 application, checked: from the window's step or a line
/// of the union's result file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionDecision {
    pub result: UnionResult,
    pub decided_on: NaiveDate,
    /// 交付: the certificate's last day when the union's result gives it.
    pub valid_until: Option<NaiveDate>,
    /// 却下: the reason, as the union gave it.
    pub reason: String,
}

/// Reads a union result as typed (dates in any form clerks type, 和暦 too): every field's
/// problem at once. A 却下 needs its reason; only a 交付 has a validity.
pub fn union_decision(result: &str, decided_on: &str, valid_until: &str, reason: &str, today: NaiveDate) -> Result<UnionDecision, Invalid> {
    let mut c = Checker::new();
    let result = c.take("result", UnionResult::parse(result));
    let decided_on = c.take(
        "decided_on",
        validate::date_on("決定日", decided_on, today).and_then(|d| if d > today { Err("決定日が未来の日付です".to_string()) } else { Ok(d) }),
    );
    let valid_until = if valid_until.trim().is_empty() { Some(None) } else { c.take("valid_until", validate::date("有効期限", valid_until).map(Some)) };
    let reason = c.take("reason", validate::text("却下の理由", reason, 500, result == Some(UnionResult::Rejected)));
    if result != Some(UnionResult::Issued) && valid_until.flatten().is_some() {
        c.fail("valid_until", "有効期限は、広域連合の決定が「交付」のときだけ指定できます");
    }
    if let (Some(until), Some(on)) = (valid_until.flatten(), decided_on) {
        if until < on {
            c.fail("valid_until", "有効期限が決定日より前です");
        }
    }
    c.finish()?;
    let (Some(result), Some(decided_on), Some(valid_until), Some(reason)) = (result, decided_on, valid_until, reason) else {
        unreachable!("the checker refused any missing value above")
    };
    Ok(UnionDecision { result, decided_on, valid_until, reason })
}

/// Records the 広域連合's result inside the caller's transaction (the step, or one line of a
/// result file). 交付 records the certificate the union issued (its issuer is the union) and
/// waits to be handed over; 却下 records the union's reason. R9: an application received while
/// the provisional rule was in force is issued at the renewal after that period, so a 交付
/// decided within the period is refused (the union's result for it is 年次更新時交付), and
/// 年次更新時交付 is only for such an application; at the renewal its 交付 is recorded in turn.
pub(crate) fn record_union_decision_in(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    a: &Application,
    d: &UnionDecision,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    may_step(actor, a, ApplicationStepKind::RecordUnionResult)?;
    let after = a.forwarded_on.unwrap_or(a.received_on);
    if d.decided_on < after {
        return Err(invalid("decided_on", format!("決定日が進達日 ({}) より前です", crate::text::wareki::format(after))));
    }
    let p = person::load(tx, a.person_id)?;
    let provisional_on = |date: NaiveDate| -> Result<bool, ApplicationError> { Ok(policy::route_of(tx, &p, date)?.kind == RouteKind::KoukiProvisional) };
    let (to, note) = match d.result {
        UnionResult::Issued => {
            if provisional_on(d.decided_on)? {
                let message = if a.status == AppStatus::AtRenewal {
                    "年次更新時交付の申請は、暫定運用 (R9) が終わった後の年次更新で交付されます。決定日が暫定運用期間の後か確認してください"
                } else {
                    "暫定運用期間中 (R9) に受け付けた申請は、暫定運用終了後の年次更新で交付します。広域連合の決定は「年次更新時交付」として記録してください"
                };
                return Err(invalid("result", message.into()));
            }
            certificate::insert(tx, actor, a.person_id, Some(a.id), a.scheme, CertificateBasis::Application, d.decided_on, d.valid_until, a.delivery, now)?;
            (AppStatus::UnionIssued, String::new())
        }
        UnionResult::Rejected => (AppStatus::UnionRejected, d.reason.clone()),
        UnionResult::AtRenewal => {
            if a.status == AppStatus::AtRenewal {
                return Err(ApplicationError::Transition { from: a.status.label(), action: "年次更新時交付を記録" });
            }
            if !provisional_on(a.received_on)? {
                return Err(invalid("result", "年次更新時交付は、暫定運用期間中 (R9) に受け付けた申請だけです".into()));
            }
            (AppStatus::AtRenewal, String::new())
        }
    };
    tx.applications_mut().record_union_result(a.id, to, d.decided_on, &note)?;
    ended(tx, actor, a, to, now)?;
    audit::record(
        tx,
        actor,
        now,
        Action::Update,
        "application",
        Some(a.id),
        serde_json::json!({"status": {"before": a.status, "after": to}, "union_result": d.result, "decided_on": d.decided_on, "valid_until": d.valid_until, "note": note}),
    )?;
    load(tx, a.id)
}

/// 後期: records the 広域連合's result for a forwarded (or 年次更新時交付) application.
pub fn record_union_result(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    decision: &UnionDecision,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    insurer_staff(actor)?;
    store.write(|tx| {
        let a = load(tx, id)?;
        record_union_decision_in(tx, actor, &a, decision, now)
    })
}

/// 後期: records that what the 広域連合 issued was handed over at the counter or mailed
/// (引渡し・送付済) on `on`.
pub fn hand_over(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    method: HandOverMethod,
    identity: Option<IdentityShown>,
    on: NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    insurer_staff(actor)?;
    if on > now.date() {
        return Err(invalid("handed_over_on", "引渡し・送付の日が未来の日付です".into()));
    }
    // A certificate handed over at the counter goes to whoever proved who they are; one who
    // cannot is sent it by mail, to the address on file.
    match (method, identity) {
        (HandOverMethod::Counter, None) => {
            return Err(invalid(
                "identity",
                "窓口で手渡すときは、受け取る方の本人確認書類 (顔写真付きの書類1点、または顔写真のない書類2点) を確認して選んでください。確認できないときは郵送してください".into(),
            ))
        }
        (HandOverMethod::Mail, Some(_)) => return Err(invalid("identity", "本人確認書類は、窓口で手渡すときに記録します".into())),
        _ => {}
    }
    store.write(|tx| {
        let a = load(tx, id)?;
        may_step(actor, &a, ApplicationStepKind::HandOver)?;
        if let Some(decided) = a.union_decided_on.filter(|d| on < *d) {
            return Err(invalid("handed_over_on", format!("引渡し・送付の日が広域連合の決定日 ({}) より前です", crate::text::wareki::format(decided))));
        }
        tx.applications_mut().hand_over(id, method, identity, on)?;
        audit::record(
            tx,
            actor,
            now,
            Action::Update,
            "application",
            Some(id),
            serde_json::json!({"status": {"before": a.status, "after": AppStatus::HandedOver}, "method": method, "on": on}),
        )?;
        load(tx, id)
    })
}

/// A date typed for a step; empty is today.
fn step_date(field: &'static str, label: &str, text: &str, today: NaiveDate) -> Result<NaiveDate, ApplicationError> {
    if text.trim().is_empty() {
        Ok(today)
    } else {
        validate::date_on(label, text, today).map_err(|m| invalid(field, m))
    }
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
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 交付: the certificate is issued today.
    Issue,
    /// 却下, with the reason told to the applicant.
    Reject {
        reason: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 取下げ at the applicant's wish, with the reason.
    Withdraw {
        reason: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 後期: 進達 to the 広域連合 (on the day given, today when empty); a supervisor may forward
    /// with documents missing, giving the reason.
    Forward {
        #[serde(default)]
        forwarded_on: String,
        #[serde(default)]
        override_reason: Option<String>,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 後期: the 広域連合's result (交付, 却下 or 年次更新時交付) with the day it decided, the
    /// certificate's last day when it gives one, and the reason of a 却下.
    RecordUnionResult {
        result: UnionResult,
        decided_on: String,
        #[serde(default)]
        valid_until: String,
        #[serde(default)]
        reason: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 後期: what the 広域連合 issued was handed over or mailed (today when no day is given).
    HandOver {
        method: HandOverMethod,
        #[serde(default)]
        handed_over_on: String,
        /// At the counter: the identity document shown (required there; none by mail).
        #[serde(default)]
        identity: Option<IdentityShown>,
    },
}

/// Takes one step; the application as it stands afterwards.
pub fn take_step(store: &mut Store, actor: &Actor, id: i64, step: &ApplicationStep, now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    let a = match step {
        ApplicationStep::StartReview => start_review(store, actor, id, now),
        ApplicationStep::Decide { override_reason, confirmed_digits } => {
            decide_confirmed(store, actor, id, override_reason.as_deref().filter(|r| !r.trim().is_empty()), *confirmed_digits, now)
        }
        ApplicationStep::Issue => {
            issue(store, actor, id, now.date(), now)?;
            get(store, actor, id, now)
        }
        ApplicationStep::Reject { reason, confirmed_digits } => close_with_reason(store, actor, id, REJECT, reason, *confirmed_digits, now),
        ApplicationStep::Withdraw { reason, confirmed_digits } => close_with_reason(store, actor, id, WITHDRAW, reason, *confirmed_digits, now),
        ApplicationStep::Forward { forwarded_on, override_reason, confirmed_digits } => {
            let on = step_date("forwarded_on", "進達日", forwarded_on, now.date())?;
            forward_confirmed(store, actor, id, on, override_reason.as_deref(), *confirmed_digits, now)
        }
        ApplicationStep::RecordUnionResult { result, decided_on, valid_until, reason, confirmed_digits } => {
            // The union's reason as the clerk transcribes it; a result file (kouki.rs) has nobody
            // to confirm, so a twelve-digit run there is refused by `validate::text` only when it
            // is a valid 個人番号.
            validate::unconfirmed_digits("却下の理由", reason, *confirmed_digits).map_err(|m| invalid(validate::CONFIRM_DIGITS, m))?;
            let d = union_decision(result.code(), decided_on, valid_until, reason, now.date()).map_err(ApplicationError::Invalid)?;
            record_union_result(store, actor, id, &d, now)
        }
        ApplicationStep::HandOver { method, handed_over_on, identity } => {
            let on = step_date("handed_over_on", "引渡し・送付の日", handed_over_on, now.date())?;
            hand_over(store, actor, id, *method, *identity, on, now)
        }
    }?;
    Ok(for_actor(actor, a))
}

/// One application, for a staff member who may see persons' records.
pub fn get(store: &Store, actor: &Actor, id: i64, _now: chrono::NaiveDateTime) -> Result<Application, ApplicationError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(for_actor(actor, load(&store.read(), id)?))
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Application, ApplicationError> {
    conn.applications().get(id)?.ok_or(ApplicationError::NotFound(id))
}

/// A person's applications, newest first.
pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Application>, crate::store::StoreError> {
    conn.applications().for_person(person_id)
}

/// Received or reviewing applications with a document still unchecked, oldest first.
pub(crate) fn waiting_for_documents(conn: &crate::store::Read<'_>, scheme: Option<AppScheme>, page: Page) -> Result<Paged<Application>, ApplicationError> {
    Ok(conn.applications().waiting_for_documents(scheme, page)?)
}

/// Applications in any of `statuses` (all when empty), of one scheme when given, a page at a
/// time, each with what `actor` may do to it.
pub fn list(
    store: &Store,
    actor: &Actor,
    statuses: &[AppStatus],
    scheme: Option<AppScheme>,
    page: Page,
    _now: chrono::NaiveDateTime,
) -> Result<Paged<Application>, ApplicationError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let mut l = list_of(&store.read(), statuses, scheme, page)?;
    l.items = l.items.into_iter().map(|a| for_actor(actor, a)).collect();
    Ok(l)
}

pub(crate) fn list_of(
    conn: &crate::store::Read<'_>,
    statuses: &[AppStatus],
    scheme: Option<AppScheme>,
    page: Page,
) -> Result<Paged<Application>, ApplicationError> {
    let statuses = if statuses.is_empty() { AppStatus::ALL } else { statuses };
    Ok(conn.applications().in_states(statuses, scheme, page)?)
}
