//! Shared set-up for integration tests: an in-memory store with staff at every desk.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use hairyo::person::{self, Person, PersonInput};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};
use hairyo::store::{self, Store};

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn at(s: &str) -> NaiveDateTime {
    date(s).and_hms_opt(10, 0, 0).expect("time")
}

pub struct World {
    pub store: Store,
    pub admin: Actor,
}

/// A fresh, empty store for one test: in memory, or, when `HAIRYO_TEST_PG` names a PostgreSQL
/// server (the throwaway cluster `.ci/run` starts), a new database of its own on that server,
/// so that the same tests run on both engines.
pub fn fresh_store() -> Store {
    match pg_server() {
        Some(server) => store::pg::open(&fresh_pg_app_database(&server)).expect("PostgreSQL store"),
        None => store::open_in_memory().expect("store"),
    }
}

/// The server the tests run against, when they run on PostgreSQL.
pub fn pg_server() -> Option<String> {
    std::env::var("HAIRYO_TEST_PG").ok().filter(|s| !s.is_empty())
}

/// Creates an empty database on `server` (a URL whose database is the maintenance one) and
/// returns its URL.
pub fn fresh_pg_database(server: &str) -> String {
    fresh_pg_database_named(server, |name| format!("CREATE DATABASE {name}"))
}

/// Creates a database on `server` with the statement `create` makes for its new name, and
/// returns its URL.
fn fresh_pg_database_named(server: &str, create: impl Fn(&str) -> String) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("hairyo_t_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut client = store::raw::RawSession::server(server).expect("connect to the test server");
    client.batch(&format!("DROP DATABASE IF EXISTS {name}")).expect("drop an old test database");
    client.batch(&create(&name)).expect("create the test database");
    let (base, _) = server.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
}

/// The login role the tests connect as on PostgreSQL, as the desks do: no superuser, no
/// BYPASSRLS, owning nothing, with the grants `hairyo grant` gives.
pub const PG_APP_ROLE: &str = "hairyo_app_test";

/// Creates a database on `server` with Hairyo's schema (migrated by the server's superuser,
/// the owner) and [`PG_APP_ROLE`]'s grants on it, and returns the URL that connects as that
/// role: everything the integration tests do on PostgreSQL then runs with the app's least
/// privileges, so a grant the app lacks fails a test.
///
/// The schema is migrated once per test process, into a template database; each test's database
/// is a copy of it (`CREATE DATABASE … TEMPLATE`), which PostgreSQL makes by copying files: the
/// thirty migrations per test were most of the PostgreSQL pass's time.
pub fn fresh_pg_app_database(server: &str) -> String {
    let template = migrated_template(server);
    let owner_url = fresh_pg_database_named(server, |name| format!("CREATE DATABASE {name} TEMPLATE {template}"));
    let (_, name) = owner_url.rsplit_once('/').expect("a URL with a database");
    let mut client = store::raw::RawSession::server(server).expect("connect to the test server");
    // A database's own grants live in the cluster's catalogue, not in the copied files.
    client.batch(&format!("GRANT CONNECT, TEMPORARY ON DATABASE {name} TO {PG_APP_ROLE}")).expect("grant the app role the database");
    app_url(&owner_url)
}

/// The name of this process's template: a database migrated by the server's superuser (the
/// owner), with [`PG_APP_ROLE`]'s grants, and no connection left open to it (PostgreSQL copies
/// only a database nobody is connected to).
fn migrated_template(server: &str) -> &'static str {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let owner_url = fresh_pg_database(server);
        create_app_role(server);
        let mut owner = store::pg::open(&owner_url).expect("migrate as the owner");
        owner.write(|tx| store::pg::grant_app_role(tx, PG_APP_ROLE)).expect("grant the app role");
        drop(owner);
        owner_url.rsplit_once('/').expect("a URL with a database").1.to_string()
    })
}

/// Creates [`PG_APP_ROLE`] on the test server unless it exists, as a city's administrator
/// would (docs/deployment.md).
pub fn create_app_role(server: &str) {
    let mut client = store::raw::RawSession::server(server).expect("connect to the test server");
    // Test threads and binaries race to create the cluster-wide role; the loser's error is
    // the proof that it exists.
    client
        .batch(&format!(
            "DO $$ BEGIN CREATE ROLE {PG_APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
        .expect("create the app role");
}

/// The URL of the database `app_url` names, connecting as the test server's superuser (the
/// schema's owner, the deployment's operator).
pub fn owner_url_of(server: &str, app_url: &str) -> String {
    let (base, _) = server.rsplit_once('/').expect("a server URL");
    let (_, name) = app_url.rsplit_once('/').expect("a database URL");
    format!("{base}/{name}")
}

/// The same database URL, connecting as [`PG_APP_ROLE`].
pub fn app_url(owner_url: &str) -> String {
    let (scheme, rest) = owner_url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map(|(_, h)| h).unwrap_or(rest);
    format!("{scheme}://{PG_APP_ROLE}@{host}")
}

impl World {
    pub fn new() -> World {
        World::new_on(fresh_store())
    }

    /// A database just initialised: its first administrator and nothing else, as the demo
    /// needs it.
    pub fn bare() -> World {
        let mut store = fresh_store();
        let admin = staff::init(&mut store, at("2025-04-01")).expect("init");
        World { store, admin }
    }

    /// A world on the given empty store: the administrator and staff at every desk.
    pub fn new_on(mut store: Store) -> World {
        let admin = staff::init(&mut store, at("2025-04-01")).expect("init");
        let mut w = World { store, admin };
        for (login, desk, role) in [
            ("kokuho_clerk", Desk::Kokuho, Role::Clerk),
            ("kokuho_sv", Desk::Kokuho, Role::Supervisor),
            ("kouki_clerk", Desk::Kouki, Role::Clerk),
            ("kaigo_cw", Desk::Kaigo, Role::Caseworker),
            ("shogai_cw", Desk::Shogai, Role::Caseworker),
            ("jido_cw", Desk::Jido, Role::Caseworker),
        ] {
            let admin = w.admin.clone();
            staff::add(&mut w.store, &admin, &NewStaff { login: login.into(), name: "試験 職員".into(), desk, role }, at("2025-04-01")).expect("staff");
        }
        w
    }

    pub fn actor(&self, login: &str) -> Actor {
        staff::actor(&self.store, login).expect("actor")
    }

    /// Adds a person; `f` adjusts the default input (a 国保 member born 1960 with no card: under
    /// 75, since a 国保 member of 75 or over belongs to 後期).
    pub fn person(&mut self, f: impl FnOnce(&mut PersonInput)) -> Person {
        let mut input = PersonInput {
            name: "見本 花子".into(),
            kana: "ミホン ハナコ".into(),
            birth_date: "1960-06-15".into(),
            sex: "female".into(),
            postal_code: "000-0001".into(),
            address: "見本市中央町1丁目1番1号".into(),
            scheme: "kokuho".into(),
            ..Default::default()
        };
        f(&mut input);
        let admin = self.admin.clone();
        person::add(&mut self.store, &admin, &input, at("2025-05-01")).expect("person")
    }
}

/// Input for a holder of a マイナ保険証 (card registered for insurance use).
pub fn holder(i: &mut PersonInput) {
    i.mynumber_card = "card".into();
    i.registration = "registered".into();
}
