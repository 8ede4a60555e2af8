//! `hairyo bench`: builds the synthetic dataset at scale in a temp database and measures
//! search (against a plain LIKE scan in the same run), CSV import (time and peak memory, in a
//! child process) and the home screen. Figures are recorded in docs/performance.md.

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::demo::Rng;
use crate::import::Encoding;
use crate::staff::{self, Desk, Role};
use crate::text::{kana, normalize, wareki};
use crate::{demo, export, home, search, store, Page};

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

impl Timing {
    fn of(mut d: Vec<Duration>) -> Timing {
        d.sort();
        let at = |q: f64| d[((d.len() as f64 * q).ceil() as usize).clamp(1, d.len()) - 1].as_secs_f64() * 1000.0;
        Timing { p50_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1.0) }
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p50 {:.2} ms / p95 {:.2} ms / 最大 {:.2} ms", self.p50_ms, self.p95_ms, self.max_ms)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub persons: i64,
    pub touchpoints: i64,
    pub build_seconds: f64,
    pub queries: usize,
    pub search: Timing,
    pub like_scan: Timing,
    /// How many times faster search is than the LIKE scan, at p95.
    pub speedup_p95: f64,
    /// Queries the LIKE scan on raw names found nothing for (hiragana, half-width, variants …).
    pub like_misses: usize,
    /// Queries where search did not return the person the query was made from on page one
    /// although fewer than a page of people matched (should be 0).
    pub search_misses: usize,
    /// The slowest search queries, with their times in ms.
    pub slowest: Vec<(String, f64)>,
    /// Home right after another desk sent a referral, as a server answers it while the desks
    /// write: on PostgreSQL the parts that read referrals are computed again, the rest are kept.
    pub home: Timing,
    /// Home asked again with nothing changed (kept whole on PostgreSQL; computed on SQLite).
    pub home_unchanged: Timing,
    pub import_rows: usize,
    pub import_seconds: Option<f64>,
    pub import_peak_mb: Option<f64>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "データ: 対象者 {} 人、接点 {} 件 (作成 {:.1} 秒)", self.persons, self.touchpoints, self.build_seconds)?;
        writeln!(
            f,
            "検索 ({} 件の問い合わせ): p50 {:.3} ms / p95 {:.3} ms / 最大 {:.3} ms",
            self.queries, self.search.p50_ms, self.search.p95_ms, self.search.max_ms
        )?;
        writeln!(
            f,
            "LIKE '%…%' 走査: p50 {:.3} ms / p95 {:.3} ms (p95 で {:.0} 倍、見つからなかった問い合わせ {} 件)",
            self.like_scan.p50_ms, self.like_scan.p95_ms, self.speedup_p95, self.like_misses
        )?;
        writeln!(f, "検索で本人が見つからなかった問い合わせ: {} 件", self.search_misses)?;
        let slow: Vec<String> = self.slowest.iter().map(|(q, ms)| format!("「{q}」{ms:.1} ms")).collect();
        writeln!(f, "遅かった検索: {}", slow.join("、"))?;
        writeln!(f, "ホーム画面のデータ (連携依頼の送付の直後): p50 {:.1} ms / p95 {:.1} ms", self.home.p50_ms, self.home.p95_ms)?;
        writeln!(f, "ホーム画面のデータ (変更なし): p50 {:.1} ms / p95 {:.1} ms", self.home_unchanged.p50_ms, self.home_unchanged.p95_ms)?;
        match (self.import_seconds, self.import_peak_mb) {
            (Some(s), Some(m)) => write!(f, "CP932 CSV {} 行の取込: {:.2} 秒、最大メモリ {:.0} MB", self.import_rows, s, m),
            _ => write!(f, "取込: 測定していません (hairyo バイナリから実行してください)"),
        }
    }
}

fn query_for(form: u64, p: &crate::person::PersonSummary) -> String {
    let surname = p.name.split('\u{3000}').next().unwrap_or(&p.name).to_string();
    let given = p.name.split('\u{3000}').nth(1).unwrap_or("").to_string();
    let kana_surname = p.kana.split('\u{3000}').next().unwrap_or(&p.kana).to_string();
    match form {
        0 => p.name.clone(),
        1 => surname,
        2 => format!("{surname} {given}"),
        3 => kana::hiragana_from_katakana(&p.kana),
        4 => kana::to_halfwidth_katakana(&p.kana),
        5 => p.atena_no.clone(),
        6 => wareki::format(p.birth_date),
        7 => normalize::search_key(&p.name),
        8 => kana_surname,
        _ => {
            let k: Vec<char> = p.kana.replace('\u{3000}', "").chars().collect();
            k[k.len().saturating_sub(4)..].iter().collect()
        }
    }
}

/// Peak resident memory of a child process, sampled while it runs (Linux).
fn run_measured(cmd: &mut std::process::Command) -> Result<(f64, f64), String> {
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(v) = s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()) {
                peak_kb = peak_kb.max(v);
            }
        }
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            if !st.success() {
                return Err(format!("取込が失敗しました ({st})"));
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok((start.elapsed().as_secs_f64(), peak_kb as f64 / 1024.0))
}

/// Builds `persons` synthetic persons and measures; `log` hears about progress. With `server`
/// (a PostgreSQL URL whose user may create databases), the measurements run there, in two
/// scratch databases created for the run and dropped after it; otherwise in temp SQLite files.
pub fn run(persons: i64, queries: usize, server: Option<&str>, now: NaiveDateTime, log: &mut dyn FnMut(&str)) -> Result<Report, String> {
    let dir = std::env::temp_dir().join(format!("hairyo-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (bench, import, scratch) = match server {
        Some(url) => {
            let names = [format!("hairyo_bench_{}", std::process::id()), format!("hairyo_bench_import_{}", std::process::id())];
            let urls: Vec<String> = names.iter().map(|n| store::pg::create_scratch_database(url, n)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
            (store::Location::Server(urls[0].clone()), store::Location::Server(urls[1].clone()), Some((url, names)))
        }
        None => (store::Location::File(dir.join("bench.db")), store::Location::File(dir.join("import.db")), None),
    };
    let result = run_in(&dir, &bench, &import, persons, queries, now, log);
    if let Some((url, names)) = scratch {
        for n in &names {
            let _ = store::pg::drop_scratch_database(url, n);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(
    dir: &std::path::Path,
    db: &store::Location,
    fresh: &store::Location,
    persons: i64,
    queries: usize,
    now: NaiveDateTime,
    log: &mut dyn FnMut(&str),
) -> Result<Report, String> {
    let s = |e: &dyn std::fmt::Display| e.to_string();
    let mut st = store::open_location(db).map_err(|e| s(&e))?;
    let admin = staff::init(&mut st, now).map_err(|e| s(&e))?;
    log(&format!("{persons} 人の合成データを作成しています…"));
    let t = Instant::now();
    let summary = demo::generate(&mut st, &admin, persons, 42, now).map_err(|e| s(&e))?;
    let build_seconds = t.elapsed().as_secs_f64();
    st.refresh_statistics().map_err(|e| s(&e))?;
    let today = now.date();

    // The query mix: ten forms clerks type, each made from a randomly drawn person.
    let mut rng = Rng::new(7);
    let mut mix = Vec::with_capacity(queries);
    for i in 0..queries {
        let id = 1 + rng.below(summary.persons as u64) as i64;
        let p = crate::person::summaries(&st.read(), &crate::disclosure::Audience::every_desk(), &[id], today).map_err(|e| s(&e))?.remove(0);
        mix.push((id, query_for(i as u64 % 10, &p)));
    }
    log(&format!("検索を {queries} 回測定しています…"));
    let mut times = Vec::new();
    let mut misses = 0;
    let mut slow: Vec<(String, f64)> = Vec::new();
    // Measured through the public operation a clerk's search calls, access check included.
    let clerk = staff::actor(&st, "kokuho1").map_err(|e| s(&e))?;
    for (id, q) in &mix {
        let t = Instant::now();
        let r = search::search(&mut st, &clerk, q, Page::new(0, 20), now).map_err(|e| s(&e))?;
        times.push(t.elapsed());
        slow.push((q.clone(), t.elapsed().as_secs_f64() * 1000.0));
        if r.hits.total <= 20 && !r.hits.items.iter().any(|h| h.person.id == *id) {
            misses += 1;
        }
    }
    let queries_typed: Vec<&str> = mix.iter().map(|(_, q)| q.as_str()).collect();
    let scans = st.time_like_scans(&queries_typed).map_err(|e| s(&e))?;
    let like_misses = scans.iter().filter(|(_, found)| *found == 0).count();
    let like_times: Vec<Duration> = scans.into_iter().map(|(t, _)| t).collect();
    let search_t = Timing::of(times);
    slow.sort_by(|a, b| b.1.total_cmp(&a.1));
    slow.truncate(5);
    let like_t = Timing::of(like_times);

    log("ホーム画面のデータを測定しています…");
    let (mut home_times, mut unchanged_times) = (Vec::new(), Vec::new());
    let sender = staff::actor(&st, "kaigo1").map_err(|e| s(&e))?;
    let mut sent = 0;
    for (login, desk, role) in [("kokuho1", Desk::Kokuho, Role::Clerk), ("kaigo1", Desk::Kaigo, Role::Caseworker), ("admin", Desk::Kokuho, Role::Admin)] {
        let actor = staff::actor(&st, login).unwrap_or(staff::Actor {
            staff_id: 1,
            login: login.into(),
            name: String::new(),
            desk,
            role,
            grants: Vec::new(),
            municipality: crate::store::FIRST_MUNICIPALITY,
        });
        for round in 0..7 {
            // Another desk sends a referral (for a person the mix was drawn from; one the core
            // refuses, for example of another scheme, is skipped), then home is asked for.
            let (id, _) = &mix[(round * 3 + sent) % mix.len()];
            let input =
                crate::referral::ReferralInput {
                    person_id: *id, reason: "測定のための連携".into(), sharing_basis: "consent".into(), ..Default::default()
                };
            if crate::referral::send(&mut st, &sender, &input, now).is_ok() {
                sent += 1;
            }
            let t = Instant::now();
            home::summary(&st, &actor, now).map_err(|e| s(&e))?;
            home_times.push(t.elapsed());
            let t = Instant::now();
            home::summary(&st, &actor, now).map_err(|e| s(&e))?;
            unchanged_times.push(t.elapsed());
        }
    }

    // Import: the persons exported as CP932, into a fresh database, by the hairyo binary.
    let (bytes, rows) = export::export(&mut st, &admin, export::ExportKind::Persons, Encoding::Cp932, now).map_err(|e| s(&e))?;
    let csv = dir.join("persons-cp932.csv");
    std::fs::write(&csv, bytes).map_err(|e| s(&e))?;
    drop(st);
    let exe = std::env::current_exe().map_err(|e| s(&e))?;
    let (import_seconds, import_peak_mb) = if exe.file_stem().is_some_and(|n| n == "hairyo") {
        log(&format!("CP932 CSV {rows} 行の取込を測定しています…"));
        let fresh = match fresh {
            store::Location::File(p) => p.display().to_string(),
            store::Location::Server(url) => url.clone(),
        };
        let ok = std::process::Command::new(&exe)
            .env("HAIRYO_PASSWORD", demo::DEMO_PASSWORD)
            .arg("--db")
            .arg(&fresh)
            .arg("init")
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| s(&e))?;
        if !ok.success() {
            return Err("init に失敗しました".into());
        }
        let mut cmd = std::process::Command::new(&exe);
        cmd.env("HAIRYO_PASSWORD", demo::DEMO_PASSWORD)
            .arg("--db")
            .arg(&fresh)
            .args(["--json", "import", "persons"])
            .arg(&csv)
            .args(["--encoding", "cp932"])
            .stdout(std::process::Stdio::null());
        let (secs, mb) = run_measured(&mut cmd)?;
        (Some(secs), Some(mb))
    } else {
        (None, None)
    };

    Ok(Report {
        persons: summary.persons,
        touchpoints: summary.touchpoints,
        build_seconds,
        queries,
        speedup_p95: like_t.p95_ms / search_t.p95_ms.max(1e-6),
        search: search_t,
        like_scan: like_t,
        like_misses,
        search_misses: misses,
        slowest: slow,
        home: Timing::of(home_times),
        home_unchanged: Timing::of(unchanged_times),
        import_rows: rows,
        import_seconds,
        import_peak_mb,
    })
}

/// What the prefecture-scale benchmark measured: `towns` municipalities in one database, each
/// a copy of one synthetic town, read through the app role (row security on) as the desks'
/// servers read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PrefectureReport {
    pub towns: usize,
    pub persons: i64,
    pub touchpoints: i64,
    pub build_seconds: f64,
    /// The towns measured (their ids); each town's clerks search its own residents.
    pub measured_towns: Vec<i64>,
    pub search: Timing,
    /// Queries where the person the query was made from was not on page one although fewer
    /// than a page matched (should be 0).
    pub search_misses: usize,
    pub record: Timing,
    pub home: Timing,
    /// The database kept for a load test (`--keep`), connecting as the app role.
    pub kept_url: Option<String>,
}

impl std::fmt::Display for PrefectureReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} 市区町村、{} 人、接点 {} 件 (作成 {:.0} 秒)、行セキュリティの下でアプリ用ロールとして測定",
            self.towns, self.persons, self.touchpoints, self.build_seconds
        )?;
        writeln!(f, "検索: {} (取りこぼし {} 件)", self.search, self.search_misses)?;
        writeln!(f, "記録の表示: {}", self.record)?;
        write!(f, "ホーム画面: {}", self.home)?;
        if let Some(url) = &self.kept_url {
            write!(f, "\n測定用データベースを残しました: {url}")?;
        }
        Ok(())
    }
}

/// The login role the prefecture benchmark reads as.
const BENCH_APP_ROLE: &str = "hairyo_bench_app";

/// `url` connecting as `role` instead of its own user (no password: the benchmark's cluster
/// trusts loopback connections, as the test command's does).
fn as_role(url: &str, role: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{role}@{}", rest.split_once('@').map(|(_, h)| h).unwrap_or(rest)),
        None => url.to_string(),
    }
}

/// Builds a prefecture on the PostgreSQL server `server` (a URL whose user may create
/// databases and roles): one synthetic town of `persons / towns` residents, copied into
/// `towns` municipalities of one scratch database, then measures search, a record and home as
/// clerks of three towns through the app role. The database is dropped after, unless `keep`.
pub fn run_prefecture(
    towns: usize,
    persons: i64,
    queries: usize,
    server: &str,
    keep: bool,
    now: NaiveDateTime,
    log: &mut dyn FnMut(&str),
) -> Result<PrefectureReport, String> {
    let s = |e: &dyn std::fmt::Display| e.to_string();
    let name = format!("hairyo_prefecture_{}", std::process::id());
    let url = store::pg::create_scratch_database(server, &name).map_err(|e| s(&e))?;
    let result = prefecture_in(&url, towns.max(1), persons, queries, now, log);
    match (&result, keep) {
        (Ok(_), true) => {}
        _ => {
            let _ = store::pg::drop_scratch_database(server, &name);
        }
    }
    result.map(|mut r| {
        r.kept_url = keep.then(|| as_role(&url, BENCH_APP_ROLE));
        r
    })
}

fn prefecture_in(url: &str, towns: usize, persons: i64, queries: usize, now: NaiveDateTime, log: &mut dyn FnMut(&str)) -> Result<PrefectureReport, String> {
    let s = |e: &dyn std::fmt::Display| e.to_string();
    let mut owner = store::open_location(&store::Location::Server(url.to_string())).map_err(|e| s(&e))?;
    let admin = staff::init(&mut owner, now).map_err(|e| s(&e))?;
    let per_town = (persons / towns as i64).max(1);
    log(&format!("{per_town} 人の合成の町を作成し、{towns} 市区町村に複製しています…"));
    let t = Instant::now();
    let summary = demo::generate(&mut owner, &admin, per_town, 42, now).map_err(|e| s(&e))?;
    let at = crate::stamp(now);
    for town in 2..=towns {
        // Fictional codes: prefecture 99 (none has it), each with its check digit.
        let body = format!("99{:03}", town);
        let check = (11 - body.chars().filter_map(|c| c.to_digit(10)).zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum::<u32>() % 11) % 10;
        store::tenants::replicate(&mut owner, store::FIRST_MUNICIPALITY, &format!("{body}{check}"), &format!("見本町{town}"), &format!("_t{town}"), &at)
            .map_err(|e| s(&e))?;
        if town % 10 == 0 {
            log(&format!("{town} 市区町村…"));
        }
    }
    owner.refresh_statistics().map_err(|e| s(&e))?;
    let build_seconds = t.elapsed().as_secs_f64();
    store::tenants::create_login_role(url, BENCH_APP_ROLE).map_err(|e| s(&e))?;
    owner.write(|tx| store::pg::grant_app_role(tx, BENCH_APP_ROLE)).map_err(|e| s(&e))?;
    drop(owner);

    let mut st = store::open_location(&store::Location::Server(as_role(url, BENCH_APP_ROLE))).map_err(|e| s(&e))?;
    let measured: Vec<usize> = [1, towns.div_ceil(2), towns].into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let suffix = |town: usize| if town == 1 { String::new() } else { format!("_t{town}") };
    let (mut search_times, mut record_times, mut home_times, mut misses) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let mut measured_ids = Vec::new();
    for town in &measured {
        // Signed in afresh for each town, as each town's clerk signs in on a server's
        // connection: one acting for a town never looks a login up in another.
        st.leave().map_err(|e| s(&e))?;
        let clerk = staff::actor(&st, &format!("kokuho1{}", suffix(*town))).map_err(|e| s(&e))?;
        measured_ids.push(clerk.municipality);
        let today = now.date();
        let mut rng = Rng::new(7 + *town as u64);
        for i in 0..queries {
            let id = 1 + rng.below(summary.persons as u64) as i64;
            st.enter(clerk.municipality).map_err(|e| s(&e))?;
            let p = crate::person::summaries(&st.read(), &crate::disclosure::Audience::every_desk(), &[id], today).map_err(|e| s(&e))?.remove(0);
            let q = query_for(i as u64 % 10, &p);
            let t = Instant::now();
            let r = search::search(&mut st, &clerk, &q, Page::new(0, 20), now).map_err(|e| s(&e))?;
            search_times.push(t.elapsed());
            if r.hits.total <= 20 && !r.hits.items.iter().any(|h| h.person.id == id) {
                misses += 1;
            }
            let t = Instant::now();
            crate::record::show(&mut st, &clerk, id, now).map_err(|e| s(&e))?;
            record_times.push(t.elapsed());
        }
        for _ in 0..10 {
            let t = Instant::now();
            home::summary(&st, &clerk, now).map_err(|e| s(&e))?;
            home_times.push(t.elapsed());
        }
    }
    Ok(PrefectureReport {
        towns,
        persons: summary.persons * towns as i64,
        touchpoints: summary.touchpoints * towns as i64,
        build_seconds,
        measured_towns: measured_ids,
        search: Timing::of(search_times),
        search_misses: misses,
        record: Timing::of(record_times),
        home: Timing::of(home_times),
        kept_url: None,
    })
}
