//! Records kept no longer than needed: the retention periods, the disposal list, disposal, the
//! audit log's pruning and the record of what went.

use std::fmt::Write as _;

use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::retention::{AuditPruned, DisposalList, DisposalRecord, Disposed, RetentionInput, RetentionPolicy};
use hairyo::text::wareki;
use hairyo::Paged;

use crate::output::page_footer;
use crate::session::page;
use crate::{Invocation, Result};

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

pub fn run(inv: &Invocation, cmd: &RetentionCmd) -> Result {
    match cmd {
        RetentionCmd::Show => show(inv),
        RetentionCmd::Set { person, touchpoints, referrals, applications, certificates, audit } => {
            let input = RetentionInput {
                person_years: person.clone(),
                touchpoint_years: touchpoints.clone(),
                referral_years: referrals.clone(),
                application_years: applications.clone(),
                certificate_years: certificates.clone(),
                audit_years: audit.clone(),
            };
            set(inv, &input)
        }
        RetentionCmd::List => list(inv),
        RetentionCmd::Dispose { ids } => dispose(inv, ids),
        RetentionCmd::PruneAudit => prune_audit(inv),
        RetentionCmd::Record { limit, offset } => record(inv, *offset, *limit),
    }
}

fn show(inv: &Invocation) -> Result {
    inv.call(Operation::RetentionPolicy(operation::NoArgs {}))
}

fn set(inv: &Invocation, input: &RetentionInput) -> Result {
    inv.call(Operation::SetRetentionPolicy(operation::Input { input: input.clone() }))
}

fn list(inv: &Invocation) -> Result {
    inv.call(Operation::DisposalList(operation::NoArgs {}))
}

fn dispose(inv: &Invocation, ids: &[i64]) -> Result {
    inv.call(Operation::Dispose(operation::Dispose { person_ids: ids.to_vec() }))
}

fn prune_audit(inv: &Invocation) -> Result {
    inv.call(Operation::PruneAudit(operation::NoArgs {}))
}

fn record(inv: &Invocation, offset: i64, limit: i64) -> Result {
    let page = page(offset, limit)?;
    inv.call(Operation::Disposals(operation::PageArgs { offset: page.offset, limit: page.limit }))
}

pub fn policy_text(p: &RetentionPolicy) -> String {
    format!(
        "保存期間 (終了から): 対象者 {}年 / 接点 {}年 / 連携依頼 {}年 / 交付申請 {}年 / 資格確認書 {}年 / 監査ログ {}年",
        p.person_years, p.touchpoint_years, p.referral_years, p.application_years, p.certificate_years, p.audit_years
    )
}

/// Today's candidates, then what is kept although due and the audit entries past their period.
pub fn disposal_list_text(l: &DisposalList) -> String {
    let mut s = format!("廃棄リスト ({}): {}人\n", wareki::format(l.today), l.candidates.len());
    for c in &l.candidates {
        let due: Vec<String> = c.due.iter().map(|d| format!("{} {}件", d.scope_label, d.rows)).collect();
        let _ = writeln!(s, "ID {}  {}  {} {}  → {}", c.person_id, c.name, c.cause_label, wareki::format(c.ended_on), due.join("、"));
    }
    s + &kept_text(l)
}

fn kept_text(l: &DisposalList) -> String {
    let mut s = String::new();
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

pub fn disposed_text(d: &Disposed) -> String {
    format!("{}人の記録 ({}件) を廃棄しました。廃棄の記録は `hairyo retention record` で確認できます", d.persons, d.rows)
}

pub fn pruned_text(d: &AuditPruned) -> String {
    match d.pruned {
        0 => format!("{}より前の監査ログはありません。廃棄するものはありません", wareki::format(d.kept_from)),
        n => format!("{}より前の監査ログ {n}件を廃棄しました\n{}", wareki::format(d.kept_from), d.verification),
    }
}

pub fn record_text(r: &Paged<DisposalRecord>) -> String {
    let mut s: String = r.items.iter().map(record_line).collect();
    s.push_str(&page_footer(r));
    s
}

fn record_line(d: &DisposalRecord) -> String {
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
}

pub fn saved_text(p: &RetentionPolicy) -> String {
    format!("{}\nを保存しました", policy_text(p))
}
