//! In step with the core systems (#33): the certificates they issued merged into the one
//! ledger, matched with those recorded here, a disagreement listed for a clerk; what the card
//! shows, and to whom; the certificates to reissue at 70.

use hairyo::certificate::{self, CertificateBasis, CertificateStep, ReissueCause};
use hairyo::certificate_feed;
use hairyo::import::Encoding;
use hairyo::model::application::AppScheme;
use hairyo::model::certificate::{CertificateSource, CertificateStatus, ConflictResolution, CopayRate, LimitClass};
use hairyo::{record, Page};

use crate::common::{at, date, World};

const HEADER: &str = "宛名番号,区分,制度,日付,有効期限,記号,番号,枝番,負担割合,限度区分,特定疾病,特別療養費,送付\n";

fn feed(w: &mut World, body: &str, dry_run: bool) -> hairyo::feed::FeedReport {
    let sv = w.actor("kokuho_sv");
    certificate_feed::import(&mut w.store, &sv, format!("{HEADER}{body}").as_bytes(), Encoding::Utf8, None, dry_run, at("2026-12-07")).expect("a report")
}

fn certificates(w: &mut World, person: i64) -> Vec<hairyo::certificate::Certificate> {
    let admin = w.admin.clone();
    record::show(&mut w.store, &admin, person, at("2026-12-07")).unwrap().certificates
}

#[test]
fn the_core_systems_certificates_join_the_ledger_matched_never_doubled() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    // One recorded here on 8/1, the same one the core system printed.
    let recorded = w.person(|i| {
        i.atena_no = "100001".into();
        i.birth_date = "1956-12-15".into();
    });
    certificate::issue_without_application(
        &mut w.store,
        &clerk,
        recorded.id,
        AppScheme::Kokuho,
        CertificateBasis::ExOfficio,
        date("2026-08-01"),
        None,
        at("2026-08-01"),
    )
    .unwrap();
    // A 後期 member the core system mailed to the household, and a card holder sent a notice.
    let kouki = w.person(|i| {
        i.atena_no = "100002".into();
        i.birth_date = "1945-03-03".into();
        i.scheme = "kouki".into();
        i.householder = "見本 一郎".into();
    });
    let notified = w.person(|i| i.atena_no = "100003".into());
    // One recorded on 8/5 that the core system says it issued on 8/1.
    let differs = w.person(|i| i.atena_no = "100004".into());
    let differs_cert = certificate::issue_without_application(
        &mut w.store,
        &clerk,
        differs.id,
        AppScheme::Kokuho,
        CertificateBasis::ExOfficio,
        date("2026-08-05"),
        None,
        at("2026-08-05"),
    )
    .unwrap();
    let good = "100001,交付,国保,2026-08-01,2027-07-31,見01,1234,01,3割,ウ,,,本人\n\
                100002,交付,後期,2026-08-01,2027-07-31,,5678,,1割,一般,人工腎臓を実施している慢性腎不全,,世帯主\n\
                100003,資格情報のお知らせ,国保,2026-07-20,,,,,,,,,\n\
                100004,交付,国保,2026-08-01,2027-07-31,見01,4321,,3割,,,1,\n";

    // A bad row refuses the whole file, named by the row a spreadsheet shows.
    let bad = format!("{good}100002,交付,後期,2026-08-01,2027-07-31,,5678,,1割,ア,,,\n");
    let refused = feed(&mut w, &bad, false);
    assert!(!refused.committed);
    assert_eq!(refused.problems.len(), 1, "{:?}", refused.problems);
    assert_eq!(refused.problems[0].line, 6);
    assert!(refused.problems[0].message.contains("限度区分「ア」"), "{}", refused.problems[0].message);
    assert_eq!(certificates(&mut w, kouki.id).len(), 0, "nothing was stored");

    // A dry run says what it would do and stores nothing.
    let dry = feed(&mut w, good, true);
    assert!(!dry.committed && dry.problems.is_empty() && dry.applied.len() == 4, "{dry:?}");
    assert_eq!(certificates(&mut w, kouki.id).len(), 0);

    let done = feed(&mut w, good, false);
    assert!(done.committed, "{:?}", done.problems);
    // The recorded certificate is matched, not doubled, and now shows the card.
    let mine = certificates(&mut w, recorded.id);
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].source, CertificateSource::Both);
    assert_eq!((mine[0].card.copay_rate, mine[0].card.limit_class), (Some(CopayRate::Three), Some(LimitClass::U)));
    assert_eq!(mine[0].card.number, "1234");
    // The 後期 certificate is new, from the core system, addressed to the 世帯主.
    let theirs = certificates(&mut w, kouki.id);
    assert_eq!((theirs.len(), theirs[0].source), (1, CertificateSource::Core));
    assert!(theirs[0].delivery_address.contains("見本 一郎 様 (世帯主あて)"), "{}", theirs[0].delivery_address);
    // The notice is on the record.
    let admin = w.admin.clone();
    let r = record::show(&mut w.store, &admin, notified.id, at("2026-12-07")).unwrap();
    assert_eq!(r.notices.len(), 1);
    assert_eq!(r.notices[0].sent_on, date("2026-07-20"));
    // The disagreement waits for a clerk; the recorded certificate is untouched.
    let open = certificate_feed::conflicts(&w.store, &clerk, true, Page::new(0, 50), at("2026-12-07")).unwrap();
    assert_eq!(open.total, 1);
    assert_eq!(open.items[0].certificate_id, differs_cert.id);
    assert!(open.items[0].reason.contains("交付日が異なります"), "{}", open.items[0].reason);
    assert_eq!(certificates(&mut w, differs.id)[0].issued_on, date("2026-08-05"));

    // The same file again changes nothing and doubles nothing.
    let again = feed(&mut w, good, false);
    assert!(again.committed);
    assert!(again.applied.iter().all(|l| l.effect.contains("変更なし") || l.effect.contains("登録済み")), "{:?}", again.applied);
    assert_eq!(certificates(&mut w, kouki.id).len(), 1);
    assert_eq!(certificate_feed::conflicts(&w.store, &clerk, true, Page::new(0, 50), at("2026-12-07")).unwrap().total, 1);

    // The clerk takes the core system's dates; the conflict leaves the open list.
    let settled = certificate_feed::resolve_conflict(&mut w.store, &clerk, open.items[0].id, ConflictResolution::TookFed, at("2026-12-07")).unwrap();
    assert_eq!(settled.resolution, Some(ConflictResolution::TookFed));
    let fixed = &certificates(&mut w, differs.id)[0];
    assert_eq!((fixed.issued_on, fixed.source, fixed.card.special_care), (date("2026-08-01"), CertificateSource::Both, true));
    let twice = certificate_feed::resolve_conflict(&mut w.store, &clerk, open.items[0].id, ConflictResolution::KeptRecorded, at("2026-12-07"));
    assert_eq!(twice.unwrap_err().code(), "certificate_conflict.bad_transition");

    // Returned mail, a reissue and a collection from the core system follow the certificate.
    let later = "100002,返戻,後期,2026-08-10,,,,,,,,,\n100002,再交付,後期,2026-10-01,2027-07-31,,5679,,1割,一般,,,\n";
    let r = feed(&mut w, later, false);
    assert!(r.committed, "{:?}", r.problems);
    let theirs = certificates(&mut w, kouki.id);
    assert_eq!(theirs.len(), 2);
    assert_eq!((theirs[0].status, theirs[0].replaces_id), (CertificateStatus::Valid, Some(theirs[1].id)));
    assert_eq!(theirs[1].status, CertificateStatus::Replaced);
    assert!(theirs[1].events.iter().any(|e| e.kind_label == "宛所不明で返戻"));
    let invalidate = CertificateStep::Invalidate {
        cause: hairyo::certificate::EndCause::LostEligibility,
        on: "2026-11-01".into(),
        note: String::new(),
        confirmed_digits: false,
    };
    let mine_id = certificates(&mut w, recorded.id)[0].id;
    certificate::take_step(&mut w.store, &clerk, mine_id, &invalidate, at("2026-11-01")).unwrap();
    assert!(certificates(&mut w, recorded.id)[0].return_due);
    let r = feed(&mut w, "100001,回収,国保,2026-11-20,,,,,,,,,\n", false);
    assert!(r.committed, "{:?}", r.problems);
    assert!(!certificates(&mut w, recorded.id)[0].return_due);
    // A 返戻 with no certificate to return is refused by row.
    let r = feed(&mut w, "100003,返戻,国保,2026-11-20,,,,,,,,,\n", false);
    assert!(!r.committed && r.problems[0].line == 2, "{r:?}");

    // The renewal list reads the merged ledger: the fed 後期 certificate ends on 7/31.
    let renewal = certificate::renewal_list(&w.store, &clerk, date("2027-08-01"), Page::new(0, 50), at("2026-12-07")).unwrap();
    assert!(renewal.items.iter().any(|e| e.due.person_id == kouki.id && e.due.certificate_id == Some(theirs[0].id)), "{:?}", renewal.items);
}

/// A welfare desk reads that a certificate exists and its numbers; the 負担割合, 限度区分,
/// 特定疾病 and 特別療養費 stay with the insurer desks.
#[test]
fn what_the_card_shows_of_the_holders_insurance_stays_with_the_insurer_desks() {
    let mut w = World::new();
    let p = w.person(|i| i.atena_no = "200001".into());
    feed(&mut w, "200001,交付,国保,2026-08-01,2027-07-31,見01,1234,,3割,エ,血友病,1,\n", false);
    for (login, sees) in [("kokuho_clerk", true), ("kaigo_cw", false), ("shogai_cw", false), ("jido_cw", false)] {
        let actor = w.actor(login);
        let r = record::show(&mut w.store, &actor, p.id, at("2026-12-07")).unwrap();
        let c = &r.certificates[0];
        assert_eq!(c.card.number, "1234", "{login}");
        assert_eq!(c.card.copay_rate.is_some(), sees, "{login}");
        assert_eq!(c.card.limit_class.is_some() || c.card.specified_disease.is_some() || c.card.special_care, sees, "{login}");
        assert_eq!(c.card_withheld, !sees, "{login}");
    }
}

/// The 負担割合 and 限度区分 a feed brings are checked against the holder's age on the day of
/// issue: 3割 under 70, 2割 before school, 2割 or 3割 as a 高齢受給者; ア〜オ under 70 only.
#[test]
fn a_card_that_does_not_fit_the_holders_age_is_refused() {
    let mut w = World::new();
    w.person(|i| {
        i.atena_no = "300001".into();
        i.birth_date = "1955-05-10".into();
    });
    w.person(|i| {
        i.atena_no = "300002".into();
        i.birth_date = "2021-06-01".into();
    });
    // Turns 70 in December: the card issued ahead for the 高齢受給者 month may show either side.
    w.person(|i| {
        i.atena_no = "300003".into();
        i.birth_date = "1956-12-15".into();
    });
    let cases = [
        ("300001,交付,国保,2026-08-01,2027-07-31,,1,,2割,,,,\n", true),
        ("300001,交付,国保,2026-08-01,2027-07-31,,1,,1割,,,,\n", false),
        ("300001,交付,国保,2026-08-01,2027-07-31,,1,,3割,ア,,,\n", false),
        ("300001,交付,国保,2026-08-01,2027-07-31,,1,,3割,現役並みⅢ,,,\n", true),
        ("300002,交付,国保,2026-08-01,2027-07-31,,2,,2割,,,,\n", true),
        ("300002,交付,国保,2026-08-01,2027-07-31,,2,,3割,,,,\n", false),
        ("300002,交付,国保,2026-08-01,2027-07-31,,2,,2割,一般Ⅱ,,,\n", false),
        ("300002,交付,国保,2026-08-01,2027-07-31,,,,2割,,,,\n", false),
        ("300003,交付,国保,2026-12-07,2027-07-31,,3,,2割,一般,,,\n", true),
        ("300003,交付,国保,2026-12-07,2027-07-31,,3,,3割,ウ,,,\n", true),
        ("300003,交付,国保,2026-08-01,2026-12-31,,3,,2割,,,,\n", false),
    ];
    for (row, fits) in cases {
        let r = feed(&mut w, row, true);
        assert_eq!(r.problems.is_empty(), fits, "{row}: {:?}", r.problems);
    }
}

/// A 国保 holder who becomes a 高齢受給者 within two months is listed; once the certificate is
/// reissued for it, the list lets them go and the new card waits for the core's 負担割合.
#[test]
fn a_holder_turning_70_is_listed_for_a_reissue() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let turning = w.person(|i| {
        i.atena_no = "400001".into();
        i.birth_date = "1956-12-15".into();
    });
    let later = w.person(|i| {
        i.atena_no = "400002".into();
        i.birth_date = "1957-06-15".into();
    });
    for p in [&turning, &later] {
        certificate::issue_without_application(
            &mut w.store,
            &clerk,
            p.id,
            AppScheme::Kokuho,
            CertificateBasis::ExOfficio,
            date("2026-08-01"),
            None,
            at("2026-08-01"),
        )
        .unwrap();
    }
    feed(&mut w, "400001,交付,国保,2026-08-01,2027-07-31,,1,,3割,ウ,,,\n", false);
    let list = certificate::age_reissues(&w.store, &clerk, at("2026-12-07")).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!((list[0].person_id, list[0].elderly_from), (turning.id, date("2027-01-01")));
    let kaigo = w.actor("kaigo_cw");
    assert!(certificate::age_reissues(&w.store, &kaigo, at("2026-12-07")).is_err(), "the insurer desks' list");
    let step = CertificateStep::Reissue { cause: ReissueCause::Age70, on: "2026-12-07".into(), note: String::new(), confirmed_digits: false };
    let new = certificate::take_step(&mut w.store, &clerk, list[0].certificate_id, &step, at("2026-12-07")).unwrap();
    assert_eq!((new.card.copay_rate, new.card.limit_class, new.card.number.as_str()), (None, None, "1"));
    assert!(certificate::age_reissues(&w.store, &clerk, at("2026-12-07")).unwrap().is_empty());
}

fn settings_with(w: &mut World, f: impl FnOnce(&mut hairyo::settings::CitySettings)) {
    let admin = w.admin.clone();
    let mut city = hairyo::settings::public_city(&w.store).unwrap();
    f(&mut city);
    hairyo::settings::set_city(&mut w.store, &admin, &city, at("2026-12-01")).unwrap();
}

/// The household of the 住民票: the 世帯主 is a person, linked; a proxy who says they share
/// the household is checked against it; the 国保 form names the 世帯主 and mail goes 世帯主宛
/// where the city says so; a protected member stays out of what a welfare desk sees.
#[test]
fn a_household_links_its_head_and_checks_a_proxy_who_claims_to_share_it() {
    use hairyo::application::{self, ApplicationInput};
    let mut w = World::new();
    let member = |w: &mut World, name: &str, rel: &str, birth: &str, protected: bool| {
        w.person(|i| {
            i.name = name.into();
            i.household_no = "5001".into();
            i.relationship = rel.into();
            i.birth_date = birth.into();
            if protected {
                i.protected = true;
                i.safe_address = "見本市役所気付".into();
            }
        })
    };
    let head = member(&mut w, "見本 一郎", "世帯主", "1965-04-01", false);
    member(&mut w, "見本 花子", "妻", "1967-05-01", false);
    let hidden = member(&mut w, "見本 秘子", "長女", "1995-06-01", true);
    let mother = member(&mut w, "見本 ヨシ", "母", "1953-07-01", false);
    let clerk = w.actor("kokuho_clerk");
    let kaigo = w.actor("kaigo_cw");

    let r = record::show(&mut w.store, &clerk, mother.id, at("2026-12-07")).unwrap();
    assert_eq!(r.householder.as_ref().map(|h| h.person_id), Some(head.id));
    let names: Vec<String> = r.household.clone().unwrap().iter().map(|m| m.name.clone()).collect();
    assert_eq!(names, ["見本\u{3000}一郎", "見本\u{3000}花子", "見本\u{3000}秘子"]);
    assert_eq!(r.person.relationship.map(|r| r.label()), Some("父母"));
    // A welfare desk sees the household without the protected member, and no household of theirs.
    let seen = record::show(&mut w.store, &kaigo, mother.id, at("2026-12-07")).unwrap();
    assert_eq!(seen.household.unwrap().len(), 2);
    assert!(record::show(&mut w.store, &kaigo, hidden.id, at("2026-12-07")).unwrap().household.is_none());

    // A proxy of the household applies without a 委任状; anyone else claiming it is refused.
    let proxy = |name: &str| ApplicationInput {
        person_id: mother.id,
        applicant: "proxy".into(),
        authority: "same_household".into(),
        proxy_name: name.into(),
        proxy_address: "見本市中央町1丁目1番1号".into(),
        proxy_relationship: "子の妻".into(),
        ..Default::default()
    };
    application::receive(&mut w.store, &clerk, &proxy("見本 花子"), at("2026-12-07")).expect("a member of the household");
    let e = application::receive(&mut w.store, &clerk, &proxy("他人 太郎"), at("2026-12-07")).unwrap_err();
    assert_eq!(e.code(), "application.invalid");
    let application::ApplicationError::Invalid(fields) = &e else { panic!("{e:?}") };
    assert_eq!(fields.0[0].field, "household_confirmed");
    assert!(fields.0[0].message.contains("世帯番号 5001") && fields.0[0].message.contains("委任状"), "{}", fields.0[0].message);
    // A family member Hairyo does not hold passes once the clerk has seen the 住民票.
    let seen = ApplicationInput { household_confirmed: true, ..proxy("見本 二郎") };
    application::receive(&mut w.store, &clerk, &seen, at("2026-12-07")).expect("confirmed on the 住民票");

    // The 国保 form names the linked 世帯主; mail goes 世帯主宛 once the city says so.
    let printed = hairyo::print::application_form(&mut w.store, &clerk, mother.id, None, at("2026-12-07")).unwrap();
    assert!(crate::print::text(&printed.bytes).contains("見本一郎"), "the 世帯主 on the form");
    settings_with(&mut w, |c| c.mail_to_householder = true);
    let c = certificate::issue_without_application(
        &mut w.store,
        &clerk,
        mother.id,
        AppScheme::Kokuho,
        CertificateBasis::ExOfficio,
        date("2026-12-07"),
        None,
        at("2026-12-07"),
    )
    .unwrap();
    assert!(c.delivery_address.contains("見本\u{3000}一郎 様 (世帯主あて)"), "{}", c.delivery_address);
}

/// A standing 送付先変更 takes every certificate mailed while it stands: one issued, one
/// reissued, one the core systems mailed to the 送付先, and the forms of a facility's batch;
/// once ended, mail goes home again.
#[test]
fn a_standing_delivery_registration_is_used_by_every_certificate_mailed_while_it_stands() {
    use hairyo::household::{self, RegistrationInput};
    let mut w = World::new();
    let admin = w.admin.clone();
    let clerk = w.actor("kokuho_clerk");
    let f = hairyo::facility::add(
        &mut w.store,
        &admin,
        &hairyo::facility::FacilityInput {
            name: "見本ホーム".into(), kind: "elderly".into(), address: "見本市東町1番".into(), ..Default::default()
        },
        at("2025-05-01"),
    )
    .unwrap();
    // A card holder in a facility: the batch asks them to apply.
    let p = w.person(|i| {
        crate::common::holder(i);
        i.atena_no = "600001".into();
        i.facility_id = Some(f.id);
        i.reasons = vec!["facility".into()];
    });
    let first = certificate::issue_without_application(
        &mut w.store,
        &clerk,
        p.id,
        AppScheme::Kokuho,
        CertificateBasis::ExOfficio,
        date("2026-11-01"),
        None,
        at("2026-11-01"),
    )
    .unwrap();
    assert!(first.delivery_address.contains("中央町"), "{}", first.delivery_address);

    // Every refused field at once, nothing stored.
    let bad = RegistrationInput { person_id: p.id, from_on: "2026-12-05".into(), until_on: "2026-12-01".into(), ..Default::default() };
    let e = household::register_delivery(&mut w.store, &clerk, &bad, at("2026-12-01")).unwrap_err();
    let household::HouseholdError::Invalid(fields) = &e else { panic!("{e:?}") };
    let named: Vec<&str> = fields.0.iter().map(|f| f.field).collect();
    for field in ["address", "reason", "until_on", "requested_by"] {
        assert!(named.contains(&field), "{field} in {named:?}");
    }
    let kaigo = w.actor("kaigo_cw");
    let input = RegistrationInput {
        person_id: p.id,
        postal_code: "000-0099".into(),
        address: "見本市後見町1番".into(),
        addressee: "後見 次郎".into(),
        reason: "guardian".into(),
        from_on: "2026-12-01".into(),
        requested_by: "成年後見人 後見 次郎".into(),
        document_seen: "登記事項証明書".into(),
        ..Default::default()
    };
    assert_eq!(household::register_delivery(&mut w.store, &kaigo, &input, at("2026-12-01")).unwrap_err().code(), "access.denied");
    // A protected person's mail goes only to the safe address: no registration is taken.
    let protected = w.person(|i| {
        i.protected = true;
        i.safe_address = "見本市役所気付".into();
    });
    let e = household::register_delivery(&mut w.store, &clerk, &RegistrationInput { person_id: protected.id, ..input.clone() }, at("2026-12-01")).unwrap_err();
    assert_eq!(e.code(), "delivery_registration.protected");
    let reg = household::register_delivery(&mut w.store, &clerk, &input, at("2026-12-01")).unwrap();

    // The reissue goes to the 送付先 registered since the first one was mailed.
    let step = CertificateStep::Reissue { cause: ReissueCause::Lost, on: "2026-12-07".into(), note: String::new(), confirmed_digits: false };
    let second = certificate::take_step(&mut w.store, &clerk, first.id, &step, at("2026-12-07")).unwrap();
    assert!(second.delivery_address.contains("後見町1番 後見 次郎 様 〔転送不要〕"), "{}", second.delivery_address);
    // The core systems' 送付先 is the registration; without one the row is refused.
    let fed = feed(&mut w, "600001,交付,後期,2026-12-01,2027-07-31,,9,,,,,,送付先\n", true);
    assert!(fed.problems.iter().all(|p| !p.message.contains("送付先変更")), "{:?}", fed.problems);
    w.person(|i| i.atena_no = "600002".into());
    let refused = feed(&mut w, "600002,交付,国保,2026-12-01,2027-07-31,,9,,,,,,送付先\n", true);
    assert!(refused.problems[0].message.contains("送付先変更の登録がありません"), "{:?}", refused.problems);
    // The facility's batch prints the registered 送付先 on the resident's form.
    let batch = hairyo::print::facility_batch(&mut w.store, &admin, f.id, at("2026-12-07"), &mut |_| {}).unwrap();
    assert!(crate::print::text(&batch.bytes).contains("見本市後見町1番"), "the batch's 送付先");
    // The record shows it standing; ended, the next certificate goes home.
    let r = record::show(&mut w.store, &clerk, p.id, at("2026-12-07")).unwrap();
    assert_eq!(r.standing_registration_id, Some(reg.id));
    household::end_delivery_registration(&mut w.store, &clerk, reg.id, at("2026-12-07")).unwrap();
    assert_eq!(
        household::end_delivery_registration(&mut w.store, &clerk, reg.id, at("2026-12-07")).unwrap_err().code(),
        "delivery_registration.bad_transition"
    );
    let r = record::show(&mut w.store, &clerk, p.id, at("2026-12-07")).unwrap();
    assert_eq!(r.standing_registration_id, None);
    let third = certificate::take_step(&mut w.store, &clerk, second.id, &step, at("2026-12-07")).unwrap();
    assert!(third.delivery_address.contains("中央町") && !third.delivery_address.contains("後見町"), "{}", third.delivery_address);
}

/// A foreign resident: the 在留期限 caps the certificate; the 通称 is found by search; a long
/// Latin name is stored and printed whole; the form is in 西暦 when they asked.
#[test]
fn a_foreign_residents_stay_caps_the_certificate_and_the_alias_is_found() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let long = "MONTGOMERY-FITZGERALD ALEXANDER WILLIAM JOHN";
    let p = w.person(|i| {
        i.name = long.into();
        i.kana = "モンゴメリーフィッツジェラルド アレクサンダー ウィリアム ジョン".into();
        i.alias = "森 太郎".into();
        i.birth_date = "1980-05-05".into();
        i.residence_until = "2027-03-31".into();
        i.western_calendar = true;
    });
    assert_eq!(p.name, long.replace(' ', "\u{3000}"), "kept whole");
    let c = certificate::issue_without_application(
        &mut w.store,
        &clerk,
        p.id,
        AppScheme::Kokuho,
        CertificateBasis::ExOfficio,
        date("2026-12-07"),
        None,
        at("2026-12-07"),
    )
    .unwrap();
    assert_eq!((c.valid_until, c.residence_capped, c.valid_until_basis_label), (date("2027-03-31"), true, "在留期限まで"));
    for query in ["森", "森 太郎", "太郎"] {
        let found = hairyo::search::search(&mut w.store, &clerk, query, Page::new(0, 10), at("2026-12-07")).unwrap();
        assert!(found.hits.items.iter().any(|h| h.person.id == p.id), "found by the 通称 ({query})");
    }
    let whole = hairyo::search::search(&mut w.store, &clerk, "森太郎", Page::new(0, 10), at("2026-12-07")).unwrap();
    assert_eq!(whole.hits.items.first().map(|h| (h.person.id, h.matched)), Some((p.id, hairyo::search::MatchKind::Exact)), "the whole 通称");
    let found = hairyo::search::search(&mut w.store, &clerk, "FITZGERALD", Page::new(0, 10), at("2026-12-07")).unwrap();
    assert!(found.hits.items.iter().any(|h| h.person.id == p.id), "found by a part of the long name");
    let printed = hairyo::print::application_form(&mut w.store, &clerk, p.id, None, at("2026-12-07")).unwrap();
    let text = crate::print::text(&printed.bytes);
    assert!(text.contains("1980年5月5日") && !text.contains("昭和55年"), "西暦: {text}");
    assert!(text.contains("MONTGOMERY-FITZGERALD") && text.contains("JOHN") && text.contains("森太郎"), "{text}");
    // A stay already over is no ground for a certificate.
    let gone = w.person(|i| i.residence_until = "2026-11-30".into());
    let e = certificate::issue_without_application(
        &mut w.store,
        &clerk,
        gone.id,
        AppScheme::Kokuho,
        CertificateBasis::ExOfficio,
        date("2026-12-07"),
        None,
        at("2026-12-07"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "certificate.residence_ended");
}
