//! The PostgreSQL engine: connecting, the schema's migrations, and write transactions that
//! keep SQLite's guarantees when several processes write at once.

use super::sql::{Conn, OptionalExtension, PgConn};
use super::{Engine, Store, StoreError};

/// The schema as of the SQLite migration it matches, applied in one step to an empty database;
/// the migrations after it come in pairs, one file per engine, under the same number.
const BASELINE: (usize, &str) = (10, include_str!("migrations/pg/0010_baseline.sql"));

/// The PostgreSQL migrations after the baseline, by the number they share with SQLite's.
const MIGRATIONS: &[(usize, &str)] = &[
    (11, include_str!("migrations/pg/0011_kokuho_rules_and_validity.sql")),
    (12, include_str!("migrations/0012_jushochi_tokurei.sql")),
    (13, include_str!("migrations/pg/0013_applicant_and_union.sql")),
    (14, include_str!("migrations/pg/0014_server_collation_and_pieces.sql")),
    (15, include_str!("migrations/pg/0015_change_events.sql")),
    (16, include_str!("migrations/pg/0016_table_versions.sql")),
    (17, include_str!("migrations/pg/0017_referral_withdrawal.sql")),
    (18, include_str!("migrations/pg/0018_certificate_life.sql")),
    (19, include_str!("migrations/pg/0019_poster_postings.sql")),
    (20, include_str!("migrations/pg/0020_moving_out.sql")),
    (21, include_str!("migrations/pg/0021_reasons_states_and_proxies.sql")),
    (22, include_str!("migrations/pg/0022_facility_campaigns.sql")),
    (23, include_str!("migrations/pg/0023_outreach_events.sql")),
    (24, include_str!("migrations/pg/0024_schema_upgrades.sql")),
    (25, include_str!("migrations/pg/0025_retention.sql")),
    (26, include_str!("migrations/pg/0026_audit_anchor.sql")),
    (27, include_str!("migrations/pg/0027_sign_in_addresses.sql")),
    (28, include_str!("migrations/pg/0028_sessions.sql")),
    (29, include_str!("migrations/pg/0029_audit_keying.sql")),
    // From here on one file serves both engines (`sql::for_engine` keeps PostgreSQL's lines).
    (30, include_str!("migrations/0030_referral_queue_order.sql")),
    (31, include_str!("migrations/0031_child_guidance_chief.sql")),
    (32, include_str!("migrations/0032_handover_identity.sql")),
    (33, include_str!("migrations/0033_referral_sharing_basis.sql")),
    (34, include_str!("migrations/0034_delivery_reason.sql")),
    (35, include_str!("migrations/0035_kouki_counter_issue.sql")),
    (36, include_str!("migrations/0036_age_reckoning.sql")),
    (37, include_str!("migrations/0037_home_mailings.sql")),
    (38, include_str!("migrations/0038_core_certificates.sql")),
    (39, include_str!("migrations/0039_households_and_standing_delivery.sql")),
    (40, include_str!("migrations/0040_directory_accounts.sql")),
    (41, include_str!("migrations/0041_municipalities.sql")),
];

/// The first key of the advisory lock every write transaction holds (see [`write`]); the
/// second is the municipality the connection acts for (0 for none), so that one town's writers
/// never wait for another's: what the lock keeps race-free (a state checked then changed, the
/// audit chain's next link) is each municipality's own.
const WRITE_LOCK: i32 = 0x4879_0001;
/// The first key of the advisory lock every audit append holds until its transaction ends,
/// beside the municipality as the second: views append without the write lock, so each chain
/// needs its own (taken after the write lock by a writer, never before it, so the two cannot
/// deadlock).
pub(super) const AUDIT_LOCK: i32 = 0x4879_0003;

/// The statement that takes advisory lock `class` for the municipality `conn` acts for.
pub(super) fn lock_statement(conn: &Conn<'_>, class: i32) -> String {
    format!("SELECT pg_advisory_xact_lock({class}, {})", conn.municipality().unwrap_or(0))
}
/// The key of the advisory lock held while the schema is migrated, so that two processes
/// starting at once do not both migrate.
const MIGRATION_LOCK: i64 = 0x4861_6972_796f_0002;

/// The newest schema version this binary's PostgreSQL migrations reach.
pub fn schema_version() -> usize {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(BASELINE.0)
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or("");
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// Connects to the server at `url` and brings its schema up to date, as [`open_upgrading`]
/// with the default data folder's `backups/`.
pub fn open(url: &str) -> Result<Store, StoreError> {
    open_upgrading(url, &super::upgrade_backup_dir_for(&super::default_db_path()))
}

/// Connects to the server at `url` and brings its schema up to date; a database at an older
/// version is first dumped (pg_dump) into `backup_dir`.
pub fn open_upgrading(url: &str, backup_dir: &std::path::Path) -> Result<Store, StoreError> {
    let client = super::pg_tls::connect(url).map_err(|e| match e {
        StoreError::Pg(e) => StoreError::Migration(format!("PostgreSQL に接続できません ({}): {e}", redact(url))),
        other => other,
    })?;
    let conn = PgConn::new(client, url);
    let upgraded = migrate(&conn, backup_dir)?;
    Store::opened(Engine::Pg(conn), upgraded)
}

/// Dumps the database at `url` into `dir` before an upgrade from `from` to `to`; written
/// beside its final name and renamed, so a failed dump leaves no file that looks whole.
fn backup_before_upgrade(url: &str, dir: &std::path::Path, from: usize, to: usize) -> Result<std::path::PathBuf, StoreError> {
    let fail = |path: &std::path::Path, detail: String| StoreError::UpgradeBackup { path: path.display().to_string(), detail };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e.to_string()))?;
    let dest = super::free_name(dir, &super::upgrade_backup_stem(from, to), "dump");
    let partial = dest.with_file_name(format!("{}.partial", dest.file_name().unwrap_or_default().to_string_lossy()));
    run_tool("pg_dump", url, &["--format=custom".as_ref(), "--no-owner".as_ref(), "--file".as_ref(), partial.as_os_str()]).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        fail(&partial, e.to_string())
    })?;
    std::fs::rename(&partial, &dest).map_err(|e| fail(&dest, e.to_string()))?;
    Ok(dest)
}

/// The version the database's schema is at; 0 for an empty database.
pub(super) fn stored_schema_version(c: &PgConn) -> Result<usize, StoreError> {
    let conn = Conn::pg(c);
    let exists: bool = conn.query_row("SELECT to_regclass('hairyo_schema') IS NOT NULL", [], |r| r.get(0))?;
    if !exists {
        return Ok(0);
    }
    let v: i64 = conn.query_row("SELECT version FROM hairyo_schema", [], |r| r.get(0))?;
    Ok(v as usize)
}

fn migrate(c: &PgConn, backup_dir: &std::path::Path) -> Result<Option<super::Upgrade>, StoreError> {
    let conn = Conn::pg(c);
    conn.execute("SELECT pg_advisory_lock(?1)", [MIGRATION_LOCK])?;
    let result = (|| {
        let found = stored_schema_version(c)?;
        if found > schema_version() {
            return Err(StoreError::TooNew { found, supported: schema_version() });
        }
        let may_migrate = if found == 0 {
            conn.query_row("SELECT has_schema_privilege(current_schema(), 'CREATE')", [], |r| r.get::<_, bool>(0))?
        } else {
            owns_schema(&conn)?
        };
        if found < schema_version() && !may_migrate {
            return Err(StoreError::Migration(format!(
                "スキーマを版 {found} から {} に更新する必要があります。データベースの所有者ロールで一度 `hairyo --db <所有者の URL> upgrade` を実行してください (アプリ用ロールには更新の権限がありません)",
                schema_version()
            )));
        }
        if found == schema_version() {
            return Ok(None);
        }
        // The copy is taken under the migration lock, so no second process migrates meanwhile.
        let upgrade = if found > 0 {
            Some(super::Upgrade { from: found, to: schema_version(), backup: backup_before_upgrade(&c.url, backup_dir, found, schema_version())? })
        } else {
            None
        };
        let steps: Vec<(usize, &str)> =
            std::iter::once(BASELINE).filter(|_| found < BASELINE.0).chain(MIGRATIONS.iter().copied().filter(|m| m.0 > found)).collect();
        let migrated = !steps.is_empty();
        for (version, sql) in steps {
            let step = (|| {
                conn.execute_batch("BEGIN")?;
                conn.execute_batch(&super::sql::for_engine(sql, super::sql::Dialect::Postgres))?;
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS hairyo_schema (version BIGINT NOT NULL);
                     DELETE FROM hairyo_schema;",
                )?;
                conn.execute("INSERT INTO hairyo_schema (version) VALUES (?1)", [version as i64])?;
                conn.execute_batch("COMMIT")
            })();
            if let Err(e) = step {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(StoreError::Migration(format!("PostgreSQL のスキーマ版 {version}: {e}")));
            }
        }
        // Tables a migration added need the app roles' grants too.
        if migrated && found >= 14 {
            let roles: Vec<String> = conn.prepare("SELECT role FROM hairyo_app_role ORDER BY role")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            for role in roles {
                apply_grants(&conn, &role)?;
            }
        }
        let backup = upgrade.as_ref().map(|u| u.backup.display().to_string()).unwrap_or_default();
        conn.execute(
            "INSERT INTO schema_upgrade (from_version, to_version, app_version, backup_file) VALUES (?1, ?2, ?3, ?4)",
            [&(found as i64) as &dyn super::sql::Param, &(schema_version() as i64), &crate::VERSION.to_string(), &backup],
        )?;
        c.forget_statements();
        Ok(upgrade)
    })();
    conn.execute("SELECT pg_advisory_unlock(?1)", [MIGRATION_LOCK])?;
    result
}

/// The channel migration 0015's triggers announce changes on.
pub const EVENTS_CHANNEL: &str = "hairyo_events";

/// Listens on [`EVENTS_CHANNEL`] over a connection of its own: calls `on_listening` once the
/// server will deliver announcements, then `on_event` with each one's payload (JSON naming a
/// kind, an id and desks), until `on_event` returns false or the connection fails. Blocks: run
/// it on a thread of its own.
pub fn listen(url: &str, on_listening: impl FnOnce(), mut on_event: impl FnMut(&str) -> bool) -> Result<(), StoreError> {
    let mut client = super::pg_tls::connect(url)?;
    client.batch_execute(&format!("LISTEN {EVENTS_CHANNEL}"))?;
    on_listening();
    use postgres::fallible_iterator::FallibleIterator;
    let mut notifications = client.notifications();
    let mut events = notifications.blocking_iter();
    while let Some(n) = events.next()? {
        if !on_event(n.payload()) {
            break;
        }
    }
    Ok(())
}

/// Whether the connected role may change the schema: it is (a member of) the role that owns the
/// person table.
pub(super) fn owns_schema(conn: &Conn<'_>) -> Result<bool, StoreError> {
    conn.query_row("SELECT coalesce(pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = to_regclass('person')), 'USAGE'), false)", [], |r| {
        r.get(0)
    })
}

/// What the server says of a role the desks would connect as.
struct RoleFacts {
    exists: bool,
    superuser: bool,
    bypass_rls: bool,
    create_role: bool,
    create_db: bool,
    owned_here: i64,
    is_current: bool,
}

fn role_facts(conn: &Conn<'_>, role: &str) -> Result<RoleFacts, StoreError> {
    let found = conn
        .query_row(
            "SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                    (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = current_schema()::regnamespace)
                     + (SELECT count(*) FROM pg_namespace n WHERE n.nspowner = r.oid AND n.nspname = current_schema())
                     + (SELECT count(*) FROM pg_database d WHERE d.datdba = r.oid AND d.datname = current_database()),
                    r.rolname = current_user
               FROM pg_roles r WHERE r.rolname = ?1",
            [role],
            |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?, r.get::<_, bool>(2)?, r.get::<_, bool>(3)?, r.get::<_, i64>(4)?, r.get::<_, bool>(5)?)),
        )
        .optional()?;
    Ok(match found {
        None => RoleFacts { exists: false, superuser: false, bypass_rls: false, create_role: false, create_db: false, owned_here: 0, is_current: false },
        Some((superuser, bypass_rls, create_role, create_db, owned_here, is_current)) => {
            RoleFacts { exists: true, superuser, bypass_rls, create_role, create_db, owned_here, is_current }
        }
    })
}

/// Why the connected role must not serve the desks, if it must not: a superuser or a role
/// that could step around row security or owns the schema would let any flaw in a request's
/// handling reach past the grants (docs/security.md). None on SQLite, which has no roles.
pub fn serving_role_refusal(store: &Store) -> Result<Option<String>, StoreError> {
    let conn = store.conn();
    if !conn.is_pg() {
        return Ok(None);
    }
    let role: String = conn.query_row("SELECT current_user::text", [], |r| r.get(0))?;
    let facts = role_facts(&conn, &role)?;
    Ok(if facts.superuser {
        Some(format!("ロール {role} はスーパーユーザーです。サーバーは hairyo grant で権限を与えたアプリ用ロールで接続してください"))
    } else if facts.bypass_rls {
        Some(format!("ロール {role} に BYPASSRLS があります。サーバーは hairyo grant で権限を与えたアプリ用ロールで接続してください"))
    } else if facts.create_role || facts.create_db {
        Some(format!("ロール {role} に CREATEROLE か CREATEDB があります。サーバーは hairyo grant で権限を与えたアプリ用ロールで接続してください"))
    } else if facts.owned_here > 0 || owns_schema(&conn)? {
        Some(format!("ロール {role} はこのデータベースの所有者です。サーバーは hairyo grant で権限を与えたアプリ用ロールで接続してください"))
    } else {
        None
    })
}

/// Lets `role`, the login role the desks' processes (the server, a desk's CLI) connect as, use
/// this database with the least it needs: it reads and writes the case tables, may only read
/// and append the audit log (no UPDATE, DELETE or TRUNCATE: grants, besides the triggers), may
/// only read the schema's bookkeeping, and changes no schema. Refused for a role that could step
/// around that (a superuser, BYPASSRLS, CREATEROLE, or one owning anything here), and for the
/// connected role itself. Run by the owner; recorded, so later migrations grant the same on
/// the tables they add.
pub fn grant_app_role(tx: &super::Write<'_>, role: &str) -> Result<(), StoreError> {
    let conn = tx.conn;
    if !conn.is_pg() {
        return Err(StoreError::Unsupported("ロールの権限設定"));
    }
    let valid = role.chars().next().is_some_and(|ch| ch.is_ascii_lowercase() || ch == '_')
        && role.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        && role.len() <= 63;
    if !valid {
        return Err(StoreError::Role(format!("ロール名は英小文字・数字・_ で 63 文字までにしてください: {role}")));
    }
    if !owns_schema(&conn)? {
        return Err(StoreError::Role("権限を設定できるのはデータベースの所有者ロールだけです".into()));
    }
    let facts = role_facts(&conn, role)?;
    let refusal = if !facts.exists {
        Some(format!("ロール {role} がありません。先に CREATE ROLE {role} LOGIN PASSWORD '…' を実行してください"))
    } else if facts.is_current {
        Some(format!("ロール {role} は今接続している所有者ロールです。アプリ用には別のロールを作ってください"))
    } else if facts.superuser {
        Some(format!("ロール {role} はスーパーユーザーです。アプリ用ロールには使えません"))
    } else if facts.bypass_rls {
        Some(format!("ロール {role} に BYPASSRLS があります。ALTER ROLE {role} NOBYPASSRLS を実行してください"))
    } else if facts.create_role || facts.create_db {
        Some(format!("ロール {role} に CREATEROLE か CREATEDB があります。ALTER ROLE {role} NOCREATEROLE NOCREATEDB を実行してください"))
    } else if facts.owned_here > 0 {
        Some(format!("ロール {role} はこのデータベースのオブジェクトを {} 個所有しています。アプリ用ロールは何も所有しないでください", facts.owned_here))
    } else {
        None
    };
    if let Some(message) = refusal {
        return Err(StoreError::Role(message));
    }
    apply_grants(&conn, role)?;
    conn.execute("INSERT INTO hairyo_app_role (role) VALUES (?1) ON CONFLICT (role) DO NOTHING", [role])?;
    Ok(())
}

/// The grants of [`grant_app_role`]; `role` has been checked to be a plain identifier.
fn apply_grants(conn: &Conn<'_>, role: &str) -> Result<(), StoreError> {
    let database: String = conn.query_row("SELECT current_database()", [], |r| r.get(0))?;
    let schema: String = conn.query_row("SELECT current_schema()", [], |r| r.get(0))?;
    let q = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let (database, schema, role) = (q(&database), q(&schema), q(role));
    conn.execute_batch(&format!(
        "GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role};
         GRANT USAGE ON SCHEMA {schema} TO {role};
         REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
         REVOKE INSERT, UPDATE, DELETE ON {schema}.audit_event, {schema}.audit_anchor, {schema}.audit_keying, {schema}.hairyo_schema, {schema}.hairyo_app_role, {schema}.schema_upgrade, {schema}.municipality FROM {role};
         GRANT INSERT ON {schema}.audit_event TO {role};
         GRANT EXECUTE ON FUNCTION {schema}.hairyo_staff_municipality(TEXT), {schema}.hairyo_session_municipality(TEXT), {schema}.hairyo_initialised(), {schema}.hairyo_login_taken(TEXT), {schema}.hairyo_audit_key_checks(), {schema}.hairyo_person_grams(TEXT[], TEXT, BIGINT) TO {role};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role};"
    ))
}

/// Rolls back a transaction that did not reach its commit, also when the code inside panicked.
struct Rollback<'a> {
    conn: Conn<'a>,
    armed: bool,
}

impl Drop for Rollback<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Runs `f` in one transaction that holds the store's write lock.
///
/// Writers are serialised, as SQLite's `BEGIN IMMEDIATE` serialises them: each write
/// transaction first takes one transaction-scoped advisory lock, then runs at READ COMMITTED, so
/// every statement after the lock sees everything committed before it. The domain's "read the
/// state, check the step, write" is then race-free without a retry loop, and the audit log's
/// "read the last hash, insert the next id" links every event to the one before (measured: the
/// same code without the lock broke links or aborted three clients in four). Readers take no
/// lock and are never blocked, also not by a long import.
pub(super) fn write<T, E>(c: &PgConn, f: impl FnOnce(Conn<'_>) -> Result<T, E>) -> Result<T, E>
where
    E: From<StoreError>,
{
    let conn = Conn::pg(c);
    // Armed before the batch: should the lock fail after BEGIN, the transaction is rolled back
    // (a ROLLBACK outside one only warns).
    let mut guard = Rollback { conn, armed: true };
    // BEGIN and the lock in one round trip; each round trip of a writer is time the others wait.
    conn.execute_batch(&format!("BEGIN ISOLATION LEVEL READ COMMITTED; {}", lock_statement(&conn, WRITE_LOCK))).map_err(E::from)?;
    let value = f(conn)?;
    conn.execute_batch("COMMIT").map_err(E::from)?;
    guard.armed = false;
    Ok(value)
}

/// Runs the read `f`, then `append_alone`, which appends its audit event in a transaction of
/// its own and commits it before the value is returned: a read whose event must land with it
/// (a record viewed) takes no write lock, only the audit log's own, and only for the append.
/// Were the append to fail, the value is not returned, as if never read.
pub(super) fn read_and_append<T, E>(
    c: &PgConn,
    f: impl FnOnce(Conn<'_>) -> Result<T, E>,
    append_alone: impl FnOnce(Conn<'_>, &T) -> Result<(), StoreError>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let conn = Conn::pg(c);
    let value = f(conn)?;
    append_alone(conn, &value).map_err(E::from)?;
    Ok(value)
}

/// Creates the empty database `name` on the server at `url` (whose user may create databases)
/// and returns its URL; for `hairyo bench`, which measures in scratch databases.
pub fn create_scratch_database(url: &str, name: &str) -> Result<String, StoreError> {
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(StoreError::Conflict(format!("データベース名に使えない文字があります: {name}")));
    }
    let mut client = super::pg_tls::connect(url)?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let (base, query) = url.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((url, String::new()));
    let (server, _) = base.rsplit_once('/').ok_or_else(|| StoreError::Conflict(format!("URL にデータベース名がありません: {}", redact(url))))?;
    Ok(format!("{server}/{name}{query}"))
}

/// Drops a database [`create_scratch_database`] made.
pub fn drop_scratch_database(url: &str, name: &str) -> Result<(), StoreError> {
    let mut client = super::pg_tls::connect(url)?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    Ok(())
}

/// A PostgreSQL client program (pg_dump, pg_restore): from `HAIRYO_PG_BIN` when set, else
/// Debian's PostgreSQL 15 directory, else the PATH.
fn tool(name: &str) -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("HAIRYO_PG_BIN").filter(|d| !d.is_empty()) {
        return std::path::Path::new(&dir).join(name);
    }
    let debian = std::path::Path::new("/usr/lib/postgresql/15/bin").join(name);
    if debian.exists() {
        debian
    } else {
        std::path::PathBuf::from(name)
    }
}

/// Runs a client program against the database at `url`. The password goes in the
/// environment, not on the command line, where every user of the machine could read it.
fn run_tool(name: &str, url: &str, args: &[&std::ffi::OsStr]) -> Result<Vec<u8>, StoreError> {
    let mut cmd = std::process::Command::new(tool(name));
    let (dbname, password) = split_password(url);
    if let Some(pw) = password {
        cmd.env("PGPASSWORD", pw);
    }
    // The tools connect as securely as Hairyo does (libpq alone would `prefer`).
    for (key, value) in super::pg_tls::tool_environment(url)? {
        cmd.env(key, value);
    }
    cmd.arg(format!("--dbname={dbname}")).args(args);
    let out = cmd
        .output()
        .map_err(|e| StoreError::Tool(format!("{name} を実行できません ({e})。PostgreSQL のクライアント (postgresql-client-15) を入れてください")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(StoreError::Tool(format!("{name} が失敗しました: {}", err.trim())));
    }
    Ok(out.stdout)
}

/// The URL without its password, and the password.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else { return (url.to_string(), None) };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let (name, pw) = user.split_once(':').unwrap_or((user, ""));
            (format!("{scheme}://{name}@{host}"), Some(pw.to_string()))
        }
        _ => (url.to_string(), None),
    }
}

/// Writes the whole database to `dest` with pg_dump (custom format, one consistent snapshot
/// while other desks go on working).
pub fn dump(store: &Store, dest: &std::path::Path) -> Result<(), StoreError> {
    let Engine::Pg(c) = &store.engine else { return Err(StoreError::Unsupported("pg_dump")) };
    run_tool("pg_dump", &c.url, &["--format=custom".as_ref(), "--no-owner".as_ref(), "--file".as_ref(), dest.as_os_str()])?;
    Ok(())
}

/// What a dump file holds, read without restoring it: its schema version (0 when it has none)
/// and whether it has Hairyo's tables.
pub fn inspect_dump(file: &std::path::Path) -> Result<(usize, bool), StoreError> {
    let list = std::process::Command::new(tool("pg_restore"))
        .arg("--list")
        .arg(file)
        .output()
        .map_err(|e| StoreError::Tool(format!("pg_restore を実行できません ({e})")))?;
    if !list.status.success() {
        return Ok((0, false));
    }
    let list = String::from_utf8_lossy(&list.stdout);
    let has = |t: &str| list.lines().any(|l| l.contains(&format!(" TABLE DATA public {t} ")));
    let tables = has("person") && has("staff") && has("audit_event");
    let data = std::process::Command::new(tool("pg_restore"))
        .args(["--data-only", "--table=hairyo_schema", "--file=-"])
        .arg(file)
        .output()
        .map_err(|e| StoreError::Tool(format!("pg_restore を実行できません ({e})")))?;
    let text = String::from_utf8_lossy(&data.stdout);
    // The table's one row follows its COPY line.
    let version = text.lines().skip_while(|l| !l.starts_with("COPY public.hairyo_schema")).nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or(0);
    Ok((version, tables))
}

/// Replaces everything in the database at `url` with the dump `file`, in one transaction: a
/// failure leaves the database as it was.
pub fn restore_dump(url: &str, file: &std::path::Path) -> Result<(), StoreError> {
    run_tool(
        "pg_restore",
        url,
        &["--clean".as_ref(), "--if-exists".as_ref(), "--no-owner".as_ref(), "--single-transaction".as_ref(), "--exit-on-error".as_ref(), file.as_os_str()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_reach_the_same_schema_version() {
        assert_eq!(schema_version(), super::super::schema_version());
        assert!(MIGRATIONS.windows(2).all(|w| w[1].0 == w[0].0 + 1) && MIGRATIONS.first().map(|m| m.0) == Some(BASELINE.0 + 1));
    }

    /// A migration's statements, without its comments and layout.
    fn statements(sql: &str) -> String {
        sql.lines().map(|l| l.split("--").next().unwrap_or("").trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    }

    /// A migration is written twice only where the engines differ: from 0030 on, PostgreSQL's
    /// is SQLite's own file (with its engine's lines marked where they differ), and no earlier
    /// PostgreSQL file of its own says what SQLite's of its number says.
    #[test]
    fn a_migration_is_written_twice_only_where_the_engines_differ() {
        let sqlite = super::super::MIGRATION_SQL;
        for (version, sql) in MIGRATIONS {
            let theirs = sqlite[version - 1];
            let shared = *sql == theirs;
            assert!(shared || *version < 30, "migration {version} is not the file SQLite runs");
            assert!(shared || statements(sql) != statements(theirs), "PostgreSQL's migration {version} repeats SQLite's: share the file");
        }
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(redact("postgres://hairyo:secret@db.city.lg.jp:5432/hairyo"), "postgres://hairyo:***@db.city.lg.jp:5432/hairyo");
        assert_eq!(redact("postgresql://hairyo@127.0.0.1/hairyo"), "postgresql://hairyo@127.0.0.1/hairyo");
        assert_eq!(split_password("postgres://u:p%40ss@h/d"), ("postgres://u@h/d".to_string(), Some("p%40ss".to_string())));
    }
}
