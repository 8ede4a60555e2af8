//! A person's whole record as one view: profile, route, and the timeline of every desk's work.

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::{self, Permission};
use crate::application::{self, Application};
use crate::audit;
use crate::certificate::{self, Certificate};
use crate::disclosure;
use crate::facility::{self, Facility};
use crate::model::staff::Actor;
use crate::person::{self, Person, PersonError};
use crate::policy::{self, PolicyError, Route};
use crate::referral::{self, Referral};
use crate::store::Store;
use crate::text::wareki;
use crate::touchpoint::{self, Touchpoint};

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct PersonRecord {
    pub person: Person,
    pub birth_date_wareki: String,
    pub age: i32,
    pub facility: Option<Facility>,
    pub route: Route,
    pub had_bessou1: bool,
    pub touchpoints: Vec<Touchpoint>,
    pub referrals: Vec<Referral>,
    pub applications: Vec<Application>,
    pub certificates: Vec<Certificate>,
    /// The 資格情報のお知らせ the core systems sent instead of a certificate, newest first.
    pub notices: Vec<crate::model::certificate::CoverageNotice>,
    /// The other members of the household (世帯番号), the 世帯主 first; `None` when withheld
    /// from this reader (a protected person's household tells where they live).
    pub household: Option<Vec<crate::household::HouseholdMember>>,
    /// The 世帯主 as a person, when the household records one (it may be this person).
    pub householder: Option<crate::household::HouseholdMember>,
    /// Standing 送付先変更 registrations, the latest first.
    pub delivery_registrations: Vec<crate::household::DeliveryRegistration>,
    /// The registration standing today, by id.
    pub standing_registration_id: Option<i64>,
    /// The address was withheld from this staff member (支援措置).
    pub address_masked: bool,
    /// The person moved to another municipality (転出), when recorded.
    pub moved_out: Option<crate::moving::MoveOut>,
    /// What the record shows above everything else because it needs checking (a 国保 member
    /// aged 75 or over belongs to 後期).
    pub warnings: Vec<String>,
    /// What this staff member may do next on the record, as the core decides it: the record's
    /// screen renders it and keeps no rule of its own.
    pub next: RecordNext,
}

/// The record's next steps for one staff member. Each item's own steps are on the item
/// (`Referral::next`, `Application::next`, `Certificate::next`); this says which items are
/// still open for them, and what the person's own steps are.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct RecordNext {
    /// 接点を記録, 連携依頼を送る, 申請を受け付ける: the ones this staff member may take, with
    /// their labels, in that order.
    pub steps: Vec<hairyo_model::codes::Choice>,
    /// The desks a referral may be sent to (the insurer desks); empty when none may be sent.
    /// With none chosen, the core sends it by the person's insurance.
    pub referral_desks: Vec<hairyo_model::codes::Choice>,
    /// The open referral (送付済み or 受理) an application received here answers: the form
    /// starts from its 申請者の案, and the application is linked to it.
    pub linked_referral_id: Option<i64>,
    /// The 申請理由 an application received here starts with: the person's recorded reasons,
    /// and those the linked referral's text names (「認知症のため…」 names 認知症).
    pub application_reasons: Vec<crate::model::person::Reason>,
    /// The referrals still open (neither 完了 nor 取下げ) with a step for this staff member.
    pub open_referral_ids: Vec<i64>,
    /// The applications with a step for this staff member.
    pub open_application_ids: Vec<i64>,
    /// Whether this staff member may decide with documents missing (with a reason).
    pub may_override_checklist: bool,
    /// Whether this staff member may register and end the person's standing 送付先変更.
    pub may_register_delivery: bool,
}

crate::coded_enum! {
    /// A step a staff member takes from a person's record, as its button says it.
    pub enum RecordStep ("記録からの手続き") {
        RecordTouchpoint = ("record_touchpoint", "接点を記録"),
        SendReferral = ("send_referral", "連携依頼を送る"),
        ReceiveApplication = ("receive_application", "申請を受け付ける"),
    }
}

impl RecordStep {
    /// The permission the step needs: the access matrix decides who is offered it.
    fn permission(self) -> Permission {
        match self {
            RecordStep::RecordTouchpoint => Permission::RecordTouchpoint,
            RecordStep::SendReferral => Permission::SendReferral,
            RecordStep::ReceiveApplication => Permission::ReceiveApplication,
        }
    }
}

/// The 申請理由 an application starts with: `recorded`, then each reason whose name the
/// referral's text holds, in the reasons' own order and each once. The clerk still confirms them
/// with the applicant; a reason only the text names is a suggestion, not a record.
pub fn application_reasons(recorded: &[crate::model::person::Reason], referral_text: Option<&str>) -> Vec<crate::model::person::Reason> {
    use crate::model::person::Reason;
    let text = referral_text.unwrap_or("");
    // その他 in a sentence ("その他の事情") is no reason of its own.
    let named = |r: &Reason| *r != Reason::Other && text.contains(r.label());
    Reason::ALL.iter().copied().filter(|r| recorded.contains(r) || named(r)).collect()
}

/// The next steps of a record whose items were already disclosed to `actor`.
fn next_of(actor: &Actor, reasons: &[crate::model::person::Reason], referrals: &[Referral], applications: &[Application]) -> RecordNext {
    use crate::model::referral::ReferralStatus;
    use crate::staff::Desk;
    let steps = RecordStep::ALL
        .iter()
        .filter(|s| access::can(actor, s.permission()))
        .map(|s| hairyo_model::codes::Choice { code: s.code(), label: s.label() })
        .collect();
    let referral_desks = if access::can(actor, Permission::SendReferral) {
        Desk::ALL.iter().filter(|d| d.is_insurer_desk()).map(|d| hairyo_model::codes::Choice { code: d.code(), label: d.label() }).collect()
    } else {
        Vec::new()
    };
    let linked = referrals.iter().find(|r| matches!(r.status, ReferralStatus::Accepted | ReferralStatus::Sent));
    RecordNext {
        steps,
        referral_desks,
        linked_referral_id: linked.map(|r| r.id),
        application_reasons: application_reasons(reasons, linked.map(|r| r.reason.as_str())),
        open_referral_ids: referrals
            .iter()
            .filter(|r| !matches!(r.status, ReferralStatus::Completed | ReferralStatus::Withdrawn) && !r.next.is_empty())
            .map(|r| r.id)
            .collect(),
        open_application_ids: applications.iter().filter(|a| !a.next.is_empty()).map(|a| a.id).collect(),
        may_override_checklist: access::can(actor, Permission::OverrideChecklist),
        // Set by `show`, which knows whether the person is protected.
        may_register_delivery: false,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Certificate(#[from] certificate::CertificateError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl RecordError {
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Person(e) => e.code(),
            RecordError::Policy(e) => e.code(),
            RecordError::Certificate(e) => e.code(),
            RecordError::Access(e) => e.code(),
            RecordError::Store(e) => e.code(),
        }
    }
}

/// Reads a person's record for display on `today`; the read is audited.
pub fn show(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<PersonRecord, RecordError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::ViewPerson)?;
    let today: NaiveDate = now.date();
    audit::viewed(store, actor, now, "person", Some(id), |tx| {
        let p = person::load(tx, id)?;
        let facility = match p.facility_id {
            Some(f) => facility::load(tx, f).ok(),
            None => None,
        };
        let route = policy::route_of(tx, &p, today)?;
        let mut warnings: Vec<String> = person::kouki_age_warning(&p, today).into_iter().collect();
        warnings.extend(person::completeness_warnings(&p));
        // What this staff member may see of the person, their touchpoints and certificates is
        // the disclosure rule's to say (a protected person's whereabouts stay at the insurer
        // desks; the child-welfare desk's notes stay at that desk).
        let audience = disclosure::Audience::of(actor);
        let address_masked = disclosure::person_masked(&audience, &p);
        let facility = disclosure::place(&audience, p.protected, facility);
        // A protected person's 転出先 tells where they went, as an address would.
        let moved_out =
            crate::moving::move_of(tx, id)?.map(|m| crate::moving::MoveOut { moved_to: disclosure::address(&audience, p.protected, m.moved_to), ..m });
        if let Some(m) = &moved_out {
            warnings
                .insert(0, format!("{}に{}へ転出しました。この市の手続きは終了しています (引継ぎ票は「印刷」から)", wareki::format(m.moved_on), m.moved_to));
        }
        let household = disclosure::household(&audience, p.protected, crate::household::members_of(tx, &p)?);
        let householder = match &household {
            Some(members) => crate::household::householder_of(tx, &p)?.filter(|h| h.person_id == p.id || members.iter().any(|m| m.person_id == h.person_id)),
            None => None,
        };
        let delivery_registrations: Vec<_> =
            tx.households().registrations(id)?.into_iter().map(|r| disclosure::delivery_registration(&audience, r).into_inner()).collect();
        let p = disclosure::person(&audience, p).into_inner();
        let touchpoints = touchpoint::for_person(tx, id)?.into_iter().map(|t| disclosure::touchpoint(&audience, t).into_inner()).collect();
        let certificates = certificate::for_person(tx, id)?
            .into_iter()
            .map(|c| certificate::for_actor(tx, actor, c, today))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RecordError::from)?;
        let referrals: Vec<Referral> = referral::for_person(tx, id)?.into_iter().map(|r| referral::for_actor(actor, r)).collect();
        let applications: Vec<Application> = application::for_person(tx, id)?.into_iter().map(|a| application::for_actor(actor, a)).collect();
        let mut next = next_of(actor, &p.reasons, &referrals, &applications);
        // A protected person's mail goes only to the safe address: no registration is taken.
        next.may_register_delivery = crate::access::can(actor, crate::access::Permission::ManageCertificate) && !p.protected;
        let record = PersonRecord {
            next,
            address_masked,
            moved_out,
            birth_date_wareki: wareki::format(p.birth_date),
            age: p.age_on(today),
            facility,
            route,
            had_bessou1: touchpoint::has_had_bessou1(tx, id)?,
            touchpoints,
            referrals,
            applications,
            certificates,
            notices: tx.certificates().notices(id)?,
            household,
            householder,
            // A protected person's mail goes only to the safe address: no registration stands.
            standing_registration_id: delivery_registrations.iter().find(|r| r.stands_on(today) && !r.protected).map(|r| r.id),
            delivery_registrations,
            warnings,
            person: p,
        };
        Ok(record)
    })
}

#[cfg(test)]
mod tests {
    use super::application_reasons;
    use crate::model::person::Reason;

    /// The application form's 申請理由 start from what is recorded and what the referral said,
    /// each once and in the form's order; words that are no reason's name add nothing.
    #[test]
    fn an_applications_reasons_start_from_the_record_and_the_referral() {
        let cases: &[(&[Reason], Option<&str>, &[Reason])] = &[
            (&[], None, &[]),
            (&[Reason::Elderly], None, &[Reason::Elderly]),
            (&[Reason::Elderly], Some("認知症のため申請の支援をお願いします"), &[Reason::Elderly, Reason::Dementia]),
            (&[Reason::Dementia], Some("認知症が進み、施設入所の予定"), &[Reason::Dementia, Reason::Facility]),
            (&[], Some("その他の事情は電話で"), &[]),
            (&[Reason::Facility, Reason::Elderly], Some("本人と面談"), &[Reason::Elderly, Reason::Facility]),
        ];
        for (recorded, text, want) in cases {
            assert_eq!(application_reasons(recorded, *text), want.to_vec(), "{recorded:?} {text:?}");
        }
    }
}
