//! Bar charts: benchmark, task exposure, skills resilience and related roles share one
//! horizontal-bar layout (labels left, value at the bar end, light grid); salary is grouped columns.

use super::backend::{self, Canvas};
use super::Series;
use super::{
    dashed, label, legend_layout, rect, require, too_small, x_ticks, ChartError, ChartTheme,
    LegendEntry, LocalArea, Scale, Swatch, Type,
};
use crate::catalog::TaskClass;
use crate::fonts::FontSet;
use crate::page::{Color, Item, Rect};
use crate::score::Band;
use plotters::style::text_anchor::{HPos, VPos};

/// Clearance between a reference line and a value label, in points.
const AVOID: f32 = 2.5;

/// Labels never shrink below this, whatever the row count.
const MIN_SIZE: f32 = super::MIN_LABEL;

struct HBar {
    label: String,
    bold: bool,
    value: f64,
    color: Color,
    text: String,
}

struct HBarSpec<'s> {
    chart: &'static str,
    /// Space kept free above the rows (legend, reference label).
    top: f32,
    /// Widest share of the area the category labels may take before being shortened.
    label_share: f32,
    ticks: &'s [(f64, &'s str)],
    x_max: f64,
    max_row: f32,
    /// The thickest a bar gets: a chart of few rows that grows with its page draws heavier bars.
    max_bar: f32,
    /// Value labels grow with the bars up to this size (the theme's value size for most charts):
    /// a thick bar with a small figure at its end reads as a gap in the chart.
    max_value: f32,
    /// A vertical reference line at this value crosses every row: value labels step over it.
    avoid: Option<f64>,
}

/// Where the rows ended up, for overlays such as a reference line.
struct HBarFrame {
    xs: Scale,
    y_top: f32,
    y_bottom: f32,
}

fn hbars(
    da: &LocalArea<'_>,
    t: &Type<'_>,
    theme: &ChartTheme,
    area: Rect,
    bars: &[HBar],
    spec: &HBarSpec<'_>,
) -> Result<HBarFrame, ChartError> {
    let n = bars.len().max(1) as f32;
    let axis_h = t.line(theme.label_size) + 4.0;
    let avail = area.h - spec.top - axis_h;
    // Many rows (up to 18 tasks) shrink the type toward the floor before giving up.
    let mut size = theme.label_size;
    while size > MIN_SIZE && avail / n < t.line(size) + 1.5 {
        size = (size - 0.25).max(MIN_SIZE);
    }
    let row_h = (avail / n).min(spec.max_row);
    let bar_h = (row_h * 0.66).min(spec.max_bar);
    let vsize = theme
        .value_size
        .min(size)
        .max((bar_h * 0.45).min(spec.max_value));
    if avail / n < t.line(size) + 1.0 {
        let need_h = spec.top + axis_h + n * (t.line(MIN_SIZE) + 1.0);
        return Err(too_small(spec.chart, area, 160.0, need_h));
    }

    let label_w = bars
        .iter()
        .map(|b| t.width(&b.label, size, b.bold))
        .fold(0.0f32, f32::max)
        .min(spec.label_share * area.w);
    let value_w = bars
        .iter()
        .map(|b| t.width(&b.text, vsize, b.bold))
        .fold(0.0f32, f32::max);
    let last_tick = spec
        .ticks
        .last()
        .map(|(_, s)| t.width(s, theme.label_size, false) / 2.0)
        .unwrap_or(0.0);
    let x0 = label_w + 8.0;
    let x1 = area.w - (value_w + 4.0).max(last_tick) - 1.0;
    if x1 - x0 < 60.0 {
        return Err(too_small(
            spec.chart,
            area,
            area.w + 60.0 - (x1 - x0),
            area.h,
        ));
    }
    let xs = Scale::new(0.0, spec.x_max, x0, x1);
    let y_top = spec.top;
    let y_bottom = y_top + row_h * n;

    x_ticks(
        da,
        theme,
        &xs,
        spec.ticks.iter().copied(),
        (y_top, y_bottom),
    )?;
    let avoid = spec.avoid.map(|v| xs.at(v));
    for (i, b) in bars.iter().enumerate() {
        let cy = y_top + row_h * (i as f32 + 0.5);
        let name = t.fit(&b.label, size, b.bold, label_w);
        label(
            da,
            &name,
            (0.0, cy),
            size,
            theme.ink,
            b.bold,
            HPos::Left,
            VPos::Center,
        )?;
        let end = xs.at(b.value.clamp(0.0, spec.x_max));
        if end > x0 {
            rect(da, x0, cy - bar_h / 2.0, end, cy + bar_h / 2.0, b.color)?;
        }
        // A value label the reference line would cross moves to the line's right.
        let w = t.width(&b.text, vsize, b.bold);
        let at = match avoid {
            Some(x) if x > end + 3.0 - AVOID && x < end + 3.0 + w + AVOID => x + AVOID,
            _ => end + 3.0,
        };
        label(
            da,
            &b.text,
            (at, cy),
            vsize,
            theme.ink,
            b.bold,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(HBarFrame {
        xs,
        y_top,
        y_bottom,
    })
}

const SCORE_TICKS: [(f64, &str); 5] = [
    (0.0, "0"),
    (25.0, "25"),
    (50.0, "50"),
    (75.0, "75"),
    (100.0, "100"),
];
const PCT_TICKS: [(f64, &str); 5] = [
    (0.0, "0%"),
    (25.0, "25%"),
    (50.0, "50%"),
    (75.0, "75%"),
    (100.0, "100%"),
];

fn score_bar(name: impl Into<String>, value: f64, bold: bool, theme: &ChartTheme) -> HBar {
    HBar {
        label: name.into(),
        bold,
        value,
        color: theme.score_color(value),
        text: format!("{}", value.round() as i32),
    }
}

/// You, your role's baseline, your role in your industry, and the technology average, as
/// labelled by `Series::benchmark`.
pub fn benchmark(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("benchmark", area, 200.0, 80.0)?;
    let t = Type { fonts };
    let bars: Vec<HBar> = data
        .benchmark
        .iter()
        .map(|(label, value, you)| HBar {
            // The reader against the references they are compared with, as on every chart.
            color: if *you { theme.you } else { theme.reference },
            ..score_bar(label.clone(), *value, *you, theme)
        })
        .collect();
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    let spec = HBarSpec {
        chart: "benchmark",
        top: 1.0,
        label_share: 0.5,
        ticks: &SCORE_TICKS,
        x_max: 100.0,
        max_row: 48.0,
        max_bar: 20.0,
        max_value: 0.0,
        avoid: None,
    };
    hbars(&da, &t, theme, area, &bars, &spec)?;
    drop(da);
    Ok(canvas.finish())
}

fn class_legend(theme: &ChartTheme) -> Vec<LegendEntry> {
    TaskClass::ALL
        .iter()
        .map(|c| LegendEntry {
            swatch: Swatch::Box(theme.class_color(*c)),
            text: c.label().to_string(),
        })
        .collect()
}

/// The person's tasks by exposure, most exposed first, coloured by class.
pub fn task_exposure(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("task exposure", area, 240.0, 60.0)?;
    if data.tasks.is_empty() {
        return Err(ChartError::MissingData {
            chart: "task exposure",
            what: "the audit lists no tasks".into(),
        });
    }
    let t = Type { fonts };
    let mut tasks: Vec<_> = data.tasks.iter().collect();
    // Stable: equal exposures keep the assessment's order (largest share first).
    tasks.sort_by(|x, y| y.exposure.total_cmp(&x.exposure));
    let bars: Vec<HBar> = tasks
        .iter()
        .map(|l| HBar {
            label: l.label.clone(),
            bold: false,
            value: 100.0 * l.exposure,
            color: theme.class_color(l.class),
            text: super::pct(100.0 * l.exposure),
        })
        .collect();
    let entries = class_legend(theme);
    let legend = legend_layout(&t, theme.label_size, area.w, &entries);
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    legend.draw(&da, theme, theme.label_size, (0.0, 0.0), &entries)?;
    let spec = HBarSpec {
        chart: "task exposure",
        top: legend.height() + 4.0,
        label_share: 0.5,
        ticks: &PCT_TICKS,
        x_max: 100.0,
        max_row: 22.0,
        max_bar: 20.0,
        max_value: 0.0,
        avoid: None,
    };
    hbars(&da, &t, theme, area, &bars, &spec)?;
    drop(da);
    Ok(canvas.finish())
}

/// The role's skills by resilience, least resilient first, coloured by the risk they leave.
pub fn skills(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("skills", area, 220.0, 60.0)?;
    if data.skills.is_empty() {
        return Err(ChartError::MissingData {
            chart: "skills",
            what: format!("role `{}` lists no skills", data.role_key),
        });
    }
    let t = Type { fonts };
    let mut skills: Vec<_> = data.skills.iter().collect();
    skills.sort_by_key(|s| s.resilience);
    let bars: Vec<HBar> = skills
        .iter()
        .map(|s| HBar {
            label: s.name.clone(),
            bold: false,
            value: s.resilience as f64,
            color: theme.band_color(Band::of(100 - s.resilience as i32)),
            text: format!("{}%", s.resilience),
        })
        .collect();
    // A key to the colours: the bands a skill's bar can take, named as the score's bands are,
    // only those drawn (no key for a colour the chart does not use).
    let mut bands: Vec<Band> = skills
        .iter()
        .map(|s| Band::of(100 - s.resilience as i32))
        .collect();
    bands.sort_by_key(|b| *b as usize);
    bands.dedup();
    let entries: Vec<LegendEntry> = std::iter::once(LegendEntry {
        swatch: Swatch::None,
        text: "AI risk band:".into(),
    })
    .chain(bands.iter().map(|&b| LegendEntry {
        swatch: Swatch::Box(theme.band_color(b)),
        text: b.label().into(),
    }))
    .collect();
    let legend = legend_layout(&t, theme.label_size, area.w, &entries);
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    legend.draw(&da, theme, theme.label_size, (0.0, 0.0), &entries)?;
    let spec = HBarSpec {
        chart: "skills",
        top: legend.height() + 4.0,
        label_share: 0.45,
        ticks: &PCT_TICKS,
        x_max: 100.0,
        max_row: 36.0,
        max_bar: 20.0,
        max_value: 0.0,
        avoid: None,
    };
    hbars(&da, &t, theme, area, &bars, &spec)?;
    drop(da);
    Ok(canvas.finish())
}

/// Baselines of the roles the catalog lists as adjacent, safest first, against the person's score.
pub fn related_roles(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("related roles", area, 220.0, 70.0)?;
    let mut roles: Vec<_> = data.related.iter().collect();
    if roles.is_empty() {
        return Err(ChartError::MissingData {
            chart: "related roles",
            what: format!(
                "role `{}` has no related roles in the catalog",
                data.role_key
            ),
        });
    }
    roles.sort_by_key(|r| r.baseline);
    let t = Type { fonts };
    let bars: Vec<HBar> = roles
        .iter()
        .map(|r| score_bar(r.name.clone(), r.baseline as f64, false, theme))
        .collect();
    let ls = theme.label_size;
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    let top = t.line(ls) + 3.0;
    let spec = HBarSpec {
        chart: "related roles",
        top,
        label_share: 0.4,
        ticks: &SCORE_TICKS,
        x_max: 100.0,
        max_row: 40.0,
        max_bar: 20.0,
        max_value: 0.0,
        avoid: Some(data.score as f64),
    };
    let frame = hbars(&da, &t, theme, area, &bars, &spec)?;
    let x = frame.xs.at(data.score as f64);
    backend::group();
    dashed(
        &da,
        vec![(x, frame.y_top - 1.0), (x, frame.y_bottom)],
        theme.ink,
        1.0,
        3.0,
        2.0,
    )?;
    let text = format!("You: {}", data.score);
    let w = t.width(&text, ls, true);
    // Centred over the line unless that would leave the area (the bars start well right of 0).
    let h = if x + w / 2.0 > area.w - 1.0 {
        HPos::Right
    } else {
        HPos::Center
    };
    label(&da, &text, (x, 1.0), ls, theme.ink, true, h, VPos::Top)?;
    drop(da);
    Ok(canvas.finish())
}

/// AI-augmented salary premium at the reader's level: the role's typical premium (reference
/// colour) against the reader's own (their colour), one bar each.
pub fn salary(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("salary", area, 200.0, 70.0)?;
    let Some(level) = data.salary.get(data.salary_you) else {
        return Err(ChartError::MissingData {
            chart: "salary",
            what: "no salary figures at the reader's level".into(),
        });
    };
    let t = Type { fonts };
    let ls = theme.label_size;
    // Whole percent, rounded as the page's text rounds it: one figure per claim.
    let text = |v: f64| format!("{}%", super::signed(v.round() as i32));
    // Each bar is as long as the figure written at its end: two bars whose labels read the same
    // are drawn the same length.
    let (role, you) = (level.role.round(), level.person.round());
    let bars = [
        HBar {
            label: format!("Typical {}", data.role_name),
            bold: false,
            value: role,
            color: theme.reference,
            text: text(role),
        },
        HBar {
            label: "You".into(),
            bold: true,
            value: you,
            color: theme.you,
            text: text(you),
        },
    ];
    let hi = role.max(you).max(1.0);
    let step = [5.0, 10.0, 20.0, 25.0, 50.0]
        .into_iter()
        .find(|s| hi / s <= 5.0)
        .unwrap_or(100.0);
    let x_max = (hi / step).ceil() * step;
    let tick_text: Vec<(f64, String)> = (0..=(x_max / step).round() as i32)
        .map(|k| {
            let v = k as f64 * step;
            (v, if k == 0 { "0%".to_string() } else { text(v) })
        })
        .collect();
    let ticks: Vec<(f64, &str)> = tick_text.iter().map(|(v, s)| (*v, s.as_str())).collect();
    let lv = level.level.to_lowercase();
    let caption = t.fit(
        &if lv.ends_with("level") {
            format!("AI salary premium at {lv}")
        } else {
            format!("AI salary premium at {lv} level")
        },
        ls,
        true,
        area.w - 2.0,
    );
    let canvas = Canvas::new(area, fonts);
    let da = canvas.local();
    label(
        &da,
        &caption,
        (0.0, 1.0),
        ls,
        theme.ink,
        true,
        HPos::Left,
        VPos::Top,
    )?;
    let spec = HBarSpec {
        chart: "salary",
        top: t.line(ls) + 6.0,
        label_share: 0.45,
        ticks: &ticks,
        x_max,
        max_row: 100.0,
        max_bar: 40.0,
        max_value: 16.0,
        avoid: None,
    };
    hbars(&da, &t, theme, area, &bars, &spec)?;
    drop(da);
    Ok(canvas.finish())
}
