//! Text runs → one text object each, shown with the embedded subset's two-byte codes
//! (Identity-H). Justification is drawn with TJ offsets after every space because `Tw` does
//! not apply to two-byte codes.
//!
//! The codes are written as literal strings, two bytes per glyph, where printpdf writes hex
//! strings, four digits per glyph: text is most of a report's content, so this takes a
//! quarter off the bytes to deflate and makes the compressed streams smaller too.

use super::embed::{Face, Faces};
use super::num::number;
use super::pen::{round, Pen};
use crate::page::TextRun;

/// Whether `draw` shows the run: the layout may hand over empty or degenerate runs.
pub(super) fn shows(run: &TextRun) -> bool {
    !(run.text.is_empty() || run.size.is_nan() || run.size <= 0.0)
}

pub(super) fn draw(pen: &mut Pen, run: &TextRun, faces: &Faces) {
    // embed() registered a face for every run with text, so a miss means there is nothing to
    // draw; so does a face printpdf did not embed because none of its glyphs is shown.
    let Some(Some(face)) = faces.get(run.font.0 as usize) else {
        return;
    };
    if !shows(run) || !face.embedded() {
        return;
    }
    let size = round(run.size, 100.0);
    pen.op(b"BT");
    if pen.font != Some((run.font.0, size)) {
        let out = pen.start();
        name(out, face.id.0.as_bytes());
        out.push(b' ');
        number(out, size);
        out.extend_from_slice(b" Tf");
        pen.font = Some((run.font.0, size));
    }
    pen.fill(run.color);
    let (x, y) = (pen.x(run.x), pen.y(run.y));
    let matrix = if run.rotation == 0.0 {
        [1.0, 0.0, 0.0, 1.0, x, y]
    } else {
        // Counter-clockwise on the page is counter-clockwise in PDF space too: the y flip
        // moves the origin, it does not mirror the text.
        let (sin, cos) = run.rotation.to_radians().sin_cos();
        let (sin, cos) = (round(sin, 10000.0), round(cos, 10000.0));
        [cos, sin, -sin + 0.0, cos, x, y]
    };
    pen.op_numbers(&matrix, b"Tm");
    show(pen, face, &run.text, run.word_gap, size);
    pen.op(b"ET");
}

/// `(codes) Tj`, or when the line is justified `[(codes) offset(codes) …] TJ` with an offset
/// after each space.
fn show(pen: &mut Pen, face: &Face, text: &str, word_gap: f32, size: f32) {
    // TJ numbers are thousandths of an em and move the pen left, so wider is negative.
    let offset = round(-word_gap * 1000.0 / size, 10.0);
    let out = pen.start();
    out.reserve(text.len() * 2 + 16);
    if offset == 0.0 || !text.contains(' ') {
        codes(out, face, text);
        out.extend_from_slice(b" Tj");
        return;
    }
    out.push(b'[');
    for piece in text.split_inclusive(' ') {
        codes(out, face, piece);
        if piece.ends_with(' ') {
            out.push(b' ');
            number(out, offset);
        }
    }
    out.extend_from_slice(b"] TJ");
}

/// The text's codes as a literal string: big-endian pairs of bytes, with the bytes that
/// would end the string, start an escape or be read as a different line end escaped.
fn codes(out: &mut Vec<u8>, face: &Face, text: &str) {
    out.push(b'(');
    for c in text.chars() {
        for b in face.code(c).to_be_bytes() {
            match b {
                b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\n' => out.extend_from_slice(b"\\n"),
                _ => out.push(b),
            }
        }
    }
    out.push(b')');
}

/// A PDF name: `/` and the bytes, with delimiters and bytes outside `!`..`~` as `#xx`.
fn name(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'/');
    for &b in bytes {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend_from_slice(&[b'#', HEX[(b >> 4) as usize], HEX[(b & 0xF) as usize]]);
        } else {
            out.push(b);
        }
    }
}
