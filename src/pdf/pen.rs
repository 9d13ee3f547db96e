//! Graphics and text state of the content stream being written, plus the coordinate and
//! number conventions: y flipped to PDF's bottom-left origin, numbers rounded so the stream
//! stays short (printpdf prints every f32 digit) and identical across runs.

use crate::page::Color;
use printpdf::{LineDashPattern, Op, Pt, Rgb};

/// Remembers what the stream has already set so repeated runs and shapes in the same colour,
/// font or line style do not repeat the operators; a report page has hundreds of them.
pub(super) struct Pen {
    page_height: f32,
    fill: Option<Color>,
    stroke: Option<Color>,
    width: Option<f32>,
    dash: Option<Option<(f32, f32)>>,
    pub(super) font: Option<(u16, f32)>,
}

impl Pen {
    pub(super) fn new(page_height: f32) -> Pen {
        Pen {
            page_height,
            fill: None,
            stroke: None,
            width: None,
            dash: None,
            font: None,
        }
    }

    /// Page-model x → PDF x.
    pub(super) fn x(&self, x: f32) -> Pt {
        Pt(round(x, 100.0))
    }

    /// Page-model y (down from the top) → PDF y (up from the bottom).
    pub(super) fn y(&self, y: f32) -> Pt {
        Pt(round(self.page_height - y, 100.0))
    }

    pub(super) fn page_height(&self) -> f32 {
        self.page_height
    }

    pub(super) fn fill(&mut self, ops: &mut Vec<Op>, color: Color) {
        if self.fill != Some(color) {
            ops.push(Op::SetFillColor { col: rgb(color) });
            self.fill = Some(color);
        }
    }

    pub(super) fn stroke(&mut self, ops: &mut Vec<Op>, stroke: &crate::page::Stroke) {
        if self.stroke != Some(stroke.color) {
            ops.push(Op::SetOutlineColor {
                col: rgb(stroke.color),
            });
            self.stroke = Some(stroke.color);
        }
        let width = round(stroke.width.max(0.0), 100.0);
        if self.width != Some(width) {
            ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            self.width = Some(width);
        }
        let dash = stroke
            .dash
            .map(|(on, off)| (round(on.max(0.0), 100.0), round(off.max(0.0), 100.0)));
        // A pattern of zeros is invalid in PDF (viewers draw nothing or reject it): draw solid.
        let dash = dash.filter(|&(on, off)| on + off > 0.0);
        if self.dash != Some(dash) {
            let pattern = match dash {
                Some((on, off)) => LineDashPattern::new(0.0, &[on, off]),
                None => LineDashPattern::solid(),
            };
            ops.push(Op::SetLineDashPattern { dash: pattern });
            self.dash = Some(dash);
        }
    }
}

/// Rounds to `1 / scale`; adding 0.0 turns -0.0 into 0.0 so it prints as "0".
pub(super) fn round(v: f32, scale: f32) -> f32 {
    if !v.is_finite() {
        return 0.0;
    }
    (v * scale).round() / scale + 0.0
}

fn rgb(c: Color) -> printpdf::Color {
    // Three decimals keep every 8-bit level distinct (steps of 1/255 ≈ 0.0039).
    let channel = |v: u8| round(v as f32 / 255.0, 1000.0);
    printpdf::Color::Rgb(Rgb {
        r: channel(c.r),
        g: channel(c.g),
        b: channel(c.b),
        icc_profile: None,
    })
}
