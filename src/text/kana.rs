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
    let nfkc: String = input.nfkc().collect();
    let kata = hiragana_to_katakana(&nfkc);
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn furigana_refusals() {
        assert_eq!(normalize_furigana("山田 太郎"), Err(KanaRefusal::NotKana('山')));
        assert_eq!(normalize_furigana("Yamada"), Err(KanaRefusal::NotKana('Y')));
        assert_eq!(normalize_furigana("ヤマダ1"), Err(KanaRefusal::NotKana('1')));
        assert_eq!(normalize_furigana("   "), Err(KanaRefusal::Empty));
    }
}
