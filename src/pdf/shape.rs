//! Rectangles, paths and circles → path operators. printpdf has no circle, so a circle is
//! four cubic Béziers; an open path can be filled (implicitly closed) and stroked open.

use super::pen::Pen;
use crate::page::{Point, Shape, ShapeItem};
use printpdf::{Line, LinePoint, Op, PaintMode, Polygon, PolygonRing, Pt, WindingOrder};

/// Distance of a quarter circle's Bézier control points from its ends, as a fraction of the radius.
const KAPPA: f32 = 0.552_284_8;

pub(super) fn draw(ops: &mut Vec<Op>, pen: &mut Pen, item: &ShapeItem) {
    let stroke = item.stroke.as_ref().filter(|s| s.width > 0.0);
    if item.fill.is_none() && stroke.is_none() {
        return;
    }
    if let Some(fill) = item.fill {
        pen.fill(ops, fill);
    }
    if let Some(stroke) = stroke {
        pen.stroke(ops, stroke);
    }
    let mode = match (item.fill.is_some(), stroke.is_some()) {
        (true, true) => PaintMode::FillStroke,
        (true, false) => PaintMode::Fill,
        _ => PaintMode::Stroke,
    };
    match &item.shape {
        Shape::Rect(r) => ops.push(Op::DrawRectangle {
            rectangle: printpdf::Rect {
                x: pen.x(r.x),
                y: pen.y(r.bottom()),
                width: Pt(super::pen::round(r.w, 100.0)),
                height: Pt(super::pen::round(r.h, 100.0)),
                mode: Some(mode),
                winding_order: Some(WindingOrder::NonZero),
            },
        }),
        Shape::Path { points, closed } => {
            if points.len() < 2 {
                return;
            }
            let corners: Vec<LinePoint> = points.iter().map(|p| corner(pen, *p)).collect();
            if *closed {
                ops.push(polygon(corners, mode));
            } else {
                if item.fill.is_some() {
                    ops.push(polygon(corners.clone(), PaintMode::Fill));
                }
                if stroke.is_some() {
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: corners,
                            is_closed: false,
                        },
                    });
                }
            }
        }
        Shape::Circle { center, radius } => {
            if *radius > 0.0 {
                ops.push(polygon(circle(pen, *center, *radius), mode));
            }
        }
    }
}

fn corner(pen: &Pen, p: Point) -> LinePoint {
    LinePoint {
        p: printpdf::Point {
            x: pen.x(p.x),
            y: pen.y(p.y),
        },
        bezier: false,
    }
}

fn polygon(points: Vec<LinePoint>, mode: PaintMode) -> Op {
    Op::DrawPolygon {
        polygon: Polygon {
            rings: vec![PolygonRing { points }],
            mode,
            winding_order: WindingOrder::NonZero,
        },
    }
}

/// Start point, then per quarter: two control points (`bezier: true`) and the end point,
/// which is the layout printpdf's path writer turns into `c` operators.
fn circle(pen: &Pen, c: Point, r: f32) -> Vec<LinePoint> {
    let k = r * KAPPA;
    let at = |dx: f32, dy: f32, bezier: bool| LinePoint {
        p: printpdf::Point {
            x: pen.x(c.x + dx),
            y: pen.y(c.y + dy),
        },
        bezier,
    };
    vec![
        at(r, 0.0, false),
        at(r, k, true),
        at(k, r, true),
        at(0.0, r, false),
        at(-k, r, true),
        at(-r, k, true),
        at(-r, 0.0, false),
        at(-r, -k, true),
        at(-k, -r, true),
        at(0.0, -r, false),
        at(k, -r, true),
        at(r, -k, true),
        at(r, 0.0, false),
    ]
}
