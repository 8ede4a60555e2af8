//! Running Hairyo as a server and keeping its database: `serve` (the JSON API, `serve.rs`),
//! `upgrade`, the `loadtest` against a running server, and `grant` on PostgreSQL.

use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};

use hairyo::config::{self, ServerConfig, CONNECTIONS, MAX_CLIENTS, MAX_REQUESTS, SESSION_IDLE_SECONDS, SESSION_LIFETIME_SECONDS};
use hairyo::store::{self, Location};

use crate::{ErrorBody, Invocation, Result};
use hairyo_server::ServeOptions;

#[derive(Subcommand)]
pub enum ServerCmd {
    /// Serve the JSON HTTP API (docs/api.md) for the desks' PCs and browsers: the server holds
    /// the database credentials, clients sign in with their staff accounts. Plain HTTP only on
    /// loopback or behind a TLS-terminating reverse proxy (--behind-proxy).
    Serve(ServeArgs),
    /// Bring the database's schema up to this release, after a backup of it as it was (what
    /// every command does on its own when the database is older; this says so and stops).
    Upgrade {
        /// Take the database (database_url) and the backup folder (backup_dir) from this
        /// configuration file, as `hairyo serve --config` does.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where the backup goes (default: the configuration's, else backups/ beside the
        /// database file or in the data folder).
        #[arg(long)]
        backup_dir: Option<PathBuf>,
    },
    /// Simulated staff against a running `hairyo serve` on this machine (plain HTTP), signing
    /// in as the demo's desk staff with HAIRYO_PASSWORD: search, records, queues, home and
    /// writes for a bounded time; p50 / p95 / p99 and errors per kind (docs/performance.md).
    Loadtest {
        /// The server's address, as `hairyo serve` printed it (http://127.0.0.1:PORT).
        #[arg(long)]
        server: String,
        #[arg(long, default_value_t = 50)]
        clients: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Each simulated staff member pauses between requests for a random time around this
        /// (half to one and a half times it); 0 sends the next request at once, to measure
        /// what the server can take.
        #[arg(long, default_value_t = 1000)]
        think_ms: u64,
        /// Spread the clients over this many towns of a prefecture `hairyo bench --towns
        /// --keep` built (their staff are the demo's, `_t2` … appended).
        #[arg(long, default_value_t = 1)]
        towns: usize,
    },
    /// On a PostgreSQL server: let the login role the desks connect as use the database with
    /// least privilege (read and write the case tables, only read and append the audit log, no
    /// schema changes). Run by an administrator over the owner role's URL, after `init`.
    Grant {
        /// The PostgreSQL role (created beforehand with CREATE ROLE … LOGIN).
        role: String,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// The configuration file (/etc/hairyo/hairyo.conf when installed as a package): its
    /// settings apply where no flag below is given; --db and HAIRYO_DB win over its
    /// database_url.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Address to listen on (port 0: any free port; the first line printed says which).
    /// Default: the configuration's, else 127.0.0.1:8443.
    #[arg(long)]
    pub listen: Option<std::net::SocketAddr>,
    /// PEM certificate chain for TLS (with --tls-key).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for TLS (with --tls-cert).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Plain HTTP on a non-loopback address: a reverse proxy in front terminates TLS.
    #[arg(long)]
    pub behind_proxy: bool,
    /// A session ends after this many seconds without a request (default 1800).
    #[arg(long)]
    pub session_idle: Option<u64>,
    /// A session ends this many seconds after sign-in, however much it is used (default
    /// 36000, ten hours).
    #[arg(long)]
    pub session_lifetime: Option<u64>,
    /// Database connections at most (keep it below the server's max_connections; default 16).
    #[arg(long)]
    pub connections: Option<usize>,
    /// Client connections open at once; one more is turned away (default 1000).
    #[arg(long)]
    pub max_clients: Option<usize>,
    /// Requests being answered at once; one more is answered 503 with Retry-After
    /// (default 128).
    #[arg(long)]
    pub max_requests: Option<usize>,
    /// Where the database is backed up before a schema upgrade (default: the
    /// configuration's backup_dir, else backups/ beside the database file or in the data
    /// folder).
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// The built UI (ui/dist) to serve to browsers at /. Default: HAIRYO_UI_DIR, else
    /// /usr/share/hairyo/ui when installed, else ./ui/dist in a source checkout; without
    /// one the server answers the API only.
    #[arg(long, env = "HAIRYO_UI_DIR")]
    pub ui: Option<PathBuf>,
}

pub fn run(inv: &Invocation, cmd: &ServerCmd) -> Result {
    match cmd {
        ServerCmd::Serve(args) => serve(inv, args),
        ServerCmd::Upgrade { config, backup_dir } => upgrade(inv, config.as_deref(), backup_dir.as_deref()),
        ServerCmd::Loadtest { server, clients, seconds, think_ms, towns } => {
            loadtest(inv, server, (*clients, *towns), *seconds, Duration::from_millis(*think_ms))
        }
        ServerCmd::Grant { role } => grant(inv, role),
    }
}

/// Serves until stopped; the flags win over the configuration file, which wins over the
/// defaults.
fn serve(inv: &Invocation, args: &ServeArgs) -> Result {
    let file = server_config(args.config.as_deref())?;
    check_limits(args)?;
    hairyo_server::run(serve_options(inv, args, &file)?)
}

/// The flags' ranges, each refused with its own code.
fn check_limits(a: &ServeArgs) -> Result {
    within(a.session_idle, &SESSION_IDLE_SECONDS, "cli.bad_session_idle", "--session-idle は 1〜86400 秒で指定してください".into())?;
    within(a.session_lifetime, &SESSION_LIFETIME_SECONDS, "cli.bad_session_lifetime", "--session-lifetime は 1〜604800 秒で指定してください".into())?;
    within(a.connections, &CONNECTIONS, "cli.bad_connections", "--connections は 1〜500 で指定してください".into())?;
    let clients = format!("--max-clients は {}〜{} で指定してください", MAX_CLIENTS.start(), MAX_CLIENTS.end());
    within(a.max_clients, &MAX_CLIENTS, "cli.bad_max_clients", clients)?;
    let requests = format!("--max-requests は {}〜{} で指定してください", MAX_REQUESTS.start(), MAX_REQUESTS.end());
    within(a.max_requests, &MAX_REQUESTS, "cli.bad_max_requests", requests)
}

/// A flag left out takes the configuration's value or the default; one given outside its range
/// is refused.
fn within<T: PartialOrd>(value: Option<T>, range: &RangeInclusive<T>, code: &str, message: String) -> Result {
    match value {
        Some(v) if !range.contains(&v) => Err(ErrorBody::new(code, message)),
        _ => Ok(()),
    }
}

fn serve_options(inv: &Invocation, a: &ServeArgs, file: &ServerConfig) -> Result<ServeOptions> {
    let location = configured_location(inv, file);
    Ok(ServeOptions {
        listen: a.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8443))),
        backup_dir: upgrade_backup_dir(a.backup_dir.as_deref(), file, &location),
        location,
        tls: a.tls_cert.clone().zip(a.tls_key.clone()).or(file.tls.clone()),
        behind_proxy: a.behind_proxy || file.behind_proxy.unwrap_or(false),
        session_idle: a.session_idle.map(Duration::from_secs).or(file.session_idle).unwrap_or(Duration::from_secs(1800)),
        session_lifetime: a.session_lifetime.map(Duration::from_secs).or(file.session_lifetime).unwrap_or(Duration::from_secs(36_000)),
        connections: a.connections.or(file.connections).unwrap_or(16),
        max_clients: a.max_clients.or(file.max_clients).unwrap_or(1000),
        max_requests: a.max_requests.or(file.max_requests).unwrap_or(128),
        fixed_now: inv.cli.now.is_some().then_some(inv.now),
        ui_dir: ui_dir(a.ui.as_deref().or(file.ui_dir.as_deref()))?,
        audit_key_file: file.audit_key_file.clone(),
        directory: file.directory.clone(),
    })
}

/// The configuration file named by `--config`, read and checked.
fn server_config(path: Option<&Path>) -> Result<ServerConfig> {
    Ok(path.map(config::load).transpose()?.unwrap_or_default())
}

/// The database a server or an upgrade works on: `--db` / `HAIRYO_DB`, else the
/// configuration's database_url, else the default file.
fn configured_location(inv: &Invocation, config: &ServerConfig) -> Location {
    match (inv.cli.db.as_deref().filter(|s| !s.is_empty()), &config.database) {
        (Some(s), _) => Location::parse(s),
        (None, Some(location)) => location.clone(),
        (None, None) => Location::File(store::default_db_path()),
    }
}

/// Where the backup before an upgrade goes: the flag, the configuration, else beside the file
/// (or in the data folder for a server).
fn upgrade_backup_dir(asked: Option<&Path>, config: &ServerConfig, location: &Location) -> PathBuf {
    asked.map(Path::to_path_buf).or_else(|| config.backup_dir.clone()).unwrap_or_else(|| match location {
        Location::File(p) => store::upgrade_backup_dir_for(p),
        Location::Server(_) => store::upgrade_backup_dir_for(&store::default_db_path()),
    })
}

/// The built UI `hairyo serve` gives browsers: the directory asked for (which must hold an
/// index.html), else the installed one, else a source checkout's; none when there is none.
fn ui_dir(asked: Option<&Path>) -> Result<Option<PathBuf>> {
    if let Some(dir) = asked {
        if !dir.join("index.html").is_file() {
            return Err(ErrorBody::new(
                "serve.ui",
                format!("{} に画面 (index.html) がありません。npm --prefix ui run build で作るか、--ui で場所を指定してください", dir.display()),
            ));
        }
        return Ok(Some(dir.to_path_buf()));
    }
    Ok([PathBuf::from("/usr/share/hairyo/ui"), PathBuf::from("ui/dist")].into_iter().find(|d| d.join("index.html").is_file()))
}

/// Upgrades the schema after a backup, and says what it did.
fn upgrade(inv: &Invocation, config: Option<&Path>, backup_dir: Option<&Path>) -> Result {
    let file = server_config(config)?;
    let location = configured_location(inv, &file);
    refuse_missing_file(&location)?;
    let dir = upgrade_backup_dir(backup_dir, &file, &location);
    let store = store::open_location_upgrading(&location, &dir)?;
    let version = store.stored_schema_version()?;
    let report = serde_json::json!({
        "database": location.display(), "schema_version": version, "release": hairyo::VERSION, "upgrade": store.upgrade(),
    });
    inv.emit(&report, |_| upgraded_text(&store, version, &location))
}

/// An upgrade of a file that is not there would create an empty database under a mistyped
/// name; it is refused instead.
fn refuse_missing_file(location: &Location) -> Result {
    match location {
        Location::File(p) if !p.exists() => {
            Err(ErrorBody::new("cli.no_database", format!("データベース {} がありません。パスを確認してください (新しく作るときは hairyo init)", p.display())))
        }
        _ => Ok(()),
    }
}

/// Simulated staff against a server on this machine, over plain HTTP only.
fn loadtest(inv: &Invocation, server: &str, (clients, towns): (usize, usize), seconds: u64, think: Duration) -> Result {
    let addr = server.strip_prefix("http://").map(|a| a.trim_end_matches('/')).ok_or_else(|| {
        ErrorBody::new("loadtest.invalid", "--server は hairyo serve が表示した http://127.0.0.1:PORT の形で指定してください (TLS なしのループバックのみ)")
    })?;
    let pw = crate::session::password("デモ職員のパスワード: ")?;
    inv.emit(&crate::loadtest::run(addr, clients, seconds, think, &pw, towns)?, |r| r.to_string())
}

fn grant(inv: &Invocation, role: &str) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    hairyo::deployment::grant_app_role(&mut store, &actor, role, inv.now)?;
    inv.emit(&serde_json::json!({"granted": role}), |_| granted_text(role))
}

/// What the upgrade did, or that there was nothing to do.
fn upgraded_text(store: &store::Store, version: usize, location: &Location) -> String {
    match store.upgrade() {
        Some(u) => u.to_string(),
        None => format!("データベースのスキーマは最新です (版 {version}、Hairyo {}): {}", hairyo::VERSION, location.display()),
    }
}

fn granted_text(role: &str) -> String {
    format!("ロール {role} にアプリ用の権限を設定しました (監査ログの更新・削除はできません)")
}
