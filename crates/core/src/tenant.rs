//! Municipalities sharing one deployment (tenants): the operator adds one with its first
//! administrator and lists them. Each municipality's data is kept to its own staff by the
//! database itself (migration 0041's row security); here only the operator's two steps live.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::audit::{self, Action};
use crate::model::staff::{Desk, NewStaff, Role};
use crate::staff::{self, StaffError};
use crate::store::{tenants, Store, StoreError};
use crate::validate::{self, Checker, Invalid};

#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("市区町村を追加・一覧できるのは、データベースの所有者ロールで接続した運用者だけです")]
    NotOperator,
    #[error("SQLite のファイルは一つの市区町村のものです。複数の市区町村は PostgreSQL のデータベースで扱います")]
    SingleMunicipalityFile,
    #[error("地方公共団体コード {0} の市区町村はすでに登録されています")]
    CodeTaken(String),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("地方公共団体コード {0} の市区町村はこのデータベースにありません")]
    UnknownCode(String),
    #[error("移行元のデータベースには市区町村が {0} あります。一つの市区町村のデータベースだけを移行できます")]
    SourceNotSingle(usize),
    #[error("移行先でこれらのログイン名がすでに使われています: {}。移行元で変えてから移行してください", .0.join(", "))]
    LoginsTaken(Vec<String>),
    #[error("移行元と移行先で監査ログの鍵が異なります。同じ鍵で保護されたデータベースどうしでだけ移行できます")]
    AuditKeyDiffers,
    #[error("移行するデータの監査ログは鍵で保護されています。鍵ファイル (HAIRYO_AUDIT_KEY_FILE) を指定してください")]
    AuditKeyNeeded,
    #[error("出力先のデータベースは空ではありません。hairyo init の前の、新しいデータベースを指定してください")]
    TargetNotEmpty,
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TenantError {
    pub fn code(&self) -> &'static str {
        match self {
            TenantError::NotOperator => "tenant.not_operator",
            TenantError::SingleMunicipalityFile => "tenant.single_file",
            TenantError::CodeTaken(_) => "tenant.code_taken",
            TenantError::Invalid(_) => "tenant.invalid",
            TenantError::UnknownCode(_) => "tenant.unknown_code",
            TenantError::SourceNotSingle(_) => "tenant.source_not_single",
            TenantError::LoginsTaken(_) => "tenant.logins_taken",
            TenantError::AuditKeyDiffers => "tenant.audit_key_differs",
            TenantError::AuditKeyNeeded => "tenant.audit_key_needed",
            TenantError::TargetNotEmpty => "tenant.target_not_empty",
            TenantError::Staff(e) => e.code(),
            TenantError::Store(e) => e.code(),
        }
    }
}

/// A municipality as the operator sees it: no personal data, only how many staff it has.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Municipality {
    pub id: i64,
    /// The 全国地方公共団体コード; empty for a database that was one city's and never said.
    pub code: String,
    pub name: String,
    pub created_at: String,
    pub staff: i64,
}

/// A municipality to add, with the login and name of its first administrator.
#[derive(Debug, Clone)]
pub struct NewMunicipality {
    pub code: String,
    pub name: String,
    pub admin_login: String,
    pub admin_name: String,
}

/// Whether `code` is a 全国地方公共団体コード: six digits whose last is the check digit of the
/// first five (weights 6 to 2, modulus 11, the last digit of 11 minus the remainder).
pub fn is_municipality_code(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if code.len() != 6 || digits.len() != 6 {
        return false;
    }
    let sum: u32 = digits[..5].iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 10 == digits[5]
}

fn operator(store: &Store) -> Result<(), TenantError> {
    let tenants = store.read().tenants();
    if !store.is_server() {
        return Err(TenantError::SingleMunicipalityFile);
    }
    if !tenants.may_add()? {
        return Err(TenantError::NotOperator);
    }
    Ok(())
}

/// The code and name of a municipality to add to `store`: a valid code no municipality has,
/// a name of at most 40 characters.
fn checked(store: &Store, code: &str, name: &str) -> Result<(String, String), TenantError> {
    let mut c = Checker::new();
    let code = code.trim();
    if !is_municipality_code(code) {
        c.fail("code", "地方公共団体コードは6桁 (検査数字を含む) で入力してください (例: 131016)");
    }
    let name = c.take("name", validate::text("市区町村名", name, 40, true));
    c.finish().map_err(TenantError::Invalid)?;
    if store.read().tenants().by_code(code)?.is_some() {
        return Err(TenantError::CodeTaken(code.to_string()));
    }
    Ok((code.to_string(), name.unwrap_or_default()))
}

/// Every municipality of the database, with its staff count; the operator only.
pub fn list(store: &Store, _now: NaiveDateTime) -> Result<Vec<Municipality>, TenantError> {
    operator(store)?;
    let read = store.read();
    let counts = read.tenants().staff_counts()?;
    Ok(read
        .tenants()
        .all()?
        .into_iter()
        .map(|m| Municipality {
            staff: counts.iter().find(|(id, _)| *id == m.id).map(|(_, n)| *n).unwrap_or(0),
            id: m.id,
            code: m.code.unwrap_or_default(),
            name: m.name,
            created_at: m.created_at,
        })
        .collect())
}

/// Adds a municipality with its desks, default settings, handouts and rules, and its first
/// administrator with `password`; the operator only. Its name becomes its settings' city name.
/// The setting-up is audited in the new municipality's own chain. On any refusal nothing of it
/// stays.
pub fn add(store: &mut Store, new: &NewMunicipality, password: &str, now: NaiveDateTime) -> Result<Municipality, TenantError> {
    operator(store)?;
    let (code, name) = checked(store, &new.code, &new.name)?;
    let code = code.as_str();
    staff::validate_password(password)?;
    let at = crate::stamp(now);
    let id = store.write(|tx| tx.tenants_mut().add(code, &name, &at))?;
    let admin = NewStaff { login: new.admin_login.trim().to_string(), name: new.admin_name.clone(), desk: Desk::Kokuho, role: Role::Admin };
    let detail = serde_json::json!({"event": "tenant_add", "code": code});
    let set_up = store.enter(id).map_err(TenantError::from).and_then(|_| {
        store.write(|tx| {
            let actor = staff::set_up_municipality(tx, id, &admin, Some(password), now, detail)?;
            tx.settings_mut().set("city_name", &name)?;
            tx.settings_mut().set("addressee", &format!("{name}長"))?;
            Ok::<_, TenantError>(actor)
        })
    });
    let left = store.leave();
    if let Err(e) = set_up {
        store.write(|tx| tx.tenants_mut().remove_empty(id))?;
        return Err(e);
    }
    left?;
    Ok(Municipality { id, code: code.to_string(), name, created_at: at, staff: 1 })
}

/// What a move copied: the municipality where it now is, and the rows per table.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Moved {
    pub municipality: Municipality,
    pub rows: u64,
    pub tables: Vec<(String, u64)>,
}

/// Refuses a move whose audit chains could not go on: keyed with another key than the
/// target's, or keyed while the process moving them has no key to append with.
fn audit_keys_fit(source: &Store, target: &Store) -> Result<(), TenantError> {
    let (from, to) = (tenants::audit_key_checks(source)?, tenants::audit_key_checks(target)?);
    if !from.is_empty() && !to.is_empty() && from != to {
        return Err(TenantError::AuditKeyDiffers);
    }
    if !from.is_empty() && !target.has_audit_key() {
        return Err(TenantError::AuditKeyNeeded);
    }
    Ok(())
}

/// Moves a city's own database (`source`, one municipality) into the multi-municipality
/// database `target` as a new municipality `code` `name`; the operator, over both owners'
/// URLs. Every row comes with its id, so the audit chain verifies as it did; staff sign in as
/// before (their logins must be free in `target`); their old sessions stay behind. All or
/// nothing; the move is appended to the municipality's chain.
pub fn move_in(target: &mut Store, source: &Store, code: &str, name: &str, now: NaiveDateTime) -> Result<Moved, TenantError> {
    operator(target)?;
    operator(source)?;
    let (code, name) = checked(target, code, name)?;
    let sources = source.read().tenants().all()?;
    let [from] = sources.as_slice() else { return Err(TenantError::SourceNotSingle(sources.len())) };
    let taken = tenants::logins_taken(target, &tenants::logins(source, from.id)?)?;
    if !taken.is_empty() {
        return Err(TenantError::LoginsTaken(taken));
    }
    audit_keys_fit(source, target)?;
    let at = crate::stamp(now);
    let id = target.write(|tx| tx.tenants_mut().add_unkeyed(&code, &name, &at))?;
    let copied = target.enter(id).and_then(|_| tenants::copy_municipality(source, from.id, target, id, false));
    target.leave()?;
    let tables = match copied {
        Ok(t) => t,
        Err(e) => {
            target.write(|tx| tx.tenants_mut().remove_empty(id))?;
            return Err(e.into());
        }
    };
    let rows = tables.iter().map(|(_, n)| n).sum();
    let role = target.read().tenants().role()?;
    // Entered again: the chain's keying came with the rows.
    target.enter(id)?;
    let logged = target
        .write(|tx| audit::record_operator(tx, &role, now, Action::Create, id, serde_json::json!({"event": "tenant_move_in", "code": code, "rows": rows})));
    target.leave()?;
    logged?;
    let staff = tenants::logins(target, id)?.len() as i64;
    Ok(Moved { municipality: Municipality { id, code, name, created_at: at, staff }, rows, tables })
}

/// Exports municipality `code` of `source` into `target`, a new database nobody has set up:
/// its rows with their ids and its audit chain (which verifies there as here), nothing of any
/// other municipality; there it is the database's one municipality. The operator, over both
/// owners' URLs. All or nothing in the target; the export is appended to the municipality's
/// chain where it was taken from once it has landed.
pub fn export(source: &mut Store, code: &str, target: &mut Store, now: NaiveDateTime) -> Result<Moved, TenantError> {
    operator(source)?;
    operator(target)?;
    let from = source.read().tenants().by_code(code.trim())?.ok_or_else(|| TenantError::UnknownCode(code.trim().to_string()))?;
    if target.is_initialised()? || target.read().tenants().all()?.len() != 1 {
        return Err(TenantError::TargetNotEmpty);
    }
    audit_keys_fit(source, target)?;
    let to = crate::store::FIRST_MUNICIPALITY;
    target.enter(to)?;
    let copied = tenants::copy_municipality(source, from.id, target, to, true);
    target.leave()?;
    let tables = copied?;
    // The export is in the municipality's chain where it was taken from, once it has landed.
    let role = source.read().tenants().role()?;
    source.enter(from.id)?;
    let logged =
        source.write(|tx| audit::record_operator(tx, &role, now, Action::Export, from.id, serde_json::json!({"event": "tenant_export", "code": code.trim()})));
    source.leave()?;
    logged?;
    let code = from.code.clone().unwrap_or_default();
    tenants::rename(target, to, &code, &from.name)?;
    let rows = tables.iter().map(|(_, n)| n).sum();
    let staff = tenants::logins(target, to)?.len() as i64;
    Ok(Moved { municipality: Municipality { id: to, code, name: from.name, created_at: from.created_at, staff }, rows, tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_codes_carry_their_check_digit() {
        // 千代田区, 札幌市, 那覇市 (public codes, not personal data).
        for good in ["131016", "011002", "472018"] {
            assert!(is_municipality_code(good), "{good}");
        }
        for bad in ["131017", "13101", "1310166", "13101a", "", "０１１００２"] {
            assert!(!is_municipality_code(bad), "{bad}");
        }
    }
}
