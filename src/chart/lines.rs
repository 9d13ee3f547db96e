//! Charts on a plotters Cartesian mesh: the 2026–2035 outlook, skill demand trends and the peer
//! distribution. Legends are ours (above the mesh) so every chart's key looks the same.

use super::backend::{to_pt, units, Canvas, PageBackend};
use super::Series;
use super::{
    fill, label, legend_column, legend_layout, line, require, text_style, too_small, ChartError,
    ChartTheme, LegendEntry, LegendLayout, Swatch, Type,
};
use crate::fonts::FontSet;
use crate::page::{Color, Item, Rect};
use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::element::{Circle, PathElement};
use plotters::prelude::Cartesian2d;
use plotters::series::{AreaSeries, DashedLineSeries, LineSeries};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{RGBAColor, ShapeStyle};

type YearChart<'a> = ChartContext<'a, PageBackend<'a>, Cartesian2d<RangedCoordi32, RangedCoordf64>>;

const INVISIBLE: ShapeStyle = ShapeStyle {
    color: RGBAColor(0, 0, 0, 0.0),
    filled: false,
    stroke_width: 0,
};

/// Tick distance from the axis; plotters puts labels at twice this.
const TICK: f32 = 2.0;

/// Rounds `v` up to a multiple of `step`.
fn ceil_to(v: f64, step: f64) -> f64 {
    (v / step).ceil() * step
}

/// How many year labels fit side by side: all ten if room, else every other one.
fn year_labels(t: &Type<'_>, size: f32, plot_w: f32, years: usize) -> usize {
    let per = t.width("2035", size, false) + 8.0;
    let fit = (plot_w / per).floor() as usize;
    if fit >= years {
        years
    } else {
        (years / 2).max(2)
    }
}

struct YearFrame {
    chart: &'static str,
    first: i32,
    last: i32,
    y_lo: f64,
    y_hi: f64,
    /// Room right of the plot, for end-of-line labels.
    right: f32,
    y_desc: Option<&'static str>,
}

/// Legend on top, then a year × value mesh with horizontal grid lines only.
fn year_chart<'a>(
    canvas: &Canvas<'a>,
    t: &Type<'_>,
    theme: &ChartTheme,
    area: Rect,
    legend: &LegendLayout,
    frame: &YearFrame,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<YearChart<'a>, ChartError> {
    let ls = theme.label_size;
    let top = legend.height() + 4.0;
    let y_label_w = [frame.y_lo, frame.y_hi]
        .iter()
        .map(|v| t.width(&y_fmt(v), ls, false))
        .fold(0.0f32, f32::max);
    let desc_w = if frame.y_desc.is_some() {
        t.line(ls) + 2.0
    } else {
        0.0
    };
    let left = y_label_w + 2.0 * TICK + 2.0 + desc_w;
    let bottom = 2.0 * TICK + t.line(ls) + 1.0;
    // The last year label is centred on the right edge of the plot: half of it hangs over.
    let right = frame.right.max(t.width("2035", ls, false) / 2.0 + 1.0);
    let plot_w = area.w - left - right;
    let plot_h = area.h - top - bottom - t.line(ls) / 2.0;
    if plot_w < 120.0 || plot_h < 50.0 {
        return Err(too_small(
            frame.chart,
            area,
            area.w + (120.0 - plot_w).max(0.0),
            area.h + (50.0 - plot_h).max(0.0),
        ));
    }
    let (_, below) = canvas.root().split_vertically(units(top));
    let mut chart = ChartBuilder::on(&below)
        // Half a line on top so the highest y label is not cut.
        .margin_top(units(t.line(ls) / 2.0))
        .margin_right(units(right))
        .x_label_area_size(units(bottom))
        .y_label_area_size(units(left))
        .build_cartesian_2d(frame.first..frame.last, frame.y_lo..frame.y_hi)?;
    let n_years = (frame.last - frame.first + 1) as usize;
    let x_fmt = |y: &i32| y.to_string();
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(year_labels(t, ls, plot_w, n_years))
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(y_fmt)
        .label_style(text_style(ls, theme.muted, false, HPos::Center, VPos::Top))
        .axis_style(line(theme.muted, 0.8))
        .bold_line_style(line(theme.grid, 0.5))
        .light_line_style(INVISIBLE)
        .disable_x_mesh()
        .set_all_tick_mark_size(units(TICK));
    if let Some(desc) = frame.y_desc {
        mesh.y_desc(desc).axis_desc_style(text_style(
            ls,
            theme.muted,
            false,
            HPos::Center,
            VPos::Top,
        ));
    }
    mesh.draw()?;
    Ok(chart)
}

fn markers(
    chart: &mut YearChart<'_>,
    pts: &[(i32, f64)],
    c: Color,
    r: f32,
) -> Result<(), ChartError> {
    chart.draw_series(pts.iter().map(|p| Circle::new(*p, units(r), fill(c))))?;
    Ok(())
}

/// Projected exposure 2026–2035, the person's against the role's typical profile.
pub fn outlook(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("outlook", area, 240.0, 130.0)?;
    let (first, last) = match (data.outlook.first(), data.outlook.last()) {
        (Some(f), Some(l)) if l.year > f.year => (f.year, l.year),
        _ => {
            return Err(ChartError::MissingData {
                chart: "outlook",
                what: "fewer than two outlook years".into(),
            })
        }
    };
    let t = Type { fonts };
    let (ls, vs) = (theme.label_size, theme.value_size);
    let entries = [
        LegendEntry {
            swatch: Swatch::Line(theme.accent),
            text: "You".into(),
        },
        LegendEntry {
            swatch: Swatch::Dashed(theme.muted),
            text: format!("Typical {}", data.role_name),
        },
    ];
    let legend = legend_layout(&t, ls, area.w, &entries);
    let hi = data
        .outlook
        .iter()
        .map(|p| p.person.max(p.role))
        .fold(0.0, f64::max);
    let frame = YearFrame {
        chart: "outlook",
        first,
        last,
        y_lo: 0.0,
        y_hi: ceil_to(hi * 1.12, 10.0).clamp(10.0, 100.0),
        right: t.width("100%", vs, true) + 8.0,
        y_desc: None,
    };
    let pct = |v: &f64| format!("{v:.0}%");
    let canvas = Canvas::new(area, fonts);
    let mut chart = year_chart(&canvas, &t, theme, area, &legend, &frame, &pct)?;
    let person: Vec<(i32, f64)> = data.outlook.iter().map(|p| (p.year, p.person)).collect();
    let role: Vec<(i32, f64)> = data.outlook.iter().map(|p| (p.year, p.role)).collect();
    chart.draw_series(DashedLineSeries::new(
        role.clone(),
        units(4.0),
        units(2.5),
        line(theme.muted, 1.5),
    ))?;
    markers(&mut chart, &role, theme.muted, 1.8)?;
    chart.draw_series(LineSeries::new(person.clone(), line(theme.accent, 2.0)))?;
    markers(&mut chart, &person, theme.accent, 2.4)?;

    // End labels, pushed apart when the two lines finish close together.
    let pe = to_pt(chart.backend_coord(person.last().unwrap()));
    let re = to_pt(chart.backend_coord(role.last().unwrap()));
    let gap = t.line(vs) * 0.9;
    let (mut yp, mut yr) = (pe.1, re.1);
    if (yp - yr).abs() < gap {
        let mid = (yp + yr) / 2.0;
        let sign = if yp <= yr { -1.0 } else { 1.0 };
        yp = mid + sign * gap / 2.0;
        yr = mid - sign * gap / 2.0;
    }
    drop(chart);
    let da = canvas.local();
    let last_p = person.last().unwrap().1;
    let last_r = role.last().unwrap().1;
    label(
        &da,
        &super::pct(last_p),
        (pe.0 + 5.0, yp),
        vs,
        theme.accent,
        true,
        HPos::Left,
        VPos::Center,
    )?;
    label(
        &da,
        &super::pct(last_r),
        (re.0 + 5.0, yr),
        vs,
        theme.muted,
        false,
        HPos::Left,
        VPos::Center,
    )?;
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    drop(da);
    Ok(canvas.finish())
}

/// The person's weakest current skills against the role's most resilient ones: demand indices
/// compounding at each skill's yearly growth from 2026.
pub fn demand(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("demand", area, 240.0, 150.0)?;
    let (current, recommended) = (&data.demand_current, &data.demand_recommended);
    if current.is_empty() {
        return Err(ChartError::MissingData {
            chart: "demand",
            what: format!("no current skills for role `{}`", data.role_key),
        });
    }
    let t = Type { fonts };
    let ls = theme.label_size;
    let (first, last) = (2026, 2035);
    let index = |d0: f64, g: f64, year: i32| d0 * (1.0 + g / 100.0).powi(year - first);
    let warm = [theme.band[3], theme.band[2], shade_amber(theme)];
    let cool = [theme.accent, theme.accent2, theme.accent3];

    let mut entries = vec![LegendEntry {
        swatch: Swatch::None,
        text: "Your current skills:".into(),
    }];
    entries.extend(current.iter().zip(warm).map(|(s, c)| LegendEntry {
        swatch: Swatch::Dashed(c),
        text: s.name.clone(),
    }));
    // No recommendation when the reader's skills are already the role's most resilient: the
    // advice is to deepen them, and the legend says so rather than leaving a blank column.
    let mut second = vec![LegendEntry {
        swatch: Swatch::None,
        text: if recommended.is_empty() {
            "Recommended: deepen the skills you have".into()
        } else {
            "Recommended:".into()
        },
    }];
    second.extend(recommended.iter().zip(cool).map(|(s, c)| LegendEntry {
        swatch: Swatch::Line(c),
        text: s.name.clone(),
    }));
    // Two columns, current left and recommended right, so each group reads as a list.
    let col_w = area.w / 2.0 - 8.0;
    let legend1 = legend_column(&t, ls, col_w, &entries);
    let legend2 = legend_column(&t, ls, col_w, &second);
    let legend = LegendLayout {
        placed: Vec::new(),
        rows: legend1.rows.max(legend2.rows),
        row_h: legend1.row_h,
    };

    let all = current.iter().chain(recommended);
    let values: Vec<f64> = all
        .flat_map(|s| {
            [
                index(s.demand_2026, s.growth, first),
                index(s.demand_2026, s.growth, last),
            ]
        })
        .collect();
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = values.iter().cloned().fold(0.0, f64::max);
    let step = if hi - lo > 100.0 { 50.0 } else { 10.0 };
    let frame = YearFrame {
        chart: "demand",
        first,
        last,
        y_lo: ((lo * 0.95 / step).floor() * step).max(0.0),
        y_hi: ceil_to(hi * 1.03, step),
        right: 4.0,
        y_desc: Some("Demand index"),
    };
    let fmt = |v: &f64| format!("{v:.0}");
    let canvas = Canvas::new(area, fonts);
    let mut chart = year_chart(&canvas, &t, theme, area, &legend, &frame, &fmt)?;
    for (s, c) in current.iter().zip(warm) {
        let pts: Vec<(i32, f64)> = (first..=last)
            .map(|y| (y, index(s.demand_2026, s.growth, y)))
            .collect();
        chart.draw_series(DashedLineSeries::new(
            pts.clone(),
            units(4.0),
            units(2.5),
            line(c, 1.6),
        ))?;
        markers(&mut chart, &[pts[0], pts[pts.len() - 1]], c, 2.0)?;
    }
    for (s, c) in recommended.iter().zip(cool) {
        let pts: Vec<(i32, f64)> = (first..=last)
            .map(|y| (y, index(s.demand_2026, s.growth, y)))
            .collect();
        chart.draw_series(LineSeries::new(pts.clone(), line(c, 1.8)))?;
        markers(&mut chart, &[pts[0], pts[pts.len() - 1]], c, 2.0)?;
    }
    drop(chart);
    let da = canvas.local();
    legend1.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    legend2.draw(&da, theme, ls, (area.w / 2.0, 0.0), &second)?;
    drop(da);
    Ok(canvas.finish())
}

/// The third warm line: the band amber is too light for a thin line, so darken it a little.
fn shade_amber(theme: &ChartTheme) -> Color {
    super::theme::shade(theme.band[1], 0.15)
}

/// Normal density of scores among the role's peers, shaded where peers are safer than the person.
pub fn peers(
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    require("peers", area, 220.0, 110.0)?;
    let (mean, sd) = (data.peer_mean, data.peer_sd);
    if !(sd > 0.0 && mean.is_finite()) {
        return Err(ChartError::MissingData {
            chart: "peers",
            what: format!("role `{}` has no usable peer distribution", data.role_key),
        });
    }
    let t = Type { fonts };
    let ls = theme.label_size;
    let light = theme.accent2.tint(0.78);
    let dark = theme.accent2.tint(0.35);
    let entries = [
        LegendEntry {
            swatch: Swatch::Box(light),
            text: format!("{} (peers)", data.role_plural),
        },
        LegendEntry {
            swatch: Swatch::Box(dark),
            text: format!("Safer than you: {}%", data.peers_safer_pct),
        },
    ];
    let legend = legend_layout(&t, ls, area.w, &entries);
    let density = |x: f64| {
        let z = (x - mean) / sd;
        (-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
    };
    let curve: Vec<(f64, f64)> = (0..=200)
        .map(|i| i as f64 / 2.0)
        .map(|x| (x, density(x)))
        .collect();
    let peak = density(mean.clamp(0.0, 100.0));
    let score = data.score as f64;
    let mut safer: Vec<(f64, f64)> = curve.iter().cloned().filter(|(x, _)| *x < score).collect();
    safer.push((score, density(score)));

    let top = legend.height() + 4.0;
    let you_h = t.line(ls) + 2.0;
    let bottom = 2.0 * TICK + 2.0 * t.line(ls) + 2.0;
    let plot_h = area.h - top - you_h - bottom;
    if plot_h < 40.0 {
        return Err(too_small("peers", area, 220.0, area.h + 40.0 - plot_h));
    }
    let canvas = Canvas::new(area, fonts);
    let (_, below) = canvas.root().split_vertically(units(top + you_h));
    let side = t.width("100", ls, false) / 2.0 + 2.0;
    let mut chart = ChartBuilder::on(&below)
        .margin_left(units(side))
        .margin_right(units(side))
        .x_label_area_size(units(bottom))
        .build_cartesian_2d(0.0..100.0, 0.0..peak * 1.08)?;
    let x_fmt = |v: &f64| format!("{v:.0}");
    chart
        .configure_mesh()
        .x_labels(11)
        .x_label_formatter(&x_fmt)
        .y_labels(0)
        .label_style(text_style(ls, theme.muted, false, HPos::Center, VPos::Top))
        .axis_style(line(theme.muted, 0.8))
        .bold_line_style(INVISIBLE)
        .light_line_style(INVISIBLE)
        .disable_y_axis()
        .x_desc("Risk score")
        .axis_desc_style(text_style(ls, theme.muted, false, HPos::Center, VPos::Top))
        .set_all_tick_mark_size(units(TICK))
        .draw()?;
    chart.draw_series(AreaSeries::new(curve.clone(), 0.0, fill(light)))?;
    chart.draw_series(AreaSeries::new(safer, 0.0, fill(dark)))?;
    chart.draw_series(LineSeries::new(curve, line(theme.accent2, 1.2)))?;
    let (x, base) = to_pt(chart.backend_coord(&(score, 0.0)));
    drop(chart);

    let da = canvas.local();
    da.draw(&PathElement::new(
        vec![(x, top + you_h - 1.0), (x, base)],
        line(theme.ink, 1.4),
    ))?;
    let text = format!("You: {}", data.score);
    let w = t.width(&text, ls, true);
    let h = if x + w / 2.0 > area.w - 1.0 {
        HPos::Right
    } else if x - w / 2.0 < 1.0 {
        HPos::Left
    } else {
        HPos::Center
    };
    label(&da, &text, (x, top), ls, theme.ink, true, h, VPos::Top)?;
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    drop(da);
    Ok(canvas.finish())
}
