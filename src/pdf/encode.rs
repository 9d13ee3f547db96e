//! From printpdf's document to bytes: printpdf builds the object tree (content streams, font
//! subsets), the document-level parts are patched in, and the streams are deflated here at a
//! faster level than lopdf's fixed best compression, which otherwise dominates the time.

use super::document;
use crate::page::Document;
use anyhow::{bail, Context, Result};
use flate2::{write::ZlibEncoder, Compression};
use printpdf::{PdfDocument, PdfParseErrorSeverity, PdfSaveOptions};
use std::io::Write;

/// zlib level for every stream. See the measurements in the module tests (`bench_24_pages`).
pub(super) const DEFLATE_LEVEL: u32 = 6;

pub(super) fn finish(pdf: &PdfDocument, doc: &Document, level: u32) -> Result<Vec<u8>> {
    // `optimize: false` keeps printpdf from compressing; `subset_fonts` needs `text_layout`.
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    // lopdf is not a dependency of this crate, so its types are only ever inferred here.
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    if let Some(e) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        bail!("printpdf: {}", e.msg);
    }
    // /Lang needs PDF 1.4; printpdf declares 1.3.
    lo.version = "1.7".to_string();
    lo.trailer.set("ID", document::file_id(doc).to_lopdf());

    let info_id = lo
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .context("printpdf wrote no info dictionary")?;
    let info = lo.get_dictionary_mut(info_id)?;
    // printpdf always writes these, empty; an empty /GTS_PDFXVersion makes readers call the file PDF/X.
    info.remove(b"GTS_PDFXVersion");
    info.remove(b"Identifier");

    if !doc.outline.is_empty() {
        let pages = lo.get_pages();
        let ids: Vec<_> = (0..=doc.outline.len())
            .map(|_| lo.new_object_id())
            .collect();
        for (id, object) in document::outline(doc, &ids, &pages)? {
            lo.objects.insert(id, object.to_lopdf());
        }
        let catalog = lo.catalog_mut()?;
        catalog.set(
            "Outlines",
            printpdf::DictItem::Ref {
                obj: ids[0].0,
                gen: ids[0].1,
            }
            .to_lopdf(),
        );
        catalog.set("PageMode", "UseOutlines");
    }
    if let Some(lang) = document::language(&doc.metadata) {
        lo.catalog_mut()?.set("Lang", lang.to_lopdf());
    }

    for object in lo.objects.values_mut() {
        let Ok(stream) = object.as_stream_mut() else {
            continue;
        };
        if !stream.allows_compression || stream.dict.has(b"Filter") {
            continue;
        }
        let compressed = deflate(&stream.content, level)?;
        if compressed.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }

    let mut bytes = Vec::with_capacity(256 * 1024);
    lo.save_to(&mut bytes).context("serialising the PDF")?;
    Ok(bytes)
}

fn deflate(data: &[u8], level: u32) -> std::io::Result<Vec<u8>> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::new(level));
    encoder.write_all(data)?;
    encoder.finish()
}
