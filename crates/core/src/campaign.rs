//! Facility campaigns (R6) that finish: the forms a facility's residents were sent, the deadline
//! for their return, and per resident whether the form came back and what became of it, the
//! returned forms of a whole facility received in one transaction.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use crate::application::{self, ApplicationError, ApplicationInput};
use crate::audit::{self, Action};
use crate::facility::{self, BatchPlace, FacilityError};
use crate::model::facility::Campaign;
use crate::model::staff::Actor;
use crate::person;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

pub use crate::model::facility::{CampaignOutcome, CampaignResident, FacilityCampaign};

/// The longest a facility is given to send its forms back.
pub const MAX_DAYS: i64 = 180;

/// A campaign as started from the facilities screen: the deadline typed as any date (和暦,
/// `1/31`), and a note.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CampaignInput {
    pub facility_id: i64,
    pub deadline: String,
    pub note: String,
    pub confirmed_digits: bool,
}

/// One resident's returned form (or the word that none is coming), as the receiving screen
/// sends it; an empty day is today.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReturnInput {
    pub person_id: i64,
    pub outcome: String,
    pub returned_on: String,
    pub note: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("呼びかけ ID {0} はありません")]
    NotFound(i64),
    #[error("この施設には返送待ちの呼びかけ (ID {0}) があります。その結果を記録してから新しく始めてください")]
    AlreadyOpen(i64),
    #[error("申請書を送る入所者がいません (職権交付・マイナ保険証の利用など、全員に申請書が不要です)")]
    NothingToSend,
    #[error("{name}さん: {source}")]
    Application { name: String, source: Box<ApplicationError> },
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Facility(#[from] FacilityError),
    #[error(transparent)]
    Person(#[from] person::PersonError),
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl CampaignError {
    pub fn code(&self) -> &'static str {
        match self {
            CampaignError::NotFound(_) => "campaign.not_found",
            CampaignError::AlreadyOpen(_) => "campaign.already_open",
            CampaignError::NothingToSend => "campaign.nothing_to_send",
            CampaignError::Application { source, .. } => source.code(),
            CampaignError::Invalid(_) => "campaign.invalid",
            CampaignError::Facility(e) => e.code(),
            CampaignError::Person(e) => e.code(),
            CampaignError::Policy(e) => e.code(),
            CampaignError::Access(e) => e.code(),
            CampaignError::Store(e) => e.code(),
        }
    }
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64, today: NaiveDate) -> Result<FacilityCampaign, CampaignError> {
    conn.campaigns().get(id, today)?.ok_or(CampaignError::NotFound(id))
}

/// Starts a campaign at a facility: every resident the batch print gives a form to is recorded
/// as sent today, the facility reads 申請取りまとめ中, and the deadline is set.
pub fn start(store: &mut Store, actor: &Actor, input: &CampaignInput, now: chrono::NaiveDateTime) -> Result<FacilityCampaign, CampaignError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    let today = now.date();
    let mut c = Checker::new();
    let deadline = if input.deadline.trim().is_empty() {
        c.fail("deadline", "返送の期限を入力してください");
        None
    } else {
        c.take(
            "deadline",
            validate::date_on("返送の期限", &input.deadline, today).and_then(|d| {
                if d <= today {
                    Err("返送の期限は明日以降の日にしてください".to_string())
                } else if d > today + Duration::days(MAX_DAYS) {
                    Err(format!("返送の期限は{MAX_DAYS}日以内にしてください"))
                } else {
                    Ok(d)
                }
            }),
        )
    };
    let note = c.take("note", validate::text("メモ", &input.note, 500, false));
    c.take(validate::CONFIRM_DIGITS, validate::unconfirmed_digits("メモ", &input.note, input.confirmed_digits));
    c.finish().map_err(CampaignError::Invalid)?;
    let (Some(deadline), Some(note)) = (deadline, note) else { unreachable!("the checker refused any missing value above") };
    store.write(|tx| {
        let f = facility::load(tx, input.facility_id)?;
        if let Some(open) = tx.campaigns().open_of_facility(f.id)? {
            return Err(CampaignError::AlreadyOpen(open));
        }
        let rules = crate::policy::rules(tx)?;
        let mut sent = Vec::new();
        for id in tx.facilities().resident_ids(f.id)? {
            let p = person::load(tx, id)?;
            if facility::place_of(tx, &rules, &p, today)?.2 == BatchPlace::Form {
                sent.push(p.id);
            }
        }
        if sent.is_empty() {
            return Err(CampaignError::NothingToSend);
        }
        let id = tx.campaigns_mut().insert(f.id, today, deadline, &note, actor.staff_id, &crate::stamp(now))?;
        for p in &sent {
            tx.campaigns_mut().add_resident(id, *p, today)?;
        }
        tx.facilities_mut().set_campaign(f.id, Campaign::Collecting)?;
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "facility_campaign",
            Some(id),
            serde_json::json!({"facility_id": f.id, "sent": sent.len(), "deadline": deadline}),
        )?;
        Ok(crate::disclosure::facility_campaign(&crate::disclosure::Audience::of(actor), load(tx, id, today)?).into_inner())
    })
}

/// One campaign with each resident's outcome.
pub fn get(store: &Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<FacilityCampaign, CampaignError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(crate::disclosure::facility_campaign(&crate::disclosure::Audience::of(actor), load(&store.read(), id, now.date())?).into_inner())
}

/// A facility's campaigns, newest first.
pub fn of_facility(store: &Store, actor: &Actor, facility_id: i64, now: chrono::NaiveDateTime) -> Result<Vec<FacilityCampaign>, CampaignError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    facility::load(conn, facility_id)?;
    let audience = crate::disclosure::Audience::of(actor);
    conn.campaigns()
        .of_facility(facility_id)?
        .into_iter()
        .map(|id| Ok(crate::disclosure::facility_campaign(&audience, load(conn, id, now.date())?).into_inner()))
        .collect()
}

/// Campaigns past their deadline with forms still out, for the reminders.
pub(crate) fn overdue_in(conn: &crate::store::Read<'_>, today: NaiveDate) -> Result<Vec<FacilityCampaign>, CampaignError> {
    conn.campaigns().overdue(today)?.into_iter().map(|id| load(conn, id, today)).collect()
}

/// Receives a facility's returned forms in one go: each one received as an application (a
/// proxy application by the facility's staff, sent back to the facility), or the word that
/// none is coming. Every line is checked first; one refusal stores nothing.
pub fn receive_returns(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    returns: &[ReturnInput],
    now: chrono::NaiveDateTime,
) -> Result<FacilityCampaign, CampaignError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ReceiveApplication)?;
    let today = now.date();
    store.write(|tx| {
        let campaign = load(tx, id, today)?;
        let f = facility::load(tx, campaign.facility_id)?;
        let mut c = Checker::new();
        let mut lines = Vec::new();
        if returns.is_empty() {
            c.fail("returns", "結果を記録する入所者を選んでください");
        }
        for r in returns {
            let Some(resident) = campaign.residents.iter().find(|x| x.person_id == r.person_id) else {
                c.fail("returns", format!("対象者 ID {} はこの呼びかけの入所者ではありません", r.person_id));
                continue;
            };
            let name = &resident.name;
            if resident.outcome != CampaignOutcome::Awaited {
                c.fail("returns", format!("{name}さんの結果はすでに「{}」と記録されています", resident.outcome_label));
                continue;
            }
            let outcome = match CampaignOutcome::parse(&r.outcome) {
                Ok(CampaignOutcome::Awaited) => {
                    c.fail("returns", format!("{name}さん: 結果を選んでください"));
                    continue;
                }
                Ok(o) => o,
                Err(m) => {
                    c.fail("returns", format!("{name}さん: {m}"));
                    continue;
                }
            };
            match (validate::batch_day("返送日", &r.returned_on, today, resident.sent_on), validate::batch_note(&r.note)) {
                (Ok(on), Ok(note)) => lines.push((resident.clone(), outcome, on, note)),
                (Err(m), _) | (_, Err(m)) => c.fail("returns", format!("{name}さん: {m}")),
            }
        }
        if lines.iter().any(|(_, o, _, _)| *o == CampaignOutcome::Applied) && f.contact_name.trim().is_empty() {
            c.fail("returns", format!("{}の担当者名が登録されていません。施設の登録を直してから申請を受け付けてください (代理人として記録します)", f.name));
        }
        c.finish().map_err(CampaignError::Invalid)?;
        for (resident, outcome, on, note) in lines {
            let application_id = if outcome == CampaignOutcome::Applied {
                let p = person::load(tx, resident.person_id)?;
                let child = p.age_on(on) < 18 || p.reasons.contains(&person::Reason::Child);
                let input = ApplicationInput {
                    person_id: p.id,
                    received_on: on.to_string(),
                    channel: application::Channel::FacilityBatch.code().into(),
                    applicant: application::Applicant::Proxy.code().into(),
                    authority: if child { application::ProxyAuthority::FacilityChild } else { application::ProxyAuthority::FacilityAdult }.code().into(),
                    proxy_name: f.contact_name.clone(),
                    proxy_address: format!("{} {}", f.address, f.name).trim().to_string(),
                    proxy_phone: f.phone.clone(),
                    proxy_relationship: "入所施設の職員".into(),
                    delivery: application::Delivery::Facility.code().into(),
                    ..Default::default()
                };
                let received = application::receive_in(tx, actor, &input, now)
                    .map_err(|e| CampaignError::Application { name: resident.name.clone(), source: Box::new(e) })?;
                Some(received.application.id)
            } else {
                None
            };
            tx.campaigns_mut().set_outcome(id, resident.person_id, outcome, Some(on), application_id, &note)?;
        }
        let after = load(tx, id, today)?;
        if after.awaited == 0 {
            tx.facilities_mut().set_campaign(f.id, Campaign::Done)?;
        }
        audit::record(tx, actor, now, Action::Update, "facility_campaign", Some(id), serde_json::json!({"received": returns.len(), "awaited": after.awaited}))?;
        Ok(crate::disclosure::facility_campaign(&crate::disclosure::Audience::of(actor), after).into_inner())
    })
}
