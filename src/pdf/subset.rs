//! Subsets a TrueType face to the glyphs a report shows. A CID font reaches its glyphs
//! through the CIDToGIDMap, so the subset needs neither a `cmap` nor glyph names: only the
//! outlines (`glyf`, `loca`), their metrics (`hmtx`, `hhea`), `head`, `maxp`, the hinting
//! programs if any, and a version 3 `post` (ISO 32000-1, 9.9). Glyphs are renumbered densely,
//! .notdef first, then the wanted glyphs in the order given, then the components composite
//! glyphs use.
//!
//! Subsets are cached by face and glyph list, deflated, for the whole process: a night's
//! reports show the same few hundred glyphs of the same faces, mostly in the same sets.

use anyhow::{anyhow, bail, ensure, Result};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A face's subset, as embedded.
pub(super) struct Subset {
    /// The TrueType program, deflated at `level`.
    pub(super) deflated: Vec<u8>,
    /// Its length before deflating (the stream's /Length1).
    pub(super) length: usize,
    /// The subset's glyph for each wanted glyph, in the order asked for.
    pub(super) glyphs: Vec<u16>,
}

/// Subsets cached before the cache starts again: some 10 KiB each.
const CACHE_LIMIT: usize = 128;

type Key = (usize, usize, u32, Vec<u16>);

/// The subset of `font` to `wanted` (glyph ids, no duplicates), deflated at `level`.
pub(super) fn subset(font: &'static [u8], wanted: &[u16], level: u32) -> Result<Arc<Subset>> {
    static CACHE: OnceLock<Mutex<FxHashMap<Key, Arc<Subset>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key: Key = (font.as_ptr() as usize, font.len(), level, wanted.to_vec());
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(hit.clone());
    }
    let (program, glyphs) = program(font, wanted)?;
    let subset = Arc::new(Subset {
        deflated: super::encode::deflate(&program, level)?,
        length: program.len(),
        glyphs,
    });
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, subset.clone());
    Ok(subset)
}

/// Tables copied as they are, when the face has them: the hinting programs.
const KEPT: [&[u8; 4]; 3] = [b"cvt ", b"fpgm", b"prep"];

/// The subset TrueType program and the new id of each wanted glyph.
pub(super) fn program(font: &[u8], wanted: &[u16]) -> Result<(Vec<u8>, Vec<u16>)> {
    let tables = super::sfnt::tables(font)
        .ok_or_else(|| anyhow!("not a TrueType font (only TrueType outlines can be embedded)"))?;
    let table = |tag: &[u8; 4]| {
        tables
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, d)| *d)
            .ok_or_else(|| {
                anyhow!(
                    "the font has no '{}' table (only TrueType outlines can be embedded)",
                    String::from_utf8_lossy(tag)
                )
            })
    };
    let (head, hhea, maxp, hmtx, loca, glyf) = (
        table(b"head")?,
        table(b"hhea")?,
        table(b"maxp")?,
        table(b"hmtx")?,
        table(b"loca")?,
        table(b"glyf")?,
    );
    ensure!(
        head.len() >= 54 && hhea.len() >= 36 && maxp.len() >= 6,
        "the font's head, hhea or maxp table is too short"
    );
    let be16 = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let count = be16(maxp, 4).unwrap_or(0) as usize;
    let long_loca = be16(head, 50) == Some(1);
    let offset = |gid: usize| -> Option<usize> {
        if long_loca {
            loca.get(gid * 4..gid * 4 + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        } else {
            be16(loca, gid * 2).map(|o| o as usize * 2)
        }
    };
    let outline = |gid: u16| -> Result<&[u8]> {
        let g = gid as usize;
        ensure!(g < count, "glyph {gid} is not in the font ({count} glyphs)");
        let (start, end) = offset(g)
            .zip(offset(g + 1))
            .ok_or_else(|| anyhow!("short loca"))?;
        if end <= start {
            return Ok(&[]);
        }
        glyf.get(start..end)
            .ok_or_else(|| anyhow!("glyph {gid} lies outside the glyf table"))
    };

    // The new numbering: .notdef, the wanted glyphs, then components as they are found.
    let mut order: Vec<u16> = Vec::with_capacity(wanted.len() + 1);
    let mut new_id: FxHashMap<u16, u16> = FxHashMap::default();
    let mut add = |gid: u16, order: &mut Vec<u16>| -> u16 {
        *new_id.entry(gid).or_insert_with(|| {
            order.push(gid);
            (order.len() - 1) as u16
        })
    };
    add(0, &mut order);
    let glyphs: Vec<u16> = wanted.iter().map(|&g| add(g, &mut order)).collect();
    let mut outlines: Vec<Vec<u8>> = Vec::with_capacity(order.len());
    let mut i = 0;
    while i < order.len() {
        let mut data = outline(order[i])?.to_vec();
        for at in components(&data)? {
            let old = u16::from_be_bytes([data[at], data[at + 1]]);
            let new = add(old, &mut order);
            data[at..at + 2].copy_from_slice(&new.to_be_bytes());
        }
        outlines.push(data);
        i += 1;
    }
    ensure!(order.len() <= u16::MAX as usize, "too many glyphs");

    let metrics = be16(hhea, 34).unwrap_or(0) as usize;
    ensure!(metrics > 0, "the font has no horizontal metrics");
    let metric = |gid: u16| -> Result<(u16, u16)> {
        let g = gid as usize;
        let advance = be16(hmtx, 4 * g.min(metrics - 1));
        let bearing = if g < metrics {
            be16(hmtx, 4 * g + 2)
        } else {
            be16(hmtx, 4 * metrics + 2 * (g - metrics))
        };
        advance
            .zip(bearing)
            .ok_or_else(|| anyhow!("glyph {gid} has no horizontal metrics"))
    };

    let mut new_glyf = Vec::with_capacity(outlines.iter().map(|o| o.len() + 3).sum());
    let mut new_loca = Vec::with_capacity(4 * (order.len() + 1));
    let mut new_hmtx = Vec::with_capacity(4 * order.len());
    for (&gid, data) in order.iter().zip(&outlines) {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        new_glyf.extend_from_slice(data);
        new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
        let (advance, bearing) = metric(gid)?;
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&bearing.to_be_bytes());
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let n = order.len() as u16;
    let mut new_head = head.to_vec();
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes());
    let mut new_hhea = hhea.to_vec();
    new_hhea[34..36].copy_from_slice(&n.to_be_bytes());
    let mut new_maxp = maxp.to_vec();
    new_maxp[4..6].copy_from_slice(&n.to_be_bytes());
    // post version 3: the header (italic angle, underline, fixed pitch) without names.
    let mut post = match table(b"post") {
        Ok(p) if p.len() >= 32 => p[..32].to_vec(),
        _ => vec![0; 32],
    };
    post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut out: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"maxp", new_maxp),
        (*b"hmtx", new_hmtx),
        (*b"loca", new_loca),
        (*b"glyf", new_glyf),
        (*b"post", post),
    ];
    for tag in KEPT {
        if let Ok(data) = table(tag) {
            out.push((*tag, data.to_vec()));
        }
    }
    Ok((super::sfnt::build(out), glyphs))
}

/// Byte offsets of the component glyph ids in a composite glyph's outline; none for a simple
/// glyph.
fn components(outline: &[u8]) -> Result<Vec<usize>> {
    const WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    let mut found = Vec::new();
    if outline.len() < 10 || i16::from_be_bytes([outline[0], outline[1]]) >= 0 {
        return Ok(found);
    }
    let mut at = 10;
    loop {
        let Some(flags) = outline.get(at..at + 2) else {
            bail!("a composite glyph ends inside a component");
        };
        let flags = u16::from_be_bytes([flags[0], flags[1]]);
        ensure!(
            at + 4 <= outline.len(),
            "a composite glyph ends inside a component"
        );
        found.push(at + 2);
        at += 4 + if flags & WORDS != 0 { 4 } else { 2 };
        at += if flags & SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Ok(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::fonts::{FontId, FontSet};

    /// The subset parses, has .notdef, the wanted glyphs (and the components of composite
    /// ones) with their outlines and advances, and nothing else.
    #[test]
    fn a_subset_keeps_the_wanted_glyphs_and_their_components() {
        let fonts = FontSet::builtin();
        let font = fonts.get(FontId::REGULAR);
        let face = ttf_parser::Face::parse(font.data, 0).unwrap();
        // "Ä" is a composite (A + dieresis) in Noto Sans.
        let wanted: Vec<u16> = "Hello Ä→"
            .chars()
            .filter_map(|c| face.glyph_index(c).map(|g| g.0))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let (program, glyphs) = super::program(font.data, &wanted).unwrap();
        let sub = ttf_parser::Face::parse(&program, 0).expect("the subset parses");
        assert_eq!(glyphs, (1..=wanted.len() as u16).collect::<Vec<_>>());
        assert!(
            sub.number_of_glyphs() as usize > wanted.len() + 1,
            "Ä's components are added: {} glyphs for {} wanted",
            sub.number_of_glyphs(),
            wanted.len()
        );
        for (&old, &new) in wanted.iter().zip(&glyphs) {
            let (old, new) = (ttf_parser::GlyphId(old), ttf_parser::GlyphId(new));
            assert_eq!(face.glyph_hor_advance(old), sub.glyph_hor_advance(new));
            // The outline, composites resolved through their renumbered components.
            assert_eq!(outline(&face, old), outline(&sub, new), "glyph {old:?}");
        }
        assert!(program.len() < font.data.len() / 10);
    }

    /// A glyph's outline as drawing commands.
    fn outline(face: &ttf_parser::Face, gid: ttf_parser::GlyphId) -> String {
        struct Path(String);
        impl ttf_parser::OutlineBuilder for Path {
            fn move_to(&mut self, x: f32, y: f32) {
                self.0 += &format!("M{x},{y}");
            }
            fn line_to(&mut self, x: f32, y: f32) {
                self.0 += &format!("L{x},{y}");
            }
            fn quad_to(&mut self, a: f32, b: f32, x: f32, y: f32) {
                self.0 += &format!("Q{a},{b},{x},{y}");
            }
            fn curve_to(&mut self, a: f32, b: f32, c: f32, d: f32, x: f32, y: f32) {
                self.0 += &format!("C{a},{b},{c},{d},{x},{y}");
            }
            fn close(&mut self) {
                self.0 += "Z";
            }
        }
        let mut path = Path(String::new());
        face.outline_glyph(gid, &mut path);
        path.0
    }
}
