//! 出張申請 events (R7): where the マイナンバー desk takes card applications away from the city hall,
//! the 資格確認書 applications are taken at the same time; each event is recorded, and the paper
//! applications received there are entered in one batch, each linked to its event.

use serde::Deserialize;

use crate::application::{self, ApplicationError, ApplicationInput};
use crate::audit::{self, Action};
use crate::model::staff::Actor;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

pub use crate::model::outreach::{OutreachApplication, OutreachEvent};

/// An event as typed: the day (和暦, `12/1`; empty is today), the place, whether the マイナンバー
/// desk was there, a note.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutreachInput {
    pub held_on: String,
    pub place: String,
    pub with_mynumber_desk: bool,
    pub note: String,
    pub confirmed_digits: bool,
}

/// One paper application received at the event: whose (by 宛名番号) and who applied; a proxy's
/// application with documents to check is entered from the person's record instead.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaperApplication {
    pub atena_no: String,
    /// self (empty) or householder.
    pub applicant: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OutreachError {
    #[error("出張申請の記録 ID {0} はありません")]
    NotFound(i64),
    #[error("{line}行目 ({atena_no}): {source}")]
    Application { line: usize, atena_no: String, source: Box<ApplicationError> },
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl OutreachError {
    pub fn code(&self) -> &'static str {
        match self {
            OutreachError::NotFound(_) => "outreach.not_found",
            OutreachError::Application { source, .. } => source.code(),
            OutreachError::Invalid(_) => "outreach.invalid",
            OutreachError::Access(e) => e.code(),
            OutreachError::Store(e) => e.code(),
        }
    }
}

fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<OutreachEvent, OutreachError> {
    conn.outreach().get(id)?.ok_or(OutreachError::NotFound(id))
}

/// Records an event; the insurer desks take its applications.
pub fn add_event(store: &mut Store, actor: &Actor, input: &OutreachInput, now: chrono::NaiveDateTime) -> Result<OutreachEvent, OutreachError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ReceiveApplication)?;
    let today = now.date();
    let mut c = Checker::new();
    let held_on = if input.held_on.trim().is_empty() {
        Some(today)
    } else {
        c.take(
            "held_on",
            validate::date_on("実施日", &input.held_on, today).and_then(|d| {
                if d > today {
                    Err("実施日が未来の日付です。実施後に記録してください".to_string())
                } else {
                    Ok(d)
                }
            }),
        )
    };
    let place = c.take("place", validate::text("会場", &input.place, 80, true));
    let note = c.take("note", validate::text("メモ", &input.note, 500, false));
    c.take(validate::CONFIRM_DIGITS, validate::unconfirmed_digits("メモ", &input.note, input.confirmed_digits));
    c.finish().map_err(OutreachError::Invalid)?;
    let (Some(held_on), Some(place), Some(note)) = (held_on, place, note) else { unreachable!("the checker refused any missing value above") };
    store.write(|tx| {
        let id = tx.outreach_mut().insert(held_on, &place, input.with_mynumber_desk, &note, actor.staff_id, &crate::stamp(now))?;
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "outreach_event",
            Some(id),
            serde_json::json!({"held_on": held_on, "with_mynumber_desk": input.with_mynumber_desk}),
        )?;
        load(tx, id)
    })
}

/// The events, newest first, each with its applications.
pub fn events(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<OutreachEvent>, OutreachError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    let ids = conn.outreach().ids(page)?;
    let items = ids.items.iter().map(|id| load(conn, *id)).collect::<Result<_, _>>()?;
    Ok(Paged { items, total: ids.total, offset: ids.offset, limit: ids.limit })
}

/// Enters the paper applications received at an event in one batch: each is received as an
/// application on the event's day (受付方法 出張申請) and linked to the event. A line that is
/// refused names its line and 宛名番号, and nothing is stored.
pub fn receive_batch(
    store: &mut Store,
    actor: &Actor,
    event_id: i64,
    papers: &[PaperApplication],
    now: chrono::NaiveDateTime,
) -> Result<OutreachEvent, OutreachError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ReceiveApplication)?;
    if papers.is_empty() {
        let mut c = Checker::new();
        c.fail("papers", "受け付けた申請書の宛名番号を入力してください");
        c.finish().map_err(OutreachError::Invalid)?;
    }
    store.write(|tx| {
        let event = load(tx, event_id)?;
        let mut seen = std::collections::HashSet::new();
        let mut c = Checker::new();
        let mut found = Vec::new();
        for (i, paper) in papers.iter().enumerate() {
            let line = i + 1;
            let atena = paper.atena_no.trim();
            match validate::atena_number(atena) {
                Err(m) => c.fail("papers", format!("{line}行目: {m}")),
                Ok(a) if a.is_empty() => c.fail("papers", format!("{line}行目: 宛名番号を入力してください")),
                Ok(a) => match tx.persons().id_with_atena(&a)? {
                    None => c.fail("papers", format!("{line}行目: 宛名番号 {a} の対象者は登録されていません")),
                    Some(_) if !seen.insert(a.clone()) => c.fail("papers", format!("{line}行目: 宛名番号 {a} が二度入力されています")),
                    Some(id) => found.push((line, a, id, paper.applicant.trim().to_string())),
                },
            }
        }
        c.finish().map_err(OutreachError::Invalid)?;
        for (line, atena_no, person_id, applicant) in found {
            let input = ApplicationInput {
                person_id,
                received_on: event.held_on.to_string(),
                channel: application::Channel::Outreach.code().into(),
                applicant,
                ..Default::default()
            };
            let received = application::receive_in(tx, actor, &input, now).map_err(|e| OutreachError::Application { line, atena_no, source: Box::new(e) })?;
            tx.outreach_mut().link(received.application.id, event_id)?;
        }
        audit::record(tx, actor, now, Action::Update, "outreach_event", Some(event_id), serde_json::json!({"received": papers.len()}))?;
        load(tx, event_id)
    })
}
