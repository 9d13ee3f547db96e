//! From styled text to shaped pieces: whitespace collapsed, NFC, characters no face has
//! replaced (and reported), bidi levels (UAX #9), script runs, one face per run (not per
//! character), line-break opportunities (UAX #14), then each piece shaped.

use super::shape::{shaping, UnitGlyph};
use super::Missing;
use crate::fonts::{FontId, FontSet, REPLACEMENT};
use crate::page::Glyph;
use std::ops::Range;
use std::rc::Rc;
use unicode_bidi::BidiInfo;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_script::{Script, UnicodeScript};

/// A shaped stretch that is never broken: one face, one bidi level, one script, no line-break
/// opportunity inside.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    /// Bytes of the paragraph's text.
    pub range: Range<usize>,
    pub font: FontId,
    pub embolden: bool,
    pub level: u8,
    /// A space between words: where justification widens a line, and dropped at a line's end.
    pub space: bool,
    /// A line may end after this piece.
    pub break_after: bool,
    /// In visual order, in font units (shared with the shaping cache); clusters relative to
    /// `range.start`.
    pub units: Rc<[UnitGlyph]>,
    /// Font units → points.
    pub scale: f32,
    /// Added to the last glyph's advance (justification).
    pub extra: f32,
    pub width: f32,
    script: Script,
}

impl Piece {
    /// The language to tag this piece's text with, when the document's (Latin-script) language
    /// is not the one it is written in.
    pub fn lang(&self) -> Option<&'static str> {
        script_language(self.script)
    }
}

/// The language a screen reader should read a script in. A script does not name a language
/// (Arabic script also writes Urdu and Persian, Cyrillic a dozen languages), but a reader's
/// name carries no language of its own, and the most used language of its script picks a voice
/// that can say it; Latin and script-neutral text keep the document's language.
fn script_language(script: Script) -> Option<&'static str> {
    Some(match script {
        Script::Arabic => "ar",
        Script::Armenian => "hy",
        Script::Bengali => "bn",
        Script::Cyrillic => "ru",
        Script::Devanagari => "hi",
        Script::Ethiopic => "am",
        Script::Georgian => "ka",
        Script::Greek => "el",
        Script::Gujarati => "gu",
        Script::Gurmukhi => "pa",
        Script::Han | Script::Bopomofo => "zh",
        Script::Hangul => "ko",
        Script::Hebrew => "he",
        Script::Hiragana | Script::Katakana => "ja",
        Script::Kannada => "kn",
        Script::Khmer => "km",
        Script::Lao => "lo",
        Script::Malayalam => "ml",
        Script::Myanmar => "my",
        Script::Oriya => "or",
        Script::Sinhala => "si",
        Script::Syriac => "syr",
        Script::Tamil => "ta",
        Script::Telugu => "te",
        Script::Thaana => "dv",
        Script::Thai => "th",
        Script::Tibetan => "bo",
        _ => return None,
    })
}

/// Text set in one size: the characters (logical order) and their shaped pieces.
#[derive(Debug, Clone, Default)]
pub(super) struct Paragraph {
    pub text: String,
    pub pieces: Vec<Piece>,
    pub size: f32,
    /// Whether `text` ends with the soft hyphen that hyphens added at line ends stand for.
    hyphen_at_end: bool,
}

/// Bidi formatting characters the copy uses to isolate the reader's words; they order text
/// and are never drawn. Input validation keeps them out of what readers type.
pub(super) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that shape as nothing and so are never "missing" from a face (joiners,
/// variation selectors): the shaper uses or hides them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Whether `text` has a joiner the face would draw with ink.
fn has_inked_joiner(text: &str, font: &crate::fonts::Font) -> bool {
    !text.is_ascii()
        && text
            .chars()
            .any(|c| is_joiner(c) && font.has(c) && !font.blank(c))
}

/// Whether any character may be right-to-left (or is a bidi control): otherwise every level
/// is 0 and the bidi algorithm can be skipped, as it is for almost all of a report.
fn needs_bidi(text: &str) -> bool {
    text.chars().any(|c| {
        let c = c as u32;
        (0x0590..=0x08FF).contains(&c)
            || (0xFB1D..=0xFDFF).contains(&c)
            || (0xFE70..=0xFEFF).contains(&c)
            || (0x10800..=0x10FFF).contains(&c)
            || (0x1E800..=0x1EFFF).contains(&c)
            || (0x200E..=0x200F).contains(&c)
            || (0x202A..=0x202E).contains(&c)
            || (0x2066..=0x2069).contains(&c)
    })
}

/// The character's script; ASCII, most of every report, without the table lookup.
fn script_of(c: char) -> Script {
    if c.is_ascii_alphabetic() {
        Script::Latin
    } else if c.is_ascii() {
        Script::Common
    } else {
        c.script()
    }
}

impl Piece {
    /// `range` of the text, shaped as `units` in `item`'s setting.
    fn new(
        item: &Item,
        text: &str,
        range: Range<usize>,
        units: Rc<[UnitGlyph]>,
        scale: f32,
    ) -> Piece {
        // Digits and punctuation join the script run around them, but "0%" after an Arabic
        // name is not Arabic: a word with no letter of its item's script keeps the document's
        // language (spaces keep the item's, so a name's words stay one span).
        let script = if script_language(item.script).is_some()
            && !text.chars().all(char::is_whitespace)
            && !text.chars().any(|c| script_of(c) == item.script)
        {
            Script::Common
        } else {
            item.script
        };
        Piece {
            width: units.iter().map(|g| g.advance).sum::<i32>() as f32 * scale,
            range,
            font: item.font,
            embolden: item.embolden,
            level: item.level,
            space: false,
            break_after: false,
            units,
            scale,
            extra: 0.0,
            script,
        }
    }

    /// The glyphs in points, clusters offset by `base`.
    pub fn glyphs(&self, base: u32) -> impl Iterator<Item = Glyph> + '_ {
        let last = self.units.len().saturating_sub(1);
        self.units.iter().enumerate().map(move |(i, g)| Glyph {
            id: g.id,
            advance: g.advance as f32 * self.scale + if i == last { self.extra } else { 0.0 },
            dx: g.dx as f32 * self.scale,
            // Font units grow upwards, the page's y downwards.
            dy: -(g.dy as f32) * self.scale,
            cluster: g.cluster + base,
        })
    }
}

impl Paragraph {
    /// Builds and shapes `spans` (text, preferred face) at `size`; whitespace runs become one
    /// space, leading and trailing whitespace goes.
    pub fn new(
        spans: &[(&str, FontId)],
        size: f32,
        fonts: &FontSet,
        missing: &mut Missing,
    ) -> Paragraph {
        let (text, preferred) = collect(spans, fonts, missing);
        let levels = if needs_bidi(&text) {
            let info = BidiInfo::new(&text, Some(unicode_bidi::Level::ltr()));
            info.levels.iter().map(|l| l.number()).collect()
        } else {
            Vec::new()
        };
        let breaks = break_positions(&text);
        let mut pieces = Vec::with_capacity(breaks.len() * 2 + 1);
        for item in items(&text, &preferred, &levels, fonts) {
            split_and_shape(&text, item, &breaks, size, fonts, &mut pieces);
        }
        Paragraph {
            text,
            pieces,
            size,
            hyphen_at_end: false,
        }
    }

    /// Re-shapes one piece as several, one per grapheme cluster, for a word wider than a line.
    pub fn graphemes(&self, piece: &Piece, fonts: &FontSet) -> Vec<Piece> {
        use unicode_segmentation::UnicodeSegmentation;
        let item = Item {
            range: piece.range.clone(),
            font: piece.font,
            embolden: piece.embolden,
            level: piece.level,
            script: piece.script,
        };
        let face = fonts.get(item.font);
        let scale = self.size / face.units_per_em();
        let base = piece.range.start;
        let mut out: Vec<Piece> = shaping(face, item.level % 2 == 1, item.script, |shape| {
            self.text[piece.range.clone()]
                .grapheme_indices(true)
                .map(|(i, g)| {
                    let range = base + i..base + i + g.len();
                    let text = &self.text[range.clone()];
                    let mut p = Piece::new(&item, text, range, shape(text), scale);
                    p.break_after = true;
                    p
                })
                .collect()
        });
        if let Some(last) = out.last_mut() {
            last.break_after = piece.break_after;
        }
        out
    }
}

impl Paragraph {
    /// Where `piece` may be hyphenated, as byte offsets into the paragraph's text, in order.
    /// Only a word of the report's own language, English: lower-case Latin letters alone (a
    /// capital marks a name, a tool or the reader's own words; digits a figure), optionally
    /// with punctuation before or after, left to right. Never leaves fewer than 2 letters
    /// before the break or 3 after it.
    pub fn hyphenation_points(&self, piece: &Piece) -> Vec<usize> {
        if piece.space || piece.level != 0 || piece.script != Script::Latin {
            return Vec::new();
        }
        let text = &self.text[piece.range.clone()];
        let lead = text.len() - text.trim_start_matches(is_word_punctuation).len();
        let core = text[lead..].trim_end_matches(is_word_punctuation);
        if core.len() < LEFT_MIN + RIGHT_MIN || !core.bytes().all(|b| b.is_ascii_lowercase()) {
            return Vec::new();
        }
        let base = piece.range.start + lead;
        let mut at = 0;
        let mut out = Vec::new();
        let syllables: Vec<&str> =
            hypher::hyphenate_bounded(core, hypher::Lang::English, LEFT_MIN, RIGHT_MIN).collect();
        for s in &syllables[..syllables.len().saturating_sub(1)] {
            at += s.len();
            out.push(base + at);
        }
        out
    }

    /// Splits `piece` at `at` (a byte offset `hyphenation_points` gave) into the part before,
    /// a hyphen drawn at the line's end, and the part after, each shaped on its own. The hyphen
    /// stands for a soft hyphen (U+00AD) in the text, kept once at the paragraph's end, so
    /// extracted text and assistive technology read the word whole (PDF 32000-1, 14.8.2.2.3).
    pub fn hyphenate(&mut self, piece: &Piece, at: usize, fonts: &FontSet) -> [Piece; 3] {
        if !self.hyphen_at_end {
            self.hyphen_at_end = true;
            self.text.push(SOFT_HYPHEN);
        }
        let soft = self.text.len() - SOFT_HYPHEN.len_utf8();
        let item = Item {
            range: piece.range.clone(),
            font: piece.font,
            embolden: piece.embolden,
            level: piece.level,
            script: piece.script,
        };
        let face = fonts.get(item.font);
        let scale = self.size / face.units_per_em();
        let text = &self.text;
        shaping(face, false, item.script, |shape| {
            let mut part = |range: Range<usize>, glyphs: &str, break_after: bool| {
                let mut p = Piece::new(&item, &text[range.clone()], range, shape(glyphs), scale);
                p.break_after = break_after;
                p
            };
            let before = part(piece.range.start..at, &text[piece.range.start..at], false);
            let hyphen = part(soft..soft + SOFT_HYPHEN.len_utf8(), "-", true);
            let after = part(
                at..piece.range.end,
                &text[at..piece.range.end],
                piece.break_after,
            );
            [before, hyphen, after]
        })
    }
}

const SOFT_HYPHEN: char = '\u{AD}';
/// Letters a hyphenated word keeps before and after the break.
const LEFT_MIN: usize = 2;
const RIGHT_MIN: usize = 3;

/// Punctuation that may stand before or after a hyphenatable word.
fn is_word_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '"'
            | '\''
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}'
    )
}

/// The paragraph's text and, per byte, the face asked for. Collapses whitespace, normalises
/// to NFC, and replaces characters no face in the chain has with `REPLACEMENT`.
fn collect(
    spans: &[(&str, FontId)],
    fonts: &FontSet,
    missing: &mut Missing,
) -> (String, Vec<FontId>) {
    // Collapsing whitespace only shortens the text (NFC or a replacement character rarely
    // lengthens it): sized once.
    let len = spans.iter().map(|(s, _)| s.len()).sum();
    let mut out = Collected {
        text: String::with_capacity(len),
        preferred: Vec::with_capacity(len),
        pending_space: None,
    };
    for &(span, font) in spans {
        // ASCII (most of the copy) is NFC and in every chain's first face: only spaces need
        // looking at. Between two parts of the split there was one whitespace character.
        if span.is_ascii() {
            for (i, word) in span.split(|c: char| c.is_ascii_whitespace()).enumerate() {
                if i > 0 {
                    out.space(font);
                }
                if !word.is_empty() {
                    out.push(word, font);
                }
            }
            continue;
        }
        let nfc;
        let s: &str = if is_nfc_quick(span.chars()) == IsNormalized::Yes {
            span
        } else {
            nfc = span.nfc().collect::<String>();
            &nfc
        };
        for c in s.chars() {
            if c.is_whitespace() {
                out.space(font);
                continue;
            }
            let c = if c.is_ascii()
                || is_bidi_control(c)
                || is_invisible(c)
                || fonts.font_for(font, c).is_some()
            {
                c
            } else {
                missing.0.insert(c);
                REPLACEMENT
            };
            out.push(c.encode_utf8(&mut [0; 4]), font);
        }
    }
    (out.text, out.preferred)
}

/// The paragraph's text as it is collected: whitespace is held back as one pending space,
/// written only before the next word (so none leads or trails), in the face of the first
/// whitespace character.
#[derive(Default)]
struct Collected {
    text: String,
    /// Per byte of `text`.
    preferred: Vec<FontId>,
    pending_space: Option<FontId>,
}

impl Collected {
    fn space(&mut self, font: FontId) {
        if !self.text.is_empty() && self.pending_space.is_none() {
            self.pending_space = Some(font);
        }
    }

    /// `s`, which holds no whitespace, after the pending space.
    fn push(&mut self, s: &str, font: FontId) {
        if let Some(f) = self.pending_space.take() {
            self.text.push(' ');
            self.preferred.push(f);
        }
        self.text.push_str(s);
        self.preferred.extend(std::iter::repeat_n(font, s.len()));
    }
}

/// Byte offsets at which a line may end (UAX #14), excluding the paragraph's end.
fn break_positions(text: &str) -> Vec<usize> {
    unicode_linebreak::linebreaks(text)
        .map(|(i, _)| i)
        .filter(|&i| i < text.len())
        .collect()
}

/// A run of text in one face, level and script, not yet split at break opportunities.
struct Item {
    range: Range<usize>,
    font: FontId,
    embolden: bool,
    level: u8,
    script: Script,
}

/// Splits the text into items: a new one wherever the preferred face, the bidi level or the
/// script changes (spaces, digits and punctuation join the run around them), then gives each
/// the first face of its chain that has all its characters.
fn items(text: &str, preferred: &[FontId], levels: &[u8], fonts: &FontSet) -> Vec<Item> {
    // (range, preferred face, level, script) before faces are chosen: a paragraph has a few.
    let mut raw: Vec<(Range<usize>, FontId, u8, Script)> = Vec::with_capacity(4);
    let ascii = levels.is_empty() && text.is_ascii();
    if ascii {
        // Most of a report: left to right, ASCII letters are all Latin and the rest common,
        // so an item is a stretch in one preferred face.
        let bytes = text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let pf = preferred[start];
            let end = preferred[start..]
                .iter()
                .position(|&f| f != pf)
                .map_or(bytes.len(), |n| start + n);
            let script = if bytes[start..end].iter().any(u8::is_ascii_alphabetic) {
                Script::Latin
            } else {
                Script::Common
            };
            raw.push((start..end, pf, 0, script));
            start = end;
        }
    }
    for (i, c) in (if ascii { "" } else { text }).char_indices() {
        if is_bidi_control(c) {
            continue;
        }
        let (pf, level) = (preferred[i], levels.get(i).copied().unwrap_or(0));
        let sc = match script_of(c) {
            Script::Common | Script::Inherited | Script::Unknown => None,
            s => Some(s),
        };
        match raw.last_mut() {
            Some((r, f, l, s))
                if r.end == i
                    && *f == pf
                    && *l == level
                    && (sc.is_none() || *s == Script::Common || sc == Some(*s)) =>
            {
                r.end = i + c.len_utf8();
                if *s == Script::Common {
                    if let Some(sc) = sc {
                        *s = sc;
                    }
                }
            }
            _ => raw.push((i..i + c.len_utf8(), pf, level, sc.unwrap_or(Script::Common))),
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    for (range, pf, level, script) in raw {
        let s = &text[range.clone()];
        let visible = |c: &char| !is_invisible(*c);
        let item = |range: Range<usize>, font: FontId| Item {
            range,
            font,
            embolden: fonts.embolden(pf, font),
            level,
            script,
        };
        let whole = fonts.chain(pf).iter().copied().find(|&f| {
            let face = fonts.get(f);
            if s.is_ascii() {
                s.bytes().all(|b| face.has(b as char))
            } else {
                s.chars().filter(visible).all(|c| face.has(c))
            }
        });
        match whole {
            Some(font) if !has_inked_joiner(s, fonts.get(font)) => out.push(item(range, font)),
            // A face that draws a mark for a joiner (Noto Sans Arabic's ZWNJ is a bar): each
            // joiner is set alone in the first face whose joiner is blank. Set apart, the
            // letters either side do not join, which is what a ZWNJ asks for.
            Some(font) => {
                let mut start = range.start;
                for (i, c) in s.char_indices() {
                    let at = range.start + i;
                    if !is_joiner(c) {
                        continue;
                    }
                    let blank = fonts
                        .chain(pf)
                        .iter()
                        .copied()
                        .find(|&f| fonts.get(f).blank(c))
                        .unwrap_or(font);
                    let end = at + c.len_utf8();
                    out.extend(
                        [item(start..at, font), item(at..end, blank)]
                            .into_iter()
                            .filter(|it| !it.range.is_empty()),
                    );
                    start = end;
                }
                if start < range.end {
                    out.push(item(start..range.end, font));
                }
            }
            // No one face has it all (a name mixing scripts the faces split): a face per
            // stretch of characters, punctuation staying with the stretch before it.
            None => {
                let mut cur: Option<Item> = None;
                for (i, c) in s.char_indices() {
                    let at = range.start + i;
                    let keep = cur.as_ref().is_some_and(|it| {
                        !visible(&c)
                            || (fonts.get(it.font).has(c)
                                && (script_of(c) == Script::Common
                                    || fonts.font_for(pf, c) == Some(it.font)))
                    });
                    if keep {
                        if let Some(it) = cur.as_mut() {
                            it.range.end = at + c.len_utf8();
                        }
                        continue;
                    }
                    let font = fonts.font_for(pf, c).unwrap_or(FontId::REGULAR);
                    out.extend(cur.take());
                    cur = Some(item(at..at + c.len_utf8(), font));
                }
                out.extend(cur);
            }
        }
    }
    out
}

/// Cuts an item at spaces and break opportunities and shapes each piece.
fn split_and_shape(
    text: &str,
    item: Item,
    breaks: &[usize],
    size: f32,
    fonts: &FontSet,
    pieces: &mut Vec<Piece>,
) {
    let bytes = text.as_bytes();
    let face = fonts.get(item.font);
    let scale = size / face.units_per_em();
    let rtl = item.level % 2 == 1;
    shaping(face, rtl, item.script, |shape| {
        let mut push = |start: usize, end: usize, break_after: bool| {
            let word = &text[start..end];
            let mut p = Piece::new(&item, word, start..end, shape(word), scale);
            p.space = end - start == 1 && bytes[start] == b' ';
            p.break_after = break_after;
            pieces.push(p);
        };
        // Cut at each space (a piece of its own) and break opportunity. Break opportunities
        // sit after spaces or inside words, and are walked once beside the text.
        let (range, mut start) = (item.range.clone(), item.range.start);
        let mut b = breaks.partition_point(|&b| b <= range.start);
        let is_break = |b: &mut usize, at: usize| {
            while *b < breaks.len() && breaks[*b] < at {
                *b += 1;
            }
            breaks.get(*b) == Some(&at)
        };
        let mut at = range.start;
        while at < range.end {
            if bytes[at] == b' ' {
                if start < at {
                    push(start, at, is_break(&mut b, at));
                }
                push(at, at + 1, at + 1 == text.len() || is_break(&mut b, at + 1));
                at += 1;
                start = at;
                continue;
            }
            let next = at + utf8_len(bytes[at]);
            if next < range.end && bytes[next] != b' ' && is_break(&mut b, next) {
                push(start, next, true);
                start = next;
            }
            at = next;
        }
        if start < range.end {
            push(
                start,
                range.end,
                range.end == text.len() || is_break(&mut b, range.end),
            );
        }
    });
}

/// The length of the UTF-8 sequence a leading byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}
