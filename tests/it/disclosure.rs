//! What each desk sees of protected data, through the operation catalogue the HTTP API and the
//! window answer from: the answers to edits, the CSV exports and the audit log.

use serde_json::{json, Value};

use crate::common::{at, World};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};

/// The protected person's real address and safe address: strings found nowhere else.
const ADDRESS: &str = "金糸雀町一丁目";
const POSTAL: &str = "111-2233";
const SAFE: &str = "金糸雀荘気付";
const SAFE_POSTAL: &str = "111-4455";
/// A child-welfare desk's case note.
const CHILD_NOTE: &str = "雛鳥の見守り記録";

fn b64(file: &Value) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(file["content_base64"].as_str().expect("a file")).expect("base64");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn call(w: &mut World, actor: &Actor, name: &str, args: Value) -> Result<Value, hairyo::codes::ErrorBody> {
    hairyo::operation::call(&mut w.store, actor, name, args, at("2026-11-25"))
}

/// A world with a supervisor at every desk, a protected person with a certificate, and a
/// touchpoint with a note at the child-welfare desk.
fn world() -> (World, i64) {
    let mut w = World::new();
    for desk in [Desk::Kaigo, Desk::Jido, Desk::Shogai] {
        let admin = w.admin.clone();
        let login = format!("{}_sv", desk.code());
        staff::add(&mut w.store, &admin, &NewStaff { login, name: "試験 係長".into(), desk, role: Role::Supervisor }, at("2025-04-01")).unwrap();
    }
    let p = w.person(|i| {
        i.postal_code = POSTAL.into();
        i.address = ADDRESS.into();
        i.protected = true;
        i.safe_postal_code = SAFE_POSTAL.into();
        i.safe_address = SAFE.into();
    });
    let clerk = w.actor("kokuho_clerk");
    call(&mut w, &clerk, "issue_certificate", json!({"person_id": p.id, "scheme": "kokuho", "basis": "ex_officio"})).expect("issue");
    let jido = w.actor("jido_cw");
    call(&mut w, &jido, "add_touchpoint", json!({"input": {"person_id": p.id, "date": "2026-11-20", "kind": "counter", "notes": CHILD_NOTE}}))
        .expect("touchpoint");
    (w, p.id)
}

fn assert_withheld(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} carries {s}: {text}");
    }
}

#[test]
fn the_answer_to_an_edit_shows_only_what_the_desk_may_see() {
    let (mut w, id) = world();
    for login in ["kaigo_cw", "shogai_cw", "jido_cw"] {
        let actor = w.actor(login);
        let answer = call(&mut w, &actor, "update_person", json!({"id": id, "patch": {"phone": "048-000-1111"}})).expect("edit");
        assert_eq!(answer["phone"], "048-000-1111");
        assert_withheld(&format!("{login}'s answer to update_person"), &answer.to_string(), &[ADDRESS, POSTAL, SAFE, SAFE_POSTAL]);
    }
    // The insurer desk that mails the certificate still sees it in its answer.
    let clerk = w.actor("kokuho_clerk");
    let answer = call(&mut w, &clerk, "update_person", json!({"id": id, "patch": {"phone": "048-000-2222"}})).unwrap();
    assert_eq!(answer["address"], ADDRESS);
    assert_eq!(answer["safe_address"], SAFE);
}

#[test]
fn exports_show_a_welfare_desk_neither_protected_delivery_addresses_nor_child_notes() {
    let (mut w, _) = world();
    for login in ["kaigo_sv", "jido_sv", "shogai_sv"] {
        let actor = w.actor(login);
        for kind in ["certificates", "expiring", "persons"] {
            let file = call(&mut w, &actor, "export_csv", json!({"kind": kind, "encoding": "utf-8"})).expect("export");
            assert_withheld(&format!("{login}'s {kind} CSV"), &b64(&file), &[ADDRESS, POSTAL, SAFE, SAFE_POSTAL]);
        }
    }
    for login in ["kaigo_sv", "shogai_sv"] {
        let actor = w.actor(login);
        let file = call(&mut w, &actor, "export_csv", json!({"kind": "touchpoints", "encoding": "utf-8"})).unwrap();
        assert_withheld(&format!("{login}'s touchpoints CSV"), &b64(&file), &[CHILD_NOTE]);
        assert!(b64(&file).contains(hairyo::disclosure::WITHHELD_NOTES), "the row is there, its note withheld");
    }
    // The desks entitled to them still get them.
    let jido = w.actor("jido_sv");
    assert!(b64(&call(&mut w, &jido, "export_csv", json!({"kind": "touchpoints", "encoding": "utf-8"})).unwrap()).contains(CHILD_NOTE));
    let kokuho = w.actor("kokuho_sv");
    assert!(b64(&call(&mut w, &kokuho, "export_csv", json!({"kind": "certificates", "encoding": "utf-8"})).unwrap()).contains(SAFE));
}

#[test]
fn the_audit_log_shows_a_reader_only_what_that_reader_may_see() {
    let (mut w, id) = world();
    let kokuho = w.actor("kokuho_clerk");
    call(&mut w, &kokuho, "update_person", json!({"id": id, "patch": {"address": "金糸雀町二丁目", "phone": "048-000-3333"}})).unwrap();
    // An entry written before the rule held the whole person before and after; it is withheld
    // when read, and the chain still verifies.
    let mut before = hairyo::person::get(&mut w.store, &w.admin.clone(), id, at("2026-11-25")).unwrap();
    before.address = ADDRESS.into();
    let old_entry = json!({"before": before, "after": before});
    w.store.write(|tx| hairyo::audit::record(tx, &kokuho, at("2026-11-25"), hairyo::audit::Action::Update, "person", Some(id), old_entry)).unwrap();
    for login in ["jido_sv", "kaigo_sv"] {
        let actor = w.actor(login);
        let file = call(&mut w, &actor, "export_audit", json!({})).expect("audit export");
        assert_withheld(&format!("{login}'s audit export"), &b64(&file), &[ADDRESS, "金糸雀町二丁目", POSTAL, SAFE, SAFE_POSTAL]);
        let listed = hairyo::audit::list(&w.store, &actor, Some(("person", id)), hairyo::Page::new(0, 100), at("2026-11-25")).unwrap();
        let text = serde_json::to_string(&listed.items).unwrap();
        assert_withheld(&format!("{login}'s audit list"), &text, &[ADDRESS, "金糸雀町二丁目", SAFE]);
        assert!(text.contains("048-000-3333"), "what the reader may see stays: {text}");
    }
    // New entries name what changed without holding the protected values at all.
    let stored: String =
        w.store.conn().query_row("SELECT detail FROM audit_event WHERE record_kind = 'person' AND detail LIKE '%048-000-3333%'", (), |r| r.get(0)).unwrap();
    assert!(stored.contains("\"address\"") && !stored.contains("金糸雀町二丁目"), "{stored}");
    let verified = hairyo::audit::verify(&w.store, &w.admin.clone(), at("2026-11-25")).unwrap();
    assert!(verified.ok, "{}", verified.message);
}

#[test]
fn a_misspelt_field_inside_an_input_is_refused_not_dropped() {
    let (mut w, id) = world();
    let clerk = w.actor("kokuho_clerk");
    let e = call(&mut w, &clerk, "add_touchpoint", json!({"input": {"person_id": id, "date": "2026-11-20", "kind": "counter", "leaflet": ["bessou1"]}}))
        .unwrap_err();
    assert_eq!(e.code, "command.invalid");
    assert!(e.message.contains("leaflet"), "the message names the field: {}", e.message);
    let record = hairyo::record::show(&mut w.store, &w.admin.clone(), id, at("2026-11-25")).unwrap();
    assert_eq!(record.touchpoints.len(), 1, "nothing was stored: only the world's own touchpoint");
}
