//! Search keys for names: NFKC, katakana, no spaces, and kanji variants folded by a table.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::kana::hiragana_to_katakana;

/// The variant table in `assets/kanji_variants.tsv`: each line `variant<TAB>standard`.
const VARIANT_TABLE: &str = include_str!("../../../../assets/kanji_variants.tsv");

fn variants() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        VARIANT_TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut it = l.split('\t');
                let from = it.next()?.chars().next()?;
                let to = it.next()?.trim().chars().next()?;
                Some((from, to))
            })
            .collect()
    })
}

/// Number of variant pairs in the table.
pub fn variant_count() -> usize {
    variants().len()
}

/// The key names are indexed and searched by: NFKC (half-width kana and full-width Latin fold),
/// hiragana to katakana, whitespace removed, kanji variants folded (髙→高, 﨑→崎 …), Latin
/// letters upper-cased. Small kana and ー are kept, because they distinguish names.
pub fn search_key(s: &str) -> String {
    // Names stored by Hairyo are mostly kanji and katakana that every step below leaves as
    // they are, apart from the spaces; those skip the steps (an import keys 400,000 strings).
    let map = variants();
    if s.chars().all(|c| c.is_whitespace() || is_stable(map, c)) {
        return s.chars().filter(|c| !c.is_whitespace()).collect();
    }
    // The steps interact: removing a space can bring a voicing mark next to its kana (か゛
    // becomes か, a space and U+3099 under NFKC, and only composes to ガ once the space is gone),
    // and upper-casing can decompose a letter (ΐ). So the key is taken again until it no longer
    // changes: a stored key then equals the key of itself, and か゛ finds が.
    let mut key = key_once(s);
    for _ in 0..4 {
        let again = key_once(&key);
        if again == key {
            break;
        }
        key = again;
    }
    key
}

/// Whether [`key_once`] keeps the character as it is and it cannot combine with a neighbour:
/// full-width katakana letters and ー, and CJK unified ideographs without a variant entry.
fn is_stable(map: &HashMap<char, char>, c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}') || (('\u{4E00}'..='\u{9FFF}').contains(&c) && !map.contains_key(&c))
}

/// A character with its variant folded. Kana, Latin letters and punctuation (everything below
/// the CJK blocks) skip the table lookup.
fn fold(map: &HashMap<char, char>, c: char) -> char {
    if (c as u32) < 0x3400 {
        c
    } else {
        *map.get(&c).unwrap_or(&c)
    }
}

fn key_once(s: &str) -> String {
    let map = variants();
    // Variants are folded before NFKC too, because NFKC maps some compatibility ideographs
    // (﨑 U+FA11) to their unified form and the table lists both.
    let pre: String = s.chars().map(|c| fold(map, c)).collect();
    hiragana_to_katakana(&super::nfkc(&pre)).chars().filter(|c| !c.is_whitespace()).map(|c| fold(map, c)).flat_map(|c| c.to_uppercase()).collect()
}

/// The key with a space between characters: the one-token-per-character form that the short
/// query index (FTS5 unicode61) searches by phrase.
pub fn spaced(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 2);
    for c in key.chars() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The separator of [`pieces`]' output: a control character no key holds.
pub const PIECE_SEPARATOR: char = '\u{1f}';

/// Every one- and two-character piece of the keys, each once, sorted and joined by
/// [`PIECE_SEPARATOR`]: what PostgreSQL's GIN index over `search_grams` holds for a person. A
/// query of one or two characters is one piece; a longer one is found through its two-character
/// pieces and then checked against the keys. Computed here rather than by a SQL function, which
/// cost 38 µs a row on the server (an import of 200,000 rows spent 8 s in it).
pub fn pieces(keys: &[&str]) -> String {
    let mut all: Vec<&str> = Vec::new();
    for key in keys {
        let ends: Vec<usize> = key.char_indices().map(|(i, _)| i).chain(std::iter::once(key.len())).collect();
        for w in 0..ends.len().saturating_sub(1) {
            all.push(&key[ends[w]..ends[w + 1]]);
            if w + 2 < ends.len() {
                all.push(&key[ends[w]..ends[w + 2]]);
            }
        }
    }
    all.sort_unstable();
    all.dedup();
    let mut out = String::with_capacity(all.iter().map(|p| p.len() + 1).sum());
    for p in all {
        if !out.is_empty() {
            out.push(PIECE_SEPARATOR);
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_every_one_and_two_character_run_once() {
        let got = pieces(&["林林", "ハヤシ"]);
        let want: Vec<&str> = got.split(PIECE_SEPARATOR).collect();
        assert_eq!(want, ["シ", "ハ", "ハヤ", "ヤ", "ヤシ", "林", "林林"]);
        assert_eq!(pieces(&["", ""]), "");
        assert_eq!(pieces(&["a"]), "a");
    }

    #[test]
    fn spacing_voicing_marks_compose() {
        assert_eq!(search_key("か゛"), search_key("が"));
        assert_eq!(search_key("ﾊ゜"), search_key("パ"));
        assert_eq!(search_key("わ\u{3099}"), "ヷ");
        for s in ["か゛", "ΐ", "ﬀ ǅ"] {
            assert_eq!(search_key(&search_key(s)), search_key(s), "{s}");
        }
    }

    #[test]
    fn search_keys() {
        for (a, b) in [
            ("髙橋 一郎", "高橋一郎"),
            ("山﨑", "山崎"),
            ("濵田", "浜田"),
            ("渡邊", "渡辺"),
            ("渡邉", "渡辺"),
            ("齋藤", "斉藤"),
            ("齊藤", "斉藤"),
            ("澤田", "沢田"),
            ("櫻井", "桜井"),
            ("廣瀬", "広瀬"),
            ("嶋田", "島田"),
            ("眞鍋", "真鍋"),
            ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"),
            ("やまだ　たろう", "ヤマダタロウ"),
        ] {
            assert_eq!(search_key(a), search_key(b), "{a} vs {b}");
        }
        assert_eq!(search_key("ｷｮｳｺ"), "キョウコ");
        assert_ne!(search_key("キョウコ"), search_key("キヨウコ"));
    }

    #[test]
    fn the_fast_path_gives_the_same_key_as_every_step() {
        let slow = |s: &str| {
            let mut key = key_once(s);
            loop {
                let again = key_once(&key);
                if again == key {
                    return key;
                }
                key = again;
            }
        };
        for s in ["山田　太郎", "ヤマダ タロウ", "髙橋", "渡邊 ヴィクトル", "ヴァン・デル", "佐藤ー", "カ\u{3099}", "タ\u{3000}\u{3099}", "斎藤\t花子"]
        {
            assert_eq!(search_key(s), slow(s), "{s:?}");
        }
    }

    #[test]
    fn every_variant_is_in_the_cjk_blocks_the_fast_path_looks_up() {
        assert!(variants().keys().all(|c| *c as u32 >= 0x3400), "fold() skips the table below U+3400");
        assert!(variant_count() >= 200);
    }
}
