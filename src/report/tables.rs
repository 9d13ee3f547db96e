//! How a data table (`::table` in the page markup) is set: header row, wrapped cells, zebra
//! rows. Its columns and cells come from the page template; each column is at least as wide
//! as its longest word, so no word is ever split across lines, and the rest of the width
//! follows the template's shares. A cell may hold a list (one item a line, hanging under an en
//! dash) or a small bar beside its figure (drawn by the chart module, an artifact).

use super::flow::{hline, rect, Flow};
use super::markup::{Cell, Table};
use super::text::{Align, TextStyle};
use super::LayoutError;
use crate::fonts::{FontId, FontSet};
use crate::page::{Item, Rect, Role};

const PAD_X: f32 = 5.0;
const PAD_Y: f32 = 4.0;
/// Hanging indent of a list item in a cell, after its dash.
const LIST_INDENT: f32 = 8.0;
/// Space between two items of a list in a cell.
const LIST_GAP: f32 = 1.5;
/// The shortest track a cell bar gets, and the gap between it and the figure.
const BAR_MIN: f32 = 16.0;
const BAR_GAP: f32 = 4.0;
const BAR_HEIGHT: f32 = 4.0;
/// How far below the table's type size a table may go so its longest words fit.
const MAX_SHRINK: f32 = 1.0;

pub fn table(flow: &mut Flow, table: &Table) -> Result<(), LayoutError> {
    let (cols, rows) = (&table.columns, &table.rows);
    let env = flow.env;
    let st = &env.style;
    let c = &st.colors;
    let shares: Vec<f32> = cols.iter().map(|k| k.width).collect();
    let titles: Vec<Cell> = cols
        .iter()
        .map(|k| Cell {
            items: vec![k.title.clone()],
            list: false,
            bar: None,
        })
        .collect();
    let base = st.type_.small + 0.6;
    let mut size = base;
    let sizing = loop {
        let s = Sizing::new(&titles, rows, size, env.fonts);
        if s.min.iter().sum::<f32>() <= flow.width + 0.001 {
            break s;
        }
        if size <= base - MAX_SHRINK {
            return Err(LayoutError::Overflow {
                page: flow.page + 1,
                block: format!(
                    "table “{}”: its longest words do not fit the width",
                    cols.first().map_or("", |k| k.title.as_str())
                ),
                by: s.min.iter().sum::<f32>() - flow.width,
            });
        }
        size -= 0.25;
    };
    let widths = distribute(&sizing.min, &shares, flow.width);
    let cell_style = |align: Align, bold: bool| TextStyle {
        font: if bold { FontId::BOLD } else { FontId::REGULAR },
        bold: FontId::BOLD,
        size,
        leading: 1.3,
        color: c.ink,
        align,
    };

    let draw_row = |flow: &mut Flow, cells: &[Cell], header: bool, zebra: bool| {
        let top = flow.y + PAD_Y;
        let mut x = flow.x;
        let mut sets = Vec::with_capacity(cells.len());
        for (j, (cell, k)) in cells.iter().zip(cols).enumerate() {
            let align = if k.right { Align::Right } else { Align::Left };
            let mut style = cell_style(align, header);
            if header {
                style.color = c.paper;
            }
            let area = Rect::new(x + PAD_X, top, widths[j] - 2.0 * PAD_X, 0.0);
            sets.push(set_cell(flow, cell, area, &style, sizing.figure[j])?);
            x += widths[j];
        }
        let h = sets.iter().map(|s| s.1).fold(0.0, f32::max) + 2.0 * PAD_Y;
        let fill = if header {
            Some(c.accent)
        } else if zebra {
            Some(c.faint.tint(0.55))
        } else {
            None
        };
        if let Some(f) = fill {
            flow.artifact(rect(
                Rect::new(flow.x, flow.y, flow.width, h),
                Some(f),
                None,
            ));
        }
        let cell = if header { Role::TH } else { Role::TD };
        flow.tagged(Role::TR, |flow| {
            for (items, _) in sets {
                flow.tagged(cell, |f| f.items.extend(items));
            }
        });
        flow.y += h;
        if !header {
            flow.artifact(hline(flow.x, flow.x + flow.width, flow.y, c.faint, 0.5));
        }
        Ok::<(), LayoutError>(())
    };
    flow.items.push(Item::open(Role::Table));
    flow.items.push(Item::open(Role::THead));
    draw_row(flow, &titles, true, false)?;
    flow.items.push(Item::Close);
    flow.items.push(Item::open(Role::TBody));
    for (i, row) in rows.iter().enumerate() {
        draw_row(flow, row, false, i % 2 == 1)?;
    }
    flow.items.push(Item::Close);
    flow.items.push(Item::Close);
    Ok(())
}

/// Sets one cell into `area` (its width; from its top left): the items, tagged inside the
/// cell, and the height. `figure` is the width the column keeps for the figure beside a bar.
fn set_cell(
    flow: &mut Flow,
    cell: &Cell,
    area: Rect,
    style: &TextStyle,
    figure: f32,
) -> Result<(Vec<Item>, f32), LayoutError> {
    let env = flow.env;
    let mut items = Vec::new();
    if !cell.list {
        let text = cell.items.first().map_or("", String::as_str);
        let set = flow.set(text, area.w, style);
        let h = set.height;
        items.extend(set.placed(area.x, area.y));
        if let Some(bar) = &cell.bar {
            let line_h = style.size * style.leading;
            let track = Rect::new(
                area.x,
                area.y + (line_h - BAR_HEIGHT) / 2.0,
                (area.w - figure - BAR_GAP).max(0.0),
                BAR_HEIGHT,
            );
            let drawn =
                crate::chart::cell_bar(track, bar.value, bar.max, &bar.kind, env.fonts, &env.theme)
                    .map_err(|e| LayoutError::Chart {
                        page: flow.page + 1,
                        chart: "cell bar".into(),
                        message: e.to_string(),
                    })?;
            // The figure is in the cell's text: the bar only repeats it.
            items.push(Item::artifact());
            items.extend(drawn);
            items.push(Item::Close);
        }
        return Ok((items, h));
    }
    let mut dash = *style;
    dash.color = env.style.colors.muted;
    let mut y = area.y;
    items.push(Item::open(Role::L));
    for (i, item) in cell.items.iter().enumerate() {
        if i > 0 {
            y += LIST_GAP;
        }
        let mark = flow.set("–", LIST_INDENT, &dash);
        let body = flow.set(item, area.w - LIST_INDENT, style);
        items.push(Item::open(Role::LI));
        items.push(Item::open(Role::Lbl));
        items.extend(mark.placed(area.x, y));
        items.push(Item::Close);
        items.push(Item::open(Role::LBody));
        let h = body.height;
        items.extend(body.placed(area.x + LIST_INDENT, y));
        items.push(Item::Close);
        items.push(Item::Close);
        y += h;
    }
    items.push(Item::Close);
    Ok((items, y - area.y))
}

/// What the columns need at one type size: each column's narrowest width (its longest word,
/// with the padding, a list's indent and a bar's room) and the width of the widest figure
/// beside a bar.
struct Sizing {
    min: Vec<f32>,
    figure: Vec<f32>,
}

impl Sizing {
    fn new(titles: &[Cell], rows: &[Vec<Cell>], size: f32, fonts: &FontSet) -> Sizing {
        let n = titles.len();
        let mut min = vec![0.0f32; n];
        let mut figure = vec![0.0f32; n];
        for (j, t) in titles.iter().enumerate() {
            min[j] = t
                .items
                .iter()
                .map(|s| longest_word(s, true, size, fonts))
                .fold(0.0, f32::max);
        }
        for row in rows {
            for (j, cell) in row.iter().enumerate().take(n) {
                let words = cell
                    .items
                    .iter()
                    .map(|s| longest_word(s, false, size, fonts))
                    .fold(0.0, f32::max);
                let indent = if cell.list { LIST_INDENT } else { 0.0 };
                min[j] = min[j].max(words + indent);
                if cell.bar.is_some() {
                    let text = cell.items.first().map_or("", String::as_str);
                    figure[j] = figure[j].max(text_width(text, false, size, fonts));
                }
            }
        }
        for j in 0..n {
            if figure[j] > 0.0 {
                min[j] = min[j].max(figure[j] + BAR_GAP + BAR_MIN);
            }
            min[j] += 2.0 * PAD_X;
        }
        Sizing { min, figure }
    }
}

/// The widest word of `text` (`**bold**` spans in the bold face), which no line may split.
fn longest_word(text: &str, bold: bool, size: f32, fonts: &FontSet) -> f32 {
    let mut widest = 0.0f32;
    for (i, span) in text.split("**").enumerate() {
        let font = if bold || i % 2 == 1 {
            FontId::BOLD
        } else {
            FontId::REGULAR
        };
        for word in span.split_whitespace() {
            let word = super::markup::unescape_star(word);
            widest = widest.max(crate::text::width(&word, font, size, fonts));
        }
    }
    widest
}

/// The width of `text` on one line (`**bold**` spans in the bold face).
fn text_width(text: &str, bold: bool, size: f32, fonts: &FontSet) -> f32 {
    text.split("**")
        .enumerate()
        .map(|(i, span)| {
            let font = if bold || i % 2 == 1 {
                FontId::BOLD
            } else {
                FontId::REGULAR
            };
            crate::text::width(&super::markup::unescape_star(span), font, size, fonts)
        })
        .sum()
}

/// Column widths summing to `total`: each at least its `min`, otherwise as near its share of
/// `total` as the minimums allow. What a column gains over its share comes from the others in
/// proportion to what they have above their own minimum.
fn distribute(min: &[f32], shares: &[f32], total: f32) -> Vec<f32> {
    let share_sum: f32 = shares.iter().sum::<f32>().max(f32::EPSILON);
    let mut w: Vec<f32> = min
        .iter()
        .zip(shares)
        .map(|(m, s)| m.max(s / share_sum * total))
        .collect();
    let over = w.iter().sum::<f32>() - total;
    if over > 0.0 {
        let slack: f32 = w.iter().zip(min).map(|(w, m)| w - m).sum();
        if slack > 0.0 {
            for (w, m) in w.iter_mut().zip(min) {
                *w -= over * (*w - m) / slack;
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_their_minimum_and_otherwise_their_share() {
        let w = distribute(&[30.0, 80.0, 20.0], &[0.5, 0.2, 0.3], 300.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01, "{w:?}");
        assert!(
            w[1] >= 80.0 - 0.01,
            "the minimum wins over the share: {w:?}"
        );
        assert!(
            w[0] > w[2] && w[0] < 150.0,
            "the others give up width: {w:?}"
        );
        let same = distribute(&[10.0, 10.0], &[0.25, 0.75], 200.0);
        assert!((same[0] - 50.0).abs() < 0.01 && (same[1] - 150.0).abs() < 0.01);
    }

    #[test]
    fn the_longest_word_counts_bold_spans_in_the_bold_face() {
        let fonts = FontSet::builtin();
        let plain = longest_word("an Intermediate level", false, 9.0, &fonts);
        let alone = crate::text::width("Intermediate", FontId::REGULAR, 9.0, &fonts);
        assert!((plain - alone).abs() < 0.01);
        let bold = longest_word("an **Intermediate** level", false, 9.0, &fonts);
        assert!(bold > plain);
    }
}
