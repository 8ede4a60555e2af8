//! One function per subcommand: open the store, resolve the actor, call the core, print.

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};

use hairyo::application::{self, AppStatus, ApplicationInput, ApplicationStep, Document};
use hairyo::certificate::{self, CertificateBasis, CertificateStep};
use hairyo::facility::{self, Campaign, FacilityInput};
use hairyo::person::{self, PersonFilter, PersonInput, PersonPatch, Scheme};
use hairyo::referral::{self, ReferralAction, ReferralInput};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};
use hairyo::store::{self, Store};
use hairyo::text::wareki;
use hairyo::touchpoint::{self, TouchpointInput};
use hairyo::{
    audit, backup, campaign, demo, duplicates, export, feed, forecast, home, import, kouki, leaflet, outreach, policy, print, record, reminder, renewal,
    search, settings, stats, Page,
};

use super::output::{emit, group, page_footer};
use super::*;

/// The CLI reports the core's error body: `エラー [code]: message` and each field's message.
pub type CliError = hairyo::codes::ErrorBody;

type Result<T = ()> = std::result::Result<T, CliError>;

fn now(cli: &Cli) -> Result<NaiveDateTime> {
    match cli.now.as_deref() {
        None => Ok(chrono::Local::now().naive_local()),
        Some(s) => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_hms_opt(9, 0, 0).unwrap_or_default()))
            .map_err(|_| CliError::new("cli.bad_now", format!("--now は YYYY-MM-DD または YYYY-MM-DDTHH:MM:SS で指定してください (指定: {s})"))),
    }
}

fn date_arg(label: &str, s: &str) -> Result<NaiveDate> {
    wareki::parse(s).map_err(|e| CliError::new("cli.bad_date", format!("{label}: {e}")))
}

/// Where `--db` (or `HAIRYO_DB`) says the database is: a file or a PostgreSQL server.
fn location(cli: &Cli) -> store::Location {
    match cli.db.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => store::Location::parse(s),
        None => store::Location::File(store::default_db_path()),
    }
}

/// The database file, for what only a file has (automatic backups next to it).
fn db_file(cli: &Cli, what: &str) -> Result<std::path::PathBuf> {
    match location(cli) {
        store::Location::File(p) => Ok(p),
        store::Location::Server(_) => Err(CliError::new(
            "cli.server_database",
            format!("{what}はデータベースファイルにだけ使えます。サーバーのデータベースは `hairyo backup ファイル名` でバックアップしてください"),
        )),
    }
}

fn open(cli: &Cli) -> Result<Store> {
    let store = store::open_location(&location(cli))?;
    say_upgrade(&store);
    Ok(store)
}

/// Says on stderr (so that `--json` output stays one document) that opening the database
/// upgraded its schema, and where the copy from before is.
fn say_upgrade(store: &Store) {
    if let Some(upgrade) = store.upgrade() {
        eprintln!("{upgrade}");
    }
}

/// The configuration file named by `--config`, read and checked.
fn server_config(path: Option<&std::path::Path>) -> Result<hairyo::config::ServerConfig> {
    Ok(path.map(hairyo::config::load).transpose()?.unwrap_or_default())
}

/// The database a server or an upgrade works on: `--db` / `HAIRYO_DB`, else the
/// configuration's database_url, else the default file.
fn configured_location(cli: &Cli, config: &hairyo::config::ServerConfig) -> store::Location {
    match (cli.db.as_deref().filter(|s| !s.is_empty()), &config.database) {
        (Some(s), _) => store::Location::parse(s),
        (None, Some(location)) => location.clone(),
        (None, None) => store::Location::File(store::default_db_path()),
    }
}

/// Where the backup before an upgrade goes: the flag, the configuration, else beside the file
/// (or in the data folder for a server).
fn upgrade_backup_dir(asked: Option<&std::path::Path>, config: &hairyo::config::ServerConfig, location: &store::Location) -> std::path::PathBuf {
    asked.map(std::path::Path::to_path_buf).or_else(|| config.backup_dir.clone()).unwrap_or_else(|| match location {
        store::Location::File(p) => store::upgrade_backup_dir_for(p),
        store::Location::Server(_) => store::upgrade_backup_dir_for(&store::default_db_path()),
    })
}

/// The password of the acting staff member: `HAIRYO_PASSWORD`, or asked for on the terminal.
fn password(prompt: &str) -> Result<String> {
    if let Ok(pw) = std::env::var("HAIRYO_PASSWORD") {
        return Ok(pw);
    }
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt).map_err(|e| CliError::new("cli.password", format!("パスワードを読み取れません: {e}")));
    }
    Err(CliError::new("cli.password", "パスワードが必要です。端末から実行するか、環境変数 HAIRYO_PASSWORD で指定してください"))
}

/// Opens the store and signs the acting staff member in: the CLI follows the same rules as
/// the window, so it is no way around them.
fn open_initialised(cli: &Cli) -> Result<(Store, Actor)> {
    let mut store = open(cli)?;
    if !store.is_initialised()? {
        return Err(store::StoreError::NotInitialised.into());
    }
    let login = cli.as_login.as_deref().unwrap_or(staff::ADMIN_LOGIN);
    let pw = password(&format!("{login} のパスワード: "))?;
    let actor = staff::sign_in(&mut store, login, &pw, now(cli)?)?;
    Ok((store, actor))
}

fn page(offset: i64, limit: i64) -> Result<Page> {
    if !(1..=Page::MAX_LIMIT).contains(&limit) {
        return Err(CliError::new("cli.bad_limit", format!("--limit は1から{}までで指定してください (指定: {limit})", Page::MAX_LIMIT)));
    }
    if offset < 0 {
        return Err(CliError::new("cli.bad_offset", "--offset は0以上で指定してください"));
    }
    Ok(Page::new(offset, limit))
}

pub fn run(cli: &Cli) -> Result {
    let now = now(cli)?;
    let json = cli.json;
    match &cli.command {
        Command::Init => {
            let pw = password("管理者 (admin) のパスワードを決めてください: ")?;
            staff::validate_password(&pw)?;
            let mut store = open(cli)?;
            let actor = staff::init(&mut store, now)?;
            staff::set_initial_password(&mut store, &actor.login, &pw, now)?;
            let shown = location(cli).display();
            emit(json, &serde_json::json!({"database": shown, "administrator": actor}), |_| {
                format!("データベースを初期化しました: {shown}\n管理者のログイン名: {}", actor.login)
            })
        }
        Command::Demo { persons, seed } => {
            let (mut store, actor) = open_initialised(cli)?;
            let s = demo::generate(&mut store, &actor, *persons, *seed, now)?;
            emit(json, &s, |s| {
                format!(
                    "デモデータを登録しました: 対象者 {}人、施設 {}、接点 {}件、連携依頼 {}件、申請 {}件、資格確認書 {}件",
                    group(s.persons),
                    group(s.facilities),
                    group(s.touchpoints),
                    group(s.referrals),
                    group(s.applications),
                    group(s.certificates)
                )
            })
        }
        Command::Person(cmd) => person_cmd(cli, cmd, now),
        Command::Facility(cmd) => facility_cmd(cli, cmd, now),
        Command::Touchpoint(TouchpointCmd::Add { person, kind, date, leaflets, wish, notes, confirm_digits }) => {
            let (mut store, actor) = open_initialised(cli)?;
            let input = TouchpointInput {
                person_id: *person,
                date: date.clone(),
                kind: kind.clone(),
                leaflets: leaflets.clone(),
                wish: wish.clone(),
                notes: notes.clone(),
                confirmed_digits: *confirm_digits,
            };
            let r = touchpoint::add(&mut store, &actor, &input, now)?;
            emit(json, &r, |r| {
                let mut s = format!(
                    "接点を記録しました (ID {}): {} {} {}",
                    r.touchpoint.id,
                    wareki::format(r.touchpoint.date),
                    r.touchpoint.kind_label,
                    r.touchpoint.desk
                );
                for m in r.prompt_message.iter().chain(r.r12_guidance.iter()) {
                    let _ = write!(s, "\n※ {m}");
                }
                s
            })
        }
        Command::Staff(StaffCmd::Add { login, name, desk, role }) => {
            let (mut store, actor) = open_initialised(cli)?;
            let desk = Desk::parse(desk).map_err(|m| CliError::new("cli.bad_desk", m))?;
            let role = Role::parse(role).map_err(|m| CliError::new("cli.bad_role", m))?;
            let id = staff::add(&mut store, &actor, &NewStaff { login: login.clone(), name: name.clone(), desk, role }, now)?;
            emit(json, &serde_json::json!({"id": id}), |_| format!("職員を登録しました (ID {id})"))
        }
        Command::Staff(StaffCmd::Password { login }) => {
            let (mut store, actor) = open_initialised(cli)?;
            let new = match std::env::var("HAIRYO_NEW_PASSWORD") {
                Ok(pw) => pw,
                Err(_) => {
                    use std::io::IsTerminal;
                    if !std::io::stdin().is_terminal() {
                        return Err(CliError::new("cli.password", "新しいパスワードを環境変数 HAIRYO_NEW_PASSWORD で指定してください"));
                    }
                    rpassword::prompt_password(format!("{login} の新しいパスワード: ")).map_err(|e| CliError::new("cli.password", e.to_string()))?
                }
            };
            // One's own password takes the current one: the one this command signed in with
            // (HAIRYO_PASSWORD), else asked for.
            let current = if staff::typed_login(login) == actor.login {
                Some(match std::env::var("HAIRYO_PASSWORD") {
                    Ok(pw) => pw,
                    Err(_) => rpassword::prompt_password("今のパスワード: ").map_err(|e| CliError::new("cli.password", e.to_string()))?,
                })
            } else {
                None
            };
            staff::set_password(&mut store, &actor, login, &new, current.as_deref(), now)?;
            emit(json, &serde_json::json!({"login": login}), |_| format!("{login} のパスワードを変更しました"))
        }
        Command::Staff(StaffCmd::List) => {
            let (store, actor) = open_initialised(cli)?;
            let list = staff::list(&store, &actor, now)?;
            emit(json, &list, |l| l.iter().map(|s| format!("{}\t{}\t{}\t{}", s.login, s.name, s.desk_label, s.role_label)).collect::<Vec<_>>().join("\n"))
        }
        Command::Stats => {
            let (store, actor) = open_initialised(cli)?;
            let s = stats::compute(&store, &actor, now)?;
            emit(json, &s, |s| {
                let mut out = format!("対象者 {}人 / 施設 {}\n", group(s.persons), group(s.facilities));
                for (title, rows) in [
                    ("保険種別ごとの対象者", &s.persons_by_scheme),
                    ("窓口ごとの接点", &s.touchpoints_by_desk),
                    ("状態ごとの連携依頼", &s.referrals_by_status),
                    ("依頼元窓口ごとの連携依頼", &s.referrals_by_desk),
                    ("状態ごとの申請", &s.applications_by_status),
                    ("根拠ごとの資格確認書", &s.certificates_by_basis),
                ] {
                    let _ = writeln!(out, "{title}:");
                    for c in rows {
                        let _ = writeln!(out, "  {}\t{}", c.label, group(c.count));
                    }
                }
                out
            })
        }
        Command::Home => {
            let (store, actor) = open_initialised(cli)?;
            let t = std::time::Instant::now();
            let h = home::summary(&store, &actor, now)?;
            let took = t.elapsed();
            emit(json, &h, |h| {
                let c = &h.counts;
                format!(
                    "{} {} ({}): 対象者 {}人 / 確認待ちの連携依頼 {} / 依頼中 {} / 差戻し {} / 書類待ちの申請 {} / 処理中の申請 {} / 30日以内に期限の証 {} / 期日のフォローアップ {}\n(集計 {:.1} ms)",
                    actor.name, actor.desk.label(), actor.role.label(), group(c.persons), c.referrals_to_review, c.referrals_open,
                    c.referrals_returned, c.applications_waiting_documents, c.applications_in_progress, c.certificates_expiring_30_days,
                    c.follow_ups_due, took.as_secs_f64() * 1000.0
                )
            })
        }
        Command::Route { person_id, on } => {
            let (store, actor) = open_initialised(cli)?;
            let on = match on {
                Some(s) => date_arg("--on", s)?,
                None => now.date(),
            };
            let r = policy::route(&store, &actor, *person_id, on, now)?;
            emit(json, &r, |r| {
                format!(
                    "{} 時点: {}{}\n根拠: {}\n{}",
                    wareki::format(r.on),
                    r.label,
                    if r.to_confirm { " 【要確認】" } else { "" },
                    if r.r_numbers.is_empty() { "—".to_string() } else { r.r_numbers.join(", ") },
                    r.explanation
                )
            })
        }
        Command::Referral(cmd) => referral_cmd(cli, cmd, now),
        Command::Application(cmd) => application_cmd(cli, cmd, now),
        Command::Certificate(cmd) => certificate_cmd(cli, cmd, now),
        Command::Reminders { referral_days, expiry_days } => {
            let (store, actor) = open_initialised(cli)?;
            let r = reminder::due(&store, &actor, reminder::Window { referral_days: *referral_days, expiry_days: *expiry_days }, now)?;
            emit(json, &r, |r| {
                let mut out = String::new();
                let _ = writeln!(out, "未回答の連携依頼 ({}日以上): {}件", referral_days, group(r.unanswered_referrals_total));
                for x in &r.unanswered_referrals {
                    let _ = writeln!(out, "  #{} {} {}→{} 送付 {}", x.id, x.person_name, x.from_desk_label, x.to_desk_label, wareki::format(x.sent_on));
                }
                let _ = writeln!(out, "差し戻された連携依頼: {}件", group(r.returned_referrals_total));
                for x in &r.returned_referrals {
                    let _ = writeln!(out, "  #{} {} 理由: {}", x.id, x.person_name, x.return_reason);
                }
                let _ = writeln!(out, "書類待ちの申請: {}件", group(r.waiting_documents_total));
                for a in &r.waiting_documents {
                    let missing: Vec<&str> = a.missing_documents().iter().map(|d| d.label()).collect();
                    let _ = writeln!(out, "  #{} {} 未確認: {}", a.id, a.person_name, missing.join("、"));
                }
                let _ = writeln!(out, "{}日以内に有効期限を迎える資格確認書: {}件", expiry_days, group(r.expiring_certificates_total));
                for c in &r.expiring_certificates {
                    let _ = writeln!(out, "  #{} {} 有効期限 {}", c.id, c.person_name, wareki::format(c.valid_until));
                }
                for c in &r.overdue_campaigns {
                    let _ = writeln!(out, "期限を過ぎた施設への呼びかけ: {} (期限 {}) 返送待ち {}人", c.facility_name, wareki::format(c.deadline), c.awaited);
                }
                if let Some(s) = &r.renewal {
                    let _ = writeln!(
                        out,
                        "年次更新 ({}) の対象者リストを{}までに作成してください (広域連合の締切 {})",
                        wareki::format(s.renewal_day),
                        wareki::format(s.list_by),
                        wareki::format(s.cutoff)
                    );
                }
                let _ = writeln!(out, "期日の来たフォローアップ: {}件", group(r.follow_ups_total));
                for f in &r.follow_ups {
                    let _ = writeln!(out, "  #{} {} 期日 {}: {}", f.id, f.person_name, wareki::format(f.due_on), f.note);
                }
                out
            })
        }
        Command::ExportProfile(cmd) => {
            let (mut store, actor) = open_initialised(cli)?;
            match cmd {
                ExportProfileCmd::List => {
                    let list = export::profiles(&store, &actor, now)?;
                    emit(json, &list, |l| {
                        let mut out = String::new();
                        for p in l {
                            let _ = writeln!(out, "{} [{}] {}: {}", p.name, p.kind.label(), p.encoding.label(), p.columns.join(", "));
                        }
                        if l.is_empty() {
                            out.push_str("出力プロファイルはまだありません\n");
                        }
                        out
                    })
                }
                ExportProfileCmd::Save { name, kind, columns, encoding } => {
                    let kind = export::ExportKind::parse(kind).map_err(|m| CliError::new("cli.bad_kind", m))?;
                    let encoding = import::Encoding::named(encoding)?;
                    let p =
                        export::save_profile(&mut store, &actor, &export::ExportProfile { name: name.clone(), kind, columns: columns.clone(), encoding }, now)?;
                    emit(json, &p, |p| format!("出力プロファイル「{}」を保存しました ({}列)", p.name, p.columns.len()))
                }
                ExportProfileCmd::Run { name, file } => {
                    let (bytes, rows, p) = export::export_with_profile(&mut store, &actor, name, now)?;
                    let tmp = file.with_extension("csv.part");
                    std::fs::write(&tmp, &bytes)
                        .and_then(|_| std::fs::rename(&tmp, file))
                        .map_err(|e| CliError::new("export.write", format!("{} に書き込めません: {e}", file.display())))?;
                    emit(json, &serde_json::json!({"file": file, "rows": rows, "profile": p.name}), |_| {
                        format!("{}を{}件、{} に出力しました (プロファイル「{}」)", p.kind.label(), group(rows as i64), file.display(), p.name)
                    })
                }
            }
        }
        Command::Feed { file, encoding, profile, dry_run } => {
            let (mut store, actor) = open_initialised(cli)?;
            let bytes = std::fs::read(file).map_err(|e| CliError::new("feed.read", format!("{} を読めません: {e}", file.display())))?;
            let encoding = import::Encoding::named(encoding)?;
            let r = feed::import_feed(&mut store, &actor, &bytes, encoding, profile.as_deref(), *dry_run, now)?;
            let refused = !r.problems.is_empty();
            emit(json, &r, |r| {
                let mut out = String::new();
                for l in &r.applied {
                    let _ = writeln!(out, "{}行目 {} {} {}: {}", l.line, l.person_name, l.event_label, wareki::format(l.on), l.effect);
                }
                for p in &r.problems {
                    let _ = writeln!(out, "{}行目: {}", p.line, p.message);
                }
                let _ = write!(
                    out,
                    "{}",
                    if r.committed {
                        format!("{}行を取り込みました", r.rows)
                    } else if r.problems.is_empty() {
                        "確認のみ: 何も保存していません".to_string()
                    } else {
                        format!("{}行に問題があるため、何も取り込みませんでした", r.problems.len())
                    }
                );
                out
            })?;
            if refused {
                return Err(CliError::new("feed.rejected", "取り込めない行があります (上の一覧を確認してください)"));
            }
            Ok(())
        }
        Command::Outreach(cmd) => {
            let (mut store, actor) = open_initialised(cli)?;
            let text = |e: &outreach::OutreachEvent| {
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
            };
            match cmd {
                OutreachCmd::List { limit, offset } => {
                    let p = outreach::events(&store, &actor, Page::new(*offset, *limit), now)?;
                    emit(json, &p, |p| {
                        if p.items.is_empty() {
                            "出張申請の記録はありません".into()
                        } else {
                            p.items.iter().map(text).collect::<Vec<_>>().join("")
                        }
                    })
                }
                OutreachCmd::Add { on, place, with_mynumber_desk, note } => {
                    let input = outreach::OutreachInput {
                        held_on: on.clone(),
                        place: place.clone(),
                        with_mynumber_desk: *with_mynumber_desk,
                        note: note.clone(),
                        confirmed_digits: false,
                    };
                    let e = outreach::add_event(&mut store, &actor, &input, now)?;
                    emit(json, &e, text)
                }
                OutreachCmd::Receive { event, atena, applicant } => {
                    let papers: Vec<outreach::PaperApplication> =
                        atena.iter().map(|a| outreach::PaperApplication { atena_no: a.clone(), applicant: applicant.clone() }).collect();
                    let e = outreach::receive_batch(&mut store, &actor, *event, &papers, now)?;
                    emit(json, &e, text)
                }
            }
        }
        Command::Renewal(cmd) => {
            let (mut store, actor) = open_initialised(cli)?;
            let season_text = |s: &renewal::RenewalSeason| {
                let mut out = format!(
                    "年次更新 {}  広域連合の締切 {}  市のリスト作成期限 {} (あと{}日)\n",
                    wareki::format(s.renewal_day),
                    wareki::format(s.cutoff),
                    wareki::format(s.list_by),
                    s.days_to_list
                );
                match s.list_made_on {
                    Some(d) => {
                        let _ = writeln!(out, "リストは{}に作成済みです", wareki::format(d));
                    }
                    None if s.remind => out.push_str("リストを作成してください (出力プロファイルで出力すると作成済みになります)\n"),
                    None => {}
                }
                out
            };
            match cmd {
                RenewalCmd::Season => {
                    let s = renewal::season(&store, &actor, now)?;
                    emit(json, &s, season_text)
                }
                RenewalCmd::Schedule { cutoff, lead_days, remind_days } => {
                    let input = renewal::ScheduleInput { cutoff: cutoff.clone(), lead_days: lead_days.clone(), remind_days: remind_days.clone() };
                    let s = renewal::set_schedule(&mut store, &actor, &input, now)?;
                    emit(json, &s, season_text)
                }
                RenewalCmd::List { day, group: g, limit, offset } => {
                    let day = day.as_deref().map(|d| date_arg("--day", d)).transpose()?;
                    let g = g.as_deref().map(renewal::RenewalGroup::parse).transpose().map_err(|m| CliError::new("cli.bad_group", m))?;
                    let l = renewal::spring_list(&store, &actor, day, g, Page::new(*offset, *limit), now)?;
                    emit(json, &l, |l| {
                        let mut out = season_text(&l.season);
                        for c in &l.groups {
                            let _ = writeln!(out, "  {}: {}人", c.label, group(c.count as i64));
                        }
                        for x in &l.lines.items {
                            let _ = writeln!(out, "  {} {} ({}歳) {}", x.name, x.scheme_label, x.age_on_renewal, x.group_label);
                        }
                        out
                    })
                }
            }
        }
        Command::FollowUp { person, due, note } => {
            let (mut store, actor) = open_initialised(cli)?;
            let f = reminder::add_follow_up(&mut store, &actor, *person, due, note, now)?;
            emit(json, &f, |f| format!("フォローアップを登録しました (ID {}, 期日 {})", f.id, wareki::format(f.due_on)))
        }
        Command::Forecast { weeks } => {
            let (store, actor) = open_initialised(cli)?;
            let f = forecast::weekly(&store, &actor, *weeks, now)?;
            emit(json, &f, |f| {
                let mut out = String::from("週の始まり\t見込み\t証の期限\t旧保険証の期限\t連携依頼\t施設呼びかけ\n");
                for w in &f.weeks {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        wareki::format(w.week_start),
                        w.expected,
                        w.certificate_expiries,
                        w.old_card_expiries,
                        w.open_referrals,
                        w.facility_campaigns
                    );
                }
                let _ = writeln!(out, "早めに連絡したい方: {}人", group(f.contact_early_total));
                for c in &f.contact_early {
                    let _ = writeln!(out, "  {} (ID {}) {} {}", c.person_name, c.person_id, wareki::format(c.date), c.cause);
                }
                out
            })
        }
        Command::Policy(cmd) => policy_cmd(cli, cmd, now),
        Command::Retention(cmd) => retention_cmd(cli, cmd, now),
        Command::Settings(cmd) => settings_cmd(cli, cmd, now),
        Command::Search { query, limit, offset } => {
            let (mut store, actor) = open_initialised(cli)?;
            let r = search::search(&mut store, &actor, query, page(*offset, *limit)?, now)?;
            emit(json, &r, |r| {
                let mut out = format!("{} で検索\n", r.description);
                for h in &r.hits.items {
                    let p = &h.person;
                    let _ = writeln!(out, "{}\t{}\t{}\t{}\t{}\t{}", p.id, p.name, p.kana, p.birth_date_wareki, p.atena_no, h.matched.label());
                }
                out.push_str(&page_footer(&r.hits));
                if r.total_capped {
                    out.push_str(&format!(" ({}件以上。条件を加えて絞り込んでください)", hairyo::search::COUNT_CAP));
                }
                out
            })
        }
        Command::Print(cmd) => print_cmd(cli, cmd, now),
        Command::AccessMatrix => {
            print!("{}{}", hairyo::access::markdown(), hairyo::disclosure::markdown());
            Ok(())
        }
        Command::Duplicates { action, limit, offset } => {
            let (mut store, actor) = open_initialised(cli)?;
            match action {
                None => {
                    let c = duplicates::candidates(&store, &actor, page(*offset, *limit)?, now)?;
                    emit(json, &c, |c| {
                        let mut out: String = c
                            .items
                            .iter()
                            .map(|d| {
                                format!(
                                    "{}\t{} ({})\t{} ({})\t{}\t{}点 {}\n",
                                    wareki::format(d.birth_date),
                                    d.a_name,
                                    d.a,
                                    d.b_name,
                                    d.b,
                                    d.a_kana,
                                    d.score,
                                    d.reason
                                )
                            })
                            .collect();
                        out.push_str(&page_footer(c));
                        out
                    })
                }
                Some(DuplicateCmd::Merge { keep, other }) => {
                    let p = duplicates::merge(&mut store, &actor, *keep, *other, now)?;
                    emit(json, &p, |p| format!("ID {other} を ID {} ({}) に統合しました", p.id, p.name))
                }
                Some(DuplicateCmd::Dismiss { a, b }) => {
                    duplicates::dismiss(&mut store, &actor, *a, *b, now)?;
                    emit(json, &serde_json::json!({"dismissed": [a, b]}), |_| format!("ID {a} と ID {b} は別人として記録しました"))
                }
            }
        }
        Command::Bench { persons, queries } => {
            // Bench never touches the database it is pointed at: on a server it makes scratch
            // databases beside it, and a file stands for nothing but "this machine".
            let server = match cli.db.as_deref().map(hairyo::store::Location::parse) {
                Some(hairyo::store::Location::Server(url)) => Some(url),
                _ => None,
            };
            let report =
                hairyo::bench::run(*persons, *queries, server.as_deref(), now, &mut |m| eprintln!("{m}")).map_err(|e| CliError::new("bench.failed", e))?;
            emit(json, &report, |r| r.to_string())
        }
        Command::Import(cmd) => import_cmd(cli, cmd, now),
        Command::Export { kind, file, encoding, on } => {
            let (mut store, actor) = open_initialised(cli)?;
            let encoding = import::Encoding::named(encoding)?;
            // The 進達簿 is one day's list, so it takes the day; the other kinds take none.
            let (label, (bytes, rows)) = if matches!(kind.as_str(), "forwarding-register" | "forwarding_register" | "進達簿") {
                let on = on.as_deref().ok_or_else(|| CliError::new("cli.missing_date", "進達簿は --on で進達日を指定してください"))?;
                ("進達簿".to_string(), kouki::forwarding_register_csv(&mut store, &actor, date_arg("--on", on)?, encoding, now)?)
            } else {
                let kind = export::ExportKind::parse(kind).map_err(|m| CliError::new("cli.bad_kind", m))?;
                (kind.label().to_string(), export::export(&mut store, &actor, kind, encoding, now)?)
            };
            let tmp = file.with_extension("csv.part");
            std::fs::write(&tmp, &bytes)
                .and_then(|_| std::fs::rename(&tmp, file))
                .map_err(|e| CliError::new("export.write", format!("{} に書き込めません: {e}", file.display())))?;
            emit(json, &serde_json::json!({"file": file, "rows": rows, "encoding": encoding}), |_| {
                format!("{label}を{}件、{} に出力しました ({})", group(rows as i64), file.display(), encoding.label())
            })
        }
        Command::Leaflet(LeafletCmd::Statements { on }) => {
            let (store, actor) = open_initialised(cli)?;
            let at = match on {
                Some(s) => date_arg("--on", s)?.and_time(now.time()),
                None => now,
            };
            let all = leaflet::check_all_statements(&store, &actor, at)?;
            emit(json, &all, |all| {
                all.iter()
                    .map(|c| {
                        let period = match (c.valid_from, c.valid_until) {
                            (None, None) => String::new(),
                            (f, u) => format!("期間 {}～{}", f.map(wareki::format).unwrap_or_default(), u.map(wareki::format).unwrap_or_default()),
                        };
                        let printing = match c.printing {
                            leaflet::Printing::Statement => "記述を印刷",
                            leaflet::Printing::Replacement => "差し替えの文を印刷",
                            leaflet::Printing::Nothing => "印刷しない",
                        };
                        let mut line = format!(
                            "{}\t{}\t{}\t{period}{}\t{printing}\n  {}",
                            c.leaflet.label(),
                            c.id,
                            c.mode.label(),
                            if c.overtaken { " 【期限切れ】" } else { "" },
                            c.text
                        );
                        let edited = if c.replacement_edited { " (変更済み)" } else { "" };
                        if c.replacement.is_empty() {
                            line.push_str("\n  差し替えの文: なし");
                        } else {
                            line.push_str(&format!("\n  差し替えの文{edited}: {}", c.replacement));
                        }
                        if !c.message.is_empty() {
                            line.push_str(&format!("\n  注意: {}", c.message));
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        Command::Leaflet(LeafletCmd::Set { id, mode, text, no_replacement }) => {
            let (mut store, actor) = open_initialised(cli)?;
            let mode = leaflet::StatementMode::parse(mode).map_err(|m| CliError::new("cli.bad_mode", m))?;
            let replacement = if *no_replacement { Some("") } else { text.as_deref() };
            leaflet::set_statement(&mut store, &actor, id, mode, replacement, now)?;
            emit(json, &serde_json::json!({"id": id, "mode": mode}), |_| format!("記述 {id} の扱いを「{}」にしました", mode.label()))
        }
        Command::Leaflet(LeafletCmd::Postings) => {
            let (store, actor) = open_initialised(cli)?;
            emit(json, &leaflet::postings(&store, &actor, now)?, |p| {
                let mut out: String = p.items.iter().map(posting_line).collect();
                if !p.desks_without.is_empty() {
                    let _ = writeln!(out, "掲示のない窓口: {}", p.desks_without.iter().map(|d| d.desk_label).collect::<Vec<_>>().join("、"));
                }
                out
            })
        }
        Command::Leaflet(LeafletCmd::Post { desk, place, edition, on, note }) => {
            let (mut store, actor) = open_initialised(cli)?;
            let input = leaflet::PostingInput { desk: desk.clone(), place: place.clone(), edition: edition.clone(), posted_on: on.clone(), note: note.clone() };
            emit(json, &leaflet::post_poster(&mut store, &actor, &input, now)?, |p| format!("掲示を記録しました: {}", posting_line(p)))
        }
        Command::Leaflet(LeafletCmd::TakeDown { id, on }) => {
            let (mut store, actor) = open_initialised(cli)?;
            emit(json, &leaflet::take_down_poster(&mut store, &actor, *id, on, now)?, |p| format!("撤去を記録しました: {}", posting_line(p)))
        }
        Command::Serve {
            config,
            listen,
            tls_cert,
            tls_key,
            behind_proxy,
            session_idle,
            session_lifetime,
            connections,
            max_clients,
            max_requests,
            ui,
            backup_dir,
        } => {
            use hairyo::config::{CONNECTIONS, MAX_CLIENTS, MAX_REQUESTS, SESSION_IDLE_SECONDS, SESSION_LIFETIME_SECONDS};
            let file = server_config(config.as_deref())?;
            if session_idle.is_some_and(|s| !SESSION_IDLE_SECONDS.contains(&s)) {
                return Err(CliError::new("cli.bad_session_idle", "--session-idle は 1〜86400 秒で指定してください"));
            }
            if session_lifetime.is_some_and(|s| !SESSION_LIFETIME_SECONDS.contains(&s)) {
                return Err(CliError::new("cli.bad_session_lifetime", "--session-lifetime は 1〜604800 秒で指定してください"));
            }
            if connections.is_some_and(|n| !CONNECTIONS.contains(&n)) {
                return Err(CliError::new("cli.bad_connections", "--connections は 1〜500 で指定してください"));
            }
            if max_clients.is_some_and(|n| !MAX_CLIENTS.contains(&n)) {
                return Err(CliError::new(
                    "cli.bad_max_clients",
                    format!("--max-clients は {}〜{} で指定してください", MAX_CLIENTS.start(), MAX_CLIENTS.end()),
                ));
            }
            if max_requests.is_some_and(|n| !MAX_REQUESTS.contains(&n)) {
                return Err(CliError::new(
                    "cli.bad_max_requests",
                    format!("--max-requests は {}〜{} で指定してください", MAX_REQUESTS.start(), MAX_REQUESTS.end()),
                ));
            }
            let fixed_now = cli.now.is_some().then_some(now);
            let location = configured_location(cli, &file);
            super::serve::run(super::serve::ServeOptions {
                listen: listen.or(file.listen).unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 8443))),
                backup_dir: upgrade_backup_dir(backup_dir.as_deref(), &file, &location),
                location,
                tls: tls_cert.clone().zip(tls_key.clone()).or(file.tls),
                behind_proxy: *behind_proxy || file.behind_proxy.unwrap_or(false),
                session_idle: session_idle.map(std::time::Duration::from_secs).or(file.session_idle).unwrap_or(std::time::Duration::from_secs(1800)),
                session_lifetime: session_lifetime
                    .map(std::time::Duration::from_secs)
                    .or(file.session_lifetime)
                    .unwrap_or(std::time::Duration::from_secs(36_000)),
                connections: connections.or(file.connections).unwrap_or(16),
                max_clients: max_clients.or(file.max_clients).unwrap_or(1000),
                max_requests: max_requests.or(file.max_requests).unwrap_or(128),
                fixed_now,
                ui_dir: ui_dir(ui.as_deref().or(file.ui_dir.as_deref()))?,
                audit_key_file: file.audit_key_file.clone(),
            })
        }
        Command::Upgrade { config, backup_dir } => {
            let file = server_config(config.as_deref())?;
            let location = configured_location(cli, &file);
            // An upgrade of a file that is not there would create an empty database under a
            // mistyped name; it is refused instead.
            if let store::Location::File(p) = &location {
                if !p.exists() {
                    return Err(CliError::new(
                        "cli.no_database",
                        format!("データベース {} がありません。パスを確認してください (新しく作るときは hairyo init)", p.display()),
                    ));
                }
            }
            let dir = upgrade_backup_dir(backup_dir.as_deref(), &file, &location);
            let store = store::open_location_upgrading(&location, &dir)?;
            let version = store.stored_schema_version()?;
            let report = serde_json::json!({
                "database": location.display(), "schema_version": version, "release": hairyo::VERSION, "upgrade": store.upgrade(),
            });
            emit(json, &report, |_| match store.upgrade() {
                Some(u) => u.to_string(),
                None => format!("データベースのスキーマは最新です (版 {version}、Hairyo {}): {}", hairyo::VERSION, location.display()),
            })
        }
        Command::Loadtest { server, clients, seconds, think_ms } => {
            let addr = server.strip_prefix("http://").map(|a| a.trim_end_matches('/')).ok_or_else(|| {
                CliError::new(
                    "loadtest.invalid",
                    "--server は hairyo serve が表示した http://127.0.0.1:PORT の形で指定してください (TLS なしのループバックのみ)",
                )
            })?;
            let pw = password("デモ職員のパスワード: ")?;
            let report = super::loadtest::run(addr, *clients, *seconds, Duration::from_millis(*think_ms), &pw)?;
            emit(json, &report, |r| r.to_string())
        }
        Command::Grant { role } => {
            let (mut store, actor) = open_initialised(cli)?;
            hairyo::deployment::grant_app_role(&mut store, &actor, role, now)?;
            emit(json, &serde_json::json!({"granted": role}), |_| format!("ロール {role} にアプリ用の権限を設定しました (監査ログの更新・削除はできません)"))
        }
        Command::Backup { file, auto, dir, keep } => backup_cmd(cli, file.as_deref(), *auto, dir.as_deref(), *keep, now),
        Command::Restore { file, yes } => restore_cmd(cli, file, *yes, now),
        Command::Audit { action: Some(AuditCmd::Verify), .. } => {
            let (store, actor) = open_initialised(cli)?;
            let v = audit::verify(&store, &actor, now)?;
            emit(json, &v, |v| v.message.clone())?;
            if v.ok {
                Ok(())
            } else {
                Err(CliError::new("audit.tampered", v.message))
            }
        }
        Command::Audit { action: Some(AuditCmd::Key { file }), .. } => {
            let (mut store, actor) = open_initialised(cli)?;
            let keyed = audit::key_chain(&mut store, &actor, file, now)?;
            emit(json, &keyed, |k| {
                format!(
                    "監査ログを ID {} から鍵で保護しました{}。鍵ファイル {} はデータベースのバックアップとは別に保管し、サーバーの hairyo.conf の audit_key_file (CLI では HAIRYO_AUDIT_KEY_FILE) に指定してください",
                    k.keyed_from,
                    if k.created { " (鍵ファイルを作成)" } else { "" },
                    file.display()
                )
            })
        }
        Command::Audit { action: Some(AuditCmd::Export { file }), .. } => {
            let (mut store, actor) = open_initialised(cli)?;
            let bytes = audit::export_csv(&mut store, &actor, now)?;
            std::fs::write(file, &bytes).map_err(|e| CliError::new("audit.write", format!("{} に書き込めません: {e}", file.display())))?;
            emit(json, &serde_json::json!({"file": file}), |_| format!("監査ログを {} に出力しました", file.display()))
        }
        Command::Audit { action: Some(AuditCmd::Access { from, to, login, person }), .. } => {
            let (mut store, actor) = open_initialised(cli)?;
            let query = hairyo::access_review::AccessQuery {
                from: from.clone().unwrap_or_default(),
                to: to.clone().unwrap_or_default(),
                login: login.clone().unwrap_or_default(),
                person_id: *person,
            };
            let review = hairyo::access_review::review(&mut store, &actor, &query, now)?;
            emit(json, &review, access_review_text)
        }
        Command::Audit { action: None, limit, offset } => {
            let (store, actor) = open_initialised(cli)?;
            let p = audit::list(&store, &actor, None, page(*offset, *limit)?, now)?;
            emit(json, &p, |p| {
                let mut out: String = p
                    .items
                    .iter()
                    .map(|e| {
                        format!("{}\t{}\t{}\t{}\t{}\n", e.at, e.login, e.action.label(), e.record_kind, e.record_id.map(|i| i.to_string()).unwrap_or_default())
                    })
                    .collect();
                out.push_str(&page_footer(p));
                out
            })
        }
    }
}

/// The fields given on the command line, and only those, as a patch.
fn patch_of(f: &PersonFields) -> PersonPatch {
    PersonPatch {
        atena_no: f.atena.clone(),
        name: f.name.clone(),
        kana: f.kana.clone(),
        birth_date: f.birth.clone(),
        sex: f.sex.clone(),
        postal_code: f.postal.clone(),
        address: f.address.clone(),
        phone: f.phone.clone(),
        householder: f.householder.clone(),
        scheme: f.scheme.clone(),
        insurer_no: f.insurer.clone(),
        other_insurer: f.other_insurer.clone(),
        card_symbol: f.symbol.clone(),
        card_number: f.number.clone(),
        card_branch: f.branch.clone(),
        old_card_expiry: f.old_card_expiry.clone(),
        mynumber_card: f.card.clone(),
        registration: f.registration.clone(),
        wishes_cancel: f.wishes_cancel,
        reasons: (!f.reasons.is_empty()).then(|| f.reasons.clone()),
        facility_id: f.facility.map(Some),
        legal_rep_kind: f.legal_rep_kind.clone(),
        legal_rep_name: f.legal_rep_name.clone(),
        protected: f.protected,
        safe_postal_code: f.safe_postal.clone(),
        safe_address: f.safe_address.clone(),
        notes: f.notes.clone(),
        confirmed_digits: f.confirm_digits.then_some(true),
    }
}

fn access_review_text(r: &hairyo::access_review::AccessReview) -> String {
    let mut s = format!("アクセス記録 {} ～ {}: {}件 (支援措置の対象者 {}人)\n", r.from, r.to, r.total, r.protected_persons);
    for st in &r.by_staff {
        let _ = writeln!(s, "  {} ({}): {}件", st.login, st.desk_label, st.accesses);
    }
    for a in &r.records {
        let who = match a.person_id {
            Some(id) => format!("{} (ID {id})", a.person_name),
            None => a.person_name.clone(),
        };
        let _ = writeln!(s, "{}  {} ({})  {}  {}", a.at.replace('T', " "), a.login, a.desk_label, a.what, who);
    }
    s
}

fn person_text(r: &record::PersonRecord) -> String {
    let p = &r.person;
    let mut s = String::new();
    for w in &r.warnings {
        let _ = writeln!(s, "【注意】{w}");
    }
    let _ = writeln!(s, "ID {}  宛名番号 {}", p.id, if p.atena_no.is_empty() { "—" } else { &p.atena_no });
    let _ = writeln!(s, "氏名: {} ({})", p.name, p.kana);
    let _ = writeln!(s, "生年月日: {} ({}歳)  性別: {}", r.birth_date_wareki, r.age, p.sex.label());
    if p.protected {
        let _ = writeln!(s, "住所: 支援措置のため非表示 (送付先: 〒{} {})", p.safe_postal_code, p.safe_address);
    } else {
        let _ = writeln!(s, "住所: 〒{} {}", p.postal_code, p.address);
    }
    let _ = writeln!(s, "保険: {} 保険者番号 {} 記号 {} 番号 {} 枝番 {}", p.scheme.label(), p.insurer_no, p.card_symbol, p.card_number, p.card_branch);
    if p.insured_elsewhere() {
        let _ = writeln!(s, "住所地特例: {} の被保険者 (市の申請書は使えません)", p.other_insurer);
    }
    let _ = writeln!(s, "マイナンバーカード: {} / 保険証利用登録: {}", p.mynumber_card.label(), p.registration.label());
    let reasons: Vec<&str> = p.reasons.iter().map(|r| r.label()).collect();
    let _ = writeln!(s, "配慮理由: {}", if reasons.is_empty() { "—".to_string() } else { reasons.join("、") });
    if let Some(f) = &r.facility {
        let _ = writeln!(s, "施設: {} ({})", f.name, f.kind_label);
    }
    let _ = writeln!(
        s,
        "交付経路: {}{} [{}]\n  {}",
        r.route.label,
        if r.route.to_confirm { " 【要確認】" } else { "" },
        r.route.r_numbers.join(", "),
        r.route.explanation
    );
    let _ = writeln!(
        s,
        "接点 {}件 / 連携依頼 {}件 / 申請 {}件 / 資格確認書 {}件",
        r.touchpoints.len(),
        r.referrals.len(),
        r.applications.len(),
        r.certificates.len()
    );
    s
}

fn person_cmd(cli: &Cli, cmd: &PersonCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    match cmd {
        PersonCmd::Add(fields) => {
            let input = patch_of(fields).apply(PersonInput::default());
            let p = person::add(&mut store, &actor, &input, now)?;
            emit(json, &p, |p| format!("対象者を登録しました (ID {}): {} ({})", p.id, p.name, p.kana))
        }
        PersonCmd::Update { id, fields } => {
            let p = person::update(&mut store, &actor, *id, &patch_of(fields), now)?;
            emit(json, &p, |p| format!("対象者を更新しました (ID {}): {}", p.id, p.name))
        }
        PersonCmd::MoveOut { id, to, on, note, confirm_digits } => {
            let input = hairyo::moving::MoveOutInput { moved_on: on.clone(), moved_to: to.clone(), note: note.clone(), confirmed_digits: *confirm_digits };
            let moved = hairyo::moving::move_out(&mut store, &actor, *id, &input, now)?;
            emit(json, &moved, |m| {
                let mut out = format!("{}に{}への転出を記録しました\n", wareki::format(m.move_out.moved_on), m.move_out.moved_to);
                for c in &m.closed {
                    let _ = writeln!(out, "・{c}");
                }
                let _ = writeln!(out, "引継ぎ票: hairyo print hand-over --person {} -o 引継ぎ票.pdf", m.person_id);
                out
            })
        }
        PersonCmd::Show { id } => {
            let r = record::show(&mut store, &actor, *id, now)?;
            emit(json, &r, person_text)
        }
        PersonCmd::List { limit, offset, query, facility, scheme } => {
            let scheme = match scheme {
                Some(s) => Some(Scheme::parse(s).map_err(|m| CliError::new("cli.bad_scheme", m))?),
                None => None,
            };
            let filter = PersonFilter { query: query.clone(), facility_id: *facility, scheme };
            let list = person::list(&mut store, &actor, &filter, page(*offset, *limit)?, now)?;
            emit(json, &list, |l| {
                let mut out = String::new();
                for p in &l.items {
                    let _ = writeln!(out, "{}\t{}\t{}\t{}\t{}歳\t{}", p.id, p.name, p.kana, p.birth_date_wareki, p.age, p.scheme_label);
                }
                out.push_str(&page_footer(l));
                out
            })
        }
    }
}

fn facility_cmd(cli: &Cli, cmd: &FacilityCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    match cmd {
        FacilityCmd::Add { name, kind, postal, address, phone, contact } => {
            let input = FacilityInput {
                name: name.clone(),
                kind: kind.clone(),
                postal_code: postal.clone(),
                address: address.clone(),
                phone: phone.clone(),
                contact_name: contact.clone(),
            };
            let f = facility::add(&mut store, &actor, &input, now)?;
            emit(json, &f, |f| format!("施設を登録しました (ID {}): {} ({})", f.id, f.name, f.kind_label))
        }
        FacilityCmd::List { limit, offset } => {
            let l = facility::list(&store, &actor, page(*offset, *limit)?, now)?;
            emit(json, &l, |l| {
                let mut out: String =
                    l.items.iter().map(|f| format!("{}\t{}\t{}\t入所者 {}人\t{}\n", f.id, f.name, f.kind_label, f.residents, f.campaign_label)).collect();
                out.push_str(&page_footer(l));
                out
            })
        }
        FacilityCmd::Campaign { id, status } => {
            let c = Campaign::parse(status).map_err(|m| CliError::new("cli.bad_campaign", m))?;
            let f = facility::set_campaign(&mut store, &actor, *id, c, now)?;
            emit(json, &f, |f| format!("{} の呼びかけ状況: {}", f.name, f.campaign_label))
        }
        FacilityCmd::CampaignStart { id, deadline, note } => {
            let input = campaign::CampaignInput { facility_id: *id, deadline: deadline.clone(), note: note.clone(), confirmed_digits: false };
            let c = campaign::start(&mut store, &actor, &input, now)?;
            emit(json, &c, campaign_text)
        }
        FacilityCmd::Campaigns { id } => {
            let list = campaign::of_facility(&store, &actor, *id, now)?;
            emit(json, &list, |l| {
                if l.is_empty() {
                    "呼びかけの記録はありません".into()
                } else {
                    l.iter().map(campaign_text).collect::<Vec<_>>().join("\n")
                }
            })
        }
        FacilityCmd::CampaignReturns { campaign: id, returns, on } => {
            let mut lines = Vec::new();
            for r in returns {
                let (person, outcome) = r
                    .split_once(':')
                    .and_then(|(p, o)| p.trim().parse::<i64>().ok().map(|p| (p, o.trim().to_string())))
                    .ok_or_else(|| CliError::new("cli.bad_return", format!("--return は 対象者ID:結果 (例 12:applied) で指定してください (指定: {r})")))?;
                lines.push(campaign::ReturnInput { person_id: person, outcome, returned_on: on.clone(), note: String::new() });
            }
            let c = campaign::receive_returns(&mut store, &actor, *id, &lines, now)?;
            emit(json, &c, campaign_text)
        }
    }
}

fn campaign_text(c: &campaign::FacilityCampaign) -> String {
    let mut out = format!(
        "呼びかけ ID {} {} 送付 {} 期限 {}{}  返送待ち {}人 / {}人\n",
        c.id,
        c.facility_name,
        wareki::format(c.started_on),
        wareki::format(c.deadline),
        if c.overdue { " (期限切れ)" } else { "" },
        c.awaited,
        c.residents.len()
    );
    for r in &c.residents {
        let _ = writeln!(
            out,
            "  {} (ID {}) {}{}{}",
            r.name,
            r.person_id,
            r.outcome_label,
            r.returned_on.map(|d| format!(" {}", wareki::format(d))).unwrap_or_default(),
            r.application_status_label.map(|s| format!(" 申請 #{}: {s}", r.application_id.unwrap_or_default())).unwrap_or_default()
        );
    }
    out
}

fn referral_text(r: &referral::Referral) -> String {
    let mut s = format!(
        "連携依頼 #{} [{}] {} {}→{} 送付 {} ({})\n理由: {}",
        r.id,
        r.status_label,
        r.person_name,
        r.from_desk_label,
        r.to_desk_label,
        wareki::format(r.sent_on),
        r.sent_by,
        r.reason
    );
    if !r.return_reason.is_empty() {
        let _ = write!(s, "\n差戻しの理由: {}", r.return_reason);
    }
    for c in &r.comments {
        let _ = write!(s, "\n  {} {}: {}", c.at, c.name, c.body);
    }
    s
}

fn referral_cmd(cli: &Cli, cmd: &ReferralCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    let r = match cmd {
        ReferralCmd::Send { person, reason, to, applicant, confirm_digits } => {
            let input = ReferralInput {
                person_id: *person,
                to_desk: to.clone(),
                reason: reason.clone(),
                proposed_applicant: applicant.clone(),
                confirmed_digits: *confirm_digits,
            };
            referral::send(&mut store, &actor, &input, now)?
        }
        ReferralCmd::Accept { id, note, confirm_digits } => {
            referral::act(&mut store, &actor, *id, &ReferralAction::Accept { note: note.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ReferralCmd::Return { id, reason, confirm_digits } => {
            referral::act(&mut store, &actor, *id, &ReferralAction::Return { reason: reason.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ReferralCmd::Complete { id, note, confirm_digits } => {
            referral::act(&mut store, &actor, *id, &ReferralAction::Complete { note: note.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ReferralCmd::Resend { id, note, confirm_digits } => {
            referral::act(&mut store, &actor, *id, &ReferralAction::Resend { note: note.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ReferralCmd::Comment { id, body, confirm_digits } => {
            referral::act(&mut store, &actor, *id, &ReferralAction::Comment { body: body.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ReferralCmd::Withdraw { id, reason, confirm_digits } => {
            referral::act(&mut store, &actor, *id, &ReferralAction::Withdraw { reason: reason.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ReferralCmd::Show { id } => referral::get(&store, &actor, *id, now)?,
        ReferralCmd::Queue { status, limit, offset } => {
            let filter = referral::QueueFilter::parse(status.as_deref().unwrap_or("")).map_err(|m| CliError::new("cli.bad_status", m))?;
            let q = referral::queue(&mut store, &actor, filter, page(*offset, *limit)?, now)?;
            return emit(json, &q, |q| {
                let mut out: String = q
                    .items
                    .iter()
                    .map(|r| {
                        format!("#{}\t{}\t{}\t{}→{}\t{}\n", r.id, r.status_label, r.person_name, r.from_desk_label, r.to_desk_label, wareki::format(r.sent_on))
                    })
                    .collect();
                out.push_str(&page_footer(q));
                out
            });
        }
    };
    emit(json, &r, referral_text)
}

fn application_text(a: &application::Application) -> String {
    let mut s = format!(
        "申請 #{} [{}] {} {} 受付 {} ({}) 申請者: {}{}",
        a.id,
        a.status_label,
        a.person_name,
        a.scheme_label,
        wareki::format(a.received_on),
        a.channel_label,
        a.applicant_label,
        a.authority_label.map(|l| format!(" ({l}) {}", a.proxy_name)).unwrap_or_default()
    );
    if a.signing != application::Signing::Signed {
        let _ = write!(s, "\n署名: {}{}", a.signing_label, if a.writer_name.is_empty() { String::new() } else { format!(" (代筆者 {})", a.writer_name) });
    }
    if !a.optional_entries.is_empty() {
        let labels: Vec<&str> = a.optional_entries.iter().map(|e| e.label()).collect();
        let _ = write!(s, "\n併記の希望: {}", labels.join("・"));
    }
    for c in &a.checklist {
        let _ = write!(s, "\n  [{}] {}", if c.checked { "済" } else { "未" }, c.label);
    }
    if !a.override_reason.is_empty() {
        let _ = write!(s, "\n書類確認の上書き理由: {}", a.override_reason);
    }
    if let Some(d) = a.forwarded_on {
        let _ = write!(s, "\n進達日: {}", wareki::format(d));
    }
    if let Some(d) = a.union_decided_on {
        let _ = write!(s, "\n広域連合の決定日: {}", wareki::format(d));
    }
    if let (Some(d), Some(m)) = (a.handed_over_on, a.handover_method_label) {
        let _ = write!(s, "\n引渡し・送付: {} ({m})", wareki::format(d));
    }
    if !a.decision_note.is_empty() {
        let _ = write!(s, "\n記録: {}", a.decision_note);
    }
    if !a.next.is_empty() {
        let _ = write!(s, "\n次にできること: {}", a.next.iter().map(|k| k.label()).collect::<Vec<_>>().join("、"));
    }
    s
}

fn application_cmd(cli: &Cli, cmd: &ApplicationCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    let a = match cmd {
        ApplicationCmd::Receive {
            person,
            scheme,
            received,
            channel,
            applicant,
            authority,
            delegator,
            proxy_name,
            proxy_kana,
            proxy_address,
            proxy_phone,
            relationship,
            reasons,
            signing,
            writer,
            optional_entries,
            delivery,
            referral,
        } => {
            let input = ApplicationInput {
                person_id: *person,
                scheme: scheme.clone(),
                received_on: received.clone(),
                channel: channel.clone(),
                applicant: applicant.clone(),
                authority: authority.clone(),
                delegator: delegator.clone(),
                proxy_name: proxy_name.clone(),
                proxy_kana: proxy_kana.clone(),
                proxy_address: proxy_address.clone(),
                proxy_phone: proxy_phone.clone(),
                proxy_relationship: relationship.clone(),
                reasons: reasons.clone(),
                signing: signing.clone(),
                writer_name: writer.clone(),
                optional_entries: optional_entries.clone(),
                delivery: delivery.clone(),
                referral_id: *referral,
            };
            let r = application::receive(&mut store, &actor, &input, now)?;
            return emit(json, &r, |r| {
                let mut s = format!("申請を受け付けました。\n{}", application_text(&r.application));
                for n in &r.notices {
                    let _ = write!(s, "\n※ {n}");
                }
                s
            });
        }
        ApplicationCmd::Check { id, document, uncheck } => {
            let d = Document::parse(document).map_err(|m| CliError::new("cli.bad_document", m))?;
            application::check_document(&mut store, &actor, *id, d, !uncheck, now)?
        }
        ApplicationCmd::Review { id } => application::start_review(&mut store, &actor, *id, now)?,
        ApplicationCmd::Decide { id, override_reason, confirm_digits } => application::take_step(
            &mut store,
            &actor,
            *id,
            &ApplicationStep::Decide { override_reason: override_reason.clone(), confirmed_digits: *confirm_digits },
            now,
        )?,
        ApplicationCmd::Reject { id, reason, confirm_digits } => {
            application::take_step(&mut store, &actor, *id, &ApplicationStep::Reject { reason: reason.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ApplicationCmd::Withdraw { id, reason, confirm_digits } => {
            application::take_step(&mut store, &actor, *id, &ApplicationStep::Withdraw { reason: reason.clone(), confirmed_digits: *confirm_digits }, now)?
        }
        ApplicationCmd::Issue { id, on } => {
            let on = match on {
                Some(s) => date_arg("--on", s)?,
                None => now.date(),
            };
            let c = application::issue(&mut store, &actor, *id, on, now)?;
            return emit(json, &c, |c| {
                format!("資格確認書を交付しました (ID {}): {} 有効期限 {} 送付先 {}", c.id, c.person_name, wareki::format(c.valid_until), c.delivery_address)
            });
        }
        ApplicationCmd::Forward { id, on, override_reason, confirm_digits } => {
            let step = ApplicationStep::Forward {
                forwarded_on: on.clone().unwrap_or_default(),
                override_reason: override_reason.clone(),
                confirmed_digits: *confirm_digits,
            };
            application::take_step(&mut store, &actor, *id, &step, now)?
        }
        ApplicationCmd::UnionResult { id, result, decided, until, reason, confirm_digits } => {
            // Read as typed first, so every field's problem is reported at once.
            let d = application::union_decision(result, decided, until, reason, now.date()).map_err(application::ApplicationError::Invalid)?;
            let step = ApplicationStep::RecordUnionResult {
                result: d.result,
                decided_on: decided.clone(),
                valid_until: until.clone(),
                reason: reason.clone(),
                confirmed_digits: *confirm_digits,
            };
            application::take_step(&mut store, &actor, *id, &step, now)?
        }
        ApplicationCmd::HandOver { id, method, on } => {
            let method = application::HandOverMethod::parse(method).map_err(|m| CliError::new("cli.bad_method", m))?;
            let on = match on {
                Some(s) => date_arg("--on", s)?,
                None => now.date(),
            };
            application::hand_over(&mut store, &actor, *id, method, on, now)?
        }
        ApplicationCmd::Show { id } => application::get(&store, &actor, *id, now)?,
        ApplicationCmd::List { statuses, limit, offset } => {
            let statuses = statuses.iter().map(|s| AppStatus::parse(s).map_err(|m| CliError::new("cli.bad_status", m))).collect::<Result<Vec<_>>>()?;
            let l = application::list(&store, &actor, &statuses, None, page(*offset, *limit)?, now)?;
            return emit(json, &l, |l| {
                let mut out: String = l
                    .items
                    .iter()
                    .map(|a| format!("#{}\t{}\t{}\t{}\t{}\n", a.id, a.status_label, a.person_name, a.scheme_label, wareki::format(a.received_on)))
                    .collect();
                out.push_str(&page_footer(l));
                out
            });
        }
    };
    emit(json, &a, application_text)
}

fn certificate_cmd(cli: &Cli, cmd: &CertificateCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    match cmd {
        CertificateCmd::Issue { person, scheme, basis, on, until } => {
            let scheme = application::AppScheme::parse(scheme).map_err(|m| CliError::new("cli.bad_scheme", m))?;
            let basis = CertificateBasis::parse(basis).map_err(|m| CliError::new("cli.bad_basis", m))?;
            if basis == CertificateBasis::Application {
                return Err(CliError::new("cli.bad_basis", "申請に基づく交付は `hairyo application issue` で行ってください"));
            }
            let on = match on {
                Some(s) => date_arg("--on", s)?,
                None => now.date(),
            };
            let until = match until {
                Some(s) => Some(date_arg("--until", s)?),
                None => None,
            };
            let c = certificate::issue_without_application(&mut store, &actor, *person, scheme, basis, on, until, now)?;
            emit(json, &c, |c| {
                format!("資格確認書を記録しました (ID {}): {} {} 有効期限 {}", c.id, c.person_name, c.basis_label, wareki::format(c.valid_until))
            })
        }
        CertificateCmd::Show { id } => emit(json, &certificate::get(&store, &actor, *id, now)?, certificate_text),
        CertificateCmd::Reissue { id, cause, on, note, confirm_digits } => {
            let cause = certificate::ReissueCause::parse(cause).map_err(|m| CliError::new("cli.bad_cause", m))?;
            let step = CertificateStep::Reissue { cause, on: on.clone(), note: note.clone(), confirmed_digits: *confirm_digits };
            emit(json, &certificate::take_step(&mut store, &actor, *id, &step, now)?, certificate_text)
        }
        CertificateCmd::Invalidate { id, cause, on, note, confirm_digits } => {
            let cause = certificate::EndCause::parse(cause).map_err(|m| CliError::new("cli.bad_cause", m))?;
            let step = CertificateStep::Invalidate { cause, on: on.clone(), note: note.clone(), confirmed_digits: *confirm_digits };
            emit(json, &certificate::take_step(&mut store, &actor, *id, &step, now)?, certificate_text)
        }
        CertificateCmd::Returned { id, on } => {
            emit(json, &certificate::take_step(&mut store, &actor, *id, &CertificateStep::RecordReturn { on: on.clone() }, now)?, certificate_text)
        }
        CertificateCmd::MailReturned { id, on, note, confirm_digits } => {
            let step = CertificateStep::MailReturned { on: on.clone(), note: note.clone(), confirmed_digits: *confirm_digits };
            emit(json, &certificate::take_step(&mut store, &actor, *id, &step, now)?, certificate_text)
        }
        CertificateCmd::ChangeDelivery { id, postal_code, address, reason, on, confirm_digits } => {
            let step = CertificateStep::ChangeDelivery {
                postal_code: postal_code.clone(),
                address: address.clone(),
                reason: reason.clone(),
                on: on.clone(),
                confirmed_digits: *confirm_digits,
            };
            emit(json, &certificate::take_step(&mut store, &actor, *id, &step, now)?, certificate_text)
        }
        CertificateCmd::HandOver { id, on } => {
            emit(json, &certificate::take_step(&mut store, &actor, *id, &CertificateStep::HandOver { on: on.clone() }, now)?, certificate_text)
        }
        CertificateCmd::ReturnsDue { limit, offset } => {
            let l = certificate::returns_due(&store, &actor, page(*offset, *limit)?, now)?;
            emit(json, &l, |l| {
                let mut out: String = l
                    .items
                    .iter()
                    .map(|c| {
                        format!(
                            "#{}	{}	{}	{}
",
                            c.id,
                            c.person_name,
                            c.status_label,
                            c.ended_on.map(wareki::format).unwrap_or_default()
                        )
                    })
                    .collect();
                out.push_str(&page_footer(l));
                out
            })
        }
        CertificateCmd::Expiring { days, limit, offset } => {
            let l = certificate::expiring_within(&store, &actor, *days, page(*offset, *limit)?, now)?;
            emit(json, &l, |l| {
                let mut out: String =
                    l.items.iter().map(|c| format!("#{}\t{}\t{}\t有効期限 {}\n", c.id, c.person_name, c.scheme_label, wareki::format(c.valid_until))).collect();
                out.push_str(&page_footer(l));
                out
            })
        }
        CertificateCmd::Renewal { day, limit, offset } => {
            let day = match day {
                Some(s) => date_arg("--day", s)?,
                None => policy::last_renewal_day(now.date()) + chrono::Months::new(12),
            };
            let l = certificate::renewal_list(&store, &actor, day, page(*offset, *limit)?, now)?;
            emit(json, &l, |l| {
                let mut out = format!("{} の年次更新の対象\n", wareki::format(day));
                for e in &l.items {
                    let next = if e.issued_without_application { "更新時に申請なしで交付" } else { e.route_label };
                    let _ = writeln!(out, "{}\t(ID {})\t{}\t→ {}", e.due.person_name, e.due.person_id, e.due.cause, next);
                }
                out.push_str(&page_footer(l));
                out
            })
        }
    }
}

/// One 別添3 posting as a line: id, desk, place, edition and the days it was up.
fn posting_line(p: &leaflet::Posting) -> String {
    let until = p.removed_on.map(|d| format!("{}に撤去", wareki::format(d))).unwrap_or_else(|| "掲示中".to_string());
    format!("#{}\t{}\t{}\t別添3 {}版\t{}から\t{}\n", p.id, p.desk_label, p.place, p.edition, wareki::format(p.posted_on), until)
}

/// A certificate as the CLI prints it: its state, term and delivery, its history, and the
/// steps it allows next.
fn certificate_text(c: &certificate::Certificate) -> String {
    let mut out = format!(
        "資格確認書 ID {} {} {} ({}) 交付 {} 有効期限 {}\n送付先: {}\n",
        c.id,
        c.person_name,
        c.scheme_label,
        c.status_label,
        wareki::format(c.issued_on),
        wareki::format(c.valid_until),
        c.delivery_address
    );
    if let Some(old) = c.replaces_id {
        let _ = writeln!(out, "ID {old} の再交付");
    }
    if !c.optional_entries.is_empty() {
        let labels: Vec<&str> = c.optional_entries.iter().map(|e| e.label()).collect();
        let _ = writeln!(out, "併記: {}", labels.join("・"));
    }
    if c.undelivered {
        out.push_str("宛所不明で返戻中\n");
    }
    if c.return_due {
        out.push_str("返還待ち\n");
    }
    for e in &c.events {
        let cause = if e.cause_label.is_empty() { String::new() } else { format!(" ({})", e.cause_label) };
        let _ = writeln!(out, "{} {}{} {} [{}]", wareki::format(e.on), e.kind_label, cause, e.note, e.by);
    }
    if !c.next.is_empty() {
        let _ = writeln!(out, "次にできること: {}", c.next.iter().map(|k| k.label()).collect::<Vec<_>>().join("、"));
    }
    out
}

fn policy_cmd(cli: &Cli, cmd: &PolicyCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    match cmd {
        PolicyCmd::List => {
            let rules = policy::list_rules(&store, &actor, now)?;
            emit(json, &rules, |rules| {
                rules
                    .iter()
                    .map(|r| {
                        format!(
                            "{}\t{}\t{}～{}\t{}\t[{}]{}",
                            r.id,
                            r.scheme.label(),
                            r.effective_from,
                            r.effective_until.map(|d| d.to_string()).unwrap_or_default(),
                            r.route.label(),
                            r.r_numbers.join(","),
                            if r.to_confirm { " 要確認" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        PolicyCmd::Set { file } => {
            let text = std::fs::read_to_string(file).map_err(|e| CliError::new("cli.read", format!("{} を読めません: {e}", file.display())))?;
            let rule: policy::Rule =
                serde_json::from_str(&text).map_err(|e| CliError::new("policy.bad_rule", format!("ルールの形式が正しくありません: {e}")))?;
            policy::set_rule(&mut store, &actor, &rule, now)?;
            emit(json, &rule, |r| format!("ルール {} を登録しました", r.id))
        }
        PolicyCmd::Remove { id } => {
            policy::remove_rule(&mut store, &actor, id, now)?;
            emit(json, &serde_json::json!({"removed": id}), |_| format!("ルール {id} を削除しました"))
        }
    }
}

fn retention_cmd(cli: &Cli, cmd: &RetentionCmd, now: NaiveDateTime) -> Result {
    use hairyo::retention;
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    let policy_text = |p: &retention::RetentionPolicy| {
        format!(
            "保存期間 (終了から): 対象者 {}年 / 接点 {}年 / 連携依頼 {}年 / 交付申請 {}年 / 資格確認書 {}年 / 監査ログ {}年",
            p.person_years, p.touchpoint_years, p.referral_years, p.application_years, p.certificate_years, p.audit_years
        )
    };
    match cmd {
        RetentionCmd::Show => emit(json, &retention::policy(&store, &actor, now)?, policy_text),
        RetentionCmd::Set { person, touchpoints, referrals, applications, certificates, audit } => {
            let input = retention::RetentionInput {
                person_years: person.clone(),
                touchpoint_years: touchpoints.clone(),
                referral_years: referrals.clone(),
                application_years: applications.clone(),
                certificate_years: certificates.clone(),
                audit_years: audit.clone(),
            };
            emit(json, &retention::set_policy(&mut store, &actor, &input, now)?, |p| format!("{}\nを保存しました", policy_text(p)))
        }
        RetentionCmd::List => emit(json, &retention::disposal_list(&mut store, &actor, now)?, disposal_list_text),
        RetentionCmd::Dispose { ids } => {
            let done = retention::dispose(&mut store, &actor, ids, now)?;
            emit(json, &done, |d| format!("{}人の記録 ({}件) を廃棄しました。廃棄の記録は `hairyo retention record` で確認できます", d.persons, d.rows))
        }
        RetentionCmd::PruneAudit => {
            let done = retention::prune_audit(&mut store, &actor, now)?;
            emit(json, &done, |d| match d.pruned {
                0 => format!("{}より前の監査ログはありません。廃棄するものはありません", wareki::format(d.kept_from)),
                n => format!("{}より前の監査ログ {n}件を廃棄しました\n{}", wareki::format(d.kept_from), d.verification),
            })
        }
        RetentionCmd::Record { limit, offset } => {
            let record = retention::disposals(&store, &actor, page(*offset, *limit)?, now)?;
            emit(json, &record, |r| {
                let mut s: String = r
                    .items
                    .iter()
                    .map(|d| {
                        format!(
                            "{}  {}  ID {} (旧)  {}: {}件  ({} {})\n",
                            d.disposed_at.replace('T', " "),
                            d.login,
                            d.person_ref,
                            d.scope_label,
                            d.removed,
                            d.cause_label,
                            wareki::format(d.ended_on)
                        )
                    })
                    .collect();
                s.push_str(&page_footer(r));
                s
            })
        }
    }
}

fn disposal_list_text(l: &hairyo::retention::DisposalList) -> String {
    let mut s = format!("廃棄リスト ({}): {}人\n", wareki::format(l.today), l.candidates.len());
    for c in &l.candidates {
        let due: Vec<String> = c.due.iter().map(|d| format!("{} {}件", d.scope_label, d.rows)).collect();
        let _ = writeln!(s, "ID {}  {}  {} {}  → {}", c.person_id, c.name, c.cause_label, wareki::format(c.ended_on), due.join("、"));
    }
    if l.kept_protected > 0 {
        let _ = writeln!(s, "支援措置中のため保存: {}人", l.kept_protected);
    }
    if l.audit_entries_past > 0 {
        let _ = writeln!(
            s,
            "保存期間 ({}年) を過ぎた監査ログ: {}件 ({}より前; `hairyo retention prune-audit` で廃棄)",
            l.policy.audit_years,
            l.audit_entries_past,
            wareki::format(l.audit_kept_from)
        );
    }
    s
}

fn settings_cmd(cli: &Cli, cmd: &SettingsCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    match cmd {
        SettingsCmd::Show => {
            let v = serde_json::json!({
                "city": settings::public_city(&store)?,
                "desks": settings::desk_contacts(&store, &actor, now)?,
                "certificate_validity": settings::certificate_validity(&store, &actor, now)?,
            });
            emit(json, &v, |v| serde_json::to_string_pretty(v).unwrap_or_default())
        }
        SettingsCmd::SetCity { city, addressee, kouki_union } => {
            let s = settings::set_city(
                &mut store,
                &actor,
                &settings::CitySettings { city_name: city.clone(), addressee: addressee.clone(), kouki_union: kouki_union.clone() },
                now,
            )?;
            emit(json, &s, |s| format!("市区町村の設定を更新しました: {} / 宛先 {}", s.city_name, s.addressee))
        }
        SettingsCmd::SetDesk { desk, name, phone, hours, place } => {
            let desk = Desk::parse(desk).map_err(|m| CliError::new("cli.bad_desk", m))?;
            let d = settings::set_desk_contact(
                &mut store,
                &actor,
                &settings::DeskContact { desk, name: name.clone(), phone: phone.clone(), hours: hours.clone(), place: place.clone() },
                now,
            )?;
            emit(json, &d, |d| format!("{} の連絡先を更新しました", d.name))
        }
        SettingsCmd::SetValidity { scheme, years, month, day } => {
            let input = settings::ValidityInput { scheme: scheme.clone(), years: years.clone(), end_month: month.clone(), end_day: day.clone() };
            let v = settings::set_certificate_validity(&mut store, &actor, &input, now)?;
            emit(json, &v, |v| format!("{}の資格確認書の有効期間を更新しました: {}年 ({}月{}日まで)", v.scheme.label(), v.years, v.end_month, v.end_day))
        }
    }
}

/// Writes the PDF next to its final name first, so a crash never leaves half a file there.
fn write_pdf(path: &std::path::Path, printed: &print::Printed) -> Result {
    let tmp = path.with_extension("pdf.part");
    std::fs::write(&tmp, &printed.bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| CliError::new("print.write", format!("{} に書き込めません: {e}", path.display())))
}

fn print_cmd(cli: &Cli, cmd: &PrintCmd, now: NaiveDateTime) -> Result {
    let (mut store, actor) = open_initialised(cli)?;
    let (printed, output) = match cmd {
        PrintCmd::Application { person, application, output } => (print::application_form(&mut store, &actor, *person, *application, now)?, output),
        PrintCmd::DelegationLetter { person, application, output } => (print::delegation_letter(&mut store, &actor, *person, *application, now)?, output),
        PrintCmd::Leaflet { which, copies, output } => {
            let which = leaflet::Leaflet::parse(which).map_err(|m| CliError::new("cli.bad_leaflet", m))?;
            (print::leaflet(&mut store, &actor, which, *copies, now)?, output)
        }
        PrintCmd::Facility { facility, output } => (print::facility_batch(&mut store, &actor, *facility, now, &mut |_| {})?, output),
        PrintCmd::Referral { referral, output } => (print::referral_sheet(&mut store, &actor, *referral, now)?, output),
        PrintCmd::HandOver { person, output } => (print::hand_over_sheet(&mut store, &actor, *person, now)?, output),
        PrintCmd::ForwardingRegister { on, output } => (print::forwarding_register(&mut store, &actor, date_arg("--on", on)?, now)?, output),
    };
    write_pdf(output, &printed)?;
    let v = serde_json::json!({"output": output, "pages": printed.pages, "documents": printed.documents, "bytes": printed.bytes.len(), "warnings": printed.warnings});
    for w in &printed.warnings {
        eprintln!("注意: {w}");
    }
    emit(cli.json, &v, |_| format!("{} に保存しました ({}ページ、{}KB)", output.display(), printed.pages, printed.bytes.len() / 1024))
}

fn import_cmd(cli: &Cli, cmd: &ImportCmd, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    match cmd {
        ImportCmd::Persons { file, encoding, profile, dry_run } => {
            let encoding = import::Encoding::named(encoding)?;
            let bytes = std::fs::read(file).map_err(|e| CliError::new("import.read", format!("{} を読めません: {e}", file.display())))?;
            let opts = import::Options { encoding: Some(encoding), profile: profile.clone(), dry_run: *dry_run };
            let mut last = 0;
            let mut progress = |done: usize, total: usize| {
                if !json && total >= 20_000 && (done == total || done >= last + 20_000) {
                    last = done;
                    eprintln!("確認・取込中 {}/{}", group(done as i64), group(total as i64));
                }
            };
            let report = import::import_persons(&mut store, &actor, &bytes, &opts, now, &mut progress)?;
            emit(json, &report, |r| {
                let mut out = String::new();
                for p in r.problems.iter().chain(r.gaiji.iter()) {
                    let _ = writeln!(out, "{}行目: {}", p.line, p.message);
                }
                for p in &r.warnings {
                    let _ = writeln!(out, "{}行目 (注意): {}", p.line, p.message);
                }
                let head = if r.committed {
                    "取り込みました"
                } else if r.dry_run && r.problems.is_empty() {
                    "確認のみ (問題なし、何も保存していません)"
                } else if r.dry_run {
                    "確認のみ (何も保存していません)"
                } else {
                    "問題のある行があるため、何も取り込んでいません"
                };
                let _ = write!(
                    out,
                    "{head}: {}行 (新規 {}、更新 {}、変更なし {}、エラー {}、外字 {}、注意 {}) 文字コード {}",
                    group(r.rows as i64),
                    group(r.inserted as i64),
                    group(r.updated as i64),
                    group(r.unchanged as i64),
                    r.problems.len(),
                    r.gaiji.len(),
                    r.warnings.len(),
                    r.encoding.label()
                );
                out
            })?;
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(CliError::new("import.bad_rows", format!("{}行に問題があります。何も取り込んでいません", report.problems.len())))
            }
        }
        ImportCmd::Profile { name, maps } => {
            let mut columns = std::collections::HashMap::new();
            for m in maps {
                let (col, header) =
                    m.split_once('=').ok_or_else(|| CliError::new("cli.bad_map", format!("--map は 列=見出し の形で指定してください (指定: {m})")))?;
                let col = import::Column::parse(col).map_err(|msg| CliError::new("cli.bad_map", msg))?;
                columns.insert(col, header.trim().to_string());
            }
            let profile = import::Profile { name: name.clone(), columns };
            import::save_profile(&mut store, &actor, &profile, now)?;
            emit(json, &profile, |p| format!("取込設定「{}」を保存しました ({}列)", p.name, p.columns.len()))
        }
        ImportCmd::UnionResults { file, encoding, dry_run } => {
            let encoding = import::Encoding::named(encoding)?;
            let bytes = std::fs::read(file).map_err(|e| CliError::new("import.read", format!("{} を読めません: {e}", file.display())))?;
            let opts = kouki::UnionImportOptions { encoding: Some(encoding), dry_run: *dry_run };
            let report = kouki::import_union_results(&mut store, &actor, &bytes, &opts, now)?;
            emit(json, &report, |r| {
                let mut out = String::new();
                for p in &r.problems {
                    let _ = writeln!(out, "{}行目 [{}]: {}", p.line, p.label, p.message);
                }
                let head = if r.committed {
                    "広域連合の決定を記録しました"
                } else if r.dry_run && r.problems.is_empty() {
                    "確認のみ (問題なし、何も保存していません)"
                } else if r.dry_run {
                    "確認のみ (何も保存していません)"
                } else {
                    "問題のある行があるため、何も記録していません"
                };
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
            })?;
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(CliError::new("import.bad_rows", format!("{}行に問題があります。何も記録していません", report.problems.len())))
            }
        }
        ImportCmd::Profiles => {
            let list = import::profiles(&store, &actor, now)?;
            emit(json, &list, |l| {
                l.iter()
                    .map(|p| {
                        let mut cols: Vec<String> = p.columns.iter().map(|(c, h)| format!("{}={}", c.label(), h)).collect();
                        cols.sort();
                        format!("{}: {}", p.name, cols.join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}

fn backup_cmd(cli: &Cli, file: Option<&std::path::Path>, auto: bool, dir: Option<&std::path::Path>, keep: usize, now: NaiveDateTime) -> Result {
    let json = cli.json;
    let (mut store, actor) = open_initialised(cli)?;
    if !auto {
        let file = file.ok_or_else(|| CliError::new("cli.backup_file", "バックアップ先のファイル名を指定してください (自動バックアップは --auto)"))?;
        let info = backup::backup(&mut store, &actor, file, now)?;
        return emit(json, &info, |i| format!("バックアップしました: {} (対象者 {}人、{}KB)", i.file.display(), group(i.persons), i.bytes / 1024));
    }
    // The automatic backup is logged in the administrator's name like the window's, but only
    // an administrator may start it from here.
    if actor.role != Role::Admin {
        return Err(backup::BackupError::AdminOnly.into());
    }
    drop(store);
    let db = db_file(cli, "自動バックアップ (--auto) ")?;
    let dir = dir.map(|d| d.to_path_buf()).unwrap_or_else(|| backup::backups_dir_for(&db));
    let r = backup::rotate_if_due_in(&db, &dir, keep, now)?;
    emit(json, &serde_json::json!({"dir": dir, "rotation": r}), |_| match &r {
        None => format!("今日の自動バックアップは作成済みです ({})", dir.display()),
        Some(r) => {
            let mut out = format!("自動バックアップを作成しました: {} (対象者 {}人)", r.backup.file.display(), group(r.backup.persons));
            for p in &r.removed {
                let _ = write!(out, "\n古いバックアップを削除しました: {}", p.display());
            }
            out
        }
    })
}

/// Who restores: the current database's administrator, signed in, when it has one; otherwise
/// (nothing to sign in to) the login of the backup's administrator, `--as` or `admin`.
fn restoring_login(cli: &Cli, current_is_usable: bool) -> Result<String> {
    if !current_is_usable {
        return Ok(cli.as_login.clone().unwrap_or_else(|| staff::ADMIN_LOGIN.to_string()));
    }
    let (_, actor) = open_initialised(cli)?;
    if actor.role != Role::Admin {
        return Err(backup::BackupError::AdminOnly.into());
    }
    Ok(actor.login)
}

fn restore_cmd(cli: &Cli, file: &std::path::Path, yes: bool, now: NaiveDateTime) -> Result {
    if let store::Location::Server(url) = location(cli) {
        return restore_server_cmd(cli, file, &url, yes, now);
    }
    let db = db_file(cli, "復元")?;
    if !yes {
        return Err(CliError::new(
            "restore.confirm",
            format!(
                "復元すると、現在のデータベース {} の内容がすべてバックアップ {} の内容に置き換わります。\
                 現在のデータベースは {}.before-restore-<日時> として残します。よろしければ --yes を付けて実行してください",
                db.display(),
                file.display(),
                db.display()
            ),
        ));
    }
    // The current database's administrator signs in to replace it. When there is no usable
    // database yet (a new PC, or a file SQLite cannot read, the usual reason to restore) there
    // is nothing to sign in to, and the backup's administrator of that login is recorded.
    let usable = db.exists() && matches!(open(cli).and_then(|s| Ok(s.is_initialised()?)), Ok(true));
    if !usable && db.exists() {
        eprintln!("注意: 現在のデータベースを開けないか初期化されていないため、サインインせずに復元します");
    }
    let login = restoring_login(cli, usable)?;
    let r = backup::restore(file, &db, &login, now)?;
    emit(cli.json, &r, |r| {
        let mut out = format!("{} を復元しました: {} (対象者 {}人)", r.from.display(), r.database.display(), group(r.persons));
        if let Some(p) = &r.before_restore {
            let _ = write!(out, "\n復元前のデータベースは {} に残しています", p.display());
        }
        out
    })
}

/// `restore` into a PostgreSQL database: the current database's administrator signs in (when
/// it has one), and the current content is dumped beside the backup first.
fn restore_server_cmd(cli: &Cli, file: &std::path::Path, url: &str, yes: bool, now: NaiveDateTime) -> Result {
    let shown = store::pg::redact(url);
    if !yes {
        return Err(CliError::new(
            "restore.confirm",
            format!(
                "復元すると、現在のデータベース {shown} の内容がすべてバックアップ {} の内容に置き換わります。\
                 現在の内容はバックアップと同じフォルダーに hairyo-before-restore-<日時>.dump として残します。よろしければ --yes を付けて実行してください",
                file.display()
            ),
        ));
    }
    let initialised = matches!(open(cli).and_then(|s| Ok(s.is_initialised()?)), Ok(true));
    let login = restoring_login(cli, initialised)?;
    let r = backup::restore_server(file, url, &login, now)?;
    emit(cli.json, &r, |r| {
        let mut out = format!("{} を復元しました: {shown} (対象者 {}人)", r.from.display(), group(r.persons));
        if let Some(p) = &r.before_restore {
            let _ = write!(out, "\n復元前の内容は {} に残しています", p.display());
        }
        out
    })
}

/// The built UI `hairyo serve` gives browsers: the directory asked for (which must hold an
/// index.html), else the installed one, else a source checkout's; none when there is none.
fn ui_dir(asked: Option<&std::path::Path>) -> Result<Option<std::path::PathBuf>> {
    if let Some(dir) = asked {
        if !dir.join("index.html").is_file() {
            return Err(CliError::new(
                "serve.ui",
                format!("{} に画面 (index.html) がありません。npm --prefix ui run build で作るか、--ui で場所を指定してください", dir.display()),
            ));
        }
        return Ok(Some(dir.to_path_buf()));
    }
    let found = [std::path::PathBuf::from("/usr/share/hairyo/ui"), std::path::PathBuf::from("ui/dist")].into_iter().find(|d| d.join("index.html").is_file());
    Ok(found)
}
