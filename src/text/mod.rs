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
mod words;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod words_tests;

pub use lines::Line;
use paragraph::Paragraph;

use crate::fonts::{FontId, FontSet};
use crate::page::Color;
use std::collections::BTreeSet;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    Left,
    Justify,
    Right,
}

/// Collects the characters no face has (drawn as U+FFFD), for the run's warnings.
#[derive(Debug, Default)]
pub struct Missing(pub BTreeSet<char>);

/// Sets `spans` (text, preferred face) at `size` into lines at most `width` wide (use
/// `f32::INFINITY` for one line). Whitespace runs become one space. Shared with the cache: a
/// paragraph found there is handed out without copying its lines.
pub fn lines(
    spans: &[(&str, FontId)],
    size: f32,
    color: Color,
    width: f32,
    align: Align,
    fonts: &FontSet,
    missing: &mut Missing,
) -> Rc<[Line]> {
    let probe = Probe {
        spans,
        fonts: fonts.id,
        size: size.to_bits(),
        width: width.to_bits(),
        color: (color.r, color.g, color.b),
        align: align as u8,
    };
    let hash = probe.hash();
    if let Some((lines, lacking)) = CACHE.with_borrow_mut(|c| c.get(hash, &probe)) {
        missing.0.extend(lacking.iter().copied());
        return lines;
    }
    let mut lacking = Missing::default();
    let para = Paragraph::new(spans, size, fonts, &mut lacking);
    let lines: Rc<[Line]> = lines::break_lines(para, width, align, color, fonts).into();
    missing.0.extend(lacking.0.iter().copied());
    CACHE.with_borrow_mut(|c| {
        if c.admit(hash) {
            c.put(
                hash,
                probe.key(),
                (lines.clone(), lacking.0.into_iter().collect()),
            );
        }
    });
    lines
}

/// Glyphs of set paragraphs kept per thread and generation (some 3 MiB): the copy every
/// report shares (headings, labels, method notes, table heads) is set once; a reader's own
/// paragraphs are set again each time.
const SET_CACHE_LIMIT: usize = 40_000;

/// Everything the result of `lines` depends on, as kept in the cache.
struct Key {
    fonts: u64,
    size: u32,
    width: u32,
    color: (u8, u8, u8),
    align: u8,
    /// The spans' texts, each after its face's id and a separator no text contains.
    spans: Box<str>,
}

/// A call's `Key` before it is made one: hashed and compared without building the string.
struct Probe<'a> {
    spans: &'a [(&'a str, FontId)],
    fonts: u64,
    size: u32,
    width: u32,
    color: (u8, u8, u8),
    align: u8,
}

const SEPARATOR: char = '\u{0}';

impl Probe<'_> {
    fn hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (self.fonts, self.size, self.width, self.color, self.align).hash(&mut h);
        for (text, font) in self.spans {
            font.0.hash(&mut h);
            text.hash(&mut h);
        }
        h.finish()
    }

    fn font_char(font: FontId) -> char {
        char::from_u32(font.0 as u32).unwrap_or(SEPARATOR)
    }

    fn matches(&self, key: &Key) -> bool {
        if (self.fonts, self.size, self.width, self.color, self.align)
            != (key.fonts, key.size, key.width, key.color, key.align)
        {
            return false;
        }
        let mut rest = &*key.spans;
        for (text, font) in self.spans {
            let Some(r) = rest
                .strip_prefix(Self::font_char(*font))
                .and_then(|r| r.strip_prefix(SEPARATOR))
                .and_then(|r| r.strip_prefix(text))
                .and_then(|r| r.strip_prefix(SEPARATOR))
            else {
                return false;
            };
            rest = r;
        }
        rest.is_empty()
    }

    fn key(&self) -> Key {
        let mut s = String::with_capacity(self.spans.iter().map(|(t, _)| t.len() + 4).sum());
        for (text, font) in self.spans {
            s.push(Self::font_char(*font));
            s.push(SEPARATOR);
            s.push_str(text);
            s.push(SEPARATOR);
        }
        Key {
            fonts: self.fonts,
            size: self.size,
            width: self.width,
            color: self.color,
            align: self.align,
            spans: s.into(),
        }
    }
}

type Set = (Rc<[Line]>, Vec<char>);

fn glyph_count(set: &Set) -> usize {
    set.0
        .iter()
        .flat_map(|l| &l.runs)
        .map(|r| r.glyphs.len())
        .sum()
}

/// Two generations: when the young one is full it becomes the old one and the old one is
/// dropped; a paragraph found in the old one moves back to the young one. A paragraph is kept
/// only when it is set a second time: a reader's own paragraphs (most of the glyphs set) are
/// never set again and would push out what other reports share (the copy, a role's or an
/// industry's paragraphs). What repeats stays and memory stays flat. Keyed by the probe's
/// hash; a colliding entry is a miss and is replaced.
#[derive(Default)]
struct SetCache {
    young: rustc_hash::FxHashMap<u64, (Key, Set)>,
    old: rustc_hash::FxHashMap<u64, (Key, Set)>,
    glyphs: usize,
    /// Hashes of paragraphs set once (8 bytes each, forgotten in a block when many).
    seen: rustc_hash::FxHashSet<u64>,
}

/// Paragraphs remembered as set once before the memory starts again. A shared paragraph (a
/// role's, an industry's) comes round within a few dozen reports, well inside 50,000 hashes;
/// 200,000 held a table of some 2.4 MiB per worker (3.6 MiB while it grew) for the readers'
/// own paragraphs, which never repeat.
const SEEN_LIMIT: usize = 50_000;

impl SetCache {
    /// Whether a paragraph just set is worth keeping: the second time it is set.
    fn admit(&mut self, hash: u64) -> bool {
        if self.seen.len() >= SEEN_LIMIT {
            self.seen.clear();
        }
        !self.seen.insert(hash)
    }

    fn get(&mut self, hash: u64, probe: &Probe<'_>) -> Option<Set> {
        if let Some((key, set)) = self.young.get(&hash) {
            return probe.matches(key).then(|| set.clone());
        }
        let (key, set) = self.old.remove(&hash)?;
        if !probe.matches(&key) {
            return None;
        }
        self.put(hash, key, set.clone());
        Some(set)
    }

    fn put(&mut self, hash: u64, key: Key, set: Set) {
        let glyphs = glyph_count(&set);
        if self.glyphs + glyphs > SET_CACHE_LIMIT {
            self.old = std::mem::take(&mut self.young);
            self.glyphs = 0;
        }
        self.glyphs += glyphs;
        self.young.insert(hash, (key, set));
    }
}

thread_local! {
    static CACHE: std::cell::RefCell<SetCache> = std::cell::RefCell::default();
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
    unbroken(text, font, size, color, fonts, missing)
        .last()
        .cloned()
        .unwrap_or_default()
}

/// `text` set in `font` at an unlimited width: one line, as the cache shares it.
fn unbroken(
    text: &str,
    font: FontId,
    size: f32,
    color: Color,
    fonts: &FontSet,
    missing: &mut Missing,
) -> Rc<[Line]> {
    lines(
        &[(text, font)],
        size,
        color,
        f32::INFINITY,
        Align::Left,
        fonts,
        missing,
    )
}

/// The width `text` takes as one line in `font` at `size`, shaped exactly as drawing will.
/// Kept per thread: charts and fitted lines measure the same labels many times.
pub fn width(text: &str, font: FontId, size: f32, fonts: &FontSet) -> f32 {
    use std::cell::RefCell;
    type Widths = rustc_hash::FxHashMap<(u64, FontId), rustc_hash::FxHashMap<Box<str>, f32>>;
    thread_local! {
        static WIDTHS: RefCell<(Widths, usize)> = RefCell::default();
    }
    let key = (fonts.id, font);
    if let Some(w) = WIDTHS.with_borrow(|(w, _)| w.get(&key).and_then(|m| m.get(text)).copied()) {
        return w * size;
    }
    let black = Color::rgb(0, 0, 0);
    let unit = unbroken(text, font, 1.0, black, fonts, &mut Missing::default())
        .last()
        .map_or(0.0, |l| l.width);
    WIDTHS.with_borrow_mut(|(w, n)| {
        if *n > 20_000 {
            w.clear();
            *n = 0;
        }
        w.entry(key).or_default().insert(Box::from(text), unit);
        *n += 1;
    });
    unit * size
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
