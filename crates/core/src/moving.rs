//! Moving out (転出): a person who moves to another municipality has every open item closed
//! with that reason (applications withdrawn, referrals ended, certificates invalidated with
//! their return asked for, follow-ups done) in one transaction, and a hand-over sheet for the
//! new city's desk (`print::hand_over_sheet`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::certificate::{self, CertificateStep, CertificateStepKind, EndCause};
use crate::model::staff::Actor;
use crate::person::{self, PersonError};
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

/// A move out as the desk records it.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveOutInput {
    /// The day of the move (転出日); empty is today.
    #[serde(default)]
    pub moved_on: String,
    /// The municipality moved to (転出先), e.g. 隣町.
    pub moved_to: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub confirmed_digits: bool,
}

/// A person's recorded move out.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveOut {
    pub moved_on: NaiveDate,
    pub moved_to: String,
    pub note: String,
    pub recorded_by: String,
}

/// What recording a move out changed, item by item, in Japanese.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct MovedOut {
    pub person_id: i64,
    pub move_out: MoveOut,
    pub closed: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MovingError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("この方は{}に{}へ転出済みです", crate::text::wareki::format(*.0), .1)]
    AlreadyMoved(NaiveDate, String),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Application(#[from] crate::application::ApplicationError),
    #[error(transparent)]
    Certificate(#[from] certificate::CertificateError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl MovingError {
    pub fn code(&self) -> &'static str {
        match self {
            MovingError::Invalid(_) => "moving.invalid",
            MovingError::AlreadyMoved(..) => "moving.already_moved",
            MovingError::Person(e) => e.code(),
            MovingError::Application(e) => e.code(),
            MovingError::Certificate(e) => e.code(),
            MovingError::Access(e) => e.code(),
            MovingError::Store(e) => e.code(),
        }
    }
}

/// The person's move out, or `None` while they live here.
pub(crate) fn move_of(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Option<MoveOut>, crate::store::StoreError> {
    Ok(conn.moves().of(person_id)?.map(|m| MoveOut { moved_on: m.moved_on, moved_to: m.moved_to, note: m.note, recorded_by: m.recorded_by }))
}

/// Records that the person moved out and closes their open items with that reason, audited, in
/// one transaction: all of it or nothing. Recorded by the insurer desks, whose 資格 it ends.
pub fn move_out(store: &mut Store, actor: &Actor, person_id: i64, input: &MoveOutInput, now: chrono::NaiveDateTime) -> Result<MovedOut, MovingError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ManageCertificate)?;
    let today = now.date();
    let mut c = Checker::new();
    let moved_on = c.take(
        "moved_on",
        if input.moved_on.trim().is_empty() { Ok(today) } else { validate::date_on("転出日", &input.moved_on, today) }.and_then(|d| {
            if d > today {
                Err("転出日が未来の日付です。転出した後に記録してください".to_string())
            } else {
                Ok(d)
            }
        }),
    );
    let moved_to = c.take("moved_to", validate::text("転出先", &input.moved_to, 60, true));
    let note = c.take("note", validate::text("メモ", &input.note, 500, false));
    c.take(validate::CONFIRM_DIGITS, validate::unconfirmed_digits("メモ", &input.note, input.confirmed_digits));
    c.finish().map_err(MovingError::Invalid)?;
    let (Some(moved_on), Some(moved_to), Some(note)) = (moved_on, moved_to, note) else { unreachable!("the checker refused any missing value") };
    store.write(|tx| move_out_in(tx, actor, person_id, moved_on, &moved_to, &note, now))
}

/// Records a checked move out inside the caller's transaction and closes the person's open
/// items (a status feed from the core system applies its 転出 rows so).
pub(crate) fn move_out_in(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    person_id: i64,
    moved_on: NaiveDate,
    moved_to: &str,
    note: &str,
    now: chrono::NaiveDateTime,
) -> Result<MovedOut, MovingError> {
    let today = now.date();
    {
        let p = person::load(tx, person_id)?;
        if let Some(m) = tx.moves().of(person_id)? {
            return Err(MovingError::AlreadyMoved(m.moved_on, m.moved_to));
        }
        // The reason is written into the applications, referrals and certificates every desk
        // reads, so it names the 転出先 only as every desk may see it.
        let shared_to = crate::disclosure::address(&crate::disclosure::Audience::every_desk(), p.protected, moved_to.to_string());
        let why = format!("{}に{}へ転出", crate::text::wareki::format(moved_on), shared_to);
        let mut closed = Vec::new();
        for a in crate::application::for_person(tx, person_id)? {
            if crate::application::withdraw_on_moving_out(tx, actor, &a, &format!("{why}のため"), now)? {
                closed.push(format!("申請 (受付 {}) を取下げにしました", crate::text::wareki::format(a.received_on)));
            }
        }
        // An application's end may have completed its referral already; read them afresh.
        for r in crate::referral::for_person(tx, person_id)? {
            if crate::referral::close_on_moving_out(tx, actor, &r, &why, now)? {
                closed.push(format!(
                    "連携依頼 ({}→{}、{}送付) を完了にしました",
                    r.from_desk.label(),
                    r.to_desk.label(),
                    crate::text::wareki::format(r.sent_on)
                ));
            }
        }
        for cert in certificate::for_person(tx, person_id)? {
            if !certificate::allowed_steps(&cert, today).contains(&CertificateStepKind::Invalidate) {
                continue;
            }
            // A certificate issued after the day of the move ends on its own first day.
            let on = moved_on.max(cert.issued_on);
            let step = CertificateStep::Invalidate { cause: EndCause::MovedOut, on: on.to_string(), note: why.clone(), confirmed_digits: false };
            certificate::apply_step(tx, actor, cert.id, &step, now)?;
            closed.push(format!("資格確認書 (ID {}) を無効にし、返還を求めます", cert.id));
        }
        let follow_ups = tx.moves_mut().close_follow_ups(person_id)?;
        if follow_ups > 0 {
            closed.push(format!("フォローアップ {follow_ups}件を終了しました"));
        }
        tx.moves_mut().insert(person_id, moved_on, moved_to, note, actor.staff_id, &crate::stamp(now))?;
        // The retention periods count from the move.
        tx.retention_mut().record_end(person_id, crate::retention::PersonEnd::MovedOut.code(), moved_on, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Update, "person", Some(p.id), serde_json::json!({"moved_out": {"on": moved_on, "closed": closed.len()}}))?;
        let move_out = move_of(tx, person_id)?.expect("the move out was just recorded");
        Ok(MovedOut { person_id, move_out, closed })
    }
}
