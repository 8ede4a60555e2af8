//! Municipalities sharing one PostgreSQL database: `tenant add` and `tenant list`, the
//! operator's commands, run over the schema owner's URL.

use clap::Subcommand;

use hairyo::store::Location;
use hairyo::tenant::{self, Municipality, NewMunicipality};

use crate::{Invocation, Result};

#[derive(Subcommand)]
pub enum TenantCmd {
    /// Add a municipality with its first administrator, whose password comes from
    /// HAIRYO_NEW_PASSWORD or the terminal. The desks, default settings, handouts and rules
    /// are its own from then on.
    Add {
        /// The 全国地方公共団体コード (six digits with the check digit, e.g. 131016).
        #[arg(long)]
        code: String,
        /// The municipality's name, as its forms print it (e.g. 見本町).
        #[arg(long)]
        name: String,
        /// The first administrator's login (unique across the deployment).
        #[arg(long)]
        admin_login: String,
        #[arg(long, default_value = "管理者")]
        admin_name: String,
    },
    /// List the municipalities, with how many staff each has.
    List,
    /// Move a city's own database (one municipality, over its owner's URL) into this one as a
    /// new municipality: every row with its id, its audit chain, its staff (their logins must
    /// be free here). All or nothing.
    MoveIn {
        /// The city's own database, as postgres://owner@host/db.
        #[arg(long)]
        from: String,
        /// Its 全国地方公共団体コード here (six digits with the check digit).
        #[arg(long)]
        code: String,
        /// Its name here, as its forms print it.
        #[arg(long)]
        name: String,
    },
    /// Export one municipality, its data and its audit chain and nothing of the others, into a
    /// new database nobody has set up (postgres://owner@host/db, created empty beforehand).
    Export {
        #[arg(long)]
        code: String,
        #[arg(long)]
        to: String,
    },
}

pub fn run(inv: &Invocation, cmd: &TenantCmd) -> Result {
    match cmd {
        TenantCmd::Add { code, name, admin_login, admin_name } => {
            add(inv, &NewMunicipality { code: code.clone(), name: name.clone(), admin_login: admin_login.clone(), admin_name: admin_name.clone() })
        }
        TenantCmd::List => list(inv),
        TenantCmd::MoveIn { from, code, name } => move_in(inv, from, code, name),
        TenantCmd::Export { code, to } => export(inv, code, to),
    }
}

fn move_in(inv: &Invocation, from: &str, code: &str, name: &str) -> Result {
    let (mut store, source) = (inv.open()?, hairyo::store::open_location(&Location::parse(from))?);
    let moved = tenant::move_in(&mut store, &source, code, name, inv.now)?;
    inv.emit(&moved, |m| {
        format!("{} {} を移しました (番号 {}、{} 行、職員 {} 人)", m.municipality.code, m.municipality.name, m.municipality.id, m.rows, m.municipality.staff)
    })
}

fn export(inv: &Invocation, code: &str, to: &str) -> Result {
    let (mut store, mut target) = (inv.open()?, hairyo::store::open_location(&Location::parse(to))?);
    let moved = tenant::export(&mut store, code, &mut target, inv.now)?;
    inv.emit(&moved, |m| {
        format!("{} {} を {} に出力しました ({} 行、職員 {} 人)", m.municipality.code, m.municipality.name, to_shown(to), m.rows, m.municipality.staff)
    })
}

/// A database URL as a message may show it: without its password.
fn to_shown(url: &str) -> String {
    hairyo::store::pg::redact(url)
}

fn add(inv: &Invocation, new: &NewMunicipality) -> Result {
    let mut store = inv.open()?;
    let password = crate::staff::new_password(&new.admin_login)?;
    let added = tenant::add(&mut store, new, &password, inv.now)?;
    inv.emit(&added, |m| format!("市区町村を追加しました: {} {} (番号 {})。管理者のログイン名: {}", m.code, m.name, m.id, new.admin_login))
}

fn list(inv: &Invocation) -> Result {
    let store = inv.open()?;
    inv.emit(&tenant::list(&store, inv.now)?, |all| all.iter().map(line).collect::<Vec<_>>().join("\n"))
}

fn line(m: &Municipality) -> String {
    let code = if m.code.is_empty() { "(コード未設定)" } else { &m.code };
    format!("{}\t{code}\t{}\t職員 {} 人", m.id, m.name, m.staff)
}
