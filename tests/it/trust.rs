//! Sign-in and lockout, the audit hash chain (a tampered copy is caught), and refusals of a
//! 個人番号 wherever it is typed.

use crate::common;

use std::process::Command;

use common::{at, World};
use hairyo::audit;
use hairyo::staff::{self, Desk, NewStaff, Role};

/// A login typed with the Japanese input method on (full-width ｋａｉｇｏ１) signs in as kaigo1,
/// and an empty login or password is named as such, beside its field, without counting as a
/// failed attempt.
#[test]
fn sign_in_takes_a_login_typed_with_the_ime_on_and_names_an_empty_field() {
    let mut w = World::new();
    let admin = w.admin.clone();
    staff::add(
        &mut w.store,
        &admin,
        &NewStaff { login: "kaigo1".into(), name: "介護 一郎".into(), desk: Desk::Kaigo, role: Role::Caseworker },
        at("2026-11-25"),
    )
    .unwrap();
    staff::set_initial_password(&mut w.store, "ｋａｉｇｏ１", "kaigo-2026", at("2026-11-25")).unwrap();
    assert_eq!(staff::sign_in(&mut w.store, "　ｋａｉｇｏ１　", "kaigo-2026", at("2026-11-25")).unwrap().login, "kaigo1");
    for (login, password, field, message) in [("", "x", "login", "ログイン名を入力してください"), ("kaigo1", "", "password", "パスワードを入力してください")]
    {
        let e = staff::sign_in(&mut w.store, login, password, at("2026-11-25")).unwrap_err();
        assert_eq!(e.code(), "staff.invalid");
        let hairyo::staff::StaffError::Invalid(invalid) = e else { panic!("a field error") };
        assert_eq!((invalid.0[0].field, invalid.0[0].message.as_str()), (field, message));
    }
    let failed: i64 = w.store.conn().query_row("SELECT failed_attempts FROM staff WHERE login = 'kaigo1'", [], |r| r.get(0)).unwrap();
    assert_eq!(failed, 0, "an empty field is not a failed attempt");
}

#[test]
fn sign_in_locks_after_five_failures_and_unlocks_after_fifteen_minutes() {
    let mut w = World::new();
    let admin = w.admin.clone();
    staff::add(&mut w.store, &admin, &NewStaff { login: "clerk9".into(), name: "窓口 九郎".into(), desk: Desk::Kokuho, role: Role::Clerk }, at("2026-11-25"))
        .unwrap();
    // No password yet: the first sign-in asks for one.
    assert_eq!(staff::sign_in(&mut w.store, "clerk9", "whatever1", at("2026-11-25")).unwrap_err().code(), "staff.password_not_set");
    assert_eq!(staff::set_initial_password(&mut w.store, "clerk9", "1234", at("2026-11-25")).unwrap_err().code(), "staff.invalid");
    staff::set_initial_password(&mut w.store, "clerk9", "kokuho-2026", at("2026-11-25")).unwrap();
    assert_eq!(staff::set_initial_password(&mut w.store, "clerk9", "other-pass-1", at("2026-11-25")).unwrap_err().code(), "staff.password_already_set");
    let t = |m: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(10, m, 0).unwrap();
    assert_eq!(staff::sign_in(&mut w.store, "clerk9", "kokuho-2026", t(0)).unwrap().login, "clerk9");
    for i in 0..5 {
        let e = staff::sign_in(&mut w.store, "clerk9", "wrong-pass", t(1 + i)).unwrap_err();
        assert_eq!(e.code(), "staff.bad_credentials");
    }
    // Locked now, even with the right password.
    let e = staff::sign_in(&mut w.store, "clerk9", "kokuho-2026", t(6)).unwrap_err();
    assert_eq!(e.code(), "staff.locked");
    assert!(e.to_string().contains("10:20"), "{e}");
    assert!(staff::sign_in(&mut w.store, "clerk9", "kokuho-2026", t(21)).is_ok());
    // Every attempt was audited.
    let n: i64 = w.store.conn().query_row("SELECT count(*) FROM audit_event WHERE action = 'sign_in'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 7);
    // Unknown logins say the same as wrong passwords.
    assert_eq!(staff::sign_in(&mut w.store, "nobody", "x", t(30)).unwrap_err().to_string(), "ログイン名またはパスワードが違います");
}

/// An unknown login takes the same work as a wrong password for a known one (the hash is
/// computed either way), so how long the answer takes does not tell which logins exist.
#[test]
fn an_unknown_login_takes_the_same_work_as_a_known_one() {
    let mut w = World::new();
    let admin = w.admin.clone();
    staff::add(&mut w.store, &admin, &NewStaff { login: "clerk8".into(), name: "窓口 八郎".into(), desk: Desk::Kokuho, role: Role::Clerk }, at("2026-11-25"))
        .unwrap();
    staff::set_initial_password(&mut w.store, "clerk8", "kokuho-2026", at("2026-11-25")).unwrap();
    let once = |w: &mut World, login: &str, i: i64| {
        let start = std::time::Instant::now();
        let e = staff::sign_in(&mut w.store, login, "wrong-pass", at("2026-11-25") + chrono::Duration::minutes(20 * i)).unwrap_err();
        assert_eq!(e.code(), "staff.bad_credentials", "{login}");
        start.elapsed()
    };
    // The two kinds of attempt take turns, so that whatever else the machine is doing (the
    // test command runs clippy beside the tests) slows both alike; the fastest of each counts.
    let (mut known, mut unknown) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for i in 0..7 {
        known = known.min(once(&mut w, "clerk8", i));
        unknown = unknown.min(once(&mut w, "nobody-here", i));
    }
    assert!(unknown * 2 > known, "an unknown login answered in {unknown:?}, a known one in {known:?}");
}

/// Many failures from one client address, over any logins, make that address wait before
/// each further attempt, doubling, even with a right password; another address is not held
/// back, and the count starts again after the window.
#[test]
fn one_address_trying_many_accounts_is_made_to_wait() {
    let mut w = World::new();
    staff::set_initial_password(&mut w.store, "kokuho_sv", "kokuho-2026", at("2026-11-25")).unwrap();
    let t = |s: i64| at("2026-11-25") + chrono::Duration::hours(10) + chrono::Duration::seconds(s);
    let guesser = Some("192.0.2.7");
    for i in 0..staff::ADDRESS_FREE_FAILURES {
        let e = staff::sign_in_from(&mut w.store, &format!("guess{i}"), "wrong-pass", guesser, t(0)).unwrap_err();
        assert_eq!(e.code(), "staff.bad_credentials", "attempt {i}");
    }
    // One more failure: from now on the address waits, one second, then two.
    assert_eq!(staff::sign_in_from(&mut w.store, "kokuho_sv", "wrong-pass", guesser, t(0)).unwrap_err().code(), "staff.bad_credentials");
    let e = staff::sign_in_from(&mut w.store, "kokuho_sv", "kokuho-2026", guesser, t(0)).unwrap_err();
    assert_eq!(e.code(), "staff.slow_down", "{e}");
    assert!(e.to_string().contains("1 秒"), "{e}");
    assert_eq!(staff::sign_in_from(&mut w.store, "kokuho_sv", "wrong-pass", guesser, t(1)).unwrap_err().code(), "staff.bad_credentials");
    let e = staff::sign_in_from(&mut w.store, "kokuho_sv", "wrong-pass", guesser, t(1)).unwrap_err();
    assert!(e.code() == "staff.slow_down" && e.to_string().contains("2 秒"), "the wait doubled to two seconds: {e}");
    // Another address is not held back by this one.
    let other = Some("192.0.2.8");
    let e = staff::sign_in_from(&mut w.store, "nobody", "wrong-pass", other, t(2)).unwrap_err();
    assert_eq!(e.code(), "staff.bad_credentials");
    // After the window the address starts again.
    let later = t(60 * staff::ADDRESS_WINDOW_MINUTES + 10);
    assert_eq!(staff::sign_in_from(&mut w.store, "nobody", "wrong-pass", guesser, later).unwrap_err().code(), "staff.bad_credentials");
    assert_eq!(staff::sign_in_from(&mut w.store, "nobody", "wrong-pass", guesser, later).unwrap_err().code(), "staff.bad_credentials");
    assert_eq!(staff::sign_in_from(&mut w.store, "kokuho_sv", "kokuho-2026", guesser, later).unwrap().login, "kokuho_sv");
}

/// Only the staff member or an administrator changes a password; one's own takes the current
/// password too (a session left open at a counter must not be enough to take the account);
/// an administrator's reset of another's does not.
#[test]
fn only_self_or_admin_change_a_password() {
    let mut w = World::new();
    let (clerk, admin) = (w.actor("kokuho_clerk"), w.admin.clone());
    let now = at("2026-11-25");
    staff::set_initial_password(&mut w.store, "kokuho_clerk", "first-pass-1", now).unwrap();
    let e = staff::set_password(&mut w.store, &clerk, "kokuho_sv", "new-password-1", None, now).unwrap_err();
    assert_eq!(e.code(), "staff.not_your_password");
    for (current, says) in [(None, "今のパスワードを入力してください"), (Some("wrong-pass-9"), "今のパスワードが違います")] {
        let e = staff::set_password(&mut w.store, &clerk, "kokuho_clerk", "new-password-1", current, now).unwrap_err();
        let hairyo::staff::StaffError::Invalid(invalid) = e else { panic!("a field error") };
        assert_eq!((invalid.0[0].field, invalid.0[0].message.as_str()), ("current", says));
    }
    assert!(staff::sign_in(&mut w.store, "kokuho_clerk", "first-pass-1", now).is_ok(), "nothing changed");
    staff::set_password(&mut w.store, &clerk, "kokuho_clerk", "new-password-1", Some("first-pass-1"), now).unwrap();
    assert!(staff::sign_in(&mut w.store, "kokuho_clerk", "new-password-1", now).is_ok());
    staff::set_password(&mut w.store, &admin, "kokuho_clerk", "reset-password-2", None, now).unwrap();
    assert!(staff::sign_in(&mut w.store, "kokuho_clerk", "reset-password-2", now).is_ok());
}

#[test]
fn audit_chain_verifies_and_the_log_is_append_only() {
    let mut w = World::bare();
    let admin = w.admin.clone();
    hairyo::demo::generate(&mut w.store, &admin, 50, 1, at("2026-11-25")).unwrap();
    let v = audit::verify(&w.store, &w.admin, at("2026-11-25")).unwrap();
    assert!(v.ok, "{}", v.message);
    assert!(v.events >= 2, "init and the demo are logged: {}", v.events);
    assert!(w.store.conn().execute("UPDATE audit_event SET login = 'x' WHERE id = 2", []).is_err());
    assert!(w.store.conn().execute("DELETE FROM audit_event WHERE id = 2", []).is_err());
}

fn cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HAIRYO_PASSWORD", hairyo::demo::DEMO_PASSWORD)
        .env("HAIRYO_NOW", "2026-11-25T10:00:00")
        .output()
        .unwrap()
}

#[test]
fn audit_verify_catches_an_edited_and_a_deleted_entry_in_a_tampered_copy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    assert!(cli(&db, &["init"]).status.success());
    assert!(cli(&db, &["demo", "--persons", "30"]).status.success());
    assert!(cli(&db, &["person", "show", "3"]).status.success());
    let ok = cli(&db, &["audit", "verify"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));

    for (name, tamper, expect) in [
        ("edited", "UPDATE audit_event SET detail = '{}' WHERE id = 3", "書き換えられています"),
        ("deleted", "DELETE FROM audit_event WHERE id = 3", "削除されています"),
    ] {
        let copy = dir.path().join(format!("{name}.db"));
        {
            // The copy is tampered with outside Hairyo: the triggers are dropped first, as an
            // attacker with the file would.
            hairyo::store::raw::RawSession::file(&db).unwrap().batch(&format!("VACUUM INTO '{}'", copy.display())).unwrap();
            let mut c = hairyo::store::raw::RawSession::file(&copy).unwrap();
            c.batch(&format!("DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete; {tamper};")).unwrap();
        }
        let out = cli(&copy, &["audit", "verify"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
        assert!(err.contains(expect), "{name}: {err}");
    }
    // A caseworker may not read the log.
    let cw = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--db", db.to_str().unwrap(), "--as", "kaigo1", "audit"])
        .env("HAIRYO_PASSWORD", hairyo::demo::DEMO_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(cw.status.code(), Some(1));
}

/// Every desk × role that may edit a person but may not see a 支援措置 address corrects only the
/// phone number of a protected person: the stored address and safe address stay byte for byte,
/// and a patch that names the address or lifts the protection is refused.
#[test]
fn a_masked_address_is_never_written_back() {
    use hairyo::access::{self, Permission};
    use hairyo::person::PersonPatch;
    let mut w = World::new();
    let admin = w.admin.clone();
    let protected = w.person(|i| {
        i.protected = true;
        i.safe_postal_code = "000-0002".into();
        i.safe_address = "見本市緑町2丁目2番2号 見本ビル内".into();
    });
    let stored = |w: &World| -> (String, String, String, String, bool) {
        w.store
            .conn()
            .query_row("SELECT postal_code, address, safe_postal_code, safe_address, protected FROM person WHERE id = ?1", [protected.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
    };
    let original = stored(&w);
    let mut tried = 0;
    for desk in Desk::ALL {
        for role in Role::ALL {
            if !access::allows(*desk, *role, Permission::EditPerson) || access::allows(*desk, *role, Permission::ViewProtectedAddress) {
                continue;
            }
            let login = format!("mask_{}_{}", desk.code(), role.code());
            staff::add(&mut w.store, &admin, &NewStaff { login: login.clone(), name: "試験 職員".into(), desk: *desk, role: *role }, at("2026-11-25")).unwrap();
            let actor = w.actor(&login);
            // What this desk is shown is masked.
            let shown = hairyo::record::show(&mut w.store, &actor, protected.id, at("2026-11-25")).unwrap();
            assert!(shown.address_masked);
            let phone = format!("048-111-{:04}", 2000 + tried);
            let patch = PersonPatch { phone: Some(phone.clone()), ..Default::default() };
            let saved = hairyo::person::update(&mut w.store, &actor, protected.id, &patch, at("2026-11-25")).unwrap();
            assert_eq!(saved.phone, phone);
            assert_eq!(stored(&w), original, "{login} changed the protected address");
            for patch in [
                PersonPatch { address: Some(shown.person.address.clone()), ..Default::default() },
                PersonPatch { safe_address: Some("見本市東町3番".into()), ..Default::default() },
                PersonPatch { postal_code: Some(String::new()), ..Default::default() },
                PersonPatch { protected: Some(false), ..Default::default() },
            ] {
                let e = hairyo::person::update(&mut w.store, &actor, protected.id, &patch, at("2026-11-25")).unwrap_err();
                assert_eq!(e.code(), "person.address_hidden", "{login}: {patch:?}");
            }
            assert_eq!(stored(&w), original);
            tried += 1;
        }
    }
    assert!(tried >= 4, "every welfare desk is tried ({tried})");
    // The insurer desk sees the address and may correct it; the placeholder is refused as an
    // address from anyone.
    let clerk = w.actor("kokuho_clerk");
    let e = hairyo::person::update(
        &mut w.store,
        &clerk,
        protected.id,
        &PersonPatch { address: Some(hairyo::person::MASKED_ADDRESS.into()), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "person.invalid");
    hairyo::person::update(
        &mut w.store,
        &clerk,
        protected.id,
        &PersonPatch { safe_address: Some("見本市東町3番".into()), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    assert_eq!(stored(&w).3, "見本市東町3番");
    assert_eq!(stored(&w).1, original.1);
}

/// A keyed chain (`hairyo audit key`): the links from the keyed event on are HMACs with a key
/// kept outside the database, so whoever may only append to the log (the app role on
/// PostgreSQL) cannot add an event that checks out; the events before keep their plain links
/// and still check out; without the key nothing is appended; a wrong key is refused. Keying
/// is the owner's, once.
#[test]
fn a_keyed_chain_cannot_be_forged_by_whoever_may_only_append() {
    use hairyo::store::{self, audit::AuditKey, audit::AuditRow};
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("audit.key");
    let now = at("2026-11-25");
    // The store the desks use, and the one that may key the chain (the owner on PostgreSQL).
    let (app_url, mut w) = match common::pg_server() {
        Some(server) => {
            let owner_url = common::fresh_pg_database(&server);
            common::create_app_role(&server);
            let mut owner = store::pg::open(&owner_url).unwrap();
            owner.write(|tx| store::pg::grant_app_role(tx, common::PG_APP_ROLE)).unwrap();
            let app_url = common::app_url(&owner_url);
            let mut w = World::new_on(store::pg::open(&app_url).unwrap());
            w.person(|_| {});
            let admin = w.admin.clone();
            let e = audit::key_chain(&mut w.store, &admin, &key_file, now).unwrap_err();
            assert!(e.to_string().contains("42501") || e.code() == "store.db", "the app role keyed the chain: {e}");
            let refused = w.store.conn().execute_batch("INSERT INTO audit_keying VALUES (1, 'x', 'y')").expect_err("the app role wrote a keying");
            assert!(refused.to_string().contains("42501"), "{refused}");
            // The refused attempt left its key file (made first, so a keyed database never
            // lacks its key); the owner keys with it.
            let keyed = audit::key_chain(&mut owner, &admin, &key_file, now).unwrap();
            assert!(!keyed.created);
            // The desks' servers start again with the key.
            let mut store = store::pg::open(&app_url).unwrap();
            store.use_audit_key(store::audit::read_key_file(&key_file).unwrap()).unwrap();
            w.store = store;
            (Some(app_url), w)
        }
        None => {
            let mut w = World::new();
            w.person(|_| {});
            let admin = w.admin.clone();
            assert!(audit::key_chain(&mut w.store, &admin, &key_file, now).unwrap().created);
            (None, w)
        }
    };
    let admin = w.admin.clone();
    assert_eq!(audit::key_chain(&mut w.store, &admin, &key_file, now).unwrap_err().code(), "store.conflict", "keyed once");
    w.person(|i| i.name = "鍵後 花子".into());
    let v = audit::verify(&w.store, &admin, now).unwrap();
    assert!(v.ok && v.message.contains("鍵で保護"), "{}", v.message);
    // The key file is the owner's alone.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);

    // A wrong key is refused; without the key nothing is appended.
    let mut other = match &app_url {
        Some(url) => store::pg::open(url).unwrap(),
        None => store::open_in_memory().unwrap(),
    };
    if app_url.is_some() {
        assert_eq!(other.use_audit_key(AuditKey::generate()).unwrap_err().code(), "store.audit_key_wrong");
        let e = hairyo::person::add(&mut other, &admin, &common_person(), now).unwrap_err();
        assert_eq!(e.code(), "store.audit_key_missing", "{e}");
    }

    // Whoever may only append writes an event with a plain link: the check names it.
    let (last_id, last_hash): (i64, String) =
        w.store.conn().query_row("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let mut forged = AuditRow {
        id: last_id + 1,
        at: "2026-11-25T12:00:00".into(),
        staff_id: Some(admin.staff_id),
        login: "admin".into(),
        desk: "admin".into(),
        action: "view".into(),
        record_kind: "person".into(),
        record_id: None,
        detail: "{}".into(),
        prev_hash: last_hash.clone(),
        hash: String::new(),
    };
    forged.hash = forged.link_hash(&last_hash, None);
    w.store
        .conn()
        .execute(
            "INSERT INTO audit_event (id, at, staff_id, login, desk, action, record_kind, record_id, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?9, ?10)",
            &[&forged.id as &dyn hairyo::store::sql::Param, &forged.at, &admin.staff_id, &forged.login, &forged.desk, &forged.action, &forged.record_kind, &forged.detail, &forged.prev_hash, &forged.hash],
        )
        .unwrap();
    let v = audit::verify(&w.store, &admin, now).unwrap();
    assert_eq!((v.ok, v.first_bad), (false, Some(last_id + 1)), "{}", v.message);
    drop(other);
}

fn common_person() -> hairyo::person::PersonInput {
    hairyo::person::PersonInput {
        name: "見本 次郎".into(),
        kana: "ミホン ジロウ".into(),
        birth_date: "1960-06-15".into(),
        sex: "male".into(),
        postal_code: "000-0001".into(),
        address: "見本市中央町1丁目1番1号".into(),
        scheme: "kokuho".into(),
        ..Default::default()
    }
}
