//! Charts that take the score or the working time apart: the waterfall from the role baseline
//! to the person's score (page 4) and the Automated / AI-assisted / Human-safe time split (page 6).

use super::backend::{self, Canvas};
use super::Series;
use super::{
    dashed, label, legend_layout, line, pct, rect, require, signed, value_grid, x_ticks,
    ChartError, ChartTheme, LegendEntry, Scale, Swatch, Type,
};
use crate::catalog::TaskClass;
use crate::fonts::FontSet;
use crate::page::{Color, Item, Rect};
use plotters::element::PathElement;
use plotters::style::text_anchor::{HPos, VPos};

/// When every level the waterfall reaches is at least this, its axis starts above 0.
const BREAK_ABOVE: i32 = 30;
/// The least height a step that changes the score is drawn with, in points.
const MIN_STEP: f32 = 3.0;

enum Step {
    Start,
    Delta,
    End,
}

/// Baseline, each non-trivial component, the final score: each step floats from the running total.
pub fn waterfall(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("waterfall", area, 220.0, 130.0)?;
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let c = &data.components;
    let mut steps = vec![
        ("Role baseline", Step::Start, c.baseline),
        ("Task mix", Step::Delta, c.task_mix),
        ("Experience", Step::Delta, c.experience),
        ("AI fluency", Step::Delta, c.ai_fluency),
        ("Industry", Step::Delta, c.industry),
    ];
    if c.clamp != 0 {
        steps.push(("Limit to 1–99", Step::Delta, c.clamp));
    }
    steps.push(("Your score", Step::End, data.score));

    // Bars as (from, to) levels of the running total.
    let mut level = 0;
    let bars: Vec<(i32, i32)> = steps
        .iter()
        .map(|(_, kind, v)| match kind {
            Step::Start | Step::End => {
                level = *v;
                (0, *v)
            }
            Step::Delta => {
                let from = level;
                level += v;
                (from, level)
            }
        })
        .collect();

    // The lowest level any step reaches (the start and end bars' tops included, not their feet):
    // far above 0, an axis from 0 would squash every step into a sliver, so it starts nearer.
    let low = steps
        .iter()
        .zip(&bars)
        .map(|((_, kind, _), (from, to))| match kind {
            Step::Delta => (*from).min(*to),
            _ => *to,
        })
        .min()
        .unwrap_or(0);
    let y_lo = if low >= BREAK_ABOVE {
        (((low - 10) as f64 / 10.0).floor() * 10.0).max(0.0)
    } else {
        (low.min(0) as f64 / 10.0).floor() * 10.0
    };
    let broken = y_lo > 0.0;

    let axis_w = t.width("100", ls, false) + 6.0;
    let note_h = if broken { t.line(ls) + 2.0 } else { 0.0 };
    let top = t.line(ls) / 2.0 + 1.0 + note_h;
    let cat_h = 2.0 * t.line(ls) + 4.0;
    let (x0, x1) = (axis_w, area.w - 2.0);
    let (y_top, y_base) = (top, area.h - cat_h);
    let ph = y_base - y_top;
    let value_h = t.line(vs) + 3.0;
    if ph < 3.0 * value_h {
        return Err(super::too_small(
            "waterfall",
            area,
            220.0,
            cat_h + note_h + 4.0 * value_h,
        ));
    }
    let max_level = bars
        .iter()
        .map(|(f, to)| (*f).max(*to))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    // Leave room above the highest bar for its value label, then round to a grid step.
    let needed = y_lo + (max_level - y_lo) / (1.0 - ((value_h + MIN_STEP) / ph) as f64);
    let y_max = ((needed / 10.0).ceil() * 10.0).max(y_lo + 10.0);
    let ys = Scale::new(y_lo, y_max, y_base, y_top);
    let step = [5.0, 10.0, 20.0, 25.0, 50.0]
        .into_iter()
        .find(|s| (ys.at(0.0) - ys.at(*s)) >= 2.0 * t.line(ls))
        .unwrap_or(50.0);

    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    backend::guides(true);
    value_grid(
        &da,
        theme,
        ls,
        (x0, x1),
        &ys,
        (y_lo / step).ceil() * step,
        step,
        |g| format!("{g:.0}"),
    )?;
    backend::guides(false);
    if broken {
        label(
            &da,
            &format!("Axis starts at {y_lo:.0}"),
            (x1, 0.0),
            ls,
            theme.muted,
            false,
            HPos::Right,
            VPos::Top,
        )?;
    }

    let slot = (x1 - x0) / steps.len() as f32;
    let bar_w = (slot * 0.62).min(48.0);
    for (i, ((name, kind, v), (from, to))) in steps.iter().zip(&bars).enumerate() {
        let cx = x0 + slot * (i as f32 + 0.5);
        let (bx0, bx1) = (cx - bar_w / 2.0, cx + bar_w / 2.0);
        let (color, text, bold) = match kind {
            Step::Start => (theme.reference, v.to_string(), false),
            Step::End => (theme.you, v.to_string(), true),
            Step::Delta if *v > 0 => (theme.up(), signed(*v), false),
            Step::Delta if *v < 0 => (theme.down(), signed(*v), false),
            Step::Delta => (theme.muted, signed(0), false),
        };
        // On a cut axis the start and end bars rise from the axis, not from 0.
        let from = match kind {
            Step::Delta => *from as f64,
            _ => (*from as f64).max(y_lo),
        };
        let (ya, mut yb) = (ys.at(from), ys.at(*to as f64));
        // Every step that moves the score keeps a visible height, however small it is.
        if from != *to as f64 && (ya - yb).abs() < MIN_STEP {
            yb = if *to as f64 > from {
                ya - MIN_STEP
            } else {
                ya + MIN_STEP
            };
        }
        if from == *to as f64 {
            // A zero step still gets a mark, so the reader sees it was considered.
            da.draw(&PathElement::new(
                vec![(bx0, ya), (bx1, ya)],
                line(color, 1.5),
            ))?;
        } else {
            rect(&da, bx0, ya, bx1, yb, color)?;
            // The start and end bars stand on a cut axis: a paper-coloured slash says so.
            if broken && !matches!(kind, Step::Delta) {
                let y = y_base - 6.0;
                da.draw(&PathElement::new(
                    vec![(bx0 - 1.0, y + 2.0), (bx1 + 1.0, y - 2.0)],
                    line(theme.paper, 2.0),
                ))?;
            }
        }
        let text_color = if matches!(kind, Step::Delta) && *v == 0 {
            theme.muted
        } else {
            theme.ink
        };
        label(
            &da,
            &text,
            (cx, ya.min(yb) - 2.0),
            vs,
            text_color,
            bold || !matches!(kind, Step::Delta),
            HPos::Center,
            VPos::Bottom,
        )?;
        if i + 1 < steps.len() {
            let y = ys.at(*to as f64);
            backend::guides(true);
            dashed(
                &da,
                vec![(bx1, y), (bx1 + slot - bar_w, y)],
                theme.muted,
                0.5,
                2.0,
                1.5,
            )?;
            backend::guides(false);
        }
        for (j, l) in t.wrap(name, ls, false, slot - 4.0, 2).iter().enumerate() {
            label(
                &da,
                l,
                (cx, y_base + 3.0 + j as f32 * t.line(ls)),
                ls,
                theme.ink,
                matches!(kind, Step::End),
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    drop(da);
    Ok(canvas.finish())
}

/// Two stacked 100 % bars, the person's week and the role's typical week, split by task class.
pub fn time_split(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("time split", area, 200.0, 70.0)?;
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let entries: Vec<LegendEntry> = TaskClass::ALL
        .iter()
        .map(|c| LegendEntry {
            swatch: Swatch::Box(theme.class_color(*c)),
            text: c.label().to_string(),
        })
        .collect();
    let legend = legend_layout(&t, ls, area.w, &entries);

    let rows = [
        ("You".to_string(), data.split_person, true),
        (
            format!("Typical {}", data.role_name),
            data.split_role,
            false,
        ),
    ];
    let label_w = rows
        .iter()
        .map(|(l, _, bold)| t.width(l, ls, *bold))
        .fold(0.0f32, f32::max)
        .min(0.35 * area.w);
    let last_tick = t.width("100%", ls, false) / 2.0;
    let (x0, x1) = (label_w + 8.0, area.w - last_tick - 1.0);
    let y_top = legend.height() + 6.0;
    let axis_h = t.line(ls) + 4.0;
    let row_h = (area.h - y_top - axis_h) / rows.len() as f32;
    let bar_h = (row_h * 0.62).min(30.0);
    if bar_h < t.line(vs) + 2.0 {
        let need = y_top + axis_h + 2.0 * (t.line(vs) + 2.0) / 0.62;
        return Err(super::too_small("time split", area, 200.0, need));
    }
    let xs = Scale::new(0.0, 100.0, x0, x1);
    let y_bottom = y_top + row_h * rows.len() as f32;

    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    let ticks = [0.0, 25.0, 50.0, 75.0, 100.0].map(|v| (v, pct(v)));
    x_ticks(&da, theme, &xs, ticks, (y_top, y_bottom))?;
    for (i, (name, split, bold)) in rows.iter().enumerate() {
        let cy = y_top + row_h * (i as f32 + 0.5);
        let name = t.fit(name, ls, *bold, label_w);
        label(
            &da,
            &name,
            (0.0, cy),
            ls,
            theme.ink,
            *bold,
            HPos::Left,
            VPos::Center,
        )?;
        let total: f64 = split.iter().sum::<f64>().max(1e-9);
        let mut from = 0.0;
        let mut edges = Vec::new();
        for (class, share) in TaskClass::ALL.iter().zip(split) {
            let share = 100.0 * share / total;
            if share <= 0.0 {
                continue;
            }
            let (sx0, sx1) = (xs.at(from), xs.at(from + share));
            let color: Color = theme.class_color(*class);
            backend::group();
            rect(&da, sx0, cy - bar_h / 2.0, sx1, cy + bar_h / 2.0, color)?;
            let text = pct(share);
            if t.width(&text, vs, true) + 4.0 <= sx1 - sx0 {
                label(
                    &da,
                    &text,
                    ((sx0 + sx1) / 2.0, cy),
                    vs,
                    theme.on(color),
                    true,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
            backend::ungroup();
            from += share;
            if from < 100.0 - 1e-6 {
                edges.push(sx1);
            }
        }
        // Paper-coloured seams keep neighbouring segments apart.
        for x in edges {
            da.draw(&PathElement::new(
                vec![(x, cy - bar_h / 2.0), (x, cy + bar_h / 2.0)],
                line(theme.paper, 1.0),
            ))?;
        }
    }
    drop(da);
    Ok(canvas.finish())
}
