//! Referrals (連携依頼) from the welfare desks to the NHI or 後期 desk, with their review.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::model::staff::{Actor, Desk, Role};
use crate::person::{self, PersonError};
use crate::store::referrals::{NewComment, NewReferral};
use crate::store::{Store, StoreError};
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

pub use crate::model::referral::{Comment, QueueFilter, QueueOrder, Referral, ReferralActionKind, ReferralStatus, SharingBasis};

#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralInput {
    pub person_id: i64,
    /// kokuho or kouki; empty picks the desk of the person's scheme.
    pub to_desk: String,
    pub reason: String,
    pub proposed_applicant: String,
    /// The code of the consent or legal basis the desk shares on (`SharingBasis`); required.
    pub sharing_basis: String,
    /// How and when consent was confirmed (e.g. 「11月25日 窓口で本人に口頭で確認」).
    pub sharing_note: String,
    /// The clerk confirmed that a twelve-digit number in the reason is not a 個人番号.
    pub confirmed_digits: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReferralError {
    #[error("連携依頼 ID {0} は登録されていません")]
    NotFound(i64),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("{0}")]
    Forbidden(String),
    #[error("この連携依頼は「{from}」のため、{action}できません")]
    Transition { from: &'static str, action: &'static str },
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ReferralError {
    pub fn code(&self) -> &'static str {
        match self {
            ReferralError::NotFound(_) => "referral.not_found",
            ReferralError::Invalid(_) => "referral.invalid",
            ReferralError::Forbidden(_) => "referral.forbidden",
            ReferralError::Transition { .. } => "referral.bad_transition",
            ReferralError::Person(e) => e.code(),
            ReferralError::Access(e) => e.code(),
            ReferralError::Store(e) => e.code(),
        }
    }
}

/// Sends a referral from the actor's welfare desk to the insurer desk.
pub fn send(store: &mut Store, actor: &Actor, input: &ReferralInput, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    if actor.desk.is_insurer_desk() && actor.role != Role::Admin {
        return Err(ReferralError::Forbidden(
            "連携依頼は介護・障害・児童の各窓口と相談支援センターから送ります。国保・後期の窓口では申請を直接受け付けてください".into(),
        ));
    }
    crate::access::require(actor, crate::access::Permission::SendReferral)?;
    let mut c = Checker::new();
    let reason = c.take("reason", validate::text("依頼の理由", &input.reason, 1000, true));
    let applicant = c.take("proposed_applicant", validate::text("申請者の候補", &input.proposed_applicant, 100, false));
    let basis = if input.sharing_basis.trim().is_empty() {
        c.fail(
            "sharing_basis",
            "情報共有の根拠 (本人の同意、家族・法定代理人の同意、または市内部での利用) を選んでください。国保・後期の窓口へ個人の情報を送るための根拠として記録します",
        );
        None
    } else {
        c.take("sharing_basis", SharingBasis::parse(&input.sharing_basis))
    };
    let note = c.take("sharing_note", validate::text("同意の確認方法", &input.sharing_note, 200, false));
    for (label, text) in [("依頼の理由", &input.reason), ("申請者の候補", &input.proposed_applicant), ("同意の確認方法", &input.sharing_note)]
    {
        c.take(validate::CONFIRM_DIGITS, validate::unconfirmed_digits(label, text, input.confirmed_digits));
    }
    let to_desk = if input.to_desk.trim().is_empty() {
        None
    } else {
        c.take(
            "to_desk",
            Desk::parse(&input.to_desk).and_then(|d| {
                if d.is_insurer_desk() {
                    Ok(d)
                } else {
                    Err("送付先は国民健康保険または後期高齢者医療の窓口を選んでください".into())
                }
            }),
        )
    };
    c.finish().map_err(ReferralError::Invalid)?;
    let (Some(reason), Some(applicant), Some(basis), Some(note)) = (reason, applicant, basis, note) else {
        unreachable!("the checker refused any missing value above")
    };
    let today = now.date();
    store.write(|tx| {
        let p = person::load(tx, input.person_id)?;
        let to = to_desk.unwrap_or(if p.scheme == person::Scheme::Kouki { Desk::Kouki } else { Desk::Kokuho });
        let id = tx.referrals_mut().insert(&NewReferral {
            person_id: p.id,
            from_desk: actor.desk,
            to_desk: to,
            reason: &reason,
            proposed_applicant: &applicant,
            sharing_basis: basis,
            sharing_note: &note,
            sent_by: actor.staff_id,
            sent_on: today,
        })?;
        audit::record(tx, actor, now, Action::Create, "referral", Some(id), serde_json::json!({"person_id": p.id, "to_desk": to}))?;
        load(tx, id)
    })
}

/// The state machine and the desk rules in one place: whether `actor` may take an action of
/// `kind` on `r` as it stands. Every action checks it, and [`next_actions`] offers exactly the
/// actions it allows. Only the desk a referral was sent to reviews it (its clerks and
/// supervisors), only the sending desk sends a returned one again, and only those two desks
/// write in the thread.
fn may(actor: &Actor, r: &Referral, kind: ReferralActionKind) -> Result<(), ReferralError> {
    use ReferralStatus::*;
    let admin = actor.role == Role::Admin;
    let from: &[ReferralStatus] = match kind {
        ReferralActionKind::Comment => {
            crate::access::require(actor, crate::access::Permission::CommentReferral)?;
            if actor.desk != r.from_desk && actor.desk != r.to_desk && !admin {
                return Err(ReferralError::Forbidden("コメントできるのは依頼元と依頼先の窓口の職員です".into()));
            }
            return Ok(());
        }
        ReferralActionKind::Withdraw => {
            // The sender takes back what it asked: while the other desk has not taken it up
            // (sent), or when it came back (returned) and will not be sent again.
            crate::access::require(actor, crate::access::Permission::SendReferral)?;
            if actor.desk != r.from_desk && !admin {
                return Err(ReferralError::Forbidden(format!("連携依頼を取り下げられるのは依頼元の{}窓口です", r.from_desk.label())));
            }
            &[Sent, Returned]
        }
        ReferralActionKind::Resend => {
            if actor.desk != r.from_desk && !admin {
                return Err(ReferralError::Forbidden(format!("差し戻された連携依頼を再送できるのは{}窓口です", r.from_desk.label())));
            }
            &[Returned]
        }
        ReferralActionKind::Accept | ReferralActionKind::Return | ReferralActionKind::Complete => {
            crate::access::require(actor, crate::access::Permission::ReviewReferral)?;
            let at_desk = actor.desk == r.to_desk && matches!(actor.role, Role::Clerk | Role::Supervisor);
            if !at_desk && !admin {
                return Err(ReferralError::Forbidden(format!("この連携依頼を処理できるのは{}窓口の事務担当・係長です", r.to_desk.label())));
            }
            if kind == ReferralActionKind::Complete {
                &[Accepted]
            } else {
                &[Sent]
            }
        }
    };
    if from.contains(&r.status) {
        Ok(())
    } else {
        Err(ReferralError::Transition { from: r.status.label(), action: kind.label() })
    }
}

/// What `actor` may do to `r` now, for the window to offer (the core checks again on the action).
pub fn next_actions(actor: &Actor, r: &Referral) -> Vec<ReferralActionKind> {
    ReferralActionKind::ALL.iter().copied().filter(|k| may(actor, r, *k).is_ok()).collect()
}

/// `r` with the actions `actor` may take on it.
pub(crate) fn for_actor(actor: &Actor, mut r: Referral) -> Referral {
    r.next = next_actions(actor, &r);
    r
}

fn transition(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    now: chrono::NaiveDateTime,
    kind: ReferralActionKind,
    to: ReferralStatus,
    note: &str,
) -> Result<Referral, ReferralError> {
    store.write(|tx| {
        let r = load(tx, id)?;
        may(actor, &r, kind)?;
        let today = now.date();
        let store = tx.referrals_mut();
        match to {
            ReferralStatus::Accepted => store.mark_accepted(id, actor.staff_id, today)?,
            ReferralStatus::Returned => store.mark_returned(id, actor.staff_id, today, note)?,
            ReferralStatus::Completed => store.mark_completed(id, today)?,
            ReferralStatus::Sent => store.mark_sent_again(id, today)?,
            ReferralStatus::Withdrawn => store.mark_withdrawn(id, today, note)?,
        }
        if !note.is_empty() {
            add_comment_row(tx, actor, id, now, &format!("[{}] {note}", to.label()))?;
        }
        audit::record(tx, actor, now, Action::Update, "referral", Some(id), serde_json::json!({"status": {"before": r.status, "after": to}, "note": note}))?;
        Ok(for_actor(actor, load(tx, id)?))
    })
}

/// What a desk does to a referral, as the window and the API send it.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReferralAction {
    /// 受理 by the desk it was sent to.
    Accept {
        #[serde(default)]
        note: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 差戻し with a reason the sender can act on.
    Return {
        reason: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 完了 once the application is received or settled.
    Complete {
        #[serde(default)]
        note: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 再送 by the sender after acting on the reason.
    Resend {
        #[serde(default)]
        note: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// A comment in the thread.
    Comment {
        body: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
    /// 取下げ by the sender, with the reason the other desk is told.
    Withdraw {
        reason: String,
        #[serde(default)]
        confirmed_digits: bool,
    },
}

/// Does `action` to referral `id`. Every action's free text (a note, a reason, a comment) is
/// checked like any text field and, in addition, a twelve-digit run in it is stored only once
/// the clerk has confirmed (`confirmed_digits`) that it is not a 個人番号.
pub fn act(store: &mut Store, actor: &Actor, id: i64, action: &ReferralAction, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    use ReferralAction as A;
    use ReferralActionKind as K;
    use ReferralStatus as S;
    match action {
        A::Accept { note, confirmed_digits } => {
            let note = free_text("note", "メモ", note, false, *confirmed_digits)?;
            transition(store, actor, id, now, K::Accept, S::Accepted, &note)
        }
        A::Return { reason, confirmed_digits } => {
            let reason = free_text("reason", "差戻しの理由", reason, true, *confirmed_digits)?;
            transition(store, actor, id, now, K::Return, S::Returned, &reason)
        }
        A::Complete { note, confirmed_digits } => {
            let note = free_text("note", "メモ", note, false, *confirmed_digits)?;
            transition(store, actor, id, now, K::Complete, S::Completed, &note)
        }
        A::Resend { note, confirmed_digits } => {
            let note = free_text("note", "メモ", note, false, *confirmed_digits)?;
            transition(store, actor, id, now, K::Resend, S::Sent, &note)
        }
        A::Withdraw { reason, confirmed_digits } => {
            let reason = free_text("reason", "取下げの理由", reason, true, *confirmed_digits)?;
            transition(store, actor, id, now, K::Withdraw, S::Withdrawn, &reason)
        }
        A::Comment { body, confirmed_digits } => {
            crate::access::require(actor, crate::access::Permission::CommentReferral)?;
            let body = free_text("body", "コメント", body, true, *confirmed_digits)?;
            store.write(|tx| {
                let r = load(tx, id)?;
                may(actor, &r, K::Comment)?;
                add_comment_row(tx, actor, id, now, &body)?;
                audit::record(tx, actor, now, Action::Update, "referral", Some(id), serde_json::json!({"comment": body}))?;
                Ok(for_actor(actor, load(tx, id)?))
            })
        }
    }
}

/// A note, reason or comment: a text field of at most 1,000 characters whose twelve-digit runs
/// need the clerk's confirmation.
fn free_text(field: &'static str, label: &str, value: &str, required: bool, confirmed_digits: bool) -> Result<String, ReferralError> {
    validate::typed_text(field, label, value, 1000, required, confirmed_digits).map_err(ReferralError::Invalid)
}

/// The insurer desk accepts a sent referral (a twelve-digit run in the note is refused; see
/// [`act`] for the confirmed path).
pub fn accept(store: &mut Store, actor: &Actor, id: i64, note: &str, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    act(store, actor, id, &ReferralAction::Accept { note: note.to_string(), confirmed_digits: false }, now)
}

/// The insurer desk returns a sent referral with a reason the sender can act on.
pub fn send_back(store: &mut Store, actor: &Actor, id: i64, reason: &str, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    act(store, actor, id, &ReferralAction::Return { reason: reason.to_string(), confirmed_digits: false }, now)
}

/// The insurer desk completes an accepted referral (the application is received or settled).
pub fn complete(store: &mut Store, actor: &Actor, id: i64, note: &str, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    act(store, actor, id, &ReferralAction::Complete { note: note.to_string(), confirmed_digits: false }, now)
}

/// The sending desk sends a returned referral again after acting on the reason.
pub fn resend(store: &mut Store, actor: &Actor, id: i64, note: &str, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    act(store, actor, id, &ReferralAction::Resend { note: note.to_string(), confirmed_digits: false }, now)
}

/// The sending desk withdraws a referral nobody has taken up (sent) or that came back
/// (returned), with the reason the other desk reads in the thread.
pub fn withdraw(store: &mut Store, actor: &Actor, id: i64, reason: &str, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    act(store, actor, id, &ReferralAction::Withdraw { reason: reason.to_string(), confirmed_digits: false }, now)
}

/// Adds a comment to the thread; staff of the sending or receiving desk only.
pub fn comment(store: &mut Store, actor: &Actor, id: i64, body: &str, now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    act(store, actor, id, &ReferralAction::Comment { body: body.to_string(), confirmed_digits: false }, now)
}

/// When an application that came from referral `id` ends (`outcome`: 交付済, 却下, 取下げ, or
/// the 広域連合's decision), the referral ends with it: the desk that sent it reads the outcome in
/// the thread instead of waiting for someone to press 完了にする. Only a referral still open
/// (sent or accepted) is completed; one that was returned or withdrawn keeps its state.
pub(crate) fn complete_with_application(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    id: i64,
    outcome: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let Some(r) = tx.referrals().get(id)? else { return Ok(()) };
    if !matches!(r.status, ReferralStatus::Sent | ReferralStatus::Accepted) {
        return Ok(());
    }
    complete_with_comment(tx, actor, &r, &format!("[完了] 申請が「{outcome}」になりました"), ("application_outcome", outcome.into()), now)
}

/// Completes referral `r` without a step of its desks, with a comment both desks read saying why,
/// audited with `cause` (a key and its value) beside the change of status.
fn complete_with_comment(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    r: &Referral,
    comment: &str,
    cause: (&str, serde_json::Value),
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    tx.referrals_mut().mark_completed(r.id, now.date())?;
    add_comment_row(tx, actor, r.id, now, comment)?;
    let mut details = serde_json::json!({"status": {"before": r.status, "after": ReferralStatus::Completed}});
    details[cause.0] = cause.1;
    audit::record(tx, actor, now, Action::Update, "referral", Some(r.id), details)?;
    Ok(())
}

/// Ends an open referral (送付済み, 受理 or 差戻し) because its person moved out (転出), inside the
/// caller's transaction, with a comment both desks read; false when it had already ended.
pub(crate) fn close_on_moving_out(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    r: &Referral,
    why: &str,
    now: chrono::NaiveDateTime,
) -> Result<bool, StoreError> {
    if !matches!(r.status, ReferralStatus::Sent | ReferralStatus::Accepted | ReferralStatus::Returned) {
        return Ok(false);
    }
    complete_with_comment(tx, actor, r, &format!("[転出] {why}"), ("moved_out", true.into()), now)?;
    Ok(true)
}

fn add_comment_row(tx: &crate::store::Write<'_>, actor: &Actor, id: i64, now: chrono::NaiveDateTime, body: &str) -> Result<(), StoreError> {
    tx.referrals_mut().add_comment(&NewComment { referral_id: id, staff_id: actor.staff_id, at: crate::stamp(now), body })
}

/// One referral with its comment thread.
pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Referral, ReferralError> {
    conn.referrals().get(id)?.ok_or(ReferralError::NotFound(id))
}

/// One referral with its thread and what `actor` may do to it.
pub fn get(store: &Store, actor: &Actor, id: i64, _now: chrono::NaiveDateTime) -> Result<Referral, ReferralError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(for_actor(actor, load(&store.read(), id)?))
}

/// The signed-in desk's queue: referrals sent to it or from it, optionally in one state, oldest
/// or newest first, each with what `actor` may do to it.
/// The queue is audited with the persons it showed.
pub fn queue(
    store: &mut Store,
    actor: &Actor,
    filter: QueueFilter,
    order: QueueOrder,
    page: Page,
    now: chrono::NaiveDateTime,
) -> Result<Paged<Referral>, ReferralError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    // An administrator oversees every desk, as the home's counts do for them.
    let desk = (actor.role != Role::Admin).then_some(actor.desk);
    let mut q = audit::viewed_many(
        store,
        actor,
        now,
        "referral_queue",
        |conn| Ok::<_, ReferralError>(conn.referrals().queue(desk, filter, order, page)?),
        |q: &Paged<Referral>| serde_json::json!({"shown": q.items.iter().map(|r| r.person_id).collect::<Vec<_>>()}),
    )?;
    q.items = q
        .items
        .into_iter()
        .map(|r| {
            // In the store's order; each says how long it has waited.
            let waited = (now.date() - r.sent_on).num_days().max(0);
            Referral { waited_days: Some(waited), ..for_actor(actor, r) }
        })
        .collect();
    Ok(q)
}

/// A desk's queue: referrals sent to it (or from it; every desk's when `desk` is None), as
/// `filter` picks them, oldest first.
pub(crate) fn queue_of(conn: &crate::store::Read<'_>, desk: Option<Desk>, filter: QueueFilter, page: Page) -> Result<Paged<Referral>, ReferralError> {
    Ok(conn.referrals().queue(desk, filter, QueueOrder::Oldest, page)?)
}

/// How many referrals wait for `actor`'s desk to act on them: sent to it and not yet
/// answered, and returned to it (every desk's for an administrator). The window shows the
/// number on its 連携依頼 tab; it names nobody, so it is not audited.
pub fn waiting(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<i64, ReferralError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = store.read();
    let home = conn.home();
    let admin = actor.role == Role::Admin;
    Ok(home.referrals_to_review(admin, actor.desk)? + home.referrals_returned(admin, actor.desk)?)
}

/// Referrals in `status`, oldest first: touching `desk` (sent to or from it) when given, sent
/// from `from_desk` when given, and sent on or before `sent_until` when given.
pub fn matching(
    conn: &crate::store::Read<'_>,
    status: ReferralStatus,
    desk: Option<Desk>,
    from_desk: Option<Desk>,
    sent_until: Option<NaiveDate>,
    page: Page,
) -> Result<Paged<Referral>, ReferralError> {
    Ok(conn.referrals().matching(status, desk, from_desk, sent_until, page)?)
}

/// A person's referrals with their threads, newest first.
pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Referral>, StoreError> {
    conn.referrals().for_person(person_id)
}
