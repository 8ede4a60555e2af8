//! Staff members: add, set a password, list.

use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role, Staff};

use crate::{typed, ErrorBody, Invocation, Result};

#[derive(Subcommand)]
pub enum StaffCmd {
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = typed::coded("staff.invalid", "desk", Desk::parse))]
        desk: Desk,
        #[arg(long, value_parser = typed::coded("staff.invalid", "role", Role::parse))]
        role: Role,
    },
    /// Set a password: your own, or anyone's as an administrator (unlocks the account too).
    /// The new password comes from HAIRYO_NEW_PASSWORD or the terminal.
    Password {
        login: String,
    },
    List,
}

pub fn run(inv: &Invocation, cmd: &StaffCmd) -> Result {
    match cmd {
        StaffCmd::Add { login, name, desk, role } => add(inv, &NewStaff { login: login.clone(), name: name.clone(), desk: *desk, role: *role }),
        StaffCmd::Password { login } => set_password(inv, login),
        StaffCmd::List => list(inv),
    }
}

fn add(inv: &Invocation, new: &NewStaff) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let id = staff::add(&mut store, &actor, new, inv.now)?;
    inv.emit(&serde_json::json!({"id": id}), |_| added_text(id))
}

fn set_password(inv: &Invocation, login: &str) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    let new = new_password(login)?;
    let current = current_password(&actor, login)?;
    staff::set_password(&mut store, &actor, login, &new, current.as_deref(), inv.now)?;
    inv.emit(&serde_json::json!({"login": login}), |_| password_set_text(login))
}

/// The new password: `HAIRYO_NEW_PASSWORD`, or asked for on the terminal.
pub(crate) fn new_password(login: &str) -> Result<String> {
    if let Ok(pw) = std::env::var("HAIRYO_NEW_PASSWORD") {
        return Ok(pw);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(ErrorBody::new("cli.password", "新しいパスワードを環境変数 HAIRYO_NEW_PASSWORD で指定してください"));
    }
    rpassword::prompt_password(format!("{login} の新しいパスワード: ")).map_err(|e| ErrorBody::new("cli.password", e.to_string()))
}

/// One's own password takes the current one: the one this command signed in with
/// (`HAIRYO_PASSWORD`), else asked for. Anyone else's takes none.
fn current_password(actor: &Actor, login: &str) -> Result<Option<String>> {
    if staff::typed_login(login) != actor.login {
        return Ok(None);
    }
    match std::env::var("HAIRYO_PASSWORD") {
        Ok(pw) => Ok(Some(pw)),
        Err(_) => rpassword::prompt_password("今のパスワード: ").map(Some).map_err(|e| ErrorBody::new("cli.password", e.to_string())),
    }
}

fn list(inv: &Invocation) -> Result {
    inv.call(Operation::ListStaff(operation::NoArgs {}))
}

pub fn list_text(l: &[Staff]) -> String {
    l.iter().map(|s| format!("{}\t{}\t{}\t{}", s.login, s.name, s.desk_label, s.role_label)).collect::<Vec<_>>().join("\n")
}

fn added_text(id: i64) -> String {
    format!("職員を登録しました (ID {id})")
}

fn password_set_text(login: &str) -> String {
    format!("{login} のパスワードを変更しました")
}
