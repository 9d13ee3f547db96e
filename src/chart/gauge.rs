//! The cover's risk gauge: a half ring 0–100 in the four band colours with ticks at the band
//! boundaries, a pointer on the ring at the score, the score large in the middle and the band
//! under it. Sized from the area, never clipped.

use super::backend::{self, Canvas};
use super::Series;
use super::{label, line, require, too_small, ChartError, ChartTheme, Type};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use crate::score::Band;
use plotters::element::{Circle, PathElement, Polygon};
use plotters::style::text_anchor::{HPos, VPos};
use std::f32::consts::PI;

const PAD: f32 = 1.0;
/// Ring thickness as a share of the outer radius.
const RING: f32 = 0.24;
/// Length of the scale's ticks outside the ring, in points.
const TICK_LEN: f32 = 3.0;
/// Angular gap between band segments, in degrees, so the bands read as distinct.
const GAP_DEG: f32 = 0.8;

pub fn gauge(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("gauge", area, 100.0, 60.0)?;
    let t = Type { fonts };
    let ls = theme.label_size;

    // Tick labels sit outside the ring: room for "100" beside its ends and a line above.
    let side = t.width("100", ls, false) + TICK_LEN + 3.0;
    let above = t.line(ls) + TICK_LEN + 2.0;
    let mut band_size = (0.16 * (area.w / 2.0)).clamp(ls, 16.0);
    let mut r = 0.0;
    for _ in 0..4 {
        let below = 3.0 + t.line(band_size);
        r = ((area.w - 2.0 * PAD) / 2.0 - side).min(area.h - 2.0 * PAD - above - below);
        band_size = (0.16 * r).clamp(ls, 16.0);
    }
    if r < 36.0 {
        return Err(too_small("gauge", area, 100.0, 60.0));
    }
    let cx = area.w / 2.0;
    let cy = PAD + above + r;
    let ring = RING * r;
    let r_in = r - ring;

    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    let at = |score: f32, radius: f32| {
        let th = PI * (1.0 - score / 100.0);
        (cx + radius * th.cos(), cy - radius * th.sin())
    };

    for band in Band::ALL {
        let (lo, hi) = match band {
            Band::Low => (0.0, 25.0),
            Band::Moderate => (25.0, 50.0),
            Band::High => (50.0, 75.0),
            Band::VeryHigh => (75.0, 100.0),
        };
        let gap = GAP_DEG / 1.8;
        let lo = if lo > 0.0 { lo + gap } else { lo };
        let hi = if hi < 100.0 { hi - gap } else { hi };
        let steps = 24;
        let mut pts: Vec<(f32, f32)> = (0..=steps)
            .map(|i| at(lo + (hi - lo) * i as f32 / steps as f32, r))
            .collect();
        pts.extend(
            (0..=steps)
                .rev()
                .map(|i| at(lo + (hi - lo) * i as f32 / steps as f32, r_in)),
        );
        da.draw(&Polygon::new(pts, super::fill(theme.band_color(band))))?;
    }

    // Ticks at the band boundaries and the ends, labelled just outside the ring.
    for v in [0.0f32, 25.0, 50.0, 75.0, 100.0] {
        let th = PI * (1.0 - v / 100.0);
        let (ux, uy) = (th.cos(), -th.sin());
        backend::group();
        da.draw(&PathElement::new(
            vec![at(v, r + 1.0), at(v, r + TICK_LEN)],
            line(theme.muted, 0.8),
        ))?;
        let (x, y) = at(v, r + TICK_LEN + 2.0);
        let h = if ux < -0.3 {
            HPos::Right
        } else if ux > 0.3 {
            HPos::Left
        } else {
            HPos::Center
        };
        let vpos = if uy > -0.3 {
            VPos::Center
        } else {
            VPos::Bottom
        };
        label(
            &da,
            &format!("{v:.0}"),
            (x, y),
            ls,
            theme.muted,
            false,
            h,
            vpos,
        )?;
    }
    backend::ungroup();

    // The pointer is a disc on the ring's centre line at the score, ringed in paper so it reads
    // on every band colour.
    let s = data.score.clamp(0, 100) as f32;
    let (px, py) = at(s, r - ring / 2.0);
    let pr = backend::units((0.3 * ring).clamp(4.0, 9.0));
    da.draw(&Circle::new((px, py), pr, super::fill(theme.ink)))?;
    da.draw(&Circle::new((px, py), pr, line(theme.paper, 1.2)))?;

    let score = data.score.to_string();
    let mut score_size = (0.62 * r_in).clamp(12.0, 56.0);
    // Keep the figure inside the inner half disc: its half width within ~80 % of r_in.
    while score_size > 12.0 && t.width(&score, score_size, true) > 1.6 * r_in {
        score_size -= 1.0;
    }
    label(
        &da,
        &score,
        (cx, cy - 0.04 * r),
        score_size,
        theme.ink,
        true,
        HPos::Center,
        VPos::Bottom,
    )?;

    let row = cy + 3.0;
    let band = format!("{} risk", data.band.label());
    while band_size > ls && t.width(&band, band_size, true) > 2.0 * r_in {
        band_size -= 0.5;
    }
    let band = t.fit(&band, band_size, true, area.w - 2.0 * PAD);
    label(
        &da,
        &band,
        (cx, row),
        band_size,
        theme.band_text(data.band),
        true,
        HPos::Center,
        VPos::Top,
    )?;
    drop(da);
    Ok(canvas.finish())
}
