//! Durability: the real `hairyo` binary killed with SIGKILL in the middle of a CSV import or a
//! facility batch print, two processes writing at once, and backups that restore identical data.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use hairyo::backup;
use hairyo::demo::{self, Rng};
use hairyo::staff;
use hairyo::store::{self, Store};

const NOW: &str = "2026-11-25T10:00:00";
const HEADER: &str = "宛名番号,氏名,フリガナ,生年月日,性別,郵便番号,住所,電話番号,保険種別,保険者番号,記号,番号,枝番,世帯主";

/// Runs of the server import test: each waits for the server to clear the dead session.
const PG_IMPORT_RUNS: usize = 12;

const IMPORT_ROWS: i64 = 3000;
/// The first 宛名番号 of the imported rows; the demo data numbers from 100000001.
const IMPORT_FIRST_ATENA: i64 = 900_000_001;
const IMPORT_RUNS: usize = 50;
const PRINT_RUNS: usize = 50;

fn now() -> NaiveDateTime {
    NaiveDateTime::parse_from_str(NOW, "%Y-%m-%dT%H:%M:%S").unwrap()
}

fn cli(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hairyo"));
    c.arg("--db").arg(db).args(args).env("HAIRYO_NOW", NOW).env("HAIRYO_PASSWORD", demo::DEMO_PASSWORD).env_remove("HAIRYO_AS").env_remove("HAIRYO_DB");
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    cli(db, args).output().expect("run hairyo")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A database made by the CLI as a clerk would: `init`, then the demo data.
fn seeded(dir: &Path, persons: u32) -> PathBuf {
    let db = dir.join("template.db");
    ok(&db, &["init"]);
    ok(&db, &["demo", "--persons", &persons.to_string(), "--seed", "3"]);
    db
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies a database with its WAL (the CLI's last connection normally checkpoints and removes
/// it, but a copy must not depend on that).
fn copy_db(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    let wal = sidecar(from, "-wal");
    if wal.exists() {
        std::fs::copy(&wal, sidecar(to, "-wal")).unwrap();
    }
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every row a query returns, each as one string of its values.
fn rows(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn().prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let mut line = String::new();
        for i in 0..n {
            let _ = write!(line, "{:?}\u{1f}", r.get_val(i)?);
        }
        Ok(line)
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

fn fingerprint(lines: &[String]) -> u64 {
    let mut h = DefaultHasher::new();
    lines.hash(&mut h);
    h.finish()
}

/// The person rows up to `max_id`, as one hash: what was committed before a run.
fn persons_fingerprint(store: &Store, max_id: i64) -> u64 {
    fingerprint(&rows(store, &format!("SELECT * FROM person WHERE id <= {max_id} ORDER BY id")))
}

/// Opens a database after a crash the way the app does, and checks what must always hold:
/// SQLite's integrity check and the audit log's hash chain.
fn open_checked(db: &Path, what: &str) -> Store {
    let store = store::open(db).unwrap_or_else(|e| panic!("{what}: cannot open after kill: {e}"));
    let check: String = store.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok", "{what}: integrity_check");
    let admin = staff::actor(&store, staff::ADMIN_LOGIN).unwrap();
    let chain = hairyo::audit::verify(&store, &admin, now()).unwrap();
    assert!(chain.ok, "{what}: audit chain: {}", chain.message);
    store
}

/// Starts the command, kills it with SIGKILL after `delay` unless it has finished, and says
/// whether it was killed (true) or had exited by itself (false).
fn kill_after(mut child: Child, delay: Duration) -> bool {
    let start = Instant::now();
    // Polled rather than slept in one go, so a run that finishes early does not wait out the delay.
    while start.elapsed() < delay {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the command failed by itself: {status}");
            return false;
        }
        std::thread::sleep(Duration::from_millis(2).min(delay.saturating_sub(start.elapsed())));
    }
    if let Some(status) = child.try_wait().unwrap() {
        assert!(status.success(), "the command failed by itself: {status}");
        return false;
    }
    // Child::kill sends SIGKILL on Unix: no destructor, no handler, no flush runs.
    child.kill().unwrap();
    child.wait().unwrap();
    true
}

/// The delay of run `i`: spread over 0 to 115% of the command's measured duration, so some
/// runs die while reading, some while writing or committing, and a few complete.
fn delay(rng: &mut Rng, typical: Duration) -> Duration {
    typical.mul_f64(rng.below(1150) as f64 / 1000.0)
}

fn import_csv(path: &Path) {
    let mut csv = String::from(HEADER);
    csv.push('\n');
    let birth0 = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    for i in 0..IMPORT_ROWS {
        let birth = birth0 + chrono::Duration::days(i);
        let _ = writeln!(csv, "{},見本 花子,ミホン ハナコ,{birth},女,000-0001,見本市中央町1丁目{}番,,国保,,,,,", IMPORT_FIRST_ATENA + i, i + 1);
    }
    std::fs::write(path, csv).unwrap();
}

#[test]
fn kill_9_during_csv_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let template = seeded(dir.path(), 2000);
    let csv = dir.path().join("persons.csv");
    import_csv(&csv);
    let (before, max_id, before_print) = {
        let s = open_checked(&template, "template");
        let max_id = count(&s, "SELECT max(id) FROM person");
        (count(&s, "SELECT count(*) FROM person"), max_id, persons_fingerprint(&s, max_id))
    };
    let args = ["import", "persons", csv.to_str().unwrap(), "--encoding", "utf-8"];

    // One complete run, to know how long the command takes here and that it does land.
    let measured = dir.path().join("measure.db");
    copy_db(&template, &measured);
    let start = Instant::now();
    ok(&measured, &args);
    let typical = start.elapsed();
    assert_eq!(count(&open_checked(&measured, "measure"), "SELECT count(*) FROM person"), before + IMPORT_ROWS);

    let mut rng = Rng::new(7);
    let (mut killed, mut landed) = (0, 0);
    for i in 0..IMPORT_RUNS {
        let db = dir.path().join(format!("run{i}.db"));
        copy_db(&template, &db);
        let d = delay(&mut rng, typical);
        let child = cli(&db, &args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let was_killed = kill_after(child, d);
        let what = format!("import run {i} (kill after {d:?}, killed {was_killed})");
        let s = open_checked(&db, &what);
        let after = count(&s, "SELECT count(*) FROM person");
        let imported = count(&s, &format!("SELECT count(*) FROM person WHERE CAST(atena_no AS INTEGER) >= {IMPORT_FIRST_ATENA}"));
        let import_events = count(&s, "SELECT count(*) FROM audit_event WHERE action = 'import' AND record_kind = 'person'");
        if after == before {
            assert_eq!((imported, import_events), (0, 0), "{what}: nothing landed, yet traces of the import");
        } else {
            assert_eq!(after, before + IMPORT_ROWS, "{what}: a partial import landed");
            assert_eq!((imported, import_events), (IMPORT_ROWS, 1), "{what}");
            landed += 1;
        }
        assert!(!was_killed || after == before || after == before + IMPORT_ROWS);
        assert!(was_killed || after == before + IMPORT_ROWS, "{what}: finished but did not land");
        assert_eq!(persons_fingerprint(&s, max_id), before_print, "{what}: rows committed before the run changed");
        killed += usize::from(was_killed);
        drop(s);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(sidecar(&db, suffix));
        }
    }
    eprintln!("import: {IMPORT_RUNS} runs, typical {typical:?}, {killed} killed, {landed} landed");
    assert!(killed > 0, "every run finished before its kill: the delays do not cover the command");
}

/// A complete PDF: the header first and the end-of-file marker last (trailing whitespace allowed).
fn complete_pdf(bytes: &[u8]) -> bool {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map(|i| i + 1).unwrap_or(0);
    bytes.starts_with(b"%PDF") && bytes[..end].ends_with(b"%%EOF")
}

#[test]
fn kill_9_during_facility_print_leaves_no_half_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let template = seeded(dir.path(), 2000);
    let list: serde_json::Value = serde_json::from_str(&ok(&template, &["--json", "facility", "list", "--limit", "500"])).unwrap();
    let facility = list["items"].as_array().unwrap().iter().max_by_key(|f| f["residents"].as_i64().unwrap_or(0)).map(|f| f["id"].as_i64().unwrap()).unwrap();
    let (before, max_id, before_print) = {
        let s = open_checked(&template, "template");
        let max_id = count(&s, "SELECT max(id) FROM person");
        (count(&s, "SELECT count(*) FROM person"), max_id, persons_fingerprint(&s, max_id))
    };
    let facility = facility.to_string();

    let measured = dir.path().join("measure.db");
    copy_db(&template, &measured);
    let out = dir.path().join("measure.pdf");
    let start = Instant::now();
    ok(&measured, &["print", "facility", "--facility", &facility, "-o", out.to_str().unwrap()]);
    let typical = start.elapsed();
    assert!(complete_pdf(&std::fs::read(&out).unwrap()));

    let mut rng = Rng::new(11);
    let mut killed = 0;
    for i in 0..PRINT_RUNS {
        let run_dir = dir.path().join(format!("run{i}"));
        std::fs::create_dir(&run_dir).unwrap();
        let db = run_dir.join("hairyo.db");
        copy_db(&template, &db);
        let pdf = run_dir.join("out.pdf");
        let d = delay(&mut rng, typical);
        let child =
            cli(&db, &["print", "facility", "--facility", &facility, "-o", pdf.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let was_killed = kill_after(child, d);
        let what = format!("print run {i} (kill after {d:?}, killed {was_killed})");
        match std::fs::read(&pdf) {
            Ok(bytes) => assert!(complete_pdf(&bytes), "{what}: half-written PDF at the final path ({} bytes)", bytes.len()),
            Err(_) => assert!(was_killed, "{what}: finished without writing the PDF"),
        }
        let s = open_checked(&db, &what);
        assert_eq!(count(&s, "SELECT count(*) FROM person"), before, "{what}");
        assert_eq!(persons_fingerprint(&s, max_id), before_print, "{what}: person rows changed");
        killed += usize::from(was_killed);
        drop(s);
        let _ = std::fs::remove_dir_all(&run_dir);
    }
    eprintln!("print: {PRINT_RUNS} runs, typical {typical:?}, {killed} killed");
    assert!(killed > 0, "every run finished before its kill: the delays do not cover the command");
}

#[test]
fn two_processes_writing_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), 50);
    let before = count(&store::open(&db).unwrap(), "SELECT count(*) FROM person");
    const EACH: usize = 40;
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..EACH {
                    let atena = format!("{}", 800_000_000 + w * 1000 + i);
                    let out = run(
                        &db,
                        &[
                            "person",
                            "add",
                            "--atena",
                            &atena,
                            "--name",
                            "見本 花子",
                            "--kana",
                            "ミホン ハナコ",
                            "--birth",
                            "1950-06-15",
                            "--sex",
                            "female",
                            "--scheme",
                            "kokuho",
                        ],
                    );
                    if !out.status.success() {
                        failures.push(format!("writer {w} #{i}: {}", String::from_utf8_lossy(&out.stderr)));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = writers.into_iter().flat_map(|h| h.join().unwrap()).collect();
    assert!(failures.is_empty(), "{} failed, e.g. {}", failures.len(), failures[0]);
    let s = open_checked(&db, "after two writers");
    assert_eq!(count(&s, "SELECT count(*) FROM person"), before + 2 * EACH as i64);
}

#[test]
fn backups_taken_while_another_process_imports_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), 2000);
    let csv = dir.path().join("persons.csv");
    import_csv(&csv);
    let mut live = store::open(&db).unwrap();
    let admin = staff::actor(&live, staff::ADMIN_LOGIN).unwrap();
    let before = count(&live, "SELECT count(*) FROM person");
    let mut child = cli(&db, &["import", "persons", csv.to_str().unwrap(), "--encoding", "utf-8"]).stdout(Stdio::null()).spawn().unwrap();
    let mut seen = Vec::new();
    for i in 0.. {
        let done = child.try_wait().unwrap().is_some();
        let file = dir.path().join(format!("during{i}.db"));
        backup::backup(&mut live, &admin, &file, now()).unwrap();
        let v = backup::verify(&file).unwrap_or_else(|e| panic!("backup {i} taken during the import: {e}"));
        assert!(v.persons == before || v.persons == before + IMPORT_ROWS, "backup {i} holds a partial import: {}", v.persons);
        seen.push(v.persons);
        std::fs::remove_file(&file).unwrap();
        if done {
            break;
        }
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(seen.last(), Some(&(before + IMPORT_ROWS)), "{seen:?}");
}

/// Every table's rows (virtual and FTS shadow tables too), sorted, by table name. The query
/// planner's statistics (`sqlite_stat*`) are left out: SQLite rewrites them itself whenever
/// the store opens a database (`PRAGMA optimize`), and they hold no data.
fn dump(store: &Store) -> Vec<(String, Vec<String>)> {
    let names: Vec<String> = {
        let mut stmt = store.conn().prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name").unwrap();

        stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    names
        .into_iter()
        .map(|name| {
            let mut r = rows(store, &format!("SELECT * FROM \"{name}\""));
            r.sort();
            (name, r)
        })
        .collect()
}

fn demo_store(path: &Path, persons: i64) -> (Store, staff::Actor) {
    let mut s = store::open(path).unwrap();
    let admin = staff::init(&mut s, now()).unwrap();
    demo::generate(&mut s, &admin, persons, 5, now()).unwrap();
    (s, admin)
}

#[test]
fn backup_and_restore_give_identical_data() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, admin) = demo_store(&dir.path().join("live.db"), 500);
    let original = dump(&s);
    assert!(original.len() > 20, "{} tables", original.len());
    let file = dir.path().join("copy.db");
    let info = backup::backup(&mut s, &admin, &file, now()).unwrap();
    assert_eq!(info.persons, 500);
    assert!(!dir.path().join(format!("copy.db.{}.part", std::process::id())).exists());
    // The backup file stands alone: no WAL of its own, and exactly the data at the time.
    assert!(!sidecar(&file, "-wal").exists());
    assert_eq!(dump(&store::open_read_only(&file).unwrap()), original);

    // Restored into another place, everything is the same; the log gains the restore event.
    let other = dir.path().join("elsewhere").join("hairyo.db");
    let r = backup::restore(&file, &other, staff::ADMIN_LOGIN, now()).unwrap();
    assert_eq!((r.persons, r.before_restore.is_none()), (500, true));
    let restored = dump(&store::open(&other).unwrap());
    assert_eq!(restored.len(), original.len());
    for ((name, want), (got_name, got)) in original.iter().zip(&restored) {
        assert_eq!(name, got_name);
        if name == "audit_event" {
            assert_eq!(got.len(), want.len() + 1, "one restore event");
        } else {
            assert!(got == want, "table {name} differs after restore ({} rows, {} before)", got.len(), want.len());
        }
    }
    let last: String =
        store::open(&other).unwrap().conn().query_row("SELECT action || ' ' || detail FROM audit_event ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert!(last.starts_with("update ") && last.contains("\"restore\""), "{last}");
    let backup_event: String = s.conn().query_row("SELECT action || ' ' || detail FROM audit_event ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert!(backup_event.starts_with("export ") && backup_event.contains("\"backup\""), "{backup_event}");

    // Restored over the live database (open in this process), which is kept first.
    hairyo::person::add(
        &mut s,
        &admin,
        &hairyo::person::PersonInput {
            name: "見本 次郎".into(),
            kana: "ミホン ジロウ".into(),
            birth_date: "1950-01-01".into(),
            sex: "male".into(),
            scheme: "kokuho".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    let live = dir.path().join("live.db");
    let r = backup::restore(&file, &live, staff::ADMIN_LOGIN, now()).unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM person"), 500, "the open connection sees the restored data");
    let kept = r.before_restore.unwrap();
    assert!(kept.file_name().unwrap().to_string_lossy().starts_with("live.db.before-restore-20261125-100000"));
    assert_eq!(count(&store::open_read_only(&kept).unwrap(), "SELECT count(*) FROM person"), 501);
    assert!(hairyo::audit::verify(&s, &staff::actor(&s, staff::ADMIN_LOGIN).unwrap(), now()).unwrap().ok);
}

#[test]
fn restore_refuses_newer_schema_other_files_and_non_admins() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, admin) = demo_store(&dir.path().join("live.db"), 20);
    let live = dir.path().join("live.db");
    let file = dir.path().join("b.db");
    backup::backup(&mut s, &admin, &file, now()).unwrap();
    let before = count(&s, "SELECT count(*) FROM audit_event");

    let newer = dir.path().join("newer.db");
    std::fs::copy(&file, &newer).unwrap();
    {
        // Only a later version of Hairyo would write this; the test stands in for it.
        let mut c = store::raw::RawSession::file(&newer).unwrap();
        c.batch(&format!("PRAGMA user_version = {}", store::schema_version() + 1)).unwrap();
    }
    let e = backup::restore(&newer, &live, staff::ADMIN_LOGIN, now()).unwrap_err();
    assert_eq!(e.code(), "backup.too_new");
    assert!(e.to_string().contains("新しい版") && e.to_string().contains("更新"), "{e}");

    let garbage = dir.path().join("notes.db");
    std::fs::write(&garbage, "これはデータベースではありません\n".repeat(200)).unwrap();
    let e = backup::restore(&garbage, &live, staff::ADMIN_LOGIN, now()).unwrap_err();
    assert_eq!(e.code(), "backup.not_database");
    assert!(e.to_string().contains("Hairyo のデータベースではありません"), "{e}");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let e = backup::restore(&empty, &live, staff::ADMIN_LOGIN, now()).unwrap_err();
    assert_eq!(e.code(), "backup.not_hairyo");

    let truncated = dir.path().join("truncated.db");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let e = backup::restore(&truncated, &live, staff::ADMIN_LOGIN, now()).unwrap_err();
    assert!(matches!(e.code(), "backup.corrupt" | "backup.not_database"), "{}: {e}", e.code());

    let e = backup::restore(&dir.path().join("missing.db"), &live, staff::ADMIN_LOGIN, now()).unwrap_err();
    assert_eq!(e.code(), "backup.read");
    let e = backup::restore(&file, &live, "nobody", now()).unwrap_err();
    assert_eq!(e.code(), "backup.no_such_admin");
    let e = backup::restore(&live, &live, staff::ADMIN_LOGIN, now()).unwrap_err();
    assert_eq!(e.code(), "backup.same_file");
    let e = backup::backup(&mut s, &admin, &live, now()).unwrap_err();
    assert_eq!(e.code(), "backup.same_file");
    let e = backup::backup(&mut s, &admin, &dir.path().join("no-such-folder").join("b.db"), now()).unwrap_err();
    assert_eq!(e.code(), "backup.write");

    let clerk = staff::actor(&s, "kokuho1").unwrap();
    assert_eq!(backup::backup(&mut s, &clerk, &dir.path().join("c.db"), now()).unwrap_err().code(), "backup.admin_only");
    // Nothing was replaced and no restore was logged by any refusal.
    assert_eq!(count(&s, "SELECT count(*) FROM audit_event"), before);
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains("before-restore")));
}

#[test]
fn rotating_backups_once_a_day_keeping_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hairyo.db");
    let (s, _) = demo_store(&db, 10);
    drop(s);
    let backups = backup::backups_dir_for(&db);
    assert_eq!(backups, dir.path().join("backups"));
    let day = |d: u32, h: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let first = backup::rotate_if_due(&db, day(1, 9)).unwrap().expect("first backup");
    assert_eq!(first.backup.file, backups.join("hairyo-20261101-090000.db"));
    assert!(backup::rotate_if_due(&db, day(1, 17)).unwrap().is_none(), "once a day");
    std::fs::write(backups.join("notes.txt"), "not a backup").unwrap();
    for d in 2..=6 {
        backup::rotate_if_due_in(&db, &backups, 3, day(d, 9)).unwrap().expect("due on a new day");
    }
    let mut names: Vec<String> = std::fs::read_dir(&backups).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["hairyo-20261104-090000.db", "hairyo-20261105-090000.db", "hairyo-20261106-090000.db", "notes.txt"]);
    let v = backup::verify(&backups.join("hairyo-20261106-090000.db")).unwrap();
    assert_eq!((v.persons, v.schema_version), (10, store::schema_version()));
    // Automatic backups are logged, and marked as such.
    let auto: i64 = count(
        &store::open(&db).unwrap(),
        "SELECT count(*) FROM audit_event WHERE action = 'export' AND record_kind = 'database' AND detail LIKE '%\"automatic\":true%'",
    );
    assert_eq!(auto, 6);
    // No database yet: nothing to do.
    assert!(backup::rotate_if_due(&dir.path().join("none").join("hairyo.db"), day(7, 9)).unwrap().is_none());
}

#[test]
fn cli_backup_then_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), 200);
    let file = dir.path().join("backup.db");
    let out: serde_json::Value = serde_json::from_str(&ok(&db, &["--json", "backup", file.to_str().unwrap()])).unwrap();
    assert_eq!(out["persons"], 200);
    ok(&db, &["person", "add", "--name", "見本 三郎", "--kana", "ミホン サブロウ", "--birth", "S25.1.1", "--sex", "male", "--scheme", "kokuho"]);

    let refused = run(&db, &["restore", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&refused.stderr);
    assert!(msg.contains("--yes") && msg.contains("置き換わります") && msg.contains("before-restore"), "{msg}");
    assert_eq!(count(&store::open(&db).unwrap(), "SELECT count(*) FROM person"), 201, "nothing restored without --yes");

    let clerk = cli(&db, &["--as", "kokuho1", "restore", "--yes", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(clerk.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&clerk.stderr).contains("backup.admin_only"));

    let text = ok(&db, &["restore", "--yes", file.to_str().unwrap()]);
    assert!(text.contains("復元しました") && text.contains("before-restore"), "{text}");
    let s = open_checked(&db, "after CLI restore");
    assert_eq!(count(&s, "SELECT count(*) FROM person"), 200);
    let kept: Vec<PathBuf> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().contains("template.db.before-restore-")).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(count(&store::open_read_only(&kept[0]).unwrap(), "SELECT count(*) FROM person"), 201);

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, [0xFFu8; 4096]).unwrap();
    let bad = run(&db, &["restore", "--yes", garbage.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(msg.contains("backup.not_database") && msg.contains("Hairyo のデータベースではありません"), "{msg}");

    // The automatic backup goes next to the database, once a day.
    let auto = ok(&db, &["backup", "--auto"]);
    assert!(auto.contains("hairyo-20261125-100000.db"), "{auto}");
    assert!(ok(&db, &["backup", "--auto"]).contains("作成済み"));
    assert!(dir.path().join("backups").join("hairyo-20261125-100000.db").exists());
}

/// The tests of this module that need the PostgreSQL server: the PostgreSQL pass of the test
/// command runs only these of this module (the others open SQLite files, the same in either
/// pass), `layers::file_only_modules_reach_postgresql_only_in_on_postgres` keeps it so.
mod on_postgres {
    use super::*;

    /// Rows of the CSV the import runs are killed in.
    /// The same on the shared server: the CLI killed mid-import (connected as the app's role)
    /// leaves either every row of its file or none; the server rolls the dead connection's
    /// transaction back and its write lock goes with it, so the next import runs.
    #[test]
    fn kill_9_during_an_import_on_the_server_leaves_all_or_nothing() {
        let Some(server) = crate::common::pg_server() else {
            eprintln!("HAIRYO_TEST_PG is not set; this test runs in the PostgreSQL pass of .ci/run");
            return;
        };
        let url = crate::common::fresh_pg_app_database(&server);
        // The test server's superuser, who owns the database, on the same database.
        let superuser = server.split_once("://").and_then(|(_, r)| r.split_once('@')).map(|(u, _)| u).expect("a user in the test server's URL");
        let server_owner = url.replacen(crate::common::PG_APP_ROLE, superuser, 1);
        let db = Path::new(&url);
        ok(db, &["init"]);
        ok(db, &["demo", "--persons", "300", "--seed", "3"]);
        let dir = tempfile::tempdir().unwrap();
        let pg = |sql: &str| -> i64 {
            let s = store::pg::open(&url).unwrap();
            s.enter(store::FIRST_MUNICIPALITY).unwrap();
            s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
        };
        // Each run imports its own 宛名番号, so a run that landed is told apart from one that did not.
        let csv_of = |run: usize| {
            let path = dir.path().join(format!("run{run}.csv"));
            let mut csv = String::from(HEADER);
            csv.push('\n');
            for i in 0..IMPORT_ROWS {
                let _ = writeln!(
                    csv,
                    "{},見本 花子,ミホン ハナコ,1950-01-01,女,000-0001,見本市中央町1丁目{}番,,国保,,,,,",
                    IMPORT_FIRST_ATENA + run as i64 * 10_000 + i,
                    i + 1
                );
            }
            std::fs::write(&path, csv).unwrap();
            path
        };
        let first = csv_of(0);
        let start = Instant::now();
        ok(db, &["import", "persons", first.to_str().unwrap(), "--encoding", "utf-8"]);
        let typical = start.elapsed();
        let mut before = pg("SELECT count(*) FROM person");
        let mut rng = Rng::new(11);
        let (mut killed, mut landed) = (0, 0);
        for run in 1..=PG_IMPORT_RUNS {
            let csv = csv_of(run);
            // Spread wider than the file's runs: a third of these complete, so landing is seen too.
            let d = typical.mul_f64(rng.below(1500) as f64 / 1000.0);
            let child =
                cli(db, &["import", "persons", csv.to_str().unwrap(), "--encoding", "utf-8"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
            let was_killed = kill_after(child, d);
            // The server notices the closed connection and rolls back; wait until it has, so that
            // what is counted is final.
            let gone = Instant::now();
            while pg("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") > 0 {
                assert!(gone.elapsed() < Duration::from_secs(20), "run {run}: the killed client's session stayed");
                std::thread::sleep(Duration::from_millis(20));
            }
            let what = format!("import run {run} (kill after {d:?}, killed {was_killed})");
            let base = IMPORT_FIRST_ATENA + run as i64 * 10_000;
            let mine = pg(&format!("SELECT count(*) FROM person WHERE atena_no >= '{base}' AND atena_no < '{}'", base + IMPORT_ROWS));
            let after = pg("SELECT count(*) FROM person");
            assert!(mine == 0 || mine == IMPORT_ROWS, "{what}: {mine} of {IMPORT_ROWS} rows landed");
            assert_eq!(after, before + mine, "{what}");
            assert!(was_killed || mine == IMPORT_ROWS, "{what}: finished but did not land");
            landed += usize::from(mine == IMPORT_ROWS);
            killed += usize::from(was_killed);
            before = after;
            // A sign-in is counted as failed until its password is found right, so a command
            // killed during its sign-in leaves one failure behind, as it should: cleared here, or
            // the runs would lock the account they sign in as.
            let owner = store::pg::open(&server_owner).unwrap();
            owner.conn().execute("UPDATE staff SET failed_attempts = 0, locked_until = NULL", []).unwrap();
        }
        let out = run(db, &["audit", "verify"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        eprintln!("server import: {PG_IMPORT_RUNS} runs, typical {typical:?}, {killed} killed, {landed} landed");
        assert!(killed > 0, "every run finished before its kill: the delays do not cover the command");
    }
}
