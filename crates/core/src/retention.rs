//! Keeping records no longer than needed: the city's retention period per kind, counted from
//! a person's end (転出, 死亡, 資格喪失); the disposal list a supervisor approves; and the
//! disposal itself, which removes what is past its period and records what went, never what
//! it said. A person under 支援措置 is never disposed of while the protection lasts.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::access::{self, Permission};
use crate::audit::{self, Action};
use crate::coded_enum;
use crate::model::staff::Actor;
use crate::store::retention::EndedRow;
use crate::store::Store;
use crate::validate::{Checker, FieldError, Invalid};
use crate::{Page, Paged};

coded_enum! {
    /// Why a person's record ended here.
    pub enum PersonEnd ("終了の理由") {
        MovedOut = ("moved_out", "転出"),
        Died = ("died", "死亡"),
        LostEligibility = ("lost_eligibility", "資格喪失"),
    }
}

coded_enum! {
    /// What one disposal removes: a kind of a person's records, or the person with everything.
    pub enum DisposalScope ("廃棄の対象") {
        Touchpoints = ("touchpoints", "接点"),
        Referrals = ("referrals", "連携依頼"),
        Applications = ("applications", "交付申請"),
        Certificates = ("certificates", "資格確認書"),
        Person = ("person", "対象者の記録すべて"),
    }
}

/// The city's retention periods, in whole years from a person's end.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    pub person_years: u32,
    pub touchpoint_years: u32,
    pub referral_years: u32,
    pub application_years: u32,
    pub certificate_years: u32,
    /// The audit log, kept apart: how long its entries are kept, whatever became of the person.
    pub audit_years: u32,
}

impl Default for RetentionPolicy {
    /// Five years from the end for a person's records (the period cities commonly set for
    /// 資格 and 申請 documents), ten for the audit log; each city sets its own.
    fn default() -> Self {
        RetentionPolicy { person_years: 5, touchpoint_years: 5, referral_years: 5, application_years: 5, certificate_years: 5, audit_years: 10 }
    }
}

impl RetentionPolicy {
    fn years(&self, scope: DisposalScope) -> u32 {
        match scope {
            DisposalScope::Touchpoints => self.touchpoint_years,
            DisposalScope::Referrals => self.referral_years,
            DisposalScope::Applications => self.application_years,
            DisposalScope::Certificates => self.certificate_years,
            DisposalScope::Person => self.person_years,
        }
    }
}

/// The retention periods as typed: whole years as text.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionInput {
    pub person_years: String,
    pub touchpoint_years: String,
    pub referral_years: String,
    pub application_years: String,
    pub certificate_years: String,
    pub audit_years: String,
}

/// The longest period a city may set.
pub const MAX_YEARS: u32 = 30;

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("対象者 ID {0} は廃棄の対象ではありません (保存期間内、支援措置中、または記録がありません)。廃棄リストを読み込み直してください")]
    NotDue(i64),
    #[error("保存期間の設定を読み取れません。設定画面で保存し直してください")]
    Unreadable,
    #[error("監査ログの連鎖が壊れているため廃棄できません (壊れた記録を消すと改ざんの跡も消えます): {0}")]
    ChainBroken(String),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl RetentionError {
    pub fn code(&self) -> &'static str {
        match self {
            RetentionError::Invalid(_) => "retention.invalid",
            RetentionError::NotDue(_) => "retention.not_due",
            RetentionError::Unreadable => "retention.unreadable",
            RetentionError::ChainBroken(_) => "retention.audit_chain_broken",
            RetentionError::Access(e) => e.code(),
            RetentionError::Store(e) => e.code(),
        }
    }
}

const POLICY_KEY: &str = "retention";

fn policy_of(conn: &crate::store::Read<'_>) -> Result<RetentionPolicy, RetentionError> {
    match conn.settings().value(POLICY_KEY)? {
        Some(v) => serde_json::from_str(&v).map_err(|_| RetentionError::Unreadable),
        None => Ok(RetentionPolicy::default()),
    }
}

/// The retention periods in force; any staff member may read them.
pub fn policy(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<RetentionPolicy, RetentionError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::ViewPerson)?;
    policy_of(&store.read())
}

/// Sets the retention periods (administrators): each 1 to [`MAX_YEARS`] whole years, and a
/// person's own period at least as long as each kind's, since the person goes with everything.
pub fn set_policy(store: &mut Store, actor: &Actor, input: &RetentionInput, now: chrono::NaiveDateTime) -> Result<RetentionPolicy, RetentionError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::ChangeSettings)?;
    let mut c = Checker::new();
    let years = |label: &str, text: &str| -> Result<u32, String> {
        crate::settings::whole(label, text).and_then(|n| {
            if (1..=MAX_YEARS).contains(&n) {
                Ok(n)
            } else {
                Err(format!("{label}は1年から{MAX_YEARS}年までで入力してください (入力: {n}年)"))
            }
        })
    };
    let person = c.take("person_years", years("対象者の記録の保存年数", &input.person_years));
    let touchpoint = c.take("touchpoint_years", years("接点の保存年数", &input.touchpoint_years));
    let referral = c.take("referral_years", years("連携依頼の保存年数", &input.referral_years));
    let application = c.take("application_years", years("交付申請の保存年数", &input.application_years));
    let certificate = c.take("certificate_years", years("資格確認書の保存年数", &input.certificate_years));
    let audit_years = c.take("audit_years", years("監査ログの保存年数", &input.audit_years));
    c.finish().map_err(RetentionError::Invalid)?;
    let (Some(person_years), Some(touchpoint_years), Some(referral_years), Some(application_years), Some(certificate_years), Some(audit_years)) =
        (person, touchpoint, referral, application, certificate, audit_years)
    else {
        unreachable!("the checker refused any missing value")
    };
    let new = RetentionPolicy { person_years, touchpoint_years, referral_years, application_years, certificate_years, audit_years };
    let longest = [touchpoint_years, referral_years, application_years, certificate_years].into_iter().max().unwrap_or(0);
    if person_years < longest {
        let message = format!("対象者の記録の保存年数は、接点・連携依頼・申請・資格確認書の保存年数 ({longest}年) 以上にしてください");
        return Err(RetentionError::Invalid(Invalid(vec![FieldError { field: "person_years", message }])));
    }
    store.write(|tx| {
        let before = policy_of(tx)?;
        let json = serde_json::to_string(&new).map_err(|_| RetentionError::Unreadable)?;
        tx.settings_mut().set(POLICY_KEY, &json)?;
        audit::record(tx, actor, now, Action::Update, "settings", None, serde_json::json!({"retention": {"before": before, "after": new}}))?;
        Ok(new)
    })
}

/// One kind of a person's records that is past its period, and how many rows it holds.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct DueScope {
    pub scope: DisposalScope,
    pub scope_label: &'static str,
    pub rows: i64,
}

/// A person whose records (some kinds, or all) are past their period.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct DisposalCandidate {
    pub person_id: i64,
    pub name: String,
    pub cause: PersonEnd,
    pub cause_label: &'static str,
    pub ended_on: NaiveDate,
    /// What goes: each kind past its period, or the person with everything.
    pub due: Vec<DueScope>,
}

/// What a supervisor approves: every candidate, and the protected persons kept although due.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct DisposalList {
    pub today: NaiveDate,
    pub policy: RetentionPolicy,
    pub candidates: Vec<DisposalCandidate>,
    /// Persons past their period who are under 支援措置: never disposed of while it lasts.
    pub kept_protected: usize,
    /// Audit entries older than the audit log's period (kept apart; see docs/security.md):
    /// those logged before `audit_kept_from`, which `prune_audit` removes.
    pub audit_entries_past: i64,
    pub audit_kept_from: NaiveDate,
}

/// The same day `years` years after `on` (or before it, for a negative count); 2/29 becomes
/// 2/28 in a common year.
fn years_after(on: NaiveDate, years: i32) -> NaiveDate {
    let year = on.year() + years;
    NaiveDate::from_ymd_opt(year, on.month(), on.day()).or_else(|| NaiveDate::from_ymd_opt(year, on.month(), on.day() - 1)).expect("a day exists")
}

/// The first day whose audit entries are still within the log's period on `today`, and its
/// first moment as a stamp: entries logged before it are past.
fn audit_kept_from(policy: &RetentionPolicy, today: NaiveDate) -> (NaiveDate, String) {
    let day = years_after(today, -(policy.audit_years as i32));
    (day, crate::stamp(day.and_hms_opt(0, 0, 0).expect("midnight")))
}

/// What of `row` is past its period on `today`: the whole person once the person's period has
/// passed, else each kind that has rows and whose period has passed.
fn due_of(row: &EndedRow, policy: &RetentionPolicy, today: NaiveDate) -> Vec<DueScope> {
    let past = |scope: DisposalScope| years_after(row.ended_on, policy.years(scope) as i32) <= today;
    let total = row.touchpoints + row.referrals + row.applications + row.certificates;
    if past(DisposalScope::Person) {
        return vec![DueScope { scope: DisposalScope::Person, scope_label: DisposalScope::Person.label(), rows: 1 + total }];
    }
    [
        (DisposalScope::Touchpoints, row.touchpoints),
        (DisposalScope::Referrals, row.referrals),
        (DisposalScope::Applications, row.applications),
        (DisposalScope::Certificates, row.certificates),
    ]
    .into_iter()
    .filter(|(scope, rows)| *rows > 0 && past(*scope))
    .map(|(scope, rows)| DueScope { scope, scope_label: scope.label(), rows })
    .collect()
}

fn list_in(conn: &crate::store::Read<'_>, today: NaiveDate) -> Result<DisposalList, RetentionError> {
    let policy = policy_of(conn)?;
    let shortest = [policy.person_years, policy.touchpoint_years, policy.referral_years, policy.application_years, policy.certificate_years]
        .into_iter()
        .min()
        .unwrap_or(1);
    // Nobody who ended after this day has anything past its period.
    let until = years_after(today, -(shortest as i32));
    let mut candidates = Vec::new();
    let mut kept_protected = 0;
    for row in conn.retention().ended_by(until)? {
        let due = due_of(&row, &policy, today);
        if due.is_empty() {
            continue;
        }
        if row.protected {
            kept_protected += 1;
            continue;
        }
        let cause = PersonEnd::from_code(&row.cause).ok_or(RetentionError::Unreadable)?;
        candidates.push(DisposalCandidate { person_id: row.person_id, name: row.name, cause, cause_label: cause.label(), ended_on: row.ended_on, due });
    }
    let (audit_kept_from, kept_from_stamp) = audit_kept_from(&policy, today);
    let (audit_entries_past, _) = conn.audit().prunable(&kept_from_stamp)?;
    Ok(DisposalList { today, policy, candidates, kept_protected, audit_entries_past, audit_kept_from })
}

/// The disposal list on today: every ended person with something past its period, for a
/// supervisor of an insurer desk (or an administrator) to approve. Reading it is logged.
pub fn disposal_list(store: &mut Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<DisposalList, RetentionError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::DisposeRecords)?;
    audit::viewed(store, actor, now, "disposal_list", None, |r| list_in(r, now.date()))
}

/// What one approval disposed of.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Disposed {
    pub persons: usize,
    pub rows: i64,
    pub list: DisposalList,
}

/// Disposes of what is past its period for each of `person_ids`, all in one transaction: each
/// must be on today's disposal list (re-read here, so a list shown before a person came under
/// protection disposes of nothing of theirs). Each removal is recorded as its scope, the
/// person's former id, the end and a count; the audit log says the same, never the content.
pub fn dispose(store: &mut Store, actor: &Actor, person_ids: &[i64], now: chrono::NaiveDateTime) -> Result<Disposed, RetentionError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::DisposeRecords)?;
    if person_ids.is_empty() {
        let message = "廃棄する対象者を選んでください".to_string();
        return Err(RetentionError::Invalid(Invalid(vec![FieldError { field: "person_ids", message }])));
    }
    let today = now.date();
    let at = crate::stamp(now);
    store.write(|tx| {
        let list = list_in(tx, today)?;
        let mut rows = 0;
        for id in person_ids {
            let c = list.candidates.iter().find(|c| c.person_id == *id).ok_or(RetentionError::NotDue(*id))?;
            let m = tx.retention_mut();
            let mut removed = serde_json::Map::new();
            for due in &c.due {
                let count = match due.scope {
                    DisposalScope::Touchpoints => m.remove_touchpoints(*id)? as i64,
                    DisposalScope::Referrals => m.remove_referrals(*id)? as i64,
                    DisposalScope::Applications => m.remove_applications(*id)? as i64,
                    DisposalScope::Certificates => m.remove_certificates(*id)? as i64,
                    DisposalScope::Person => {
                        // Each kind first, then the person's own row and what hangs on it alone.
                        let n = m.remove_touchpoints(*id)? + m.remove_applications(*id)? + m.remove_referrals(*id)? + m.remove_certificates(*id)?;
                        m.remove_person(*id)?;
                        n as i64 + 1
                    }
                };
                m.record_disposal(&at, actor.staff_id, *id, due.scope.code(), c.cause.code(), c.ended_on, count)?;
                removed.insert(due.scope.code().to_string(), count.into());
                rows += count;
            }
            audit::record(
                tx,
                actor,
                now,
                Action::Delete,
                "person",
                Some(*id),
                serde_json::json!({"disposed": removed, "cause": c.cause, "ended_on": c.ended_on}),
            )?;
        }
        let list = list_in(tx, today)?;
        Ok(Disposed { persons: person_ids.len(), rows, list })
    })
}

/// What pruning the audit log removed.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct AuditPruned {
    /// How many of the oldest events went (0 when none was past the period).
    pub pruned: i64,
    /// Events logged before this day were past the audit log's period.
    pub kept_from: NaiveDate,
    /// The chain check after the pruning, from the new anchor.
    pub verification: String,
}

/// Removes the audit events past the audit log's period (those logged before today less
/// `audit_years`), oldest first and only as an unbroken prefix, and anchors the chain at the
/// first kept event so `audit verify` goes on checking what is left. The chain is checked
/// first: a broken chain is refused, since pruning it would also remove the trace of the
/// tampering. The pruning itself is logged (how many, up to which id, never their content).
/// On PostgreSQL only the schema owner's connection may prune (docs/security.md).
pub fn prune_audit(store: &mut Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<AuditPruned, RetentionError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::DisposeRecords)?;
    let at = crate::stamp(now);
    store.write(|tx| {
        // The check and the pruning see the same log: nothing is appended in between.
        tx.audit_mut().hold_lock()?;
        let before = audit::verify_chain(tx)?;
        if !before.ok {
            return Err(RetentionError::ChainBroken(before.message));
        }
        let policy = policy_of(tx)?;
        let (kept_from, kept_from_stamp) = audit_kept_from(&policy, now.date());
        let (count, last) = tx.audit().prunable(&kept_from_stamp)?;
        let Some(last) = last.filter(|_| count > 0) else {
            return Ok(AuditPruned { pruned: 0, kept_from, verification: before.message });
        };
        let pruned = tx.audit_mut().prune_through(last, &kept_from_stamp, &at, actor.staff_id)?;
        audit::record(
            tx,
            actor,
            now,
            Action::Delete,
            "audit_log",
            None,
            serde_json::json!({"pruned": pruned, "through_id": last, "kept_from": kept_from, "audit_years": policy.audit_years}),
        )?;
        let after = audit::verify_chain(tx)?;
        Ok(AuditPruned { pruned, kept_from, verification: after.message })
    })
}

/// One recorded disposal, as the disposal record shows it.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct DisposalRecord {
    pub id: i64,
    pub disposed_at: String,
    pub login: String,
    /// The id the person had; the name went with the record.
    pub person_ref: i64,
    pub scope: DisposalScope,
    pub scope_label: &'static str,
    pub cause_label: String,
    pub ended_on: NaiveDate,
    pub removed: i64,
}

/// The disposal record, newest first.
pub fn disposals(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<DisposalRecord>, RetentionError> {
    store.enter(actor.municipality)?;
    access::require(actor, Permission::DisposeRecords)?;
    let rows = store.read().retention().disposals(page)?;
    let items = rows
        .items
        .into_iter()
        .map(|d| {
            let scope = DisposalScope::from_code(&d.scope).ok_or(RetentionError::Unreadable)?;
            Ok(DisposalRecord {
                id: d.id,
                disposed_at: d.disposed_at,
                login: d.login,
                person_ref: d.person_ref,
                scope,
                scope_label: scope.label(),
                cause_label: PersonEnd::from_code(&d.cause).map(|c| c.label().to_string()).unwrap_or(d.cause),
                ended_on: d.ended_on,
                removed: d.removed,
            })
        })
        .collect::<Result<_, RetentionError>>()?;
    Ok(Paged { items, total: rows.total, offset: rows.offset, limit: rows.limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_counts_whole_years_from_the_end() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(years_after(d("2021-03-31"), 5), d("2026-03-31"));
        assert_eq!(years_after(d("2020-02-29"), 5), d("2025-02-28"));
        let row = EndedRow {
            person_id: 1,
            name: String::new(),
            protected: false,
            cause: "died".into(),
            ended_on: d("2021-03-31"),
            touchpoints: 2,
            referrals: 0,
            applications: 1,
            certificates: 1,
        };
        let policy =
            RetentionPolicy { person_years: 10, touchpoint_years: 3, referral_years: 3, application_years: 5, certificate_years: 6, ..Default::default() };
        let scopes = |today: &str| due_of(&row, &policy, d(today)).into_iter().map(|s| s.scope).collect::<Vec<_>>();
        assert_eq!(scopes("2024-03-30"), vec![]);
        assert_eq!(scopes("2024-03-31"), vec![DisposalScope::Touchpoints], "a kind without rows is not listed");
        assert_eq!(scopes("2026-04-01"), vec![DisposalScope::Touchpoints, DisposalScope::Applications]);
        assert_eq!(scopes("2031-03-31"), vec![DisposalScope::Person]);
    }
}
