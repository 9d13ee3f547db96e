//! The report's charts, drawn with plotters into page-model items for a rectangle of a page.
//! Every chart takes its area, the fonts (for real text widths), the theme and the plain series
//! `report::context` prepares (`Series`),
//! and either fits legibly into the area or says why it cannot.

mod alt;
mod backend;
mod bars;
mod breakdown;
mod calendar;
mod cell;
mod classes;
mod gaps;
mod gauge;
mod lines;
mod phase;
mod scale;
mod series;
pub(crate) mod theme;
mod timeline;

pub use alt::alt_text;
pub use bars::{benchmark, related_roles, salary, skills, task_exposure};
pub use breakdown::{time_split, waterfall};
pub use calendar::ninety_days;
pub use cell::cell_bar;
pub use classes::class_tasks;
pub use gaps::skill_gaps;
pub use gauge::gauge;
pub use lines::{demand, outlook, peers};
pub use phase::phase;
pub use scale::score_scale;
pub use series::{ClassTask, GapBar};
pub use series::{DemandLine, PhaseBar, RoleBar, SalaryBar, Series, SkillBar, TaskBar};
pub use theme::ChartTheme;
pub use timeline::roadmap;

use crate::catalog::TaskClass;
use crate::fonts::{FontId, FontSet};
use crate::page::{Color, Item, Rect};
use backend::{BackendError, Local, PageBackend, UNITS_PER_PT};
use plotters::element::{DashedPathElement, PathElement};
use plotters::prelude::{DrawingArea, DrawingAreaErrorKind, Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor, ShapeStyle, TextStyle};
use plotters_backend::BackendColor;

/// Every chart the report can ask for by name, in page order.
pub const NAMES: [&str; 21] = [
    "gauge",
    "score-scale",
    "waterfall",
    "benchmark",
    "peers",
    "time-split",
    "task-exposure",
    "skills",
    "outlook",
    "salary",
    "demand",
    "roadmap",
    "related-roles",
    "class-automated",
    "class-assisted",
    "class-human-safe",
    "skill-gaps",
    "phase-1",
    "phase-2",
    "phase-3",
    "ninety-days",
];

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("the {chart} chart needs at least {need_w:.0} × {need_h:.0} pt, the layout gives {got_w:.0} × {got_h:.0} pt")]
    TooSmall {
        chart: &'static str,
        need_w: f32,
        need_h: f32,
        got_w: f32,
        got_h: f32,
    },
    #[error("the {chart} chart has nothing to show: {what}")]
    MissingData { chart: &'static str, what: String },
    #[error("unknown chart `{0}` (known: {known})", known = NAMES.join(", "))]
    Unknown(String),
    #[error("drawing the chart failed: {0}")]
    Drawing(String),
}

impl From<DrawingAreaErrorKind<BackendError>> for ChartError {
    fn from(e: DrawingAreaErrorKind<BackendError>) -> ChartError {
        ChartError::Drawing(e.to_string())
    }
}

/// Draws the chart called `name` (kebab-case, as layouts name them) into `area`.
pub fn draw(
    name: &str,
    area: Rect,
    fonts: &FontSet,
    theme: &ChartTheme,
    data: &Series,
) -> Result<Vec<Item>, ChartError> {
    match name {
        "gauge" => gauge(area, fonts, theme, data),
        "waterfall" => waterfall(area, fonts, theme, data),
        "benchmark" => benchmark(area, fonts, theme, data),
        "peers" => peers(area, fonts, theme, data),
        "time-split" => time_split(area, fonts, theme, data),
        "task-exposure" => task_exposure(area, fonts, theme, data),
        "skills" => skills(area, fonts, theme, data),
        "outlook" => outlook(area, fonts, theme, data),
        "salary" => salary(area, fonts, theme, data),
        "demand" => demand(area, fonts, theme, data),
        "roadmap" => roadmap(area, fonts, theme, data),
        "related-roles" => related_roles(area, fonts, theme, data),
        "score-scale" => score_scale(area, fonts, theme, data),
        "class-automated" => class_tasks(area, fonts, theme, data, TaskClass::Automated),
        "class-assisted" => class_tasks(area, fonts, theme, data, TaskClass::Assisted),
        "class-human-safe" => class_tasks(area, fonts, theme, data, TaskClass::HumanSafe),
        "skill-gaps" => skill_gaps(area, fonts, theme, data),
        "phase-1" => phase(area, fonts, theme, data, 0),
        "phase-2" => phase(area, fonts, theme, data, 1),
        "phase-3" => phase(area, fonts, theme, data, 2),
        "ninety-days" => ninety_days(area, fonts, theme, data),
        _ => Err(ChartError::Unknown(name.to_string())),
    }
}

/// Refuses an area below the chart's minimum, so a layout mistake is an error, not a smudge.
fn require(chart: &'static str, area: Rect, need_w: f32, need_h: f32) -> Result<(), ChartError> {
    if area.w + 0.01 < need_w || area.h + 0.01 < need_h {
        return Err(ChartError::TooSmall {
            chart,
            need_w,
            need_h,
            got_w: area.w,
            got_h: area.h,
        });
    }
    Ok(())
}

fn too_small(chart: &'static str, area: Rect, need_w: f32, need_h: f32) -> ChartError {
    ChartError::TooSmall {
        chart,
        need_w,
        need_h,
        got_w: area.w,
        got_h: area.h,
    }
}

type LocalArea<'a> = DrawingArea<PageBackend<'a>, Local>;

/// Font metrics the layouts need, in points.
struct Type<'a> {
    fonts: &'a FontSet,
}

impl Type<'_> {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        crate::text::width(text, font_id(bold), size, self.fonts)
    }

    /// Ascender to descender: the height a line of text occupies.
    fn line(&self, size: f32) -> f32 {
        let f = self.fonts.get(FontId::REGULAR);
        (f.ascender() - f.descender()) * size
    }

    /// `text` shortened with "…" until it fits `max` points (just "…" if nothing fits).
    fn fit(&self, text: &str, size: f32, bold: bool, max: f32) -> String {
        if self.width(text, size, bold) <= max {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let cut = |n: usize| {
            let head: String = chars[..n].iter().collect();
            format!("{}…", head.trim_end())
        };
        // The longest head that fits, by bisection: a head is never narrower than a shorter
        // one, and shaping every length in turn made labels a tenth of the charts' time.
        let (mut fits, mut too_long) = (None, chars.len());
        let mut low = 0;
        while low < too_long {
            let n = (low + too_long) / 2;
            if self.width(&cut(n), size, bold) <= max {
                fits = Some(n);
                low = n + 1;
            } else {
                too_long = n;
            }
        }
        fits.map(cut).unwrap_or_default()
    }

    /// Splits `text` at spaces into at most `max_lines` lines of at most `max` points, the last
    /// one shortened with "…" if the words do not all fit.
    fn wrap(&self, text: &str, size: f32, bold: bool, max: f32, max_lines: usize) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if current.is_empty() || self.width(&candidate, size, bold) <= max {
                current = candidate;
                continue;
            }
            if lines.len() + 1 == max_lines {
                let rest = words[i..].join(" ");
                current = format!("{current} {rest}");
                break;
            }
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
        if !current.is_empty() {
            lines.push(current);
        }
        lines
            .into_iter()
            .map(|l| self.fit(&l, size, bold, max))
            .collect()
    }
}

fn font_id(bold: bool) -> FontId {
    if bold {
        FontId::BOLD
    } else {
        FontId::REGULAR
    }
}

fn backend_color(c: Color) -> BackendColor {
    BackendColor {
        alpha: 1.0,
        rgb: (c.r, c.g, c.b),
    }
}

/// A plotters text style in points; built field by field because `TextStyle::color` would tie
/// the style's lifetime to a borrowed colour.
fn text_style(size: f32, color: Color, bold: bool, h: HPos, v: VPos) -> TextStyle<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    TextStyle {
        font: FontDesc::new(FontFamily::SansSerif, (size * UNITS_PER_PT) as f64, style),
        color: backend_color(color),
        pos: Pos::new(h, v),
    }
}

fn rgba(c: Color) -> RGBAColor {
    RGBAColor(c.r, c.g, c.b, 1.0)
}

fn fill(c: Color) -> ShapeStyle {
    ShapeStyle {
        color: rgba(c),
        filled: true,
        stroke_width: 1,
    }
}

fn line(c: Color, width: f32) -> ShapeStyle {
    ShapeStyle {
        color: rgba(c),
        filled: false,
        stroke_width: backend::stroke(width),
    }
}

/// Draws one line of text anchored at `at` (area-local points).
#[allow(clippy::too_many_arguments)]
fn label(
    area: &LocalArea<'_>,
    text: &str,
    at: (f32, f32),
    size: f32,
    color: Color,
    bold: bool,
    h: HPos,
    v: VPos,
) -> Result<(), ChartError> {
    if text.is_empty() {
        return Ok(());
    }
    area.draw(&Text::new(text, at, text_style(size, color, bold, h, v)))?;
    Ok(())
}

fn rect(
    area: &LocalArea<'_>,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    c: Color,
) -> Result<(), ChartError> {
    area.draw(&Rectangle::new(
        [(x0.min(x1), y0.min(y1)), (x0.max(x1), y0.max(y1))],
        fill(c),
    ))?;
    Ok(())
}

/// A dashed line through `pts`; plotters draws each dash as its own short path.
fn dashed(
    area: &LocalArea<'_>,
    pts: Vec<(f32, f32)>,
    c: Color,
    width: f32,
    dash: f32,
    gap: f32,
) -> Result<(), ChartError> {
    area.draw(&DashedPathElement::new(
        pts,
        backend::units(dash),
        backend::units(gap),
        line(c, width),
    ))?;
    Ok(())
}

/// Linear map from data values to area-local points.
#[derive(Debug, Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f32,
    p1: f32,
}

impl Scale {
    fn new(d0: f64, d1: f64, p0: f32, p1: f32) -> Scale {
        Scale { d0, d1, p0, p1 }
    }

    fn at(&self, v: f64) -> f32 {
        let t = if self.d1 == self.d0 {
            0.0
        } else {
            ((v - self.d0) / (self.d1 - self.d0)) as f32
        };
        self.p0 + t * (self.p1 - self.p0)
    }
}

/// The horizontal gridlines of a vertical value axis: one every `step` from `first` up to the
/// scale's end, the zero line darker, each labelled `text(value)` left of `x0`.
#[allow(clippy::too_many_arguments)]
fn value_grid(
    da: &LocalArea<'_>,
    theme: &ChartTheme,
    size: f32,
    (x0, x1): (f32, f32),
    ys: &Scale,
    first: f64,
    step: f64,
    text: impl Fn(f64) -> String,
) -> Result<(), ChartError> {
    let mut g = first;
    while g <= ys.d1 + 1e-9 {
        let y = ys.at(g);
        let color = if g == 0.0 { theme.muted } else { theme.grid };
        da.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            line(color, if g == 0.0 { 0.8 } else { 0.5 }),
        ))?;
        label(
            da,
            &text(g),
            (x0 - 4.0, y),
            size,
            theme.muted,
            false,
            HPos::Right,
            VPos::Center,
        )?;
        g += step;
    }
    Ok(())
}

/// The vertical gridlines of a horizontal percent axis between `y_top` and `y_bottom`, the zero
/// line darker, each labelled below the rows: the row charts of pages 8–10 and 12 read alike.
fn pct_ticks(
    da: &LocalArea<'_>,
    theme: &ChartTheme,
    xs: &Scale,
    ticks: &[i32],
    rows: (f32, f32),
) -> Result<(), ChartError> {
    let ticks = ticks.iter().map(|&v| (f64::from(v), format!("{v}%")));
    x_ticks(da, theme, xs, ticks, rows)
}

/// Vertical gridlines at `ticks` (value, label) between `y_top` and `y_bottom`, the zero line
/// darker, each labelled below the rows: every horizontal bar chart's value axis.
fn x_ticks<S: AsRef<str>>(
    da: &LocalArea<'_>,
    theme: &ChartTheme,
    xs: &Scale,
    ticks: impl IntoIterator<Item = (f64, S)>,
    (y_top, y_bottom): (f32, f32),
) -> Result<(), ChartError> {
    backend::guides(true);
    for (v, text) in ticks {
        let x = xs.at(v);
        let c = if v == 0.0 { theme.muted } else { theme.grid };
        da.draw(&PathElement::new(
            vec![(x, y_top), (x, y_bottom)],
            line(c, 0.5),
        ))?;
        label(
            da,
            text.as_ref(),
            (x, y_bottom + 3.0),
            theme.label_size,
            theme.muted,
            false,
            HPos::Center,
            VPos::Top,
        )?;
    }
    backend::guides(false);
    Ok(())
}

/// A row's name at the left edge, centred on `cy`: wrapped onto two lines when the row is tall
/// enough for them, so a name is cut with "…" only where even two lines cannot hold it.
#[allow(clippy::too_many_arguments)]
fn row_label(
    da: &LocalArea<'_>,
    t: &Type<'_>,
    text: &str,
    (size, bold, color): (f32, bool, Color),
    max_w: f32,
    cy: f32,
    row_h: f32,
) -> Result<(), ChartError> {
    let lh = t.line(size);
    let names = if row_h >= 2.0 * lh + 2.0 {
        t.wrap(text, size, bold, max_w, 2)
    } else {
        vec![t.fit(text, size, bold, max_w)]
    };
    let first = cy - lh * (names.len() as f32 - 1.0) / 2.0;
    for (j, name) in names.iter().enumerate() {
        label(
            da,
            name,
            (0.0, first + lh * j as f32),
            size,
            color,
            bold,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}

/// "+3", "–2" or "0". An en dash stands in for the minus sign, which Noto Sans lacks.
fn signed(v: i32) -> String {
    match v {
        0 => "0".to_string(),
        v if v > 0 => format!("+{v}"),
        v => format!("–{}", -v),
    }
}

fn pct(v: f64) -> String {
    format!("{}%", v.round() as i32)
}

/// What a legend entry's key looks like.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Box(Color),
    Line(Color),
    Dashed(Color),
    /// A group heading: muted text, no key.
    None,
}

impl Swatch {
    /// Lines need more length than boxes to show their style.
    fn width(self) -> f32 {
        match self {
            Swatch::Box(_) => SWATCH,
            Swatch::Line(_) | Swatch::Dashed(_) => 2.0 * SWATCH,
            Swatch::None => 0.0,
        }
    }
}

struct LegendEntry {
    swatch: Swatch,
    text: String,
}

/// Legend rows laid out left to right, wrapping at `max_w`; returns each entry's x, row and
/// (possibly shortened) text, and the total height.
struct LegendLayout {
    placed: Vec<(f32, usize, String)>,
    rows: usize,
    row_h: f32,
}

/// Legibility floor for any chart text, in points.
const MIN_LABEL: f32 = 7.0;

const SWATCH: f32 = 8.0;
const SWATCH_GAP: f32 = 4.0;
const ENTRY_GAP: f32 = 12.0;

fn legend_layout(t: &Type<'_>, size: f32, max_w: f32, entries: &[LegendEntry]) -> LegendLayout {
    let row_h = t.line(size).max(SWATCH) + 2.0;
    let mut placed = Vec::new();
    let (mut x, mut row) = (0.0f32, 0usize);
    for e in entries {
        let key = e.swatch.width()
            + if matches!(e.swatch, Swatch::None) {
                0.0
            } else {
                SWATCH_GAP
            };
        let text = t.fit(&e.text, size, false, max_w - key);
        let w = key + t.width(&text, size, false);
        if x > 0.0 && x + w > max_w {
            x = 0.0;
            row += 1;
        }
        placed.push((x, row, text));
        x += w + ENTRY_GAP;
    }
    LegendLayout {
        placed,
        rows: if entries.is_empty() { 0 } else { row + 1 },
        row_h,
    }
}

impl LegendLayout {
    fn height(&self) -> f32 {
        self.rows as f32 * self.row_h
    }

    fn draw(
        &self,
        area: &LocalArea<'_>,
        theme: &ChartTheme,
        size: f32,
        (x0, y0): (f32, f32),
        entries: &[LegendEntry],
    ) -> Result<(), ChartError> {
        for ((x, row, text), e) in self.placed.iter().zip(entries) {
            let cy = y0 + (*row as f32 + 0.5) * self.row_h;
            let x = x0 + x;
            let key = e.swatch.width();
            // Line keys stop 1 pt short of their box: the stroke's half width stays inside.
            match e.swatch {
                Swatch::Box(c) => rect(area, x, cy - key / 2.0, x + key, cy + key / 2.0, c)?,
                Swatch::Line(c) => {
                    area.draw(&plotters::element::PathElement::new(
                        vec![(x + 1.0, cy), (x + key - 1.0, cy)],
                        line(c, 2.0),
                    ))?;
                }
                Swatch::Dashed(c) => dashed(
                    area,
                    vec![(x + 1.0, cy), (x + key - 1.0, cy)],
                    c,
                    2.0,
                    3.0,
                    2.0,
                )?,
                Swatch::None => {}
            }
            let (tx, color) = match e.swatch {
                Swatch::None => (x, theme.muted),
                _ => (x + key + SWATCH_GAP, theme.ink),
            };
            label(
                area,
                text,
                (tx, cy),
                size,
                color,
                false,
                HPos::Left,
                VPos::Center,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod page_tests;
#[cfg(test)]
mod tests;
