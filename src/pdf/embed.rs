//! Embeds the faces the document's text uses, under resource names that are stable for the
//! same text: printpdf's own font ids are random, and it takes the subset tag (`ABCDEF+`)
//! from the first six letters of the id, so the id decides both determinism and the tag.

use crate::fonts::{FontId, FontSet};
use crate::page::{Document, Item};
use anyhow::{anyhow, bail, Result};
use printpdf::{ParsedFont, PdfDocument, PdfFont};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The printpdf font for each `FontId` of the set; `None` for faces no run uses.
pub(super) type Faces = Vec<Option<printpdf::FontId>>;

pub(super) fn embed(pdf: &mut PdfDocument, doc: &Document, fonts: &FontSet) -> Result<Faces> {
    let mut text_hashes: Vec<Option<Sha256>> = (0..fonts.len()).map(|_| None).collect();
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
        let Some(slot) = text_hashes.get_mut(run.font.0 as usize) else {
            bail!(
                "page {}: text {:?} uses font {} but the font set has {}",
                page + 1,
                run.text,
                run.font.0,
                fonts.len()
            );
        };
        slot.get_or_insert_with(Sha256::new)
            .update(run.text.as_bytes());
    }

    let mut faces = vec![None; fonts.len()];
    for (index, hash) in text_hashes.into_iter().enumerate() {
        let Some(hash) = hash else { continue };
        let font = fonts.get(FontId(index as u16));
        // Same face and same text give the same tag; the index suffix keeps two faces apart
        // even if their tags collide.
        let digest = hash.chain_update(font.name.as_bytes()).finalize();
        let tag: String = digest
            .iter()
            .take(6)
            .map(|b| (b'A' + b % 26) as char)
            .collect();
        let id = printpdf::FontId(format!("{tag}{index}"));
        let parsed = parse(font.data).ok_or_else(|| {
            anyhow!(
                "font {} cannot be embedded: printpdf cannot parse it",
                font.name
            )
        })?;
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        faces[index] = Some(id);
    }
    Ok(faces)
}

/// Parsing a face costs far more than cloning it, and the set's bytes live for the whole
/// process, so each face is parsed once and shared by every document and thread.
fn parse(data: &'static [u8]) -> Option<ParsedFont> {
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), ParsedFont>>> = OnceLock::new();
    let key = (data.as_ptr() as usize, data.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(font) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some(font.clone());
    }
    let font = ParsedFont::from_bytes(data, 0, &mut Vec::new())?;
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, font.clone());
    Some(font)
}
