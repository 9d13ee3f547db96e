//! One task class's tasks (pages 8–10): for each task, its share of the week and its exposure to
//! AI, as two bar panels sharing the task labels. A reader with no task in the class sees the
//! role's typical tasks of the class instead, said so above the bars.

use super::backend::Canvas;
use super::{label, pct_ticks, rect, require, row_label, too_small, ChartError, ChartTheme};
use super::{ClassTask, MIN_LABEL};
use super::{Scale, Series, Type};
use crate::catalog::TaskClass;
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use plotters::style::text_anchor::{HPos, VPos};

/// The typical tasks shown to a reader with none in the class: the pages list at most six.
pub(super) const TYPICAL_ROWS: usize = 6;

/// What the class chart shows: the reader's tasks of the class, else the role's typical ones.
pub(super) struct Shown<'s> {
    pub rows: Vec<&'s ClassTask>,
    pub typical: bool,
}

pub(super) fn shown(data: &Series, class: TaskClass) -> Shown<'_> {
    let of_class = || data.class_tasks.iter().filter(move |t| t.class == class);
    let mine: Vec<&ClassTask> = of_class().filter(|t| t.yours).collect();
    if mine.is_empty() {
        Shown {
            rows: of_class().take(TYPICAL_ROWS).collect(),
            typical: true,
        }
    } else {
        Shown {
            rows: mine,
            typical: false,
        }
    }
}

/// The share a row's time bar shows: the reader's, or a typical week's.
pub(super) fn share(t: &ClassTask, typical: bool) -> i32 {
    if typical {
        t.typical_pct
    } else {
        t.share_pct
    }
}

/// The time panel's scale end: the smallest of 25, 50 and 100 % that holds every bar.
pub(super) fn share_max(rows: &[&ClassTask], typical: bool) -> i32 {
    let hi = rows.iter().map(|t| share(t, typical)).max().unwrap_or(0);
    [25, 50, 100].into_iter().find(|m| hi <= *m).unwrap_or(100)
}

const NAME: &str = "class tasks";

pub fn class_tasks(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
    class: TaskClass,
) -> Result<Vec<Item>, ChartError> {
    require(NAME, area, 240.0, 48.0)?;
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let color = theme.class_color(class);
    let Shown { rows, typical } = shown(data, class);
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    let line_h = t.line(ls);

    if rows.is_empty() {
        // No empty axes: the role has no task of this class at all, and the chart says so.
        let text = format!(
            "Neither you nor a typical {} has {} tasks.",
            data.role_name,
            in_words(class)
        );
        let lines = t.wrap(&text, ls, false, area.w - 2.0, 3);
        for (i, l) in lines.iter().enumerate() {
            label(
                &da,
                l,
                (
                    area.w / 2.0,
                    area.h / 2.0 + (i as f32 - lines.len() as f32 / 2.0) * line_h,
                ),
                ls,
                theme.muted,
                false,
                HPos::Center,
                VPos::Top,
            )?;
        }
        drop(da);
        return Ok(canvas.finish());
    }

    let mut top = 0.0;
    if typical {
        let note = t.fit(
            &format!(
                "None of your tasks is {}. Shown: a typical {}’s, by share of the week",
                in_words(class),
                data.role_name
            ),
            ls,
            false,
            area.w - 1.0,
        );
        label(
            &da,
            &note,
            (0.0, 0.0),
            ls,
            theme.muted,
            false,
            HPos::Left,
            VPos::Top,
        )?;
        top += line_h + 3.0;
    }
    let head_y = top;
    top += line_h + 3.0;
    let axis_h = line_h + 4.0;
    let avail = area.h - top - axis_h;
    let size = ls.min(vs);
    let min_row = t.line(MIN_LABEL) + 2.0;
    let fit_rows = (avail / min_row).floor().max(0.0) as usize;
    if fit_rows < 1 || (rows.len() > 1 && fit_rows < 2) {
        return Err(too_small(NAME, area, 240.0, top + axis_h + 2.0 * min_row));
    }
    // Rows past what fits are counted on the last line, never squeezed below the type floor.
    let (shown_rows, more) = if rows.len() <= fit_rows {
        (&rows[..], 0)
    } else {
        (&rows[..fit_rows - 1], rows.len() - (fit_rows - 1))
    };
    let n = shown_rows.len() + usize::from(more > 0);
    // Rows grow with the room the page gives the chart, up to two lines of label each; one or
    // two rows grow further, so a short profile's chart fills the page rather than a white band.
    let row_h = (avail / n as f32).min(match n {
        1 => 80.0,
        2 => 52.0,
        _ => 28.0,
    });
    let text_size = if row_h < t.line(size) + 2.0 {
        MIN_LABEL
    } else {
        size
    };
    let bar_h = (row_h * 0.6).clamp(3.0, if n <= 2 { 22.0 } else { 13.0 });

    let value_w = t.width("100%", vs, false) + 4.0;
    let label_w = shown_rows
        .iter()
        .map(|r| t.width(&r.label, text_size, false))
        .fold(0.0f32, f32::max)
        .min(area.w * 0.4);
    let x0 = label_w + 8.0;
    let gap = 14.0;
    let panel = (area.w - 1.0 - x0 - gap) / 2.0;
    if panel - value_w < 40.0 {
        return Err(too_small(NAME, area, area.w + 40.0, area.h));
    }
    let smax = share_max(shown_rows, typical);
    let share_scale = Scale::new(0.0, smax as f64, x0, x0 + panel - value_w);
    let ex0 = x0 + panel + gap;
    let exp_scale = Scale::new(0.0, 100.0, ex0, ex0 + panel - value_w);
    let y_top = top;
    let y_bottom = top + row_h * n as f32;

    let heads = [
        (
            if typical {
                "Share of a typical week"
            } else {
                "Share of your week"
            },
            x0,
        ),
        ("Exposure to AI", ex0),
    ];
    for (text, x) in heads {
        let text = t.fit(text, ls, true, panel);
        label(
            &da,
            &text,
            (x, head_y),
            ls,
            theme.ink,
            true,
            HPos::Left,
            VPos::Top,
        )?;
    }
    // Round ticks only: 0–25 % has no round middle.
    let share_ticks: &[i32] = match smax {
        25 => &[0, 25],
        50 => &[0, 25, 50],
        _ => &[0, 50, 100],
    };
    for (scale, ticks) in [(&share_scale, share_ticks), (&exp_scale, &[0, 50, 100][..])] {
        pct_ticks(&da, theme, scale, ticks, (y_top, y_bottom))?;
    }
    for (i, r) in shown_rows.iter().enumerate() {
        let cy = y_top + row_h * (i as f32 + 0.5);
        row_label(
            &da,
            &t,
            &r.label,
            (text_size, false, theme.ink),
            label_w,
            cy,
            row_h,
        )?;
        let s = share(r, typical);
        for (scale, v, c, h) in [
            (&share_scale, s, color, bar_h),
            (&exp_scale, r.exposure_pct, theme.reference, bar_h * 0.6),
        ] {
            let end = scale.at(v.clamp(0, 100) as f64);
            // A bar and its figure belong together.
            super::backend::group();
            if end > scale.p0 {
                rect(&da, scale.p0, cy - h / 2.0, end, cy + h / 2.0, c)?;
            }
            label(
                &da,
                &format!("{v}%"),
                (end + 3.0, cy),
                text_size,
                theme.ink,
                false,
                HPos::Left,
                VPos::Center,
            )?;
        }
    }
    super::backend::ungroup();
    if more > 0 {
        let cy = y_top + row_h * (n as f32 - 0.5);
        let text = t.fit(
            &format!("and {more} more (see the list)"),
            text_size,
            false,
            area.w - 1.0,
        );
        label(
            &da,
            &text,
            (0.0, cy),
            text_size,
            theme.muted,
            false,
            HPos::Left,
            VPos::Center,
        )?;
    }
    drop(da);
    Ok(canvas.finish())
}

/// The class as it reads inside a sentence ("AI" keeps its capitals).
pub(super) fn in_words(class: TaskClass) -> &'static str {
    match class {
        TaskClass::Automated => "automated-class",
        TaskClass::Assisted => "AI-assisted",
        TaskClass::HumanSafe => "human-safe",
    }
}
