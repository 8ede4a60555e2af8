//! Handout statements (which ones a date has overtaken, and how they print) and where the 別添3
//! poster is up.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::Subcommand;

use hairyo::leaflet::{self, Posting, PostingInput, Postings, StatementCheck, StatementMode};
use hairyo::operation::{self, Operation};
use hairyo::text::wareki;

use crate::{typed, Invocation, Result};

#[derive(Subcommand)]
pub enum LeafletCmd {
    /// Statements with dates, checked against a print date.
    Statements {
        #[arg(long, value_parser = typed::date("leaflet.invalid", "on"))]
        on: Option<NaiveDate>,
    },
    /// How a statement prints: auto / keep / omit / replace. --text sets the replacement printed
    /// outside the statement's period (auto) or always (replace); --no-replacement removes it, so
    /// the statement is left out after its date and the counter warned; neither keeps the
    /// shipped replacement.
    Set {
        id: String,
        #[arg(value_parser = typed::coded("leaflet.invalid", "mode", StatementMode::parse))]
        mode: StatementMode,
        #[arg(long, conflicts_with = "no_replacement")]
        text: Option<String>,
        #[arg(long)]
        no_replacement: bool,
    },
    /// Where the 別添3 poster is up (R15), and which desks have none.
    Postings,
    /// Record that the 別添3 poster was put up at a desk.
    Post {
        /// The desk: kokuho, kouki, kaigo, shogai, jido, …
        #[arg(long)]
        desk: String,
        /// Where, e.g. 本庁舎1階 国保窓口の前.
        #[arg(long)]
        place: String,
        /// The edition (default: the one in force that day).
        #[arg(long, default_value = "")]
        edition: String,
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record that a posting was taken down.
    TakeDown {
        id: i64,
        #[arg(long, default_value = "")]
        on: String,
    },
}

pub fn run(inv: &Invocation, cmd: &LeafletCmd) -> Result {
    match cmd {
        LeafletCmd::Statements { on } => statements(inv, on.map_or(inv.now, |d| d.and_time(inv.now.time()))),
        LeafletCmd::Set { id, mode, text, no_replacement } => set(inv, id, *mode, if *no_replacement { Some("") } else { text.as_deref() }),
        LeafletCmd::Postings => postings(inv),
        LeafletCmd::Post { desk, place, edition, on, note } => {
            post(inv, &PostingInput { desk: desk.clone(), place: place.clone(), edition: edition.clone(), posted_on: on.clone(), note: note.clone() })
        }
        LeafletCmd::TakeDown { id, on } => take_down(inv, *id, on),
    }
}

fn statements(inv: &Invocation, at: chrono::NaiveDateTime) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&leaflet::check_all_statements(&store, &actor, at)?, |all| statements_text(all))
}

/// Sets how a statement prints; `replacement` empty removes the replacement, none keeps it.
fn set(inv: &Invocation, id: &str, mode: StatementMode, replacement: Option<&str>) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    leaflet::set_statement(&mut store, &actor, id, mode, replacement, inv.now)?;
    inv.emit(&serde_json::json!({"id": id, "mode": mode}), |_| set_text(id, mode))
}

fn postings(inv: &Invocation) -> Result {
    inv.call(Operation::PosterPostings(operation::NoArgs {}))
}

fn post(inv: &Invocation, input: &PostingInput) -> Result {
    inv.call(Operation::PostPoster(operation::Input { input: input.clone() }))
}

fn take_down(inv: &Invocation, id: i64, on: &str) -> Result {
    inv.call(Operation::TakeDownPoster(operation::TakeDown { id, removed_on: on.to_string() }))
}

/// A statement: its handout, id, mode, period and what prints, its text, its replacement and
/// what the counter is told.
fn statement_text(c: &StatementCheck) -> String {
    let mut line = format!(
        "{}\t{}\t{}\t{}{}\t{}\n  {}",
        c.leaflet.label(),
        c.id,
        c.mode.label(),
        period(c),
        if c.overtaken { " 【期限切れ】" } else { "" },
        printing(c.printing),
        c.text
    );
    line.push_str(&replacement_text(c));
    if !c.message.is_empty() {
        line.push_str(&format!("\n  注意: {}", c.message));
    }
    line
}

fn period(c: &StatementCheck) -> String {
    match (c.valid_from, c.valid_until) {
        (None, None) => String::new(),
        (f, u) => format!("期間 {}～{}", f.map(wareki::format).unwrap_or_default(), u.map(wareki::format).unwrap_or_default()),
    }
}

fn printing(p: leaflet::Printing) -> &'static str {
    match p {
        leaflet::Printing::Statement => "記述を印刷",
        leaflet::Printing::Replacement => "差し替えの文を印刷",
        leaflet::Printing::Nothing => "印刷しない",
    }
}

fn replacement_text(c: &StatementCheck) -> String {
    if c.replacement.is_empty() {
        return "\n  差し替えの文: なし".to_string();
    }
    let edited = if c.replacement_edited { " (変更済み)" } else { "" };
    format!("\n  差し替えの文{edited}: {}", c.replacement)
}

pub fn postings_text(p: &Postings) -> String {
    let mut out: String = p.items.iter().map(posting_line).collect();
    if !p.desks_without.is_empty() {
        let _ = writeln!(out, "掲示のない窓口: {}", p.desks_without.iter().map(|d| d.desk_label).collect::<Vec<_>>().join("、"));
    }
    out
}

/// One 別添3 posting as a line: id, desk, place, edition and the days it was up.
fn posting_line(p: &Posting) -> String {
    let until = p.removed_on.map(|d| format!("{}に撤去", wareki::format(d))).unwrap_or_else(|| "掲示中".to_string());
    format!("#{}\t{}\t{}\t別添3 {}版\t{}から\t{}\n", p.id, p.desk_label, p.place, p.edition, wareki::format(p.posted_on), until)
}

fn statements_text(all: &[StatementCheck]) -> String {
    all.iter().map(statement_text).collect::<Vec<_>>().join("\n")
}

fn set_text(id: &str, mode: StatementMode) -> String {
    format!("記述 {id} の扱いを「{}」にしました", mode.label())
}

pub fn posted_text(p: &Posting) -> String {
    format!("掲示を記録しました: {}", posting_line(p))
}

pub fn taken_down_text(p: &Posting) -> String {
    format!("撤去を記録しました: {}", posting_line(p))
}
