//! The `hairyo` command line: parses arguments, calls the core, prints the result. Each noun has
//! a module of its own holding its subcommands' arguments, one short function per subcommand
//! and the functions that print its answers; `session` opens the database and signs in,
//! `typed` reads coded values and dates with the core's parsers.

mod admin;
mod application;
mod audit;
mod backup;
mod certificate;
mod deployment;
mod duplicates;
mod export;
mod facility;
mod files;
mod import;
mod leaflet;
mod loadtest;
mod mailing;
mod output;
mod outreach;
mod overview;
mod person;
mod policy;
mod print;
mod referral;
mod reminders;
mod render;
mod renewal;
mod retention;
mod session;
mod settings;
mod staff;
mod tenant;
mod touchpoint;
mod typed;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hairyo::codes::ErrorBody;

use session::Invocation;

/// Every refusal of the CLI is the core's error body, printed as `エラー [code]: message`.
type Result<T = (), E = ErrorBody> = std::result::Result<T, E>;

// mimalloc: PDF serialisation allocates many small objects, and glibc's allocator was a third
// of the time of a facility batch.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "hairyo", version, about = "Hairyo (配慮): 要配慮者の資格確認書 連携ツール", long_about = None)]
pub struct Cli {
    /// Database: a file, or a PostgreSQL server as postgres://user@host/db (default: the
    /// desktop app's database file in the OS app-data directory).
    #[arg(long, global = true, env = "HAIRYO_DB")]
    pub db: Option<String>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Acting staff member's login (default: the administrator `init` creates).
    #[arg(long = "as", global = true, env = "HAIRYO_AS", value_name = "LOGIN")]
    pub as_login: Option<String>,
    /// The server's hairyo.conf: where staff sign in with the city's directory, its
    /// `directory_*` lines make the CLI sign in with directory accounts too.
    #[arg(long = "sign-in-config", global = true, env = "HAIRYO_CONFIG", value_name = "FILE")]
    pub sign_in_config: Option<std::path::PathBuf>,
    /// Pretend the current time is this (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); for tests and rehearsals.
    #[arg(long, global = true, env = "HAIRYO_NOW", hide = true)]
    pub now: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run from the command line, so the size of the largest subcommand costs nothing.
// The flattened groups are subcommands of the top level like the others, declared where their
// functions are; they keep the order the help lists.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    #[command(flatten)]
    Setup(admin::SetupCmd),
    /// Persons needing consideration (対象者).
    #[command(subcommand)]
    Person(person::PersonCmd),
    /// Welfare facilities.
    #[command(subcommand)]
    Facility(facility::FacilityCmd),
    /// Consultation touchpoints (接点).
    #[command(subcommand)]
    Touchpoint(touchpoint::TouchpointCmd),
    /// Staff members.
    #[command(subcommand)]
    Staff(staff::StaffCmd),
    #[command(flatten)]
    Overview(overview::OverviewCmd),
    /// Referrals (連携依頼) from welfare desks to the NHI / 後期 desk.
    #[command(subcommand)]
    Referral(referral::ReferralCmd),
    /// Applications (交付申請).
    #[command(subcommand)]
    Application(application::ApplicationCmd),
    /// Certificates (資格確認書).
    #[command(subcommand)]
    Certificate(certificate::CertificateCmd),
    #[command(flatten)]
    Attention(reminders::AttentionCmd),
    /// Policy rules (data with effective dates).
    #[command(subcommand)]
    Policy(policy::PolicyCmd),
    /// City settings and desk contact blocks.
    #[command(subcommand)]
    Settings(settings::SettingsCmd),
    /// Records kept no longer than needed: the retention periods, the disposal list, disposal.
    #[command(subcommand)]
    Retention(retention::RetentionCmd),
    /// Find persons by 氏名, フリガナ (any part), 宛名番号 or birth date (和暦 or 西暦).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Import persons from CSV (CP932 or UTF-8), all or nothing.
    #[command(subcommand)]
    Import(import::ImportCmd),
    #[command(flatten)]
    Export(export::ExportCmd),
    /// The 8/1 renewal: this year's schedule, the spring list by group, the city's schedule.
    #[command(subcommand)]
    Renewal(renewal::RenewalCmd),
    /// Status feeds from the core systems: a CSV of dated events per person, all or nothing.
    Feed(import::FeedArgs),
    /// 在宅周知: letters to 要配慮者 living at home, and what became of each.
    #[command(subcommand)]
    Mailing(mailing::MailingCmd),
    /// 出張申請 events (R7) and the paper applications received at them.
    #[command(subcommand)]
    Outreach(outreach::OutreachCmd),
    /// Candidate duplicate persons (same birth date, same or similar name); merge or dismiss.
    Duplicates {
        #[command(subcommand)]
        action: Option<duplicates::DuplicateCmd>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    #[command(flatten)]
    Tools(admin::ToolsCmd),
    /// Print A4 PDFs: application forms, handouts, facility batches, referral sheets.
    #[command(subcommand)]
    Print(print::PrintCmd),
    /// Handout statements: which ones a date has overtaken, and how they print.
    #[command(subcommand)]
    Leaflet(leaflet::LeafletCmd),
    /// The audit log: list (supervisors and administrators), export, or verify the hash chain.
    Audit {
        #[command(subcommand)]
        action: Option<audit::AuditCmd>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    #[command(flatten)]
    Server(deployment::ServerCmd),
    /// Municipalities sharing one PostgreSQL database (the operator, over the owner's URL):
    /// add one with its administrator, or list them.
    #[command(subcommand)]
    Tenant(tenant::TenantCmd),
    #[command(flatten)]
    Backups(backup::BackupCmd),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return refused_by_clap(e),
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => refused(&e),
    }
}

/// A value the core's parser refused reached clap as its error's source: it is printed as any
/// other refusal (exit 1, with its code). Anything else is a usage error, which clap prints.
fn refused_by_clap(e: clap::Error) -> ExitCode {
    use std::error::Error as _;
    match e.source().and_then(|s| s.downcast_ref::<ErrorBody>()) {
        Some(body) => refused(body),
        None => e.exit(),
    }
}

/// `エラー [code]: message`, or the form's heading and each field's message, on stderr.
fn refused(e: &ErrorBody) -> ExitCode {
    if e.fields.is_empty() {
        eprintln!("エラー [{}]: {}", e.code, e.message);
    } else {
        eprintln!("エラー [{}]: 入力内容に誤りがあります。何も保存していません。", e.code);
        for f in &e.fields {
            eprintln!("  - {}: {}", f.field, f.message);
            // The core asks every door for the clerk's confirmation; on the command line it is
            // given by a flag.
            if f.field == hairyo::validate::CONFIRM_DIGITS {
                eprintln!("    (個人番号でないことを確かめたら --confirm-digits を付けて実行し直してください)");
            }
        }
    }
    ExitCode::from(1)
}

/// Hands each group of subcommands to its module, after reading `--now`.
fn run(cli: &Cli) -> Result {
    let inv = Invocation::new(cli)?;
    match &cli.command {
        Command::Setup(cmd) => admin::setup(&inv, cmd),
        Command::Person(cmd) => person::run(&inv, cmd),
        Command::Facility(cmd) => facility::run(&inv, cmd),
        Command::Touchpoint(cmd) => touchpoint::run(&inv, cmd),
        Command::Staff(cmd) => staff::run(&inv, cmd),
        Command::Overview(cmd) => overview::run(&inv, cmd),
        Command::Referral(cmd) => referral::run(&inv, cmd),
        Command::Application(cmd) => application::run(&inv, cmd),
        Command::Certificate(cmd) => certificate::run(&inv, cmd),
        Command::Attention(cmd) => reminders::run(&inv, cmd),
        Command::Policy(cmd) => policy::run(&inv, cmd),
        Command::Settings(cmd) => settings::run(&inv, cmd),
        Command::Retention(cmd) => retention::run(&inv, cmd),
        Command::Search { query, limit, offset } => person::search(&inv, query, *limit, *offset),
        Command::Import(cmd) => import::run(&inv, cmd),
        Command::Export(cmd) => export::run(&inv, cmd),
        Command::Renewal(cmd) => renewal::run(&inv, cmd),
        Command::Feed(args) => import::feed(&inv, args),
        Command::Mailing(cmd) => mailing::run(&inv, cmd),
        Command::Outreach(cmd) => outreach::run(&inv, cmd),
        Command::Duplicates { action, limit, offset } => duplicates::run(&inv, action.as_ref(), *limit, *offset),
        Command::Tools(cmd) => admin::tools(&inv, cmd),
        Command::Print(cmd) => print::run(&inv, cmd),
        Command::Leaflet(cmd) => leaflet::run(&inv, cmd),
        Command::Audit { action, limit, offset } => audit::run(&inv, action.as_ref(), *limit, *offset),
        Command::Server(cmd) => deployment::run(&inv, cmd),
        Command::Tenant(cmd) => tenant::run(&inv, cmd),
        Command::Backups(cmd) => backup::run(&inv, cmd),
    }
}
