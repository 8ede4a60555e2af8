//! The faces forms are printed in, and which characters they can draw: BIZ UD Gothic, bundled,
//! with Noto Sans CJK JP from the system for what it lacks. Validation asks here, so that a text
//! field never accepts what a form could not print.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::OnceLock;

use printpdf::{Codepoint, ParsedFont};

/// BIZ UD Gothic (Morisawa, SIL OFL 1.1; see assets/fonts/OFL.txt): a universal-design face that
/// elderly and low-vision readers find easy to read.
const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/BIZUDGothic-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/BIZUDGothic-Bold.ttf");

const PT_TO_MM: f32 = 25.4 / 72.0;

/// A slot of the glyph table not yet looked up. No glyph has this id: a font has at most 65,535
/// glyphs, numbered from 0.
const UNKNOWN: u16 = u16::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

pub(crate) struct Face {
    pdf: OnceLock<ParsedFont>,
    bytes: &'static [u8],
    index: u32,
    metrics: ttf_parser::Face<'static>,
    upem: f32,
    pub(crate) ascender: f32,
    /// Glyph id of every Basic Multilingual Plane character (0: none), each looked up on its
    /// first use and kept; the font's own cmap search is the slowest step of a 1,000-resident
    /// batch otherwise. Filling all 65,536 slots up front cost every command that prints or
    /// checks a name about 17 ms, for the few hundred characters it meets. Empty for the
    /// fallback face, which is asked only about the few characters the main face lacks.
    bmp: Vec<AtomicU16>,
}

impl Face {
    fn load(bytes: &'static [u8], index: u32, table: bool) -> Option<Face> {
        let metrics = ttf_parser::Face::parse(bytes, index).ok()?;
        let upem = metrics.units_per_em() as f32;
        let ascender = metrics.ascender() as f32 / upem;
        let bmp = if table { (0..0x10000).map(|_| AtomicU16::new(UNKNOWN)).collect() } else { Vec::new() };
        Some(Face { pdf: OnceLock::new(), bytes, index, metrics, upem, ascender, bmp })
    }

    /// The face as printpdf embeds it, parsed on first use: the fallback face is large (a whole
    /// CJK collection) and most documents never need it.
    pub(crate) fn pdf(&self) -> &ParsedFont {
        self.pdf.get_or_init(|| ParsedFont::from_bytes(self.bytes, self.index as usize, &mut Vec::new()).expect("a face ttf-parser read parses for PDF"))
    }

    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        let Some(slot) = self.bmp.get(c as usize) else { return self.metrics.glyph_index(c).map(|g| g.0) };
        // Threads that look the same character up at once store the same id, so the slot
        // needs no ordering with anything else.
        let g = match slot.load(Ordering::Relaxed) {
            UNKNOWN => {
                let g = self.metrics.glyph_index(c).map_or(0, |g| g.0);
                slot.store(g, Ordering::Relaxed);
                g
            }
            g => g,
        };
        (g != 0).then_some(g)
    }

    fn advance_of(&self, gid: u16) -> f32 {
        self.metrics.glyph_hor_advance(ttf_parser::GlyphId(gid)).map(|a| a as f32 / self.upem).unwrap_or(1.0)
    }
}

/// Which face draws a character: the main face, or the fallback for what the main face lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Main,
    Fallback,
}

pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

/// Where the fallback face is looked for: `HAIRYO_FALLBACK_FONT` first (a build machine or a
/// Windows PC names its copy), then Debian's fonts-noto-cjk.
fn fallback_paths(bold: bool) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let var = if bold { "HAIRYO_FALLBACK_FONT_BOLD" } else { "HAIRYO_FALLBACK_FONT" };
    if let Some(p) = std::env::var_os(var) {
        out.push(p.into());
    }
    let name = if bold { "NotoSansCJK-Bold.ttc" } else { "NotoSansCJK-Regular.ttc" };
    out.push(std::path::Path::new("/usr/share/fonts/opentype/noto").join(name));
    out
}

/// The Japanese face of a font file: in a collection, the face whose family is Noto Sans CJK JP
/// (the Japanese glyph forms of shared ideographs), otherwise the file's only face.
fn japanese_face(bytes: &'static [u8]) -> Option<Face> {
    let count = ttf_parser::fonts_in_collection(bytes).unwrap_or(1);
    let is_japanese = |i: u32| {
        ttf_parser::Face::parse(bytes, i).ok().is_some_and(|f| {
            f.names()
                .into_iter()
                .any(|n| n.name_id == ttf_parser::name_id::FAMILY && n.to_string().is_some_and(|s| s.contains("CJK JP") && !s.contains("Mono")))
        })
    };
    let index = if count > 1 { (0..count).find(|&i| is_japanese(i))? } else { 0 };
    Face::load(bytes, index, false)
}

fn load_fallback(bold: bool) -> Option<Face> {
    fallback_paths(bold).into_iter().find_map(|path| {
        let bytes = std::fs::read(path).ok()?;
        // Read once per process and kept for its life, like the bundled faces.
        japanese_face(Box::leak(bytes.into_boxed_slice()))
    })
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Face::load(REGULAR_TTF, 0, true).expect("the bundled font parses"),
        bold: Face::load(BOLD_TTF, 0, true).expect("the bundled font parses"),
    })
}

/// Noto Sans CJK JP (SIL OFL 1.1, Debian's fonts-noto-cjk), for characters BIZ UD Gothic lacks:
/// 𠮷 (U+20BB7) and other JIS X 0213 and extension-B characters common in names. It is read from
/// the system rather than bundled because the collection is 19 MB, and only when a character
/// needs it, so saving and printing ordinary text never read it. Where it is absent those
/// characters are refused at save time instead (see [`missing_glyphs`]).
fn fallback(weight: Weight) -> Option<&'static Face> {
    static REGULAR: OnceLock<Option<Face>> = OnceLock::new();
    static BOLD: OnceLock<Option<Face>> = OnceLock::new();
    match weight {
        Weight::Regular => REGULAR.get_or_init(|| load_fallback(false)).as_ref(),
        // Without the bold file, bold text's rare characters print in the regular face.
        Weight::Bold => BOLD.get_or_init(|| load_fallback(true)).as_ref().or_else(|| fallback(Weight::Regular)),
    }
}

pub(crate) fn face(w: Weight, source: Source) -> &'static Face {
    let f = fonts();
    match (w, source) {
        (Weight::Regular, Source::Main) => &f.regular,
        (Weight::Bold, Source::Main) => &f.bold,
        (Weight::Regular, Source::Fallback) => fallback(w).unwrap_or(&f.regular),
        (Weight::Bold, Source::Fallback) => fallback(w).unwrap_or(&f.bold),
    }
}

/// The face that draws `c` and its glyph there; `None` when no face has it.
fn glyph_of(weight: Weight, c: char) -> Option<(Source, u16)> {
    if let Some(g) = face(weight, Source::Main).glyph(c) {
        return Some((Source::Main, g));
    }
    fallback(weight)?.glyph(c).map(|g| (Source::Fallback, g))
}

/// Advance of `c` in ems; a character no face has measures as one em (it is refused before
/// printing anyway, see [`missing_glyphs`]).
fn advance(weight: Weight, c: char) -> f32 {
    match glyph_of(weight, c) {
        Some((source, g)) => face(weight, source).advance_of(g),
        None => 1.0,
    }
}

/// Width of `text` in millimetres at `size` points.
pub fn width_mm(text: &str, size: f32, weight: Weight) -> f32 {
    text.chars().map(|c| advance(weight, c)).sum::<f32>() * size * PT_TO_MM
}

/// The runs of `s` by the face that draws them, each glyph carrying its character for the PDF's
/// ToUnicode map (so pdftotext and copy-paste read the text back). Mapping characters here with
/// ttf-parser's indexed cmap is far faster than letting printpdf look each one up at save time,
/// which dominated batch printing.
pub(crate) fn runs(weight: Weight, s: &str) -> Vec<(Source, Vec<Codepoint>)> {
    let mut out: Vec<(Source, Vec<Codepoint>)> = Vec::new();
    let chars = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        let Some((source, gid)) = glyph_of(weight, c) else { continue };
        let cp = Codepoint { gid, offset: 0.0, cid: Some(c.to_string()) };
        match out.last_mut() {
            Some((last, glyphs)) if *last == source => glyphs.push(cp),
            _ => {
                // A run nearly always lasts to the end of the text: room for the rest of it
                // saves growing the vector glyph by glyph, and the pages keep these vectors
                // until the document is saved, so doubling's spare room would be kept too.
                let mut glyphs = Vec::with_capacity(chars - i);
                glyphs.push(cp);
                out.push((source, glyphs));
            }
        }
    }
    out
}

/// Characters of `text` that would print as empty boxes: code points neither the main face nor
/// the fallback has a glyph for, and private-use code points (外字) whatever a font says.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control())
        .filter(|&c| {
            let private = matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
            // The regular and bold faces of each family cover the same characters, so asking
            // the regular ones is enough (and reads no bold file).
            private || glyph_of(Weight::Regular, c).is_none()
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(*c));
    out
}

/// Whether the fallback face was found, for `hairyo` diagnostics and the tests.
pub fn has_fallback_face() -> bool {
    fallback(Weight::Regular).is_some()
}
