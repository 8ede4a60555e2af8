//! The browser harness: `hairyo serve` on a test database (PostgreSQL when `HAIRYO_TEST_PG`
//! names a server, as in the README's test command; a SQLite file otherwise), Debian's
//! `chromedriver`, and headless Chromium sessions on the page the server serves. Each session
//! has a profile of its own, so two sessions are two desks' PCs with their own cookies.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

use crate::{free_port, require, target_dir, workspace_root, HOW_TO_RUN, SEED, SEED_PERSONS};

/// A child process stopped with SIGTERM when dropped (also when the test panics).
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the pid of a child we spawned and have not reaped yet.
        unsafe {
            libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running `hairyo serve` with the built UI, on a seeded database.
pub struct Served {
    _child: Stopped,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The database, as `--db` takes it.
    pub db: String,
    _directory: Option<Directory>,
    _dir: tempfile::TempDir,
}

/// A throwaway directory shaped as a city's Active Directory (`scripts/ldap-server.sh`, Debian's
/// slapd; its staff and passwords are `tests/fixtures/ldap/city.ldif`'s), stopped when dropped.
pub struct Directory {
    dir: PathBuf,
    /// `ldaps://127.0.0.1:PORT`.
    pub ldaps: String,
}

impl Directory {
    pub fn start(parent: &Path) -> Directory {
        let dir = parent.join("ldap");
        let out = Command::new(workspace_root().join("scripts/ldap-server.sh")).arg("start").arg(&dir).output().expect("scripts/ldap-server.sh");
        assert!(out.status.success(), "e2e: slapd did not start: {}", String::from_utf8_lossy(&out.stderr));
        let ldaps = String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("the LDAPS URL").to_string();
        Directory { dir, ldaps }
    }

    /// hairyo.conf's lines for signing in with this directory (`admin` the break-glass account).
    pub fn conf(&self) -> String {
        format!(
            "directory_url = {}\ndirectory_ca_file = {d}/tls/ca.crt\n\
             directory_bind_dn = CN=hairyo-svc,OU=Services,DC=city,DC=example\n\
             directory_bind_password_file = {d}/svc.pass\n\
             directory_user_base = OU=Staff,DC=city,DC=example\n\
             directory_user_filter = (sAMAccountName={{login}})\n\
             directory_group = CN=KokuhoClerks,OU=Groups,DC=city,DC=example => kokuho clerk\n\
             directory_group = CN=KaigoStaff,OU=Groups,DC=city,DC=example => kaigo caseworker\n\
             directory_break_glass = admin\n",
            self.ldaps,
            d = self.dir.display()
        )
    }
}

impl Drop for Directory {
    fn drop(&mut self) {
        let _ = Command::new(workspace_root().join("scripts/ldap-server.sh")).arg("stop").arg(&self.dir).status();
    }
}

/// Creates and seeds the test database (the desks, the administrator, the demo's staff and a
/// small fixed population), and starts `hairyo serve` on it with the UI of `ui/dist`.
pub fn serve() -> Served {
    serve_with(false)
}

/// [`serve`] with the staff signing in with a throwaway city directory ([`Directory`]).
pub fn serve_with_directory() -> Served {
    serve_with(true)
}

fn serve_with(with_directory: bool) -> Served {
    let root = workspace_root();
    let exe = target_dir(&root).join("debug/hairyo");
    if !exe.is_file() {
        panic!("e2e: {} is missing; {HOW_TO_RUN}", exe.display());
    }
    let ui = root.join("ui/dist");
    if !ui.join("index.html").is_file() {
        panic!("e2e: {} has no built UI; {HOW_TO_RUN}", ui.display());
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = match std::env::var("HAIRYO_TEST_PG").ok().filter(|s| !s.is_empty()) {
        Some(server) => fresh_pg_database(&server),
        None => dir.path().join("browser.db").display().to_string(),
    };
    let mut store = hairyo::store::open_location(&hairyo::store::Location::parse(&db)).expect("open the test database");
    seed_store(&mut store);
    crate::add_takahashi(&mut store);
    // On PostgreSQL the server connects as the app role, as a city's does (it refuses the
    // owner): the seeding role gives it `hairyo grant`'s rights.
    let served_db = match db.split_once("://") {
        Some((scheme, rest)) if scheme.starts_with("postgres") => {
            let server = std::env::var("HAIRYO_TEST_PG").expect("the PostgreSQL test server");
            let made = Command::new("psql")
                .args([
                    server.as_str(),
                    "-qc",
                    &format!("DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"),
                ])
                .status()
                .expect("psql");
            assert!(made.success(), "e2e: cannot create the role {APP_ROLE}");
            store.write(|tx| hairyo::store::pg::grant_app_role(tx, APP_ROLE)).expect("grant the app role");
            let host = rest.split_once('@').map(|(_, h)| h).unwrap_or(rest);
            format!("{scheme}://{APP_ROLE}@{host}")
        }
        _ => db.clone(),
    };
    drop(store);
    let directory = with_directory.then(|| Directory::start(dir.path()));
    let mut command = Command::new(&exe);
    command.args(["--db", &served_db, "serve", "--listen", "127.0.0.1:0", "--ui"]).arg(&ui);
    if let Some(d) = &directory {
        let conf = dir.path().join("hairyo.conf");
        std::fs::write(&conf, d.conf()).expect("hairyo.conf");
        command.arg("--config").arg(&conf);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("e2e: cannot start {}: {e}", exe.display()));
    let stdout = child.stdout.take().expect("server stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the server's first line");
    let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("e2e: the server said {line:?}")).to_string();
    Served { _child: Stopped(child), url, db, _directory: directory, _dir: dir }
}

/// The login role the browser tests' server connects as on PostgreSQL.
const APP_ROLE: &str = "hairyo_app_browser";

fn fresh_pg_database(server: &str) -> String {
    let name = format!("hairyo_browser_{}_{}", std::process::id(), free_port());
    let (base, _) = server.rsplit_once('/').expect("a URL with a database");
    let status = Command::new("psql").args([server, "-qc", &format!("CREATE DATABASE {name}")]).status().expect("psql");
    assert!(status.success(), "e2e: cannot create the database {name}");
    format!("{base}/{name}")
}

/// The desks, the administrator (with the demo password) and the demo's population.
pub fn seed_store(store: &mut hairyo::store::Store) {
    let now = chrono::Local::now().naive_local();
    hairyo::staff::init(store, now).expect("init the test database");
    let admin = hairyo::staff::set_initial_password(store, "admin", hairyo::demo::DEMO_PASSWORD, now).expect("set the administrator's password");
    hairyo::demo::generate(store, &admin, SEED_PERSONS, SEED, now).expect("seed demo data");
}

/// chromedriver on a free port, stopped when dropped.
pub struct ChromeDriver {
    _child: Stopped,
    port: u16,
    profiles: Vec<tempfile::TempDir>,
}

pub fn chromedriver() -> ChromeDriver {
    let exe = require("chromedriver (Debian package chromium-driver)", crate::on_path("chromedriver"));
    require("chromium (Debian package chromium)", crate::on_path("chromium"));
    crate::install_crypto_provider();
    let port = free_port();
    let child =
        Command::new(exe).arg(format!("--port={port}")).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "e2e: chromedriver does not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    ChromeDriver { _child: Stopped(child), port, profiles: Vec::new() }
}

impl ChromeDriver {
    /// A new headless Chromium with a profile of its own, at 1280 × 860 (a counter PC's window).
    pub async fn session(&mut self) -> WebDriver {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut caps = Capabilities::new();
        caps.set("browserName", "chrome").expect("capability");
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,860".into(),
            "--lang=ja".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        caps.set("goog:chromeOptions", serde_json::json!({"binary": "/usr/bin/chromium", "args": args})).expect("capability");
        self.profiles.push(profile);
        WebDriver::new(format!("http://127.0.0.1:{}", self.port), caps).await.unwrap_or_else(|e| panic!("e2e: no Chromium session: {e}"))
    }
}

/// Runs `scenario` in one new Chromium session on `url` within `limit`, then closes the browser
/// whether it passed or not, and fails as the scenario did.
pub async fn in_one_browser<F, Fut>(url: &str, limit: Duration, scenario: F)
where
    F: FnOnce(WebDriver, String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut chrome = chromedriver();
    let driver = chrome.session().await;
    let outcome = tokio::time::timeout(limit, tokio::spawn(scenario(driver.clone(), url.to_string()))).await;
    if let Err(e) = driver.quit().await {
        eprintln!("e2e: closing the browser failed: {e}");
    }
    drop(chrome);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Ok(Err(join)) => panic!("e2e: scenario task failed: {join}"),
        Err(_) => panic!("e2e: the scenario did not finish within {limit:?}"),
    }
}

/// The bytes behind a `blob:` URL the page made (what the server printed), read in the page.
pub async fn blob_bytes(driver: &WebDriver, url: &str) -> Vec<u8> {
    use base64::Engine;
    let script = "const [url, done] = arguments;
        fetch(url).then(r => r.arrayBuffer()).then(b => {
            const bytes = new Uint8Array(b); let s = '';
            for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            done(btoa(s));
        }).catch(e => done('error:' + e));";
    let answer = driver.execute_async(script, vec![serde_json::json!(url)]).await.expect("read the blob");
    let text: String = answer.convert().expect("a string");
    assert!(!text.starts_with("error:"), "e2e: cannot read {url}: {text}");
    base64::engine::general_purpose::STANDARD.decode(text).expect("base64 from the page")
}

/// The text of a PDF (pdftotext), from its bytes.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path: PathBuf = dir.path().join("printed.pdf");
    std::fs::write(&path, bytes).expect("write the PDF");
    let out = Command::new("pdftotext").args([Path::new(&path).as_os_str(), "-".as_ref()]).output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext reads what the server printed");
    String::from_utf8_lossy(&out.stdout).to_string()
}
