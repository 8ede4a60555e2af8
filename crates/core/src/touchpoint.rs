//! Consultation touchpoints (接点) and the leaflets handed out at them (R10).

use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::leaflet::{self, Leaflet};
use crate::model::staff::Actor;
use crate::person::{self, PersonError};
use crate::store::touchpoints::NewTouchpoint;
use crate::store::{Store, StoreError};
use crate::validate::{self, Checker, Invalid};

pub use crate::model::touchpoint::{LeafletGiven, Touchpoint, TouchpointKind, Wish};

#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TouchpointInput {
    pub person_id: i64,
    pub date: String,
    pub kind: String,
    pub leaflets: Vec<String>,
    pub wish: String,
    pub notes: String,
    /// The clerk confirmed that a twelve-digit number in the notes is not a 個人番号.
    pub confirmed_digits: bool,
}

/// What the worker is told after recording a touchpoint.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Recorded {
    pub touchpoint: Touchpoint,
    /// R10: this is an occasion for 別添1 and the person has never been given it.
    pub prompt_bessou1: bool,
    pub prompt_message: Option<String>,
    /// R12: the person wishes to cancel the card's insurance registration.
    pub r12_guidance: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TouchpointError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("利用登録の解除申請は保険者の窓口 (国保・後期) で受け付けます")]
    CancelRequestDesk,
    #[error("マイナンバーカードを持ち、保険証利用登録が済んでいる方だけが利用登録の解除を申請できます")]
    NothingToCancel,
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl TouchpointError {
    pub fn code(&self) -> &'static str {
        match self {
            TouchpointError::Invalid(_) => "touchpoint.invalid",
            TouchpointError::CancelRequestDesk => "touchpoint.cancel_request_desk",
            TouchpointError::NothingToCancel => "touchpoint.nothing_to_cancel",
            TouchpointError::Person(e) => e.code(),
            TouchpointError::Access(e) => e.code(),
            TouchpointError::Store(e) => e.code(),
        }
    }
}

/// The R12 guidance, worded for the clerk to pass on.
pub const R12_GUIDANCE: &str = "利用登録の解除を希望される場合も、マイナ保険証を保有したまま、申請により資格確認書の交付を受けられることをお伝えください (R12)。暗証番号の管理が不安な方には顔認証マイナンバーカードもご案内できます (R11)。";

/// True when the person has ever been handed 別添1.
pub(crate) fn has_had_bessou1(conn: &crate::store::Read<'_>, person_id: i64) -> Result<bool, StoreError> {
    conn.touchpoints().has_had_bessou1(person_id)
}

/// Records a touchpoint at the actor's desk, with the leaflets handed out (current editions).
pub fn add(store: &mut Store, actor: &Actor, input: &TouchpointInput, now: chrono::NaiveDateTime) -> Result<Recorded, TouchpointError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::RecordTouchpoint)?;
    let today = now.date();
    let mut c = Checker::new();
    let date = if input.date.trim().is_empty() {
        Some(today)
    } else {
        c.take(
            "date",
            validate::date_on("接点の日付", &input.date, today).and_then(|d| {
                if d > today {
                    Err("接点の日付が未来です。今日以前の日付を入力してください".to_string())
                } else {
                    Ok(d)
                }
            }),
        )
    };
    let kind = if input.kind.trim().is_empty() {
        c.fail("kind", "接点の種類を選んでください");
        None
    } else {
        c.take("kind", TouchpointKind::parse(&input.kind))
    };
    let mut leaflets = Vec::new();
    for l in &input.leaflets {
        if let Some(l) = c.take("leaflets", Leaflet::parse(l)) {
            if !leaflets.contains(&l) {
                leaflets.push(l);
            }
        }
    }
    let wish = if input.wish.trim().is_empty() { Some(Wish::Unknown) } else { c.take("wish", Wish::parse(&input.wish)) };
    let notes = c.take("notes", validate::text("メモ", &input.notes, 2000, false));
    c.take(validate::CONFIRM_DIGITS, validate::unconfirmed_digits("メモ", &input.notes, input.confirmed_digits));
    c.finish().map_err(TouchpointError::Invalid)?;
    let (Some(date), Some(kind), Some(wish), Some(notes)) = (date, kind, wish, notes) else { unreachable!("the checker refused any missing value above") };
    if kind == TouchpointKind::CancelRequest && !actor.desk.is_insurer_desk() {
        return Err(TouchpointError::CancelRequestDesk);
    }
    store.write(|tx| {
        let p = person::load(tx, input.person_id)?;
        if kind == TouchpointKind::CancelRequest && !(p.mynumber_card != person::CardKind::None && p.registration == person::Registration::Registered) {
            return Err(TouchpointError::NothingToCancel);
        }
        let id = tx.touchpoints_mut().insert(&NewTouchpoint {
            person_id: input.person_id,
            desk: actor.desk,
            staff_id: actor.staff_id,
            date,
            kind,
            wish,
            notes: &notes,
            created_at: crate::stamp(now),
        })?;
        let mut given = Vec::new();
        for l in &leaflets {
            // The leaflet module's lookup still reports the engine's error; the store's error
            // type carries it.
            let edition = leaflet::current_edition(tx, *l, date)?;
            tx.touchpoints_mut().add_leaflet(id, *l, &edition)?;
            given.push(LeafletGiven { leaflet: *l, edition });
        }
        if wish == Wish::WantsCancel {
            tx.touchpoints_mut().note_wish_to_cancel(input.person_id)?;
        }
        // The 解除申請 itself: from now the card no longer confirms the person's insurance, so
        // the rules route them as a person without a マイナ保険証.
        if kind == TouchpointKind::CancelRequest {
            tx.touchpoints_mut().note_registration_cancelled(input.person_id)?;
        }
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "touchpoint",
            Some(id),
            serde_json::json!({"person_id": input.person_id, "kind": kind, "leaflets": leaflets}),
        )?;
        let prompt = kind.is_r10_occasion() && !has_had_bessou1(tx, input.person_id)?;
        Ok(Recorded {
            touchpoint: Touchpoint {
                id,
                person_id: input.person_id,
                desk: actor.desk.label().to_string(),
                desk_code: actor.desk,
                staff_login: actor.login.clone(),
                date,
                kind,
                kind_label: kind.label(),
                leaflets: given,
                wish,
                wish_label: wish.label(),
                notes,
            },
            prompt_bessou1: prompt,
            prompt_message: prompt.then(|| {
                "この方にはまだ別添1のリーフレットを渡していません。資格確認書は代理申請も含めて申請できることを案内し、別添1を渡してください (R10)。"
                    .to_string()
            }),
            r12_guidance: (wish == Wish::WantsCancel || kind == TouchpointKind::CancelRequest).then(|| R12_GUIDANCE.to_string()),
        })
    })
}

/// The wish the person last expressed at a touchpoint, with its date; a later touchpoint that
/// left the wish 未確認 does not erase it.
pub(crate) fn latest_wish(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Option<(Wish, chrono::NaiveDate)>, StoreError> {
    conn.touchpoints().latest_wish(person_id)
}

/// A person's touchpoints, newest first.
pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Touchpoint>, StoreError> {
    conn.touchpoints().for_person(person_id)
}
