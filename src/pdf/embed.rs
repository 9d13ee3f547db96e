//! Embeds the faces the document's text uses, under resource names that are stable for the
//! same glyphs: printpdf's own font ids are random, and it takes the subset tag (`ABCDEF+`)
//! from the first six letters of the id, so the id decides both determinism and the tag.
//!
//! Runs arrive shaped, as glyph ids (ligatures, Arabic joining forms and Indic conjuncts have
//! no character of their own). printpdf subsets each face to the glyphs its pages show and
//! renumbers them; the content streams are written here (see `pen`), so they need that
//! numbering. It is read back from printpdf itself: the first page hands printpdf a "probe",
//! each face's used glyphs in one text-showing op, and printpdf encodes them with its
//! subset's codes. The probe's stream is then replaced by the real page content like every
//! other page's. The codes the content streams show are then ours (`Encoding`, written as
//! CMaps by `cmap`). Each glyph's ToUnicode text is the character the face maps to it, else
//! the text of the first cluster it was shown for; a one-glyph run standing for other text
//! (the soft hyphen at a break) gets a second code with that text, and other runs whose
//! glyphs do not spell their text get `/ActualText` (see `text`).

use crate::fonts::{Font, FontId, FontSet};
use crate::page::{Document, Item, TextRun};
use anyhow::{anyhow, bail, ensure, Result};
use printpdf::{Codepoint, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, Pt, TextItem};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The ToUnicode text of a glyph that stands for no character of its own.
const NOTHING: &str = "\u{200B}";

/// One embedded face of the document being written.
pub(super) struct Face<'f> {
    /// The resource name (and, by its first six letters, the subset tag).
    pub(super) id: printpdf::FontId,
    pub(super) font: &'f Font,
    parsed: &'static ParsedFont,
    /// Glyph id → the text it stands for in ToUnicode (`None` for glyphs not shown); a
    /// table, not a map: it is read for every glyph of every run.
    used: Vec<Option<Box<str>>>,
    /// Glyph id → its width in the embedded font's /W, in thousandths of an em.
    widths: Vec<f32>,
    /// Glyph id → the glyph's CID in printpdf's subset, then (after `read_probe`) the code
    /// the content streams show it with (0 for glyphs not shown).
    codes: Vec<u16>,
    /// Single-glyph runs whose text is not the glyph's ToUnicode text (the soft hyphen a line
    /// break adds is drawn with the hyphen's glyph): the glyph gets a second code of its own
    /// with that text, so the run spells its text without a `/Span` (see `Encoding`).
    aliases: Vec<(u16, Box<str>, u16)>,
    /// The encoding of the shown codes, decided by `read_probe`.
    pub(super) encoding: Encoding,
}

/// How the content streams encode one face's glyphs: our own CMap rather than Identity-H,
/// so most faces (a report shows some 100 glyphs of a face) take one byte per glyph instead
/// of two, the space can be code 32, which word spacing (`Tw`) applies to, and a glyph can
/// have a second code with other text (`Face::aliases`). Text is most of a report's bytes.
#[derive(Default)]
pub(super) struct Encoding {
    /// One byte per code; else two.
    pub(super) one_byte: bool,
    /// The glyph whose code is 32 (one byte only): the space, which `Tw` widens.
    pub(super) space: Option<u16>,
    /// The codes in use, in code order.
    pub(super) codes: Vec<Code>,
}

/// One code of an `Encoding`. Its CID is the code itself (the CID font maps CIDs to the
/// subset's glyphs with a CIDToGIDMap), because text extractors such as poppler's take the
/// CID for the code when they apply word spacing, which is for code 32.
pub(super) struct Code {
    pub(super) code: u16,
    /// The glyph in printpdf's subset.
    pub(super) glyph: u16,
    /// Its width in the font's /W, thousandths of an em.
    pub(super) width: f32,
    /// Its ToUnicode text.
    pub(super) text: Box<str>,
}

/// The face for each `FontId` of the set; `None` for faces no run uses.
pub(super) type Faces<'f> = Vec<Option<Face<'f>>>;

impl Face<'_> {
    /// Records the glyphs of a run that will be shown in this face, with the text each
    /// stands for: the character the face maps to it (a base letter inside a cluster with
    /// marks), else, for the first glyph of a cluster none of whose glyphs is a character's
    /// own, the cluster's text (a ligature, a contextual form); other glyphs of a cluster stand
    /// for nothing. Right-to-left text is read from the glyphs in drawing order and reversed
    /// by extractors, so a glyph standing for several characters there holds them reversed.
    fn note(&mut self, run: &TextRun) {
        let glyphs = &run.glyphs;
        if let [g] = &glyphs[..] {
            let mut chars = run.text.chars();
            let own = matches!((chars.next(), chars.next()), (Some(c), None) if self.font.glyph(c) == Some(g.id));
            if !run.rtl && !own {
                if !self
                    .aliases
                    .iter()
                    .any(|(id, t, _)| *id == g.id && **t == *run.text)
                {
                    self.aliases.push((g.id, (*run.text).into(), 0));
                }
                // Embedded, but its own text comes from the runs that show it as itself.
                self.slot(g.id).get_or_insert_with(|| "".into());
                return;
            }
        }
        let mut i = 0;
        while i < glyphs.len() {
            let cluster = glyphs[i].cluster;
            let end = i + glyphs[i..]
                .iter()
                .take_while(|g| g.cluster == cluster)
                .count();
            // Most glyphs of a report repeat: skip clusters whose glyphs all have their text.
            if glyphs[i..end]
                .iter()
                .all(|g| self.text_of(g.id).is_some_and(|t| !t.is_empty()))
            {
                i = end;
                continue;
            }
            let text = cluster_text(run, i);
            let own = |gid: u16| text.chars().find(|&c| self.font.glyph(c) == Some(gid));
            let any_own = glyphs[i..end].iter().any(|g| own(g.id).is_some());
            // Left to right, the characters no glyph of the cluster draws as its own (a vowel
            // sign in a contextual form, a consonant's half form) go to the first glyph that
            // is nobody's own, so every letter is somewhere in the ToUnicode text for readers
            // that ignore /ActualText. Not right to left: there a contextual letter form with
            // a mark would then spell its text exactly, lose its /ActualText, and extractors
            // set the raised mark (Urdu's superscript alef) on a line of its own.
            let mut uncovered: Option<Box<str>> = (any_own && !run.rtl).then(|| {
                text.chars()
                    .filter(|&c| {
                        !glyphs[i..end]
                            .iter()
                            .any(|g| self.font.glyph(c) == Some(g.id))
                    })
                    .collect()
            });
            for (k, g) in glyphs[i..end].iter().enumerate() {
                let t: Box<str> = match own(g.id) {
                    Some(c) => String::from(c).into(),
                    None if k == 0 && !any_own && run.rtl => text.chars().rev().collect(),
                    None if k == 0 && !any_own => text.into(),
                    None => uncovered
                        .take()
                        .filter(|u| !u.is_empty())
                        .unwrap_or_else(|| "".into()),
                };
                match self.slot(g.id) {
                    Some(old) if old.is_empty() && !t.is_empty() => *old = t,
                    Some(_) => {}
                    slot => *slot = Some(t),
                }
            }
            i = end;
        }
    }

    /// Glyph `gid`'s ToUnicode text, its width recorded when first asked for.
    fn slot(&mut self, gid: u16) -> &mut Option<Box<str>> {
        let i = gid as usize;
        if i >= self.used.len() {
            self.used.resize(i + 1, None);
            self.widths.resize(i + 1, 0.0);
        }
        if self.used[i].is_none() {
            // printpdf truncates the widths it writes to whole units.
            self.widths[i] = (self.font.glyph_advance(gid) * 1000.0).trunc();
        }
        &mut self.used[i]
    }

    /// Whether printpdf embeds the face: it drops faces none of whose glyphs are shown.
    pub(super) fn embedded(&self) -> bool {
        self.used.iter().any(Option::is_some)
    }

    /// The code the content stream shows glyph `gid` with; 0 (.notdef) if it was not noted.
    pub(super) fn code(&self, gid: u16) -> u16 {
        self.codes.get(gid as usize).copied().unwrap_or(0)
    }

    /// The second code of glyph `gid` standing for `text` (see `aliases`).
    pub(super) fn alias(&self, gid: u16, text: &str) -> Option<u16> {
        self.aliases
            .iter()
            .find(|(id, t, code)| *id == gid && **t == *text && *code != 0)
            .map(|&(_, _, code)| code)
    }

    /// The text ToUnicode gives glyph `gid`, if it is shown.
    pub(super) fn text_of(&self, gid: u16) -> Option<&str> {
        self.used.get(gid as usize).and_then(|t| t.as_deref())
    }

    /// The glyph's width as the embedded font's /W gives it, in thousandths of an em.
    pub(super) fn width(&self, gid: u16) -> f32 {
        self.widths.get(gid as usize).copied().unwrap_or(0.0)
    }

    /// The shown glyphs and their texts, in glyph-id order.
    fn shown(&self) -> impl Iterator<Item = (u16, &str)> {
        self.used
            .iter()
            .enumerate()
            .filter_map(|(gid, t)| Some((gid as u16, t.as_deref()?)))
    }
}

/// The text of the cluster glyph `i` of `run` shows: from its cluster offset to the next
/// larger offset any glyph of the run has (clusters are monotonic, but reversed for
/// right-to-left runs).
pub(super) fn cluster_text(run: &TextRun, i: usize) -> &str {
    let start = run.glyphs[i].cluster as usize;
    let end = run
        .glyphs
        .iter()
        .map(|g| g.cluster as usize)
        .filter(|&c| c > start)
        .min()
        .unwrap_or(run.text.len());
    run.text.get(start..end).unwrap_or("")
}

/// Registers with printpdf a face for each font the document's text uses, with the glyphs
/// the pages show noted (see `Face::note`).
pub(super) fn embed<'f>(
    pdf: &mut PdfDocument,
    doc: &Document,
    fonts: &'f FontSet,
) -> Result<Faces<'f>> {
    let mut faces: Faces = (0..fonts.len()).map(|_| None).collect();
    for (page, run) in doc
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.items.iter().map(move |item| (i, item)))
    {
        let Item::Text(run) = run else { continue };
        if run.glyphs.is_empty() {
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
            let parsed = parsed(font.data).ok_or_else(|| {
                anyhow!(
                    "font {} cannot be embedded: printpdf cannot parse it",
                    font.name
                )
            })?;
            *slot = Some(Face {
                id: printpdf::FontId(String::new()),
                font,
                parsed,
                used: Vec::new(),
                widths: Vec::new(),
                codes: Vec::new(),
                aliases: Vec::new(),
                encoding: Encoding::default(),
            });
        }
        if super::text::shows(run) {
            if let Some(face) = slot {
                face.note(run);
            }
        }
    }

    for (index, face) in faces.iter_mut().enumerate() {
        let Some(face) = face else { continue };
        // A glyph that stands for nothing of its own (the second part of a split vowel, a
        // subjoined form) still needs a ToUnicode entry (PDF/UA 7.21.7, PDF/A-2 6.2.11.7.2):
        // a zero-width space says nothing aloud, and its run no longer spells its text
        // glyph by glyph, so it carries /ActualText with the real characters.
        for text in face.used.iter_mut().flatten() {
            if text.is_empty() {
                *text = NOTHING.into();
            }
        }
        let font = fonts.get(FontId(index as u16));
        // Same face and same glyphs (the same subset) give the same tag; the index suffix
        // keeps two faces apart even if their tags collide.
        let mut hash = Sha256::new();
        for (gid, text) in face.shown() {
            hash.update(gid.to_le_bytes());
            hash.update((text.len() as u32).to_le_bytes());
            hash.update(text.as_bytes());
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
            .insert(face.id.clone(), PdfFont::new(face.parsed.clone()));
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
                items: vec![TextItem::GlyphIds(
                    face.shown()
                        .map(|(gid, text)| Codepoint::with_cid(gid, 0.0, text.to_string()))
                        .collect(),
                )],
            },
            Op::EndTextSection,
        ]);
    }
    ops
}

/// Reads each face's subset codes from printpdf's encoding of the `probe`: one hex string
/// per glyph, faces in order, each face's glyphs in glyph-id order.
pub(super) fn read_probe(faces: &mut Faces, stream: &[u8]) -> Result<()> {
    let mut strings = stream.split(|&b| b == b'<').skip(1).map(|s| {
        let end = s.iter().position(|&b| b == b'>').unwrap_or(s.len());
        &s[..end]
    });
    for face in faces.iter_mut().flatten().filter(|f| f.embedded()) {
        let mut codes = vec![0u16; face.used.len()];
        let gids: Vec<u16> = face.shown().map(|(gid, _)| gid).collect();
        for gid in gids {
            let hex = strings
                .next()
                .ok_or_else(|| anyhow!("printpdf did not encode the glyphs of {}", face.id.0))?;
            ensure!(
                hex.len() == 4,
                "printpdf encoded a glyph of {} as {} hex digits",
                face.id.0,
                hex.len()
            );
            let code = std::str::from_utf8(hex)
                .ok()
                .and_then(|d| u16::from_str_radix(d, 16).ok());
            codes[gid as usize] = code.ok_or_else(|| anyhow!("printpdf wrote a bad glyph code"))?;
        }
        face.codes = codes;
        assign(face);
    }
    Ok(())
}

/// Gives each shown glyph, and each alias, its code (see `Encoding`); `face.codes` holds
/// printpdf's CIDs on the way in and the codes on the way out.
fn assign(face: &mut Face) {
    let cids = std::mem::take(&mut face.codes);
    // (glyph, text, alias index): the shown glyphs in glyph order, then the aliases whose
    // text is not already the glyph's own.
    let mut wanted: Vec<(u16, Box<str>, Option<usize>)> =
        face.shown().map(|(gid, t)| (gid, t.into(), None)).collect();
    for (k, (gid, text, code)) in face.aliases.iter_mut().enumerate() {
        *code = 0;
        if face.used.get(*gid as usize).and_then(|t| t.as_deref()) != Some(&**text) {
            wanted.push((*gid, text.clone(), Some(k)));
        }
    }
    let space = face
        .font
        .glyph(' ')
        .filter(|&g| face.used.get(g as usize).is_some_and(Option::is_some));
    let numbered = |one_byte: bool| -> Vec<u16> {
        let mut next = 1u16;
        wanted
            .iter()
            .map(|&(gid, _, alias)| {
                if one_byte && alias.is_none() && Some(gid) == space {
                    return 32;
                }
                // Code 32 is the space's alone: word spacing widens every code 32.
                if one_byte && next == 32 {
                    next += 1;
                }
                next += 1;
                next - 1
            })
            .collect()
    };
    let mut codes = numbered(true);
    let one_byte = codes.iter().all(|&c| c <= 255);
    if !one_byte {
        codes = numbered(false);
    }
    face.codes = vec![0; cids.len()];
    let mut encoding = Encoding {
        one_byte,
        space: space.filter(|_| one_byte),
        codes: Vec::with_capacity(wanted.len()),
    };
    for ((gid, text, alias), code) in wanted.into_iter().zip(codes) {
        match alias {
            Some(k) => face.aliases[k].2 = code,
            None => face.codes[gid as usize] = code,
        }
        encoding.codes.push(Code {
            code,
            glyph: cids.get(gid as usize).copied().unwrap_or(0),
            width: face.widths.get(gid as usize).copied().unwrap_or(0.0),
            text,
        });
    }
    encoding.codes.sort_unstable_by_key(|c| c.code);
    face.encoding = encoding;
}

/// The face as printpdf parses it. Parsing costs far more than anything else about a face,
/// and the set's bytes live for the whole process, so each face is parsed once and shared by
/// every document and thread.
fn parsed(data: &'static [u8]) -> Option<&'static ParsedFont> {
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), &'static ParsedFont>>> = OnceLock::new();
    let key = (data.as_ptr() as usize, data.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(&parsed) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some(parsed);
    }
    // printpdf takes each document's faces by value, so a report clones them; without the
    // layout tables (shaping is ours, not printpdf's) a clone copies little. The glyphs,
    // metrics, cmap and names stay, so subsets are what they were.
    let trimmed = super::sfnt::without(data, &super::sfnt::LAYOUT);
    let parsed = ParsedFont::from_bytes(trimmed.as_deref().unwrap_or(data), 0, &mut Vec::new())?;
    // Fonts are few and live as long as the process, like the bytes they are parsed from.
    let parsed: &'static ParsedFont = Box::leak(Box::new(parsed));
    Some(
        *cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert(parsed),
    )
}
