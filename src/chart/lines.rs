//! Charts on a plotters Cartesian mesh: the 2026–2035 outlook, skill demand trends and the peer
//! distribution. Legends are ours (above the mesh) so every chart's key looks the same.

use super::backend::{self, to_pt, units, Canvas, PageBackend};
use super::Series;
use super::{
    fill, label, legend_layout, line, require, text_style, too_small, ChartError, ChartTheme,
    LegendEntry, LegendLayout, Swatch, Type,
};
use crate::fonts::FontSet;
use crate::page::{Color, Item, Rect};
use plotters::chart::{ChartBuilder, ChartContext, LabelAreaPosition};
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

/// The year axis' ticks: longer, so the first year clears the lowest value label in the corner.
const X_TICK: f32 = 3.0;

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
    let bottom = 2.0 * X_TICK + t.line(ls) + 1.0;
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
        .set_all_tick_mark_size(units(TICK))
        .set_tick_mark_size(LabelAreaPosition::Bottom, units(X_TICK));
    if let Some(desc) = frame.y_desc {
        mesh.y_desc(desc).axis_desc_style(text_style(
            ls,
            theme.muted,
            false,
            HPos::Center,
            VPos::Top,
        ));
    }
    backend::guides(true);
    mesh.draw()?;
    backend::guides(false);
    Ok(chart)
}

/// The plot's top and bottom edges, in area-local points.
fn plot_span(chart: &YearChart<'_>) -> (f32, f32) {
    let (_, ys) = chart.plotting_area().get_pixel_range();
    (to_pt((0, ys.start)).1, to_pt((0, ys.end)).1)
}

/// Label centres as close to `want` as they can be while at least `gap` apart and inside
/// `lo..=hi`, keeping their order: neighbours that would overlap are merged into a block
/// centred on their wishes, and blocks are merged until none overlap.
fn spread(want: &[f32], gap: f32, lo: f32, hi: f32) -> Vec<f32> {
    let mut order: Vec<usize> = (0..want.len()).collect();
    order.sort_by(|a, b| want[*a].total_cmp(&want[*b]));
    // Blocks of consecutive labels: (first index in `order`, count, top centre).
    let mut blocks: Vec<(usize, usize, f32)> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        blocks.push((k, 1, want[i]));
        while blocks.len() > 1 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.2 + a.1 as f32 * gap <= b.2 {
                break;
            }
            blocks.pop();
            let n = a.1 + b.1;
            let mean: f32 = order[a.0..a.0 + n].iter().map(|&j| want[j]).sum::<f32>() / n as f32;
            let top = mean - (n - 1) as f32 * gap / 2.0;
            *blocks.last_mut().unwrap() = (a.0, n, top);
        }
    }
    let mut out = vec![0.0; want.len()];
    for (first, n, top) in blocks {
        for k in 0..n {
            out[order[first + k]] = top + k as f32 * gap;
        }
    }
    // Keep them inside the plot, pushing the whole stack back in from either end.
    let n = want.len();
    let mut sorted: Vec<usize> = order.clone();
    sorted.sort_by(|a, b| out[*a].total_cmp(&out[*b]));
    for (k, &i) in sorted.iter().enumerate() {
        out[i] = out[i].max(lo + k as f32 * gap);
    }
    for (k, &i) in sorted.iter().enumerate().rev() {
        out[i] = out[i].min(hi - (n - 1 - k) as f32 * gap);
    }
    out
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
            swatch: Swatch::Line(theme.you),
            text: "You".into(),
        },
        LegendEntry {
            swatch: Swatch::Dashed(theme.reference),
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
        right: t.width("100% both", vs, true) + 8.0,
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
        line(theme.reference, 1.5),
    ))?;
    markers(&mut chart, &role, theme.reference, 1.8)?;
    chart.draw_series(LineSeries::new(person.clone(), line(theme.you, 2.0)))?;
    markers(&mut chart, &person, theme.you, 2.4)?;

    // End labels: one when both lines end on the same figure, else pushed apart far enough
    // that their boxes never meet.
    let pe = to_pt(chart.backend_coord(person.last().unwrap()));
    let re = to_pt(chart.backend_coord(role.last().unwrap()));
    let (plot_top, plot_bottom) = plot_span(&chart);
    drop(chart);
    let da = canvas.local();
    let last_p = super::pct(person.last().unwrap().1);
    let last_r = super::pct(role.last().unwrap().1);
    let x = pe.0.max(re.0) + 5.0;
    if last_p == last_r {
        label(
            &da,
            &format!("{last_p} both"),
            (x, (pe.1 + re.1) / 2.0),
            vs,
            theme.ink,
            true,
            HPos::Left,
            VPos::Center,
        )?;
    } else {
        let ys = spread(&[pe.1, re.1], t.line(vs) + 0.5, plot_top, plot_bottom);
        label(
            &da,
            &last_p,
            (x, ys[0]),
            vs,
            theme.you,
            true,
            HPos::Left,
            VPos::Center,
        )?;
        label(
            &da,
            &last_r,
            (x, ys[1]),
            vs,
            theme.ink,
            false,
            HPos::Left,
            VPos::Center,
        )?;
    }
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    drop(da);
    Ok(canvas.finish())
}

/// The person's weakest current skills against the role's most resilient ones: demand indices
/// (100 = the role's average skill in 2026) compounding at each skill's yearly growth. Current
/// skills are dashed in the reader's colour, recommended ones solid in the comparison colour,
/// and every line is named at its end.
/// How far right of its line's end a demand line's name starts: room for a leader line.
const LEADER: f32 = 10.0;

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
    let (ls, vs) = (theme.label_size, theme.value_size);
    let (first, last) = (2026, 2035);
    let index = |d0: f64, g: f64, year: i32| d0 * (1.0 + g / 100.0).powi(year - first);
    let (mine, rec) = (theme.you, theme.accent2);

    let all: Vec<(&super::DemandLine, bool)> = current
        .iter()
        .map(|s| (s, true))
        .chain(recommended.iter().map(|s| (s, false)))
        .collect();
    let values: Vec<f64> = all
        .iter()
        .flat_map(|(s, _)| {
            [
                index(s.demand_2026, s.growth, first),
                index(s.demand_2026, s.growth, last),
            ]
        })
        .collect();
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = values.iter().cloned().fold(0.0, f64::max);
    // The finest round step that keeps the axis to at most eight of them, the ends on whole
    // steps: the axis hugs the data instead of jumping to the next 50.
    let step = [5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0]
        .into_iter()
        .find(|s| (hi - lo) / s <= 7.0)
        .unwrap_or(500.0);
    let y_lo = ((lo - 0.05 * (hi - lo).max(10.0)) / step).floor() * step;
    let y_lo = y_lo.max(0.0);
    let y_hi = ceil_to(hi + 0.05 * (hi - lo).max(10.0), step);

    let mut entries = vec![
        LegendEntry {
            swatch: Swatch::Dashed(mine),
            text: "Your current skills".into(),
        },
        // No recommendation when the reader's skills are already the role's most resilient:
        // the advice is to deepen them, and the legend says so without a key for absent lines.
        if recommended.is_empty() {
            LegendEntry {
                swatch: Swatch::None,
                text: "Recommended: deepen the skills you have".into(),
            }
        } else {
            LegendEntry {
                swatch: Swatch::Line(rec),
                text: "Recommended skills".into(),
            }
        },
    ];
    if y_lo > 0.0 {
        entries.push(LegendEntry {
            swatch: Swatch::None,
            text: format!("Axis starts at {y_lo:.0}"),
        });
    }
    let legend = legend_layout(&t, ls, area.w, &entries);

    // End-of-line names take the right margin, up to 40 % of the width.
    let name_w = all
        .iter()
        .map(|(s, _)| t.width(&s.name, vs, false))
        .fold(0.0f32, f32::max)
        .min(0.4 * area.w);
    let frame = YearFrame {
        chart: "demand",
        first,
        last,
        y_lo,
        y_hi,
        right: name_w + LEADER + 3.0,
        y_desc: Some("Demand index"),
    };
    let fmt = |v: &f64| format!("{v:.0}");
    let canvas = Canvas::new(area, fonts);
    let mut chart = year_chart(&canvas, &t, theme, area, &legend, &frame, &fmt)?;
    let mut ends = vec![(0.0, 0.0); all.len()];
    // The recommended lines first and the dashed current ones over them: where a current skill's
    // line coincides with a recommended one, its dashes still show on the solid line.
    let order = (0..all.len())
        .filter(|&k| !all[k].1)
        .chain((0..all.len()).filter(|&k| all[k].1));
    for k in order {
        let (s, is_current) = all[k];
        let pts: Vec<(i32, f64)> = (first..=last)
            .map(|y| (y, index(s.demand_2026, s.growth, y)))
            .collect();
        if is_current {
            chart.draw_series(DashedLineSeries::new(
                pts.clone(),
                units(4.0),
                units(2.5),
                line(mine, 1.6),
            ))?;
            markers(&mut chart, &[pts[0], pts[pts.len() - 1]], mine, 2.0)?;
        } else {
            chart.draw_series(LineSeries::new(pts.clone(), line(rec, 1.8)))?;
            markers(&mut chart, &[pts[0], pts[pts.len() - 1]], rec, 2.0)?;
        }
        ends[k] = to_pt(chart.backend_coord(&pts[pts.len() - 1]));
    }
    let (plot_top, plot_bottom) = plot_span(&chart);
    drop(chart);
    let da = canvas.local();
    let want: Vec<f32> = ends.iter().map(|e| e.1).collect();
    // Labels stay a half line inside the plot, so none sits on the axis floor among the years.
    let lh = t.line(vs);
    let ys = spread(
        &want,
        lh + 0.5,
        plot_top + lh / 2.0,
        plot_bottom - lh / 2.0 - 1.0,
    );
    for (((s, is_current), end), y) in all.iter().zip(&ends).zip(ys) {
        let name = t.fit(&s.name, vs, false, name_w);
        let color = if *is_current { mine } else { rec };
        // A name nudged off its line's end is tied back to it, so lines that end close together
        // keep their names apart without losing which is which.
        super::backend::group();
        if (y - end.1).abs() > 1.0 {
            da.draw(&PathElement::new(
                vec![(end.0 + 3.0, end.1), (end.0 + LEADER - 2.0, y)],
                line(color, 0.6),
            ))?;
        }
        label(
            &da,
            &name,
            (end.0 + LEADER, y),
            vs,
            color,
            false,
            HPos::Left,
            VPos::Center,
        )?;
    }
    super::backend::ungroup();
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    drop(da);
    Ok(canvas.finish())
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
    // Peers are the reference group: grey, as every reference is; the reader is navy.
    let light = theme.reference.tint(0.6);
    let dark = theme.reference;
    let entries = [
        LegendEntry {
            swatch: Swatch::Box(light),
            text: format!(
                "{} more exposed than you: {}%",
                data.role_plural,
                100 - data.peers_safer_pct
            ),
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
    backend::guides(true);
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
    backend::guides(false);
    chart.draw_series(AreaSeries::new(curve.clone(), 0.0, fill(light)))?;
    chart.draw_series(AreaSeries::new(safer, 0.0, fill(dark)))?;
    chart.draw_series(LineSeries::new(curve, line(theme.muted, 1.2)))?;
    let (x, base) = to_pt(chart.backend_coord(&(score, 0.0)));
    drop(chart);

    let da = canvas.local();
    da.draw(&PathElement::new(
        vec![(x, top + you_h - 1.0), (x, base)],
        line(theme.you, 1.6),
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
    label(&da, &text, (x, top), ls, theme.you, true, h, VPos::Top)?;
    legend.draw(&da, theme, ls, (0.0, 0.0), &entries)?;
    drop(da);
    Ok(canvas.finish())
}
