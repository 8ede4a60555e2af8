//! Desks, roles, staff and the acting staff member (Actor).

use serde::{Deserialize, Serialize};

use crate::coded_enum;

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
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Actor {
    pub staff_id: i64,
    pub login: String,
    pub name: String,
    /// The desk they act at: what they record is recorded there, and the desk's own queues are
    /// theirs.
    pub desk: Desk,
    pub role: Role,
    /// Other desks' rights they hold as well (a directory account in several desks' groups):
    /// each permits what the access matrix allows that desk and role.
    #[serde(default)]
    pub grants: Vec<Grant>,
    /// The municipality whose staff they are: every operation acts for it alone.
    pub municipality: i64,
}

/// A desk and role whose rights a staff member holds beside their own.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub desk: Desk,
    pub role: Role,
}

/// Grants as the staff table keeps them: `desk:role` pairs, comma-separated.
pub fn grants_to_text(grants: &[Grant]) -> String {
    grants.iter().map(|g| format!("{}:{}", g.desk.code(), g.role.code())).collect::<Vec<_>>().join(",")
}

/// Grants read back; a pair no longer known is left out.
pub fn grants_from_text(text: &str) -> Vec<Grant> {
    text.split(',')
        .filter_map(|pair| {
            let (d, r) = pair.split_once(':')?;
            Some(Grant { desk: Desk::from_code(d)?, role: Role::from_code(r)? })
        })
        .collect()
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
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

/// Input for a new staff member.
#[derive(ts_rs::TS, Debug, Clone)]
pub struct NewStaff {
    pub login: String,
    pub name: String,
    pub desk: Desk,
    pub role: Role,
}

/// A desk's contact block as printed on leaflets.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskContact {
    pub desk: Desk,
    pub name: String,
    pub phone: String,
    pub hours: String,
    pub place: String,
}
