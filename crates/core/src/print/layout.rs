//! A small layout layer over printpdf: a millimetre grid with a top-left origin, text measured
//! from the font's advances, Japanese line breaking with kinsoku, shrink-to-fit, ruled boxes and
//! checkboxes drawn as shapes.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem,
    TextMatrix, WindingOrder,
};

use crate::fonts::{face, runs, Source};
pub use crate::fonts::{has_fallback_face, missing_glyphs, width_mm, Weight};

pub const A4_W: f32 = 210.0;
pub const A4_H: f32 = 297.0;
const PT_TO_MM: f32 = 25.4 / 72.0;

/// Characters that must not begin a line (行頭禁則).
const NO_START: &str = "、。，．,.・：；？！!?)）」』】〕〉》］｝ー―～ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞヽヾ％%";
/// Characters that must not end a line (行末禁則).
const NO_END: &str = "「『（(【〔〈《［｛";

fn units(text: &str) -> Vec<String> {
    // Runs of ASCII letters and digits stay together (a phone number, a URL); every other
    // character is its own unit, because Japanese breaks between any two characters.
    let mut out: Vec<String> = Vec::new();
    for c in text.chars() {
        let ascii_word = c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | ':' | '.' | '@' | '_');
        match out.last_mut() {
            Some(last) if ascii_word && last.chars().last().is_some_and(|l| l.is_ascii_alphanumeric() || matches!(l, '-' | '/' | ':' | '.' | '@' | '_')) => {
                last.push(c)
            }
            _ => out.push(c.to_string()),
        }
    }
    out
}

/// Breaks `text` into lines no wider than `width` mm, with kinsoku: no line starts with 、。」ー
/// or small kana, none ends with 「（. Explicit newlines are kept.
pub fn wrap(text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line: Vec<String> = Vec::new();
        let mut w = 0.0;
        for unit in units(para) {
            let uw = width_mm(&unit, size, weight);
            if w + uw > width + 0.01 && !line.is_empty() {
                let mut carry: Vec<String> = Vec::new();
                let starts_bad = |carry: &[String], unit: &str| {
                    let first = carry.first().map(String::as_str).unwrap_or(unit);
                    first.chars().next().is_some_and(|c| NO_START.contains(c))
                };
                while starts_bad(&carry, &unit) && line.len() > 1 {
                    carry.insert(0, line.pop().expect("line has more than one unit"));
                }
                while line.last().and_then(|u| u.chars().last()).is_some_and(|c| NO_END.contains(c)) && line.len() > 1 {
                    carry.insert(0, line.pop().expect("line has more than one unit"));
                }
                lines.push(line.concat().trim_end().to_string());
                line = carry.into_iter().skip_while(|u| u == " ").collect();
                w = line.iter().map(|u| width_mm(u, size, weight)).sum();
                if line.is_empty() && unit == " " {
                    continue;
                }
            }
            w += uw;
            line.push(unit);
        }
        lines.push(line.concat().trim_end().to_string());
    }
    lines
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One PDF being drawn: pages of operations in millimetres from the top-left corner.
pub struct Sheet {
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    /// The fallback faces, added to the document only when a character needs them.
    fallback_regular: Option<FontId>,
    fallback_bold: Option<FontId>,
    pages: Vec<PdfPage>,
    /// The current page's rules, boxes and fills, drawn first.
    gfx: Vec<Op>,
    /// The current page's text, drawn over the graphics in one text section.
    txt: Vec<Op>,
    /// The face and size last set in `txt`, so it is set again only when it changes.
    txt_font: Option<(Weight, Source, f32)>,
    /// The stroke width last set in `gfx`.
    gfx_width: Option<f32>,
    /// Text that did not fit its box even at the smallest size; reported to the caller.
    pub overflow: Vec<String>,
    /// Characters the font lacks, with the text they were in; the document is refused.
    pub missing: Vec<(char, String)>,
    /// While true, drawing only measures: nothing is added to the page.
    pub measuring: bool,
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

fn point(x: f32, y: f32) -> Point {
    Point { x: pt(x), y: pt(A4_H - y) }
}

impl Sheet {
    pub fn new(title: &str) -> Sheet {
        let mut doc = PdfDocument::new(title);
        let regular = doc.add_font(face(Weight::Regular, Source::Main).pdf());
        let bold = doc.add_font(face(Weight::Bold, Source::Main).pdf());
        Sheet {
            doc,
            regular,
            bold,
            fallback_regular: None,
            fallback_bold: None,
            pages: Vec::new(),
            gfx: Vec::new(),
            txt: Vec::new(),
            txt_font: None,
            gfx_width: None,
            overflow: Vec::new(),
            missing: Vec::new(),
            measuring: false,
        }
    }

    /// Ends the current page (if it has anything) and starts a new one.
    pub fn new_page(&mut self) {
        if self.gfx.is_empty() && self.txt.is_empty() {
            return;
        }
        let black = Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None));
        let mut ops = Vec::with_capacity(self.gfx.len() + self.txt.len() + 4);
        ops.push(Op::SetOutlineColor { col: black.clone() });
        ops.append(&mut self.gfx);
        if !self.txt.is_empty() {
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFillColor { col: black });
            ops.append(&mut self.txt);
            ops.push(Op::EndTextSection);
        }
        self.txt_font = None;
        self.gfx_width = None;
        self.pages.push(PdfPage::new(Mm(A4_W), Mm(A4_H), ops));
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + usize::from(!(self.gfx.is_empty() && self.txt.is_empty()))
    }

    /// Draws one line of text whose top is at `y`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, s: &str) {
        if s.is_empty() || self.measuring {
            return;
        }
        for c in missing_glyphs(s) {
            if !self.missing.iter().any(|(m, _)| *m == c) {
                self.missing.push((c, s.to_string()));
            }
        }
        let baseline = y + face(weight, Source::Main).ascender * size * PT_TO_MM;
        let mut first = true;
        for (source, glyphs) in runs(weight, s) {
            if self.txt_font != Some((weight, source, size)) {
                let font = self.font_id(weight, source);
                self.txt.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) });
                self.txt_font = Some((weight, source, size));
            }
            // Tm places the line's first run absolutely (Td would move relative to the previous
            // line); each later run follows where the one before it ended.
            if first {
                self.txt.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(pt(x), pt(A4_H - baseline)) });
                first = false;
            }
            self.txt.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
        }
    }

    /// The document's font for a face, adding a fallback face on its first use.
    fn font_id(&mut self, weight: Weight, source: Source) -> FontId {
        match (weight, source) {
            (Weight::Regular, Source::Main) => self.regular.clone(),
            (Weight::Bold, Source::Main) => self.bold.clone(),
            (Weight::Regular, Source::Fallback) => {
                let doc = &mut self.doc;
                self.fallback_regular.get_or_insert_with(|| doc.add_font(face(Weight::Regular, Source::Fallback).pdf())).clone()
            }
            (Weight::Bold, Source::Fallback) => {
                let doc = &mut self.doc;
                self.fallback_bold.get_or_insert_with(|| doc.add_font(face(Weight::Bold, Source::Fallback).pdf())).clone()
            }
        }
    }

    /// One line aligned within `[x, x + w]`, shrunk until it fits (never below 5 pt).
    // A drawing primitive takes its box (x, y, w, h in mm) and its style as plain numbers, like
    // the PDF operators it writes; grouping them would only add a type per call site.
    #[allow(clippy::too_many_arguments)]
    pub fn fit_text(&mut self, x: f32, y: f32, w: f32, size: f32, weight: Weight, align: Align, s: &str) {
        let mut size = size;
        while size > 5.0 && width_mm(s, size, weight) > w {
            size -= 0.5;
        }
        let tw = width_mm(s, size, weight);
        if tw > w + 0.5 && !self.measuring {
            self.overflow.push(s.to_string());
        }
        let x0 = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text(x0, y, size, weight, s);
    }

    /// Wrapped text from `y` down, `line_gap` times the size apart; returns the height used.
    pub fn paragraph(&mut self, x: f32, y: f32, w: f32, size: f32, weight: Weight, s: &str) -> f32 {
        let lh = size * PT_TO_MM * 1.5;
        let lines = wrap(s, w, size, weight);
        for (i, l) in lines.iter().enumerate() {
            self.text(x, y + i as f32 * lh, size, weight, l);
        }
        lines.len() as f32 * lh
    }

    /// Wrapped text inside a box, shrunk until every line fits its width and height.
    // A drawing primitive takes its box (x, y, w, h in mm) and its style as plain numbers, like
    // the PDF operators it writes; grouping them would only add a type per call site.
    #[allow(clippy::too_many_arguments)]
    pub fn text_box(&mut self, x: f32, y: f32, w: f32, h: f32, size: f32, weight: Weight, s: &str) {
        let mut size = size;
        loop {
            let lh = size * PT_TO_MM * 1.35;
            let lines = wrap(s, w, size, weight);
            let fits = lines.len() as f32 * lh <= h + 0.01 && lines.iter().all(|l| width_mm(l, size, weight) <= w + 0.01);
            if fits || size <= 5.0 {
                if !fits && !self.measuring {
                    self.overflow.push(s.to_string());
                }
                // A single line in a cell-sized box is centred vertically; text in a large
                // box starts at its top, like handwriting would.
                let top = if lines.len() == 1 && h < lh * 2.5 { y + (h - lh) / 2.0 + (lh - size * PT_TO_MM) / 2.0 } else { y };
                for (i, l) in lines.iter().enumerate() {
                    self.text(x, top + i as f32 * lh, size, weight, l);
                }
                return;
            }
            size -= 0.5;
        }
    }

    fn stroke_path(&mut self, pts: &[(f32, f32)], closed: bool, thickness: f32) {
        if self.measuring {
            return;
        }
        if self.gfx_width != Some(thickness) {
            self.gfx.push(Op::SetOutlineThickness { pt: Pt(thickness) });
            self.gfx_width = Some(thickness);
        }
        self.gfx
            .push(Op::DrawLine { line: Line { points: pts.iter().map(|&(x, y)| LinePoint { p: point(x, y), bezier: false }).collect(), is_closed: closed } });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        self.stroke_path(&[(x1, y1), (x2, y2)], false, thickness);
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32) {
        self.stroke_path(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], true, thickness);
    }

    /// A filled rectangle in a grey level (0 black, 1 white).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        if self.measuring {
            return;
        }
        let ring = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
        self.gfx.extend([
            Op::SetFillColor { col: Color::Rgb(Rgb::new(gray, gray, gray, None)) },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing { points: ring.iter().map(|&(px, py)| LinePoint { p: point(px, py), bezier: false }).collect() }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    /// A square checkbox with its top-left at (x, y); a tick drawn as two strokes when checked
    /// (☑ is not in the font).
    pub fn checkbox(&mut self, x: f32, y: f32, size: f32, checked: bool) {
        self.rect(x, y, size, size, 0.8);
        if checked {
            self.stroke_path(&[(x + size * 0.2, y + size * 0.5), (x + size * 0.42, y + size * 0.78), (x + size * 0.82, y + size * 0.18)], false, 1.4);
        }
    }

    /// A labelled checkbox; returns the x after the label.
    pub fn check_label(&mut self, x: f32, y: f32, size: f32, checked: bool, label: &str) -> f32 {
        let box_mm = size * PT_TO_MM * 0.95;
        self.checkbox(x, y + 0.2, box_mm, checked);
        self.text(x + box_mm + 1.2, y, size, Weight::Regular, label);
        x + box_mm + 1.2 + width_mm(label, size, Weight::Regular) + 4.0
    }

    /// Finishes the document; fonts are subset to the glyphs used.
    pub fn finish(mut self) -> Vec<u8> {
        self.new_page();
        // printpdf would compress every stream at zlib's best level, which is most of the time
        // of a 1,000-resident batch; the fast level makes files a few per cent larger at a
        // fraction of the cost, and the streams are compressed on both cores.
        let opts = PdfSaveOptions { subset_fonts: true, optimize: false, ..Default::default() };
        let mut warnings = Vec::new();
        let mut doc = self.doc.with_pages(std::mem::take(&mut self.pages)).to_lopdf_document(&opts, &mut warnings);
        let mut streams: Vec<&mut lopdf::Stream> = doc.objects.values_mut().filter_map(|o| o.as_stream_mut().ok()).collect();
        let per_thread = streams.len().div_ceil(2).max(1);
        std::thread::scope(|scope| {
            for chunk in streams.chunks_mut(per_thread) {
                scope.spawn(move || chunk.iter_mut().for_each(|s| compress_fast(s)));
            }
        });
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = doc.save_to(&mut out);
        out
    }
}

fn compress_fast(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if stream.dict.get(b"Filter").is_ok() || stream.content.len() < 64 {
        return;
    }
    // Embedded font programs (they carry Length1) appear once per document: those get the best
    // level, which keeps a single form well under 60 KB.
    let level = if stream.dict.get(b"Length1").is_ok() { flate2::Compression::best() } else { flate2::Compression::fast() };
    let mut enc = flate2::write::ZlibEncoder::new(Vec::with_capacity(stream.content.len() / 3), level);
    if enc.write_all(&stream.content).is_err() {
        return;
    }
    if let Ok(compressed) = enc.finish() {
        if compressed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinsoku_keeps_punctuation_off_line_starts() {
        // Width for exactly five full-width characters at 10 pt.
        let w = width_mm("あいうえお", 10.0, Weight::Regular);
        let lines = wrap("あいうえお。かきくけこ", w, 10.0, Weight::Regular);
        assert!(lines.iter().all(|l| !l.starts_with('。')), "{lines:?}");
        assert_eq!(lines.concat(), "あいうえお。かきくけこ");
        let lines = wrap("あいうえ「かきくけこ」", w, 10.0, Weight::Regular);
        assert!(lines.iter().all(|l| !l.ends_with('「')), "{lines:?}");
        let lines = wrap("あいうえおっと", w, 10.0, Weight::Regular);
        assert!(lines.iter().all(|l| !l.starts_with('っ')), "{lines:?}");
        let lines = wrap("電話 0120-000-101 まで", width_mm("電話 0120-0", 10.0, Weight::Regular), 10.0, Weight::Regular);
        assert!(lines.iter().any(|l| l.contains("0120-000-101")), "{lines:?}");
    }

    #[test]
    fn private_use_and_unknown_characters_are_reported() {
        assert_eq!(missing_glyphs("山田\u{E000}太郎"), vec!['\u{E000}']);
        assert!(missing_glyphs("髙橋 﨑 令和").is_empty());
    }

    #[test]
    fn a_character_the_main_face_lacks_prints_from_the_fallback() {
        // The test command installs fonts-noto-cjk; without it this check would be meaningless.
        assert!(has_fallback_face(), "Noto Sans CJK JP (fonts-noto-cjk) is not installed");
        assert!(face(Weight::Regular, Source::Main).glyph('\u{20BB7}').is_none(), "BIZ UD Gothic now has 𠮷; pick another test character");
        assert!(missing_glyphs("𠮷田\u{3000}太郎").is_empty());
        let mut sheet = Sheet::new("fallback");
        sheet.text(20.0, 20.0, 12.0, Weight::Regular, "氏名 𠮷田\u{3000}太郎 様");
        sheet.text(20.0, 40.0, 12.0, Weight::Bold, "𠮷野");
        assert!(sheet.missing.is_empty());
        assert!(sheet.fallback_regular.is_some() && sheet.fallback_bold.is_some());
        let mut plain = Sheet::new("plain");
        plain.text(20.0, 20.0, 12.0, Weight::Regular, "吉田 太郎");
        assert!(plain.fallback_regular.is_none(), "a document without such characters embeds only BIZ UD Gothic");
        let pdf = sheet.finish();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("𠮷田"), "{text}");
        assert!(text.contains("太郎"), "{text}");
        assert!(text.contains("𠮷野"), "{text}");
        let fonts = std::process::Command::new("pdffonts").arg(&path).output().unwrap();
        let fonts = String::from_utf8(fonts.stdout).unwrap();
        assert!(fonts.contains("NotoSansCJK"), "{fonts}");
        // Subset: the fallback adds a few kilobytes, not the 19 MB collection.
        assert!(pdf.len() < 200_000, "{} bytes", pdf.len());
    }
}
