//! Japanese text: kana normalisation, 和暦 dates and the checks that keep a 個人番号 out.

pub mod kana;
pub mod mynumber;
pub mod normalize;
pub mod wareki;

use std::borrow::Cow;

/// The NFKC form of `s`, borrowed when `s` already is in it (ASCII, and most names and
/// numbers typed or imported): an import checks millions of fields.
pub fn nfkc(s: &str) -> Cow<'_, str> {
    use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
    if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}
