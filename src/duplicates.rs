//! Candidate duplicate persons (same birth date, same or similar name): list, merge, dismiss.

use clap::Subcommand;

use hairyo::duplicates::{self, Candidate};
use hairyo::person::Person;
use hairyo::text::wareki;
use hairyo::Paged;

use crate::output::page_footer;
use crate::session::page;
use crate::{Invocation, Result};

#[derive(Subcommand)]
pub enum DuplicateCmd {
    /// Merge OTHER into KEEP: every linked record moves to KEEP; OTHER is removed.
    Merge { keep: i64, other: i64 },
    /// Record that A and B are different people.
    Dismiss { a: i64, b: i64 },
}

pub fn run(inv: &Invocation, action: Option<&DuplicateCmd>, limit: i64, offset: i64) -> Result {
    match action {
        None => candidates(inv, offset, limit),
        Some(DuplicateCmd::Merge { keep, other }) => merge(inv, *keep, *other),
        Some(DuplicateCmd::Dismiss { a, b }) => dismiss(inv, *a, *b),
    }
}

fn candidates(inv: &Invocation, offset: i64, limit: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&duplicates::candidates(&store, &actor, page(offset, limit)?, inv.now)?, candidates_text)
}

fn merge(inv: &Invocation, keep: i64, other: i64) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&duplicates::merge(&mut store, &actor, keep, other, inv.now)?, |p| merged_text(p, other))
}

fn dismiss(inv: &Invocation, a: i64, b: i64) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    duplicates::dismiss(&mut store, &actor, a, b, inv.now)?;
    inv.emit(&serde_json::json!({"dismissed": [a, b]}), |_| dismissed_text(a, b))
}

fn candidates_text(c: &Paged<Candidate>) -> String {
    let mut out: String = c.items.iter().map(candidate_line).collect();
    out.push_str(&page_footer(c));
    out
}

fn candidate_line(d: &Candidate) -> String {
    format!("{}\t{} ({})\t{} ({})\t{}\t{}点 {}\n", wareki::format(d.birth_date), d.a_name, d.a, d.b_name, d.b, d.a_kana, d.score, d.reason)
}

fn merged_text(p: &Person, other: i64) -> String {
    format!("ID {other} を ID {} ({}) に統合しました", p.id, p.name)
}

fn dismissed_text(a: i64, b: i64) -> String {
    format!("ID {a} と ID {b} は別人として記録しました")
}
