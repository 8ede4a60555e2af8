//! Search keys for names: NFKC, katakana, no spaces, and kanji variants folded by a table.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::kana::hiragana_to_katakana;

/// The variant table in `assets/kanji_variants.tsv`: each line `variant<TAB>standard`.
const VARIANT_TABLE: &str = include_str!("../../assets/kanji_variants.tsv");

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

fn key_once(s: &str) -> String {
    let map = variants();
    // Variants are folded before NFKC too, because NFKC maps some compatibility ideographs
    // (﨑 U+FA11) to their unified form and the table lists both.
    let pre: String = s.chars().map(|c| *map.get(&c).unwrap_or(&c)).collect();
    let nfkc: String = pre.nfkc().collect();
    hiragana_to_katakana(&nfkc)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| *map.get(&c).unwrap_or(&c))
        .flat_map(|c| c.to_uppercase())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
