//! Japanese text: kana normalisation, 和暦 dates, and the checks that keep a 個人番号 out.

pub mod kana;
pub mod mynumber;
pub mod normalize;
pub mod wareki;
