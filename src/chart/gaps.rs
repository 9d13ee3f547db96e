//! The skill gaps of page 12 as a dumbbell chart: per gap skill, the share of the reader's week
//! on tasks that use it against the typical share, joined by a line, with its resilience beside.

use super::backend::Canvas;
use super::{
    fill, label, legend_layout, line, pct_ticks, require, row_label, too_small, ChartError,
    ChartTheme, LegendEntry, Scale, Series, Swatch, Type, MIN_LABEL,
};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use plotters::element::{Circle, PathElement};
use plotters::style::text_anchor::{HPos, VPos};

/// The page lists the first five gaps; the chart shows the same ones.
pub(super) const GAP_ROWS: usize = 5;

/// The scale's end: the smallest of 25, 50, 75 and 100 % that holds every dot.
pub(super) fn gap_max(data: &Series) -> i32 {
    let hi = data
        .skill_gaps
        .iter()
        .take(GAP_ROWS)
        .map(|g| g.typical_pct.max(g.your_pct))
        .max()
        .unwrap_or(0);
    [25, 50, 75, 100]
        .into_iter()
        .find(|m| hi <= *m)
        .unwrap_or(100)
}

const NAME: &str = "skill gaps";

pub fn skill_gaps(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require(NAME, area, 240.0, 50.0)?;
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    let gaps: Vec<_> = data.skill_gaps.iter().take(GAP_ROWS).collect();
    if gaps.is_empty() {
        let text = t.fit(
            "No skill gaps: no resilient skill is under-used in your week.",
            ls,
            false,
            area.w - 2.0,
        );
        label(
            &da,
            &text,
            (area.w / 2.0, area.h / 2.0),
            ls,
            theme.muted,
            false,
            HPos::Center,
            VPos::Center,
        )?;
        drop(da);
        return Ok(canvas.finish());
    }
    let entries = [
        LegendEntry {
            swatch: Swatch::Box(theme.you),
            text: "Your week".into(),
        },
        LegendEntry {
            swatch: Swatch::Box(theme.reference),
            text: format!("Typical {}", data.role_name),
        },
    ];
    let legend = legend_layout(&t, ls, area.w, &entries);
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    let top = legend.height() + 4.0;
    let axis_h = t.line(ls) + 4.0;
    let n = gaps.len() as f32;
    let avail = area.h - top - axis_h;
    let size = ls.min(vs);
    let row_min = t.line(MIN_LABEL) + 2.0;
    if avail < n * row_min {
        return Err(too_small(NAME, area, 240.0, top + axis_h + n * row_min));
    }
    let text_size = if avail / n < t.line(size) + 2.0 {
        MIN_LABEL
    } else {
        size
    };
    // Rows grow with the room the page gives the chart, up to two lines of name each.
    let row_h = (avail / n).min(34.0);

    let res_w = gaps
        .iter()
        .map(|g| t.width(&resilient(g.resilience), text_size, false))
        .fold(0.0f32, f32::max);
    let value_w = t.width("100%", text_size, false) + 4.0;
    let label_w = gaps
        .iter()
        .map(|g| t.width(&g.name, text_size, true))
        .fold(0.0f32, f32::max)
        .min(area.w * 0.4);
    let x0 = label_w + 6.0 + value_w;
    let x1 = area.w - 1.0 - res_w - 8.0 - value_w;
    if x1 - x0 < 60.0 {
        return Err(too_small(NAME, area, area.w + 60.0 - (x1 - x0), area.h));
    }
    let max = gap_max(data);
    let xs = Scale::new(0.0, max as f64, x0, x1);
    let y_bottom = top + row_h * n;
    let ticks: Vec<i32> = (0..=max).step_by(25).collect();
    pct_ticks(&da, theme, &xs, &ticks, (top, y_bottom))?;
    let r = (row_h * 0.22).clamp(2.0, 3.5);
    for (i, g) in gaps.iter().enumerate() {
        let cy = top + row_h * (i as f32 + 0.5);
        // A row's dumbbell and its figures belong together.
        super::backend::group();
        row_label(
            &da,
            &t,
            &g.name,
            (text_size, true, theme.ink),
            label_w,
            cy,
            row_h,
        )?;
        let (xy, xt) = (
            xs.at(g.your_pct.clamp(0, max) as f64),
            xs.at(g.typical_pct.clamp(0, max) as f64),
        );
        da.draw(&PathElement::new(
            vec![(xy, cy), (xt, cy)],
            line(theme.reference, 1.5),
        ))?;
        let units = super::backend::units(r);
        da.draw(&Circle::new((xt, cy), units, fill(theme.reference)))?;
        da.draw(&Circle::new((xy, cy), units, fill(theme.you)))?;
        // Each figure on the outer side of its dot, so the two never meet.
        let (left, right) = if xy <= xt {
            ((xy, g.your_pct, true), (xt, g.typical_pct, false))
        } else {
            ((xt, g.typical_pct, false), (xy, g.your_pct, true))
        };
        for ((x, v, you), h, dx) in [(left, HPos::Right, -r - 2.0), (right, HPos::Left, r + 2.0)] {
            label(
                &da,
                &format!("{v}%"),
                (x + dx, cy),
                text_size,
                if you { theme.you } else { theme.muted },
                you,
                h,
                VPos::Center,
            )?;
        }
        label(
            &da,
            &resilient(g.resilience),
            (area.w - 1.0, cy),
            text_size,
            theme.muted,
            false,
            HPos::Right,
            VPos::Center,
        )?;
    }
    drop(da);
    Ok(canvas.finish())
}

pub(super) fn resilient(r: u32) -> String {
    format!("{r}% resilient")
}
