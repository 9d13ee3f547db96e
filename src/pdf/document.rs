//! Document-level parts: metadata, outline, language and file ID. printpdf writes a random
//! file ID, orders bookmarks by title within a page and has no /Lang, so these are built
//! here from the document alone and patched into printpdf's object tree by `encode`.

use crate::page::{Document, Metadata};
use anyhow::{bail, Result};
use printpdf::DictItem;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub(super) const PRODUCER: &str = "riskreport";

/// A lopdf object id (number, generation); lopdf itself is not a dependency of this crate.
pub(super) type ObjectId = (u32, u16);

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
    DictItem::String {
        data: text_bytes(s),
        literal: true,
    }
}

/// The bytes of a PDF text string: PDFDocEncoding when it has every character (the alt
/// texts, link descriptions and metadata of an English report: half the bytes of UTF-16,
/// and a report has some 8,000 characters of them), else UTF-16BE with a byte-order mark.
pub(super) fn text_bytes(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match pdfdoc(c) {
            Some(b) => out.push(b),
            None => return utf16(s),
        }
    }
    // "þÿ…" and "ï»¿…" would read as the byte-order marks of UTF-16 and UTF-8.
    if out.starts_with(&[0xFE, 0xFF]) || out.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return utf16(s);
    }
    out
}

/// `c` in PDFDocEncoding (ISO 32000-1, Annex D.2), if it has it; control characters are
/// left to UTF-16 (readers disagree on PDFDocEncoding's tab and line ends).
fn pdfdoc(c: char) -> Option<u8> {
    const HIGH: [char; 31] = [
        '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}',
        '\u{2044}', '\u{2039}', '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}',
        '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{2122}', '\u{FB01}', '\u{FB02}',
        '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}', '\u{0142}',
        '\u{0153}', '\u{0161}', '\u{017E}',
    ];
    match c {
        ' '..='~' => Some(c as u8),
        '\u{20AC}' => Some(0xA0),
        '\u{A1}'..='\u{FF}' if c != '\u{AD}' => Some(c as u32 as u8),
        _ => HIGH.iter().position(|&h| h == c).map(|i| 0x80 + i as u8),
    }
}

/// `s` as UTF-16BE with a byte-order mark, the bytes of a PDF text string.
pub(super) fn utf16(s: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(2 + 2 * s.len());
    data.extend_from_slice(&[0xFE, 0xFF]);
    data.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    data
}

/// The sRGB profile every colour of the report is in (see `color/README.md` for its origin
/// and licence), embedded as the output intent PDF/A asks for device colours.
pub(super) const SRGB_ICC: &[u8] = include_bytes!("../../color/sRGB-v2-magic.icc");

/// The catalog's /OutputIntents: the report's colours are meant as sRGB.
pub(super) fn output_intents(icc: ObjectId) -> DictItem {
    let text = |s: &str| DictItem::String {
        data: s.as_bytes().to_vec(),
        literal: true,
    };
    DictItem::Array(vec![dict([
        ("Type", DictItem::Name(b"OutputIntent".to_vec())),
        ("S", DictItem::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", text("sRGB IEC61966-2.1")),
        ("Info", text("sRGB IEC61966-2.1")),
        ("RegistryName", text("http://www.color.org")),
        (
            "DestOutputProfile",
            DictItem::Ref {
                obj: icc.0,
                gen: icc.1,
            },
        ),
    ])])
}

/// A tagged PDF: the structure tree is the reading order.
pub(super) fn mark_info() -> DictItem {
    dict([("Marked", DictItem::Bool(true))])
}

/// The Info dictionary: what the XMP metadata says, in PDF strings and dates.
pub(super) fn info(meta: &Metadata) -> DictItem {
    let date = DictItem::String {
        data: pdf_date(meta).into_bytes(),
        literal: true,
    };
    let mut entries = vec![
        ("Title", text_string(&meta.title)),
        ("Author", text_string(&meta.author)),
        ("Subject", text_string(&meta.subject)),
        ("Creator", text_string(&meta.creator)),
        ("Producer", text_string(PRODUCER)),
        ("CreationDate", date.clone()),
        ("ModDate", date),
    ];
    if !meta.keywords.is_empty() {
        entries.push(("Keywords", text_string(&keywords(meta))));
    }
    DictItem::Dict {
        map: entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn keywords(meta: &Metadata) -> String {
    meta.keywords.join(", ")
}

/// The creation date in UTC, as `D:YYYYMMDDHHmmSS+00'00'`.
fn pdf_date(meta: &Metadata) -> String {
    let [y, mo, d, h, mi, s] = utc_fields(meta);
    format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}+00'00'")
}

/// The same date as XMP writes it.
fn xmp_date(meta: &Metadata) -> String {
    let [y, mo, d, h, mi, s] = utc_fields(meta);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

/// Year, month, day, hour, minute, second of the creation date in UTC.
fn utc_fields(meta: &Metadata) -> [i32; 6] {
    let d = meta.created.to_offset(time::UtcOffset::UTC);
    [
        d.year(),
        u8::from(d.month()).into(),
        d.day().into(),
        d.hour().into(),
        d.minute().into(),
        d.second().into(),
    ]
}

/// The XMP metadata packet: the Info dictionary's entries, the PDF/A-2a and PDF/UA-1 claims,
/// and the extension schema PDF/A requires for the PDF/UA identification (not one of the
/// schemas PDF/A predefines).
pub(super) fn xmp(meta: &Metadata) -> Vec<u8> {
    let x = |s: &str| xml_escape(s);
    let date = xmp_date(meta);
    let keywords = if meta.keywords.is_empty() {
        String::new()
    } else {
        format!("<pdf:Keywords>{}</pdf:Keywords>", x(&keywords(meta)))
    };
    let lang = if meta.language.is_empty() {
        "x-default".to_string()
    } else {
        x(&meta.language)
    };
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>{producer}</pdf:Producer>{keywords}
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>A</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{feff}',
        title = x(&meta.title),
        author = x(&meta.author),
        subject = x(&meta.subject),
        producer = PRODUCER,
        creator = x(&meta.creator),
    )
    .into_bytes()
}

/// Text as XML character data (and attribute values).
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod text_string_tests {
    use super::text_bytes;

    /// Every character our PDFDocEncoding table has reads back as itself through lopdf's
    /// decoder (its own table of Annex D), and text it lacks goes as UTF-16.
    #[test]
    fn text_strings_decode_to_what_was_written() {
        let decode = |bytes: Vec<u8>| {
            lopdf::decode_text_string(&lopdf::Object::String(bytes, lopdf::StringFormat::Literal))
                .unwrap()
        };
        let mut single = 0;
        for c in (0..0x3000u32)
            .chain(0xFB00..0xFB10)
            .filter_map(char::from_u32)
        {
            let s = format!("a{c}");
            let bytes = text_bytes(&s);
            if bytes.len() == 2 {
                single += 1;
            }
            assert_eq!(decode(bytes), s, "U+{:04X}", c as u32);
        }
        // ASCII's printable characters, Latin-1's 94 and the 32 others.
        assert_eq!(single, 95 + 94 + 32);
        for s in [
            "Go to page 8: Work AI already does",
            "roles’ “quoted” −2 – 3…",
            "محمد",
            "þÿ ok",
        ] {
            assert_eq!(decode(text_bytes(s)), s);
        }
        assert_eq!(text_bytes("AI’s"), b"AI\x90s");
        assert!(text_bytes("محمد").starts_with(&[0xFE, 0xFF]));
    }
}
