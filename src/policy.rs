//! Policy rules (data with effective dates): list, set from a JSON file, remove.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::policy::{self, Rule};

use crate::{ErrorBody, Invocation, Result};

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

pub fn run(inv: &Invocation, cmd: &PolicyCmd) -> Result {
    match cmd {
        PolicyCmd::List => list(inv),
        PolicyCmd::Set { file } => set(inv, file),
        PolicyCmd::Remove { id } => remove(inv, id),
    }
}

fn list(inv: &Invocation) -> Result {
    inv.call(Operation::PolicyRules(operation::NoArgs {}))
}

fn set(inv: &Invocation, file: &Path) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let rule = read_rule(file)?;
    policy::set_rule(&mut store, &actor, &rule, inv.now)?;
    inv.emit(&rule, set_text)
}

/// One rule object from a JSON file.
fn read_rule(file: &Path) -> Result<Rule> {
    let text = std::fs::read_to_string(file).map_err(|e| ErrorBody::new("cli.read", format!("{} を読めません: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| ErrorBody::new("policy.bad_rule", format!("ルールの形式が正しくありません: {e}")))
}

fn remove(inv: &Invocation, id: &str) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    policy::remove_rule(&mut store, &actor, id, inv.now)?;
    inv.emit(&serde_json::json!({"removed": id}), |_| removed_text(id))
}

fn rule_line(r: &Rule) -> String {
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
}

pub fn rules_text(rules: &[Rule]) -> String {
    rules.iter().map(rule_line).collect::<Vec<_>>().join("\n")
}

fn set_text(r: &Rule) -> String {
    format!("ルール {} を登録しました", r.id)
}

fn removed_text(id: &str) -> String {
    format!("ルール {id} を削除しました")
}
