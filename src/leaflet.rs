//! The notice's handouts (別添1 leaflet, 別添2 leaflet, 別添3 poster) and their editions.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::coded_enum;
use crate::staff::Actor;
use crate::store::Store;

coded_enum! {
    pub enum Leaflet ("リーフレット") {
        Bessou1 = ("bessou1", "別添1"),
        Bessou2 = ("bessou2", "別添2"),
        Bessou3 = ("bessou3", "別添3"),
    }
}

impl Leaflet {
    pub fn title(self) -> &'static str {
        match self {
            Leaflet::Bessou1 => "健康保険証の有効期限と資格確認書のご案内 (リーフレット)",
            Leaflet::Bessou2 => "目視確認モードのご案内 (リーフレット)",
            Leaflet::Bessou3 => "マイナ保険証か資格確認書で受付を (ポスター)",
        }
    }
}

/// The editions shipped with Hairyo: the attachments of the notice of 令和7年5月13日.
const EDITIONS: &[(Leaflet, &str, &str)] = &[
    (Leaflet::Bessou1, "R7.5", "2025-05-13"),
    (Leaflet::Bessou2, "R7.5", "2025-05-13"),
    (Leaflet::Bessou3, "R7.5", "2025-05-13"),
];

pub(crate) fn seed(tx: &crate::store::Write<'_>) -> Result<(), rusqlite::Error> {
    for (l, edition, from) in EDITIONS {
        tx.execute(
            "INSERT OR IGNORE INTO leaflet_edition (leaflet, edition, effective_from, title) VALUES (?1, ?2, ?3, ?4)",
            params![l, edition, from, l.title()],
        )?;
    }
    Ok(())
}

/// The edition in force on `on`: the latest whose effective date is not after it.
pub(crate) fn current_edition(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<String, rusqlite::Error> {
    let found: Option<String> = conn
        .query_row(
            "SELECT edition FROM leaflet_edition WHERE leaflet = ?1 AND effective_from <= ?2
             ORDER BY effective_from DESC LIMIT 1",
            params![leaflet, on],
            |r| r.get(0),
        )
        .optional()?;
    // Before the first edition's date, the earliest edition is still what is handed out.
    match found {
        Some(e) => Ok(e),
        None => conn
            .query_row(
                "SELECT edition FROM leaflet_edition WHERE leaflet = ?1 ORDER BY effective_from LIMIT 1",
                [leaflet],
                |r| r.get(0),
            )
            .optional()
            .map(|e| e.unwrap_or_else(|| "R7.5".to_string())),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Edition {
    pub leaflet: Leaflet,
    pub edition: String,
    pub effective_from: NaiveDate,
    pub title: String,
}

/// Every edition of the handouts with its effective date.
pub fn editions(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<Edition>, LeafletError> {
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    let conn = &store.read();
    let mut stmt = conn.prepare("SELECT leaflet, edition, effective_from, title FROM leaflet_edition ORDER BY leaflet, effective_from")?;
    let rows = stmt.query_map([], |r| Ok(Edition { leaflet: r.get(0)?, edition: r.get(1)?, effective_from: r.get(2)?, title: r.get(3)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
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

fn statement_setting(conn: &crate::store::Read<'_>, id: &str) -> Result<StatementSetting, rusqlite::Error> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [format!("statement.{id}")], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or(StatementSetting { mode: StatementMode::Auto, text: String::new() }))
}

fn statement_text(b: &Block) -> String {
    if b.text.is_empty() { format!("{} {}", b.q, b.a) } else { b.text.clone() }
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
pub(crate) fn check_statements(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<Vec<StatementCheck>, rusqlite::Error> {
    let mut out = Vec::new();
    for b in content(leaflet).pages.iter().flatten() {
        let Some(id) = &b.id else { continue };
        let s = statement_setting(conn, id)?;
        let overtaken = b.valid_until.is_some_and(|u| on > u);
        let message = match (overtaken, s.mode) {
            (true, StatementMode::Auto) => format!(
                "{}の記述「{}」は{}を過ぎているため、印刷しません。設定で差し替えるか、そのまま印刷するかを選べます",
                leaflet.label(), statement_text(b), crate::text::wareki::format(b.valid_until.unwrap_or(on))
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
pub(crate) fn resolved_content(conn: &crate::store::Read<'_>, leaflet: Leaflet, on: NaiveDate) -> Result<Content, rusqlite::Error> {
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
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl LeafletError {
    pub fn code(&self) -> &'static str {
        match self {
            LeafletError::AdminOnly => "leaflet.admin_only",
            LeafletError::UnknownStatement(_) => "leaflet.unknown_statement",
            LeafletError::BadReplacement => "leaflet.bad_replacement",
            LeafletError::Access(e) => e.code(),
            LeafletError::Store(e) => e.code(),
            LeafletError::Db(_) => "leaflet.db",
        }
    }
}

/// Sets how a statement prints; administrators only, audited.
pub fn set_statement(
    store: &mut crate::store::Store,
    actor: &crate::staff::Actor,
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
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![format!("statement.{id}"), value],
        )?;
        crate::audit::record(tx, actor, now, crate::audit::Action::Update, "leaflet_statement", None, serde_json::json!({"id": id, "setting": value}))?;
        Ok(())
    })
}
