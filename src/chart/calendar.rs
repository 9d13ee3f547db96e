//! The 90-day plan of page 22 as a calendar strip: thirteen weeks from the submission date, the
//! plan's three blocks as coloured spans, this week's quick wins and the closing re-take as
//! markers.

use super::backend::Canvas;
use super::{fill, label, line, rect, require, too_small, ChartError, ChartTheme, Scale, Series};
use super::{Type, MIN_LABEL};
use crate::fonts::FontSet;
use crate::page::{Item, Rect};
use plotters::element::{Circle, PathElement};
use plotters::style::text_anchor::{HPos, VPos};
use time::{Date, Duration};

pub(super) const WEEKS: i64 = 13;
pub(super) const DAYS: i64 = 90;

/// The page's blocks: first and last day (1-based) and heading.
pub(super) const BLOCKS: [(i64, i64, &str); 3] = [
    (1, 30, "Set up and start"),
    (31, 60, "Build the habit"),
    (61, 90, "Make it count"),
];

pub(super) const RETAKE: &str = "Retake the audit";

/// Day `n` of the plan (day 1 is the submission date).
pub(super) fn day(data: &Series, n: i64) -> Date {
    data.plan_start + Duration::days(n - 1)
}

/// "20 Nov": the week labels.
fn short(d: Date) -> String {
    format!("{} {}", d.day(), &d.month().to_string()[..3])
}

/// "20 November 2026": the alt text's dates, as the pages write dates.
pub(super) fn long(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

pub(super) fn wins_text(n: usize) -> String {
    match n {
        1 => "This week: 1 quick win".to_string(),
        n => format!("This week: {n} quick wins"),
    }
}

const NAME: &str = "90-day plan";

pub fn ninety_days(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require(NAME, area, 300.0, 56.0)?;
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let lh = t.line(ls);
    let head_h = lh + 4.0;
    let block_h = (t.line(vs) + 8.0).max(16.0);
    let marker_h = lh + 10.0;
    let need = head_h + block_h + 6.0 + marker_h;
    if area.h + 0.01 < need {
        return Err(too_small(NAME, area, 300.0, need));
    }
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    // Days 0..=91 across: thirteen whole weeks, day n drawn from n-1 to n.
    let xs = Scale::new(0.0, (WEEKS * 7) as f64, 0.5, area.w - 1.0);
    let week_w = xs.at(7.0) - xs.at(0.0);
    let every = if t.width("30 Sep", ls, false) + 4.0 <= week_w {
        1
    } else {
        2
    };
    let grid_bottom = head_h + block_h + 6.0 + marker_h * 0.5;
    super::backend::guides(true);
    for w in 0..=WEEKS {
        let x = xs.at((w * 7) as f64);
        da.draw(&PathElement::new(
            vec![(x, head_h - 2.0), (x, grid_bottom)],
            line(theme.grid, 0.5),
        ))?;
        if w < WEEKS && w % every == 0 {
            label(
                &da,
                &short(day(data, w * 7 + 1)),
                (x + 2.0, 0.0),
                ls,
                theme.muted,
                false,
                HPos::Left,
                VPos::Top,
            )?;
        }
    }
    super::backend::guides(false);
    // The three blocks are stretches of time, not categories: one colour, told apart by the
    // gaps between them and their labels.
    let c = theme.accent;
    for (first, last, title) in BLOCKS.iter() {
        let (x0, x1) = (xs.at((*first - 1) as f64), xs.at(*last as f64));
        super::backend::group();
        rect(&da, x0 + 0.5, head_h, x1 - 0.5, head_h + block_h, c)?;
        let long = format!("Days {first}–{last} · {title}");
        let text = if t.width(&long, vs, true) + 8.0 <= x1 - x0 {
            long
        } else {
            t.fit(&format!("Days {first}–{last}"), vs, true, x1 - x0 - 6.0)
        };
        label(
            &da,
            &text,
            ((x0 + x1) / 2.0, head_h + block_h / 2.0),
            vs,
            theme.on(c),
            true,
            HPos::Center,
            VPos::Center,
        )?;
    }
    // Markers: one dot per quick win through the first week, and the re-take on day 90.
    let my = head_h + block_h + 6.0 + 4.0;
    let r = 3.0;
    let n = data.quick_wins;
    super::backend::group();
    for k in 0..n {
        let x = xs.at(7.0 * (k as f64 + 0.5) / n as f64);
        da.draw(&Circle::new(
            (x, my),
            super::backend::units(r),
            fill(theme.ink),
        ))?;
    }
    let size = if area.w > 360.0 { ls } else { MIN_LABEL };
    let xr = xs.at(DAYS as f64) - r;
    // The two marker labels share the room between the first week and day 90.
    let half = (xr - r - 3.0 - (xs.at(7.0) + 4.0)) / 2.0 - 4.0;
    if n > 0 {
        let text = t.fit(&wins_text(n), size, false, half);
        label(
            &da,
            &text,
            (xs.at(7.0) + 4.0, my),
            size,
            theme.ink,
            false,
            HPos::Left,
            VPos::Center,
        )?;
    }
    super::backend::group();
    da.draw(&Circle::new(
        (xr, my),
        super::backend::units(r),
        fill(theme.ink),
    ))?;
    let text = t.fit(
        &format!("{RETAKE}, {}", short(day(data, DAYS))),
        size,
        false,
        half,
    );
    label(
        &da,
        &text,
        (xr - r - 3.0, my),
        size,
        theme.ink,
        false,
        HPos::Right,
        VPos::Center,
    )?;
    drop(da);
    Ok(canvas.finish())
}
