//! Shaping one piece of text (one face, one direction, one script) with rustybuzz. Results are
//! kept per thread in font units, keyed by face, direction, script and text: a night's reports
//! share most of their words, and a shape plan costs far more to build than to use.

use crate::fonts::Font;
use rustc_hash::FxHashMap as HashMap;
use rustybuzz::{Direction, ShapePlan, UnicodeBuffer};
use std::cell::RefCell;
use std::rc::Rc;
use unicode_script::Script;

/// A glyph as the shaper gives it, in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct UnitGlyph {
    pub id: u16,
    pub advance: i32,
    pub dx: i32,
    pub dy: i32,
    /// Byte offset of its cluster in the shaped text.
    pub cluster: u32,
}

/// Words cached per thread before the cache starts again: enough for every word of every
/// template and a night's names, small enough (a few MiB) not to matter.
const CACHE_LIMIT: usize = 60_000;

/// Face (by its bytes' address), direction, script.
type Setting = (usize, bool, Script);

#[derive(Default)]
struct Cache {
    /// Per setting, the shaped words: looked up by `&str`, so a hit allocates nothing.
    words: HashMap<Setting, HashMap<Box<str>, Rc<[UnitGlyph]>>>,
    plans: HashMap<Setting, Rc<ShapePlan>>,
    len: usize,
    /// The space between words, a third of all pieces, per face: found without hashing.
    spaces: Vec<(usize, Rc<[UnitGlyph]>)>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// Runs `f` with a shaper for one setting (face, direction, script). The shaper gives a
/// text's glyphs in visual order (left to right, so reversed for right-to-left text), clusters
/// as byte offsets into the text. The cache is borrowed and the setting's words and plan found
/// once for all the words of an item, not once per word.
pub(super) fn shaping<R>(
    font: &Font,
    rtl: bool,
    script: Script,
    f: impl FnOnce(&mut dyn FnMut(&str) -> Rc<[UnitGlyph]>) -> R,
) -> R {
    // The face's bytes identify it across font sets (a --font-dir set renumbers nothing built
    // in, but its own faces get ids another set may give other faces).
    let face_key = font.data.as_ptr() as usize;
    let setting = (face_key, rtl, script);
    CACHE.with_borrow_mut(|cache| {
        if cache.len >= CACHE_LIMIT {
            cache.words.clear();
            cache.len = 0;
        }
        let plan = cache
            .plans
            .entry(setting)
            .or_insert_with(|| Rc::new(plan(font, rtl, script)))
            .clone();
        let space = match cache.spaces.iter().find(|(k, _)| *k == face_key) {
            Some((_, g)) => g.clone(),
            None => {
                let g = run(font, &plan, rtl, script, " ");
                cache.spaces.push((face_key, g.clone()));
                g
            }
        };
        let Cache { words, len, .. } = cache;
        let words = words.entry(setting).or_default();
        let mut shape = |text: &str| -> Rc<[UnitGlyph]> {
            if text == " " {
                return space.clone();
            }
            #[cfg(test)]
            asked::note(font.builtin, rtl, script, text);
            if let Some(g) = words.get(text) {
                return g.clone();
            }
            let glyphs = font
                .builtin
                .and_then(|face| super::words::find(face, rtl, script, text))
                .unwrap_or_else(|| run(font, &plan, rtl, script, text));
            words.insert(Box::from(text), glyphs.clone());
            *len += 1;
            glyphs
        };
        f(&mut shape)
    })
}

fn direction(rtl: bool) -> Direction {
    if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    }
}

fn hb_script(script: Script) -> Option<rustybuzz::Script> {
    let tag = script.short_name().as_bytes();
    let tag: [u8; 4] = tag.try_into().ok()?;
    rustybuzz::Script::from_iso15924_tag(rustybuzz::ttf_parser::Tag::from_bytes(&tag))
}

pub(super) fn plan(font: &Font, rtl: bool, script: Script) -> ShapePlan {
    ShapePlan::new(font.shaper(), direction(rtl), hb_script(script), None, &[])
}

/// Characters shaped at once. rustybuzz numbers the glyphs of an Indic syllable in a byte and
/// panics past 255 (HarfBuzz wraps); a word typed as a hundred vowel signs is one syllable.
/// Longer words are shaped in stretches cut between grapheme clusters where they can be.
const CHUNK: usize = 64;

pub(super) fn run(
    font: &Font,
    plan: &ShapePlan,
    rtl: bool,
    script: Script,
    text: &str,
) -> Rc<[UnitGlyph]> {
    if text.len() <= CHUNK || text.chars().count() <= CHUNK {
        return run_one(font, plan, rtl, script, text).into();
    }
    let mut chunks: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut chars) = (0, 0);
    for (at, g) in unicode_segmentation::UnicodeSegmentation::grapheme_indices(text, true) {
        for (i, _) in g.char_indices() {
            // A grapheme cluster longer than a chunk is cut between its characters.
            if chars == CHUNK || (i == 0 && chars + g.chars().count() > CHUNK && chars > 0) {
                chunks.push(start..at + i);
                (start, chars) = (at + i, 0);
            }
            chars += 1;
        }
    }
    chunks.push(start..text.len());
    if rtl {
        chunks.reverse();
    }
    let mut out = Vec::with_capacity(text.len());
    for r in chunks {
        let base = r.start as u32;
        out.extend(
            run_one(font, plan, rtl, script, &text[r])
                .into_iter()
                .map(|g| UnitGlyph {
                    cluster: g.cluster + base,
                    ..g
                }),
        );
    }
    out.into()
}

fn run_one(font: &Font, plan: &ShapePlan, rtl: bool, script: Script, text: &str) -> Vec<UnitGlyph> {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(direction(rtl));
    if let Some(s) = hb_script(script) {
        buffer.set_script(s);
    }
    // Joiners (Persian ZWNJ, Indic ZWJ) keep the face's own glyph, so each glyph still stands
    // for its own character in the PDF's ToUnicode map (hidden, they would borrow the space
    // glyph and read as a space). The paragraph only gives a face a joiner whose glyph is
    // blank.
    let joiners = text
        .chars()
        .filter(|c| matches!(c, '\u{200C}' | '\u{200D}'));
    if joiners.clone().next().is_some() && joiners.into_iter().all(|c| font.blank(c)) {
        buffer.set_flags(rustybuzz::BufferFlags::PRESERVE_DEFAULT_IGNORABLES);
    }
    let out = rustybuzz::shape_with_plan(font.shaper(), plan, buffer);
    out.glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| UnitGlyph {
            id: info.glyph_id as u16,
            advance: pos.x_advance,
            dx: pos.x_offset,
            dy: pos.y_offset,
            cluster: info.cluster,
        })
        .collect()
}

/// The words a thread asked the shaper for in built-in faces, while noting: the copy's words
/// that `words` keeps shaped.
#[cfg(test)]
pub(super) mod asked {
    use std::cell::RefCell;
    use std::collections::BTreeSet;
    use unicode_script::Script;

    pub type Asked = BTreeSet<([u8; 6], String)>;

    thread_local! {
        static NOTED: RefCell<Option<Asked>> = const { RefCell::new(None) };
    }

    pub fn note(face: Option<u8>, rtl: bool, script: Script, text: &str) {
        let Some(face) = face else { return };
        NOTED.with_borrow_mut(|n| {
            if let Some(n) = n {
                n.insert((
                    super::super::words::head(face, rtl, script),
                    text.to_string(),
                ));
            }
        });
    }

    /// What `f` asked for, on this thread.
    pub fn during(f: impl FnOnce()) -> Asked {
        NOTED.with_borrow_mut(|n| *n = Some(Asked::new()));
        f();
        NOTED.with_borrow_mut(|n| n.take()).unwrap_or_default()
    }
}
