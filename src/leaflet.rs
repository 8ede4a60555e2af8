//! The notice's handouts (別添1 leaflet, 別添2 leaflet, 別添3 poster) and their editions.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
use crate::model::staff::Actor;
use crate::store::{Store, StoreError};

pub use crate::model::leaflet::{Edition, Leaflet};

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
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    Ok(store.read().leaflets().all()?)
}

/// One block of a handout's text, as shipped in `assets/leaflets/*.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// The last day the statement is true (e.g. the 後期 provisional rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
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
pub struct Content {
    pub leaflet: Leaflet,
    pub title: String,
    pub source: String,
    pub pages: Vec<Vec<Block>>,
}

/// The shipped text of a handout.
pub fn content(leaflet: Leaflet) -> Content {
    let json = match leaflet {
        Leaflet::Bessou1 => include_str!("../assets/leaflets/bessou1.json"),
        Leaflet::Bessou2 => include_str!("../assets/leaflets/bessou2.json"),
        Leaflet::Bessou3 => include_str!("../assets/leaflets/bessou3.json"),
    };
    serde_json::from_str(json).expect("assets/leaflets/*.json are valid (tested)")
}

coded_enum! {
    /// What to print for a statement with an id.
    pub enum StatementMode ("記述の扱い") {
        Auto = ("auto", "自動 (期限を過ぎたら省略)"),
        Keep = ("keep", "そのまま印刷"),
        Omit = ("omit", "印刷しない"),
        Replace = ("replace", "差し替えて印刷"),
    }
}

/// A statement's state on a print date: whether its date has overtaken it, and what is printed.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct StatementCheck {
    pub leaflet: Leaflet,
    pub id: String,
    pub text: String,
    pub valid_until: Option<NaiveDate>,
    pub overtaken: bool,
    pub mode: StatementMode,
    pub replacement: String,
    /// What the counter is told before printing, in Japanese; empty when all is well.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct StatementSetting {
    mode: StatementMode,
    #[serde(default)]
    text: String,
}

fn statement_setting(conn: &crate::store::Read<'_>, id: &str) -> Result<StatementSetting, StoreError> {
    let v = conn.settings().value(&format!("statement.{id}"))?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or(StatementSetting { mode: StatementMode::Auto, text: String::new() }))
}

fn statement_text(b: &Block) -> String {
    if b.text.is_empty() {
        format!("{} {}", b.q, b.a)
    } else {
        b.text.clone()
    }
}

/// Every dated statement of 別添1, 2 and 3, checked against the print date `on`.
pub fn check_all_statements(store: &Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Vec<StatementCheck>, LeafletError> {
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
        let overtaken = b.valid_until.is_some_and(|u| on > u);
        let message = match (overtaken, s.mode) {
            (true, StatementMode::Auto) => format!(
                "{}の記述「{}」は{}を過ぎているため、印刷しません。設定で差し替えるか、そのまま印刷するかを選べます",
                leaflet.label(),
                statement_text(b),
                crate::text::wareki::format(b.valid_until.unwrap_or(on))
            ),
            (true, StatementMode::Keep) => format!("{}の記述「{}」は期限を過ぎていますが、設定によりそのまま印刷します", leaflet.label(), statement_text(b)),
            _ => String::new(),
        };
        out.push(StatementCheck {
            leaflet,
            id: id.clone(),
            text: statement_text(b),
            valid_until: b.valid_until,
            overtaken,
            mode: s.mode,
            replacement: s.text,
            message,
        });
    }
    Ok(out)
}

/// The handout's text as it prints on `on`: overtaken statements left out unless settings say
/// otherwise, replaced ones replaced.
pub(crate) fn resolved_content(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<Content, StoreError> {
    let checks = check_statements(conn, leaflet, on)?;
    let mut c = content(leaflet);
    for page in c.pages.iter_mut() {
        page.retain_mut(|b| {
            let Some(check) = b.id.as_ref().and_then(|id| checks.iter().find(|k| &k.id == id)) else { return true };
            match check.mode {
                StatementMode::Omit => false,
                StatementMode::Auto => !check.overtaken,
                StatementMode::Keep => true,
                StatementMode::Replace => {
                    b.text = check.replacement.clone();
                    b.q.clear();
                    b.a.clear();
                    !b.text.is_empty()
                }
            }
        });
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
            LeafletError::Access(e) => e.code(),
            LeafletError::Store(e) => e.code(),
        }
    }
}

/// Sets how a statement prints; administrators only, audited.
pub fn set_statement(
    store: &mut crate::store::Store,
    actor: &crate::model::staff::Actor,
    id: &str,
    mode: StatementMode,
    text: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), LeafletError> {
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(LeafletError::AdminOnly);
    }
    let known = Leaflet::ALL.iter().any(|l| content(*l).pages.iter().flatten().any(|b| b.id.as_deref() == Some(id)));
    if !known {
        return Err(LeafletError::UnknownStatement(id.to_string()));
    }
    let text = if mode == StatementMode::Replace {
        crate::validate::text("差し替えの文", text, 200, true).map_err(|_| LeafletError::BadReplacement)?
    } else {
        String::new()
    };
    let value = serde_json::to_string(&StatementSetting { mode, text }).unwrap_or_default();
    store.write(|tx| {
        tx.settings_mut().set(&format!("statement.{id}"), &value)?;
        crate::audit::record(tx, actor, now, crate::audit::Action::Update, "leaflet_statement", None, serde_json::json!({"id": id, "setting": value}))?;
        Ok(())
    })
}
