//! Mailings to 要配慮者 living at home (notice 1(1), 在宅の要配慮者に対する周知): whom to write
//! to, chosen by reasons, route, age, the desk that saw them last and whether they applied (the
//! welfare desks' people first); each letter's outcome, followed to the deadline and after it
//! with a reminder. The letters and the envelopes' addresses are made by `print` and
//! [`addresses_csv`], through the disclosure rule.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use crate::audit::{self, Action};
use crate::model::person::{Person, Reason};
use crate::model::staff::{Actor, Desk};
use crate::person;
use crate::policy::{self, RouteKind};
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

pub use crate::model::mailing::{MailingAddress, MailingCampaign, MailingCounts, MailingOutcome, MailingRecipient, MailingSummary};

/// The longest a mailing waits for answers.
pub const MAX_DAYS: i64 = 180;
/// The most letters one mailing sends.
pub const MAX_LETTERS: usize = 5000;
/// How many names a preview shows.
const PREVIEW_NAMES: usize = 20;

/// Whom to write to, as the mailing screen sends it: codes and typed numbers, checked here.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailingSelection {
    /// Any of these reasons (empty: any reason for care).
    pub reasons: Vec<String>,
    /// Any of these routes (empty: any).
    pub routes: Vec<String>,
    /// Ages on the day, inclusive (empty: no bound).
    pub min_age: String,
    pub max_age: String,
    /// The desk of the person's last touchpoint (empty: any, or none).
    pub desk: String,
    /// Only those with no application in progress or decided.
    pub without_application: bool,
    /// At most this many letters (empty: all, up to [`MAX_LETTERS`]); the welfare desks'
    /// people come first.
    pub limit: String,
}

/// A mailing as it is started.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailingInput {
    pub title: String,
    /// By when answers are asked for (any date form; tomorrow to 180 days).
    pub deadline: String,
    pub note: String,
    pub selection: MailingSelection,
    pub confirmed_digits: bool,
}

/// What a selection would send, before anything is stored.
#[derive(ts_rs::TS, Debug, Clone, serde::Serialize)]
pub struct MailingPreview {
    pub letters: i64,
    /// Of them, people a welfare desk saw last (sent first).
    pub from_welfare_desks: i64,
    /// Protected persons (支援措置) left out: no safe address, or a reader who may not see it.
    pub protected_left_out: i64,
    /// People left out for want of an address.
    pub without_address: i64,
    /// People beyond the limit.
    pub beyond_limit: i64,
    /// The first names, in the order the letters go.
    pub names: Vec<String>,
    /// The selection in words.
    pub criteria: String,
}

/// One letter's outcome, as the receiving screen sends it.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailingOutcomeInput {
    pub person_id: i64,
    /// declined or returned_mail (an application answers by itself).
    pub outcome: String,
    pub on: String,
    pub note: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailingError {
    #[error("在宅周知 ID {0} はありません")]
    NotFound(i64),
    #[error("条件に当てはまる方がいません。条件を広げてください")]
    NobodyChosen,
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Person(#[from] person::PersonError),
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl MailingError {
    pub fn code(&self) -> &'static str {
        match self {
            MailingError::NotFound(_) => "mailing.not_found",
            MailingError::NobodyChosen => "mailing.nobody_chosen",
            MailingError::Invalid(_) => "mailing.invalid",
            MailingError::Person(e) => e.code(),
            MailingError::Policy(e) => e.code(),
            MailingError::Access(e) => e.code(),
            MailingError::Store(e) => e.code(),
        }
    }
}

/// The selection read: every field checked, each problem at once.
struct Chosen {
    reasons: Vec<Reason>,
    routes: Vec<RouteKind>,
    min_age: Option<i32>,
    max_age: Option<i32>,
    desk: Option<Desk>,
    without_application: bool,
    limit: usize,
}

fn age(c: &mut Checker, field: &'static str, label: &str, text: &str) -> Option<i32> {
    let t = crate::text::nfkc(text.trim());
    if t.is_empty() {
        return None;
    }
    match t.parse::<i32>() {
        Ok(n) if (0..=130).contains(&n) => Some(n),
        _ => {
            c.fail(field, format!("{label}は0から130までの数字で入力してください (入力: {})", text.trim()));
            None
        }
    }
}

fn check_selection(c: &mut Checker, s: &MailingSelection) -> Chosen {
    let mut reasons = Vec::new();
    for r in &s.reasons {
        if let Some(r) = c.take("selection.reasons", Reason::parse(r)) {
            reasons.push(r);
        }
    }
    let mut routes = Vec::new();
    for r in &s.routes {
        if let Some(r) = c.take("selection.routes", RouteKind::parse(r)) {
            routes.push(r);
        }
    }
    let min_age = age(c, "selection.min_age", "年齢 (下限)", &s.min_age);
    let max_age = age(c, "selection.max_age", "年齢 (上限)", &s.max_age);
    if let (Some(a), Some(b)) = (min_age, max_age) {
        if a > b {
            c.fail("selection.max_age", "年齢の上限は下限以上にしてください");
        }
    }
    let desk = if s.desk.trim().is_empty() { None } else { c.take("selection.desk", Desk::parse(&s.desk)) };
    let limit = match crate::text::nfkc(s.limit.trim()).as_ref() {
        "" => MAX_LETTERS,
        t => match t.parse::<usize>() {
            Ok(n) if (1..=MAX_LETTERS).contains(&n) => n,
            _ => {
                c.fail("selection.limit", format!("通数の上限は1から{MAX_LETTERS}までの数字で入力してください"));
                MAX_LETTERS
            }
        },
    };
    Chosen { reasons, routes, min_age, max_age, desk, without_application: s.without_application, limit }
}

impl Chosen {
    /// The selection in words, kept with the mailing.
    fn words(&self) -> String {
        let mut parts = Vec::new();
        if !self.reasons.is_empty() {
            parts.push(format!("配慮理由: {}", self.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("・")));
        }
        if !self.routes.is_empty() {
            parts.push(format!("交付経路: {}", self.routes.iter().map(|r| r.label()).collect::<Vec<_>>().join("・")));
        }
        match (self.min_age, self.max_age) {
            (Some(a), Some(b)) => parts.push(format!("{a}歳から{b}歳")),
            (Some(a), None) => parts.push(format!("{a}歳以上")),
            (None, Some(b)) => parts.push(format!("{b}歳以下")),
            (None, None) => {}
        }
        if let Some(d) = self.desk {
            parts.push(format!("最後の接点: {}", d.label()));
        }
        if self.without_application {
            parts.push("申請なしの方".into());
        }
        if self.limit < MAX_LETTERS {
            parts.push(format!("最大{}通", self.limit));
        }
        if parts.is_empty() {
            "在宅の要配慮者すべて".into()
        } else {
            format!("在宅の要配慮者 ({})", parts.join("、"))
        }
    }
}

/// One person chosen, with where the letter goes and whether a welfare desk saw them last.
struct Addressee {
    person: Person,
    address: MailingAddress,
    welfare: bool,
}

/// Everyone the selection chooses, the welfare desks' people first (each part in 五十音順),
/// and the preview's counts of those left out.
fn choose(conn: &crate::store::Read<'_>, actor: &Actor, s: &Chosen, today: NaiveDate) -> Result<(Vec<Addressee>, MailingPreview), MailingError> {
    let audience = crate::disclosure::Audience::of(actor);
    let rules = policy::rules(conn)?;
    let (mut protected_left_out, mut without_address) = (0, 0);
    let mut chosen = Vec::new();
    for cand in conn.mailings().candidates()? {
        if s.without_application && cand.applied {
            continue;
        }
        if s.desk.is_some() && cand.last_desk != s.desk {
            continue;
        }
        let p = person::load(conn, cand.person_id)?;
        if !s.reasons.is_empty() && !p.reasons.iter().any(|r| s.reasons.contains(r)) {
            continue;
        }
        let age = p.age_on(today);
        if s.min_age.is_some_and(|a| age < a) || s.max_age.is_some_and(|b| age > b) {
            continue;
        }
        if !s.routes.is_empty() {
            let facts = policy::Facts::of(conn, &p, today)?;
            if !s.routes.contains(&policy::evaluate(&rules, p.scheme, &facts, today).kind) {
                continue;
            }
        }
        // Where the letter goes is what the print will choose (`letter_address`): a protected
        // person's safe address, only for a desk that may see it.
        match letter_address(&audience, &p) {
            None => {
                protected_left_out += 1;
                continue;
            }
            Some((_, address)) if address.trim().is_empty() => {
                without_address += 1;
                continue;
            }
            Some(_) => {}
        }
        let address = if p.protected { MailingAddress::Safe } else { MailingAddress::Registered };
        let welfare = cand.last_desk.is_some_and(|d| !d.is_insurer_desk());
        chosen.push(Addressee { person: p, address, welfare });
    }
    // The sort is stable, so each part stays in 五十音順.
    chosen.sort_by_key(|a| !a.welfare);
    let beyond_limit = chosen.len().saturating_sub(s.limit) as i64;
    chosen.truncate(s.limit);
    let preview = MailingPreview {
        letters: chosen.len() as i64,
        from_welfare_desks: chosen.iter().filter(|a| a.welfare).count() as i64,
        protected_left_out,
        without_address,
        beyond_limit,
        names: chosen.iter().take(PREVIEW_NAMES).map(|a| a.person.name.clone()).collect(),
        criteria: s.words(),
    };
    Ok((chosen, preview))
}

fn may_mail(actor: &Actor) -> Result<(), MailingError> {
    // The insurer desks write to the city's 国保 and 後期 members.
    crate::access::require(actor, crate::access::Permission::ReceiveApplication)?;
    Ok(())
}

/// What a selection would send, without storing anything.
pub fn preview(store: &Store, actor: &Actor, selection: &MailingSelection, now: chrono::NaiveDateTime) -> Result<MailingPreview, MailingError> {
    store.enter(actor.municipality)?;
    may_mail(actor)?;
    let mut c = Checker::new();
    let chosen = check_selection(&mut c, selection);
    c.finish().map_err(MailingError::Invalid)?;
    Ok(choose(&store.read(), actor, &chosen, now.date())?.1)
}

pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64, today: NaiveDate) -> Result<MailingCampaign, MailingError> {
    conn.mailings().get(id, today)?.ok_or(MailingError::NotFound(id))
}

fn shown(actor: &Actor, m: MailingCampaign) -> MailingCampaign {
    crate::disclosure::mailing(&crate::disclosure::Audience::of(actor), m).into_inner()
}

/// Starts a mailing: every person the selection chooses gets a letter, recorded as sent today.
pub fn start(store: &mut Store, actor: &Actor, input: &MailingInput, now: chrono::NaiveDateTime) -> Result<MailingCampaign, MailingError> {
    store.enter(actor.municipality)?;
    may_mail(actor)?;
    let today = now.date();
    let mut c = Checker::new();
    let title = c.take("title", validate::text("件名", &input.title, 60, true));
    let deadline = if input.deadline.trim().is_empty() {
        c.fail("deadline", "返答の期限を入力してください");
        None
    } else {
        c.take(
            "deadline",
            validate::date_on("返答の期限", &input.deadline, today).and_then(|d| {
                if d <= today {
                    Err("返答の期限は明日以降の日にしてください".to_string())
                } else if d > today + Duration::days(MAX_DAYS) {
                    Err(format!("返答の期限は{MAX_DAYS}日以内にしてください"))
                } else {
                    Ok(d)
                }
            }),
        )
    };
    let note = c.take("note", validate::text("メモ", &input.note, 500, false));
    c.take(validate::CONFIRM_DIGITS, validate::unconfirmed_digits("メモ", &input.note, input.confirmed_digits));
    let chosen = check_selection(&mut c, &input.selection);
    c.finish().map_err(MailingError::Invalid)?;
    let (Some(title), Some(deadline), Some(note)) = (title, deadline, note) else { unreachable!("the checker refused any missing value above") };
    store.write(|tx| {
        let (addressees, preview) = choose(tx, actor, &chosen, today)?;
        if addressees.is_empty() {
            return Err(MailingError::NobodyChosen);
        }
        let id = tx.mailings_mut().insert(&crate::store::mailings::NewMailing {
            title: &title,
            started_on: today,
            deadline,
            criteria: &preview.criteria,
            note: &note,
            staff_id: actor.staff_id,
            created_at: &crate::stamp(now),
        })?;
        for a in &addressees {
            tx.mailings_mut().add_recipient(id, a.person.id, a.address)?;
        }
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "mailing",
            Some(id),
            serde_json::json!({"letters": addressees.len(), "deadline": deadline, "criteria": preview.criteria}),
        )?;
        Ok(shown(actor, load(tx, id, today)?))
    })
}

/// One mailing with every letter's outcome.
pub fn get(store: &Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<MailingCampaign, MailingError> {
    store.enter(actor.municipality)?;
    may_mail(actor)?;
    Ok(shown(actor, load(&store.read(), id, now.date())?))
}

/// Every mailing, newest first.
pub fn list(store: &Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Vec<MailingCampaign>, MailingError> {
    store.enter(actor.municipality)?;
    may_mail(actor)?;
    let conn = &store.read();
    conn.mailings().ids()?.into_iter().map(|id| Ok(shown(actor, load(conn, id, now.date())?))).collect()
}

/// Records what became of letters: declined, or returned as undeliverable (an application
/// answers a letter by itself). Every line is checked first; one refusal stores nothing.
pub fn record_outcomes(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    lines: &[MailingOutcomeInput],
    now: chrono::NaiveDateTime,
) -> Result<MailingCampaign, MailingError> {
    store.enter(actor.municipality)?;
    may_mail(actor)?;
    let today = now.date();
    store.write(|tx| {
        let m = shown(actor, load(tx, id, today)?);
        let mut c = Checker::new();
        if lines.is_empty() {
            c.fail("outcomes", "結果を記録する方を選んでください");
        }
        let mut checked = Vec::new();
        for line in lines {
            let Some(r) = m.recipients.iter().find(|r| r.person_id == line.person_id) else {
                c.fail("outcomes", format!("対象者 ID {} はこの在宅周知の送付先ではありません", line.person_id));
                continue;
            };
            let name = &r.name;
            let outcome = match MailingOutcome::parse(&line.outcome) {
                Ok(o @ (MailingOutcome::Declined | MailingOutcome::ReturnedMail)) => o,
                Ok(MailingOutcome::Applied) => {
                    c.fail("outcomes", format!("{name}さん: 申請は申請の受付で記録します。受け付けると、この一覧は自動で「申請あり」になります"));
                    continue;
                }
                // Awaited and unanswered are what the dates say, never recorded; an unknown code
                // is refused with the two that may be.
                _ => {
                    c.fail(
                        "outcomes",
                        format!(
                            "{name}さん: 結果「{}」は記録できません。declined (申請しない) か returned_mail (あて所不明で返送) を選んでください",
                            line.outcome.trim()
                        ),
                    );
                    continue;
                }
            };
            if r.outcome == MailingOutcome::Applied {
                c.fail("outcomes", format!("{name}さんはすでに申請しています (申請 ID {})", r.application_id.unwrap_or_default()));
                continue;
            }
            match (validate::batch_day("日付", &line.on, today, m.started_on), validate::batch_note(&line.note)) {
                (Ok(on), Ok(note)) => checked.push((r.person_id, outcome, on, note)),
                (Err(e), _) | (_, Err(e)) => c.fail("outcomes", format!("{name}さん: {e}")),
            }
        }
        c.finish().map_err(MailingError::Invalid)?;
        for (person_id, outcome, on, note) in &checked {
            tx.mailings_mut().set_outcome(id, *person_id, *outcome, *on, note)?;
        }
        audit::record(tx, actor, now, Action::Update, "mailing", Some(id), serde_json::json!({"recorded": checked.len()}))?;
        Ok(shown(actor, load(tx, id, today)?))
    })
}

/// The letters a reminder goes to: those still awaited or unanswered, to people still here.
pub fn needs_reminder(r: &MailingRecipient) -> bool {
    !r.left && matches!(r.outcome, MailingOutcome::Awaited | MailingOutcome::NoAnswer)
}

/// Where a letter to `p` goes now, as `audience` may print it: the safe address of a person
/// protected today (even one who was not when the mailing started), the registered one
/// otherwise. `None` when this reader may not print it.
pub fn letter_address(audience: &crate::disclosure::Audience, p: &Person) -> Option<(String, String)> {
    if p.protected {
        audience.sees_protected_address().then(|| (p.safe_postal_code.clone(), p.safe_address.clone()))
    } else {
        Some((p.postal_code.clone(), p.address.clone()))
    }
}

/// Mailings past their deadline with letters unanswered, for the reminders.
pub(crate) fn overdue_in(conn: &crate::store::Read<'_>, today: NaiveDate) -> Result<Vec<MailingCampaign>, MailingError> {
    let mut out = Vec::new();
    for id in conn.mailings().ids()? {
        let m = load(conn, id, today)?;
        if m.overdue {
            out.push(m);
        }
    }
    Ok(out)
}

/// The envelopes' addresses as CSV for the print contractor: 郵便番号, 住所, 氏名 and the
/// mailing's reference, one line per letter this reader may print (a protected person's safe
/// address only for a desk that may see it). `reminder` keeps only the letters a reminder
/// goes to.
pub fn addresses_csv(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    reminder: bool,
    encoding: crate::import::Encoding,
    now: chrono::NaiveDateTime,
) -> Result<(Vec<u8>, usize), MailingError> {
    store.enter(actor.municipality)?;
    may_mail(actor)?;
    crate::access::require(actor, crate::access::Permission::ExportData)?;
    let today = now.date();
    let conn = &store.read();
    let m = shown(actor, load(conn, id, today)?);
    let audience = crate::disclosure::Audience::of(actor);
    let header: Vec<String> = ["整理番号", "郵便番号", "住所", "氏名"].iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    for r in m.recipients.iter().filter(|r| if reminder { needs_reminder(r) } else { !r.left }) {
        let p = person::load(conn, r.person_id)?;
        let Some((postal, address)) = letter_address(&audience, &p) else { continue };
        rows.push(vec![format!("{}-{}", m.id, r.person_id), postal, address, format!("{} 様", p.name)]);
    }
    let bytes = crate::export::to_csv(&header, &rows, encoding)
        .map_err(|e| MailingError::Invalid(Invalid(vec![validate::FieldError { field: "encoding", message: e.to_string() }])))?;
    let n = rows.len();
    store.write(|tx| audit::record(tx, actor, now, Action::Export, "mailing", Some(id), serde_json::json!({"addresses": n, "reminder": reminder})))?;
    Ok((bytes, n))
}
