//! `hairyo serve` over real HTTP: the binary started as a city would start it (on SQLite, or
//! on the PostgreSQL test server as the app role in the PostgreSQL pass), and clients that speak
//! plain HTTP/1.1 over a socket, so nothing of the server's own code is on the client side.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const PASSWORD: &str = hairyo::demo::DEMO_PASSWORD;

/// A running `hairyo serve`, stopped with SIGTERM when dropped.
struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        terminate(&self.child);
        let _ = self.child.wait();
    }
}

fn terminate(child: &Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).stderr(Stdio::null()).status();
}

fn cli(db: &str, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HAIRYO_PASSWORD", PASSWORD)
        .env_remove("HAIRYO_AS")
        .env_remove("HAIRYO_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A database with the demo's staff and persons: a temp SQLite file, or a fresh database on the
/// PostgreSQL test server reached as the app role.
fn database(dir: &Path) -> String {
    let db = match crate::common::pg_server() {
        Some(server) => crate::common::fresh_pg_app_database(&server),
        None => dir.join("served.db").to_str().unwrap().to_string(),
    };
    cli(&db, &["init"]);
    cli(&db, &["demo", "--persons", "60", "--seed", "4"]);
    db
}

fn serve(db: &str, extra: &[&str]) -> Served {
    let mut args = vec!["--db", db, "serve", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    serve_with(&args)
}

/// Starts `hairyo` with `args` and waits for its first line, which says where it listens.
fn serve_with(args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hairyo")).args(args).env_remove("HAIRYO_DB").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.split_once("://"))
        .map(|(_, a)| a.to_string())
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    Served { child, addr }
}

/// One request; the status and the body as JSON.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> (u16, Value, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null), head.to_string())
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

fn sign_in(addr: &str, login: &str) -> Value {
    let (status, body, _) = request(addr, "POST", "/api/sign_in", &[], Some(&json!({"login": login, "password": PASSWORD})));
    assert_eq!(status, 200, "{login}: {body}");
    body
}

fn call(addr: &str, token: &str, op: &str, args: Value) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    let (status, body, _) = request(addr, "POST", &format!("/api/{op}"), &[("Authorization", &bearer)], Some(&args));
    (status, body)
}

/// Two desks on one server: the 介護 caseworker's referral is in the 国保 clerk's queue at once;
/// nothing under /api/ answers without a session, a forged or expired one, or a cookie without
/// its CSRF token; the core's refusals arrive with their codes.
#[test]
fn two_desks_share_one_server_and_nothing_answers_without_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.as_str();

    let (status, body, _) = request(addr, "GET", "/health", &[], None);
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    for (method, path) in [("POST", "/api/home"), ("GET", "/api/home"), ("GET", "/api/no/such/thing"), ("DELETE", "/api")] {
        let (status, body, _) = request(addr, method, path, &[], None);
        assert_eq!((status, body["code"].as_str()), (401, Some("session.required")), "{method} {path}");
    }
    let (status, body) = call(addr, "0123456789abcdef", "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.invalid")));
    let (status, body, _) = request(addr, "POST", "/api/sign_in", &[], Some(&json!({"login": "kaigo1", "password": "wrong"})));
    assert_eq!((status, body["code"].as_str()), (401, Some("staff.bad_credentials")));

    // The frame answers without a session too: the sign-in screen, with the era table every
    // date is shown in.
    let (status, frame, _) = request(addr, "POST", "/api/app_state", &[], Some(&json!({})));
    assert_eq!((status, frame["actor"].is_null(), frame["permissions"].as_array().map(Vec::len)), (200, true, Some(0)), "{frame}");
    assert_eq!(frame["eras"].as_array().and_then(|e| e.last()).map(|e| e["name"].clone()), Some(json!("令和")), "{frame}");

    let caseworker = sign_in(addr, "kaigo1");
    let clerk = sign_in(addr, "kokuho1");
    let (cw, ck) = (caseworker["token"].as_str().unwrap(), clerk["token"].as_str().unwrap());
    assert_ne!(cw, ck);
    let (status, frame) = call(addr, cw, "app_state", json!({}));
    assert_eq!((status, frame["actor"]["login"].as_str()), (200, Some("kaigo1")), "{frame}");
    assert!(frame["permissions"].as_array().is_some_and(|p| p.contains(&json!("send_referral"))), "{frame}");
    assert!(frame["persons"].as_i64().is_some_and(|n| n > 0), "{frame}");
    let (status, persons) = call(addr, cw, "list_persons", json!({"limit": 50}));
    assert_eq!(status, 200, "{persons}");
    let person = persons["items"].as_array().unwrap().iter().find(|p| p["scheme"] == "kokuho").expect("a 国保 member in the demo").clone();
    let reason = format!("サーバー経由の連携 {}", std::process::id());
    let (status, sent) = call(addr, cw, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": person["id"], "reason": reason}}));
    assert_eq!(status, 200, "{sent}");
    let start = Instant::now();
    let (status, queue) = call(addr, ck, "referral_queue", json!({"status": "sent", "limit": 500}));
    assert_eq!(status, 200, "{queue}");
    assert!(queue["items"].as_array().unwrap().iter().any(|r| r["id"] == sent["id"]), "the clerk's queue lacks the referral");
    assert!(start.elapsed() < Duration::from_secs(2));
    let (status, accepted) = call(addr, ck, "referral_action", json!({"id": sent["id"], "action": {"action": "accept"}}));
    assert_eq!((status, accepted["status"].as_str()), (200, Some("accepted")), "{accepted}");
    let (status, again) = call(addr, ck, "referral_action", json!({"id": sent["id"], "action": {"action": "accept"}}));
    assert_eq!((status, again["code"].as_str()), (409, Some("referral.bad_transition")), "{again}");

    // The core decides what a desk may do, over HTTP as everywhere.
    let (status, refused) = call(addr, cw, "application_step", json!({"id": 1, "step": {"step": "decide"}}));
    assert_eq!(status, 403, "{refused}");
    let (status, unknown) = call(addr, ck, "drop_everything", json!({}));
    assert_eq!((status, unknown["code"].as_str()), (400, Some("command.unknown")));
    let (status, bad) = call(addr, ck, "home", json!({"desk": "kaigo"}));
    assert_eq!((status, bad["code"].as_str()), (400, Some("command.invalid")));

    // A browser's cookie counts only with the session's CSRF token beside it.
    let cookie = format!("hairyo_session={ck}");
    let (status, body, _) = request(addr, "POST", "/api/home", &[("Cookie", &cookie)], Some(&json!({})));
    assert_eq!((status, body["code"].as_str()), (403, Some("csrf.missing")));
    let csrf = clerk["csrf"].as_str().unwrap();
    let (status, home, _) = request(addr, "POST", "/api/home", &[("Cookie", &cookie), ("X-CSRF-Token", csrf)], Some(&json!({})));
    assert_eq!(status, 200, "{home}");
    assert!(home["counts"]["referrals_to_review"].as_i64().is_some(), "{home}");

    // An account deactivated meanwhile is signed out at its next request.
    let store = hairyo::store::open_location(&hairyo::store::Location::parse(&db)).unwrap();
    store.enter(hairyo::store::FIRST_MUNICIPALITY).unwrap();
    store.conn().execute("UPDATE staff SET active = 0 WHERE login = 'kaigo1'", []).unwrap();
    let (status, body) = call(addr, cw, "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.invalid")), "{body}");
    let (status, body) = call(addr, cw, "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.invalid")), "{body}");
    let (status, frame) = call(addr, cw, "app_state", json!({}));
    assert_eq!((status, frame["actor"].is_null()), (200, true), "the sign-in screen again: {frame}");

    // On PostgreSQL every connection the server holds is encrypted (the test command's cluster
    // runs with TLS; PGSSLMODE=verify-full).
    if db.starts_with("postgres") {
        let mut pg = hairyo::store::raw::RawSession::server(&db).unwrap();
        let row = pg
            .rows(
                "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
                   FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                  WHERE a.application_name = 'hairyo' AND a.datname = current_database()",
            )
            .unwrap();
        let count = |i: usize| row[0][i].as_deref().unwrap_or("0").parse::<i64>().unwrap();
        let (encrypted, plain): (i64, i64) = (count(0), count(1));
        assert!(encrypted > 0 && plain == 0, "{encrypted} encrypted, {plain} plain connections from the server");
    }

    let (status, _) = call(addr, ck, "sign_out", json!({}));
    assert_eq!(status, 200);
    let (status, body) = call(addr, ck, "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.invalid")));
}

/// A session ends after the idle time; the server stops on SIGTERM and says where it listened.
#[test]
fn an_idle_session_expires_and_sigterm_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let mut served = serve(&db, &["--session-idle", "1"]);
    let addr = served.addr.clone();
    let token = sign_in(&addr, "kokuho1")["token"].as_str().unwrap().to_string();
    assert_eq!(call(&addr, &token, "home", json!({})).0, 200);
    std::thread::sleep(Duration::from_millis(1500));
    let (status, body) = call(&addr, &token, "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.expired")));
    terminate(&served.child);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = served.child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

/// Plain HTTP beyond this machine is refused unless a TLS-terminating proxy is in front.
#[test]
fn plain_http_beyond_loopback_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let db = db.to_str().unwrap();
    cli(db, &["init"]);
    let out = Command::new(env!("CARGO_BIN_EXE_hairyo")).args(["--db", db, "serve", "--listen", "0.0.0.0:0"]).env_remove("HAIRYO_DB").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("serve.needs_tls"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// With the city's certificate and key the server speaks TLS only: curl, trusting that
/// certificate, signs in over HTTPS, and a plain-HTTP request to the same port gets no answer.
#[test]
fn tls_from_the_citys_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let (cert, key) = (dir.path().join("server.crt"), dir.path().join("server.key"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (scripts/setup.sh installs it)");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let served = serve(&db, &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    let port = served.addr.rsplit(':').next().unwrap().to_string();
    let body = json!({"login": "kokuho1", "password": PASSWORD}).to_string();
    let out = Command::new("curl")
        .args(["-s", "-D", "-", "--cacert"])
        .arg(&cert)
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1"), "-H", "content-type: application/json", "-d", &body])
        .arg(format!("https://localhost:{port}/api/sign_in"))
        .output()
        .expect("curl (scripts/setup.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_default();
    let answer: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    assert_eq!(answer["actor"]["login"], "kokuho1", "{}", String::from_utf8_lossy(&out.stderr));
    assert!(head.to_ascii_lowercase().contains("strict-transport-security: max-age="), "HSTS under TLS: {head}");
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"])
        .arg(format!("http://{}/health", served.addr))
        .output()
        .unwrap();
    assert_ne!(String::from_utf8_lossy(&out.stdout), "200", "plain HTTP was answered on the TLS port");
}

/// Reads server-sent events from a stream until `want` says one is found or `within` passes;
/// the events seen, as (name, data).
fn read_events(stream: &mut TcpStream, within: Duration, want: impl Fn(&str, &str) -> bool) -> Vec<(String, String)> {
    let start = Instant::now();
    let mut seen = Vec::new();
    let mut buffer = String::new();
    let mut chunk = [0u8; 4096];
    while start.elapsed() < within {
        stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buffer.push_str(&String::from_utf8_lossy(&chunk[..n])),
            Err(_) => {}
        }
        // Chunked transfer frames the stream; the events are the lines `event:` and `data:`.
        let mut name = String::new();
        for line in buffer.lines() {
            if let Some(e) = line.strip_prefix("event:") {
                name = e.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                let item = (name.clone(), d.trim().to_string());
                if !seen.contains(&item) {
                    seen.push(item);
                }
            }
        }
        if seen.iter().any(|(n, d)| want(n, d)) {
            break;
        }
    }
    seen
}

/// A referral sent at the 介護 desk reaches the 国保 desk's open event stream as it happens
/// (PostgreSQL LISTEN/NOTIFY in the PostgreSQL pass, the server's own announcement on a file),
/// well within a second, without a reload.
#[test]
fn a_referral_reaches_the_other_desks_event_stream_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.as_str();
    let (cw, ck) = (sign_in(addr, "kaigo1"), sign_in(addr, "kokuho1"));
    let (cw, ck) = (cw["token"].as_str().unwrap().to_string(), ck["token"].as_str().unwrap().to_string());
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ck}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    let opened = read_events(&mut stream, Duration::from_secs(5), |n, _| n == "ready");
    assert!(opened.iter().any(|(n, _)| n == "ready"), "the stream did not open: {opened:?}");

    let (_, persons) = call(addr, &cw, "list_persons", json!({"limit": 50}));
    let person = persons["items"].as_array().unwrap().iter().find(|p| p["scheme"] == "kokuho").unwrap().clone();
    let sent_at = Instant::now();
    let (status, sent) = call(addr, &cw, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": person["id"], "reason": "至急の連携"}}));
    assert_eq!(status, 200, "{sent}");
    let seen = read_events(&mut stream, Duration::from_secs(2), |n, _| n == "change");
    let took = sent_at.elapsed();
    let change = seen.iter().find(|(n, _)| n == "change").unwrap_or_else(|| panic!("no change within 2 s: {seen:?}"));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    let data: Value = serde_json::from_str(&change.1).unwrap();
    if crate::common::pg_server().is_some() {
        assert_eq!((data["kind"].as_str(), data["id"].as_i64()), (Some("referral"), sent["id"].as_i64()), "{data}");
        assert!(data["desks"].as_array().unwrap().iter().any(|d| d == "kokuho"), "{data}");
        // The server's LISTEN connection drops (a restart of the database, a network cut): it
        // reconnects and tells the clients to reload, and announcements flow again.
        let mut pg = hairyo::store::raw::RawSession::server(&db).unwrap();
        let killed =
            pg.integer("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'").unwrap();
        assert_eq!(killed, 1, "the server's LISTEN connection");
        let seen = read_events(&mut stream, Duration::from_secs(5), |n, _| n == "resync");
        assert!(seen.iter().any(|(n, _)| n == "resync"), "no resync after the drop: {seen:?}");
        let (_, again) =
            call(addr, &cw, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": person["id"], "reason": "再接続後の連携"}}));
        let is_it = |n: &str, d: &str| n == "change" && serde_json::from_str::<Value>(d).is_ok_and(|v| v["id"] == again["id"]);
        let seen = read_events(&mut stream, Duration::from_secs(3), is_it);
        assert!(seen.iter().any(|(n, d)| is_it(n, d)), "{seen:?}");
    }
    // Announcements carry no person's data.
    assert!(!change.1.contains(person["name"].as_str().unwrap()), "{}", change.1);
    // Without a session there is no stream.
    let (status, _, _) = request(addr, "GET", "/api/events", &[], None);
    assert_eq!(status, 401);
}

/// The server killed with SIGKILL while desks write: every write it acknowledged is in the
/// database after a restart, and a client that signs in again carries on (sessions live in
/// the server's memory, so the restart asks everyone to sign in again: 401 `session.invalid`).
#[test]
fn sigkill_of_the_server_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let mut served = serve(&db, &[]);
    let addr = served.addr.clone();
    let token = sign_in(&addr, "kaigo1")["token"].as_str().unwrap().to_string();
    let (_, persons) = call(&addr, &token, "list_persons", json!({"limit": 1}));
    let person_id = persons["items"][0]["id"].clone();
    let marker = format!("kill-test-{}", std::process::id());
    let writer = {
        let (addr, token, marker, person_id) = (addr.clone(), token.clone(), marker.clone(), person_id.clone());
        std::thread::spawn(move || {
            let mut acknowledged = Vec::new();
            for i in 0..10_000 {
                let input = json!({"input": {"person_id": person_id, "date": "2026-11-20", "kind": "visit", "notes": format!("{marker}-{i}")}});
                let bearer = format!("Bearer {token}");
                let sent = std::panic::catch_unwind(|| request(&addr, "POST", "/api/add_touchpoint", &[("Authorization", &bearer)], Some(&input)));
                match sent {
                    Ok((200, _, _)) => acknowledged.push(i),
                    _ => break,
                }
            }
            acknowledged
        })
    };
    std::thread::sleep(Duration::from_millis(700));
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    let acknowledged = writer.join().unwrap();
    assert!(acknowledged.len() >= 3, "too few writes before the kill: {}", acknowledged.len());

    // The session is in the database: the desk goes on after the restart without signing in.
    let served = serve(&db, &[]);
    let addr = served.addr.clone();
    let (status, body) = call(&addr, &token, "home", json!({}));
    assert_eq!(status, 200, "the session survived the restart: {body}");
    let (status, record) = call(&addr, &token, "show_person", json!({"id": person_id}));
    assert_eq!(status, 200, "{record}");
    let store = hairyo::store::open_location(&hairyo::store::Location::parse(&db)).unwrap();
    store.enter(hairyo::store::FIRST_MUNICIPALITY).unwrap();
    let stored: Vec<String> = store
        .conn()
        .prepare("SELECT notes FROM touchpoint WHERE notes LIKE ?1")
        .unwrap()
        .query_map([format!("{marker}-%")], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for i in &acknowledged {
        assert!(stored.contains(&format!("{marker}-{i}")), "acknowledged write {i} is missing after the kill");
    }
    // At most the one write in flight at the kill landed without its answer.
    assert!(stored.len() <= acknowledged.len() + 1, "{} stored, {} acknowledged", stored.len(), acknowledged.len());
}

/// `hairyo loadtest` runs its simulated desks against a server and reports every kind of
/// request with no error (the figures of docs/performance.md come from a longer run).
#[test]
fn the_load_test_runs_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    // Eight clients, two database connections: the rest wait their turn at the server.
    let served = serve(&db, &["--connections", "2"]);
    let out = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--json", "loadtest", "--server", &format!("http://{}", served.addr), "--clients", "8", "--seconds", "2", "--think-ms", "0"])
        .env("HAIRYO_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds = report["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), 5, "{report}");
    for k in kinds {
        assert!(k[1]["requests"].as_u64().unwrap() > 0, "{k}");
        assert_eq!(k[1]["errors"], 0, "{k}");
    }
    // Every referral sent reached the 国保 desk's event stream, on either engine (a server on a
    // file announces a referral as the database's triggers do).
    assert_eq!(report["live_updates"]["errors"], 0, "{report}");
    if crate::common::pg_server().is_some() {
        // The pool keeps what it opened: two for requests, one listening, and this one.
        let mut pg = hairyo::store::raw::RawSession::server(&db).unwrap();
        // The server's connections, not this one.
        let open = pg.integer("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()").unwrap();
        assert!(open <= 4, "{open} connections for a server allowed two");
    }
}

/// The access matrix replayed over HTTP: every desk × role × permission, each probed with the
/// operation that needs it, through the server as that staff member signed in. What the API
/// allows and refuses (403 with an `access.*`, `*.forbidden` or `*.admin_only` code) is what
/// `access::allows` says, so no endpoint bypasses the core's checks.
#[test]
fn the_access_matrix_holds_over_http() {
    use hairyo::access::{self, Permission};
    use hairyo::staff::{Desk, Role};
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.as_str();
    let admin = sign_in(addr, "admin")["token"].as_str().unwrap().to_string();
    let login = |d: Desk, r: Role| format!("h_{}_{}", d.code(), r.code());
    let mut tokens = std::collections::HashMap::new();
    for d in Desk::ALL {
        for r in Role::ALL {
            let input = json!({"login": login(*d, *r), "name": "権限 確認", "desk": d.code(), "role": r.code(), "password": PASSWORD});
            let (status, body) = call(addr, &admin, "add_staff", json!({ "input": input }));
            assert_eq!(status, 200, "{body}");
            tokens.insert(login(*d, *r), sign_in(addr, &login(*d, *r))["token"].as_str().unwrap().to_string());
        }
    }
    let token_of = |d: Desk, r: Role| tokens[&login(d, r)].clone();
    let ok = |(status, body): (u16, Value)| -> Value {
        assert_eq!(status, 200, "{body}");
        body
    };
    let person = |extra: Value| -> i64 {
        let mut input = json!({
            "name": "権限 花子", "kana": "ケンゲン ハナコ", "birth_date": "1950-04-01", "sex": "female",
            "postal_code": "000-0001", "address": "見本市中央町1番地", "scheme": "kokuho",
            "mynumber_card": "card", "registration": "registered", "reasons": ["elderly"],
        });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        ok(call(addr, &admin, "add_person", json!({ "input": input })))["id"].as_i64().unwrap()
    };
    let denied = |(status, body): &(u16, Value)| -> bool {
        let code = body["code"].as_str().unwrap_or("");
        *status == 403 && (code.starts_with("access.") || code.ends_with(".forbidden") || code.ends_with(".admin_only"))
    };
    let mut checked = 0;
    for (n, d) in Desk::ALL.iter().enumerate() {
        for r in Role::ALL {
            let token = token_of(*d, *r);
            for p in Permission::ALL {
                let pid = person(json!({}));
                // A referral this desk can see: from it (a welfare desk) or to it (an insurer desk).
                let referral = || {
                    let (from, to) = if d.is_insurer_desk() { (Desk::Kaigo, *d) } else { (*d, Desk::Kokuho) };
                    let input = json!({"person_id": pid, "to_desk": to.code(), "reason": "確認", "sharing_basis": "consent"});
                    ok(call(addr, &token_of(from, Role::Caseworker), "send_referral", json!({ "input": input })))["id"].as_i64().unwrap()
                };
                let proxy_application = || {
                    let input = json!({"person_id": pid, "applicant": "proxy", "authority": "relative", "proxy_name": "代理 一郎",
                                       "proxy_address": "見本市1番地", "proxy_relationship": "子"});
                    ok(call(addr, &token_of(Desk::Kokuho, Role::Clerk), "receive_application", json!({ "input": input })))["application"]["id"]
                        .as_i64()
                        .unwrap()
                };
                let answer = |op: &str, args: Value| call(addr, &token, op, args);
                let allowed = match p {
                    Permission::ViewPerson => !denied(&answer("show_person", json!({"id": pid}))),
                    Permission::EditPerson => {
                        let input = json!({"name": "新規 太郎", "kana": "シンキ タロウ", "birth_date": "1960-01-01", "sex": "male"});
                        !denied(&answer("add_person", json!({ "input": input })))
                    }
                    Permission::ViewProtectedAddress => {
                        let id = person(json!({"protected": true, "address": "見本市秘密町1番地", "safe_address": "見本市役所気付"}));
                        let (status, body) = answer("show_person", json!({ "id": id }));
                        assert_eq!(status, 200, "{body}");
                        body["person"]["address"].as_str().unwrap_or("").contains("秘密町")
                    }
                    Permission::ViewInsuranceDetails => {
                        use base64::Engine;
                        let atena = format!("8{:05}", checked);
                        let id = person(json!({ "atena_no": atena, "birth_date": "1960-04-01" }));
                        let csv = format!("宛名番号,区分,制度,日付,有効期限,番号,負担割合\n{atena},交付,国保,2026-08-01,2027-07-31,1,3割\n");
                        let content = base64::engine::general_purpose::STANDARD.encode(csv);
                        let fed = ok(call(addr, &admin, "import_issue_feed", json!({"content_base64": content, "encoding": "utf-8"})));
                        assert_eq!(fed["committed"], true, "{fed}");
                        let (status, body) = answer("show_person", json!({ "id": id }));
                        assert_eq!(status, 200, "{body}");
                        !body["certificates"][0]["card"]["copay_rate"].is_null()
                    }
                    Permission::ViewChildCaseNotes => {
                        let child = person(json!({"birth_date": "2016-01-01", "mynumber_card": "none", "registration": "not_registered", "reasons": []}));
                        let note = json!({"person_id": child, "kind": "visit", "notes": "家庭の事情の記録"});
                        ok(call(addr, &token_of(Desk::Jido, Role::Caseworker), "add_touchpoint", json!({ "input": note })));
                        let (status, body) = answer("show_person", json!({ "id": child }));
                        assert_eq!(status, 200, "{body}");
                        body["touchpoints"][0]["notes"] == "家庭の事情の記録"
                    }
                    Permission::RecordTouchpoint => !denied(&answer("add_touchpoint", json!({"input": {"person_id": pid, "kind": "counter"}}))),
                    Permission::SendReferral => {
                        !denied(&answer("send_referral", json!({"input": {"sharing_basis": "consent", "person_id": pid, "reason": "依頼"}})))
                    }
                    Permission::ReviewReferral => {
                        let id = referral();
                        !denied(&answer("referral_action", json!({"id": id, "action": {"action": "accept", "note": ""}})))
                    }
                    Permission::CommentReferral => {
                        let id = referral();
                        !denied(&answer("referral_action", json!({"id": id, "action": {"action": "comment", "body": "確認しました"}})))
                    }
                    Permission::ReceiveApplication => !denied(&answer("receive_application", json!({"input": {"person_id": pid}}))),
                    Permission::DecideApplication => {
                        let id = proxy_application();
                        !denied(&answer("application_step", json!({"id": id, "step": {"step": "start_review"}})))
                    }
                    Permission::OverrideChecklist => {
                        let id = proxy_application();
                        !denied(&answer("application_step", json!({"id": id, "step": {"step": "decide", "override_reason": "後日提出を確認"}})))
                    }
                    Permission::IssueCertificate => !denied(&answer("issue_certificate", json!({"person_id": pid, "scheme": "kokuho", "basis": "ex_officio"}))),
                    Permission::ManageCertificate => {
                        let issued = json!({"person_id": pid, "scheme": "kouki", "basis": "provisional"});
                        let c = ok(call(addr, &admin, "issue_certificate", issued))["id"].as_i64().unwrap();
                        !denied(&answer("certificate_step", json!({"id": c, "step": {"step": "mail_returned"}})))
                    }
                    Permission::PrintForms => !denied(&answer("print", json!({"request": {"kind": "application_form", "person_id": pid}}))),
                    Permission::PrintLeaflets => !denied(&answer("print", json!({"request": {"kind": "leaflet", "leaflet": "bessou2"}}))),
                    Permission::ImportData => {
                        use base64::Engine;
                        let csv =
                            format!("宛名番号,氏名,フリガナ,生年月日,性別\n{},取込 花子,トリコミ ハナコ,1950-01-01,女\n", 810_000_000 + n * 1000 + checked);
                        let content = base64::engine::general_purpose::STANDARD.encode(csv);
                        !denied(&answer("import_persons", json!({"content_base64": content, "encoding": "utf-8"})))
                    }
                    Permission::ExportData => !denied(&answer("export_csv", json!({"kind": "persons", "encoding": "utf-8"}))),
                    Permission::ChangeSettings => {
                        let settings = json!({"city_name": "見本市", "addressee": "見本市長", "kouki_union": "見本県後期高齢者医療広域連合",
                            "kouki_insurer_number": "39990007", "kouki_union_form": false, "kouki_counter_issue": false, "document_number": "",
                            "mail_to_householder": false, "registered_mail": false, "no_forwarding": true});
                        !denied(&answer("set_city", json!({ "settings": settings })))
                    }
                    Permission::ReadAudit => !denied(&answer("export_audit", json!({}))),
                    Permission::DisposeRecords => !denied(&answer("disposal_list", json!({}))),
                };
                assert_eq!(allowed, access::allows(*d, *r, *p), "over HTTP: {} {} {}", d.label(), r.label(), p.label());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, Desk::ALL.len() * Role::ALL.len() * Permission::ALL.len());
}

/// `hairyo serve --config FILE` as the packaged unit runs it, with no flag: the file's listen
/// address, database and idle time are the ones used, and `/health` names this release.
#[test]
fn serve_takes_its_settings_from_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let conf = dir.path().join("hairyo.conf");
    std::fs::write(&conf, format!("# As /etc/hairyo/hairyo.conf\nlisten = 127.0.0.1:0\ndatabase_url = {db}\nsession_idle_seconds = 1\nconnections = 4\n"))
        .unwrap();
    let served = serve_with(&["serve", "--config", conf.to_str().unwrap()]);
    let addr = served.addr.as_str();
    let (status, body, _) = request(addr, "GET", "/health", &[], None);
    assert_eq!(status, 200);
    assert_eq!(body, json!({"status": "ok", "version": hairyo::VERSION}));
    let token = sign_in(addr, "kokuho1")["token"].as_str().unwrap().to_string();
    let (status, _) = call(addr, &token, "home", json!({}));
    assert_eq!(status, 200, "the file's database holds the demo's staff");
    std::thread::sleep(Duration::from_millis(1500));
    let (status, body) = call(addr, &token, "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.expired")), "the file's idle time applies");
}

/// An unknown field is refused over HTTP at every depth the API takes (every argument object
/// of the catalogue is tried in `disclosure::every_argument_of_the_catalogue_refuses_an_unknown_field_at_every_depth`,
/// through the `operation::call` the server answers from): 400 `command.invalid`, naming it,
/// and nothing stored.
#[test]
fn an_unknown_field_is_refused_over_http_at_every_depth() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.as_str();
    let token = sign_in(addr, "kokuho1")["token"].as_str().unwrap().to_string();
    let (_, persons) = call(addr, &token, "list_persons", json!({"limit": 1}));
    let id = persons["items"][0]["id"].clone();
    let (_, before) = call(addr, &token, "show_person", json!({ "id": id }));
    for (op, args, field) in [
        ("add_touchpoint", json!({"input": {"person_id": id, "kind": "counter", "leaflet": ["bessou1"]}}), "leaflet"),
        ("update_person", json!({"id": id, "patch": {"phone": "048-000-0000", "phon": "x"}}), "phon"),
        ("send_referral", json!({"input": {"sharing_basis": "consent", "person_id": id, "reason": "確認", "urgent": true}}), "urgent"),
        ("print", json!({"request": {"kind": "leaflet", "leaflet": "bessou1", "colour": "red"}}), "colour"),
        ("list_persons", json!({"limit": 1, "sort": "name"}), "sort"),
    ] {
        let (status, body) = call(addr, &token, op, args.clone());
        assert_eq!(status, 400, "{op} {args}: {body}");
        assert_eq!(body["code"], "command.invalid", "{op}: {body}");
        assert!(body["message"].as_str().unwrap().contains(&format!("`{field}`")), "{op}: the message names {field}: {body}");
    }
    let (_, after) = call(addr, &token, "show_person", json!({ "id": id }));
    assert_eq!(after["touchpoints"], before["touchpoints"], "nothing stored");
    assert_eq!(after["person"]["phone"], before["person"]["phone"], "nothing stored");
}

/// The server's resident memory, in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok()).unwrap()
}

/// Sends a request head announcing `length` bytes of JSON, then up to that many bytes for as
/// long as the server takes them, and returns the status the server answered with.
fn send_large(addr: &str, path: &str, headers: &[(&str, &str)], length: usize) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        // A JSON string that never ends: only its size matters.
        let chunk = vec![b' '; 256 * 1024];
        let mut sent = 0;
        while sent < length {
            let n = chunk.len().min(length - sent);
            if writer.write_all(&chunk[..n]).is_err() {
                break;
            }
            sent += n;
        }
    });
    let mut answer = [0u8; 64];
    let mut got = 0;
    while got < 12 {
        match stream.read(&mut answer[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sending.join();
    String::from_utf8_lossy(&answer[..got]).split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// A body is read only after the session is checked, and only as large as the operation and
/// the staff member allow: twenty unauthenticated 60 MB bodies at once are each answered 401
/// without the server reading them (its memory stays within 64 MB of where it was), a desk
/// that may not import cannot send a large body to an import, nor anybody to any other
/// operation, and a supervisor's import of a file over a megabyte still goes through.
#[test]
fn a_body_is_read_only_after_the_session_and_within_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.clone();
    let clerk = sign_in(&addr, "kokuho1")["token"].as_str().unwrap().to_string();
    assert_eq!(call(&addr, &clerk, "home", json!({})).0, 200);
    let before = rss_kb(served.child.id());
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || send_large(&addr, "/api/import_persons", &[], 60 * 1024 * 1024))
        })
        .collect();
    let mut peak = before;
    while attempts.iter().any(|a| !a.is_finished()) {
        peak = peak.max(rss_kb(served.child.id()));
        std::thread::sleep(Duration::from_millis(20));
    }
    let statuses: Vec<u16> = attempts.into_iter().map(|a| a.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert!(peak < before + 64 * 1024, "the server grew from {before} kB to {peak} kB");

    // Signed in: a clerk may not import, so the import's body is as small as any other's.
    let bearer = format!("Bearer {clerk}");
    let two_mb = 2 * 1024 * 1024;
    assert_eq!(send_large(&addr, "/api/import_persons", &[("Authorization", &bearer)], two_mb), 413);
    assert_eq!(send_large(&addr, "/api/add_person", &[("Authorization", &bearer)], two_mb), 413);
    let (status, body) = call(&addr, &clerk, "home", json!({}));
    assert_eq!(status, 200, "{body}");
    // A supervisor's import of a file over a megabyte: checked (dry run), not refused for its size.
    use base64::Engine;
    let mut csv = String::from("氏名,フリガナ,生年月日,性別,保険\n");
    let mut n = 0;
    while csv.len() < 1_200_000 {
        n += 1;
        csv.push_str(&format!("大判 {n},オオバン {n},1950-01-01,女,kokuho\n"));
    }
    let supervisor = sign_in(&addr, "kokuho2")["token"].as_str().unwrap().to_string();
    let file = base64::engine::general_purpose::STANDARD.encode(csv.as_bytes());
    let (status, report) = call(&addr, &supervisor, "import_persons", json!({"content_base64": file, "encoding": "utf-8", "dry_run": true}));
    assert_ne!(status, 413, "{report}");
    assert!(report["code"].as_str() != Some("serve.too_large"), "{report}");
}

/// Every answer keeps out of caches and is not sniffed as another type; without TLS there is
/// no HSTS. Each request's log line has a request id (sent back as `X-Request-Id`), the
/// client's address and the staff id, and never a login, a query string, a body or a name.
#[test]
fn answers_are_not_cached_and_each_request_is_logged_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let log = dir.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("HAIRYO_DB")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let served = Served { addr: line.trim().rsplit("://").next().unwrap().to_string(), child };
    let addr = served.addr.as_str();
    let clerk = sign_in(addr, "kokuho1");
    let token = clerk["token"].as_str().unwrap();
    let staff_id = clerk["actor"]["staff_id"].as_i64().expect("the actor's staff id");
    let bearer = format!("Bearer {token}");
    let (status, found, head) = request(addr, "POST", "/api/search_persons?q=secret", &[("Authorization", &bearer)], Some(&json!({"query": "ミホン"})));
    assert_eq!(status, 200, "{found}");
    let head = head.to_ascii_lowercase();
    for want in ["cache-control: no-store", "x-content-type-options: nosniff", "x-request-id: "] {
        assert!(head.contains(want), "{want}: {head}");
    }
    assert!(!head.contains("strict-transport-security"), "no HSTS over plain HTTP: {head}");
    let id = head.lines().find_map(|l| l.strip_prefix("x-request-id: ")).unwrap().trim().to_string();
    let (status, _, head) = request(addr, "POST", "/api/home", &[], Some(&json!({})));
    assert_eq!(status, 401);
    assert!(head.to_ascii_lowercase().contains("cache-control: no-store"), "{head}");
    drop(served);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).filter(|v: &Value| v.get("request").is_some()).collect();
    let searched = lines.iter().find(|l| l["request"] == id.as_str()).unwrap_or_else(|| panic!("no line for {id}: {text}"));
    assert_eq!(searched["staff"].as_i64(), Some(staff_id), "{searched}");
    assert_eq!(searched["client"], "127.0.0.1", "{searched}");
    assert_eq!(searched["path"], "/api/search_persons", "{searched}");
    assert!(lines.iter().any(|l| l["path"] == "/api/home" && l["staff"].is_null() && l["status"] == 401), "{text}");
    for never in ["kokuho1", "secret", "ミホン", token] {
        assert!(!text.contains(never), "the log holds {never}: {text}");
    }
}

/// Opens a connection that sends a request head one byte at a time, slowly, as a slowloris
/// client does; the stream, for the caller to hold.
fn slow_client(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    std::thread::spawn(move || {
        for b in b"POST /api/home HTTP/1.1\r\nHost: slow\r\nX-Padding: ".iter().chain(std::iter::repeat(&b'a')) {
            if writer.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    stream
}

/// What a server answered on `stream` (its status line's code), or None when it closed the
/// connection without an answer; waits up to `within`.
fn answer_on(stream: &mut TcpStream, within: Duration) -> Option<u16> {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&got).split(' ').nth(1).and_then(|s| s.parse().ok())
}

/// Bounded resources: twenty unauthenticated 60 MB bodies and fifty slow clients at once
/// leave the server within 64 MB of its memory and answer a signed-in desk as usual (each
/// request within two seconds); a slow client is dropped once its request head is overdue;
/// a client beyond the cap is turned away with 503 and `Retry-After`, as is a request beyond
/// the requests in flight; and once they are gone, the desks are served again.
#[test]
fn slow_and_oversized_clients_cannot_exhaust_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &["--max-clients", "80", "--max-requests", "4"]);
    let addr = served.addr.clone();
    let clerk = sign_in(&addr, "kokuho1")["token"].as_str().unwrap().to_string();
    assert_eq!(call(&addr, &clerk, "home", json!({})).0, 200);
    let before = rss_kb(served.child.id());

    let mut silent = TcpStream::connect(&addr).unwrap();
    let mut slow: Vec<TcpStream> = (0..49).map(|_| slow_client(&addr)).collect();
    let large: Vec<_> = (0..20)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || send_large(&addr, "/api/import_persons", &[], 60 * 1024 * 1024))
        })
        .collect();
    let mut peak = before;
    for _ in 0..5 {
        let start = Instant::now();
        let (status, body) = call(&addr, &clerk, "home", json!({}));
        assert_eq!(status, 200, "{body}");
        assert!(start.elapsed() < Duration::from_secs(2), "a desk waited {:?}", start.elapsed());
        peak = peak.max(rss_kb(served.child.id()));
    }
    for l in large {
        assert_eq!(l.join().unwrap(), 401);
    }
    peak = peak.max(rss_kb(served.child.id()));
    assert!(peak < before + 64 * 1024, "the server grew from {before} kB to {peak} kB");

    // Beyond the cap on clients (50 slow ones are still open): turned away, with when to retry.
    let mut idle = Vec::new();
    let mut turned_away = None;
    for _ in 0..40 {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(format!("POST /api/home HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {clerk}\r\nContent-Length: 0\r\n\r\n").as_bytes()).unwrap();
        match answer_on(&mut s, Duration::from_secs(5)) {
            Some(503) => {
                turned_away = Some(s);
                break;
            }
            Some(200) => idle.push(s),
            other => panic!("{other:?}"),
        }
    }
    assert!(turned_away.is_some(), "no client was turned away beyond the cap");
    assert!(idle.len() >= 20 && idle.len() <= 30, "{} clients were let in beside the 50 slow ones", idle.len());
    drop(idle);

    // A slow client is dropped when its request head is overdue, and a silent one when no
    // request has come (ten seconds each).
    assert!(ends_within(&mut slow[0], Duration::from_secs(15)), "a slow client was kept");
    assert!(ends_within(&mut silent, Duration::from_secs(5)), "a silent client was kept");
    drop(slow);

    // Beyond the requests in flight: four requests whose bodies never come hold every place.
    let bearer = format!("Authorization: Bearer {clerk}");
    let mut held: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(
                format!("POST /api/home HTTP/1.1\r\nHost: {addr}\r\n{bearer}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{").as_bytes(),
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (status, body, head) = request(&addr, "POST", "/api/home", &[("Authorization", &format!("Bearer {clerk}"))], Some(&json!({})));
    assert_eq!((status, body["code"].as_str()), (503, Some("serve.busy")), "{body}");
    assert!(head.to_ascii_lowercase().contains("retry-after: "), "{head}");
    for s in &mut held {
        let _ = s.shutdown(std::net::Shutdown::Both);
    }
    drop(held);
    let start = Instant::now();
    loop {
        let (status, _) = call(&addr, &clerk, "home", json!({}));
        if status == 200 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "the places were not given back: {status}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Thirty wrong sign-ins sent at once from one address, each for another login: the address's
/// attempts are counted before any password is checked, so no more than the free ones (and
/// the one that starts the wait) are checked, and the rest are told to wait.
#[test]
fn parallel_guesses_from_one_address_count_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let guesses: Vec<_> = (0..30)
        .map(|i| {
            let addr = served.addr.clone();
            std::thread::spawn(move || {
                let (status, body, _) = request(&addr, "POST", "/api/sign_in", &[], Some(&json!({"login": format!("guess{i}"), "password": "wrong-pass"})));
                (status, body["code"].as_str().unwrap_or_default().to_string())
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = guesses.into_iter().map(|g| g.join().unwrap()).collect();
    let checked = answers.iter().filter(|(_, code)| code == "staff.bad_credentials").count();
    assert!(checked as i64 <= hairyo::staff::ADDRESS_FREE_FAILURES + 1, "{checked} were checked: {answers:?}");
    assert!(answers.iter().any(|(status, code)| *status == 429 && code == "staff.slow_down"), "{answers:?}");
}

/// Twenty wrong passwords sent at once for one account (from twenty addresses, as the city's
/// proxy reports them, so the per-address back-off stays out of it): each attempt is counted
/// in the database before its password is checked, so no more than five are checked before
/// the account locks, and then even the right password is refused.
#[test]
fn parallel_guesses_count_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &["--behind-proxy"]);
    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let addr = served.addr.clone();
            std::thread::spawn(move || {
                let from = format!("192.0.2.{i}");
                let (status, body, _) =
                    request(&addr, "POST", "/api/sign_in", &[("X-Forwarded-For", &from)], Some(&json!({"login": "kokuho1", "password": format!("guess-{i}")})));
                (status, body["code"].as_str().unwrap_or_default().to_string())
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = guesses.into_iter().map(|g| g.join().unwrap()).collect();
    let checked = answers.iter().filter(|(_, code)| code == "staff.bad_credentials").count();
    assert!(checked <= hairyo::staff::MAX_FAILED_SIGN_INS as usize, "{checked} passwords were checked: {answers:?}");
    assert!(answers.iter().all(|(status, code)| *status == 401 && (code == "staff.bad_credentials" || code == "staff.locked")), "{answers:?}");
    let (status, body, _) =
        request(&served.addr, "POST", "/api/sign_in", &[("X-Forwarded-For", "192.0.2.99")], Some(&json!({"login": "kokuho1", "password": PASSWORD})));
    assert_eq!((status, body["code"].as_str()), (401, Some("staff.locked")), "{body}");
}

/// On PostgreSQL the server refuses to run as a superuser or as the schema's owner: only the
/// app role `hairyo grant` made may serve the desks.
#[test]
fn the_server_refuses_a_privileged_database_role() {
    let Some(server) = crate::common::pg_server() else { return };
    let owner = crate::common::fresh_pg_database(&server);
    cli(&owner, &["init"]);
    let out = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--db", &owner, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("HAIRYO_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("serve.privileged_role") && stderr.contains("hairyo grant"), "{stderr}");
    assert!(out.stdout.is_empty(), "it never listened: {}", String::from_utf8_lossy(&out.stdout));
}

/// Opens a live event stream with `token`; the stream, once its `ready` has arrived.
fn open_events(addr: &str, token: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(format!("GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n").as_bytes()).unwrap();
    let seen = read_events(&mut stream, Duration::from_secs(5), |name, _| name == "ready");
    assert!(seen.iter().any(|(n, _)| n == "ready"), "{seen:?}");
    stream
}

/// Whether the server ends `stream` within `within` (reads until the connection closes or
/// the chunked body's last chunk arrives).
fn ends_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let mut tail = Vec::new();
    while start.elapsed() < within {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => {
                tail.extend_from_slice(&buf[..n]);
                if tail.windows(5).any(|w| w == b"0\r\n\r\n") {
                    return true;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

/// Sessions live in the database: two servers on one database share them (a desk signed in
/// through one is served by the other), a sign-out through one ends every session of that
/// staff member on both, event streams included, and a password change does the same; a
/// session also ends after its lifetime however much it is used.
#[test]
fn sessions_are_shared_by_servers_and_end_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let (one, two) = (serve(&db, &[]), serve(&db, &[]));
    let token = sign_in(&one.addr, "kaigo1")["token"].as_str().unwrap().to_string();
    let other = sign_in(&two.addr, "kaigo1")["token"].as_str().unwrap().to_string();
    let bystander = sign_in(&two.addr, "kokuho1")["token"].as_str().unwrap().to_string();
    for addr in [&one.addr, &two.addr] {
        assert_eq!(call(addr, &token, "home", json!({})).0, 200, "a session of {} on {addr}", one.addr);
        assert_eq!(call(addr, &other, "home", json!({})).0, 200);
    }
    let mut stream = open_events(&two.addr, &other);
    let (status, _) = call(&one.addr, &token, "sign_out", json!({}));
    assert_eq!(status, 200);
    for (addr, t) in [(&one.addr, &token), (&two.addr, &other), (&one.addr, &other)] {
        let (status, body) = call(addr, t, "home", json!({}));
        assert_eq!((status, body["code"].as_str()), (401, Some("session.invalid")), "{addr}: {body}");
    }
    assert!(ends_within(&mut stream, Duration::from_secs(12)), "the event stream outlived the sign-out");
    assert_eq!(call(&two.addr, &bystander, "home", json!({})).0, 200, "another staff member's session goes on");

    // A password change ends every session of the account, the changer's own included.
    let first = sign_in(&one.addr, "kaigo1")["token"].as_str().unwrap().to_string();
    let second = sign_in(&two.addr, "kaigo1")["token"].as_str().unwrap().to_string();
    let (status, refused) = call(&one.addr, &first, "set_staff_password", json!({"login": "kaigo1", "password": "new-password-7"}));
    assert_eq!((status, refused["fields"][0]["field"].as_str()), (422, Some("current")), "one's own password takes the current one: {refused}");
    let (status, changed) = call(&one.addr, &first, "set_staff_password", json!({"login": "kaigo1", "password": "new-password-7", "current": PASSWORD}));
    assert_eq!(status, 200, "{changed}");
    for t in [&first, &second] {
        assert_eq!(call(&two.addr, t, "home", json!({})).1["code"], "session.invalid");
    }
    drop((one, two));

    // A session's lifetime ends it, however much it is used.
    let served = serve(&db, &["--session-lifetime", "2"]);
    let token = sign_in(&served.addr, "kokuho1")["token"].as_str().unwrap().to_string();
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(1000) {
        assert_eq!(call(&served.addr, &token, "home", json!({})).0, 200);
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_millis(2500).saturating_sub(start.elapsed()));
    let (status, body) = call(&served.addr, &token, "home", json!({}));
    assert_eq!((status, body["code"].as_str()), (401, Some("session.expired")), "{body}");
    // Only hashes are stored: the token itself is nowhere in the database.
    let store = hairyo::store::open_location(&hairyo::store::Location::parse(&db)).unwrap();
    store.enter(hairyo::store::FIRST_MUNICIPALITY).unwrap();
    let held: i64 = store.conn().query_row("SELECT count(*) FROM session WHERE token_hash = ?1 OR csrf_hash = ?1", [&token], |r| r.get(0)).unwrap();
    assert_eq!(held, 0);
}

/// A free port on loopback, for a process to listen on later.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// HAProxy (Debian's package) in front of `backends`, as docs/deployment.md configures it:
/// round robin, health checks on /health, a failed connection retried on the other server,
/// the client's address forwarded, event streams kept open. Stopped when dropped.
struct Balancer {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn balancer(backends: &[u16]) -> Balancer {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let servers: String = backends.iter().enumerate().map(|(i, p)| format!("    server hairyo{i} 127.0.0.1:{p} check inter 200ms fall 1 rise 1\n")).collect();
    let config = format!(
        "global\n    maxconn 2000\n\
         defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n    timeout tunnel 1h\n    retries 3\n    option redispatch 1\n    retry-on conn-failure empty-response\n    option http-no-delay\n\
         frontend desks\n    bind 127.0.0.1:{port}\n    option forwardfor\n    default_backend hairyo\n\
         backend hairyo\n    balance roundrobin\n    option httpchk GET /health\n{servers}"
    );
    let path = dir.path().join("haproxy.cfg");
    std::fs::write(&path, config).unwrap();
    let child = Command::new("haproxy")
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("haproxy (scripts/setup.sh installs it)");
    let addr = format!("127.0.0.1:{port}");
    let start = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "haproxy did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    Balancer { child, addr, _dir: dir }
}

/// Waits until `addr` answers /health.
fn healthy(addr: &str) {
    let start = Instant::now();
    loop {
        if TcpStream::connect(addr).is_ok() && request(addr, "GET", "/health", &[], None).0 == 200 {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{addr} never answered /health");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Two servers on one PostgreSQL database behind HAProxy: a browser's session (its cookie and
/// CSRF token) keeps working through the balancer while the servers restart one after the
/// other; a referral sent through one server reaches a desk whose event stream is on the
/// other, live; both servers give the same home counts; and the load test through the
/// balancer has no errors.
#[test]
fn two_servers_behind_a_load_balancer_serve_one_city() {
    let Some(_) = crate::common::pg_server() else {
        eprintln!("HAIRYO_TEST_PG is not set; this test runs in the PostgreSQL pass of .ci/run");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let ports = [free_port(), free_port()];
    let listen = |p: u16| format!("127.0.0.1:{p}");
    let start_server = |p: u16| {
        let served = serve_with(&["--db", &db, "serve", "--listen", &listen(p), "--behind-proxy"]);
        healthy(&served.addr);
        served
    };
    let mut servers = vec![start_server(ports[0]), start_server(ports[1])];
    let lb = balancer(&ports);
    // A browser signs in through the balancer: its cookie and CSRF token from here on.
    let (status, signed, head) = request(&lb.addr, "POST", "/api/sign_in", &[], Some(&json!({"login": "kokuho1", "password": PASSWORD})));
    assert_eq!(status, 200, "{signed}");
    let cookie =
        head.lines().find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: "))).unwrap().split(';').next().unwrap().to_string();
    let csrf = signed["csrf"].as_str().unwrap().to_string();
    let browser = |path: &str| request(&lb.addr, "POST", path, &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)], Some(&json!({})));

    // Live across servers: the clerk's stream is on the second server, the referral goes
    // through the first.
    let clerk = sign_in(&servers[1].addr, "kokuho1")["token"].as_str().unwrap().to_string();
    let mut stream = open_events(&servers[1].addr, &clerk);
    let caseworker = sign_in(&servers[0].addr, "kaigo1")["token"].as_str().unwrap().to_string();
    let (_, persons) = call(&servers[0].addr, &caseworker, "list_persons", json!({"limit": 50}));
    let person = persons["items"].as_array().unwrap().iter().find(|p| p["scheme"] == "kokuho").unwrap()["id"].clone();
    let (status, sent) =
        call(&servers[0].addr, &caseworker, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": person, "reason": "負荷分散の確認"}}));
    assert_eq!(status, 200, "{sent}");
    let id = sent["id"].to_string();
    let seen = read_events(&mut stream, Duration::from_secs(5), |name, data| name == "change" && data.contains(&id));
    assert!(seen.iter().any(|(n, d)| n == "change" && d.contains(&id)), "the other server's desk did not hear of it: {seen:?}");
    let counts = |addr: &str| call(addr, &clerk, "home", json!({})).1["counts"].clone();
    assert_eq!(counts(&servers[0].addr), counts(&servers[1].addr), "the two servers' home counts differ");

    // Rolling restart: each server stops (SIGTERM) and starts again while the browser goes on.
    let mut answered = 0;
    for (i, port) in ports.into_iter().enumerate() {
        let old = servers.remove(i);
        drop(old);
        for _ in 0..5 {
            let (status, body, _) = browser("/api/home");
            assert_eq!(status, 200, "server {i} down: {body}");
            answered += 1;
        }
        servers.insert(i, start_server(port));
        for _ in 0..5 {
            let (status, body, _) = browser("/api/home");
            assert_eq!(status, 200, "server {i} back: {body}");
            answered += 1;
        }
    }
    assert_eq!(answered, 20);

    // The load test's desks through the balancer: no errors.
    let out = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--json", "loadtest", "--server", &format!("http://{}", lb.addr), "--clients", "8", "--seconds", "2", "--think-ms", "0"])
        .env("HAIRYO_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in report["kinds"].as_array().unwrap() {
        assert!(k[1]["requests"].as_u64().unwrap() > 0, "{k}");
        assert_eq!(k[1]["errors"], 0, "{k}");
    }
    assert_eq!(report["live_updates"]["errors"], 0, "{report}");

    // Behind the balancer the sign-in back-off counts the address the balancer saw: a client
    // writing a new X-Forwarded-For with each guess is still one address. The first wait is a
    // second, and a guess on a loaded machine may take longer than that (the password hash is
    // slow on purpose): the guesses go on until one is told to wait, the waits doubling.
    let mut waited = false;
    for i in 0..(hairyo::staff::ADDRESS_FREE_FAILURES + 6) {
        let forged = format!("198.51.100.{i}");
        let (status, body, _) =
            request(&lb.addr, "POST", "/api/sign_in", &[("X-Forwarded-For", &forged)], Some(&json!({"login": format!("guess{i}"), "password": "wrong-pass"})));
        waited |= status == 429 && body["code"] == "staff.slow_down";
        if waited {
            break;
        }
    }
    assert!(waited, "forged addresses escaped the back-off");
}

/// 在宅周知 over HTTP: the NHI supervisor previews and starts a mailing, records an outcome
/// (an unknown one refused with the core's code), and gets the letters and the addresses as
/// files; a welfare desk is refused every door of it.
#[test]
fn a_mailing_to_residents_at_home_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.as_str();
    let sv = sign_in(addr, "kokuho2");
    let sv = sv["token"].as_str().unwrap();
    let cw = sign_in(addr, "kaigo1");
    let cw = cw["token"].as_str().unwrap();
    let selection = json!({"reasons": ["dementia"], "limit": "4"});
    let (status, preview) = call(addr, sv, "mailing_preview", json!({ "selection": selection }));
    assert_eq!(status, 200, "{preview}");
    let (status, refused) = call(addr, cw, "mailing_preview", json!({ "selection": selection }));
    assert_eq!((status, refused["code"].as_str()), (403, Some("access.denied")), "{refused}");
    let deadline = (chrono::Local::now().date_naive() + chrono::Duration::days(20)).to_string();
    let (status, m) = call(addr, sv, "start_mailing", json!({"input": {"title": "在宅の案内", "deadline": deadline, "selection": selection}}));
    assert_eq!((status, m["counts"]["sent"].clone()), (200, preview["letters"].clone()), "{m}");
    let person = m["recipients"][0]["person_id"].clone();
    let (status, bad) = call(addr, sv, "record_mailing_outcomes", json!({"id": m["id"], "outcomes": [{"person_id": person, "outcome": "lost"}]}));
    assert_eq!((status, bad["code"].as_str()), (422, Some("mailing.invalid")), "{bad}");
    assert!(bad["message"].as_str().is_some_and(|m| m.contains("returned_mail")), "{bad}");
    let (status, after) = call(addr, sv, "record_mailing_outcomes", json!({"id": m["id"], "outcomes": [{"person_id": person, "outcome": "declined"}]}));
    assert_eq!((status, after["counts"]["declined"].as_i64()), (200, Some(1)), "{after}");
    let (status, pdf) = call(addr, sv, "print", json!({"request": {"kind": "mailing_letters", "mailing_id": m["id"]}}));
    assert_eq!((status, pdf["content_type"].as_str()), (200, Some("application/pdf")), "{pdf}");
    assert_eq!(pdf["documents"], m["counts"]["sent"]);
    let (status, csv) = call(addr, sv, "export_mailing_addresses", json!({"id": m["id"], "encoding": "cp932"}));
    assert_eq!((status, csv["rows"].clone()), (200, m["counts"]["sent"].clone()), "{csv}");
}

/// #33 over HTTP: the core systems' certificates imported, what the card shows withheld from a
/// welfare desk, and a standing 送付先変更 refused field by field, then registered by the
/// insurer desk only.
#[test]
fn the_core_systems_certificates_and_a_standing_delivery_over_http() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let served = serve(&db, &[]);
    let addr = served.addr.as_str();
    let token = |login: &str| sign_in(addr, login)["token"].as_str().unwrap().to_string();
    let (sv, clerk, cw) = (token("kokuho2"), token("kokuho1"), token("kaigo1"));
    let (status, list) = call(addr, &sv, "list_persons", json!({"limit": 50}));
    assert_eq!(status, 200, "{list}");
    let p =
        list["items"].as_array().unwrap().iter().find(|p| p["scheme"] == "kokuho" && p["age"].as_i64().unwrap() < 69).expect("a 国保 member under 69").clone();
    let today = chrono::Local::now().date_naive();
    let csv =
        format!("宛名番号,区分,制度,日付,有効期限,番号,負担割合,限度区分\n{},交付,国保,{today},2099-07-31,8080,3割,ウ\n", p["atena_no"].as_str().unwrap());
    let content = base64::engine::general_purpose::STANDARD.encode(csv);
    let (status, fed) = call(addr, &sv, "import_issue_feed", json!({"content_base64": content, "encoding": "utf-8"}));
    assert_eq!((status, &fed["committed"]), (200, &json!(true)), "{fed}");
    let card = |token: &str| {
        let (status, r) = call(addr, token, "show_person", json!({"id": p["id"]}));
        assert_eq!(status, 200, "{r}");
        r["certificates"].as_array().unwrap().iter().find(|c| c["card"]["number"] == "8080").cloned().expect("the fed certificate")
    };
    assert_eq!(card(&clerk)["card"]["limit_class"], "u");
    let seen = card(&cw);
    assert_eq!((seen["card"]["limit_class"].is_null(), seen["card_withheld"].as_bool()), (true, Some(true)), "{seen}");
    let (status, conflicts) = call(addr, &clerk, "certificate_conflicts", json!({"open_only": true}));
    assert_eq!(status, 200, "{conflicts}");

    let input = json!({"person_id": p["id"], "address": "見本市後見町1番", "reason": "guardian", "requested_by": "成年後見人"});
    let (status, refused) = call(addr, &cw, "register_delivery", json!({ "input": input }));
    assert_eq!((status, refused["code"].as_str()), (403, Some("access.denied")), "{refused}");
    let (status, bad) = call(addr, &clerk, "register_delivery", json!({"input": {"person_id": p["id"], "reason": "holiday"}}));
    assert_eq!((status, bad["code"].as_str()), (422, Some("delivery_registration.invalid")), "{bad}");
    let named: Vec<&str> = bad["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
    assert!(named.contains(&"address") && named.contains(&"reason") && named.contains(&"requested_by"), "{bad}");
    let (status, reg) = call(addr, &clerk, "register_delivery", json!({ "input": input }));
    assert_eq!((status, reg["reason_label"].as_str()), (200, Some("成年後見人")), "{reg}");
    let (status, r) = call(addr, &cw, "show_person", json!({"id": p["id"]}));
    assert_eq!((status, r["standing_registration_id"].clone()), (200, reg["id"].clone()), "{r}");
}

/// Two towns on one server and one database: town A added by the operator beside the demo's
/// town B; both towns' administrators work at once through the same server (its pooled
/// connections handed from one town to the other), each adding and finding only its own
/// residents, and town A's open event stream hears nothing of town B's referral while town B's
/// hears it at once.
#[test]
fn two_towns_work_at_once_through_one_server_and_see_only_their_own() {
    let Some(server) = crate::common::pg_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let owner = crate::common::owner_url_of(&server, &db);
    let added = Command::new(env!("CARGO_BIN_EXE_hairyo"))
        .args(["--db", &owner, "tenant", "add", "--code", "990019", "--name", "見本町", "--admin-login", "town_a"])
        .env("HAIRYO_NEW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let served = serve(&db, &["--connections", "4"]);
    let addr = served.addr.clone();
    let token = |login: &str| sign_in(&addr, login)["token"].as_str().unwrap().to_string();
    let (a, b, b_caseworker) = (token("town_a"), token("admin"), token("kaigo1"));

    let mut towns = Vec::new();
    for (token, name) in [(a.clone(), "町民 甲"), (b.clone(), "市民 乙")] {
        let addr = addr.clone();
        towns.push(std::thread::spawn(move || {
            for i in 0..15 {
                let input = json!({"input": {"name": name, "kana": "チョウミン コウ", "birth_date": "1960-01-01", "sex": "female", "postal_code": "000-0001",
                    "address": format!("{name}の住所{i}"), "scheme": "kokuho"}});
                let (status, body) = call(&addr, &token, "add_person", input);
                assert_eq!(status, 200, "{name}: {body}");
                let (status, found) = call(&addr, &token, "search_persons", json!({"query": name.split(' ').next().unwrap()}));
                assert_eq!(status, 200, "{found}");
                assert_eq!(found["hits"]["total"].as_i64(), Some(i + 1), "{name} finds exactly its own: {found}");
            }
            let (_, everyone) = call(&addr, &token, "list_persons", json!({"limit": 500}));
            everyone["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }));
    }
    let a_names = towns.remove(0).join().unwrap();
    let b_names = towns.remove(0).join().unwrap();
    assert_eq!(a_names.len(), 15, "town A lists its own 15 residents and nobody else: {a_names:?}");
    assert!(a_names.iter().all(|n| n.starts_with("町民")), "{a_names:?}");
    assert!(b_names.len() > 15 && !b_names.iter().any(|n| n.starts_with("町民")), "town B lists no resident of town A");
    let (_, home_a) = call(&addr, &a, "home", json!({}));
    assert_eq!(home_a["counts"]["persons"], 15, "{home_a}");

    // Town B's referral reaches town B's administrator's stream, and not town A's.
    let open = |token: &str| {
        let mut stream = TcpStream::connect(addr.as_str()).unwrap();
        write!(stream, "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        assert!(read_events(&mut stream, Duration::from_secs(5), |n, _| n == "ready").iter().any(|(n, _)| n == "ready"));
        stream
    };
    let (mut stream_a, mut stream_b) = (open(&a), open(&b));
    let (_, persons) = call(&addr, &b_caseworker, "list_persons", json!({"limit": 50}));
    let person = persons["items"].as_array().unwrap().iter().find(|p| p["scheme"] == "kokuho").unwrap().clone();
    let (status, sent) =
        call(&addr, &b_caseworker, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": person["id"], "reason": "町をまたがない連携"}}));
    assert_eq!(status, 200, "{sent}");
    let is_it = |n: &str, d: &str| n == "change" && serde_json::from_str::<Value>(d).is_ok_and(|v| v["id"] == sent["id"]);
    let heard_b = read_events(&mut stream_b, Duration::from_secs(3), is_it);
    assert!(heard_b.iter().any(|(n, d)| is_it(n, d)), "town B's own stream: {heard_b:?}");
    let heard_a = read_events(&mut stream_a, Duration::from_secs(1), is_it);
    assert!(!heard_a.iter().any(|(n, _)| n == "change"), "town A heard town B's referral: {heard_a:?}");
}
