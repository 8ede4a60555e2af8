//! The audit log: who viewed or changed which record, when, and what changed. Append-only.

use serde::Serialize;

use crate::coded_enum;
use crate::model::staff::Actor;
use crate::store::audit::NewAuditEvent;
use crate::store::{Read, StoreError, Write};
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
    w: &Write<'_>,
    actor: &Actor,
    now: chrono::NaiveDateTime,
    action: Action,
    record_kind: &str,
    record_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    w.audit_mut().append(&NewAuditEvent {
        at: crate::stamp(now),
        staff_id: Some(actor.staff_id),
        login: &actor.login,
        desk: actor.desk.code(),
        action: action.code(),
        record_kind,
        record_id,
        detail: detail.to_string(),
    })?;
    Ok(())
}

/// Logs a sign-in refused for `login` before any staff record names it (a directory account
/// refused at its first sign-in): no staff member, the login as typed, no desk.
pub fn record_refused_sign_in(w: &Write<'_>, login: &str, now: chrono::NaiveDateTime, detail: serde_json::Value) -> Result<(), StoreError> {
    w.audit_mut().append(&NewAuditEvent {
        at: crate::stamp(now),
        staff_id: None,
        login,
        desk: "",
        action: Action::SignIn.code(),
        record_kind: "staff",
        record_id: None,
        detail: detail.to_string(),
    })?;
    Ok(())
}

/// Logs what the deployment's operator did to a municipality (moved it in, exported it), in
/// that municipality's chain: no staff member, the operator's database role as the login.
pub fn record_operator(w: &Write<'_>, role: &str, now: chrono::NaiveDateTime, action: Action, id: i64, detail: serde_json::Value) -> Result<(), StoreError> {
    w.audit_mut().append(&NewAuditEvent {
        at: crate::stamp(now),
        staff_id: None,
        login: role,
        desk: "",
        action: action.code(),
        record_kind: "municipality",
        record_id: Some(id),
        detail: detail.to_string(),
    })?;
    Ok(())
}

/// Reads with `f` and logs that `actor` viewed `record_kind` `record_id`, in one transaction:
/// the view is in the log exactly when the read succeeded. Unlike [`record`] inside
/// `Store::write`, it does not wait for the desks' write lock (see `Store::read_and_append`).
pub fn viewed<T, E>(
    store: &mut crate::store::Store,
    actor: &Actor,
    now: chrono::NaiveDateTime,
    record_kind: &str,
    record_id: Option<i64>,
    f: impl FnOnce(&crate::store::Read<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    store.enter(actor.municipality)?;
    store.read_and_append(&view_event(actor, now, record_kind, record_id, serde_json::json!({})), f)
}

/// The log's event for `actor` viewing `record_kind` (`record_id`) at `now`.
pub(crate) fn view_event<'e>(
    actor: &'e Actor,
    now: chrono::NaiveDateTime,
    record_kind: &'e str,
    record_id: Option<i64>,
    detail: serde_json::Value,
) -> NewAuditEvent<'e> {
    NewAuditEvent {
        at: crate::stamp(now),
        staff_id: Some(actor.staff_id),
        login: &actor.login,
        desk: actor.desk.code(),
        action: Action::View.code(),
        record_kind,
        record_id,
        detail: detail.to_string(),
    }
}

/// [`viewed`] for a read of many records (a search, a list, a queue): `detail` says from what
/// was read what the log keeps, such as the query and which protected persons it showed, so
/// that the access review can tell who saw them.
pub fn viewed_many<T, E>(
    store: &mut crate::store::Store,
    actor: &Actor,
    now: chrono::NaiveDateTime,
    record_kind: &str,
    f: impl FnOnce(&crate::store::Read<'_>) -> Result<T, E>,
    detail: impl FnOnce(&T) -> serde_json::Value,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    store.enter(actor.municipality)?;
    let event = view_event(actor, now, record_kind, None, serde_json::Value::Null);
    store.read_and_append_detailed(&event, f, |value| Some(detail(value).to_string()))
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
    store.enter(actor.municipality)?;
    require_reader(actor)?;
    Ok(verify_chain(&store.read())?)
}

/// The chain check itself, also run on a backup before it is restored. A log whose oldest
/// events were pruned past their period is checked from its anchor: the first kept event must
/// be the anchor's and carry its link.
pub(crate) fn verify_chain(r: &Read<'_>) -> Result<Verification, StoreError> {
    let rows = r.audit().all()?;
    let anchor = r.audit().anchor()?;
    let (start, mut prev) = anchor.as_ref().map(|a| (a.first_kept_id, a.prev_hash.clone())).unwrap_or((1, String::new()));
    let first_id = rows.first().map(|r| r.id).unwrap_or(start);
    if first_id != start {
        let message = if first_id > start {
            format!("監査ログの記録 (ID {start}～{}) が削除されています", first_id - 1)
        } else {
            format!("監査ログの廃棄の記録 (ID {first_id} 以降を残した廃棄) がありません")
        };
        return Ok(Verification { events: rows.len(), ok: false, first_bad: Some(start.min(first_id)), message });
    }
    // Ids are consecutive from the start: a gap is a deleted event. From the keyed event on,
    // a link is an HMAC with the key kept outside the database, which an appender without it
    // cannot make.
    let seal = r.seal();
    for (expected_id, row) in (start..).zip(&rows) {
        let id = row.id;
        let bad = |m: String| Verification { events: rows.len(), ok: false, first_bad: Some(id), message: m };
        let key = match seal.keyed_from {
            Some(from) if id >= from => match seal.key {
                Some(k) => Some(k),
                None => {
                    return Ok(bad(format!("監査ログは ID {from} から鍵で保護されています。鍵ファイル (HAIRYO_AUDIT_KEY_FILE) を指定して確認してください")))
                }
            },
            _ => None,
        };
        if id != expected_id {
            return Ok(bad(format!("監査ログの記録 ID {expected_id} が削除されています")));
        }
        if row.prev_hash != prev {
            return Ok(bad(format!("監査ログの記録 ID {id} の前の記録とのつながりが壊れています (削除または改ざん)")));
        }
        if row.link_hash(&prev, key) != row.hash {
            return Ok(bad(format!("監査ログの記録 ID {id} の内容が書き換えられています")));
        }
        prev = row.hash.clone();
    }
    let pruned = match &anchor {
        Some(a) => format!(" (ID {} より前の記録は保存期間を過ぎて廃棄済み)", a.first_kept_id),
        None => String::new(),
    };
    Ok(Verification {
        events: rows.len(),
        ok: true,
        first_bad: None,
        message: format!(
            "監査ログ {} 件の連鎖を確認しました。改ざんは見つかりません{pruned}{}",
            rows.len(),
            seal.keyed_from.map(|from| format!(" (ID {from} 以降は鍵で保護)")).unwrap_or_default()
        ),
    })
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
pub fn list(
    store: &crate::store::Store,
    actor: &Actor,
    record: Option<(&str, i64)>,
    page: Page,
    _now: chrono::NaiveDateTime,
) -> Result<Paged<AuditEvent>, AuditError> {
    store.enter(actor.municipality)?;
    require_reader(actor)?;
    Ok(list_events(&store.read(), &crate::disclosure::Audience::of(actor), record, page)?)
}

/// The detail of a stored event as `audience` may read it (see [`crate::disclosure::audit_detail`]).
fn disclosed_detail(audience: &crate::disclosure::Audience, stored: &str) -> serde_json::Value {
    crate::disclosure::audit_detail(audience, serde_json::from_str(stored).unwrap_or(serde_json::Value::Null))
}

fn list_events(r: &Read<'_>, audience: &crate::disclosure::Audience, record: Option<(&str, i64)>, page: Page) -> Result<Paged<AuditEvent>, StoreError> {
    let rows = r.audit().page(record, page)?;
    let items = rows
        .items
        .into_iter()
        .map(|e| {
            let action = Action::from_code(&e.action).ok_or_else(|| StoreError::Constraint(format!("監査ログの操作「{}」", e.action)))?;
            Ok(AuditEvent {
                id: e.id,
                at: e.at,
                login: e.login,
                desk: e.desk,
                action,
                record_kind: e.record_kind,
                record_id: e.record_id,
                detail: disclosed_detail(audience, &e.detail),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Paged { items, total: rows.total, offset: rows.offset, limit: rows.limit })
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("監査ログを見られるのは係長と管理者です")]
    Forbidden,
    #[error("監査ログを出力できません: {0}")]
    Csv(String),
    #[error("{0}")]
    Invalid(crate::validate::Invalid),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            AuditError::Forbidden => "audit.forbidden",
            AuditError::Csv(_) => "audit.csv",
            AuditError::Invalid(_) => "audit.invalid",
            AuditError::Access(e) => e.code(),
            AuditError::Store(e) => e.code(),
        }
    }
}

/// What keying the chain did.
#[derive(Debug, Clone, Serialize)]
pub struct KeyedChain {
    /// The first event whose link is keyed; the ones before keep their plain links.
    pub keyed_from: i64,
    /// Whether the key file was made now (else an existing one was used).
    pub created: bool,
}

/// Keys the audit chain with the key in `key_file` (made, readable by its owner only, if it
/// does not exist): from the next event on, each link is an HMAC with that key, so a role
/// that may only append to the log cannot write an event that checks out. Administrators
/// only, once; on PostgreSQL over the schema owner's URL (the app role may not key it). Keep
/// the key file apart from the database's backups (docs/deployment.md).
pub fn key_chain(store: &mut crate::store::Store, actor: &Actor, key_file: &std::path::Path, now: chrono::NaiveDateTime) -> Result<KeyedChain, AuditError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ChangeSettings)?;
    let created = !key_file.exists();
    if created {
        crate::store::audit::write_key_file(key_file, &crate::store::audit::AuditKey::generate())?;
    }
    let key = crate::store::audit::read_key_file(key_file)?;
    let keyed_from = store.key_audit_chain(key, &crate::stamp(now))?;
    store.write(|tx| record(tx, actor, now, Action::Update, "audit_log", None, serde_json::json!({"keyed_from": keyed_from})))?;
    Ok(KeyedChain { keyed_from, created })
}

/// Only supervisors and administrators browse, export and verify the log.
pub(crate) fn require_reader(actor: &Actor) -> Result<(), AuditError> {
    if crate::access::can(actor, crate::access::Permission::ReadAudit) {
        Ok(())
    } else {
        Err(AuditError::Forbidden)
    }
}

/// The whole log as CSV (UTF-8 with BOM); the export itself is logged. Each event's detail is
/// what this reader may see of it; the hashes are the stored ones, which `audit verify` checks
/// against the stored events.
pub fn export_csv(store: &mut crate::store::Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<Vec<u8>, AuditError> {
    store.enter(actor.municipality)?;
    require_reader(actor)?;
    let audience = crate::disclosure::Audience::of(actor);
    let rows = store.read().audit().all()?;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_err = |e: csv::Error| AuditError::Csv(e.to_string());
    w.write_record(["ID", "日時", "職員ID", "ログイン名", "窓口", "操作", "対象", "対象ID", "内容", "前のハッシュ", "ハッシュ"]).map_err(csv_err)?;
    for e in rows {
        // The export shows what is stored: a code this version has no label for stays as it is.
        let action = Action::from_code(&e.action).map(|a| a.label().to_string()).unwrap_or(e.action);
        w.write_record([
            e.id.to_string(),
            e.at,
            e.staff_id.map(|v| v.to_string()).unwrap_or_default(),
            e.login,
            e.desk,
            action,
            e.record_kind,
            e.record_id.map(|v| v.to_string()).unwrap_or_default(),
            disclosed_detail(&audience, &e.detail).to_string(),
            e.prev_hash,
            e.hash,
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| AuditError::Csv(e.to_string()))?;
    store.write(|tx| record(tx, actor, now, Action::Export, "audit", None, serde_json::json!({})))?;
    Ok(bytes)
}
