//! The store: the one package that knows SQL and the engines. It opens SQLite files and
//! PostgreSQL connections, applies the migrations, and gives the core handles per noun that
//! read and write through one engine-neutral statement layer (`sql`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

pub mod applications;
pub mod audit;
pub mod campaigns;
pub mod certificates;
pub mod demo;
pub mod duplicates;
pub mod exports;
pub mod facilities;
pub mod home;
pub mod households;
pub mod imports;
pub mod kept;
pub mod leaflets;
pub mod mailings;
pub mod moves;
pub mod outreach;
pub mod persons;
pub mod pg;
pub mod pg_tls;
pub mod policy;
pub mod raw;
pub mod referrals;
pub mod retention;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod sql;
pub mod staff;
pub mod stats;
pub mod tenants;
pub mod touchpoints;

pub use sql::Conn;

// The model's nouns, text and pages, under the paths the store's files name them by.
pub(crate) use hairyo_model::{model, text, Page, Paged, VERSION};

/// The application identifier shared with the desktop shell; the default database lives in the
/// OS app-data directory under this name, so the CLI and the window open the same file.
pub const APP_IDENTIFIER: &str = "jp.hairyo.desktop";
/// File name of the database inside the app-data directory.
pub const DB_FILE_NAME: &str = "hairyo.db";

/// Numbered migrations, applied in order, each in its own transaction. From 0030 on, a
/// migration is one file for both engines (`pg::MIGRATIONS` names the same file), with the
/// lines only one engine runs marked ([`sql::for_engine`]); before it, each engine's file was
/// written in full (`migrations/pg/`), and they stay as they were applied.
const MIGRATION_SQL: &[&str] = &[
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_policy_workflow.sql"),
    include_str!("migrations/0003_search.sql"),
    include_str!("migrations/0004_search_index.sql"),
    include_str!("migrations/0005_duplicates.sql"),
    include_str!("migrations/0006_trust.sql"),
    include_str!("migrations/0007_home_speed.sql"),
    include_str!("migrations/0008_bulk_index.sql"),
    include_str!("migrations/0009_import_speed.sql"),
    include_str!("migrations/0010_home_covering.sql"),
    include_str!("migrations/0011_kokuho_rules_and_validity.sql"),
    include_str!("migrations/0012_jushochi_tokurei.sql"),
    include_str!("migrations/0013_applicant_and_union.sql"),
    include_str!("migrations/0014_server_collation_and_pieces.sql"),
    include_str!("migrations/0015_change_events.sql"),
    include_str!("migrations/0016_table_versions.sql"),
    include_str!("migrations/0017_referral_withdrawal.sql"),
    include_str!("migrations/0018_certificate_life.sql"),
    include_str!("migrations/0019_poster_postings.sql"),
    include_str!("migrations/0020_moving_out.sql"),
    include_str!("migrations/0021_reasons_states_and_proxies.sql"),
    include_str!("migrations/0022_facility_campaigns.sql"),
    include_str!("migrations/0023_outreach_events.sql"),
    include_str!("migrations/0024_schema_upgrades.sql"),
    include_str!("migrations/0025_retention.sql"),
    include_str!("migrations/0026_audit_anchor.sql"),
    include_str!("migrations/0027_sign_in_addresses.sql"),
    include_str!("migrations/0028_sessions.sql"),
    include_str!("migrations/0029_audit_keying.sql"),
    include_str!("migrations/0030_referral_queue_order.sql"),
    include_str!("migrations/0031_child_guidance_chief.sql"),
    include_str!("migrations/0032_handover_identity.sql"),
    include_str!("migrations/0033_referral_sharing_basis.sql"),
    include_str!("migrations/0034_delivery_reason.sql"),
    include_str!("migrations/0035_kouki_counter_issue.sql"),
    include_str!("migrations/0036_age_reckoning.sql"),
    include_str!("migrations/0037_home_mailings.sql"),
    include_str!("migrations/0038_core_certificates.sql"),
    include_str!("migrations/0039_households_and_standing_delivery.sql"),
    include_str!("migrations/0040_directory_accounts.sql"),
    include_str!("migrations/0041_municipalities.sql"),
];

/// Migration 0003 adds columns whose values Rust computes (the search keys); this fills them
/// for the rows already stored, before 0004 indexes them.
fn backfill_search_keys(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let rows: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare("SELECT id, name, kana FROM person")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        rows
    };
    let mut update = tx.prepare("UPDATE person SET name_norm = ?2, kana_norm = ?3, name_chars = ?4, kana_chars = ?5 WHERE id = ?1")?;
    for (id, name, kana) in rows {
        let (n, k) = (crate::text::normalize::search_key(&name), crate::text::normalize::search_key(&kana));
        update.execute(rusqlite::params![id, n, k, crate::text::normalize::spaced(&n), crate::text::normalize::spaced(&k)])?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what}が見つかりません")]
    NotFound { what: &'static str },
    #[error("{0}")]
    Conflict(String),
    #[error("保存できない値です ({0})")]
    Constraint(String),
    #[error("データベースを開けません ({path}): {source}")]
    Open { path: String, source: EngineError },
    #[error("更新前のバックアップを書けないため、データベースのスキーマを更新していません ({path}: {detail})。バックアップの場所の空き容量と書き込み権限を確認してください")]
    UpgradeBackup { path: String, detail: String },
    #[error("データベースは新しい版の Hairyo で作成されています (スキーマ版 {found}、この版は {supported} まで)。Hairyo を更新してください")]
    TooNew { found: usize, supported: usize },
    #[error("データベースの更新 (マイグレーション) に失敗しました: {0}")]
    Migration(String),
    #[error("データベースがまだ初期化されていません。先に `hairyo init` を実行してください")]
    NotInitialised,
    #[error("データベースのフォルダーを作成できません ({path}): {source}")]
    Directory { path: String, source: std::io::Error },
    #[error("データベースエラー: {0}")]
    Db(EngineError),
    #[error("データベースエラー: {0}")]
    Pg(EngineError),
    #[error("該当する行がありません")]
    NoRows,
    #[error("保存されている値を読めません: {0}")]
    Decode(String),
    #[error("ほかの職員が同時に変更しました。画面を更新してから、もう一度操作してください")]
    ChangedMeanwhile,
    #[error("{0}はこのデータベース (PostgreSQL) では使えません")]
    Unsupported(&'static str),
    #[error("{0}")]
    Tool(String),
    #[error("{0}")]
    Role(String),
    #[error("{0}")]
    Insecure(String),
    #[error(
        "監査ログは鍵で保護されていますが、この処理には鍵がありません。鍵ファイル (HAIRYO_AUDIT_KEY_FILE、hairyo.conf の audit_key_file) を指定してください"
    )]
    AuditKeyMissing,
    #[error("監査ログの鍵がこのデータベースの鍵と違います ({0})")]
    AuditKeyWrong(String),
    #[error("PostgreSQL に TLS で接続できません ({url}): {detail}")]
    Tls { url: String, detail: String },
}

impl From<rusqlite::Error> for StoreError {
    /// A refused constraint is the caller's input, not a broken engine; everything else is.
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                StoreError::Constraint(msg.clone().unwrap_or_else(|| f.to_string()))
            }
            rusqlite::Error::QueryReturnedNoRows => StoreError::NoRows,
            _ => StoreError::Db(e.into()),
        }
    }
}

/// An engine's failure as the store reports it: the engine's own words and what they say about
/// the database file, with no engine type, so that nothing above the store needs an engine's
/// crate to read an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    message: String,
    fault: Option<FileFault>,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

impl From<rusqlite::Error> for EngineError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let fault = match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Some(FileFault::NotADatabase),
            Some(ErrorCode::DatabaseCorrupt) => Some(FileFault::Corrupt),
            Some(ErrorCode::DiskFull | ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::SystemIoFailure | ErrorCode::PermissionDenied) => {
                Some(FileFault::Unwritable)
            }
            _ => None,
        };
        EngineError { message: e.to_string(), fault }
    }
}

impl From<&postgres::Error> for EngineError {
    fn from(e: &postgres::Error) -> Self {
        EngineError { message: pg_message(e), fault: None }
    }
}

/// The server's own words for a failure (postgres::Error's Display says only "db error").
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl From<postgres::Error> for StoreError {
    /// The same split as SQLite's: a refused constraint is the caller's input; a serialization
    /// failure or deadlock means another desk changed the same thing meanwhile.
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        let Some(db) = e.as_db_error() else { return StoreError::Pg((&e).into()) };
        let code = db.code();
        if [SqlState::UNIQUE_VIOLATION, SqlState::CHECK_VIOLATION, SqlState::FOREIGN_KEY_VIOLATION, SqlState::NOT_NULL_VIOLATION, SqlState::RAISE_EXCEPTION]
            .contains(code)
        {
            StoreError::Constraint(db.message().to_string())
        } else if [SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED].contains(code) {
            StoreError::ChangedMeanwhile
        } else {
            StoreError::Pg((&e).into())
        }
    }
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "store.not_found",
            StoreError::Conflict(_) => "store.conflict",
            StoreError::Constraint(_) => "store.constraint",
            StoreError::Open { .. } => "store.open",
            StoreError::TooNew { .. } => "store.too_new",
            StoreError::UpgradeBackup { .. } => "store.upgrade_backup",
            StoreError::Migration(_) => "store.migration",
            StoreError::NotInitialised => "store.not_initialised",
            StoreError::Directory { .. } => "store.directory",
            StoreError::Db(_) | StoreError::Pg(_) | StoreError::Decode(_) => "store.db",
            StoreError::NoRows => "store.not_found",
            StoreError::ChangedMeanwhile => "store.changed_meanwhile",
            StoreError::Unsupported(_) => "store.unsupported",
            StoreError::Tool(_) => "store.tool",
            StoreError::Role(_) => "store.role",
            StoreError::Insecure(_) => "store.insecure_connection",
            StoreError::AuditKeyMissing => "store.audit_key_missing",
            StoreError::AuditKeyWrong(_) => "store.audit_key_wrong",
            StoreError::Tls { .. } => "store.tls",
        }
    }
}

/// Migration 0009 recomputes the search keys that changed since they were stored, then fills
/// the recreated search indexes ("rebuild" also mends whatever the update trigger did to the
/// empty indexes meanwhile).
fn refresh_search_keys(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    use crate::text::normalize::{search_key, spaced};
    let rows: Vec<(i64, String, String, String, String)> = {
        let mut stmt = tx.prepare("SELECT id, name, kana, name_norm, kana_norm FROM person")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<Result<_, _>>()?;
        rows
    };
    let mut update = tx.prepare("UPDATE person SET name_norm = ?2, kana_norm = ?3, name_chars = ?4, kana_chars = ?5 WHERE id = ?1")?;
    for (id, name, kana, stored_name, stored_kana) in rows {
        let (n, k) = (search_key(&name), search_key(&kana));
        if n != stored_name || k != stored_kana {
            update.execute(rusqlite::params![id, n, k, spaced(&n), spaced(&k)])?;
        }
    }
    tx.execute_batch(
        "INSERT INTO person_tri(person_tri) VALUES ('rebuild');
         INSERT INTO person_uni(person_uni) VALUES ('rebuild');",
    )?;
    unroll_person_checks(tx)
}

/// SQLite checks `x IN ('a', 'b', 'c')` by building a temporary index of the list for every
/// row written; an import of 200,000 persons spent a quarter of its insert time there. The same
/// constraints as `x = 'a' OR …` change nothing stored, so the table's definition is edited in
/// place (https://sqlite.org/lang_altertable.html#otheralter) instead of copying every person
/// into a new table. Migration 0009 did it first; a migration adding a checked column to
/// `person` (0039's 続柄) does it again.
fn unroll_person_checks(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let sql: String = tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'person'", [], |r| r.get(0))?;
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    tx.execute("UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = 'person'", [unroll_in_checks(&sql)])?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    Ok(())
}

/// `CHECK (x IN ('a', 'b', 'c'))` written as `CHECK (x = 'a' OR x = 'b' OR x = 'c')`, which
/// accepts and refuses the same values (NULL included).
fn unroll_in_checks(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() * 2);
    let mut rest = sql;
    while let Some(i) = rest.find("CHECK (") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "CHECK (".len()..];
        let parsed = after
            .split_once(" IN (")
            .and_then(|(column, tail)| tail.split_once("))").map(|(list, tail)| (column, list, tail)))
            .filter(|(column, list, _)| column.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !list.contains(['(', ')']));
        match parsed {
            Some((column, list, tail)) => {
                let alternatives: Vec<String> = list.split(", ").map(|v| format!("{column} = {v}")).collect();
                out.push_str(&format!("CHECK ({})", alternatives.join(" OR ")));
                rest = tail;
            }
            None => {
                out.push_str("CHECK (");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The referral table's status constraint as migration 0001 wrote it, and as 0017 widens it to
/// 取下げ.
const REFERRAL_STATUS_0001: &str = "CHECK (status IN ('sent', 'accepted', 'returned', 'completed'))";
const REFERRAL_STATUS_0017: &str = "CHECK (status IN ('sent', 'accepted', 'returned', 'completed', 'withdrawn'))";

/// Migration 0017 widens the referral's status constraint in place, as 0013 did for the
/// application: every stored value stays allowed, and no table that refers to referrals is
/// rebuilt.
fn widen_referral_status(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let sql: String = tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'referral'", [], |r| r.get(0))?;
    if !sql.contains(REFERRAL_STATUS_0001) {
        return Err(rusqlite_migration::HookError::Hook("referral の状態の制約が想定と異なります".into()));
    }
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    tx.execute("UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = 'referral'", [sql.replace(REFERRAL_STATUS_0001, REFERRAL_STATUS_0017)])?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    Ok(())
}

/// The application table's status constraint as migration 0001 wrote it, and as 0013 widens it
/// to the 後期 states (進達済, 広域連合で交付決定・却下, 引渡し・送付済).
const APPLICATION_STATUS_0001: &str = "CHECK (status IN ('received', 'reviewing', 'decided', 'issued',
                                                        'rejected', 'withdrawn', 'at_renewal'))";
const APPLICATION_STATUS_0013: &str = "CHECK (status IN ('received', 'reviewing', 'decided', 'issued',
                                                        'rejected', 'withdrawn', 'at_renewal', 'forwarded',
                                                        'union_issued', 'union_rejected', 'handed_over'))";

/// Migration 0013 widens the application's status constraint in place, as 0009 did for the
/// person table: the new list accepts every value the old one did, so no stored row can break
/// it, and rebuilding the table would mean rebuilding every table that refers to it too.
/// Then the 後期 applications the city had decided move to 進達済, on the day of that decision.
fn widen_application_status(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let sql: String = tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'application'", [], |r| r.get(0))?;
    if !sql.contains(APPLICATION_STATUS_0001) {
        return Err(rusqlite_migration::HookError::Hook("application の状態の制約が想定と異なります".into()));
    }
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    tx.execute(
        "UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = 'application'",
        [sql.replace(APPLICATION_STATUS_0001, APPLICATION_STATUS_0013)],
    )?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    tx.execute(
        "UPDATE application SET status = 'forwarded', forwarded_on = decided_on, forwarded_by = decided_by,
             decided_on = NULL, decided_by = NULL
         WHERE scheme = 'kouki' AND status = 'decided'",
        [],
    )?;
    Ok(())
}

/// The constraints migration 0021 widens: each table, its constraint as stored before, and the
/// constraint after. Each new list holds every value of the old one.
const WIDENED_BY_0021: &[(&str, &str, &str)] = &[
    (
        "person",
        "CHECK (mynumber_card = 'none' OR mynumber_card = 'card' OR mynumber_card = 'face_auth')",
        "CHECK (mynumber_card = 'none' OR mynumber_card = 'card' OR mynumber_card = 'face_auth' OR mynumber_card = 'certificate_lapsed' OR mynumber_card = 'returned')",
    ),
    (
        "person",
        "CHECK (registration = 'registered' OR registration = 'not_registered' OR registration = 'unknown')",
        "CHECK (registration = 'registered' OR registration = 'not_registered' OR registration = 'unknown' OR registration = 'cancelled' OR registration = 'view_blocked')",
    ),
    (
        "person",
        "CHECK (legal_rep_kind = 'none' OR legal_rep_kind = 'guardian' OR legal_rep_kind = 'parent')",
        "CHECK (legal_rep_kind = 'none' OR legal_rep_kind = 'guardian' OR legal_rep_kind = 'parent' OR legal_rep_kind = 'minor_guardian' OR legal_rep_kind = 'curator' OR legal_rep_kind = 'voluntary_guardian')",
    ),
    (
        "application",
        "CHECK (authority IN ('same_household', 'relative', 'guardian', 'parent',
                                                  'facility_child', 'caregiver', 'facility_adult'))",
        "CHECK (authority IN ('same_household', 'relative', 'guardian', 'parent',
                                                  'facility_child', 'caregiver', 'facility_adult',
                                                  'facility_head', 'minor_guardian', 'curator', 'voluntary_guardian'))",
    ),
    (
        "facility",
        "CHECK (kind IN ('elderly', 'disability', 'children', 'other'))",
        "CHECK (kind IN ('elderly', 'disability', 'children', 'other', 'nursing_home', 'geriatric_health', 'care_medical',
                                         'dementia_group_home', 'private_home', 'disability_support', 'disability_group_home',
                                         'childrens_home', 'infant_home', 'disabled_children', 'foster'))",
    ),
];

/// The constraint migration 0031 widens: the application's authority, with the 児童相談所長.
const WIDENED_BY_0031: &[(&str, &str, &str)] = &[(
    "application",
    "CHECK (authority IN ('same_household', 'relative', 'guardian', 'parent',
                                                  'facility_child', 'caregiver', 'facility_adult',
                                                  'facility_head', 'minor_guardian', 'curator', 'voluntary_guardian'))",
    "CHECK (authority IN ('same_household', 'relative', 'guardian', 'parent',
                                                  'facility_child', 'caregiver', 'facility_adult',
                                                  'facility_head', 'minor_guardian', 'curator', 'voluntary_guardian',
                                                  'child_guidance_chief'))",
)];

/// Migration 0021 widens the constraints of [`WIDENED_BY_0021`] in place, as 0013 and 0017 did:
/// no stored row can break a wider list, and no table is rebuilt.
fn widen_for_0021(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    widen_in_place(tx, WIDENED_BY_0021)
}

/// Migration 0031 widens [`WIDENED_BY_0031`] in place, as 0021 did.
fn widen_for_0031(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    widen_in_place(tx, WIDENED_BY_0031)
}

/// Replaces each table's constraint `old` by the wider `new` in the stored schema: every value
/// the old one allowed, the new one allows, so no row needs checking again.
fn widen_in_place(tx: &rusqlite::Transaction<'_>, widened: &[(&str, &str, &str)]) -> rusqlite_migration::HookResult {
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    for (table, old, new) in widened {
        let sql: String = tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))?;
        if !sql.contains(old) {
            tx.pragma_update(None, "writable_schema", false)?;
            return Err(rusqlite_migration::HookError::Hook(format!("{table} の制約が想定と異なります")));
        }
        tx.execute("UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = ?2", [sql.replace(old, new), table.to_string()])?;
    }
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    Ok(())
}

/// Migration 0006 chains the events already logged, then makes the log append-only again.
fn chain_audit_log(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    audit::chain_existing(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))?;
    Ok(())
}

/// SQLite's migrations as this engine runs them: a file both engines share keeps only its
/// SQLite lines ([`sql::for_engine`]). Made once: rusqlite_migration borrows them for good.
fn sqlite_migration_sql() -> &'static [String] {
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| MIGRATION_SQL.iter().map(|sql| sql::for_engine(sql, sql::Dialect::Sqlite)).collect())
}

fn migrations() -> Migrations<'static> {
    Migrations::new(
        sqlite_migration_sql()
            .iter()
            .map(String::as_str)
            .enumerate()
            .map(|(i, sql)| match i {
                2 => M::up_with_hook(sql, backfill_search_keys),
                5 => M::up_with_hook(sql, chain_audit_log),
                8 => M::up_with_hook(sql, refresh_search_keys),
                12 => M::up_with_hook(sql, widen_application_status),
                16 => M::up_with_hook(sql, widen_referral_status),
                20 => M::up_with_hook(sql, widen_for_0021),
                30 => M::up_with_hook(sql, widen_for_0031),
                38 => M::up_with_hook(sql, unroll_person_checks),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// The schema version this binary writes.
pub fn schema_version() -> usize {
    MIGRATION_SQL.len()
}

/// The default database path: `<app data dir>/jp.hairyo.desktop/hairyo.db`, the same file the
/// desktop app uses (Tauri's `app_data_dir` is the OS data dir joined with the identifier).
pub fn default_db_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_IDENTIFIER).join(DB_FILE_NAME)
}

/// An open database. Every connection in the program is made by [`open`],
/// [`open_in_memory`] or [`pg::open`].
pub struct Store {
    pub(crate) engine: Engine,
    /// From which audit event the chain of the municipality the connection acts for is keyed,
    /// read again whenever it acts for another; and the key if given.
    pub(crate) keying: std::cell::Cell<Keying>,
    pub(crate) audit_key: Option<audit::AuditKey>,
    /// Results kept between calls (`kept`), shared by a server's connections.
    pub(crate) kept: std::sync::Arc<kept::Kept>,
    /// The schema upgrade this opening made, if it made one.
    pub(crate) upgraded: Option<Upgrade>,
    /// Where a server's connections append their reads' audit events together (PostgreSQL).
    pub(crate) group_commit: Option<std::sync::Arc<audit::GroupCommit>>,
}

/// From which event the audit chain of a municipality is keyed, and for which municipality
/// (`read_for`: `None` until read) that was read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Keying {
    read_for: Option<Option<i64>>,
    from: Option<i64>,
}

/// The municipality a SQLite file is, and the one a database that was one city's before
/// becomes when it takes several.
pub const FIRST_MUNICIPALITY: i64 = 1;

/// A schema upgrade made while a store opened: the versions and the backup of the database as
/// it was before, written (and synced) before the first migration ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Upgrade {
    pub from: usize,
    pub to: usize,
    pub backup: PathBuf,
}

impl std::fmt::Display for Upgrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "データベースのスキーマを版 {} から版 {} に更新しました。更新前のバックアップ: {}", self.from, self.to, self.backup.display())
    }
}

/// A file name in `dir` not taken yet: `<stem>.<ext>`, else `<stem>-2.<ext>` and so on, so
/// that a second attempt at the same upgrade never overwrites the first one's backup.
pub(crate) fn free_name(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        let candidate = dir.join(name);
        if !candidate.exists() && !dir.join(format!("{}.partial", candidate.file_name().unwrap_or_default().to_string_lossy())).exists() {
            return candidate;
        }
        n += 1;
    }
}

/// The name stem of the backup written before upgrading from `from` to `to`.
pub(crate) fn upgrade_backup_stem(from: usize, to: usize) -> String {
    format!("hairyo-schema-{from}-before-{to}")
}

/// The engine under a store: an embedded SQLite file on one PC, or a PostgreSQL server shared
/// by the desks of a city hall.
#[allow(clippy::large_enum_variant)] // One per store, for its whole life: boxing saves nothing.
pub(crate) enum Engine {
    Lite(Connection),
    Pg(sql::PgConn),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.engine {
            Engine::Lite(c) => f.debug_struct("Store").field("path", &c.path()).finish(),
            Engine::Pg(_) => f.debug_struct("Store").field("engine", &"postgres").finish(),
        }
    }
}

/// Where a database lives, as `--db`, `HAIRYO_DB` and the server take it: a file path, or a
/// `postgres://` / `postgresql://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Server(String),
}

impl Location {
    pub fn parse(s: &str) -> Location {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Location::Server(s.to_string())
        } else {
            Location::File(PathBuf::from(s))
        }
    }

    /// How the location is shown in messages and logs: a server URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Server(url) => pg::redact(url),
        }
    }
}

/// Opens the database at `location`, creating and migrating it as [`open`] does. The backup
/// before an upgrade goes beside a file, and for a server into the default data folder's
/// `backups/` (a server's configuration names its own: [`open_location_upgrading`]).
pub fn open_location(location: &Location) -> Result<Store, StoreError> {
    match location {
        Location::File(p) => open(p),
        Location::Server(url) => pg::open_upgrading(url, &upgrade_backup_dir_for(&default_db_path())),
    }
}

/// [`open_location`], with the backup before an upgrade written into `backup_dir`.
pub fn open_location_upgrading(location: &Location, backup_dir: &Path) -> Result<Store, StoreError> {
    match location {
        Location::File(p) => open_upgrading(p, backup_dir),
        Location::Server(url) => pg::open_upgrading(url, backup_dir),
    }
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    // WAL lets the window read while the CLI writes; the busy timeout makes a second writer
    // wait for the first instead of failing at once.
    conn.busy_timeout(Duration::from_secs(10))?;
    // Every statement goes through the cache (store/sql.rs); room for all of the store's.
    conn.set_prepared_statement_cache_capacity(256);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A 64 MB page cache keeps bulk imports and the home screen's aggregates off the disk.
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Brings the schema up to date. A database at an older version is first copied into
/// `backup_dir` (required then): if the copy cannot be written, nothing is migrated.
fn migrate(conn: &mut Connection, backup_dir: Option<&Path>) -> Result<Option<Upgrade>, StoreError> {
    let found: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    let to = schema_version();
    if found > to {
        return Err(StoreError::TooNew { found, supported: to });
    }
    if found == to {
        return Ok(None);
    }
    let upgrade = match backup_dir {
        Some(dir) if found > 0 => Some(Upgrade { from: found, to, backup: backup_before_upgrade(conn, dir, found, to)? }),
        None if found > 0 => return Err(StoreError::UpgradeBackup { path: String::new(), detail: "バックアップの場所がありません".into() }),
        _ => None,
    };
    migrations().to_latest(conn).map_err(|e| StoreError::Migration(e.to_string()))?;
    let backup = upgrade.as_ref().map(|u| u.backup.display().to_string()).unwrap_or_default();
    conn.execute(
        "INSERT INTO schema_upgrade (from_version, to_version, app_version, backup_file) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![found as i64, to as i64, crate::VERSION, backup],
    )?;
    Ok(upgrade)
}

/// Writes the copy of an about-to-be-upgraded database into `dir`, under a name saying the
/// versions; written beside its final name and renamed, so a crash leaves no half copy.
fn backup_before_upgrade(conn: &Connection, dir: &Path, from: usize, to: usize) -> Result<PathBuf, StoreError> {
    let fail = |path: &Path, detail: String| StoreError::UpgradeBackup { path: path.display().to_string(), detail };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e.to_string()))?;
    let dest = free_name(dir, &upgrade_backup_stem(from, to), "db");
    let partial = dest.with_file_name(format!("{}.partial", dest.file_name().unwrap_or_default().to_string_lossy()));
    copy_to_file(conn, &partial).map_err(|e| fail(&partial, e.to_string()))?;
    std::fs::rename(&partial, &dest).map_err(|e| fail(&dest, e.to_string()))?;
    Ok(dest)
}

/// Where the backup before an upgrade of the file at `path` goes: `backups/` beside it, with
/// the rotating daily backups (which never touch it: its name is not theirs).
pub fn upgrade_backup_dir_for(path: &Path) -> PathBuf {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("backups")
}

/// Opens (creating if needed) the database at `path` and brings its schema up to date; a
/// database made by an older release is first backed up into `backups/` beside it.
pub fn open(path: &Path) -> Result<Store, StoreError> {
    open_upgrading(path, &upgrade_backup_dir_for(path))
}

/// [`open`], with the backup before an upgrade written into `backup_dir`.
pub fn open_upgrading(path: &Path, backup_dir: &Path) -> Result<Store, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory { path: dir.display().to_string(), source })?;
    }
    let mut conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
    configure(&conn).map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
    let upgraded = migrate(&mut conn, Some(backup_dir))?;
    // Keeps the query planner's statistics current (only tables that need it are analysed).
    // After the version check, so that a database from a newer release is left as it was.
    conn.pragma_update(None, "optimize", 0x10002).map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
    Store::opened(Engine::Lite(conn), upgraded)
}

/// Opens a private in-memory database with the full schema; for tests.
pub fn open_in_memory() -> Result<Store, StoreError> {
    let mut conn = Connection::open_in_memory()?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(256);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn, None)?;
    Store::opened(Engine::Lite(conn), None)
}

/// Opens an existing database file only to read it: nothing is created, migrated or switched
/// to WAL, so a file can be checked (for example a backup before it is restored) unchanged.
pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
    // A file from before the chain could be keyed has no `audit_keying`: never keyed.
    let store = Store { engine: Engine::Lite(conn), kept: Default::default(), upgraded: None, keying: Default::default(), audit_key: None, group_commit: None };
    let _ = store.refresh_keying();
    Ok(store)
}

/// Copies every page of `src` into `dest` with SQLite's online backup API. All pages are
/// copied in one step, so the copy is one consistent snapshot even while other connections
/// write; while another connection holds `dest`, it waits as long as the busy timeout.
fn copy_pages(src: &Connection, dest: &mut Connection) -> Result<(), rusqlite::Error> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(src, dest)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            StepResult::Busy | StepResult::Locked => {
                return Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), Some("database is locked".into())));
            }
            // StepResult is non-exhaustive; anything new is treated as a failure to copy.
            _ => return Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR), Some("backup step failed".into()))),
        }
    }
}

/// Writes a consistent copy of the open database to the new file `dest`, whichever the engine:
/// of a SQLite file, one self-contained file (rollback journal, not WAL, so no `-wal` file
/// belongs to it) synced to disk before this returns; of a PostgreSQL database, `pg_dump`'s
/// custom format ([`pg::dump`]). The caller names the file; the store picks the means.
pub fn backup_to_file(store: &Store, dest: &Path) -> Result<(), StoreError> {
    match &store.engine {
        Engine::Lite(c) => copy_to_file(c, dest),
        Engine::Pg(_) => pg::dump(store, dest),
    }
}

fn copy_to_file(conn: &Connection, dest: &Path) -> Result<(), StoreError> {
    let open_err = |source: rusqlite::Error| StoreError::Open { path: dest.display().to_string(), source: source.into() };
    let mut out = Connection::open(dest).map_err(open_err)?;
    copy_pages(conn, &mut out)?;
    // The copied header says WAL when the source is in WAL mode; a backup file should stand
    // alone, and FULL makes the switch itself sync the file.
    out.pragma_update(None, "synchronous", "FULL")?;
    out.pragma_update(None, "journal_mode", "DELETE")?;
    out.close().map_err(|(_, e)| StoreError::Db(e.into()))?;
    Ok(())
}

/// Replaces everything in the database at `db_path` with the content of `src`, through the
/// backup API into the live file: the copy is one write transaction, so connections that other
/// processes hold on the file see either the old or the new database, never a mix.
pub fn replace_contents(src: &Store, db_path: &Path) -> Result<(), StoreError> {
    let open_err = |source: rusqlite::Error| StoreError::Open { path: db_path.display().to_string(), source: source.into() };
    let mut live = Connection::open(db_path).map_err(open_err)?;
    configure(&live).map_err(open_err)?;
    copy_pages(src.lite()?, &mut live)?;
    live.close().map_err(|(_, e)| StoreError::Db(e.into()))?;
    Ok(())
}

/// What an engine failure says about the database file it happened on, for the messages of
/// backup and restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFault {
    /// The file is not a database at all.
    NotADatabase,
    /// The file is a database whose pages are damaged.
    Corrupt,
    /// The file cannot be created or written: a missing folder, a read-only place, a full
    /// disk, a failing device or no permission.
    Unwritable,
}

impl StoreError {
    fn engine_error(&self) -> Option<&EngineError> {
        match self {
            StoreError::Open { source, .. } | StoreError::Db(source) => Some(source),
            _ => None,
        }
    }

    /// What the engine's failure says about the file, when it says something about it.
    pub fn file_fault(&self) -> Option<FileFault> {
        self.engine_error()?.fault
    }

    /// The engine's own description of the failure, without this error's framing; None when
    /// the engine did not fail.
    pub fn engine_message(&self) -> Option<String> {
        self.engine_error().map(|e| e.message.clone())
    }
}

/// What a backup or a file about to be restored is checked for.
impl Store {
    /// The SQLite connection, for what only the embedded engine does (its backup API, PRAGMAs).
    pub(crate) fn lite(&self) -> Result<&Connection, StoreError> {
        match &self.engine {
            Engine::Lite(c) => Ok(c),
            Engine::Pg(_) => Err(StoreError::Unsupported("SQLite のファイル操作")),
        }
    }

    /// The server's URL (with its password) when the store is a PostgreSQL server.
    pub fn server_url(&self) -> Option<&str> {
        match &self.engine {
            Engine::Pg(c) => Some(&c.url),
            Engine::Lite(_) => None,
        }
    }

    /// True when the store is a PostgreSQL server.
    pub fn is_server(&self) -> bool {
        matches!(self.engine, Engine::Pg(_))
    }

    /// The file the database lives in; None in memory and on a server.
    pub fn file_path(&self) -> Option<&str> {
        self.lite().ok()?.path().filter(|p| !p.is_empty())
    }

    /// The schema upgrade opening this store made (and its backup), for the caller to report.
    pub fn upgrade(&self) -> Option<&Upgrade> {
        self.upgraded.as_ref()
    }

    /// The schema version stored in the file (0 for a database no migration has touched).
    pub fn stored_schema_version(&self) -> Result<usize, StoreError> {
        match &self.engine {
            Engine::Lite(c) => Ok(c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize),
            Engine::Pg(c) => pg::stored_schema_version(c),
        }
    }

    /// True when the file has the tables every Hairyo database has: persons, staff and the
    /// audit log.
    pub fn has_hairyo_tables(&self) -> Result<bool, StoreError> {
        let tables: i64 =
            self.lite()?
                .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('person', 'staff', 'audit_event')", [], |r| r.get(0))?;
        Ok(tables >= 3)
    }

    /// The engine's check of every page and index: `["ok"]` when the file is sound, otherwise
    /// what is wrong, one finding per line.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.lite()?.prepare("PRAGMA integrity_check")?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        Ok(lines)
    }

    /// How many persons are stored, as a backup's and a restore's report shows.
    pub fn person_count(&self) -> Result<i64, StoreError> {
        self.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0))
    }

    /// The schema changes this database went through (migration 0024 on), newest first.
    pub fn schema_history(&self) -> Result<Vec<SchemaChange>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT from_version, to_version, app_version, backup_file, upgraded_at FROM schema_upgrade ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok(SchemaChange { from: r.get::<_, i64>(0)? as usize, to: r.get::<_, i64>(1)? as usize, release: r.get(2)?, backup: r.get(3)?, at: r.get(4)? })
        })?;
        rows.collect()
    }
}

/// One schema change of a database: created at `to` (when `from` is 0) or upgraded, by which
/// release, when (the database's clock) and with which backup taken before.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchemaChange {
    pub from: usize,
    pub to: usize,
    pub release: String,
    pub backup: String,
    pub at: String,
}

/// Read access to the store: the handle every query that changes nothing goes through.
#[derive(Clone, Copy)]
pub struct Read<'a> {
    pub(crate) conn: Conn<'a>,
    /// How this connection makes and checks the audit chain's links.
    pub(crate) seal: audit::Seal<'a>,
}

impl<'a> Read<'a> {
    /// How this connection makes and checks the audit chain's links (for `audit verify`).
    pub fn seal(&self) -> audit::Seal<'a> {
        self.seal
    }
}

/// Write access inside one transaction (see [`Store::write`]); it reads too.
pub struct Write<'a> {
    read: Read<'a>,
}

impl<'a> std::ops::Deref for Write<'a> {
    type Target = Read<'a>;
    fn deref(&self) -> &Read<'a> {
        &self.read
    }
}

impl Store {
    /// Runs `f` inside one transaction: all of it lands, or none of it.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Write<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.keying_for_this_write()?;
        let seal = audit::Seal { keyed_from: self.keying.get().from, key: self.audit_key.as_ref() };
        match &mut self.engine {
            Engine::Lite(c) => {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(StoreError::from)?;
                let value = f(&Write { read: Read { conn: Conn::lite(&tx), seal } })?;
                tx.commit().map_err(StoreError::from)?;
                Ok(value)
            }
            Engine::Pg(c) => pg::write(c, |conn| f(&Write { read: Read { conn, seal } })),
        }
    }

    /// Reads with `f` and appends `event` to the audit log in the same transaction, once `f`
    /// has succeeded: a view that is logged. It writes nothing else, so on PostgreSQL it takes
    /// only the audit log's lock, not the write lock every change holds; record views then do
    /// not queue behind the desks' writes.
    pub fn read_and_append<T, E>(&mut self, event: &audit::NewAuditEvent<'_>, f: impl FnOnce(&Read<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.read_and_append_detailed(event, f, |_| None)
    }

    /// [`Store::read_and_append`] whose event's detail is made from what was read (a search's
    /// hits, say): `detail` returns it, or `None` to keep the event's own.
    pub fn read_and_append_detailed<T, E>(
        &mut self,
        event: &audit::NewAuditEvent<'_>,
        f: impl FnOnce(&Read<'_>) -> Result<T, E>,
        detail: impl FnOnce(&T) -> Option<String>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let complete = |value: &T| {
            let mut e = event.clone();
            if let Some(d) = detail(value) {
                e.detail = d;
            }
            e
        };
        self.keying_for_this_write()?;
        let seal = audit::Seal { keyed_from: self.keying.get().from, key: self.audit_key.as_ref() };
        let group = self.group_commit.as_deref();
        match &mut self.engine {
            Engine::Lite(c) => {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(StoreError::from)?;
                let read = Read { conn: Conn::lite(&tx), seal };
                let value = f(&read)?;
                (Write { read }).audit_mut().append(&complete(&value))?;
                tx.commit().map_err(StoreError::from)?;
                Ok(value)
            }
            Engine::Pg(c) => pg::read_and_append(
                c,
                |conn| f(&Read { conn, seal }),
                |conn, value| {
                    let handle = (Write { read: Read { conn, seal } }).audit_mut();
                    let event = complete(value);
                    match group {
                        Some(group) => group.append(&handle, &event)?,
                        None => handle.append_alone(&event)?,
                    };
                    Ok(())
                },
            ),
        }
    }

    /// Read access for queries that change nothing.
    pub fn read(&self) -> Read<'_> {
        Read { conn: self.conn(), seal: self.seal() }
    }

    /// A store just opened and migrated: whether its audit chain is keyed, and the key from
    /// the file `HAIRYO_AUDIT_KEY_FILE` names, when it is set.
    pub(crate) fn opened(engine: Engine, upgraded: Option<Upgrade>) -> Result<Store, StoreError> {
        let mut store = Store { engine, kept: Default::default(), upgraded, keying: Default::default(), audit_key: None, group_commit: None };
        store.refresh_keying()?;
        if let Some(path) = std::env::var_os("HAIRYO_AUDIT_KEY_FILE").filter(|p| !p.is_empty()) {
            store.use_audit_key(audit::read_key_file(Path::new(&path))?)?;
        }
        Ok(store)
    }

    /// How this store makes and checks the audit chain's links.
    fn seal(&self) -> audit::Seal<'_> {
        // A read cannot fail here: where the keying could not be read again, the chain is
        // checked against what was read last, and every append reads it first (`write`).
        let _ = self.refresh_keying();
        audit::Seal { keyed_from: self.keying.get().from, key: self.audit_key.as_ref() }
    }

    /// Reads the audit chain's keying again when the connection acts for another
    /// municipality than it was read for: each municipality's chain is keyed on its own.
    fn refresh_keying(&self) -> Result<(), StoreError> {
        let scope = self.conn().municipality();
        if self.keying.get().read_for == Some(scope) {
            return Ok(());
        }
        let from = (Read { conn: self.conn(), seal: audit::Seal { keyed_from: None, key: None } }).audit().keying()?.map(|(from, _)| from);
        self.keying.set(Keying { read_for: Some(scope), from });
        Ok(())
    }

    /// Before a write: the keying of the municipality the connection acts for now. A SQLite
    /// file never acts for another, and its keying is read at open and kept by
    /// [`Store::key_audit_chain`].
    fn keying_for_this_write(&self) -> Result<(), StoreError> {
        if self.conn().is_pg() {
            self.refresh_keying()?;
        }
        Ok(())
    }

    /// Makes this store act for `municipality`: every statement after this one reads and
    /// writes only its rows (PostgreSQL's row security; a SQLite file is one municipality).
    /// The core calls it with the signed-in staff member's municipality, never with a value a
    /// client sent.
    pub fn enter(&self, municipality: i64) -> Result<(), StoreError> {
        self.conn().act_for(Some(municipality))?;
        self.refresh_keying()
    }

    /// Makes this store act for the municipality of the staff member with `login` (before
    /// anyone is signed in: how that municipality's staff sign in is in its settings); for the
    /// database's only one, or none, when no staff member has it.
    pub fn enter_for_login(&self, login: &str) -> Result<(), StoreError> {
        self.conn().act_for_found(sql::Finder::Login, login)?;
        self.refresh_keying()
    }

    /// Makes this store act for the database's only municipality when it has only one (a
    /// city's own database, before anyone signs in), and for none when it has several.
    pub fn enter_sole_municipality(&self) -> Result<(), StoreError> {
        let conn = self.conn();
        if !conn.is_pg() {
            return Ok(());
        }
        let sole: Option<i64> = sql::OptionalExtension::optional(conn.query_row("SELECT min(id) FROM municipality HAVING count(*) = 1", [], |r| r.get(0)))?;
        conn.act_for(sole)?;
        self.refresh_keying()
    }

    /// Whether this store was given the audit chain's key.
    pub fn has_audit_key(&self) -> bool {
        self.audit_key.is_some()
    }

    /// Makes this store act for no municipality (a server's connection handed back to its
    /// pool): until it enters one again it sees no municipality's rows.
    pub fn leave(&self) -> Result<(), StoreError> {
        self.conn().act_for(None)
    }

    /// The municipality this store acts for, if any.
    pub fn municipality(&self) -> Option<i64> {
        self.conn().municipality()
    }

    /// Gives this store the audit chain's key (from the key file): it must be the key the
    /// database was keyed with, or the database not keyed yet (then only `key_audit_chain`
    /// keys it).
    /// Appends this connection's read events together with those of the other connections
    /// given the same `group` (a server's pool; see [`audit::GroupCommit`]). PostgreSQL only:
    /// on SQLite one process writes and every append is already serialised.
    pub fn share_group_commit(&mut self, group: std::sync::Arc<audit::GroupCommit>) {
        if matches!(self.engine, Engine::Pg(_)) {
            self.group_commit = Some(group);
        }
    }

    pub fn use_audit_key(&mut self, key: audit::AuditKey) -> Result<(), StoreError> {
        // Every municipality's chain is keyed with the deployment's one key: it must match them
        // all, also before this connection acts for any.
        let checks: Vec<String> = if self.conn().is_pg() {
            self.conn().prepare("SELECT hairyo_audit_key_checks()")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
        } else {
            self.read().audit().keying()?.map(|(_, check)| check).into_iter().collect()
        };
        if checks.iter().any(|check| *check != key.check()) {
            return Err(StoreError::AuditKeyWrong("鍵ファイルを確認してください".into()));
        }
        self.audit_key = Some(key);
        Ok(())
    }

    /// Keys the audit chain from its next event on (the owner, once): later links are HMACs
    /// with `key`, which lives outside the database.
    pub fn key_audit_chain(&mut self, key: audit::AuditKey, at: &str) -> Result<i64, StoreError> {
        let from = self.write(|tx| tx.audit_mut().key_from_next(&key, at))?;
        self.keying.set(Keying { read_for: Some(self.conn().municipality()), from: Some(from) });
        self.audit_key = Some(key);
        Ok(from)
    }

    /// The engine's connection behind the engine-neutral statement API, for tests that check
    /// what is stored byte for byte and for the store's engine-specific tools; the core's
    /// modules go through [`Store::read`] and [`Store::write`].
    pub fn conn(&self) -> Conn<'_> {
        match &self.engine {
            Engine::Lite(c) => Conn::lite(c),
            Engine::Pg(c) => Conn::pg(c),
        }
    }

    /// True once `init` has created the administrator.
    /// In a database of several municipalities: once any has been (whichever this store acts
    /// for, if any).
    pub fn is_initialised(&self) -> Result<bool, StoreError> {
        let conn = self.conn();
        if conn.is_pg() {
            return conn.query_row("SELECT hairyo_initialised()", [], |r| r.get(0));
        }
        let n: i64 = conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?;
        Ok(n > 0)
    }
}

// Measurements for `hairyo bench`.

impl Store {
    /// Brings the query planner's statistics up to date after a bulk load, as a database that
    /// has been in use for a while would have them, so that timings are not of a cold planner.
    pub fn refresh_statistics(&self) -> Result<(), StoreError> {
        // On PostgreSQL VACUUM also merges the GIN index's pending list (which every search
        // otherwise scans whole) and marks pages all-visible for index-only scans, as
        // autovacuum does shortly after a bulk load; a role that owns no table has it skipped
        // with a warning.
        self.conn().execute_batch(self.conn().dialect("ANALYZE; PRAGMA optimize;", "VACUUM (ANALYZE);"))?;
        Ok(())
    }

    /// The baseline search is measured against: a plain `name LIKE '%query%'` scan of every
    /// person, one query after the other through one prepared statement. For each query, the
    /// time the scan took (the pattern is made before the clock starts) and how many persons it
    /// found.
    pub fn time_like_scans(&self, queries: &[&str]) -> Result<Vec<(Duration, usize)>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT id FROM person WHERE name LIKE ?1 ESCAPE '\\'")?;
        let mut out = Vec::with_capacity(queries.len());
        for q in queries {
            let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            let t = std::time::Instant::now();
            let ids: Vec<i64> = stmt.query_map([pattern], |r| r.get(0))?.collect::<Result<_, _>>()?;
            out.push((t.elapsed(), ids.len()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a public item of this package names an engine's type (rusqlite's, postgres's,
    /// or the connection wrapping one): a `pub` item's line, a variant of a `pub enum`, a `pub`
    /// field of a `pub struct`. Rustfmt'd source, read line by line.
    fn engine_types_exported(source: &str) -> Vec<String> {
        const ENGINE: [&str; 4] = ["rusqlite", "postgres::", "postgres_", "PgConn"];
        let mut found = Vec::new();
        // The indentation and kind of the public type whose body is being read.
        let mut open: Option<(usize, &str)> = None;
        for (n, line) in source.lines().enumerate() {
            let text = line.trim_start();
            let indent = line.len() - text.len();
            if let Some((at, _)) = open {
                if indent == at && text.starts_with('}') {
                    open = None;
                    continue;
                }
            }
            let public = text.starts_with("pub ") && !text.starts_with("pub(");
            let exported = public
                || match open {
                    Some((_, "enum")) => !text.starts_with("//") && !text.starts_with('#'),
                    Some((_, _)) => public,
                    None => false,
                };
            if exported && ENGINE.iter().any(|e| text.contains(e)) {
                found.push(format!("{}: {text}", n + 1));
            }
            if open.is_none() && public && text.ends_with('{') {
                if text.starts_with("pub enum ") {
                    open = Some((indent, "enum"));
                } else if text.starts_with("pub struct ") {
                    open = Some((indent, "struct"));
                }
            }
        }
        found
    }

    /// Nothing outside this package can reach an engine: its public items name no engine type
    /// (errors included: `EngineError` carries the message), so the core, the shells and the
    /// tests run statements only through `Conn`'s methods, and `cargo tree -i rusqlite` and
    /// `-i postgres` name this package alone.
    #[test]
    fn no_public_item_names_an_engine_type() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                found.extend(engine_types_exported(&source).into_iter().map(|f| format!("{}:{f}", path.display())));
            }
        }
        assert!(found.is_empty(), "public items naming an engine type:\n{}", found.join("\n"));
        // The check itself finds what it is for.
        let leaky = "pub enum Conn<'a> {\n    Lite(&'a rusqlite::Connection),\n}\npub fn connect() -> postgres::Client {}\npub struct S {\n    pub c: PgConn,\n    d: PgConn,\n}\n";
        assert_eq!(engine_types_exported(leaky).len(), 3, "{:?}", engine_types_exported(leaky));
    }

    #[test]
    fn migrations_validate() {
        migrations().validate().expect("migrations must apply cleanly to an empty database");
    }

    #[test]
    fn in_checks_are_unrolled_and_others_kept() {
        let sql = "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y', 'z')), b INTEGER CHECK (b IN (0, 1)), c TEXT CHECK (length(c) < 3))";
        assert_eq!(
            unroll_in_checks(sql),
            "CREATE TABLE t (a TEXT CHECK (a = 'x' OR a = 'y' OR a = 'z'), b INTEGER CHECK (b = 0 OR b = 1), c TEXT CHECK (length(c) < 3))"
        );
    }

    #[test]
    fn person_checks_still_refuse_bad_codes_after_the_schema_edit() {
        let store = open_in_memory().unwrap();
        let sql: String = store.lite().unwrap().query_row("SELECT sql FROM sqlite_master WHERE name = 'person'", [], |r| r.get(0)).unwrap();
        assert!(!sql.contains(" IN ("), "{sql}");
        let insert = |sex: &str, scheme: &str| {
            store.lite().unwrap().execute(
                "INSERT INTO person (name, kana, name_norm, kana_norm, birth_date, sex, scheme, created_at, updated_at)
                 VALUES ('山田　花子', 'ヤマダ　ハナコ', '山田花子', 'ヤマダハナコ', '1940-04-01', ?1, ?2, 't', 't')",
                [sex, scheme],
            )
        };
        assert!(insert("female", "kokuho").is_ok());
        assert!(insert("woman", "kokuho").is_err());
        assert!(insert("female", "shaho").is_err());
        let check: String = store.lite().unwrap().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
    }

    /// The rules migration 0011 changes or adds, and the shipped rules as they were before it.
    const CHANGED_BY_0011: &[&str] = &["kokuho-child-apply"];
    const ADDED_BY_0011: &[&str] = &["kokuho-applied-continues", "kokuho-aged-75"];

    fn rules_before_0011() -> Vec<crate::model::policy::Rule> {
        let mut rules: Vec<crate::model::policy::Rule> = serde_json::from_str(include_str!("../../../assets/policy/rules.json")).unwrap();
        rules.retain(|r| !ADDED_BY_0011.contains(&r.id.as_str()));
        let child = rules.iter_mut().find(|r| r.id == "kokuho-child-apply").unwrap();
        child.condition.circumstances_recorded = None;
        child.explanation = "マイナ保険証での資格確認が難しい児童です。個別の状況に応じて申請により資格確認書が交付されます (施設入所児は親権者から委任を受けた施設職員が代理申請できます)。".into();
        rules
    }

    /// A database at the schema before migration 0011, holding `rules`.
    fn database_before_0011(rules: &[crate::model::policy::Rule]) -> Store {
        let index = MIGRATION_SQL.iter().position(|s| s.starts_with("-- #12: the corrected 国保 rules")).unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, index).unwrap();
        let mut store =
            Store { engine: Engine::Lite(conn), kept: Default::default(), upgraded: None, keying: Default::default(), audit_key: None, group_commit: None };
        store.write(|tx| rules.iter().try_for_each(|r| tx.policy_mut().upsert(r))).unwrap();
        store
    }

    #[test]
    fn migration_0011_brings_the_corrected_rules_to_a_database_made_before_it() {
        let mut store = database_before_0011(&rules_before_0011());
        let Engine::Lite(conn) = &mut store.engine else { unreachable!() };
        migrations().to_latest(conn).unwrap();
        let shipped: Vec<crate::model::policy::Rule> = serde_json::from_str(include_str!("../../../assets/policy/rules.json")).unwrap();
        let stored = store.read().policy().rules().unwrap();
        for id in CHANGED_BY_0011.iter().chain(ADDED_BY_0011) {
            let want = shipped.iter().find(|r| r.id == *id).unwrap();
            assert_eq!(stored.iter().find(|r| r.id == *id), Some(want), "{id}");
        }
        assert_eq!(stored.len(), shipped.len());
        // The copied table still refuses a route it does not know.
        let bad = store.conn().execute(
            "INSERT INTO policy_rule (id, priority, scheme, effective_from, route, r_numbers, explanation) VALUES ('x', 1, 'kokuho', '2026-01-01', 'martian', '', 'x')",
            [],
        );
        assert!(bad.is_err());

        // What an administrator changed stays as it is.
        let mut edited = rules_before_0011();
        let child = edited.iter_mut().find(|r| r.id == "kokuho-child-apply").unwrap();
        child.condition.considered = Some(true);
        child.explanation = "市で定めた説明".into();
        let kept = child.clone();
        let mut store = database_before_0011(&edited);
        let Engine::Lite(conn) = &mut store.engine else { unreachable!() };
        migrations().to_latest(conn).unwrap();
        assert_eq!(store.read().policy().rules().unwrap().into_iter().find(|r| r.id == "kokuho-child-apply"), Some(kept));

        // A new database stays empty until `init` seeds every shipped rule.
        assert_eq!(open_in_memory().unwrap().read().policy().count().unwrap(), 0);
    }

    /// Migration 0021 widens the card, registration, legal representative, authority and
    /// facility kind constraints: the new values are taken, unknown ones still refused, and
    /// every row written before stays.
    #[test]
    fn migration_0021_takes_the_new_states_and_kinds_and_still_refuses_unknown_ones() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrations().to_version(&mut conn, 20).unwrap();
        conn.execute_batch(
            "INSERT INTO facility (id, name, kind, created_at) VALUES (1, '見本ホーム', 'elderly', 't');
             INSERT INTO person (id, name, kana, name_norm, kana_norm, birth_date, sex, scheme, mynumber_card, registration, created_at, updated_at)
                 VALUES (1, '見本　花子', 'ミホン　ハナコ', '見本花子', 'ミホンハナコ', '1940-04-01', 'female', 'kokuho', 'card', 'registered', 't', 't');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        for (sql, ok) in [
            ("UPDATE person SET mynumber_card = 'returned', registration = 'cancelled', legal_rep_kind = 'curator' WHERE id = 1", true),
            ("UPDATE person SET mynumber_card = 'certificate_lapsed', registration = 'view_blocked' WHERE id = 1", true),
            ("UPDATE person SET mynumber_card = 'lost' WHERE id = 1", false),
            ("UPDATE person SET registration = 'paused' WHERE id = 1", false),
            ("UPDATE facility SET kind = 'infant_home' WHERE id = 1", true),
            ("UPDATE facility SET kind = 'hotel' WHERE id = 1", false),
        ] {
            assert_eq!(conn.execute(sql, []).is_ok(), ok, "{sql}");
        }
        let name: String = conn.query_row("SELECT name FROM person WHERE id = 1", [], |r| r.get(0)).unwrap();
        assert_eq!(name, "見本　花子");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
    }

    /// Migration 0013 on a database with applications: the status constraint takes the 後期
    /// states and still refuses unknown ones, a 後期 application the city had decided is 進達済
    /// from that day, and 国保's decisions and every certificate's issuer are as they were.
    #[test]
    fn migration_0013_widens_the_status_and_moves_decided_kouki_applications() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrations().to_version(&mut conn, 12).unwrap();
        conn.execute_batch(
            "INSERT INTO desk (code, name, sort) VALUES ('kouki', '後期', 1);
             INSERT INTO staff (id, login, name, desk, role, created_at) VALUES (1, 'k', '後期 職員', 'kouki', 'clerk', 't');
             INSERT INTO person (id, name, kana, name_norm, kana_norm, birth_date, sex, scheme, created_at, updated_at)
                 VALUES (1, '見本　花子', 'ミホン　ハナコ', '見本花子', 'ミホンハナコ', '1940-04-01', 'female', 'kouki', 't', 't');
             INSERT INTO application (id, person_id, scheme, received_on, channel, applicant, status, received_by, decided_by, decided_on, created_at)
                 VALUES (1, 1, 'kouki', '2026-09-01', 'counter', 'self', 'decided', 1, 1, '2026-09-03', 't'),
                        (2, 1, 'kokuho', '2026-09-01', 'counter', 'self', 'decided', 1, 1, '2026-09-03', 't');
             INSERT INTO certificate (person_id, application_id, scheme, basis, issued_on, valid_until, issued_by, created_at)
                 VALUES (1, NULL, 'kouki', 'provisional', '2025-08-01', '2026-07-31', 1, 't');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let row = |id: i64| -> (String, Option<String>, Option<String>) {
            conn.query_row("SELECT status, forwarded_on, decided_on FROM application WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap()
        };
        assert_eq!(row(1), ("forwarded".into(), Some("2026-09-03".into()), None));
        assert_eq!(row(2), ("decided".into(), None, Some("2026-09-03".into())));
        let issuer: String = conn.query_row("SELECT issuer FROM certificate", [], |r| r.get(0)).unwrap();
        assert_eq!(issuer, "union");
        assert!(conn.execute("UPDATE application SET status = 'handed_over' WHERE id = 1", []).is_ok());
        assert!(conn.execute("UPDATE application SET status = 'approved' WHERE id = 1", []).is_err());
        assert!(conn.execute("UPDATE application SET handover_method = 'pigeon' WHERE id = 1", []).is_err());
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
    }

    #[test]
    fn refuses_database_from_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        open(&path).unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", (schema_version() + 1) as i64).unwrap();
        }
        let err = open(&path).unwrap_err();
        assert_eq!(err.code(), "store.too_new");
        assert!(err.to_string().contains("新しい版"));
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir.path().join("p.db")).unwrap();
        let fk: i64 = store.lite().unwrap().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        let mode: String = store.lite().unwrap().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        assert_eq!(mode, "wal");
    }

    #[test]
    fn no_column_can_hold_a_my_number() {
        let store = open_in_memory().unwrap();
        let mut stmt = store.lite().unwrap().prepare("SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'").unwrap();
        let cols: Vec<String> =
            stmt.query_map([], |r| Ok(format!("{}.{}", r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap().map(|r| r.unwrap()).collect();
        assert!(cols.len() > 50);
        for c in cols {
            let lc = c.to_lowercase();
            assert!(!lc.contains("mynumber_no") && !lc.contains("my_number") && !lc.contains("kojin"), "{c}");
        }
    }
}
