//! Rectangles, paths and circles → path operators. PDF has no circle operator, so a circle is
//! four cubic Béziers; an open path can be filled (implicitly closed) and stroked open.
//! Operators as printpdf writes them: polygons are closed with `h` before painting.

use super::pen::{round, Pen};
use crate::page::{Point, Shape, ShapeItem};

/// Distance of a quarter circle's Bézier control points from its ends, as a fraction of the radius.
const KAPPA: f32 = 0.552_284_8;

#[derive(Clone, Copy)]
enum Paint {
    Fill,
    Stroke,
    FillStroke,
}

/// Whether `draw` paints anything: a shape needs a fill or a stroke of some width.
pub(super) fn visible(item: &ShapeItem) -> bool {
    item.fill.is_some() || item.stroke.as_ref().is_some_and(|s| s.width > 0.0)
}

pub(super) fn draw(pen: &mut Pen, item: &ShapeItem) {
    let stroke = item.stroke.as_ref().filter(|s| s.width > 0.0);
    if !visible(item) {
        return;
    }
    if let Some(fill) = item.fill {
        pen.fill(fill);
    }
    if let Some(stroke) = stroke {
        pen.stroke(stroke);
    }
    let paint = match (item.fill.is_some(), stroke.is_some()) {
        (true, true) => Paint::FillStroke,
        (true, false) => Paint::Fill,
        _ => Paint::Stroke,
    };
    match &item.shape {
        Shape::Rect(r) => {
            let (x, y) = (pen.x(r.x), pen.y(r.bottom()));
            pen.op_numbers(&[x, y, round(r.w, 100.0), round(r.h, 100.0)], b"re");
            pen.op(match paint {
                Paint::Fill => b"f",
                Paint::Stroke => b"S",
                Paint::FillStroke => b"B",
            });
        }
        Shape::Path { points, closed } => {
            if points.len() < 2 {
                return;
            }
            if *closed {
                polyline(pen, points);
                close_and_paint(pen, paint);
            } else {
                if item.fill.is_some() {
                    polyline(pen, points);
                    close_and_paint(pen, Paint::Fill);
                }
                if stroke.is_some() {
                    polyline(pen, points);
                    pen.op(b"S");
                }
            }
        }
        Shape::Circle { center, radius } => {
            if *radius > 0.0 {
                circle(pen, *center, *radius);
                close_and_paint(pen, paint);
            }
        }
    }
}

fn polyline(pen: &mut Pen, points: &[Point]) {
    for (i, p) in points.iter().enumerate() {
        let at = [pen.x(p.x), pen.y(p.y)];
        pen.op_numbers(&at, if i == 0 { b"m" } else { b"l" });
    }
}

/// `h`, then the painting operator for a closed polygon.
fn close_and_paint(pen: &mut Pen, paint: Paint) {
    pen.op(b"h");
    pen.op(match paint {
        Paint::Fill => b"f",
        Paint::Stroke => b"S",
        Paint::FillStroke => b"b",
    });
}

/// Start point, then per quarter one `c` with two control points and the end point.
fn circle(pen: &mut Pen, c: Point, r: f32) {
    let k = r * KAPPA;
    let at = |pen: &Pen, dx: f32, dy: f32| [pen.x(c.x + dx), pen.y(c.y + dy)];
    let start = at(pen, r, 0.0);
    pen.op_numbers(&start, b"m");
    let quarters = [
        [(r, k), (k, r), (0.0, r)],
        [(-k, r), (-r, k), (-r, 0.0)],
        [(-r, -k), (-k, -r), (0.0, -r)],
        [(k, -r), (r, -k), (r, 0.0)],
    ];
    for quarter in quarters {
        let mut operands = [0.0; 6];
        for (i, (dx, dy)) in quarter.into_iter().enumerate() {
            let [x, y] = at(pen, dx, dy);
            operands[2 * i] = x;
            operands[2 * i + 1] = y;
        }
        pen.op_numbers(&operands, b"c");
    }
}
