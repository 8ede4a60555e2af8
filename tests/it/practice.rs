//! #16, as practice has it: reasons that last or pass, the card's states, the 解除申請, the
//! further proxy kinds, 代筆 and the 任意記載事項 (併記).

use crate::common::{at, date, holder, World};
use hairyo::application::{self, ApplicationInput, ApplicationStep, Document, OptionalEntry};
use hairyo::codes::Coded;
use hairyo::policy::{self, RouteKind};
use hairyo::touchpoint::{self, TouchpointInput};

fn code<E: Coded>(r: Result<impl std::fmt::Debug, E>) -> String {
    r.map(|_| ()).map_err(|e| e.code().to_string()).err().unwrap_or_else(|| "ok".into())
}

fn fields<T: std::fmt::Debug>(r: Result<T, application::ApplicationError>) -> Vec<&'static str> {
    let err = r.unwrap_err();
    assert_eq!(err.code(), "application.invalid", "{err}");
    err.invalid().unwrap().0.iter().map(|f| f.field).collect()
}

/// Receives, checks every document, reviews, decides and issues an application.
fn issue(w: &mut World, input: &ApplicationInput, now: chrono::NaiveDateTime) -> hairyo::certificate::Certificate {
    let clerk = w.actor("kokuho_clerk");
    let a = application::receive(&mut w.store, &clerk, input, now).unwrap().application;
    for c in &a.checklist {
        application::check_document(&mut w.store, &clerk, a.id, c.document, true, now).unwrap();
    }
    application::take_step(&mut w.store, &clerk, a.id, &ApplicationStep::StartReview, now).unwrap();
    application::take_step(&mut w.store, &clerk, a.id, &ApplicationStep::Decide { override_reason: None, confirmed_digits: false }, now).unwrap();
    application::issue(&mut w.store, &clerk, a.id, now.date(), now).unwrap()
}

/// A reason that passes (a lost card, a lapsed 電子証明書) asks for a new application at the
/// renewal; a lasting one (dementia) keeps the certificate coming without one. The rule data
/// says so, and the renewal list follows it.
#[test]
fn a_passing_reason_applies_again_at_renewal_and_a_lasting_one_continues() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    let mut ids = Vec::new();
    let mut ends = None;
    for (name, reason) in [("見本 一郎", "lost_or_damaged"), ("見本 二郎", "dementia"), ("見本 三郎", "certificate_lapsed")] {
        let p = w.person(|i| {
            holder(i);
            i.name = name.into();
            i.reasons = vec![reason.into()];
        });
        ends = Some(issue(&mut w, &ApplicationInput { person_id: p.id, ..Default::default() }, now).valid_until);
        ids.push(p.id);
    }
    let rule = |w: &World, id: i64| policy::route(&w.store, &clerk, id, date("2026-12-01"), now).unwrap();
    let passing = rule(&w, ids[0]);
    assert_eq!((passing.kind, passing.rule_id.as_deref()), (RouteKind::OnApplication, Some("kokuho-applied-passing")));
    assert_eq!(rule(&w, ids[1]).rule_id.as_deref(), Some("kokuho-applied-continues"));
    assert_eq!(rule(&w, ids[2]).rule_id.as_deref(), Some("kokuho-applied-passing"));

    // At the renewal after the certificates end, only the lasting reason is issued again
    // without an application.
    let renewal_day = ends.unwrap().succ_opt().unwrap();
    let list = hairyo::certificate::renewal_list(&w.store, &clerk, renewal_day, hairyo::Page { offset: 0, limit: 50 }, now).unwrap();
    let without = |id: i64| list.items.iter().find(|e| e.due.person_id == id).map(|e| e.issued_without_application);
    assert_eq!((without(ids[0]), without(ids[1]), without(ids[2])), (Some(false), Some(true), Some(false)));
}

/// The card states that leave a person without a usable マイナ保険証 route them ex officio;
/// states that cannot go together are refused with the field named.
#[test]
fn card_states_that_stop_the_card_route_ex_officio() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    for (card, registration, route) in [
        ("card", "registered", RouteKind::NotNeeded),
        ("certificate_lapsed", "registered", RouteKind::ExOfficio),
        ("returned", "not_registered", RouteKind::ExOfficio),
        ("card", "cancelled", RouteKind::ExOfficio),
        ("card", "view_blocked", RouteKind::ExOfficio),
        ("face_auth", "unknown", RouteKind::CheckRegistration),
        ("certificate_lapsed", "unknown", RouteKind::ExOfficio),
    ] {
        let p = w.person(|i| {
            i.mynumber_card = card.into();
            i.registration = registration.into();
        });
        assert_eq!(policy::route(&w.store, &clerk, p.id, date("2026-12-01"), now).unwrap().kind, route, "{card} {registration}");
    }
    let admin = w.admin.clone();
    for (card, registration) in [("returned", "registered"), ("none", "cancelled"), ("none", "view_blocked")] {
        let input = hairyo::person::PersonInput {
            name: "見本 花子".into(),
            kana: "ミホン ハナコ".into(),
            birth_date: "1960-06-15".into(),
            sex: "female".into(),
            scheme: "kokuho".into(),
            mynumber_card: card.into(),
            registration: registration.into(),
            ..Default::default()
        };
        let err = hairyo::person::add(&mut w.store, &admin, &input, now).unwrap_err();
        let named: Vec<&str> = err.invalid().unwrap().0.iter().map(|f| f.field).collect();
        assert_eq!(named, vec!["registration"], "{card} {registration}");
    }
}

/// R12: the 解除申請 is received at an insurer desk and recorded as a touchpoint; from then the
/// registration reads 利用登録の解除 and the person is routed ex officio. A welfare desk, or a
/// person with nothing to cancel, is refused.
#[test]
fn the_cancellation_request_is_recorded_and_reroutes_the_person() {
    let mut w = World::new();
    let p = w.person(holder);
    let no_card = w.person(|i| i.name = "見本 四郎".into());
    let (clerk, cw) = (w.actor("kokuho_clerk"), w.actor("kaigo_cw"));
    let now = at("2026-11-25");
    let request = |person_id: i64| TouchpointInput { person_id, kind: "cancel_request".into(), ..Default::default() };
    assert_eq!(code(touchpoint::add(&mut w.store, &cw, &request(p.id), now)), "touchpoint.cancel_request_desk");
    assert_eq!(code(touchpoint::add(&mut w.store, &clerk, &request(no_card.id), now)), "touchpoint.nothing_to_cancel");
    assert_eq!(policy::route(&w.store, &clerk, p.id, now.date(), now).unwrap().kind, RouteKind::NotNeeded);
    let recorded = touchpoint::add(&mut w.store, &clerk, &request(p.id), now).unwrap();
    assert!(recorded.r12_guidance.is_some(), "the clerk is reminded that the certificate can be had while keeping the card");
    let after = hairyo::person::get(&mut w.store, &clerk, p.id, now).unwrap();
    assert_eq!((after.registration, after.wishes_cancel), (hairyo::person::Registration::Cancelled, true));
    assert_eq!(policy::route(&w.store, &clerk, p.id, now.date(), now).unwrap().kind, RouteKind::ExOfficio);
    // A second request finds nothing left to cancel.
    assert_eq!(code(touchpoint::add(&mut w.store, &clerk, &request(p.id), now)), "touchpoint.nothing_to_cancel");
}

/// The further proxy kinds, 代筆 and the case where no 委任 can be given: who each may represent
/// and the documents each brings.
#[test]
fn each_proxy_kind_brings_its_own_documents() {
    use Document::*;
    let mut w = World::new();
    let admin = w.admin.clone();
    let facility = hairyo::facility::add(
        &mut w.store,
        &admin,
        &hairyo::facility::FacilityInput { name: "見本乳児院".into(), kind: "infant_home".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    let adult = w.person(holder);
    let child = w.person(|i| {
        holder(i);
        i.name = "見本 小太郎".into();
        i.birth_date = "2024-03-03".into();
        i.facility_id = Some(facility.id);
    });
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    let proxy = |person_id: i64, authority: &str| ApplicationInput {
        person_id,
        applicant: "proxy".into(),
        authority: authority.into(),
        proxy_name: "見本 太郎".into(),
        proxy_address: "見本市本町1番地".into(),
        proxy_relationship: "代理人".into(),
        ..Default::default()
    };
    let docs = |w: &mut World, input: ApplicationInput| -> Vec<Document> {
        application::receive(&mut w.store, &clerk, &input, now).unwrap().application.checklist.iter().map(|c| c.document).collect()
    };
    let cases: Vec<(ApplicationInput, Vec<Document>)> = vec![
        (proxy(child.id, "facility_head"), vec![StaffId, PlacementNotice]),
        (proxy(child.id, "minor_guardian"), vec![ProxyId, MinorGuardianRecord]),
        (proxy(adult.id, "curator"), vec![ProxyId, AgencyRegistry]),
        (proxy(adult.id, "voluntary_guardian"), vec![ProxyId, VoluntaryRegistry]),
        // 代筆 of the 委任状 by the proxy: the person's own ID is checked as well.
        (
            ApplicationInput { signing: "ghostwritten".into(), writer_name: "見本 太郎".into(), ..proxy(adult.id, "relative") },
            vec![ProxyId, Delegation, PersonId],
        ),
        // 代筆 by someone else: their ID too.
        (
            ApplicationInput { signing: "ghostwritten".into(), writer_name: "見本 次子".into(), ..proxy(adult.id, "relative") },
            vec![ProxyId, Delegation, PersonId, WriterId],
        ),
        // The person's own 申請書, written for them.
        (
            ApplicationInput { person_id: adult.id, signing: "ghostwritten".into(), writer_name: "見本 次子".into(), ..Default::default() },
            vec![ApplicantId, WriterId],
        ),
        // No 委任 can be given: a statement of why instead of the 委任状.
        (ApplicationInput { signing: "no_delegation".into(), ..proxy(adult.id, "caregiver") }, vec![ProxyId, NoDelegationStatement]),
    ];
    for (input, want) in cases {
        let mut want = want;
        want.sort();
        let label = format!("{} {}", input.authority, input.signing);
        assert_eq!(docs(&mut w, input), want, "{label}");
    }

    let count = |w: &World| w.store.conn().query_row("SELECT count(*) FROM application", [], |r| r.get::<_, i64>(0)).unwrap();
    let before = count(&w);
    let refused: Vec<(ApplicationInput, &str)> = vec![
        (proxy(adult.id, "facility_head"), "authority"),
        (proxy(adult.id, "minor_guardian"), "authority"),
        (proxy(child.id, "curator"), "authority"),
        (ApplicationInput { signing: "ghostwritten".into(), ..proxy(adult.id, "relative") }, "writer_name"),
        (ApplicationInput { signing: "ghostwritten".into(), writer_name: "見本 次子".into(), ..proxy(adult.id, "guardian") }, "signing"),
        (ApplicationInput { signing: "no_delegation".into(), ..proxy(adult.id, "guardian") }, "signing"),
        (ApplicationInput { writer_name: "見本 次子".into(), ..proxy(adult.id, "relative") }, "writer_name"),
        (ApplicationInput { signing: "thumbprint".into(), ..proxy(adult.id, "relative") }, "signing"),
        (ApplicationInput { optional_entries: vec!["blood_type".into()], ..proxy(adult.id, "relative") }, "optional_entries"),
    ];
    for (input, field) in refused {
        let label = format!("{} {} {:?}", input.authority, input.signing, input.optional_entries);
        assert_eq!(fields(application::receive(&mut w.store, &clerk, &input, now)), vec![field], "{label}");
    }
    assert_eq!(count(&w), before, "nothing refused is stored");
}

/// 任意記載事項: asked for on the application, printed on its form, recorded on the certificate
/// and kept by a reissue.
#[test]
fn optional_entries_go_from_the_application_to_the_certificate() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let now = at("2026-11-25");
    let clerk = w.actor("kokuho_clerk");
    let input = ApplicationInput {
        person_id: p.id,
        optional_entries: vec!["specific_disease".into(), "limit_category".into(), "limit_category".into()],
        signing: "ghostwritten".into(),
        writer_name: "見本 次子".into(),
        ..Default::default()
    };
    let c = issue(&mut w, &input, now);
    assert_eq!(c.optional_entries, vec![OptionalEntry::LimitCategory, OptionalEntry::SpecificDisease]);
    let step = hairyo::certificate::CertificateStep::Reissue {
        cause: hairyo::certificate::ReissueCause::Lost,
        on: String::new(),
        note: String::new(),
        confirmed_digits: false,
    };
    let replacement = hairyo::certificate::take_step(&mut w.store, &clerk, c.id, &step, now).unwrap();
    assert_eq!(replacement.optional_entries, c.optional_entries);

    let request = hairyo::print::PrintRequest::ApplicationForm { person_id: p.id, application_id: c.application_id };
    let printed = hairyo::print::print(&mut w.store, &clerk, &request, now, &mut |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("form.pdf");
    std::fs::write(&pdf, &printed.bytes).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().expect("pdftotext");
    let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    for want in ["併記の希望", "限度額適用区分", "特定疾病区分", "代筆者氏名", "見本次子"] {
        assert!(text.contains(want), "{want}: {text}");
    }
}
