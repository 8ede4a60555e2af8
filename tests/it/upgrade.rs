//! Upgrades keep data: a database made by the previous release (0.1.0, schema 23; fixtures in
//! `tests/fixtures/release-0.1.0/`, made by that release's `hairyo init` and `hairyo demo
//! --persons 60`) is backed up and then brought to this release's schema, on both engines; a
//! database newer than this binary is refused untouched.

use std::path::{Path, PathBuf};

use crate::common::{self, at};
use hairyo::store::{self, Store};
use hairyo::{audit, staff};

/// The previous release's schema version and what its demo data holds.
const PREVIOUS_SCHEMA: usize = 23;
const PREVIOUS_PERSONS: i64 = 60;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-0.1.0").join(name)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => vec![],
    };
    names.sort();
    names
}

/// What a clerk relies on after the upgrade: the persons are all there, the administrator
/// signs in with the old password, the audit chain still verifies, and the upgrade is in the
/// schema's history with its backup.
fn assert_kept(store: &mut Store, backup: &Path) {
    assert_eq!(store.stored_schema_version().unwrap(), store::schema_version());
    assert_eq!(store.person_count().unwrap(), PREVIOUS_PERSONS);
    let admin = staff::sign_in(store, "admin", hairyo::demo::DEMO_PASSWORD, at("2026-12-03")).expect("the old password still signs in");
    let chain = audit::verify(store, &admin, at("2026-12-03")).unwrap();
    assert!(chain.ok, "the audit chain survives the upgrade: {}", chain.message);
    // init and the demo's runs are in it, and the open of the newer release adds none.
    assert!(chain.events >= 5, "{} events", chain.events);
    let history = store.schema_history().unwrap();
    let last = history.first().expect("the upgrade is recorded");
    assert_eq!((last.from, last.to), (PREVIOUS_SCHEMA, store::schema_version()));
    assert_eq!(last.release, hairyo::VERSION);
    assert_eq!(Path::new(&last.backup), backup);
}

#[test]
fn a_file_of_the_previous_release_is_backed_up_then_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hairyo.db");
    std::fs::copy(fixture("hairyo.db"), &db).unwrap();
    let before = std::fs::read(&db).unwrap();
    let backups = store::upgrade_backup_dir_for(&db);

    let mut store = store::open(&db).expect("the previous release's file opens");
    let upgrade = store.upgrade().cloned().expect("the open upgraded the schema");
    assert_eq!((upgrade.from, upgrade.to), (PREVIOUS_SCHEMA, store::schema_version()));
    assert_eq!(upgrade.backup, backups.join(format!("hairyo-schema-{PREVIOUS_SCHEMA}-before-{}.db", store::schema_version())));
    let said = upgrade.to_string();
    assert!(said.contains("版 23 から") && said.contains(&upgrade.backup.display().to_string()), "{said}");
    assert_kept(&mut store, &upgrade.backup);
    // The window's frame says it once someone signs in, and tells a visitor nothing.
    let place = hairyo::frame::Place { db_path: String::new(), idle_lock_seconds: 600, needs_admin_password: false };
    let frame = |actor| hairyo::frame::app_state(&store, actor, at("2026-12-03"), place.clone()).unwrap();
    assert_eq!(frame(None).upgraded, None);
    let admin = staff::actor(&store, "admin").unwrap();
    assert_eq!(frame(Some(admin)).upgraded, Some(said.clone()));
    drop(store);

    // The backup is the database as the previous release left it: its schema, its persons.
    let inspection = hairyo::backup::verify(&upgrade.backup).expect("the backup is a sound database");
    assert_eq!(inspection.schema_version, PREVIOUS_SCHEMA);
    assert_eq!(inspection.persons, PREVIOUS_PERSONS);
    assert_ne!(std::fs::read(&db).unwrap(), before, "the live file was migrated, not the backup");

    // Opening it again upgrades nothing and writes no second backup.
    let again = store::open(&db).unwrap();
    assert_eq!(again.upgrade(), None);
    assert_eq!(files_in(&backups).len(), 1, "{:?}", files_in(&backups));
    assert_eq!(again.schema_history().unwrap().len(), 1);
}

#[test]
fn a_second_upgrade_from_the_same_version_never_overwrites_the_first_backup() {
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    for name in ["a.db", "b.db"] {
        let db = dir.path().join(name);
        std::fs::copy(fixture("hairyo.db"), &db).unwrap();
        store::open_upgrading(&db, &backups).unwrap();
    }
    let stem = format!("hairyo-schema-{PREVIOUS_SCHEMA}-before-{}", store::schema_version());
    assert_eq!(files_in(&backups), vec![format!("{stem}-2.db"), format!("{stem}.db")]);
}

#[test]
fn no_upgrade_runs_when_its_backup_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hairyo.db");
    std::fs::copy(fixture("hairyo.db"), &db).unwrap();
    // A file where the backup folder should be: the folder cannot be made.
    let blocked = dir.path().join("backups");
    std::fs::write(&blocked, "not a folder").unwrap();
    let e = store::open_upgrading(&db, &blocked).unwrap_err();
    assert_eq!(e.code(), "store.upgrade_backup", "{e}");
    let inspection = hairyo::backup::verify(&db).unwrap();
    assert_eq!(inspection.schema_version, PREVIOUS_SCHEMA, "the database was left as it was");
}

#[test]
fn a_file_newer_than_this_release_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hairyo.db");
    store::open(&db).unwrap();
    let newer = store::schema_version() + 1;
    store::raw::RawSession::file(&db).unwrap().batch(&format!("PRAGMA user_version = {newer}")).unwrap();
    let schema = |db: &Path| -> (i64, Vec<String>) {
        let mut conn = store::raw::RawSession::file(db).unwrap();
        let version = conn.integer("PRAGMA user_version").unwrap();
        let names = conn.rows("SELECT name FROM sqlite_master ORDER BY name").unwrap();
        (version, names.into_iter().map(|r| r[0].clone().unwrap_or_default()).collect())
    };
    let before = schema(&db);
    let e = store::open(&db).unwrap_err();
    assert_eq!(e.code(), "store.too_new");
    assert!(e.to_string().contains(&newer.to_string()), "{e}");
    // Not even the planner's statistics are written: the version is checked first.
    assert!(schema(&db) == before, "the newer database is left as it was");
    assert!(files_in(&store::upgrade_backup_dir_for(&db)).is_empty(), "no backup for a refused open");
}

fn server() -> Option<String> {
    let s = common::pg_server();
    if s.is_none() {
        eprintln!("HAIRYO_TEST_PG is not set; this test runs in the PostgreSQL pass of .ci/run");
    }
    s
}

fn pg_tool(tool: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let out = std::process::Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn a_server_database_of_the_previous_release_is_dumped_then_upgraded() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_database(&server);
    pg_tool("pg_restore", &["--no-owner".as_ref(), "--dbname".as_ref(), url.as_ref(), fixture("hairyo.dump").as_os_str()]);
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");

    let mut store = store::pg::open_upgrading(&url, &backups).expect("the previous release's database opens");
    let upgrade = store.upgrade().cloned().expect("the open upgraded the schema");
    assert_eq!((upgrade.from, upgrade.to), (PREVIOUS_SCHEMA, store::schema_version()));
    assert_eq!(upgrade.backup.extension().and_then(|e| e.to_str()), Some("dump"));
    assert_kept(&mut store, &upgrade.backup);
    drop(store);

    // The dump restores into an empty database as the previous release's schema and data.
    let listing = String::from_utf8(pg_tool("pg_restore", &["--list".as_ref(), upgrade.backup.as_os_str()]).stdout).unwrap();
    assert!(listing.contains("TABLE DATA public person "), "{listing}");
    assert!(!listing.contains("schema_upgrade"), "the dump is from before migration 24");
    let restored = common::fresh_pg_database(&server);
    pg_tool("pg_restore", &["--no-owner".as_ref(), "--dbname".as_ref(), restored.as_ref(), upgrade.backup.as_os_str()]);
    let mut client = store::raw::RawSession::server(&restored).unwrap();
    let version = client.integer("SELECT version FROM hairyo_schema").unwrap();
    let persons = client.integer("SELECT count(*) FROM person").unwrap();
    assert_eq!((version, persons), (PREVIOUS_SCHEMA as i64, PREVIOUS_PERSONS));

    let again = store::pg::open_upgrading(&url, &backups).unwrap();
    assert_eq!(again.upgrade(), None);
    assert_eq!(files_in(&backups).len(), 1);
}

#[test]
fn a_server_database_newer_than_this_release_is_refused_untouched() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_database(&server);
    store::pg::open(&url).unwrap();
    let newer = store::schema_version() as i64 + 1;
    let mut client = store::raw::RawSession::server(&url).unwrap();
    client.batch(&format!("UPDATE hairyo_schema SET version = {newer}")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = store::pg::open_upgrading(&url, dir.path()).unwrap_err();
    assert_eq!(e.code(), "store.too_new");
    assert!(files_in(dir.path()).is_empty(), "no dump for a refused open");
    let still = client.integer("SELECT version FROM hairyo_schema").unwrap();
    assert_eq!(still, newer);
}
