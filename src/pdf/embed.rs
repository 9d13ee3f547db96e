//! Embeds the faces the document's text uses, under resource names that are stable for the
//! same glyphs: printpdf's own font ids are random, and it takes the subset tag (`ABCDEF+`)
//! from the first six letters of the id, so the id decides both determinism and the tag.
//!
//! printpdf subsets each face to the glyphs its pages show and renumbers them; the content
//! streams are written here (see `pen`), so they need that numbering. It is read back from
//! printpdf itself: the first page hands printpdf a "probe", each face's used characters in
//! one text-showing op, and printpdf encodes them with its subset's codes. The probe's
//! stream is then replaced by the real page content like every other page's.

use crate::fonts::{FontId, FontSet};
use crate::page::{Document, Item};
use anyhow::{anyhow, bail, ensure, Result};
use printpdf::{Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, Pt, TextItem};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Code points whose glyph ids are tabulated once per process: Latin, Greek, Cyrillic,
/// Vietnamese, punctuation, currency, arrows (U+0000–U+21FF). Others are looked up each time.
const FAST_RANGE: usize = 0x2200;

/// No glyph recorded for this glyph id.
const UNUSED: u32 = u32::MAX;

/// One embedded face of the document being written.
pub(super) struct Face {
    /// The resource name (and, by its first six letters, the subset tag).
    pub(super) id: printpdf::FontId,
    glyphs: &'static Glyphs,
    /// Glyph id → the character shown with it (`UNUSED` if none), as printpdf records it.
    used: Vec<u32>,
    /// Glyph id → the code of that glyph in the embedded subset.
    codes: Vec<u16>,
    /// Whether any glyph is shown: printpdf drops faces none of whose glyphs are.
    shown: bool,
}

/// The face for each `FontId` of the set; `None` for faces no run uses.
pub(super) type Faces = Vec<Option<Face>>;

impl Face {
    /// Records the glyphs of text that will be shown in this face.
    fn note(&mut self, text: &str) {
        for c in text.chars() {
            if let Some(gid) = self.glyphs.gid(c) {
                let gid = gid as usize;
                if gid >= self.used.len() {
                    self.used.resize(gid + 1, UNUSED);
                }
                self.used[gid] = c as u32;
                self.shown = true;
            }
        }
    }

    /// Whether printpdf embeds the face: it drops faces none of whose glyphs are shown.
    pub(super) fn embedded(&self) -> bool {
        self.shown
    }

    /// The code the content stream shows `c` with; 0 (.notdef) when the face lacks it.
    pub(super) fn code(&self, c: char) -> u16 {
        match self.glyphs.gid(c) {
            Some(gid) => self.codes.get(gid as usize).copied().unwrap_or(0),
            None => 0,
        }
    }

    /// The used characters, one per glyph in glyph order.
    fn probe_text(&self) -> String {
        self.used
            .iter()
            .filter(|&&c| c != UNUSED)
            .filter_map(|&c| char::from_u32(c))
            .collect()
    }
}

/// Registers with printpdf a face for each font the document's text uses, with the glyphs
/// the pages show noted (see `Face::note`).
pub(super) fn embed(pdf: &mut PdfDocument, doc: &Document, fonts: &FontSet) -> Result<Faces> {
    let mut faces: Faces = (0..fonts.len()).map(|_| None).collect();
    for (page, run) in doc
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.items.iter().map(move |item| (i, item)))
    {
        let Item::Text(run) = run else { continue };
        if run.text.is_empty() {
            continue;
        }
        let Some(slot) = faces.get_mut(run.font.0 as usize) else {
            bail!(
                "page {}: text {:?} uses font {} but the font set has {}",
                page + 1,
                run.text,
                run.font.0,
                fonts.len()
            );
        };
        if slot.is_none() {
            let font = fonts.get(run.font);
            let glyphs = glyphs(font.data).ok_or_else(|| {
                anyhow!(
                    "font {} cannot be embedded: printpdf cannot parse it",
                    font.name
                )
            })?;
            *slot = Some(Face {
                id: printpdf::FontId(String::new()),
                glyphs,
                used: Vec::new(),
                codes: Vec::new(),
                shown: false,
            });
        }
        if super::text::shows(run) {
            if let Some(face) = slot {
                face.note(&run.text);
            }
        }
    }

    for (index, face) in faces.iter_mut().enumerate() {
        let Some(face) = face else { continue };
        let font = fonts.get(FontId(index as u16));
        // Same face and same glyphs (the same subset) give the same tag; the index suffix
        // keeps two faces apart even if their tags collide.
        let mut hash = Sha256::new();
        for (gid, &c) in face.used.iter().enumerate().filter(|(_, &c)| c != UNUSED) {
            hash.update((gid as u16).to_le_bytes());
            hash.update(c.to_le_bytes());
        }
        let digest = hash.chain_update(font.name.as_bytes()).finalize();
        let tag: String = digest
            .iter()
            .take(6)
            .map(|b| (b'A' + b % 26) as char)
            .collect();
        face.id = printpdf::FontId(format!("{tag}{index}"));
        pdf.resources
            .fonts
            .map
            .insert(face.id.clone(), PdfFont::new(face.glyphs.parsed.clone()));
    }
    Ok(faces)
}

/// Ops that make printpdf subset each face to the glyphs `note`d and show them once each,
/// in glyph order. They go on the first page, whose content `read_probe` then replaces.
pub(super) fn probe(faces: &Faces) -> Vec<Op> {
    let mut ops = Vec::new();
    for face in faces.iter().flatten().filter(|f| f.embedded()) {
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(face.id.clone()),
                size: Pt(10.0),
            },
            Op::ShowText {
                items: vec![TextItem::Text(face.probe_text())],
            },
            Op::EndTextSection,
        ]);
    }
    ops
}

/// Reads each face's subset codes from printpdf's encoding of the `probe`: one hex string
/// per embedded face, in face order, one four-digit code per used glyph in glyph order.
pub(super) fn read_probe(faces: &mut Faces, stream: &[u8]) -> Result<()> {
    let mut strings = stream.split(|&b| b == b'<').skip(1).map(|s| {
        let end = s.iter().position(|&b| b == b'>').unwrap_or(s.len());
        &s[..end]
    });
    for face in faces.iter_mut().flatten().filter(|f| f.embedded()) {
        let hex = strings
            .next()
            .ok_or_else(|| anyhow!("printpdf did not encode the glyphs of {}", face.id.0))?;
        let glyph_count = face.used.iter().filter(|&&c| c != UNUSED).count();
        ensure!(
            hex.len() == glyph_count * 4,
            "printpdf encoded {} glyphs of {} as {} hex digits",
            glyph_count,
            face.id.0,
            hex.len()
        );
        let mut codes = vec![0u16; face.used.len()];
        let mut digits = hex.chunks_exact(4);
        for (gid, &c) in face.used.iter().enumerate() {
            if c == UNUSED {
                continue;
            }
            let code = digits.next().and_then(|d| {
                std::str::from_utf8(d)
                    .ok()
                    .and_then(|d| u16::from_str_radix(d, 16).ok())
            });
            codes[gid] = code.ok_or_else(|| anyhow!("printpdf wrote a bad glyph code"))?;
        }
        face.codes = codes;
    }
    Ok(())
}

/// A parsed face and its character → glyph id table. Parsing costs far more than anything
/// else about a face, and the set's bytes live for the whole process, so each face is parsed
/// once and shared by every document and thread.
struct Glyphs {
    parsed: ParsedFont,
    /// Glyph id of each code point below `FAST_RANGE`, as printpdf looks it up.
    fast: Vec<Option<u16>>,
}

impl Glyphs {
    /// The glyph id printpdf uses for `c` (its own cmap lookup, so subsets match).
    fn gid(&self, c: char) -> Option<u16> {
        match self.fast.get(c as usize) {
            Some(&gid) => gid,
            None => self.parsed.lookup_glyph_index(c as u32),
        }
    }
}

fn glyphs(data: &'static [u8]) -> Option<&'static Glyphs> {
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), &'static Glyphs>>> = OnceLock::new();
    let key = (data.as_ptr() as usize, data.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(&glyphs) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some(glyphs);
    }
    let parsed = ParsedFont::from_bytes(data, 0, &mut Vec::new())?;
    let fast = (0..FAST_RANGE as u32)
        .map(|c| parsed.lookup_glyph_index(c))
        .collect();
    // Fonts are few and live as long as the process, like the bytes they are parsed from.
    let glyphs: &'static Glyphs = Box::leak(Box::new(Glyphs { parsed, fast }));
    Some(
        *cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert(glyphs),
    )
}
