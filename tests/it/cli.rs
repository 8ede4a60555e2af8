//! The `hairyo` binary run on temp databases: output, exit codes, and nothing stored on refusal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hairyo.db");
        Db { _dir: dir, path }
    }
}

fn hairyo(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HAIRYO_NOW", "2026-11-25T10:00:00")
        .env("HAIRYO_PASSWORD", hairyo::demo::DEMO_PASSWORD)
        .env_remove("HAIRYO_AS")
        .output()
        .expect("run hairyo")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = hairyo(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(db, &all)).expect("valid JSON")
}

fn demo_db(persons: &str) -> Db {
    let db = Db::new();
    ok(&db.path, &["init"]);
    ok(&db.path, &["demo", "--persons", persons, "--seed", "3"]);
    db
}

/// A twelve-digit number in a note is stored only once the clerk confirms it is no 個人番号: the
/// core's message names no door, and the CLI adds how to confirm there (the flag).
#[test]
fn a_twelve_digit_number_is_confirmed_with_the_flag() {
    let db = demo_db("20");
    let id = json(&db.path, &["person", "list", "--limit", "1"])["items"][0]["id"].to_string();
    let add = ["touchpoint", "add", "--person", &id, "--kind", "counter", "--notes", "受付番号123456789012"];
    let refused = hairyo(&db.path, &add);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    let core_line = stderr.lines().find(|l| l.contains("confirm_digits:")).unwrap_or_else(|| panic!("no confirm_digits field: {stderr}"));
    assert!(core_line.contains("12桁") && !core_line.contains("CLI") && !core_line.contains("画面"), "{core_line}");
    assert!(stderr.contains("--confirm-digits"), "{stderr}");
    let mut confirmed = add.to_vec();
    confirmed.push("--confirm-digits");
    ok(&db.path, &confirmed);
}

#[test]
fn init_demo_and_list_fifty_as_json() {
    let db = demo_db("2000");
    let list = json(&db.path, &["person", "list", "--limit", "50"]);
    assert_eq!(list["items"].as_array().unwrap().len(), 50);
    assert_eq!(list["total"], 2000);
    let first = &list["items"][0];
    for key in ["id", "name", "kana", "birth_date", "birth_date_wareki", "scheme"] {
        assert!(!first[key].is_null(), "missing {key}");
    }
    let second_page = json(&db.path, &["person", "list", "--limit", "50", "--offset", "50"]);
    assert_ne!(second_page["items"][0]["id"], first["id"]);
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let a = demo_db("300");
    let b = demo_db("300");
    let la = json(&a.path, &["person", "list", "--limit", "500"]);
    let lb = json(&b.path, &["person", "list", "--limit", "500"]);
    assert_eq!(la, lb);
}

#[test]
fn stats_show_counts_per_desk_and_state() {
    let db = demo_db("500");
    let text = ok(&db.path, &["stats"]);
    assert!(text.contains("対象者 500人"), "{text}");
    for heading in ["窓口ごとの接点", "状態ごとの連携依頼", "状態ごとの申請", "介護保険"] {
        assert!(text.contains(heading), "{heading} missing in {text}");
    }
    let s = json(&db.path, &["stats"]);
    assert!(s["touchpoints_by_desk"].as_array().unwrap().len() >= 4);
    assert!(!s["referrals_by_status"].as_array().unwrap().is_empty());
}

fn person_count(db: &Path) -> i64 {
    json(db, &["person", "list", "--limit", "1"])["total"].as_i64().unwrap()
}

#[test]
fn bad_input_exits_1_with_a_clear_message_and_stores_nothing() {
    let db = Db::new();
    ok(&db.path, &["init"]);
    let base = ["person", "add", "--name", "見本 太郎", "--sex", "male"];
    let cases: &[(&[&str], &str)] = &[
        (&["--kana", "ミホン タロウ", "--birth", "2030-01-01"], "未来"),
        (&["--kana", "見本", "--birth", "1950-01-01"], "カタカナ"),
        (&["--kana", "ミホン タロウ", "--birth", "1950-01-01", "--facility", "999"], "施設 ID 999"),
        (&["--kana", "ミホン タロウ", "--birth", "平成32年1月1日"], "期間外"),
        (&["--kana", "ミホン タロウ", "--birth", "1950-01-01", "--postal", "12-345"], "郵便番号"),
        (&["--kana", "ミホン タロウ", "--birth", "1950-01-01", "--phone", "12345"], "電話番号"),
        (&["--kana", "ミホン タロウ", "--birth", "1950-01-01", "--number", "123456789018"], "個人番号"),
        (&["--kana", "ミホン タロウ", "--birth", "1950-01-01", "--notes", "マイナンバー 1234 5678 9018"], "個人番号"),
        (&["--kana", "ミホン タロウ", "--birth", "1950-01-01", "--scheme", "martian"], "保険種別"),
    ];
    for (extra, expect) in cases {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        let out = hairyo(&db.path, &args);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{extra:?}: {err}");
    }
    assert_eq!(person_count(&db.path), 0);
    // Then a good one lands.
    ok(&db.path, &["person", "add", "--name", "見本 太郎", "--kana", "ﾐﾎﾝ ﾀﾛｳ", "--birth", "S25.1.1", "--sex", "男"]);
    let list = json(&db.path, &["person", "list"]);
    assert_eq!(list["items"][0]["kana"], "ミホン\u{3000}タロウ");
    assert_eq!(list["items"][0]["birth_date"], "1950-01-01");
}

/// An encoding the CLI does not know is refused with the core's code, the one the API gives
/// (`csv::an_unknown_encoding_is_refused_with_one_code_at_every_door`), for every command that
/// takes `--encoding`.
#[test]
fn an_unknown_encoding_is_refused_with_the_cores_code() {
    let db = demo_db("20");
    let file = db.path.with_file_name("in.csv");
    std::fs::write(&file, "").unwrap();
    let file = file.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["import", "persons", file],
        &["import", "union-results", file],
        &["feed", file],
        &["export", "persons", file],
        &["export-profile", "save", "--name", "試験", "--kind", "persons", "--column", "氏名"],
    ];
    for command in commands {
        let mut args: Vec<&str> = command.to_vec();
        args.extend_from_slice(&["--encoding", "ebcdic"]);
        let out = hairyo(&db.path, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command:?}: {err}");
        assert!(err.contains("[import.bad_encoding]"), "{command:?}: {err}");
    }
}

#[test]
fn bad_usage_exits_2() {
    let db = Db::new();
    for args in [&["person", "frobnicate"][..], &["person", "list", "--limit", "abc"], &["nonsense"]] {
        let out = hairyo(&db.path, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn commands_before_init_say_what_to_do() {
    let db = Db::new();
    let out = hairyo(&db.path, &["person", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hairyo init"));
    ok(&db.path, &["init"]);
    let again = hairyo(&db.path, &["init"]);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn unknown_actor_is_refused() {
    let db = Db::new();
    ok(&db.path, &["init"]);
    let out = hairyo(&db.path, &["--as", "nobody", "person", "list"]);
    assert_eq!(out.status.code(), Some(1));
    // The message does not tell which of login and password was wrong.
    assert!(String::from_utf8_lossy(&out.stderr).contains("ログイン名またはパスワードが違います"));
    let wrong = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .arg("--db")
        .arg(&db.path)
        .args(["person", "list"])
        .env("HAIRYO_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("staff.bad_credentials"));
}

#[test]
fn route_prints_reasons_and_r_numbers_across_the_kouki_boundary() {
    let db = Db::new();
    ok(&db.path, &["init"]);
    let p = json(
        &db.path,
        &[
            "person",
            "add",
            "--name",
            "後期 花子",
            "--kana",
            "コウキ ハナコ",
            "--birth",
            "1944-05-05",
            "--sex",
            "female",
            "--scheme",
            "kouki",
            "--card",
            "card",
            "--registration",
            "registered",
            "--reason",
            "elderly",
        ],
    );
    let id = p["id"].to_string();
    let before = json(&db.path, &["route", &id, "--on", "2026-07-31"]);
    assert_eq!(before["kind"], "kouki_provisional");
    assert_eq!(before["r_numbers"], serde_json::json!(["R9"]));
    let after = json(&db.path, &["route", &id, "--on", "令和8年8月1日"]);
    assert_eq!(after["kind"], "on_application");
    let text = ok(&db.path, &["route", &id, "--on", "2026-08-01"]);
    assert!(text.contains("令和8年8月1日") && text.contains("R2") && text.contains("要確認"), "{text}");
}

#[test]
fn referral_and_application_through_the_cli() {
    let db = demo_db("50");
    let p = json(
        &db.path,
        &[
            "person",
            "add",
            "--name",
            "連携 一郎",
            "--kana",
            "レンケイ イチロウ",
            "--birth",
            "1960-02-02",
            "--sex",
            "male",
            "--scheme",
            "kokuho",
            "--card",
            "card",
            "--registration",
            "registered",
            "--reason",
            "dementia",
        ],
    );
    let pid = p["id"].to_string();
    let r = json(&db.path, &["--as", "kaigo1", "referral", "send", "--person", &pid, "--reason", "認知症のため", "--basis", "consent"]);
    let rid = r["id"].to_string();
    let out = hairyo(&db.path, &["--as", "kaigo1", "referral", "accept", &rid]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("権限がありません"));
    json(&db.path, &["--as", "kokuho1", "referral", "accept", &rid]);
    let a = json(
        &db.path,
        &[
            "--as",
            "kokuho1",
            "application",
            "receive",
            "--person",
            &pid,
            "--applicant",
            "proxy",
            "--authority",
            "caregiver",
            "--proxy-name",
            "介助 花子",
            "--proxy-address",
            "見本市本町3番地",
            "--relationship",
            "介助者",
            "--referral",
            &rid,
        ],
    );
    let aid = a["application"]["id"].to_string();
    let out = hairyo(&db.path, &["--as", "kokuho1", "application", "decide", &aid]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("委任状"));
    json(&db.path, &["--as", "kokuho1", "application", "check", &aid, "delegation"]);
    json(&db.path, &["--as", "kokuho1", "application", "check", &aid, "proxy_id"]);
    let d = json(&db.path, &["--as", "kokuho1", "application", "decide", &aid]);
    assert_eq!(d["status"], "decided");
    let c = json(&db.path, &["--as", "kokuho1", "application", "issue", &aid]);
    assert_eq!(c["valid_until"], "2027-07-31");
    let shown = json(&db.path, &["person", "show", &pid]);
    assert_eq!(shown["applications"][0]["status"], "issued");
    assert_eq!(shown["certificates"].as_array().unwrap().len(), 1);
}

/// `hairyo --as kaigo1 person update ID --phone …` on a 支援措置 person keeps the stored address
/// and safe address byte for byte; naming the address is refused with exit 1 and a code.
#[test]
fn person_update_by_a_masked_desk_keeps_the_protected_address() {
    let db = demo_db("20");
    let p = json(
        &db.path,
        &[
            "person",
            "add",
            "--name",
            "保護 花子",
            "--kana",
            "ホゴ ハナコ",
            "--birth",
            "1948-03-03",
            "--sex",
            "female",
            "--postal",
            "000-0005",
            "--address",
            "見本市西町5番5号",
            "--protected",
            "true",
            "--safe-postal",
            "000-0006",
            "--safe-address",
            "見本市北町6番6号 見本会館",
        ],
    );
    let id = p["id"].to_string();
    let stored = |db: &Db| -> (String, String, String, String) {
        let mut conn = hairyo::store::raw::RawSession::file(&db.path).unwrap();
        let row = conn.rows(&format!("SELECT postal_code, address, safe_postal_code, safe_address FROM person WHERE id = {id}")).unwrap().remove(0);
        let text = |i: usize| row[i].clone().unwrap_or_default();
        (text(0), text(1), text(2), text(3))
    };
    let before = stored(&db);
    assert_eq!(before.1, "見本市西町5番5号");
    for login in ["kaigo1", "shogai1", "jido1"] {
        let updated = json(&db.path, &["--as", login, "person", "update", &id, "--phone", "048-111-2222"]);
        assert_eq!(updated["phone"], "048-111-2222");
        assert_eq!(stored(&db), before, "{login}");
        // The answer to the edit shows what this desk may see, as the record does.
        let text = updated.to_string();
        for real in ["000-0005", "見本市西町5番5号", "000-0006", "見本市北町6番6号"] {
            assert!(!text.contains(real), "{login}'s answer to an edit carries {real}: {text}");
        }
        assert_eq!(updated["address"], "(支援措置のため非表示)", "{login}");
    }
    // Who saw the protected person is there for a supervisor to check.
    ok(&db.path, &["--as", "kaigo1", "person", "show", &id]);
    let review = json(&db.path, &["--as", "kokuho2", "audit", "access", "--login", "kaigo1"]);
    assert!(review["records"].as_array().unwrap().iter().any(|r| r["what"] == "記録を閲覧" && r["person_id"] == p["id"]), "{review}");
    let text = ok(&db.path, &["--as", "kokuho2", "audit", "access", "--person", &id]);
    assert!(text.contains("アクセス記録") && text.contains("kaigo1") && text.contains("保護") && text.contains("花子"), "{text}");
    let refused = hairyo(&db.path, &["--as", "kaigo1", "audit", "access"]);
    assert_eq!(refused.status.code(), Some(1), "a caseworker does not review access");
    let out = hairyo(&db.path, &["--as", "kaigo1", "--json", "person", "update", &id, "--address", "(支援措置のため非表示)"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("person.address_hidden") && err.contains("国保・後期の窓口に依頼"), "{err}");
    assert_eq!(stored(&db), before);
}

/// #12 item 7 through the binary: a 後期 application is forwarded, the day's 進達簿 printed and
/// exported, the 広域連合's result file checked (dry run) and imported, and the certificate
/// handed over; the city's `decide` is refused with its code.
#[test]
fn kouki_forwarding_register_and_union_results_through_the_cli() {
    let db = demo_db("50");
    let p = json(
        &db.path,
        &[
            "person",
            "add",
            "--name",
            "進達 花子",
            "--kana",
            "シンタツ ハナコ",
            "--birth",
            "1944-05-05",
            "--sex",
            "female",
            "--scheme",
            "kouki",
            "--atena",
            "777001",
        ],
    );
    let pid = p["id"].to_string();
    let a = json(&db.path, &["--as", "kouki1", "application", "receive", "--person", &pid, "--received", "2026-11-20"]);
    let aid = a["application"]["id"].to_string();
    let out = hairyo(&db.path, &["--as", "kouki1", "application", "decide", &aid]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("application.union_decides"), "{}", String::from_utf8_lossy(&out.stderr));
    json(&db.path, &["--as", "kouki1", "application", "check", &aid, "applicant_id"]);
    let f = json(&db.path, &["--as", "kouki1", "application", "forward", &aid, "--on", "R8.11.24"]);
    assert_eq!((f["status"].as_str(), f["forwarded_on"].as_str()), (Some("forwarded"), Some("2026-11-24")));

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("register.pdf");
    let printed = json(&db.path, &["--as", "kouki1", "print", "forwarding-register", "--on", "2026-11-24", "-o", pdf.to_str().unwrap()]);
    assert_eq!(printed["pages"], 1);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let csv = dir.path().join("register.csv");
    let exported = json(&db.path, &["--as", "kokuho2", "export", "forwarding-register", csv.to_str().unwrap(), "--on", "2026-11-24", "--encoding", "cp932"]);
    assert_eq!(exported["rows"], 1);
    let bytes = std::fs::read(&csv).unwrap();
    let (text, _, _) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(text.contains("777001") && text.contains("進達\u{3000}花子"), "{text}");
    let out = hairyo(&db.path, &["--as", "kokuho2", "export", "forwarding-register", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "the day is needed");

    let results = dir.path().join("results.csv");
    std::fs::write(&results, "宛名番号,申請日,決定,決定日\n777001,2026-11-20,交付,2026-11-25\n").unwrap();
    let dry = json(&db.path, &["--as", "kouki1", "import", "union-results", results.to_str().unwrap(), "--dry-run"]);
    assert_eq!((dry["issued"].as_u64(), dry["committed"].as_bool()), (Some(1), Some(false)));
    assert_eq!(json(&db.path, &["application", "show", &aid])["status"], "forwarded");
    std::fs::write(&results, "宛名番号,申請日,決定,決定日\n777001,2026-11-20,承認,2026-11-25\n").unwrap();
    let out = hairyo(&db.path, &["--as", "kouki1", "import", "union-results", results.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2行目 [決定]"), "{}", String::from_utf8_lossy(&out.stdout));
    std::fs::write(&results, "宛名番号,申請日,決定,決定日\n777001,2026-11-20,交付,2026-11-25\n").unwrap();
    let r = json(&db.path, &["--as", "kouki1", "import", "union-results", results.to_str().unwrap()]);
    assert_eq!(r["committed"], true);
    // At the counter the identity document shown is required, and recorded.
    let refused = hairyo(&db.path, &["--as", "kouki1", "application", "hand-over", &aid, "--method", "counter"]);
    assert_eq!(refused.status.code(), Some(1), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("本人確認書類"), "{}", String::from_utf8_lossy(&refused.stderr));
    let h = json(&db.path, &["--as", "kouki1", "application", "hand-over", &aid, "--method", "counter", "--identity", "one_photo"]);
    assert_eq!((h["status"].as_str(), h["handover_method"].as_str()), (Some("handed_over"), Some("counter")));
    assert_eq!(h["handover_identity"].as_str(), Some("one_photo"));
    let shown = json(&db.path, &["person", "show", &pid]);
    assert_eq!(shown["certificates"][0]["issuer"], "union");
}

/// The spring renewal through the CLI: the season, the list by group, a saved profile (a
/// column the kind lacks refused with its code) and the export it writes.
#[test]
fn the_spring_renewal_through_the_cli() {
    let db = demo_db("80");
    let season = json(&db.path, &["renewal", "season"]);
    assert_eq!(season["renewal_day"], "2027-08-01");
    let list = json(&db.path, &["renewal", "list", "--limit", "5"]);
    let total: u64 = list["groups"].as_array().unwrap().iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(total, list["lines"]["total"].as_u64().unwrap());
    let bad = hairyo(&db.path, &["export-profile", "save", "--name", "広域", "--kind", "renewal", "--column", "血液型"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("export.bad_profile"), "{}", String::from_utf8_lossy(&bad.stderr));
    let bad_group = hairyo(&db.path, &["renewal", "list", "--group", "martians"]);
    assert!(!bad_group.status.success());
    ok(&db.path, &["export-profile", "save", "--name", "広域", "--kind", "renewal", "--column", "氏名", "--column", "区分", "--encoding", "utf-8"]);
    let out = db.path.with_file_name("renewal.csv");
    let made = json(&db.path, &["export-profile", "run", "広域", out.to_str().unwrap()]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.trim_start_matches('\u{feff}').starts_with("氏名,区分"), "{text}");
    assert_eq!(text.lines().count() as u64 - 1, made["rows"].as_u64().unwrap());
    assert_eq!(made["rows"].as_u64().unwrap(), total);
    assert!(json(&db.path, &["renewal", "season"])["list_made_on"].is_string());
}

/// A status feed through the CLI: a refused file exits non-zero with its lines and stores
/// nothing; a dry run reports; the real run applies.
#[test]
fn a_status_feed_through_the_cli() {
    let db = demo_db("30");
    let list = json(&db.path, &["person", "list", "--limit", "1"]);
    let atena = list["items"][0]["atena_no"].as_str().unwrap().to_string();
    let dir = db.path.parent().unwrap();
    let good = dir.join("feed.csv");
    std::fs::write(&good, format!("宛名番号,異動事由,異動日,内容\n{atena},障害者手帳,2026-11-01,精神2級\n")).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("宛名番号,異動事由,異動日,内容\n{atena},障害者手帳,2026-11-01,精神2級\n{atena},引っ越し,2026-11-01,\n")).unwrap();
    let refused = hairyo(&db.path, &["feed", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(out.contains("3行目") && out.contains("何も取り込みませんでした"), "{out}");
    let dry = json(&db.path, &["feed", good.to_str().unwrap(), "--dry-run"]);
    assert_eq!((dry["committed"].as_bool(), dry["applied"].as_array().unwrap().len()), (Some(false), 1));
    let done = json(&db.path, &["feed", good.to_str().unwrap()]);
    assert_eq!(done["committed"].as_bool(), Some(true));
}

/// The core systems' certificates through the CLI: a bad row refuses the file (exit 1, named
/// by its spreadsheet row) and stores nothing; a dry run reports; the real run merges them, and
/// the conflicts and the 70歳到達 list answer.
#[test]
fn the_core_systems_certificates_through_the_cli() {
    let db = demo_db("30");
    let list = json(&db.path, &["person", "list", "--limit", "30"]);
    let p = list["items"].as_array().unwrap().iter().find(|p| p["scheme"] == "kokuho" && p["age"].as_i64().unwrap() < 69).expect("a 国保 member under 69");
    let atena = p["atena_no"].as_str().unwrap();
    let dir = db.path.parent().unwrap();
    let good = dir.join("issued.csv");
    let header = "宛名番号,区分,制度,日付,有効期限,番号,負担割合\n";
    std::fs::write(&good, format!("{header}{atena},交付,国保,2026-11-20,2027-07-31,4455,3割\n{atena},資格情報のお知らせ,国保,2026-07-20,,,\n")).unwrap();
    let bad = dir.join("issued-bad.csv");
    std::fs::write(&bad, format!("{header}{atena},資格情報のお知らせ,国保,2026-07-20,,,\n{atena},交付,国保,2026-11-20,2027-07-31,4455,1割\n")).unwrap();
    let refused = hairyo(&db.path, &["certificate", "feed", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(out.contains("3行目") && out.contains("負担割合「1割」"), "{out}");
    let dry = json(&db.path, &["certificate", "feed", good.to_str().unwrap(), "--dry-run"]);
    assert_eq!((dry["committed"].as_bool(), dry["applied"].as_array().unwrap().len()), (Some(false), 2));
    let done = json(&db.path, &["certificate", "feed", good.to_str().unwrap()]);
    assert_eq!(done["committed"], true, "{done}");
    let record = json(&db.path, &["person", "show", &p["id"].to_string()]);
    assert!(record["certificates"].as_array().unwrap().iter().any(|c| c["card"]["number"] == "4455" && c["card"]["copay_rate"] == "three"), "{record}");
    assert_eq!(record["notices"][0]["sent_on"], "2026-07-20");
    let conflicts = json(&db.path, &["certificate", "conflicts"]);
    assert!(conflicts["total"].as_i64().is_some());
    let text = ok(&db.path, &["certificate", "age-reissues"]);
    assert!(!text.is_empty());
    // An unknown resolution is refused by the argument parser with the core's words.
    let out = hairyo(&db.path, &["certificate", "resolve", "1", "--take", "both"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Households and a standing 送付先変更 through the CLI: persons added with their 世帯番号 and
/// 続柄, the record naming the 世帯主 and the members; a registration refused field by field,
/// then stored, shown on the record, used by a certificate, and ended.
#[test]
fn households_and_a_standing_delivery_through_the_cli() {
    let db = Db::new();
    ok(&db.path, &["init"]);
    let add = |name: &str, kana: &str, rel: &str| -> String {
        let out = json(
            &db.path,
            &[
                "person",
                "add",
                "--name",
                name,
                "--kana",
                kana,
                "--birth",
                "S30.4.1",
                "--sex",
                "女",
                "--address",
                "見本市中央町1番",
                "--scheme",
                "kokuho",
                "--household",
                "7001",
                "--relationship",
                rel,
            ],
        );
        out["id"].to_string()
    };
    add("見本 一郎", "ミホン イチロウ", "世帯主");
    let mother = add("見本 ヨシ", "ミホン ヨシ", "母");
    let text = ok(&db.path, &["person", "show", &mother]);
    assert!(text.contains("世帯番号: 7001 (続柄 父母)  世帯主: 見本　一郎"), "{text}");
    assert!(text.contains("世帯員: 見本　一郎 (世帯主)"), "{text}");
    let refused = hairyo(&db.path, &["person", "delivery-register", "--person", &mother, "--address", "", "--reason", "vacation", "--requested-by", "本人"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("address:") && err.contains("reason:"), "{err}");
    let reg = json(
        &db.path,
        &[
            "person",
            "delivery-register",
            "--person",
            &mother,
            "--address",
            "見本市後見町1番",
            "--addressee",
            "後見 次郎",
            "--reason",
            "guardian",
            "--requested-by",
            "成年後見人",
            "--document",
            "登記事項証明書",
        ],
    );
    let text = ok(&db.path, &["person", "show", &mother]);
    assert!(text.contains("【現在の送付先】送付先変更") && text.contains("後見町1番"), "{text}");
    let issued = json(&db.path, &["certificate", "issue", "--person", &mother, "--scheme", "kokuho", "--basis", "ex_officio"]);
    assert!(issued["delivery_address"].as_str().unwrap().contains("後見町1番 後見 次郎 様"), "{issued}");
    let ended = json(&db.path, &["person", "delivery-end", &reg["id"].to_string()]);
    assert!(ended["ended_at"].is_string(), "{ended}");
}

/// `hairyo upgrade` on a file of the previous release: it says what it upgraded and where the
/// backup is; run again it says the schema is current and backs up nothing. Any other command
/// on an old file upgrades it too and says so on stderr, keeping stdout for its own output.
#[test]
fn upgrade_says_what_it_did_and_where_the_backup_is() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-0.1.0/hairyo.db");
    let db = Db::new();
    std::fs::copy(&fixture, &db.path).unwrap();
    let said = ok(&db.path, &["upgrade"]);
    let backup = db.path.with_file_name("backups").join(format!("hairyo-schema-23-before-{}.db", hairyo::store::schema_version()));
    assert!(said.contains("版 23 から") && said.contains(&backup.display().to_string()), "{said}");
    assert!(backup.is_file());
    let again = json(&db.path, &["upgrade"]);
    assert_eq!(again["upgrade"], serde_json::Value::Null);
    assert_eq!(again["schema_version"], hairyo::store::schema_version());
    assert_eq!(again["release"], hairyo::VERSION);
    assert!(ok(&db.path, &["upgrade"]).contains("最新です"));
    // A mistyped path is refused, not created as an empty database.
    let missing = db.path.with_file_name("hairyo-typo.db");
    let out = hairyo(&missing, &["upgrade"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cli.no_database"));
    assert!(!missing.exists());

    let other = Db::new();
    std::fs::copy(&fixture, &other.path).unwrap();
    let out = hairyo(&other.path, &["--json", "stats"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("更新前のバックアップ"), "{stderr}");
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is only the JSON");
    assert!(stats.is_object());
}

/// `hairyo serve --config`: every bad line stops the server before it listens, with the file,
/// the line and the code; nothing is opened or migrated.
#[test]
fn serve_refuses_a_bad_configuration_file() {
    let db = Db::new();
    let conf = db.path.with_file_name("hairyo.conf");
    for (text, code, line) in [
        ("listen = 127.0.0.1:0\nsession_idle_seconds = 0\n", "config.invalid_value", "2 行目"),
        ("listen = 127.0.0.1:0\nport = 8443\n", "config.unknown_key", "2 行目"),
        ("database_url = relative.db\n", "config.invalid_value", "1 行目"),
        ("listen = 127.0.0.1:0\ntls_cert = /nonexistent/server.crt\n", "config.invalid_value", "2 行目"),
    ] {
        std::fs::write(&conf, text).unwrap();
        let out = hairyo(&db.path, &["serve", "--config", conf.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(code) && stderr.contains(line) && stderr.contains(conf.to_str().unwrap()), "{text}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing listened");
    }
    assert!(!db.path.exists(), "no database was created");
    let missing = hairyo(&db.path, &["serve", "--config", "/nonexistent/hairyo.conf"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("config.unreadable"));
}

#[test]
fn retention_and_disposal_through_the_cli() {
    let db = demo_db("20");
    let p = json(&db.path, &["person", "add", "--name", "廃棄 一郎", "--kana", "ハイキ イチロウ", "--birth", "1950-01-01", "--sex", "male"]);
    let id = p["id"].to_string();
    ok(&db.path, &["person", "move-out", &id, "--to", "隣町", "--on", "2019-04-01"]);
    let set = hairyo(
        &db.path,
        &["retention", "set", "--person", "0", "--touchpoints", "5", "--referrals", "5", "--applications", "5", "--certificates", "5", "--audit", "10"],
    );
    assert_eq!(set.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&set.stderr).contains("retention.invalid"), "{}", String::from_utf8_lossy(&set.stderr));
    let shown = ok(&db.path, &["retention", "show"]);
    assert!(shown.contains("対象者 5年"), "the default stays: {shown}");
    let refused = hairyo(&db.path, &["--as", "kaigo1", "retention", "list"]);
    assert_eq!(refused.status.code(), Some(1), "a welfare desk does not dispose");
    let list = ok(&db.path, &["--as", "kokuho2", "retention", "list"]);
    assert!(list.contains(&format!("ID {id}")) && list.contains("転出") && list.contains("対象者の記録すべて"), "{list}");
    let done = json(&db.path, &["--as", "kokuho2", "retention", "dispose", &id]);
    assert_eq!(done["persons"], 1, "{done}");
    let again = hairyo(&db.path, &["--as", "kokuho2", "retention", "dispose", &id]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("retention.not_due"), "{}", String::from_utf8_lossy(&again.stderr));
    let record = ok(&db.path, &["--as", "kokuho2", "retention", "record"]);
    assert!(record.contains(&format!("ID {id} (旧)")) && record.contains("kokuho2") && !record.contains("廃棄 一郎"), "{record}");
    // The audit log has its own period: nothing of this demo is past ten years.
    let pruned = json(&db.path, &["--as", "kokuho2", "retention", "prune-audit"]);
    assert_eq!(pruned["pruned"], 0, "{pruned}");
    let refused = hairyo(&db.path, &["--as", "kaigo1", "retention", "prune-audit"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("access.denied"), "{}", String::from_utf8_lossy(&refused.stderr));
}

/// Every command of the CLI, enumerated from its own help: each leaf command is either run here
/// as desks with and without the right to see protected data (its `--json` and its text, and
/// any file it writes, a PDF read back with pdftotext), or named with the reason it shows no
/// person's data. A command added later is caught until it is in one list or the other.
#[test]
fn no_cli_command_shows_a_desk_what_it_may_not_see() {
    const ADDRESS: &str = "金糸雀町一丁目";
    const SAFE: &str = "金糸雀荘気付";
    const MOVED_TO: &str = "雲雀村";
    const CHILD_NOTE: &str = "雛鳥の見守り記録";
    let db = demo_db("20");
    let dir = tempfile::tempdir().unwrap();
    let add_protected = |name: &str, kana: &str| {
        json(
            &db.path,
            &[
                "person",
                "add",
                "--name",
                name,
                "--kana",
                kana,
                "--birth",
                "1958-03-03",
                "--sex",
                "female",
                "--postal",
                "111-2233",
                "--address",
                ADDRESS,
                "--protected",
                "true",
                "--safe-postal",
                "111-4455",
                "--safe-address",
                SAFE,
            ],
        )["id"]
            .to_string()
    };
    let p = add_protected("保護 金糸", "ホゴ キンシ");
    let moved = add_protected("転出 雲雀", "テンシュツ ヒバリ");
    ok(&db.path, &["--as", "kokuho1", "certificate", "issue", "--person", &p, "--scheme", "kokuho", "--basis", "ex_officio"]);
    let referral =
        json(&db.path, &["--as", "kaigo1", "referral", "send", "--person", &p, "--reason", "資格確認書の案内", "--basis", "consent"])["id"].to_string();
    ok(&db.path, &["--as", "jido1", "touchpoint", "add", "--person", &p, "--kind", "counter", "--notes", CHILD_NOTE]);
    ok(&db.path, &["--as", "kokuho1", "person", "move-out", &moved, "--to", MOVED_TO]);
    let out = |name: &str| dir.path().join(name).display().to_string();

    // Commands that show persons' data, each with its arguments; `{out}` is a file it writes.
    let samples: Vec<(&str, Vec<String>)> = vec![
        ("person show", vec![p.clone()]),
        ("person show", vec![moved.clone()]),
        ("person list", vec![]),
        ("person update", vec![p.clone(), "--phone".into(), "048-000-0000".into()]),
        ("touchpoint add", vec!["--person".into(), p.clone(), "--kind".into(), "phone".into()]),
        ("search", vec!["金糸".into()]),
        ("home", vec![]),
        ("stats", vec![]),
        ("route", vec![p.clone()]),
        ("reminders", vec![]),
        ("forecast", vec![]),
        ("referral show", vec![referral.clone()]),
        ("referral queue", vec![]),
        ("referral comment", vec![referral.clone(), "--body".into(), "確認します".into()]),
        ("application list", vec![]),
        ("certificate expiring", vec![]),
        ("certificate renewal", vec![]),
        ("certificate returns-due", vec![]),
        ("renewal list", vec![]),
        ("renewal season", vec![]),
        ("duplicates", vec![]),
        ("outreach list", vec![]),
        ("facility list", vec![]),
        ("audit", vec![]),
        ("audit access", vec![]),
        ("audit export", vec![out("audit.csv")]),
        ("retention list", vec![]),
        ("export", vec!["persons".into(), out("persons.csv")]),
        ("export", vec!["touchpoints".into(), out("touchpoints.csv")]),
        ("export", vec!["certificates".into(), out("certificates.csv")]),
        ("export", vec!["expiring".into(), out("expiring.csv")]),
        ("export", vec!["referrals".into(), out("referrals.csv")]),
        ("print application", vec!["--person".into(), p.clone(), "--output".into(), out("application.pdf")]),
        ("print delegation-letter", vec!["--person".into(), p.clone(), "--output".into(), out("delegation.pdf")]),
        ("print referral", vec!["--referral".into(), referral.clone(), "--output".into(), out("referral.pdf")]),
        ("print hand-over", vec!["--person".into(), moved.clone(), "--output".into(), out("hand-over.pdf")]),
    ];
    // Commands that show no person's data, with why.
    let exempt: &[(&str, &str)] = &[
        ("init", "creates the database"),
        ("demo", "adds fictional data, prints counts"),
        ("bench", "timings of a scratch database"),
        ("serve", "the HTTP server, tested through the catalogue"),
        ("loadtest", "timings"),
        ("grant", "database roles"),
        ("upgrade", "the schema"),
        ("tenant add", "the operator's command: a municipality and its first administrator (tests/it/tenants.rs)"),
        ("tenant list", "the operator's command: municipalities and staff counts, no person's data"),
        ("tenant move-in", "the operator's command: a whole database moved, whose output is counts (tests/it/tenants.rs)"),
        ("tenant export", "the operator's command: a whole municipality copied to a database, whose output is counts (tests/it/tenants.rs)"),
        ("backup", "a copy of the database for administrators"),
        ("restore", "administrators"),
        ("access-matrix", "the matrix"),
        ("staff add", "staff"),
        ("staff password", "staff"),
        ("staff list", "staff"),
        ("policy list", "rules"),
        ("policy set", "rules"),
        ("policy remove", "rules"),
        ("settings show", "the city's settings"),
        ("settings set-city", "settings"),
        ("settings set-reason-span", "settings"),
        ("mailing preview", "insurer desks; names only of the letters the reader may send"),
        ("mailing start", "insurer desks; the answer goes through the mailing's rule"),
        ("mailing list", "insurer desks; each through the mailing's rule"),
        ("mailing show", "insurer desks; through the mailing's rule"),
        ("mailing record", "insurer desks; through the mailing's rule"),
        ("mailing letters", "a PDF file, printed through the rule (safe address only for who may see it)"),
        ("mailing addresses", "a CSV file, supervisors; the safe address only for who may see it"),
        ("settings set-desk", "settings"),
        ("settings directory-off", "settings"),
        ("settings set-validity", "settings"),
        ("retention show", "periods"),
        ("retention set", "periods"),
        ("retention dispose", "counts, tested in retention_and_disposal_through_the_cli"),
        ("retention record", "former ids and counts only"),
        ("retention prune-audit", "counts, tested in retention_and_disposal_through_the_cli"),
        ("audit key", "an event id and the key file's path, tested in trust::a_keyed_chain_cannot_be_forged_by_whoever_may_only_append"),
        ("leaflet statements", "statements"),
        ("leaflet set", "statements"),
        ("leaflet postings", "posters"),
        ("leaflet post", "posters"),
        ("leaflet take-down", "posters"),
        ("print leaflet", "the 別添 handouts"),
        ("print forwarding-register", "後期 applications forwarded; the core's print is in the catalogue canary"),
        ("print facility", "a facility batch; the core's print is in the catalogue canary"),
        ("export-profile list", "profiles"),
        ("export-profile save", "profiles"),
        ("export-profile run", "the same table as export, in the catalogue canary"),
        ("import persons", "a report of the clerk's own file"),
        ("import profile", "profiles"),
        ("import profiles", "profiles"),
        ("import union-results", "a report of the union's file"),
        ("feed", "a report of the core system's file"),
        ("renewal schedule", "the schedule"),
        ("audit verify", "the chain's check"),
        ("facility add", "facilities"),
        ("facility campaign", "a facility's state"),
        ("facility campaign-start", "a facility's campaign, in the catalogue canary"),
        ("facility campaigns", "residents' outcomes, in the catalogue canary"),
        ("facility campaign-returns", "in the catalogue canary"),
        ("outreach add", "an event"),
        ("outreach receive", "in the catalogue canary"),
        ("duplicates merge", "merges, tested in duplicates"),
        ("duplicates dismiss", "a pair"),
        ("follow-up", "sets a follow-up"),
        ("person add", "the answer goes through the same rule as update, tested above"),
        ("person move-out", "insurer desks only"),
        ("referral send", "the sender's own referral"),
        ("referral accept", "insurer desks"),
        ("referral return", "insurer desks"),
        ("referral complete", "insurer desks"),
        ("referral resend", "the sender's"),
        ("referral withdraw", "the sender's"),
        ("application receive", "insurer desks"),
        ("application check", "insurer desks"),
        ("application review", "insurer desks"),
        ("application decide", "insurer desks"),
        ("application reject", "insurer desks"),
        ("application withdraw", "insurer desks"),
        ("application issue", "insurer desks"),
        ("application forward", "insurer desks"),
        ("application union-result", "insurer desks"),
        ("application hand-over", "insurer desks"),
        ("application show", "the same rule as application list"),
        ("certificate issue", "insurer desks"),
        ("certificate show", "the certificate rule, in the catalogue canary"),
        ("certificate reissue", "insurer desks"),
        ("certificate feed", "a report of the core system's file"),
        ("person delivery-register", "insurer desks; the registration rule, in the catalogue canary"),
        ("person delivery-end", "insurer desks; the registration rule, in the catalogue canary"),
        ("certificate conflicts", "insurer desks; the conflict rule, in the catalogue canary"),
        ("certificate resolve", "insurer desks; the conflict rule, in the catalogue canary"),
        ("certificate age-reissues", "insurer desks; names and dates only"),
        ("certificate invalidate", "insurer desks"),
        ("certificate returned", "insurer desks"),
        ("certificate mail-returned", "insurer desks"),
        ("certificate change-delivery", "insurer desks"),
        ("certificate hand-over", "insurer desks"),
    ];

    // The leaves of the CLI, read from its help.
    let help = |args: &[&str]| -> Vec<String> {
        let out = Command::new(env!("CARGO_BIN_EXE_hairyo")).args(args).arg("--help").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let Some(section) = text.split("Commands:").nth(1) else { return vec![] };
        section
            .lines()
            .take_while(|l| !l.starts_with("Options:"))
            .filter_map(|l| l.strip_prefix("  ").and_then(|l| l.split_whitespace().next()).map(str::to_string))
            .filter(|c| c != "help")
            .collect()
    };
    let mut leaves = Vec::new();
    for c in help(&[]) {
        let subs = help(&[&c]);
        if subs.is_empty() || c == "duplicates" || c == "audit" {
            leaves.push(c.clone());
        }
        leaves.extend(subs.into_iter().map(|s| format!("{c} {s}")));
    }
    assert!(leaves.len() > 60, "{leaves:?}");
    let unknown: Vec<&String> = leaves.iter().filter(|l| !samples.iter().any(|(s, _)| s == *l) && !exempt.iter().any(|(e, _)| e == *l)).collect();
    assert!(unknown.is_empty(), "CLI commands with neither a sample nor a reason in this test: {unknown:?}");

    let mut leaks = Vec::new();
    for (login, sees_address, sees_notes) in [("kaigo1", false, false), ("jido1", false, true), ("kokuho1", true, false)] {
        for (command, args) in &samples {
            for as_json in [true, false] {
                let mut all: Vec<&str> = vec!["--as", login];
                if as_json {
                    all.push("--json");
                }
                all.extend(command.split(' '));
                all.extend(args.iter().map(String::as_str));
                let run = hairyo(&db.path, &all);
                let mut text = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
                for a in args.iter().filter(|a| a.starts_with(&dir.path().display().to_string())) {
                    let path = std::path::Path::new(a);
                    if !path.exists() {
                        continue;
                    }
                    if a.ends_with(".pdf") {
                        let read = Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext");
                        text.push_str(&String::from_utf8_lossy(&read.stdout));
                    } else {
                        text.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
                    }
                    std::fs::remove_file(path).unwrap();
                }
                for (canary, may) in [(ADDRESS, sees_address), (SAFE, sees_address), (MOVED_TO, sees_address), (CHILD_NOTE, sees_notes)] {
                    if !may && text.contains(canary) {
                        leaks.push(format!("{login} {} {command} {args:?} shows {canary}", if as_json { "--json" } else { "" }));
                    }
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{} CLI outputs show protected data:\n{}", leaks.len(), leaks.join("\n"));
    // The canaries are there to be found by the desks that may see them.
    assert!(ok(&db.path, &["--as", "kokuho1", "person", "show", &moved]).contains(MOVED_TO));
    assert!(ok(&db.path, &["--as", "jido1", "--json", "person", "show", &p]).contains(CHILD_NOTE));
}

/// `hairyo demo` adds its published-password accounts and fictional persons only to a
/// database just initialised or holding nothing but the demo's own: one with a person or a
/// staff member it did not add is refused, and nothing is added.
#[test]
fn demo_refuses_a_database_with_records_it_did_not_add() {
    let count = |db: &Path, table: &str| -> i64 {
        let store = hairyo::store::open_location(&hairyo::store::Location::parse(db.to_str().unwrap())).unwrap();
        store.enter(hairyo::store::FIRST_MUNICIPALITY).unwrap();
        store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    };
    // A demo database takes more of the demo.
    let db = demo_db("20");
    ok(&db.path, &["demo", "--persons", "10", "--seed", "4"]);
    assert_eq!(count(&db.path, "person"), 30);
    // A person the demo did not add.
    ok(&db.path, &["person", "add", "--name", "実在 太郎", "--kana", "ジツザイ タロウ", "--birth", "1950-01-01", "--sex", "male"]);
    let refused = hairyo(&db.path, &["demo", "--persons", "10"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("demo.real_data") && stderr.contains("対象者 1人"), "{stderr}");
    assert_eq!(count(&db.path, "person"), 31, "nothing was added");
    // A staff member the demo did not add, on a database with no person yet.
    let db = Db::new();
    ok(&db.path, &["init"]);
    ok(&db.path, &["staff", "add", "--login", "tanaka", "--name", "田中 一", "--desk", "kokuho", "--role", "clerk"]);
    let refused = hairyo(&db.path, &["demo", "--persons", "10"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("職員 1人"), "{}", String::from_utf8_lossy(&refused.stderr));
    assert_eq!(count(&db.path, "staff"), 2, "no demo account was added");
}

/// The tests of this module that need the PostgreSQL server: the PostgreSQL pass of the test
/// command runs only these of this module (the others open SQLite files, the same in either
/// pass), `layers::file_only_modules_reach_postgresql_only_in_on_postgres` keeps it so.
mod on_postgres {
    use super::*;

    /// Every command a city runs, on a PostgreSQL server through `--db postgres://…`: init, demo,
    /// lists and search, export and import, print, audit verify, backup and restore (after which
    /// the audit chain still verifies). Runs in the PostgreSQL pass of the test command.
    #[test]
    fn the_cli_works_on_a_postgres_server() {
        let Some(server) = crate::common::pg_server() else {
            eprintln!("HAIRYO_TEST_PG is not set; this test runs in the PostgreSQL pass of .ci/run");
            return;
        };
        let url = crate::common::fresh_pg_database(&server);
        let db = Path::new(&url);
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();

        let init = ok(db, &["init"]);
        assert!(init.contains("127.0.0.1"), "{init}");
        // The owner gives the desks' role its grants; the desks then work as that role.
        crate::common::create_app_role(&server);
        let granted = ok(db, &["grant", crate::common::PG_APP_ROLE]);
        assert!(granted.contains(crate::common::PG_APP_ROLE), "{granted}");
        let app = crate::common::app_url(&url);
        let desk = Path::new(&app);
        ok(desk, &["demo", "--persons", "300", "--seed", "5"]);
        let refused = hairyo(desk, &["grant", crate::common::PG_APP_ROLE]);
        assert!(String::from_utf8_lossy(&refused.stderr).contains("store.role"), "{}", String::from_utf8_lossy(&refused.stderr));
        assert_eq!(json(db, &["person", "list", "--limit", "5"])["total"], 300);
        let first = &json(db, &["person", "list", "--limit", "1"])["items"][0];
        let name = first["name"].as_str().unwrap().to_string();
        let found = json(db, &["search", &name]);
        assert!(found["hits"]["items"].as_array().unwrap().iter().any(|h| h["person"]["id"] == first["id"]), "{found}");

        ok(db, &["export", "persons", &file("persons.csv"), "--encoding", "cp932"]);
        let again = ok(db, &["import", "persons", &file("persons.csv"), "--encoding", "cp932"]);
        assert!(again.contains("300"), "{again}");
        assert_eq!(json(db, &["person", "list", "--limit", "5"])["total"], 300);

        let id = json(db, &["person", "list", "--scheme", "kokuho", "--limit", "1"])["items"][0]["id"].to_string();
        ok(db, &["print", "application", "--person", &id, "-o", &file("form.pdf")]);
        assert!(std::fs::read(file("form.pdf")).unwrap().starts_with(b"%PDF"));

        ok(db, &["audit", "verify"]);
        ok(db, &["backup", &file("server.dump")]);
        ok(db, &["person", "add", "--name", "見本 後子", "--kana", "ミホン アトコ", "--birth", "S30.3.3", "--sex", "female", "--scheme", "kokuho"]);
        assert_eq!(json(db, &["person", "list", "--limit", "5"])["total"], 301);
        let refused = hairyo(db, &["restore", &file("server.dump")]);
        assert!(!refused.status.success());
        let restored = ok(db, &["restore", "--yes", &file("server.dump")]);
        assert!(restored.contains("復元しました"), "{restored}");
        assert_eq!(json(db, &["person", "list", "--limit", "5"])["total"], 300);
        assert!(dir.path().read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with("hairyo-before-restore-")));
        let verify = hairyo(db, &["audit", "verify"]);
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
        let garbage = file("garbage.dump");
        std::fs::write(&garbage, "not a dump").unwrap();
        let bad = hairyo(db, &["restore", "--yes", &garbage]);
        assert!(String::from_utf8_lossy(&bad.stderr).contains("Hairyo のデータベースではありません"), "{}", String::from_utf8_lossy(&bad.stderr));
    }
}

/// #32: a 後期 form for a member with no 住所 or 被保険者番号 on file is printed, and the clerk is
/// told what was left blank, in the result and on stderr; a complete record prints without it.
/// A 国保 form asks the 世帯主's 個人番号 beside the 被保険者's (two rows of cells), a 後期 form
/// the member's only.
#[test]
fn an_empty_address_or_insured_number_is_warned_about_at_print() {
    let db = Db::new();
    ok(&db.path, &["init"]);
    // The 広域連合's number is the city's setting, empty on a new database (it is warned about
    // too, in the settings' own test): set here so that only the person's gaps are at stake.
    let city = ["settings", "set-city", "--city", "見本市", "--addressee", "見本市長", "--kouki-union", "見本県後期高齢者医療広域連合"];
    ok(&db.path, &[&city[..], &["--kouki-insurer-number", "39990007"]].concat());
    let bare =
        json(&db.path, &["person", "add", "--name", "空欄 一子", "--kana", "クウラン イチコ", "--birth", "S16.8.2", "--sex", "female", "--scheme", "kouki"]);
    let id = bare["id"].to_string();
    let pdf = db.path.with_extension("bare.pdf");
    let out = hairyo(&db.path, &["print", "application", "--person", &id, "-o", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("注意: 空欄") && stderr.contains("一子さんの住所・被保険者番号が登録されていない"), "{stderr}");
    let printed = json(&db.path, &["print", "application", "--person", &id, "-o", pdf.to_str().unwrap()]);
    assert!(printed["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("住所・被保険者番号")), "{printed}");
    let kouki_text = crate::print::text(&std::fs::read(&pdf).unwrap());
    assert_eq!(kouki_text.matches("個人番号").count(), 1, "a 後期 form asks the member's number only: {kouki_text}");

    let full = json(
        &db.path,
        &[
            "person",
            "add",
            "--name",
            "記入 太郎",
            "--kana",
            "キニュウ タロウ",
            "--birth",
            "S35.3.3",
            "--sex",
            "male",
            "--scheme",
            "kokuho",
            "--symbol",
            "見01",
            "--number",
            "123456",
            "--postal",
            "000-0012",
            "--address",
            "見本市中央町1丁目2番3号",
            "--householder",
            "記入 花子",
        ],
    );
    let id = full["id"].to_string();
    let out = hairyo(&db.path, &["print", "application", "--person", &id, "-o", pdf.to_str().unwrap()]);
    assert!(out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("登録されていない"), "{}", String::from_utf8_lossy(&out.stderr));
    let kokuho_text = crate::print::text(&std::fs::read(&pdf).unwrap());
    assert_eq!(kokuho_text.matches("個人番号").count(), 2, "the 世帯主's and the 被保険者's: {kokuho_text}");
}

/// `settings set-city` keeps what it is not given: the 後期 switches and numbers set once are
/// not reset by a later change of the city's name, and a wrong number is refused by field.
#[test]
fn settings_set_city_keeps_the_kouki_settings_it_is_not_given() {
    let db = Db::new();
    ok(&db.path, &["init"]);
    let base = ["settings", "set-city", "--city", "見本市", "--addressee", "見本市長", "--kouki-union", "見本県後期高齢者医療広域連合"];
    let mut set = base.to_vec();
    set.extend(["--kouki-insurer-number", "39131230", "--kouki-counter-issue", "true", "--document-number", "見保年第1201号"]);
    ok(&db.path, &set);
    let mut wrong = base.to_vec();
    wrong.extend(["--kouki-insurer-number", "1234"]);
    let refused = hairyo(&db.path, &wrong);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("settings.invalid") && stderr.contains("kouki_insurer_number"), "{stderr}");
    let mut renamed = base.to_vec();
    renamed[3] = "見本新市";
    ok(&db.path, &renamed);
    let city = &json(&db.path, &["settings", "show"])["city"];
    assert_eq!(city["city_name"], "見本新市");
    assert_eq!((&city["kouki_insurer_number"], &city["kouki_counter_issue"], &city["kouki_union_form"]), (&"39131230".into(), &true.into(), &false.into()));
    assert_eq!(city["document_number"], "見保年第1201号");
}

/// 在宅周知 through the CLI: preview, start, record an outcome (a wrong one refused with the
/// core's code), the letters as a PDF and the envelopes' addresses as CSV.
#[test]
fn a_mailing_to_residents_at_home_through_the_cli() {
    let db = demo_db("300");
    let dir = tempfile::tempdir().unwrap();
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["--as", "kokuho2"][..], args].concat()
    }
    let preview = json(&db.path, &with(&["mailing", "preview", "--reason", "dementia", "--limit", "5"]));
    let letters = preview["letters"].as_i64().unwrap();
    assert!((1..=5).contains(&letters), "{preview}");
    let m = json(&db.path, &with(&["mailing", "start", "--title", "在宅の案内", "--deadline", "2026-12-20", "--reason", "dementia", "--limit", "5"]));
    assert_eq!(m["counts"]["sent"].as_i64(), Some(letters));
    let id = m["id"].to_string();
    let person = m["recipients"][0]["person_id"].to_string();
    let refused = hairyo(&db.path, &with(&["mailing", "record", &id, "--person", &person, "--outcome", "applied"]));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("mailing.invalid"), "{stderr}");
    let recorded = json(&db.path, &with(&["mailing", "record", &id, "--person", &person, "--outcome", "returned_mail"]));
    assert_eq!(recorded["counts"]["returned_mail"].as_i64(), Some(1));
    let pdf = dir.path().join("letters.pdf");
    let printed = json(&db.path, &with(&["mailing", "letters", &id, "-o", pdf.to_str().unwrap()]));
    assert_eq!(printed["documents"].as_i64(), Some(letters));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let csv = dir.path().join("addresses.csv");
    let written = json(&db.path, &with(&["mailing", "addresses", &id, "-o", csv.to_str().unwrap()]));
    assert_eq!(written["rows"].as_i64(), Some(letters));
    let text = ok(&db.path, &with(&["mailing", "show", &id]));
    assert!(text.contains("あて所不明で返送") && text.contains("在宅の案内"), "{text}");
}
