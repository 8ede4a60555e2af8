//! 出張申請 events (R7) and the paper applications received at them.

use std::fmt::Write as _;

use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::outreach::{OutreachEvent, OutreachInput, PaperApplication};
use hairyo::text::wareki;
use hairyo::{Page, Paged};

use crate::{Invocation, Result};

#[derive(Subcommand)]
pub enum OutreachCmd {
    /// Every event, newest first, with its applications.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Record an event.
    Add {
        /// The day it was held (default today; any date form).
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long)]
        place: String,
        /// The マイナンバー desk took card applications there.
        #[arg(long)]
        with_mynumber_desk: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Enter the paper applications received at an event, by 宛名番号, all or nothing.
    Receive {
        event: i64,
        #[arg(long = "atena", required = true)]
        atena: Vec<String>,
        /// Who applied on every paper: self (default) or householder.
        #[arg(long, default_value = "")]
        applicant: String,
    },
}

pub fn run(inv: &Invocation, cmd: &OutreachCmd) -> Result {
    match cmd {
        OutreachCmd::List { limit, offset } => list(inv, Page::new(*offset, *limit)),
        OutreachCmd::Add { on, place, with_mynumber_desk, note } => {
            let input = OutreachInput {
                held_on: on.clone(),
                place: place.clone(),
                with_mynumber_desk: *with_mynumber_desk,
                note: note.clone(),
                confirmed_digits: false,
            };
            add(inv, &input)
        }
        OutreachCmd::Receive { event, atena, applicant } => {
            let papers: Vec<PaperApplication> = atena.iter().map(|a| PaperApplication { atena_no: a.clone(), applicant: applicant.clone() }).collect();
            receive(inv, *event, &papers)
        }
    }
}

fn list(inv: &Invocation, page: Page) -> Result {
    inv.call(Operation::OutreachEvents(operation::PageArgs { offset: page.offset, limit: page.limit }))
}

fn add(inv: &Invocation, input: &OutreachInput) -> Result {
    inv.call(Operation::AddOutreachEvent(operation::OutreachEventArgs { input: input.clone() }))
}

fn receive(inv: &Invocation, id: i64, papers: &[PaperApplication]) -> Result {
    inv.call(Operation::ReceiveOutreachBatch(operation::OutreachBatch { id, papers: papers.to_vec() }))
}

pub fn events_text(p: &Paged<OutreachEvent>) -> String {
    if p.items.is_empty() {
        "出張申請の記録はありません".into()
    } else {
        p.items.iter().map(event_text).collect::<Vec<_>>().join("")
    }
}

/// An event: when and where, then each application received at it.
pub fn event_text(e: &OutreachEvent) -> String {
    let mut out = format!(
        "出張申請 ID {} {} {}{} 申請 {}件\n",
        e.id,
        wareki::format(e.held_on),
        e.place,
        if e.with_mynumber_desk { " (マイナンバー窓口と合同)" } else { "" },
        e.applications.len()
    );
    for a in &e.applications {
        let _ = writeln!(out, "  申請 #{} {} [{}]", a.application_id, a.person_name, a.status_label);
    }
    out
}
