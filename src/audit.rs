//! The audit log: who viewed or changed which record, when, and what changed. Append-only.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use serde::Serialize;

use crate::coded_enum;
use crate::staff::Actor;
use crate::{Page, Paged};

coded_enum! {
    pub enum Action ("操作") {
        View = ("view", "閲覧"),
        Create = ("create", "作成"),
        Update = ("update", "更新"),
        Delete = ("delete", "削除"),
        Print = ("print", "印刷"),
        Export = ("export", "出力"),
        Import = ("import", "取込"),
        SignIn = ("sign_in", "サインイン"),
    }
}

/// The triggers that make the log append-only: the database itself refuses edits and deletions.
pub(crate) const APPEND_ONLY_TRIGGERS: &str = "
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;";

/// The hash of one event: every stored field and the previous event's hash, so changing or
/// removing any event breaks the chain after it.
#[allow(clippy::too_many_arguments)]
fn event_hash(id: i64, at: &str, staff_id: Option<i64>, login: &str, desk: &str, action: &str, kind: &str, record_id: Option<i64>, detail: &str, prev: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        id.to_string().as_str(), at, &staff_id.map(|v| v.to_string()).unwrap_or_default(), login, desk, action, kind,
        &record_id.map(|v| v.to_string()).unwrap_or_default(), detail, prev,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends one event. Called inside the same transaction as the change it records, so a change
/// and its audit entry land together or not at all.
pub fn record(
    conn: &Connection,
    actor: &Actor,
    now: chrono::NaiveDateTime,
    action: Action,
    record_kind: &str,
    record_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<(), rusqlite::Error> {
    let (last_id, prev): (i64, String) = conn
        .query_row("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, String::new()));
    let id = last_id + 1;
    let at = crate::stamp(now);
    let detail = detail.to_string();
    let hash = event_hash(id, &at, Some(actor.staff_id), &actor.login, actor.desk.code(), action.code(), record_kind, record_id, &detail, &prev);
    conn.execute(
        "INSERT INTO audit_event (id, at, staff_id, login, desk, action, record_kind, record_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![id, at, actor.staff_id, actor.login, actor.desk, action, record_kind, record_id, detail, prev, hash],
    )?;
    Ok(())
}

type Row = (i64, String, Option<i64>, String, String, String, String, Option<i64>, String, String, String);

fn all_rows(conn: &Connection) -> Result<Vec<Row>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT id, at, staff_id, login, desk, action, record_kind, record_id, detail, prev_hash, hash FROM audit_event ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?))
    })?;
    rows.collect()
}

/// Computes the chain for every event; used once, by the migration that introduced it.
pub(crate) fn rechain_all(conn: &Connection) -> Result<(), rusqlite::Error> {
    let mut prev = String::new();
    for (id, at, staff_id, login, desk, action, kind, record_id, detail, _, _) in all_rows(conn)? {
        let hash = event_hash(id, &at, staff_id, &login, &desk, &action, &kind, record_id, &detail, &prev);
        conn.execute("UPDATE audit_event SET prev_hash = ?2, hash = ?3 WHERE id = ?1", params![id, prev, hash])?;
        prev = hash;
    }
    Ok(())
}

/// The result of checking the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub events: usize,
    pub ok: bool,
    /// The first event that does not fit the chain, and why.
    pub first_bad: Option<i64>,
    pub message: String,
}

/// Recomputes the hash chain: an edited event no longer matches its hash; a deleted one leaves
/// a gap in the ids and breaks the next event's link.
pub fn verify(store: &crate::store::Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Verification, AuditError> {
    require_reader(actor)?;
    Ok(verify_chain(store.conn())?)
}

/// The chain check itself, also run on a backup before it is restored.
pub(crate) fn verify_chain(conn: &Connection) -> Result<Verification, rusqlite::Error> {
    let rows = all_rows(conn)?;
    let mut prev = String::new();
    let mut expected_id = rows.first().map(|r| r.0).unwrap_or(1);
    if expected_id != 1 {
        return Ok(Verification { events: rows.len(), ok: false, first_bad: Some(1), message: format!("監査ログの最初の記録 (ID 1～{}) が削除されています", expected_id - 1) });
    }
    for (id, at, staff_id, login, desk, action, kind, record_id, detail, prev_hash, hash) in &rows {
        let bad = |m: String| Verification { events: rows.len(), ok: false, first_bad: Some(*id), message: m };
        if *id != expected_id {
            return Ok(bad(format!("監査ログの記録 ID {expected_id} が削除されています")));
        }
        if *prev_hash != prev {
            return Ok(bad(format!("監査ログの記録 ID {id} の前の記録とのつながりが壊れています (削除または改ざん)")));
        }
        if event_hash(*id, at, *staff_id, login, desk, action, kind, *record_id, detail, &prev) != *hash {
            return Ok(bad(format!("監査ログの記録 ID {id} の内容が書き換えられています")));
        }
        prev = hash.clone();
        expected_id += 1;
    }
    Ok(Verification { events: rows.len(), ok: true, first_bad: None, message: format!("監査ログ {} 件の連鎖を確認しました。改ざんは見つかりません", rows.len()) })
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub login: String,
    pub desk: String,
    pub action: Action,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub detail: serde_json::Value,
}

/// The newest events first, optionally only those about one record.
pub fn list(store: &crate::store::Store, actor: &Actor, record: Option<(&str, i64)>, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<AuditEvent>, AuditError> {
    require_reader(actor)?;
    Ok(list_events(store.conn(), record, page)?)
}

fn list_events(conn: &Connection, record: Option<(&str, i64)>, page: Page) -> Result<Paged<AuditEvent>, rusqlite::Error> {
    let (kind, id) = record.map(|(k, i)| (Some(k), Some(i))).unwrap_or((None, None));
    let filter = "(?1 IS NULL OR record_kind = ?1) AND (?2 IS NULL OR record_id = ?2)";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM audit_event WHERE {filter}"), params![kind, id], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!(
        "SELECT id, at, login, desk, action, record_kind, record_id, detail FROM audit_event WHERE {filter}
         ORDER BY id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let items = stmt
        .query_map(params![kind, id, page.limit, page.offset], |r| {
            let detail: String = r.get(7)?;
            Ok(AuditEvent {
                id: r.get(0)?,
                at: r.get(1)?,
                login: r.get(2)?,
                desk: r.get(3)?,
                action: r.get(4)?,
                record_kind: r.get(5)?,
                record_id: r.get(6)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("監査ログを見られるのは係長と管理者です")]
    Forbidden,
    #[error("監査ログを出力できません: {0}")]
    Csv(String),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            AuditError::Forbidden => "audit.forbidden",
            AuditError::Csv(_) => "audit.csv",
            AuditError::Access(e) => e.code(),
            AuditError::Db(_) => "audit.db",
        }
    }
}

/// Only supervisors and administrators browse, export and verify the log.
fn require_reader(actor: &Actor) -> Result<(), AuditError> {
    if crate::access::can(actor, crate::access::Permission::ReadAudit) { Ok(()) } else { Err(AuditError::Forbidden) }
}

/// The whole log as CSV (UTF-8 with BOM); the export itself is logged.
pub fn export_csv(store: &mut crate::store::Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Vec<u8>, AuditError> {
    require_reader(actor)?;
    let rows = all_rows(store.conn())?;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_err = |e: csv::Error| AuditError::Csv(e.to_string());
    w.write_record(["ID", "日時", "職員ID", "ログイン名", "窓口", "操作", "対象", "対象ID", "内容", "前のハッシュ", "ハッシュ"]).map_err(csv_err)?;
    for (id, at, staff_id, login, desk, action, kind, record_id, detail, prev, hash) in rows {
        let action = Action::from_code(&action).map(|a| a.label().to_string()).unwrap_or(action);
        w.write_record([
            id.to_string(), at, staff_id.map(|v| v.to_string()).unwrap_or_default(), login, desk, action, kind,
            record_id.map(|v| v.to_string()).unwrap_or_default(), detail, prev, hash,
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| AuditError::Csv(e.to_string()))?;
    store.write(|tx| record(tx, actor, now, Action::Export, "audit", None, serde_json::json!({})))?;
    Ok(bytes)
}
