//! Setting text: inline `**bold**`, line breaking on the fonts' real advances, justification,
//! and per-character font fallback. Characters no font has become a visible replacement and are
//! reported, so a name in an unsupported script never fails a report.

use crate::fonts::{FontId, FontSet, REPLACEMENT};
use crate::page::{Color, Item, TextRun};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Justify,
    Right,
}

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

/// A piece of a word in one font.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    font: FontId,
    width: f32,
}

#[derive(Debug, Clone, Default)]
struct Word {
    pieces: Vec<Piece>,
    width: f32,
}

/// Collects what setting text had to replace, for the run's warnings.
#[derive(Debug, Default)]
pub struct Missing(pub BTreeSet<char>);

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

fn words(text: &str, style: &TextStyle, fonts: &FontSet, missing: &mut Missing) -> Vec<Word> {
    let mut words: Vec<Word> = vec![Word::default()];
    for (span, bold) in spans(text) {
        let span: &str = &span;
        let preferred = if bold { style.bold } else { style.font };
        for ch in span.chars() {
            if ch.is_whitespace() {
                if !words.last().is_some_and(|w| w.pieces.is_empty()) {
                    words.push(Word::default());
                }
                continue;
            }
            let ch = fonts.substitute(preferred, ch);
            let (font, ch) = match fonts.font_for(preferred, ch) {
                Some(f) => (f, ch),
                None => {
                    missing.0.insert(ch);
                    (
                        if fonts.get(preferred).has(REPLACEMENT) {
                            preferred
                        } else {
                            FontId::REGULAR
                        },
                        REPLACEMENT,
                    )
                }
            };
            let adv = fonts.get(font).advance(ch).unwrap_or(0.5) * style.size;
            let word = words.last_mut().expect("never empty");
            match word.pieces.last_mut() {
                Some(p) if p.font == font => {
                    p.text.push(ch);
                    p.width += adv;
                }
                _ => word.pieces.push(Piece {
                    text: ch.to_string(),
                    font,
                    width: adv,
                }),
            }
            word.width += adv;
        }
    }
    words.retain(|w| !w.pieces.is_empty());
    words
}

/// Breaks a word wider than the line into chunks that fit (long URLs, ids).
fn split_long(word: Word, max: f32, fonts: &FontSet, size: f32) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur = Word::default();
    for p in word.pieces {
        for ch in p.text.chars() {
            let adv = fonts.get(p.font).advance(ch).unwrap_or(0.5) * size;
            if cur.width + adv > max && !cur.pieces.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            match cur.pieces.last_mut() {
                Some(last) if last.font == p.font => {
                    last.text.push(ch);
                    last.width += adv;
                }
                _ => cur.pieces.push(Piece {
                    text: ch.to_string(),
                    font: p.font,
                    width: adv,
                }),
            }
            cur.width += adv;
        }
    }
    if !cur.pieces.is_empty() {
        out.push(cur);
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
    let space = fonts.get(style.font).advance(' ').unwrap_or(0.26) * style.size;
    let mut lines: Vec<Vec<Word>> = vec![Vec::new()];
    let mut line_w = 0.0;
    for word in words(text, style, fonts, missing) {
        let parts = if word.width > width {
            split_long(word, width, fonts, style.size)
        } else {
            vec![word]
        };
        for w in parts {
            let cur = lines.last_mut().expect("never empty");
            let needed = if cur.is_empty() {
                w.width
            } else {
                line_w + space + w.width
            };
            if needed > width + 0.001 && !cur.is_empty() {
                lines.push(vec![w.clone()]);
                line_w = w.width;
            } else {
                line_w = needed;
                cur.push(w);
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    let line_h = style.size * style.leading;
    let ascent = fonts.get(style.font).ascender * style.size;
    let mut out = SetText {
        height: lines.len() as f32 * line_h,
        ..SetText::default()
    };
    let n = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        let natural: f32 = line.iter().map(|w| w.width).sum::<f32>()
            + space * (line.len().saturating_sub(1)) as f32;
        out.width = out.width.max(natural);
        let gaps = line.len().saturating_sub(1) as f32;
        let (x, gap) = match style.align {
            Align::Justify if i + 1 < n && gaps > 0.0 => (0.0, space + (width - natural) / gaps),
            Align::Right => (width - natural, space),
            _ => (0.0, space),
        };
        // Baselines sit so the first line's ascent starts at the block top, with half the
        // leading's extra space above, like CSS line boxes.
        let baseline = i as f32 * line_h + (line_h - style.size) / 2.0 + ascent.min(style.size);
        emit_line(&mut out.items, line, x, baseline, gap, space, style);
    }
    out
}

/// One run per stretch of same-font text; justified gaps go into `word_gap`.
fn emit_line(
    items: &mut Vec<Item>,
    line: Vec<Word>,
    mut x: f32,
    baseline: f32,
    gap: f32,
    space: f32,
    style: &TextStyle,
) {
    let mut run: Option<TextRun> = None;
    for (wi, word) in line.into_iter().enumerate() {
        if wi > 0 {
            if let Some(r) = run.as_mut() {
                r.text.push(' ');
            }
            x += gap;
        }
        for p in word.pieces {
            match run.as_mut() {
                Some(r) if r.font == p.font => r.text.push_str(&p.text),
                _ => {
                    if let Some(mut r) = run.take() {
                        r.text = r.text.trim_end().to_string();
                        items.push(Item::Text(r));
                    }
                    run = Some(TextRun {
                        x,
                        y: baseline,
                        font: p.font,
                        size: style.size,
                        color: style.color,
                        text: p.text.clone(),
                        word_gap: (gap - space).max(0.0),
                        rotation: 0.0,
                    });
                }
            }
            x += p.width;
        }
    }
    if let Some(r) = run {
        items.push(Item::Text(r));
    }
}

/// Shrinks `text` to fit one line of `width`: first the size down to `min_size`, then an
/// ellipsis. Returns the text to draw and its size.
pub fn fit_line(
    text: &str,
    width: f32,
    font: FontId,
    size: f32,
    min_size: f32,
    fonts: &FontSet,
) -> (String, f32) {
    let mut s = size;
    while s > min_size && fonts.measure(font, text, s) > width {
        s = (s - 0.25).max(min_size);
    }
    if fonts.measure(font, text, s) <= width {
        return (text.to_string(), s);
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let kept: String = chars.iter().collect();
        let candidate = kept.trim_end().to_string() + "…";
        if fonts.measure(font, &candidate, s) <= width {
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
    use crate::page::Color;

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
        assert!(
            first.word_gap > 0.0,
            "the first of several lines is justified"
        );
        let last = runs(&set).last().copied().unwrap();
        assert_eq!(last.word_gap, 0.0, "the last line is ragged");
        assert!(missing.0.is_empty());
    }

    #[test]
    fn bold_spans_use_the_bold_face_and_missing_characters_are_reported() {
        let fonts = FontSet::builtin();
        let mut missing = Missing::default();
        let set = set(
            "Score **35** for 李雷",
            400.0,
            &style(Align::Left),
            &fonts,
            &mut missing,
        );
        let r = runs(&set);
        assert!(r.iter().any(|t| t.font == FontId::BOLD && t.text == "35"));
        assert_eq!(missing.0.iter().collect::<String>(), "李雷");
        assert!(r.iter().any(|t| t.text.contains(REPLACEMENT)));
    }

    #[test]
    fn long_names_are_fitted() {
        let fonts = FontSet::builtin();
        let name = "Maximiliana Alexandrina Konstantynopolitańczykiewiczówna-Brzęczyszczykiewicz";
        let (text, size) = fit_line(name, 150.0, FontId::BOLD, 12.0, 8.0, &fonts);
        assert!(fonts.measure(FontId::BOLD, &text, size) <= 150.0);
        assert!(text.ends_with('…'));
        assert_eq!(size, 8.0);
    }
}
