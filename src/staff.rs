//! Desks, staff and the acting staff member (`Actor`) that every core operation takes.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::audit::{self, Action};
use crate::coded_enum;
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

coded_enum! {
    /// The desks that share cases. 国保 and 後期 receive referrals; the others send them.
    pub enum Desk ("窓口") {
        Kokuho = ("kokuho", "国民健康保険"),
        Kouki = ("kouki", "後期高齢者医療"),
        Kaigo = ("kaigo", "介護保険"),
        Shogai = ("shogai", "障害福祉"),
        Jido = ("jido", "児童福祉"),
        Houkatsu = ("houkatsu", "地域包括支援センター"),
        Kikan = ("kikan", "基幹相談支援センター"),
    }
}

impl Desk {
    /// Desks that review referrals and decide applications (the insurers' counters).
    pub fn is_insurer_desk(self) -> bool {
        matches!(self, Desk::Kokuho | Desk::Kouki)
    }
}

coded_enum! {
    /// What a staff member may do; scopes per desk are enforced on top of this.
    pub enum Role ("役割") {
        Caseworker = ("caseworker", "相談員"),
        Clerk = ("clerk", "事務担当"),
        Supervisor = ("supervisor", "係長"),
        Admin = ("admin", "管理者"),
    }
}

/// The staff member on whose behalf an operation runs; written into every audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub staff_id: i64,
    pub login: String,
    pub name: String,
    pub desk: Desk,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize)]
pub struct Staff {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub desk: Desk,
    pub desk_label: &'static str,
    pub role: Role,
    pub role_label: &'static str,
    pub active: bool,
}

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
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
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
            StaffError::Db(_) => "staff.db",
        }
    }
}

/// The login `init` gives the first administrator.
pub const ADMIN_LOGIN: &str = "admin";

/// Input for a new staff member.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub login: String,
    pub name: String,
    pub desk: Desk,
    pub role: Role,
}

fn insert_staff(tx: &Transaction<'_>, s: &NewStaff, now: &str) -> Result<i64, StaffError> {
    let mut c = Checker::new();
    let login = s.login.trim();
    if login.is_empty() || login.len() > 32 || !login.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.') {
        c.fail("login", "ログイン名は半角英数字 (と _ - .) の32文字以内で入力してください");
    }
    let name = c.take("name", validate::person_name("職員氏名", &s.name));
    c.finish().map_err(StaffError::Invalid)?;
    let exists: Option<i64> = tx.query_row("SELECT id FROM staff WHERE login = ?1", [login], |r| r.get(0)).optional()?;
    if exists.is_some() {
        return Err(StaffError::LoginTaken(login.to_string()));
    }
    tx.execute(
        "INSERT INTO staff (login, name, desk, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![login, name, s.desk, s.role, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Creates the desks and the first administrator. Refuses to run twice.
pub fn init(store: &mut Store, now: chrono::NaiveDateTime) -> Result<Actor, StaffError> {
    let stamp = crate::stamp(now);
    store.write(|tx| {
        let n: i64 = tx.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?;
        if n > 0 {
            return Err(StaffError::AlreadyInitialised);
        }
        for (i, d) in Desk::ALL.iter().enumerate() {
            tx.execute(
                "INSERT OR IGNORE INTO desk (code, name, sort) VALUES (?1, ?2, ?3)",
                params![d, d.label(), i as i64],
            )?;
        }
        let admin = NewStaff { login: ADMIN_LOGIN.into(), name: "管理者".into(), desk: Desk::Kokuho, role: Role::Admin };
        let id = insert_staff(tx, &admin, &stamp)?;
        let actor = Actor { staff_id: id, login: admin.login, name: admin.name, desk: admin.desk, role: admin.role };
        crate::settings::seed_defaults(tx)?;
        crate::leaflet::seed(tx)?;
        crate::policy::seed(tx).map_err(|e| StaffError::Seed(e.to_string()))?;
        audit::record(tx, &actor, now, Action::Create, "database", None, serde_json::json!({"event": "init"}))?;
        Ok(actor)
    })
}

/// Adds a staff member; administrators only.
pub fn add(store: &mut Store, actor: &Actor, s: &NewStaff, now: chrono::NaiveDateTime) -> Result<i64, StaffError> {
    if actor.role != Role::Admin {
        return Err(StaffError::AdminOnly);
    }
    store.write(|tx| {
        let id = insert_staff(tx, s, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Create, "staff", Some(id), serde_json::json!({"login": s.login, "desk": s.desk, "role": s.role}))?;
        Ok(id)
    })
}

/// Resolves a login to the actor that operations run as.
pub fn actor(store: &Store, login: &str) -> Result<Actor, StaffError> {
    store
        .conn()
        .query_row(
            "SELECT id, login, name, desk, role FROM staff WHERE login = ?1 AND active = 1",
            [login.trim()],
            |r| Ok(Actor { staff_id: r.get(0)?, login: r.get(1)?, name: r.get(2)?, desk: r.get(3)?, role: r.get(4)? }),
        )
        .optional()?
        .ok_or_else(|| StaffError::UnknownLogin(login.to_string()))
}

/// Every staff member, by desk and name.
pub fn list(store: &Store) -> Result<Vec<Staff>, StaffError> {
    let mut stmt = store.conn().prepare(
        "SELECT s.id, s.login, s.name, s.desk, s.role, s.active FROM staff s JOIN desk d ON d.code = s.desk ORDER BY d.sort, s.role, s.login",
    )?;
    let rows = stmt.query_map([], |r| {
        let desk: Desk = r.get(3)?;
        let role: Role = r.get(4)?;
        Ok(Staff {
            id: r.get(0)?,
            login: r.get(1)?,
            name: r.get(2)?,
            desk,
            desk_label: desk.label(),
            role,
            role_label: role.label(),
            active: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
