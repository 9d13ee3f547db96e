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
        self.runs
            .into_iter()
            .map(|mut r| {
                r.x += x;
                r.y = y;
                crate::page::Item::Text(r)
            })
            .collect()
    }
}

/// Breaks `para` into lines at most `width` wide.
pub(super) fn break_lines(
    para: Paragraph,
    width: f32,
    align: Align,
    color: Color,
    fonts: &FontSet,
) -> Vec<Line> {
    let mut para = para;
    let groups = groups(&mut para, width, fonts);
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut line_w = 0.0;
    for group in groups {
        let content: f32 = content_width(&group);
        let total: f32 = group.iter().map(|p| p.width).sum();
        let cur = lines.last_mut().expect("never empty");
        if !cur.is_empty() && line_w + content > width + 0.001 {
            lines.push(group);
            line_w = total;
        } else {
            cur.extend(group);
            line_w += total;
        }
    }
    lines.retain(|l| l.iter().any(|p| !p.space));
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, mut pieces)| {
            while pieces.last().is_some_and(|p| p.space) {
                pieces.pop();
            }
            let natural: f32 = pieces.iter().map(|p| p.width).sum();
            let spaces = pieces.iter().filter(|p| p.space).count();
            let x = match align {
                Align::Justify if i + 1 < n && spaces > 0 && width.is_finite() => {
                    let extra = (width - natural).max(0.0) / spaces as f32;
                    for p in pieces.iter_mut().filter(|p| p.space && !p.units.is_empty()) {
                        p.extra += extra;
                        p.width += extra;
                    }
                    0.0
                }
                Align::Right if width.is_finite() => width - natural,
                _ => 0.0,
            };
            let width = pieces.iter().map(|p| p.width).sum();
            Line {
                runs: runs(&para.text, reorder(pieces), x, para.size, color),
                width,
            }
        })
        .collect()
}

fn content_width(group: &[Piece]) -> f32 {
    let trailing = group.iter().rev().take_while(|p| p.space).count();
    group[..group.len() - trailing]
        .iter()
        .map(|p| p.width)
        .sum()
}

/// The pieces between break opportunities, each group ending where a line may end; a group
/// wider than the line is cut into grapheme clusters.
fn groups(para: &mut Paragraph, width: f32, fonts: &FontSet) -> Vec<Vec<Piece>> {
    let mut out: Vec<Vec<Piece>> = Vec::new();
    let mut cur: Vec<Piece> = Vec::new();
    for p in std::mem::take(&mut para.pieces) {
        let b = p.break_after;
        cur.push(p);
        if b {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    let mut fitted = Vec::with_capacity(out.len());
    for group in out {
        if content_width(&group) <= width {
            fitted.push(group);
            continue;
        }
        for p in group {
            if p.space {
                if let Some(last) = fitted.last_mut() {
                    last.push(p);
                }
                continue;
            }
            fitted.extend(para.graphemes(&p, fonts).into_iter().map(|g| vec![g]));
        }
    }
    fitted
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
        run: TextRun,
        start: usize,
        end: usize,
    }
    // Glyph clusters are absolute (offsets in the paragraph) until the run's start is known.
    let finish = |o: Open| {
        let mut run = o.run;
        run.text = text[o.start..o.end].to_string();
        for g in run.glyphs.iter_mut() {
            g.cluster -= o.start as u32;
        }
        run
    };
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for p in pieces {
        let rtl = p.level % 2 == 1;
        let joins = open.as_ref().is_some_and(|o| {
            o.run.font == p.font
                && o.run.embolden == p.embolden
                && o.run.rtl == rtl
                && if rtl {
                    p.range.end == o.start
                } else {
                    p.range.start == o.end
                }
        });
        if !joins {
            out.extend(open.take().map(finish));
            open = Some(Open {
                run: TextRun {
                    x,
                    y: 0.0,
                    font: p.font,
                    size,
                    color,
                    text: String::new(),
                    glyphs: Vec::new(),
                    rtl,
                    embolden: p.embolden,
                    rotation: 0.0,
                },
                start: p.range.start,
                end: p.range.end,
            });
        }
        let o = open.as_mut().expect("just opened");
        o.start = o.start.min(p.range.start);
        o.end = o.end.max(p.range.end);
        o.run.glyphs.extend(p.glyphs(p.range.start as u32));
        x += p.width;
    }
    out.extend(open.map(finish));
    out
}
