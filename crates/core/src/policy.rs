//! Policy as data: which way a person gets a 資格確認書 on a given date, and why (R-numbers).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::model::staff::Actor;
use crate::person::{self, Person, Reason, Scheme};
use crate::store::{Store, StoreError};

pub use crate::model::policy::{AgeReckoning, Condition, RouteKind, Rule};

/// The answer to "how does this person get a 資格確認書 on this date".
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub kind: RouteKind,
    pub label: &'static str,
    pub r_numbers: Vec<String>,
    pub explanation: String,
    pub rule_id: Option<String>,
    pub to_confirm: bool,
    pub on: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("ルールの変更は管理者のみが行えます")]
    AdminOnly,
    #[error("ルールの形式が正しくありません: {0}")]
    BadRule(String),
    #[error("{0}")]
    Invalid(crate::validate::Invalid),
    #[error("ルール「{0}」は登録されていません")]
    UnknownRule(String),
    #[error(transparent)]
    Person(#[from] person::PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::AdminOnly => "policy.admin_only",
            PolicyError::BadRule(_) => "policy.bad_rule",
            PolicyError::Invalid(_) => "policy.invalid",
            PolicyError::UnknownRule(_) => "policy.unknown_rule",
            PolicyError::Person(e) => e.code(),
            PolicyError::Access(e) => e.code(),
            PolicyError::Store(e) => e.code(),
        }
    }
}

/// The rules shipped with Hairyo, from `assets/policy/rules.json`.
pub const SHIPPED_RULES: &str = include_str!("../../../assets/policy/rules.json");

pub fn shipped_rules() -> Vec<Rule> {
    serde_json::from_str(SHIPPED_RULES).expect("assets/policy/rules.json is valid (tested)")
}

const AGE_BY_MISSING: &str =
    "年齢の条件があるルールは、年齢の数え方 (年齢計算ニ関スル法律による「誕生日の前日に加齢」、または後期高齢者医療の「誕生日当日から」) を選んでください";

/// R1 to R15, the requirement numbers of the brief.
fn is_r_number(r: &str) -> bool {
    r.strip_prefix('R').and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (1..=15).contains(&n))
}

fn validate_rule(rule: &Rule) -> Result<(), PolicyError> {
    if rule.id.trim().is_empty() {
        return Err(PolicyError::BadRule("ルールIDが空です".into()));
    }
    if rule.explanation.trim().is_empty() {
        return Err(PolicyError::BadRule("説明が空です".into()));
    }
    if rule.effective_until.is_some_and(|u| u < rule.effective_from) {
        return Err(PolicyError::BadRule("終了日が開始日より前です".into()));
    }
    if let Some(bad) = rule.r_numbers.iter().find(|r| !is_r_number(r)) {
        return Err(PolicyError::BadRule(format!("R番号「{bad}」は R1～R15 のいずれかにしてください")));
    }
    if rule.condition.tests_age() && rule.condition.age_by.is_none() {
        return Err(PolicyError::BadRule(AGE_BY_MISSING.into()));
    }
    Ok(())
}

fn upsert(tx: &crate::store::Write<'_>, rule: &Rule) -> Result<(), PolicyError> {
    validate_rule(rule)?;
    tx.policy_mut().upsert(rule)?;
    Ok(())
}

/// Loads the shipped rules into a store that has none (at `init`).
pub(crate) fn seed(tx: &crate::store::Write<'_>) -> Result<(), PolicyError> {
    if tx.policy().count()? == 0 {
        for rule in shipped_rules() {
            upsert(tx, &rule)?;
        }
    }
    Ok(())
}

/// Every rule in the store, by scheme and priority.
pub fn list_rules(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<Rule>, PolicyError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    rules(&store.read())
}

pub(crate) fn rules(conn: &crate::store::Read<'_>) -> Result<Vec<Rule>, PolicyError> {
    Ok(conn.policy().rules()?)
}

/// A rule as typed in the window: codes from the select boxes, dates as text (和暦 or 西暦),
/// an empty end date for "no end".
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    pub id: String,
    pub priority: i64,
    pub scheme: String,
    pub effective_from: String,
    pub effective_until: String,
    pub condition: Condition,
    pub route: String,
    pub r_numbers: Vec<String>,
    pub explanation: String,
    pub to_confirm: bool,
    pub source: String,
}

/// Reads a typed rule, with every field's problem at once.
pub fn parse_rule(input: &RuleInput) -> Result<Rule, PolicyError> {
    use crate::validate;
    let mut c = validate::Checker::new();
    let id = input.id.trim();
    if id.is_empty() {
        c.fail("id", "ルールIDを入力してください");
    }
    let scheme = c.take("scheme", Scheme::parse(&input.scheme));
    let route = c.take("route", RouteKind::parse(&input.route));
    let from = c.take("effective_from", validate::date("開始日", &input.effective_from));
    let until = match input.effective_until.trim() {
        "" => Some(None),
        text => c.take("effective_until", validate::date("終了日", text)).map(Some),
    };
    if let (Some(f), Some(Some(u))) = (from, until) {
        if u < f {
            c.fail("effective_until", "終了日は開始日より後の日付にしてください");
        }
    }
    let r_numbers: Vec<String> = input.r_numbers.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
    if let Some(bad) = r_numbers.iter().find(|r| !is_r_number(r)) {
        c.fail("r_numbers", format!("R番号「{bad}」は R1～R15 のいずれかにしてください"));
    }
    if input.explanation.trim().is_empty() {
        c.fail("explanation", "説明を入力してください");
    }
    if input.condition.tests_age() && input.condition.age_by.is_none() {
        c.fail("age_by", AGE_BY_MISSING);
    }
    c.finish().map_err(PolicyError::Invalid)?;
    let (Some(scheme), Some(route), Some(effective_from), Some(effective_until)) = (scheme, route, from, until) else {
        // `finish` passed, so the checker kept every value.
        return Err(PolicyError::Invalid(crate::validate::Invalid(vec![])));
    };
    Ok(Rule {
        id: id.to_string(),
        priority: input.priority,
        scheme,
        effective_from,
        effective_until,
        condition: input.condition.clone(),
        route,
        r_numbers,
        explanation: input.explanation.trim().to_string(),
        to_confirm: input.to_confirm,
        source: input.source.trim().to_string(),
    })
}

/// Adds or replaces a rule; administrators only. The audit keeps before and after.
pub fn set_rule(store: &mut Store, actor: &Actor, rule: &Rule, now: chrono::NaiveDateTime) -> Result<(), PolicyError> {
    store.enter(actor.municipality)?;
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(PolicyError::AdminOnly);
    }
    validate_rule(rule)?;
    store.write(|tx| {
        let before = rules(tx)?.into_iter().find(|r| r.id == rule.id);
        upsert(tx, rule)?;
        audit::record(tx, actor, now, Action::Update, "policy_rule", None, serde_json::json!({"id": rule.id, "before": before, "after": rule}))?;
        Ok(())
    })
}

/// Removes a rule; administrators only.
pub fn remove_rule(store: &mut Store, actor: &Actor, id: &str, now: chrono::NaiveDateTime) -> Result<(), PolicyError> {
    store.enter(actor.municipality)?;
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(PolicyError::AdminOnly);
    }
    store.write(|tx| {
        let before = rules(tx)?.into_iter().find(|r| r.id == id).ok_or_else(|| PolicyError::UnknownRule(id.to_string()))?;
        tx.policy_mut().remove(id)?;
        audit::record(tx, actor, now, Action::Delete, "policy_rule", None, serde_json::json!({"id": id, "before": before}))?;
        Ok(())
    })
}

/// The 8/1 renewal day on or before `on` (一斉更新).
pub fn last_renewal_day(on: NaiveDate) -> NaiveDate {
    let this_year = NaiveDate::from_ymd_opt(on.year(), 8, 1).expect("8/1 exists");
    if on >= this_year {
        this_year
    } else {
        NaiveDate::from_ymd_opt(on.year() - 1, 8, 1).expect("8/1 exists")
    }
}

/// The facts about a person that rules test.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub holds_card: bool,
    pub registration_unknown: bool,
    pub considered: bool,
    pub continuing_reason: bool,
    pub child: bool,
    pub circumstances_recorded: bool,
    pub applied: bool,
    /// Ages counted from the birthday itself.
    pub age: i32,
    pub age_on_renewal: i32,
    /// Ages under 年齢計算ニ関スル法律 (reached the day before the birthday).
    pub statutory_age: i32,
    pub statutory_age_on_renewal: i32,
}

impl Facts {
    pub(crate) fn of(conn: &crate::store::Read<'_>, p: &Person, on: NaiveDate) -> Result<Facts, StoreError> {
        let applied = conn.policy().has_standing_application(p.id, p.scheme, on)?;
        Ok(Facts {
            holds_card: p.holds_mynumber_insurance_card(),
            registration_unknown: p.card_readable() && p.registration == person::Registration::Unknown,
            considered: !p.reasons.is_empty(),
            continuing_reason: p.has_continuing_reason(&crate::settings::reason_spans_of(conn)?),
            child: p.age_on(on) < 18 || p.reasons.contains(&Reason::Child),
            circumstances_recorded: !p.reasons.is_empty() || p.facility_id.is_some(),
            applied,
            age: p.age_on(on),
            age_on_renewal: p.age_on(last_renewal_day(on)),
            statutory_age: crate::model::person::statutory_age_on(p.birth_date, on),
            statutory_age_on_renewal: crate::model::person::statutory_age_on(p.birth_date, last_renewal_day(on)),
        })
    }
}

fn matches(c: &Condition, f: &Facts) -> bool {
    // A rule with an age names how it counts it (`parse_rule` and `validate_rule` refuse one
    // that does not); the birthday count is what rules meant before they named it.
    let (age, age_on_renewal) = match c.age_by {
        Some(AgeReckoning::Statute) => (f.statutory_age, f.statutory_age_on_renewal),
        Some(AgeReckoning::Birthday) | None => (f.age, f.age_on_renewal),
    };
    c.holds_card.is_none_or(|v| v == f.holds_card)
        && c.registration_unknown.is_none_or(|v| v == f.registration_unknown)
        && c.considered.is_none_or(|v| v == f.considered)
        && c.continuing_reason.is_none_or(|v| v == f.continuing_reason)
        && c.child.is_none_or(|v| v == f.child)
        && c.circumstances_recorded.is_none_or(|v| v == f.circumstances_recorded)
        && c.applied.is_none_or(|v| v == f.applied)
        && c.min_age.is_none_or(|v| age >= v)
        && c.max_age.is_none_or(|v| age <= v)
        && c.min_age_on_renewal.is_none_or(|v| age_on_renewal >= v)
        && c.max_age_on_renewal.is_none_or(|v| age_on_renewal <= v)
}

/// Evaluates `rules` for a person of `scheme` with `facts` on `on`: the first rule in force, by
/// priority, whose condition holds.
pub fn evaluate(rules: &[Rule], scheme: Scheme, facts: &Facts, on: NaiveDate) -> Route {
    let mut candidates: Vec<&Rule> = rules.iter().filter(|r| r.scheme == scheme && r.in_force(on)).collect();
    candidates.sort_by_key(|r| (r.priority, r.effective_from));
    match candidates.into_iter().find(|r| matches(&r.condition, facts)) {
        Some(r) => Route {
            kind: r.route,
            label: r.route.label(),
            r_numbers: r.r_numbers.clone(),
            explanation: r.explanation.clone(),
            rule_id: Some(r.id.clone()),
            to_confirm: r.to_confirm,
            on,
        },
        None => Route {
            kind: RouteKind::NotApplicable,
            label: RouteKind::NotApplicable.label(),
            r_numbers: vec![],
            explanation: format!(
                "{}時点で、この方 ({}) に当てはまる交付ルールがありません。ルール設定を確認してください。",
                crate::text::wareki::format(on),
                scheme.label()
            ),
            rule_id: None,
            to_confirm: false,
            on,
        },
    }
}

/// Whether `route` gives a certificate without a new application: ex officio or provisional,
/// or the application route by a rule that requires an application to stand already (the
/// `*-applied-continues` rules: issued again at each renewal). A rule that asks for a passing
/// reason only (`continuing_reason: false`) wants a new application each time.
pub fn issued_without_application(rules: &[Rule], route: &Route) -> bool {
    match route.kind {
        RouteKind::ExOfficio | RouteKind::KoukiProvisional => true,
        RouteKind::OnApplication => route
            .rule_id
            .as_ref()
            .and_then(|id| rules.iter().find(|r| &r.id == id))
            .is_some_and(|r| r.condition.applied == Some(true) && r.condition.continuing_reason != Some(false)),
        _ => false,
    }
}

/// How `person_id` gets a 資格確認書 on `on`, with the rule's R-numbers and explanation.
pub fn route(store: &Store, actor: &Actor, person_id: i64, on: NaiveDate, _now: chrono::NaiveDateTime) -> Result<Route, PolicyError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    let p = person::load(conn, person_id)?;
    route_of(conn, &p, on)
}

/// What a desk is told of a person under 住所地特例: where to send them instead. The route and
/// the receipt of an application say it in the same words.
pub fn insured_elsewhere_message(insurer: &str) -> String {
    format!("この方は住所地特例により「{insurer}」の被保険者です。資格確認書は加入先の保険者へ申請するよう案内してください (この市では受け付けません)")
}

/// The route a referral asks the insurer desk to guide the person along: evaluated as for a
/// person who has not applied, so that a 連携票 never reads 「申請済みの要配慮者です」 while it
/// asks for an application. Whatever the person has applied for already is printed beside it,
/// from the applications themselves.
pub(crate) fn route_before_application(conn: &crate::store::Read<'_>, p: &Person, on: NaiveDate) -> Result<Route, PolicyError> {
    if p.insured_elsewhere() {
        return route_of(conn, p, on);
    }
    let facts = Facts { applied: false, ..Facts::of(conn, p, on)? };
    Ok(evaluate(&rules(conn)?, p.scheme, &facts, on))
}

pub(crate) fn route_of(conn: &crate::store::Read<'_>, p: &Person, on: NaiveDate) -> Result<Route, PolicyError> {
    // 住所地特例: whatever this city's rules say, the certificate is the other insurer's.
    if p.insured_elsewhere() {
        return Ok(Route {
            kind: RouteKind::OtherInsurer,
            label: RouteKind::OtherInsurer.label(),
            r_numbers: vec![],
            explanation: insured_elsewhere_message(&p.other_insurer),
            rule_id: None,
            to_confirm: false,
            on,
        });
    }
    let facts = Facts::of(conn, p, on)?;
    Ok(evaluate(&rules(conn)?, p.scheme, &facts, on))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_are_valid() {
        let rules = shipped_rules();
        assert!(rules.len() >= 10);
        for r in &rules {
            validate_rule(r).unwrap_or_else(|e| panic!("{}: {e}", r.id));
        }
        assert!(rules.iter().any(|r| r.id == "kouki-85-and-over" && r.to_confirm));
    }

    #[test]
    fn renewal_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(last_renewal_day(d("2026-07-31")), d("2025-08-01"));
        assert_eq!(last_renewal_day(d("2026-08-01")), d("2026-08-01"));
        assert_eq!(last_renewal_day(d("2027-01-10")), d("2026-08-01"));
    }
}
