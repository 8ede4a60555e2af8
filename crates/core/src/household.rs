//! Households (世帯) and standing 送付先変更 registrations: who lives with the person and who
//! their 世帯主 is, checked when a proxy says they share the household; and where the person's
//! mail goes while a registration stands (施設入所, 入院, 成年後見人, 親族).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use crate::audit::{self, Action};
use crate::disclosure::{self, Audience, Shown};
use crate::model::staff::Actor;
use crate::person::{self, Person, PersonError};
use crate::store::households::NewRegistration;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

pub use crate::model::household::{DeliveryRegistration, HouseholdMember, RegistrationReason};
pub use crate::model::person::Relationship;

#[derive(Debug, thiserror::Error)]
pub enum HouseholdError {
    #[error("送付先変更の登録 ID {0} はありません")]
    NotFound(i64),
    #[error("この登録はすでに終了しています")]
    Ended,
    #[error("支援措置の対象者の資格確認書は、支援措置の安全な送付先にだけ送ります。送付先を変えるときは、記録の「送付先住所 (支援措置)」を変更してください")]
    Protected,
    #[error("{0}")]
    Forbidden(String),
    #[error("入力内容を確認してください")]
    Invalid(Invalid),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl HouseholdError {
    pub fn code(&self) -> &'static str {
        match self {
            HouseholdError::NotFound(_) => "delivery_registration.not_found",
            HouseholdError::Ended => "delivery_registration.bad_transition",
            HouseholdError::Forbidden(_) => "delivery_registration.forbidden",
            HouseholdError::Protected => "delivery_registration.protected",
            HouseholdError::Invalid(_) => "delivery_registration.invalid",
            HouseholdError::Person(e) => e.code(),
            HouseholdError::Access(e) => e.code(),
            HouseholdError::Store(e) => e.code(),
        }
    }
}

/// The members of `p`'s household other than `p`, the 世帯主 first.
pub(crate) fn members_of(conn: &crate::store::Read<'_>, p: &Person) -> Result<Vec<HouseholdMember>, crate::store::StoreError> {
    Ok(conn.households().members(&p.household_no)?.into_iter().filter(|m| m.person_id != p.id).collect())
}

/// The 世帯主 of `p`'s household as a person: `p` themself when their 続柄 is 世帯主, else the
/// member recorded as such; `None` when the household is not known.
pub(crate) fn householder_of(conn: &crate::store::Read<'_>, p: &Person) -> Result<Option<HouseholdMember>, crate::store::StoreError> {
    Ok(conn.households().members(&p.household_no)?.into_iter().find(|m| m.relationship == Some(Relationship::Head)))
}

/// The 世帯主's name as forms and envelopes print it: the linked member's, else the typed one,
/// else none. A protected 世帯主 is never named beside another member's address (that would say
/// where they live): the typed name stands, as the clerk recorded it for this person.
pub(crate) fn householder_name(conn: &crate::store::Read<'_>, p: &Person) -> Result<String, crate::store::StoreError> {
    Ok(match householder_of(conn, p)? {
        Some(h) if !h.protected || h.person_id == p.id => h.name,
        _ => p.householder.trim().to_string(),
    })
}

/// Whether `name` is a member of `p`'s household other than `p` (by name or 通称), or the 世帯主
/// recorded for `p`: `None` when the household is not known (no 世帯番号), so a declared
/// 同一世帯 cannot be checked.
pub(crate) fn is_member(conn: &crate::store::Read<'_>, p: &Person, name: &str) -> Result<Option<bool>, crate::store::StoreError> {
    if p.household_no.is_empty() {
        return Ok(None);
    }
    let key = crate::text::normalize::search_key;
    let wanted = key(name);
    if !p.householder.trim().is_empty() && key(&p.householder) == wanted {
        return Ok(Some(true));
    }
    for m in members_of(conn, p)? {
        if key(&m.name) == wanted {
            return Ok(Some(true));
        }
        if let Some(other) = conn.persons().get(m.person_id)? {
            if !other.alias.is_empty() && key(&other.alias) == wanted {
                return Ok(Some(true));
            }
        }
    }
    Ok(Some(false))
}

/// The registration standing for person `person_id` on `on`, the latest begun.
pub(crate) fn standing(conn: &crate::store::Read<'_>, person_id: i64, on: NaiveDate) -> Result<Option<DeliveryRegistration>, crate::store::StoreError> {
    Ok(conn.households().registrations(person_id)?.into_iter().find(|r| r.stands_on(on)))
}

/// Whether `address` is where one of the person's registrations, standing or not, took mail.
pub(crate) fn was_registered(conn: &crate::store::Read<'_>, person_id: i64, address: &str) -> Result<bool, crate::store::StoreError> {
    for r in conn.households().registrations(person_id)? {
        if registered_address(conn, &r)? == address {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Where mail goes under a registration, as a certificate's delivery address reads it, with the
/// marks the city puts on such mail (簡易書留, 転送不要).
pub(crate) fn registered_address(conn: &crate::store::Read<'_>, r: &DeliveryRegistration) -> Result<String, crate::store::StoreError> {
    let place = if r.postal_code.is_empty() { r.address.clone() } else { format!("〒{} {}", r.postal_code, r.address) };
    let to = if r.addressee.is_empty() { place } else { format!("{place} {} 様", r.addressee) };
    let marks = crate::settings::mail_marks(conn)?;
    Ok(if marks.is_empty() { to } else { format!("{to} 〔{}〕", marks.join("・")) })
}

/// A registration as typed: dates as anywhere else (和暦, `12/1`); `until_on` empty for none.
#[derive(ts_rs::TS, Debug, Clone, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationInput {
    pub person_id: i64,
    pub postal_code: String,
    pub address: String,
    pub addressee: String,
    pub reason: String,
    pub from_on: String,
    pub until_on: String,
    pub requested_by: String,
    pub document_seen: String,
    pub note: String,
    /// The clerk has confirmed that a twelve-digit number in the note is not a 個人番号.
    pub confirmed_digits: bool,
}

/// Who records where mail goes: the insurer desks that mail certificates; a protected person's
/// only a desk that may see where they are.
fn may_register(actor: &Actor, p: &Person) -> Result<(), HouseholdError> {
    crate::access::require(actor, crate::access::Permission::ManageCertificate)?;
    if p.protected && !crate::access::can(actor, crate::access::Permission::ViewProtectedAddress) {
        return Err(HouseholdError::Forbidden("支援措置の対象者の送付先は、住所を見られる窓口で登録してください".into()));
    }
    Ok(())
}

/// A person under 支援措置 gets mail only at the safe 送付先 recorded with the protection; a
/// standing registration would never be used, so none is taken.
fn registrable(p: &Person) -> Result<(), HouseholdError> {
    if p.protected {
        return Err(HouseholdError::Protected);
    }
    Ok(())
}

/// Registers a standing 送付先変更 after checking every field at once.
pub fn register_delivery(
    store: &mut Store,
    actor: &Actor,
    input: &RegistrationInput,
    now: NaiveDateTime,
) -> Result<Shown<DeliveryRegistration>, HouseholdError> {
    store.enter(actor.municipality)?;
    let today = now.date();
    let mut c = Checker::new();
    let postal = c.take("postal_code", validate::postal_code(&input.postal_code));
    let address = c.take("address", validate::text("送付先の住所", &input.address, 200, true));
    let addressee = c.take("addressee", validate::text("宛名", &input.addressee, 100, false));
    let reason = if input.reason.trim().is_empty() {
        c.fail("reason", "送付先変更の理由 (施設入所・入院・成年後見人・親族・その他) を選んでください");
        None
    } else {
        c.take("reason", RegistrationReason::parse(&input.reason))
    };
    let from_on = if input.from_on.trim().is_empty() { Some(today) } else { c.take("from_on", validate::date_on("開始日", &input.from_on, today)) };
    let until_on =
        if input.until_on.trim().is_empty() { Some(None) } else { c.take("until_on", validate::date_on("終了日", &input.until_on, today).map(Some)) };
    if let (Some(f), Some(Some(u))) = (from_on, until_on) {
        if u < f {
            c.fail("until_on", "終了日が開始日より前です");
        }
    }
    let requested_by = c.take("requested_by", validate::text("申出者", &input.requested_by, 100, true));
    let document_seen = c.take("document_seen", validate::text("確認した書類", &input.document_seen, 200, false));
    let note = c.take("note", validate::typed_text("note", "メモ", &input.note, 500, false, input.confirmed_digits).map_err(|i| i.0[0].message.clone()));
    if reason == Some(RegistrationReason::Other) && note.as_deref().is_some_and(str::is_empty) {
        c.fail("note", "理由が「その他」のときは、メモに事情を記録してください");
    }
    c.finish().map_err(HouseholdError::Invalid)?;
    let (Some(postal), Some(address), Some(addressee), Some(reason), Some(from_on), Some(until_on), Some(requested_by), Some(document_seen), Some(note)) =
        (postal, address, addressee, reason, from_on, until_on, requested_by, document_seen, note)
    else {
        unreachable!("the checker refused any missing value")
    };
    let id = store.write(|tx| {
        let p = person::load(tx, input.person_id)?;
        may_register(actor, &p)?;
        registrable(&p)?;
        let id = tx.households_mut().add_registration(&NewRegistration {
            person_id: p.id,
            postal_code: &postal,
            address: &address,
            addressee: &addressee,
            reason,
            from_on,
            until_on,
            requested_by: &requested_by,
            document_seen: &document_seen,
            note: &note,
            staff_id: actor.staff_id,
            created_at: &crate::stamp(now),
        })?;
        // The address stays on the registration, not in the audit trail.
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "delivery_registration",
            Some(id),
            serde_json::json!({"person_id": p.id, "reason": reason, "from_on": from_on, "until_on": until_on, "protected": p.protected}),
        )?;
        Ok::<_, HouseholdError>(id)
    })?;
    let r = store.read().households().registration(id)?.ok_or(HouseholdError::NotFound(id))?;
    Ok(disclosure::delivery_registration(&Audience::of(actor), r))
}

/// Ends a registration before its period ran out (the person left the facility, the
/// guardianship ended).
pub fn end_delivery_registration(store: &mut Store, actor: &Actor, id: i64, now: NaiveDateTime) -> Result<Shown<DeliveryRegistration>, HouseholdError> {
    store.enter(actor.municipality)?;
    store.write(|tx| {
        let r = tx.households().registration(id)?.ok_or(HouseholdError::NotFound(id))?;
        let p = person::load(tx, r.person_id)?;
        may_register(actor, &p)?;
        if r.ended_at.is_some() {
            return Err(HouseholdError::Ended);
        }
        tx.households_mut().end_registration(id, actor.staff_id, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Update, "delivery_registration", Some(id), serde_json::json!({"person_id": p.id, "ended": true}))?;
        Ok(())
    })?;
    let r = store.read().households().registration(id)?.ok_or(HouseholdError::NotFound(id))?;
    Ok(disclosure::delivery_registration(&Audience::of(actor), r))
}
