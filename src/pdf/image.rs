//! Images: each distinct image of the document becomes one image XObject (8-bit DeviceRGB,
//! its alpha as an SMask, which PDF/A-2 allows), named `/Im1`, `/Im2`… in the order the pages
//! first show them, and drawn with `q … cm /ImN Do Q`, as printpdf writes `Op::UseXobject`.
//!
//! Not through printpdf's `add_image`: its resource names are random (`XObjectId::new`) and it
//! deflates the samples again for every report. The samples arrive compressed (`page::Image`),
//! so the streams are written here as they are, and a re-render gives the same bytes.

use super::pen::{round, Pen};
use crate::page::{Document, Image, Item, Rect};
use anyhow::{Context, Result};
use lopdf::{dictionary, Object, ObjectId, Stream};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The document's distinct images, in order of first appearance.
#[derive(Default)]
pub(super) struct Images(Vec<Arc<Image>>);

impl Images {
    pub(super) fn of(doc: &Document) -> Images {
        let mut list: Vec<Arc<Image>> = Vec::new();
        for item in doc.pages.iter().flat_map(|p| &p.items) {
            if let Item::Image { image, .. } = item {
                // By identity: the layouts share one decoded logo across pages and reports.
                if !list.iter().any(|i| Arc::ptr_eq(i, image)) {
                    list.push(image.clone());
                }
            }
        }
        Images(list)
    }

    fn name(&self, image: &Arc<Image>) -> Option<String> {
        let i = self.0.iter().position(|i| Arc::ptr_eq(i, image))?;
        Some(format!("Im{}", i + 1))
    }
}

/// Whether `draw` paints anything.
pub(super) fn visible(rect: &Rect) -> bool {
    rect.w > 0.0 && rect.h > 0.0
}

/// The image stretched over `rect`.
pub(super) fn draw(pen: &mut Pen, images: &Images, rect: &Rect, image: &Arc<Image>) -> Result<()> {
    let name = images
        .name(image)
        .context("an image that is not among the document's")?;
    pen.op(b"q");
    // The image space is the unit square, its origin at the bottom left.
    pen.op_numbers(
        &[
            round(rect.w, 100.0),
            0.0,
            0.0,
            round(rect.h, 100.0),
            pen.x(rect.x),
            pen.y(rect.bottom()),
        ],
        b"cm",
    );
    let out = pen.start();
    out.push(b'/');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b" Do");
    pen.op(b"Q");
    Ok(())
}

/// Adds the image XObjects to `lo` and to the XObject resources of every page.
pub(super) fn add(lo: &mut lopdf::Document, images: &Images) -> Result<()> {
    if images.0.is_empty() {
        return Ok(());
    }
    let mut entries: Vec<(String, ObjectId)> = Vec::with_capacity(images.0.len());
    for (i, image) in images.0.iter().enumerate() {
        let samples = |color_space: &str, data: &[u8]| {
            let dict = dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => image.width as i64,
                "Height" => image.height as i64,
                "ColorSpace" => Object::Name(color_space.as_bytes().to_vec()),
                "BitsPerComponent" => 8,
                "Filter" => "FlateDecode",
            };
            Stream::new(dict, data.to_vec()).with_compression(false)
        };
        let smask = image
            .alpha
            .as_ref()
            .map(|a| lo.add_object(samples("DeviceGray", a)));
        let mut stream = samples("DeviceRGB", &image.rgb);
        if let Some(smask) = smask {
            stream.dict.set("SMask", smask);
        }
        entries.push((format!("Im{}", i + 1), lo.add_object(stream)));
    }
    add_to_pages(lo, &entries)
}

/// Names XObjects (`entries`: name, object) in the XObject resources of every page.
pub(super) fn add_to_pages(lo: &mut lopdf::Document, entries: &[(String, ObjectId)]) -> Result<()> {
    // printpdf gives every page the same resources dictionary, and that the same XObject
    // dictionary; each distinct one gets the entries once.
    let mut dicts = BTreeSet::new();
    for &page in lo.get_pages().values() {
        let xobjects = lo
            .get_dictionary(super::encode::resources_of(lo, page)?)?
            .get(b"XObject")
            .and_then(Object::as_reference)
            .context("printpdf wrote page resources without an XObject dictionary")?;
        dicts.insert(xobjects);
    }
    for id in dicts {
        let dict = lo.get_dictionary_mut(id)?;
        for (name, object) in entries {
            dict.set(name.as_bytes().to_vec(), *object);
        }
    }
    Ok(())
}
