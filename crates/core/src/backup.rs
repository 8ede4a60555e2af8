//! Backups and restores of the whole database, and the rotating automatic backups.
//!
//! Every copy goes through SQLite's online backup API, so it is one consistent snapshot even
//! while the window or another CLI process writes. A backup is written next to its final name
//! and renamed into place, so a crash never leaves half a backup under the final name. A
//! restore checks the file first, keeps the current database as `<db>.before-restore-<time>`,
//! then copies the backup into the live file.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::audit::{self, Action};
use crate::staff::{self, Actor, Role};
use crate::store::{self, FileFault, Store, StoreError};

/// How many automatic backups are kept by default (two weeks of daily backups).
pub const DEFAULT_KEEP: usize = 14;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("バックアップと復元は管理者のみが行えます。管理者のログイン名で実行してください")]
    AdminOnly,
    #[error("{0} は使用中のデータベースそのものです。別のファイル名を指定してください")]
    SameFile(String),
    #[error("{path} を読めません ({source})。ファイル名と場所を確認してください")]
    Read { path: String, source: std::io::Error },
    #[error("{path} に書き込めません ({source})。フォルダーがあるか、書き込み権限と空き容量があるかを確認してください")]
    Write { path: String, source: std::io::Error },
    #[error(
        "{0} は Hairyo のデータベースではありません (SQLite のデータベースとして読めません)。`hairyo backup` で作成したバックアップファイルを指定してください"
    )]
    NotDatabase(String),
    #[error("{0} は Hairyo のデータベースではありません (対象者や職員の表がありません)。`hairyo backup` で作成したバックアップファイルを指定してください")]
    NotHairyo(String),
    #[error("{path} は壊れています (整合性検査の結果: {detail})。別のバックアップ (前日の自動バックアップなど) を指定してください")]
    Corrupt { path: String, detail: String },
    #[error("{path} は新しい版の Hairyo で作成されています (スキーマ版 {found}、この版は {supported} まで)。Hairyo を更新してから復元してください")]
    TooNew { path: String, found: usize, supported: usize },
    #[error("バックアップ {path} に有効な管理者「{login}」がいません。バックアップ内の管理者のログイン名を --as で指定してください")]
    NoSuchAdmin { path: String, login: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Staff(#[from] staff::StaffError),
}

impl BackupError {
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::AdminOnly => "backup.admin_only",
            BackupError::SameFile(_) => "backup.same_file",
            BackupError::Read { .. } => "backup.read",
            BackupError::Write { .. } => "backup.write",
            BackupError::NotDatabase(_) => "backup.not_database",
            BackupError::NotHairyo(_) => "backup.not_hairyo",
            BackupError::Corrupt { .. } => "backup.corrupt",
            BackupError::TooNew { .. } => "backup.too_new",
            BackupError::NoSuchAdmin { .. } => "backup.no_such_admin",
            BackupError::Store(e) => e.code(),
            BackupError::Staff(e) => e.code(),
        }
    }
}

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub file: PathBuf,
    pub bytes: u64,
    pub schema_version: usize,
    pub persons: i64,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub from: PathBuf,
    pub database: PathBuf,
    /// The database as it was before the restore; None when there was none.
    pub before_restore: Option<PathBuf>,
    /// The backup's schema version; an older one has been brought up to date.
    pub schema_version: usize,
    pub persons: i64,
}

/// What one automatic backup wrote and removed.
#[derive(Debug, Clone, Serialize)]
pub struct Rotation {
    pub backup: BackupInfo,
    pub removed: Vec<PathBuf>,
}

/// Where automatic backups of a database go: `backups/` next to it, which for the default
/// database is `<app data dir>/backups`.
pub fn backups_dir_for(db_path: &Path) -> PathBuf {
    db_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("backups")
}

/// The default folder of automatic backups, next to the default database.
pub fn default_dir() -> PathBuf {
    backups_dir_for(&store::default_db_path())
}

fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Read { path: path.display().to_string(), source }
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Write { path: path.display().to_string(), source }
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Syncs a folder, so that a rename inside it survives a power cut. Not every platform can
/// open a folder for this; there the rename is as durable as the OS makes it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A temporary name next to `dest`, unique to this process so two processes never write the
/// same temporary file.
fn part_path(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "hairyo.db".into());
    dest.with_file_name(format!("{name}.{}.part", std::process::id()))
}

/// Copies the open database to `dest` through a temporary file and a rename.
fn write_copy(store: &Store, dest: &Path) -> Result<u64, BackupError> {
    let tmp = part_path(dest);
    let _ = std::fs::remove_file(&tmp);
    let copied = store::backup_to_file(store, &tmp);
    let result = copied.map_err(BackupError::from).and_then(|()| {
        std::fs::rename(&tmp, dest).map_err(write_err(dest))?;
        sync_dir(dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")));
        std::fs::metadata(dest).map(|m| m.len()).map_err(write_err(dest))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    // A missing folder, a read-only place or a full disk shows up as SQLite failing to open or
    // write the new file; say so in terms of the file rather than of SQLite.
    result.map_err(|e| match e {
        BackupError::Store(e @ StoreError::Open { .. }) => write_err(dest)(std::io::Error::other(e.engine_message().unwrap_or_default())),
        BackupError::Store(e @ StoreError::Db(_)) if e.file_fault() == Some(FileFault::Unwritable) => {
            write_err(dest)(std::io::Error::other(e.engine_message().unwrap_or_default()))
        }
        other => other,
    })
}

fn backup_as(store: &mut Store, actor: &Actor, dest: &Path, automatic: bool, now: NaiveDateTime) -> Result<BackupInfo, BackupError> {
    if actor.role != Role::Admin {
        return Err(BackupError::AdminOnly);
    }
    if let Some(live) = store.file_path() {
        if same_file(dest, Path::new(live)) {
            return Err(BackupError::SameFile(dest.display().to_string()));
        }
    }
    let bytes = write_copy(store, dest)?;
    let info = BackupInfo { file: dest.to_path_buf(), bytes, schema_version: store::schema_version(), persons: store.person_count()? };
    // The event is logged after the copy, so the log never claims a backup that failed; the
    // backup itself therefore ends with the event before it.
    store.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Export,
            "database",
            None,
            serde_json::json!({
                "event": "backup", "file": dest.display().to_string(), "bytes": bytes, "automatic": automatic,
            }),
        )
    })?;
    Ok(info)
}

/// Writes a consistent copy of the database to `dest` (replacing a file already there) and
/// logs it. Administrators only: a backup holds every person's record.
pub fn backup(store: &mut Store, actor: &Actor, dest: &Path, now: NaiveDateTime) -> Result<BackupInfo, BackupError> {
    store.enter(actor.municipality)?;
    backup_as(store, actor, dest, false, now)
}

/// What [`verify`] found in a file about to be restored.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub schema_version: usize,
    pub persons: i64,
}

/// Names a file the engine could not read in terms of the file: not a database, or damaged.
fn classify(path: &Path, e: StoreError) -> BackupError {
    match e.file_fault() {
        Some(FileFault::NotADatabase) => BackupError::NotDatabase(path.display().to_string()),
        Some(FileFault::Corrupt) => BackupError::Corrupt { path: path.display().to_string(), detail: e.engine_message().unwrap_or_default() },
        _ => BackupError::Store(e),
    }
}

fn inspect(path: &Path, source: &Store) -> Result<Inspection, BackupError> {
    let shown = || path.display().to_string();
    let found = source.stored_schema_version().map_err(|e| classify(path, e))?;
    let tables = source.has_hairyo_tables().map_err(|e| classify(path, e))?;
    if found == 0 || !tables {
        return Err(BackupError::NotHairyo(shown()));
    }
    // Checked before the integrity check: a newer schema is the likelier and more useful
    // explanation, and the check can take a while on a large file.
    if found > store::schema_version() {
        return Err(BackupError::TooNew { path: shown(), found, supported: store::schema_version() });
    }
    let lines = source.integrity_check().map_err(|e| classify(path, e))?;
    if lines != ["ok"] {
        let detail: Vec<&str> = lines.iter().take(3).map(String::as_str).collect();
        return Err(BackupError::Corrupt { path: shown(), detail: detail.join(" / ") });
    }
    Ok(Inspection { schema_version: found, persons: source.person_count().map_err(|e| classify(path, e))? })
}

/// Checks that `path` is a sound Hairyo database this version can open: SQLite can read it,
/// it has Hairyo's tables, its schema is not newer than this binary's, and
/// `PRAGMA integrity_check` says "ok". Reads the file without changing it.
pub fn verify(path: &Path) -> Result<Inspection, BackupError> {
    std::fs::metadata(path).map_err(read_err(path))?;
    let source = store::open_read_only(path).map_err(|e| match e {
        e @ StoreError::Open { .. } => classify(path, e),
        other => other.into(),
    })?;
    inspect(path, &source)
}

/// `<db>.before-restore-<time>`, with a counter if a restore in the same second made one.
fn before_restore_path(db_path: &Path, now: NaiveDateTime) -> PathBuf {
    let name = db_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "hairyo.db".into());
    let base = format!("{name}.before-restore-{}", now.format("%Y%m%d-%H%M%S"));
    let mut path = db_path.with_file_name(&base);
    let mut n = 2;
    while path.exists() {
        path = db_path.with_file_name(format!("{base}-{n}"));
        n += 1;
    }
    path
}

fn sidecar(db_path: &Path, suffix: &str) -> PathBuf {
    let mut s = db_path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Keeps the current database before a restore. Through the backup API when it can be read;
/// when it cannot (the usual reason to restore), its files are copied as they are.
fn keep_current(db_path: &Path, now: NaiveDateTime) -> Result<Option<PathBuf>, BackupError> {
    if !db_path.exists() {
        return Ok(None);
    }
    let keep = before_restore_path(db_path, now);
    let copied = store::open_read_only(db_path).map_err(BackupError::from).and_then(|current| write_copy(&current, &keep));
    if copied.is_err() {
        std::fs::copy(db_path, &keep).map_err(write_err(&keep))?;
        let wal = sidecar(db_path, "-wal");
        if wal.exists() {
            std::fs::copy(&wal, sidecar(&keep, "-wal")).map_err(write_err(&keep))?;
        }
    }
    Ok(Some(keep))
}

/// Replaces the database at `db_path` with the backup `src`. The backup is checked first
/// (see [`verify`]) and must have an active administrator `login`, who is recorded as having
/// restored it and who can sign in afterwards. The current database is kept as
/// `<db>.before-restore-<time>`; then the backup is copied into the live file with the backup
/// API, so a window that has the file open sees the new content on its next read. A backup from
/// an older version is brought up to date.
pub fn restore(src: &Path, db_path: &Path, login: &str, now: NaiveDateTime) -> Result<RestoreReport, BackupError> {
    if same_file(src, db_path) {
        return Err(BackupError::SameFile(src.display().to_string()));
    }
    let inspection = verify(src)?;
    let source = store::open_read_only(src)?;
    let admin = source.read().staff().active_admin_id(login.trim())?;
    if admin.is_none() {
        return Err(BackupError::NoSuchAdmin { path: src.display().to_string(), login: login.to_string() });
    }
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    }
    let before_restore = keep_current(db_path, now)?;
    if let Err(e) = store::replace_contents(&source, db_path) {
        // A current file SQLite cannot read cannot be copied into; it is kept above, so it is
        // moved out of the way and the backup is restored into a fresh file.
        let unreadable = matches!(e.file_fault(), Some(FileFault::NotADatabase | FileFault::Corrupt));
        if !(unreadable && before_restore.is_some()) {
            return Err(e.into());
        }
        for path in [db_path.to_path_buf(), sidecar(db_path, "-wal"), sidecar(db_path, "-shm")] {
            if path.exists() {
                std::fs::remove_file(&path).map_err(write_err(&path))?;
            }
        }
        store::replace_contents(&source, db_path)?;
    }
    drop(source);
    let mut restored = store::open(db_path)?;
    let actor = staff::actor(&restored, login)?;
    log_restore(&mut restored, &actor, src, before_restore.as_deref(), inspection.schema_version, now)?;
    Ok(RestoreReport {
        from: src.to_path_buf(),
        database: db_path.to_path_buf(),
        before_restore,
        schema_version: inspection.schema_version,
        persons: restored.person_count()?,
    })
}

/// Logs a restore in the restored database's audit log, in the name of the administrator who
/// ran it, with where the content came from and where the previous content was kept.
fn log_restore(
    restored: &mut Store,
    actor: &Actor,
    src: &Path,
    before_restore: Option<&Path>,
    schema_version: usize,
    now: NaiveDateTime,
) -> Result<(), BackupError> {
    restored.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Update,
            "database",
            None,
            serde_json::json!({
                "event": "restore",
                "from": src.display().to_string(),
                "before_restore": before_restore.map(|p| p.display().to_string()),
                "schema_version": schema_version,
            }),
        )
    })?;
    Ok(())
}

/// Replaces the PostgreSQL database at `url` with the pg_dump file `src` (what `hairyo backup`
/// writes for a server database). As for a file: the dump is checked first (Hairyo's tables,
/// a schema this version can open, an active administrator `login`), the current database is
/// dumped beside the backup as `hairyo-before-restore-<time>.dump`, the restore is one
/// transaction, and the restore is logged in the restored database's audit log.
pub fn restore_server(src: &Path, url: &str, login: &str, now: NaiveDateTime) -> Result<RestoreReport, BackupError> {
    std::fs::metadata(src).map_err(read_err(src))?;
    let shown = || src.display().to_string();
    let (found, tables) = store::pg::inspect_dump(src)?;
    if found == 0 || !tables {
        return Err(BackupError::NotHairyo(shown()));
    }
    if found > store::schema_version() {
        return Err(BackupError::TooNew { path: shown(), found, supported: store::schema_version() });
    }
    let current = store::pg::open(url)?;
    let before_restore = if current.is_initialised()? {
        let dir = src.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let keep = dir.join(format!("hairyo-before-restore-{}.dump", now.format("%Y%m%d-%H%M%S")));
        store::pg::dump(&current, &keep)?;
        Some(keep)
    } else {
        None
    };
    drop(current);
    store::pg::restore_dump(url, src)?;
    let mut restored = store::pg::open(url)?;
    let actor = match staff::actor(&restored, login) {
        Ok(a) if a.role == Role::Admin => a,
        _ => return Err(BackupError::NoSuchAdmin { path: shown(), login: login.to_string() }),
    };
    log_restore(&mut restored, &actor, src, before_restore.as_deref(), found, now)?;
    Ok(RestoreReport {
        from: src.to_path_buf(),
        database: PathBuf::from(store::pg::redact(url)),
        before_restore,
        schema_version: found,
        persons: restored.person_count()?,
    })
}

/// The time in an automatic backup's name `hairyo-YYYYMMDD-HHMMSS.db`, or None for any other
/// file, so rotation never touches files it did not write.
fn rotation_time(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix("hairyo-")?.strip_suffix(".db")?;
    if stamp.len() != 15 {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()
}

/// The automatic backups in `dir`, oldest first.
fn rotated(dir: &Path) -> Result<Vec<(NaiveDateTime, PathBuf)>, BackupError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(read_err(dir)(e)),
    };
    let mut found: Vec<(NaiveDateTime, PathBuf)> =
        entries.filter_map(|e| e.ok()).filter_map(|e| rotation_time(&e.file_name().to_string_lossy()).map(|t| (t, e.path()))).collect();
    found.sort();
    Ok(found)
}

/// The first active administrator, in whose name automatic backups are logged (the events
/// say `"automatic": true`).
fn administrator(store: &Store) -> Result<Actor, BackupError> {
    let login = store.read().staff().first_admin_login()?.ok_or(StoreError::NotInitialised)?;
    Ok(staff::actor(store, &login)?)
}

/// Writes an automatic backup `hairyo-YYYYMMDD-HHMMSS.db` into `dir` (creating it), then
/// removes the oldest automatic backups beyond `keep` (at least the new one is always kept).
pub fn rotate(db_path: &Path, dir: &Path, keep: usize, now: NaiveDateTime) -> Result<Rotation, BackupError> {
    std::fs::metadata(db_path).map_err(read_err(db_path))?;
    let mut store = store::open(db_path)?;
    if !store.is_initialised()? {
        return Err(StoreError::NotInitialised.into());
    }
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let actor = administrator(&store)?;
    let dest = dir.join(format!("hairyo-{}.db", now.format("%Y%m%d-%H%M%S")));
    let backup = backup_as(&mut store, &actor, &dest, true, now)?;
    let all = rotated(dir)?;
    let excess = all.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for (_, path) in all.into_iter().take(excess) {
        if path == dest {
            continue;
        }
        std::fs::remove_file(&path).map_err(write_err(&path))?;
        removed.push(path);
    }
    Ok(Rotation { backup, removed })
}

/// True when `dir` has no automatic backup from `today`: at most one is written a day. The
/// date comes from the file name, which carries the time that was passed in, not the clock.
pub fn is_due(dir: &Path, today: NaiveDate) -> Result<bool, BackupError> {
    Ok(!rotated(dir)?.iter().any(|(t, _)| t.date() == today))
}

/// [`rotate`] into `dir` if [`is_due`]; None when not due, or when there is no initialised
/// database to back up yet.
pub fn rotate_if_due_in(db_path: &Path, dir: &Path, keep: usize, now: NaiveDateTime) -> Result<Option<Rotation>, BackupError> {
    if !db_path.exists() || !is_due(dir, now.date())? {
        return Ok(None);
    }
    match rotate(db_path, dir, keep, now) {
        Ok(r) => Ok(Some(r)),
        Err(BackupError::Store(StoreError::NotInitialised)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The daily automatic backup of the database at `db_path` into `backups/` next to it,
/// keeping [`DEFAULT_KEEP`]; for the CLI's `backup --auto` and the desktop shell to call after
/// a write. Does nothing when today's backup exists.
pub fn rotate_if_due(db_path: &Path, now: NaiveDateTime) -> Result<Option<Rotation>, BackupError> {
    rotate_if_due_in(db_path, &backups_dir_for(db_path), DEFAULT_KEEP, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_names() {
        assert_eq!(rotation_time("hairyo-20261125-101500.db").map(|t| t.to_string()).as_deref(), Some("2026-11-25 10:15:00"));
        for other in ["hairyo.db", "hairyo-20261125.db", "hairyo-20261125-101500.db.123.part", "x-20261125-101500.db", "hairyo-20261345-101500.db"] {
            assert_eq!(rotation_time(other), None, "{other}");
        }
    }

    #[test]
    fn backups_dir_is_next_to_the_database() {
        assert_eq!(backups_dir_for(Path::new("/data/jp.hairyo.desktop/hairyo.db")), Path::new("/data/jp.hairyo.desktop/backups"));
        assert_eq!(backups_dir_for(Path::new("hairyo.db")), Path::new("./backups"));
    }
}
