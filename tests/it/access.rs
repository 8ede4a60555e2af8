//! The access matrix walked cell by cell against the real core operations: every desk × role ×
//! permission is tried, and allowed exactly when `access::allows` says so. docs/access.md is
//! generated from the same matrix.

use crate::common;

use common::{at, holder, World};
use hairyo::access::{self, Permission};
use hairyo::application::{self, ApplicationInput};
use hairyo::codes::Coded;
use hairyo::person::PersonInput;
use hairyo::referral::{self, ReferralInput};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};
use hairyo::touchpoint::{self, TouchpointInput};
use hairyo::{certificate, export, import, print, record, settings};

fn login(desk: Desk, role: Role) -> String {
    format!("m_{}_{}", desk.code(), role.code())
}

fn world() -> World {
    let mut w = World::new();
    let admin = w.admin.clone();
    for d in Desk::ALL {
        for r in Role::ALL {
            staff::add(&mut w.store, &admin, &NewStaff { login: login(*d, *r), name: "権限 確認".into(), desk: *d, role: *r }, at("2025-04-01")).unwrap();
        }
    }
    w
}

fn denied<E: Coded + ?Sized>(e: &E) -> bool {
    let c = e.code();
    c == "access.denied" || c.ends_with(".forbidden") || c.ends_with(".admin_only")
}

/// Runs the operation that needs `p` as `actor`; Ok(true) when it was allowed.
fn probe(w: &mut World, actor: &Actor, p: Permission, n: usize) -> Result<bool, String> {
    let now = at("2026-11-25");
    let outcome = |r: Result<(), Box<dyn Coded>>| match r {
        Ok(()) => Ok(true),
        Err(e) if denied(&*e) => Ok(false),
        Err(e) => Err(format!("{p:?} as {}: unexpected error {} {}", actor.login, e.code(), e)),
    };
    fn boxed<T, E: Coded + 'static>(r: Result<T, E>) -> Result<(), Box<dyn Coded>> {
        r.map(|_| ()).map_err(|e| Box::new(e) as Box<dyn Coded>)
    }
    let person = w.person(|i| {
        holder(i);
        i.reasons = vec!["elderly".into()];
        i.name = "権限 花子".into();
    });
    // A referral this actor's desk can see: sent by the actor's own desk when it is a welfare
    // desk, or sent to it when it is an insurer desk.
    let referral_for = |w: &mut World, desk: Desk| {
        let (from, to) = if desk.is_insurer_desk() { (Desk::Kaigo, desk) } else { (desk, Desk::Kokuho) };
        let sender = staff::actor(&w.store, &login(from, Role::Caseworker)).unwrap();
        referral::send(
            &mut w.store,
            &sender,
            &ReferralInput { person_id: person.id, to_desk: to.code().into(), reason: "確認".into(), sharing_basis: "consent".into(), ..Default::default() },
            now,
        )
        .unwrap()
    };
    let proxy_app = |w: &mut World| {
        let clerk = w.actor("kokuho_clerk");
        application::receive(
            &mut w.store,
            &clerk,
            &ApplicationInput {
                person_id: person.id,
                applicant: "proxy".into(),
                authority: "relative".into(),
                proxy_name: "代理 一郎".into(),
                proxy_address: "見本市1番地".into(),
                proxy_relationship: "子".into(),
                ..Default::default()
            },
            now,
        )
        .unwrap()
        .application
    };
    match p {
        Permission::ViewPerson => outcome(boxed(record::show(&mut w.store, actor, person.id, now))),
        Permission::EditPerson => outcome(boxed(hairyo::person::add(
            &mut w.store,
            actor,
            &PersonInput {
                name: "新規 太郎".into(), kana: "シンキ タロウ".into(), birth_date: "1960-01-01".into(), sex: "male".into(), ..Default::default()
            },
            now,
        ))),
        Permission::ViewProtectedAddress => {
            let p = w.person(|i| {
                i.protected = true;
                i.address = "見本市秘密町1番地".into();
                i.safe_address = "見本市役所気付".into();
            });
            let r = record::show(&mut w.store, actor, p.id, now).map_err(|e| e.to_string())?;
            let shown = r.person.address.contains("秘密町");
            assert_eq!(shown, !r.address_masked);
            Ok(shown)
        }
        Permission::ViewInsuranceDetails => {
            // A certificate the core systems issued, with what the card shows.
            let atena = format!("9{:05}", 10_000 + n);
            let p = w.person(|i| i.atena_no = atena.clone());
            let sv = w.actor("kokuho_sv");
            let file = format!("宛名番号,区分,制度,日付,有効期限,番号,負担割合\n{atena},交付,国保,2026-08-01,2027-07-31,1,3割\n");
            let fed = hairyo::certificate_feed::import(&mut w.store, &sv, file.as_bytes(), import::Encoding::Utf8, None, false, now).unwrap();
            assert!(fed.committed, "{:?}", fed.problems);
            let r = record::show(&mut w.store, actor, p.id, now).map_err(|e| e.to_string())?;
            assert_eq!(r.certificates[0].card.number, "1", "the numbers show to every desk");
            Ok(r.certificates[0].card.copay_rate.is_some())
        }
        Permission::ViewChildCaseNotes => {
            let child = w.person(|i| i.birth_date = "2016-01-01".into());
            let jido = w.actor("jido_cw");
            touchpoint::add(
                &mut w.store,
                &jido,
                &TouchpointInput { person_id: child.id, kind: "visit".into(), notes: "家庭の事情の記録".into(), ..Default::default() },
                now,
            )
            .unwrap();
            let r = record::show(&mut w.store, actor, child.id, now).map_err(|e| e.to_string())?;
            Ok(r.touchpoints[0].notes == "家庭の事情の記録")
        }
        Permission::RecordTouchpoint => {
            outcome(boxed(touchpoint::add(&mut w.store, actor, &TouchpointInput { person_id: person.id, kind: "counter".into(), ..Default::default() }, now)))
        }
        Permission::SendReferral => outcome(boxed(referral::send(
            &mut w.store,
            actor,
            &ReferralInput { person_id: person.id, reason: "依頼".into(), sharing_basis: "consent".into(), ..Default::default() },
            now,
        ))),
        Permission::ReviewReferral => {
            let r = referral_for(w, actor.desk);
            outcome(boxed(referral::accept(&mut w.store, actor, r.id, "", now)))
        }
        Permission::CommentReferral => {
            let r = referral_for(w, actor.desk);
            outcome(boxed(referral::comment(&mut w.store, actor, r.id, "確認しました", now)))
        }
        Permission::ReceiveApplication => {
            outcome(boxed(application::receive(&mut w.store, actor, &ApplicationInput { person_id: person.id, ..Default::default() }, now)))
        }
        Permission::DecideApplication => {
            let a = proxy_app(w);
            outcome(boxed(application::start_review(&mut w.store, actor, a.id, now)))
        }
        Permission::OverrideChecklist => {
            let a = proxy_app(w);
            outcome(boxed(application::decide(&mut w.store, actor, a.id, Some("後日提出を確認"), now)))
        }
        Permission::IssueCertificate => outcome(boxed(certificate::issue_without_application(
            &mut w.store,
            actor,
            person.id,
            application::AppScheme::Kokuho,
            certificate::CertificateBasis::ExOfficio,
            now.date(),
            None,
            now,
        ))),
        Permission::ManageCertificate => {
            let admin = w.admin.clone();
            let scheme = application::AppScheme::Kouki;
            let c = certificate::issue_without_application(
                &mut w.store,
                &admin,
                person.id,
                scheme,
                certificate::CertificateBasis::Provisional,
                now.date(),
                None,
                now,
            )
            .unwrap();
            let step = certificate::CertificateStep::MailReturned { on: String::new(), note: String::new(), confirmed_digits: false };
            outcome(boxed(certificate::take_step(&mut w.store, actor, c.id, &step, now)))
        }
        Permission::PrintForms => outcome(boxed(print::application_form(&mut w.store, actor, person.id, None, now))),
        Permission::PrintLeaflets => outcome(boxed(print::leaflet(&mut w.store, actor, hairyo::leaflet::Leaflet::Bessou2, 1, now))),
        Permission::ImportData => {
            let csv = format!("宛名番号,氏名,フリガナ,生年月日,性別\n{},取込 花子,トリコミ ハナコ,1950-01-01,女\n", 800_000_000 + n);
            outcome(boxed(import::import_persons(&mut w.store, actor, csv.as_bytes(), &import::Options::default(), now, &mut |_, _| {})))
        }
        Permission::ExportData => outcome(boxed(export::export(&mut w.store, actor, export::ExportKind::Persons, import::Encoding::Utf8, now))),
        Permission::ChangeSettings => outcome(boxed(settings::set_city(
            &mut w.store,
            actor,
            &settings::CitySettings {
                city_name: "見本市".into(),
                addressee: "見本市長".into(),
                kouki_union: "見本県後期高齢者医療広域連合".into(),
                ..Default::default()
            },
            now,
        ))),
        Permission::ReadAudit => outcome(boxed(hairyo::audit::export_csv(&mut w.store, actor, now))),
        Permission::DisposeRecords => outcome(boxed(hairyo::retention::disposal_list(&mut w.store, actor, now))),
    }
}

#[test]
fn the_whole_matrix_holds_in_the_core() {
    let mut w = world();
    let mut checked = 0;
    let mut n = 0;
    for d in Desk::ALL {
        for r in Role::ALL {
            let actor = staff::actor(&w.store, &login(*d, *r)).unwrap();
            for p in Permission::ALL {
                n += 1;
                let got = probe(&mut w, &actor, *p, n).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(got, access::allows(*d, *r, *p), "{} {} {}", d.label(), r.label(), p.label());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, Desk::ALL.len() * Role::ALL.len() * Permission::ALL.len());
}

#[test]
fn docs_access_md_is_the_matrix() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/access.md")).expect("docs/access.md");
    assert_eq!(doc, access::markdown() + &hairyo::disclosure::markdown(), "regenerate docs/access.md with `hairyo access-matrix > docs/access.md`");
}

#[test]
fn key_rules_of_the_brief() {
    use Permission::*;
    // Child-welfare case notes stay at the 児童 desk.
    assert!(access::allows(Desk::Jido, Role::Caseworker, ViewChildCaseNotes));
    assert!(!access::allows(Desk::Kokuho, Role::Supervisor, ViewChildCaseNotes));
    // Only supervisors override checklists; only administrators change settings.
    assert!(!access::allows(Desk::Kokuho, Role::Clerk, OverrideChecklist));
    assert!(access::allows(Desk::Kokuho, Role::Supervisor, OverrideChecklist));
    assert!(!access::allows(Desk::Kokuho, Role::Supervisor, ChangeSettings));
    // The welfare desks do not see a protected person's address.
    assert!(!access::allows(Desk::Kaigo, Role::Supervisor, ViewProtectedAddress));
}

/// A read of the core, as a shell calls it, and the permission the matrix gives it.
type Read = fn(&mut World, &Actor, i64) -> Result<(), Box<dyn Coded>>;

fn read<T, E: Coded + 'static>(r: Result<T, E>) -> Result<(), Box<dyn Coded>> {
    r.map(|_| ()).map_err(|e| Box::new(e) as Box<dyn Coded>)
}

/// Every public read of the core, each with the permission it needs. A read added to the core
/// belongs here: the walk below proves it checks the matrix itself.
const READS: &[(&str, Permission, Read)] = &[
    ("record::show", Permission::ViewPerson, |w, a, p| read(record::show(&mut w.store, a, p, at("2026-11-25")))),
    ("person::get", Permission::ViewPerson, |w, a, p| read(hairyo::person::get(&mut w.store, a, p, at("2026-11-25")))),
    ("person::list", Permission::ViewPerson, |w, a, _| {
        read(hairyo::person::list(&mut w.store, a, &Default::default(), hairyo::Page::default(), at("2026-11-25")))
    }),
    ("search::search", Permission::ViewPerson, |w, a, _| read(hairyo::search::search(&mut w.store, a, "権限", hairyo::Page::default(), at("2026-11-25")))),
    ("policy::route", Permission::ViewPerson, |w, a, p| read(hairyo::policy::route(&w.store, a, p, common::date("2026-11-25"), at("2026-11-25")))),
    ("policy::list_rules", Permission::ViewPerson, |w, a, _| read(hairyo::policy::list_rules(&w.store, a, at("2026-11-25")))),
    ("home::summary", Permission::ViewPerson, |w, a, _| read(hairyo::home::summary(&w.store, a, at("2026-11-25")))),
    ("reminder::due", Permission::ViewPerson, |w, a, _| read(hairyo::reminder::due(&w.store, a, Default::default(), at("2026-11-25")))),
    ("forecast::weekly", Permission::ViewPerson, |w, a, _| read(hairyo::forecast::weekly(&w.store, a, 4, at("2026-11-25")))),
    ("stats::compute", Permission::ViewPerson, |w, a, _| read(hairyo::stats::compute(&w.store, a, at("2026-11-25")))),
    ("referral::queue", Permission::ViewPerson, |w, a, _| {
        read(referral::queue(&mut w.store, a, referral::QueueFilter::Every, referral::QueueOrder::Oldest, hairyo::Page::default(), at("2026-11-25")))
    }),
    ("application::list", Permission::ViewPerson, |w, a, _| read(application::list(&w.store, a, &[], None, hairyo::Page::default(), at("2026-11-25")))),
    ("facility::list", Permission::ViewPerson, |w, a, _| read(hairyo::facility::list(&w.store, a, hairyo::Page::default(), at("2026-11-25")))),
    ("certificate::expiring_within", Permission::ViewPerson, |w, a, _| {
        read(certificate::expiring_within(&w.store, a, 60, hairyo::Page::default(), at("2026-11-25")))
    }),
    ("certificate::renewal_list", Permission::ViewPerson, |w, a, _| {
        read(certificate::renewal_list(&w.store, a, common::date("2027-08-01"), hairyo::Page::default(), at("2026-11-25")))
    }),
    ("settings::desk_contacts", Permission::ViewPerson, |w, a, _| read(settings::desk_contacts(&w.store, a, at("2026-11-25")))),
    ("settings::certificate_validity", Permission::ViewPerson, |w, a, _| read(settings::certificate_validity(&w.store, a, at("2026-11-25")))),
    ("leaflet::editions", Permission::PrintLeaflets, |w, a, _| read(hairyo::leaflet::editions(&w.store, a, at("2026-11-25")))),
    ("leaflet::check_all_statements", Permission::PrintLeaflets, |w, a, _| read(hairyo::leaflet::check_all_statements(&w.store, a, at("2026-11-25")))),
    ("import::profiles", Permission::ImportData, |w, a, _| read(import::profiles(&w.store, a, at("2026-11-25")))),
    ("duplicates::candidates", Permission::ImportData, |w, a, _| read(hairyo::duplicates::candidates(&w.store, a, hairyo::Page::default(), at("2026-11-25")))),
    ("export::export", Permission::ExportData, |w, a, _| {
        read(export::export(&mut w.store, a, export::ExportKind::Referrals, import::Encoding::Utf8, at("2026-11-25")))
    }),
    ("kouki::forwarding_register_csv", Permission::ExportData, |w, a, _| {
        read(hairyo::kouki::forwarding_register_csv(&mut w.store, a, common::date("2026-11-25"), import::Encoding::Utf8, at("2026-11-25")))
    }),
    ("audit::verify", Permission::ReadAudit, |w, a, _| read(hairyo::audit::verify(&w.store, a, at("2026-11-25")))),
    ("audit::list", Permission::ReadAudit, |w, a, _| read(hairyo::audit::list(&w.store, a, None, hairyo::Page::default(), at("2026-11-25")))),
    ("audit::export_csv", Permission::ReadAudit, |w, a, _| read(hairyo::audit::export_csv(&mut w.store, a, at("2026-11-25")))),
    ("staff::list", Permission::ChangeSettings, |w, a, _| read(staff::list(&w.store, a, at("2026-11-25")))),
];

/// Every public read, as every desk × role: allowed exactly when the matrix gives its
/// permission, and refused with `access.denied` (or the module's own refusal) otherwise.
#[test]
fn every_read_checks_the_matrix_in_the_core() {
    let mut w = world();
    let person = w.person(|i| i.name = "権限 読子".into());
    for (name, permission, run) in READS {
        for d in Desk::ALL {
            for r in Role::ALL {
                let actor = staff::actor(&w.store, &login(*d, *r)).unwrap();
                let got = match run(&mut w, &actor, person.id) {
                    Ok(()) => true,
                    Err(e) if denied(&*e) => false,
                    Err(e) => panic!("{name} as {}: unexpected error {} {e}", actor.login, e.code()),
                };
                assert_eq!(got, access::allows(*d, *r, *permission), "{name} as {} {}", d.label(), r.label());
            }
        }
    }
}

/// The window offers what `next` says; this proves `next` is exactly what the core then
/// allows. Every referral state × desk × role × action: offered ⇔ the action is not refused by
/// the state machine, the desk rules or the matrix.
#[test]
fn next_actions_of_a_referral_are_what_the_core_allows() {
    use hairyo::referral::{ReferralAction, ReferralActionKind};
    let mut w = world();
    let person = w.person(|i| i.name = "連携 試子".into());
    let now = at("2026-11-25");
    let sender = staff::actor(&w.store, &login(Desk::Kaigo, Role::Caseworker)).unwrap();
    let reviewer = staff::actor(&w.store, &login(Desk::Kokuho, Role::Clerk)).unwrap();
    // A fresh referral in `state` for every try that changed the last one.
    let fresh = |w: &mut World, state: &str| {
        let r = referral::send(
            &mut w.store,
            &sender,
            &ReferralInput { person_id: person.id, to_desk: "kokuho".into(), reason: "確認".into(), sharing_basis: "consent".into(), ..Default::default() },
            now,
        )
        .unwrap();
        match state {
            "accepted" => referral::accept(&mut w.store, &reviewer, r.id, "", now).unwrap(),
            "returned" => referral::send_back(&mut w.store, &reviewer, r.id, "書類不足", now).unwrap(),
            "withdrawn" => referral::withdraw(&mut w.store, &sender, r.id, "不要になった", now).unwrap(),
            "completed" => {
                referral::accept(&mut w.store, &reviewer, r.id, "", now).unwrap();
                referral::complete(&mut w.store, &reviewer, r.id, "", now).unwrap()
            }
            _ => r,
        }
    };
    let mut offered_somewhere = std::collections::HashSet::new();
    for state in ["sent", "accepted", "returned", "completed", "withdrawn"] {
        // A referral a refusal left as it was serves the next try: the core stores nothing
        // when it refuses (were that not so, a later try would see the wrong state and fail).
        let mut unchanged = None;
        for d in Desk::ALL {
            for role in Role::ALL {
                let actor = staff::actor(&w.store, &login(*d, *role)).unwrap();
                for kind in ReferralActionKind::ALL {
                    let r = match unchanged.take() {
                        Some(r) => r,
                        None => fresh(&mut w, state),
                    };
                    let shown = referral::get(&w.store, &actor, r.id, now).unwrap();
                    let offered = shown.next.contains(kind);
                    let action = match kind {
                        ReferralActionKind::Accept => ReferralAction::Accept { note: String::new(), confirmed_digits: false },
                        ReferralActionKind::Return => ReferralAction::Return { reason: "理由".into(), confirmed_digits: false },
                        ReferralActionKind::Complete => ReferralAction::Complete { note: String::new(), confirmed_digits: false },
                        ReferralActionKind::Resend => ReferralAction::Resend { note: String::new(), confirmed_digits: false },
                        ReferralActionKind::Comment => ReferralAction::Comment { body: "コメント".into(), confirmed_digits: false },
                        ReferralActionKind::Withdraw => ReferralAction::Withdraw { reason: "理由".into(), confirmed_digits: false },
                    };
                    let outcome = referral::act(&mut w.store, &actor, r.id, &action, now);
                    let allowed = match &outcome {
                        Ok(_) => true,
                        Err(e) if denied(e) || e.code() == "referral.bad_transition" => false,
                        Err(e) => panic!("{kind:?} on {state} as {}: {} {e}", actor.login, e.code()),
                    };
                    assert_eq!(offered, allowed, "{kind:?} on a {state} referral as {} {}", d.label(), role.label());
                    if offered {
                        offered_somewhere.insert((state, *kind));
                    }
                    if outcome.is_err() {
                        unchanged = Some(r);
                    }
                }
            }
        }
    }
    assert!(offered_somewhere.contains(&("sent", ReferralActionKind::Accept)));
    assert!(offered_somewhere.contains(&("returned", ReferralActionKind::Resend)));
    assert!(!offered_somewhere.contains(&("completed", ReferralActionKind::Complete)));
    assert!(offered_somewhere.contains(&("sent", ReferralActionKind::Withdraw)));
    assert!(!offered_somewhere.contains(&("accepted", ReferralActionKind::Withdraw)));
    assert!(!offered_somewhere.contains(&("withdrawn", ReferralActionKind::Withdraw)));
}

/// The same for applications: every state × desk × role × step, for 国保 (the city decides and
/// issues) and 後期 (the city forwards, records the 広域連合's result and hands over).
#[test]
fn next_steps_of_an_application_are_what_the_core_allows() {
    use hairyo::application::{ApplicationStep, ApplicationStepKind, Document, HandOverMethod, UnionResult};
    let mut w = world();
    let kokuho = w.person(|i| {
        holder(i);
        i.name = "申請 試子".into();
    });
    let kouki = w.person(|i| {
        holder(i);
        i.name = "後期 試子".into();
        i.scheme = "kouki".into();
        i.birth_date = "1945-03-01".into();
    });
    let now = at("2026-11-25");
    let clerk = staff::actor(&w.store, &login(Desk::Kokuho, Role::Clerk)).unwrap();
    let union = |result: UnionResult| ApplicationStep::RecordUnionResult {
        result,
        decided_on: "2026-11-25".into(),
        valid_until: String::new(),
        reason: if result == UnionResult::Rejected { "資格なし".into() } else { String::new() },
        confirmed_digits: false,
    };
    let fresh = |w: &mut World, person_id: i64, state: &str| {
        let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id, ..Default::default() }, now).unwrap().application;
        for doc in &a.checklist {
            application::check_document(&mut w.store, &clerk, a.id, doc.document, true, now).unwrap();
        }
        let step = |w: &mut World, s: ApplicationStep| application::take_step(&mut w.store, &clerk, a.id, &s, now).unwrap();
        let forward = ApplicationStep::Forward { forwarded_on: String::new(), override_reason: None, confirmed_digits: false };
        match state {
            "reviewing" => step(w, ApplicationStep::StartReview),
            "decided" => step(w, ApplicationStep::Decide { override_reason: None, confirmed_digits: false }),
            "issued" => {
                step(w, ApplicationStep::Decide { override_reason: None, confirmed_digits: false });
                step(w, ApplicationStep::Issue)
            }
            "rejected" => step(w, ApplicationStep::Reject { reason: "対象外".into(), confirmed_digits: false }),
            "withdrawn" => step(w, ApplicationStep::Withdraw { reason: "本人の希望".into(), confirmed_digits: false }),
            "forwarded" => step(w, forward),
            "union_issued" => {
                step(w, forward);
                step(w, union(UnionResult::Issued))
            }
            "union_rejected" => {
                step(w, forward);
                step(w, union(UnionResult::Rejected))
            }
            "handed_over" => {
                step(w, forward);
                step(w, union(UnionResult::Issued));
                step(w, ApplicationStep::HandOver { method: HandOverMethod::Mail, handed_over_on: String::new(), identity: None })
            }
            _ => a,
        }
    };
    let cases = [
        (kokuho.id, ["received", "reviewing", "decided", "issued", "rejected", "withdrawn"].as_slice()),
        (kouki.id, ["received", "forwarded", "union_issued", "union_rejected", "handed_over", "withdrawn"].as_slice()),
    ];
    let mut offered_somewhere = std::collections::HashSet::new();
    for (person_id, states) in cases {
        for state in states {
            // An application a refusal left as it was serves the next case: the core stores
            // nothing when it refuses (were that not so, a later case would see the wrong
            // state and fail), and most cases are refusals.
            let mut unchanged = None;
            for d in Desk::ALL {
                for role in Role::ALL {
                    let actor = staff::actor(&w.store, &login(*d, *role)).unwrap();
                    for kind in ApplicationStepKind::ALL {
                        let a = match unchanged.take() {
                            Some(a) => a,
                            None => fresh(&mut w, person_id, state),
                        };
                        let offered = application::get(&w.store, &actor, a.id, now).unwrap().next.contains(kind);
                        let outcome = match kind {
                            ApplicationStepKind::CheckDocument => {
                                let doc = a.checklist.first().map(|c| c.document).unwrap_or(Document::ApplicantId);
                                application::check_document(&mut w.store, &actor, a.id, doc, false, now).map(|_| ())
                            }
                            _ => {
                                let step = match kind {
                                    ApplicationStepKind::StartReview => ApplicationStep::StartReview,
                                    ApplicationStepKind::Decide => ApplicationStep::Decide { override_reason: None, confirmed_digits: false },
                                    ApplicationStepKind::Issue => ApplicationStep::Issue,
                                    ApplicationStepKind::Reject => ApplicationStep::Reject { reason: "対象外".into(), confirmed_digits: false },
                                    ApplicationStepKind::Withdraw => ApplicationStep::Withdraw { reason: "本人の希望".into(), confirmed_digits: false },
                                    ApplicationStepKind::Forward => {
                                        ApplicationStep::Forward { forwarded_on: String::new(), override_reason: None, confirmed_digits: false }
                                    }
                                    ApplicationStepKind::RecordUnionResult => union(UnionResult::Issued),
                                    ApplicationStepKind::HandOver => ApplicationStep::HandOver {
                                        method: HandOverMethod::Counter,
                                        handed_over_on: String::new(),
                                        identity: Some(hairyo::application::IdentityShown::OnePhoto),
                                    },
                                    ApplicationStepKind::CheckDocument => unreachable!(),
                                };
                                application::take_step(&mut w.store, &actor, a.id, &step, now).map(|_| ())
                            }
                        };
                        let refused_by_the_state_machine = ["application.bad_transition", "application.union_decides", "application.kouki_only"];
                        let allowed = match &outcome {
                            Ok(()) => true,
                            Err(e) if denied(e) || refused_by_the_state_machine.contains(&e.code()) => false,
                            // A checklist with nothing to tick is a fact of the application, not of the state machine.
                            Err(e) if e.code() == "application.not_on_checklist" => offered,
                            Err(e) => panic!("{kind:?} on {state} as {}: {} {e}", actor.login, e.code()),
                        };
                        assert_eq!(offered, allowed, "{kind:?} on a {state} application ({person_id}) as {} {}", d.label(), role.label());
                        if offered {
                            offered_somewhere.insert((person_id, *state, *kind));
                        }
                        if outcome.is_err() {
                            unchanged = Some(a);
                        }
                    }
                }
            }
        }
    }
    // The 後期 path is offered step by step, and the city's deciding steps never are.
    for (state, kind) in [
        ("received", ApplicationStepKind::Forward),
        ("forwarded", ApplicationStepKind::RecordUnionResult),
        ("union_issued", ApplicationStepKind::HandOver),
        ("forwarded", ApplicationStepKind::Withdraw),
    ] {
        assert!(offered_somewhere.contains(&(kouki.id, state, kind)), "{kind:?} on a 後期 {state} application");
    }
    for kind in [ApplicationStepKind::StartReview, ApplicationStepKind::Decide, ApplicationStepKind::Issue, ApplicationStepKind::Reject] {
        assert!(!offered_somewhere.iter().any(|(p, _, k)| *p == kouki.id && *k == kind), "{kind:?} is offered on a 後期 application");
    }
    assert!(!offered_somewhere.iter().any(|(p, _, k)| *p == kokuho.id && *k == ApplicationStepKind::Forward));
}

/// The record's next steps (`PersonRecord::next`, what the record screen renders) are what the
/// core then does, for every desk × role: each person's step offered is taken, each one not
/// offered is refused; every desk a referral is offered to accepts it and no other desk does;
/// the linked referral is the open one; the open lists hold exactly the items with a step.
#[test]
fn the_records_next_steps_are_what_the_core_then_does() {
    use hairyo::record::RecordStep;
    let mut w = world();
    let p = w.person(holder);
    let now = at("2026-11-25");
    let kaigo = staff::actor(&w.store, &login(Desk::Kaigo, Role::Caseworker)).unwrap();
    let sent = referral::send(
        &mut w.store,
        &kaigo,
        &ReferralInput { person_id: p.id, reason: "手続きが難しい".into(), sharing_basis: "consent".into(), ..Default::default() },
        now,
    )
    .unwrap();
    let mut offered_anywhere = std::collections::HashSet::new();
    for d in Desk::ALL {
        for role in Role::ALL {
            let actor = staff::actor(&w.store, &login(*d, *role)).unwrap();
            let shown = record::show(&mut w.store, &actor, p.id, now).unwrap();
            let next = &shown.next;
            let who = format!("{} {}", d.label(), role.label());
            for step in RecordStep::ALL {
                let offered = next.steps.iter().any(|s| s.code == step.code() && s.label == step.label());
                let done = match step {
                    RecordStep::RecordTouchpoint => {
                        let input = TouchpointInput {
                            person_id: p.id,
                            date: "2026-11-25".into(),
                            kind: "counter".into(),
                            wish: "unknown".into(),
                            ..Default::default()
                        };
                        touchpoint::add(&mut w.store, &actor, &input, now).map(|_| ()).map_err(|e| e.code().to_string())
                    }
                    RecordStep::SendReferral => referral::send(
                        &mut w.store,
                        &actor,
                        &ReferralInput { person_id: p.id, reason: "確認".into(), sharing_basis: "consent".into(), ..Default::default() },
                        now,
                    )
                    .map(|_| ())
                    .map_err(|e| e.code().to_string()),
                    RecordStep::ReceiveApplication => {
                        application::receive(&mut w.store, &actor, &ApplicationInput { person_id: p.id, ..Default::default() }, now)
                            .map(|_| ())
                            .map_err(|e| e.code().to_string())
                    }
                };
                assert_eq!(offered, done.is_ok(), "{step:?} as {who}: {done:?}");
                if offered {
                    offered_anywhere.insert(*step);
                }
            }
            // Every desk offered for a referral takes it; every other desk is refused.
            assert_eq!(next.referral_desks.is_empty(), !next.steps.iter().any(|s| s.code == RecordStep::SendReferral.code()), "{who}");
            if !next.referral_desks.is_empty() {
                for to in Desk::ALL {
                    let input = ReferralInput {
                        person_id: p.id,
                        to_desk: to.code().into(),
                        reason: "確認".into(),
                        sharing_basis: "consent".into(),
                        ..Default::default()
                    };
                    let taken = referral::send(&mut w.store, &actor, &input, now);
                    assert_eq!(next.referral_desks.iter().any(|c| c.code == to.code()), taken.is_ok(), "a referral to {} as {who}", to.label());
                }
            }
            // The referral an application would answer is an open one, the first of the record's.
            let linked = shown.referrals.iter().find(|r| Some(r.id) == next.linked_referral_id);
            assert!(
                linked.is_some_and(|r| matches!(r.status, hairyo::model::referral::ReferralStatus::Sent | hairyo::model::referral::ReferralStatus::Accepted)),
                "{who}"
            );
            for r in &shown.referrals {
                let open = !r.next.is_empty()
                    && !matches!(r.status, hairyo::model::referral::ReferralStatus::Completed | hairyo::model::referral::ReferralStatus::Withdrawn);
                assert_eq!(next.open_referral_ids.contains(&r.id), open, "referral {} as {who}", r.id);
            }
            for a in &shown.applications {
                assert_eq!(next.open_application_ids.contains(&a.id), !a.next.is_empty(), "application {} as {who}", a.id);
            }
            assert_eq!(next.may_override_checklist, access::can(&actor, Permission::OverrideChecklist), "{who}");
        }
    }
    assert_eq!(offered_anywhere.len(), RecordStep::ALL.len(), "some step is offered to nobody");
    assert!(record::show(&mut w.store, &w.admin.clone(), p.id, now).unwrap().referrals.iter().any(|r| r.id == sent.id));
}
