//! Reads and writes the table directory of a TrueType program (sfnt): `subset` takes a
//! face's tables apart and builds the embedded program from the ones a PDF needs.

/// The tables of a TrueType program (sfnt version 1.0), as (tag, bytes); `None` if it is
/// not one or its directory points outside it.
pub(super) fn tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let u16_at = |i: usize| Some(u16::from_be_bytes(font.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_be_bytes(font.get(i..i + 4)?.try_into().ok()?));
    if u32_at(0)? != 0x0001_0000 {
        return None;
    }
    let count = u16_at(4)? as usize;
    let mut tables = Vec::with_capacity(count);
    for k in 0..count {
        let record = 12 + 16 * k;
        let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
        let (offset, length) = (u32_at(record + 8)? as usize, u32_at(record + 12)? as usize);
        tables.push((tag, font.get(offset..offset.checked_add(length)?)?));
    }
    Some(tables)
}

/// A TrueType program of `tables`: the directory sorted by tag, each table's checksum, and
/// `head`'s checksum adjustment.
pub(super) fn build<T: AsRef<[u8]>>(mut tables: Vec<([u8; 4], T)>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros().min(15));
    let size: usize = tables.iter().map(|t| t.1.as_ref().len() + 3).sum();
    let mut out = Vec::with_capacity(12 + 16 * tables.len() + size);
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [
        n,
        power * 16,
        power.trailing_zeros() as u16,
        n * 16 - power * 16,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        let data = data.as_ref();
        out.extend_from_slice(tag);
        let mut sum = checksum(data);
        if tag == b"head" && data.len() >= 12 {
            // head's checksum is taken with its adjustment word zeroed.
            sum = sum.wrapping_sub(checksum(&data[8..12]));
            head_at = Some(offset);
        }
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (tag, data) in &tables {
        let data = data.as_ref();
        let start = out.len();
        out.extend_from_slice(data);
        if tag == b"head" && data.len() >= 12 {
            out[start + 8..start + 12].fill(0);
        }
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The sfnt checksum: the sum of the big-endian 32-bit words, the last one zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    /// A face rebuilt without its `name` table still parses (ttf-parser, as rustybuzz reads
    /// faces), keeps its glyphs and metrics, and has every checksum right.
    #[test]
    fn a_rebuilt_face_keeps_its_glyphs_and_checksums() {
        let fonts = crate::fonts::FontSet::builtin();
        let font = fonts.get(crate::fonts::FontId::REGULAR);
        let tables = super::tables(font.data).expect("Noto Sans is TrueType");
        let trimmed = super::build(tables.into_iter().filter(|t| &t.0 != b"name").collect());
        assert!(trimmed.len() < font.data.len());
        let (a, b) = (
            ttf_parser::Face::parse(font.data, 0).unwrap(),
            ttf_parser::Face::parse(&trimmed, 0).expect("the trimmed face parses"),
        );
        assert!(b.names().is_empty() && !a.names().is_empty());
        assert_eq!(a.number_of_glyphs(), b.number_of_glyphs());
        for gid in (0..a.number_of_glyphs())
            .step_by(7)
            .map(ttf_parser::GlyphId)
        {
            assert_eq!(a.glyph_hor_advance(gid), b.glyph_hor_advance(gid));
            assert_eq!(a.glyph_bounding_box(gid), b.glyph_bounding_box(gid));
        }
        // Every table's checksum, and the whole font's (0xB1B0AFBA with head's adjustment).
        let count = u16::from_be_bytes([trimmed[4], trimmed[5]]) as usize;
        for k in 0..count {
            let r = &trimmed[12 + 16 * k..28 + 16 * k];
            let word = |i: usize| u32::from_be_bytes(r[i..i + 4].try_into().unwrap());
            let (offset, length) = (word(8) as usize, word(12) as usize);
            let mut data = trimmed[offset..offset + length].to_vec();
            if &r[..4] == b"head" {
                data[8..12].fill(0);
            }
            assert_eq!(super::checksum(&data), word(4), "{:?}", &r[..4]);
        }
        assert_eq!(super::checksum(&trimmed), 0xB1B0_AFBA);
    }
}
