//! Lists the city sends with its paperwork: the 進達簿 that goes to the 後期高齢者医療広域連合
//! with the applications forwarded on a day.

use super::layout::{Align, Sheet, Weight};
use crate::kouki::ForwardingRegister;
use crate::text::wareki;

const LEFT: f32 = 15.0;
const WIDTH: f32 = 180.0;
/// Each application takes three lines of cells: the person, the applicant and the address, then
/// the 申請理由 and any 併記 asked for.
const LINE_H: f32 = 6.5;
/// Where the rows end on each page (the count and the footer are below).
const BOTTOM: f32 = 270.0;
/// The first line's columns (heading, width in mm), after the 番号 column that spans both.
const NO_W: f32 = 9.0;
const FIRST: [(&str, f32); 6] = [("宛名番号", 22.0), ("氏名", 36.0), ("フリガナ", 36.0), ("生年月日", 27.0), ("被保険者番号", 24.0), ("申請日", 26.0)];
/// The second line's: who applied, and where the certificate goes.
const SECOND: [(&str, f32); 2] = [("申請者・代理人", 58.0), ("送付先", 113.0)];
/// The third line's: why they applied (the union decides on it whether the certificate
/// continues each year), and the 併記 asked for.
const THIRD: [(&str, f32); 2] = [("申請理由", 113.0), ("併記", 58.0)];
/// The lines of cells an application takes.
const LINES: f32 = 3.0;

/// One line of cells from `x`, each value shrunk to fit on one line.
fn cells(s: &mut Sheet, x: f32, y: f32, columns: &[(&str, f32)], values: &[String], gray: Option<f32>, weight: Weight) {
    let mut x = x;
    for ((_, w), v) in columns.iter().zip(values) {
        if let Some(g) = gray {
            s.fill_rect(x, y, *w, LINE_H, g);
        }
        s.rect(x, y, *w, LINE_H, 0.4);
        s.fit_text(x + 1.0, y + 1.6, w - 2.0, 9.0, weight, if gray.is_some() { Align::Center } else { Align::Left }, v);
        x += w;
    }
}

fn header(s: &mut Sheet, r: &ForwardingRegister, page: usize, pages: usize) -> f32 {
    s.fit_text(LEFT, 12.0, WIDTH, 16.0, Weight::Bold, Align::Center, "後期高齢者医療 資格確認書交付申請 進達簿");
    s.text(LEFT, 24.0, 11.0, Weight::Regular, &format!("{}長 様", r.union_name));
    s.fit_text(LEFT + 90.0, 24.0, 90.0, 10.5, Weight::Regular, Align::Right, &format!("進達日 {}", wareki::format(r.forwarded_on)));
    s.fit_text(LEFT + 90.0, 30.0, 90.0, 10.5, Weight::Regular, Align::Right, &format!("{} (後期高齢者医療担当)", r.city_name));
    s.text(LEFT, 36.0, 10.0, Weight::Regular, &format!("次のとおり資格確認書の交付申請を進達します。 (全{}件、{}/{}ページ)", r.entries.len(), page, pages));
    let y = 43.0;
    s.fill_rect(LEFT, y, NO_W, LINES * LINE_H, 0.85);
    s.rect(LEFT, y, NO_W, LINES * LINE_H, 0.4);
    s.fit_text(LEFT + 0.5, y + LINE_H + 1.6, NO_W - 1.0, 8.5, Weight::Bold, Align::Center, "番号");
    let titles = |cols: &[(&str, f32)]| cols.iter().map(|(t, _)| t.to_string()).collect::<Vec<_>>();
    cells(s, LEFT + NO_W, y, &FIRST, &titles(&FIRST), Some(0.85), Weight::Bold);
    cells(s, LEFT + NO_W, y + LINE_H, &SECOND, &titles(&SECOND), Some(0.85), Weight::Bold);
    cells(s, LEFT + NO_W, y + 2.0 * LINE_H, &THIRD, &titles(&THIRD), Some(0.85), Weight::Bold);
    y + LINES * LINE_H
}

/// The 進達簿: for each application the person's 宛名番号, name and reading, birth date and
/// 被保険者番号 and the day it was received, then who applied and where the certificate goes,
/// then the 申請理由 and 併記; the count on every page.
pub fn forwarding_register(s: &mut Sheet, r: &ForwardingRegister) {
    let per_page = ((BOTTOM - 43.0 - LINES * LINE_H) / (LINES * LINE_H)).floor() as usize;
    let pages = r.entries.len().div_ceil(per_page).max(1);
    for (page, chunk) in r.entries.chunks(per_page).enumerate() {
        if page > 0 {
            s.new_page();
        }
        let mut y = header(s, r, page + 1, pages);
        for (i, e) in chunk.iter().enumerate() {
            let n = page * per_page + i + 1;
            s.rect(LEFT, y, NO_W, LINES * LINE_H, 0.6);
            s.fit_text(LEFT + 0.5, y + LINE_H + 1.6, NO_W - 1.0, 9.0, Weight::Regular, Align::Center, &n.to_string());
            let first = [e.atena_no.clone(), e.name.clone(), e.kana.clone(), wareki::format(e.birth_date), e.insured_no.clone(), wareki::format(e.received_on)];
            cells(s, LEFT + NO_W, y, &FIRST, &first, None, Weight::Regular);
            cells(s, LEFT + NO_W, y + LINE_H, &SECOND, &[e.applicant.clone(), e.delivery.clone()], None, Weight::Regular);
            let none = |v: &str| if v.is_empty() { "なし".to_string() } else { v.to_string() };
            cells(s, LEFT + NO_W, y + 2.0 * LINE_H, &THIRD, &[none(&e.reasons), none(&e.optional_entries)], None, Weight::Regular);
            s.rect(LEFT, y, WIDTH, LINES * LINE_H, 0.6);
            y += LINES * LINE_H;
        }
        let last = page + 1 == pages;
        let tail = if last { format!("計 {}件", r.entries.len()) } else { "(次のページへ続きます)".to_string() };
        s.fit_text(LEFT, y + 2.5, WIDTH, 10.0, Weight::Bold, Align::Right, &tail);
        s.fit_text(
            LEFT,
            284.0,
            WIDTH,
            7.5,
            Weight::Regular,
            Align::Left,
            "この進達簿には個人番号を記載しません。支援措置の対象者の送付先は、登録された安全な送付先です。",
        );
    }
}
