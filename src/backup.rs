//! Backups and restore, administrators only: a copy of the database to a file, the daily
//! rotating backup beside a database file, and replacing the database with a backup.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use hairyo::backup::{self, BackupInfo, RestoreReport, Rotation};
use hairyo::staff::{self, Role};
use hairyo::store::{self, Location};

use crate::output::group;
use crate::{ErrorBody, Invocation, Result};

#[derive(Subcommand)]
pub enum BackupCmd {
    /// Back up the database to FILE (a consistent copy, even while the window writes), or with
    /// --auto write the daily rotating backup. Administrators only.
    Backup {
        /// The backup file to write (replaced if it exists).
        #[arg(required_unless_present = "auto", conflicts_with = "auto")]
        file: Option<PathBuf>,
        /// The daily automatic backup: hairyo-YYYYMMDD-HHMMSS.db, at most one a day, oldest removed.
        #[arg(long)]
        auto: bool,
        /// Folder of the automatic backups (default: backups/ next to the database).
        #[arg(long, requires = "auto")]
        dir: Option<PathBuf>,
        /// How many automatic backups to keep.
        #[arg(long, requires = "auto", default_value_t = hairyo::backup::DEFAULT_KEEP)]
        keep: usize,
    },
    /// Replace the database with a backup FILE. The current database is kept as
    /// <db>.before-restore-<time>. Needs --yes.
    Restore {
        file: PathBuf,
        /// Confirm that the current database is to be replaced.
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(inv: &Invocation, cmd: &BackupCmd) -> Result {
    match cmd {
        BackupCmd::Backup { file, auto: false, .. } => backup_to(inv, file.as_deref()),
        BackupCmd::Backup { dir, keep, auto: true, .. } => backup_auto(inv, dir.as_deref(), *keep),
        BackupCmd::Restore { file, yes } => match inv.location() {
            Location::Server(url) => restore_server(inv, file, &url, *yes),
            Location::File(_) => restore(inv, file, *yes),
        },
    }
}

fn backup_to(inv: &Invocation, file: Option<&Path>) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let file = file.ok_or_else(|| ErrorBody::new("cli.backup_file", "バックアップ先のファイル名を指定してください (自動バックアップは --auto)"))?;
    inv.emit(&backup::backup(&mut store, &actor, file, inv.now)?, backup_text)
}

/// The automatic backup is logged in the administrator's name like the window's, but only an
/// administrator may start it from here.
fn backup_auto(inv: &Invocation, dir: Option<&Path>, keep: usize) -> Result {
    let (store, actor) = inv.sign_in()?;
    if actor.role != Role::Admin {
        return Err(backup::BackupError::AdminOnly.into());
    }
    drop(store);
    let db = inv.db_file("自動バックアップ (--auto) ")?;
    let dir = dir.map(Path::to_path_buf).unwrap_or_else(|| backup::backups_dir_for(&db));
    let r = backup::rotate_if_due_in(&db, &dir, keep, inv.now)?;
    inv.emit(&serde_json::json!({"dir": dir, "rotation": r}), |_| rotation_text(&dir, r.as_ref()))
}

/// Replaces a database file with a backup. The current database's administrator signs in to
/// replace it; when there is no usable database yet (a new PC, or a file SQLite cannot read,
/// the usual reason to restore) there is nothing to sign in to, and the backup's administrator
/// of that login is recorded.
fn restore(inv: &Invocation, file: &Path, yes: bool) -> Result {
    let db = inv.db_file("復元")?;
    if !yes {
        return Err(confirm_file(&db, file));
    }
    let usable = db.exists() && is_initialised(inv);
    if !usable && db.exists() {
        eprintln!("注意: 現在のデータベースを開けないか初期化されていないため、サインインせずに復元します");
    }
    let login = restoring_login(inv, usable)?;
    inv.emit(&backup::restore(file, &db, &login, inv.now)?, restored_text)
}

/// `restore` into a PostgreSQL database: the current database's administrator signs in (when
/// it has one), and the current content is dumped beside the backup first.
fn restore_server(inv: &Invocation, file: &Path, url: &str, yes: bool) -> Result {
    let shown = store::pg::redact(url);
    if !yes {
        return Err(confirm_server(&shown, file));
    }
    let login = restoring_login(inv, is_initialised(inv))?;
    inv.emit(&backup::restore_server(file, url, &login, inv.now)?, |r| restored_server_text(r, &shown))
}

fn is_initialised(inv: &Invocation) -> bool {
    matches!(inv.open().and_then(|s| Ok(s.is_initialised()?)), Ok(true))
}

/// Who restores: the current database's administrator, signed in, when it has one; otherwise
/// (nothing to sign in to) the login of the backup's administrator, `--as` or `admin`.
fn restoring_login(inv: &Invocation, current_is_usable: bool) -> Result<String> {
    if !current_is_usable {
        return Ok(inv.cli.as_login.clone().unwrap_or_else(|| staff::ADMIN_LOGIN.to_string()));
    }
    let (_, actor) = inv.sign_in()?;
    if actor.role != Role::Admin {
        return Err(backup::BackupError::AdminOnly.into());
    }
    Ok(actor.login)
}

fn confirm_file(db: &Path, file: &Path) -> ErrorBody {
    ErrorBody::new(
        "restore.confirm",
        format!(
            "復元すると、現在のデータベース {} の内容がすべてバックアップ {} の内容に置き換わります。\
             現在のデータベースは {}.before-restore-<日時> として残します。よろしければ --yes を付けて実行してください",
            db.display(),
            file.display(),
            db.display()
        ),
    )
}

fn confirm_server(shown: &str, file: &Path) -> ErrorBody {
    ErrorBody::new(
        "restore.confirm",
        format!(
            "復元すると、現在のデータベース {shown} の内容がすべてバックアップ {} の内容に置き換わります。\
             現在の内容はバックアップと同じフォルダーに hairyo-before-restore-<日時>.dump として残します。よろしければ --yes を付けて実行してください",
            file.display()
        ),
    )
}

fn backup_text(i: &BackupInfo) -> String {
    format!("バックアップしました: {} (対象者 {}人、{}KB)", i.file.display(), group(i.persons), i.bytes / 1024)
}

fn rotation_text(dir: &Path, rotation: Option<&Rotation>) -> String {
    let Some(r) = rotation else {
        return format!("今日の自動バックアップは作成済みです ({})", dir.display());
    };
    let mut out = format!("自動バックアップを作成しました: {} (対象者 {}人)", r.backup.file.display(), group(r.backup.persons));
    for p in &r.removed {
        let _ = write!(out, "\n古いバックアップを削除しました: {}", p.display());
    }
    out
}

fn restored_text(r: &RestoreReport) -> String {
    let mut out = format!("{} を復元しました: {} (対象者 {}人)", r.from.display(), r.database.display(), group(r.persons));
    if let Some(p) = &r.before_restore {
        let _ = write!(out, "\n復元前のデータベースは {} に残しています", p.display());
    }
    out
}

fn restored_server_text(r: &RestoreReport, shown: &str) -> String {
    let mut out = format!("{} を復元しました: {shown} (対象者 {}人)", r.from.display(), group(r.persons));
    if let Some(p) = &r.before_restore {
        let _ = write!(out, "\n復元前の内容は {} に残しています", p.display());
    }
    out
}
