//! Printing results: JSON with `--json`, short Japanese text otherwise.

use serde::Serialize;

use hairyo::operation::Answer;
use hairyo::Paged;

/// Prints `value` as JSON, or the human form made by `human`.
pub fn emit<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T) -> String) -> crate::Result {
    if json {
        let text = serde_json::to_string_pretty(value).map_err(|e| crate::ErrorBody::new("cli.json", e.to_string()))?;
        out(&text);
    } else {
        let text = human(value);
        if !text.is_empty() {
            out(text.trim_end());
        }
    }
    Ok(())
}

/// Prints a catalogue's answer as JSON, or as the text `render::text` makes of it.
pub fn answer(json: bool, answer: &Answer) -> crate::Result {
    let text = if json { answer.to_json_text()? } else { crate::render::text(answer)? };
    if !text.is_empty() {
        out(if json { &text } else { text.trim_end() });
    }
    Ok(())
}

/// Writes a line to stdout; a closed pipe (`hairyo … | head`) ends the program quietly
/// instead of panicking.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{text}").and_then(|_| stdout.flush()).is_err() {
        std::process::exit(0);
    }
}

/// The footer of a paged list: "1–50件 / 全2,000件".
pub fn page_footer<T>(p: &Paged<T>) -> String {
    if p.items.is_empty() {
        return format!("該当なし (全{}件)", group(p.total));
    }
    format!("{}–{}件 / 全{}件", group(p.offset + 1), group(p.offset + p.items.len() as i64), group(p.total))
}

/// 2000 → "2,000".
pub fn group(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}
