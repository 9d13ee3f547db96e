//! Running furniture drawn the same on several pages (the header and footer) is written once,
//! as a form XObject those pages show with `/FmN Do`, inside their pagination artifact.
//! Deflate cannot reach from one page's content stream into another's, so 23 copies of the
//! same header and footer cost some 2 KiB a report; one copy and 23 `Do`s cost almost nothing.
//!
//! Which furniture repeats is read from the bytes, not decided here: each top-level pagination
//! artifact of each page is written on its own, setting all it uses, word spacing included
//! (a form starts from the state of the page that shows it, and `Do` restores that state
//! after it), and bodies that come out the same on two or more pages become one form. The rest (the page
//! number) stays in its page's stream.

use super::pen::Pen;
use super::With;
use crate::page::{Document, Item, Tag};
use anyhow::{Context, Result};
use lopdf::{dictionary, Object, Stream};
use std::collections::HashMap;
use std::ops::Range;

/// The document's shared furniture and where each page shows it.
#[derive(Default)]
pub(super) struct Forms {
    /// Each form's content stream, in order of first appearance.
    pub(super) bodies: Vec<Vec<u8>>,
    /// Per page: the item ranges (a pagination artifact's `Open` to its `Close`) drawn by a
    /// form, and which form.
    shown: Vec<Vec<(Range<usize>, usize)>>,
}

impl Forms {
    pub(super) fn of(doc: &Document, with: &With) -> Result<Forms> {
        let mut written: Vec<Vec<(Range<usize>, Vec<u8>)>> = Vec::with_capacity(doc.pages.len());
        for page in &doc.pages {
            let mut bodies = Vec::new();
            for range in pagination(&page.items) {
                let items = &page.items[range.start + 1..range.end - 1];
                if let Some(body) = body(items, doc.height, with)? {
                    bodies.push((range, body));
                }
            }
            written.push(bodies);
        }
        let mut count: HashMap<&[u8], usize> = HashMap::new();
        for (_, body) in written.iter().flatten() {
            *count.entry(body.as_slice()).or_default() += 1;
        }
        let mut index: HashMap<&[u8], usize> = HashMap::new();
        let mut forms = Forms::default();
        for page in &written {
            let mut shown = Vec::new();
            for (range, body) in page {
                if count[body.as_slice()] < 2 {
                    continue;
                }
                let form = *index.entry(body.as_slice()).or_insert_with(|| {
                    forms.bodies.push(body.clone());
                    forms.bodies.len() - 1
                });
                shown.push((range.clone(), form));
            }
            forms.shown.push(shown);
        }
        Ok(forms)
    }

    /// The form that draws the items of page `page` from `start` on, and where they end.
    pub(super) fn at(&self, page: usize, start: usize) -> Option<(usize, usize)> {
        let shown = self.shown.get(page)?;
        let i = shown.binary_search_by_key(&start, |(r, _)| r.start).ok()?;
        Some((shown[i].1, shown[i].0.end))
    }
}

/// The resource name of form `index`.
pub(super) fn name(index: usize) -> String {
    format!("Fm{}", index + 1)
}

/// The ranges of the page's top-level pagination artifacts, `Open` to `Close` inclusive.
fn pagination(items: &[Item]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Open(tag) => {
                if depth == 0 && matches!(tag, Tag::Artifact { pagination: true }) {
                    start = Some(i);
                }
                depth += 1;
            }
            Item::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(s) = start.take() {
                        ranges.push(s..i + 1);
                    }
                }
            }
            _ => {}
        }
    }
    ranges
}

/// The content stream of furniture `items` on its own, from a fresh graphics state; `None`
/// when they hold what a form cannot (a link: an annotation of the page) or draw nothing.
/// Inside furniture an element is furniture too (a name's language span in the header, see
/// `tags::Marking::open`): it marks nothing, in a form as in the page.
fn body(items: &[Item], page_height: f32, with: &With) -> Result<Option<Vec<u8>>> {
    let mut pen = Pen::new(page_height, items.len() * 48, with.palette);
    // Everything the pen sets before use (colours, font, line style) the form sets itself;
    // word spacing the pen sets only when it changes, and the page's may still be a justified
    // line's when it shows the form: the form starts from none.
    if items
        .iter()
        .any(|i| matches!(i, Item::Text(_)) && super::visible(i, with))
    {
        pen.op_numbers(&[0.0], b"Tw");
    }
    for item in items {
        match item {
            Item::Link { .. } => return Ok(None),
            Item::Open(_) | Item::Close => {}
            drawn => {
                if super::visible(drawn, with) {
                    super::draw(&mut pen, drawn, with)?;
                }
            }
        }
    }
    let body = pen.finish();
    // Furniture that draws nothing needs no form (nor a `Do` on every page).
    Ok((!body.is_empty()).then_some(body))
}

/// Adds the forms to `lo` and to the XObject resources of every page. A form's resources are
/// the pages' fonts, colour space and images (not the forms: none shows another).
pub(super) fn add(
    lo: &mut lopdf::Document,
    bodies: &[Vec<u8>],
    width: f32,
    height: f32,
) -> Result<()> {
    if bodies.is_empty() {
        return Ok(());
    }
    let first = *lo
        .get_pages()
        .values()
        .next()
        .context("a document with forms but no page")?;
    let mut resources = lo
        .get_dictionary(super::encode::resources_of(lo, first)?)?
        .clone();
    if let Ok(images) = resources.get(b"XObject").and_then(Object::as_reference) {
        let images = lo.get_dictionary(images)?.clone();
        resources.set("XObject", Object::Dictionary(images));
    }
    let resources = lo.add_object(resources);
    let mut entries = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.iter().enumerate() {
        let form = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), Object::Real(width), Object::Real(height)],
                "Resources" => resources,
            },
            body.clone(),
        );
        entries.push((name(i), lo.add_object(form)));
    }
    super::image::add_to_pages(lo, &entries)
}
