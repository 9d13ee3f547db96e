//! How a data table (`::table` in the page markup) is set: header row, wrapped cells, zebra
//! rows. Its columns and cells come from the page template.

use super::flow::{hline, rect, Flow};
use super::markup::Table;
use super::text::{self, Align, TextStyle};
use crate::fonts::FontId;
use crate::page::{Item, Rect, Role};

pub fn table(flow: &mut Flow, table: &Table) {
    let (cols, rows) = (&table.columns, &table.rows);
    let env = flow.env;
    let st = &env.style;
    let c = &st.colors;
    let size = st.type_.small + 0.6;
    let pad_x = 5.0;
    let pad_y = 4.0;
    let widths: Vec<f32> = cols.iter().map(|k| k.width * flow.width).collect();
    let cell_style = |align: Align, bold: bool| TextStyle {
        font: if bold { FontId::BOLD } else { FontId::REGULAR },
        bold: FontId::BOLD,
        size,
        leading: 1.3,
        color: c.ink,
        align,
    };

    let draw_row = |flow: &mut Flow, cells: &[String], header: bool, zebra: bool| {
        let sets: Vec<_> = cells
            .iter()
            .zip(cols)
            .zip(&widths)
            .map(|((cell, k), w)| {
                let align = if k.right { Align::Right } else { Align::Left };
                let mut style = cell_style(align, header);
                if header {
                    style.color = c.paper;
                }
                text::set(cell, w - 2.0 * pad_x, &style, env.fonts, flow.missing)
            })
            .collect();
        let h = sets.iter().map(|s| s.height).fold(0.0, f32::max) + 2.0 * pad_y;
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
        let mut x = flow.x;
        let cell = if header { Role::TH } else { Role::TD };
        flow.tagged(Role::TR, |flow| {
            for (set, w) in sets.into_iter().zip(&widths) {
                flow.tagged(cell, |f| f.items.extend(set.placed(x + pad_x, f.y + pad_y)));
                x += w;
            }
        });
        flow.y += h;
        if !header {
            flow.artifact(hline(flow.x, flow.x + flow.width, flow.y, c.faint, 0.5));
        }
    };
    let titles: Vec<String> = cols.iter().map(|k| k.title.clone()).collect();
    flow.items.push(Item::open(Role::Table));
    flow.tagged(Role::THead, |f| draw_row(f, &titles, true, false));
    flow.tagged(Role::TBody, |f| {
        for (i, row) in rows.iter().enumerate() {
            draw_row(f, row, false, i % 2 == 1);
        }
    });
    flow.items.push(Item::Close);
}
