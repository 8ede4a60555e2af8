//! Desks, staff and the acting staff member (`Actor`) that every core operation takes.

use crate::audit::{self, Action};
use crate::store::staff::{Credentials, NewStaffRow};
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

pub use crate::model::staff::{Actor, Desk, DeskContact, NewStaff, Role, Staff};

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("職員「{0}」は登録されていません。`hairyo staff list` で確認してください")]
    UnknownLogin(String),
    #[error("職員「{0}」はすでに登録されています")]
    LoginTaken(String),
    #[error("この操作は管理者のみが行えます")]
    AdminOnly,
    #[error("データベースはすでに初期化されています")]
    AlreadyInitialised,
    #[error("{0}")]
    Invalid(Invalid),
    #[error("初期データを登録できません: {0}")]
    Seed(String),
    #[error("ログイン名またはパスワードが違います")]
    BadCredentials,
    #[error("パスワードを続けて間違えたため、アカウントを {until} までロックしています。時間をおいて再度サインインするか、管理者に連絡してください")]
    Locked { until: String },
    #[error("職員「{0}」のパスワードはまだ設定されていません。初回のパスワードを設定してください")]
    PasswordNotSet(String),
    #[error("パスワードはすでに設定されています")]
    PasswordAlreadySet,
    #[error("職員「{0}」はディレクトリのアカウントでサインインします。Hairyo のパスワードは設定できません")]
    DirectoryAccount(String),
    #[error("パスワードを変更できるのは本人か管理者です")]
    NotYourPassword,
    #[error("パスワードを処理できません: {0}")]
    Hash(String),
    #[error("この端末からのサインインの失敗が続いたため、{seconds} 秒待ってからもう一度サインインしてください")]
    SlowDown { seconds: i64 },
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl StaffError {
    pub fn code(&self) -> &'static str {
        match self {
            StaffError::UnknownLogin(_) => "staff.unknown_login",
            StaffError::LoginTaken(_) => "staff.login_taken",
            StaffError::AdminOnly => "staff.admin_only",
            StaffError::AlreadyInitialised => "staff.already_initialised",
            StaffError::Invalid(_) => "staff.invalid",
            StaffError::Seed(_) => "staff.seed",
            StaffError::BadCredentials => "staff.bad_credentials",
            StaffError::Locked { .. } => "staff.locked",
            StaffError::PasswordNotSet(_) => "staff.password_not_set",
            StaffError::PasswordAlreadySet => "staff.password_already_set",
            StaffError::DirectoryAccount(_) => "staff.directory_account",
            StaffError::NotYourPassword => "staff.not_your_password",
            StaffError::Hash(_) => "staff.hash",
            StaffError::SlowDown { .. } => "staff.slow_down",
            StaffError::Access(e) => e.code(),
            StaffError::Store(e) => e.code(),
        }
    }
}

/// A login as a clerk typed it: trimmed, and in half-width (NFKC), so that one typed with the
/// Japanese input method on (ｋａｉｇｏ１) is the account's login (kaigo1). Logins are half-width
/// letters, digits and `_ - .` only, so nothing else can change meaning.
pub fn typed_login(login: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    login.trim().nfkc().collect::<String>().trim().to_string()
}

/// The setting a server records when its staff sign in with the city's directory (see
/// `directory::record_in_use`): then no first password is set for anyone but a break-glass
/// account.
pub(crate) const DIRECTORY_IN_USE: &str = "directory_in_use";

/// The login `init` gives the first administrator.
pub const ADMIN_LOGIN: &str = "admin";

/// Checks a login and a staff member's name into `c`; the trimmed login and the name when both
/// pass.
fn check_identity(c: &mut Checker, login: &str, name: &str) -> Option<(String, String)> {
    let login = login.trim();
    let login_ok = !login.is_empty() && login.len() <= 32 && login.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    if !login_ok {
        c.fail("login", "ログイン名は半角英数字 (と _ - .) の32文字以内で入力してください");
    }
    let name = c.take("name", validate::person_name("職員氏名", name));
    Some((login.to_string(), name?)).filter(|_| login_ok)
}

fn insert_staff(tx: &crate::store::Write<'_>, s: &NewStaff, now: &str) -> Result<i64, StaffError> {
    let mut c = Checker::new();
    let identity = check_identity(&mut c, &s.login, &s.name);
    c.finish().map_err(StaffError::Invalid)?;
    // `finish` passed, so the checker kept both values.
    let (login, name) = identity.unwrap_or_default();
    let login = login.as_str();
    if tx.staff().login_taken(login)? {
        return Err(StaffError::LoginTaken(login.to_string()));
    }
    Ok(tx.staff_mut().add(&NewStaffRow { login, name: &name, desk: s.desk, role: s.role, created_at: now })?)
}

/// Creates the desks and the first administrator. Refuses to run twice.
pub fn init(store: &mut Store, now: chrono::NaiveDateTime) -> Result<Actor, StaffError> {
    // A database that was never set up is its first municipality's.
    store.enter(crate::store::FIRST_MUNICIPALITY)?;
    let admin = NewStaff { login: ADMIN_LOGIN.into(), name: "管理者".into(), desk: Desk::Kokuho, role: Role::Admin };
    store.write(|tx| set_up_municipality(tx, crate::store::FIRST_MUNICIPALITY, &admin, None, now, serde_json::json!({"event": "init"})))
}

/// Creates the desks, the default settings, handouts and rules, and the first administrator
/// (with `password` when given) of the municipality `municipality` the transaction acts for;
/// audits it with `detail`. Refused where it has staff already.
pub(crate) fn set_up_municipality(
    tx: &crate::store::Write<'_>,
    municipality: i64,
    admin: &NewStaff,
    password: Option<&str>,
    now: chrono::NaiveDateTime,
    detail: serde_json::Value,
) -> Result<Actor, StaffError> {
    let stamp = crate::stamp(now);
    if tx.staff().count()? > 0 {
        return Err(StaffError::AlreadyInitialised);
    }
    for (i, d) in Desk::ALL.iter().enumerate() {
        tx.staff_mut().add_desk(*d, i as i64)?;
    }
    let id = insert_staff(tx, admin, &stamp)?;
    if let Some(pw) = password {
        validate_password(pw)?;
        tx.staff_mut().set_hash(id, &hash_password(pw)?)?;
    }
    let actor =
        Actor { staff_id: id, login: admin.login.clone(), name: admin.name.clone(), desk: admin.desk, role: admin.role, grants: Vec::new(), municipality };
    crate::settings::seed_defaults(tx)?;
    crate::leaflet::seed(tx)?;
    crate::policy::seed(tx).map_err(|e| StaffError::Seed(e.to_string()))?;
    audit::record(tx, &actor, now, Action::Create, "database", None, detail)?;
    Ok(actor)
}

/// Adds a staff member; administrators only.
pub fn add(store: &mut Store, actor: &Actor, s: &NewStaff, now: chrono::NaiveDateTime) -> Result<i64, StaffError> {
    store.enter(actor.municipality)?;
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(StaffError::AdminOnly);
    }
    store.write(|tx| {
        let id = insert_staff(tx, s, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Create, "staff", Some(id), serde_json::json!({"login": s.login, "desk": s.desk, "role": s.role}))?;
        Ok(id)
    })
}

/// A new staff member as typed in the window: desk and role as codes, and the first password.
#[derive(ts_rs::TS, Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub login: String,
    pub name: String,
    pub desk: String,
    pub role: String,
    pub password: String,
}

/// Adds a staff member with the first password; administrators only. Every field is checked
/// (all errors at once) before anything is stored, and the account and its password are
/// written in one transaction, so a refused password leaves no account behind.
pub fn add_with_password(store: &mut Store, actor: &Actor, input: &StaffInput, now: chrono::NaiveDateTime) -> Result<i64, StaffError> {
    store.enter(actor.municipality)?;
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(StaffError::AdminOnly);
    }
    let mut c = Checker::new();
    check_identity(&mut c, &input.login, &input.name);
    let desk = c.take("desk", Desk::parse(&input.desk));
    let role = c.take("role", Role::parse(&input.role));
    if let Err(StaffError::Invalid(Invalid(fields))) = validate_password(&input.password) {
        for f in fields {
            c.fail(f.field, f.message);
        }
    }
    c.finish().map_err(StaffError::Invalid)?;
    // `finish` passed, so the checker kept both codes.
    let (Some(desk), Some(role)) = (desk, role) else { return Err(StaffError::Invalid(Invalid(vec![]))) };
    let hash = hash_password(&input.password)?;
    let new = NewStaff { login: input.login.trim().to_string(), name: input.name.clone(), desk, role };
    store.write(|tx| {
        let id = insert_staff(tx, &new, &crate::stamp(now))?;
        tx.staff_mut().set_hash(id, &hash)?;
        audit::record(
            tx,
            actor,
            now,
            Action::Create,
            "staff",
            Some(id),
            serde_json::json!({"login": new.login, "desk": desk, "role": role, "password": "set"}),
        )?;
        Ok(id)
    })
}

/// Resolves a login to the actor that operations run as.
pub fn actor(store: &Store, login: &str) -> Result<Actor, StaffError> {
    let actor = store.read().staff().active_actor(login.trim())?.ok_or_else(|| StaffError::UnknownLogin(login.to_string()))?;
    store.enter(actor.municipality)?;
    Ok(actor)
}

/// Every staff member, by desk and name.
pub fn list(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<Staff>, StaffError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ChangeSettings)?;
    Ok(store.read().staff().all()?)
}

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// A password a clerk can be asked to choose: 8 to 128 characters, not all the same kind.
pub fn validate_password(pw: &str) -> Result<(), StaffError> {
    let n = pw.chars().count();
    let msg = |m: &str| StaffError::Invalid(Invalid(vec![validate::FieldError { field: "password", message: m.to_string() }]));
    if n < 8 {
        return Err(msg("パスワードは8文字以上にしてください"));
    }
    if n > 128 {
        return Err(msg("パスワードは128文字以内にしてください"));
    }
    if pw.chars().all(|c| c.is_ascii_digit()) {
        return Err(msg("数字だけのパスワードは使えません。文字も混ぜてください"));
    }
    Ok(())
}

/// An argon2id hash in PHC form, with a fresh random salt.
pub fn hash_password(pw: &str) -> Result<String, StaffError> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| StaffError::Hash(e.to_string()))
}

fn password_matches(pw: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc).is_ok_and(|h| argon2::Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

fn credentials(r: &crate::store::Read<'_>, login: &str) -> Result<Option<Credentials>, StaffError> {
    Ok(r.staff().credentials(login.trim())?)
}

/// The codes of everything the signed-in `actor` may do, for a client to offer only those
/// steps (the core checks every call anyway).
pub fn permissions(actor: &Actor) -> Vec<&'static str> {
    crate::access::Permission::ALL.iter().filter(|p| crate::access::can(actor, **p)).map(|p| p.code()).collect()
}

/// Failed sign-ins from one client address (over every account) within
/// [`ADDRESS_WINDOW_MINUTES`] before that address must wait between attempts.
pub const ADDRESS_FREE_FAILURES: i64 = 10;
/// The window an address's failures are counted in.
pub const ADDRESS_WINDOW_MINUTES: i64 = 15;
/// The longest an address is made to wait: the wait doubles with each failure past the free
/// ones, up to this.
pub const ADDRESS_MAX_WAIT_SECONDS: i64 = 300;

/// Signs a staff member in (the window and the CLI: no client address).
pub fn sign_in(store: &mut Store, login: &str, password: &str, now: chrono::NaiveDateTime) -> Result<Actor, StaffError> {
    sign_in_from(store, login, password, None, now)
}

/// A password hash of the accounts' kind, checked against when the login is unknown, so that
/// an unknown login takes the same work as a known one and the time taken tells nothing.
fn unknown_login_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no-such-login-in-hairyo").unwrap_or_default())
}

fn parse_stamp(s: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok()
}

/// Signs a staff member in from `address` (the server's client, when there is one). Five
/// sign-ins in a row that fail lock the account for fifteen minutes: each attempt is counted
/// in the database before the password is checked, so parallel guesses count one by one and
/// a locked account checks no password at all. An unknown login costs the same hash as a
/// known one and gets the same answer. An address with more than [`ADDRESS_FREE_FAILURES`]
/// failures within the window waits, doubling, before each further attempt, whatever login
/// it tries. Every attempt on a known account is audited.
pub fn sign_in_from(store: &mut Store, login: &str, password: &str, address: Option<&str>, now: chrono::NaiveDateTime) -> Result<Actor, StaffError> {
    let login = typed_login(login);
    let mut c = Checker::new();
    if login.is_empty() {
        c.fail("login", "ログイン名を入力してください");
    }
    if password.is_empty() {
        c.fail("password", "パスワードを入力してください");
    }
    c.finish().map_err(StaffError::Invalid)?;
    let at = crate::stamp(now);
    let known = credentials(&store.read(), &login)?;
    // An account whose first password is not set yet says so: there is nothing to guess.
    if let Some(c) = known.as_ref().filter(|c| c.hash.is_empty()) {
        return Err(StaffError::PasswordNotSet(c.actor.login.clone()));
    }
    // The attempt is counted first; an unknown login runs the same statements on no account
    // (no staff member has id 0), so neither the work nor the time taken tells it apart.
    let lock_until = crate::stamp(now + chrono::Duration::minutes(LOCK_MINUTES));
    let staff_id = known.as_ref().map(|c| c.actor.staff_id).unwrap_or(0);
    // The address's attempt is counted in the same transaction, as a failure until the
    // password is found right, so parallel attempts from one address count one by one too.
    let window_start = crate::stamp(now - chrono::Duration::minutes(ADDRESS_WINDOW_MINUTES));
    let counted = store.write(|tx| {
        if let Some(a) = address {
            if let Some(until) = tx.staff().address_wait(a)?.as_deref().and_then(parse_stamp).filter(|u| *u > now) {
                return Err(StaffError::SlowDown { seconds: (until - now).num_seconds().max(1) });
            }
            let failures = tx.staff_mut().count_address_failure(a, &at, &window_start)?;
            if failures > ADDRESS_FREE_FAILURES {
                let wait = 1i64.checked_shl((failures - ADDRESS_FREE_FAILURES - 1).min(20) as u32).unwrap_or(i64::MAX).min(ADDRESS_MAX_WAIT_SECONDS);
                tx.staff_mut().set_address_wait(a, &crate::stamp(now + chrono::Duration::seconds(wait)))?;
            }
        }
        Ok::<_, StaffError>(tx.staff_mut().count_attempt(staff_id, &at, MAX_FAILED_SIGN_INS, &lock_until)?)
    })?;
    let locked_now = match counted {
        Ok(locks) => locks,
        Err(until) => {
            let until = parse_stamp(&until).map(|u| u.format("%H:%M").to_string()).unwrap_or(until);
            return Err(StaffError::Locked { until });
        }
    };
    // The hash is checked outside any write transaction: it is slow on purpose, and other
    // writers should not wait for it.
    let ok = match &known {
        Some(c) => password_matches(password, &c.hash),
        None => {
            let _ = password_matches(password, unknown_login_hash());
            false
        }
    };
    store.write(|tx| {
        match (&known, ok) {
            (Some(c), true) => {
                tx.staff_mut().clear_failures(c.actor.staff_id)?;
                audit::record(tx, &c.actor, now, Action::SignIn, "staff", Some(c.actor.staff_id), serde_json::json!({"result": "ok"}))?;
            }
            (Some(c), false) => {
                audit::record(
                    tx,
                    &c.actor,
                    now,
                    Action::SignIn,
                    "staff",
                    Some(c.actor.staff_id),
                    serde_json::json!({"result": "failed", "locked": locked_now}),
                )?;
            }
            (None, _) => {}
        }
        // A right password takes back the failure its address was counted for.
        if let (Some(a), true) = (address, ok) {
            tx.staff_mut().forgive_address_failure(a, ADDRESS_FREE_FAILURES)?;
        }
        Ok::<(), StaffError>(())
    })?;
    match known {
        Some(c) if ok => Ok(c.actor),
        _ => Err(StaffError::BadCredentials),
    }
}

/// Refuses an empty login or password, field by field.
pub(crate) fn check_fields(login: &str, password: &str) -> Result<(), StaffError> {
    let mut c = Checker::new();
    if login.is_empty() {
        c.fail("login", "ログイン名を入力してください");
    }
    if password.is_empty() {
        c.fail("password", "パスワードを入力してください");
    }
    c.finish().map_err(StaffError::Invalid)
}

/// Counts a sign-in attempt from `address` as a failure until [`forgive_address`] takes it
/// back, and refuses one while the address must wait: the back-off of [`sign_in_from`], for a
/// sign-in checked elsewhere (the directory).
pub(crate) fn count_address_attempt(store: &mut Store, address: Option<&str>, now: chrono::NaiveDateTime) -> Result<(), StaffError> {
    let Some(a) = address else { return Ok(()) };
    let (at, window_start) = (crate::stamp(now), crate::stamp(now - chrono::Duration::minutes(ADDRESS_WINDOW_MINUTES)));
    store.write(|tx| {
        if let Some(until) = tx.staff().address_wait(a)?.as_deref().and_then(parse_stamp).filter(|u| *u > now) {
            return Err(StaffError::SlowDown { seconds: (until - now).num_seconds().max(1) });
        }
        let failures = tx.staff_mut().count_address_failure(a, &at, &window_start)?;
        if failures > ADDRESS_FREE_FAILURES {
            let wait = 1i64.checked_shl((failures - ADDRESS_FREE_FAILURES - 1).min(20) as u32).unwrap_or(i64::MAX).min(ADDRESS_MAX_WAIT_SECONDS);
            tx.staff_mut().set_address_wait(a, &crate::stamp(now + chrono::Duration::seconds(wait)))?;
        }
        Ok(())
    })
}

/// Takes back the failure a right password's address was counted for.
pub(crate) fn forgive_address(store: &mut Store, address: Option<&str>) -> Result<(), StaffError> {
    let Some(a) = address else { return Ok(()) };
    store.write(|tx| Ok(tx.staff_mut().forgive_address_failure(a, ADDRESS_FREE_FAILURES)?))
}

/// Creates the staff record of a directory account at its first sign-in: no local password
/// (it signs in with the directory's), its name as the directory gives it.
pub(crate) fn add_directory_staff(tx: &crate::store::Write<'_>, login: &str, name: &str, desk: Desk, role: Role, stamp: &str) -> Result<i64, StaffError> {
    let login_ok = !login.is_empty() && login.len() <= 32 && login.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    if !login_ok {
        let message = format!("ディレクトリのアカウント名「{login}」は Hairyo のログイン名 (半角英数字と _ - . の32文字以内) にできません");
        return Err(StaffError::Invalid(Invalid(vec![validate::FieldError { field: "login", message }])));
    }
    let name =
        validate::text("職員氏名", name, 100, true).map_err(|message| StaffError::Invalid(Invalid(vec![validate::FieldError { field: "name", message }])))?;
    Ok(tx.staff_mut().add(&NewStaffRow { login, name: &name, desk, role, created_at: stamp })?)
}

/// Stores a new password for `target`, ending every session of theirs, on every server:
/// whoever held one must sign in with the new password.
fn store_password(store: &mut Store, actor: &Actor, target: i64, pw: &str, now: chrono::NaiveDateTime) -> Result<(), StaffError> {
    validate_password(pw)?;
    let hash = hash_password(pw)?;
    store.write(|tx| {
        tx.staff_mut().replace_password(target, &hash)?;
        let ended = tx.sessions_mut().end_all_of(target)?;
        audit::record(tx, actor, now, Action::Update, "staff", Some(target), serde_json::json!({"password": "changed", "sessions_ended": ended}))?;
        Ok(())
    })
}

/// Sets the first password of an account that has none (the administrator `init` created).
pub fn set_initial_password(store: &mut Store, login: &str, pw: &str, now: chrono::NaiveDateTime) -> Result<Actor, StaffError> {
    let login = typed_login(login);
    let c = credentials(&store.read(), &login)?.ok_or_else(|| StaffError::UnknownLogin(login.clone()))?;
    if !c.hash.is_empty() {
        return Err(StaffError::PasswordAlreadySet);
    }
    // A directory account signs in with the directory's password only, and while the
    // directory is in use nobody but a break-glass account gets a local one.
    let row = store.read().staff().directory_row(&login)?;
    let in_use: Option<serde_json::Value> = store.read().settings().value(DIRECTORY_IN_USE)?.and_then(|v| serde_json::from_str(&v).ok());
    let break_glass = in_use.as_ref().and_then(|v| v["break_glass"].as_array().cloned()).unwrap_or_default();
    let is_break_glass = break_glass.iter().any(|b| b.as_str().is_some_and(|b| b.eq_ignore_ascii_case(&login)));
    if row.is_some_and(|r| r.dn.is_some()) || (in_use.is_some() && !is_break_glass) {
        return Err(StaffError::DirectoryAccount(login));
    }
    store_password(store, &c.actor, c.actor.staff_id, pw, now)?;
    Ok(c.actor)
}

/// Changes a password: the staff member's own, which takes the current password too, or
/// anyone else's by an administrator (which also unlocks the account). Every session of the
/// account ends.
pub fn set_password(store: &mut Store, actor: &Actor, login: &str, pw: &str, current: Option<&str>, now: chrono::NaiveDateTime) -> Result<(), StaffError> {
    store.enter(actor.municipality)?;
    let c = credentials(&store.read(), login)?.ok_or_else(|| StaffError::UnknownLogin(login.to_string()))?;
    let own = actor.staff_id == c.actor.staff_id;
    if !own && actor.role != Role::Admin {
        return Err(StaffError::NotYourPassword);
    }
    if own {
        match current.filter(|p| !p.is_empty()) {
            None => {
                let message = "今のパスワードを入力してください".to_string();
                return Err(StaffError::Invalid(Invalid(vec![validate::FieldError { field: "current", message }])));
            }
            Some(p) if !password_matches(p, &c.hash) => {
                let message = "今のパスワードが違います".to_string();
                return Err(StaffError::Invalid(Invalid(vec![validate::FieldError { field: "current", message }])));
            }
            Some(_) => {}
        }
    }
    store_password(store, actor, c.actor.staff_id, pw, now)
}
