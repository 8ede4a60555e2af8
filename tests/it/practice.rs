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

/// The spring renewal: before the 広域連合's cut-off the insurer desk is reminded to make the
/// list; the list groups each person by what they get on 8/1; a saved profile writes it in the
/// columns, order and encoding the 広域連合 expects, and doing so ends the reminder.
/// The spring list is in 五十音順, by フリガナ: 阿部 (アベ) before 山田 (ヤマダ), though 山 comes
/// before 阿 in the kanji's code order (which the list used to follow).
#[test]
fn the_spring_list_is_in_gojuon_order() {
    use hairyo::certificate::CertificateBasis;
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let issued = at("2026-11-25");
    for (name, kana) in [("山田 太郎", "ヤマダ タロウ"), ("阿部 花子", "アベ ハナコ"), ("伊藤 一", "イトウ ハジメ")] {
        let p = w.person(|i| {
            i.name = name.into();
            i.kana = kana.into();
        });
        hairyo::certificate::issue_without_application(
            &mut w.store,
            &clerk,
            p.id,
            application::AppScheme::Kokuho,
            CertificateBasis::ExOfficio,
            issued.date(),
            None,
            issued,
        )
        .unwrap();
    }
    let list = hairyo::renewal::spring_list(&w.store, &clerk, None, None, hairyo::Page::new(0, 50), at("2027-05-10")).unwrap();
    let names: Vec<&str> = list.lines.items.iter().map(|l| l.name.as_str()).collect();
    // Stored with the full-width space a name is written with.
    assert_eq!(names, ["阿部\u{3000}花子", "伊藤\u{3000}一", "山田\u{3000}太郎"]);
}

#[test]
fn the_spring_renewal_list_groups_each_person_and_exports_in_a_saved_profile() {
    use hairyo::certificate::CertificateBasis;
    use hairyo::export::{self, ExportKind, ExportProfile};
    use hairyo::import::Encoding;
    use hairyo::renewal::{self, RenewalGroup};
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let issued = at("2026-11-25");
    let ex_officio = |w: &mut World, id: i64, scheme: application::AppScheme| {
        let by = w.actor(if scheme == application::AppScheme::Kokuho { "kokuho_clerk" } else { "kouki_clerk" });
        hairyo::certificate::issue_without_application(&mut w.store, &by, id, scheme, CertificateBasis::ExOfficio, issued.date(), None, issued).unwrap()
    };
    let no_card = w.person(|i| i.name = "見本 無札".into());
    ex_officio(&mut w, no_card.id, application::AppScheme::Kokuho);
    let lasting = w.person(|i| {
        holder(i);
        i.name = "見本 継続".into();
        i.reasons = vec!["dementia".into()];
    });
    issue(&mut w, &ApplicationInput { person_id: lasting.id, ..Default::default() }, issued);
    let passing = w.person(|i| {
        holder(i);
        i.name = "見本 一時".into();
        i.reasons = vec!["lost_or_damaged".into()];
    });
    issue(&mut w, &ApplicationInput { person_id: passing.id, ..Default::default() }, issued);
    let aged = w.person(|i| {
        holder(i);
        i.name = "見本 長寿".into();
        i.scheme = "kouki".into();
        i.birth_date = "1938-03-03".into();
    });
    ex_officio(&mut w, aged.id, application::AppScheme::Kouki);

    // 5/10: inside the reminder window (the list is due 6/1, two weeks before the 6/15 cut-off).
    let spring = at("2027-05-10");
    let season = renewal::season(&w.store, &clerk, spring).unwrap();
    assert_eq!((season.renewal_day, season.list_by, season.remind), (date("2027-08-01"), date("2027-06-01"), true));
    let reminded = |w: &World, login: &str| hairyo::reminder::due(&w.store, &w.actor(login), Default::default(), spring).unwrap().renewal.is_some();
    assert!(reminded(&w, "kokuho_clerk"));
    assert!(!reminded(&w, "kaigo_cw"), "the welfare desks make no renewal list");
    assert_eq!(code(renewal::spring_list(&w.store, &w.actor("kaigo_cw"), None, None, hairyo::Page::new(0, 50), spring)), "access.denied");

    let list = renewal::spring_list(&w.store, &clerk, None, None, hairyo::Page::new(0, 50), spring).unwrap();
    let group_of = |id: i64| list.lines.items.iter().find(|l| l.person_id == id).map(|l| l.group);
    assert_eq!(
        (group_of(no_card.id), group_of(lasting.id), group_of(passing.id), group_of(aged.id)),
        (Some(RenewalGroup::NoCard), Some(RenewalGroup::Continues), Some(RenewalGroup::ApplyAgain), Some(RenewalGroup::Age85))
    );
    let counted: usize = list.groups.iter().map(|g| g.count).sum();
    assert_eq!((counted, list.lines.total), (4, 4));
    let only = renewal::spring_list(&w.store, &clerk, None, Some(RenewalGroup::ApplyAgain), hairyo::Page::new(0, 50), spring).unwrap();
    assert_eq!(only.lines.items.iter().map(|l| l.person_id).collect::<Vec<_>>(), vec![passing.id]);
    assert_eq!(code(renewal::spring_list(&w.store, &clerk, Some(date("2027-07-01")), None, hairyo::Page::new(0, 50), spring)), "renewal.invalid");

    // Profiles: supervisors save them; each column must be the kind's, once.
    let sv = w.actor("kokuho_sv");
    let profile = |name: &str, columns: &[&str]| ExportProfile {
        name: name.into(),
        kind: ExportKind::Renewal,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        encoding: Encoding::Cp932,
    };
    let good = profile("広域連合向け", &["宛名番号", "氏名", "区分", "有効期限"]);
    assert_eq!(code(export::save_profile(&mut w.store, &clerk, &good, spring)), "access.denied");
    for bad in [profile("", &["氏名"]), profile("空", &[]), profile("不明", &["氏名", "血液型"]), profile("重複", &["氏名", "氏名"])] {
        assert_eq!(code(export::save_profile(&mut w.store, &sv, &bad, spring)), "export.bad_profile", "{bad:?}");
    }
    export::save_profile(&mut w.store, &sv, &good, spring).unwrap();
    assert_eq!(export::profiles(&w.store, &sv, spring).unwrap(), vec![good.clone()]);
    assert_eq!(code(export::export_with_profile(&mut w.store, &sv, "ない", spring)), "export.unknown_profile");

    let (bytes, rows, _) = export::export_with_profile(&mut w.store, &sv, "広域連合向け", spring).unwrap();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!((rows, lines[0]), (4, "宛名番号,氏名,区分,有効期限"));
    assert!(lines.iter().any(|l| l.contains("見本　長寿") && l.contains("85歳以上") && l.ends_with("2027-07-31")), "{text}");

    // The list is made: the season says so and the reminder ends.
    assert_eq!(renewal::season(&w.store, &clerk, spring).unwrap().list_made_on, Some(spring.date()));
    assert!(!reminded(&w, "kokuho_clerk"));

    // The schedule is the city's: administrators set it, every field checked.
    assert_eq!(code(renewal::set_schedule(&mut w.store, &clerk, &Default::default(), spring)), "access.denied");
    let admin = w.admin.clone();
    let typed = |cutoff: &str, lead: &str| renewal::ScheduleInput { cutoff: cutoff.into(), lead_days: lead.into(), remind_days: "20".into() };
    assert_eq!(code(renewal::set_schedule(&mut w.store, &admin, &typed("9/1", "x"), spring)), "renewal.invalid");
    let s = renewal::set_schedule(&mut w.store, &admin, &typed("6/30", "10"), spring).unwrap();
    assert_eq!((s.cutoff, s.list_by, s.remind_from), (date("2027-06-30"), date("2027-06-20"), date("2027-05-31")));
}

/// A facility campaign that finishes: the forms go out to the residents who need one, the
/// deadline passes with forms still out and the desks are reminded, and the returned forms are
/// received in one go, each resident ending with an outcome (an application, or the word that
/// none is coming).
#[test]
fn a_facility_campaign_follows_every_resident_to_an_outcome() {
    use hairyo::campaign::CampaignOutcome;
    use hairyo::campaign::{self, CampaignInput, ReturnInput};
    use hairyo::facility::{self, Campaign, FacilityInput};
    let mut w = World::new();
    let admin = w.admin.clone();
    let home = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput {
            name: "見本特別養護老人ホーム".into(),
            kind: "nursing_home".into(),
            address: "見本市北町2番地".into(),
            contact_name: "施設 担当".into(),
            ..Default::default()
        },
        at("2025-05-01"),
    )
    .unwrap();
    let mut residents = Vec::new();
    for name in ["見本 一子", "見本 二子", "見本 三子"] {
        residents.push(
            w.person(|i| {
                holder(i);
                i.name = name.into();
                i.reasons = vec!["facility".into()];
                i.facility_id = Some(home.id);
            })
            .id,
        );
    }
    // Issued ex officio: no form goes to this resident.
    let no_card = w.person(|i| {
        i.name = "見本 四子".into();
        i.facility_id = Some(home.id);
    });
    let (cw, clerk) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"));
    let now = at("2026-11-25");
    let input = |deadline: &str| CampaignInput { facility_id: home.id, deadline: deadline.into(), ..Default::default() };
    assert_eq!(code(campaign::start(&mut w.store, &cw, &input("2026-11-20"), now)), "campaign.invalid");
    assert_eq!(code(campaign::start(&mut w.store, &cw, &input(""), now)), "campaign.invalid");
    let c = campaign::start(&mut w.store, &cw, &input("12/15"), now).unwrap();
    assert_eq!(c.deadline, date("2026-12-15"));
    let mut sent: Vec<i64> = c.residents.iter().map(|r| r.person_id).collect();
    sent.sort();
    assert_eq!(sent, residents, "the ex officio resident {} gets no form", no_card.id);
    assert_eq!(c.awaited, 3);
    assert_eq!(facility::list(&w.store, &cw, hairyo::Page::new(0, 10), now).unwrap().items[0].campaign, Campaign::Collecting);
    assert_eq!(code(campaign::start(&mut w.store, &cw, &input("12/20"), now)), "campaign.already_open");

    // Past the deadline with forms out, the reminders say so.
    let late = at("2026-12-20");
    let overdue = hairyo::reminder::due(&w.store, &clerk, Default::default(), late).unwrap().overdue_campaigns;
    assert_eq!(overdue.iter().map(|c| (c.id, c.awaited, c.overdue)).collect::<Vec<_>>(), vec![(c.id, 3, true)]);

    let ret = |person_id: i64, outcome: &str| ReturnInput { person_id, outcome: outcome.into(), returned_on: "12/18".into(), note: String::new() };
    // Only the insurer desks receive applications.
    assert_eq!(code(campaign::receive_returns(&mut w.store, &cw, c.id, &[ret(residents[0], "applied")], late)), "access.denied");
    // One bad line refuses them all, and names the resident.
    let err = campaign::receive_returns(&mut w.store, &clerk, c.id, &[ret(residents[0], "applied"), ret(residents[1], "lost")], late).unwrap_err();
    assert_eq!(err.code(), "campaign.invalid");
    assert!(err.to_string().contains("見本　二子"), "{err}");
    let applications = |w: &World| w.store.conn().query_row("SELECT count(*) FROM application", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(applications(&w), 0, "nothing refused is stored");

    let after = campaign::receive_returns(&mut w.store, &clerk, c.id, &[ret(residents[0], "applied"), ret(residents[1], "applied")], late).unwrap();
    assert_eq!(after.awaited, 1);
    let first = after.residents.iter().find(|r| r.person_id == residents[0]).unwrap();
    assert_eq!((first.outcome, first.returned_on, first.application_status_label), (CampaignOutcome::Applied, Some(date("2026-12-18")), Some("受付")));
    let a = application::get(&w.store, &clerk, first.application_id.unwrap(), late).unwrap();
    assert_eq!(
        (a.channel, a.authority, a.delivery, a.proxy_name.as_str()),
        (application::Channel::FacilityBatch, Some(application::ProxyAuthority::FacilityAdult), application::Delivery::Facility, "施設　担当")
    );
    // A resident's outcome is recorded once.
    assert_eq!(code(campaign::receive_returns(&mut w.store, &clerk, c.id, &[ret(residents[0], "declined")], late)), "campaign.invalid");

    let done = campaign::receive_returns(&mut w.store, &clerk, c.id, &[ret(residents[2], "declined")], late).unwrap();
    assert_eq!((done.awaited, done.overdue), (0, false));
    assert_eq!(facility::list(&w.store, &cw, hairyo::Page::new(0, 10), late).unwrap().items[0].campaign, Campaign::Done);
    assert!(hairyo::reminder::due(&w.store, &clerk, Default::default(), late).unwrap().overdue_campaigns.is_empty());
    assert_eq!(campaign::of_facility(&w.store, &cw, home.id, late).unwrap().len(), 1);
}

/// R7: a 出張申請 event is recorded with the マイナンバー desk, and the paper applications taken
/// there are entered in one batch on the event's day, each linked to the event; one bad line
/// names itself and stores nothing.
#[test]
fn outreach_applications_are_entered_in_one_batch_linked_to_their_event() {
    use hairyo::outreach::{self, OutreachInput, PaperApplication};
    let mut w = World::new();
    let mut atena = Vec::new();
    for (i, name) in ["見本 出張一", "見本 出張二"].into_iter().enumerate() {
        let p = w.person(|p| {
            holder(p);
            p.name = name.into();
            p.atena_no = format!("80000000{i}");
            p.reasons = vec!["elderly".into()];
        });
        atena.push(p.atena_no);
    }
    let kouki = w.person(|p| {
        holder(p);
        p.name = "見本 出張三".into();
        p.atena_no = "800000009".into();
        p.scheme = "kouki".into();
        p.birth_date = "1940-01-01".into();
    });
    let (clerk, cw) = (w.actor("kokuho_clerk"), w.actor("kaigo_cw"));
    let now = at("2026-11-25");
    let input = |place: &str, on: &str| OutreachInput { held_on: on.into(), place: place.into(), with_mynumber_desk: true, ..Default::default() };
    assert_eq!(code(outreach::add_event(&mut w.store, &cw, &input("北公民館", "11/20"), now)), "access.denied");
    for bad in [input("", "11/20"), input("北公民館", "12/20"), input("北公民館", "11月")] {
        assert_eq!(code(outreach::add_event(&mut w.store, &clerk, &bad, now)), "outreach.invalid", "{bad:?}");
    }
    let event = outreach::add_event(&mut w.store, &clerk, &input("北公民館", "11/20"), now).unwrap();
    assert_eq!((event.held_on, event.with_mynumber_desk), (date("2026-11-20"), true));

    let paper = |a: &str, applicant: &str| PaperApplication { atena_no: a.into(), applicant: applicant.into() };
    let count = |w: &World| w.store.conn().query_row("SELECT count(*) FROM application", [], |r| r.get::<_, i64>(0)).unwrap();
    let err = outreach::receive_batch(&mut w.store, &clerk, event.id, &[paper(&atena[0], ""), paper("123456789", "")], now).unwrap_err();
    assert_eq!(err.code(), "outreach.invalid");
    assert!(err.to_string().contains("2行目"), "{err}");
    let twice = outreach::receive_batch(&mut w.store, &clerk, event.id, &[paper(&atena[0], ""), paper(&atena[0], "")], now).unwrap_err();
    assert!(twice.to_string().contains("二度"), "{twice}");
    // The core's own refusal (後期 has no 世帯主 applicant) names the line too.
    let refused = outreach::receive_batch(&mut w.store, &clerk, event.id, &[paper(&atena[0], ""), paper(&kouki.atena_no, "householder")], now).unwrap_err();
    assert_eq!(refused.code(), "application.invalid");
    assert!(refused.to_string().contains("2行目"), "{refused}");
    assert_eq!(count(&w), 0, "nothing refused is stored");

    let after = outreach::receive_batch(&mut w.store, &clerk, event.id, &[paper(&atena[0], ""), paper(&atena[1], "householder")], now).unwrap();
    assert_eq!(after.applications.len(), 2);
    for a in &after.applications {
        let app = application::get(&w.store, &clerk, a.application_id, now).unwrap();
        assert_eq!((app.channel, app.received_on), (application::Channel::Outreach, date("2026-11-20")));
    }
    let listed = outreach::events(&w.store, &cw, hairyo::Page::new(0, 10), now).unwrap();
    assert_eq!((listed.total, listed.items[0].applications.len()), (1, 2));
}

/// Status feeds from the core systems: a good file applies each row as a dated event with its
/// effect and reports it; a file with one bad row stores nothing and names the line; a dry run
/// reports and stores nothing; a saved profile reads another system's headers.
#[test]
fn a_status_feed_applies_dated_events_all_or_nothing() {
    use hairyo::feed::{self, FeedProfile};
    use hairyo::import::Encoding;
    let mut w = World::new();
    let admin = w.admin.clone();
    hairyo::facility::add(
        &mut w.store,
        &admin,
        &hairyo::facility::FacilityInput { name: "見本グループホーム".into(), kind: "dementia_group_home".into(), ..Default::default() },
        at("2025-05-01"),
    )
    .unwrap();
    let person = |w: &mut World, atena: &str, f: fn(&mut hairyo::person::PersonInput)| {
        w.person(|i| {
            f(i);
            i.atena_no = atena.into();
            // Names hold no digits: the last one of the 宛名番号 picks a given name.
            let given = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
            i.name = format!("見本 {}子", given[(atena.as_bytes()[8] - b'1') as usize]);
        })
    };
    let lost = person(&mut w, "700000001", |_| {});
    let reg = person(&mut w, "700000002", holder);
    let cert = person(&mut w, "700000003", holder);
    let soon = person(&mut w, "700000004", holder);
    let care = person(&mut w, "700000005", |i| i.birth_date = "1950-01-01".into());
    let card = person(&mut w, "700000006", holder);
    let home = person(&mut w, "700000007", |_| {});
    let moved = person(&mut w, "700000008", |_| {});
    let clerk = w.actor("kokuho_clerk");
    let sv = w.actor("kokuho_sv");
    let now = at("2026-11-25");
    let issued = hairyo::certificate::issue_without_application(
        &mut w.store,
        &clerk,
        lost.id,
        application::AppScheme::Kokuho,
        hairyo::certificate::CertificateBasis::ExOfficio,
        date("2026-11-01"),
        None,
        now,
    )
    .unwrap();

    let good = "宛名番号,異動事由,異動日,内容\r\n\
        700000001,資格喪失,2026-11-20,\r\n\
        700000002,利用登録状況,2026-11-21,cancelled\r\n\
        700000003,電子証明書の有効期限,2026-11-22,\r\n\
        700000004,certificate_expiry,2027-03-01,\r\n\
        700000005,要介護認定,令和8年11月10日,要介護3\r\n\
        700000006,障害者手帳,2026-11-01,精神2級\r\n\
        700000007,施設入所,11/15,見本グループホーム\r\n\
        700000008,転出,2026-11-19,隣町\r\n";
    let bad = format!("{good}700000001,異動,2026-11-20,\r\n999999999,死亡,2026-11-20,\r\n700000002,利用登録状況,2027-01-01,registered\r\n");
    let count_certs = |w: &World| w.store.conn().query_row("SELECT count(*) FROM certificate WHERE status = 'valid'", [], |r| r.get::<_, i64>(0)).unwrap();

    assert_eq!(code(feed::import_feed(&mut w.store, &clerk, good.as_bytes(), Encoding::Auto, None, false, now)), "access.denied");
    let refused = feed::import_feed(&mut w.store, &sv, bad.as_bytes(), Encoding::Auto, None, false, now).unwrap();
    assert!(!refused.committed);
    assert_eq!(refused.problems.iter().map(|p| p.line).collect::<Vec<_>>(), vec![10, 11, 12], "{:?}", refused.problems);
    assert_eq!(count_certs(&w), 1, "a refused file stores nothing");
    let dry = feed::import_feed(&mut w.store, &sv, good.as_bytes(), Encoding::Auto, None, true, now).unwrap();
    assert!(dry.problems.is_empty() && !dry.committed && dry.applied.len() == 8, "{:?}", dry.problems);
    assert_eq!(count_certs(&w), 1, "a dry run stores nothing");

    // CP932, as core systems write it.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(good);
    let r = feed::import_feed(&mut w.store, &sv, &sjis, Encoding::Auto, None, false, now).unwrap();
    assert!(r.committed && r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!((r.encoding, r.applied.len()), (Encoding::Cp932, 8));
    let get = |w: &mut World, id: i64| hairyo::person::get(&mut w.store, &admin, id, now).unwrap();
    assert_eq!(hairyo::certificate::get(&w.store, &clerk, issued.id, now).unwrap().status, hairyo::certificate::CertificateStatus::Invalidated);
    assert_eq!(get(&mut w, reg.id).registration, hairyo::person::Registration::Cancelled);
    // Expired on 11/22, it still works until the end of February: no lapse yet, a follow-up.
    assert_eq!(get(&mut w, cert.id).mynumber_card, hairyo::person::CardKind::Card);
    assert!(r.applied[2].effect.contains("令和9年2月28日まで"), "{}", r.applied[2].effect);
    assert!(r.applied[3].effect.contains("フォローアップ"), "{}", r.applied[3].effect);
    assert!(get(&mut w, card.id).reasons.contains(&hairyo::person::Reason::Mental));
    assert!(get(&mut w, home.id).facility_id.is_some());
    assert!(get(&mut w, care.id).reasons.contains(&hairyo::person::Reason::Elderly));
    let record = hairyo::record::show(&mut w.store, &admin, care.id, now).unwrap();
    assert!(record.touchpoints.iter().any(|t| t.kind_label == "要介護認定申請" && t.notes.contains("要介護3")));
    assert!(hairyo::record::show(&mut w.store, &admin, moved.id, now).unwrap().moved_out.is_some());
    assert!(r.applied[1].effect.contains("交付経路"), "a reroute is said: {}", r.applied[1].effect);
    let audited: i64 = w
        .store
        .conn()
        .query_row("SELECT count(*) FROM audit_event WHERE action = 'update' AND record_kind = 'person' AND record_id = ?1", [reg.id], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1, "the person the feed changed is audited");
    let _ = soon;

    // Another system's headers through a saved profile.
    let profile = FeedProfile { name: "住基".into(), atena_no: "宛名".into(), event: "事由".into(), date: "日付".into(), value: "値".into() };
    assert_eq!(code(feed::save_profile(&mut w.store, &sv, &profile, now)), "access.denied");
    assert_eq!(code(feed::save_profile(&mut w.store, &admin, &FeedProfile { value: "宛名".into(), ..profile.clone() }, now)), "feed.bad_profile");
    feed::save_profile(&mut w.store, &admin, &profile, now).unwrap();
    let other = "宛名,事由,日付,値\n700000006,障害者手帳,2026-11-02,身体1級\n";
    assert_eq!(code(feed::import_feed(&mut w.store, &sv, other.as_bytes(), Encoding::Auto, None, false, now)), "feed.file");
    let r = feed::import_feed(&mut w.store, &sv, other.as_bytes(), Encoding::Auto, Some("住基"), false, now).unwrap();
    assert!(r.committed);
    assert!(get(&mut w, card.id).reasons.contains(&hairyo::person::Reason::Physical));
}

/// #32: an expired 電子証明書 still works as a マイナ保険証 until the end of the third month after
/// the month it expired. A feed line for it changes the card (and so the route) only after that
/// day; before, it sets a follow-up for the day after. The boundaries: month ends of every
/// length, the year's turn, a leap year.
#[test]
fn a_lapsed_certificate_works_until_the_end_of_the_third_month() {
    use hairyo::feed;
    use hairyo::import::Encoding;
    use hairyo::person::{certificate_grace_end, CardKind};
    for (expired, last_day) in
        [("2026-11-22", "2027-02-28"), ("2026-01-31", "2026-04-30"), ("2026-12-01", "2027-03-31"), ("2027-11-30", "2028-02-29"), ("2026-08-01", "2026-11-30")]
    {
        assert_eq!(certificate_grace_end(date(expired)), date(last_day), "expired {expired}");
    }

    // Expired on 8/15: usable through 11/30. Imported on 11/30 the card stays; on 12/1 it lapses.
    for (today, lapsed) in [("2026-11-30", false), ("2026-12-01", true)] {
        let mut w = World::new();
        let p = w.person(|i| {
            holder(i);
            i.atena_no = "700000101".into();
        });
        let before = policy::route(&w.store, &w.admin, p.id, date(today), at(today)).unwrap().kind;
        let sv = w.actor("kokuho_sv");
        let line = "宛名番号,異動事由,異動日,内容\r\n700000101,電子証明書の有効期限,2026-08-15,\r\n";
        let r = feed::import_feed(&mut w.store, &sv, line.as_bytes(), Encoding::Auto, None, false, at(today)).unwrap();
        assert!(r.committed && r.problems.is_empty(), "{:?}", r.problems);
        let card = hairyo::person::get(&mut w.store, &w.admin, p.id, at(today)).unwrap().mynumber_card;
        let after = policy::route(&w.store, &w.admin, p.id, date(today), at(today)).unwrap().kind;
        if lapsed {
            assert_eq!(card, CardKind::CertificateLapsed, "{today}");
            assert!(r.applied[0].effect.contains("失効を記録"), "{}", r.applied[0].effect);
        } else {
            assert_eq!(card, CardKind::Card, "{today}: still usable");
            assert_eq!(after, before, "{today}: the route does not change yet");
            assert!(r.applied[0].effect.contains("令和8年11月30日まで") && r.applied[0].effect.contains("令和8年12月1日"), "{}", r.applied[0].effect);
        }
    }
}

/// #32: a person under 住所地特例 (insured by the former municipality's insurer) gets
/// 「加入先の保険者へ案内」 from `route`, whatever this city's rules say, and an application for
/// them is refused at receipt with the same words, not only when its form would be printed.
#[test]
fn a_person_insured_elsewhere_is_routed_and_refused_at_receipt() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1944-05-05".into();
        i.other_insurer = "遠方県後期高齢者医療広域連合".into();
    });
    let today = date("2026-11-25");
    let route = policy::route(&w.store, &w.admin, p.id, today, at("2026-11-25")).unwrap();
    assert_eq!(route.kind, RouteKind::OtherInsurer);
    assert_eq!(route.label, "加入先の保険者へ案内");
    assert!(route.explanation.contains("遠方県後期高齢者医療広域連合") && route.explanation.contains("加入先の保険者"), "{}", route.explanation);
    let clerk = w.actor("kouki_clerk");
    let refused = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, at("2026-11-25")).unwrap_err();
    assert_eq!(refused.code(), "application.invalid");
    assert!(refused.to_string().contains("遠方県後期高齢者医療広域連合"), "{refused}");
    let record = hairyo::record::show(&mut w.store, &clerk, p.id, at("2026-11-25")).unwrap();
    assert!(record.applications.is_empty(), "nothing was stored");
}

/// #32: the 8/1 renewal list includes the 後期 members who are 85 on that day although they hold
/// no certificate today (at 84 they had a 資格情報のお知らせ): they receive one without applying.
/// A member a day too young, one insured elsewhere and one who moved out are not listed.
#[test]
fn the_renewal_list_includes_kouki_members_reaching_85() {
    use hairyo::renewal::{self, RenewalGroup};
    let mut w = World::new();
    let clerk = w.actor("kouki_clerk");
    let kouki = |w: &mut World, name: &str, born: &str, other: &str| {
        w.person(|i| {
            holder(i);
            i.name = name.into();
            i.scheme = "kouki".into();
            i.birth_date = born.into();
            i.other_insurer = other.into();
        })
    };
    // Counted by 年齢計算ニ関スル法律: born on 8/2, one is 85 at the end of 8/1.
    let turns = kouki(&mut w, "到達 一子", "1942-08-02", "");
    let young = kouki(&mut w, "未到達 二子", "1942-08-03", "");
    let elsewhere = kouki(&mut w, "特例 三子", "1940-01-01", "遠方県後期高齢者医療広域連合");
    let moved = kouki(&mut w, "転出 四子", "1941-01-01", "");
    let input = hairyo::moving::MoveOutInput { moved_on: "2026-11-20".into(), moved_to: "隣町".into(), note: String::new(), confirmed_digits: false };
    hairyo::moving::move_out(&mut w.store, &clerk, moved.id, &input, at("2026-11-25")).unwrap();
    assert_eq!(renewal::born_by_85(date("2027-08-01")), date("1942-08-02"));
    let list = renewal::spring_list(&w.store, &clerk, Some(date("2027-08-01")), None, hairyo::Page::new(0, 50), at("2027-05-10")).unwrap();
    let listed = |id: i64| list.lines.items.iter().find(|l| l.person_id == id);
    let line = listed(turns.id).expect("85 on 8/1 without a certificate is listed");
    assert_eq!((line.group, line.age_on_renewal, line.certificate_id), (RenewalGroup::Age85, 85, None));
    for (who, id) in [("a day too young", young.id), ("insured elsewhere", elsewhere.id), ("moved out", moved.id)] {
        assert!(listed(id).is_none(), "{who} is listed");
    }
}

/// The span of each reason is the city's data: where the city counts 「その他」 as lasting (広島市
/// does), an applied person's certificate continues at renewal without a new application.
#[test]
fn the_span_of_each_reason_is_set_by_the_city() {
    use hairyo::settings::{self, ReasonSpanInput};
    let mut w = World::new();
    let admin = w.admin.clone();
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["other".into()];
    });
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, now).unwrap();
    let rule = |w: &World| policy::route(&w.store, &clerk, p.id, now.date(), now).unwrap().rule_id.unwrap_or_default();
    let span_of = |w: &World, code: &str| {
        settings::reason_spans(&w.store, &clerk, now).unwrap().into_iter().find(|r| r.code.code() == code).map(|r| r.span.code()).unwrap()
    };
    assert_eq!((rule(&w), span_of(&w, "other")), ("kokuho-applied-passing".to_string(), "temporary"), "practice's default");
    // An unknown span or reason is refused, and a desk may not change them; nothing changes.
    for (reason, span) in [("other", "forever"), ("weather", "continuing")] {
        let err = settings::set_reason_spans(&mut w.store, &admin, &[ReasonSpanInput { reason: reason.into(), span: span.into() }], now).unwrap_err();
        assert_eq!(err.code(), "settings.invalid", "{reason} {span}");
    }
    let set = [ReasonSpanInput { reason: "other".into(), span: "continuing".into() }];
    assert_eq!(settings::set_reason_spans(&mut w.store, &clerk, &set, now).unwrap_err().code(), "settings.admin_only");
    assert_eq!(span_of(&w, "other"), "temporary");
    let all = settings::set_reason_spans(&mut w.store, &admin, &set, now).unwrap();
    assert_eq!(all.len(), hairyo::person::Reason::ALL.len(), "every reason with its span");
    assert_eq!((rule(&w), span_of(&w, "other")), ("kokuho-applied-continues".to_string(), "continuing"));
    // The others keep theirs; setting one back restores the route.
    assert_eq!((span_of(&w, "dementia"), span_of(&w, "lost_or_damaged")), ("continuing", "temporary"));
    settings::set_reason_spans(&mut w.store, &admin, &[ReasonSpanInput { reason: "other".into(), span: "temporary".into() }], now).unwrap();
    assert_eq!(rule(&w), "kokuho-applied-passing");
}

/// Each rule with an age names how it counts it: 後期 membership (and the 国保 rule that hands a
/// member over) from the 75th birthday itself, the 85-and-over rule by 年齢計算ニ関スル法律 (an
/// age is reached at the end of the day before the birthday). The boundaries hold both ways.
#[test]
fn each_rule_counts_age_as_it_names_and_the_boundaries_hold() {
    use hairyo::model::person::{age_on, statutory_age_on};
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    for (birth, on, by_birthday, by_statute) in [
        ("1951-12-08", "2026-12-06", 74, 74),
        ("1951-12-08", "2026-12-07", 74, 75),
        ("1951-12-08", "2026-12-08", 75, 75),
        // Born on 2/29: in a common year the age comes at the end of 2/28, the birthday on 3/1.
        ("1952-02-29", "2027-02-27", 74, 74),
        ("1952-02-29", "2027-02-28", 74, 75),
        ("1952-02-29", "2027-03-01", 75, 75),
        ("1952-02-29", "2028-02-28", 75, 76),
        ("1952-02-29", "2028-02-29", 76, 76),
        // The last day of a year.
        ("1951-01-01", "2025-12-31", 74, 75),
    ] {
        assert_eq!((age_on(d(birth), d(on)), statutory_age_on(d(birth), d(on))), (by_birthday, by_statute), "{birth} on {on}");
    }

    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    // kokuho-aged-75 counts from the birthday: the day before it, the 国保 rules still route.
    let turning = w.person(|i| i.birth_date = "1951-12-08".into());
    let rule_on = |w: &World, id: i64, on: &str| policy::route(&w.store, &clerk, id, d(on), at(on)).unwrap().rule_id.unwrap_or_default();
    assert_ne!(rule_on(&w, turning.id, "2026-12-07"), "kokuho-aged-75");
    assert_eq!(rule_on(&w, turning.id, "2026-12-08"), "kokuho-aged-75");
    // kouki-85-and-over counts by statute on the 8/1 renewal day: one born on 8/2 is 85 then.
    let kouki = |birth: &'static str| {
        move |i: &mut hairyo::person::PersonInput| {
            holder(i);
            i.scheme = "kouki".into();
            i.birth_date = birth.into();
        }
    };
    let eve = w.person(kouki("1941-08-02"));
    let after = w.person(kouki("1941-08-03"));
    assert_eq!(rule_on(&w, eve.id, "2026-11-25"), "kouki-85-and-over");
    assert_ne!(rule_on(&w, after.id, "2026-11-25"), "kouki-85-and-over");
    assert_eq!(hairyo::renewal::born_by_85(d("2026-08-01")), d("1941-08-02"), "the renewal list asks the same");

    // A rule with an age must name how it counts it.
    let input = policy::RuleInput {
        id: "city-65".into(),
        priority: 1,
        scheme: "kokuho".into(),
        effective_from: "2026-04-01".into(),
        condition: policy::Condition { min_age: Some(65), ..Default::default() },
        route: "on_application".into(),
        explanation: "65歳以上".into(),
        ..Default::default()
    };
    let err = policy::parse_rule(&input).unwrap_err();
    let fields = &err.invalid().expect("field errors").0;
    assert!(fields.iter().any(|f| f.field == "age_by" && f.message.contains("年齢計算ニ関スル法律")), "{fields:?}");
    let named = policy::RuleInput { condition: policy::Condition { age_by: Some(policy::AgeReckoning::Statute), ..input.condition.clone() }, ..input };
    assert!(policy::parse_rule(&named).is_ok());
}

/// Notice 1(1): the city writes to 要配慮者 living at home. A mailing chooses by reason and
/// whether they applied, the welfare desks' people first; a protected person's letter goes to
/// the safe address; each letter is followed to an outcome (an application
/// answers by itself, a clerk records a refusal or a returned letter, the deadline marks the
/// rest unanswered) and a reminder goes to those who did not answer.
#[test]
fn a_mailing_writes_to_residents_at_home_and_follows_each_letter() {
    use hairyo::mailing::{self, MailingInput, MailingOutcome, MailingOutcomeInput, MailingSelection};
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let sv = w.actor("kokuho_sv");
    let cw = w.actor("kaigo_cw");
    let now = at("2026-11-25");
    let at_home = |w: &mut World, name: &str, kana: &str, f: &dyn Fn(&mut hairyo::person::PersonInput)| {
        w.person(|i| {
            holder(i);
            i.name = name.into();
            i.kana = kana.into();
            i.reasons = vec!["dementia".into()];
            f(i);
        })
    };
    let a = at_home(&mut w, "在宅 愛子", "ザイタク アイコ", &|_| {});
    let b = at_home(&mut w, "在宅 文夫", "ザイタク フミオ", &|_| {});
    let c = at_home(&mut w, "在宅 千代", "ザイタク チヨ", &|_| {});
    let safe = at_home(&mut w, "保護 安子", "ホゴ ヤスコ", &|i| {
        i.protected = true;
        i.safe_postal_code = "000-9999".into();
        i.safe_address = "見本市役所保険年金課気付".into();
    });
    at_home(&mut w, "理由 別子", "リユウ ベツコ", &|i| i.reasons = vec!["physical".into()]);
    let applied = at_home(&mut w, "申請 済子", "シンセイ スミコ", &|_| {});
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: applied.id, ..Default::default() }, at("2026-11-01")).unwrap();
    // 千代 was seen by the 介護 desk: she comes first.
    touchpoint::add(&mut w.store, &cw, &TouchpointInput { person_id: c.id, date: "2026-11-10".into(), kind: "counter".into(), ..Default::default() }, now)
        .unwrap();

    let selection = MailingSelection { reasons: vec!["dementia".into()], without_application: true, ..Default::default() };
    let preview = mailing::preview(&w.store, &clerk, &selection, now).unwrap();
    // The insurer desks see a protected person's safe address (every protected person has one):
    // the letter goes there.
    assert_eq!((preview.letters, preview.from_welfare_desks, preview.protected_left_out), (4, 1, 0), "{preview:?}");
    assert_eq!(preview.names[0], c.name, "the welfare desks' people first");
    // A welfare desk does not run mailings; bad input is refused by field, nothing stored.
    assert_eq!(code(mailing::preview(&w.store, &cw, &selection, now)), "access.denied");
    let bad = MailingInput {
        title: String::new(),
        deadline: "2026-11-01".into(),
        selection: MailingSelection { reasons: vec!["weather".into()], min_age: "九十".into(), ..Default::default() },
        ..Default::default()
    };
    let err = mailing::start(&mut w.store, &clerk, &bad, now).unwrap_err();
    let fields: Vec<&str> = err.invalid().expect("field errors").0.iter().map(|f| f.field).collect();
    for f in ["title", "deadline", "selection.reasons", "selection.min_age"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert!(mailing::list(&w.store, &clerk, now).unwrap().is_empty());

    let input = MailingInput { title: "資格確認書のご案内 (在宅)".into(), deadline: "2026-12-25".into(), selection, ..Default::default() };
    let m = mailing::start(&mut w.store, &clerk, &input, now).unwrap();
    assert_eq!((m.counts.sent, m.counts.awaited), (4, 4));
    assert!(m.criteria.contains("認知症") && m.criteria.contains("申請なし"), "{}", m.criteria);
    let kind_of = |m: &hairyo::mailing::MailingCampaign, id: i64| m.recipients.iter().find(|r| r.person_id == id).map(|r| r.address_kind);
    assert_eq!(kind_of(&m, safe.id), Some(hairyo::mailing::MailingAddress::Safe));

    // The letters: one PDF, each with the letter, 別添1, the form and the 委任状.
    let printed = hairyo::print::mailing_letters(&mut w.store, &clerk, m.id, false, now, &mut |_| {}).unwrap();
    assert_eq!(printed.documents, 4);
    let t = crate::print::text(&printed.bytes);
    for want in ["「資格確認書」のご案内", "令和8年12月25日までに", "在宅千代様", "見本市役所保険年金課気付", "資格確認書交付申請書", "委任状"]
    {
        assert!(t.contains(want), "{want} missing");
    }

    // Outcomes: 愛子 declines, 文夫's letter comes back, 千代 applies (that answers it).
    let line = |id: i64, outcome: &str| MailingOutcomeInput { person_id: id, outcome: outcome.into(), ..Default::default() };
    assert_eq!(code(mailing::record_outcomes(&mut w.store, &clerk, m.id, &[line(a.id, "applied")], now)), "mailing.invalid");
    assert_eq!(code(mailing::record_outcomes(&mut w.store, &clerk, m.id, &[line(a.id, "declined"), line(applied.id, "declined")], now)), "mailing.invalid");
    mailing::record_outcomes(&mut w.store, &clerk, m.id, &[line(a.id, "declined"), line(b.id, "returned_mail")], at("2026-12-01")).unwrap();
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: c.id, ..Default::default() }, at("2026-12-02")).unwrap();
    let m = mailing::get(&w.store, &clerk, m.id, at("2026-12-02")).unwrap();
    let outcome_of = |id: i64| m.recipients.iter().find(|r| r.person_id == id).map(|r| r.outcome);
    assert_eq!(
        (outcome_of(a.id), outcome_of(b.id), outcome_of(c.id), outcome_of(safe.id)),
        (Some(MailingOutcome::Declined), Some(MailingOutcome::ReturnedMail), Some(MailingOutcome::Applied), Some(MailingOutcome::Awaited))
    );
    // The home's figures and the forecast count the awaited letter.
    let home = hairyo::home::summary(&w.store, &clerk, at("2026-12-02")).unwrap();
    assert_eq!(home.mailings.first().map(|s| (s.counts.applied, s.counts.awaited)), Some((1, 1)));
    assert_eq!(home.forecast.iter().map(|w| w.home_mailings).sum::<i64>(), 1);

    // After the deadline the rest is unanswered; the reminders list the mailing, and the
    // reminder goes to that one person only, recorded.
    let after = at("2026-12-26");
    let m = mailing::get(&w.store, &clerk, m.id, after).unwrap();
    assert_eq!((m.counts.no_answer, m.overdue), (1, true));
    assert_eq!(hairyo::reminder::due(&w.store, &clerk, hairyo::reminder::Window::default(), after).unwrap().overdue_mailings.len(), 1);
    let reminders = hairyo::print::mailing_letters(&mut w.store, &clerk, m.id, true, after, &mut |_| {}).unwrap();
    assert_eq!(reminders.documents, 1);
    assert!(crate::print::text(&reminders.bytes).contains("再送"));
    let m = mailing::get(&w.store, &clerk, m.id, after).unwrap();
    assert_eq!(m.counts.reminded, 1);
    assert!(hairyo::reminder::due(&w.store, &clerk, hairyo::reminder::Window::default(), after).unwrap().overdue_mailings.is_empty(), "reminded: off the list");

    // The envelopes' addresses: supervisors export them; a clerk may not.
    assert_eq!(code(mailing::addresses_csv(&mut w.store, &clerk, m.id, false, hairyo::import::Encoding::Utf8, now)), "access.denied");
    let (csv, rows) = mailing::addresses_csv(&mut w.store, &sv, m.id, false, hairyo::import::Encoding::Utf8, now).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(rows, 4);
    assert!(csv.contains("見本市役所保険年金課気付") && csv.contains(&format!("{} 様", c.name)), "{csv}");

    // The address is chosen when printing: 文夫 comes under 支援措置 after the mailing started,
    // and no print or CSV carries his home address from then on.
    let admin = w.admin.clone();
    let patch = hairyo::person::PersonPatch {
        protected: Some(true),
        safe_postal_code: Some("000-8888".into()),
        safe_address: Some("見本市役所気付 (文夫)".into()),
        ..Default::default()
    };
    hairyo::person::update(&mut w.store, &admin, b.id, &patch, after).unwrap();
    let (csv, _) = mailing::addresses_csv(&mut w.store, &sv, m.id, false, hairyo::import::Encoding::Utf8, after).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let line = csv.lines().find(|l| l.contains(&b.name)).expect("文夫's line");
    assert!(line.contains("見本市役所気付 (文夫)") && !line.contains("中央町"), "{line}");
    let letters = crate::print::text(&hairyo::print::mailing_letters(&mut w.store, &sv, m.id, false, after, &mut |_| {}).unwrap().bytes);
    assert!(letters.contains("見本市役所気付(文夫)"), "the safe address on his letter");
    // An application after a recorded outcome answers the letter all the same.
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: b.id, ..Default::default() }, after).unwrap();
    let m = mailing::get(&w.store, &clerk, m.id, after).unwrap();
    assert_eq!(m.recipients.iter().find(|r| r.person_id == b.id).map(|r| r.outcome), Some(MailingOutcome::Applied));
    // A reminder asks for an answer within two weeks of its own day, not by the passed deadline.
    let reminder = crate::print::text(&hairyo::print::mailing_letters(&mut w.store, &clerk, m.id, true, at("2027-01-05"), &mut |_| {}).unwrap().bytes);
    assert!(reminder.contains("令和9年1月19日までに") && !reminder.contains("令和8年12月25日までに"), "the reminder's own date");
    // Once the last one unanswered has moved out, no reminder goes anywhere.
    let moved = hairyo::moving::MoveOutInput { moved_on: "2027-01-06".into(), moved_to: "隣町".into(), note: String::new(), confirmed_digits: false };
    hairyo::moving::move_out(&mut w.store, &clerk, safe.id, &moved, at("2027-01-07")).unwrap();
    assert_eq!(code(hairyo::print::mailing_letters(&mut w.store, &clerk, m.id, true, at("2027-01-07"), &mut |_| {})), "print.nothing_to_print");
}
