//! Records kept no longer than needed: the retention periods, the disposal list, the disposal
//! and its record, through the operation catalogue the window and the HTTP API use.

use serde_json::{json, Value};

use crate::common::{at, World};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};

fn call(w: &mut World, actor: &Actor, name: &str, args: Value, on: &str) -> Result<Value, hairyo::codes::ErrorBody> {
    hairyo::operation::call(&mut w.store, actor, name, args, at(on))
}

/// A person with a touchpoint, a referral and a certificate, who moved out on `moved_on`.
fn ended(w: &mut World, name: &str, kana: &str, moved_on: &str, protected: bool) -> i64 {
    let id = w
        .person(|i| {
            i.name = name.into();
            i.kana = kana.into();
            if protected {
                i.protected = true;
                i.safe_address = "見本市役所 気付".into();
            }
        })
        .id;
    let (kaigo, kokuho) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"));
    let day = &moved_on[..10];
    call(w, &kaigo, "add_touchpoint", json!({"input": {"person_id": id, "date": day, "kind": "counter", "notes": "相談の記録"}}), day).unwrap();
    call(w, &kaigo, "send_referral", json!({"input": {"person_id": id, "reason": "資格確認書の案内"}}), day).unwrap();
    call(w, &kokuho, "issue_certificate", json!({"person_id": id, "scheme": "kokuho", "basis": "ex_officio", "issued_on": day}), day).unwrap();
    call(w, &kokuho, "move_out", json!({"person_id": id, "input": {"moved_on": day, "moved_to": "隣町"}}), day).expect("move out");
    id
}

fn world() -> World {
    let mut w = World::new();
    let admin = w.admin.clone();
    staff::add(
        &mut w.store,
        &admin,
        &NewStaff { login: "kaigo_sv".into(), name: "試験 係長".into(), desk: Desk::Kaigo, role: Role::Supervisor },
        at("2019-01-01"),
    )
    .unwrap();
    w
}

#[test]
fn a_disposal_removes_what_is_past_its_period_and_records_what_went() {
    let mut w = world();
    let admin = w.admin.clone();
    let policy = json!({"input": {"person_years": "5", "touchpoint_years": "2", "referral_years": "5", "application_years": "5",
        "certificate_years": "5", "audit_years": "10"}});
    call(&mut w, &admin, "set_retention_policy", policy, "2019-01-01").expect("policy");
    let gone = ended(&mut w, "廃棄 一郎", "ハイキ イチロウ", "2019-04-01", false);
    let partly = ended(&mut w, "一部 花子", "イチブ ハナコ", "2023-06-01", false);
    let protected = ended(&mut w, "保護 次郎", "ホゴ ジロウ", "2019-04-01", true);
    let recent = ended(&mut w, "最近 三郎", "サイキン サブロウ", "2025-06-01", false);
    let today = "2026-11-25";
    let (sv, kaigo_sv) = (w.actor("kokuho_sv"), w.actor("kaigo_sv"));

    assert_eq!(call(&mut w, &kaigo_sv, "disposal_list", json!({}), today).unwrap_err().code, "access.denied", "a welfare desk does not dispose");
    let list = call(&mut w, &sv, "disposal_list", json!({}), today).expect("the list");
    let candidates = list["candidates"].as_array().unwrap();
    let scopes = |id: i64| -> Vec<String> {
        candidates
            .iter()
            .find(|c| c["person_id"] == id)
            .map(|c| c["due"].as_array().unwrap().iter().map(|d| d["scope"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(scopes(gone), ["person"], "{list}");
    assert_eq!(scopes(partly), ["touchpoints"], "only the kind whose period has passed: {list}");
    assert!(scopes(protected).is_empty() && scopes(recent).is_empty(), "{list}");
    assert_eq!(list["kept_protected"], 1, "a protected person is kept while the protection lasts");

    for (ids, code) in [(json!([protected]), "retention.not_due"), (json!([recent]), "retention.not_due"), (json!([]), "retention.invalid")] {
        assert_eq!(call(&mut w, &sv, "dispose", json!({ "person_ids": ids }), today).unwrap_err().code, code, "{ids}");
    }
    // All or nothing: one person not due refuses the whole approval.
    assert_eq!(call(&mut w, &sv, "dispose", json!({"person_ids": [gone, recent]}), today).unwrap_err().code, "retention.not_due");
    assert!(hairyo::record::show(&mut w.store, &admin, gone, at(today)).is_ok(), "nothing went");

    let done = call(&mut w, &sv, "dispose", json!({"person_ids": [gone, partly]}), today).expect("dispose");
    assert_eq!(done["persons"], 2);
    assert!(done["list"]["candidates"].as_array().unwrap().is_empty(), "{done}");
    assert_eq!(hairyo::record::show(&mut w.store, &admin, gone, at(today)).unwrap_err().code(), "person.not_found");
    let found = call(&mut w, &admin, "search_persons", json!({"query": "廃棄 一郎"}), today).unwrap();
    assert_eq!(found["hits"]["total"], 0, "gone from the search index: {found}");
    for kind in ["persons", "touchpoints", "referrals", "certificates"] {
        let file = call(&mut w, &admin, "export_csv", json!({"kind": kind, "encoding": "utf-8"}), today).unwrap();
        use base64::Engine;
        let text = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(file["content_base64"].as_str().unwrap()).unwrap()).unwrap();
        assert!(!text.contains("廃棄"), "{kind} export: {text}");
    }
    let rest = hairyo::record::show(&mut w.store, &admin, partly, at(today)).unwrap();
    assert!(rest.touchpoints.is_empty(), "the touchpoints went");
    assert_eq!((rest.referrals.len(), rest.certificates.len()), (1, 1), "the rest stays until its period");

    let record = call(&mut w, &sv, "disposals", json!({}), today).unwrap();
    let items = record["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{record}");
    assert!(
        items.iter().any(|d| d["person_ref"] == gone && d["scope"] == "person" && d["login"] == "kokuho_sv" && d["removed"].as_i64() == Some(4)),
        "{record}"
    );
    assert!(items.iter().any(|d| d["person_ref"] == partly && d["scope"] == "touchpoints" && d["removed"] == 1), "{record}");
    assert!(!record.to_string().contains("廃棄") && !record.to_string().contains("一部"), "the record names what went, not its content");
    let log = hairyo::audit::list(&w.store, &admin, Some(("person", gone)), hairyo::Page::new(0, 5), at(today)).unwrap();
    assert_eq!(log.items[0].action, hairyo::audit::Action::Delete);
    assert!(!log.items[0].detail.to_string().contains("廃棄"), "{}", log.items[0].detail);
    let verified = hairyo::audit::verify(&w.store, &admin, at(today)).unwrap();
    assert!(verified.ok, "{}", verified.message);
}

#[test]
fn the_retention_periods_are_checked_whole() {
    let mut w = world();
    let admin = w.admin.clone();
    let input = |person: &str, touchpoint: &str| {
        json!({"input": {"person_years": person, "touchpoint_years": touchpoint, "referral_years": "5", "application_years": "5",
            "certificate_years": "5", "audit_years": "10"}})
    };
    let before = call(&mut w, &admin, "retention_policy", json!({}), "2026-11-25").unwrap();
    assert_eq!(before["person_years"], 5, "the default: {before}");
    for (person, touchpoint, field) in
        [("0", "5", "person_years"), ("5", "三", "touchpoint_years"), ("31", "5", "person_years"), ("4", "5", "person_years"), ("", "5", "person_years")]
    {
        let e = call(&mut w, &admin, "set_retention_policy", input(person, touchpoint), "2026-11-25").unwrap_err();
        assert_eq!(e.code, "retention.invalid", "{person}/{touchpoint}");
        assert_eq!(e.fields[0].field, field, "{}", e.message);
    }
    assert_eq!(call(&mut w, &admin, "retention_policy", json!({}), "2026-11-25").unwrap(), before, "nothing stored");
    let saved = call(&mut w, &admin, "set_retention_policy", input("１０", "3"), "2026-11-25").expect("full-width digits are numbers");
    assert_eq!((saved["person_years"].as_u64(), saved["touchpoint_years"].as_u64()), (Some(10), Some(3)));
    let clerk = w.actor("kokuho_sv");
    assert_eq!(call(&mut w, &clerk, "set_retention_policy", input("10", "3"), "2026-11-25").unwrap_err().code, "access.denied");
}
