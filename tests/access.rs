//! The access matrix walked cell by cell against the real core operations: every desk × role ×
//! permission is tried, and allowed exactly when `access::allows` says so. docs/access.md is
//! generated from the same matrix.

mod common;

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
    let admin = w.admin.clone();
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
        referral::send(&mut w.store, &sender, &ReferralInput { person_id: person.id, to_desk: to.code().into(), reason: "確認".into(), ..Default::default() }, now).unwrap()
    };
    let proxy_app = |w: &mut World| {
        let clerk = w.actor("kokuho_clerk");
        application::receive(&mut w.store, &clerk, &ApplicationInput {
            person_id: person.id, applicant: "proxy".into(), authority: "relative".into(), proxy_name: "代理 一郎".into(),
            proxy_address: "見本市1番地".into(), proxy_relationship: "子".into(), ..Default::default()
        }, now).unwrap().application
    };
    match p {
        Permission::ViewPerson => outcome(boxed(record::show(&mut w.store, actor, person.id, now))),
        Permission::EditPerson => outcome(boxed(hairyo::person::add(&mut w.store, actor, &PersonInput {
            name: "新規 太郎".into(), kana: "シンキ タロウ".into(), birth_date: "1960-01-01".into(), sex: "male".into(), ..Default::default()
        }, now))),
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
        Permission::ViewChildCaseNotes => {
            let child = w.person(|i| i.birth_date = "2016-01-01".into());
            let jido = w.actor("jido_cw");
            touchpoint::add(&mut w.store, &jido, &TouchpointInput { person_id: child.id, kind: "visit".into(), notes: "家庭の事情の記録".into(), ..Default::default() }, now).unwrap();
            let r = record::show(&mut w.store, actor, child.id, now).map_err(|e| e.to_string())?;
            Ok(r.touchpoints[0].notes == "家庭の事情の記録")
        }
        Permission::RecordTouchpoint => outcome(boxed(touchpoint::add(&mut w.store, actor, &TouchpointInput { person_id: person.id, kind: "counter".into(), ..Default::default() }, now))),
        Permission::SendReferral => outcome(boxed(referral::send(&mut w.store, actor, &ReferralInput { person_id: person.id, reason: "依頼".into(), ..Default::default() }, now))),
        Permission::ReviewReferral => {
            let r = referral_for(w, actor.desk);
            outcome(boxed(referral::accept(&mut w.store, actor, r.id, "", now)))
        }
        Permission::CommentReferral => {
            let r = referral_for(w, actor.desk);
            outcome(boxed(referral::comment(&mut w.store, actor, r.id, "確認しました", now)))
        }
        Permission::ReceiveApplication => outcome(boxed(application::receive(&mut w.store, actor, &ApplicationInput { person_id: person.id, ..Default::default() }, now))),
        Permission::DecideApplication => {
            let a = proxy_app(w);
            outcome(boxed(application::start_review(&mut w.store, actor, a.id, now)))
        }
        Permission::OverrideChecklist => {
            let a = proxy_app(w);
            outcome(boxed(application::decide(&mut w.store, actor, a.id, Some("後日提出を確認"), now)))
        }
        Permission::IssueCertificate => outcome(boxed(certificate::issue_without_application(
            &mut w.store, actor, person.id, application::AppScheme::Kokuho, certificate::CertificateBasis::ExOfficio, now.date(), None, now,
        ))),
        Permission::PrintForms => outcome(boxed(print::application_form(&mut w.store, actor, person.id, None, now))),
        Permission::PrintLeaflets => outcome(boxed(print::leaflet(&mut w.store, actor, hairyo::leaflet::Leaflet::Bessou2, 1, now))),
        Permission::ImportData => {
            let csv = format!("宛名番号,氏名,フリガナ,生年月日,性別\n{},取込 花子,トリコミ ハナコ,1950-01-01,女\n", 800_000_000 + n);
            outcome(boxed(import::import_persons(&mut w.store, actor, csv.as_bytes(), &import::Options::default(), now, &mut |_, _| {})))
        }
        Permission::ExportData => outcome(boxed(export::export(&mut w.store, actor, export::ExportKind::Persons, import::Encoding::Utf8, now))),
        Permission::ChangeSettings => outcome(boxed(settings::set_city(&mut w.store, actor, &settings::CitySettings {
            city_name: "見本市".into(), addressee: "見本市長".into(), kouki_union: "見本県後期高齢者医療広域連合".into(),
        }, now))),
        Permission::ReadAudit => outcome(boxed(hairyo::audit::export_csv(&mut w.store, actor, now))),
    }
    .map(|allowed| {
        let _ = &admin;
        allowed
    })
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
    assert_eq!(doc, access::markdown(), "regenerate docs/access.md with `hairyo access-matrix > docs/access.md`");
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
