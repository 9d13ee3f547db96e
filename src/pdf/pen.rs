//! The content stream being written, with its graphics and text state, plus the coordinate
//! and number conventions: y flipped to PDF's bottom-left origin, numbers rounded so the
//! stream stays short and identical across runs.
//!
//! The operators and numbers are the bytes printpdf 0.12.8 writes for the equivalent `Op`s
//! (lopdf's content encoding: operands each followed by a space, operations separated by a
//! newline); only text strings differ (see `text`). The test
//! `content_streams_say_what_printpdf_would` compares the two encodings page by page.

use super::num::number;
use super::palette::{self, Palette};
use crate::page::Color;

/// Remembers what the stream has already set so repeated runs and shapes in the same colour,
/// font or line style do not repeat the operators; a report page has hundreds of them.
pub(super) struct Pen<'p> {
    page_height: f32,
    out: Vec<u8>,
    palette: &'p Palette,
    fill: Option<Color>,
    stroke: Option<Color>,
    /// Whether the fill (stroke) colour space is the palette: set with `cs` (`CS`) before
    /// the first indexed colour, and DeviceRGB again after any `rg` (`RG`).
    fill_indexed: bool,
    stroke_indexed: bool,
    width: Option<f32>,
    dash: Option<Option<(f32, f32)>>,
    pub(super) font: Option<(u16, f32)>,
    /// The word spacing (`Tw`) in force, in points.
    pub(super) word_spacing: f32,
    /// A text object is open (`BT` written): consecutive runs share it, and the first
    /// operation that may not stand inside one closes it.
    in_text: bool,
    /// A run is being written: its operations keep the text object open.
    texting: bool,
    /// Where the open text object's line matrix stands, when it is a plain translation: the
    /// next unrotated run moves there with `Td`, shorter than a whole `Tm`.
    pub(super) line: Option<(f32, f32)>,
    /// The open text object's matrices are still the identity `BT` sets: the first run
    /// moves to its place with `x y Td`, not `1 0 0 1 x y Tm`.
    pub(super) identity: bool,
}

impl<'p> Pen<'p> {
    pub(super) fn new(page_height: f32, capacity: usize, palette: &'p Palette) -> Pen<'p> {
        Pen {
            page_height,
            out: Vec::with_capacity(capacity),
            palette,
            fill: None,
            stroke: None,
            fill_indexed: false,
            stroke_indexed: false,
            width: None,
            dash: None,
            font: None,
            word_spacing: 0.0,
            in_text: false,
            texting: false,
            line: None,
            identity: false,
        }
    }

    /// The finished content stream.
    pub(super) fn finish(mut self) -> Vec<u8> {
        if self.in_text {
            self.newline();
            self.out.extend_from_slice(b"ET");
        }
        self.out
    }

    /// Starts writing a text run: in the open text object, else in a new one.
    pub(super) fn begin_text(&mut self) {
        if !self.in_text {
            self.op(b"BT");
            self.in_text = true;
            self.line = None;
            self.identity = true;
        }
        self.texting = true;
    }

    /// The run is written; the text object stays open for the next run.
    pub(super) fn end_text(&mut self) {
        self.texting = false;
    }

    /// Page-model x → PDF x.
    pub(super) fn x(&self, x: f32) -> f32 {
        round(x, 100.0)
    }

    /// Page-model y (down from the top) → PDF y (up from the bottom).
    pub(super) fn y(&self, y: f32) -> f32 {
        round(self.page_height - y, 100.0)
    }

    /// Where a text run starts, in PDF space: to a tenth of a point, not a hundredth as
    /// shapes are (whose edges must meet). A run is placed 0.05 pt at most from where the
    /// layout put it, which no reader can see, and its `Td`s are 0.8 KiB a report shorter.
    pub(super) fn text_origin(&self, x: f32, y: f32) -> (f32, f32) {
        (round(x, 10.0), round(self.page_height - y, 10.0))
    }

    /// Starts an operation: a newline after the previous one. Outside a run, the open text
    /// object is closed first (paths, images and marked content stand outside text objects).
    pub(super) fn start(&mut self) -> &mut Vec<u8> {
        if self.in_text && !self.texting {
            self.in_text = false;
            self.line = None;
            self.newline();
            self.out.extend_from_slice(b"ET");
        }
        self.newline();
        &mut self.out
    }

    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push(b'\n');
        }
    }

    /// The stream, to continue the current operation.
    pub(super) fn current(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    /// An operation without operands.
    pub(super) fn op(&mut self, operator: &[u8]) {
        self.start().extend_from_slice(operator);
    }

    /// An operation whose operands are all numbers.
    pub(super) fn op_numbers(&mut self, operands: &[f32], operator: &[u8]) {
        let out = self.start();
        for &v in operands {
            number(out, v);
            out.push(b' ');
        }
        out.extend_from_slice(operator);
    }

    pub(super) fn fill(&mut self, color: Color) {
        if self.fill != Some(color) {
            self.fill_indexed = self.color(color, self.fill_indexed, [b"cs", b"sc", b"rg"]);
            self.fill = Some(color);
        }
    }

    /// Sets a colour, by its index if the palette has it (after selecting the palette if
    /// `indexed` says it is not), else as RGB; returns whether the palette is now selected.
    fn color(&mut self, color: Color, indexed: bool, [space, index, rgb_op]: [&[u8]; 3]) -> bool {
        match self.palette.get(color) {
            Some(i) => {
                if !indexed {
                    let out = self.start();
                    out.push(b'/');
                    out.extend_from_slice(palette::NAME);
                    out.push(b' ');
                    out.extend_from_slice(space);
                }
                self.op_numbers(&[i as f32], index);
                true
            }
            None => {
                self.op_numbers(&rgb(color), rgb_op);
                false
            }
        }
    }

    pub(super) fn stroke(&mut self, stroke: &crate::page::Stroke) {
        if self.stroke != Some(stroke.color) {
            self.stroke_indexed =
                self.color(stroke.color, self.stroke_indexed, [b"CS", b"SC", b"RG"]);
            self.stroke = Some(stroke.color);
        }
        let width = round(stroke.width.max(0.0), 100.0);
        if self.width != Some(width) {
            self.op_numbers(&[width], b"w");
            self.width = Some(width);
        }
        let dash = stroke
            .dash
            .map(|(on, off)| (round(on.max(0.0), 100.0), round(off.max(0.0), 100.0)));
        // A pattern of zeros is invalid in PDF (viewers draw nothing or reject it): draw solid.
        let dash = dash.filter(|&(on, off)| on + off > 0.0);
        if self.dash != Some(dash) {
            let out = self.start();
            match dash {
                Some((on, off)) => {
                    out.push(b'[');
                    number(out, on);
                    out.push(b' ');
                    number(out, off);
                    out.extend_from_slice(b"] 0 d");
                }
                None => out.extend_from_slice(b"[] 0 d"),
            }
            self.dash = Some(dash);
        }
    }
}

/// Rounds to `1 / scale`; adding 0.0 turns -0.0 into 0.0 so it prints as "0".
pub(super) fn round(v: f32, scale: f32) -> f32 {
    if !v.is_finite() {
        return 0.0;
    }
    round_half_away(v * scale) / scale + 0.0
}

/// `f32::round` without its libm call (x86-64's baseline has no rounding instruction), which
/// showed in profiles: every coordinate passes here.
fn round_half_away(x: f32) -> f32 {
    // From 2^23 on every f32 is an integer.
    if x.is_nan() || x.abs() >= 8_388_608.0 {
        return x;
    }
    // Exact in f64, and truncation is floor for the non-negative sum.
    let magnitude = (x.abs() as f64 + 0.5) as u32 as f32;
    if x.is_sign_negative() {
        -magnitude
    } else {
        magnitude
    }
}

fn rgb(c: Color) -> [f32; 3] {
    // Three decimals keep every 8-bit level distinct (steps of 1/255 ≈ 0.0039).
    let channel = |v: u8| round(v as f32 / 255.0, 1000.0);
    [channel(c.r), channel(c.g), channel(c.b)]
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_matches_the_standard_library() {
        let mut x = 0x9e37_79b9_u32;
        let mut values = vec![
            0.0f32,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.499_999_97,
            -0.499_999_97,
            8_388_607.5,
        ];
        for _ in 0..1_000_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            values.push(f32::from_bits(x));
            values.push((x % 2_000_000) as f32 / 1000.0 - 1000.0);
        }
        for v in values.into_iter().filter(|v| v.is_finite()) {
            assert_eq!(
                super::round_half_away(v).to_bits(),
                v.round().to_bits(),
                "{v}"
            );
        }
    }
}
