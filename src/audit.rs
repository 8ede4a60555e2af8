//! The audit log: who viewed or changed which record, when, and what changed. Append-only.

use rusqlite::{params, Connection};
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
    conn.execute(
        "INSERT INTO audit_event (at, staff_id, login, desk, action, record_kind, record_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![crate::stamp(now), actor.staff_id, actor.login, actor.desk, action, record_kind, record_id, detail.to_string()],
    )?;
    Ok(())
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
pub fn list(conn: &Connection, record: Option<(&str, i64)>, page: Page) -> Result<Paged<AuditEvent>, rusqlite::Error> {
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
