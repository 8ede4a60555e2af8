//! Settings typed in the window: a staff member with the first password, and a policy rule
//! with 和暦 dates. Every field's problem comes back at once, next to its field, and a refused
//! form stores nothing.

use crate::common;

use common::{at, date, World};
use hairyo::codes::Coded;
use hairyo::policy::{self, RuleInput};
use hairyo::staff::{self, StaffInput};

fn fields(e: &dyn Coded) -> Vec<&'static str> {
    e.invalid().map(|i| i.0.iter().map(|f| f.field).collect()).unwrap_or_default()
}

#[test]
fn a_staff_member_is_added_with_the_first_password_or_not_at_all() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let before = staff::list(&w.store, &w.admin, common::at("2026-11-25")).unwrap().len();
    let bad = StaffInput { login: "新人 1".into(), name: "".into(), desk: "somewhere".into(), role: "clerk".into(), password: "1234".into() };
    let err = staff::add_with_password(&mut w.store, &admin, &bad, at("2026-11-25")).unwrap_err();
    assert_eq!(err.code(), "staff.invalid");
    assert_eq!(fields(&err), ["login", "name", "desk", "password"], "{err}");
    assert_eq!(staff::list(&w.store, &w.admin, common::at("2026-11-25")).unwrap().len(), before, "nothing stored");

    let good =
        StaffInput { login: "shinjin1".into(), name: "見本 新人".into(), desk: "kaigo".into(), role: "caseworker".into(), password: "mihon-pass-1".into() };
    staff::add_with_password(&mut w.store, &admin, &good, at("2026-11-25")).unwrap();
    let signed_in = staff::sign_in(&mut w.store, "shinjin1", "mihon-pass-1", at("2026-11-25")).unwrap();
    assert_eq!((signed_in.desk, signed_in.role), (staff::Desk::Kaigo, staff::Role::Caseworker));
    let again = staff::add_with_password(&mut w.store, &admin, &good, at("2026-11-25")).unwrap_err();
    assert_eq!(again.code(), "staff.login_taken");

    let clerk = w.actor("shinjin1");
    let other = StaffInput { login: "shinjin2".into(), ..good };
    assert_eq!(staff::add_with_password(&mut w.store, &clerk, &other, at("2026-11-25")).unwrap_err().code(), "staff.admin_only");
}

fn rule_input() -> RuleInput {
    RuleInput {
        id: "mihon-rule".into(),
        priority: 5,
        scheme: "kokuho".into(),
        effective_from: "令和8年8月1日".into(),
        effective_until: "R9.7.31".into(),
        route: "on_application".into(),
        r_numbers: vec!["R3".into(), " ".into()],
        explanation: "見本の説明".into(),
        ..Default::default()
    }
}

#[test]
fn a_typed_rule_reads_wareki_dates_and_reports_every_bad_field() {
    let rule = policy::parse_rule(&rule_input()).unwrap();
    assert_eq!((rule.effective_from, rule.effective_until), (date("2026-08-01"), Some(date("2027-07-31"))));
    assert_eq!(rule.r_numbers, ["R3"]);

    let bad = RuleInput {
        id: " ".into(),
        scheme: "shaho".into(),
        effective_from: "昭和64年2月1日".into(),
        route: "".into(),
        r_numbers: vec!["R16".into()],
        explanation: "".into(),
        ..rule_input()
    };
    let err = policy::parse_rule(&bad).unwrap_err();
    assert_eq!(err.code(), "policy.invalid");
    assert_eq!(fields(&err), ["id", "scheme", "route", "effective_from", "r_numbers", "explanation"], "{err}");
    let explanation = err.invalid().unwrap().0.iter().find(|f| f.field == "explanation").unwrap().message.clone();
    assert_eq!(explanation, "説明を入力してください");

    let backwards = RuleInput { effective_until: "2026-07-31".into(), ..rule_input() };
    assert_eq!(fields(&policy::parse_rule(&backwards).unwrap_err()), ["effective_until"]);
    let open_ended = RuleInput { effective_until: "".into(), ..rule_input() };
    assert_eq!(policy::parse_rule(&open_ended).unwrap().effective_until, None);
}

#[test]
fn a_saved_rule_is_listed_with_its_period() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let rule = policy::parse_rule(&rule_input()).unwrap();
    policy::set_rule(&mut w.store, &admin, &rule, at("2026-11-25")).unwrap();
    let stored = policy::list_rules(&w.store, &w.admin, common::at("2026-11-25")).unwrap().into_iter().find(|r| r.id == "mihon-rule").unwrap();
    assert_eq!(stored, rule);
}

/// 窓口の連絡先 are saved together: a refused row (named by its desk) stores no row, so an edit
/// elsewhere is not lost half-way; rows that did not change are not written again.
#[test]
fn desk_contacts_are_saved_together_or_not_at_all() {
    use hairyo::settings;
    let mut w = World::new();
    let admin = w.admin.clone();
    let now = at("2026-11-25");
    let before = settings::desk_contacts(&w.store, &admin, now).unwrap();
    let mut rows = before.clone();
    let kokuho = rows.iter().position(|c| c.desk == staff::Desk::Kokuho).unwrap();
    let kouki = rows.iter().position(|c| c.desk == staff::Desk::Kouki).unwrap();
    rows[kokuho].phone = "0120-111-222".into();
    rows[kouki].phone = "電話はありません".into();
    let e = settings::set_desk_contacts(&mut w.store, &admin, &rows, now).unwrap_err();
    assert_eq!(e.code(), "settings.invalid");
    assert!(e.to_string().contains("後期高齢者医療の電話番号"), "the refusal names the row: {e}");
    assert_eq!(settings::desk_contacts(&w.store, &admin, now).unwrap(), before, "nothing stored");
    rows[kouki].phone = "0120-333-444".into();
    let audited = |w: &World| -> i64 { w.store.conn().query_row("SELECT count(*) FROM audit_event WHERE record_kind = 'desk'", [], |r| r.get(0)).unwrap() };
    let n = audited(&w);
    let saved = settings::set_desk_contacts(&mut w.store, &admin, &rows, now).unwrap();
    assert_eq!(saved[kokuho].phone, "0120-111-222");
    assert_eq!(saved[kouki].phone, "0120-333-444");
    assert_eq!(audited(&w) - n, 2, "only the two changed rows are written");
    let clerk = w.actor("kokuho_clerk");
    assert_eq!(settings::set_desk_contacts(&mut w.store, &clerk, &rows, now).unwrap_err().code(), "settings.admin_only");
}
