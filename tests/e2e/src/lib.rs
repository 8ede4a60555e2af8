//! The e2e harness: starts tauri-driver and the real Hairyo window (target/debug/hairyo-desktop)
//! on a test database, seeds it through the core, and drives it with WebDriver. The scenarios
//! are in `tests/window.rs`. It needs a display: run under Xvfb, as `./scripts/test-all.sh`
//! does. Missing tools are a failure, never a skip: a green run must mean the window was driven.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

pub mod browser;

pub const HOW_TO_RUN: &str = "run the README's test command, ./scripts/test-all.sh, which installs the tools and builds everything";
pub const SEED_PERSONS: i64 = 50;
pub const SEED: u64 = 7;
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
pub const SCENARIO_TIMEOUT: Duration = Duration::from_secs(120);
pub const WAIT: Duration = Duration::from_secs(20);

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root exists")
}

/// The cargo target directory: `CARGO_TARGET_DIR` (at run time, then at build time) or
/// `<workspace>/target`. A relative setting is taken from the workspace root, where the README's
/// commands run.
pub fn target_dir(root: &Path) -> PathBuf {
    let configured = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).or_else(|| option_env!("CARGO_TARGET_DIR").map(PathBuf::from));
    match configured {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

pub fn require(what: &str, found: Option<PathBuf>) -> PathBuf {
    match found {
        Some(p) => p,
        None => panic!("e2e: {what} not found; {HOW_TO_RUN}"),
    }
}

/// The TLS provider the WebDriver client's reqwest needs (the workspace builds it with
/// `rustls-no-provider`); installing it twice is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A port nobody listens on right now, so a stale driver from an earlier run cannot answer.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free local port")
}

/// tauri-driver, stopped with SIGTERM when dropped (also when the test panics). SIGKILL would
/// leave its WebKitWebDriver child running and holding the native port.
pub struct TauriDriver {
    child: Child,
    log: PathBuf,
}

impl TauriDriver {
    fn start(exe: &Path, port: u16, native_port: u16, db: &Path, env: &[(&str, &str)], log: PathBuf) -> TauriDriver {
        let out = std::fs::File::create(&log).expect("driver log file");
        let err = out.try_clone().expect("driver log file");
        let child = Command::new(exe)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("HAIRYO_DB", db)
            // The PC's client.conf is the one beside the test's database (absent unless the test
            // writes it), never this machine's /etc/hairyo/client.conf.
            .env("HAIRYO_CLIENT_CONF", db.with_file_name("client.conf"))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("e2e: cannot start {}: {e}; {HOW_TO_RUN}", exe.display()));
        TauriDriver { child, log }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) on the pid of a child we spawned and have not reaped yet.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Last resort, so a wedged driver cannot hang the test run forever.
        eprintln!("e2e: tauri-driver ignored SIGTERM for 10 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until tauri-driver and the WebKitWebDriver it starts both accept connections; asking
/// for a session before the native driver listens fails with a connection error.
pub fn wait_for_ports(ports: &[u16], driver: &mut TauriDriver) {
    let deadline = Instant::now() + Duration::from_secs(20);
    for &port in ports {
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("e2e: tauri-driver exited ({status}) before listening:\n{}", driver.log_text());
            }
            if Instant::now() > deadline {
                panic!("e2e: nothing listens on port {port} after 20 s:\n{}", driver.log_text());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Creates a database with the desks, the administrator and a small, fixed demo population.
pub fn seed(db: &Path) {
    let now = chrono::Local::now().naive_local();
    let mut store = hairyo::store::open(db).expect("open the test database");
    hairyo::staff::init(&mut store, now).expect("init the test database");
    let admin = hairyo::staff::set_initial_password(&mut store, "admin", hairyo::demo::DEMO_PASSWORD, now).expect("set the administrator's password");
    let summary = hairyo::demo::generate(&mut store, &admin, SEED_PERSONS, SEED, now).expect("seed demo data");
    assert_eq!(summary.persons, SEED_PERSONS);
}

/// Polls `probe` until it yields a value, or fails with `what` after `WAIT`.
pub async fn wait_until<T, F, Fut>(what: &str, probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    wait_longer(what, WAIT, probe).await
}

/// Like [`wait_until`], for steps known to be slow.
pub async fn wait_longer<T, F, Fut>(what: &str, wait: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + wait;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("e2e: timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

pub async fn text_of(driver: &WebDriver, css: &str) -> Option<String> {
    driver.find(By::Css(css)).await.ok()?.text().await.ok()
}

pub async fn rows(driver: &WebDriver) -> Vec<WebElement> {
    driver.find_all(By::Css("#person-table tr[data-person-id]")).await.unwrap_or_default()
}

/// Where the scenarios' screenshots go: `target/screenshots/` on every run, so the test command
/// leaves the checked-in tree as it found it; `docs/screenshots/` only when they are refreshed on
/// purpose (`HAIRYO_UPDATE_SCREENSHOTS=1`, as `scripts/update-screenshots.sh` sets it).
pub fn screenshot_dir() -> PathBuf {
    let root = workspace_root();
    if std::env::var_os("HAIRYO_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        root.join("docs/screenshots")
    } else {
        target_dir(&root).join("screenshots")
    }
}

pub async fn save_screenshot(driver: &WebDriver, name: &str) {
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    // Let the page paint what the DOM already holds: under load WebKit's snapshot can show a
    // frame from before the last update (a list still "読み込み中…" after its rows arrived).
    driver
        .execute_async("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));", vec![])
        .await
        .expect("wait for two animation frames");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = driver.screenshot_as_png().await.expect("take a screenshot");
    std::fs::write(dir.join(name), png).expect("write the screenshot");
}

/// Signs in on the sign-in screen: types the login and password and presses Enter.
pub async fn sign_in(driver: &WebDriver, login: &str, password: &str) {
    let login_box = wait_until("the sign-in form", || async { driver.find(By::Id("login")).await.ok() }).await;
    let title = text_of(driver, "#signin-title").await.unwrap_or_default();
    assert_eq!(title, "サインイン");
    login_box.send_keys(login).await.expect("type the login");
    let pw = driver.find(By::Id("password")).await.expect("password box");
    pw.send_keys(password).await.expect("type the password");
    pw.send_keys(Key::Enter).await.expect("press Enter");
}

/// Goes to 対象者 from the top navigation.
pub async fn open_persons(driver: &WebDriver) {
    let nav = wait_until("the 対象者 tab", || async { driver.find(By::Id("nav-persons")).await.ok() }).await;
    nav.click().await.expect("click 対象者");
}

/// Everything a test needs, located up front so a missing piece fails with a clear message.
pub struct Tools {
    app: PathBuf,
    tauri_driver: PathBuf,
}

/// The app the tests drive: `HAIRYO_APP_BINARY` (the installed package's
/// `/usr/bin/hairyo-desktop` in the packaging test), or this checkout's debug build.
pub fn app_binary() -> PathBuf {
    match std::env::var_os("HAIRYO_APP_BINARY").filter(|p| !p.is_empty()) {
        Some(installed) => PathBuf::from(installed),
        None => target_dir(&workspace_root()).join("debug/hairyo-desktop"),
    }
}

pub fn tools() -> Tools {
    let root = workspace_root();
    let app = app_binary();
    if !app.is_file() {
        panic!("e2e: {} is missing; {HOW_TO_RUN}", app.display());
    }
    let tauri_driver = require(
        "tauri-driver",
        on_path("tauri-driver").or_else(|| {
            let local = root.join(".tools/bin/tauri-driver");
            local.is_file().then_some(local)
        }),
    );
    require("WebKitWebDriver (Debian package webkit2gtk-driver)", on_path("WebKitWebDriver"));
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        panic!("e2e: no display; run under Xvfb (xvfb-run -a cargo test -p hairyo-e2e) or {HOW_TO_RUN}");
    }
    Tools { app, tauri_driver }
}

/// Starts tauri-driver and the app on `db`, runs `scenario` in the window, and tears it all
/// down again whether the scenario passed or not.
pub async fn with_window<F, Fut>(db: &Path, scenario: F)
where
    F: FnOnce(WebDriver) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    with_window_env(db, &[], scenario).await
}

/// Like [`with_window`], with extra environment for the app.
pub async fn with_window_env<F, Fut>(db: &Path, env: &[(&str, &str)], scenario: F)
where
    F: FnOnce(WebDriver) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let tools = tools();
    install_crypto_provider();
    let logs = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let native_port = free_port();
    let mut driver_process = TauriDriver::start(&tools.tauri_driver, port, native_port, db, env, logs.path().join("tauri-driver.log"));
    wait_for_ports(&[port, native_port], &mut driver_process);

    let mut caps = Capabilities::new();
    caps.set("browserName", "wry").expect("capability");
    caps.set("tauri:options", serde_json::json!({ "application": tools.app })).expect("capability");
    let session = match tokio::time::timeout(SESSION_TIMEOUT, WebDriver::new(format!("http://127.0.0.1:{port}"), caps)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => panic!("e2e: could not start the app through tauri-driver: {e}\n{}", driver_process.log_text()),
        Err(_) => panic!("e2e: no session within {SESSION_TIMEOUT:?}\n{}", driver_process.log_text()),
    };

    // The scenario runs as its own task so that a failed assertion still lets us close the
    // session (and with it the window) before the driver guard stops tauri-driver.
    let outcome = tokio::time::timeout(SCENARIO_TIMEOUT, tokio::spawn(scenario(session.clone()))).await;
    if let Err(e) = session.quit().await {
        eprintln!("e2e: closing the session failed: {e}");
    }
    if std::env::var_os("HAIRYO_E2E_LOG").is_some() {
        eprintln!("e2e: tauri-driver's log:\n{}", driver_process.log_text());
    }
    drop(driver_process);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Ok(Err(join)) => panic!("e2e: scenario task failed: {join}"),
        Err(_) => panic!("e2e: the scenario did not finish within {SCENARIO_TIMEOUT:?}"),
    }
}

/// The person the journeys work on: a 髙橋 (variant kanji), kokuho, no card, aged 66 (a 国保
/// member of 75 or over would belong to 後期).
pub fn seed_takahashi(db: &Path) -> i64 {
    add_takahashi(&mut hairyo::store::open(db).expect("open the test database"))
}

/// Adds 髙橋 花子 (see [`seed_takahashi`]) to an open store, of either engine.
pub fn add_takahashi(store: &mut hairyo::store::Store) -> i64 {
    let now = chrono::Local::now().naive_local();
    let admin = hairyo::staff::actor(store, "admin").expect("admin");
    let input = hairyo::person::PersonInput {
        atena_no: "900000001".into(),
        name: "髙橋　花子".into(),
        kana: "タカハシ　ハナコ".into(),
        birth_date: "昭和35年4月1日".into(),
        sex: "female".into(),
        postal_code: "100-0001".into(),
        address: "見本市中央1-1-1".into(),
        scheme: "kokuho".into(),
        mynumber_card: "none".into(),
        registration: "not_registered".into(),
        reasons: vec!["dementia".into()],
        ..Default::default()
    };
    hairyo::person::add(store, &admin, &input, now).expect("add 髙橋 花子").id
}

pub async fn click(driver: &WebDriver, css: &str) {
    // As a clerk would, wait until the control can be pressed: a button is disabled while the
    // screen finishes the previous step (reloading the record), and a click on it does nothing.
    let el = wait_until(&format!("{css} to be enabled"), || async {
        let el = driver.find(By::Css(css)).await.ok()?;
        el.is_enabled().await.ok()?.then_some(el)
    })
    .await;
    el.scroll_into_view().await.ok();
    el.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
}

pub async fn type_into(driver: &WebDriver, css: &str, text: &str) {
    let el = wait_until(css, || async { driver.find(By::Css(css)).await.ok() }).await;
    el.clear().await.ok();
    el.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

pub async fn select(driver: &WebDriver, css: &str, value: &str) {
    let el = wait_until(css, || async { driver.find(By::Css(css)).await.ok() }).await;
    // An option off screen cannot be chosen.
    el.scroll_into_view().await.ok();
    thirtyfour::components::SelectElement::new(&el).await.expect("a select").select_by_value(value).await.expect("select the option");
}

/// Waits for the result line of the last action and returns it; fails on an action error.
pub async fn action_result(driver: &WebDriver, expect: &str) -> String {
    wait_until(&format!("the result 「{expect}」"), || async {
        if let Some(err) = text_of(driver, "#action-error").await {
            panic!("the action failed: {err}");
        }
        text_of(driver, "#action-result").await.filter(|t| t.contains(expect))
    })
    .await
}

/// Types `query` and waits until the description says it was understood (`expect` in it).
pub async fn search_for(driver: &WebDriver, query: &str, expect: &str) -> Vec<String> {
    type_into(driver, "#person-search", query).await;
    wait_until(&format!("results for {query}"), || async {
        let d = text_of(driver, "#search-description").await.filter(|d| d.contains(expect))?;
        let names: Vec<String> = {
            let mut v = Vec::new();
            for row in rows(driver).await {
                if let Ok(el) = row.find(By::Css(".person-name")).await {
                    v.push(el.text().await.unwrap_or_default());
                }
            }
            v
        };
        (!d.is_empty() && !names.is_empty()).then_some(names)
    })
    .await
}

pub async fn sign_out(driver: &WebDriver) {
    click(driver, "#sign-out").await;
    wait_until("the sign-in form", || async { driver.find(By::Id("login")).await.ok() }).await;
}

/// Waits for the print result and returns the text of the PDF it wrote (pdftotext).
pub async fn printed_text(driver: &WebDriver, previous: &str) -> (String, String) {
    let path = wait_longer("the printed file", Duration::from_secs(60), || async {
        if let Some(err) = text_of(driver, "#print-error").await {
            panic!("printing failed: {err}");
        }
        text_of(driver, "#print-path").await.filter(|p| p.ends_with(".pdf") && p != previous)
    })
    .await;
    assert!(Path::new(&path).is_file(), "the PDF exists: {path}");
    let out = Command::new("pdftotext").args([path.as_str(), "-"]).output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext reads {path}");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    std::fs::remove_file(&path).ok();
    (text, path)
}

/// A protected person (支援措置) with a safe address, added through the core.
pub fn seed_protected(db: &Path) -> i64 {
    let now = chrono::Local::now().naive_local();
    let mut store = hairyo::store::open(db).expect("open the test database");
    let admin = hairyo::staff::actor(&store, "admin").expect("admin");
    let input = hairyo::person::PersonInput {
        atena_no: "900000077".into(),
        name: "保護　花子".into(),
        kana: "ホゴ　ハナコ".into(),
        birth_date: "1958-03-03".into(),
        sex: "female".into(),
        postal_code: "000-0005".into(),
        address: "見本市西町5番5号".into(),
        scheme: "kokuho".into(),
        protected: true,
        safe_postal_code: "000-0006".into(),
        safe_address: "見本市北町6番6号 見本会館".into(),
        ..Default::default()
    };
    hairyo::person::add(&mut store, &admin, &input, now).expect("add 保護 花子").id
}

pub fn stored_addresses(db: &Path, id: i64) -> (String, String, String, String, String) {
    // Read beside the domain, as the file holds it: the test checks what was stored, not shown.
    let store = hairyo::store::open_read_only(db).expect("open the file");
    store
        .conn()
        .query_row("SELECT postal_code, address, safe_postal_code, safe_address, phone FROM person WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("the person")
}

/// A facility with many residents, so that its batch takes seconds in a debug build.
pub fn seed_large_facility(db: &Path, residents: usize) -> i64 {
    let now = chrono::Local::now().naive_local();
    let mut store = hairyo::store::open(db).expect("open the test database");
    let admin = hairyo::staff::actor(&store, "admin").expect("admin");
    let facility = hairyo::facility::add(
        &mut store,
        &admin,
        &hairyo::facility::FacilityInput {
            name: "見本大規模ホーム".into(),
            kind: "elderly".into(),
            postal_code: "000-0009".into(),
            address: "見本市南町9番9号".into(),
            ..Default::default()
        },
        now,
    )
    .expect("add the facility");
    for i in 0..residents {
        let input = hairyo::person::PersonInput {
            atena_no: format!("9100{i:05}"),
            name: format!("入所　{}", ["一郎", "花子", "次郎", "春子"][i % 4]),
            kana: format!("ニュウショ　{}", ["イチロウ", "ハナコ", "ジロウ", "ハルコ"][i % 4]),
            birth_date: "1960-05-05".into(),
            sex: "female".into(),
            // マイナ保険証 holders of 国保: each needs a pre-filled application in the batch.
            scheme: "kokuho".into(),
            mynumber_card: "card".into(),
            registration: "registered".into(),
            facility_id: Some(facility.id),
            reasons: vec!["facility".into()],
            ..Default::default()
        };
        hairyo::person::add(&mut store, &admin, &input, now).expect("add a resident");
    }
    facility.id
}

pub fn print_event(db: &Path, facility: i64) -> Option<i64> {
    let store = hairyo::store::open_read_only(db).ok()?;
    store.conn().query_row("SELECT id FROM audit_event WHERE action = 'print' AND record_kind = 'facility' AND record_id = ?1", [facility], |r| r.get(0)).ok()
}
