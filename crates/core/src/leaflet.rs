//! The notice's handouts (別添1 leaflet, 別添2 leaflet, 別添3 poster) and their editions.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
use crate::model::staff::Actor;
use crate::store::{Store, StoreError};

pub use crate::model::leaflet::{Edition, Leaflet, Posting};

/// The editions shipped with Hairyo: the attachments of the notice of 令和7年5月13日.
const EDITIONS: &[(Leaflet, &str, &str)] =
    &[(Leaflet::Bessou1, "R7.5", "2025-05-13"), (Leaflet::Bessou2, "R7.5", "2025-05-13"), (Leaflet::Bessou3, "R7.5", "2025-05-13")];

pub(crate) fn seed(tx: &crate::store::Write<'_>) -> Result<(), StoreError> {
    for (l, edition, from) in EDITIONS {
        tx.leaflets_mut().add_edition(*l, edition, from, l.title())?;
    }
    Ok(())
}

/// The edition in force on `on`: the latest whose effective date is not after it.
pub(crate) fn current_edition(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<String, StoreError> {
    // Before the first edition's date, the earliest edition is still what is handed out.
    match conn.leaflets().edition_on(leaflet, on)? {
        Some(e) => Ok(e),
        None => Ok(conn.leaflets().first_edition(leaflet)?.unwrap_or_else(|| "R7.5".to_string())),
    }
}

/// Every edition of the handouts with its effective date.
pub fn editions(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<Edition>, LeafletError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    Ok(store.read().leaflets().all()?)
}

/// One block of a handout's text, as shipped in `assets/leaflets/*.json`.
///
/// A block that states something true only for a while (a date, "from … on", "check your
/// card's expiry") is a dated statement: it has an id, the period it is true
/// (`valid_from`..=`valid_until`) and the `replacement` printed instead outside that period,
/// written for the time after it. An administrator may edit the replacement in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    pub kind: BlockKind,
    /// Statements that can be edited or left out in settings carry an id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub a: String,
    #[serde(default)]
    pub items: Vec<String>,
    /// The first day the statement is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// The last day the statement is true (e.g. the 後期 provisional rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// What prints instead outside the period (for a Q&A, the answer); empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub replacement: String,
}

impl Block {
    /// True when the block states something only for a period.
    pub fn is_dated(&self) -> bool {
        self.valid_from.is_some() || self.valid_until.is_some()
    }

    /// Whether the statement is true on `on`.
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= on) && self.valid_until.is_none_or(|u| on <= u)
    }

    /// The block's words as one line: the text, the question and answer, or the items.
    pub fn words(&self) -> String {
        if !self.text.is_empty() {
            self.text.clone()
        } else if !self.q.is_empty() || !self.a.is_empty() {
            format!("{} {}", self.q, self.a)
        } else {
            self.items.join(" ")
        }
    }

    /// The block with `replacement` in place of what it states: a Q&A keeps its question.
    fn replaced(mut self, replacement: &str) -> Block {
        match self.kind {
            BlockKind::Qa => self.a = replacement.to_string(),
            BlockKind::Bullets | BlockKind::Steps => self.items = vec![replacement.to_string()],
            _ => self.text = replacement.to_string(),
        }
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Banner,
    Lead,
    Heading,
    Para,
    Note,
    Qa,
    Bullets,
    Steps,
    Contact,
}

/// A handout's whole text: front and back pages of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    pub leaflet: Leaflet,
    pub title: String,
    pub source: String,
    pub pages: Vec<Vec<Block>>,
}

/// The shipped text of a handout.
pub fn content(leaflet: Leaflet) -> Content {
    let json = match leaflet {
        Leaflet::Bessou1 => include_str!("../../../assets/leaflets/bessou1.json"),
        Leaflet::Bessou2 => include_str!("../../../assets/leaflets/bessou2.json"),
        Leaflet::Bessou3 => include_str!("../../../assets/leaflets/bessou3.json"),
    };
    serde_json::from_str(json).expect("assets/leaflets/*.json are valid (tested)")
}

coded_enum! {
    /// What to print for a statement with an id.
    pub enum StatementMode ("記述の扱い") {
        Auto = ("auto", "自動 (期間外は差し替えの文を印刷)"),
        Keep = ("keep", "そのまま印刷"),
        Omit = ("omit", "印刷しない"),
        Replace = ("replace", "常に差し替えの文を印刷"),
    }
}

/// What a statement prints as on a date.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Printing {
    /// The shipped statement.
    Statement,
    /// The replacement text.
    Replacement,
    /// Nothing: left out.
    Nothing,
}

/// A statement's state on a print date: whether its date has overtaken it, and what is printed.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct StatementCheck {
    pub leaflet: Leaflet,
    pub id: String,
    pub text: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// The print date is after `valid_until`.
    pub overtaken: bool,
    /// The print date is outside the period (before `valid_from` or after `valid_until`).
    pub out_of_period: bool,
    pub mode: StatementMode,
    /// The replacement in use: the administrator's if edited, else the shipped one; empty for none.
    pub replacement: String,
    /// The replacement shipped with Hairyo, to go back to.
    pub shipped_replacement: String,
    /// The administrator edited the replacement.
    pub replacement_edited: bool,
    /// What prints on the date.
    pub printing: Printing,
    /// What the counter is told before printing, in Japanese; empty when all is well.
    pub message: String,
}

/// How an administrator set a statement to print. Values written before replacements were
/// editable on their own carry the text of a `replace` setting in `text`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct StatementSetting {
    mode: StatementMode,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    text: String,
    /// The administrator's replacement; `None` keeps the shipped one, `Some("")` is none at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replacement: Option<String>,
}

impl StatementSetting {
    fn edited_replacement(&self) -> Option<String> {
        self.replacement.clone().or_else(|| (self.mode == StatementMode::Replace && !self.text.is_empty()).then(|| self.text.clone()))
    }
}

fn statement_setting(conn: &crate::store::Read<'_>, id: &str) -> Result<StatementSetting, StoreError> {
    let v = conn.settings().value(&format!("statement.{id}"))?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or(StatementSetting { mode: StatementMode::Auto, text: String::new(), replacement: None }))
}

/// Every dated statement of 別添1, 2 and 3, checked against the print date `on`.
pub fn check_all_statements(store: &Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Vec<StatementCheck>, LeafletError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    let (conn, on) = (&store.read(), now.date());
    let mut all = Vec::new();
    for leaflet in Leaflet::ALL {
        all.extend(check_statements(conn, *leaflet, on)?);
    }
    Ok(all)
}

/// Every statement with an id in `leaflet`, checked against the print date `on`.
pub(crate) fn check_statements(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<Vec<StatementCheck>, StoreError> {
    let mut out = Vec::new();
    for b in content(leaflet).pages.iter().flatten() {
        let Some(id) = &b.id else { continue };
        let s = statement_setting(conn, id)?;
        let edited = s.edited_replacement();
        let replacement = edited.clone().unwrap_or_else(|| b.replacement.clone());
        let overtaken = b.valid_until.is_some_and(|u| on > u);
        let out_of_period = !b.in_force(on);
        let printing = match s.mode {
            StatementMode::Keep => Printing::Statement,
            StatementMode::Omit => Printing::Nothing,
            StatementMode::Auto if !out_of_period => Printing::Statement,
            StatementMode::Auto | StatementMode::Replace if !replacement.is_empty() => Printing::Replacement,
            StatementMode::Auto | StatementMode::Replace => Printing::Nothing,
        };
        let until = crate::text::wareki::format(b.valid_until.unwrap_or(on));
        let message = match (overtaken, s.mode, printing) {
            (true, StatementMode::Auto, Printing::Nothing) => format!(
                "{}の記述「{}」は{until}を過ぎていますが、差し替えの文がないため印刷しません。設定 › 配布物の記載で、この記述 ({id}) の差し替えの文を入力してください",
                leaflet.label(),
                b.words(),
            ),
            (true, StatementMode::Keep, _) => format!("{}の記述「{}」は{until}を過ぎていますが、設定によりそのまま印刷します", leaflet.label(), b.words()),
            _ => String::new(),
        };
        out.push(StatementCheck {
            leaflet,
            id: id.clone(),
            text: b.words(),
            valid_from: b.valid_from,
            valid_until: b.valid_until,
            overtaken,
            out_of_period,
            mode: s.mode,
            replacement,
            shipped_replacement: b.replacement.clone(),
            replacement_edited: edited.is_some(),
            printing,
            message,
        });
    }
    Ok(out)
}

/// The handout's text as it prints on `on`: each statement with an id as its check says (the
/// statement, its replacement, or nothing).
pub(crate) fn resolved_content(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<Content, StoreError> {
    let checks = check_statements(conn, leaflet, on)?;
    let mut c = content(leaflet);
    for page in c.pages.iter_mut() {
        *page = std::mem::take(page)
            .into_iter()
            .filter_map(|b| {
                let Some(check) = b.id.as_ref().and_then(|id| checks.iter().find(|k| &k.id == id)) else { return Some(b) };
                match check.printing {
                    Printing::Statement => Some(b),
                    Printing::Replacement => Some(b.replaced(&check.replacement)),
                    Printing::Nothing => None,
                }
            })
            .collect();
    }
    Ok(c)
}

#[derive(Debug, thiserror::Error)]
pub enum LeafletError {
    #[error("リーフレットの記述の設定は管理者のみが行えます")]
    AdminOnly,
    #[error("記述「{0}」はありません。`hairyo leaflet statements` で確認してください")]
    UnknownStatement(String),
    #[error("差し替えの文を入力してください (200文字以内)")]
    BadReplacement,
    #[error("{0}")]
    Invalid(crate::validate::Invalid),
    #[error("{0}")]
    Forbidden(String),
    #[error("掲示の記録 ID {0} はありません")]
    NoSuchPosting(i64),
    #[error("この掲示は{}に撤去済みです", crate::text::wareki::format(*.0))]
    AlreadyRemoved(NaiveDate),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl LeafletError {
    pub fn code(&self) -> &'static str {
        match self {
            LeafletError::AdminOnly => "leaflet.admin_only",
            LeafletError::UnknownStatement(_) => "leaflet.unknown_statement",
            LeafletError::BadReplacement => "leaflet.bad_replacement",
            LeafletError::Invalid(_) => "leaflet.invalid",
            LeafletError::Forbidden(_) => "leaflet.forbidden",
            LeafletError::NoSuchPosting(_) => "leaflet.no_such_posting",
            LeafletError::AlreadyRemoved(_) => "leaflet.already_removed",
            LeafletError::Access(e) => e.code(),
            LeafletError::Store(e) => e.code(),
        }
    }
}

/// Sets how a statement prints and, with `replacement`, the text printed instead of it outside
/// its period: `None` keeps the shipped replacement, `Some("")` means none (the statement is then
/// left out after its date and the counter warned). Administrators only, audited.
pub fn set_statement(
    store: &mut crate::store::Store,
    actor: &crate::model::staff::Actor,
    id: &str,
    mode: StatementMode,
    replacement: Option<&str>,
    now: chrono::NaiveDateTime,
) -> Result<(), LeafletError> {
    store.enter(actor.municipality)?;
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(LeafletError::AdminOnly);
    }
    let block = Leaflet::ALL.iter().flat_map(|l| content(*l).pages.into_iter().flatten()).find(|b| b.id.as_deref() == Some(id));
    let Some(block) = block else {
        return Err(LeafletError::UnknownStatement(id.to_string()));
    };
    let replacement = match replacement {
        Some(t) => Some(crate::validate::text("差し替えの文", t, 200, false).map_err(|_| LeafletError::BadReplacement)?),
        None => None,
    };
    // The shipped text typed back is no edit: later versions' corrections of it then apply.
    let replacement = replacement.filter(|t| *t != block.replacement);
    if mode == StatementMode::Replace && replacement.as_deref().unwrap_or(&block.replacement).is_empty() {
        return Err(LeafletError::BadReplacement);
    }
    let value = serde_json::to_string(&StatementSetting { mode, text: String::new(), replacement }).unwrap_or_default();
    store.write(|tx| {
        tx.settings_mut().set(&format!("statement.{id}"), &value)?;
        crate::audit::record(tx, actor, now, crate::audit::Action::Update, "leaflet_statement", None, serde_json::json!({"id": id, "setting": value}))?;
        Ok(())
    })
}

/// A 別添3 posting as a desk records it: where, from when, which edition (empty: the one in
/// force that day).
#[derive(ts_rs::TS, Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostingInput {
    pub desk: String,
    pub place: String,
    #[serde(default)]
    pub edition: String,
    #[serde(default)]
    pub posted_on: String,
    #[serde(default)]
    pub note: String,
}

/// Where the 別添3 poster is up, and which of the desks the notice names (国保 and the welfare
/// desks that cooperate) have none up.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Postings {
    pub items: Vec<Posting>,
    pub desks_without: Vec<DeskWithout>,
    /// The poster's editions, oldest first, and the one in force today, for the form.
    pub editions: Vec<String>,
    pub current_edition: String,
}

/// A desk the notice asks to put the poster up that has none up.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct DeskWithout {
    pub desk: crate::model::staff::Desk,
    pub desk_label: &'static str,
}

/// The desks the notice asks to put the poster up: the NHI desk (and the city's 後期 counter)
/// and, in cooperation, the welfare desks.
const POSTER_DESKS: [crate::model::staff::Desk; 5] = {
    use crate::model::staff::Desk::*;
    [Kokuho, Kouki, Kaigo, Shogai, Jido]
};

/// Every posting of the 別添3 poster, those still up first, and the desks without one (R15).
pub fn postings(store: &Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Postings, LeafletError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    let conn = store.read();
    let items = conn.leaflets().postings()?;
    let editions = conn.leaflets().all()?.into_iter().filter(|e| e.leaflet == Leaflet::Bessou3).map(|e| e.edition).collect();
    let current_edition = current_edition(&conn, Leaflet::Bessou3, now.date())?;
    let desks_without = POSTER_DESKS
        .iter()
        .filter(|d| !items.iter().any(|p| p.desk == **d && p.removed_on.is_none()))
        .map(|d| DeskWithout { desk: *d, desk_label: d.label() })
        .collect();
    Ok(Postings { items, desks_without, editions, current_edition })
}

/// A desk records its own postings; an administrator any desk's.
fn may_post_for(actor: &Actor, desk: crate::model::staff::Desk) -> Result<(), LeafletError> {
    if actor.role != crate::model::staff::Role::Admin && actor.desk != desk {
        return Err(LeafletError::Forbidden(format!("{}の掲示は、その窓口の職員か管理者が記録します", desk.label())));
    }
    Ok(())
}

/// Records that the 別添3 poster was put up at `input.desk`, audited.
pub fn post_poster(store: &mut Store, actor: &Actor, input: &PostingInput, now: chrono::NaiveDateTime) -> Result<Posting, LeafletError> {
    store.enter(actor.municipality)?;
    use crate::validate;
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    let today = now.date();
    let mut c = validate::Checker::new();
    let desk = c.take("desk", crate::model::staff::Desk::parse(&input.desk));
    let place = c.take("place", validate::text("掲示場所", &input.place, 100, true));
    let posted_on = c.take(
        "posted_on",
        if input.posted_on.trim().is_empty() { Ok(today) } else { validate::date_on("掲示した日", &input.posted_on, today) }.and_then(|d| {
            if d > today {
                Err("掲示した日が未来の日付です".to_string())
            } else {
                Ok(d)
            }
        }),
    );
    let note = c.take("note", validate::text("メモ", &input.note, 200, false));
    c.finish().map_err(LeafletError::Invalid)?;
    let (Some(desk), Some(place), Some(posted_on), Some(note)) = (desk, place, posted_on, note) else { unreachable!("the checker refused any missing value") };
    may_post_for(actor, desk)?;
    store.write(|tx| {
        let known: Vec<String> = tx.leaflets().all()?.into_iter().filter(|e| e.leaflet == Leaflet::Bessou3).map(|e| e.edition).collect();
        let edition = match input.edition.trim() {
            "" => current_edition(tx, Leaflet::Bessou3, posted_on)?,
            e if known.iter().any(|k| k == e) => e.to_string(),
            e => {
                let message = format!("別添3の版「{e}」はありません。次のいずれかを指定してください: {}", known.join("、"));
                return Err(LeafletError::Invalid(crate::validate::Invalid(vec![crate::validate::FieldError { field: "edition", message }])));
            }
        };
        let id = tx.leaflets_mut().add_posting(&crate::store::leaflets::NewPosting {
            desk,
            place: &place,
            edition: &edition,
            posted_on,
            note: &note,
            staff_id: actor.staff_id,
            created_at: crate::stamp(now),
        })?;
        crate::audit::record(
            tx,
            actor,
            now,
            crate::audit::Action::Create,
            "poster_posting",
            Some(id),
            serde_json::json!({"desk": desk, "edition": edition, "posted_on": posted_on}),
        )?;
        posting(tx, id)
    })
}

/// Records that a posting was taken down (today when `on` is empty), audited.
pub fn take_down_poster(store: &mut Store, actor: &Actor, id: i64, on: &str, now: chrono::NaiveDateTime) -> Result<Posting, LeafletError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    let today = now.date();
    store.write(|tx| {
        let p = posting(tx, id)?;
        may_post_for(actor, p.desk)?;
        if let Some(d) = p.removed_on {
            return Err(LeafletError::AlreadyRemoved(d));
        }
        let invalid = |message: String| LeafletError::Invalid(crate::validate::Invalid(vec![crate::validate::FieldError { field: "removed_on", message }]));
        let on = if on.trim().is_empty() { today } else { crate::validate::date_on("撤去した日", on, today).map_err(invalid)? };
        if on > today || on < p.posted_on {
            return Err(invalid(format!("撤去した日は掲示した日 ({}) から今日までの日付にしてください", crate::text::wareki::format(p.posted_on))));
        }
        tx.leaflets_mut().remove_posting(id, on)?;
        crate::audit::record(tx, actor, now, crate::audit::Action::Update, "poster_posting", Some(id), serde_json::json!({"removed_on": on}))?;
        posting(tx, id)
    })
}

fn posting(conn: &crate::store::Read<'_>, id: i64) -> Result<Posting, LeafletError> {
    conn.leaflets().postings()?.into_iter().find(|p| p.id == id).ok_or(LeafletError::NoSuchPosting(id))
}
