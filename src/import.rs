//! Files from other systems: persons from the core system's CSV (with saved column mappings),
//! the 広域連合's results, and status feeds. Each file goes in all or nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use hairyo::feed::{self, FeedReport};
use hairyo::import::{self, Column, Encoding, Profile, Report};
use hairyo::kouki::{self, UnionImportReport};
use hairyo::operation::{self, Operation};
use hairyo::text::wareki;

use crate::output::group;
use crate::{files, typed, ErrorBody, Invocation, Result};

#[derive(Subcommand)]
pub enum ImportCmd {
    /// Import persons; upsert by 宛名番号. Any bad row stores nothing.
    Persons {
        file: PathBuf,
        /// auto / cp932 / utf-8
        #[arg(long, default_value = "auto", value_parser = typed::encoding)]
        encoding: Encoding,
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
        #[arg(long = "map", value_name = "COLUMN=HEADER", value_parser = mapping)]
        maps: Vec<(Column, String)>,
    },
    /// List the saved column mappings.
    Profiles,
    /// Import the 後期高齢者医療広域連合's results (申請ID or 宛名番号+申請日, 決定, 決定日,
    /// 有効期限, 却下理由); each line moves its forwarded application on. Any bad line stores nothing.
    UnionResults {
        file: PathBuf,
        /// auto / cp932 / utf-8
        #[arg(long, default_value = "auto", value_parser = typed::encoding)]
        encoding: Encoding,
        /// Check every line and report; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args)]
pub struct FeedArgs {
    file: PathBuf,
    /// auto / utf-8 / cp932
    #[arg(long, default_value = "auto", value_parser = typed::encoding)]
    encoding: Encoding,
    /// A saved column profile (default headers: 宛名番号, 異動事由, 異動日, 内容).
    #[arg(long)]
    profile: Option<String>,
    /// Check and report only; store nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(inv: &Invocation, cmd: &ImportCmd) -> Result {
    match cmd {
        ImportCmd::Persons { file, encoding, profile, dry_run } => {
            persons(inv, file, &import::Options { encoding: Some(*encoding), profile: profile.clone(), dry_run: *dry_run })
        }
        ImportCmd::Profile { name, maps } => save_profile(inv, &Profile { name: name.clone(), columns: maps.iter().cloned().collect() }),
        ImportCmd::Profiles => profiles(inv),
        ImportCmd::UnionResults { file, encoding, dry_run } => {
            union_results(inv, file, &kouki::UnionImportOptions { encoding: Some(*encoding), dry_run: *dry_run })
        }
    }
}

/// `--map COLUMN=HEADER`: the column by the core's name for it, the header as written.
fn mapping(s: &str) -> Result<(Column, String)> {
    let (col, header) = s.split_once('=').ok_or_else(|| ErrorBody::new("cli.bad_map", format!("--map は 列=見出し の形で指定してください (指定: {s})")))?;
    let col = Column::parse(col).map_err(|m| typed::refusal("import.invalid", "columns", m))?;
    Ok((col, header.trim().to_string()))
}

/// Imports persons; a file with a bad row is reported, stored nothing, and exits 1.
fn persons(inv: &Invocation, file: &Path, opts: &import::Options) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let bytes = files::read(file, "import.read")?;
    let report = import::import_persons(&mut store, &actor, &bytes, opts, inv.now, &mut progress(inv.cli.json))?;
    inv.emit(&report, report_text)?;
    refused_rows(report.problems.len(), "何も取り込んでいません")
}

/// Says on stderr how far a large file is, every 20,000 rows (not with `--json`).
fn progress(json: bool) -> impl FnMut(usize, usize) {
    let mut last = 0;
    move |done, total| {
        if !json && total >= 20_000 && (done == total || done >= last + 20_000) {
            last = done;
            eprintln!("確認・取込中 {}/{}", group(done as i64), group(total as i64));
        }
    }
}

/// A file with problems stored nothing: exit 1 after its report.
fn refused_rows(problems: usize, nothing: &str) -> Result {
    if problems == 0 {
        return Ok(());
    }
    Err(ErrorBody::new("import.bad_rows", format!("{problems}行に問題があります。{nothing}")))
}

fn save_profile(inv: &Invocation, profile: &Profile) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    import::save_profile(&mut store, &actor, profile, inv.now)?;
    inv.emit(profile, saved_text)
}

fn profiles(inv: &Invocation) -> Result {
    inv.call(Operation::ImportProfiles(operation::NoArgs {}))
}

/// Records the 広域連合's results; a file with a bad line is reported, stored nothing, and
/// exits 1.
fn union_results(inv: &Invocation, file: &Path, opts: &kouki::UnionImportOptions) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let bytes = files::read(file, "import.read")?;
    let report = kouki::import_union_results(&mut store, &actor, &bytes, opts, inv.now)?;
    inv.emit(&report, union_text)?;
    refused_rows(report.problems.len(), "何も記録していません")
}

/// `hairyo feed`: a status feed; a file with a bad line is reported, stored nothing, and exits 1.
pub fn feed(inv: &Invocation, args: &FeedArgs) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let bytes = files::read(&args.file, "feed.read")?;
    let r = feed::import_feed(&mut store, &actor, &bytes, args.encoding, args.profile.as_deref(), args.dry_run, inv.now)?;
    inv.emit(&r, feed_text)?;
    if !r.problems.is_empty() {
        return Err(ErrorBody::new("feed.rejected", "取り込めない行があります (上の一覧を確認してください)"));
    }
    Ok(())
}

/// `hairyo certificate feed`: the core systems' certificates; a file with a bad line is
/// reported, stored nothing, and exits 1.
pub fn issue_feed(inv: &Invocation, args: &FeedArgs) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let bytes = files::read(&args.file, "feed.read")?;
    let r = hairyo::certificate_feed::import(&mut store, &actor, &bytes, args.encoding, args.profile.as_deref(), args.dry_run, inv.now)?;
    inv.emit(&r, feed_text)?;
    if !r.problems.is_empty() {
        return Err(ErrorBody::new("feed.rejected", "取り込めない行があります (上の一覧を確認してください)"));
    }
    Ok(())
}

/// Each refused row and each 外字 or warning by line, then what was done.
fn report_text(r: &Report) -> String {
    let mut out = String::new();
    for p in r.problems.iter().chain(r.gaiji.iter()) {
        let _ = writeln!(out, "{}行目: {}", p.line, p.message);
    }
    for p in &r.warnings {
        let _ = writeln!(out, "{}行目 (注意): {}", p.line, p.message);
    }
    out + &summary_text(r)
}

fn summary_text(r: &Report) -> String {
    format!(
        "{}: {}行 (新規 {}、更新 {}、変更なし {}、エラー {}、外字 {}、注意 {}) 文字コード {}",
        outcome(r.committed, r.dry_run, r.problems.is_empty(), "取り込みました", "問題のある行があるため、何も取り込んでいません"),
        group(r.rows as i64),
        group(r.inserted as i64),
        group(r.updated as i64),
        group(r.unchanged as i64),
        r.problems.len(),
        r.gaiji.len(),
        r.warnings.len(),
        r.encoding.label()
    )
}

/// What became of a file: stored (`done`), checked only, or refused (`refused`).
fn outcome(committed: bool, dry_run: bool, clean: bool, done: &'static str, refused: &'static str) -> &'static str {
    if committed {
        done
    } else if dry_run && clean {
        "確認のみ (問題なし、何も保存していません)"
    } else if dry_run {
        "確認のみ (何も保存していません)"
    } else {
        refused
    }
}

fn profile_line(p: &Profile) -> String {
    let mut cols: Vec<String> = p.columns.iter().map(|(c, h)| format!("{}={}", c.label(), h)).collect();
    cols.sort();
    format!("{}: {}", p.name, cols.join(", "))
}

fn union_text(r: &UnionImportReport) -> String {
    let mut out = String::new();
    for p in &r.problems {
        let _ = writeln!(out, "{}行目 [{}]: {}", p.line, p.label, p.message);
    }
    let head = outcome(r.committed, r.dry_run, r.problems.is_empty(), "広域連合の決定を記録しました", "問題のある行があるため、何も記録していません");
    let _ = write!(
        out,
        "{head}: {}行 (交付 {}、却下 {}、年次更新時交付 {}、エラー {}) 文字コード {}",
        r.rows,
        r.issued,
        r.rejected,
        r.at_renewal,
        r.problems.len(),
        r.encoding.label()
    );
    out
}

/// Each applied line and each refused one, then what was done.
fn feed_text(r: &FeedReport) -> String {
    let mut out = String::new();
    for l in &r.applied {
        let _ = writeln!(out, "{}行目 {} {} {}: {}", l.line, l.person_name, l.event_label, wareki::format(l.on), l.effect);
    }
    for p in &r.problems {
        let _ = writeln!(out, "{}行目: {}", p.line, p.message);
    }
    out.push_str(&if r.committed {
        format!("{}行を取り込みました", r.rows)
    } else if r.problems.is_empty() {
        "確認のみ: 何も保存していません".to_string()
    } else {
        format!("{}行に問題があるため、何も取り込みませんでした", r.problems.len())
    });
    out
}

fn saved_text(p: &Profile) -> String {
    format!("取込設定「{}」を保存しました ({}列)", p.name, p.columns.len())
}

pub fn profiles_text(l: &[Profile]) -> String {
    l.iter().map(profile_line).collect::<Vec<_>>().join("\n")
}
