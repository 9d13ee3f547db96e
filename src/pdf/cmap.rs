//! The two CMaps of an embedded face (see `embed::Encoding`): the encoding, code → CID,
//! which the font dictionary names instead of Identity-H, and ToUnicode, code → text. PDF/A
//! asks that an encoding CMap other than the predefined ones be embedded, not refer to
//! another CMap, and say the same writing mode (0, horizontal) in its dictionary and stream.

use super::embed::Encoding;
use std::fmt::Write;

/// An embedded face's CMaps, for the PDF's font dictionary named `resource`.
pub(super) struct Font {
    pub(super) resource: String,
    /// The encoding CMap's name.
    pub(super) name: String,
    pub(super) encoding: Vec<u8>,
    pub(super) to_unicode: Vec<u8>,
    /// CID → glyph of the subset, two bytes big-endian per CID.
    pub(super) cid_to_gid: Vec<u8>,
    /// The CID font's /W: first CID and the widths of the consecutive CIDs from it.
    pub(super) widths: Vec<(u16, Vec<f32>)>,
}

impl Font {
    pub(super) fn of(face: &super::embed::Face) -> Font {
        let name = format!("{}-RR", face.tag);
        let enc = &face.encoding;
        let last = enc.codes.last().map_or(0, |c| c.code as usize);
        let mut cid_to_gid = vec![0u8; (last + 1) * 2];
        let mut widths: Vec<(u16, Vec<f32>)> = Vec::new();
        for c in &enc.codes {
            let i = c.code as usize * 2;
            cid_to_gid[i..i + 2].copy_from_slice(&c.glyph.to_be_bytes());
            match widths.last_mut() {
                Some((first, run)) if *first as usize + run.len() == c.code as usize => {
                    run.push(c.width)
                }
                _ => widths.push((c.code, vec![c.width])),
            }
        }
        Font {
            encoding: encoding(&name, enc),
            to_unicode: to_unicode(enc),
            resource: face.id.clone(),
            name,
            cid_to_gid,
            widths,
        }
    }
}

/// Entries per `begin…`/`end…` block: the CMap format's limit.
const BLOCK: usize = 100;

/// The encoding CMap's program: each code is its own CID, as one range per run of
/// consecutive codes.
pub(super) fn encoding(name: &str, enc: &Encoding) -> Vec<u8> {
    let mut ranges: Vec<(u16, u16, u16)> = Vec::new();
    for c in &enc.codes {
        match ranges.last_mut() {
            Some((_, last, _)) if *last + 1 == c.code => *last = c.code,
            _ => ranges.push((c.code, c.code, c.code)),
        }
    }
    let mut out = header(
        name,
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def\n",
        1,
        enc.one_byte,
    );
    for block in ranges.chunks(BLOCK) {
        let _ = writeln!(out, "{} begincidrange", block.len());
        for &(first, last, cid) in block {
            code(&mut out, first, enc.one_byte);
            out.push(' ');
            code(&mut out, last, enc.one_byte);
            let _ = writeln!(out, " {cid}");
        }
        out.push_str("endcidrange\n");
    }
    out.push_str(FOOTER);
    out.into_bytes()
}

/// The ToUnicode CMap's program: each code's text in UTF-16BE.
pub(super) fn to_unicode(enc: &Encoding) -> Vec<u8> {
    let mut out = header(
        "Adobe-Identity-UCS",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n",
        2,
        enc.one_byte,
    );
    for block in enc.codes.chunks(BLOCK) {
        let _ = writeln!(out, "{} beginbfchar", block.len());
        for c in block {
            code(&mut out, c.code, enc.one_byte);
            out.push_str(" <");
            for unit in c.text.encode_utf16() {
                let _ = write!(out, "{unit:04X}");
            }
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str(FOOTER);
    out.into_bytes()
}

fn header(name: &str, system: &str, kind: u8, one_byte: bool) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
    out.push_str(system);
    let _ = writeln!(out, "/CMapName /{name} def\n/CMapType {kind} def");
    if kind == 1 {
        out.push_str("/WMode 0 def\n");
    }
    out.push_str("1 begincodespacerange\n");
    out.push_str(if one_byte {
        "<00> <FF>"
    } else {
        "<0000> <FFFF>"
    });
    out.push_str("\nendcodespacerange\n");
    out
}

const FOOTER: &str = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

fn code(out: &mut String, code: u16, one_byte: bool) {
    let _ = if one_byte {
        write!(out, "<{code:02X}>")
    } else {
        write!(out, "<{code:04X}>")
    };
}
