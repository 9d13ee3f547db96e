//! Document-level parts: metadata, outline, language and file ID. printpdf writes a random
//! file ID, orders bookmarks by title within a page and has no /Lang, so these are built
//! here from the document alone and patched into printpdf's object tree by `encode`.

use crate::page::{Document, Metadata};
use anyhow::{bail, Result};
use printpdf::{DictItem, PdfDocument};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub(super) const PRODUCER: &str = "riskreport";

/// A lopdf object id (number, generation); lopdf itself is not a dependency of this crate.
pub(super) type ObjectId = (u32, u16);

pub(super) fn set_info(pdf: &mut PdfDocument, meta: &Metadata) {
    // printpdf writes a date's fields followed by +00'00', so hand it the date in UTC.
    let created = printpdf::OffsetDateTime::from_unix_timestamp(meta.created.unix_timestamp())
        .unwrap_or_else(|_| {
            printpdf::OffsetDateTime::from_unix_timestamp(0).expect("the epoch is a date")
        });
    let info = &mut pdf.metadata.info;
    info.document_title = meta.title.clone();
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = meta.creator.clone();
    info.producer = PRODUCER.to_string();
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;
}

/// The trailer's /ID: a hash of what identifies the report, so a re-run gives the same bytes.
pub(super) fn file_id(doc: &Document) -> DictItem {
    let m = &doc.metadata;
    let mut hash = Sha256::new();
    for part in [&m.title, &m.author, &m.subject, &m.creator, &m.language] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.update(m.created.unix_timestamp_nanos().to_le_bytes());
    hash.update((doc.pages.len() as u64).to_le_bytes());
    let id = DictItem::Bytes(hash.finalize()[..16].to_vec());
    // Both halves are equal for a file that was written once and never updated.
    DictItem::Array(vec![id.clone(), id])
}

pub(super) fn language(meta: &Metadata) -> Option<DictItem> {
    (!meta.language.is_empty()).then(|| DictItem::String {
        data: meta.language.as_bytes().to_vec(),
        literal: true,
    })
}

/// The outline dictionary and its items, in document order, as (object id, object) pairs.
/// `ids` holds one id for the root then one per entry; `pages` maps 1-based pages to objects.
pub(super) fn outline(
    doc: &Document,
    ids: &[ObjectId],
    pages: &BTreeMap<u32, ObjectId>,
) -> Result<Vec<(ObjectId, DictItem)>> {
    let entries = &doc.outline;
    let Some((&root, items)) = ids.split_first() else {
        return Ok(Vec::new());
    };
    let reference = |id: ObjectId| DictItem::Ref {
        obj: id.0,
        gen: id.1,
    };
    let mut objects = Vec::with_capacity(ids.len());
    objects.push((
        root,
        dict([
            ("Type", DictItem::Name(b"Outlines".to_vec())),
            ("Count", DictItem::Int(entries.len() as i64)),
            ("First", reference(items[0])),
            ("Last", reference(items[items.len() - 1])),
        ]),
    ));
    for (i, entry) in entries.iter().enumerate() {
        let Some(&page) = pages.get(&(entry.page as u32 + 1)) else {
            bail!(
                "outline entry {:?} points to page {} but the document has {} pages",
                entry.title,
                entry.page + 1,
                pages.len()
            );
        };
        let mut item = dict([
            ("Title", text_string(&entry.title)),
            ("Parent", reference(root)),
            (
                "Dest",
                DictItem::Array(vec![
                    reference(page),
                    DictItem::Name(b"XYZ".to_vec()),
                    DictItem::Int(0),
                    DictItem::Real(doc.height),
                    DictItem::Null,
                ]),
            ),
        ]);
        if let DictItem::Dict { map } = &mut item {
            if i > 0 {
                map.insert("Prev".into(), reference(items[i - 1]));
            }
            if let Some(&next) = items.get(i + 1) {
                map.insert("Next".into(), reference(next));
            }
        }
        objects.push((items[i], item));
    }
    Ok(objects)
}

fn dict<const N: usize>(entries: [(&str, DictItem); N]) -> DictItem {
    DictItem::Dict {
        map: entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// Readers show the document's title, not its file name, in the window title.
pub(super) fn viewer_preferences() -> DictItem {
    dict([("DisplayDocTitle", DictItem::Bool(true))])
}

/// What a link does, said in words: "Go to page 8: Work AI already does" for a page with an
/// outline entry, "Go to page 8" otherwise, "Open https://…" for an address.
pub(super) fn link_description(doc: &Document, page: Option<usize>, uri: Option<&str>) -> String {
    match (page, uri) {
        (Some(p), _) => match doc.outline.iter().find(|o| o.page == p) {
            Some(o) => format!("Go to page {}: {}", p + 1, o.title),
            None => format!("Go to page {}", p + 1),
        },
        (None, Some(uri)) => format!("Open {uri}"),
        (None, None) => "Link".to_string(),
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, so any script survives.
pub(super) fn text_string(s: &str) -> DictItem {
    let mut data = vec![0xFE, 0xFF];
    data.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    DictItem::Bytes(data)
}
