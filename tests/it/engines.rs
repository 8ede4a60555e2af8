//! The two engines side by side: the same schema and refusals, the same search results, and
//! PostgreSQL's concurrent writers (several processes' connections at once). These run in the
//! PostgreSQL pass of the test command (`HAIRYO_TEST_PG`); without a server they say so and
//! pass, and the SQLite pass runs everything else.

use std::sync::{Arc, Barrier};

use crate::common::{self, at, holder, World};
use hairyo::application::{self, ApplicationInput, Document};
use hairyo::person::{self, PersonInput};
use hairyo::referral::{self, ReferralInput};
use hairyo::staff;
use hairyo::store::{self, Store};
use hairyo::touchpoint::{self, TouchpointInput};
use hairyo::{audit, home, search, Page};

fn server() -> Option<String> {
    let s = common::pg_server();
    if s.is_none() {
        eprintln!("HAIRYO_TEST_PG is not set; this test runs in the PostgreSQL pass of .ci/run");
    }
    s
}

/// Every table's columns with their NOT NULL, as each engine reports them.
fn columns(store: &Store) -> Vec<String> {
    let sql = if store.is_server() {
        "SELECT c.table_name || '.' || c.column_name || CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END
         FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT IN ('hairyo_schema', 'hairyo_app_role', 'hairyo_row_count', 'hairyo_table_version', 'referral_month') AND c.column_name <> 'search_grams'
           -- A SQLite file is one municipality: only PostgreSQL's tables carry theirs (0041).
           AND (c.column_name <> 'municipality_id' OR c.table_name = 'staff')
         ORDER BY 1"
    } else {
        // SQLite reports an INTEGER PRIMARY KEY as nullable (it is the rowid, never NULL).
        "SELECT m.name || '.' || p.name || CASE WHEN p.\"notnull\" = 1 OR p.pk = 1 AND p.type = 'INTEGER' THEN ' not null' ELSE '' END
         FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'person_tri%' AND m.name NOT LIKE 'person_uni%' AND m.name NOT LIKE 'sqlite_%'
         ORDER BY 1"
    };
    let mut stmt = store.conn().prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn both_engines_have_the_same_tables_columns_and_refusals() {
    let Some(server) = server() else { return };
    let lite = store::open_in_memory().unwrap();
    let pg = store::pg::open(&common::fresh_pg_database(&server)).unwrap();
    assert_eq!(lite.stored_schema_version().unwrap(), pg.stored_schema_version().unwrap());
    let (a, b) = (columns(&lite), columns(&pg));
    assert!(a.len() > 150, "{}", a.len());
    let only_lite: Vec<_> = a.iter().filter(|c| !b.contains(c)).collect();
    let only_pg: Vec<_> = b.iter().filter(|c| !a.contains(c)).collect();
    assert!(only_lite.is_empty() && only_pg.is_empty(), "only in SQLite: {only_lite:?}\nonly in PostgreSQL: {only_pg:?}");

    // The same statements are refused the same way: a CHECK, a foreign key, NOT NULL, UNIQUE,
    // and the audit log's append-only rule.
    for mut store in [lite, pg] {
        staff::init(&mut store, at("2025-04-01")).unwrap();
        let conn = store.conn();
        let person = "INSERT INTO person (name, kana, name_norm, kana_norm, birth_date, sex, scheme, created_at, updated_at, atena_no)
                      VALUES ('見本　花子', 'ミホン　ハナコ', '見本花子', 'ミホンハナコ', '1950-01-01', ?1, ?2, 't', 't', ?3)";
        conn.execute(person, ["female", "kokuho", "1"]).unwrap();
        for (what, sql, params) in [
            ("CHECK on sex", person, ["woman", "kokuho", "2"]),
            ("CHECK on scheme", person, ["female", "shaho", "3"]),
            ("UNIQUE 宛名番号", person, ["female", "kokuho", "1"]),
        ] {
            let err = conn.execute(sql, params).unwrap_err();
            assert_eq!(err.code(), "store.constraint", "{what} on {}: {err}", if store.is_server() { "PostgreSQL" } else { "SQLite" });
        }
        let fk = conn
            .execute("INSERT INTO touchpoint (person_id, desk, staff_id, date, kind, created_at) VALUES (999, 'kaigo', 1, '2026-01-01', 'outreach', 't')", []);
        assert_eq!(fk.unwrap_err().code(), "store.constraint");
        let null = conn.execute("INSERT INTO facility (name, kind, created_at) VALUES (NULL, 'elderly', 't')", []);
        assert_eq!(null.unwrap_err().code(), "store.constraint");
        assert_eq!(conn.execute("UPDATE audit_event SET login = 'x'", []).unwrap_err().code(), "store.constraint");
        assert_eq!(conn.execute("DELETE FROM audit_event", []).unwrap_err().code(), "store.constraint");
    }
}

/// The same persons in both engines, and every query form a clerk types.
#[test]
fn search_gives_the_same_results_on_both_engines() {
    let Some(_) = server() else { return };
    let people: &[(&str, &str, &str)] = &[
        ("林　一郎", "ハヤシ　イチロウ", "1940-04-01"),
        ("小林　花子", "コバヤシ　ハナコ", "1941-05-02"),
        ("佐藤　次郎", "サトウ　ジロウ", "1950-06-15"),
        ("佐藤　美智子", "サトウ　ミチコ", "1938-12-24"),
        ("加藤　佐和", "カトウ　サワ", "1962-01-08"),
        ("髙橋　三郎", "タカハシ　サブロウ", "1944-02-29"),
        ("高橋　良子", "タカハシ　ヨシコ", "1950-06-15"),
        ("齋藤　健", "サイトウ　ケン", "2015-03-03"),
        ("斉藤　由美", "サイトウ　ユミ", "1975-07-07"),
        ("渡邉　茂", "ワタナベ　シゲル", "1933-11-11"),
    ];
    let fill = |w: &mut World| {
        for (i, (name, kana, birth)) in people.iter().enumerate() {
            w.person(|p| {
                p.name = name.to_string();
                p.kana = kana.to_string();
                p.birth_date = birth.to_string();
                p.atena_no = format!("{}", 70001 + i);
            });
        }
    };
    let mut pg = World::new();
    assert!(pg.store.is_server());
    fill(&mut pg);
    let mut lite = World::new_on(store::open_in_memory().unwrap());
    fill(&mut lite);
    let mut found = 0;
    let queries = [
        "林",
        "佐藤",
        "佐藤　次郎",
        "佐藤次郎",
        "藤",
        "小林花子",
        "はやし",
        "ハヤシ",
        "ﾊﾔｼ",
        "さとう みちこ",
        "タカハシ",
        "高橋",
        "髙橋",
        "斎藤",
        "齊藤",
        "渡辺",
        "渡邊",
        "70003",
        "70010",
        "S25.6.15",
        "昭和25年6月15日",
        "1950-06-15",
        "H27.3.3",
        "2015/3/3",
        "美智",
        "ミチ",
        "サワ",
        "ん",
    ];
    for q in queries {
        let ids = |w: &mut World| -> Vec<(String, String)> {
            search::search(&mut w.store, &w.admin, q, Page::new(0, 50), at("2026-11-25"))
                .unwrap_or_else(|e| panic!("{q}: {e}"))
                .hits
                .items
                .into_iter()
                .map(|h| (h.person.name, format!("{:?}", h.matched)))
                .collect()
        };
        let (a, b) = (ids(&mut lite), ids(&mut pg));
        assert_eq!(a, b, "query {q}: SQLite {a:?}, PostgreSQL {b:?}");
        found += usize::from(!a.is_empty());
    }
    // The comparison means something only if the queries find people.
    assert!(found >= 22, "only {found} of {} queries found anyone", queries.len());
}

/// Several connections writing at once, as the desks' processes do: every write lands, and
/// the audit log's hash chain has no broken link.
#[test]
fn concurrent_writers_keep_every_write_and_the_audit_chain() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_app_database(&server);
    let mut w = World::new_on(store::pg::open(&url).unwrap());
    let p = w.person(|_| {});
    let writers = 8;
    let each = 200;
    const VIEWS: usize = 100;
    const VIEWERS: usize = 4;
    let barrier = Arc::new(Barrier::new(writers));
    let threads: Vec<_> = (0..writers)
        .map(|n| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = store::pg::open(&url).unwrap();
                let cw = staff::actor(&store, "kaigo_cw").unwrap();
                let admin = staff::actor(&store, staff::ADMIN_LOGIN).unwrap();
                barrier.wait();
                for i in 0..each {
                    // Touchpoints of one month and desk share their funnel row, which serialises
                    // them by itself; new persons share nothing but the audit log.
                    if i % 2 == 0 {
                        let input = TouchpointInput {
                            person_id: p.id,
                            date: "2026-11-20".into(),
                            kind: "outreach".into(),
                            notes: format!("書き手{n}の{i}件目"),
                            ..Default::default()
                        };
                        touchpoint::add(&mut store, &cw, &input, at("2026-11-20")).unwrap();
                    } else {
                        let input = PersonInput {
                            name: "並行 花子".into(),
                            kana: "ヘイコウ ハナコ".into(),
                            birth_date: "1950-06-15".into(),
                            sex: "female".into(),
                            scheme: "kokuho".into(),
                            atena_no: format!("8{n:02}{i:03}"),
                            address: "見本市中央町1丁目1番1号".into(),
                            ..Default::default()
                        };
                        person::add(&mut store, &admin, &input, at("2026-11-20")).unwrap();
                    }
                }
            })
        })
        .collect();
    // Desks opening the record meanwhile: each view is logged without the write lock, under
    // the audit log's own, and the chain must still have no gap. Three share a server's group
    // commit (their events appended together), one appends alone, as a second server would.
    let group = Arc::new(store::audit::GroupCommit::default());
    let viewers: Vec<_> = (0..VIEWERS)
        .map(|n| {
            let (url, group) = (url.clone(), group.clone());
            std::thread::spawn(move || {
                let mut store = store::pg::open(&url).unwrap();
                if n > 0 {
                    store.share_group_commit(group);
                }
                let clerk = staff::actor(&store, "kokuho_clerk").unwrap();
                for _ in 0..VIEWS {
                    hairyo::record::show(&mut store, &clerk, p.id, at("2026-11-20")).unwrap();
                }
            })
        })
        .collect();
    for t in threads.into_iter().chain(viewers) {
        t.join().unwrap();
    }
    let views: i64 = w.store.conn().query_row("SELECT count(*) FROM audit_event WHERE action = 'view'", [], |r| r.get(0)).unwrap();
    assert_eq!(views, (VIEWERS * VIEWS) as i64);
    let n: i64 = w.store.conn().query_row("SELECT count(*) FROM touchpoint", [], |r| r.get(0)).unwrap();
    assert_eq!(n, (writers * each / 2) as i64);
    let n: i64 = w.store.conn().query_row("SELECT count(*) FROM person WHERE name = '並行　花子'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, (writers * each / 2) as i64);
    let v = audit::verify(&w.store, &w.admin, at("2026-11-25")).unwrap();
    assert!(v.ok, "{}", v.message);
    assert!(v.events >= writers * each, "{}", v.events);
}

/// Two desks take the same step on the same item at the same moment: exactly one succeeds,
/// the other is told the item is no longer in the state the step needs.
#[test]
fn the_same_step_taken_twice_at_once_succeeds_once() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_app_database(&server);
    let mut w = World::new_on(store::pg::open(&url).unwrap());
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let cw = w.actor("kaigo_cw");
    let clerk = w.actor("kokuho_clerk");
    let rounds = 5;
    for round in 0..rounds {
        let r = referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: format!("申請支援 {round}"), sharing_basis: "consent".into(), ..Default::default() },
            at("2026-11-25"),
        )
        .unwrap();
        let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-11-25")).unwrap().application;
        application::check_document(&mut w.store, &clerk, a.id, Document::ApplicantId, true, at("2026-11-25")).unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (url, barrier, clerk) = (url.clone(), barrier.clone(), clerk.clone());
                let (rid, aid) = (r.id, a.id);
                std::thread::spawn(move || {
                    let mut store = store::pg::open(&url).unwrap();
                    barrier.wait();
                    let accepted = referral::accept(&mut store, &clerk, rid, "", at("2026-11-25")).map(|_| ()).map_err(|e| e.code().to_string());
                    let decided = application::decide(&mut store, &clerk, aid, None, at("2026-11-25")).map(|_| ()).map_err(|e| e.code().to_string());
                    (accepted, decided)
                })
            })
            .collect();
        let outcomes: Vec<(Result<(), String>, Result<(), String>)> = handles.into_iter().map(|t| t.join().unwrap()).collect();
        for pick in [|o: &(Result<(), String>, Result<(), String>)| o.0.clone(), |o: &(Result<(), String>, Result<(), String>)| o.1.clone()] {
            let results: Vec<Result<(), String>> = outcomes.iter().map(pick).collect();
            assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "round {round}: {results:?}");
            let err = results.iter().find_map(|r| r.clone().err()).unwrap();
            assert!(err.ends_with(".bad_transition"), "round {round}: {err}");
        }
    }
    let v = audit::verify(&w.store, &w.admin, at("2026-11-25")).unwrap();
    assert!(v.ok, "{}", v.message);
}

/// An import on the server is all or nothing and does not lock the other desks out: while it
/// runs, another connection keeps reading (search and counts answer at once) and sees none of
/// its rows until it commits.
#[test]
fn an_import_on_the_server_leaves_readers_reading_and_sees_all_or_nothing() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_app_database(&server);
    let mut w = World::new_on(store::pg::open(&url).unwrap());
    let before = w.person(|i| i.name = "既存 花子".into());
    let rows = 30_000;
    let mut csv = String::from("宛名番号,氏名,フリガナ,生年月日,性別,郵便番号,住所,電話番号,保険種別,保険者番号,記号,番号,枝番,世帯主\n");
    let surnames = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"), ("伊藤", "イトウ"), ("山本", "ヤマモト")];
    for i in 0..rows {
        let (s, k) = surnames[i % surnames.len()];
        csv.push_str(&format!("{},{s} 花子,{k} ハナコ,19{:02}-04-01,2,,,,国保,,,,,\n", 500_000_000 + i, 30 + i % 40));
    }
    let importer = {
        let url = url.clone();
        std::thread::spawn(move || {
            let mut store = store::pg::open(&url).unwrap();
            let admin = staff::actor(&store, staff::ADMIN_LOGIN).unwrap();
            hairyo::import::import_persons(&mut store, &admin, csv.as_bytes(), &Default::default(), at("2026-11-25"), &mut |_, _| {}).unwrap()
        })
    };
    let clerk = w.actor("kokuho_clerk");
    let (mut reads, mut slowest) = (0, std::time::Duration::ZERO);
    while !importer.is_finished() {
        let t = std::time::Instant::now();
        let found = search::search(&mut w.store, &clerk, "既存", Page::new(0, 20), at("2026-11-25")).unwrap();
        let n: i64 = w.store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
        slowest = slowest.max(t.elapsed());
        if importer.is_finished() {
            break;
        }
        assert_eq!(found.hits.items[0].person.id, before.id);
        // The import may commit between the check above and the count (the thread ends a
        // little after its commit): a reader sees none of its rows or all of them.
        assert!(n == 1 || n == 1 + rows as i64, "a reader saw part of an import: {n} persons");
        reads += 1;
    }
    let report = importer.join().unwrap();
    assert!(report.problems.is_empty(), "{} problems, the first {:?}", report.problems.len(), report.problems.first());
    assert_eq!(report.inserted, rows);
    assert!(reads >= 3, "only {reads} reads while the import ran");
    assert!(slowest < std::time::Duration::from_secs(2), "a read waited {slowest:?} for the import");
    let n: i64 = w.store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(n, rows as i64 + 1);
    // The home screen's kept count of persons followed the COPY.
    let admin = w.admin.clone();
    let home = hairyo::home::summary(&w.store, &admin, at("2026-11-25")).unwrap();
    assert_eq!(home.counts.persons, n);
}

/// The role the desks connect as (`hairyo grant`) reads and writes cases, but cannot rewrite
/// or delete the audit log, change the schema, or step around row security; and `grant`
/// refuses a role that could.
#[test]
fn the_app_role_cannot_change_the_audit_log_or_the_schema() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_app_database(&server);
    let mut w = World::new_on(store::pg::open(&url).unwrap());
    w.person(|_| {});
    let refused = |sql: &str| {
        let e = w.store.conn().execute_batch(sql).expect_err(sql);
        let text = e.to_string();
        assert!(text.contains("42501"), "{sql}: refused for the wrong reason: {text}");
    };
    refused("UPDATE audit_event SET detail = '{}'");
    refused("DELETE FROM audit_event");
    refused("TRUNCATE audit_event");
    refused("UPDATE hairyo_schema SET version = 1");
    refused("CREATE TABLE shadow (id BIGINT)");
    refused("ALTER TABLE person ADD COLUMN shadow TEXT");
    refused("DROP TABLE touchpoint");
    refused("CREATE ROLE shadow LOGIN");
    let (bypass, owned): (bool, i64) = w
        .store
        .conn()
        .query_row("SELECT rolbypassrls, (SELECT count(*) FROM pg_class WHERE relowner = r.oid) FROM pg_roles r WHERE rolname = current_user", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(!bypass && owned == 0, "bypassrls {bypass}, owns {owned}");
    // Reading the log and appending to it is what every step does.
    let v = audit::verify(&w.store, &w.admin, at("2026-11-25")).unwrap();
    assert!(v.ok && v.events > 0, "{}", v.message);

    // The owner's side: roles that could step around the grants are refused, with the code.
    let mut owner = store::pg::open(&common::fresh_pg_database(&server)).unwrap();
    let mut admin = store::raw::RawSession::server(&server).unwrap();
    admin
        .batch(
            "DO $$ BEGIN CREATE ROLE hairyo_test_bypass LOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             DO $$ BEGIN CREATE ROLE hairyo_test_super LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;",
        )
        .unwrap();
    let current: String = owner.conn().query_row("SELECT current_user::text", [], |r| r.get(0)).unwrap();
    for (role, says) in [
        ("hairyo_test_bypass", "BYPASSRLS"),
        ("hairyo_test_super", "スーパーユーザー"),
        ("hairyo_no_such_role", "ありません"),
        ("Bad-Name", "英小文字"),
        (current.as_str(), "所有者ロール"),
    ] {
        let e = owner.write(|tx| store::pg::grant_app_role(tx, role)).expect_err(role);
        assert_eq!(e.code(), "store.role", "{role}: {e}");
        assert!(e.to_string().contains(says), "{role}: {e}");
    }
    // And the app role cannot grant itself more.
    let e = w.store.write(|tx| store::pg::grant_app_role(tx, common::PG_APP_ROLE)).expect_err("self-grant");
    assert_eq!(e.code(), "store.role");
}

/// The server keeps the home screen's parts between requests (`store::kept`). Whatever any
/// connection changes, a desk's home through the server's shared connections is the same as
/// one computed from scratch on a new connection; and asking again with nothing changed, or
/// after only a touchpoint (the desks' most common write), computes nothing again.
#[test]
fn home_kept_on_the_server_follows_every_change_any_connection_makes() {
    let Some(server) = server() else { return };
    let url = common::fresh_pg_app_database(&server);
    let mut w = World::new_on(store::pg::open(&url).unwrap());
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let logins = ["kokuho_clerk", "kaigo_cw", "admin"];
    let actors: Vec<_> = logins.iter().map(|l| w.actor(l)).collect();
    // Two connections of one server's pool, sharing what they keep; another process writes.
    let pool_a = store::pg::open(&url).unwrap();
    let mut pool_b = store::pg::open(&url).unwrap();
    pool_b.share_kept_results(pool_a.kept_results());
    let mut other = store::pg::open(&url).unwrap();
    let now = at("2026-11-25");
    let same_as_fresh = |step: &str, pool: &[&Store]| {
        let fresh = store::pg::open(&url).unwrap();
        for (i, actor) in actors.iter().enumerate() {
            let expected = serde_json::to_value(home::summary(&fresh, actor, now).unwrap()).unwrap();
            let kept = serde_json::to_value(home::summary(pool[i % pool.len()], actor, now).unwrap()).unwrap();
            assert_eq!(kept, expected, "{step}: {}", logins[i]);
        }
    };
    same_as_fresh("first", &[&pool_a, &pool_b]);
    let computed = pool_a.kept_results().computations();
    same_as_fresh("nothing changed", &[&pool_b, &pool_a]);
    assert_eq!(pool_a.kept_results().computations(), computed, "asked again with nothing changed, nothing is computed again");

    let (cw, clerk) = (staff::actor(&other, "kaigo_cw").unwrap(), staff::actor(&other, "kokuho_clerk").unwrap());
    let tp = TouchpointInput { person_id: p.id, date: "2026-11-20".into(), kind: "counter".into(), ..Default::default() };
    touchpoint::add(&mut other, &cw, &tp, now).unwrap();
    same_as_fresh("a touchpoint", &[&pool_a, &pool_b]);
    assert_eq!(pool_a.kept_results().computations(), computed, "a touchpoint is counted by the database, not recomputed");

    // A referral sent in October, returned and sent again now: it moves to this month.
    let early = referral::send(
        &mut other,
        &cw,
        &ReferralInput { person_id: p.id, reason: "早めの連携".into(), sharing_basis: "consent".into(), ..Default::default() },
        at("2026-10-05"),
    )
    .unwrap();
    same_as_fresh("a referral sent in October", &[&pool_a, &pool_b]);
    referral::send_back(&mut other, &clerk, early.id, "書類を添えてください", at("2026-10-06")).unwrap();
    same_as_fresh("returned", &[&pool_b, &pool_a]);
    referral::resend(&mut other, &cw, early.id, "添えました", now).unwrap();
    same_as_fresh("sent again", &[&pool_a, &pool_b]);
    let r = referral::send(
        &mut other,
        &cw,
        &ReferralInput { person_id: p.id, reason: "申請の支援".into(), sharing_basis: "consent".into(), ..Default::default() },
        now,
    )
    .unwrap();
    same_as_fresh("a referral sent", &[&pool_a, &pool_b]);
    referral::comment(&mut other, &clerk, r.id, "確認します", now).unwrap();
    same_as_fresh("a comment", &[&pool_b, &pool_a]);
    person::update(&mut other, &w.admin, p.id, &hairyo::person::PersonPatch { name: Some("見本 花代".into()), ..Default::default() }, now).unwrap();
    same_as_fresh("the person renamed", &[&pool_a, &pool_b]);
    referral::accept(&mut other, &clerk, r.id, "", now).unwrap();
    same_as_fresh("the referral accepted", &[&pool_a, &pool_b]);
    let a = application::receive(&mut other, &clerk, &ApplicationInput { person_id: p.id, referral_id: Some(r.id), ..Default::default() }, now)
        .unwrap()
        .application;
    same_as_fresh("an application", &[&pool_b, &pool_a]);
    application::check_document(&mut other, &clerk, a.id, Document::ApplicantId, true, now).unwrap();
    same_as_fresh("a document checked", &[&pool_a, &pool_b]);
    hairyo::reminder::add_follow_up(&mut other, &clerk, p.id, "2026-11-24", "電話する", now).unwrap();
    same_as_fresh("a follow-up", &[&pool_a, &pool_b]);
    // The monthly referral counts the database keeps are those of the referrals themselves.
    let mut pg = store::raw::RawSession::server(&url).unwrap();
    let counted = |sql: &str, pg: &mut store::raw::RawSession| -> Vec<(String, String, i64)> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        pg.rows(sql).unwrap().iter().map(|r| (text(&r[0]), text(&r[1]), text(&r[2]).parse().unwrap())).collect()
    };
    let kept = counted("SELECT month, desk, count FROM referral_month WHERE count > 0 ORDER BY 1, 2", &mut pg);
    let counted_now = counted("SELECT substr(sent_on, 1, 7), from_desk, count(*) FROM referral GROUP BY 1, 2 ORDER BY 1, 2", &mut pg);
    assert_eq!(kept, counted_now);
    assert!(kept.iter().all(|(month, _, _)| month == "2026-11"), "the resent referral moved to November: {kept:?}");
    // The day moves on: what depends on today is computed for the new day.
    let tomorrow = at("2026-11-26");
    let fresh = store::pg::open(&url).unwrap();
    for actor in &actors {
        assert_eq!(
            serde_json::to_value(home::summary(&pool_a, actor, tomorrow).unwrap()).unwrap(),
            serde_json::to_value(home::summary(&fresh, actor, tomorrow).unwrap()).unwrap()
        );
    }
}

/// The connection to PostgreSQL is encrypted: the test command's cluster runs with TLS and a
/// throwaway CA (`PGSSLMODE=verify-full`, `PGSSLROOTCERT`), and every connection Hairyo opens
/// to it shows `ssl` in `pg_stat_ssl`; a server whose certificate another CA signed is refused
/// with `store.tls`; a server elsewhere is never reached in plain text.
#[test]
fn connections_to_postgresql_are_encrypted_and_checked() {
    // Refused before any connection is tried, so no server is needed for these.
    for url in ["postgres://app@192.0.2.10/hairyo?sslmode=disable", "postgres://app:pw@db.city.example/hairyo?sslmode=prefer"] {
        let Err(e) = store::pg::open(url) else { panic!("{url} was opened") };
        assert_eq!(e.code(), "store.insecure_connection", "{url}: {e}");
        assert!(!e.to_string().contains("pw"), "the password is not shown: {e}");
    }
    let Some(server) = server() else { return };
    let ca = std::env::var("PGSSLROOTCERT").expect("the test command's cluster has a CA: run it through scripts/test-all.sh, which sets PGSSLROOTCERT");
    assert_eq!(std::env::var("PGSSLMODE").as_deref(), Ok("verify-full"));
    let url = common::fresh_pg_app_database(&server);
    let mut w = World::new_on(store::pg::open(&url).unwrap());
    w.person(|_| {});
    let ssl: bool = w.store.conn().query_row("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [], |r| r.get(0)).unwrap();
    assert!(ssl, "the store's own connection is not encrypted");
    let named: String = w.store.conn().query_row("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()", [], |r| r.get(0)).unwrap();
    assert_eq!(named, "hairyo");

    // A certificate from another CA: refused, naming TLS.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-ca.crt");
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Another CA", "-keyout"])
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&other)
        .output()
        .unwrap();
    assert!(made.status.success());
    let wrong = format!("{url}?sslmode=verify-full&sslrootcert={}", other.display());
    let Err(e) = store::pg::open(&wrong) else { panic!("a server certificate from another CA was taken") };
    assert_eq!(e.code(), "store.tls", "{e}");
    let right = format!("{url}?sslmode=verify-full&sslrootcert={ca}");
    assert!(store::pg::open(&right).is_ok());
}

/// A read's audit event reaches PostgreSQL as quoted text in the same round trip as the commit;
/// whatever its detail holds (quotes, backslashes, both together, a `$$`, Japanese) is stored
/// byte for byte and the chain still verifies, keyed or not.
#[test]
fn a_read_event_with_quotes_and_backslashes_is_stored_as_read() {
    let Some(server) = server() else { return };
    let mut w = World::new_on(store::pg::open(&common::fresh_pg_app_database(&server)).unwrap());
    let clerk = staff::actor(&w.store, "kokuho_clerk").unwrap();
    let awkward = ["O'Brien", "C:\\temp\\", "\\'; DROP TABLE audit_event; --", "E'x' $$ y $$", "上野　昭\\n'"];
    for (n, text) in awkward.iter().enumerate() {
        let read: Result<usize, hairyo::store::StoreError> =
            audit::viewed_many(&mut w.store, &clerk, at("2026-11-25"), "person_list", |_| Ok(n), |_| serde_json::json!({ "query": text }));
        assert_eq!(read.unwrap(), n);
    }
    let stored: Vec<String> = {
        let conn = w.store.conn();
        let mut stmt = conn.prepare("SELECT detail FROM audit_event WHERE record_kind = 'person_list' ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let expected: Vec<String> = awkward.iter().map(|t| serde_json::json!({ "query": t }).to_string()).collect();
    assert_eq!(stored, expected);
    let v = audit::verify(&w.store, &w.admin, at("2026-11-25")).unwrap();
    assert!(v.ok, "{}", v.message);
}
