//! The summary page's score scale: the 0–100 scale cut into the four risk bands, the reader's
//! score marked above it and the role's baseline below it, so the two labels can never collide
//! however close the figures are.

use super::backend::Canvas;
use super::Series;
use super::{fill, label, line, require, ChartError, ChartTheme, Type};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use crate::score::Band;
use plotters::element::{PathElement, Polygon, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

/// The band bar's height, and the gap between band segments.
const BAR: f32 = 14.0;
const GAP: f32 = 1.0;
const MARK: f32 = 5.0;

pub fn score_scale(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let above = t.line(vs) + MARK + 2.0;
    let below = MARK + 2.0 + t.line(ls);
    let need_h = above + BAR + below;
    require("score-scale", area, 240.0, need_h)?;
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    // The bar sits in the middle of the area's height, the labels hug it.
    let top = ((area.h - need_h) / 2.0 + above).max(above);
    let x_of = |score: f32| area.w * score.clamp(0.0, 100.0) / 100.0;

    for band in Band::ALL {
        let (lo, hi) = match band {
            Band::Low => (0.0, 25.0),
            Band::Moderate => (25.0, 50.0),
            Band::High => (50.0, 75.0),
            Band::VeryHigh => (75.0, 100.0),
        };
        let x0 = x_of(lo) + if lo > 0.0 { GAP / 2.0 } else { 0.0 };
        let x1 = x_of(hi) - if hi < 100.0 { GAP / 2.0 } else { 0.0 };
        let color = theme.band_color(band);
        // Each band's name is written on its own segment.
        super::backend::group();
        da.draw(&Rectangle::new([(x0, top), (x1, top + BAR)], fill(color)))?;
        let name = t.fit(band.label(), ls, band == data.band, x1 - x0 - 6.0);
        label(
            &da,
            &name,
            ((x0 + x1) / 2.0, top + BAR / 2.0),
            ls,
            theme.on(color),
            band == data.band,
            HPos::Center,
            VPos::Center,
        )?;
    }

    // Labels are anchored towards the middle of the scale near its ends, so they stay inside.
    let anchor = |x: f32, w: f32| {
        if x - w / 2.0 < 0.0 {
            (0.0, HPos::Left)
        } else if x + w / 2.0 > area.w {
            (area.w, HPos::Right)
        } else {
            (x, HPos::Center)
        }
    };

    let you = x_of(data.score as f32);
    super::backend::group();
    da.draw(&Polygon::new(
        vec![
            (you, top - 0.5),
            (you - MARK * 0.8, top - MARK - 0.5),
            (you + MARK * 0.8, top - MARK - 0.5),
        ],
        fill(theme.you),
    ))?;
    let text = format!("You: {} · {}", data.score, data.band.label());
    let (x, h) = anchor(you, t.width(&text, vs, true));
    label(
        &da,
        &text,
        (x, top - MARK - 2.0),
        vs,
        theme.you,
        true,
        h,
        VPos::Bottom,
    )?;

    let base = data.components.baseline;
    let bx = x_of(base as f32);
    super::backend::group();
    da.draw(&PathElement::new(
        vec![(bx, top + BAR + 0.5), (bx, top + BAR + MARK + 0.5)],
        line(theme.ink, 1.2),
    ))?;
    let text = format!("Typical {}: {base}", data.role_name);
    let text = t.fit(&text, ls, false, area.w);
    let (x, h) = anchor(bx, t.width(&text, ls, false));
    label(
        &da,
        &text,
        (x, top + BAR + MARK + 2.0),
        ls,
        theme.muted,
        false,
        h,
        VPos::Top,
    )?;
    super::backend::ungroup();
    drop(da);
    Ok(canvas.finish())
}
