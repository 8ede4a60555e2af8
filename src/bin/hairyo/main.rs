//! The `hairyo` command line: parses arguments, calls the core, prints the result.

mod commands;
mod loadtest;
mod output;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

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
    /// Pretend the current time is this (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); for tests and rehearsals.
    #[arg(long, global = true, env = "HAIRYO_NOW", hide = true)]
    pub now: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run from the command line, so the size of the largest subcommand costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// Create the database, the desks and the administrator.
    Init,
    /// Add deterministic, plainly fictional demo data.
    Demo {
        #[arg(long, default_value_t = 2000)]
        persons: i64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Persons needing consideration (対象者).
    #[command(subcommand)]
    Person(PersonCmd),
    /// Welfare facilities.
    #[command(subcommand)]
    Facility(FacilityCmd),
    /// Consultation touchpoints (接点).
    #[command(subcommand)]
    Touchpoint(TouchpointCmd),
    /// Staff members.
    #[command(subcommand)]
    Staff(StaffCmd),
    /// Counts per desk and per state.
    Stats,
    /// The home screen's data for the acting staff member (counts, queues, funnel, forecast).
    Home,
    /// How a person gets a 資格確認書 on a date, with the R-numbers.
    Route {
        person_id: i64,
        /// The date to evaluate (default: today); any date form (2026-08-01, R8.8.1 …).
        #[arg(long)]
        on: Option<String>,
    },
    /// Referrals (連携依頼) from welfare desks to the NHI / 後期 desk.
    #[command(subcommand)]
    Referral(ReferralCmd),
    /// Applications (交付申請).
    #[command(subcommand)]
    Application(ApplicationCmd),
    /// Certificates (資格確認書).
    #[command(subcommand)]
    Certificate(CertificateCmd),
    /// What needs attention: unanswered referrals, missing documents, expiring certificates, follow-ups.
    Reminders {
        /// A referral counts as unanswered after this many days.
        #[arg(long, default_value_t = 7)]
        referral_days: i64,
        /// Certificates expiring within this many days.
        #[arg(long, default_value_t = 30)]
        expiry_days: i64,
    },
    /// Set a follow-up for a person.
    FollowUp {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        due: String,
        #[arg(long)]
        note: String,
    },
    /// Expected applications per week at the counter (R8), and whom to contact early.
    Forecast {
        #[arg(long, default_value_t = 8)]
        weeks: i64,
    },
    /// Policy rules (data with effective dates).
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// City settings and desk contact blocks.
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Records kept no longer than needed: the retention periods, the disposal list, disposal.
    #[command(subcommand)]
    Retention(RetentionCmd),
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
    Import(ImportCmd),
    /// Export CSV: persons, touchpoints, referrals, applications, certificates, renewal, expiring,
    /// or forwarding-register (the 後期 進達簿 of the day given with --on).
    Export {
        kind: String,
        file: PathBuf,
        /// utf-8 (with BOM, for Excel) or cp932
        #[arg(long, default_value = "utf-8")]
        encoding: String,
        /// forwarding-register: the day the applications were forwarded (any date form).
        #[arg(long)]
        on: Option<String>,
    },
    /// Saved export profiles: which columns in which order and encoding, for the 広域連合 or
    /// the core system.
    #[command(subcommand, name = "export-profile")]
    ExportProfile(ExportProfileCmd),
    /// The 8/1 renewal: this year's schedule, the spring list by group, the city's schedule.
    #[command(subcommand)]
    Renewal(RenewalCmd),
    /// Status feeds from the core systems: a CSV of dated events per person, all or nothing.
    Feed {
        file: PathBuf,
        /// auto / utf-8 / cp932
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// A saved column profile (default headers: 宛名番号, 異動事由, 異動日, 内容).
        #[arg(long)]
        profile: Option<String>,
        /// Check and report only; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// 出張申請 events (R7) and the paper applications received at them.
    #[command(subcommand)]
    Outreach(OutreachCmd),
    /// Candidate duplicate persons (same birth date, same or similar name); merge or dismiss.
    Duplicates {
        #[command(subcommand)]
        action: Option<DuplicateCmd>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Build the synthetic dataset (200,000 persons by default) in a temp database and print
    /// search, import and home-screen timings. Use a release build. With `--db postgres://…`
    /// (a user allowed to create databases) it measures on that server, in two scratch
    /// databases made for the run and dropped after it.
    Bench {
        #[arg(long, default_value_t = 200_000)]
        persons: i64,
        #[arg(long, default_value_t = 400)]
        queries: usize,
    },
    /// Print the access matrix (docs/access.md) as Markdown.
    AccessMatrix,
    /// Print A4 PDFs: application forms, handouts, facility batches, referral sheets.
    #[command(subcommand)]
    Print(PrintCmd),
    /// Handout statements: which ones a date has overtaken, and how they print.
    #[command(subcommand)]
    Leaflet(LeafletCmd),
    /// The audit log: list (supervisors and administrators), export, or verify the hash chain.
    Audit {
        #[command(subcommand)]
        action: Option<AuditCmd>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Serve the JSON HTTP API (docs/api.md) for the desks' PCs and browsers: the server holds
    /// the database credentials, clients sign in with their staff accounts. Plain HTTP only on
    /// loopback or behind a TLS-terminating reverse proxy (--behind-proxy).
    Serve {
        /// The configuration file (/etc/hairyo/hairyo.conf when installed as a package): its
        /// settings apply where no flag below is given; --db and HAIRYO_DB win over its
        /// database_url.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Address to listen on (port 0: any free port; the first line printed says which).
        /// Default: the configuration's, else 127.0.0.1:8443.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// PEM certificate chain for TLS (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key for TLS (with --tls-cert).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Plain HTTP on a non-loopback address: a reverse proxy in front terminates TLS.
        #[arg(long)]
        behind_proxy: bool,
        /// A session ends after this many seconds without a request (default 1800).
        #[arg(long)]
        session_idle: Option<u64>,
        /// A session ends this many seconds after sign-in, however much it is used (default
        /// 36000, ten hours).
        #[arg(long)]
        session_lifetime: Option<u64>,
        /// Database connections at most (keep it below the server's max_connections; default 16).
        #[arg(long)]
        connections: Option<usize>,
        /// Client connections open at once; one more is turned away (default 1000).
        #[arg(long)]
        max_clients: Option<usize>,
        /// Requests being answered at once; one more is answered 503 with Retry-After
        /// (default 128).
        #[arg(long)]
        max_requests: Option<usize>,
        /// Where the database is backed up before a schema upgrade (default: the
        /// configuration's backup_dir, else backups/ beside the database file or in the data
        /// folder).
        #[arg(long)]
        backup_dir: Option<PathBuf>,
        /// The built UI (ui/dist) to serve to browsers at /. Default: HAIRYO_UI_DIR, else
        /// /usr/share/hairyo/ui when installed, else ./ui/dist in a source checkout; without
        /// one the server answers the API only.
        #[arg(long, env = "HAIRYO_UI_DIR")]
        ui: Option<PathBuf>,
    },
    /// Bring the database's schema up to this release, after a backup of it as it was (what
    /// every command does on its own when the database is older; this says so and stops).
    Upgrade {
        /// Take the database (database_url) and the backup folder (backup_dir) from this
        /// configuration file, as `hairyo serve --config` does.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where the backup goes (default: the configuration's, else backups/ beside the
        /// database file or in the data folder).
        #[arg(long)]
        backup_dir: Option<PathBuf>,
    },
    /// Simulated staff against a running `hairyo serve` on this machine (plain HTTP), signing
    /// in as the demo's desk staff with HAIRYO_PASSWORD: search, records, queues, home and
    /// writes for a bounded time; p50 / p95 / p99 and errors per kind (docs/performance.md).
    Loadtest {
        /// The server's address, as `hairyo serve` printed it (http://127.0.0.1:PORT).
        #[arg(long)]
        server: String,
        #[arg(long, default_value_t = 50)]
        clients: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Each simulated staff member pauses between requests for a random time around this
        /// (half to one and a half times it); 0 sends the next request at once, to measure
        /// what the server can take.
        #[arg(long, default_value_t = 1000)]
        think_ms: u64,
    },
    /// On a PostgreSQL server: let the login role the desks connect as use the database with
    /// least privilege (read and write the case tables, only read and append the audit log, no
    /// schema changes). Run by an administrator over the owner role's URL, after `init`.
    Grant {
        /// The PostgreSQL role (created beforehand with CREATE ROLE … LOGIN).
        role: String,
    },
    /// Back up the database to FILE (a consistent copy, even while the window writes), or with
    /// --auto write the daily rotating backup. Administrators only.
    Backup {
        /// The backup file to write (replaced if it exists).
        #[arg(required_unless_present = "auto", conflicts_with = "auto")]
        file: Option<PathBuf>,
        /// The daily automatic backup: hairyo-YYYYMMDD-HHMMSS.db, at most one a day, oldest removed.
        #[arg(long)]
        auto: bool,
        /// Folder of the automatic backups (default: backups/ next to the database).
        #[arg(long, requires = "auto")]
        dir: Option<PathBuf>,
        /// How many automatic backups to keep.
        #[arg(long, requires = "auto", default_value_t = hairyo::backup::DEFAULT_KEEP)]
        keep: usize,
    },
    /// Replace the database with a backup FILE. The current database is kept as
    /// <db>.before-restore-<time>. Needs --yes.
    Restore {
        file: PathBuf,
        /// Confirm that the current database is to be replaced.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args, Default, Clone)]
pub struct PersonFields {
    #[arg(long)]
    pub atena: Option<String>,
    /// 氏名
    #[arg(long)]
    pub name: Option<String>,
    /// フリガナ (katakana; hiragana and half-width are normalised)
    #[arg(long)]
    pub kana: Option<String>,
    /// 生年月日 (1940-04-01, 昭和15年4月1日, S15.4.1, 3150401 …)
    #[arg(long)]
    pub birth: Option<String>,
    /// male / female / unstated (男 / 女)
    #[arg(long)]
    pub sex: Option<String>,
    #[arg(long)]
    pub postal: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub householder: Option<String>,
    /// kokuho / kouki / kumiai / employee / welfare / unknown
    #[arg(long)]
    pub scheme: Option<String>,
    #[arg(long)]
    pub insurer: Option<String>,
    /// 住所地特例: the other municipality's 国保 or other prefecture's 広域連合 insuring the
    /// person (empty to clear).
    #[arg(long)]
    pub other_insurer: Option<String>,
    #[arg(long)]
    pub symbol: Option<String>,
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub branch: Option<String>,
    #[arg(long)]
    pub old_card_expiry: Option<String>,
    /// none / card / face_auth
    #[arg(long)]
    pub card: Option<String>,
    /// registered / not_registered / unknown
    #[arg(long)]
    pub registration: Option<String>,
    #[arg(long)]
    pub wishes_cancel: Option<bool>,
    /// Consideration reason (repeatable): elderly, dementia, physical, intellectual, mental, child, facility, pin, other
    #[arg(long = "reason")]
    pub reasons: Vec<String>,
    /// Facility ID where the person lives.
    #[arg(long)]
    pub facility: Option<i64>,
    /// none / guardian / parent
    #[arg(long)]
    pub legal_rep_kind: Option<String>,
    #[arg(long)]
    pub legal_rep_name: Option<String>,
    /// Under 支援措置 (DV/stalking protection): the address is never shown or printed.
    #[arg(long)]
    pub protected: Option<bool>,
    #[arg(long)]
    pub safe_postal: Option<String>,
    #[arg(long)]
    pub safe_address: Option<String>,
    /// メモ
    #[arg(long)]
    pub notes: Option<String>,
    /// A twelve-digit number in the notes is not a 個人番号 (checked by you).
    #[arg(long)]
    pub confirm_digits: bool,
}

#[derive(Subcommand)]
pub enum PersonCmd {
    /// Register a person.
    Add(PersonFields),
    /// Change fields of a person (only the given ones).
    Update {
        id: i64,
        #[command(flatten)]
        fields: PersonFields,
    },
    /// Show one person's record (audited).
    Show { id: i64 },
    /// 転出: the person moved to another municipality; closes their open items with that
    /// reason (applications, referrals, certificates, follow-ups).
    MoveOut {
        id: i64,
        /// The municipality moved to (転出先).
        #[arg(long)]
        to: String,
        /// The day of the move (default: today).
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// List persons, a page at a time.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// Part of 氏名 or フリガナ, or a 宛名番号.
        #[arg(long)]
        query: Option<String>,
        #[arg(long)]
        facility: Option<i64>,
        #[arg(long)]
        scheme: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum FacilityCmd {
    Add {
        #[arg(long)]
        name: String,
        /// nursing_home / geriatric_health / care_medical / dementia_group_home / private_home /
        /// disability_support / disability_group_home / childrens_home / infant_home /
        /// disabled_children / foster / elderly / disability / children / other
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        postal: String,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        contact: String,
    },
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Set the campaign status (none / informed / collecting / done).
    Campaign { id: i64, status: String },
    /// Start a campaign: every resident the batch gives a form to is recorded as sent today.
    CampaignStart {
        id: i64,
        /// The day the forms are due back (any date form).
        #[arg(long)]
        deadline: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A facility's campaigns with each resident's outcome.
    Campaigns { id: i64 },
    /// Record returned forms: each --return is PERSON_ID:OUTCOME (applied / declined /
    /// not_needed / left), all or nothing; an application is received for each `applied`.
    CampaignReturns {
        campaign: i64,
        #[arg(long = "return", required = true)]
        returns: Vec<String>,
        /// The day the forms came back (default today).
        #[arg(long, default_value = "")]
        on: String,
    },
}

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

#[derive(Subcommand)]
pub enum StaffCmd {
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        desk: String,
        #[arg(long)]
        role: String,
    },
    /// Set a password: your own, or anyone's as an administrator (unlocks the account too).
    /// The new password comes from HAIRYO_NEW_PASSWORD or the terminal.
    Password {
        login: String,
    },
    List,
}

#[derive(Subcommand)]
pub enum ReferralCmd {
    Send {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        reason: String,
        /// kokuho / kouki (default: from the person's scheme)
        #[arg(long, default_value = "")]
        to: String,
        #[arg(long, default_value = "")]
        applicant: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Accept {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// Return with a reason (差戻し).
    Return {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Complete {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Resend {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Comment {
        id: i64,
        body: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 取下げ by the sending desk, while the referral is unanswered or after a return.
    Withdraw {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Show {
        id: i64,
    },
    /// The acting desk's queue.
    Queue {
        /// A state (sent, accepted, returned, completed, withdrawn), or `open` for the
        /// referrals this desk sent that are still open; every referral when left out.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

// Parsed once per run from the command line, so the size of the largest subcommand costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum ApplicationCmd {
    Receive {
        #[arg(long)]
        person: i64,
        #[arg(long, default_value = "")]
        scheme: String,
        #[arg(long, default_value = "")]
        received: String,
        /// counter / mail / outreach / facility_batch
        #[arg(long, default_value = "")]
        channel: String,
        /// self / householder / proxy
        #[arg(long, default_value = "")]
        applicant: String,
        /// same_household / relative / guardian / parent / facility_child / caregiver / facility_adult /
        /// facility_head / minor_guardian / curator / voluntary_guardian
        #[arg(long, default_value = "")]
        authority: String,
        /// Who signs the 委任状 of a relative, caregiver or facility staff: self / householder (国保 only)
        #[arg(long, default_value = "")]
        delegator: String,
        #[arg(long, default_value = "")]
        proxy_name: String,
        #[arg(long, default_value = "")]
        proxy_kana: String,
        #[arg(long, default_value = "")]
        proxy_address: String,
        #[arg(long, default_value = "")]
        proxy_phone: String,
        #[arg(long, default_value = "")]
        relationship: String,
        #[arg(long = "reason")]
        reasons: Vec<String>,
        /// How the person's part was signed: signed (default) / ghostwritten (代筆) / no_delegation
        #[arg(long, default_value = "")]
        signing: String,
        /// Who wrote for the person (代筆者), with --signing ghostwritten
        #[arg(long, default_value = "")]
        writer: String,
        /// 任意記載事項 to print on the certificate (併記): limit_category / specific_disease
        #[arg(long = "optional-entry")]
        optional_entries: Vec<String>,
        /// home / proxy / facility / counter
        #[arg(long, default_value = "")]
        delivery: String,
        #[arg(long)]
        referral: Option<i64>,
    },
    /// Mark a checklist document as checked (or unchecked).
    Check {
        id: i64,
        document: String,
        #[arg(long)]
        uncheck: bool,
    },
    Review {
        id: i64,
    },
    Decide {
        id: i64,
        /// Supervisor only: decide with an incomplete checklist, recording why.
        #[arg(long = "override")]
        override_reason: Option<String>,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Withdraw {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Issue {
        id: i64,
        #[arg(long)]
        on: Option<String>,
    },
    /// 後期: forward (進達) to the 広域連合.
    Forward {
        id: i64,
        /// The day of forwarding (default: today).
        #[arg(long)]
        on: Option<String>,
        /// Supervisor only: forward with an incomplete checklist, recording why.
        #[arg(long = "override")]
        override_reason: Option<String>,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 後期: record the 広域連合's result (issued / rejected / at_renewal, or 交付 / 却下 / 年次更新時交付).
    UnionResult {
        id: i64,
        #[arg(long)]
        result: String,
        /// The day the 広域連合 decided.
        #[arg(long)]
        decided: String,
        /// 交付: the certificate's last day (default: the usual validity).
        #[arg(long, default_value = "")]
        until: String,
        /// 却下: the reason the 広域連合 gave.
        #[arg(long, default_value = "")]
        reason: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 後期: record that what the 広域連合 issued was handed over or mailed.
    HandOver {
        id: i64,
        /// counter (窓口で手渡し) / mail (郵送)
        #[arg(long)]
        method: String,
        /// The day (default: today).
        #[arg(long)]
        on: Option<String>,
    },
    Show {
        id: i64,
    },
    List {
        #[arg(long = "status")]
        statuses: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

#[derive(Subcommand)]
pub enum CertificateCmd {
    /// Record a certificate issued without application (ex_officio / provisional).
    Issue {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        scheme: String,
        #[arg(long)]
        basis: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        until: Option<String>,
    },
    /// One certificate with its history after issue and the steps it allows.
    Show { id: i64 },
    /// 再交付 (lost, damaged, stolen): a new certificate with the same term replaces this one.
    Reissue {
        id: i64,
        /// lost (紛失), damaged (破損・汚損) or stolen (盗難).
        #[arg(long)]
        cause: String,
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 無効 on 資格喪失, 転出 or death; the certificate's return is asked for and tracked.
    Invalidate {
        id: i64,
        /// lost_eligibility (資格喪失), moved_out (転出) or died (死亡).
        #[arg(long)]
        cause: String,
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// The certificate whose return was asked for came back.
    Returned {
        id: i64,
        #[arg(long, default_value = "")]
        on: String,
    },
    /// The mailed certificate came back (宛所不明); sets a follow-up at the desk.
    MailReturned {
        id: i64,
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 送付先の変更: send the returned certificate again, to this address.
    ChangeDelivery {
        id: i64,
        #[arg(long, default_value = "")]
        postal_code: String,
        #[arg(long)]
        address: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// A certificate whose mail came back is handed over at the counter.
    HandOver {
        id: i64,
        #[arg(long, default_value = "")]
        on: String,
    },
    /// Certificates whose return was asked for and has not arrived.
    ReturnsDue {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Certificates expiring within N days.
    Expiring {
        #[arg(long, default_value_t = 30)]
        days: i64,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Who is due at the 8/1 renewal.
    Renewal {
        /// The renewal day (default: the next 8/1).
        #[arg(long)]
        day: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

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
        which: String,
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
        #[arg(long)]
        on: String,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ImportCmd {
    /// Import persons; upsert by 宛名番号. Any bad row stores nothing.
    Persons {
        file: PathBuf,
        /// auto / cp932 / utf-8
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// A saved column mapping (see `hairyo import profile`).
        #[arg(long)]
        profile: Option<String>,
        /// Check every row and report; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Save a column mapping for another system's layout: --map 氏名=漢字氏名 (repeatable).
    Profile {
        name: String,
        #[arg(long = "map", value_name = "COLUMN=HEADER")]
        maps: Vec<String>,
    },
    /// List the saved column mappings.
    Profiles,
    /// Import the 後期高齢者医療広域連合's results (申請ID or 宛名番号+申請日, 決定, 決定日,
    /// 有効期限, 却下理由); each line moves its forwarded application on. Any bad line stores nothing.
    UnionResults {
        file: PathBuf,
        /// auto / cp932 / utf-8
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Check every line and report; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Recompute the hash chain: any edited or deleted entry is reported (exit 1). A keyed
    /// chain is checked with the key file HAIRYO_AUDIT_KEY_FILE names.
    Verify,
    /// Key the chain from its next entry on with the key in FILE (made if it does not exist,
    /// readable by its owner only): an HMAC a role that may only append cannot forge.
    /// Administrators, once; on PostgreSQL over the schema owner's URL.
    Key { file: PathBuf },
    /// Export the whole log as CSV (UTF-8 with BOM).
    Export { file: PathBuf },
    /// アクセス記録の確認: who opened, listed, printed or exported protected persons' data in a
    /// period (the last 30 days by default), by one staff member or for one person if given.
    Access {
        /// First day of the period (和暦 or ISO).
        #[arg(long)]
        from: Option<String>,
        /// Last day of the period.
        #[arg(long)]
        to: Option<String>,
        /// One staff member's login.
        #[arg(long)]
        login: Option<String>,
        /// One protected person's id.
        #[arg(long)]
        person: Option<i64>,
    },
}

#[derive(Subcommand)]
pub enum RetentionCmd {
    /// The retention periods in force (years from a person's 転出, 死亡 or 資格喪失).
    Show,
    /// Set every period (administrators), each 1 to 30 whole years.
    Set {
        #[arg(long)]
        person: String,
        #[arg(long)]
        touchpoints: String,
        #[arg(long)]
        referrals: String,
        #[arg(long)]
        applications: String,
        #[arg(long)]
        certificates: String,
        #[arg(long)]
        audit: String,
    },
    /// Today's disposal list: what is past its period, per person.
    List,
    /// Dispose of what is past its period for these persons (a supervisor of 国保 or 後期).
    Dispose {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Prune the audit log's entries past its period (logged before today less the audit
    /// years), checking the chain first and anchoring it after; on PostgreSQL run over the
    /// schema owner's URL.
    PruneAudit,
    /// The disposal record: what went, by whom, when.
    Record {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

#[derive(Subcommand)]
pub enum DuplicateCmd {
    /// Merge OTHER into KEEP: every linked record moves to KEEP; OTHER is removed.
    Merge { keep: i64, other: i64 },
    /// Record that A and B are different people.
    Dismiss { a: i64, b: i64 },
}

#[derive(Subcommand)]
pub enum LeafletCmd {
    /// Statements with dates, checked against a print date.
    Statements {
        #[arg(long)]
        on: Option<String>,
    },
    /// How a statement prints: auto / keep / omit / replace. --text sets the replacement printed
    /// outside the statement's period (auto) or always (replace); --no-replacement removes it, so
    /// the statement is left out after its date and the counter warned; neither keeps the
    /// shipped replacement.
    Set {
        id: String,
        mode: String,
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

#[derive(Subcommand)]
pub enum PolicyCmd {
    List,
    /// Add or replace a rule from a JSON file (one rule object).
    Set {
        file: PathBuf,
    },
    Remove {
        id: String,
    },
}

#[derive(Subcommand)]
pub enum SettingsCmd {
    Show,
    SetCity {
        #[arg(long)]
        city: String,
        #[arg(long)]
        addressee: String,
        #[arg(long)]
        kouki_union: String,
    },
    SetDesk {
        desk: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        #[arg(long, default_value = "")]
        hours: String,
        #[arg(long, default_value = "")]
        place: String,
    },
    /// How long a scheme's certificates run: to the `years`-th month/day on or after the day of
    /// issue (1 to 5 years; 国保 certificates still end by the day before the 75th birthday).
    SetValidity {
        /// kokuho or kouki.
        #[arg(long)]
        scheme: String,
        #[arg(long)]
        years: String,
        /// The month of the end day (7 for 7/31).
        #[arg(long)]
        month: String,
        /// The end day of that month (31 for 7/31).
        #[arg(long)]
        day: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.fields.is_empty() {
                eprintln!("エラー [{}]: {}", e.code, e.message);
            } else {
                eprintln!("エラー [{}]: 入力内容に誤りがあります。何も保存していません。", e.code);
                for f in &e.fields {
                    eprintln!("  - {}: {}", f.field, f.message);
                }
            }
            ExitCode::from(1)
        }
    }
}

#[derive(Subcommand)]
pub enum ExportProfileCmd {
    /// Every saved profile.
    List,
    /// Save (or replace) a profile.
    Save {
        #[arg(long)]
        name: String,
        /// persons / touchpoints / referrals / applications / certificates / renewal / expiring
        #[arg(long)]
        kind: String,
        /// A column of the kind, by its name (e.g. 宛名番号); repeat in the order to write.
        #[arg(long = "column", required = true)]
        columns: Vec<String>,
        /// utf-8 or cp932
        #[arg(long, default_value = "utf-8")]
        encoding: String,
    },
    /// Export by a saved profile.
    Run { name: String, file: PathBuf },
}

#[derive(Subcommand)]
pub enum RenewalCmd {
    /// This year's renewal: the 8/1, the 広域連合's cut-off, the day the city's list is due.
    Season,
    /// The spring list: who is due at the renewal, by what each gets.
    List {
        /// The renewal day (an 8/1); this year's when left out.
        #[arg(long)]
        day: Option<String>,
        /// age_85 / no_card / continues / at_renewal / apply_again / not_issued
        #[arg(long)]
        group: Option<String>,
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
