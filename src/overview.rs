//! The overviews: counts per desk and state (`stats`), the home screen's numbers (`home`) and a
//! person's route to a certificate on a day (`route`).

use std::fmt::Write as _;
use std::time::Duration;

use chrono::NaiveDate;
use clap::Subcommand;

use hairyo::home::{self, Home};
use hairyo::policy::{self, Route};
use hairyo::staff::Actor;
use hairyo::stats::{self, Count, Stats};
use hairyo::text::wareki;

use crate::output::group;
use crate::{typed, Invocation, Result};

#[derive(Subcommand)]
pub enum OverviewCmd {
    /// Counts per desk and per state.
    Stats,
    /// The home screen's data for the acting staff member (counts, queues, funnel, forecast).
    Home,
    /// How a person gets a 資格確認書 on a date, with the R-numbers.
    Route {
        person_id: i64,
        /// The date to evaluate (default: today); any date form (2026-08-01, R8.8.1 …).
        #[arg(long, value_parser = typed::date("policy.invalid", "on"))]
        on: Option<NaiveDate>,
    },
}

pub fn run(inv: &Invocation, cmd: &OverviewCmd) -> Result {
    match cmd {
        OverviewCmd::Stats => stats(inv),
        OverviewCmd::Home => home(inv),
        OverviewCmd::Route { person_id, on } => route(inv, *person_id, on.unwrap_or(inv.today())),
    }
}

fn stats(inv: &Invocation) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&stats::compute(&store, &actor, inv.now)?, stats_text)
}

/// The home screen's counts, with how long they took to make.
fn home(inv: &Invocation) -> Result {
    let (store, actor) = inv.sign_in()?;
    let t = std::time::Instant::now();
    let h = home::summary(&store, &actor, inv.now)?;
    let took = t.elapsed();
    inv.emit(&h, |h| home_text(h, &actor, took))
}

fn route(inv: &Invocation, person_id: i64, on: NaiveDate) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&policy::route(&store, &actor, person_id, on, inv.now)?, route_text)
}

fn stats_text(s: &Stats) -> String {
    let mut out = format!("対象者 {}人 / 施設 {}\n", group(s.persons), group(s.facilities));
    for (title, rows) in [
        ("保険種別ごとの対象者", &s.persons_by_scheme),
        ("窓口ごとの接点", &s.touchpoints_by_desk),
        ("状態ごとの連携依頼", &s.referrals_by_status),
        ("依頼元窓口ごとの連携依頼", &s.referrals_by_desk),
        ("状態ごとの申請", &s.applications_by_status),
        ("根拠ごとの資格確認書", &s.certificates_by_basis),
    ] {
        out.push_str(&counts_text(title, rows));
    }
    out
}

fn counts_text(title: &str, rows: &[Count]) -> String {
    let mut out = format!("{title}:\n");
    for c in rows {
        let _ = writeln!(out, "  {}\t{}", c.label, group(c.count));
    }
    out
}

fn home_text(h: &Home, actor: &Actor, took: Duration) -> String {
    let c = &h.counts;
    format!(
        "{} {} ({}): 対象者 {}人 / 確認待ちの連携依頼 {} / 依頼中 {} / 差戻し {} / 書類待ちの申請 {} / 処理中の申請 {} / 30日以内に期限の証 {} / 期日のフォローアップ {}\n(集計 {:.1} ms)",
        actor.name,
        actor.desk.label(),
        actor.role.label(),
        group(c.persons),
        c.referrals_to_review,
        c.referrals_open,
        c.referrals_returned,
        c.applications_waiting_documents,
        c.applications_in_progress,
        c.certificates_expiring_30_days,
        c.follow_ups_due,
        took.as_secs_f64() * 1000.0
    )
}

fn route_text(r: &Route) -> String {
    format!(
        "{} 時点: {}{}\n根拠: {}\n{}",
        wareki::format(r.on),
        r.label,
        if r.to_confirm { " 【要確認】" } else { "" },
        if r.r_numbers.is_empty() { "—".to_string() } else { r.r_numbers.join(", ") },
        r.explanation
    )
}
