//! Detection of 個人番号 (My Number): Hairyo refuses to store one anywhere.

/// True when `digits` is exactly 12 ASCII digits whose last digit is the My Number check digit
/// (the algorithm of 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 8条).
pub fn is_my_number(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = b.iter().map(|c| (c - b'0') as u32).collect();
    // Pn is the n-th digit counted from the right, excluding the check digit; Qn is n+1 for
    // n <= 6 and n-5 above.
    let sum: u32 = (1..=11)
        .map(|n| {
            let p = d[11 - n];
            let q = if n <= 6 { n as u32 + 1 } else { n as u32 - 5 };
            p * q
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    check == d[11]
}

/// True when `text` contains a run of digits (ignoring spaces and hyphens between them, and
/// after folding full-width digits) that is a valid My Number.
pub fn contains_my_number(text: &str) -> bool {
    any_digit_run(text, is_my_number)
}

/// True when `text` contains a run of exactly twelve digits (grouped as [`contains_my_number`]
/// reads them), whatever its check digit: a 個人番号 mistyped by one digit fails the check and
/// would otherwise be stored.
pub fn contains_twelve_digit_run(text: &str) -> bool {
    any_digit_run(text, |run| run.len() == 12)
}

fn any_digit_run(text: &str, found: impl Fn(&str) -> bool) -> bool {
    let mut run = String::new();
    let check = |run: &mut String| {
        let hit = found(run);
        run.clear();
        hit
    };
    for c in text.chars() {
        let digit = match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        };
        match digit {
            Some(d) => run.push(d),
            None if matches!(c, ' ' | '-' | '－' | 'ー' | '\u{3000}') && !run.is_empty() => {}
            None => {
                if check(&mut run) {
                    return true;
                }
            }
        }
    }
    check(&mut run)
}

/// Appends the check digit to an 11-digit body; used to build test data that must be refused.
pub fn with_check_digit(body: &str) -> String {
    for last in 0..10 {
        let candidate = format!("{body}{last}");
        if is_my_number(&candidate) {
            return candidate;
        }
    }
    unreachable!("one of ten digits is always the check digit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digit_runs_whatever_their_check_digit() {
        assert!(contains_twelve_digit_run("番号 1234 5678 9012 です"));
        assert!(contains_twelve_digit_run("１２３４５６７８９０１２"));
        assert!(!contains_twelve_digit_run("090-1234-5678"));
        assert!(!contains_twelve_digit_run("1234567890123"));
    }

    #[test]
    fn check_digit() {
        // 12345678901 has check digit 8 by the statutory formula.
        assert!(is_my_number("123456789018"));
        assert!(!is_my_number("123456789012"));
        assert!(!is_my_number("12345678901"));
        assert!(!is_my_number("1234567890188"));
    }

    #[test]
    fn found_inside_text() {
        assert!(contains_my_number("番号 1234 5678 9018 です"));
        assert!(contains_my_number("１２３４５６７８９０１８"));
        assert!(contains_my_number("1234-5678-9018"));
        assert!(!contains_my_number("090-1234-5678"));
        assert!(!contains_my_number("1234567890188"));
        let n = with_check_digit("98765432109");
        assert!(contains_my_number(&n));
    }
}
