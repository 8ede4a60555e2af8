//! Kana handling: フリガナ normalisation (hiragana and half-width input become full-width katakana).

use unicode_normalization::UnicodeNormalization;

/// Converts hiragana to katakana, leaving every other character as it is.
pub fn hiragana_to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            // ぁ..ゖ and the iteration marks ゝゞ map 0x60 up to their katakana.
            '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Katakana to hiragana (for test and benchmark queries typed in hiragana).
pub fn hiragana_from_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn is_katakana_letter(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | 'ヽ' | 'ヾ' | '・')
}

/// Why a フリガナ was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KanaRefusal {
    Empty,
    NotKana(char),
}

/// Normalises a フリガナ as clerks type it: NFKC (half-width katakana become full-width), hiragana
/// become katakana, runs of spaces become one full-width space between family and given name.
/// Anything that is not kana (kanji, Latin letters, digits) is refused.
pub fn normalize_furigana(input: &str) -> Result<String, KanaRefusal> {
    let kata = hiragana_to_katakana(&super::nfkc(input));
    let words: Vec<&str> = kata.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Err(KanaRefusal::Empty);
    }
    for w in &words {
        if let Some(bad) = w.chars().find(|&c| !is_katakana_letter(c)) {
            return Err(KanaRefusal::NotKana(bad));
        }
    }
    Ok(words.join("\u{3000}"))
}

/// Half-width katakana (ｶﾀｶﾅ, with ﾞ and ﾟ) to full width, and nothing else: a name typed in
/// half-width is stored as the register writes it, while its other characters (full-width
/// Latin letters, kanji) stay as typed.
pub fn halfwidth_katakana_to_full(s: &str) -> String {
    let halfwidth = |c: char| ('\u{FF61}'..='\u{FF9F}').contains(&c);
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if halfwidth(c) {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.push_str(&super::nfkc(&run));
            run.clear();
        }
        out.push(c);
    }
    out.push_str(&super::nfkc(&run));
    out
}

/// Full-width katakana to half-width (ｶﾀｶﾅ), as old systems and some clerks type it; the
/// inverse of what NFKC does. Characters without a half-width form are kept.
pub fn to_halfwidth_katakana(s: &str) -> String {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        ('\u{FF61}'..='\u{FF9F}')
            .filter_map(|h| {
                let mut full = std::iter::once(h).nfkc();
                match (full.next(), full.next()) {
                    (Some(f), None) => Some((f, h)),
                    _ => None,
                }
            })
            .collect()
    });
    let mut out = String::new();
    for c in s.chars() {
        for d in std::iter::once(c).nfd() {
            match d {
                '\u{3099}' => out.push('ﾞ'),
                '\u{309A}' => out.push('ﾟ'),
                _ => out.push(*table.get(&d).unwrap_or(&d)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halfwidth_katakana_becomes_full_width_and_nothing_else_changes() {
        assert_eq!(halfwidth_katakana_to_full("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ タロウ");
        assert_eq!(halfwidth_katakana_to_full("山田ﾊﾟﾄﾘｼｱ"), "山田パトリシア");
        assert_eq!(halfwidth_katakana_to_full("ＪＯＨＮ　髙橋"), "ＪＯＨＮ　髙橋");
    }

    fn ok(input: &str, want: &str) {
        assert_eq!(normalize_furigana(input).as_deref(), Ok(want), "input {input:?}");
    }

    #[test]
    fn furigana_forms() {
        ok("ヤマダ タロウ", "ヤマダ\u{3000}タロウ");
        ok("やまだ　たろう", "ヤマダ\u{3000}タロウ");
        ok("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u{3000}タロウ");
        ok("  さとう   はなこ ", "サトウ\u{3000}ハナコ");
        ok("ヴァン・ジョー", "ヴァン・ジョー");
        ok("きょうこ", "キョウコ");
    }

    #[test]
    fn halfwidth_round_trip() {
        assert_eq!(to_halfwidth_katakana("ガッコウ\u{3000}パン"), "ｶﾞｯｺｳ\u{3000}ﾊﾟﾝ");
        assert_eq!(normalize_furigana(&to_halfwidth_katakana("サトウ ハナコ")).unwrap(), "サトウ\u{3000}ハナコ");
    }

    #[test]
    fn furigana_refusals() {
        assert_eq!(normalize_furigana("山田 太郎"), Err(KanaRefusal::NotKana('山')));
        assert_eq!(normalize_furigana("Yamada"), Err(KanaRefusal::NotKana('Y')));
        assert_eq!(normalize_furigana("ヤマダ1"), Err(KanaRefusal::NotKana('1')));
        assert_eq!(normalize_furigana("   "), Err(KanaRefusal::Empty));
    }
}
