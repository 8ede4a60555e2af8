//! Welfare facilities (高齢者施設, 障害者施設, 児童養護施設 …) and their residents.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::model::person::{Person, Scheme};
use crate::model::policy::RouteKind;
use crate::model::staff::Actor;
use crate::model::touchpoint::Wish;
use crate::store::facilities::NewFacility;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

pub use crate::model::facility::{Campaign, Facility, FacilityKind};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FacilityInput {
    pub name: String,
    pub kind: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FacilityError {
    #[error("施設 ID {0} は登録されていません。`hairyo facility list` で確認してください")]
    NotFound(i64),
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl FacilityError {
    pub fn code(&self) -> &'static str {
        match self {
            FacilityError::NotFound(_) => "facility.not_found",
            FacilityError::Invalid(_) => "facility.invalid",
            FacilityError::Access(e) => e.code(),
            FacilityError::Store(e) => e.code(),
        }
    }
}

pub fn add(store: &mut Store, actor: &Actor, input: &FacilityInput, now: chrono::NaiveDateTime) -> Result<Facility, FacilityError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    let mut c = Checker::new();
    let name = c.take("name", validate::text("施設名", &input.name, 60, true));
    let kind = if input.kind.trim().is_empty() {
        c.fail("kind", "施設種別を選んでください");
        None
    } else {
        c.take("kind", FacilityKind::parse(&input.kind))
    };
    let postal = c.take("postal_code", validate::postal_code(&input.postal_code));
    let address = c.take("address", validate::text("所在地", &input.address, 80, false));
    let phone = c.take("phone", validate::phone("電話番号", &input.phone));
    let contact = c.take("contact_name", validate::text("担当者", &input.contact_name, 40, false));
    c.finish().map_err(FacilityError::Invalid)?;
    // `finish` passed, so the checker kept every value.
    let Some(kind) = kind else { return Err(FacilityError::Invalid(Invalid(vec![]))) };
    let stamp = crate::stamp(now);
    let new = NewFacility {
        name: name.as_deref().unwrap_or_default(),
        kind,
        postal_code: postal.as_deref().unwrap_or_default(),
        address: address.as_deref().unwrap_or_default(),
        phone: phone.as_deref().unwrap_or_default(),
        contact_name: contact.as_deref().unwrap_or_default(),
        campaign: Campaign::None,
        created_at: &stamp,
    };
    store.write(|tx| {
        let id = tx.facilities_mut().add(&new)?;
        audit::record(tx, actor, now, Action::Create, "facility", Some(id), serde_json::json!({"after": input}))?;
        load(tx, id)
    })
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Facility, FacilityError> {
    conn.facilities().get(id)?.ok_or(FacilityError::NotFound(id))
}

pub fn list(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<Facility>, FacilityError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(store.read().facilities().page(page)?)
}

pub fn set_campaign(store: &mut Store, actor: &Actor, id: i64, campaign: Campaign, now: chrono::NaiveDateTime) -> Result<Facility, FacilityError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    store.write(|tx| {
        let before = load(tx, id)?;
        tx.facilities_mut().set_campaign(id, campaign)?;
        audit::record(tx, actor, now, Action::Update, "facility", Some(id), serde_json::json!({"campaign": {"before": before.campaign, "after": campaign}}))?;
        load(tx, id)
    })
}

/// Where a resident stands in a facility campaign (R6), and so what the batch prints for them.
/// Only residents whose route is 申請 get the city's form; the others are named in the cover
/// letter with what happens instead, so the facility knows nobody was forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchPlace {
    /// The city's application form (and 委任状 where needed) is enclosed.
    Form,
    /// The resident said they keep using the マイナ保険証 (notice 1(1): 要配慮者の意向等を踏まえた
    /// 対応); the date is when they said so.
    KeepsCard(NaiveDate),
    /// The resident holds a マイナ保険証 and no consideration is recorded: no form unless they ask.
    HoldsCard,
    /// Issued without application (職権交付, the 後期 暫定運用): no form is needed.
    WithoutApplication,
    /// The card's insurance registration is not known; the city looks it up itself.
    CityChecksRegistration,
    /// Insured elsewhere (住所地特例, or a scheme the city does not run): referred to this insurer.
    Refer(String),
    /// Not listed: an application is already under way, or the person is not insured (生活保護).
    Skip,
    /// Not listed, and the counter is told: the scheme is not recorded.
    SchemeUnknown,
    /// Not listed, and the counter is told: recorded as 国保 at 75 or over, so the scheme is
    /// to be checked (後期 from the 75th birthday) before any form is made.
    SchemeToCheck,
}

/// The place of resident `p` in a facility batch, from their route, their last recorded wish
/// and whether an application of theirs is already under way. The latest wish decides: a
/// resident who said they keep the card gets no form even when the route says 申請, and one
/// who asked for a certificate (or to cancel the card's registration, R12) gets one even when
/// no consideration is recorded.
pub fn batch_place(p: &Person, route: RouteKind, wish: Option<(Wish, NaiveDate)>, under_way: bool) -> BatchPlace {
    match p.scheme {
        Scheme::Kokuho | Scheme::Kouki => {}
        Scheme::Kumiai => return BatchPlace::Refer("加入している国民健康保険組合".into()),
        Scheme::Employee => return BatchPlace::Refer("加入している被用者保険の保険者 (勤務先の健康保険など)".into()),
        Scheme::Welfare => return BatchPlace::Skip,
        Scheme::Unknown => return BatchPlace::SchemeUnknown,
    }
    if p.insured_elsewhere() {
        return BatchPlace::Refer(p.other_insurer.clone());
    }
    if under_way {
        return BatchPlace::Skip;
    }
    // A cancellation wish noted on the person (R12) counts as asking for the certificate when
    // no touchpoint recorded a wish; a recorded wish is the latest word.
    let keeps_card = match wish {
        Some((Wish::KeepsCard, on)) => Some(on),
        _ => None,
    };
    let asked = match wish {
        Some((w, _)) => matches!(w, Wish::WantsCertificate | Wish::WantsCancel),
        None => p.wishes_cancel,
    };
    match (route, keeps_card) {
        (RouteKind::ExOfficio | RouteKind::KoukiProvisional, _) => BatchPlace::WithoutApplication,
        (RouteKind::CheckRegistration, _) => BatchPlace::CityChecksRegistration,
        (RouteKind::OtherInsurer, _) => BatchPlace::Refer("加入している保険者".into()),
        (RouteKind::NotApplicable, _) => BatchPlace::Skip,
        (RouteKind::CheckScheme, _) => BatchPlace::SchemeToCheck,
        (RouteKind::OnApplication | RouteKind::NotNeeded, Some(on)) => BatchPlace::KeepsCard(on),
        (RouteKind::OnApplication, None) => BatchPlace::Form,
        (RouteKind::NotNeeded, None) if asked => BatchPlace::Form,
        (RouteKind::NotNeeded, None) => BatchPlace::HoldsCard,
    }
}

/// Where resident `p` stands on `today`: the route the rules give, whether they hold a マイナ
/// 保険証, and their place in a facility batch ([`batch_place`]), as the batch print and a
/// campaign's start both read it.
pub(crate) fn place_of(
    conn: &crate::store::Read<'_>,
    rules: &[crate::model::policy::Rule],
    p: &Person,
    today: NaiveDate,
) -> Result<(RouteKind, bool, BatchPlace), crate::store::StoreError> {
    let (route, holds) = if matches!(p.scheme, Scheme::Kokuho | Scheme::Kouki) {
        let facts = crate::policy::Facts::of(conn, p, today)?;
        (crate::policy::evaluate(rules, p.scheme, &facts, today).kind, facts.holds_card)
    } else {
        (RouteKind::NotApplicable, false)
    };
    let wish = crate::touchpoint::latest_wish(conn, p.id)?;
    let busy = conn.policy().has_application_under_way(p.id)?;
    Ok((route, holds, batch_place(p, route, wish, busy)))
}
