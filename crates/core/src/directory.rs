//! Sign-in with the city's own accounts (Active Directory over LDAP): the forms of a login a
//! clerk types, the groups that give a desk and a role, the staff record that follows the
//! directory at every sign-in and every quarter of an hour after, and the break-glass accounts
//! that keep a local password for the day the directory is down. The LDAP itself is
//! `hairyo_directory`'s.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::audit::{self, Action};
use crate::model::staff::{grants_to_text, Actor, Desk, Grant, Role};
use crate::staff::StaffError;
use crate::store::Store;

pub use hairyo_directory::Settings;

/// How often a signed-in directory account is asked about again: a disabled account's
/// sessions end, and a group change takes effect, within this.
pub const RECHECK_MINUTES: i64 = 15;

/// How long the directory may take to answer before sign-in says it is unavailable.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// A directory group and the desk and role its members act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMapping {
    /// The group's DN as the directory compares it (see [`dn_key`]).
    pub dn: String,
    pub desk: Desk,
    pub role: Role,
}

/// The directory as hairyo.conf describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryConfig {
    pub settings: Settings,
    pub user_base: String,
    /// An LDAP filter naming one account, with `{login}` where the login goes (escaped).
    pub user_filter: String,
    pub groups: Vec<GroupMapping>,
    /// The local accounts that keep their password (the administrator for the day the directory
    /// is down); their use is audited and shown to administrators.
    pub break_glass: Vec<String>,
}

impl DirectoryConfig {
    pub fn is_break_glass(&self, login: &str) -> bool {
        self.break_glass.iter().any(|b| b.eq_ignore_ascii_case(login))
    }
}

/// A DN as the directory compares it: without regard to case or the spaces around `,` and `=`.
pub fn dn_key(dn: &str) -> String {
    dn.split(',').map(|rdn| rdn.split('=').map(str::trim).collect::<Vec<_>>().join("=")).collect::<Vec<_>>().join(",").to_lowercase()
}

/// The account name in any form Active Directory accepts: `tanaka`, `CITY\tanaka`,
/// `tanaka@city.lg.jp`, typed with the input method on or off (ｔａｎａｋａ), any case.
pub fn account_name(typed: &str) -> String {
    let login = crate::staff::typed_login(typed);
    let login = login.rsplit('\\').next().unwrap_or(&login);
    let login = login.split('@').next().unwrap_or(login);
    login.trim().to_lowercase()
}

/// One `directory_group` line's value: `DN => desk role`, the codes the core's.
pub fn parse_group(value: &str) -> Result<GroupMapping, String> {
    let (dn, rest) = value
        .split_once("=>")
        .ok_or("「グループの DN => 窓口 役割」の形で書いてください (例: CN=KokuhoClerks,OU=Groups,DC=city,DC=example => kokuho clerk)")?;
    let dn = dn.trim();
    if dn.is_empty() || !dn.contains('=') {
        return Err(format!("グループの DN「{dn}」を読めません"));
    }
    let mut words = rest.split_whitespace();
    let (Some(desk), Some(role), None) = (words.next(), words.next(), words.next()) else {
        return Err("=> の後に窓口と役割のコードを一つずつ書いてください (例: kokuho clerk)".into());
    };
    let desk =
        Desk::from_code(desk).ok_or_else(|| format!("窓口「{desk}」は選べません ({})", Desk::ALL.iter().map(|d| d.code()).collect::<Vec<_>>().join(", ")))?;
    let role =
        Role::from_code(role).ok_or_else(|| format!("役割「{role}」は選べません ({})", Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")))?;
    Ok(GroupMapping { dn: dn_key(dn), desk, role })
}

/// What the directory says of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryAccount {
    pub dn: String,
    pub login: String,
    pub name: String,
    /// The desks and roles its groups give, in the file's order of the mappings, the one it
    /// acts as first (an administrator's, else the first).
    pub grants: Vec<Grant>,
    /// Disabled (`userAccountControl` bit 2) or past `accountExpires`.
    pub usable: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("ディレクトリ (Active Directory) に接続できないため、サインインできません。しばらくしてからもう一度お試しください。続くときはシステム担当に連絡してください")]
    Unavailable(String),
    #[error("このアカウントはディレクトリでロックされています。庁内のアカウント管理者に連絡してください")]
    Locked,
    #[error("このアカウントはディレクトリで無効または期限切れです。庁内のアカウント管理者に連絡してください")]
    NotUsable,
    #[error("アカウント「{0}」は Hairyo を使う窓口のグループに入っていません。所属の窓口のグループに追加するよう、庁内のアカウント管理者に依頼してください")]
    NoGroup(String),
    #[error("このデータベースでは、ディレクトリのアカウントでサインインします。サーバーの設定ファイル (hairyo.conf) を指定してください (--sign-in-config)")]
    Required,
    #[error("指定されたディレクトリの設定は、このデータベースのサーバーが使っている設定と違います。サーバーの hairyo.conf を指定してください")]
    Mismatch,
    #[error("ログイン名「{0}」の職員の記録は、ディレクトリの別のアカウントのものです。管理者に連絡してください")]
    Reused(String),
    #[error("ディレクトリの設定に誤りがあります: {0}")]
    Settings(String),
    #[error("アカウント「{0}」の市区町村が決まりません。複数の市区町村のデータベースでは、ディレクトリのアカウントも先に職員として登録してください")]
    NoMunicipality(String),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl DirectoryError {
    pub fn code(&self) -> &'static str {
        match self {
            DirectoryError::Unavailable(_) => "directory.unavailable",
            DirectoryError::Locked => "directory.locked",
            DirectoryError::NotUsable => "directory.account_not_usable",
            DirectoryError::NoGroup(_) => "directory.no_group",
            DirectoryError::Required => "directory.required",
            DirectoryError::Mismatch => "directory.settings_mismatch",
            DirectoryError::Reused(_) => "directory.account_reused",
            DirectoryError::Settings(_) => "directory.settings",
            DirectoryError::NoMunicipality(_) => "directory.no_municipality",
            DirectoryError::Staff(e) => e.code(),
            DirectoryError::Store(e) => e.code(),
        }
    }
}

impl From<hairyo_directory::DirectoryError> for DirectoryError {
    fn from(e: hairyo_directory::DirectoryError) -> Self {
        use hairyo_directory::DirectoryError as D;
        match e {
            D::Unavailable(m) => DirectoryError::Unavailable(m),
            D::BadCredentials => DirectoryError::Staff(StaffError::BadCredentials),
            D::Locked => DirectoryError::Locked,
            D::Disabled | D::Expired => DirectoryError::NotUsable,
            D::Settings(m) => DirectoryError::Settings(m),
        }
    }
}

/// The base groups are searched under: the domain's root, the `DC=` part of the user base.
fn domain_root(user_base: &str) -> String {
    let dcs: Vec<&str> = user_base.split(',').map(str::trim).filter(|r| r.to_ascii_lowercase().starts_with("dc=")).collect();
    if dcs.is_empty() {
        user_base.to_string()
    } else {
        dcs.join(",")
    }
}

/// Whether `accountExpires` (100-ns intervals since 1601, 0 or the largest value for never) has
/// passed at `now`.
fn expired(account_expires: &str, now: NaiveDateTime) -> bool {
    use chrono::TimeZone;
    match account_expires.trim().parse::<i64>() {
        Ok(0) | Ok(i64::MAX) | Err(_) => false,
        Ok(ticks) => {
            let unix = ticks / 10_000_000 - 11_644_473_600;
            // `now` is the wall clock's local time; the directory's is UTC.
            let now = chrono::Local.from_local_datetime(&now).earliest().map(|t| t.timestamp()).unwrap_or_else(|| now.and_utc().timestamp());
            unix < now
        }
    }
}

/// Looks an account up as the service account: `None` when the directory has no such login.
pub fn look_up(cfg: &DirectoryConfig, login: &str, now: NaiveDateTime) -> Result<Option<DirectoryAccount>, DirectoryError> {
    let filter = cfg.user_filter.replace("{login}", &hairyo_directory::escape(login));
    let attrs = ["sAMAccountName", "displayName", "cn", "memberOf", "userAccountControl", "accountExpires"];
    let Some(entry) = hairyo_directory::find(&cfg.settings, &cfg.user_base, &filter, &attrs)? else {
        return Ok(None);
    };
    let mut groups: Vec<String> = entry.all("memberOf").iter().map(|g| dn_key(g)).collect();
    if groups.is_empty() {
        // A directory without `memberOf` on its accounts: the groups that name them instead.
        groups = hairyo_directory::groups_of(&cfg.settings, &domain_root(&cfg.user_base), &entry.dn)?.iter().map(|g| dn_key(g)).collect();
    }
    let mut grants: Vec<Grant> = Vec::new();
    for m in &cfg.groups {
        if groups.contains(&m.dn) && !grants.iter().any(|g| g.desk == m.desk && g.role == m.role) {
            grants.push(Grant { desk: m.desk, role: m.role });
        }
    }
    // An administrator's group, where one is mapped, decides where they act.
    if let Some(i) = grants.iter().position(|g| g.role == Role::Admin) {
        let admin = grants.remove(i);
        grants.insert(0, admin);
    }
    let control: i64 = entry.first("userAccountControl").trim().parse().unwrap_or(0);
    let usable = control & 2 == 0 && !expired(entry.first("accountExpires"), now);
    let name = [entry.first("displayName"), entry.first("cn")].into_iter().find(|n| !n.trim().is_empty()).unwrap_or(login).trim().to_string();
    let account = entry.first("sAMAccountName").trim().to_lowercase();
    Ok(Some(DirectoryAccount { dn: entry.dn.clone(), login: if account.is_empty() { login.to_string() } else { account }, name, grants, usable }))
}

/// What a database records of the directory its server signs staff in with: the break-glass
/// logins, and a fingerprint of the settings, so that a door given other settings (a file of
/// the caller's own, naming a directory of their own) is refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct InUse {
    break_glass: Vec<String>,
    fingerprint: String,
}

/// The settings that decide who is let in, hashed: the server, the CA, the service account,
/// where and how accounts are found, the groups and the break-glass logins.
pub fn fingerprint(cfg: &DirectoryConfig) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let ca = cfg.settings.ca_file.as_ref().and_then(|p| std::fs::read(p).ok()).unwrap_or_default();
    for part in [cfg.settings.url.as_bytes(), &ca, cfg.settings.bind_dn.as_bytes(), cfg.user_base.as_bytes(), cfg.user_filter.as_bytes()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    for g in &cfg.groups {
        h.update(format!("{}|{}|{}\n", g.dn, g.desk.code(), g.role.code()).as_bytes());
    }
    for b in &cfg.break_glass {
        h.update(format!("break_glass|{b}\n").as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Records that this database's staff sign in with the directory `cfg` describes, so that a
/// door started without its settings (or with others) refuses local passwords. The server does
/// it at every start; only an administrator's [`stop_using`] takes it back, never a server
/// started without the settings.
pub fn record_in_use(store: &mut Store, cfg: &DirectoryConfig) -> Result<(), DirectoryError> {
    let value = serde_json::to_string(&InUse { break_glass: cfg.break_glass.clone(), fingerprint: fingerprint(cfg) }).expect("serialises");
    // The server's directory serves every municipality of its database: each records it, in
    // its own settings, acting for it (the server has not signed anyone in yet).
    let municipalities = store.read().tenants().all()?;
    let recorded = municipalities.iter().try_for_each(|m| {
        store.enter(m.id)?;
        store.write(|tx| {
            tx.settings_mut().set(crate::staff::DIRECTORY_IN_USE, &value)?;
            Ok::<(), DirectoryError>(())
        })
    });
    store.leave()?;
    recorded
}

/// Stops signing this database's staff in with the directory: local passwords work again.
/// Administrators only (with a directory in use, a break-glass one), audited.
pub fn stop_using(store: &mut Store, actor: &Actor, now: NaiveDateTime) -> Result<(), DirectoryError> {
    store.enter(actor.municipality)?;
    if actor.role != Role::Admin {
        return Err(StaffError::AdminOnly.into());
    }
    store.write(|tx| {
        tx.settings_mut().remove(crate::staff::DIRECTORY_IN_USE)?;
        audit::record(tx, actor, now, Action::Update, "settings", None, serde_json::json!({"directory": "stopped"}))?;
        Ok(())
    })
}

fn in_use(store: &Store) -> Result<Option<InUse>, DirectoryError> {
    Ok(store.read().settings().value(crate::staff::DIRECTORY_IN_USE)?.and_then(|v| serde_json::from_str(&v).ok()))
}

/// Signs a staff member in through every door: with a directory, its accounts (a break-glass
/// login keeps its local password); without one, the local passwords, unless the database says
/// its staff sign in with the directory.
pub fn sign_in(
    store: &mut Store,
    directory: Option<&DirectoryConfig>,
    login: &str,
    password: &str,
    address: Option<&str>,
    now: NaiveDateTime,
) -> Result<Actor, DirectoryError> {
    // Whether the directory is in use is in the settings of the login's municipality: the
    // store acts for it before they are read (a server's connection comes acting for none).
    store.enter_for_login(&account_name(login))?;
    // A login no municipality has, in a database of several: the same answer as a wrong
    // password, so that the answer tells nothing of which logins exist.
    if store.municipality().is_none() {
        return Err(StaffError::BadCredentials.into());
    }
    let Some(cfg) = directory else {
        if let Some(used) = in_use(store)? {
            let login = crate::staff::typed_login(login);
            if !used.break_glass.iter().any(|b| b.eq_ignore_ascii_case(&login)) {
                return Err(DirectoryError::Required);
            }
            let actor = crate::staff::sign_in_from(store, &login, password, address, now)?;
            note_break_glass(store, &actor, now)?;
            return Ok(actor);
        }
        return Ok(crate::staff::sign_in_from(store, login, password, address, now)?);
    };
    // Only the directory the server signs staff in with: a file of the caller's own is no way in.
    if in_use(store)?.map(|u| u.fingerprint) != Some(fingerprint(cfg)) {
        return Err(DirectoryError::Mismatch);
    }
    let name = account_name(login);
    if cfg.is_break_glass(&name) {
        let actor = crate::staff::sign_in_from(store, &name, password, address, now)?;
        note_break_glass(store, &actor, now)?;
        return Ok(actor);
    }
    crate::staff::check_fields(&name, password)?;
    crate::staff::count_address_attempt(store, address, now)?;
    let account = match look_up(cfg, &name, now) {
        Ok(Some(a)) => a,
        Ok(None) => {
            // The same answer as a wrong password: whether a login exists is not told.
            let refusal: DirectoryError = StaffError::BadCredentials.into();
            refused_login(store, &name, &refusal, now)?;
            return Err(refusal);
        }
        Err(e) => {
            refused_login(store, &name, &e, now)?;
            return Err(e);
        }
    };
    let checked = hairyo_directory::check_password(&cfg.settings, &account.dn, password).map_err(DirectoryError::from);
    if let Err(e) = checked {
        refused(store, &account, &e, now)?;
        return Err(e);
    }
    if !account.usable {
        refused(store, &account, &DirectoryError::NotUsable, now)?;
        return Err(DirectoryError::NotUsable);
    }
    if account.grants.is_empty() {
        refused(store, &account, &DirectoryError::NoGroup(account.login.clone()), now)?;
        return Err(DirectoryError::NoGroup(account.login.clone()));
    }
    let actor = follow(store, &account, now)?;
    crate::staff::forgive_address(store, address)?;
    store.write(|tx| audit::record(tx, &actor, now, Action::SignIn, "staff", Some(actor.staff_id), serde_json::json!({"result": "ok", "directory": true})))?;
    Ok(actor)
}

/// Audits a refused directory sign-in against the account's staff record, or, before the
/// account has one, against the login alone.
fn refused(store: &mut Store, account: &DirectoryAccount, why: &DirectoryError, now: NaiveDateTime) -> Result<(), DirectoryError> {
    refused_login(store, &account.login, why, now)
}

fn refused_login(store: &mut Store, login: &str, why: &DirectoryError, now: NaiveDateTime) -> Result<(), DirectoryError> {
    let row = store.read().staff().directory_row(login)?;
    let detail = serde_json::json!({"result": "failed", "directory": true, "code": why.code()});
    store.write(|tx| match &row {
        Some(row) => audit::record(tx, &row.actor, now, Action::SignIn, "staff", Some(row.actor.staff_id), detail),
        None => audit::record_refused_sign_in(tx, login, now, detail),
    })?;
    Ok(())
}

/// A sign-in with a break-glass account, as the administrators' screen lists it.
#[derive(ts_rs::TS, Debug, Clone, serde::Serialize)]
pub struct BreakGlassUse {
    pub at: String,
    pub login: String,
}

/// How far back the administrators' list of break-glass sign-ins reaches.
pub const BREAK_GLASS_DAYS: i64 = 90;

/// The break-glass sign-ins of the last [`BREAK_GLASS_DAYS`], newest first; administrators only.
pub fn break_glass_uses(store: &Store, actor: &Actor, now: NaiveDateTime) -> Result<Vec<BreakGlassUse>, DirectoryError> {
    store.enter(actor.municipality)?;
    if actor.role != Role::Admin {
        return Err(StaffError::AdminOnly.into());
    }
    let since = crate::stamp(now - chrono::Duration::days(BREAK_GLASS_DAYS));
    Ok(store.read().audit().break_glass_sign_ins(&since)?.into_iter().map(|r| BreakGlassUse { at: r.at, login: r.login }).collect())
}

/// Audits a break-glass sign-in, which the administrators' screen lists.
fn note_break_glass(store: &mut Store, actor: &Actor, now: NaiveDateTime) -> Result<(), DirectoryError> {
    store.write(|tx| audit::record(tx, actor, now, Action::SignIn, "staff", Some(actor.staff_id), serde_json::json!({"result": "ok", "break_glass": true})))?;
    Ok(())
}

/// The staff record as the directory says it now: created at the first sign-in, its name, desk,
/// role and grants written at every one, each change audited.
fn follow(store: &mut Store, account: &DirectoryAccount, now: NaiveDateTime) -> Result<Actor, DirectoryError> {
    let stamp = crate::stamp(now);
    let (primary, rest) = account.grants.split_first().ok_or_else(|| DirectoryError::NoGroup(account.login.clone()))?;
    let grants = grants_to_text(rest);
    // The staff record was looked up by login, which set the municipality the connection acts
    // for: a login no municipality has, in a database of several, belongs to none of them.
    if store.read().staff().directory_row(&account.login)?.is_none() && store.municipality().is_none() {
        return Err(DirectoryError::NoMunicipality(account.login.clone()));
    }
    store.write(|tx| {
        let before = tx.staff().directory_row(&account.login)?;
        // A login the directory has given to another person since: the record is the first
        // person's, with their history, and is not handed over.
        if let Some(dn) = before.as_ref().and_then(|b| b.dn.as_deref()) {
            if dn_key(dn) != dn_key(&account.dn) {
                return Err(DirectoryError::Reused(account.login.clone()));
            }
        }
        let id = match &before {
            Some(row) => row.actor.staff_id,
            None => crate::staff::add_directory_staff(tx, &account.login, &account.name, primary.desk, primary.role, &stamp)?,
        };
        let followed =
            crate::store::staff::Followed { name: &account.name, desk: primary.desk, role: primary.role, grants: &grants, dn: &account.dn, checked_at: &stamp };
        tx.staff_mut().follow_directory(id, &followed)?;
        let after = tx.staff().directory_row(&account.login)?.ok_or(StaffError::UnknownLogin(account.login.clone()))?;
        let changed = match &before {
            None => Some(serde_json::json!({"created": true})),
            Some(b) if b.actor.desk != after.actor.desk || b.actor.role != after.actor.role || b.actor.grants != after.actor.grants || !b.active => Some(
                serde_json::json!({"desk": {"before": b.actor.desk, "after": after.actor.desk}, "role": {"before": b.actor.role, "after": after.actor.role},
                    "grants": {"before": grants_to_text(&b.actor.grants), "after": grants}, "reactivated": !b.active}),
            ),
            Some(_) => None,
        };
        if let Some(mut detail) = changed {
            detail["directory"] = serde_json::json!(true);
            audit::record(tx, &after.actor, now, Action::Update, "staff", Some(id), detail)?;
        }
        Ok::<_, DirectoryError>(after.actor)
    })
}

/// Asks the directory again about a signed-in account whose last answer is older than
/// [`RECHECK_MINUTES`]: an account deleted, disabled, expired or in no mapped group is
/// deactivated and its sessions end; a group change takes effect. `Ok(None)` when the account
/// may no longer act. While the directory cannot be reached the last answer stands and the
/// next request asks again.
pub fn recheck(
    store: &mut Store,
    cfg: &DirectoryConfig,
    actor: Actor,
    dn: &str,
    checked_at: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<Actor>, DirectoryError> {
    let checked = checked_at.and_then(|s| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok());
    if checked.is_some_and(|t| now - t < chrono::Duration::minutes(RECHECK_MINUTES)) {
        return Ok(Some(actor));
    }
    let account = match look_up(cfg, &actor.login, now) {
        Ok(a) => a,
        // A short outage is ridden out on the last answer (each request asks again); a longer
        // one ends the account's sessions (it is not deactivated: the next sign-in decides).
        Err(DirectoryError::Unavailable(_)) if checked.is_some_and(|t| now - t < chrono::Duration::minutes(2 * RECHECK_MINUTES)) => {
            return Ok(Some(actor));
        }
        Err(DirectoryError::Unavailable(_)) => {
            store.write(|tx| {
                let ended = tx.sessions_mut().end_all_of(actor.staff_id)?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    Action::Update,
                    "staff",
                    Some(actor.staff_id),
                    serde_json::json!({"directory": "unavailable", "sessions_ended": ended}),
                )?;
                Ok::<_, DirectoryError>(())
            })?;
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    match account {
        Some(a) if a.usable && !a.grants.is_empty() && dn_key(&a.dn) == dn_key(dn) => Ok(Some(follow(store, &a, now)?)),
        gone => {
            let why = match gone {
                None => "deleted",
                Some(a) if dn_key(&a.dn) != dn_key(dn) => "another_person",
                Some(a) if !a.usable => "disabled",
                Some(_) => "no_group",
            };
            store.write(|tx| {
                tx.staff_mut().deactivate(actor.staff_id)?;
                let ended = tx.sessions_mut().end_all_of(actor.staff_id)?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    Action::Update,
                    "staff",
                    Some(actor.staff_id),
                    serde_json::json!({"directory": true, "deactivated": why, "sessions_ended": ended}),
                )?;
                Ok::<_, DirectoryError>(())
            })?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_login_active_directory_accepts_is_the_account_name() {
        for typed in ["tanaka", "CITY\\tanaka", "tanaka@city.lg.jp", "ｔａｎａｋａ", "ＣＩＴＹ＼ｔａｎａｋａ", " Tanaka ", "TANAKA@CITY.LG.JP"]
        {
            assert_eq!(account_name(typed), "tanaka", "{typed}");
        }
    }

    #[test]
    fn a_group_line_names_a_dn_a_desk_and_a_role() {
        let g = parse_group("CN=KokuhoClerks, OU=Groups,DC=city,DC=example => kokuho clerk").unwrap();
        assert_eq!((g.dn.as_str(), g.desk, g.role), ("cn=kokuhoclerks,ou=groups,dc=city,dc=example", Desk::Kokuho, Role::Clerk));
        assert_eq!(dn_key("CN = Kokuho Clerks ,OU=Groups"), "cn=kokuho clerks,ou=groups");
        for bad in ["CN=X", "CN=X => kokuho", "CN=X => kokuho boss", "CN=X => city clerk", "=> kokuho clerk", "CN=X => kokuho clerk extra"] {
            assert!(parse_group(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_expiry_is_read_as_active_directory_writes_it() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(9, 0, 0).unwrap();
        assert!(!expired("0", now) && !expired("9223372036854775807", now) && !expired("", now));
        // 2026-01-01 and 2027-01-01 as FILETIME.
        assert!(expired("134116992000000000", now));
        assert!(!expired("134432352000000000", now));
        assert_eq!(domain_root("OU=Staff,DC=city,DC=example"), "DC=city,DC=example");
    }
}
