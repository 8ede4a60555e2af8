//! 和暦 (Japanese era calendar): formatting dates for forms and parsing every form clerks type.

use chrono::{Datelike, NaiveDate};

/// A Japanese era with the Gregorian date of its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    pub letter: char,
    /// The digit of the 7-digit era code form (1 明治 … 5 令和).
    pub code: u32,
    pub start: (i32, u32, u32),
}

pub const ERAS: [Era; 5] = [
    Era { name: "明治", letter: 'M', code: 1, start: (1868, 1, 25) },
    Era { name: "大正", letter: 'T', code: 2, start: (1912, 7, 30) },
    Era { name: "昭和", letter: 'S', code: 3, start: (1926, 12, 25) },
    Era { name: "平成", letter: 'H', code: 4, start: (1989, 1, 8) },
    Era { name: "令和", letter: 'R', code: 5, start: (2019, 5, 1) },
];

impl Era {
    fn start_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start.0, self.start.1, self.start.2).expect("era start is a valid date")
    }

    fn next(&self) -> Option<&'static Era> {
        ERAS.iter().find(|e| e.code == self.code + 1)
    }
}

/// The era a date falls in, or None before 明治.
pub fn era_of(date: NaiveDate) -> Option<&'static Era> {
    ERAS.iter().rev().find(|e| date >= e.start_date())
}

/// Formats as on Japanese forms: 令和7年5月13日; the first year of an era prints as 元年.
pub fn format(date: NaiveDate) -> String {
    match era_of(date) {
        Some(era) => {
            let y = date.year() - era.start.0 + 1;
            let year = if y == 1 { "元".to_string() } else { y.to_string() };
            format!("{}{}年{}月{}日", era.name, year, date.month(), date.day())
        }
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// Formats year and month only (令和8年7月), as the leaflets do.
pub fn format_year_month(date: NaiveDate) -> String {
    let full = format(date);
    match full.find('月') {
        Some(i) => full[..i + '月'.len_utf8()].to_string(),
        None => full,
    }
}

/// Why a typed date was refused; the Display text is shown to the clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日付が入力されていません")]
    Empty,
    #[error("日付の形式が分かりません: 「{0}」(例: 1940-04-01、1940/4/1、昭和15年4月1日、S15.4.1、3150401)")]
    Unrecognised(String),
    #[error("存在しない日付です: 「{0}」")]
    NoSuchDate(String),
    #[error("{era}{year}年{month}月{day}日 は{era}の期間外です ({era}は {start} から {end})")]
    OutsideEra { era: &'static str, year: u32, month: u32, day: u32, start: String, end: String },
}

fn era_by_letter(c: char) -> Option<&'static Era> {
    ERAS.iter().find(|e| e.letter == c.to_ascii_uppercase())
}

fn era_by_code(d: u32) -> Option<&'static Era> {
    ERAS.iter().find(|e| e.code == d)
}

fn ymd(input: &str, y: i32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::NoSuchDate(input.to_string()))
}

fn in_era(input: &str, era: &'static Era, year: u32, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    if year == 0 {
        return Err(DateError::NoSuchDate(input.to_string()));
    }
    let date = ymd(input, era.start.0 + year as i32 - 1, month, day)?;
    let end = era.next().map(|n| n.start_date().pred_opt().expect("era has a day before"));
    if date < era.start_date() || end.is_some_and(|e| date > e) {
        return Err(DateError::OutsideEra {
            era: era.name,
            year,
            month,
            day,
            start: format(era.start_date()),
            end: end.map(format).unwrap_or_else(|| "現在".to_string()),
        });
    }
    Ok(date)
}

/// Splits the numbers out of `s`, accepting any of `seps` between them.
fn numbers(s: &str, seps: &[char]) -> Option<Vec<u32>> {
    let parts: Vec<&str> = s.split(|c| seps.contains(&c)).collect();
    if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4) {
        return None;
    }
    parts.iter().map(|p| p.parse().ok()).collect()
}

/// Parses a date in any form clerks use: `1940-04-01`, `1940/4/1`, `1940.4.1`, `19400401`,
/// `1940年4月1日`, `昭和15年4月1日` (元年 too), `S15.4.1`, `S15/4/1`, and the 7-digit era code form
/// `3150401` (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和). Full-width digits are accepted.
/// Dates that do not exist, or that lie outside their era, are refused.
/// Like [`parse`], and a month and day alone (`12/1`, `12月1日`) as that day of `today`'s year,
/// as a clerk types the date of something that just happened or is due soon.
pub fn parse_on(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let s: String = super::nfkc(input).chars().filter(|c| !c.is_whitespace()).collect();
    let month_day = s
        .strip_suffix('日')
        .and_then(|r| r.split_once('月'))
        .or_else(|| s.split_once('/'))
        .filter(|(m, d)| (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) && m.bytes().chain(d.bytes()).all(|b| b.is_ascii_digit()));
    match month_day {
        Some((m, d)) => {
            let (m, d) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
            ymd(input, today.year(), m, d)
        }
        None => parse(input),
    }
}

pub fn parse(input: &str) -> Result<NaiveDate, DateError> {
    let s: String = super::nfkc(input).chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let unrecognised = || DateError::Unrecognised(input.trim().to_string());

    // Kanji forms: [era]Y年M月D日, with 元年.
    if let Some(rest) = s.strip_suffix('日') {
        let (era, body) = match ERAS.iter().find(|e| rest.starts_with(e.name)) {
            Some(e) => (Some(e), &rest[e.name.len()..]),
            None => (None, rest),
        };
        let body = body.replacen("元年", "1年", 1);
        let nums = numbers(&body, &['年', '月']).ok_or_else(unrecognised)?;
        let [y, m, d] = nums[..] else { return Err(unrecognised()) };
        return match era {
            Some(e) => in_era(input, e, y, m, d),
            None if y >= 1000 => ymd(input, y as i32, m, d),
            None => Err(unrecognised()),
        };
    }

    let first = s.chars().next().expect("not empty");
    if first.is_ascii_alphabetic() {
        let era = era_by_letter(first).ok_or_else(unrecognised)?;
        let nums = numbers(&s[1..], &['.', '/', '-']).ok_or_else(unrecognised)?;
        let [y, m, d] = nums[..] else { return Err(unrecognised()) };
        return in_era(input, era, y, m, d);
    }

    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.len() {
            7 => {
                let n: Vec<u32> = s.bytes().map(|b| (b - b'0') as u32).collect();
                let era = era_by_code(n[0]).ok_or_else(unrecognised)?;
                in_era(input, era, n[1] * 10 + n[2], n[3] * 10 + n[4], n[5] * 10 + n[6])
            }
            8 => {
                let y: i32 = s[0..4].parse().map_err(|_| unrecognised())?;
                let m: u32 = s[4..6].parse().map_err(|_| unrecognised())?;
                let d: u32 = s[6..8].parse().map_err(|_| unrecognised())?;
                // Four-digit years only, as in every other form: 00010101 is a typing slip,
                // and a year before 1000 could not be typed back in the form it is shown in.
                if y < 1000 {
                    return Err(unrecognised());
                }
                ymd(input, y, m, d)
            }
            _ => Err(unrecognised()),
        };
    }

    let nums = numbers(&s, &['-', '/', '.']).ok_or_else(unrecognised)?;
    match nums[..] {
        [y, m, d] if y >= 1000 => ymd(input, y as i32, m, d),
        _ => Err(unrecognised()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn check(iso: &str, wareki: &str) {
        assert_eq!(format(d(iso)), wareki);
    }

    #[test]
    fn wareki_boundaries() {
        check("1989-01-07", "昭和64年1月7日");
        check("1989-01-08", "平成元年1月8日");
        check("2019-04-30", "平成31年4月30日");
        check("2019-05-01", "令和元年5月1日");
        check("2025-05-13", "令和7年5月13日");
        check("1926-12-24", "大正15年12月24日");
        check("1926-12-25", "昭和元年12月25日");
        check("1912-07-30", "大正元年7月30日");
        check("1940-04-01", "昭和15年4月1日");
        assert_eq!(format_year_month(d("2026-07-01")), "令和8年7月");
    }

    fn parses(input: &str, iso: &str) {
        assert_eq!(parse(input), Ok(d(iso)), "input {input:?}");
    }

    #[test]
    fn every_input_form() {
        for input in [
            "1940-04-01",
            "1940/4/1",
            "1940.4.1",
            "19400401",
            "1940年4月1日",
            "昭和15年4月1日",
            "S15.4.1",
            "s15/4/1",
            "S15-04-01",
            "3150401",
            "１９４０/４/１",
            " 昭和 15年4月1日 ",
        ] {
            parses(input, "1940-04-01");
        }
        parses("平成元年1月8日", "1989-01-08");
        parses("H1.1.8", "1989-01-08");
        parses("令和元年5月1日", "2019-05-01");
        parses("5070513", "2025-05-13");
        parses("R7.5.13", "2025-05-13");
    }

    #[test]
    fn impossible_dates_refused() {
        for input in ["平成32年1月1日", "昭和64年2月1日", "令和元年4月30日", "H32.1.1", "4320101", "5010430"] {
            let err = parse(input).unwrap_err();
            assert!(matches!(err, DateError::OutsideEra { .. }), "{input}: {err}");
            assert!(err.to_string().contains("期間外"));
        }
        for input in ["2023-02-29", "昭和15年2月30日", "S15.13.1"] {
            assert!(matches!(parse(input), Err(DateError::NoSuchDate(_))), "{input}");
        }
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        for (typed, want) in [("12/1", (2026, 12, 1)), ("１２／１", (2026, 12, 1)), ("3月5日", (2026, 3, 5)), ("令和8年1月5日", (2026, 1, 5))] {
            let (y, m, d) = want;
            assert_eq!(parse_on(typed, today), Ok(NaiveDate::from_ymd_opt(y, m, d).unwrap()), "{typed}");
        }
        assert!(parse_on("2/30", today).is_err());
        assert!(parse("12/1").is_err(), "without a day to take the year from, a month and day is not a date");
        for input in ["abc", "X15.4.1", "15/4/1", "6150401", "1940-4", "昭和十五年", "00010101", "09991231"] {
            assert!(matches!(parse(input), Err(DateError::Unrecognised(_))), "{input}");
        }
        assert_eq!(parse("  "), Err(DateError::Empty));
    }
}
