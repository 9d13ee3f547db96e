//! The PDF stage: serialises a finished `page::Document` to PDF bytes. The only module that
//! knows printpdf; it decides no positions, it only converts coordinates and encodes.
//! `write` is pure (bytes out, no clock, no file system), so equal documents give equal bytes.

mod document;
mod embed;
mod encode;
mod link;
mod pen;
mod shape;
mod text;

#[cfg(test)]
mod tests;

use crate::fonts::FontSet;
use crate::page::{Document, Item};
use anyhow::{ensure, Result};
use printpdf::{PdfDocument, PdfPage, Pt};

/// Serialises `doc` with the faces of `fonts` (only the ones used are embedded, as subsets).
// Until the report stage calls it.
#[allow(dead_code)]
pub fn write(doc: &Document, fonts: &FontSet) -> Result<Vec<u8>> {
    encode::finish(&build(doc, fonts)?, doc, encode::DEFLATE_LEVEL)
}

/// The printpdf document: pages of operators, fonts and metadata; no bytes yet.
fn build(doc: &Document, fonts: &FontSet) -> Result<PdfDocument> {
    ensure!(
        doc.width > 0.0 && doc.height > 0.0,
        "page size {}×{} pt is empty",
        doc.width,
        doc.height
    );
    let mut pdf = PdfDocument::new(&doc.metadata.title);
    let faces = embed::embed(&mut pdf, doc, fonts)?;
    let page_count = doc.pages.len();
    for (index, page) in doc.pages.iter().enumerate() {
        let mut ops = Vec::with_capacity(page.items.len() * 4);
        let mut pen = pen::Pen::new(doc.height);
        for item in &page.items {
            match item {
                Item::Text(run) => text::draw(&mut ops, &mut pen, run, &faces),
                Item::Shape(shape) => shape::draw(&mut ops, &mut pen, shape),
                Item::Link { rect, target } => link::add(&mut ops, &pen, rect, target, page_count)
                    .map_err(|e| e.context(format!("page {}", index + 1)))?,
            }
        }
        // Boxes in points directly: a round trip through PdfPage::new's millimetres perturbs them.
        let size = printpdf::Rect::from_wh(Pt(doc.width), Pt(doc.height));
        pdf.pages.push(PdfPage {
            media_box: size.clone(),
            trim_box: size.clone(),
            crop_box: size,
            ops,
        });
    }
    document::set_info(&mut pdf, &doc.metadata);
    Ok(pdf)
}
