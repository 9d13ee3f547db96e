//! The one text path for everything drawn (body, headings, tables, page furniture, contents,
//! chart labels, cover), like typst's: itemise (NFC; bidi levels with the reader's words
//! isolated; script runs; a face per run from the fallback chain) → shape with rustybuzz
//! (advances, offsets, clusters, kerning, ligatures) → break lines at UAX #14 opportunities,
//! never inside a grapheme cluster → reorder each line for display. The result is positioned
//! glyphs (`page::TextRun`), so the PDF stage decides nothing about text.
//! Pure: no files, no clock.

mod lines;
mod paragraph;
mod shape;

#[cfg(test)]
mod tests;

pub use lines::Line;
use paragraph::{Paragraph, Span};

use crate::fonts::{FontId, FontSet};
use crate::page::Color;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Justify,
    Right,
}

/// Collects the characters no face has (drawn as U+FFFD), for the run's warnings.
#[derive(Debug, Default)]
pub struct Missing(pub BTreeSet<char>);

/// Sets `spans` (text, preferred face) at `size` into lines at most `width` wide (use
/// `f32::INFINITY` for one line). Whitespace runs become one space.
pub fn lines(
    spans: &[(&str, FontId)],
    size: f32,
    color: Color,
    width: f32,
    align: Align,
    fonts: &FontSet,
    missing: &mut Missing,
) -> Vec<Line> {
    let spans: Vec<Span<'_>> = spans
        .iter()
        .map(|&(text, font)| Span { text, font })
        .collect();
    let para = Paragraph::new(&spans, size, fonts, missing);
    lines::break_lines(para, width, align, color, fonts)
}

/// `text` as one line in `font`, never broken.
pub fn line(
    text: &str,
    font: FontId,
    size: f32,
    color: Color,
    fonts: &FontSet,
    missing: &mut Missing,
) -> Line {
    lines(
        &[(text, font)],
        size,
        color,
        f32::INFINITY,
        Align::Left,
        fonts,
        missing,
    )
    .pop()
    .unwrap_or_default()
}

/// The width `text` takes as one line in `font` at `size`, shaped exactly as drawing will.
pub fn width(text: &str, font: FontId, size: f32, fonts: &FontSet) -> f32 {
    line(
        text,
        font,
        size,
        Color::rgb(0, 0, 0),
        fonts,
        &mut Missing::default(),
    )
    .width
}

/// Wraps the reader's own words (a name, a job title) in a first-strong isolate when they hold
/// right-to-left letters, so an Arabic or Hebrew name inside an English sentence keeps its
/// place and the punctuation after it stays with the sentence (UAX #9, FSI … PDI).
pub fn isolate(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| {
        matches!(
            unicode_bidi::bidi_class(c),
            unicode_bidi::BidiClass::R | unicode_bidi::BidiClass::AL
        )
    }) {
        format!("\u{2068}{text}\u{2069}").into()
    } else {
        text.into()
    }
}
