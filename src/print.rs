//! A4 PDFs: application forms, 委任状, the 別添 handouts, facility batches, 連携票, hand-over
//! sheets and the 進達簿, each written to the file given with `-o`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;

use hairyo::leaflet::Leaflet;
use hairyo::print::{self, Printed};
use hairyo::staff::Actor;
use hairyo::store::Store;

use crate::{files, typed, Invocation, Result};

#[derive(Subcommand)]
pub enum PrintCmd {
    /// A pre-filled 資格確認書交付申請書 (with 委任状 where the proxy needs one).
    Application {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        application: Option<i64>,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The 委任状 alone, pre-filled (the proxy's part from the application, if given).
    DelegationLetter {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        application: Option<i64>,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// 別添1 (two pages), 別添2 or the 別添3 poster with the city's contact block.
    Leaflet {
        /// 別添1 / 別添2 / 別添3 (or bessou1 …)
        #[arg(value_parser = typed::coded("print.invalid", "leaflet", Leaflet::parse))]
        which: Leaflet,
        #[arg(long, default_value_t = 1)]
        copies: u32,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// A facility batch: cover letter plus the forms and 委任状 of every resident who needs one.
    Facility {
        #[arg(long)]
        facility: i64,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// A 連携票 for one referral.
    Referral {
        #[arg(long)]
        referral: i64,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The hand-over sheet of a person who moved out (転出者の引継ぎ票).
    HandOver {
        #[arg(long)]
        person: i64,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The 後期 進達簿: the applications forwarded to the 広域連合 on a day.
    ForwardingRegister {
        /// The day of forwarding (any date form).
        #[arg(long, value_parser = typed::date("print.invalid", "forwarded_on"))]
        on: NaiveDate,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
}

pub fn run(inv: &Invocation, cmd: &PrintCmd) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let (printed, output) = printed(&mut store, &actor, cmd, inv.now)?;
    save(inv, output, &printed)
}

/// The document each subcommand asks the core for, and where it goes.
fn printed<'c>(store: &mut Store, actor: &Actor, cmd: &'c PrintCmd, now: chrono::NaiveDateTime) -> Result<(Printed, &'c PathBuf)> {
    Ok(match cmd {
        PrintCmd::Application { person, application, output } => (print::application_form(store, actor, *person, *application, now)?, output),
        PrintCmd::DelegationLetter { person, application, output } => (print::delegation_letter(store, actor, *person, *application, now)?, output),
        PrintCmd::Leaflet { which, copies, output } => (print::leaflet(store, actor, *which, *copies, now)?, output),
        PrintCmd::Facility { facility, output } => (print::facility_batch(store, actor, *facility, now, &mut |_| {})?, output),
        PrintCmd::Referral { referral, output } => (print::referral_sheet(store, actor, *referral, now)?, output),
        PrintCmd::HandOver { person, output } => (print::hand_over_sheet(store, actor, *person, now)?, output),
        PrintCmd::ForwardingRegister { on, output } => (print::forwarding_register(store, actor, *on, now)?, output),
    })
}

/// Writes the PDF whole, says on stderr what the counter should know, and reports the file.
pub(crate) fn save(inv: &Invocation, output: &Path, printed: &Printed) -> Result {
    files::write_whole(output, &printed.bytes, "pdf.part", "print.write")?;
    let v = serde_json::json!({"output": output, "pages": printed.pages, "documents": printed.documents, "bytes": printed.bytes.len(), "warnings": printed.warnings});
    for w in &printed.warnings {
        eprintln!("注意: {w}");
    }
    inv.emit(&v, |_| saved_text(output, printed))
}

fn saved_text(output: &Path, printed: &Printed) -> String {
    format!("{} に保存しました ({}ページ、{}KB)", output.display(), printed.pages, printed.bytes.len() / 1024)
}
