//! Consultation touchpoints (接点): a desk records that it met a person.

use std::fmt::Write as _;

use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::text::wareki;
use hairyo::touchpoint::{self, TouchpointInput};

use crate::{Invocation, Result};

#[derive(Subcommand)]
pub enum TouchpointCmd {
    Add {
        #[arg(long)]
        person: i64,
        /// care_certification, disability_certification, houkatsu_consultation, kikan_consultation, service_start, outreach, counter, visit, phone, facility_campaign
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        date: String,
        /// Leaflet handed out (repeatable): bessou1 / bessou2 / bessou3
        #[arg(long = "leaflet")]
        leaflets: Vec<String>,
        #[arg(long, default_value = "")]
        wish: String,
        #[arg(long, default_value = "")]
        notes: String,
        /// A twelve-digit number in the notes is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
}

pub fn run(inv: &Invocation, cmd: &TouchpointCmd) -> Result {
    let TouchpointCmd::Add { person, kind, date, leaflets, wish, notes, confirm_digits } = cmd;
    let input = TouchpointInput {
        person_id: *person,
        date: date.clone(),
        kind: kind.clone(),
        leaflets: leaflets.clone(),
        wish: wish.clone(),
        notes: notes.clone(),
        confirmed_digits: *confirm_digits,
    };
    add(inv, input)
}

fn add(inv: &Invocation, input: TouchpointInput) -> Result {
    inv.call(Operation::AddTouchpoint(operation::Input { input }))
}

/// The touchpoint, then what the desk is prompted to do next (the R12 guidance among it).
pub fn recorded_text(r: &touchpoint::Recorded) -> String {
    let t = &r.touchpoint;
    let mut s = format!("接点を記録しました (ID {}): {} {} {}", t.id, wareki::format(t.date), t.kind_label, t.desk);
    for m in r.prompt_message.iter().chain(r.r12_guidance.iter()) {
        let _ = write!(s, "\n※ {m}");
    }
    s
}
