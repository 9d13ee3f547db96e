//! One roadmap phase (pages 19–21): the three-phase roadmap as a strip with this phase
//! highlighted, and below it this phase's years with its milestones (the actions the page lists)
//! spread over them in order, ending at a check of progress.

use super::backend::Canvas;
use super::{fill, label, line, rect, require, too_small, ChartError, ChartTheme, Scale, Series};
use super::{Type, MIN_LABEL};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use plotters::element::{Circle, PathElement};
use plotters::style::text_anchor::{HPos, VPos};

/// Milestones beyond this are not drawn; the page never lists more (phase 1: step + 3).
pub(super) const MAX_STEPS: usize = 5;

/// The phase's first and last calendar year, as the page's title writes them.
pub(super) fn years(data: &Series, i: usize) -> (i32, i32) {
    let p = &data.phases[i];
    (
        data.year0 + p.start.round() as i32,
        data.year0 + p.end.round() as i32,
    )
}

/// Where milestone `k` of `n` sits, as a fraction of the phase: evenly spread, the check at 1.
pub(super) fn at(k: usize, n: usize) -> f64 {
    (k as f64 + 1.0) / (n as f64 + 1.0)
}

pub const CHECK: &str = "Check progress";

const NAME: &str = "phase";

pub fn phase(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
    i: usize,
) -> Result<Vec<Item>, ChartError> {
    require(NAME, area, 260.0, 80.0)?;
    if data.phases.len() <= i {
        return Err(ChartError::MissingData {
            chart: NAME,
            what: format!("role `{}` has no roadmap phase {}", data.role_key, i + 1),
        });
    }
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let lh = t.line(ls);
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();

    // The strip: the whole roadmap, this phase in the accent, the others quiet.
    let strip_h = (lh + 6.0).max(14.0);
    let end = data.phases.iter().map(|p| p.end).fold(0.0f64, f64::max);
    let all = Scale::new(0.0, end.max(1.0), 0.0, area.w - 1.0);
    for (k, p) in data.phases.iter().enumerate() {
        let (x0, x1) = (all.at(p.start), all.at(p.end));
        let current = k == i;
        let c = if current { theme.accent } else { theme.grid };
        // Each phase's name is written on its own segment.
        super::backend::group();
        rect(&da, x0 + 1.0, 0.0, x1 - 1.0, strip_h, c)?;
        let (a, b) = years(data, k);
        let text = format!("Phase {} · {a}–{b}", k + 1);
        let text = if t.width(&text, ls, current) + 8.0 <= x1 - x0 {
            text
        } else {
            t.fit(&format!("Phase {}", k + 1), ls, current, x1 - x0 - 6.0)
        };
        let tc = if current { theme.on(c) } else { theme.muted };
        label(
            &da,
            &text,
            ((x0 + x1) / 2.0, strip_h / 2.0),
            ls,
            tc,
            current,
            HPos::Center,
            VPos::Center,
        )?;
    }

    // This phase's years, zoomed to the full width, and its milestones.
    let steps: Vec<&String> = data
        .phase_steps
        .get(i)
        .map(|s| s.iter().take(MAX_STEPS).collect())
        .unwrap_or_default();
    let n = steps.len();
    let (y_from, y_to) = years(data, i);
    let year_w = t.width("2030", ls, false);
    let (x0, x1) = (year_w / 2.0 + 1.0, area.w - year_w / 2.0 - 1.0);
    let xs = Scale::new(0.0, 1.0, x0, x1);
    let axis_y = strip_h + 10.0 + lh + 4.0;
    let label_top = axis_y + 8.0;
    let lines_room = ((area.h - label_top) / t.line(MIN_LABEL)).floor() as usize;
    if lines_room < 2 {
        return Err(too_small(
            NAME,
            area,
            260.0,
            label_top + 2.0 * t.line(MIN_LABEL),
        ));
    }
    let size = if ((area.h - label_top) / t.line(vs)).floor() as usize >= 3 {
        vs
    } else {
        MIN_LABEL
    };
    // As many lines as the chart's height holds: a milestone is wrapped whole, and cut with "…"
    // only where the page leaves the chart no room for it.
    let max_lines = ((area.h - label_top) / t.line(size)).floor() as usize;
    // The years above the axis: each calendar year of the phase, thinned to what fits.
    let span = (y_to - y_from).max(1);
    let every = (1..=span)
        .find(|e| (x1 - x0) / span as f32 * *e as f32 >= year_w + 8.0)
        .unwrap_or(span);
    super::backend::ungroup();
    super::backend::guides(true);
    for (k, y) in (y_from..=y_to).enumerate() {
        if k as i32 % every != 0 && y != y_to {
            continue;
        }
        let x = xs.at((y - y_from) as f64 / span as f64);
        da.draw(&PathElement::new(
            vec![(x, axis_y - 3.0), (x, axis_y + 3.0)],
            line(theme.muted, 0.5),
        ))?;
        label(
            &da,
            &y.to_string(),
            (x, axis_y - 5.0),
            ls,
            theme.muted,
            false,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    da.draw(&PathElement::new(
        vec![(x0, axis_y), (x1, axis_y)],
        line(theme.accent, 1.5),
    ))?;
    super::backend::guides(false);
    // Slots: each milestone's text is centred under its marker within an equal share of the
    // width, so neighbours never meet; the check sits at the end, right-aligned.
    let slot = (x1 - x0) / (n as f32 + 1.0);
    let r = 3.5;
    for (k, s) in steps.iter().enumerate() {
        let x = xs.at(at(k, n));
        super::backend::group();
        da.draw(&Circle::new(
            (x, axis_y),
            super::backend::units(r),
            fill(theme.accent),
        ))?;
        let lines = t.wrap(
            &format!("{}. {s}", k + 1),
            size,
            false,
            slot - 6.0,
            max_lines,
        );
        for (j, l) in lines.iter().enumerate() {
            label(
                &da,
                l,
                (x, label_top + j as f32 * t.line(size)),
                size,
                theme.ink,
                false,
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    // The check: a ring at the phase's end, its label kept inside the area.
    super::backend::group();
    da.draw(&Circle::new(
        (x1, axis_y),
        super::backend::units(r),
        fill(theme.paper),
    ))?;
    da.draw(&Circle::new(
        (x1, axis_y),
        super::backend::units(r),
        line(theme.accent, 1.2),
    ))?;
    // Up to half a slot left of the end marker: the last milestone's text stops short of that.
    let check = t.wrap(
        CHECK,
        size,
        true,
        slot / 2.0 + (area.w - 1.0 - x1) - 4.0,
        max_lines,
    );
    for (j, l) in check.iter().enumerate() {
        label(
            &da,
            l,
            (area.w - 1.0, label_top + j as f32 * t.line(size)),
            size,
            theme.ink,
            true,
            HPos::Right,
            VPos::Top,
        )?;
    }
    drop(da);
    Ok(canvas.finish())
}
