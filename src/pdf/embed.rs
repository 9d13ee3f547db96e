//! Embeds the faces the document's text uses, each under the resource name `F` and its index
//! in the font set; the subset tag (`ABCDEF+`) is a hash of the face and its glyphs, so the
//! same input gives the same bytes.
//!
//! Runs arrive shaped, as glyph ids (ligatures, Arabic joining forms and Indic conjuncts have
//! no character of their own). Each face is subset to the glyphs its pages show (`subset`),
//! and the content streams (see `pen`) show them with codes of our own (`Encoding`, written
//! as CMaps by `cmap`). Each glyph's ToUnicode text is the character the face maps to it,
//! else the text of the first cluster it was shown for; a one-glyph run standing for other
//! text (the soft hyphen at a break) gets a second code with that text, and other runs whose
//! glyphs do not spell their text get `/ActualText` (see `text`).

use super::by_glyph::ByGlyph;
use crate::fonts::{Font, FontId, FontSet};
use crate::page::{Document, Item, TextRun};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The ToUnicode text of a glyph that stands for no character of its own.
const NOTHING: &str = "\u{200B}";

/// One embedded face of the document being written.
pub(super) struct Face<'f> {
    /// The resource name: `F` and the face's index in the font set, short because the
    /// content streams name it at every change of face (some 600 a report).
    pub(super) id: String,
    /// The subset tag (`ABCDEF`) and the face's index: the embedded font's and CMap's name.
    pub(super) tag: String,
    pub(super) font: &'f Font,
    /// The embedded program, once the glyphs are known.
    pub(super) subset: Option<Arc<super::subset::Subset>>,
    /// Glyph id → what drawing it needs; a table, not a map, and one lookup a glyph: it is
    /// read for every glyph of every run.
    glyphs: ByGlyph<Shown>,
    /// Single-glyph runs whose text is not the glyph's ToUnicode text (the soft hyphen a line
    /// break adds is drawn with the hyphen's glyph): the glyph gets a second code of its own
    /// with that text, so the run spells its text without a `/Span` (see `Encoding`).
    aliases: Vec<(u16, Box<str>, u16)>,
    /// The encoding of the shown codes, decided once the glyphs are known.
    pub(super) encoding: Encoding,
}

/// One glyph of a face as the content streams show it.
#[derive(Default, Clone)]
pub(super) struct Shown {
    /// The text it stands for in ToUnicode (`None` for glyphs not shown).
    pub(super) text: Option<Box<str>>,
    /// Its width in the embedded font's /W, in thousandths of an em.
    pub(super) width: f32,
    /// The code the content streams show it with (0 for glyphs not shown).
    pub(super) code: u16,
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
    /// The glyph in the embedded subset.
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
        let shown = self.glyphs.entry(gid);
        if shown.text.is_none() {
            // Whole thousandths, rounded: truncated, an advance of 572 units in a 1000-unit face
            // (0.57199997 as a float) became 571, and the text needed a TJ offset after it.
            shown.width = (self.font.glyph_advance(gid) * 1000.0).round();
        }
        &mut shown.text
    }

    /// Whether the face is embedded: faces none of whose glyphs are shown are not.
    pub(super) fn embedded(&self) -> bool {
        self.glyphs.iter().any(|(_, s)| s.text.is_some())
    }

    /// The second code of glyph `gid` standing for `text` (see `aliases`).
    pub(super) fn alias(&self, gid: u16, text: &str) -> Option<u16> {
        self.aliases
            .iter()
            .find(|(id, t, code)| *id == gid && **t == *text && *code != 0)
            .map(|&(_, _, code)| code)
    }

    /// Glyph `gid` as shown (its code 0, .notdef, if it was not noted).
    pub(super) fn shown_glyph(&self, gid: u16) -> Option<&Shown> {
        self.glyphs.get(gid)
    }

    /// The text ToUnicode gives glyph `gid`, if it is shown.
    pub(super) fn text_of(&self, gid: u16) -> Option<&str> {
        self.glyphs.get(gid).and_then(|s| s.text.as_deref())
    }

    /// The glyph's width as the embedded font's /W gives it, in thousandths of an em.
    pub(super) fn width(&self, gid: u16) -> f32 {
        self.glyphs.get(gid).map_or(0.0, |s| s.width)
    }

    /// The shown glyphs and their texts, in glyph-id order.
    fn shown(&self) -> impl Iterator<Item = (u16, &str)> {
        self.glyphs
            .iter()
            .filter_map(|(gid, s)| Some((gid, s.text.as_deref()?)))
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

/// The face of each font the document's text uses, with the glyphs the pages show noted (see
/// `Face::note`), subset and encoded; font programs are deflated at `level`. With `spread`
/// the faces are subset side by side on rayon's threads.
pub(super) fn embed<'f>(
    doc: &Document,
    fonts: &'f FontSet,
    level: u32,
    spread: bool,
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
        let face = slot.get_or_insert_with(|| Face {
            id: String::new(),
            tag: String::new(),
            font: fonts.get(run.font),
            subset: None,
            glyphs: ByGlyph::default(),
            aliases: Vec::new(),
            encoding: Encoding::default(),
        });
        if super::text::shows(run) {
            face.note(run);
        }
    }

    let finish = |index: usize, face: &mut Option<Face>| -> Result<()> {
        let Some(face) = face else { return Ok(()) };
        if !face.embedded() {
            return Ok(());
        }
        // A glyph that stands for nothing of its own (the second part of a split vowel, a
        // subjoined form) still needs a ToUnicode entry (PDF/UA 7.21.7, PDF/A-2 6.2.11.7.2):
        // a zero-width space says nothing aloud, and its run no longer spells its text
        // glyph by glyph, so it carries /ActualText with the real characters.
        for text in face.glyphs.values_mut().filter_map(|s| s.text.as_mut()) {
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
        face.tag = format!("{tag}{index}");
        face.id = format!("F{index}");
        let wanted: Vec<u16> = face.shown().map(|(gid, _)| gid).collect();
        let subset = super::subset::subset(font.data, &wanted, level)
            .with_context(|| format!("font {} cannot be embedded", font.name))?;
        let mut glyphs = ByGlyph::default();
        for (&gid, &new) in wanted.iter().zip(&subset.glyphs) {
            *glyphs.entry(gid) = new;
        }
        face.subset = Some(subset);
        assign(face, glyphs);
        Ok(())
    };
    crate::spread::try_each_mut(&mut faces, spread, finish)?;
    Ok(faces)
}

/// Gives each shown glyph, and each alias, its code (see `Encoding`); `glyphs` maps each
/// glyph id to its glyph in the subset.
fn assign(face: &mut Face, cids: ByGlyph<u16>) {
    // (glyph, text, alias index): the shown glyphs in glyph order, then the aliases whose
    // text is not already the glyph's own.
    let mut wanted: Vec<(u16, Box<str>, Option<usize>)> =
        face.shown().map(|(gid, t)| (gid, t.into(), None)).collect();
    for (k, (gid, text, code)) in face.aliases.iter_mut().enumerate() {
        *code = 0;
        if face.glyphs.get(*gid).and_then(|s| s.text.as_deref()) != Some(&**text) {
            wanted.push((*gid, text.clone(), Some(k)));
        }
    }
    let space = face.font.glyph(' ').filter(|&g| face.text_of(g).is_some());
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
    for shown in face.glyphs.values_mut() {
        shown.code = 0;
    }
    let mut encoding = Encoding {
        one_byte,
        space: space.filter(|_| one_byte),
        codes: Vec::with_capacity(wanted.len()),
    };
    for ((gid, text, alias), code) in wanted.into_iter().zip(codes) {
        match alias {
            Some(k) => face.aliases[k].2 = code,
            None => face.glyphs.entry(gid).code = code,
        }
        encoding.codes.push(Code {
            code,
            glyph: cids.get(gid).copied().unwrap_or(0),
            width: face.width(gid),
            text,
        });
    }
    encoding.codes.sort_unstable_by_key(|c| c.code);
    face.encoding = encoding;
}

/// What the PDF's font objects say about one embedded face.
pub(super) struct Embedded {
    pub(super) cmaps: super::cmap::Font,
    /// `TAG+PostScriptName`.
    pub(super) base_font: String,
    pub(super) descriptor: Descriptor,
    pub(super) program: Arc<super::subset::Subset>,
}

/// A font descriptor's metrics, in thousandths of an em (ISO 32000-1, 9.8).
pub(super) struct Descriptor {
    pub(super) ascent: i64,
    pub(super) descent: i64,
    pub(super) cap_height: i64,
    pub(super) italic_angle: i64,
    pub(super) flags: i64,
    pub(super) stem_v: i64,
    pub(super) bbox: [i64; 4],
}

impl Embedded {
    pub(super) fn of(face: &Face) -> Result<Embedded> {
        let font = face.font;
        let parsed = ttf_parser::Face::parse(font.data, 0)
            .with_context(|| format!("font {} cannot be read", font.name))?;
        let scale = 1000.0 / parsed.units_per_em() as f32;
        let em = |v: i16| (v as f32 * scale).round() as i64;
        let ascent = em(parsed.ascender());
        // A face slanted forwards has a negative angle: counter-clockwise from vertical.
        let italic_angle = parsed.italic_angle().round() as i64;
        const NONSYMBOLIC: i64 = 1 << 5;
        const ITALIC: i64 = 1 << 6;
        let weight = parsed.weight().to_number();
        let bbox = parsed.global_bounding_box();
        let postscript = parsed
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| font.name.clone());
        // A PDF name of letters, digits and hyphens, as PostScript names are meant to be.
        let postscript: String = postscript
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let program = face
            .subset
            .clone()
            .with_context(|| format!("font {} was not subset", font.name))?;
        Ok(Embedded {
            cmaps: super::cmap::Font::of(face),
            base_font: format!("{}+{postscript}", &face.tag[..6]),
            descriptor: Descriptor {
                ascent,
                descent: em(parsed.descender()),
                cap_height: parsed.capital_height().map_or(ascent, em),
                italic_angle,
                flags: NONSYMBOLIC | if italic_angle != 0 { ITALIC } else { 0 },
                // No table gives the stem width; this is the estimate from the weight
                // class PDF producers use (88 at 400, 166 at 700).
                stem_v: 50 + ((weight as f32 / 65.0).powi(2)).round() as i64,
                bbox: [
                    em(bbox.x_min),
                    em(bbox.y_min),
                    em(bbox.x_max),
                    em(bbox.y_max),
                ],
            },
            program,
        })
    }
}
