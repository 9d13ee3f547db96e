//! The PDF stage: serialises a finished `page::Document` to PDF bytes. The only module that
//! knows printpdf; it decides no positions, it only converts coordinates and encodes.
//! `write` is pure (bytes out, no clock, no file system), so equal documents give equal bytes.
//!
//! Text arrives shaped (glyph ids and positions, see `crate::text`); this stage only encodes it.
//! printpdf builds the document: pages, font subsets with their widths and ToUnicode maps,
//! link annotations, metadata. The page content streams are written here directly (`pen`,
//! `text`, `shape`), operator for operator what printpdf writes for the equivalent `Op`s,
//! because converting every operator through printpdf's and lopdf's operation types, and
//! printing their numbers with `core::fmt`, cost most of a report's time.

mod by_glyph;
mod cmap;
mod document;
mod embed;
mod encode;
mod forms;
mod image;
mod link;
mod num;
mod palette;
mod pen;
mod serialize;
mod sfnt;
mod shape;
mod subset;
mod tags;
mod text;

#[cfg(test)]
mod tests;

use crate::fonts::FontSet;
use crate::page::{Document, Item, Page};
use anyhow::{ensure, Result};
use embed::Faces;
use printpdf::{PdfDocument, PdfPage, Pt};

/// Where the PDF stage's time went, for the benchmark: font subsetting (printpdf's object
/// tree, most of which is the fonts), deflating, and the rest (content streams, structure
/// tree, serialising).
#[derive(Debug, Clone, Copy, Default)]
pub struct Stages {
    pub subset: std::time::Duration,
    pub deflate: std::time::Duration,
}

thread_local! {
    static STAGES: std::cell::Cell<Stages> = const {
        std::cell::Cell::new(Stages {
            subset: std::time::Duration::ZERO,
            deflate: std::time::Duration::ZERO,
        })
    };
}

/// The stage times of this thread's `write` calls since the last call, and zero again.
pub fn take_stages() -> Stages {
    STAGES.with(|s| s.take())
}

fn add_stage(f: impl FnOnce(&mut Stages)) {
    STAGES.with(|s| {
        let mut v = s.get();
        f(&mut v);
        s.set(v);
    });
}

/// Serialises `doc` with the faces of `fonts` (only the ones used are embedded, as subsets).
pub fn write(doc: &Document, fonts: &FontSet) -> Result<Vec<u8>> {
    write_at(doc, fonts, encode::DEFLATE_LEVEL, false)
}

/// `write` with the work spread over rayon's threads (the pages' content streams written and
/// the streams deflated side by side), for one report on its own: the same bytes. The
/// benchmark's stage times count only the calling thread's share of it.
pub fn write_spread(doc: &Document, fonts: &FontSet) -> Result<Vec<u8>> {
    write_at(doc, fonts, encode::DEFLATE_LEVEL, true)
}

/// `write` with the zlib level for the streams.
fn write_at(doc: &Document, fonts: &FontSet, level: u32, spread: bool) -> Result<Vec<u8>> {
    let started = std::time::Instant::now();
    let faces = embed::embed(doc, fonts, level, spread)?;
    let took = started.elapsed();
    add_stage(|s| s.subset += took);
    let pdf = build(doc)?;
    let images = image::Images::of(doc);
    let palette = palette::Palette::of(doc);
    let forms = forms::Forms::of(
        doc,
        &With {
            faces: &faces,
            images: &images,
            palette: &palette,
            forms: &forms::Forms::default(),
        },
    )?;
    let drawn = With {
        faces: &faces,
        images: &images,
        palette: &palette,
        forms: &forms,
    };
    encode::finish(&pdf, doc, level, spread, &drawn, || {
        // Each page marks its content in a tree of its own; joined in page order they are the
        // tree one pass over the pages would have grown.
        let written = crate::spread::map(&doc.pages, spread, |i, page| {
            let mut tree = tags::Tree::new(doc.pages.len());
            let content = content(page, i, doc.height, &drawn, &mut tree)?;
            Ok::<_, anyhow::Error>((content, tree))
        });
        let mut tree = tags::Tree::new(doc.pages.len());
        let mut contents = Vec::with_capacity(written.len());
        for result in written {
            let (content, page_tree) = result?;
            tree.append(page_tree);
            contents.push(content);
        }
        let cmaps = faces
            .iter()
            .flatten()
            .filter(|f| f.embedded())
            .map(embed::Embedded::of)
            .collect::<Result<_>>()?;
        Ok((contents, tree, cmaps))
    })
}

/// The printpdf document: pages with their boxes and links (no content yet) and metadata;
/// no bytes yet.
fn build(doc: &Document) -> Result<PdfDocument> {
    ensure!(
        doc.width > 0.0 && doc.height > 0.0,
        "page size {}×{} pt is empty",
        doc.width,
        doc.height
    );
    let mut pdf = PdfDocument::new(&doc.metadata.title);
    let page_count = doc.pages.len();
    for (index, page) in doc.pages.iter().enumerate() {
        let mut ops = Vec::new();
        for item in &page.items {
            if let Item::Link { rect, target } = item {
                link::add(&mut ops, doc.height, rect, target, page_count)
                    .map_err(|e| e.context(format!("page {}", index + 1)))?;
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
    Ok(pdf)
}

/// What the pages draw with: the embedded faces, the images, the colours and the furniture
/// they share.
struct With<'a, 'f> {
    faces: &'a Faces<'f>,
    images: &'a image::Images,
    palette: &'a palette::Palette,
    forms: &'a forms::Forms,
}

/// Whether `draw` paints anything for `item` (a link, a tag or an empty shape paints nothing).
fn visible(item: &Item, with: &With) -> bool {
    match item {
        Item::Text(run) => text::visible(run, with.faces),
        Item::Shape(shape) => shape::visible(shape),
        Item::Image { rect, .. } => image::visible(rect),
        Item::Link { .. } | Item::Open(_) | Item::Close => false,
    }
}

/// Writes a visible text run, shape or image.
fn draw(pen: &mut pen::Pen, item: &Item, with: &With) -> Result<()> {
    match item {
        Item::Text(run) => text::draw(pen, run, with.faces),
        Item::Shape(shape) => shape::draw(pen, shape),
        Item::Image { rect, image } => image::draw(pen, with.images, rect, image)?,
        Item::Link { .. } | Item::Open(_) | Item::Close => {}
    }
    Ok(())
}

/// One page's content stream, its marked content recorded in `tree`.
fn content(
    page: &Page,
    index: usize,
    page_height: f32,
    with: &With,
    tree: &mut tags::Tree,
) -> Result<Vec<u8>> {
    let mut pen = pen::Pen::new(page_height, page.items.len() * 48, with.palette);
    let mut marking = tags::Marking::new(tree, index);
    let mut i = 0;
    while i < page.items.len() {
        if let Some((form, end)) = with.forms.at(index, i) {
            marking.open(&crate::page::Tag::Artifact { pagination: true });
            marking.content(&mut pen)?;
            let out = pen.start();
            out.push(b'/');
            out.extend_from_slice(forms::name(form).as_bytes());
            out.extend_from_slice(b" Do");
            marking.close()?;
            i = end;
            continue;
        }
        let item = &page.items[i];
        i += 1;
        match item {
            Item::Link { .. } => marking.annotation()?,
            Item::Open(tag) => marking.open(tag),
            Item::Close => marking.close()?,
            drawn => {
                if visible(drawn, with) {
                    marking.content(&mut pen)?;
                    draw(&mut pen, drawn, with)?;
                }
            }
        }
    }
    marking.finish(&mut pen)?;
    Ok(pen.finish())
}
