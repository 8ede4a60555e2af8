//! The HTTP server (`hairyo serve`, package hairyo-server): the core behind a JSON HTTP API for the desks' PCs. The server holds the
//! database credentials; clients sign in with their staff accounts and get a session that
//! lives here and ends when idle. Each request runs one core operation
//! (`hairyo::operation::call`) as its signed-in staff member, so the access matrix, the audit
//! log and masking are the core's, unchanged. Handlers only authenticate, call and map the
//! error's code to an HTTP status.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDateTime;
use hairyo::codes::ErrorBody;
use hairyo::frame::Place;
use hairyo::staff::Actor;
use hairyo::store::{Location, Store};
use serde::Deserialize;
use serde_json::{json, Value};

/// The cookie a browser's session travels in.
const SESSION_COOKIE: &str = "hairyo_session";
/// The header a cookie-authenticated request must repeat its session's CSRF token in.
const CSRF_HEADER: &str = "x-csrf-token";

/// How `hairyo serve` was asked to run.
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub location: Location,
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Plain HTTP on a non-loopback address, behind the city's reverse proxy that terminates
    /// TLS.
    pub behind_proxy: bool,
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub session_lifetime: Duration,
    /// Database connections at most: requests beyond them wait their turn.
    pub connections: usize,
    /// Client connections open at once; one more is turned away.
    pub max_clients: usize,
    /// Requests being answered at once (event streams aside); one more is answered 503.
    pub max_requests: usize,
    /// A fixed clock for tests (`HAIRYO_NOW`); the real one otherwise.
    pub fixed_now: Option<NaiveDateTime>,
    /// The built UI (`ui/dist`) served to browsers at `/`; none serves the API only.
    pub ui_dir: Option<PathBuf>,
    /// The audit chain's key file, when the chain is keyed.
    pub audit_key_file: Option<PathBuf>,
    /// Where the database is backed up before a schema upgrade at start.
    pub backup_dir: PathBuf,
    /// The city's directory, when staff sign in with its accounts.
    pub directory: Option<hairyo::directory::DirectoryConfig>,
}

struct Server {
    location: Location,
    /// Open connections, taken by a request and put back after it.
    stores: Mutex<Vec<Store>>,
    /// One permit per connection the server may open, so that a burst of requests waits here
    /// instead of exhausting the database's `max_connections`.
    permits: Arc<tokio::sync::Semaphore>,
    /// One permit per request being answered; a request finding none is answered 503.
    in_flight: Arc<tokio::sync::Semaphore>,
    /// How long sessions last; the sessions themselves are in the database.
    sessions: hairyo::session::SessionPolicy,
    secure_cookie: bool,
    /// Behind the city's TLS-terminating proxy, whose `X-Forwarded-For` the log records.
    behind_proxy: bool,
    fixed_now: Option<NaiveDateTime>,
    /// Announcements of changes (JSON: kind, id, desks), for the live event streams.
    events: tokio::sync::broadcast::Sender<String>,
    /// What the pool's connections keep between requests (the home screen's parts).
    kept: Arc<hairyo::store::kept::Kept>,
    /// The audit chain's key, given to every connection the pool opens.
    audit_key: Option<hairyo::store::audit::AuditKey>,
    /// Where the pool's connections append their reads' audit events together.
    group_commit: Arc<hairyo::store::audit::GroupCommit>,
    ui_dir: Option<PathBuf>,
    /// The city's directory, when staff sign in with its accounts.
    directory: Option<Arc<hairyo::directory::DirectoryConfig>>,
    /// The UI's text files gzipped, each with a hash of the bytes it was made from: compressed
    /// once at the best level, not at every request, and again when the file changed.
    gzipped: Mutex<std::collections::HashMap<PathBuf, (u64, axum::body::Bytes)>>,
}

impl Server {
    fn now(&self) -> NaiveDateTime {
        self.fixed_now.unwrap_or_else(|| chrono::Local::now().naive_local())
    }

    /// Runs `f` on a connection of the pool (opening one when all are busy), off the async
    /// threads: the core is synchronous.
    async fn with_store<T: Send + 'static>(self: &Arc<Self>, f: impl FnOnce(&mut Store) -> Result<T, ErrorBody> + Send + 'static) -> Result<T, ErrorBody> {
        let server = self.clone();
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| busy())?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let taken = server.stores.lock().map_err(|_| busy())?.pop();
            let mut store = match taken {
                Some(s) => s,
                None => {
                    let mut opened = hairyo::store::open_location(&server.location)?;
                    opened.share_kept_results(server.kept.clone());
                    opened.share_group_commit(server.group_commit.clone());
                    if let Some(key) = &server.audit_key {
                        opened.use_audit_key(key.clone())?;
                    }
                    opened
                }
            };
            let result = f(&mut store);
            // A connection whose last statement failed on the engine is not reused: the next
            // request opens a fresh one. One handed back acts for no municipality: the next
            // request's staff member sets their own, and nothing of this one's carries over.
            if !matches!(&result, Err(e) if e.code == "store.db") && store.leave().is_ok() {
                if let Ok(mut pool) = server.stores.lock() {
                    pool.push(store);
                }
            }
            result
        })
        .await
        .map_err(|_| ErrorBody::new("serve.internal", "サーバー内部の処理が異常終了しました"))?
    }
}

fn busy() -> ErrorBody {
    ErrorBody::new("serve.internal", "サーバー内部の状態を読めません。サーバーを再起動してください")
}

/// A random token of 32 bytes, as hex.
fn token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The HTTP status for a core error's code: the client still branches on the code.
fn status_of(code: &str) -> StatusCode {
    let suffix = code.rsplit('.').next().unwrap_or(code);
    match (code, suffix) {
        (c, _) if c.starts_with("session.") => StatusCode::UNAUTHORIZED,
        ("staff.slow_down", _) => StatusCode::TOO_MANY_REQUESTS,
        ("staff.bad_credentials" | "staff.locked", _) => StatusCode::UNAUTHORIZED,
        ("directory.unavailable", _) => StatusCode::SERVICE_UNAVAILABLE,
        (c, _) if c.starts_with("directory.") && c != "directory.settings" => StatusCode::UNAUTHORIZED,
        (c, _) if c.starts_with("access.") || c.starts_with("csrf.") => StatusCode::FORBIDDEN,
        (_, "denied" | "admin_only" | "forbidden") => StatusCode::FORBIDDEN,
        (_, "not_found") => StatusCode::NOT_FOUND,
        (_, "bad_transition" | "changed_meanwhile" | "conflict" | "duplicate" | "taken") => StatusCode::CONFLICT,
        (c, _) if c.starts_with("command.") => StatusCode::BAD_REQUEST,
        (_, "invalid" | "empty" | "bad_count" | "too_long") => StatusCode::UNPROCESSABLE_ENTITY,
        ("serve.too_large", _) => StatusCode::PAYLOAD_TOO_LARGE,
        ("serve.timeout", _) => StatusCode::REQUEST_TIMEOUT,
        ("serve.busy", _) => StatusCode::SERVICE_UNAVAILABLE,
        (c, _) if c.starts_with("store.") || c.starts_with("serve.") => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn error_response(e: ErrorBody) -> Response {
    (status_of(&e.code), Json(json!({"code": e.code, "message": e.message, "fields": e.fields}))).into_response()
}

fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session token a request carries, and whether it came in the cookie (a bearer token
/// wins when both are sent).
fn session_token(headers: &HeaderMap) -> Option<(&str, bool)> {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    match bearer {
        Some(t) => Some((t, false)),
        None => cookie_value(headers, SESSION_COOKIE).map(|t| (t, true)),
    }
}

/// The session a request presents: its token, and whether the CSRF header must come with it
/// (a cookie on anything but a plain read: a browser sends cookies to any page that asks; only
/// this origin's script can read the token it repeats).
fn presented<'h>(method: &Method, headers: &'h HeaderMap) -> Result<hairyo::session::Presented<'h>, ErrorBody> {
    let Some((token, by_cookie)) = session_token(headers) else {
        return Err(ErrorBody::new("session.required", "サインインしてください"));
    };
    Ok(hairyo::session::Presented {
        token,
        csrf: headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()),
        csrf_required: by_cookie && method != Method::GET && method != Method::HEAD,
    })
}

/// The staff member a request acts as, as stored now, from its session in the database.
async fn authenticate(server: &Arc<Server>, method: &Method, headers: &HeaderMap) -> Result<Actor, ErrorBody> {
    let p = presented(method, headers)?;
    let (token, csrf, csrf_required) = (p.token.to_string(), p.csrf.map(str::to_string), p.csrf_required);
    let (policy, now, directory) = (server.sessions, server.now(), server.directory.clone());
    server
        .with_store(move |s| {
            let p = hairyo::session::Presented { token: &token, csrf: csrf.as_deref(), csrf_required };
            Ok(hairyo::session::resume(s, &p, &policy, directory.as_deref(), now)?)
        })
        .await
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": hairyo::VERSION}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    login: String,
    password: String,
}

async fn sign_in(
    State(server): State<Arc<Server>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    // Read as an operation's arguments are: small, within a time limit, with the same codes.
    let body = match arguments(&headers, body, SIGN_IN_LIMIT, ARGUMENTS_TIMEOUT).await {
        Ok(Value::Null) => return error_response(ErrorBody::new("command.invalid", "ログイン名とパスワードを JSON で送ってください")),
        Ok(v) => v,
        Err(e) => return error_response(e),
    };
    let input: SignIn = match serde_json::from_value(body) {
        Ok(i) => i,
        Err(e) => return error_response(ErrorBody::new("command.invalid", format!("サインインの引数が正しくありません: {e}"))),
    };
    let now = server.now();
    let address = client_address(&server, peer, &headers);
    let (policy, directory) = (server.sessions, server.directory.clone());
    let signed_in = server
        .with_store(move |s| {
            let actor = hairyo::directory::sign_in(s, directory.as_deref(), input.login.trim(), &input.password, Some(&address), now)?;
            let started = hairyo::session::start(s, &actor, &policy, now)?;
            Ok((actor, started))
        })
        .await;
    let (actor, hairyo::session::Started { token: session, csrf }) = match signed_in {
        Ok(a) => a,
        Err(e) => return error_response(e),
    };
    let secure = if server.secure_cookie { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict{secure}");
    let permissions = hairyo::staff::permissions(&actor);
    let mut response = Json(json!({"actor": actor, "permissions": permissions, "token": session, "csrf": csrf})).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    acted_as(&actor, response)
}

/// Signs the staff member out: every session of theirs ends, on every server, and their
/// event streams with them.
async fn sign_out(State(server): State<Arc<Server>>, method: Method, headers: HeaderMap) -> Response {
    let actor = match authenticate(&server, &method, &headers).await {
        Ok(a) => a,
        Err(e) => return error_response(e),
    };
    let (staff, now) = (actor.clone(), server.now());
    if let Err(e) = server.with_store(move |s| Ok(hairyo::session::end_all(s, &staff, now)?)).await {
        return acted_as(&actor, error_response(e));
    }
    let mut response = Json(json!({"signed_out": true})).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_static("hairyo_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    acted_as(&actor, response)
}

/// How large sign-in's JSON may be.
const SIGN_IN_LIMIT: usize = 16 * 1024;

/// How long a client may take to send a request's arguments, and a file import's.
const ARGUMENTS_TIMEOUT: Duration = Duration::from_secs(30);
const FILE_TIMEOUT: Duration = Duration::from_secs(300);

/// Reads a request's JSON arguments, at most `limit` bytes within `within`: the session has
/// been checked before this, so nobody signed out makes the server read or hold a body.
async fn arguments(headers: &HeaderMap, body: axum::body::Body, limit: usize, within: Duration) -> Result<Value, ErrorBody> {
    let too_large = || ErrorBody::new("serve.too_large", format!("要求が大きすぎます (この操作は {} KB まで)", limit / 1024));
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = match tokio::time::timeout(within, axum::body::to_bytes(body, limit)).await {
        Err(_) => return Err(ErrorBody::new("serve.timeout", "要求の本文の受信が時間内に終わりませんでした。もう一度送ってください")),
        Ok(Err(e)) if e.to_string().contains("length limit") => return Err(too_large()),
        Ok(Err(_)) => return Err(ErrorBody::new("command.invalid", "要求の本文を最後まで受け取れませんでした。もう一度送ってください")),
        Ok(Ok(b)) => b,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes).map_err(|e| ErrorBody::new("command.invalid", format!("引数の JSON を読めません: {e}")))
}

async fn operation(State(server): State<Arc<Server>>, Path(name): Path<String>, method: Method, headers: HeaderMap, body: axum::body::Body) -> Response {
    let actor = match authenticate(&server, &method, &headers).await {
        Ok(a) => a,
        Err(e) => return error_response(e),
    };
    let limit = hairyo::operation::arguments_limit(&name, &actor);
    let within = if limit > hairyo::operation::ARGUMENTS_LIMIT { FILE_TIMEOUT } else { ARGUMENTS_TIMEOUT };
    let arguments = match arguments(&headers, body, limit, within).await {
        Ok(v) => v,
        Err(e) => return acted_as(&actor, error_response(e)),
    };
    let now = server.now();
    let operation = match hairyo::operation::Operation::parse(&name, arguments) {
        Ok(op) => op,
        Err(e) => return acted_as(&actor, error_response(e)),
    };
    let announced = operation.is_announced();
    let acting = actor.clone();
    let result = server.with_store(move |s| hairyo::operation::run(s, &acting, operation, now)).await;
    let response = match result {
        Ok(value) => {
            if matches!(server.location, Location::File(_)) && announced {
                let _ = server.events.send(file_announcement(&name, &value).to_string());
            }
            Json(value).into_response()
        }
        Err(e) => error_response(e),
    };
    acted_as(&actor, response)
}

/// `POST /api/app_state`: what a browser's window frame needs, as the desktop app's
/// `app_state` gives it (`hairyo::frame::AppState`): who is signed in, what they may do, the
/// city's public settings, how many persons are on file. Without a live session it answers
/// with the signed-out frame (the sign-in screen), not an error.
async fn app_state(State(server): State<Arc<Server>>, method: Method, headers: HeaderMap) -> Response {
    // An account deactivated meanwhile sees the sign-in screen, as with no session.
    let actor = match authenticate(&server, &method, &headers).await {
        Ok(a) => Some(a),
        Err(e) if e.code.starts_with("session.") => None,
        Err(e) => return error_response(e),
    };
    let now = server.now();
    let idle = server.sessions.idle.num_seconds().max(0) as u64;
    let place = Place { db_path: "サーバー".to_string(), idle_lock_seconds: idle, needs_admin_password: false };
    let answer = server.with_store(move |s| Ok(hairyo::frame::app_state(s, actor, now, place)?)).await;
    match answer {
        Ok(v) => Json(v).into_response(),
        Err(e) => error_response(e),
    }
}

/// The content type of a file of the built UI, by its extension.
fn content_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// The policy a browser holds the UI to: scripts and styles from this server only, no
/// framing, PDFs shown from the blob URLs the UI makes of what the server printed.
const CSP: &str = "default-src 'self'; connect-src 'self' blob:; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
                   frame-src blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Whether a file of the built UI is text, which gzip shrinks to a fifth or less (the script
/// and stylesheet are most of what a sign-in page costs a clerk's browser).
fn compressible(path: &std::path::Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("html" | "js" | "css" | "svg" | "json"))
}

/// Whether the request's `Accept-Encoding` takes gzip: named (or `*`) without `q=0`.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else { return false };
    value.split(',').any(|part| {
        let mut pieces = part.split(';').map(str::trim);
        let name = pieces.next().unwrap_or("").to_ascii_lowercase();
        let refused = pieces.any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
        (name == "gzip" || name == "*") && !refused
    })
}

impl Server {
    /// `bytes` of the UI file at `path`, gzipped: from the cache while the file is unchanged.
    fn gzipped(&self, path: &std::path::Path, bytes: &[u8]) -> axum::body::Bytes {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let hash = hasher.finish();
        if let Some((h, gz)) = self.gzipped.lock().ok().and_then(|m| m.get(path).cloned()) {
            if h == hash {
                return gz;
            }
        }
        let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
        let gz = axum::body::Bytes::from(std::io::Write::write_all(&mut encoder, bytes).and_then(|()| encoder.finish()).expect("gzip into memory"));
        if let Ok(mut m) = self.gzipped.lock() {
            m.insert(path.to_path_buf(), (hash, gz.clone()));
        }
        gz
    }
}

/// A file of the built UI under `ui_dir` (`/` is `index.html`); nothing outside it, and no
/// path with a `..` or a hidden part. Text files go gzipped to a browser that takes it.
async fn ui_file(State(server): State<Arc<Server>>, uri: axum::http::Uri, headers: HeaderMap) -> Response {
    let Some(dir) = server.ui_dir.clone() else {
        return (StatusCode::NOT_FOUND, Json(json!({"code": "serve.not_found", "message": "ページがありません", "fields": []}))).into_response();
    };
    let wanted = uri.path().trim_start_matches('/');
    let wanted = if wanted.is_empty() { "index.html" } else { wanted };
    let safe = wanted.split('/').all(|part| !part.is_empty() && !part.starts_with('.') && !part.contains('\\'));
    let path = dir.join(wanted);
    let bytes = if safe { tokio::fs::read(&path).await.ok() } else { None };
    let Some(bytes) = bytes else {
        return (StatusCode::NOT_FOUND, Json(json!({"code": "serve.not_found", "message": "ページがありません", "fields": []}))).into_response();
    };
    let gzip = compressible(&path) && accepts_gzip(&headers);
    let mut response = if gzip { (StatusCode::OK, server.gzipped(&path, &bytes)).into_response() } else { (StatusCode::OK, bytes).into_response() };
    let h = response.headers_mut();
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    // A cache between the server and the browser keeps each encoding apart.
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The built assets carry a hash in their names; index.html must be fetched fresh.
    let cache = if wanted.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Whether an announcement concerns `actor`: it names the desk, names no desk (everyone), or
/// the actor oversees every desk.
fn concerns(payload: &str, actor: &Actor) -> bool {
    let Ok(v) = serde_json::from_str::<Value>(payload) else { return false };
    // Another municipality's announcement never reaches this one's desks (a SQLite file's
    // announcements name none: the file is one municipality).
    if v["municipality"].as_i64().is_some_and(|m| m != actor.municipality) {
        return false;
    }
    let desks: Vec<&str> = v["desks"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    desks.is_empty() || desks.contains(&actor.desk.code()) || hairyo::access::can(actor, hairyo::access::Permission::ChangeSettings)
}

/// What a server on a SQLite file announces after a change, as PostgreSQL's triggers announce
/// it from the database (migration 0015): a referral with its id, state and two desks, so that
/// only they (and administrators) are told; any other change to every desk.
fn file_announcement(name: &str, answer: &Value) -> Value {
    match name {
        "send_referral" | "referral_action" => {
            json!({"kind": "referral", "id": answer["id"], "status": answer["status"], "desks": [answer["from_desk"], answer["to_desk"]]})
        }
        _ => json!({"kind": "changed", "operation": name, "desks": []}),
    }
}

/// `GET /api/events`: server-sent events for the signed-in desk. It opens with `ready`, then
/// sends `change` with each announcement that concerns the desk (kind, id, status, desks: no
/// personal data) and `resync` when the server may have missed some (its database connection
/// dropped), upon which a client reloads what it shows. A client reconnects after a drop
/// (EventSource does so itself) and reloads then too.
async fn events(State(server): State<Arc<Server>>, method: Method, headers: HeaderMap) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let actor = match authenticate(&server, &method, &headers).await {
        Ok(a) => a,
        Err(e) => return error_response(e),
    };
    let staff = actor.clone();
    let token = session_token(&headers).map(|(t, _)| t.to_string()).unwrap_or_default();
    let receiver = server.events.subscribe();
    let first = futures_util::stream::once(async { Ok::<Event, std::convert::Infallible>(Event::default().event("ready").data("{}")) });
    // The stream asks every few seconds whether its session is still open: a sign-out, a
    // password change or a disabled account on any server ends it.
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let state = (receiver, actor, check, server.clone(), token);
    let changes = futures_util::stream::unfold(state, |(mut rx, actor, mut check, server, token)| async move {
        loop {
            let received = tokio::select! {
                r = rx.recv() => r,
                _ = check.tick() => {
                    let (t, policy, now) = (token.clone(), server.sessions, server.now());
                    let open = server.with_store(move |s| Ok(hairyo::session::is_open(s, &t, &policy, now)?)).await;
                    if !matches!(open, Ok(true)) {
                        return None;
                    }
                    continue;
                }
            };
            let event = match received {
                Ok(payload) if payload.contains("\"resync\"") => Event::default().event("resync").data(payload),
                Ok(payload) if concerns(&payload, &actor) => Event::default().event("change").data(payload),
                Ok(_) => continue,
                // A slow client missed announcements: it reloads.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => Event::default().event("resync").data("{\"kind\":\"resync\"}"),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            };
            return Some((Ok(event), (rx, actor, check, server, token)));
        }
    });
    use futures_util::StreamExt;
    acted_as(&staff, Sse::new(first.chain(changes)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response())
}

/// How often a live event stream checks that its session is still open.
const SESSION_CHECK: Duration = Duration::from_secs(5);

/// Passes the database's announcements (PostgreSQL LISTEN) to the event streams, reconnecting
/// after a failure and telling the clients to reload, since announcements made meanwhile are
/// lost.
fn relay_database_events(url: String, events: tokio::sync::broadcast::Sender<String>) {
    std::thread::spawn(move || {
        let mut reconnecting = false;
        loop {
            let relay = events.clone();
            // After a reconnection, once the server delivers again: whatever was announced
            // while nobody listened is lost, so every client reloads.
            let resync = events.clone();
            let result = hairyo::store::pg::listen(
                &url,
                move || {
                    if reconnecting {
                        let _ = resync.send(json!({"kind": "resync"}).to_string());
                    }
                },
                |payload| {
                    let _ = relay.send(payload.to_string());
                    true
                },
            );
            if let Err(e) = result {
                eprintln!("{}", json!({"event": "listen_failed", "code": e.code()}));
            }
            reconnecting = true;
            std::thread::sleep(Duration::from_millis(500));
        }
    });
}

/// Every other path under /api/: a session first, so nothing is learnt without one.
async fn api_fallback(State(server): State<Arc<Server>>, method: Method, headers: HeaderMap) -> Response {
    match authenticate(&server, &method, &headers).await {
        Err(e) => error_response(e),
        Ok(_) => error_response(ErrorBody::new("command.unknown", "この API はありません (docs/api.md を参照してください)")),
    }
}

/// A path outside the API is a file of the UI; under /api/ a session is asked for first, as
/// everywhere there.
async fn not_found(State(server): State<Arc<Server>>, uri: axum::http::Uri, method: Method, headers: HeaderMap) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return api_fallback(State(server), method, headers).await;
    }
    if method == Method::GET || method == Method::HEAD {
        return ui_file(State(server), uri, headers).await;
    }
    (StatusCode::NOT_FOUND, Json(json!({"code": "serve.not_found", "message": "ページがありません", "fields": []}))).into_response()
}

/// The client's address: the peer's, or behind the city's proxy the address the proxy says it
/// forwarded for (the proxy's own address would make every desk one client).
fn client_address(server: &Server, peer: SocketAddr, headers: &HeaderMap) -> String {
    forwarded_for(server, headers).unwrap_or_else(|| peer.ip().to_string())
}

/// Behind the city's proxy, the address it says it forwarded for: the last entry of the last
/// `X-Forwarded-For` header, the one the proxy itself added (HAProxy adds a header, nginx
/// appends to the list); whatever a client wrote before it is the client's word, not the
/// proxy's.
fn forwarded_for(server: &Server, headers: &HeaderMap) -> Option<String> {
    if !server.behind_proxy {
        return None;
    }
    let last = headers.get_all("x-forwarded-for").iter().rev().find_map(|v| v.to_str().ok())?;
    last.rsplit(',').next().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Who a request acted as, put on its response by the handler that authenticated it, for
/// the request log.
#[derive(Clone, Copy)]
struct ActedAs(i64);

/// `response`, marked with the staff member it was answered for.
fn acted_as(actor: &Actor, mut response: Response) -> Response {
    response.extensions_mut().insert(ActedAs(actor.staff_id));
    response
}

/// One line per request on stderr, as JSON: a request id (also sent back as `X-Request-Id`,
/// so a desk's report of an error can be found), the client's address (and, behind the city's
/// proxy, the address it forwarded for), method, path, status, time and the staff id when
/// there is one. Never a query string, a body, a login or a resident's data. Every answer
/// also gets the headers that keep it out of caches and from being sniffed as another type,
/// and HSTS when the desks reach the server over TLS.
async fn log_request(
    State(server): State<Arc<Server>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let forwarded = forwarded_for(&server, request.headers());
    let id = token()[..16].to_string();
    let start = Instant::now();
    let mut response = next.run(request).await;
    let staff = response.extensions().get::<ActedAs>().map(|a| a.0);
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if path == "/api" || path.starts_with("/api/") || path == "/health" {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if server.secure_cookie {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    eprintln!(
        "{}",
        json!({
            "request": id,
            "client": peer.ip().to_string(),
            "forwarded_for": forwarded,
            "staff": staff,
            "method": method.as_str(),
            "path": path,
            "status": response.status().as_u16(),
            "ms": (start.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0
        })
    );
    response
}

/// How long a client is asked to wait before trying again when the server is full.
const RETRY_AFTER_SECONDS: &str = "2";

/// Answers 503 with `Retry-After` when as many requests as allowed are being answered, so a
/// burst (or clients holding requests open) cannot queue work without bound. The live event
/// streams live as long as a desk's screen and are bounded by the clients' cap instead.
async fn limit_in_flight(State(server): State<Arc<Server>>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if request.uri().path() == "/api/events" {
        return next.run(request).await;
    }
    let Ok(_permit) = server.in_flight.clone().try_acquire_owned() else {
        let mut response = error_response(ErrorBody::new("serve.busy", "サーバーが混み合っています。少し待ってからもう一度操作してください"));
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
        return response;
    };
    next.run(request).await
}

/// Turns away a client connection beyond the cap: over plain HTTP with a 503 and
/// `Retry-After` written straight to the socket, over TLS by closing it (no handshake is
/// spent on it). A connection counts from its accept to its close, and one whose first bytes
/// (after TLS, its first request) do not come within [`HEADER_TIMEOUT`] is closed: a silent
/// client would otherwise hold its place for ever. `inner` is the TLS acceptor, or none.
#[derive(Clone)]
struct CappedClients<A> {
    open: Arc<tokio::sync::Semaphore>,
    plain: bool,
    inner: A,
}

/// A client's connection, holding its place under the cap until it is dropped, and closed if
/// nothing arrives on it before its deadline.
struct CountedStream<T> {
    stream: T,
    _place: tokio::sync::OwnedSemaphorePermit,
    first_bytes_by: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for CountedStream<T> {
    fn poll_read(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &mut tokio::io::ReadBuf<'_>) -> std::task::Poll<std::io::Result<()>> {
        use std::future::Future;
        let this = self.get_mut();
        let before = buf.filled().len();
        match std::pin::Pin::new(&mut this.stream).poll_read(cx, buf) {
            std::task::Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.first_bytes_by = None;
                }
                std::task::Poll::Ready(Ok(()))
            }
            std::task::Poll::Pending => {
                let overdue = this.first_bytes_by.as_mut().is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
                if overdue {
                    return std::task::Poll::Ready(Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "no request arrived")));
                }
                std::task::Poll::Pending
            }
            other => other,
        }
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for CountedStream<T> {
    fn poll_write(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &[u8]) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }
    fn poll_flush(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }
    fn poll_shutdown(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

impl<A, S> axum_server::accept::Accept<tokio::net::TcpStream, S> for CappedClients<A>
where
    A: axum_server::accept::Accept<tokio::net::TcpStream, S> + Clone + Send + Sync + 'static,
    A::Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    A::Service: Send + 'static,
    A::Future: Send + 'static,
    S: Send + 'static,
{
    type Stream = CountedStream<A::Stream>;
    type Service = A::Service;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<(CountedStream<A::Stream>, A::Service)>> + Send>>;

    fn accept(&self, stream: tokio::net::TcpStream, service: S) -> Self::Future {
        let (open, plain, inner) = (self.open.clone(), self.plain, self.inner.clone());
        Box::pin(async move {
            let _ = stream.set_nodelay(true);
            let place = match open.try_acquire_owned() {
                Ok(place) => place,
                Err(_) => {
                    if plain {
                        use tokio::io::AsyncWriteExt;
                        let body =
                            json!({"code": "serve.busy", "message": "サーバーへの接続が多すぎます。少し待ってからもう一度操作してください", "fields": []})
                                .to_string();
                        let answer = format!(
                            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {RETRY_AFTER_SECONDS}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let mut stream = stream;
                        let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer.as_bytes())).await;
                    }
                    return Err(std::io::Error::other("too many clients"));
                }
            };
            let (stream, service) = inner.accept(stream, service).await?;
            let first_bytes_by = Some(Box::pin(tokio::time::sleep(HEADER_TIMEOUT)));
            Ok((CountedStream { stream, _place: place, first_bytes_by }, service))
        })
    }
}

/// How long a client may take to send a request's head; a slow one is dropped.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/api/sign_in", post(sign_in))
        .route("/api/sign_out", post(sign_out))
        .route("/api/events", get(events))
        .route("/api/app_state", post(app_state))
        .route("/api/{name}", post(operation).fallback(api_fallback))
        .fallback(not_found)
        // Sign-in's JSON is small; an operation reads its own body after the session is
        // checked, up to what the operation and the staff member allow
        // (`operation::arguments_limit`).
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn_with_state(server.clone(), limit_in_flight))
        .layer(axum::middleware::from_fn_with_state(server.clone(), log_request))
        .with_state(server)
}

/// Refuses what would expose the desks: plain HTTP beyond this machine unless a reverse proxy
/// in front terminates TLS.
fn check_options(o: &ServeOptions) -> Result<(), ErrorBody> {
    if o.tls.is_none() && !o.listen.ip().is_loopback() && !o.behind_proxy {
        return Err(ErrorBody::new(
            "serve.needs_tls",
            format!("{} で待ち受けるには TLS が必要です。--tls-cert と --tls-key を指定するか、TLS を終端するリバースプロキシの背後なら --behind-proxy を付けてください", o.listen),
        ));
    }
    Ok(())
}

/// Runs the server until SIGINT or SIGTERM, then finishes the requests in flight.
pub fn run(options: ServeOptions) -> Result<(), ErrorBody> {
    check_options(&options)?;
    let (first, audit_key) = open_first(&options)?;
    let server = shared_state(&options, first, audit_key);
    if let Location::Server(url) = &options.location {
        relay_database_events(url.clone(), server.events.clone());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The core's work runs on blocking threads, one per database connection at most.
        .max_blocking_threads(options.connections + 8)
        .build()
        .map_err(|e| ErrorBody::new("serve.start", format!("サーバーを起動できません: {e}")))?;
    let app = router(server.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let result = runtime.block_on(listen(&options, app));
    // The pool's PostgreSQL clients run their own small runtimes, which may not be dropped
    // inside this one: they are closed here, after it has stopped.
    drop(runtime);
    if let Ok(mut pool) = server.stores.lock() {
        pool.clear();
    }
    result
}

/// The first connection, which proves the database is there (and migrates it, over the
/// owner's URL) before the port opens, with the audit key if one is given.
fn open_first(options: &ServeOptions) -> Result<(Store, Option<hairyo::store::audit::AuditKey>), ErrorBody> {
    let mut first = hairyo::store::open_location_upgrading(&options.location, &options.backup_dir)?;
    let audit_key = options.audit_key_file.as_deref().map(hairyo::store::audit::read_key_file).transpose()?;
    if let Some(key) = &audit_key {
        first.use_audit_key(key.clone())?;
    }
    if let Some(upgrade) = first.upgrade() {
        eprintln!("{}", json!({"event": "schema_upgrade", "from": upgrade.from, "to": upgrade.to, "backup": upgrade.backup.display().to_string()}));
        eprintln!("{upgrade}");
    }
    if !first.is_initialised()? {
        return Err(hairyo::store::StoreError::NotInitialised.into());
    }
    if let Some(why) = hairyo::store::pg::serving_role_refusal(&first)? {
        return Err(ErrorBody::new("serve.privileged_role", why));
    }
    // Every door of this database learns that its staff sign in with the directory (a server
    // started without it leaves that as it is: only an administrator takes it back).
    if let Some(directory) = &options.directory {
        hairyo::directory::record_in_use(&mut first, directory)?;
    }
    Ok((first, audit_key))
}

/// What every request shares: the pool (starting with `first`), what is kept between calls,
/// the session policy, the limits and the event channel.
fn shared_state(options: &ServeOptions, mut first: Store, audit_key: Option<hairyo::store::audit::AuditKey>) -> Arc<Server> {
    let kept = first.kept_results();
    let group_commit = Arc::new(hairyo::store::audit::GroupCommit::default());
    first.share_group_commit(group_commit.clone());
    Arc::new(Server {
        kept,
        audit_key,
        group_commit,
        ui_dir: options.ui_dir.clone(),
        directory: options.directory.clone().map(Arc::new),
        gzipped: Mutex::new(std::collections::HashMap::new()),
        location: options.location.clone(),
        stores: Mutex::new(vec![first]),
        sessions: hairyo::session::SessionPolicy {
            idle: chrono::Duration::from_std(options.session_idle).unwrap_or(chrono::Duration::minutes(30)),
            lifetime: chrono::Duration::from_std(options.session_lifetime).unwrap_or(chrono::Duration::hours(10)),
        },
        permits: Arc::new(tokio::sync::Semaphore::new(options.connections)),
        in_flight: Arc::new(tokio::sync::Semaphore::new(options.max_requests)),
        secure_cookie: options.tls.is_some() || options.behind_proxy,
        behind_proxy: options.behind_proxy,
        fixed_now: options.fixed_now,
        events: tokio::sync::broadcast::channel(1024).0,
    })
}

/// Binds the address, says where it listens, and serves until SIGTERM or SIGINT (then ten
/// seconds' grace).
async fn listen(options: &ServeOptions, app: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr>) -> Result<(), ErrorBody> {
    let listen_error = |e: std::io::Error| ErrorBody::new("serve.listen", format!("{} で待ち受けられません: {e}", options.listen));
    let listener = std::net::TcpListener::bind(options.listen).map_err(listen_error)?;
    listener.set_nonblocking(true).map_err(|e| ErrorBody::new("serve.listen", e.to_string()))?;
    let addr = listener.local_addr().map_err(|e| ErrorBody::new("serve.listen", e.to_string()))?;
    let scheme = if options.tls.is_some() { "https" } else { "http" };
    // The first line on stdout says where the server listens (a test or a unit file reads it).
    println!("listening on {scheme}://{addr}");
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        eprintln!("{}", json!({"event": "shutdown", "grace_seconds": 10}));
        shutdown.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let open = Arc::new(tokio::sync::Semaphore::new(options.max_clients));
    let served = match &options.tls {
        Some((cert, key)) => serve_tls(listener, cert, key, open, handle, app).await?,
        None => {
            let inner = axum_server::accept::DefaultAcceptor::new();
            let mut server = axum_server::from_tcp(listener).acceptor(CappedClients { open, plain: true, inner });
            server.http_builder().http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
            server.handle(handle).serve(app).await
        }
    };
    served.map_err(|e| ErrorBody::new("serve.failed", format!("サーバーが停止しました: {e}")))
}

/// Serves over TLS with the city's certificate and key (PEM files), by rustls.
async fn serve_tls(
    listener: std::net::TcpListener,
    cert: &std::path::Path,
    key: &std::path::Path,
    open: Arc<tokio::sync::Semaphore>,
    handle: axum_server::Handle,
    app: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
) -> Result<std::io::Result<()>, ErrorBody> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|e| ErrorBody::new("serve.tls", format!("証明書または秘密鍵を読めません ({}, {}): {e}", cert.display(), key.display())))?;
    let tls = axum_server::tls_rustls::RustlsAcceptor::new(config);
    let mut server = axum_server::from_tcp(listener).acceptor(CappedClients { open, plain: false, inner: tls });
    server.http_builder().http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
    Ok(server.handle(handle).serve(app).await)
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => {
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI goes gzipped only to a client that takes it; `q=0` refuses an encoding.
    #[test]
    fn gzip_is_sent_only_where_accepted() {
        let with = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
            accepts_gzip(&h)
        };
        for (value, want) in [
            ("gzip, deflate, br, zstd", true),
            ("br;q=1.0, gzip;q=0.8", true),
            ("*", true),
            ("GZIP", true),
            ("identity", false),
            ("gzip;q=0", false),
            ("br, gzip; q=0.0", false),
            ("", false),
        ] {
            assert_eq!(with(value), want, "{value:?}");
        }
        assert!(!accepts_gzip(&HeaderMap::new()), "no header: as it is");
        assert!(compressible(std::path::Path::new("assets/index-abc.js")) && !compressible(std::path::Path::new("assets/font.woff2")));
    }

    #[test]
    fn codes_map_to_statuses_clients_expect() {
        for (code, status) in [
            ("session.required", 401),
            ("session.expired", 401),
            ("staff.bad_credentials", 401),
            ("access.denied", 403),
            ("csrf.missing", 403),
            ("store.not_found", 404),
            ("referral.bad_transition", 409),
            ("store.changed_meanwhile", 409),
            ("command.unknown", 400),
            ("person.invalid", 422),
            ("store.db", 500),
        ] {
            assert_eq!(status_of(code).as_u16(), status, "{code}");
        }
    }

    #[test]
    fn plain_http_beyond_loopback_needs_a_proxy() {
        let o = |listen: &str, behind_proxy| ServeOptions {
            listen: listen.parse().unwrap(),
            location: Location::File("x.db".into()),
            tls: None,
            behind_proxy,
            session_idle: Duration::from_secs(60),
            session_lifetime: Duration::from_secs(600),
            connections: 4,
            max_clients: 10,
            max_requests: 10,
            fixed_now: None,
            ui_dir: None,
            audit_key_file: None,
            directory: None,
            backup_dir: "backups".into(),
        };
        assert_eq!(check_options(&o("0.0.0.0:8443", false)).unwrap_err().code, "serve.needs_tls");
        assert!(check_options(&o("0.0.0.0:8443", true)).is_ok());
        assert!(check_options(&o("127.0.0.1:8443", false)).is_ok());
    }
}
