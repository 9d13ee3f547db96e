//! From printpdf's document to bytes: printpdf builds the object tree (font subsets, pages,
//! links), the page contents and document-level parts are patched in, and the streams are
//! deflated here at a faster level than lopdf's fixed best compression.

use super::document;
use super::document::ObjectId;
use super::tags::{self, Tree};
use crate::page::Document;
use anyhow::{bail, ensure, Context, Result};
use printpdf::{PdfDocument, PdfParseErrorSeverity, PdfSaveOptions};
use std::cell::RefCell;

/// Deflate level for the page contents and fonts. Measured with zlib-rs over the sample with
/// one-byte text (`riskreport bench`, deflate ms a report, mean size, object streams at 5):
/// level 2 2.44 ms, 106.8 KiB; 3 2.83 ms, 103.8 KiB; 4 2.87 ms, 103.3 KiB; 5 2.98 ms,
/// 102.4 KiB; 6 3.14 ms, 102.4 KiB. With libdeflate over ten reports' streams (CPU a report,
/// compressed bytes): 4 2.3 ms, 1,010.9 k; 5 2.50 ms, 972.6 k; 6 2.75 ms, 968.6 k. Level 5 is
/// where size stops paying for time.
pub(super) const DEFLATE_LEVEL: u32 = 5;

/// `contents` returns the content stream of every page, the structure tree they are marked
/// for and the embedded faces.
pub(super) fn finish(
    pdf: &PdfDocument,
    doc: &Document,
    level: u32,
    spread: bool,
    with: &super::With,
    contents: impl FnOnce() -> Result<(Vec<Vec<u8>>, Tree, Vec<super::embed::Embedded>)>,
) -> Result<Vec<u8>> {
    // `optimize: false` keeps printpdf from compressing; the fonts are ours (`embed`).
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    if let Some(e) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        bail!("printpdf: {}", e.msg);
    }
    let pages = lo.get_pages();
    let mut streams = Vec::with_capacity(pages.len());
    for &page in pages.values() {
        let id = lo
            .get_dictionary(page)?
            .get(b"Contents")
            .and_then(|c| c.as_reference())
            .context("printpdf wrote a page without a content stream")?;
        streams.push(id);
    }
    let (contents, tree, fonts) = contents()?;
    ensure!(
        contents.len() == streams.len(),
        "{} page contents for {} pages",
        contents.len(),
        streams.len()
    );
    for (id, content) in streams.into_iter().zip(contents) {
        lo.get_object_mut(id)?.as_stream_mut()?.set_content(content);
    }
    let palette = with.palette;
    super::image::add(&mut lo, with.images)?;
    add_fonts(&mut lo, &pages, fonts)?;
    if !palette.is_empty() {
        let space = lo.add_object(palette.space());
        let spaces = lopdf::dictionary! { super::palette::NAME => space };
        for id in page_resources(&lo, &pages)? {
            (lo.get_dictionary_mut(id)?).set("ColorSpace", spaces.clone());
        }
    }
    // After the fonts, colours and images: the forms' resources are the pages'.
    super::forms::add(&mut lo, &with.forms.bodies, doc.width, doc.height)?;

    // /Lang needs PDF 1.4; printpdf declares 1.3.
    lo.version = "1.7".to_string();
    lo.trailer.set("ID", document::file_id(doc).to_lopdf());

    let info_id = lo
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .context("printpdf wrote no info dictionary")?;
    // The Info dictionary is rewritten from the document's metadata, entry for entry what the
    // XMP metadata says (PDF/A requires the two to agree): printpdf's also has an empty
    // /GTS_PDFXVersion, which makes readers call the file PDF/X, and /Trapped.
    *lo.get_dictionary_mut(info_id)? = document::info(&doc.metadata).to_lopdf().as_dict()?.clone();

    if !doc.outline.is_empty() {
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
    // Every link annotation gets a description (`/Contents`: "Go to page 8: Work AI already
    // does", or the address) for screen readers and the print flag (`/F 4`, so printing keeps
    // it, as PDF/A asks); each page with links gets tab order by structure (`/Tabs /S`).
    // printpdf writes annotations inline; each becomes an object of its own, so its Link
    // structure element can point at it, and says which element that is (`/StructParent`).
    let mut annot_ids: Vec<ObjectId> = Vec::with_capacity(tree.annots.len());
    {
        let index: std::collections::HashMap<_, _> =
            pages.values().enumerate().map(|(i, &id)| (id, i)).collect();
        for &page in pages.values() {
            let page_dict = lo.get_dictionary_mut(page)?;
            let Ok(annots) = page_dict.get_mut(b"Annots").and_then(|a| a.as_array_mut()) else {
                continue;
            };
            if annots.is_empty() {
                continue;
            }
            let mut inline = Vec::with_capacity(annots.len());
            for annot in std::mem::take(annots) {
                let lopdf::Object::Dictionary(mut annot) = annot else {
                    continue;
                };
                let action = annot.get(b"A").and_then(|a| a.as_dict()).ok();
                let uri = action
                    .and_then(|a| a.get(b"URI").ok())
                    .and_then(|u| u.as_str().ok())
                    .map(|u| String::from_utf8_lossy(u).into_owned());
                let target = action
                    .and_then(|a| a.get(b"D").ok())
                    .and_then(|d| d.as_array().ok())
                    .and_then(|d| d.first())
                    .and_then(|p| p.as_reference().ok())
                    .and_then(|p| index.get(&p).copied());
                let text = document::link_description(doc, target, uri.as_deref());
                annot.set("Contents", document::text_string(&text).to_lopdf());
                annot.set("F", 4);
                annot.set(
                    "StructParent",
                    (tree.marked.len() + annot_ids.len() + inline.len()) as i64,
                );
                inline.push(annot);
            }
            let mut refs = Vec::with_capacity(inline.len());
            for annot in inline {
                let id = lo.add_object(annot);
                annot_ids.push(id);
                refs.push(id.into());
            }
            let page_dict = lo.get_dictionary_mut(page)?;
            page_dict.set("Annots", refs);
            page_dict.set("Tabs", printpdf::DictItem::Name(b"S".to_vec()).to_lopdf());
        }
    }
    ensure!(
        annot_ids.len() == tree.annots.len(),
        "{} link annotations for {} links",
        annot_ids.len(),
        tree.annots.len()
    );

    // The structure tree, and the catalog and pages that point into it.
    let page_ids: Vec<ObjectId> = pages.values().copied().collect();
    let node_ids: Vec<ObjectId> = (0..tree.nodes.len()).map(|_| lo.new_object_id()).collect();
    let ids = tags::Ids {
        root: lo.new_object_id(),
        parent_tree: lo.new_object_id(),
        nodes: &node_ids,
        pages: &page_ids,
        annots: &annot_ids,
    };
    let structure = tags::objects(&tree, &ids);
    for (i, &page) in page_ids.iter().enumerate() {
        lo.get_dictionary_mut(page)?.set("StructParents", i as i64);
    }
    // Deflated like the other streams: PDF/A-1 wanted the metadata unfiltered, PDF/A-2 does
    // not (veraPDF passes it for 2a and ua1), and it is 1.4 KiB less a report.
    let metadata = lo.add_object(lopdf::Stream::new(
        lopdf::dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        document::xmp(&doc.metadata),
    ));
    // The profile is the same in every report: deflated once per process.
    static ICC: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    let icc = ICC
        .get_or_init(|| deflate_once(document::SRGB_ICC, 9).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("compressing the sRGB profile: {e}"))?;
    let icc = lopdf::Stream::new(
        lopdf::dictionary! { "N" => 3, "Filter" => "FlateDecode" },
        icc.clone(),
    );
    let icc = lo.add_object(icc.with_compression(false));
    {
        let catalog = lo.catalog_mut()?;
        catalog.set("StructTreeRoot", ids.root);
        catalog.set("MarkInfo", document::mark_info().to_lopdf());
        catalog.set("Metadata", metadata);
        catalog.set("OutputIntents", document::output_intents(icc).to_lopdf());
    }
    lo.catalog_mut()?.set(
        "ViewerPreferences",
        document::viewer_preferences().to_lopdf(),
    );
    if let Some(lang) = document::language(&doc.metadata) {
        lo.catalog_mut()?.set("Lang", lang.to_lopdf());
    }

    // The object streams are written first, so the structure tree's (the largest stream of a
    // report) deflates beside the page contents rather than after them.
    let packing = super::serialize::pack(&lo, &structure)?;
    let packed_level = super::serialize::packed_level(level);
    let mut jobs: Vec<Deflate> = (packing.streams.iter())
        .map(|s| Deflate::Packed(&s.bytes, Vec::new()))
        .chain(
            (lo.objects.values_mut())
                .filter_map(|object| object.as_stream_mut().ok())
                .filter(|stream| stream.allows_compression && !stream.dict.has(b"Filter"))
                .map(Deflate::Stream),
        )
        .collect();
    crate::spread::try_each_mut(&mut jobs, spread, |_, job| {
        match job {
            Deflate::Packed(bytes, out) => *out = deflate(bytes, packed_level)?,
            Deflate::Stream(stream) => {
                let compressed = deflate(&stream.content, level)?;
                if compressed.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(compressed);
                }
            }
        }
        Ok::<_, anyhow::Error>(())
    })?;
    let squeezed: Vec<Vec<u8>> = (jobs.into_iter())
        .filter_map(|job| match job {
            Deflate::Packed(_, out) => Some(out),
            Deflate::Stream(_) => None,
        })
        .collect();

    // Object streams and a cross-reference stream (see `serialize`).
    let mut bytes = Vec::with_capacity(256 * 1024);
    super::serialize::save(&lo, packing, squeezed, level, &mut bytes)
        .context("serialising the PDF")?;
    Ok(bytes)
}

/// A stream to deflate: an object stream's bytes (deflated into the vector beside them) or
/// one of the document's streams (deflated in place when that makes it smaller).
enum Deflate<'a> {
    Packed(&'a [u8], Vec<u8>),
    Stream(&'a mut lopdf::Stream),
}

/// Adds each embedded face as a Type0 font (its own encoding CMap, ToUnicode, and a
/// CIDFontType2 with a CIDToGIDMap into the subset) to the resources of every page.
fn add_fonts(
    lo: &mut lopdf::Document,
    pages: &std::collections::BTreeMap<u32, ObjectId>,
    fonts: Vec<super::embed::Embedded>,
) -> Result<()> {
    use lopdf::Object::{Integer, Name};
    if fonts.is_empty() {
        return Ok(());
    }
    let mut resources = lopdf::Dictionary::new();
    for font in fonts {
        let cmaps = font.cmaps;
        let base = || Name(font.base_font.clone().into_bytes());
        let system = || {
            lopdf::dictionary! {
                "Registry" => lopdf::Object::string_literal("Adobe"),
                "Ordering" => lopdf::Object::string_literal("Identity"),
                "Supplement" => 0
            }
        };
        let encoding = lo.add_object(lopdf::Stream::new(
            lopdf::dictionary! {
                "Type" => "CMap",
                "CMapName" => Name(cmaps.name.into_bytes()),
                "CIDSystemInfo" => system(),
                "WMode" => 0
            },
            cmaps.encoding,
        ));
        let to_unicode = lo.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            cmaps.to_unicode,
        ));
        let cid_to_gid = lo.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            cmaps.cid_to_gid,
        ));
        // Deflated once for every report that shows the same glyphs (see `subset`).
        let program = lo.add_object(
            lopdf::Stream::new(
                lopdf::dictionary! {
                    "Length1" => font.program.length as i64,
                    "Filter" => "FlateDecode"
                },
                font.program.deflated.clone(),
            )
            .with_compression(false),
        );
        let d = &font.descriptor;
        let descriptor = lo.add_object(lopdf::dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => base(),
            "Flags" => d.flags,
            "FontBBox" => d.bbox.iter().map(|&v| Integer(v)).collect::<Vec<_>>(),
            "ItalicAngle" => d.italic_angle,
            "Ascent" => d.ascent,
            "Descent" => d.descent,
            "CapHeight" => d.cap_height,
            "StemV" => d.stem_v,
            "FontFile2" => program
        });
        let widths: Vec<lopdf::Object> = cmaps
            .widths
            .into_iter()
            .flat_map(|(first, run)| {
                [
                    Integer(first.into()),
                    lopdf::Object::Array(run.into_iter().map(|w| Integer(w as i64)).collect()),
                ]
            })
            .collect();
        let descendant = lopdf::dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => base(),
            "CIDSystemInfo" => system(),
            "FontDescriptor" => descriptor,
            "DW" => 1000,
            "W" => widths,
            "CIDToGIDMap" => cid_to_gid
        };
        let type0 = lo.add_object(lopdf::dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => base(),
            "Encoding" => encoding,
            "DescendantFonts" => vec![lopdf::Object::Dictionary(descendant)],
            "ToUnicode" => to_unicode
        });
        resources.set(cmaps.resource.into_bytes(), type0);
    }
    for id in page_resources(lo, pages)? {
        lo.get_dictionary_mut(id)?
            .set("Font", lopdf::Object::Dictionary(resources.clone()));
    }
    Ok(())
}

/// The resource dictionaries of `pages`, each once (printpdf gives each page its own).
fn page_resources(
    lo: &lopdf::Document,
    pages: &std::collections::BTreeMap<u32, ObjectId>,
) -> Result<std::collections::BTreeSet<ObjectId>> {
    pages.values().map(|&page| resources_of(lo, page)).collect()
}

/// The resource dictionary of `page`, which printpdf writes as an object of its own.
pub(super) fn resources_of(lo: &lopdf::Document, page: ObjectId) -> Result<ObjectId> {
    lo.get_dictionary(page)?
        .get(b"Resources")
        .and_then(|r| r.as_reference())
        .context("printpdf wrote a page without its resources")
}

/// zlib-compresses `data` with libdeflate: whole buffers at once are all a PDF writer needs,
/// and over the sample's streams it is 18% faster than zlib-rs at the same level and 1.3%
/// smaller (3.05 → 2.50 ms a report at level 5).
pub(super) fn deflate(data: &[u8], level: u32) -> Result<Vec<u8>> {
    let started = std::time::Instant::now();
    let out = deflate_now(data, level);
    let took = started.elapsed();
    super::add_stage(|s| s.deflate += took);
    out
}

/// `data` deflated by a compressor made for it and dropped: for what is compressed once per
/// process, so no worker keeps a compressor (some 600 KiB) at a level it never uses again.
fn deflate_once(data: &[u8], level: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let n = compress(&mut compressor(level as usize)?, data, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// libdeflate's highest level.
const MAX_LEVEL: usize = 12;

fn deflate_now(data: &[u8], level: u32) -> Result<Vec<u8>> {
    // One compressor per level and thread, kept: a new one allocates and clears some hundreds
    // of KiB, and a report has ~40 streams at two levels. The scratch buffer is sized to
    // libdeflate's bound once, so only the compressed bytes are copied out.
    thread_local! {
        static COMPRESSORS: RefCell<(Vec<Option<libdeflater::Compressor>>, Vec<u8>)> =
            const { RefCell::new((Vec::new(), Vec::new())) };
    }
    let level = (level as usize).min(MAX_LEVEL);
    COMPRESSORS.with_borrow_mut(|(compressors, scratch)| {
        if compressors.len() <= level {
            compressors.resize_with(level + 1, || None);
        }
        let compressor = match &mut compressors[level] {
            Some(c) => c,
            slot => slot.insert(compressor(level)?),
        };
        let n = compress(compressor, data, scratch)?;
        Ok(scratch[..n].to_vec())
    })
}

fn compressor(level: usize) -> Result<libdeflater::Compressor> {
    let lvl = libdeflater::CompressionLvl::new(level as i32)
        .map_err(|e| anyhow::anyhow!("deflate level {level}: {e:?}"))?;
    Ok(libdeflater::Compressor::new(lvl))
}

/// zlib-compresses `data` into `out`, grown to libdeflate's bound if it is shorter; returns
/// the compressed length.
fn compress(c: &mut libdeflater::Compressor, data: &[u8], out: &mut Vec<u8>) -> Result<usize> {
    let bound = c.zlib_compress_bound(data.len());
    if out.len() < bound {
        out.resize(bound, 0);
    }
    c.zlib_compress(data, out)
        .map_err(|e| anyhow::anyhow!("deflate: {e}"))
}
