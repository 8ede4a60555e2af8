//! The notice's handouts: 別添1 (front and back), 別添2 and the 別添3 poster, with the city's
//! own contact block and the notice's source line.

use chrono::NaiveDate;

use super::forms::{contact_block, ContactScope};
use super::layout::{Align, Sheet, Weight};
use crate::leaflet::{Block, BlockKind, Content, Leaflet};
use crate::settings::{CitySettings, DeskContact};
use crate::text::wareki;

const LEFT: f32 = 15.0;
const WIDTH: f32 = 180.0;
const TOP: f32 = 18.0;
/// The text must end above the source line.
const BOTTOM: f32 = 279.0;

/// Draws the blocks from `TOP` at type scale `scale`; the contact block is pushed down by
/// `contact_push` so that it sits at the foot of the page. Returns where the text ended.
fn blocks(s: &mut Sheet, blocks: &[Block], scale: f32, contact_push: f32, city: &CitySettings, contacts: &[DeskContact], scope: ContactScope) -> f32 {
    let mut y = TOP;
    for b in blocks {
        y = match b.kind {
            BlockKind::Banner => {
                let h = 20.0 * scale.min(1.0);
                s.rect(LEFT, y, WIDTH, h, 2.0);
                s.text_box(LEFT + 4.0, y + 2.5, WIDTH - 8.0, h - 5.0, 19.0 * scale, Weight::Bold, &b.text);
                y + h + 5.0
            }
            BlockKind::Lead => y + s.paragraph(LEFT, y, WIDTH, 17.0 * scale, Weight::Bold, &b.text) + 3.0,
            BlockKind::Heading => {
                s.fill_rect(LEFT, y, 2.5, 7.5 * scale, 0.2);
                let used = s.paragraph(LEFT + 5.0, y + 0.5, WIDTH - 5.0, 14.0 * scale, Weight::Bold, &b.text);
                y + used.max(7.5 * scale) + 3.0
            }
            BlockKind::Para => y + s.paragraph(LEFT, y, WIDTH, 12.0 * scale, Weight::Regular, &b.text) + 3.0,
            BlockKind::Note => y + s.paragraph(LEFT, y, WIDTH, 10.5 * scale, Weight::Regular, &b.text) + 3.0,
            BlockKind::Qa => {
                let q = s.paragraph(LEFT, y, WIDTH, 13.0 * scale, Weight::Bold, &format!("Q. {}", b.q));
                let a = s.paragraph(LEFT + 6.0, y + q + 1.0, WIDTH - 6.0, 12.0 * scale, Weight::Regular, &b.a);
                y + q + a + 5.0
            }
            BlockKind::Bullets | BlockKind::Steps => {
                let mut yy = y;
                for (i, item) in b.items.iter().enumerate() {
                    let mark = if b.kind == BlockKind::Steps { format!("{}.", i + 1) } else { "・".to_string() };
                    s.text(LEFT + 2.0, yy, 12.0 * scale, Weight::Bold, &mark);
                    yy += s.paragraph(LEFT + 9.0, yy, WIDTH - 9.0, 12.0 * scale, Weight::Regular, item) + 1.5;
                }
                yy + 3.0
            }
            BlockKind::Contact => contact_block(s, y + contact_push, city, contacts, scope) + 4.0,
        };
    }
    y
}

/// Draws one page of a handout, with the largest type that fits the page. The head names
/// the city and the date whose facts the sheet states; nothing on it is an internal label (no
/// 別添 number, side or edition code), since residents read it.
pub fn page(s: &mut Sheet, c: &Content, page: &[Block], city: &CitySettings, contacts: &[DeskContact], as_of: NaiveDate) {
    s.fit_text(LEFT, 10.0, WIDTH, 9.0, Weight::Regular, Align::Right, &format!("{} ({}現在)", city.city_name, wareki::format(as_of)));
    // The poster is read from a distance: it starts from larger type.
    let mut scale = if c.leaflet == Leaflet::Bessou3 { 1.2 } else { 1.05 };
    // 別添2 asks nothing to be applied for: its box is for questions only.
    let scope = if c.leaflet == Leaflet::Bessou2 { ContactScope::Inquire } else { ContactScope::Apply };
    s.measuring = true;
    let mut end = blocks(s, page, scale, 0.0, city, contacts, scope);
    while end > BOTTOM && scale > 0.6 {
        scale -= 0.05;
        end = blocks(s, page, scale, 0.0, city, contacts, scope);
    }
    s.measuring = false;
    let has_contact = page.iter().any(|b| b.kind == BlockKind::Contact);
    let push = if has_contact { (BOTTOM - end).max(0.0) } else { 0.0 };
    blocks(s, page, scale, push, city, contacts, scope);
    s.fit_text(LEFT, 284.0, WIDTH, 7.5, Weight::Regular, Align::Left, &c.source);
}
