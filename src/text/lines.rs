//! Shaped pieces to lines: greedy filling at the break opportunities, words wider than a line
//! cut between grapheme clusters, justification into the spaces, then each line put in visual
//! order (UAX #9 rule L2) and merged into runs of one face and direction.

use super::paragraph::{Paragraph, Piece};
use super::Align;
use crate::fonts::FontSet;
use crate::page::{Color, TextRun};

/// One line, baseline at y = 0, starting at x = 0 (alignment already applied).
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub runs: Vec<TextRun>,
    /// Width of the text as set (without the alignment's offset).
    pub width: f32,
}

impl Line {
    /// The runs with the baseline's start moved to (x, y), as page items.
    pub fn placed(self, x: f32, y: f32) -> Vec<crate::page::Item> {
        let mut items = Vec::with_capacity(self.runs.len());
        for mut r in self.runs {
            r.x += x;
            r.y = y;
            crate::page::Item::push_text(&mut items, r);
        }
        items
    }
}

/// Extra width per space, as a share of the natural space, above which a justified line is
/// loose enough that hyphenating the next word is better than leaving it so.
const LOOSE: f32 = 0.5;
/// Lines in a row that may end with a hyphen.
const MAX_HYPHENATED_RUN: usize = 2;
/// A paragraph's last line of a single word shorter than this (in characters) is a runt.
const RUNT_CHARS: usize = 8;
/// How loose (as `LOOSE`) a justified line may get when it gives its last word to a runt.
const RUNT_LOOSE: f32 = 1.0;

/// Breaks `para` into lines at most `width` wide.
pub(super) fn break_lines(
    mut para: Paragraph,
    width: f32,
    align: Align,
    color: Color,
    fonts: &FontSet,
) -> Vec<Line> {
    let mut pieces = fitted(&mut para, width, fonts);
    let hyphenate = align == Align::Justify && width.is_finite();
    // Greedy filling over whole groups (the pieces between break opportunities): a line ends
    // before the group whose content would cross the width. Lines are index ranges. Justified,
    // a line that would be left loose takes the first part of the next word, hyphenated.
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut line_w) = (0, 0.0f32);
    let mut hyphenated = 0;
    let mut g = 0;
    while g < pieces.len() {
        let end = group_end(&pieces, g);
        let trailing = pieces[g..end].iter().rev().take_while(|p| p.space).count();
        let content: f32 = pieces[g..end - trailing].iter().map(|p| p.width).sum();
        let total: f32 = pieces[g..end].iter().map(|p| p.width).sum();
        if g > start && line_w + content > width + 0.001 {
            // A word that starts after a space, with more after it (the last word never leaves
            // a fragment alone on the last line); what follows it in its group (a closing
            // quote's "(typical 7%)") goes to the next line with the rest of the word.
            let split = (hyphenate
                && hyphenated < MAX_HYPHENATED_RUN
                && !pieces[g].space
                && end < pieces.len()
                && pieces[g - 1].space
                && looseness(&pieces[start..g], width) > LOOSE)
                .then(|| hyphenated_word(&mut para, &pieces[g], width - line_w, fonts))
                .flatten();
            if let Some(parts) = split {
                pieces.splice(g..g + 1, parts);
                lines.push((start, g + 2));
                start = g + 2;
                line_w = 0.0;
                hyphenated += 1;
                g += 2;
                continue;
            }
            lines.push((start, g));
            start = g;
            line_w = 0.0;
            hyphenated = 0;
        }
        line_w += total;
        g = end;
    }
    lines.push((start, pieces.len()));
    lines.retain(|&(a, b)| pieces[a..b].iter().any(|p| !p.space));
    avoid_runt(&mut lines, &pieces, &para.text, width, align);
    let n = lines.len();
    let mut pieces: Vec<Option<Piece>> = pieces.into_iter().map(Some).collect();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (a, end))| {
            let mut b = end;
            while b > a && pieces[b - 1].as_ref().is_some_and(|p| p.space) {
                b -= 1;
            }
            // The space a line breaks at is not drawn, but it is kept as an invisible last
            // glyph: text extraction and screen readers walking the structure tree read
            // the lines' text one after another, and without it the last word of a line
            // runs into the first of the next. Only where the line ends left to right, so
            // the glyph sits after everything drawn.
            let ltr = |p: &Option<Piece>| p.as_ref().is_some_and(|p| p.level % 2 == 0);
            let keep_space = i + 1 < n
                && b > a
                && b < end
                && ltr(&pieces[b - 1])
                && ltr(&pieces[b])
                && pieces[b].as_ref().is_some_and(|p| !p.units.is_empty());
            // Room for the kept space too: the line is never grown.
            let mut line: Vec<Piece> = Vec::with_capacity(b - a + 1);
            line.extend(pieces[a..b].iter_mut().filter_map(Option::take));
            let natural: f32 = line.iter().map(|p| p.width).sum();
            let x = match align {
                Align::Justify if i + 1 < n && width.is_finite() => {
                    let spaces = line
                        .iter()
                        .filter(|p| p.space && !p.units.is_empty())
                        .count();
                    if spaces > 0 {
                        let extra = (width - natural).max(0.0) / spaces as f32;
                        for p in line.iter_mut().filter(|p| p.space && !p.units.is_empty()) {
                            p.extra += extra;
                            p.width += extra;
                        }
                    }
                    0.0
                }
                Align::Right if width.is_finite() => width - natural,
                _ => 0.0,
            };
            let width = line.iter().map(|p| p.width).sum();
            if keep_space {
                line.extend(pieces[b].take());
            }
            Line {
                runs: runs(&para.text, reorder(line), x, para.size, color),
                width,
            }
        })
        .collect()
}

/// The end (exclusive) of the group that starts at `g`: up to and with the next piece a line
/// may end after.
fn group_end(pieces: &[Piece], g: usize) -> usize {
    let mut end = g;
    while end < pieces.len() && !pieces[end].break_after {
        end += 1;
    }
    (end + 1).min(pieces.len())
}

/// The line's content without its trailing spaces.
fn content(line: &[Piece]) -> &[Piece] {
    let trailing = line.iter().rev().take_while(|p| p.space).count();
    &line[..line.len() - trailing]
}

/// How much wider than natural each space of `line` gets when it is justified to `width`, as
/// a share of the natural space (0 for a full line; infinite when it has no space).
fn looseness(line: &[Piece], width: f32) -> f32 {
    let line = content(line);
    let spaces = line.iter().filter(|p| p.space && !p.units.is_empty());
    let (n, natural_space) = spaces.fold((0, 0.0f32), |(n, w), p| (n + 1, w.max(p.width)));
    if n == 0 || natural_space <= 0.0 {
        return f32::INFINITY;
    }
    let natural: f32 = line.iter().map(|p| p.width).sum();
    (width - natural).max(0.0) / n as f32 / natural_space
}

/// The word `piece` split at its last hyphenation point whose first part and hyphen fit in
/// `room`: (first part, hyphen, rest).
fn hyphenated_word(
    para: &mut Paragraph,
    piece: &Piece,
    room: f32,
    fonts: &FontSet,
) -> Option<[Piece; 3]> {
    for at in para.hyphenation_points(piece).into_iter().rev() {
        let parts = para.hyphenate(piece, at, fonts);
        if parts[0].width + parts[1].width <= room + 0.001 {
            return Some(parts);
        }
    }
    None
}

/// Runt control: a paragraph of three lines or more whose last line is one short word takes
/// the last word of the line before down with it, when that still fits and (justified) does
/// not leave the line before too loose. The layout never splits a paragraph across a page or
/// column, so widows and orphans cannot happen; a runt is what is left of the rule.
fn avoid_runt(
    lines: &mut [(usize, usize)],
    pieces: &[Piece],
    text: &str,
    width: f32,
    align: Align,
) {
    let n = lines.len();
    if n < 3 || !width.is_finite() {
        return;
    }
    let ((pa, pb), (la, lb)) = (lines[n - 2], lines[n - 1]);
    let last = content(&pieces[la..lb]);
    let chars: usize = last
        .iter()
        .map(|p| text[p.range.clone()].chars().count())
        .sum();
    if last.iter().any(|p| p.space) || chars >= RUNT_CHARS {
        return;
    }
    // The start of the line before's last group (its content, trailing spaces aside).
    let before = content(&pieces[pa..pb]);
    let Some(k) = (pa..pa + before.len().saturating_sub(1))
        .rev()
        .find(|&i| pieces[i].break_after)
        .map(|i| i + 1)
    else {
        return;
    };
    // A group that ends with a hyphen is half a word, and one that starts the line is all of it.
    let moved = content(&pieces[k..pb]);
    let ends_in_hyphen = moved
        .last()
        .is_none_or(|p| &text[p.range.clone()] == "\u{AD}");
    if ends_in_hyphen || moved.iter().any(|p| p.space) || k <= pa {
        return;
    }
    let joined: f32 = content(&pieces[k..lb]).iter().map(|p| p.width).sum();
    if joined > width + 0.001 {
        return;
    }
    if align == Align::Justify && looseness(&pieces[pa..k], width) > RUNT_LOOSE {
        return;
    }
    lines[n - 2].1 = k;
    lines[n - 1].0 = k;
}

/// The paragraph's pieces, with every group (the pieces between break opportunities) wider
/// than the line cut into grapheme clusters, each a group of its own.
fn fitted(para: &mut Paragraph, width: f32, fonts: &FontSet) -> Vec<Piece> {
    let pieces = std::mem::take(&mut para.pieces);
    if !width.is_finite() {
        return pieces;
    }
    // Only a word wider than the line needs cutting; almost no paragraph has one.
    let mut wide = false;
    let mut content = 0.0f32;
    for p in &pieces {
        if !p.space {
            content += p.width;
        }
        wide |= content > width;
        if p.break_after {
            content = 0.0;
        }
    }
    if !wide {
        return pieces;
    }
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut group: Vec<Piece> = Vec::new();
    let flush = |group: &mut Vec<Piece>, out: &mut Vec<Piece>| {
        let content: f32 = group.iter().filter(|p| !p.space).map(|p| p.width).sum();
        if content <= width {
            out.append(group);
            return;
        }
        for p in group.drain(..) {
            if p.space {
                out.push(p);
            } else {
                out.extend(para.graphemes(&p, fonts));
            }
        }
    };
    for p in pieces {
        let b = p.break_after;
        group.push(p);
        if b {
            flush(&mut group, &mut out);
        }
    }
    flush(&mut group, &mut out);
    out
}

/// Visual order of a line's pieces: each maximal sequence at level ≥ k reversed, from the
/// highest level down to the lowest odd one (UAX #9 L2).
fn reorder(mut pieces: Vec<Piece>) -> Vec<Piece> {
    let max = pieces.iter().map(|p| p.level).max().unwrap_or(0);
    if max == 0 {
        return pieces;
    }
    let min_odd = pieces
        .iter()
        .map(|p| p.level)
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(max);
    for level in (min_odd.max(1)..=max).rev() {
        let mut i = 0;
        while i < pieces.len() {
            if pieces[i].level >= level {
                let start = i;
                while i < pieces.len() && pieces[i].level >= level {
                    i += 1;
                }
                pieces[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
    pieces
}

/// Merges visually adjacent pieces of one face and direction that are also adjacent in the
/// text into runs, placed from `x`.
fn runs(text: &str, pieces: Vec<Piece>, mut x: f32, size: f32, color: Color) -> Vec<TextRun> {
    struct Open {
        x: f32,
        font: crate::fonts::FontId,
        embolden: bool,
        rtl: bool,
        lang: Option<&'static str>,
        /// The run's glyphs in `glyphs` below.
        from: usize,
        start: usize,
        end: usize,
    }
    // The line's glyphs, clusters absolute (offsets in the paragraph) until a run's start is
    // known; each run then takes its stretch in one allocation of the exact size.
    let mut glyphs: Vec<crate::page::Glyph> =
        Vec::with_capacity(pieces.iter().map(|p| p.units.len()).sum());
    let finish = |o: Open, glyphs: &[crate::page::Glyph]| {
        let base = o.start as u32;
        TextRun {
            x: o.x,
            y: 0.0,
            font: o.font,
            size,
            color,
            text: text[o.start..o.end].into(),
            glyphs: glyphs[o.from..]
                .iter()
                .map(|g| crate::page::Glyph {
                    cluster: g.cluster - base,
                    ..*g
                })
                .collect(),
            rtl: o.rtl,
            embolden: o.embolden,
            rotation: 0.0,
            lang: o.lang,
        }
    };
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for p in pieces {
        let rtl = p.level % 2 == 1;
        let joins = open.as_ref().is_some_and(|o| {
            o.font == p.font
                && o.embolden == p.embolden
                && o.rtl == rtl
                && o.lang == p.lang()
                && if rtl {
                    p.range.end == o.start
                } else {
                    p.range.start == o.end
                }
        });
        if !joins {
            out.extend(open.take().map(|o| finish(o, &glyphs)));
            open = Some(Open {
                x,
                font: p.font,
                embolden: p.embolden,
                rtl,
                lang: p.lang(),
                from: glyphs.len(),
                start: p.range.start,
                end: p.range.end,
            });
        }
        let o = open.as_mut().expect("just opened");
        o.start = o.start.min(p.range.start);
        o.end = o.end.max(p.range.end);
        glyphs.extend(p.glyphs(p.range.start as u32));
        x += p.width;
    }
    out.extend(open.map(|o| finish(o, &glyphs)));
    out
}
