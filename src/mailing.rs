//! 在宅周知: mailings to 要配慮者 living at home (notice 1(1)): preview, start, show, record
//! outcomes, print the letters (or the reminders) and write the envelopes' addresses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use hairyo::disclosure::Shown;
use hairyo::import::Encoding;
use hairyo::mailing::{self, MailingCampaign, MailingInput, MailingOutcomeInput, MailingPreview, MailingSelection};
use hairyo::operation::{self, Operation};
use hairyo::text::wareki;

use crate::{files, typed, Invocation, Result};

/// Whom to write to.
#[derive(Args, Clone)]
pub struct SelectionArgs {
    /// A reason for care (repeat for any of several; none: any reason).
    #[arg(long = "reason")]
    reasons: Vec<String>,
    /// A route (on_application, ex_officio, …; repeat for any of several).
    #[arg(long = "route")]
    routes: Vec<String>,
    #[arg(long, default_value = "")]
    min_age: String,
    #[arg(long, default_value = "")]
    max_age: String,
    /// The desk of the person's last touchpoint (kaigo, shogai, …).
    #[arg(long, default_value = "")]
    desk: String,
    /// Only those with no application.
    #[arg(long)]
    without_application: bool,
    /// At most this many letters (the welfare desks' people first).
    #[arg(long, default_value = "")]
    limit: String,
}

impl SelectionArgs {
    fn selection(&self) -> MailingSelection {
        MailingSelection {
            reasons: self.reasons.clone(),
            routes: self.routes.clone(),
            min_age: self.min_age.clone(),
            max_age: self.max_age.clone(),
            desk: self.desk.clone(),
            without_application: self.without_application,
            limit: self.limit.clone(),
        }
    }
}

#[derive(Subcommand)]
pub enum MailingCmd {
    /// How many letters a selection sends, and who is left out.
    Preview {
        #[command(flatten)]
        selection: SelectionArgs,
    },
    /// Start a mailing: every person chosen is recorded as written to today.
    Start {
        #[arg(long)]
        title: String,
        /// By when answers are asked for (any date form).
        #[arg(long)]
        deadline: String,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the note is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
        #[command(flatten)]
        selection: SelectionArgs,
    },
    /// Every mailing, newest first, with its figures.
    List,
    /// One mailing with each letter's outcome.
    Show { id: i64 },
    /// Record what became of a letter: declined or returned_mail.
    Record {
        id: i64,
        #[arg(long)]
        person: i64,
        #[arg(long)]
        outcome: String,
        /// The day (default today; any date form).
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The letters as one PDF (with 別添1, the form and the 委任状 for each).
    Letters {
        id: i64,
        /// Only to those who have not answered, recorded as reminded.
        #[arg(long)]
        reminder: bool,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The envelopes' addresses as CSV, for the print contractor.
    Addresses {
        id: i64,
        #[arg(long)]
        reminder: bool,
        #[arg(long, default_value = "utf-8", value_parser = typed::encoding)]
        encoding: Encoding,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
}

pub fn run(inv: &Invocation, cmd: &MailingCmd) -> Result {
    match cmd {
        MailingCmd::Preview { selection } => preview(inv, &selection.selection()),
        MailingCmd::Start { title, deadline, note, confirm_digits, selection } => {
            let input = MailingInput {
                title: title.clone(),
                deadline: deadline.clone(),
                note: note.clone(),
                selection: selection.selection(),
                confirmed_digits: *confirm_digits,
            };
            start(inv, &input)
        }
        MailingCmd::List => list(inv),
        MailingCmd::Show { id } => show(inv, *id),
        MailingCmd::Record { id, person, outcome, on, note } => {
            record(inv, *id, &MailingOutcomeInput { person_id: *person, outcome: outcome.clone(), on: on.clone(), note: note.clone() })
        }
        MailingCmd::Letters { id, reminder, output } => letters(inv, *id, *reminder, output),
        MailingCmd::Addresses { id, reminder, encoding, output } => addresses(inv, *id, *reminder, *encoding, output),
    }
}

fn preview(inv: &Invocation, selection: &MailingSelection) -> Result {
    inv.call(Operation::MailingPreview(operation::MailingPreviewArgs { selection: selection.clone() }))
}

fn start(inv: &Invocation, input: &MailingInput) -> Result {
    inv.call(Operation::StartMailing(operation::StartMailing { input: input.clone() }))
}

fn list(inv: &Invocation) -> Result {
    inv.call(Operation::Mailings(operation::NoArgs {}))
}

/// Every mailing, a line each.
pub fn list_text(all: &[Shown<MailingCampaign>]) -> String {
    let mut out: String = all.iter().map(|m| format!("{}\n", head(m))).collect();
    if all.is_empty() {
        out.push_str("在宅周知はまだありません\n");
    }
    out
}

fn show(inv: &Invocation, id: i64) -> Result {
    inv.call(Operation::ShowMailing(operation::Id { id }))
}

fn record(inv: &Invocation, id: i64, line: &MailingOutcomeInput) -> Result {
    inv.call(Operation::RecordMailingOutcomes(operation::MailingOutcomes { id, outcomes: vec![line.clone()] }))
}

fn letters(inv: &Invocation, id: i64, reminder: bool, output: &Path) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let printed = hairyo::print::mailing_letters(&mut store, &actor, id, reminder, inv.now, &mut |_| {})?;
    crate::print::save(inv, output, &printed)
}

fn addresses(inv: &Invocation, id: i64, reminder: bool, encoding: Encoding, output: &Path) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let (bytes, rows) = mailing::addresses_csv(&mut store, &actor, id, reminder, encoding, inv.now)?;
    files::write_whole(output, &bytes, "csv.part", "export.write")?;
    inv.emit(&serde_json::json!({"file": output, "rows": rows}), |_| format!("{} に{}件の宛先を書き出しました\n", output.display(), rows))
}

pub fn preview_text(p: &MailingPreview) -> String {
    let mut out = format!("{}\n送付: {}通 (うち福祉の窓口の方 {}通)\n", p.criteria, p.letters, p.from_welfare_desks);
    if p.protected_left_out > 0 {
        let _ = writeln!(out, "支援措置の対象者 {}名は含めていません", p.protected_left_out);
    }
    if p.without_address > 0 {
        let _ = writeln!(out, "住所が登録されていない {}名は含めていません", p.without_address);
    }
    if p.beyond_limit > 0 {
        let _ = writeln!(out, "上限を超える {}名は含めていません", p.beyond_limit);
    }
    if !p.names.is_empty() {
        let _ = writeln!(out, "{}", p.names.join("、"));
    }
    out
}

fn head(m: &MailingCampaign) -> String {
    let c = &m.counts;
    format!(
        "#{} {} (送付 {}、期限 {}) 送付 {} / 申請あり {} / 申請しない {} / 返送 {} / 返答待ち {} / 返答なし {}",
        m.id,
        m.title,
        wareki::format(m.started_on),
        wareki::format(m.deadline),
        c.sent,
        c.applied,
        c.declined,
        c.returned_mail,
        c.awaited,
        c.no_answer
    )
}

pub fn mailing_text(m: &MailingCampaign) -> String {
    let mut out = format!("{}\n{}\n", head(m), m.criteria);
    for r in &m.recipients {
        let _ = write!(out, "  {}\t{}\t{}", r.person_id, r.name, r.outcome_label);
        if let Some(on) = r.outcome_on {
            let _ = write!(out, " ({})", wareki::format(on));
        }
        if let Some(on) = r.reminded_on {
            let _ = write!(out, " 再送 {}", wareki::format(on));
        }
        out.push('\n');
    }
    out
}
