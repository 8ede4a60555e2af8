//! Sessions of `hairyo serve`, kept in the database: they survive a restart and are shared by
//! every server on one database. A session is a random token the client holds (with a CSRF
//! token beside it for a browser's cookie); only their hashes are stored. It ends when idle
//! for too long, when it has lasted too long whatever its use, when its staff member signs
//! out, changes their password or is disabled.

use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::model::staff::Actor;
use crate::store::{Store, StoreError};

/// How long a session may last: unused (`idle`), and at all (`lifetime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub lifetime: Duration,
}

impl SessionPolicy {
    /// How stale a session's last use may be recorded: each request would otherwise be a
    /// write. A tenth of the idle time, at most a minute, so a session ends at most that much
    /// before its idle time is up, never after.
    fn touch_every(&self) -> Duration {
        (self.idle / 10).min(Duration::minutes(1))
    }
}

/// A new session's tokens, for the client; the database keeps only their hashes.
#[derive(Debug, Clone)]
pub struct Started {
    pub token: String,
    pub csrf: String,
}

/// What a request presented: its session token, and the CSRF token it repeated, which counts
/// only when `csrf_required` (a cookie on a request that changes something).
#[derive(Debug, Clone, Copy)]
pub struct Presented<'a> {
    pub token: &'a str,
    pub csrf: Option<&'a str>,
    pub csrf_required: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("セッションが無効です。もう一度サインインしてください")]
    Invalid,
    #[error("一定時間操作がなかったか、サインインから長時間たったため、サインアウトしました。もう一度サインインしてください")]
    Expired,
    #[error("この職員のアカウントは現在使えません。管理者に確認してください")]
    Disabled,
    #[error("要求を確認できません (CSRF トークンがありません)。画面を再読み込みしてください")]
    CsrfMissing,
    #[error(transparent)]
    Directory(Box<crate::directory::DirectoryError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SessionError {
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::Invalid | SessionError::Disabled => "session.invalid",
            SessionError::Expired => "session.expired",
            SessionError::CsrfMissing => "csrf.missing",
            SessionError::Directory(e) => e.code(),
            SessionError::Store(e) => e.code(),
        }
    }
}

fn hashed(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, as hex.
fn random_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sessions' times to the millisecond: a short idle time is not cut by a second's rounding.
fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

fn parse(stamp: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S%.3f").ok()
}

/// Starts a session for `actor`, who has just signed in; sessions past their time go too.
pub fn start(store: &mut Store, actor: &Actor, policy: &SessionPolicy, now: NaiveDateTime) -> Result<Started, SessionError> {
    store.enter(actor.municipality)?;
    let started = Started { token: random_token(), csrf: random_token() };
    store.write(|tx| {
        let m = tx.sessions_mut();
        m.end_expired(&stamp(now - policy.idle), &stamp(now - policy.lifetime))?;
        m.start(&hashed(&started.token), &hashed(&started.csrf), actor.staff_id, &stamp(now))?;
        Ok::<(), SessionError>(())
    })?;
    Ok(started)
}

/// The staff member a request acts as, as stored now: its session must exist, be within its
/// idle time and its lifetime, belong to an active account, and, when required, come with
/// its CSRF token. An expired session, and every session of a disabled account, is ended.
/// A directory account is asked about again every quarter of an hour
/// ([`crate::directory::recheck`]): one the directory no longer lets in loses its sessions.
pub fn resume(
    store: &mut Store,
    presented: &Presented<'_>,
    policy: &SessionPolicy,
    directory: Option<&crate::directory::DirectoryConfig>,
    now: NaiveDateTime,
) -> Result<Actor, SessionError> {
    let key = hashed(presented.token);
    let Some(row) = store.read().sessions().find(&key)? else {
        return Err(SessionError::Invalid);
    };
    let (Some(last), Some(created)) = (parse(&row.last_seen_at), parse(&row.created_at)) else {
        return Err(SessionError::Invalid);
    };
    if now - last > policy.idle || now - created > policy.lifetime {
        store.write(|tx| tx.sessions_mut().end(&key))?;
        return Err(SessionError::Expired);
    }
    let Some(actor) = row.actor else {
        store.write(|tx| tx.sessions_mut().end_all_of(row.staff_id).map(|_| ()))?;
        return Err(SessionError::Disabled);
    };
    if presented.csrf_required && presented.csrf.map(hashed).as_deref() != Some(row.csrf_hash.as_str()) {
        return Err(SessionError::CsrfMissing);
    }
    let actor = match (directory, &row.directory_dn) {
        (Some(cfg), Some(dn)) => crate::directory::recheck(store, cfg, actor, dn, row.directory_checked_at.as_deref(), now)
            .map_err(|e| SessionError::Directory(Box::new(e)))?
            .ok_or(SessionError::Disabled)?,
        // A local account's session from before the directory: only a break-glass one stands.
        (Some(cfg), None) if !cfg.is_break_glass(&actor.login) => {
            store.write(|tx| tx.sessions_mut().end(&key))?;
            return Err(SessionError::Disabled);
        }
        _ => actor,
    };
    if now - last >= policy.touch_every() {
        store.write(|tx| tx.sessions_mut().touch(&key, &stamp(now)))?;
    }
    Ok(actor)
}

/// Whether the session of `token` is still open (for a live event stream to end with it).
pub fn is_open(store: &Store, token: &str, policy: &SessionPolicy, now: NaiveDateTime) -> Result<bool, SessionError> {
    let Some(row) = store.read().sessions().find(&hashed(token))? else {
        return Ok(false);
    };
    let within = |stamp: &str, limit: Duration| parse(stamp).is_some_and(|t| now - t <= limit);
    Ok(row.actor.is_some() && within(&row.last_seen_at, policy.idle) && within(&row.created_at, policy.lifetime))
}

/// Signs `actor` out: every session of theirs ends, on every server.
pub fn end_all(store: &mut Store, actor: &Actor, _now: NaiveDateTime) -> Result<usize, SessionError> {
    store.enter(actor.municipality)?;
    Ok(store.write(|tx| tx.sessions_mut().end_all_of(actor.staff_id))?)
}
