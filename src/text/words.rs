//! The words of the built-in copy (templates, catalog, the sample's names and titles), shaped
//! in the built-in faces when the table was made, and read where they lie in the binary: a
//! cold `render --id` shapes only what the table lacks (the reader's own words), not the
//! report's 1,500 distinct words, two-fifths of its layout time. The table is exactly what the
//! shaper gives: a test shapes every entry again and compares, and fails when it covers too
//! little of a sample report (the copy changed) with the command that writes it anew.
//!
//! Format (little-endian): `RRW2`, the entry count, the bucket count (a power of two, at least
//! twice the entries), one u32 per bucket (an entry's offset from the first entry, or
//! `u32::MAX` for none: open addressing on the key's FNV-1a hash, probed linearly), then the
//! entries sorted by key. A lookup reads a bucket or two and one entry (a binary search read
//! thirteen places of a table no cache holds yet, a microsecond a word). An entry is its
//! key's length (u16), the key (the face's place among the built-in faces, 1 for
//! right-to-left, the script's four-letter code, the word), its glyph count (u16) and each
//! glyph as id, advance, x and y offset (i16) and cluster (u16).

use super::shape::UnitGlyph;
use std::rc::Rc;
use unicode_script::Script;

pub(super) const MAGIC: &[u8; 4] = b"RRW2";

const EMPTY: u32 = u32::MAX;

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
    if table.get(..4)? != MAGIC {
        return None;
    }
    let buckets = read_u32(table, 8)? as usize;
    if !buckets.is_power_of_two() {
        return None;
    }
    let entries = 12 + 4 * buckets;
    let mut b = hash(head, word) as usize & (buckets - 1);
    // At most every bucket once: a table without an empty bucket still ends.
    for _ in 0..buckets {
        let offset = read_u32(table, 12 + 4 * b)?;
        if offset == EMPTY {
            return None;
        }
        let at = entries + offset as usize;
        let len = read_u16(table, at)? as usize;
        let key = table.get(at + 2..at + 2 + len)?;
        if key.split_at_checked(head.len()) == Some((&head[..], word)) {
            return glyphs(table, at + 2 + len);
        }
        b = (b + 1) & (buckets - 1);
    }
    None
}

/// FNV-1a over the key's bytes: fixed here, as the table was written with it.
fn hash(head: &[u8; 6], word: &[u8]) -> u64 {
    head.iter()
        .chain(word)
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
        })
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
    let buckets = (kept.len() * 2).next_power_of_two();
    let mut index = vec![EMPTY; buckets];
    let mut entries = Vec::new();
    for (key, glyphs) in &kept {
        let (head, word) = key.split_at(6);
        let mut b = hash(head.try_into().unwrap(), word) as usize & (buckets - 1);
        while index[b] != EMPTY {
            b = (b + 1) & (buckets - 1);
        }
        index[b] = entries.len() as u32;
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
    out.extend((buckets as u32).to_le_bytes());
    for o in index {
        out.extend(o.to_le_bytes());
    }
    out.extend(entries);
    out
}

/// Every entry of the built-in table: key head, word, glyphs.
#[cfg(test)]
pub(super) fn entries() -> Vec<Entry> {
    let buckets = read_u32(TABLE, 8).unwrap_or(0) as usize;
    let base = 12 + 4 * buckets;
    let mut offsets: Vec<usize> = (0..buckets)
        .filter_map(|b| read_u32(TABLE, 12 + 4 * b))
        .filter(|&o| o != EMPTY)
        .map(|o| base + o as usize)
        .collect();
    offsets.sort_unstable();
    offsets
        .into_iter()
        .filter_map(|at| {
            let len = read_u16(TABLE, at)? as usize;
            let key = TABLE.get(at + 2..at + 2 + len)?;
            let head: [u8; 6] = key.get(..6)?.try_into().ok()?;
            let word = String::from_utf8(key[6..].to_vec()).ok()?;
            Some((head, word, glyphs(TABLE, at + 2 + len)?))
        })
        .collect()
}
