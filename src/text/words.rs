//! The words of the built-in copy (templates, catalog, the sample's names and titles), shaped
//! in the built-in faces when the table was made, and read where they lie in the binary: a
//! cold `render --id` shapes only what the table lacks (the reader's own words), not the
//! report's 1,500 distinct words, two-fifths of its layout time. The table is exactly what the
//! shaper gives: a test shapes every entry again and compares, and fails when it covers too
//! little of a sample report (the copy changed) with the command that writes it anew.
//!
//! Format (little-endian): `RRW1`, the entry count, one offset per entry (from the first
//! entry), then the entries sorted by key. An entry is its key's length (u16), the key (the
//! face's place among the built-in faces, 1 for right-to-left, the script's four-letter
//! code, the word), its glyph count (u16) and each glyph as id, advance, x and y offset (i16)
//! and cluster (u16).

use super::shape::UnitGlyph;
use std::cmp::Ordering;
use std::rc::Rc;
use unicode_script::Script;

pub(super) const MAGIC: &[u8; 4] = b"RRW1";

/// Bytes of one glyph in the table.
const GLYPH: usize = 10;

/// Words longer than this are not kept (a cluster must fit its u16, and no word of the copy
/// comes near).
#[cfg(test)]
const MAX_WORD: usize = 255;

/// A pre-shaped word: its key's fixed part (`head`), the word, its glyphs.
#[cfg(test)]
pub(super) type Entry = ([u8; 6], String, Rc<[UnitGlyph]>);

static TABLE: &[u8] = include_bytes!("../../fonts/shaped-copy.bin");

/// The key's fixed part: face, direction, script.
pub(super) fn head(face: u8, rtl: bool, script: Script) -> [u8; 6] {
    let s = script.short_name().as_bytes();
    let mut h = [face, rtl as u8, b' ', b' ', b' ', b' '];
    for (d, c) in h[2..].iter_mut().zip(s) {
        *d = *c;
    }
    h
}

/// The glyphs of `word` in built-in face `face`, if the table has them.
pub(super) fn find(face: u8, rtl: bool, script: Script, word: &str) -> Option<Rc<[UnitGlyph]>> {
    find_in(TABLE, &head(face, rtl, script), word.as_bytes())
}

fn find_in(table: &[u8], head: &[u8; 6], word: &[u8]) -> Option<Rc<[UnitGlyph]>> {
    let count = read_u32(table, 4)? as usize;
    if table.get(..4)? != MAGIC {
        return None;
    }
    let entries = 8 + 4 * count;
    let (mut lo, mut hi) = (0, count);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let at = entries + read_u32(table, 8 + 4 * mid)? as usize;
        let len = read_u16(table, at)? as usize;
        let key = table.get(at + 2..at + 2 + len)?;
        match compare(key, head, word) {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => return glyphs(table, at + 2 + len),
        }
    }
    None
}

/// `key` against `head` followed by `word`, as bytes.
fn compare(key: &[u8], head: &[u8; 6], word: &[u8]) -> Ordering {
    let (h, w) = key.split_at(key.len().min(head.len()));
    h.cmp(head).then_with(|| w.cmp(word))
}

fn glyphs(table: &[u8], at: usize) -> Option<Rc<[UnitGlyph]>> {
    let n = read_u16(table, at)? as usize;
    let bytes = table.get(at + 2..at + 2 + n * GLYPH)?;
    Some(
        bytes
            .chunks_exact(GLYPH)
            .map(|g| {
                let i16_at = |i: usize| i16::from_le_bytes([g[i], g[i + 1]]) as i32;
                UnitGlyph {
                    id: u16::from_le_bytes([g[0], g[1]]),
                    advance: i16_at(2),
                    dx: i16_at(4),
                    dy: i16_at(6),
                    cluster: u16::from_le_bytes([g[8], g[9]]) as u32,
                }
            })
            .collect(),
    )
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The table for `words` (key, glyphs): sorted, each word once. A word whose glyphs do not fit
/// the table's fields is left out (shaped when asked for, like any word not in it).
#[cfg(test)]
pub(super) fn table(words: &[Entry]) -> Vec<u8> {
    let fits = |g: &UnitGlyph| {
        [g.advance, g.dx, g.dy]
            .iter()
            .all(|v| i16::try_from(*v).is_ok())
            && u16::try_from(g.cluster).is_ok()
    };
    let mut kept: Vec<(Vec<u8>, &Rc<[UnitGlyph]>)> = words
        .iter()
        .filter(|(_, w, g)| w.len() <= MAX_WORD && g.iter().all(fits))
        .map(|(h, w, g)| ([&h[..], w.as_bytes()].concat(), g))
        .collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    kept.dedup_by(|a, b| a.0 == b.0);
    let mut entries = Vec::new();
    let mut offsets = Vec::new();
    for (key, glyphs) in &kept {
        offsets.push(entries.len() as u32);
        entries.extend((key.len() as u16).to_le_bytes());
        entries.extend(key);
        entries.extend((glyphs.len() as u16).to_le_bytes());
        for g in glyphs.iter() {
            entries.extend(g.id.to_le_bytes());
            for v in [g.advance, g.dx, g.dy] {
                entries.extend((v as i16).to_le_bytes());
            }
            entries.extend((g.cluster as u16).to_le_bytes());
        }
    }
    let mut out = MAGIC.to_vec();
    out.extend((kept.len() as u32).to_le_bytes());
    for o in offsets {
        out.extend(o.to_le_bytes());
    }
    out.extend(entries);
    out
}

/// Every entry of the built-in table: key head, word, glyphs.
#[cfg(test)]
pub(super) fn entries() -> Vec<Entry> {
    let count = read_u32(TABLE, 4).unwrap_or(0) as usize;
    let base = 8 + 4 * count;
    (0..count)
        .filter_map(|i| {
            let at = base + read_u32(TABLE, 8 + 4 * i)? as usize;
            let len = read_u16(TABLE, at)? as usize;
            let key = TABLE.get(at + 2..at + 2 + len)?;
            let head: [u8; 6] = key.get(..6)?.try_into().ok()?;
            let word = String::from_utf8(key[6..].to_vec()).ok()?;
            Some((head, word, glyphs(TABLE, at + 2 + len)?))
        })
        .collect()
}
