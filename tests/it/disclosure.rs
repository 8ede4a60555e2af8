//! What each desk sees of protected data, through the operation catalogue the HTTP API and the
//! window answer from: the answers to edits, the CSV exports and the audit log.

use serde_json::{json, Value};

use crate::common::{at, World};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};

/// The protected person's real address and safe address: strings found nowhere else.
pub(crate) const ADDRESS: &str = "金糸雀町一丁目";
pub(crate) const POSTAL: &str = "111-2233";
pub(crate) const SAFE: &str = "金糸雀荘気付";
pub(crate) const SAFE_POSTAL: &str = "111-4455";
/// The protected person's 世帯番号: it finds the members they live with.
pub(crate) const HOUSEHOLD: &str = "99887766";
/// A child-welfare desk's case note.
pub(crate) const CHILD_NOTE: &str = "雛鳥の見守り記録";
/// What a certificate shows of the holder's insurance, as an answer carries it (JSON, searched
/// with its quotes taken out, so JSON inside a CSV cell is searched too) and as a text or a
/// print says it: stays with the insurer desks.
pub(crate) const DISEASE_CODE: &str = "specified_disease:hiv";
pub(crate) const DISEASE: &str = "抗ウイルス剤を投与している後天性免疫不全症候群";
pub(crate) const LIMIT_CLASS: &str = "limit_class:e";

fn b64(file: &Value) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(file["content_base64"].as_str().expect("a file")).expect("base64");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn b64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

pub(crate) fn call(w: &mut World, actor: &Actor, name: &str, args: Value) -> Result<Value, hairyo::codes::ErrorBody> {
    hairyo::operation::call(&mut w.store, actor, name, args, at("2026-11-25"))
}

/// A world with a supervisor at every desk, a protected person with a certificate, and a
/// touchpoint with a note at the child-welfare desk.
fn world() -> (World, i64) {
    world_on(crate::common::fresh_store())
}

/// [`world`] on the given empty store.
fn world_on(store: hairyo::store::Store) -> (World, i64) {
    let mut w = World::new_on(store);
    for desk in [Desk::Kaigo, Desk::Jido, Desk::Shogai] {
        let admin = w.admin.clone();
        let login = format!("{}_sv", desk.code());
        staff::add(&mut w.store, &admin, &NewStaff { login, name: "試験 係長".into(), desk, role: Role::Supervisor }, at("2025-04-01")).unwrap();
    }
    let p = w.person(|i| {
        i.atena_no = "700000001".into();
        i.household_no = HOUSEHOLD.into();
        i.relationship = "子".into();
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

/// 転出先 of a protected person who moved out.
pub(crate) const MOVED_TO: &str = "雲雀村";

/// Every canary with whether `audience` may see it.
fn canaries(a: &Audience) -> Vec<(&'static str, bool)> {
    let place = a.sees_protected_address();
    let insurance = a.sees_insurance_details();
    vec![
        (ADDRESS, place),
        (POSTAL, place),
        (SAFE, place),
        (SAFE_POSTAL, place),
        (MOVED_TO, place),
        (HOUSEHOLD, place),
        (CHILD_NOTE, a.sees_child_notes()),
        (DISEASE_CODE, insurance),
        (DISEASE, insurance),
        (LIMIT_CLASS, insurance),
    ]
}

use hairyo::disclosure::Audience;

/// The ids the samples refer to.
pub(crate) struct Ids {
    pub(crate) protected: i64,
    pub(crate) moved: i64,
    pub(crate) to_move: i64,
    pub(crate) child: i64,
    pub(crate) facility: i64,
    pub(crate) referral: i64,
    pub(crate) application: i64,
    pub(crate) proxy_application: i64,
    pub(crate) certificate: i64,
    pub(crate) mailing: i64,
    pub(crate) registration: i64,
}

/// Every role at every desk, and the administrator.
fn everyone(w: &mut World) -> Vec<Actor> {
    let mut all = vec![w.admin.clone()];
    for desk in Desk::ALL {
        for role in [Role::Caseworker, Role::Clerk, Role::Supervisor] {
            let login = format!("c_{}_{}", desk.code(), role.code());
            let admin = w.admin.clone();
            staff::add(&mut w.store, &admin, &NewStaff { login: login.clone(), name: "試験 職員".into(), desk: *desk, role }, at("2025-04-01")).unwrap();
            all.push(w.actor(&login));
        }
    }
    all
}

/// A database whose protected data are canary strings: a protected person with a certificate,
/// an application and a referral in a facility; a protected person who moved out (so every
/// closing note was written); and a child-welfare note.
fn canary_world() -> (World, Ids) {
    canary_world_on(crate::common::fresh_store())
}

/// [`canary_world`] on the given empty store (another municipality's, in tests/it/tenants.rs).
pub(crate) fn canary_world_on(store: hairyo::store::Store) -> (World, Ids) {
    let (mut w, protected) = world_on(store);
    let admin = w.admin.clone();
    let kokuho = w.actor("kokuho_clerk");
    let kaigo = w.actor("kaigo_cw");
    let facility = call(&mut w, &admin, "list_facilities", json!({})).unwrap();
    let facility = match facility["items"].as_array().and_then(|a| a.first()) {
        Some(f) => f["id"].as_i64().unwrap(),
        None => {
            let f = hairyo::facility::add(
                &mut w.store,
                &admin,
                &hairyo::facility::FacilityInput {
                    name: "見本ホーム".into(), kind: "elderly".into(), address: "見本市東町1番".into(), ..Default::default()
                },
                at("2025-05-01"),
            )
            .unwrap();
            f.id
        }
    };
    call(&mut w, &admin, "update_person", json!({"id": protected, "patch": {"facility_id": facility, "reasons": ["facility"]}})).unwrap();
    let referral = call(&mut w, &kaigo, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": protected, "reason": "施設入所のため"}}))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let application = call(
        &mut w,
        &kokuho,
        "receive_application",
        json!({"input": {"person_id": protected, "channel": "counter", "applicant": "self", "delivery": "counter", "reasons": ["facility"]}}),
    )
    .unwrap()["application"]["id"]
        .as_i64()
        .unwrap();
    // A proxy of the same household lives at the protected address.
    let proxy = json!({"person_id": protected, "channel": "counter", "applicant": "proxy", "authority": "same_household", "proxy_name": "保護 家族", "household_confirmed": true,
        "proxy_address": ADDRESS, "proxy_relationship": "子", "delivery": "counter", "reasons": ["facility"]});
    let proxy_application =
        call(&mut w, &kokuho, "receive_application", json!({ "input": proxy })).expect("a proxy application")["application"]["id"].as_i64().unwrap();
    let certificate = hairyo::record::show(&mut w.store, &admin, protected, at("2026-11-25")).unwrap().certificates[0].id;
    let protect = |i: &mut hairyo::person::PersonInput| {
        i.postal_code = POSTAL.into();
        i.address = ADDRESS.into();
        i.protected = true;
        i.safe_postal_code = SAFE_POSTAL.into();
        i.safe_address = SAFE.into();
    };
    let moved = w.person(protect).id;
    call(&mut w, &kokuho, "issue_certificate", json!({"person_id": moved, "scheme": "kokuho", "basis": "ex_officio"})).unwrap();
    call(&mut w, &kaigo, "send_referral", json!({"input": {"sharing_basis": "consent", "person_id": moved, "reason": "転居の相談"}})).unwrap();
    call(&mut w, &kokuho, "move_out", json!({"person_id": moved, "input": {"moved_to": MOVED_TO}})).expect("move out");
    let to_move = w.person(protect).id;
    // A mailing writes to the protected person at home, at the safe address.
    call(&mut w, &admin, "update_person", json!({"id": to_move, "patch": {"reasons": ["dementia"]}})).unwrap();
    let mailing = call(&mut w, &kokuho, "start_mailing", json!({"input": {"title": "在宅の案内", "deadline": "2026-12-20", "selection": {}}}))
        .expect("a mailing")["id"]
        .as_i64()
        .unwrap();
    let child = w.person(|i| i.name = "見本 太郎".into()).id;
    let jido = w.actor("jido_cw");
    call(&mut w, &jido, "add_touchpoint", json!({"input": {"person_id": child, "date": "2026-11-21", "kind": "counter", "notes": CHILD_NOTE}})).unwrap();
    // The core systems fed the protected person's certificate with what the card shows, and a
    // second one that disagrees with it (a conflict waiting for a clerk).
    let fed = "宛名番号,区分,制度,日付,有効期限,番号,負担割合,限度区分,特定疾病,特別療養費\n\
               700000001,交付,国保,2026-11-25,2027-07-31,77,3割,エ,抗ウイルス剤を投与している後天性免疫不全症候群,1\n\
               700000001,交付,国保,2026-11-20,2027-07-31,77,3割,エ,抗ウイルス剤を投与している後天性免疫不全症候群,1\n";
    // A person whose mail went to a relative's (a standing 送付先変更) and who came under 支援措置
    // since: the registration's address is their whereabouts.
    let later = w.person(|i| i.name = "登録 後保護".into()).id;
    let registration = call(
        &mut w,
        &kokuho,
        "register_delivery",
        json!({"input": {"person_id": later, "postal_code": SAFE_POSTAL, "address": SAFE, "addressee": "保護 家族", "reason": "relative", "requested_by": "本人"}}),
    )
    .expect("a registration")["id"]
        .as_i64()
        .unwrap();
    call(&mut w, &admin, "update_person", json!({"id": later, "patch": {"protected": true, "safe_postal_code": SAFE_POSTAL, "safe_address": SAFE}}))
        .expect("protect");
    let fed = call(&mut w, &admin, "import_issue_feed", json!({"content_base64": b64_of(fed), "encoding": "utf-8"})).expect("the certificate feed");
    assert_eq!(fed["committed"], true, "{fed}");
    for kind in hairyo::export::ExportKind::ALL {
        let profile = json!({"name": format!("全列 {}", kind.code()), "kind": kind.code(), "columns": hairyo::export::columns(*kind), "encoding": "utf-8"});
        call(&mut w, &admin, "save_export_profile", json!({ "profile": profile })).expect("export profile");
    }
    (w, Ids { protected, moved, to_move, child, facility, referral, application, proxy_application, certificate, mailing, registration })
}

/// Arguments for every operation of the catalogue: each is called with each of its samples by
/// every desk and role. An operation missing here fails the test, so one added later is covered.
pub(crate) fn samples(name: &str, ids: &Ids, city: &Value) -> Vec<Value> {
    let p = ids.protected;
    let csv = |text: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    };
    match name {
        "home"
        | "desk_contacts"
        | "import_profiles"
        | "list_staff"
        | "certificate_validity"
        | "policy_rules"
        | "leaflet_statements"
        | "poster_postings"
        | "codes"
        | "screen_codes"
        | "city"
        | "reminders"
        | "renewal_season"
        | "export_profiles"
        | "feed_profiles"
        | "export_audit"
        | "referral_queue"
        | "list_facilities"
        | "certificate_returns_due"
        | "outreach_events"
        | "mailings" => vec![json!({})],
        "mailing_preview" => vec![json!({"selection": {}})],
        "start_mailing" => vec![json!({"input": {"title": "在宅の案内", "deadline": "2026-12-20", "selection": {"reasons": ["dementia"]}}})],
        "show_mailing" => vec![json!({"id": ids.mailing})],
        "record_mailing_outcomes" => vec![json!({"id": ids.mailing, "outcomes": [{"person_id": ids.to_move, "outcome": "declined"}]})],
        "export_mailing_addresses" => vec![json!({"id": ids.mailing, "encoding": "utf-8"})],
        "list_persons" => vec![json!({}), json!({"query": "ミホン"})],
        "search_persons" => vec![json!({"query": "見本"}), json!({"query": "ミホン ハナコ"})],
        "show_person" => vec![json!({"id": p}), json!({"id": ids.moved}), json!({"id": ids.child})],
        "add_person" => vec![json!({"input": {"name": "追加 保護", "kana": "ツイカ ホゴ", "birth_date": "1950-01-01", "sex": "female", "scheme": "kokuho",
            "postal_code": POSTAL, "address": ADDRESS, "protected": true, "safe_postal_code": SAFE_POSTAL, "safe_address": SAFE}})],
        "update_person" => vec![json!({"id": p, "patch": {"phone": "048-999-0000"}}), json!({"id": ids.moved, "patch": {"notes": "確認済み"}})],
        "add_touchpoint" => vec![json!({"input": {"person_id": p, "date": "2026-11-22", "kind": "phone", "leaflets": ["bessou1"]}})],
        "send_referral" => vec![json!({"input": {"person_id": p, "reason": "再度の相談", "sharing_basis": "consent"}})],
        "referral_action" => vec![json!({"id": ids.referral, "action": {"action": "comment", "body": "確認します"}})],
        "receive_application" => {
            vec![json!({"input": {"person_id": p, "channel": "counter", "applicant": "self", "delivery": "counter", "reasons": ["facility"]}})]
        }
        "check_document" => vec![json!({"id": ids.application, "document": "applicant_id", "checked": true})],
        "application_step" => vec![json!({"id": ids.application, "step": {"step": "decide"}})],
        "post_poster" => vec![json!({"input": {"desk": "kokuho", "place": "本庁舎1階"}})],
        "take_down_poster" => vec![json!({"id": 1})],
        "set_city" => vec![json!({ "settings": city })],
        "save_import_profile" => vec![json!({"profile": {"name": "試験", "columns": {}}})],
        "set_desk_contact" => vec![json!({"contact": {"desk": "kokuho", "name": "国保年金課", "phone": "0120-000-101", "hours": "", "place": ""}})],
        "set_reason_spans" => vec![json!({"spans": [{"reason": "other", "span": "continuing"}]})],
        "set_desk_contacts" => vec![json!({"contacts": [{"desk": "kokuho", "name": "国保年金課", "phone": "0120-000-101", "hours": "", "place": ""}]})],
        "set_facility_campaign" => vec![json!({"id": ids.facility, "campaign": "none"})],
        "add_staff" => vec![json!({"input": {"login": "", "name": "", "desk": "kokuho", "role": "clerk", "password": ""}})],
        "set_staff_password" => vec![json!({"login": "nobody", "password": "x"})],
        "set_certificate_validity" => vec![json!({"validity": {"scheme": "kokuho", "years": "", "end_month": "7", "end_day": "31"}})],
        "set_policy_rule" => vec![json!({"rule": {"id": "", "priority": 1, "scheme": "kokuho", "effective_from": "", "effective_until": "", "condition": {},
            "route": "ex_officio", "r_numbers": [], "explanation": "", "to_confirm": false, "source": ""}})],
        "remove_policy_rule" => vec![json!({"id": "no-such-rule"})],
        "set_leaflet_statement" => vec![json!({"id": "no-such-statement", "mode": "default"})],
        "print" => vec![
            json!({"request": {"kind": "application_form", "person_id": p, "application_id": ids.application}}),
            json!({"request": {"kind": "delegation_letter", "person_id": p}}),
            json!({"request": {"kind": "application_form", "person_id": p, "application_id": ids.proxy_application}}),
            json!({"request": {"kind": "delegation_letter", "person_id": p, "application_id": ids.proxy_application}}),
            json!({"request": {"kind": "facility_batch", "facility_id": ids.facility}}),
            json!({"request": {"kind": "referral_sheet", "referral_id": ids.referral}}),
            json!({"request": {"kind": "hand_over_sheet", "person_id": ids.moved}}),
            json!({"request": {"kind": "forwarding_register", "forwarded_on": "2026-11-25"}}),
            json!({"request": {"kind": "leaflet", "leaflet": "bessou1"}}),
            json!({"request": {"kind": "mailing_letters", "mailing_id": ids.mailing}}),
        ],
        "export_csv" => hairyo::export::ExportKind::ALL.iter().map(|k| json!({"kind": k.code(), "encoding": "utf-8"})).collect(),
        "export_with_profile" => hairyo::export::ExportKind::ALL.iter().map(|k| json!({"name": format!("全列 {}", k.code())})).collect(),
        "export_forwarding_register" => vec![json!({"forwarded_on": "2026-11-25", "encoding": "utf-8"})],
        "import_persons" => vec![
            json!({"content_base64": csv(&format!("宛名番号,氏名,フリガナ,生年月日,性別,郵便番号,住所\n990000001,取込 花子,トリコミ ハナコ,1950-01-01,female,{POSTAL},{ADDRESS}\n")), "encoding": "utf-8", "dry_run": true}),
        ],
        "import_union_results" => vec![json!({"content_base64": csv("申請ID,結果,決定日\n1,issued,2026-11-20\n"), "encoding": "utf-8", "dry_run": true})],
        "issue_certificate" => vec![json!({"person_id": p, "scheme": "kokuho", "basis": "ex_officio"})],
        "certificate_step" => vec![json!({"id": ids.certificate, "step": {"step": "mail_returned", "on": ""}})],
        "move_out" => vec![json!({"person_id": ids.to_move, "input": {"moved_to": MOVED_TO}})],
        "renewal_list" => vec![json!({})],
        "access_review" => vec![json!({"input": {}}), json!({"input": {"login": "kaigo_cw"}})],
        "retention_policy" | "disposal_list" | "disposals" | "prune_audit" => vec![json!({})],
        "set_retention_policy" => vec![json!({"input": {"person_years": "5", "touchpoint_years": "5", "referral_years": "5", "application_years": "5",
            "certificate_years": "5", "audit_years": "10"}})],
        "dispose" => vec![json!({"person_ids": [ids.moved]})],
        "set_renewal_schedule" => vec![json!({"schedule": {}})],
        "save_export_profile" => vec![json!({"profile": {"name": "試験", "kind": "certificates", "columns": ["送付先"], "encoding": "utf-8"}})],
        "start_campaign" => vec![json!({"input": {"facility_id": ids.facility, "deadline": "2027-01-31"}})],
        "facility_campaigns" => vec![json!({"id": ids.facility})],
        "receive_campaign_returns" => vec![json!({"id": 1, "returns": [{"person_id": p, "outcome": "declined"}]})],
        "save_feed_profile" => vec![json!({"profile": {"name": "試験", "atena_no": "宛名番号", "event": "事由", "date": "日付", "value": "値"}})],
        "import_feed" => vec![json!({"content_base64": csv("宛名番号,事由,日付,値\n900000009,死亡,2026-11-20,\n"), "dry_run": true})],
        "add_outreach_event" => vec![json!({"input": {"held_on": "2026-11-20", "place": "見本公民館"}})],
        "issue_feed_profiles" | "age_reissues" | "break_glass_uses" => vec![json!({})],
        "save_issue_feed_profile" => vec![json!({"profile": {"name": "試験", "headers": {"atena_no": "宛名", "on": "交付日"}}})],
        "import_issue_feed" => {
            vec![json!({"content_base64": csv("宛名番号,区分,制度,日付,有効期限,番号\n700000001,交付,国保,2026-11-25,2027-07-31,77\n"), "dry_run": true})]
        }
        "certificate_conflicts" => vec![json!({}), json!({"open_only": true})],
        "resolve_certificate_conflict" => vec![json!({"id": 1, "resolution": "kept_recorded"})],
        "register_delivery" => {
            vec![json!({"input": {"person_id": p, "postal_code": POSTAL, "address": ADDRESS, "reason": "relative", "requested_by": "本人"}})]
        }
        "end_delivery_registration" => vec![json!({"id": ids.registration})],
        "receive_outreach_batch" => vec![json!({"id": 1, "papers": [{"atena_no": "900000009"}]})],
        other => {
            panic!("the catalogue's operation {other} has no sample in tests/it/disclosure.rs: add one, so that its answers are searched for protected data")
        }
    }
}

/// The text a reader gets from an answer: the JSON itself, and inside every file it carries
/// (a CSV as text, a PDF as pdftotext reads it).
pub(crate) fn readable(answer: &Value, dir: &std::path::Path) -> String {
    use base64::Engine;
    let mut text = answer.to_string();
    if let Some(b64) = answer.get("content_base64").and_then(Value::as_str) {
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        if answer["content_type"] == "application/pdf" {
            let pdf = dir.join("answer.pdf");
            std::fs::write(&pdf, &bytes).unwrap();
            let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
            text.push_str(&String::from_utf8_lossy(&out.stdout));
        } else {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// The canary test: every operation of the catalogue (enumerated from `operation::NAMES`), with
/// every export kind and profile and every print kind among its samples, called by every desk
/// and role; each answer (or refusal), with the files it carries, is searched for every canary,
/// which may appear only for the audiences docs/access.md names. Runs on both engines.
#[test]
fn no_answer_of_the_catalogue_shows_a_desk_what_it_may_not_see() {
    let (mut w, ids) = canary_world();
    let admin = w.admin.clone();
    let city = call(&mut w, &admin, "city", json!({})).unwrap();
    let city = json!({"city_name": city["city_name"], "addressee": city["addressee"], "kouki_union": city["kouki_union"]});
    let dir = tempfile::tempdir().unwrap();
    // The canaries are where the test looks: the entitled desks see them.
    let record = readable(&call(&mut w, &admin, "show_person", json!({"id": ids.protected})).unwrap(), dir.path());
    assert!(record.contains(ADDRESS) && record.contains(SAFE), "{record}");
    assert!(readable(&call(&mut w, &admin, "show_person", json!({"id": ids.moved})).unwrap(), dir.path()).contains(MOVED_TO));
    let jido = w.actor("jido_cw");
    assert!(readable(&call(&mut w, &jido, "show_person", json!({"id": ids.child})).unwrap(), dir.path()).contains(CHILD_NOTE));
    let _ = ids.child;

    let mut leaks = Vec::new();
    let mut answered = 0;
    for actor in everyone(&mut w) {
        let audience = Audience::of(&actor);
        for name in hairyo::operation::NAMES {
            for args in samples(name, &ids, &city) {
                let answer = match call(&mut w, &actor, name, args.clone()) {
                    Ok(v) => {
                        answered += 1;
                        v
                    }
                    Err(e) => json!({"code": e.code, "message": e.message, "fields": e.fields.iter().map(|f| &f.message).collect::<Vec<_>>()}),
                };
                let text = readable(&answer, dir.path());
                let text = format!("{text}\n{}", text.replace(['"', '\\'], ""));
                for (canary, may) in canaries(&audience) {
                    if !may && text.contains(canary) {
                        leaks.push(format!("{} ({} {}): {name} {args} shows {canary}", actor.login, actor.desk.label(), actor.role.label()));
                    }
                }
            }
        }
    }
    assert!(answered > 500, "the samples mostly reach the core's answers, not refusals of their arguments: {answered}");
    assert!(leaks.is_empty(), "{} answers show protected data:\n{}", leaks.len(), leaks.join("\n"));
}

/// Every argument object the catalogue takes refuses a field it does not know, at every depth:
/// each sample is sent with an extra field at its top and inside each object it holds, and is
/// refused as `command.invalid` naming the field (the HTTP API and the window send exactly
/// these arguments to `operation::call`).
#[test]
fn every_argument_of_the_catalogue_refuses_an_unknown_field_at_every_depth() {
    let (mut w, ids) = canary_world();
    let admin = w.admin.clone();
    let city = call(&mut w, &admin, "city", json!({})).unwrap();
    let mut tried = 0;
    let mut accepted = Vec::new();
    for name in hairyo::operation::NAMES {
        for args in samples(name, &ids, &city) {
            let mut variants = vec![("top".to_string(), {
                let mut a = args.clone();
                a["zzz_unknown"] = json!(1);
                a
            })];
            for (key, value) in args.as_object().unwrap() {
                let mut a = args.clone();
                match value {
                    Value::Object(_) => a[key]["zzz_unknown"] = json!(1),
                    Value::Array(items) if items.first().is_some_and(Value::is_object) => a[key][0]["zzz_unknown"] = json!(1),
                    _ => continue,
                }
                variants.push((key.clone(), a));
            }
            for (depth, a) in variants {
                tried += 1;
                match call(&mut w, &admin, name, a.clone()) {
                    Err(e) if e.code == "command.invalid" && e.message.contains("zzz_unknown") => {}
                    other => accepted.push(format!("{name} ({depth}) {a}: {:?}", other.map(|_| "accepted").map_err(|e| (e.code, e.message)))),
                }
            }
        }
    }
    assert!(tried > 100, "{tried}");
    assert!(accepted.is_empty(), "unknown fields not refused:\n{}", accepted.join("\n"));
}

/// Searches, lists, queues, record views, prints and exports leave a trace, and the access
/// review tells a supervisor who saw a protected person, by period and by staff member.
#[test]
fn reads_leave_a_trace_and_the_access_review_names_who_saw_a_protected_person() {
    let (mut w, id) = world();
    let other = w.person(|i| i.name = "別人 一郎".into()).id;
    let kaigo = w.actor("kaigo_cw");
    let jido = w.actor("jido_sv");
    let kokuho = w.actor("kokuho_sv");
    call(&mut w, &kaigo, "search_persons", json!({"query": "見本 花子"})).unwrap();
    call(&mut w, &kaigo, "show_person", json!({"id": id})).unwrap();
    call(&mut w, &kaigo, "print", json!({"request": {"kind": "application_form", "person_id": id}})).unwrap();
    call(&mut w, &jido, "list_persons", json!({})).unwrap();
    call(&mut w, &kaigo, "show_person", json!({"id": other})).unwrap();
    call(&mut w, &kokuho, "export_csv", json!({"kind": "certificates", "encoding": "utf-8"})).unwrap();

    let e = call(&mut w, &kaigo, "access_review", json!({"input": {}})).unwrap_err();
    assert_eq!(e.code, "audit.forbidden", "a caseworker does not review access");
    let review = call(&mut w, &kokuho, "access_review", json!({"input": {}})).unwrap();
    let records = review["records"].as_array().unwrap();
    let of = |login: &str, what: &str| records.iter().any(|r| r["login"] == login && r["what"].as_str().unwrap().starts_with(what));
    assert!(of("kaigo_cw", "検索結果に表示") && of("kaigo_cw", "記録を閲覧") && of("kaigo_cw", "申請書を印刷"), "{review}");
    assert!(of("jido_sv", "対象者一覧に表示"), "{review}");
    assert!(of("kokuho_sv", "CSV 出力"), "an export holds every protected person: {review}");
    assert!(records.iter().filter(|r| !r["person_id"].is_null()).all(|r| r["person_id"] == id), "only the protected person is reviewed: {review}");
    assert_eq!(review["protected_persons"], 1);
    let kaigo_count = review["by_staff"].as_array().unwrap().iter().find(|s| s["login"] == "kaigo_cw").unwrap()["accesses"].as_u64().unwrap();
    assert_eq!(kaigo_count, 3, "the view of an unprotected person is not counted: {review}");

    let one = call(&mut w, &kokuho, "access_review", json!({"input": {"login": "jido_sv", "from": "2026-11-01", "to": "2026-11-25"}})).unwrap();
    assert!(one["records"].as_array().unwrap().iter().all(|r| r["login"] == "jido_sv") && one["total"] == 1, "{one}");
    let before = call(&mut w, &kokuho, "access_review", json!({"input": {"from": "2026-10-01", "to": "2026-10-31"}})).unwrap();
    assert_eq!(before["total"], 0, "{before}");
    let bad = call(&mut w, &kokuho, "access_review", json!({"input": {"from": "いつか"}})).unwrap_err();
    assert_eq!((bad.code.as_str(), bad.fields[0].field), ("audit.invalid", "from"), "{}", bad.message);
    let reversed = call(&mut w, &kokuho, "access_review", json!({"input": {"from": "2026-11-25", "to": "2026-11-01"}})).unwrap_err();
    assert_eq!(reversed.fields[0].field, "to", "{}", reversed.message);
    // The search's text is in the log, which only its readers see.
    let log = hairyo::audit::list(&w.store, &kokuho, None, hairyo::Page::new(0, 200), at("2026-11-25")).unwrap();
    assert!(log.items.iter().any(|e| e.record_kind == "search" && e.detail["query"] == "見本 花子" && e.login == "kaigo_cw"));
    assert!(log.items.iter().any(|e| e.record_kind == "access_review" && e.login == "kokuho_sv"), "the review itself is logged");
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

/// A protected person's facility is their whereabouts: a desk that may not see it does not
/// learn it from the record, a search, the facility's person list, its campaigns or its batch
/// print; the insurer desks do.
#[test]
fn a_protected_residents_facility_is_their_whereabouts() {
    let (mut w, id) = world();
    let admin = w.admin.clone();
    let f = hairyo::facility::add(
        &mut w.store,
        &admin,
        &hairyo::facility::FacilityInput {
            name: "止まり木ホーム".into(), kind: "elderly".into(), address: "見本市東町1番".into(), ..Default::default()
        },
        at("2025-05-01"),
    )
    .unwrap();
    call(
        &mut w,
        &admin,
        "update_person",
        json!({"id": id, "patch": {"name": "止木 保護", "kana": "トマリギ ホゴ", "facility_id": f.id, "reasons": ["facility"],
        "mynumber_card": "card", "registration": "registered"}}),
    )
    .unwrap();
    w.person(|i| {
        crate::common::holder(i);
        i.name = "同室 一郎".into();
        i.facility_id = Some(f.id);
        i.reasons = vec!["facility".into()];
    });
    call(&mut w, &admin, "start_campaign", json!({"input": {"facility_id": f.id, "deadline": "2027-01-31"}})).expect("campaign");
    let dir = tempfile::tempdir().unwrap();
    for (login, sees) in [("kaigo_cw", false), ("jido_sv", false), ("kokuho_clerk", true)] {
        let actor = w.actor(login);
        let record = call(&mut w, &actor, "show_person", json!({ "id": id })).unwrap();
        assert_eq!(record["facility"].is_null(), !sees, "{login}: {record}");
        assert_eq!(record["person"]["facility_id"].is_null(), !sees, "{login}");
        let hits = call(&mut w, &actor, "search_persons", json!({"query": "止木"})).unwrap();
        assert_eq!(hits["hits"]["items"][0]["person"]["facility_name"].is_null(), !sees, "{login}: {hits}");
        let filter = hairyo::person::PersonFilter { facility_id: Some(f.id), ..Default::default() };
        let listed = hairyo::person::list(&mut w.store, &actor, &filter, hairyo::Page::new(0, 50), at("2026-11-25")).unwrap();
        assert_eq!(listed.items.iter().any(|p| p.id == id), sees, "{login}: the facility's person list");
        assert!(listed.items.iter().any(|p| p.name.starts_with("同室")), "{login}: the other resident is listed");
        let campaigns = call(&mut w, &actor, "facility_campaigns", json!({"id": f.id})).unwrap();
        assert_eq!(campaigns.to_string().contains("止木"), sees, "{login}: {campaigns}");
        let batch = call(&mut w, &actor, "print", json!({"request": {"kind": "facility_batch", "facility_id": f.id}})).unwrap();
        let text = readable(&batch, dir.path());
        assert_eq!(text.contains("止木"), sees, "{login}: the batch print");
        if !sees {
            assert!(batch["warnings"].to_string().contains("支援措置の対象者 1名"), "{login}: {}", batch["warnings"]);
        }
    }
}

/// The stored nouns do not cross the catalogue as they are; their disclosed forms do. The
/// catalogue's `json` takes only `Disclosed` answers, so an operation answering with a stored
/// person does not compile; this test keeps the stored nouns out of that trait.
#[test]
fn stored_nouns_cross_the_catalogue_only_as_disclosed() {
    use hairyo::disclosure::{Disclosed, Shown};
    use std::marker::PhantomData;
    // Autoref specialisation: `Crosses` applies only where the type implements `Disclosed`.
    struct Probe<T>(PhantomData<T>);
    trait Refused {
        fn crosses(&self) -> bool {
            false
        }
    }
    impl<T> Refused for Probe<T> {}
    trait Crosses {
        fn crosses(&self) -> bool {
            true
        }
    }
    impl<T: Disclosed> Crosses for &Probe<T> {}
    macro_rules! crosses {
        ($t:ty) => {
            (&&Probe::<$t>(PhantomData)).crosses()
        };
    }
    assert!(!crosses!(hairyo::person::Person));
    assert!(!crosses!(hairyo::certificate::Certificate));
    assert!(!crosses!(hairyo::touchpoint::Touchpoint));
    assert!(!crosses!(hairyo::application::Application));
    assert!(!crosses!(hairyo::campaign::FacilityCampaign));
    assert!(!crosses!(Vec<hairyo::person::Person>));
    assert!(!crosses!(hairyo::Paged<hairyo::certificate::Certificate>));
    assert!(crosses!(Shown<hairyo::person::Person>));
    assert!(crosses!(Shown<hairyo::certificate::Certificate>));
    assert!(crosses!(hairyo::Paged<Shown<hairyo::certificate::Certificate>>));
    assert!(crosses!(hairyo::record::PersonRecord));
}
