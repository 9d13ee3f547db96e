//! The career roadmap as a Gantt chart: the role's three phases on a years-from-now axis labelled
//! with calendar years, each phase's title written above its bar where it has room.

use super::backend::{self, Canvas};
use super::Series;
use super::{label, line, rect, require, too_small, ChartError, ChartTheme, Scale, Type};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use plotters::element::PathElement;
use plotters::style::text_anchor::{HPos, VPos};

/// Space between a bar's start (and the year line under it) and its title.
const TITLE_INSET: f32 = 3.0;

pub fn roadmap(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("roadmap", area, 240.0, 100.0)?;
    let phases = &data.phases;
    if phases.is_empty() {
        return Err(ChartError::MissingData {
            chart: "roadmap",
            what: format!("role `{}` has no roadmap phases", data.role_key),
        });
    }
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    // "From now" is the submission year, so the same audit always gets the same axis.
    let year0 = data.year0;
    // The axis runs as far as the outlook (page 15) does, so both pages show the same years.
    let outlook_end = data
        .outlook
        .last()
        .map(|p| (p.year - year0) as f64)
        .unwrap_or(0.0);
    let span = phases
        .iter()
        .map(|p| p.end)
        .fold(outlook_end.max(8.0), f64::max)
        .ceil();

    let names: Vec<String> = (1..=phases.len()).map(|i| format!("Phase {i}")).collect();
    let label_w = names
        .iter()
        .map(|n| t.width(n, ls, true))
        .fold(0.0f32, f32::max);
    let year_w = t.width("2030", ls, false);
    let (x0, x1) = (label_w + 10.0, area.w - year_w / 2.0 - 1.0);
    let axis_h = t.line(ls) + 4.0;
    let row_h = ((area.h - axis_h) / phases.len() as f32).min(60.0);
    let title_h = t.line(ls) + 2.0;
    let bar_h = (row_h - title_h - 6.0).min(18.0);
    if bar_h < t.line(vs) {
        let need = axis_h + phases.len() as f32 * (title_h + 6.0 + t.line(vs));
        return Err(too_small("roadmap", area, 240.0, need));
    }
    let xs = Scale::new(0.0, span, x0, x1);
    let y_bottom = row_h * phases.len() as f32;
    let step = if (x1 - x0) / span as f32 >= year_w + 6.0 {
        1
    } else {
        2
    };

    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    backend::guides(true);
    // The last year is always labelled: it is where the outlook ends.
    let mut years: Vec<i32> = (0..=span as i32).step_by(step).collect();
    if years.last() != Some(&(span as i32)) {
        *years.last_mut().unwrap() = span as i32;
    }
    for k in years {
        let x = xs.at(k as f64);
        let c = if k == 0 { theme.muted } else { theme.grid };
        da.draw(&PathElement::new(
            vec![(x, 0.5), (x, y_bottom)],
            line(c, 0.5),
        ))?;
        label(
            &da,
            &(year0 + k).to_string(),
            (x, y_bottom + 4.0),
            ls,
            theme.muted,
            false,
            HPos::Center,
            VPos::Top,
        )?;
    }
    backend::guides(false);
    let colors = [
        theme.accent.tint(0.45),
        theme.accent.tint(0.2),
        theme.accent,
    ];
    for (i, (p, name)) in phases.iter().zip(&names).enumerate() {
        let row_top = row_h * i as f32;
        let bar_top = row_top + 2.0 + title_h;
        let cy = bar_top + bar_h / 2.0;
        label(
            &da,
            name,
            (0.0, cy),
            ls,
            theme.ink,
            true,
            HPos::Left,
            VPos::Center,
        )?;
        let (bx0, bx1) = (xs.at(p.start), xs.at(p.end.min(span)));
        let color = colors[i % colors.len()];
        backend::group();
        rect(&da, bx0, bar_top, bx1, bar_top + bar_h, color)?;
        let span_text = p.span.replace('-', "–");
        if t.width(&span_text, vs, true) + 6.0 <= bx1 - bx0 {
            label(
                &da,
                &span_text,
                (bx0 + 4.0, cy),
                vs,
                theme.on(color),
                true,
                HPos::Left,
                VPos::Center,
            )?;
        }
        backend::ungroup();
        // The title starts just inside its bar, clear of the year line the bar starts on; a
        // long one is pulled left, then shortened.
        let w = t.width(&p.title, ls, false);
        let baseline_top = row_top + 2.0;
        let (text, at, h) = if bx0 + TITLE_INSET + w <= area.w - 1.0 {
            (p.title.clone(), bx0 + TITLE_INSET, HPos::Left)
        } else if w <= area.w - 1.0 - x0 {
            (p.title.clone(), area.w - 1.0, HPos::Right)
        } else {
            (
                t.fit(&p.title, ls, false, area.w - 1.0 - x0 - TITLE_INSET),
                x0 + TITLE_INSET,
                HPos::Left,
            )
        };
        label(
            &da,
            &text,
            (at, baseline_top),
            ls,
            theme.ink,
            false,
            h,
            VPos::Top,
        )?;
    }
    drop(da);
    Ok(canvas.finish())
}
