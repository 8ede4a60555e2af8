//! `hairyo loadtest`: simulated staff against a running `hairyo serve` on loopback, over plain
//! HTTP/1.1, for docs/performance.md. Each client signs in as one of the demo's desk staff and
//! loops over a mix of what a desk does (search, open a record, its queue, home, writes) for a
//! bounded time, pausing between requests as a person at a desk does (`--think-ms`; 0 for no
//! pause, to find what the server can take); one more client holds the 国保 desk's event stream and times how long a
//! referral sent at a welfare desk takes to reach it. Reports p50 / p95 / p99 and errors per
//! kind of request.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hairyo::codes::ErrorBody;
use serde::Serialize;
use serde_json::{json, Value};

/// What one kind of request measured.
#[derive(Debug, Clone, Serialize)]
pub struct Kind {
    pub requests: usize,
    pub errors: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub clients: usize,
    pub seconds: u64,
    pub think_ms: u64,
    /// Requests answered per second, all kinds together.
    pub per_second: f64,
    pub kinds: Vec<(String, Kind)>,
    /// From a referral's answer at the sender to its event at the 国保 desk's stream.
    pub live_updates: Kind,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} 人の模擬職員、{} 秒、操作の間隔 {} ms 前後、毎秒 {:.1} 件", self.clients, self.seconds, self.think_ms, self.per_second)?;
        for (name, k) in self.kinds.iter().chain(std::iter::once(&("live_update".to_string(), self.live_updates.clone()))) {
            writeln!(
                f,
                "{name:<14} {:>6} 件 エラー {:>3}  p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms",
                k.requests, k.errors, k.p50_ms, k.p95_ms, k.p99_ms
            )?;
        }
        Ok(())
    }
}

fn kind_of(mut times: Vec<Duration>, errors: usize) -> Kind {
    times.sort();
    let at = |q: f64| {
        if times.is_empty() {
            return 0.0;
        }
        times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1].as_secs_f64() * 1000.0
    };
    Kind { requests: times.len() + errors, errors, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99) }
}

fn failed(message: impl Into<String>) -> ErrorBody {
    ErrorBody::new("loadtest.failed", message)
}

/// One request over a fresh connection; the status and the body.
fn request(addr: &str, path: &str, token: Option<&str>, body: &Value) -> Result<(u16, Value), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    // One write with Nagle off, as a browser sends a request: written piece by piece, a
    // request waits for delayed ACKs (40 ms each through a load balancer).
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let body = body.to_string();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text.split_once("\r\n\r\n").ok_or("no HTTP head")?;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("no status")?;
    Ok((status, serde_json::from_str(rest).unwrap_or(Value::Null)))
}

/// What each simulated desk does, in proportion: mostly reads, as at a counter.
const MIX: &[(&str, u32)] = &[("search", 35), ("record", 25), ("queue", 15), ("home", 10), ("write", 15)];

struct Shared {
    times: Mutex<HashMap<&'static str, (Vec<Duration>, usize)>>,
    /// Referral id → when its sender pressed send (the request started).
    sent: Mutex<HashMap<i64, Instant>>,
    /// Referral id → when its event reached the 国保 desk's stream (it may come before the
    /// sender has its answer: the database announces at commit).
    arrived: Mutex<HashMap<i64, Instant>>,
}

/// Runs `clients` simulated staff for `seconds` against the server at `addr` (host:port,
/// plain HTTP on loopback), signing in with the demo's staff and `password`.
/// With `towns` above one (a prefecture `hairyo bench --towns --keep` built), the clients are
/// spread over the towns, signing in as each town's copy of the demo's staff (`kokuho1_t2`, …);
/// the event stream listened to is the first town's, so live updates count its referrals.
pub fn run(addr: &str, clients: usize, seconds: u64, think: Duration, password: &str, towns: usize) -> Result<Report, ErrorBody> {
    if !(1..=500).contains(&clients) || !(1..=3600).contains(&seconds) || think > Duration::from_secs(60) || !(1..=1000).contains(&towns) {
        return Err(ErrorBody::new(
            "loadtest.invalid",
            "--clients は 1〜500、--seconds は 1〜3600、--think-ms は 0〜60000、--towns は 1〜1000 で指定してください",
        ));
    }
    let sign_in = |login: &str| -> Result<String, ErrorBody> {
        match request(addr, "/api/sign_in", None, &json!({"login": login, "password": password})) {
            Ok((200, body)) => body["token"].as_str().map(str::to_string).ok_or_else(|| failed("サインインの応答にトークンがありません")),
            Ok((status, body)) => Err(failed(format!("{login} でサインインできません ({status}): {body}"))),
            Err(e) => Err(failed(format!("{addr} に接続できません: {e}"))),
        }
    };
    let reader = sign_in("kokuho1")?;
    let (status, persons) = request(addr, "/api/list_persons", Some(&reader), &json!({"limit": 500})).map_err(failed)?;
    if status != 200 {
        return Err(failed(format!("対象者の一覧を読めません ({status})")));
    }
    let people: Vec<(i64, String)> =
        persons["items"].as_array().map(|a| a.iter().filter_map(|p| Some((p["id"].as_i64()?, p["name"].as_str()?.to_string()))).collect()).unwrap_or_default();
    if people.is_empty() {
        return Err(failed("対象者がいません。先に hairyo demo でデータを作ってください"));
    }
    let people = Arc::new(people);
    let shared = Arc::new(Shared { times: Mutex::new(HashMap::new()), sent: Mutex::new(HashMap::new()), arrived: Mutex::new(HashMap::new()) });
    let deadline = Instant::now() + Duration::from_secs(seconds);

    // The 国保 desk's event stream.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let listener = {
        let (addr, shared, token) = (addr.to_string(), shared.clone(), reader.clone());
        std::thread::spawn(move || listen(&addr, &token, deadline, &shared, ready_tx))
    };
    // Referrals sent before the stream is open could not reach it.
    ready_rx.recv_timeout(Duration::from_secs(10)).map_err(|_| failed("イベントの配信 (GET /api/events) が始まりません"))?;
    let logins: Vec<&str> = hairyo::demo::DEMO_STAFF.iter().map(|s| s.0).collect();
    let mut threads = Vec::new();
    for n in 0..clients {
        let login = logins[n % logins.len()];
        let town = n % towns + 1;
        let token = if town == 1 { sign_in(login)? } else { sign_in(&format!("{login}_t{town}"))? };
        let (addr, shared, people) = (addr.to_string(), shared.clone(), people.clone());
        let welfare = !login.starts_with("kokuho") && !login.starts_with("kouki");
        let listened = town == 1;
        threads.push(std::thread::spawn(move || simulate(&addr, &token, (welfare, listened), n as u64, deadline, think, &people, &shared)));
    }
    for t in threads {
        let _ = t.join();
    }
    let _ = listener.join();
    let times = shared.times.lock().map_err(|_| failed("集計できません"))?;
    let kinds: Vec<(String, Kind)> =
        MIX.iter().map(|(name, _)| (name.to_string(), times.get(name).map(|(t, e)| kind_of(t.clone(), *e)).unwrap_or_else(|| kind_of(vec![], 0)))).collect();
    let sent = shared.sent.lock().map_err(|_| failed("集計できません"))?;
    let arrived = shared.arrived.lock().map_err(|_| failed("集計できません"))?;
    let live: Vec<Duration> = sent.iter().filter_map(|(id, at)| arrived.get(id).map(|seen| seen.saturating_duration_since(*at))).collect();
    // A referral whose event never came is a missed update. On a SQLite file the server
    // announces changes without ids, so nothing is measured there.
    let missed = if arrived.is_empty() { 0 } else { sent.len() - live.len() };
    let answered: usize = kinds.iter().map(|(_, k)| k.requests - k.errors).sum();
    let per_second = (answered as f64 / seconds as f64 * 10.0).round() / 10.0;
    Ok(Report { clients, seconds, think_ms: think.as_millis() as u64, per_second, kinds, live_updates: kind_of(live, missed) })
}

#[allow(clippy::too_many_arguments)] // One simulated person's whole set-up, passed once.
fn simulate(
    addr: &str,
    token: &str,
    (welfare, listened): (bool, bool),
    seed: u64,
    deadline: Instant,
    think: Duration,
    people: &[(i64, String)],
    shared: &Shared,
) {
    let mut rng = hairyo::demo::Rng::new(seed + 11);
    let total: u32 = MIX.iter().map(|m| m.1).sum();
    // The staff do not all start at the same instant.
    std::thread::sleep(think.mul_f64(rng.below(1000) as f64 / 1000.0));
    while Instant::now() < deadline {
        let mut pick = rng.below(total as u64) as u32;
        let kind = MIX
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map(|m| m.0)
            .unwrap_or("home");
        let (id, name) = &people[rng.below(people.len() as u64) as usize];
        let surname = name.split('\u{3000}').next().unwrap_or(name).to_string();
        let (path, body) = match kind {
            "search" => ("/api/search_persons", json!({"query": if rng.chance(50) { name.clone() } else { surname }, "limit": 20})),
            "record" => ("/api/show_person", json!({"id": id})),
            "queue" => ("/api/referral_queue", json!({"limit": 50})),
            "home" => ("/api/home", json!({})),
            _ if welfare => ("/api/send_referral", json!({"input": {"sharing_basis": "consent", "person_id": id, "reason": "負荷試験の連携"}})),
            _ => ("/api/add_touchpoint", json!({"input": {"person_id": id, "date": "2026-11-20", "kind": "counter", "notes": "負荷試験"}})),
        };
        let start = Instant::now();
        let answer = request(addr, path, Some(token), &body);
        let took = start.elapsed();
        // A refusal by the core (a person of another scheme, a desk that may not do it) is an
        // answer, not an error of the server: errors are failures to answer and 5xx.
        let ok = matches!(&answer, Ok((s, _)) if *s < 500);
        // Only a referral to the 国保 desk is for the listening desk to see (a 後期 member's
        // goes to the 後期 desk).
        if let (Ok((200, v)), "/api/send_referral") = (&answer, path) {
            if let (Some(rid), true, Ok(mut sent)) = (v["id"].as_i64(), listened && v["to_desk"] == "kokuho", shared.sent.lock()) {
                sent.insert(rid, start);
            }
        }
        if let Ok(mut times) = shared.times.lock() {
            let entry = times.entry(kind).or_insert_with(|| (Vec::new(), 0));
            if ok {
                entry.0.push(took);
            } else {
                entry.1 += 1;
            }
        }
        std::thread::sleep(think.mul_f64(0.5 + rng.below(1000) as f64 / 1000.0));
    }
}

/// Reads the event stream until every referral sent before `deadline` has arrived, or ten
/// seconds after it (what is still missing then counts as missed).
fn listen(addr: &str, token: &str, deadline: Instant, shared: &Shared, ready: std::sync::mpsc::Sender<()>) {
    let until = deadline + Duration::from_secs(10);
    let all_arrived = || match (shared.sent.lock(), shared.arrived.lock()) {
        (Ok(sent), Ok(arrived)) => sent.keys().all(|id| arrived.contains_key(id)),
        _ => true,
    };
    let Ok(mut stream) = TcpStream::connect(addr) else { return };
    let _ = stream.set_nodelay(true);
    let _ = write!(stream, "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n");
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut pending = String::new();
    let mut chunk = [0u8; 8192];
    while Instant::now() < until {
        // The last requests end shortly after the deadline; then only late events are awaited.
        if Instant::now() > deadline + Duration::from_secs(1) && all_arrived() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => pending.push_str(&String::from_utf8_lossy(&chunk[..n])),
            Err(_) => continue,
        }
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            if line.trim() == "event: ready" || line.trim() == "event:ready" {
                let _ = ready.send(());
            }
            let Some(data) = line.trim().strip_prefix("data:") else { continue };
            let Ok(v) = serde_json::from_str::<Value>(data.trim()) else { continue };
            if v["kind"] == "referral" && v["status"] == "sent" {
                if let (Some(id), Ok(mut arrived)) = (v["id"].as_i64(), shared.arrived.lock()) {
                    arrived.entry(id).or_insert_with(Instant::now);
                }
            }
        }
    }
}
