//! The cover's risk gauge: a half ring 0–100 in the four band colours, a pointer at the score,
//! the score large in the middle and the band under it. Sized from the area, never clipped.

use super::backend::Canvas;
use super::Series;
use super::{label, line, require, too_small, ChartError, ChartTheme, Type};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use crate::score::Band;
use plotters::element::{PathElement, Polygon};
use plotters::style::text_anchor::{HPos, VPos};
use std::f32::consts::PI;

const PAD: f32 = 1.0;
/// Ring thickness as a share of the outer radius.
const RING: f32 = 0.24;
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

    // Radius, pointer overhang and band-label size depend on each other; settle them in a few rounds.
    let mut r = (area.w - 2.0 * PAD) / 2.0;
    let (mut over, mut band_size) = (0.0, 0.0);
    for _ in 0..4 {
        over = (0.11 * r).clamp(6.0, 13.0);
        band_size = (0.16 * r).clamp(ls, 16.0);
        let below = 3.0 + t.line(band_size).max(t.line(ls));
        r = ((area.w - 2.0 * PAD) / 2.0 - over).min(area.h - 2.0 * PAD - over - below);
    }
    if r < 36.0 {
        return Err(too_small("gauge", area, 100.0, 60.0));
    }
    let cx = area.w / 2.0;
    let cy = PAD + over + r;
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

    // The pointer sits outside the ring and points at it: the coloured segment stays whole and
    // the figure in the middle stays free.
    let s = data.score.clamp(0, 100) as f32;
    let th = PI * (1.0 - s / 100.0);
    let (ux, uy) = (th.cos(), -th.sin());
    let (nx, ny) = (-uy, ux);
    let half = over * 0.55;
    let tip = (cx + (r + 1.5) * ux, cy + (r + 1.5) * uy);
    let base = r + over;
    let b1 = (cx + base * ux + half * nx, cy + base * uy + half * ny);
    let b2 = (cx + base * ux - half * nx, cy + base * uy - half * ny);
    da.draw(&Polygon::new(vec![tip, b1, b2], super::fill(theme.ink)))?;
    da.draw(&PathElement::new(
        vec![tip, b1, b2, tip],
        line(theme.paper, 0.8),
    ))?;

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
    let end_x = r - ring / 2.0;
    let end_w = t.width("100", ls, false);
    let band = format!("{} risk", data.band.label());
    let room = 2.0 * (end_x - end_w / 2.0 - 4.0);
    while band_size > ls && t.width(&band, band_size, true) > room {
        band_size -= 0.5;
    }
    let show_ends = t.width(&band, band_size, true) <= room;
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
    if show_ends {
        for (text, x) in [("0", cx - end_x), ("100", cx + end_x)] {
            label(
                &da,
                text,
                (x, row),
                ls,
                theme.muted,
                false,
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    drop(da);
    Ok(canvas.finish())
}
