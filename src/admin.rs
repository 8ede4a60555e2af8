//! Setting a database up (`init`, `demo`) and the tools beside the records: the benchmark and
//! the access matrix.

use clap::Subcommand;

use hairyo::{demo, staff};

use crate::output::group;
use crate::{Invocation, Result};

#[derive(Subcommand)]
pub enum SetupCmd {
    /// Create the database, the desks and the administrator.
    Init,
    /// Add deterministic, plainly fictional demo data.
    Demo {
        #[arg(long, default_value_t = 2000)]
        persons: i64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
pub enum ToolsCmd {
    /// Build the synthetic dataset (200,000 persons by default) in a temp database and print
    /// search, import and home-screen timings. Use a release build. With `--db postgres://…`
    /// (a user allowed to create databases) it measures on that server, in two scratch
    /// databases made for the run and dropped after it.
    Bench {
        #[arg(long, default_value_t = 200_000)]
        persons: i64,
        #[arg(long, default_value_t = 400)]
        queries: usize,
        /// With a PostgreSQL `--db`: build a prefecture of this many municipalities in one
        /// database (the persons shared among them) and measure search, a record and home
        /// under row security, as the desks' servers read (docs/performance.md).
        #[arg(long)]
        towns: Option<usize>,
        /// Keep the prefecture's database for a load test, and print its app-role URL.
        #[arg(long)]
        keep: bool,
    },
    /// Print the access matrix (docs/access.md) as Markdown.
    AccessMatrix,
}

pub fn setup(inv: &Invocation, cmd: &SetupCmd) -> Result {
    match cmd {
        SetupCmd::Init => init(inv),
        SetupCmd::Demo { persons, seed } => demo(inv, *persons, *seed),
    }
}

pub fn tools(inv: &Invocation, cmd: &ToolsCmd) -> Result {
    match cmd {
        ToolsCmd::Bench { persons, queries, towns: None, .. } => bench(inv, *persons, *queries),
        ToolsCmd::Bench { persons, queries, towns: Some(towns), keep } => prefecture(inv, *persons, *queries, *towns, *keep),
        ToolsCmd::AccessMatrix => {
            print!("{}{}", hairyo::access::markdown(), hairyo::disclosure::markdown());
            Ok(())
        }
    }
}

fn init(inv: &Invocation) -> Result {
    let pw = crate::session::password("管理者 (admin) のパスワードを決めてください: ")?;
    staff::validate_password(&pw)?;
    let mut store = inv.open()?;
    let actor = staff::init(&mut store, inv.now)?;
    staff::set_initial_password(&mut store, &actor.login, &pw, inv.now)?;
    let shown = inv.location().display();
    inv.emit(&serde_json::json!({"database": shown, "administrator": actor}), |_| initialised_text(&shown, &actor.login))
}

fn initialised_text(database: &str, login: &str) -> String {
    format!("データベースを初期化しました: {database}\n管理者のログイン名: {login}")
}

fn demo(inv: &Invocation, persons: i64, seed: u64) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&demo::generate(&mut store, &actor, persons, seed, inv.now)?, demo_text)
}

fn demo_text(s: &demo::DemoSummary) -> String {
    format!(
        "デモデータを登録しました: 対象者 {}人、施設 {}、接点 {}件、連携依頼 {}件、申請 {}件、資格確認書 {}件",
        group(s.persons),
        group(s.facilities),
        group(s.touchpoints),
        group(s.referrals),
        group(s.applications),
        group(s.certificates)
    )
}

/// The prefecture-scale benchmark: on a PostgreSQL server only, in a scratch database of its own.
fn prefecture(inv: &Invocation, persons: i64, queries: usize, towns: usize, keep: bool) -> Result {
    let Some(hairyo::store::Location::Server(url)) = inv.cli.db.as_deref().map(hairyo::store::Location::parse) else {
        return Err(crate::ErrorBody::new("bench.failed", "--towns は PostgreSQL のサーバー (--db postgres://…) でだけ測れます"));
    };
    let report = hairyo::bench::run_prefecture(towns, persons, queries, &url, keep, inv.now, &mut |m| eprintln!("{m}"))
        .map_err(|e| crate::ErrorBody::new("bench.failed", e))?;
    inv.emit(&report, |r| r.to_string())
}

/// Bench never touches the database it is pointed at: on a server it makes scratch databases
/// beside it, and a file stands for nothing but "this machine".
fn bench(inv: &Invocation, persons: i64, queries: usize) -> Result {
    let server = match inv.cli.db.as_deref().map(hairyo::store::Location::parse) {
        Some(hairyo::store::Location::Server(url)) => Some(url),
        _ => None,
    };
    let report =
        hairyo::bench::run(persons, queries, server.as_deref(), inv.now, &mut |m| eprintln!("{m}")).map_err(|e| crate::ErrorBody::new("bench.failed", e))?;
    inv.emit(&report, |r| r.to_string())
}
