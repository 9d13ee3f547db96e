//! Shaped runs → text objects (consecutive runs of one marked stretch share one, moving
//! with `Td`), the glyphs shown by their face's codes (see `embed::Encoding`), placed where
//! the layout put them: where a glyph's advance differs from the face's own
//! (kerning, justification) a TJ offset moves the pen, a mark's vertical offset is a text rise.
//! A run whose glyphs, read through ToUnicode in drawing order, do not spell its text (right-
//! to-left, reordered or merged clusters) is wrapped in a `/Span` with `/ActualText`, so
//! copy-paste and `pdftotext` give the logical string.
//!
//! The codes are written as literal strings, one byte per glyph for most faces, where
//! printpdf writes hex strings, four digits per glyph: text is most of a report's content,
//! so this takes most of the bytes off the text to deflate and makes the streams smaller.
//! Justified lines widen their spaces (code 32) with word spacing, `Tw`, once a run.

use super::embed::{Face, Faces};
use super::num::number;
use super::pen::{round, Pen};
use crate::page::{Stroke, TextRun};

/// Pen drift, in thousandths of an em, below which no offset is written: the face's widths in
/// the PDF are whole thousandths, so faces with other units per em drift by fractions; the
/// drift is carried and corrected once it is visible.
const DRIFT: f32 = 0.5;

/// Stroke width of synthetic bold, as a share of the size.
const EMBOLDEN: f32 = 0.045;

/// Whether `draw` shows the run: the layout may hand over empty or degenerate runs.
pub(super) fn shows(run: &TextRun) -> bool {
    !(run.glyphs.is_empty() || run.size.is_nan() || run.size <= 0.0)
}

/// Whether `draw` writes anything for the run.
pub(super) fn visible(run: &TextRun, faces: &Faces) -> bool {
    // embed() registered a face for every run with glyphs, so a miss means there is nothing
    // to draw; so does a face printpdf did not embed because none of its glyphs is shown.
    matches!(faces.get(run.font.0 as usize), Some(Some(face)) if face.embedded()) && shows(run)
}

pub(super) fn draw(pen: &mut Pen, run: &TextRun, faces: &Faces) {
    let Some(Some(face)) = faces.get(run.font.0 as usize) else {
        return;
    };
    if !shows(run) || !face.embedded() {
        return;
    }
    let size = round(run.size, 100.0);
    pen.begin_text();
    let mark = pen.current().len();
    if pen.font != Some((run.font.0, size)) {
        let out = pen.start();
        name(out, face.id.as_bytes());
        out.push(b' ');
        number(out, size);
        out.extend_from_slice(b" Tf");
        pen.font = Some((run.font.0, size));
    }
    pen.fill(run.color);
    if run.embolden {
        pen.stroke(&Stroke::solid(run.color, run.size * EMBOLDEN));
        pen.op(b"2 Tr");
    }
    let (x, y) = pen.text_origin(run.x, run.y);
    let matrix = if run.rotation == 0.0 {
        if let Some((lx, ly)) = pen.line {
            pen.op_numbers(&[round(x - lx, 100.0), round(y - ly, 100.0)], b"Td");
        } else if pen.identity {
            pen.op_numbers(&[x, y], b"Td");
        } else {
            pen.op_numbers(&[1.0, 0.0, 0.0, 1.0, x, y], b"Tm");
        }
        pen.line = Some((x, y));
        pen.identity = false;
        None
    } else {
        // Counter-clockwise on the page is counter-clockwise in PDF space too: the y flip
        // moves the origin, it does not mirror the text.
        let (sin, cos) = run.rotation.to_radians().sin_cos();
        let (sin, cos) = (round(sin, 10000.0), round(cos, 10000.0));
        pen.line = None;
        pen.identity = false;
        Some([cos, sin, -sin + 0.0, cos, x, y])
    };
    if let Some(matrix) = matrix {
        pen.op_numbers(&matrix, b"Tm");
    }
    let spelled = show(pen, face, run, size);
    if run.embolden {
        pen.op(b"0 Tr");
    }
    if !spelled {
        // Known only once the glyphs are written (one pass over them): the span goes in
        // front, as if written first.
        let mut span = Vec::with_capacity(run.text.len() * 4 + 32);
        if mark > 0 {
            span.push(b'\n');
        }
        span.extend_from_slice(b"/Span <</ActualText ");
        // Right to left, the characters go in reverse, as in ToUnicode: extractors (poppler's
        // pdftotext) lay the replacement text over the glyphs and then reverse the line.
        if run.rtl {
            utf16_string(&mut span, &run.text.chars().rev().collect::<String>());
        } else {
            utf16_string(&mut span, &run.text);
        }
        span.extend_from_slice(b">> BDC");
        if mark == 0 {
            span.push(b'\n');
        }
        pen.current().splice(mark..mark, span);
        pen.op(b"EMC");
    }
    pen.end_text();
}

/// Whether the glyphs' ToUnicode texts, in drawing order reversed (as extractors read
/// right-to-left text), give the run's text.
fn spells_rtl(face: &Face, run: &TextRun) -> bool {
    let mut want = run.text.chars();
    let ok = run
        .glyphs
        .iter()
        .rev()
        .flat_map(|g| face.text_of(g.id).unwrap_or("").chars().rev())
        .all(|c| want.next() == Some(c));
    ok && want.next().is_none()
}

/// Shows the glyphs, `(codes) Tj` when every glyph sits where the face's widths put it, else
/// TJ arrays with offsets, and `Ts` around glyphs raised or lowered. Returns whether the
/// glyphs' ToUnicode texts, in drawing order, spell the run's text (checked on the way for
/// left-to-right runs).
fn show(pen: &mut Pen, face: &Face, run: &TextRun, size: f32) -> bool {
    let k = 1000.0 / size;
    let one_byte = face.encoding.one_byte;
    // A run of one glyph standing for other text than its own (the soft hyphen at a break)
    // shows the glyph's second code, whose ToUnicode is that text.
    if let [g] = &run.glyphs[..] {
        if let Some(c) = (!run.rtl).then(|| face.alias(g.id, &run.text)).flatten() {
            let out = pen.start();
            out.push(b'(');
            code(out, c, one_byte);
            out.extend_from_slice(b") Tj");
            return true;
        }
    }
    // Justification widens the spaces: word spacing does that for code 32 (the space, in a
    // face with one-byte codes) once a run, rather than an offset at every space.
    let space = face.encoding.space;
    if let Some(sp) = space {
        if let Some(g) = run.glyphs.iter().find(|g| g.id == sp && g.dx == 0.0) {
            let extra = (g.advance * k - face.width(sp)) * size / 1000.0;
            let tw = round(extra, 1000.0);
            if tw != pen.word_spacing {
                pen.op_numbers(&[tw], b"Tw");
                pen.word_spacing = tw;
            }
        }
    }
    let widened = pen.word_spacing * k;
    let mut w = TjWriter::default();
    let mut rise = 0.0f32;
    // Thousandths of an em the pen must still move right before the next glyph.
    let mut due = 0.0f32;
    // Anything but glyphs at the face's widths on the baseline: then TJ stays.
    let mut moved = false;
    let mut rest = Some(run.text.as_bytes()).filter(|_| !run.rtl);
    for g in run.glyphs.iter() {
        let shown = face.shown_glyph(g.id);
        if let Some(r) = rest {
            let t = shown
                .and_then(|s| s.text.as_deref())
                .unwrap_or("")
                .as_bytes();
            rest = match t {
                [b] => r.split_first().filter(|(c, _)| *c == b).map(|(_, r)| r),
                _ => r.strip_prefix(t),
            };
        }
        moved |= g.dx != 0.0 || g.dy != 0.0;
        // Almost every glyph sits on the baseline: no rounding for those.
        let want_rise = if g.dy == 0.0 {
            0.0
        } else {
            round(-g.dy, 100.0)
        };
        if want_rise != rise {
            w.close(pen);
            pen.op_numbers(&[want_rise], b"Ts");
            rise = want_rise;
        }
        due += g.dx * k;
        if due.abs() >= DRIFT {
            // Whole thousandths, the rounding carried: kerning reads as the face's own values
            // (20, not 19.9 and 20.1), which deflate better, and the error never adds up.
            let n = round(-due, 1.0);
            w.offset(pen, n);
            moved = true;
            due += n;
        }
        w.glyph(pen, shown.map_or(0, |s| s.code), one_byte);
        due += (g.advance - g.dx) * k - shown.map_or(0.0, |s| s.width);
        if Some(g.id) == space {
            due -= widened;
        }
    }
    // A trailing mark's offset is undone too, so the pen ends where the layout's run ends and
    // extractors see no gap before the next run.
    if due.abs() >= DRIFT {
        w.offset(pen, round(-due, 1.0));
        moved = true;
    }
    let array = w.array_at;
    w.close(pen);
    if rise != 0.0 {
        pen.op_numbers(&[0.0], b"Ts");
    }
    if !moved {
        // One string, nothing between the glyphs: `[(codes)] TJ` is `(codes) Tj`.
        let out = pen.current();
        out.remove(array);
        out.truncate(out.len() - b"] TJ".len());
        out.extend_from_slice(b" Tj");
    }
    if run.rtl {
        spells_rtl(face, run)
    } else {
        rest.is_some_and(<[u8]>::is_empty)
    }
}

/// Writes `[(codes) offset (codes) …] TJ`, opening the array and strings as needed.
#[derive(Default)]
struct TjWriter {
    array: bool,
    string: bool,
    /// Where the last array's `[` was written.
    array_at: usize,
}

impl TjWriter {
    fn open(&mut self, pen: &mut Pen) {
        if !self.array {
            let out = pen.start();
            self.array_at = out.len();
            out.push(b'[');
            self.array = true;
        }
    }

    fn glyph(&mut self, pen: &mut Pen, c: u16, one_byte: bool) {
        self.open(pen);
        let out = pen.current();
        if !self.string {
            out.push(b'(');
            self.string = true;
        }
        code(out, c, one_byte);
    }

    fn offset(&mut self, pen: &mut Pen, n: f32) {
        if n == 0.0 {
            return;
        }
        self.open(pen);
        let out = pen.current();
        if self.string {
            out.push(b')');
            self.string = false;
        }
        out.push(b' ');
        number(out, n);
        out.push(b' ');
    }

    fn close(&mut self, pen: &mut Pen) {
        if !self.array {
            return;
        }
        let out = pen.current();
        if self.string {
            out.push(b')');
        }
        out.extend_from_slice(b"] TJ");
        *self = TjWriter::default();
    }
}

/// One glyph's code in a literal string: one byte or two big-endian ones, with the bytes
/// that would end the string, start an escape or be read as a different line end escaped.
fn code(out: &mut Vec<u8>, code: u16, one_byte: bool) {
    let [high, low] = code.to_be_bytes();
    if !one_byte {
        code_byte(out, high);
    }
    code_byte(out, low);
}

fn code_byte(out: &mut Vec<u8>, b: u8) {
    match b {
        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\n' => out.extend_from_slice(b"\\n"),
        _ => out.push(b),
    }
}

/// A text string in UTF-16BE with its byte-order mark, as a hex string.
fn utf16_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend_from_slice(b"<FEFF");
    for unit in text.encode_utf16() {
        for b in unit.to_be_bytes() {
            out.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 0xF) as usize]]);
        }
    }
    out.push(b'>');
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
