//! Certificates (資格確認書): issued without an application, shown, and the steps after issue
//! (再交付, 無効, return, mail returned, 送付先の変更, hand-over); the lists of returns due,
//! certificates expiring and the 8/1 renewal.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::Subcommand;

use hairyo::application::AppScheme;
use hairyo::certificate::{self, Certificate, CertificateBasis, CertificateStep, EndCause, ReissueCause};
use hairyo::disclosure::Shown;
use hairyo::model::certificate::{CertificateConflict, ConflictResolution};
use hairyo::operation::{self, Operation};
use hairyo::text::wareki;
use hairyo::{policy, Paged};

use crate::output::page_footer;
use crate::session::page;
use crate::{typed, Invocation, Result};

#[derive(Subcommand)]
pub enum CertificateCmd {
    /// Record a certificate issued without application (ex_officio / provisional).
    Issue {
        #[arg(long)]
        person: i64,
        #[arg(long, value_parser = typed::coded("certificate.invalid", "scheme", AppScheme::parse))]
        scheme: AppScheme,
        #[arg(long, value_parser = typed::coded("certificate.invalid", "basis", basis_without_application))]
        basis: CertificateBasis,
        #[arg(long, value_parser = typed::date("certificate.invalid", "issued_on"))]
        on: Option<NaiveDate>,
        #[arg(long, value_parser = typed::date("certificate.invalid", "valid_until"))]
        until: Option<NaiveDate>,
    },
    /// One certificate with its history after issue and the steps it allows.
    Show { id: i64 },
    /// 再交付 (lost, damaged, stolen): a new certificate with the same term replaces this one.
    Reissue {
        id: i64,
        /// lost (紛失), damaged (破損・汚損) or stolen (盗難).
        #[arg(long, value_parser = typed::coded("certificate.invalid", "cause", ReissueCause::parse))]
        cause: ReissueCause,
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
        #[arg(long, value_parser = typed::coded("certificate.invalid", "cause", EndCause::parse))]
        cause: EndCause,
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
    /// The core systems' certificates (交付, 再交付, 資格情報のお知らせ, 返戻, 回収): a CSV merged
    /// into the ledger, all or nothing; default headers 宛名番号, 区分, 制度, 日付, 有効期限, 記号,
    /// 番号, 枝番, 負担割合, 限度区分, 特定疾病, 特別療養費, 送付.
    Feed(crate::import::FeedArgs),
    /// Fed certificates that disagree with recorded ones (the open ones unless --all).
    Conflicts {
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Settle a conflict: took_fed (基幹システムの内容を採用) or kept_recorded (記録を維持).
    Resolve {
        id: i64,
        #[arg(long, value_parser = typed::coded("feed.invalid", "resolution", ConflictResolution::parse))]
        take: ConflictResolution,
    },
    /// 国保 certificates to reissue because the holder becomes a 高齢受給者 (70) within two months.
    AgeReissues,
    /// Who is due at the 8/1 renewal.
    Renewal {
        /// The renewal day (default: the next 8/1).
        #[arg(long, value_parser = typed::date("certificate.invalid", "renewal_day"))]
        day: Option<NaiveDate>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

pub fn run(inv: &Invocation, cmd: &CertificateCmd) -> Result {
    match cmd {
        CertificateCmd::Issue { person, scheme, basis, on, until } => issue(inv, *person, *scheme, *basis, on.unwrap_or(inv.today()), *until),
        CertificateCmd::Show { id } => show(inv, *id),
        CertificateCmd::Reissue { id, cause, on, note, confirm_digits } => {
            take_step(inv, *id, CertificateStep::Reissue { cause: *cause, on: on.clone(), note: note.clone(), confirmed_digits: *confirm_digits })
        }
        CertificateCmd::Invalidate { id, cause, on, note, confirm_digits } => {
            take_step(inv, *id, CertificateStep::Invalidate { cause: *cause, on: on.clone(), note: note.clone(), confirmed_digits: *confirm_digits })
        }
        CertificateCmd::Returned { id, on } => take_step(inv, *id, CertificateStep::RecordReturn { on: on.clone() }),
        CertificateCmd::MailReturned { id, on, note, confirm_digits } => {
            take_step(inv, *id, CertificateStep::MailReturned { on: on.clone(), note: note.clone(), confirmed_digits: *confirm_digits })
        }
        CertificateCmd::ChangeDelivery { id, postal_code, address, reason, on, confirm_digits } => {
            let step = CertificateStep::ChangeDelivery {
                postal_code: postal_code.clone(),
                address: address.clone(),
                reason: reason.clone(),
                on: on.clone(),
                confirmed_digits: *confirm_digits,
            };
            take_step(inv, *id, step)
        }
        CertificateCmd::HandOver { id, on } => take_step(inv, *id, CertificateStep::HandOver { on: on.clone() }),
        CertificateCmd::ReturnsDue { limit, offset } => returns_due(inv, *offset, *limit),
        CertificateCmd::Expiring { days, limit, offset } => expiring(inv, *days, *offset, *limit),
        CertificateCmd::Feed(args) => crate::import::issue_feed(inv, args),
        CertificateCmd::Conflicts { all, limit, offset } => conflicts(inv, !*all, *offset, *limit),
        CertificateCmd::Resolve { id, take } => inv.call(Operation::ResolveCertificateConflict(operation::ResolveConflict { id: *id, resolution: *take })),
        CertificateCmd::AgeReissues => inv.call(Operation::AgeReissues(operation::NoArgs {})),
        CertificateCmd::Renewal { day, limit, offset } => renewal(inv, day.unwrap_or_else(|| next_renewal_day(inv.today())), *offset, *limit),
    }
}

/// A basis this command issues on: a certificate on application is issued by
/// `hairyo application issue`.
fn basis_without_application(s: &str) -> Result<CertificateBasis, String> {
    match CertificateBasis::parse(s)? {
        CertificateBasis::Application => Err("申請に基づく交付は `hairyo application issue` で行ってください".to_string()),
        basis => Ok(basis),
    }
}

/// The 8/1 after the last one.
fn next_renewal_day(today: NaiveDate) -> NaiveDate {
    policy::last_renewal_day(today) + chrono::Months::new(12)
}

fn issue(inv: &Invocation, person_id: i64, scheme: AppScheme, basis: CertificateBasis, on: NaiveDate, until: Option<NaiveDate>) -> Result {
    let (issued_on, valid_until) = (on.to_string(), until.map(|d| d.to_string()).unwrap_or_default());
    let (scheme, basis) = (scheme.code().to_string(), basis.code().to_string());
    inv.call(Operation::IssueCertificate(operation::IssueCertificate { person_id, scheme, basis, issued_on, valid_until }))
}

fn show(inv: &Invocation, id: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&certificate::get(&store, &actor, id, inv.now)?, certificate_text)
}

/// One step after issue, a move of the core's state machine.
fn take_step(inv: &Invocation, id: i64, step: CertificateStep) -> Result {
    inv.call(Operation::CertificateStep(operation::ApplicationStep { id, step: typed::command(&step)? }))
}

fn returns_due(inv: &Invocation, offset: i64, limit: i64) -> Result {
    let page = page(offset, limit)?;
    inv.call(Operation::CertificateReturnsDue(operation::PageArgs { offset: page.offset, limit: page.limit }))
}

fn expiring(inv: &Invocation, days: i64, offset: i64, limit: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&certificate::expiring_within(&store, &actor, days, page(offset, limit)?, inv.now)?, expiring_text)
}

fn renewal(inv: &Invocation, day: NaiveDate, offset: i64, limit: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&certificate::renewal_list(&store, &actor, day, page(offset, limit)?, inv.now)?, |l| renewal_text(l, day))
}

fn conflicts(inv: &Invocation, open_only: bool, offset: i64, limit: i64) -> Result {
    let page = page(offset, limit)?;
    inv.call(Operation::CertificateConflicts(operation::ConflictsArgs { open_only, offset: page.offset, limit: page.limit }))
}

/// Conflicts between fed and recorded certificates, one block each.
pub fn conflicts_text(l: &Paged<Shown<CertificateConflict>>) -> String {
    let mut out: String = l.items.iter().map(|k| conflict_text(k)).collect();
    out.push_str(&page_footer(l));
    out
}

pub fn conflict_text(k: &CertificateConflict) -> String {
    let state = match k.resolution {
        Some(r) => format!("{} ({})", r.label(), k.resolved_by),
        None => "確認待ち".to_string(),
    };
    format!(
        "#{}\t{}\t資格確認書 ID {} (交付 {}、有効期限 {})\t基幹システム: 交付 {}、有効期限 {}\t{}\t{}\n",
        k.id,
        k.person_name,
        k.certificate_id,
        wareki::format(k.recorded_issued_on),
        wareki::format(k.recorded_valid_until),
        wareki::format(k.fed.issued_on),
        wareki::format(k.fed.valid_until),
        k.reason,
        state
    )
}

pub fn age_reissues_text(l: &[certificate::AgeReissue]) -> String {
    if l.is_empty() {
        return "70歳到達で再交付する資格確認書はありません\n".into();
    }
    l.iter()
        .map(|r| {
            format!(
                "{}\t(ID {})\t資格確認書 ID {}\t高齢受給者 {}から\t有効期限 {}\n",
                r.person_name,
                r.person_id,
                r.certificate_id,
                wareki::format(r.elderly_from),
                wareki::format(r.valid_until)
            )
        })
        .collect()
}

pub fn issued_text(c: &Certificate) -> String {
    format!("資格確認書を記録しました (ID {}): {} {} 有効期限 {}", c.id, c.person_name, c.basis_label, wareki::format(c.valid_until))
}

/// A certificate as the CLI prints it: its state, term and delivery, its history, and the
/// steps it allows next.
pub fn certificate_text(c: &Certificate) -> String {
    [term_text(c), flags_text(c), history_text(c), next_text(c)].concat()
}

fn term_text(c: &Certificate) -> String {
    let mut out = format!(
        "資格確認書 ID {} {} {} ({}) 交付 {} 有効期限 {}\n送付先: {}\n記録元: {}\n",
        c.id,
        c.person_name,
        c.scheme_label,
        c.status_label,
        wareki::format(c.issued_on),
        wareki::format(c.valid_until),
        c.delivery_address,
        c.source_label
    );
    for line in c.card.lines() {
        let _ = writeln!(out, "{line}");
    }
    if c.card_withheld {
        out.push_str("負担割合など保険の記載事項は国保・後期の窓口が確認できます\n");
    }
    out
}

fn flags_text(c: &Certificate) -> String {
    let mut out = String::new();
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
    out
}

fn history_text(c: &Certificate) -> String {
    let line = |e: &certificate::CertificateEvent| {
        let cause = if e.cause_label.is_empty() { String::new() } else { format!(" ({})", e.cause_label) };
        format!("{} {}{} {} [{}]\n", wareki::format(e.on), e.kind_label, cause, e.note, e.by)
    };
    c.events.iter().map(line).collect()
}

fn next_text(c: &Certificate) -> String {
    if c.next.is_empty() {
        return String::new();
    }
    format!("次にできること: {}\n", c.next.iter().map(|k| k.label()).collect::<Vec<_>>().join("、"))
}

pub fn returns_due_text(l: &Paged<Shown<Certificate>>) -> String {
    let line = |c: &Shown<Certificate>| format!("#{}\t{}\t{}\t{}\n", c.id, c.person_name, c.status_label, c.ended_on.map(wareki::format).unwrap_or_default());
    let mut out: String = l.items.iter().map(line).collect();
    out.push_str(&page_footer(l));
    out
}

fn expiring_text(l: &Paged<Certificate>) -> String {
    let line = |c: &Certificate| format!("#{}\t{}\t{}\t有効期限 {}\n", c.id, c.person_name, c.scheme_label, wareki::format(c.valid_until));
    let mut out: String = l.items.iter().map(line).collect();
    out.push_str(&page_footer(l));
    out
}

fn renewal_text(l: &Paged<certificate::RenewalEntry>, day: NaiveDate) -> String {
    let mut out = format!("{} の年次更新の対象\n", wareki::format(day));
    for e in &l.items {
        let next = if e.issued_without_application { "更新時に申請なしで交付" } else { e.route_label };
        let _ = writeln!(out, "{}\t(ID {})\t{}\t→ {}", e.due.person_name, e.due.person_id, e.due.cause, next);
    }
    out.push_str(&page_footer(l));
    out
}
