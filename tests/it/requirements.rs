//! One test per requirement of the notice (R1–R15), named after it; see docs/requirements.md.

use crate::common;

use common::{at, date, holder, World};
use hairyo::application::{self, AppStatus, ApplicationInput, Document, ProxyAuthority, UnionResult};
use hairyo::certificate;
use hairyo::facility::{self, Campaign, FacilityInput};
use hairyo::forecast;
use hairyo::leaflet::{self, Leaflet};
use hairyo::policy::{self, RouteKind};
use hairyo::touchpoint::{self, TouchpointInput};
use hairyo::Page;

fn route_kind(w: &World, id: i64, on: &str) -> (RouteKind, Vec<String>) {
    let r = policy::route(&w.store, &w.admin, id, date(on), common::at("2026-11-25")).expect("route");
    (r.kind, r.r_numbers)
}

fn proxy_input(person_id: i64, authority: &str) -> ApplicationInput {
    ApplicationInput {
        person_id,
        applicant: "proxy".into(),
        authority: authority.into(),
        proxy_name: "代理 一郎".into(),
        proxy_address: "見本市本町2丁目2番2号".into(),
        proxy_relationship: "子".into(),
        reasons: vec!["elderly".into()],
        ..Default::default()
    }
}

#[test]
fn r01_without_card_ex_officio_and_application_says_not_needed() {
    let mut w = World::new();
    let p = w.person(|_| {});
    let (kind, rn) = route_kind(&w, p.id, "2026-11-25");
    assert_eq!(kind, RouteKind::ExOfficio);
    assert_eq!(rn, vec!["R1"]);
    // Opening an application for an ex-officio person says so, and still records it.
    let clerk = w.actor("kokuho_clerk");
    let r = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-11-25")).unwrap();
    assert!(r.notices.iter().any(|n| n.contains("申請不要") && n.contains("職権交付対象")), "{:?}", r.notices);
    assert_eq!(r.application.status, AppStatus::Received);
}

#[test]
fn r02_considered_holder_gets_certificate_on_application() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let (kind, rn) = route_kind(&w, p.id, "2026-11-25");
    assert_eq!(kind, RouteKind::OnApplication);
    assert!(rn.contains(&"R2".to_string()));
    // Without a consideration reason the card suffices, yet an application is still possible.
    let q = w.person(|i| {
        holder(i);
        i.name = "見本 次郎".into();
    });
    assert_eq!(route_kind(&w, q.id, "2026-11-25").0, RouteKind::NotNeeded);
}

#[test]
fn r03_every_proxy_authority_has_its_checklist() {
    use Document::*;
    // Each authority, whom it may represent (a child for the 親権 kinds, an adult for the 後見
    // kinds) and the documents it brings.
    // 0: an adult; 1: a child in a 児童養護施設; 2: a child placed with a 里親.
    let cases: &[(ProxyAuthority, u8, &[Document])] = &[
        (ProxyAuthority::SameHousehold, 0, &[ProxyId]),
        (ProxyAuthority::Relative, 0, &[Delegation, ProxyId]),
        (ProxyAuthority::Guardian, 0, &[RegistryCertificate, ProxyId]),
        (ProxyAuthority::Parent, 1, &[FamilyRegister, ProxyId]),
        (ProxyAuthority::FacilityChild, 1, &[ParentDelegation, StaffId]),
        (ProxyAuthority::Caregiver, 0, &[Delegation, ProxyId]),
        (ProxyAuthority::FacilityAdult, 0, &[Delegation, StaffId]),
        (ProxyAuthority::FacilityHead, 1, &[PlacementNotice, StaffId]),
        (ProxyAuthority::MinorGuardian, 1, &[MinorGuardianRecord, ProxyId]),
        (ProxyAuthority::Curator, 0, &[AgencyRegistry, ProxyId]),
        (ProxyAuthority::VoluntaryGuardian, 0, &[VoluntaryRegistry, ProxyId]),
        (ProxyAuthority::ChildGuidanceChief, 2, &[PlacementNotice, StaffId]),
    ];
    assert_eq!(cases.len(), ProxyAuthority::ALL.len(), "every authority is listed");
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["elderly".into()];
    });
    let admin = w.admin.clone();
    let home = hairyo::facility::add(
        &mut w.store,
        &admin,
        &hairyo::facility::FacilityInput { name: "見本児童養護施設".into(), kind: "childrens_home".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    let child = w.person(|i| {
        holder(i);
        i.name = "見本 小花".into();
        i.birth_date = "2015-04-04".into();
        i.facility_id = Some(home.id);
    });
    let foster = hairyo::facility::add(
        &mut w.store,
        &admin,
        &hairyo::facility::FacilityInput { name: "見本 里親家庭".into(), kind: "foster".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    let fostered = w.person(|i| {
        holder(i);
        i.name = "見本 小雪".into();
        i.birth_date = "2016-06-06".into();
        i.facility_id = Some(foster.id);
    });
    let clerk = w.actor("kokuho_clerk");
    for (authority, who, docs) in cases {
        let person_id = [p.id, child.id, fostered.id][*who as usize];
        let r = application::receive(&mut w.store, &clerk, &proxy_input(person_id, authority.code()), at("2026-11-25")).unwrap();
        let got: Vec<Document> = r.application.checklist.iter().map(|c| c.document).collect();
        let mut want = docs.to_vec();
        want.sort();
        assert_eq!(got, want, "{authority:?}");
        assert!(r.application.checklist.iter().all(|c| !c.checked));
    }
    // A proxy application without the authority is refused with a message naming the field.
    let mut bad = proxy_input(p.id, "");
    bad.proxy_name = String::new();
    let err = application::receive(&mut w.store, &clerk, &bad, at("2026-11-25")).unwrap_err();
    let fields: Vec<&str> = hairyo::codes::Coded::invalid(&err).unwrap().0.iter().map(|f| f.field).collect();
    assert!(fields.contains(&"authority") && fields.contains(&"proxy_name"), "{fields:?}");
}

/// #32: for a child placed with a 里親 or in a ファミリーホーム, the 児童相談所長 acts as parent
/// (児童福祉法 第47条第2項), not a facility head; each is refused where the other applies.
#[test]
fn a_fostered_childs_parent_by_law_is_the_child_guidance_chief() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let child_in = |w: &mut World, kind: &str| {
        let f = hairyo::facility::add(
            &mut w.store,
            &admin,
            &hairyo::facility::FacilityInput { name: format!("見本 {kind}"), kind: kind.into(), ..Default::default() },
            at("2025-05-01"),
        )
        .unwrap();
        w.person(|i| {
            holder(i);
            i.birth_date = "2016-06-06".into();
            i.facility_id = Some(f.id);
        })
        .id
    };
    let fostered = child_in(&mut w, "foster");
    let in_home = child_in(&mut w, "childrens_home");
    let clerk = w.actor("kokuho_clerk");
    let receive = |w: &mut World, id: i64, authority: &str| application::receive(&mut w.store, &clerk, &proxy_input(id, authority), at("2026-11-25"));
    let refused = receive(&mut w, fostered, "facility_head").unwrap_err();
    assert!(refused.to_string().contains("児童相談所長"), "{refused}");
    assert!(receive(&mut w, fostered, "child_guidance_chief").is_ok());
    let refused = receive(&mut w, in_home, "child_guidance_chief").unwrap_err();
    assert!(refused.to_string().contains("里親・ファミリーホーム"), "{refused}");
    assert!(receive(&mut w, in_home, "facility_head").is_ok());
}

#[test]
fn r04_facility_staff_for_child_need_the_parents_delegation() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let home = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput { name: "児童養護施設 みほん学園".into(), kind: "children".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    let child = w.person(|i| {
        holder(i);
        i.birth_date = "2015-03-03".into();
        i.reasons = vec!["child".into(), "facility".into()];
        i.facility_id = Some(home.id);
    });
    let clerk = w.actor("kokuho_clerk");
    let mut input = proxy_input(child.id, "facility_child");
    input.delivery = "facility".into();
    let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-25")).unwrap().application;
    let err = application::decide(&mut w.store, &clerk, a.id, None, at("2026-11-25")).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&err), "application.checklist_incomplete");
    assert!(err.to_string().contains("親権者から施設職員への委任状"), "{err}");
    application::check_document(&mut w.store, &clerk, a.id, Document::ParentDelegation, true, at("2026-11-25")).unwrap();
    application::check_document(&mut w.store, &clerk, a.id, Document::StaffId, true, at("2026-11-25")).unwrap();
    let a = application::decide(&mut w.store, &clerk, a.id, None, at("2026-11-25")).unwrap();
    assert_eq!(a.status, AppStatus::Decided);
    let cert = application::issue(&mut w.store, &clerk, a.id, date("2026-11-25"), at("2026-11-25")).unwrap();
    assert!(cert.delivery_address.contains("みほん学園"), "{}", cert.delivery_address);
}

#[test]
fn r05_children_are_application_targets_case_by_case() {
    let mut w = World::new();
    // A child whose situation is recorded (here the 児童 reason) is an application target.
    let child = w.person(|i| {
        holder(i);
        i.birth_date = "2012-09-09".into();
        i.reasons = vec!["child".into()];
    });
    let (kind, rn) = route_kind(&w, child.id, "2026-11-25");
    assert_eq!(kind, RouteKind::OnApplication);
    assert!(rn.contains(&"R5".to_string()), "{rn:?}");
    // On turning 18 the child rule no longer applies; the reason keeps the person a 要配慮者.
    let adult = w.person(|i| {
        holder(i);
        i.name = "見本 成人".into();
        i.birth_date = "2012-09-09".into();
        i.reasons = vec!["physical".into()];
    });
    assert_eq!(route_kind(&w, adult.id, "2030-09-08").1, vec!["R2", "R4", "R5"]);
    assert_eq!(route_kind(&w, adult.id, "2030-09-09").1, vec!["R2", "R3"]);
}

/// #12 item 8: the notice says 個別の状況に応じて, so being a child with a card is not a reason to
/// apply; a recorded reason or a facility placement is.
#[test]
fn card_holding_child_is_routed_to_apply_only_with_a_reason_or_placement() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let home = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput { name: "児童養護施設 みほん学園".into(), kind: "children".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    let child = |w: &mut World, name: &str, f: &dyn Fn(&mut hairyo::person::PersonInput)| {
        w.person(|i| {
            holder(i);
            i.name = name.into();
            i.birth_date = "2016-04-10".into();
            f(i);
        })
    };
    let plain = child(&mut w, "児童 一郎", &|_| {});
    let with_child_reason = child(&mut w, "児童 二郎", &|i| i.reasons = vec!["child".into()]);
    let with_other_reason = child(&mut w, "児童 三郎", &|i| i.reasons = vec!["intellectual".into()]);
    let placed = child(&mut w, "児童 四郎", &|i| i.facility_id = Some(home.id));
    let on = "2026-11-25";
    // No reason and no placement: the ordinary card-holder route.
    let r = policy::route(&w.store, &w.admin, plain.id, date(on), at(on)).unwrap();
    assert_eq!((r.kind, r.rule_id.as_deref()), (RouteKind::NotNeeded, Some("kokuho-holder")));
    for p in [&with_child_reason, &with_other_reason, &placed] {
        let r = policy::route(&w.store, &w.admin, p.id, date(on), at(on)).unwrap();
        assert_eq!((r.kind, r.rule_id.as_deref()), (RouteKind::OnApplication, Some("kokuho-child-apply")), "{}", p.name);
        assert!(r.r_numbers.contains(&"R5".to_string()));
    }
    // Recording a reason later moves the child onto the application route.
    let clerk = w.actor("kokuho_clerk");
    hairyo::person::update(&mut w.store, &clerk, plain.id, &hairyo::person::PersonPatch { reasons: Some(vec!["pin".into()]), ..Default::default() }, at(on))
        .unwrap();
    assert_eq!(route_kind(&w, plain.id, on).0, RouteKind::OnApplication);
}

#[test]
fn r06_facility_campaign_brings_residents_into_the_forecast() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let f = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput { name: "特別養護老人ホーム みほん苑".into(), kind: "elderly".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    for n in 0..5 {
        w.person(|i| {
            holder(i);
            i.name = format!("入所 {}", ["一", "二", "三", "四", "五"][n]);
            i.reasons = vec!["facility".into()];
            i.facility_id = Some(f.id);
        });
    }
    let before = forecast::weekly(&w.store, &w.admin, 4, at("2026-11-25")).unwrap();
    assert_eq!(before.weeks.iter().map(|x| x.facility_campaigns).sum::<i64>(), 0);
    let f = facility::set_campaign(&mut w.store, &admin, f.id, Campaign::Informed, at("2026-11-25")).unwrap();
    assert_eq!(f.residents, 5);
    let after = forecast::weekly(&w.store, &w.admin, 4, at("2026-11-25")).unwrap();
    assert_eq!(after.weeks.iter().map(|x| x.facility_campaigns).sum::<i64>(), 5);
}

#[test]
fn r07_outreach_applications_are_accepted() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["pin".into()];
    });
    let clerk = w.actor("kokuho_clerk");
    let input = ApplicationInput { person_id: p.id, channel: "出張申請".into(), ..Default::default() };
    let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-25")).unwrap().application;
    assert_eq!(a.channel, application::Channel::Outreach);
    assert_eq!(a.channel_label, "出張申請");
}

#[test]
fn r08_forecast_lists_expiries_by_week_and_people_to_contact() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["elderly".into()];
    });
    let q = w.person(|i| {
        holder(i);
        i.name = "見本 三郎".into();
        i.reasons = vec!["physical".into()];
    });
    // Certificates ending in the second and the fourth week from the week of 2026-11-25 (Wed).
    certificate::issue_without_application(
        &mut w.store,
        &clerk,
        p.id,
        application::AppScheme::Kokuho,
        certificate::CertificateBasis::ExOfficio,
        date("2026-01-01"),
        Some(date("2026-12-03")),
        at("2026-11-25"),
    )
    .unwrap();
    certificate::issue_without_application(
        &mut w.store,
        &clerk,
        q.id,
        application::AppScheme::Kokuho,
        certificate::CertificateBasis::ExOfficio,
        date("2026-01-01"),
        Some(date("2026-12-14")),
        at("2026-11-25"),
    )
    .unwrap();
    let f = forecast::weekly(&w.store, &w.admin, 4, at("2026-11-25")).unwrap();
    assert_eq!(f.weeks[0].week_start, date("2026-11-23"));
    let per_week: Vec<i64> = f.weeks.iter().map(|x| x.certificate_expiries).collect();
    assert_eq!(per_week, vec![0, 1, 0, 1]);
    assert_eq!(f.contact_early.iter().map(|c| c.person_id).collect::<Vec<_>>(), vec![p.id, q.id]);
    // Once an application is in, the person is no longer expected at the counter.
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-11-25")).unwrap();
    let f = forecast::weekly(&w.store, &w.admin, 4, at("2026-11-25")).unwrap();
    assert_eq!(f.weeks.iter().map(|x| x.certificate_expiries).collect::<Vec<_>>(), vec![0, 0, 0, 1]);
}

#[test]
fn r09_kouki_provisional_until_2026_07_31_then_renewal() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1945-03-01".into(); // 81 on 2026-08-01
        i.reasons = vec!["elderly".into()];
    });
    assert_eq!(route_kind(&w, p.id, "2026-07-31"), (RouteKind::KoukiProvisional, vec!["R9".to_string()]));
    assert_eq!(route_kind(&w, p.id, "2026-08-01").0, RouteKind::OnApplication);

    let clerk = w.actor("kouki_clerk");
    // Received on the last day of the provisional period and forwarded to the 広域連合, which
    // sets it aside for the renewal (年次更新時交付); the city decides nothing itself.
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-07-31")).unwrap();
    assert!(a.notices.iter().any(|n| n.contains("R9")));
    application::check_document(&mut w.store, &clerk, a.application.id, Document::ApplicantId, true, at("2026-07-31")).unwrap();
    assert_eq!(
        hairyo::codes::Coded::code(&application::decide(&mut w.store, &clerk, a.application.id, None, at("2026-07-31")).unwrap_err()),
        "application.union_decides"
    );
    let a = application::forward(&mut w.store, &clerk, a.application.id, date("2026-07-31"), None, at("2026-07-31")).unwrap();
    let union = |result: UnionResult, on: &str| application::UnionDecision { result, decided_on: date(on), valid_until: None, reason: String::new() };
    // A 交付 within the provisional period is refused: such an application is issued at the renewal.
    let err = application::record_union_result(&mut w.store, &clerk, a.id, &union(UnionResult::Issued, "2026-07-31"), at("2026-07-31")).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&err), "application.invalid");
    assert!(err.to_string().contains("R9") || hairyo::codes::Coded::invalid(&err).unwrap().0[0].message.contains("R9"), "{err}");
    let a = application::record_union_result(&mut w.store, &clerk, a.id, &union(UnionResult::AtRenewal, "2026-07-31"), at("2026-07-31")).unwrap();
    assert_eq!(a.status, AppStatus::AtRenewal);
    let renewal = certificate::renewal_list(&w.store, &w.admin, date("2026-08-01"), Page::default(), common::at("2026-11-25")).unwrap();
    assert!(renewal.items.iter().any(|e| e.due.application_id == Some(a.id)));
    // Not before the renewal that ends the provisional period …
    let early = application::record_union_result(&mut w.store, &clerk, a.id, &union(UnionResult::Issued, "2026-07-31"), at("2026-07-31")).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&early), "application.invalid");
    // … at the renewal the union issues it; the city records that and hands it over.
    let a = application::record_union_result(&mut w.store, &clerk, a.id, &union(UnionResult::Issued, "2026-08-01"), at("2026-08-01")).unwrap();
    assert_eq!(a.status, AppStatus::UnionIssued);
    let cert = hairyo::record::show(&mut w.store, &w.admin, p.id, at("2026-08-01"))
        .unwrap()
        .certificates
        .into_iter()
        .find(|c| c.application_id == Some(a.id))
        .unwrap();
    assert_eq!((cert.valid_until, cert.issuer), (date("2027-07-31"), certificate::Issuer::Union));

    // Received the day after: 年次更新時交付 is not the union's answer to it, 交付 is.
    let b = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-08-01")).unwrap();
    application::check_document(&mut w.store, &clerk, b.application.id, Document::ApplicantId, true, at("2026-08-01")).unwrap();
    let b = application::forward(&mut w.store, &clerk, b.application.id, date("2026-08-01"), None, at("2026-08-01")).unwrap();
    assert!(application::record_union_result(&mut w.store, &clerk, b.id, &union(UnionResult::AtRenewal, "2026-08-03"), at("2026-08-03")).is_err());
    assert_eq!(
        application::record_union_result(&mut w.store, &clerk, b.id, &union(UnionResult::Issued, "2026-08-03"), at("2026-08-03")).unwrap().status,
        AppStatus::UnionIssued
    );
}

#[test]
fn r09_kouki_from_2026_08_01_by_age_on_8_1() {
    let mut w = World::new();
    let aged_85 = w.person(|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1941-08-01".into();
    });
    let aged_84 = w.person(|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.name = "見本 四郎".into();
        // 85 is reached at the end of the day before the birthday (年齢計算ニ関スル法律): one born
        // on 8/2 is 85 on 8/1 already, one born on 8/3 is not.
        i.birth_date = "1941-08-03".into();
    });
    let r = policy::route(&w.store, &w.admin, aged_85.id, date("2026-08-01"), common::at("2026-11-25")).unwrap();
    assert_eq!(r.kind, RouteKind::ExOfficio);
    assert!(r.to_confirm, "the 2026-08-01 rule ships marked 要確認");
    assert_eq!(route_kind(&w, aged_84.id, "2026-08-01").0, RouteKind::NotNeeded);
    // A holder aged 84 or under who applied keeps receiving it at later renewals.
    let clerk = w.actor("kouki_clerk");
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: aged_84.id, ..Default::default() }, at("2026-09-01")).unwrap();
    assert_eq!(route_kind(&w, aged_84.id, "2027-07-31").0, RouteKind::OnApplication);
    // At the 2027 renewal the same member is 85: issued without application.
    assert_eq!(route_kind(&w, aged_84.id, "2027-08-01").0, RouteKind::ExOfficio);
}

/// #12 item 6: a 国保 要配慮者 who applied receives the certificate again at the renewal without
/// applying again (MHLW guidance), as a 後期 member does.
#[test]
fn kokuho_continuing_rule_renews_without_a_new_application() {
    let mut w = World::new();
    let considered = |w: &mut World, name: &str| {
        w.person(|i| {
            holder(i);
            i.name = name.into();
            i.birth_date = "1961-05-20".into();
            i.reasons = vec!["dementia".into()];
        })
    };
    let applied = considered(&mut w, "継続 一子");
    let not_applied = considered(&mut w, "継続 二子");
    let refused = considered(&mut w, "継続 三子");
    let clerk = w.actor("kokuho_clerk");
    let sv = w.actor("kokuho_sv");
    let receive = |w: &mut World, id: i64| {
        let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: id, ..Default::default() }, at("2026-09-01")).unwrap().application;
        application::check_document(&mut w.store, &clerk, a.id, Document::ApplicantId, true, at("2026-09-01")).unwrap();
        a
    };
    let a = receive(&mut w, applied.id);
    application::decide(&mut w.store, &clerk, a.id, None, at("2026-09-01")).unwrap();
    let cert = application::issue(&mut w.store, &clerk, a.id, date("2026-09-02"), at("2026-09-02")).unwrap();
    assert_eq!(cert.valid_until, date("2027-07-31"));
    let b = receive(&mut w, refused.id);
    application::reject(&mut w.store, &sv, b.id, "国保の資格がありません", at("2026-09-03")).unwrap();
    // The two without a standing application hold certificates ending the same day (issued
    // before they had a card).
    for p in [&not_applied, &refused] {
        certificate::issue_without_application(
            &mut w.store,
            &clerk,
            p.id,
            application::AppScheme::Kokuho,
            certificate::CertificateBasis::ExOfficio,
            date("2026-08-01"),
            None,
            at("2026-09-03"),
        )
        .unwrap();
    }

    let r = policy::route(&w.store, &w.admin, applied.id, date("2027-08-01"), at("2027-07-01")).unwrap();
    assert_eq!((r.kind, r.rule_id.as_deref()), (RouteKind::OnApplication, Some("kokuho-applied-continues")));
    assert!(r.explanation.contains("改めて申請しなくても"), "{}", r.explanation);
    let r = policy::route(&w.store, &w.admin, not_applied.id, date("2027-08-01"), at("2027-07-01")).unwrap();
    assert_eq!(r.rule_id.as_deref(), Some("kokuho-considered-apply"));

    let list = certificate::renewal_list(&w.store, &w.admin, date("2027-08-01"), Page::default(), at("2027-07-01")).unwrap();
    let entry = |id: i64| list.items.iter().find(|e| e.due.person_id == id).unwrap_or_else(|| panic!("{id} is not on the list"));
    assert!(entry(applied.id).issued_without_application);
    assert_eq!(entry(applied.id).rule_id.as_deref(), Some("kokuho-applied-continues"));
    assert!(!entry(not_applied.id).issued_without_application, "without an application, the 要配慮者 applies at the renewal");
    assert!(!entry(refused.id).issued_without_application, "a refused application does not continue");
}

/// #12 item 4: a 国保 member belongs to 後期 from the 75th birthday (the day itself). The record,
/// the import (a warning naming the line; the import still succeeds) and the route flag it, and
/// a 国保 certificate runs at most to the day before that birthday.
#[test]
fn kokuho_member_aged_75_is_flagged_on_record_import_and_route() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.birth_date = "1951-11-26".into(); // 75 on 2026-11-26
        i.reasons = vec!["elderly".into()];
        i.atena_no = "751126001".into();
    });
    let clerk = w.actor("kokuho_clerk");
    // The day before the birthday: a 国保 member like any other.
    let before = hairyo::record::show(&mut w.store, &clerk, p.id, at("2026-11-25")).unwrap();
    assert!(before.warnings.is_empty(), "{:?}", before.warnings);
    assert_eq!(before.route.kind, RouteKind::OnApplication);
    // On the birthday itself.
    let on = hairyo::record::show(&mut w.store, &clerk, p.id, at("2026-11-26")).unwrap();
    assert_eq!(on.warnings, vec!["75歳以上のため後期高齢者医療の被保険者です（令和8年11月26日から）。加入制度を確認してください".to_string()]);
    assert_eq!((on.route.kind, on.route.rule_id.as_deref()), (RouteKind::CheckScheme, Some("kokuho-aged-75")));
    assert!(on.route.r_numbers.is_empty(), "the age rule is the law's, not the notice's: {:?}", on.route.r_numbers);
    assert!(on.route.explanation.contains("後期高齢者医療の被保険者"), "{}", on.route.explanation);
    // A clerk receiving a 国保 application is told too.
    let r = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-11-26")).unwrap();
    assert!(r.notices.iter().any(|n| n.contains("加入制度の確認")), "{:?}", r.notices);

    // A 国保 certificate ends the day before the 75th birthday, and none is issued from that day.
    let issue = |w: &mut World, on: &str, until: Option<&str>| {
        certificate::issue_without_application(
            &mut w.store,
            &clerk,
            p.id,
            application::AppScheme::Kokuho,
            certificate::CertificateBasis::ExOfficio,
            date(on),
            until.map(date),
            at("2026-11-26"),
        )
    };
    assert_eq!(issue(&mut w, "2026-08-01", None).unwrap().valid_until, date("2026-11-25"));
    let err = issue(&mut w, "2026-08-01", Some("2027-07-31")).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&err), "certificate.beyond_kokuho_age");
    let err = issue(&mut w, "2026-11-26", None).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&err), "certificate.kokuho_aged_75");
    assert!(err.to_string().contains("加入制度を確認"), "{err}");

    // The import warns by line and still stores every row.
    let csv = "宛名番号,氏名,フリガナ,生年月日,性別,郵便番号,住所,電話番号,保険種別,保険者番号,記号,番号,枝番,世帯主\n\
               700000001,国保 若子,コクホ ワカコ,1970-01-01,女,,,,国保,,,,,\n\
               700000002,国保 老子,コクホ ロウコ,S20.3.3,女,,,,国保,,,,,\n\
               700000003,後期 老子,コウキ ロウコ,S20.3.3,女,,,,後期,,,,,\n";
    let admin = w.admin.clone();
    let report = hairyo::import::import_persons(&mut w.store, &admin, csv.as_bytes(), &Default::default(), at("2026-11-25"), &mut |_, _| {}).unwrap();
    assert!(report.committed && report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.inserted, 3);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let warning = &report.warnings[0];
    assert_eq!((warning.line, warning.field.as_str()), (3, "scheme"));
    assert!(warning.message.contains("75歳以上") && warning.message.contains("令和2年3月3日から"), "{}", warning.message);
}

#[test]
fn r10_welfare_touchpoints_prompt_for_bessou1_until_handed_out() {
    let mut w = World::new();
    let p = w.person(holder);
    let cw = w.actor("kaigo_cw");
    let first = touchpoint::add(&mut w.store, &cw, &TouchpointInput { person_id: p.id, kind: "要介護認定申請".into(), ..Default::default() }, at("2026-11-20"))
        .unwrap();
    assert!(first.prompt_bessou1 && first.prompt_message.as_deref().unwrap_or("").contains("別添1"));
    let second = touchpoint::add(
        &mut w.store,
        &cw,
        &TouchpointInput { person_id: p.id, kind: "care_certification".into(), leaflets: vec!["bessou1".into()], ..Default::default() },
        at("2026-11-21"),
    )
    .unwrap();
    assert!(!second.prompt_bessou1);
    assert_eq!(second.touchpoint.leaflets[0].edition, "R7.5");
    let third =
        touchpoint::add(&mut w.store, &cw, &TouchpointInput { person_id: p.id, kind: "service_start".into(), ..Default::default() }, at("2026-11-22")).unwrap();
    assert!(!third.prompt_bessou1, "already handed out");
    // A phone call is not one of the R10 occasions.
    let q = w.person(|i| i.name = "見本 五郎".into());
    let call = touchpoint::add(&mut w.store, &cw, &TouchpointInput { person_id: q.id, kind: "phone".into(), ..Default::default() }, at("2026-11-22")).unwrap();
    assert!(!call.prompt_bessou1);
}

#[test]
fn r11_face_auth_card_counts_as_card_and_guidance_names_it() {
    let mut w = World::new();
    let p = w.person(|i| {
        i.mynumber_card = "face_auth".into();
        i.registration = "registered".into();
        i.reasons = vec!["pin".into(), "facility".into()];
    });
    assert_eq!(route_kind(&w, p.id, "2026-11-25").0, RouteKind::OnApplication);
    assert!(touchpoint::R12_GUIDANCE.contains("顔認証マイナンバーカード"));
}

#[test]
fn r12_wish_to_cancel_registration_brings_guidance() {
    let mut w = World::new();
    let p = w.person(holder);
    let cw = w.actor("shogai_cw");
    let r = touchpoint::add(
        &mut w.store,
        &cw,
        &TouchpointInput { person_id: p.id, kind: "counter".into(), wish: "wants_cancel".into(), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    assert!(r.r12_guidance.as_deref().unwrap_or("").contains("マイナ保険証を保有したまま"));
    let clerk = w.actor("kokuho_clerk");
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-11-25")).unwrap();
    assert!(a.notices.iter().any(|n| n.contains("R12")), "{:?}", a.notices);
}

#[test]
fn r13_bessou2_handout_is_recorded_with_its_edition() {
    let mut w = World::new();
    let p = w.person(holder);
    let cw = w.actor("kaigo_cw");
    let r = touchpoint::add(
        &mut w.store,
        &cw,
        &TouchpointInput { person_id: p.id, kind: "counter".into(), leaflets: vec!["別添2".into()], ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    assert_eq!(r.touchpoint.leaflets.len(), 1);
    assert_eq!(r.touchpoint.leaflets[0].leaflet, Leaflet::Bessou2);
    let listed = hairyo::record::show(&mut w.store, &cw, p.id, at("2026-11-25")).unwrap().touchpoints;
    assert_eq!(listed[0].leaflets[0].leaflet, Leaflet::Bessou2);
}

#[test]
fn r14_unknown_registration_is_guided_to_check() {
    let mut w = World::new();
    let p = w.person(|i| {
        i.mynumber_card = "card".into();
        i.registration = "unknown".into();
    });
    let r = policy::route(&w.store, &w.admin, p.id, date("2026-11-25"), common::at("2026-11-25")).unwrap();
    assert_eq!(r.kind, RouteKind::CheckRegistration);
    assert!(r.r_numbers.contains(&"R14".to_string()));
    assert!(r.explanation.contains("別添1の裏面"));
}

#[test]
fn r15_poster_edition_is_available_for_every_desk() {
    let w = World::new();
    let eds = leaflet::editions(&w.store, &w.admin, common::at("2026-11-25")).unwrap();
    assert!(eds.iter().any(|e| e.leaflet == Leaflet::Bessou3));
    // The poster is printed with each desk's own contact block, so every desk has one.
    for c in hairyo::settings::desk_contacts(&w.store, &w.admin, common::at("2026-11-25")).unwrap() {
        assert!(!c.name.is_empty() && !c.phone.is_empty(), "{:?}", c.desk);
    }
}

/// R15: each desk records where its 別添3 poster is put up, from when and which edition; the
/// list says which of the desks the notice names have none up. A desk records only its own
/// postings; every field is checked; a posting taken down leaves the desk without one.
#[test]
fn r15_each_desk_records_where_its_poster_is_up() {
    let mut w = World::new();
    let now = at("2026-11-25");
    let (clerk, cw) = (w.actor("kokuho_clerk"), w.actor("kaigo_cw"));
    let before = leaflet::postings(&w.store, &clerk, now).unwrap();
    assert_eq!(before.desks_without.iter().map(|d| d.desk.code()).collect::<Vec<_>>(), vec!["kokuho", "kouki", "kaigo", "shogai", "jido"]);
    let input = |desk: &str, place: &str, edition: &str, on: &str| leaflet::PostingInput {
        desk: desk.into(),
        place: place.into(),
        edition: edition.into(),
        posted_on: on.into(),
        note: String::new(),
    };
    // Every field is checked at once, and an unknown desk or edition is refused, not defaulted.
    let e = leaflet::post_poster(&mut w.store, &clerk, &input("nhi", "", "", "2026-12-01"), now).unwrap_err();
    let fields: Vec<&str> = match &e {
        leaflet::LeafletError::Invalid(i) => i.0.iter().map(|f| f.field).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(fields, vec!["desk", "place", "posted_on"]);
    assert_eq!(leaflet::post_poster(&mut w.store, &clerk, &input("kokuho", "本庁舎1階", "R99", ""), now).unwrap_err().code(), "leaflet.invalid");
    // A desk records its own posting, not another desk's.
    assert_eq!(leaflet::post_poster(&mut w.store, &cw, &input("kokuho", "本庁舎1階", "", ""), now).unwrap_err().code(), "leaflet.forbidden");
    let p = leaflet::post_poster(&mut w.store, &clerk, &input("kokuho", "本庁舎1階 国保窓口の前", "", "11/20"), now).unwrap();
    assert_eq!((p.desk.code(), p.edition.as_str(), p.posted_on, p.removed_on), ("kokuho", "R7.5", date("2026-11-20"), None));
    let q = leaflet::post_poster(&mut w.store, &cw, &input("kaigo", "介護保険課の待合", "R7.5", ""), now).unwrap();
    let listed = leaflet::postings(&w.store, &cw, now).unwrap();
    assert_eq!(listed.desks_without.iter().map(|d| d.desk.code()).collect::<Vec<_>>(), vec!["kouki", "shogai", "jido"]);
    // Taken down: not before it went up, once only; the desk is without a poster again.
    assert_eq!(leaflet::take_down_poster(&mut w.store, &cw, q.id, "2026-11-01", now).unwrap_err().code(), "leaflet.invalid");
    assert_eq!(leaflet::take_down_poster(&mut w.store, &clerk, q.id, "", now).unwrap_err().code(), "leaflet.forbidden");
    let down = leaflet::take_down_poster(&mut w.store, &cw, q.id, "", now).unwrap();
    assert_eq!(down.removed_on, Some(now.date()));
    assert_eq!(leaflet::take_down_poster(&mut w.store, &cw, q.id, "", now).unwrap_err().code(), "leaflet.already_removed");
    let listed = leaflet::postings(&w.store, &clerk, now).unwrap();
    assert_eq!(listed.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![p.id, q.id], "those still up first");
    assert!(listed.desks_without.iter().any(|d| d.desk.code() == "kaigo"));
}
