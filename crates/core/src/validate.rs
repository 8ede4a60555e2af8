//! Field validation shared by every form: each check normalises what clerks type or says why not.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::text::{kana, mynumber, wareki};

/// One refused field: which one, and a Japanese message to show next to it.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// All the refused fields of one form, so the clerk sees every problem at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Invalid(pub Vec<FieldError>);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.message.clone()).collect();
        f.write_str(&parts.join(" / "))
    }
}

impl std::error::Error for Invalid {}

/// Collects field errors while a form is checked; `finish` turns them into a result.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError { field, message: message.into() });
    }

    /// Keeps the value when the check passes, records the error otherwise.
    pub fn take<T>(&mut self, field: &'static str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.fail(field, m);
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}

/// The refusal every text field gives for a 個人番号.
pub fn no_my_number(label: &str, value: &str) -> Result<(), String> {
    if mynumber::contains_my_number(value) {
        Err(format!("{label}に個人番号 (マイナンバー) と思われる12桁の番号があります。Hairyo は個人番号を保存しません。削除してください"))
    } else {
        Ok(())
    }
}

/// The field key of a refusal the clerk may overrule by confirming: a twelve-digit run in free
/// text that is not a valid 個人番号 (a valid one is always refused) but may be one mistyped.
pub const CONFIRM_DIGITS: &str = "confirm_digits";

/// Refuses a twelve-digit run in `value` until the clerk has `confirmed` it is not a 個人番号.
pub fn unconfirmed_digits(label: &str, value: &str, confirmed: bool) -> Result<(), String> {
    if !confirmed && mynumber::contains_twelve_digit_run(value) {
        return Err(format!(
            "{label}に12桁の番号があります。個人番号 (マイナンバー) は保存できません。個人番号ではないことを確かめてから、確認済みとして保存し直してください"
        ));
    }
    Ok(())
}

/// Free text a clerk typed into a form of its own (a note, a reason, a comment): [`text`] plus
/// the twelve-digit confirmation, both refusals at once.
pub fn typed_text(field: &'static str, label: &str, value: &str, max: usize, required: bool, confirmed_digits: bool) -> Result<String, Invalid> {
    let mut c = Checker::new();
    let v = c.take(field, text(label, value, max, required));
    c.take(CONFIRM_DIGITS, unconfirmed_digits(label, value, confirmed_digits));
    c.finish()?;
    Ok(v.unwrap_or_default())
}

/// Free text: trimmed, NFC, no control characters, at most `max` characters, never a 個人番号.
pub fn text(label: &str, value: &str, max: usize, required: bool) -> Result<String, String> {
    let trimmed = value.trim();
    // Nearly every value is already NFC; the quick check spares the recomposition.
    let v: String = match unicode_normalization::is_nfc_quick(trimmed.chars()) {
        unicode_normalization::IsNormalized::Yes => trimmed.to_string(),
        _ => trimmed.nfc().collect(),
    };
    if required && v.is_empty() {
        return Err(format!("{label}を入力してください"));
    }
    if v.chars().count() > max {
        return Err(format!("{label}は{max}文字以内で入力してください"));
    }
    if v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(format!("{label}に使用できない制御文字が含まれています"));
    }
    no_my_number(label, &v)?;
    drawable(label, &v)?;
    Ok(v)
}

/// Refuses characters no printing face can draw (外字 in the private-use area, and anything
/// neither BIZ UD Gothic nor the Noto fallback has), naming each, so that nothing is accepted at
/// the counter and then refused when its form is printed.
pub fn drawable(label: &str, value: &str) -> Result<(), String> {
    let missing = crate::fonts::missing_glyphs(value);
    if missing.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = missing.iter().map(|c| format!("「{c}」(U+{:04X})", *c as u32)).collect();
    Err(format!("{label}の{}は印刷できない文字 (外字など) です。常用の字体に置き換えてください", list.join("、")))
}

/// A personal name: required, spaces folded to one full-width space, at most 40 characters.
pub fn person_name(label: &str, value: &str) -> Result<String, String> {
    // Half-width katakana is stored in full width, as フリガナ is.
    // A foreign resident's legal name in Latin letters, with middle names, runs long: it is kept
    // whole, never cut at 40.
    let v = text(label, &kana::halfwidth_katakana_to_full(value), 100, true)?;
    if v.contains('\n') {
        return Err(format!("{label}に改行は使えません"));
    }
    if v.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return Err(format!("{label}に数字は使えません"));
    }
    Ok(v.split_whitespace().collect::<Vec<_>>().join("\u{3000}"))
}

/// フリガナ: katakana after normalisation (hiragana and half-width accepted).
pub fn furigana(label: &str, value: &str) -> Result<String, String> {
    match kana::normalize_furigana(value) {
        Ok(k) if k.chars().count() > 120 => Err(format!("{label}は120文字以内で入力してください")),
        Ok(k) => Ok(k),
        Err(kana::KanaRefusal::Empty) => Err(format!("{label}を入力してください")),
        Err(kana::KanaRefusal::NotKana(c)) => Err(format!("{label}はカタカナで入力してください (「{c}」は使えません)")),
    }
}

/// A date in any form clerks use (see [`wareki::parse`]).
pub fn date(label: &str, value: &str) -> Result<chrono::NaiveDate, String> {
    wareki::parse(value).map_err(|e| format!("{label}: {e}"))
}

/// A date as [`date`] takes it, and a month and day alone (`12/1`) as that day of `today`'s year.
pub fn date_on(label: &str, value: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, String> {
    wareki::parse_on(value, today).map_err(|e| format!("{label}: {e}"))
}

/// A birth date: a valid date, not after `today`, not before 明治.
pub fn birth_date(value: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, String> {
    let d = date("生年月日", value)?;
    if d > today {
        return Err(format!("生年月日が未来の日付です ({})。正しい生年月日を入力してください", wareki::format(d)));
    }
    if wareki::era_of(d).is_none() {
        return Err("生年月日が明治より前です。正しい生年月日を入力してください".to_string());
    }
    Ok(d)
}

fn ascii_digits_and(value: &str, keep: &[char]) -> String {
    crate::text::nfkc(value).chars().filter(|c| !c.is_whitespace() && !keep.contains(c)).collect()
}

/// 郵便番号: accepts 〒, full-width digits and a missing hyphen; stores `NNN-NNNN`.
pub fn postal_code(value: &str) -> Result<String, String> {
    let v: String = ascii_digits_and(value, &['〒', '-', 'ー', '－', '‐']);
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.len() == 7 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{}-{}", &v[..3], &v[3..]))
    } else {
        Err(format!("郵便番号は「123-4567」の形 (数字7桁) で入力してください (入力: {})", value.trim()))
    }
}

/// 電話番号: 10 or 11 digits starting with 0, hyphens where the clerk put them.
pub fn phone(label: &str, value: &str) -> Result<String, String> {
    let v: String = crate::text::nfkc(value).chars().filter(|c| !c.is_whitespace()).map(|c| if c == 'ー' || c == '‐' { '-' } else { c }).collect();
    if v.is_empty() {
        return Ok(String::new());
    }
    let digits: String = v.chars().filter(|c| *c != '-' && *c != '(' && *c != ')').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{label}は数字とハイフンで入力してください (例: 048-123-4567)"));
    }
    if !(digits.starts_with('0') && (10..=11).contains(&digits.len())) {
        return Err(format!("{label}は0から始まる10桁または11桁で入力してください (例: 048-123-4567)"));
    }
    Ok(v)
}

/// The 保険者番号 check digit: weights 2,1,2,1… from the right of the body, digit sums added.
fn insurer_check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let p = d * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Builds a valid 保険者番号 from its body (5 or 7 digits); for demo data and tests.
pub fn insurer_number_with_check(body: &str) -> String {
    let d: Vec<u32> = body.bytes().map(|b| (b - b'0') as u32).collect();
    format!("{body}{}", insurer_check_digit(&d))
}

/// The day on one line of a batch a desk records at once (a facility's returned forms, a
/// mailing's outcomes): today when empty, never in the future, never before `earliest` (the day
/// the forms or letters went out).
pub fn batch_day(label: &str, value: &str, today: chrono::NaiveDate, earliest: chrono::NaiveDate) -> Result<chrono::NaiveDate, String> {
    if value.trim().is_empty() {
        return Ok(today);
    }
    match date_on(label, value, today)? {
        d if d > today => Err(format!("{label}が未来の日付です")),
        d if d < earliest => Err(format!("{label}が送付日より前です")),
        d => Ok(d),
    }
}

/// The note on one line of such a batch: at most 200 characters, and no twelve-digit run (a
/// batch has no place to confirm one line's number is not a 個人番号).
pub fn batch_note(value: &str) -> Result<String, String> {
    let note = text("メモ", value, 200, false)?;
    if unconfirmed_digits("メモ", &note, false).is_err() {
        return Err("メモに12桁の数字があります。個人番号は記録できません".into());
    }
    Ok(note)
}

/// 保険者番号: 6 digits (国保) or 8 digits (後期, 被用者保険), with its check digit.
pub fn insurer_number(value: &str) -> Result<String, String> {
    let v = ascii_digits_and(value, &[]);
    if v.is_empty() {
        return Ok(String::new());
    }
    if !(v.bytes().all(|b| b.is_ascii_digit()) && (v.len() == 6 || v.len() == 8)) {
        return Err("保険者番号は6桁 (国民健康保険) または8桁 (後期高齢者医療など) の数字で入力してください".into());
    }
    let d: Vec<u32> = v.bytes().map(|b| (b - b'0') as u32).collect();
    if insurer_check_digit(&d[..d.len() - 1]) != d[d.len() - 1] {
        return Err(format!("保険者番号 {v} の検証番号 (最後の桁) が正しくありません。保険証の表記を確認してください"));
    }
    Ok(v)
}

/// 被保険者証の記号: up to 20 characters of digits, letters, kana or kanji, with ・ or -.
pub fn card_symbol(value: &str) -> Result<String, String> {
    let v: String = crate::text::nfkc(value.trim()).chars().filter(|c| !c.is_whitespace()).collect();
    if v.chars().count() > 20 {
        return Err("記号は20文字以内で入力してください".into());
    }
    if let Some(c) = v.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '・' | 'ー'))) {
        return Err(format!("記号に使えない文字「{c}」があります"));
    }
    no_my_number("記号", &v)?;
    Ok(v)
}

/// 被保険者証の番号: 1 to 10 digits (a 12-digit number is never accepted here).
pub fn card_number(value: &str) -> Result<String, String> {
    let v = ascii_digits_and(value, &['-']);
    if v.is_empty() {
        return Ok(String::new());
    }
    no_my_number("番号", &v)?;
    if !(v.bytes().all(|b| b.is_ascii_digit()) && v.len() <= 10) {
        return Err("番号は10桁以内の数字で入力してください".into());
    }
    Ok(v)
}

/// 枝番: two digits (01, 02 …); one digit is padded.
pub fn card_branch(value: &str) -> Result<String, String> {
    let v = ascii_digits_and(value, &[]);
    match v.len() {
        0 => Ok(String::new()),
        1 | 2 if v.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("{:0>2}", v)),
        _ => Err("枝番は2桁の数字で入力してください (例: 01)".into()),
    }
}

/// 宛名番号: the city's resident number, 1 to 15 digits.
pub fn atena_number(value: &str) -> Result<String, String> {
    let v = ascii_digits_and(value, &['-']);
    if v.is_empty() {
        return Ok(String::new());
    }
    no_my_number("宛名番号", &v)?;
    if !(v.bytes().all(|b| b.is_ascii_digit()) && v.len() <= 15) {
        return Err("宛名番号は15桁以内の数字で入力してください".into());
    }
    Ok(v)
}

/// 世帯番号: digits, up to fifteen, as the 住基 system numbers households.
pub fn household_number(value: &str) -> Result<String, String> {
    let v = ascii_digits_and(value, &['-']);
    if v.is_empty() {
        return Ok(String::new());
    }
    no_my_number("世帯番号", &v)?;
    if !(v.bytes().all(|b| b.is_ascii_digit()) && v.len() <= 15) {
        return Err("世帯番号は15桁以内の数字で入力してください".into());
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes() {
        assert_eq!(postal_code("〒330-0001").unwrap(), "330-0001");
        assert_eq!(postal_code("３３００００１").unwrap(), "330-0001");
        assert_eq!(postal_code("").unwrap(), "");
        assert!(postal_code("330-001").is_err());
        assert!(postal_code("abc-defg").is_err());
    }

    #[test]
    fn phones() {
        assert_eq!(phone("電話番号", "048-123-4567").unwrap(), "048-123-4567");
        assert_eq!(phone("電話番号", "０９０ー１２３４ー５６７８").unwrap(), "090-1234-5678");
        assert!(phone("電話番号", "123-4567").is_err());
        assert!(phone("電話番号", "048-123-456a").is_err());
    }

    #[test]
    fn insurer_numbers() {
        let six = insurer_number_with_check("11100");
        assert_eq!(insurer_number(&six).unwrap(), six);
        let eight = insurer_number_with_check("3911000");
        assert_eq!(insurer_number(&eight).unwrap(), eight);
        let bad_last = (eight.as_bytes()[7] - b'0' + 1) % 10;
        assert!(insurer_number(&format!("{}{}", &eight[..7], bad_last)).is_err());
        assert!(insurer_number("12345").is_err());
    }

    #[test]
    fn card_fields() {
        assert_eq!(card_branch("1").unwrap(), "01");
        assert!(card_branch("123").is_err());
        assert_eq!(card_symbol("埼01").unwrap(), "埼01");
        assert!(card_symbol("埼#1").is_err());
        assert!(card_number("123456789018").unwrap_err().contains("個人番号"));
        assert!(card_number("12345678901").is_err());
        assert_eq!(card_number("１２３４５").unwrap(), "12345");
    }

    #[test]
    fn names_and_text() {
        assert_eq!(person_name("氏名", " 山田  太郎 ").unwrap(), "山田\u{3000}太郎");
        assert_eq!(person_name("氏名", "ﾔﾏﾀﾞ ﾀﾛｳ").unwrap(), "ヤマダ\u{3000}タロウ");
        assert!(person_name("氏名", "").is_err());
        assert!(person_name("氏名", "山田1").is_err());
        // 𠮷 prints from the fallback face, so it is kept; a private-use 外字 is refused by name.
        assert_eq!(person_name("氏名", "𠮷田 太郎").unwrap(), "𠮷田\u{3000}太郎");
        let refusal = person_name("氏名", "山\u{E001}太郎").unwrap_err();
        assert!(refusal.contains("U+E001"), "{refusal}");
        assert!(text("備考", "番号は123456789018", 100, false).unwrap_err().contains("個人番号"));
    }

    #[test]
    fn birth_dates() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(birth_date("2026-11-25", today).is_ok());
        assert!(birth_date("2026-11-26", today).unwrap_err().contains("未来"));
        assert!(birth_date("1860-01-01", today).is_err());
        assert_eq!(birth_date("S15.4.1", today).unwrap().to_string(), "1940-04-01");
    }
}
