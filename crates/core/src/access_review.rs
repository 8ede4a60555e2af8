//! アクセス記録の確認: who opened, listed, printed or exported the data of persons under 支援措置,
//! read from the audit log by period, staff member and person, as 個人情報保護法 expects a city
//! to check.

use serde::Serialize;

use crate::audit::{require_reader, Action, AuditError};
use crate::model::staff::Actor;

/// What an access review (アクセス記録の確認) asks for: a period (和暦 or ISO dates; the last 30
/// days when left empty), and optionally one staff member or one protected person.
#[derive(ts_rs::TS, Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields)]
pub struct AccessQuery {
    pub from: String,
    pub to: String,
    /// A staff member's login; empty for everyone.
    pub login: String,
    /// One protected person; none for every protected person.
    pub person_id: Option<i64>,
}

/// One time a staff member opened, listed, printed or exported a protected person's data.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct AccessRecord {
    pub event_id: i64,
    pub at: String,
    pub login: String,
    pub desk_label: String,
    pub action: Action,
    pub action_label: &'static str,
    /// What was done, in Japanese (記録を閲覧, 検索結果に表示, 申請書を印刷, CSV 出力 …).
    pub what: String,
    /// The protected person; none for an export, which holds every person.
    pub person_id: Option<i64>,
    pub person_name: String,
}

/// How many accesses one staff member made in the period.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct StaffAccesses {
    pub login: String,
    pub desk_label: String,
    pub accesses: usize,
}

/// The access review: who opened, printed or exported protected persons' data in a period.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct AccessReview {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The persons under 支援措置 now, whom the review covers.
    pub protected_persons: usize,
    /// Newest first, at most [`ACCESS_REVIEW_LIMIT`].
    pub records: Vec<AccessRecord>,
    /// Every access in the period, also past the limit, counted per staff member (most first).
    pub by_staff: Vec<StaffAccesses>,
    pub total: usize,
}

/// The most accesses one review lists; the counts per staff member cover them all.
pub const ACCESS_REVIEW_LIMIT: usize = 1000;

/// What one logged view, print or export was, in Japanese.
fn access_what(record_kind: &str, action: Action, detail: &serde_json::Value) -> String {
    match (action, record_kind) {
        (Action::View, "person") => "記録を閲覧".into(),
        (Action::View, "search") => format!("検索結果に表示 (「{}」)", detail["query"].as_str().unwrap_or("")),
        (Action::View, "person_list") => "対象者一覧に表示".into(),
        (Action::View, "referral_queue") => "連携依頼の一覧に表示".into(),
        (Action::Print, _) => match detail["document"].as_str() {
            Some("application_form") => "申請書を印刷".into(),
            Some("delegation_letter") => "委任状を印刷".into(),
            Some("hand_over_sheet") => "引継ぎ票を印刷".into(),
            Some(other) => format!("印刷 ({other})"),
            None => "印刷".into(),
        },
        (Action::Export, kind) => {
            let label = crate::export::ExportKind::from_code(kind).map(|k| k.label()).unwrap_or(kind);
            format!("CSV 出力 ({label}、全員分)")
        }
        (_, kind) => format!("{} ({kind})", action.label()),
    }
}

/// Who opened, listed, printed or exported the data of persons under 支援措置, by period and by
/// staff member. Supervisors and administrators; the review itself is logged.
pub fn review(store: &mut crate::store::Store, actor: &Actor, query: &AccessQuery, now: chrono::NaiveDateTime) -> Result<AccessReview, AuditError> {
    store.enter(actor.municipality)?;
    require_reader(actor)?;
    let today = now.date();
    let mut check = crate::validate::Checker::new();
    let day = |label: &str, text: &str, default: chrono::NaiveDate| {
        if text.trim().is_empty() {
            Ok(default)
        } else {
            crate::validate::date_on(label, text, today)
        }
    };
    let from = check.take("from", day("期間の初め", &query.from, today - chrono::Duration::days(30)));
    let to = check.take("to", day("期間の終わり", &query.to, today));
    check.finish().map_err(AuditError::Invalid)?;
    let (Some(from), Some(to)) = (from, to) else { unreachable!("the checker refused any missing value") };
    if to < from {
        let message = "期間の終わりが初めより前です".to_string();
        return Err(AuditError::Invalid(crate::validate::Invalid(vec![crate::validate::FieldError { field: "to", message }])));
    }
    let login = Some(query.login.trim()).filter(|l| !l.is_empty());
    let until = crate::stamp((to + chrono::Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight"));
    let start = crate::stamp(from.and_hms_opt(0, 0, 0).expect("midnight"));
    let review_event = crate::audit::view_event(actor, now, "access_review", query.person_id, serde_json::json!({"from": from, "to": to, "login": login}));
    store.read_and_append(&review_event, |r| {
        let protected: std::collections::BTreeMap<i64, String> = r.persons().protected_names()?.into_iter().collect();
        let watched = |id: i64| protected.contains_key(&id) && query.person_id.is_none_or(|p| p == id);
        let mut records = Vec::new();
        for e in r.audit().accesses(&start, &until, login)? {
            let Some(action) = Action::from_code(&e.action) else { continue };
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
            let desk_label = crate::model::staff::Desk::from_code(&e.desk).map(|d| d.label().to_string()).unwrap_or(e.desk.clone());
            let what = access_what(&e.record_kind, action, &detail);
            let mut persons: Vec<Option<i64>> = match (action, e.record_kind.as_str()) {
                // An export holds every person, the protected ones among them.
                (Action::Export, kind) if crate::export::ExportKind::from_code(kind).is_some() => vec![None],
                (_, "person") => e.record_id.into_iter().filter(|id| watched(*id)).map(Some).collect(),
                _ => detail["shown"].as_array().into_iter().flatten().filter_map(|v| v.as_i64()).filter(|id| watched(*id)).map(Some).collect(),
            };
            persons.dedup();
            for person_id in persons {
                records.push(AccessRecord {
                    event_id: e.id,
                    at: e.at.clone(),
                    login: e.login.clone(),
                    desk_label: desk_label.clone(),
                    action,
                    action_label: action.label(),
                    what: what.clone(),
                    person_id,
                    person_name: person_id.and_then(|id| protected.get(&id).cloned()).unwrap_or_else(|| "(全員)".into()),
                });
            }
        }
        let mut counts: std::collections::BTreeMap<(String, String), usize> = Default::default();
        for r in &records {
            *counts.entry((r.login.clone(), r.desk_label.clone())).or_default() += 1;
        }
        let mut by_staff: Vec<StaffAccesses> =
            counts.into_iter().map(|((login, desk_label), accesses)| StaffAccesses { login, desk_label, accesses }).collect();
        by_staff.sort_by(|a, b| b.accesses.cmp(&a.accesses).then_with(|| a.login.cmp(&b.login)));
        let total = records.len();
        records.reverse();
        records.truncate(ACCESS_REVIEW_LIMIT);
        Ok(AccessReview { from, to, protected_persons: protected.len(), records, by_staff, total })
    })
}
