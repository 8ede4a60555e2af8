//! The 8/1 renewal: this year's schedule, the spring list by group, and the city's schedule.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::renewal::{RenewalGroup, RenewalList, RenewalSeason, ScheduleInput};
use hairyo::text::wareki;
use hairyo::Page;

use crate::output::group;
use crate::{typed, Invocation, Result};

#[derive(Subcommand)]
pub enum RenewalCmd {
    /// This year's renewal: the 8/1, the 広域連合's cut-off, the day the city's list is due.
    Season,
    /// The spring list: who is due at the renewal, by what each gets.
    List {
        /// The renewal day (an 8/1); this year's when left out.
        #[arg(long, value_parser = typed::date("renewal.invalid", "renewal_day"))]
        day: Option<NaiveDate>,
        /// age_85 / no_card / continues / at_renewal / apply_again / not_issued
        #[arg(long, value_parser = typed::coded("renewal.invalid", "group", RenewalGroup::parse))]
        group: Option<RenewalGroup>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Set the city's schedule (administrators).
    Schedule {
        /// The 広域連合's print cut-off, e.g. 6/15.
        #[arg(long)]
        cutoff: String,
        /// Make the list this many days before the cut-off.
        #[arg(long)]
        lead_days: String,
        /// Remind from this many days before the list is due.
        #[arg(long)]
        remind_days: String,
    },
}

pub fn run(inv: &Invocation, cmd: &RenewalCmd) -> Result {
    match cmd {
        RenewalCmd::Season => season(inv),
        RenewalCmd::Schedule { cutoff, lead_days, remind_days } => {
            schedule(inv, &ScheduleInput { cutoff: cutoff.clone(), lead_days: lead_days.clone(), remind_days: remind_days.clone() })
        }
        RenewalCmd::List { day, group, limit, offset } => list(inv, *day, *group, Page::new(*offset, *limit)),
    }
}

fn season(inv: &Invocation) -> Result {
    inv.call(Operation::RenewalSeason(operation::NoArgs {}))
}

fn schedule(inv: &Invocation, input: &ScheduleInput) -> Result {
    inv.call(Operation::SetRenewalSchedule(operation::ScheduleArgs { schedule: input.clone() }))
}

fn list(inv: &Invocation, day: Option<NaiveDate>, group: Option<RenewalGroup>, page: Page) -> Result {
    let renewal_day = day.map(|d| d.to_string()).unwrap_or_default();
    let group = group.map(|g| g.code().to_string()).unwrap_or_default();
    inv.call(Operation::RenewalList(operation::RenewalListArgs { renewal_day, group, offset: page.offset, limit: page.limit }))
}

/// The renewal's days, and whether this year's list is made or due.
pub fn season_text(s: &RenewalSeason) -> String {
    let mut out = format!(
        "年次更新 {}  広域連合の締切 {}  市のリスト作成期限 {} (あと{}日)\n",
        wareki::format(s.renewal_day),
        wareki::format(s.cutoff),
        wareki::format(s.list_by),
        s.days_to_list
    );
    match s.list_made_on {
        Some(d) => {
            let _ = writeln!(out, "リストは{}に作成済みです", wareki::format(d));
        }
        None if s.remind => out.push_str("リストを作成してください (出力プロファイルで出力すると作成済みになります)\n"),
        None => {}
    }
    out
}

/// The season, each group's size, then the page of persons.
pub fn list_text(l: &RenewalList) -> String {
    let mut out = season_text(&l.season);
    for c in &l.groups {
        let _ = writeln!(out, "  {}: {}人", c.label, group(c.count as i64));
    }
    for x in &l.lines.items {
        let _ = writeln!(out, "  {} {} ({}歳) {}", x.name, x.scheme_label, x.age_on_renewal, x.group_label);
    }
    out
}
