//! Search as clerks type: half-width kana, hiragana, variant kanji, parts of names, short
//! queries, 宛名番号 and birth dates in any form; exact before prefix before substring.

use crate::common;

use common::{at, World};
use hairyo::search::{self, MatchKind, Query};
use hairyo::Page;

fn world() -> World {
    let mut w = World::new();
    for (name, kana, birth, atena) in [
        ("髙橋 眞一", "タカハシ シンイチ", "1940-04-01", "100000001"),
        ("高橋", "タカハシ", "1950-01-01", "100000002"),
        ("高橋田 一", "タカハシダ ハジメ", "1951-01-01", "100000003"),
        ("大高橋 花子", "オオタカハシ ハナコ", "1952-01-01", "100000004"),
        ("山﨑 京子", "ヤマザキ キョウコ", "1960-02-02", "100000005"),
        ("渡邊 清", "ワタナベ キヨシ", "1935-05-05", "100000006"),
        ("林 トメ", "ハヤシ トメ", "1930-03-03", "100000007"),
        ("小林 由美", "コバヤシ ユミ", "1970-07-07", "100000008"),
        ("齋藤 花", "サイトウ ハナ", "1980-08-08", "100000009"),
    ] {
        w.person(|i| {
            i.name = name.into();
            i.kana = kana.into();
            i.birth_date = birth.into();
            i.atena_no = atena.into();
        });
    }
    w
}

fn names(w: &mut World, q: &str) -> Vec<(String, MatchKind)> {
    let r = search::search(&mut w.store, &w.admin, q, Page::new(0, 50), at("2026-11-25")).unwrap();
    r.hits.items.into_iter().map(|h| (h.person.name.replace('\u{3000}', " "), h.matched)).collect()
}

fn check(w: &mut World, q: &str, expect_first: &str) {
    let got = names(w, q);
    assert_eq!(got.first().map(|g| g.0.as_str()), Some(expect_first), "query {q:?} gave {got:?}");
}

#[test]
fn every_query_form_finds_the_person() {
    let mut w = world();
    for (q, first) in [
        ("髙橋眞一", "髙橋 眞一"),
        ("高橋 真一", "髙橋 眞一"),
        ("ﾀｶﾊｼ ｼﾝｲﾁ", "髙橋 眞一"),
        ("たかはし しんいち", "髙橋 眞一"),
        ("シンイチ", "髙橋 眞一"),
        ("山崎", "山﨑 京子"),
        ("ﾔﾏｻﾞｷ", "山﨑 京子"),
        ("渡辺", "渡邊 清"),
        ("わたなべ", "渡邊 清"),
        ("斉藤", "齋藤 花"),
        ("京子", "山﨑 京子"),
        ("S15.4.1", "髙橋 眞一"),
        ("昭和15年4月1日", "髙橋 眞一"),
        ("3150401", "髙橋 眞一"),
        ("1940/4/1", "髙橋 眞一"),
        ("100000006", "渡邊 清"),
    ] {
        check(&mut w, q, first);
    }
}

#[test]
fn exact_ranks_above_prefix_above_substring() {
    let mut w = world();
    let got = names(&mut w, "高橋");
    let kinds: Vec<MatchKind> = got.iter().map(|g| g.1).collect();
    assert_eq!(got[0], ("高橋".to_string(), MatchKind::Exact));
    assert!(got.iter().any(|g| g.0 == "大高橋 花子" && g.1 == MatchKind::Substring), "{got:?}");
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "ranked exact, prefix, substring: {got:?}");
    assert_eq!(got.len(), 4);
}

#[test]
fn one_and_two_character_queries_use_their_own_index() {
    let mut w = world();
    let got = names(&mut w, "林");
    assert_eq!(got[0], ("林 トメ".to_string(), MatchKind::Prefix));
    assert!(got.iter().any(|g| g.0 == "小林 由美"));
    assert_eq!(got.len(), 2);
    let got = names(&mut w, "ハナ");
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn totals_and_paging() {
    let mut w = world();
    let r = search::search(&mut w.store, &w.admin, "タカハシ", Page::new(0, 2), at("2026-11-25")).unwrap();
    assert_eq!(r.hits.total, 4);
    assert_eq!(r.hits.items.len(), 2);
    let r2 = search::search(&mut w.store, &w.admin, "タカハシ", Page::new(2, 2), at("2026-11-25")).unwrap();
    assert_eq!(r2.hits.items.len(), 2);
    assert_ne!(r.hits.items[0].person.id, r2.hits.items[0].person.id);
    assert_eq!(r.query, Query::Name("タカハシ".into()));
}

#[test]
fn renamed_person_is_found_by_the_new_name_only() {
    let mut w = world();
    let admin = w.admin.clone();
    let id = names(&mut w, "ワタナベ");
    assert_eq!(id.len(), 1);
    let pid = search::search(&mut w.store, &w.admin, "ワタナベ", Page::default(), at("2026-11-25")).unwrap().hits.items[0].person.id;
    let patch = hairyo::person::PersonPatch { name: Some("渡部 清".into()), kana: Some("ワタベ キヨシ".into()), ..Default::default() };
    hairyo::person::update(&mut w.store, &admin, pid, &patch, common::at("2026-11-25")).unwrap();
    assert!(names(&mut w, "ワタナベ").is_empty());
    assert_eq!(names(&mut w, "ワタベ")[0].0, "渡部 清");
}

/// #12 item 12: every 宛名番号 the store accepts (up to fifteen digits) is found by typing it,
/// also a short one, and also one whose digits read as a date (3150401 is 昭和15年4月1日): the
/// person with that number comes first, the persons born that day after.
#[test]
fn every_atena_number_the_store_accepts_is_found_by_typing_it() {
    let mut w = world();
    for (name, kana, atena, birth) in [("短番 一", "タンバン ハジメ", "4711", "1945-01-01"), ("日付 二", "ヒヅケ ジロウ", "3150401", "1946-02-02")]
    {
        w.person(|i| {
            i.name = name.into();
            i.kana = kana.into();
            i.atena_no = atena.into();
            i.birth_date = birth.into();
        });
    }
    w.person(|i| {
        i.name = "昭和 生子".into();
        i.kana = "ショウワ イクコ".into();
        i.birth_date = "1940-04-01".into();
    });
    assert_eq!(names(&mut w, "4711"), [("短番 一".to_string(), MatchKind::AtenaNumber)]);
    assert_eq!(names(&mut w, "４７１１")[0].0, "短番 一", "full-width digits too");
    let both = names(&mut w, "3150401");
    assert_eq!(both[0], ("日付 二".to_string(), MatchKind::AtenaNumber), "{both:?}");
    assert!(both.iter().any(|(n, m)| n == "昭和 生子" && *m == MatchKind::BirthDate), "the date still finds who was born then: {both:?}");
    assert_eq!(names(&mut w, "100000001")[0].0, "髙橋 眞一", "nine digits as before");
    assert!(names(&mut w, "999").is_empty(), "an unknown short number finds nobody");
}
