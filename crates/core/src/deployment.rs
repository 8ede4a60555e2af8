//! Setting a city's database server up for the desks: the least-privilege role their processes
//! connect as.

use chrono::NaiveDateTime;

use crate::access::{self, Permission};
use crate::audit::{self, Action};
use crate::model::staff::Actor;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    #[error("データベースの権限設定は管理者のみが行えます。管理者のログイン名で実行してください")]
    AdminOnly,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DeploymentError {
    pub fn code(&self) -> &'static str {
        match self {
            DeploymentError::AdminOnly => "deployment.admin_only",
            DeploymentError::Store(e) => e.code(),
        }
    }
}

/// Gives the PostgreSQL login role `role` what the desks need and nothing more (see
/// [`crate::store::pg::grant_app_role`]): run once by the administrator over the owner's
/// connection, after `hairyo init`; the desks and `hairyo serve` then connect as `role`. The
/// grant is in the audit log.
pub fn grant_app_role(store: &mut Store, actor: &Actor, role: &str, now: NaiveDateTime) -> Result<(), DeploymentError> {
    store.enter(actor.municipality)?;
    if !access::can(actor, Permission::ChangeSettings) {
        return Err(DeploymentError::AdminOnly);
    }
    store.write(|tx| {
        crate::store::pg::grant_app_role(tx, role)?;
        audit::record(tx, actor, now, Action::Update, "database", None, serde_json::json!({"event": "grant_app_role", "role": role}))?;
        Ok::<_, DeploymentError>(())
    })
}
