//! The audit log: list it, verify its hash chain, key it, export it, and review who accessed
//! protected persons' data.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use hairyo::access_review::{AccessQuery, AccessReview};
use hairyo::audit::{self, AuditEvent, KeyedChain};
use hairyo::operation::{self, Operation};
use hairyo::Paged;

use crate::output::page_footer;
use crate::session::page;
use crate::{files, ErrorBody, Invocation, Result};

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

pub fn run(inv: &Invocation, action: Option<&AuditCmd>, limit: i64, offset: i64) -> Result {
    match action {
        None => list(inv, offset, limit),
        Some(AuditCmd::Verify) => verify(inv),
        Some(AuditCmd::Key { file }) => key(inv, file),
        Some(AuditCmd::Export { file }) => export(inv, file),
        Some(AuditCmd::Access { from, to, login, person }) => {
            let query = AccessQuery {
                from: from.clone().unwrap_or_default(),
                to: to.clone().unwrap_or_default(),
                login: login.clone().unwrap_or_default(),
                person_id: *person,
            };
            access(inv, &query)
        }
    }
}

fn list(inv: &Invocation, offset: i64, limit: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&audit::list(&store, &actor, None, page(offset, limit)?, inv.now)?, list_text)
}

/// A chain that does not verify is reported, then refused (exit 1).
fn verify(inv: &Invocation) -> Result {
    let (store, actor) = inv.sign_in()?;
    let v = audit::verify(&store, &actor, inv.now)?;
    inv.emit(&v, |v| v.message.clone())?;
    if v.ok {
        Ok(())
    } else {
        Err(ErrorBody::new("audit.tampered", v.message))
    }
}

fn key(inv: &Invocation, file: &Path) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&audit::key_chain(&mut store, &actor, file, inv.now)?, |k| keyed_text(k, file))
}

fn export(inv: &Invocation, file: &Path) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    files::write(file, &audit::export_csv(&mut store, &actor, inv.now)?, "audit.write")?;
    inv.emit(&serde_json::json!({"file": file}), |_| exported_text(file))
}

fn access(inv: &Invocation, query: &AccessQuery) -> Result {
    inv.call(Operation::AccessReview(operation::Input { input: query.clone() }))
}

fn list_text(p: &Paged<AuditEvent>) -> String {
    let line = |e: &AuditEvent| {
        format!("{}\t{}\t{}\t{}\t{}\n", e.at, e.login, e.action.label(), e.record_kind, e.record_id.map(|i| i.to_string()).unwrap_or_default())
    };
    let mut out: String = p.items.iter().map(line).collect();
    out.push_str(&page_footer(p));
    out
}

fn keyed_text(k: &KeyedChain, file: &Path) -> String {
    format!(
        "監査ログを ID {} から鍵で保護しました{}。鍵ファイル {} はデータベースのバックアップとは別に保管し、サーバーの hairyo.conf の audit_key_file (CLI では HAIRYO_AUDIT_KEY_FILE) に指定してください",
        k.keyed_from,
        if k.created { " (鍵ファイルを作成)" } else { "" },
        file.display()
    )
}

/// The period's count, the count per staff member, then each access.
pub fn access_review_text(r: &AccessReview) -> String {
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

fn exported_text(file: &Path) -> String {
    format!("監査ログを {} に出力しました", file.display())
}
