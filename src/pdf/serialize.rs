//! The finished object tree → file bytes, with object streams and a cross-reference stream
//! (PDF 1.5; PDF/A-2 allows both). A tagged report is some 900 small dictionaries (the
//! structure tree), and lopdf's object-stream writer formats each one three times through
//! `core::fmt`; this writes each once, with the content streams' number printing, and
//! deflates each object stream at the report's level.
//!
//! Layout: header and binary comment (PDF/A 6.1.2), the stream objects as plain indirect
//! objects, the other objects packed into object streams, then the cross-reference stream
//! with the trailer's entries. Equal object trees give equal bytes.

use super::num::number;
use anyhow::{ensure, Result};
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

/// Objects per object stream. A report's ~1,000 objects (most of them the structure tree) fit
/// in one: deflate's window then reaches across the whole tree, 0.7 KiB a report less than
/// streams of 200, and a reader inflates some 80 KB once.
const PER_STREAM: usize = 4000;
// An object's index in its stream is a cross-reference field of two bytes (`XREF_ROW`).
const _: () = assert!(PER_STREAM <= u16::MAX as usize + 1);

/// Bytes of a cross-reference stream entry: type, offset or object stream (4), generation or
/// index (2), as `/W [1 4 2]` says.
const XREF_ROW: usize = 7;

/// zlib level for the object streams (the structure tree, a fifth of a report's bytes).
/// libdeflate over the object streams of 20 sample reports (CPU a report, compressed bytes a
/// report): level 4 0.45 ms, 17,558; 5 0.52 ms, 16,382; 6 0.68 ms, 16,141; 9 3.8 ms, 15,746.
/// Past 5 each step costs more time than the bytes are worth.
const OBJECT_STREAM_LEVEL: u32 = 5;

/// An object stream before it is deflated: its number, how many objects it holds, where the
/// first begins (after the header of numbers and offsets), header and objects.
pub(super) struct ObjectStream {
    id: u32,
    count: usize,
    first: usize,
    pub(super) bytes: Vec<u8>,
}

/// The objects that go into object streams, written and numbered but not yet deflated: their
/// deflating (the structure tree, the largest stream of a report) can then run beside the
/// content streams' instead of after them.
pub(super) struct Packing {
    max_id: u32,
    /// Per object number: (type, field 2, field 3) of its cross-reference entry; the packed
    /// objects' entries are filled in.
    xref: Vec<(u8, u32, u16)>,
    pub(super) streams: Vec<ObjectStream>,
}

/// Whether `save` writes the object as an indirect object of its own (streams cannot be
/// packed; an object of a later generation keeps its number's generation in the table).
fn stands_alone((_, generation): ObjectId, object: &Object) -> bool {
    matches!(object, Object::Stream(_)) || generation != 0
}

/// The level object streams are deflated at for a report written at `level`.
pub(super) fn packed_level(level: u32) -> u32 {
    OBJECT_STREAM_LEVEL.max(level)
}

/// Packs `doc`'s objects that are not streams, plus `raw`: objects already serialised
/// (object number, bytes), which go after the document's own.
pub(super) fn pack(doc: &Document, raw: &[(u32, Vec<u8>)]) -> Result<Packing> {
    let max_id = doc
        .objects
        .keys()
        .map(|id| id.0)
        .chain(raw.iter().map(|r| r.0))
        .max()
        .unwrap_or(0);
    let mut xref: Vec<(u8, u32, u16)> = vec![(0, 0, 0); max_id as usize + 1];
    xref[0] = (0, 0, 65535);
    let mut packed: Vec<(u32, Packed)> = Vec::with_capacity(doc.objects.len() + raw.len());
    for (&id, object) in &doc.objects {
        if !stands_alone(id, object) {
            packed.push((id.0, Packed::Object(object)));
        }
    }
    packed.extend(raw.iter().map(|(id, bytes)| (*id, Packed::Raw(bytes))));
    let mut streams: Vec<ObjectStream> = Vec::with_capacity(packed.len().div_ceil(PER_STREAM));
    for (stream_id, chunk) in (max_id + 1..).zip(packed.chunks(PER_STREAM)) {
        let mut offsets = Vec::with_capacity(chunk.len() * 10);
        let mut body = Vec::with_capacity(chunk.len() * 64);
        for (index, (id, object)) in chunk.iter().enumerate() {
            ensure!(xref[*id as usize].0 == 0, "object {id} is written twice");
            xref[*id as usize] = (2, stream_id, index as u16);
            integer(&mut offsets, *id as i64);
            offsets.push(b' ');
            integer(&mut offsets, body.len() as i64);
            offsets.push(b' ');
            match object {
                Packed::Object(o) => write(&mut body, o),
                Packed::Raw(bytes) => body.extend_from_slice(bytes),
            }
            body.push(b'\n');
        }
        let first = offsets.len();
        offsets.extend_from_slice(&body);
        streams.push(ObjectStream {
            id: stream_id,
            count: chunk.len(),
            first,
            bytes: offsets,
        });
    }
    Ok(Packing {
        max_id,
        xref,
        streams,
    })
}

/// Writes `doc` with its packed objects: `packing` from `pack`, and `squeezed`, each of its
/// object streams deflated at `packed_level`.
pub(super) fn save(
    doc: &Document,
    packing: Packing,
    squeezed: Vec<Vec<u8>>,
    level: u32,
    out: &mut Vec<u8>,
) -> Result<()> {
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(doc.version.as_bytes());
    out.extend_from_slice(b"\n%\xE2\xE3\xCF\xD3\n");
    let Packing {
        max_id,
        mut xref,
        streams,
    } = packing;
    ensure!(
        squeezed.len() == streams.len(),
        "{} deflated object streams for {}",
        squeezed.len(),
        streams.len()
    );
    let mut scratch = Vec::new();
    for (&id, object) in &doc.objects {
        if stands_alone(id, object) {
            xref[id.0 as usize] = (1, out.len() as u32, id.1);
            indirect(out, id, object, &mut scratch);
        }
    }
    // The object streams are numbered after the document's objects, the cross-reference
    // stream after them.
    let xref_id = max_id + 1 + streams.len() as u32;
    for (stream, content) in streams.into_iter().zip(squeezed) {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        dict.set("N", stream.count as i64);
        dict.set("First", stream.first as i64);
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        xref.push((1, out.len() as u32, 0));
        stream_object(out, (stream.id, 0), &dict, &content);
    }

    // The cross-reference stream: its own entry is the last.
    let start = out.len();
    xref.push((1, start as u32, 0));
    ensure!(
        xref.len() == xref_id as usize + 1,
        "cross-reference entries out of step: {} for {} objects",
        xref.len(),
        xref_id + 1
    );
    // PNG "Up" rows (predictor 12): each byte less the one above it. Entries in one object
    // stream differ from the previous only in their index, and offsets only in their low
    // bytes, so the rows deflate to about a quarter of what the plain ones do.
    let mut rows = Vec::with_capacity(xref.len() * (XREF_ROW + 1));
    let mut above = [0u8; XREF_ROW];
    for &(kind, a, b) in &xref {
        let mut row = [0u8; XREF_ROW];
        row[0] = kind;
        row[1..5].copy_from_slice(&a.to_be_bytes());
        row[5..].copy_from_slice(&b.to_be_bytes());
        rows.push(2);
        rows.extend(row.iter().zip(above).map(|(b, up)| b.wrapping_sub(up)));
        above = row;
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", xref.len() as i64);
    dict.set("W", Object::Array(vec![1.into(), 4.into(), 2.into()]));
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            dict.set(key.to_vec(), value.clone());
        }
    }
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut predictor = Dictionary::new();
    predictor.set("Predictor", 12);
    predictor.set("Columns", XREF_ROW as i64);
    dict.set("DecodeParms", Object::Dictionary(predictor));
    let content = super::encode::deflate(&rows, level)?;
    stream_object(out, (xref_id, 0), &dict, &content);
    out.extend_from_slice(b"startxref\n");
    integer(out, start as i64);
    out.extend_from_slice(b"\n%%EOF\n");
    Ok(())
}

/// An object for an object stream: one of the document's, or one already serialised.
enum Packed<'a> {
    Object(&'a Object),
    Raw(&'a [u8]),
}

fn indirect(out: &mut Vec<u8>, id: ObjectId, object: &Object, scratch: &mut Vec<u8>) {
    match object {
        Object::Stream(stream) => stream_object(out, id, &stream.dict, &stream.content),
        _ => {
            scratch.clear();
            write(scratch, object);
            header(out, id);
            out.extend_from_slice(scratch);
            out.extend_from_slice(b"\nendobj\n");
        }
    }
}

fn header(out: &mut Vec<u8>, (id, generation): ObjectId) {
    integer(out, id as i64);
    out.push(b' ');
    integer(out, generation as i64);
    out.extend_from_slice(b" obj\n");
}

/// A stream object, its /Length set from `content` (whatever the dictionary said).
fn stream_object(out: &mut Vec<u8>, id: ObjectId, dict: &Dictionary, content: &[u8]) {
    header(out, id);
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        if key == b"Length" {
            continue;
        }
        name(out, key);
        separate(out, value);
        write(out, value);
    }
    out.extend_from_slice(b"/Length ");
    integer(out, content.len() as i64);
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// A space between a key and a value that would otherwise run into it.
fn separate(out: &mut Vec<u8>, value: &Object) {
    if !matches!(
        value,
        Object::Name(_) | Object::String(..) | Object::Array(_) | Object::Dictionary(_)
    ) {
        out.push(b' ');
    }
}

fn write(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(v) => integer(out, *v),
        Object::Real(v) => number(out, *v),
        Object::Name(n) => name(out, n),
        Object::String(bytes, StringFormat::Literal) => literal(out, bytes),
        Object::String(bytes, StringFormat::Hexadecimal) => hex(out, bytes),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dict.iter() {
                name(out, key);
                separate(out, value);
                write(out, value);
            }
            out.extend_from_slice(b">>");
        }
        // Streams are never inside other objects; `save` writes them as indirect objects.
        Object::Stream(_) => out.extend_from_slice(b"null"),
        Object::Reference(id) => reference(out, *id),
    }
}

pub(super) fn reference(out: &mut Vec<u8>, (id, generation): ObjectId) {
    integer(out, id as i64);
    out.push(b' ');
    integer(out, generation as i64);
    out.extend_from_slice(b" R");
}

pub(super) fn integer(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

fn name(out: &mut Vec<u8>, n: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(b'/');
    for &b in n {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.extend_from_slice(&[b'#', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        } else {
            out.push(b);
        }
    }
}

/// A literal string with every parenthesis, backslash and carriage return escaped, so no
/// balancing is needed.
pub(super) fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b')');
}

pub(super) fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'<');
    for &b in bytes {
        out.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
    }
    out.push(b'>');
}
