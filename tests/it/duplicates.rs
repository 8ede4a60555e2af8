//! Duplicate candidates (variant kanji, readings, birth dates) and a merge that keeps every
//! linked record and is audited.

use crate::common;

use common::{at, holder, World};
use hairyo::application::{self, ApplicationInput};
use hairyo::duplicates;
use hairyo::touchpoint::{self, TouchpointInput};
use hairyo::Page;

#[test]
fn variant_kanji_and_similar_readings_are_proposed_dismissed_pairs_are_not() {
    let mut w = World::new();
    let a = w.person(|i| {
        i.name = "髙橋 花子".into();
        i.kana = "タカハシ ハナコ".into();
        i.birth_date = "1940-04-01".into();
    });
    let b = w.person(|i| {
        i.name = "高橋 花子".into();
        i.kana = "タカハシ ハナコ".into();
        i.birth_date = "1940-04-01".into();
    });
    let c = w.person(|i| {
        i.name = "斉藤 幸子".into();
        i.kana = "サイトウ サチコ".into();
        i.birth_date = "1950-05-05".into();
    });
    let d = w.person(|i| {
        i.name = "斎藤 幸子".into();
        i.kana = "サイトー サチコ".into();
        i.birth_date = "1950-05-05".into();
    });
    // Same name, different birth date: not a candidate.
    w.person(|i| {
        i.name = "高橋 花子".into();
        i.kana = "タカハシ ハナコ".into();
        i.birth_date = "1941-04-01".into();
    });
    let found = duplicates::candidates(&w.store, &w.admin, Page::default(), common::at("2026-11-25")).unwrap();
    let pairs: Vec<(i64, i64, u32)> = found.items.iter().map(|x| (x.a, x.b, x.score)).collect();
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert_eq!((pairs[0].0, pairs[0].1, pairs[0].2), (a.id, b.id, 100));
    assert!(pairs.iter().any(|p| (p.0, p.1) == (c.id, d.id)));
    let sv = w.actor("kokuho_sv");
    duplicates::dismiss(&mut w.store, &sv, d.id, c.id, at("2026-11-25")).unwrap();
    assert_eq!(duplicates::candidates(&w.store, &w.admin, Page::default(), common::at("2026-11-25")).unwrap().total, 1);
    // A caseworker may not decide.
    let cw = w.actor("kaigo_cw");
    assert!(duplicates::merge(&mut w.store, &cw, a.id, b.id, at("2026-11-25")).is_err());
}

#[test]
fn merge_keeps_every_linked_record_and_is_audited() {
    let mut w = World::new();
    let keep = w.person(|i| {
        holder(i);
        i.name = "渡邊 清".into();
        i.kana = "ワタナベ キヨシ".into();
        i.reasons = vec!["elderly".into()];
    });
    let other = w.person(|i| {
        holder(i);
        i.name = "渡辺 清".into();
        i.kana = "ワタナベ キヨシ".into();
        i.atena_no = "123456789".into();
        i.phone = "048-000-0000".into();
        i.reasons = vec!["dementia".into()];
    });
    let cw = w.actor("kaigo_cw");
    let clerk = w.actor("kokuho_clerk");
    touchpoint::add(&mut w.store, &cw, &TouchpointInput { person_id: other.id, kind: "visit".into(), ..Default::default() }, at("2026-11-20")).unwrap();
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: other.id, ..Default::default() }, at("2026-11-21")).unwrap();
    let sv = w.actor("kokuho_sv");
    let merged = duplicates::merge(&mut w.store, &sv, keep.id, other.id, at("2026-11-25")).unwrap();
    assert_eq!(merged.atena_no, "123456789");
    assert_eq!(merged.phone, "048-000-0000");
    assert_eq!(merged.reasons.len(), 2);
    let admin = w.admin.clone();
    let r = hairyo::record::show(&mut w.store, &admin, keep.id, at("2026-11-25")).unwrap();
    assert_eq!((r.touchpoints.len(), r.applications.len()), (1, 1));
    assert!(hairyo::record::show(&mut w.store, &admin, other.id, at("2026-11-25")).is_err());
    let audited: String = w
        .store
        .conn()
        .query_row("SELECT detail FROM audit_event WHERE record_kind = 'person' AND record_id = ?1 AND detail LIKE '%merged_from%'", [keep.id], |r| r.get(0))
        .unwrap();
    assert!(audited.contains("before_other") && audited.contains("渡辺"));
    // The merged person is found by either spelling, and the removed one is gone from search.
    let hits = hairyo::search::search(&mut w.store, &w.admin, "渡辺清", Page::default(), common::at("2026-11-25")).unwrap();
    assert_eq!(hits.hits.items.iter().map(|h| h.person.id).collect::<Vec<_>>(), vec![keep.id]);
}
