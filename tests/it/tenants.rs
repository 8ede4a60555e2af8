//! Many municipalities on one PostgreSQL database, kept apart by row security: the canary test
//! across towns (every operation of the catalogue as every desk of town A, with town B's ids
//! and town B full of canaries), row security checked directly as the app role on every table
//! the schema has, a test that the canary test fails without a table's policy, and the
//! operator's `tenant add` / `tenant list`. They run in the PostgreSQL pass of the test command;
//! a SQLite file is one municipality, and the SQLite pass checks that it says so.

use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::common::{self, at, World};
use crate::disclosure::{self, Ids};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};
use hairyo::store::{self, Store};
use hairyo::tenant::{self, NewMunicipality};

/// A fictional municipality code with its check digit (prefecture 99 does not exist).
const TOWN_A_CODE: &str = "990019";
const TOWN_A: &str = "見本町";
const PASSWORD: &str = "town-a-password-1";
/// Town B's own canaries beside the disclosure test's: a resident's name and the city's name.
const B_RESIDENT: &str = "鶺鴒 越境";
const B_CITY: &str = "金糸雀市";
/// Town A's own protected resident: town A's staff must still see their own.
const A_RESIDENT: &str = "見本町　住民";
const A_ADDRESS: &str = "見本町本町一丁目";

/// Tables of the deployment, not of a municipality (migration 0041).
const SHARED_TABLES: &[&str] = &["municipality", "hairyo_schema", "hairyo_app_role", "schema_upgrade", "sign_in_address"];

struct Towns {
    /// Town B (the database's first municipality): the disclosure test's canary world.
    b: World,
    ids: Ids,
    /// The same database as its owner (the operator).
    owner: Store,
    app_url: String,
    a_id: i64,
    a_admin: Actor,
    a_resident: i64,
}

/// Town B full of canaries, and town A added by the operator with its administrator and one
/// protected resident of its own.
fn two_towns(server: &str) -> Towns {
    let app_url = common::fresh_pg_app_database(server);
    let owner_url = common::owner_url_of(server, &app_url);
    let (mut b, ids) = disclosure::canary_world_on(store::pg::open(&app_url).unwrap());
    let b_admin = b.admin.clone();
    let mut city = disclosure::call(&mut b, &b_admin, "city", json!({})).unwrap();
    city["city_name"] = json!(B_CITY);
    disclosure::call(&mut b, &b_admin, "set_city", json!({ "settings": city })).expect("town B's name");
    b.person(|i| {
        i.name = B_RESIDENT.into();
        i.kana = "セキレイ エッキョウ".into();
    });
    let mut owner = store::pg::open(&owner_url).unwrap();
    let new = NewMunicipality { code: TOWN_A_CODE.into(), name: TOWN_A.into(), admin_login: "a_admin".into(), admin_name: "町 管理者".into() };
    let added = tenant::add(&mut owner, &new, PASSWORD, at("2025-06-01")).expect("town A");
    let mut store = store::pg::open(&app_url).unwrap();
    let a_admin = staff::sign_in(&mut store, "a_admin", PASSWORD, at("2025-06-01")).expect("town A's administrator signs in");
    assert_eq!(a_admin.municipality, added.id);
    let input = hairyo::person::PersonInput {
        name: A_RESIDENT.into(),
        kana: "ミホンチョウ ジュウミン".into(),
        birth_date: "1960-06-15".into(),
        sex: "female".into(),
        postal_code: "000-0002".into(),
        address: A_ADDRESS.into(),
        scheme: "kokuho".into(),
        protected: true,
        safe_postal_code: "000-0003".into(),
        safe_address: "見本町役場気付".into(),
        atena_no: "700000001".into(),
        ..Default::default()
    };
    // The same 宛名番号 as town B's protected resident: each town numbers its own residents.
    let a_resident = hairyo::person::add(&mut store, &a_admin, &input, at("2025-06-02")).expect("town A's resident").id;
    Towns { b, ids, owner, app_url, a_id: added.id, a_admin, a_resident }
}

/// Town A's administrator and a member of every desk in every role, on `store`.
fn town_a_staff(store: &mut Store, admin: &Actor) -> Vec<Actor> {
    let mut all = vec![admin.clone()];
    for desk in Desk::ALL {
        for role in [Role::Caseworker, Role::Clerk, Role::Supervisor] {
            let login = format!("a_{}_{}", desk.code(), role.code());
            staff::add(store, admin, &NewStaff { login: login.clone(), name: "町 職員".into(), desk: *desk, role }, at("2025-06-01")).unwrap();
            all.push(staff::actor(store, &login).unwrap());
        }
    }
    all
}

/// Every canary of town B, whoever reads.
fn town_b_canaries() -> Vec<&'static str> {
    vec![
        disclosure::ADDRESS,
        disclosure::POSTAL,
        disclosure::SAFE,
        disclosure::SAFE_POSTAL,
        disclosure::MOVED_TO,
        disclosure::HOUSEHOLD,
        disclosure::CHILD_NOTE,
        disclosure::DISEASE_CODE,
        disclosure::DISEASE,
        disclosure::LIMIT_CLASS,
        B_RESIDENT,
        B_CITY,
    ]
}

/// Town A's own stand-in for each canary: the samples write their canary strings into the
/// town that runs them (a person added with a protected address, an imported feed), and what
/// town A writes is town A's to see. Its samples write these instead, so that a canary found in
/// an answer to town A can only have come from town B.
fn town_a_version(canary: &str) -> String {
    format!("町{}", canary.chars().rev().collect::<String>())
}

/// `args` with every canary replaced by town A's stand-in, also inside base64 file contents.
fn for_town_a(args: &Value) -> Value {
    use base64::Engine;
    let swap = |text: &str| town_b_canaries().iter().fold(text.to_string(), |t, c| t.replace(c, &town_a_version(c)));
    match args {
        Value::String(s) => Value::String(swap(s)),
        Value::Array(items) => Value::Array(items.iter().map(for_town_a).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    let decoded = v.as_str().filter(|_| k == "content_base64").and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
                    let v = match decoded.and_then(|bytes| String::from_utf8(bytes).ok()) {
                        Some(text) => Value::String(base64::engine::general_purpose::STANDARD.encode(swap(&text))),
                        None => for_town_a(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What `actor` of town A is shown of town B by one call: the canaries found.
fn shown_of_b(store: &mut Store, actor: &Actor, name: &str, args: &Value, dir: &std::path::Path) -> (bool, Vec<&'static str>) {
    let (answered, answer) = match hairyo::operation::call(store, actor, name, args.clone(), at("2026-11-25")) {
        Ok(v) => (true, v),
        Err(e) => (false, json!({"code": e.code, "message": e.message, "fields": e.fields.iter().map(|f| &f.message).collect::<Vec<_>>()})),
    };
    let text = disclosure::readable(&answer, dir);
    let text = format!("{text}\n{}", text.replace(['"', '\\'], ""));
    (answered, town_b_canaries().into_iter().filter(|c| text.contains(c)).collect())
}

/// Town A's own protected resident is where its administrator looks: what separates the towns
/// must not hide a town from itself.
fn town_a_sees_its_own(store: &mut Store, t: &Towns, dir: &std::path::Path) -> Result<(), String> {
    let answer = hairyo::operation::call(store, &t.a_admin, "show_person", json!({"id": t.a_resident}), at("2026-11-25"))
        .map_err(|e| format!("{}: {}", e.code, e.message))?;
    let text = disclosure::readable(&answer, dir);
    if text.contains(A_ADDRESS) && text.contains(A_RESIDENT) {
        Ok(())
    } else {
        Err(format!("town A's record lacks its own resident: {text}"))
    }
}

/// The canary test across towns: every operation of the catalogue (enumerated from
/// `operation::NAMES`, with the disclosure test's samples naming town B's ids: by id, search,
/// list, queue, export, print, count), called by every desk and role of town A, shows none of
/// town B's canaries, however entitled the desk is in its own town. Town A still sees its own.
#[test]
fn no_operation_shows_one_town_anything_of_another() {
    let Some(server) = common::pg_server() else {
        eprintln!("HAIRYO_TEST_PG is not set; this test runs in the PostgreSQL pass of .ci/run");
        return;
    };
    let t = two_towns(&server);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::pg::open(&t.app_url).unwrap();
    let everyone = town_a_staff(&mut store, &t.a_admin);
    town_a_sees_its_own(&mut store, &t, dir.path()).unwrap();
    let city = json!({"city_name": TOWN_A, "addressee": "見本町長", "kouki_union": "見本県後期高齢者医療広域連合"});
    let (mut leaks, mut answered) = (Vec::new(), 0);
    for actor in &everyone {
        for name in hairyo::operation::NAMES {
            for args in disclosure::samples(name, &t.ids, &city) {
                let args = for_town_a(&args);
                let (ok, shown) = shown_of_b(&mut store, actor, name, &args, dir.path());
                answered += usize::from(ok);
                for canary in shown {
                    leaks.push(format!("{} ({} {}): {name} {args} shows town B's {canary}", actor.login, actor.desk.label(), actor.role.label()));
                }
            }
        }
    }
    assert!(answered > 300, "town A's desks mostly get answers (their own, empty), not refusals of the arguments: {answered}");
    assert!(leaks.is_empty(), "{} answers show town A town B's data:\n{}", leaks.len(), leaks.join("\n"));
    // Counts are town A's alone: one resident, none of town B's.
    let home = hairyo::operation::call(&mut store, &t.a_admin, "home", json!({}), at("2026-11-25")).unwrap();
    assert_eq!(home["counts"]["persons"], 1, "{home}");
    // What town A reads does not move when town B's data does. Every answer that is the same
    // twice in a row is a read (a write answers anew); once the writes are all done, each is
    // asked for a baseline and again, and kept where nothing of town A's own (its views'
    // audit events) moves it; then town B grows and each kept answer must be the same. A
    // count, a total or a sum that took in town B's rows would move.
    let readers: Vec<&Actor> =
        everyone.iter().filter(|a| ["a_admin", "a_kokuho_clerk", "a_kaigo_caseworker", "a_jido_supervisor"].contains(&a.login.as_str())).collect();
    let mut reads = Vec::new();
    for actor in &readers {
        for name in hairyo::operation::NAMES {
            for args in disclosure::samples(name, &t.ids, &city) {
                let args = for_town_a(&args);
                if answer_of(&mut store, actor, name, &args) == answer_of(&mut store, actor, name, &args) {
                    reads.push((*actor, *name, args));
                }
            }
        }
    }
    let baseline: Vec<Value> = reads.iter().map(|(actor, name, args)| answer_of(&mut store, actor, name, args)).collect();
    let steady: Vec<usize> = (0..reads.len()).filter(|i| answer_of(&mut store, reads[*i].0, reads[*i].1, &reads[*i].2) == baseline[*i]).collect();
    assert!(steady.len() > 150, "most of the catalogue reads: {}", steady.len());
    // The command line's counts too (`hairyo stats` is not in the catalogue).
    let stats = || {
        let out = Command::new(env!("CARGO_BIN_EXE_hairyo"))
            .args(["--db", &t.app_url, "--as", "a_admin", "--json", "stats"])
            .env("HAIRYO_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let stats_before = stats();
    grow_town_b(&t);
    assert_eq!(stats(), stats_before, "town A's counts moved when town B's data did");
    let mut moved = Vec::new();
    for i in steady {
        let (actor, name, args) = &reads[i];
        let after = answer_of(&mut store, actor, name, args);
        if after != baseline[i] {
            moved.push(format!("{} {name} {args}: {} → {after}", actor.login, baseline[i]));
        }
    }
    assert!(moved.is_empty(), "town A's answers moved when town B's data did:\n{}", moved.join("\n"));
    // An administrator of town A names a login of town B's: it is looked up in town A only.
    for login in ["kokuho_clerk", "admin"] {
        let refused =
            hairyo::operation::call(&mut store, &t.a_admin, "set_staff_password", json!({"login": login, "password": "Another-pass-9"}), at("2026-11-25"))
                .unwrap_err();
        assert_eq!(refused.code, "staff.unknown_login", "{login}: {refused:?}");
    }
    // Town B's own view is untouched by town A's (the same store, handed from one to the other).
    let b_admin = t.b.admin.clone();
    let b_record = hairyo::operation::call(&mut store, &b_admin, "show_person", json!({"id": t.ids.protected}), at("2026-11-25")).unwrap();
    assert!(b_record.to_string().contains(disclosure::ADDRESS));
    let denied = hairyo::operation::call(&mut store, &b_admin, "show_person", json!({"id": t.a_resident}), at("2026-11-25")).unwrap_err();
    assert_eq!(denied.code, "person.not_found", "{denied:?}");
}

/// An answer (or refusal) as JSON, to compare.
fn answer_of(store: &mut Store, actor: &Actor, name: &str, args: &Value) -> Value {
    match hairyo::operation::call(store, actor, name, args.clone(), at("2026-11-25")) {
        Ok(v) => v,
        Err(e) => json!({"code": e.code, "message": e.message}),
    }
}

/// Town B grows at every desk: residents, touchpoints, referrals, applications, certificates,
/// delivery registrations, follow-ups, a facility and a staff member.
fn grow_town_b(t: &Towns) {
    let mut b = store::pg::open(&t.app_url).unwrap();
    let (admin, kokuho, kaigo, jido) =
        (t.b.admin.clone(), staff::actor(&b, "kokuho_clerk").unwrap(), staff::actor(&b, "kaigo_cw").unwrap(), staff::actor(&b, "jido_cw").unwrap());
    let now = at("2026-11-25");
    for given in ["一郎", "二郎", "三郎", "四郎"] {
        let input = json!({"input": {"name": format!("増加 {given}"), "kana": "ゾウカ", "birth_date": "1960-03-03", "sex": "male", "postal_code": "111-0000",
            "address": "金糸雀町二丁目", "scheme": "kokuho", "reasons": ["dementia"]}});
        let person = hairyo::operation::call(&mut b, &admin, "add_person", input, now).expect("town B grows")["id"].clone();
        for (actor, kind) in [(&kaigo, "visit"), (&jido, "counter"), (&kokuho, "counter")] {
            hairyo::operation::call(
                &mut b,
                actor,
                "add_touchpoint",
                json!({"input": {"person_id": person, "date": "2026-11-24", "kind": kind, "notes": "増加"}}),
                now,
            )
            .expect("a touchpoint");
        }
        hairyo::operation::call(&mut b, &kaigo, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": person, "reason": "増加"}}), now)
            .expect("a referral");
        hairyo::operation::call(
            &mut b,
            &kokuho,
            "receive_application",
            json!({"input": {"person_id": person, "channel": "counter", "applicant": "self", "delivery": "counter", "reasons": ["dementia"]}}),
            now,
        )
        .expect("an application");
        hairyo::operation::call(&mut b, &kokuho, "issue_certificate", json!({"person_id": person, "scheme": "kokuho", "basis": "ex_officio"}), now)
            .expect("a certificate");
        let registration = json!({"input": {"person_id": person, "postal_code": "111-0000", "address": "金糸雀町三丁目", "addressee": "増加 家族",
            "reason": "relative", "requested_by": "本人"}});
        hairyo::operation::call(&mut b, &kokuho, "register_delivery", registration, now).expect("a registration");
        let id = person.as_i64().unwrap();
        hairyo::reminder::add_follow_up(&mut b, &kaigo, id, "2026-11-20", "増加", now).expect("a follow-up");
    }
    let input = hairyo::facility::FacilityInput {
        name: "増加ホーム".into(), kind: "elderly".into(), address: "金糸雀町四丁目".into(), ..Default::default()
    };
    hairyo::facility::add(&mut b, &admin, &input, now).expect("a facility");
    staff::add(&mut b, &admin, &NewStaff { login: "b_added".into(), name: "増加 職員".into(), desk: Desk::Kaigo, role: Role::Caseworker }, now)
        .expect("a staff member");
}

/// The canary test can fail: without row security on the person table town B's residents reach
/// town A, and with the table's policy dropped (row security on, no policy) town A no longer
/// sees its own. Each is found by the same checks the test above makes.
#[test]
fn the_canary_test_fails_when_a_tables_policy_is_dropped() {
    let Some(server) = common::pg_server() else { return };
    let t = two_towns(&server);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::pg::open(&t.app_url).unwrap();
    let probe = |store: &mut Store| shown_of_b(store, &t.a_admin, "show_person", &json!({"id": t.ids.protected}), dir.path()).1;
    assert!(probe(&mut store).is_empty());
    let owner = t.owner.conn();
    owner.execute_batch("ALTER TABLE person DISABLE ROW LEVEL SECURITY").unwrap();
    let leaked = probe(&mut store);
    assert!(leaked.contains(&disclosure::ADDRESS), "without row security town A read town B's resident: {leaked:?}");
    owner.execute_batch("ALTER TABLE person ENABLE ROW LEVEL SECURITY; DROP POLICY municipality ON person").unwrap();
    assert!(town_a_sees_its_own(&mut store, &t, dir.path()).is_err(), "a table without its policy hides town A's own resident");
    owner
        .execute_batch(
            "CREATE POLICY municipality ON person USING (municipality_id = nullif(current_setting('hairyo.municipality', true), '')::bigint)
             WITH CHECK (municipality_id = nullif(current_setting('hairyo.municipality', true), '')::bigint)",
        )
        .unwrap();
    town_a_sees_its_own(&mut store, &t, dir.path()).unwrap();
    assert!(probe(&mut store).is_empty());
}

/// Row security, checked directly as the app role: every table of the schema but the
/// deployment's own carries the municipality, has row security on and its policy (enumerated
/// from the catalogue, so a table added later without them fails here); a connection acting for
/// no municipality reads nothing from any of them; acting for town A it reads exactly town A's
/// rows and cannot write a row of town B's; handed back (as a server's pool does), it reads
/// nothing again.
#[test]
fn row_security_holds_for_the_app_role_on_every_table() {
    let Some(server) = common::pg_server() else { return };
    let t = two_towns(&server);
    let owner = t.owner.conn();
    let mut tables: Vec<(String, bool, i64)> = Vec::new();
    {
        let mut stmt = owner
            .prepare(
                "SELECT c.relname::text, c.relrowsecurity,
                        (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'municipality')
                   FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY 1",
            )
            .unwrap();
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap() {
            tables.push(row.unwrap());
        }
    }
    let tenant_tables: Vec<&String> = tables.iter().map(|(n, _, _)| n).filter(|n| !SHARED_TABLES.contains(&n.as_str())).collect();
    assert!(tenant_tables.len() > 30, "{tenant_tables:?}");
    let unguarded: Vec<_> = tables.iter().filter(|(n, rls, policies)| !(SHARED_TABLES.contains(&n.as_str()) || *rls && *policies == 1)).collect();
    assert!(unguarded.is_empty(), "tables of a municipality's data without row security and its policy: {unguarded:?}");

    let app = store::pg::open(&t.app_url).unwrap();
    let count = |s: &Store, table: &str| -> i64 { s.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap() };
    let owned =
        |table: &str, m: i64| -> i64 { owner.query_row(&format!("SELECT count(*) FROM {table} WHERE municipality_id = ?1"), [m], |r| r.get(0)).unwrap() };
    let mut b_rows = 0;
    for table in &tenant_tables {
        assert_eq!(count(&app, table), 0, "{table}: read without a municipality");
    }
    app.enter(t.a_id).unwrap();
    for table in &tenant_tables {
        assert_eq!(count(&app, table), owned(table, t.a_id), "{table}: town A reads its rows and no other's");
        b_rows += owned(table, store::FIRST_MUNICIPALITY);
    }
    assert!(b_rows > 100, "town B has rows to hide: {b_rows}");
    // Writing a row of town B's while acting for town A is refused by the policy's check, and
    // a row written without saying whose is town A's.
    let refused =
        app.conn().execute("INSERT INTO setting (municipality_id, key, value) VALUES (?1, 'intruder', 'x')", [store::FIRST_MUNICIPALITY]).unwrap_err();
    assert!(refused.to_string().contains("42501") || refused.to_string().contains("row-level security"), "{refused}");
    let moved = app.conn().execute("UPDATE setting SET value = 'x' WHERE municipality_id = ?1", [store::FIRST_MUNICIPALITY]).unwrap();
    assert_eq!(moved, 0, "town A changed town B's settings");
    // The pool's hand-back: nothing carries over.
    app.leave().unwrap();
    for table in &tenant_tables {
        assert_eq!(count(&app, table), 0, "{table}: read after the connection was handed back");
    }
    let unset: String = app.conn().query_row("SELECT coalesce(current_setting('hairyo.municipality', true), '')", [], |r| r.get(0)).unwrap();
    assert_eq!(unset, "");
    // Each town's audit chain is whole on its own.
    app.enter(t.a_id).unwrap();
    let a_admin = t.a_admin.clone();
    let verified = hairyo::audit::verify(&app, &a_admin, at("2026-11-25")).unwrap();
    assert!(verified.ok && verified.events >= 2, "{verified:?}");
    let b_admin = t.b.admin.clone();
    let verified = hairyo::audit::verify(&app, &b_admin, at("2026-11-25")).unwrap();
    assert!(verified.ok && verified.events > 20, "{verified:?}");
}

fn hairyo(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HAIRYO_NEW_PASSWORD", PASSWORD)
        .env_remove("HAIRYO_AS")
        .env_remove("HAIRYO_DB")
        .output()
        .unwrap()
}

fn refusal(out: &Output) -> String {
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The operator's commands: `tenant add` over the owner's URL makes a municipality whose
/// administrator signs in and works at once; `tenant list` shows each with its staff count;
/// a bad code, a taken code or login, the app role and a SQLite file are each refused with
/// their code, and nothing of a refused municipality stays.
#[test]
fn the_operator_adds_and_lists_municipalities() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.db");
    let file = file.to_str().unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_hairyo")).args(["--db", file, "init"]).env("HAIRYO_PASSWORD", PASSWORD).output().unwrap();
    assert!(init.status.success());
    assert!(refusal(&hairyo(file, &["tenant", "list"])).contains("[tenant.single_file]"));
    let Some(server) = common::pg_server() else { return };
    let app_url = common::fresh_pg_app_database(&server);
    let owner_url = common::owner_url_of(&server, &app_url);
    let init = Command::new(env!("CARGO_BIN_EXE_hairyo")).args(["--db", &owner_url, "init"]).env("HAIRYO_PASSWORD", PASSWORD).output().unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let add = |code: &str, login: &str| hairyo(&owner_url, &["tenant", "add", "--code", code, "--name", TOWN_A, "--admin-login", login]);
    let added = add(TOWN_A_CODE, "a_admin");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(String::from_utf8_lossy(&added.stdout).contains(TOWN_A));
    assert!(refusal(&add("990018", "a_admin2")).contains("[tenant.invalid]"));
    assert!(refusal(&add(TOWN_A_CODE, "a_admin2")).contains("[tenant.code_taken]"));
    // A login names one staff member across the deployment.
    assert!(refusal(&add("990027", "admin")).contains("[staff.login_taken]"));
    assert!(refusal(&hairyo(&app_url, &["tenant", "add", "--code", "990027", "--name", "別町", "--admin-login", "b2"])).contains("[tenant.not_operator]"));
    let list = hairyo(&owner_url, &["--json", "tenant", "list"]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "the refused municipality left nothing: {list:?}");
    assert_eq!((list[1]["code"].as_str(), list[1]["name"].as_str(), list[1]["staff"].as_i64()), (Some(TOWN_A_CODE), Some(TOWN_A), Some(1)));
    // Town A's administrator works at once, in town A: its settings carry its name.
    let as_a = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--db", &app_url, "--as", "a_admin", "--json", "settings", "show"])
        .env("HAIRYO_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(as_a.status.success(), "{}", String::from_utf8_lossy(&as_a.stderr));
    assert!(String::from_utf8_lossy(&as_a.stdout).contains(TOWN_A));
}

/// A city's own database moves in whole, and a municipality exports alone: the operator moves
/// city C (its own database, made with the demo) into the database of towns A and B, and then
/// exports town A into a new database. Every row arrives with its id and each audit chain
/// verifies where it lands; city C's staff sign in there as before and see only city C; the
/// export holds town A and nothing of town B's canaries. A move whose logins are taken, an
/// unknown code and a target that is not empty are refused with their codes, leaving nothing.
#[test]
fn a_city_moves_in_whole_and_a_municipality_exports_alone() {
    let Some(server) = common::pg_server() else { return };
    let t = two_towns(&server);
    let target_owner = common::owner_url_of(&server, &t.app_url);
    // City C: a database of its own, set up and used as one city's.
    let c_app = common::fresh_pg_app_database(&server);
    let c_owner = common::owner_url_of(&server, &c_app);
    for args in [&["init"][..], &["demo", "--persons", "80", "--seed", "5"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_hairyo")).arg("--db").arg(&c_app).args(args).env("HAIRYO_PASSWORD", PASSWORD).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let move_in = || hairyo(&target_owner, &["tenant", "move-in", "--from", &c_owner, "--code", "990027", "--name", "見本村"]);
    let refused = refusal(&move_in());
    assert!(refused.contains("[tenant.logins_taken]") && refused.contains("admin"), "{refused}");
    assert_eq!(tenant::list(&t.owner, at("2026-11-25")).unwrap().len(), 2, "the refused move left nothing");
    // The city renames its administrator's login (its own database, its owner) and moves.
    let c_source = store::pg::open(&c_owner).unwrap();
    c_source.conn().execute("UPDATE staff SET login = 'c_admin' WHERE login = 'admin'", []).unwrap();
    let before = store::tenants::row_counts(&c_source, store::FIRST_MUNICIPALITY).unwrap();
    let moved = move_in();
    assert!(moved.status.success(), "{}", String::from_utf8_lossy(&moved.stderr));
    let c_id = tenant::list(&t.owner, at("2026-11-25")).unwrap().iter().find(|m| m.code == "990027").expect("city C listed").id;
    let after = store::tenants::row_counts(&t.owner, c_id).unwrap();
    let audit_before = before.iter().find(|(t, _)| t == "audit_event").unwrap().1;
    for ((table, n), (_, m)) in before.iter().zip(&after) {
        let expected = if table == "audit_event" { n + 1 } else { *n };
        assert_eq!(*m, expected, "{table}: every row arrived (and the move's own event)");
    }
    assert!(before.iter().find(|(t, _)| t == "person").unwrap().1 >= 80);
    // City C's staff sign in where it now is and see city C alone; its chain verifies there.
    let mut app = store::pg::open(&t.app_url).unwrap();
    let c_admin = staff::sign_in(&mut app, "c_admin", PASSWORD, at("2026-11-25")).expect("city C's administrator signs in");
    assert_eq!(c_admin.municipality, c_id);
    let verified = hairyo::audit::verify(&app, &c_admin, at("2026-11-25")).unwrap();
    // Its events, the move's, and the sign-in just now.
    assert!(verified.ok && verified.events as i64 == audit_before + 2, "{verified:?}");
    let home = hairyo::operation::call(&mut app, &c_admin, "home", json!({}), at("2026-11-25")).unwrap();
    assert_eq!(home["counts"]["persons"].as_i64(), before.iter().find(|(t, _)| t == "person").map(|(_, n)| *n), "{home}");
    let kokuho = staff::sign_in(&mut app, "kokuho1", hairyo::demo::DEMO_PASSWORD, at("2026-11-25")).expect("city C's clerk signs in as before");
    let seen = hairyo::operation::call(&mut app, &kokuho, "show_person", json!({"id": t.ids.protected}), at("2026-11-25"));
    assert!(seen.is_err() || !seen.unwrap().to_string().contains(disclosure::ADDRESS), "city C's clerk read town B's protected resident");
    let a_home = hairyo::operation::call(&mut app, &t.a_admin, "home", json!({}), at("2026-11-25")).unwrap();
    assert_eq!(a_home["counts"]["persons"], 1, "town A is as it was");

    // Town A exported into a new database: its rows, its chain, nothing of town B.
    let out_url = common::fresh_pg_database(&server);
    assert!(refusal(&hairyo(&target_owner, &["tenant", "export", "--code", "990035", "--to", &out_url])).contains("[tenant.unknown_code]"));
    let a_before = store::tenants::row_counts(&t.owner, t.a_id).unwrap();
    let exported = hairyo(&target_owner, &["tenant", "export", "--code", TOWN_A_CODE, "--to", &out_url]);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let out = store::pg::open(&out_url).unwrap();
    let a_after = store::tenants::row_counts(&out, store::FIRST_MUNICIPALITY).unwrap();
    for ((table, n), (_, m)) in a_before.iter().zip(&a_after) {
        assert_eq!(m, n, "{table}: every row of town A, nothing else");
    }
    let logged = store::tenants::row_counts(&t.owner, t.a_id).unwrap();
    assert_eq!(
        logged.iter().find(|(t, _)| t == "audit_event").unwrap().1,
        a_before.iter().find(|(t, _)| t == "audit_event").unwrap().1 + 1,
        "the export is in town A's chain where it was taken from"
    );
    let listed = tenant::list(&out, at("2026-11-25")).unwrap();
    assert_eq!((listed.len(), listed[0].code.as_str(), listed[0].name.as_str()), (1, TOWN_A_CODE, TOWN_A));
    let every_text: String = {
        let mut all = String::new();
        for (table, _) in &a_after {
            let rows: Vec<String> =
                out.conn().prepare(&format!("SELECT t::text FROM {table} t")).unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            all.push_str(&rows.join("\n"));
        }
        all
    };
    assert!(every_text.contains(A_ADDRESS), "town A's own resident is in its export");
    let found: Vec<_> = town_b_canaries().into_iter().filter(|c| every_text.contains(c)).collect();
    assert!(found.is_empty(), "town A's export holds town B's {found:?}");
    let a_admin = staff::actor(&out, "a_admin").unwrap();
    let verified = hairyo::audit::verify(&out, &a_admin, at("2026-11-25")).unwrap();
    assert!(verified.ok, "{verified:?}");
    // Into a database that is not empty, nothing is exported.
    assert!(refusal(&hairyo(&target_owner, &["tenant", "export", "--code", TOWN_A_CODE, "--to", &out_url])).contains("[tenant.target_not_empty]"));
}
