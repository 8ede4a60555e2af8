//! CSV exports: a kind of record, the 後期 進達簿 of a day, or by a saved profile (which columns
//! in which order and encoding).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;

use hairyo::export::{self, ExportKind, ExportProfile};
use hairyo::import::Encoding;
use hairyo::kouki;
use hairyo::operation::{self, Operation};

use crate::output::group;
use crate::{files, typed, ErrorBody, Invocation, Result};

#[derive(Subcommand)]
pub enum ExportCmd {
    /// Export CSV: persons, touchpoints, referrals, applications, certificates, renewal, expiring,
    /// or forwarding-register (the 後期 進達簿 of the day given with --on).
    Export {
        #[arg(value_parser = typed::coded("export.invalid", "kind", target))]
        kind: Target,
        file: std::path::PathBuf,
        /// utf-8 (with BOM, for Excel) or cp932
        #[arg(long, default_value = "utf-8", value_parser = typed::encoding)]
        encoding: Encoding,
        /// forwarding-register: the day the applications were forwarded (any date form).
        #[arg(long, value_parser = typed::date("export.invalid", "forwarded_on"))]
        on: Option<NaiveDate>,
    },
    /// Saved export profiles: which columns in which order and encoding, for the 広域連合 or
    /// the core system.
    #[command(subcommand, name = "export-profile")]
    ExportProfile(ExportProfileCmd),
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
        #[arg(long, value_parser = typed::coded("export.invalid", "kind", ExportKind::parse))]
        kind: ExportKind,
        /// A column of the kind, by its name (e.g. 宛名番号); repeat in the order to write.
        #[arg(long = "column", required = true)]
        columns: Vec<String>,
        /// utf-8 or cp932
        #[arg(long, default_value = "utf-8", value_parser = typed::encoding)]
        encoding: Encoding,
    },
    /// Export by a saved profile.
    Run { name: String, file: PathBuf },
}

/// What `hairyo export` writes: a kind of record, or the 進達簿, which is one day's list.
#[derive(Clone, Copy)]
pub enum Target {
    Kind(ExportKind),
    ForwardingRegister,
}

/// The 進達簿 by any of its names, else an export kind by the core's parser.
fn target(s: &str) -> Result<Target, String> {
    if matches!(s, "forwarding-register" | "forwarding_register" | "進達簿") {
        return Ok(Target::ForwardingRegister);
    }
    ExportKind::parse(s).map(Target::Kind)
}

pub fn run(inv: &Invocation, cmd: &ExportCmd) -> Result {
    match cmd {
        ExportCmd::Export { kind: Target::Kind(kind), file, encoding, .. } => export_kind(inv, *kind, file, *encoding),
        ExportCmd::Export { kind: Target::ForwardingRegister, file, encoding, on } => forwarding_register(inv, *on, file, *encoding),
        ExportCmd::ExportProfile(ExportProfileCmd::List) => profiles(inv),
        ExportCmd::ExportProfile(ExportProfileCmd::Save { name, kind, columns, encoding }) => {
            save_profile(inv, &ExportProfile { name: name.clone(), kind: *kind, columns: columns.clone(), encoding: *encoding })
        }
        ExportCmd::ExportProfile(ExportProfileCmd::Run { name, file }) => run_profile(inv, name, file),
    }
}

fn export_kind(inv: &Invocation, kind: ExportKind, file: &Path, encoding: Encoding) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let (bytes, rows) = export::export(&mut store, &actor, kind, encoding, inv.now)?;
    files::write_whole(file, &bytes, "csv.part", "export.write")?;
    emit_written(inv, kind.label(), file, rows, encoding)
}

/// The 進達簿 is one day's list, so it takes the day.
fn forwarding_register(inv: &Invocation, on: Option<NaiveDate>, file: &Path, encoding: Encoding) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let on = on.ok_or_else(|| ErrorBody::new("cli.missing_date", "進達簿は --on で進達日を指定してください"))?;
    let (bytes, rows) = kouki::forwarding_register_csv(&mut store, &actor, on, encoding, inv.now)?;
    files::write_whole(file, &bytes, "csv.part", "export.write")?;
    emit_written(inv, "進達簿", file, rows, encoding)
}

fn emit_written(inv: &Invocation, label: &str, file: &Path, rows: usize, encoding: Encoding) -> Result {
    inv.emit(&serde_json::json!({"file": file, "rows": rows, "encoding": encoding}), |_| written_text(label, file, rows, encoding))
}

fn profiles(inv: &Invocation) -> Result {
    inv.call(Operation::ExportProfiles(operation::NoArgs {}))
}

fn save_profile(inv: &Invocation, profile: &ExportProfile) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&export::save_profile(&mut store, &actor, profile, inv.now)?, saved_text)
}

fn run_profile(inv: &Invocation, name: &str, file: &Path) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let (bytes, rows, p) = export::export_with_profile(&mut store, &actor, name, inv.now)?;
    files::write_whole(file, &bytes, "csv.part", "export.write")?;
    inv.emit(&serde_json::json!({"file": file, "rows": rows, "profile": p.name}), |_| written_by_profile_text(&p, file, rows))
}

pub fn profiles_text(l: &[ExportProfile]) -> String {
    let mut out: String = l.iter().map(|p| format!("{} [{}] {}: {}\n", p.name, p.kind.label(), p.encoding.label(), p.columns.join(", "))).collect();
    if l.is_empty() {
        out.push_str("出力プロファイルはまだありません\n");
    }
    out
}

fn written_text(label: &str, file: &Path, rows: usize, encoding: Encoding) -> String {
    format!("{label}を{}件、{} に出力しました ({})", group(rows as i64), file.display(), encoding.label())
}

fn saved_text(p: &ExportProfile) -> String {
    format!("出力プロファイル「{}」を保存しました ({}列)", p.name, p.columns.len())
}

fn written_by_profile_text(p: &ExportProfile, file: &Path, rows: usize) -> String {
    format!("{}を{}件、{} に出力しました (プロファイル「{}」)", p.kind.label(), group(rows as i64), file.display(), p.name)
}
