//! Property tests: the date parser, the search keys and フリガナ normalisation, and the CSV
//! importer never panic on any input, and keep their promises (round trips, idempotence,
//! all or nothing, Japanese messages) on inputs built to look like what clerks type.

use std::cell::RefCell;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use hairyo::import::{self, Options};
use hairyo::staff::{self, Actor};
use hairyo::store::{self, Store};
use hairyo::text::{kana, mynumber, normalize, wareki};
use hairyo::validate;

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Checks `test` on `cases` values of `strategy`, with a fixed seed so a failure repeats in CI.
/// `HAIRYO_PROPS_DEEP=N` runs N times as many cases from a random seed, to search further.
fn check<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let deep: Option<u32> = std::env::var("HAIRYO_PROPS_DEEP").ok().and_then(|v| v.parse().ok());
    let mut runner = match deep {
        Some(n) => TestRunner::new(config(cases * n)),
        None => TestRunner::new_with_rng(config(cases), TestRng::deterministic_rng(RngAlgorithm::ChaCha)),
    };
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
}

/// A message a clerk can read: not empty, and in Japanese.
fn japanese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
}

// ---- 和暦 ----

const DATE_PIECES: &[&str] = &[
    "明治", "大正", "昭和", "平成", "令和", "M", "T", "S", "H", "R", "m", "s", "r", "X", "元", "年", "月", "日", ".", "/", "-", "0", "1", "2", "3", "4", "5",
    "6", "7", "8", "9", "00", "12", "31", "64", "99", "1926", "1989", "2019", "0000", "9999", "１", "２", "３", "０", "．", "／", "－", " ", "\u{3000}", "㍻",
    "㍼", "㋿", "\u{0301}", "年年",
];

fn round_trips(input: &str) -> Result<(), TestCaseError> {
    if let Ok(d) = wareki::parse(input) {
        let shown = wareki::format(d);
        prop_assert_eq!(wareki::parse(&shown), Ok(d), "{:?} parsed to {} shown as {:?}", input, d, shown);
    }
    Ok(())
}

#[test]
fn wareki_parse_never_panics_on_any_string() {
    check("any string", 400, any::<String>(), |s| round_trips(&s));
    check("printable", 300, "\\PC{0,16}", |s| round_trips(&s));
}

#[test]
fn wareki_parse_on_date_pieces_round_trips() {
    let pieces = proptest::collection::vec(select(DATE_PIECES), 0..9).prop_map(|v| v.concat());
    check("pieces", 600, pieces, |s| round_trips(&s));
    let era = select(&["明治", "大正", "昭和", "平成", "令和", "M", "T", "S", "H", "R", "", "1", "3", "5"][..]);
    let seps = select(&[("年", "月", "日"), (".", ".", ""), ("/", "/", ""), ("-", "-", ""), ("", "", "")][..]);
    let structured =
        (era, 0u32..70, 0u32..14, 0u32..33, seps).prop_map(
            |(e, y, m, d, (a, b, c))| {
                if a.is_empty() {
                    format!("{e}{y:02}{m:02}{d:02}")
                } else {
                    format!("{e}{y}{a}{m}{b}{d}{c}")
                }
            },
        );
    check("structured", 600, structured, |s| round_trips(&s));
    let eight_digits = (0u32..10000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}{m:02}{d:02}"));
    check("eight digits", 600, eight_digits, |s| round_trips(&s));
}

#[test]
fn every_date_formats_and_parses_back() {
    let first = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    let days = (last - first).num_days();
    check("dates", 500, 0..=days, |n| {
        let d = first + chrono::Duration::days(n);
        prop_assert_eq!(wareki::parse(&wareki::format(d)), Ok(d));
        prop_assert_eq!(wareki::parse(&d.to_string()), Ok(d));
        prop_assert_eq!(wareki::parse(&d.format("%Y%m%d").to_string()), Ok(d));
        Ok(())
    });
}

// ---- Search keys and フリガナ ----

/// Characters that interact in normalisation: kana in every width, voicing marks (combining,
/// spacing and half-width), spaces, the kanji variants of the table, Latin in both widths,
/// and letters whose upper case decomposes.
fn name_chars() -> Vec<char> {
    let mut v: Vec<char> = "あかがさざはぱわゐゑをんゔゝゞアカガハパワヰヱヲンヴヽヾーｱｶﾊﾜｦﾝﾞﾟ・　 \t\n\u{3099}\u{309A}\u{309B}\u{309C}\u{FF9E}\u{FF9F}山田太郎花子髙﨑濵邊邉齋齊澤櫻廣高崎浜辺斉沢桜広aAzZａＡｚＺ0０9ßﬀΐΰǅİıſ\u{0301}\u{0308}"
        .chars()
        .collect();
    for line in include_str!("../../assets/kanji_variants.tsv").lines().filter(|l| !l.starts_with('#')) {
        v.extend(line.split('\t').filter_map(|s| s.trim().chars().next()));
    }
    v
}

fn name_like() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => proptest::collection::vec(select(name_chars()), 0..12).prop_map(|v| v.into_iter().collect::<String>()),
        1 => any::<String>(),
    ]
}

#[test]
fn search_key_is_idempotent_and_has_no_whitespace() {
    check("search_key", 600, name_like(), |s| {
        let k = normalize::search_key(&s);
        prop_assert!(!k.chars().any(char::is_whitespace), "{:?} → {:?}", s, k);
        prop_assert_eq!(normalize::search_key(&k), k.clone(), "not idempotent on {:?}", s);
        Ok(())
    });
}

#[test]
fn furigana_normalisation_is_idempotent() {
    check("normalize_furigana", 600, name_like(), |s| {
        if let Ok(f) = kana::normalize_furigana(&s) {
            prop_assert_eq!(kana::normalize_furigana(&f), Ok(f.clone()), "not idempotent on {:?}", s);
            prop_assert!(!f.starts_with('\u{3000}') && !f.ends_with('\u{3000}'), "{:?} → {:?}", s, f);
        }
        Ok(())
    });
}

// ---- The CSV importer ----

const HEADER: [&str; 14] =
    ["宛名番号", "氏名", "フリガナ", "生年月日", "性別", "郵便番号", "住所", "電話番号", "保険種別", "保険者番号", "記号", "番号", "枝番", "世帯主"];

struct Importer {
    store: Store,
    admin: Actor,
}

fn importer() -> RefCell<Importer> {
    let mut store = store::open_in_memory().unwrap();
    let at = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let admin = staff::init(&mut store, at).unwrap();
    RefCell::new(Importer { store, admin })
}

fn persons(store: &Store) -> i64 {
    store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap()
}

/// Runs one import and checks what must hold whatever the input: no panic (the runner catches
/// it), a Japanese message for every refusal, nothing stored unless it was committed without
/// problems, and no 個人番号 stored anywhere.
fn import_holds(cell: &RefCell<Importer>, bytes: &[u8], dry_run: bool) -> Result<(), TestCaseError> {
    let mut w = cell.borrow_mut();
    let Importer { store, admin } = &mut *w;
    let before = persons(store);
    let now = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let opts = Options { dry_run, ..Options::default() };
    match import::import_persons(store, admin, bytes, &opts, now, &mut |_, _| {}) {
        Err(e) => {
            let m = e.to_string();
            prop_assert!(!m.is_empty() && japanese(&m), "error {} without a Japanese message: {:?}", e.code(), m);
            prop_assert_eq!(persons(store), before, "an error stored rows");
        }
        Ok(r) => {
            for p in r.problems.iter().chain(&r.gaiji) {
                prop_assert!(japanese(&p.message), "row problem without a Japanese message: {:?}", p);
            }
            if !r.problems.is_empty() || dry_run {
                prop_assert!(!r.committed);
                prop_assert_eq!(persons(store), before, "problems reported, yet rows stored: {:?}", r.problems);
            } else {
                prop_assert!(r.committed);
                prop_assert_eq!(persons(store), before + r.inserted as i64);
            }
            let mut stmt = store.conn().prepare(
                "SELECT coalesce(atena_no, '') || name || kana || address || phone || householder || insurer_no || card_symbol || card_number || card_branch FROM person",
            ).unwrap();
            let all: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            prop_assert!(!all.iter().any(|t| mynumber::contains_my_number(t)), "a 個人番号 was stored");
        }
    }
    Ok(())
}

#[test]
fn importer_never_panics_on_arbitrary_bytes() {
    let cell = importer();
    let header_then_bytes = proptest::collection::vec(any::<u8>(), 0..200).prop_map(|tail| {
        let mut b = HEADER.join(",").into_bytes();
        b.push(b'\n');
        b.extend(tail);
        b
    });
    let bytes = prop_oneof![proptest::collection::vec(any::<u8>(), 0..300), header_then_bytes];
    check("bytes", 300, bytes, |b| import_holds(&cell, &b, false));
}

/// Cells that are mostly plausible, so that many rows pass and some are refused for one
/// reason: valid and invalid dates in every form, kana in every width, a 個人番号 now and then.
fn cell(column: usize, noisy: bool) -> BoxedStrategy<String> {
    let my_number = mynumber::with_check_digit("12345678901");
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let (good, bad): (Vec<String>, Vec<String>) = match column {
        0 => ((0..200).map(|i| format!("700000{i:03}")).collect(), vec!["".into(), "12".into(), my_number.clone()]),
        1 => (strs(&["見本 花子", "見本 太郎", "髙橋 一郎", "𠮷田 一郎"]), strs(&["", "A", "見本\u{E000}子"])),
        2 => (strs(&["ミホン ハナコ", "みほん たろう", "ﾐﾎﾝ ﾊﾅｺ", "ミホン\u{3000}\u{3000}ハナコ"]), strs(&["", "見本"])),
        3 => (strs(&["1950-01-01", "S25.1.1", "昭和25年1月1日", "3250101", "19500101", "R1.5.1"]), strs(&["2099-01-01", "H31.5.1", "", "00010101"])),
        4 => (strs(&["女", "男", "1", "2", "F", "female"]), strs(&["x", ""])),
        5 => (strs(&["000-0001", "0000001", ""]), strs(&["12-34"])),
        6 => (strs(&["見本市中央町1-1", "", "見本市南台5丁目1番地"]), vec![format!("見本市 {my_number}")]),
        7 => (strs(&["048-000-0001", "", "０４８－０００－０００１"]), strs(&["見01", "12"])),
        8 => (strs(&["国保", "後期", "組合", "社保", "生保", "kokuho"]), strs(&["x", ""])),
        9 => (vec!["".into(), validate::insurer_number_with_check("3912345"), validate::insurer_number_with_check("39123")], strs(&["12345678"])),
        10 => (strs(&["", "見01", "A-1"]), vec![my_number]),
        11 => (strs(&["", "1234", "87654321"]), vec![my_number]),
        12 => (strs(&["", "1", "01"]), strs(&["123"])),
        _ => (strs(&["", "見本 一郎"]), vec![my_number]),
    };
    if !noisy {
        return select(good).boxed();
    }
    prop_oneof![
        6 => select(good),
        2 => select(bad),
        1 => "\\PC{0,10}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
    .boxed()
}

/// Rows of a file: all plausible (so that files land, mostly as a whole), or each cell a mix of
/// plausible, wrong and arbitrary values.
fn csv_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    let row = |noisy: bool| (0..HEADER.len()).map(|c| cell(c, noisy)).collect::<Vec<_>>();
    prop_oneof![proptest::collection::vec(row(false), 0..6), proptest::collection::vec(row(true), 0..6)]
}

fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn importer_on_default_header_with_arbitrary_cells() {
    let cell = importer();
    // Quoted properly, in UTF-8 or CP932, or joined raw so that quotes and line breaks in the
    // cells break the CSV itself.
    let files = (csv_rows(), 0..4u8, any::<bool>()).prop_map(|(rows, how, dry)| {
        let bytes = match how {
            0 | 1 => write_csv(&rows),
            2 => encoding_rs::SHIFT_JIS.encode(&String::from_utf8(write_csv(&rows)).unwrap()).0.into_owned(),
            _ => {
                let mut s = HEADER.join(",");
                for r in &rows {
                    s.push('\n');
                    s.push_str(&r.join(","));
                }
                s.into_bytes()
            }
        };
        (bytes, dry)
    });
    check("cells", 300, files, |(bytes, dry)| import_holds(&cell, &bytes, dry));
    // Plausible rows do land: the check above is not vacuous.
    assert!(persons(&cell.borrow().store) >= 20, "hardly any generated file was imported");
}
