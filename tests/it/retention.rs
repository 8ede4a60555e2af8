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
    call(w, &kaigo, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": id, "reason": "資格確認書の案内"}}), day).unwrap();
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

/// The store the tests work on, and on PostgreSQL the schema owner's store on the same
/// database: pruning the audit log is the owner's alone there.
fn stores() -> (hairyo::store::Store, Option<hairyo::store::Store>) {
    use hairyo::store;
    match crate::common::pg_server() {
        Some(server) => {
            let owner_url = crate::common::fresh_pg_database(&server);
            crate::common::create_app_role(&server);
            let mut owner = store::pg::open(&owner_url).expect("owner");
            owner.write(|tx| store::pg::grant_app_role(tx, crate::common::PG_APP_ROLE)).expect("grant");
            (store::pg::open(&crate::common::app_url(&owner_url)).expect("app role"), Some(owner))
        }
        None => (store::open_in_memory().expect("store"), None),
    }
}

/// The audit entries as the log lists them: (id, stamp), newest first.
fn audit_entries(w: &mut World, on: &str) -> Vec<(i64, String)> {
    audit_log(w, on).iter().map(|e| (e["id"].as_i64().unwrap(), e["at"].as_str().unwrap().to_string())).collect()
}

fn audit_log(w: &mut World, on: &str) -> Vec<Value> {
    let page = hairyo::audit::list(&w.store, &w.admin, None, hairyo::Page { offset: 0, limit: 500 }, at(on)).expect("audit list");
    page.items.iter().map(|e| serde_json::to_value(e).unwrap()).collect()
}

/// A world whose audit log has entries past a one-year period on 2026-11-25 (everything up to
/// 2025-06-01), then one inside it, then one stamped before the period's start but logged
/// after (a clock set wrong), which must stay. On PostgreSQL, also the schema owner's store.
fn old_log() -> (World, Option<hairyo::store::Store>) {
    let (store, owner) = stores();
    let mut w = World::new_on(store);
    let (admin, kaigo) = (w.admin.clone(), w.actor("kaigo_cw"));
    let policy = json!({"input": {"person_years": "5", "touchpoint_years": "5", "referral_years": "5", "application_years": "5",
        "certificate_years": "5", "audit_years": "1"}});
    call(&mut w, &admin, "set_retention_policy", policy, "2025-06-01").expect("policy");
    let id = w.person(|_| {}).id;
    call(&mut w, &kaigo, "add_touchpoint", json!({"input": {"person_id": id, "date": "2026-03-01", "kind": "counter"}}), "2026-03-01").unwrap();
    call(&mut w, &kaigo, "add_touchpoint", json!({"input": {"person_id": id, "date": "2025-01-01", "kind": "counter"}}), "2025-01-01").unwrap();
    (w, owner)
}

/// The audit log's own period: the oldest entries past it go as one unbroken prefix (an entry
/// stamped old but logged after a young one stays), the chain is anchored so `audit verify`
/// still checks what is left and later entries go on from it, the pruning itself is logged,
/// and a desk without the permission prunes nothing. On PostgreSQL the desks' role is refused
/// (it may neither delete entries nor write anchors) and the schema owner prunes.
#[test]
fn the_audit_log_is_pruned_past_its_period_and_its_chain_still_verifies() {
    let (mut w, owner) = old_log();
    let (admin, sv, kaigo) = (w.admin.clone(), w.actor("kokuho_sv"), w.actor("kaigo_cw"));
    let today = "2026-11-25";
    let before = audit_entries(&mut w, today);
    let young = before.iter().filter(|(_, at)| at.starts_with("2026-03-01")).map(|(id, _)| *id).min().expect("the entry inside the period");
    let list = call(&mut w, &sv, "disposal_list", json!({}), today).unwrap();
    let past = list["audit_entries_past"].as_i64().unwrap();
    assert_eq!(past, young - 1, "every entry before the first one inside the period, and only those");
    assert_eq!(list["audit_kept_from"], "2025-11-25");

    assert_eq!(call(&mut w, &kaigo, "prune_audit", json!({}), today).unwrap_err().code, "access.denied");
    if let Some(owner) = owner {
        assert_eq!(call(&mut w, &sv, "prune_audit", json!({}), today).unwrap_err().code, "store.role");
        assert_eq!(call(&mut w, &sv, "disposal_list", json!({}), today).unwrap()["audit_entries_past"].as_i64(), Some(past), "nothing went");
        let refused = w.store.conn().execute_batch("INSERT INTO audit_anchor VALUES (1, '', 0, '', '', 1)").expect_err("an anchor by the desks' role");
        assert!(refused.to_string().contains("42501"), "{refused}");
        w.store = owner;
    }
    let done = call(&mut w, &sv, "prune_audit", json!({}), today).expect("prune");
    assert_eq!(done["pruned"].as_i64(), Some(past));
    assert!(done["verification"].as_str().unwrap().contains("廃棄済み"), "{done}");
    let after = audit_entries(&mut w, today);
    assert_eq!(after.iter().map(|(id, _)| *id).min(), Some(young), "the kept log starts at the first entry inside the period");
    assert!(after.iter().any(|(_, at)| at.starts_with("2025-01-01")), "the entry logged after a young one stays");
    let log = audit_log(&mut w, today);
    let logged = log.iter().find(|e| e["record_kind"] == "audit_log").expect("the pruning is logged");
    assert_eq!(logged["detail"]["pruned"].as_i64(), Some(past), "{logged}");
    let v = hairyo::audit::verify(&w.store, &admin, at(today)).unwrap();
    assert!(v.ok, "{}", v.message);
    // Later entries go on from the anchor, and a second pruning finds nothing.
    let id = w.person(|_| {}).id;
    call(&mut w, &kaigo, "add_touchpoint", json!({"input": {"person_id": id, "date": "2026-11-25", "kind": "counter"}}), today).unwrap();
    assert_eq!(call(&mut w, &sv, "prune_audit", json!({}), today).unwrap()["pruned"].as_i64(), Some(0));
    let kept = audit_entries(&mut w, today).len();
    let v = hairyo::audit::verify(&w.store, &admin, at(today)).unwrap();
    assert!(v.ok && v.events == kept, "{} ({kept} listed)", v.message);
    assert_eq!(call(&mut w, &sv, "disposal_list", json!({}), today).unwrap()["audit_entries_past"].as_i64(), Some(0));

    // The anchor is what the kept log is checked from: one removed leaves the log unanchored.
    let lift = if w.store.conn().is_pg() {
        "ALTER TABLE audit_anchor DISABLE TRIGGER audit_anchor_no_update; DELETE FROM audit_anchor"
    } else {
        "DROP TRIGGER audit_anchor_no_delete; DELETE FROM audit_anchor"
    };
    w.store.conn().execute_batch(lift).unwrap();
    let v = hairyo::audit::verify(&w.store, &admin, at(today)).unwrap();
    assert!(!v.ok && v.message.contains("削除されています"), "{}", v.message);
}

/// Pruning a broken chain would also remove the trace of the tampering: it is refused, and
/// nothing goes.
#[test]
fn a_broken_audit_chain_is_not_pruned() {
    let (mut w, owner) = old_log();
    if let Some(owner) = owner {
        w.store = owner;
    }
    let sv = w.actor("kokuho_sv");
    let tamper = if w.store.conn().is_pg() {
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update; UPDATE audit_event SET detail = '{}' WHERE id = 2"
    } else {
        "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET detail = '{}' WHERE id = 2"
    };
    w.store.conn().execute_batch(tamper).unwrap();
    let today = "2026-11-25";
    let past = call(&mut w, &sv, "disposal_list", json!({}), today).unwrap()["audit_entries_past"].as_i64();
    let e = call(&mut w, &sv, "prune_audit", json!({}), today).unwrap_err();
    assert_eq!(e.code, "retention.audit_chain_broken", "{}", e.message);
    assert!(e.message.contains("ID 2"), "{}", e.message);
    assert_eq!(call(&mut w, &sv, "disposal_list", json!({}), today).unwrap()["audit_entries_past"].as_i64(), past, "nothing went");
}
