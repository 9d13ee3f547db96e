//! Setting the report's text blocks: inline `**bold**` spans, then the shared text path
//! (`crate::text`: shaping, fallback faces, bidi, line breaking) with the block's alignment,
//! leading and the CSS-like line boxes the page layout expects. Characters no font has become
//! a visible replacement and are reported, so a name in an unsupported script never fails a
//! report.

pub use crate::text::{Align, Missing};

use crate::fonts::{FontId, FontSet};
use crate::page::{Color, Item};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// How to set a block of text.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub font: FontId,
    pub bold: FontId,
    pub size: f32,
    pub leading: f32,
    pub color: Color,
    pub align: Align,
}

/// The result of setting a block: positioned runs relative to (0, 0) = top-left of the block.
#[derive(Debug, Clone, Default)]
pub struct SetText {
    pub items: Vec<Item>,
    pub height: f32,
    /// Width of the widest line.
    pub width: f32,
}

impl SetText {
    /// The same runs moved by (dx, dy).
    pub fn placed(self, dx: f32, dy: f32) -> Vec<Item> {
        self.items
            .into_iter()
            .map(|mut it| {
                if let Item::Text(t) = &mut it {
                    t.x += dx;
                    t.y += dy;
                }
                it
            })
            .collect()
    }
}

/// Splits `**bold**` markup into (text, bold) spans; a `*` the reader typed (escaped, see
/// `markup::escape`) is put back only now, so it never toggles bold.
fn spans(text: &str) -> Vec<(std::borrow::Cow<'_, str>, bool)> {
    let mut out = Vec::new();
    let mut bold = false;
    for (i, part) in text.split("**").enumerate() {
        if i > 0 {
            bold = !bold;
        }
        if !part.is_empty() {
            out.push((super::markup::unescape_star(part), bold));
        }
    }
    out
}

/// Sets `text` into lines at most `width` wide. Heights use `size × leading` per line.
pub fn set(
    text: &str,
    width: f32,
    style: &TextStyle,
    fonts: &FontSet,
    missing: &mut Missing,
) -> SetText {
    let spans = spans(text);
    let spans: Vec<(&str, FontId)> = spans
        .iter()
        .map(|(t, bold)| (&**t, if *bold { style.bold } else { style.font }))
        .collect();
    let lines = crate::text::lines(
        &spans,
        style.size,
        style.color,
        width,
        style.align,
        fonts,
        missing,
    );
    let line_h = style.size * style.leading;
    let ascent = fonts.get(style.font).ascender() * style.size;
    let mut out = SetText {
        items: Vec::with_capacity(lines.iter().map(|l| l.runs.len()).sum()),
        height: lines.len() as f32 * line_h,
        width: 0.0,
    };
    for (i, line) in lines.iter().enumerate() {
        out.width = out.width.max(line.width);
        // Baselines sit so the first line's ascent starts at the block top, with half the
        // leading's extra space above, like CSS line boxes.
        let baseline = i as f32 * line_h + (line_h - style.size) / 2.0 + ascent.min(style.size);
        for r in &line.runs {
            let mut r = r.clone();
            r.y = baseline;
            Item::push_text(&mut out.items, r);
        }
    }
    out
}

/// Blocks set while a page measures what follows a growing chart or a foot block: the same
/// text is set again where it is placed, and setting text is the layout's largest cost.
#[derive(Default)]
pub struct Measured(RefCell<FxHashMap<SetKey, (SetText, BTreeSet<char>)>>);

#[derive(PartialEq, Eq, Hash)]
struct SetKey {
    text: Box<str>,
    /// `f32` bits: the same block is always set at exactly the same width.
    width: u32,
    size: u32,
    leading: u32,
    font: FontId,
    bold: FontId,
    color: Color,
    align: Align,
}

impl SetKey {
    fn new(text: &str, width: f32, style: &TextStyle) -> SetKey {
        SetKey {
            text: text.into(),
            width: width.to_bits(),
            size: style.size.to_bits(),
            leading: style.leading.to_bits(),
            font: style.font,
            bold: style.bold,
            color: style.color,
            align: style.align,
        }
    }
}

impl Measured {
    /// `set`, for a measuring pass: only the height and width are of use, and the full
    /// result is kept for the pass that places it.
    pub fn measure(&self, text: &str, width: f32, style: &TextStyle, fonts: &FontSet) -> SetText {
        let key = SetKey::new(text, width, style);
        let mut cache = self.0.borrow_mut();
        let (set, _) = cache.entry(key).or_insert_with(|| {
            let mut missing = Missing::default();
            let set = set(text, width, style, fonts, &mut missing);
            (set, missing.0)
        });
        SetText {
            items: Vec::new(),
            height: set.height,
            width: set.width,
        }
    }

    /// `set`, for the pass that places the text: what a measuring pass set is taken, not set
    /// again, and its missing characters are reported as if set here.
    pub fn place(
        &self,
        text: &str,
        width: f32,
        style: &TextStyle,
        fonts: &FontSet,
        missing: &mut Missing,
    ) -> SetText {
        // Most pages measure nothing: no key is made (a copy of the text) to find nothing.
        let taken = {
            let mut cache = self.0.borrow_mut();
            (!cache.is_empty())
                .then(|| cache.remove(&SetKey::new(text, width, style)))
                .flatten()
        };
        match taken {
            Some((set, lacking)) => {
                missing.0.extend(lacking);
                set
            }
            None => set(text, width, style, fonts, missing),
        }
    }
}

/// `text` as one line in `font` whose baseline starts at (x, y): its runs and its width.
#[allow(clippy::too_many_arguments)]
pub fn line_at(
    text: &str,
    x: f32,
    y: f32,
    font: FontId,
    size: f32,
    color: Color,
    fonts: &FontSet,
    missing: &mut Missing,
) -> (Vec<Item>, f32) {
    let line = crate::text::line(text, font, size, color, fonts, missing);
    let width = line.width;
    (line.placed(x, y), width)
}

/// Shrinks `text` to fit one line of `width`: first the size down to `min_size` (in quarter
/// points), then an ellipsis, cut between grapheme clusters. Returns the text to draw and its
/// size.
pub fn fit_line(
    text: &str,
    width: f32,
    font: FontId,
    size: f32,
    min_size: f32,
    fonts: &FontSet,
) -> (String, f32) {
    use unicode_segmentation::UnicodeSegmentation;
    // Width grows with size exactly, so one measurement finds the size.
    let unit = crate::text::width(text, font, 1.0, fonts);
    let mut s = size;
    while s > min_size && unit * s > width {
        s = (s - 0.25).max(min_size);
    }
    if unit * s <= width {
        return (text.to_string(), s);
    }
    let mut graphemes: Vec<&str> = text.graphemes(true).collect();
    while !graphemes.is_empty() {
        graphemes.pop();
        let kept: String = graphemes.concat();
        let candidate = kept.trim_end().to_string() + "…";
        if crate::text::width(&candidate, font, s, fonts) <= width {
            // Cut at a word boundary when that keeps most of the text: "Maria de la…" reads
            // better than "Maria de la Sant…".
            if let Some(space) = kept.trim_end().rfind(' ') {
                if space * 3 >= kept.len() * 2 {
                    return (kept[..space].trim_end().to_string() + "…", s);
                }
            }
            return (candidate, s);
        }
    }
    ("…".into(), s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::REPLACEMENT;
    use crate::page::{Color, TextRun};

    fn style(align: Align) -> TextStyle {
        TextStyle {
            font: FontId::REGULAR,
            bold: FontId::BOLD,
            size: 10.0,
            leading: 1.4,
            color: Color::rgb(0, 0, 0),
            align,
        }
    }

    fn runs(s: &SetText) -> Vec<&TextRun> {
        s.items
            .iter()
            .filter_map(|i| if let Item::Text(t) = i { Some(t) } else { None })
            .collect()
    }

    #[test]
    fn lines_never_exceed_the_width_and_justified_lines_fill_it() {
        let fonts = FontSet::builtin();
        let text = "Your score reflects the tasks you do every week, the tools you already use and the experience you bring to a team that is changing fast.";
        let mut missing = Missing::default();
        let set = set(text, 180.0, &style(Align::Justify), &fonts, &mut missing);
        assert!(set.height >= 3.0 * 14.0 - 0.01, "three lines or more");
        assert!(set.width <= 180.0 + 0.01);
        let first = runs(&set)[0];
        assert_eq!(first.x, 0.0);
        // The space the line broke at stays as an invisible last glyph, past the edge.
        assert!(first.text.ends_with(' '), "{:?}", first.text);
        let drawn = first.width() - first.glyphs.last().unwrap().advance;
        assert!(
            (first.x + drawn - 180.0).abs() < 0.01,
            "the first of several lines is justified to the full width"
        );
        let last = runs(&set).last().copied().unwrap();
        assert!(last.width() < 170.0, "the last line is ragged");
        assert!(missing.0.is_empty());
    }

    #[test]
    fn bold_spans_use_the_bold_face_and_missing_characters_are_reported() {
        let fonts = FontSet::builtin();
        let mut missing = Missing::default();
        let set = set(
            "Score **35** for 李雷 ⵣⵉ",
            400.0,
            &style(Align::Left),
            &fonts,
            &mut missing,
        );
        let r = runs(&set);
        assert!(r.iter().any(|t| t.font == FontId::BOLD && &*t.text == "35"));
        assert_eq!(missing.0.iter().collect::<String>(), "ⵉⵣ");
        assert!(r.iter().any(|t| t.text.contains("李雷")), "Han has a face");
        assert!(r.iter().any(|t| t.text.contains(REPLACEMENT)));
    }

    #[test]
    fn long_names_are_fitted() {
        let fonts = FontSet::builtin();
        let name = "Maximiliana Alexandrina Konstantynopolitańczykiewiczówna-Brzęczyszczykiewicz";
        let (text, size) = fit_line(name, 150.0, FontId::BOLD, 12.0, 8.0, &fonts);
        assert!(crate::text::width(&text, FontId::BOLD, size, &fonts) <= 150.0);
        assert!(text.ends_with('…'));
        assert_eq!(size, 8.0);
    }
}
