//! Data tables (`::table NAME`): which columns each named table has and how a table is set —
//! header row, wrapped cells, zebra rows — so copy templates only say where a table goes.

use super::flow::{hline, rect, Flow};
use super::text::{self, Align, TextStyle};
use super::LayoutError;
use crate::fonts::FontId;
use crate::page::Rect;

struct Column {
    title: &'static str,
    /// Share of the table width.
    width: f32,
    align: Align,
}

const fn col(title: &'static str, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
    }
}

fn yes_no(b: bool) -> String {
    if b { "**Yes**" } else { "No" }.to_string()
}

/// The columns and rows of a named table, from the report context.
fn data(flow: &Flow, name: &str) -> Option<(Vec<Column>, Vec<Vec<String>>)> {
    let ctx = flow.env.ctx;
    Some(match name {
        "tasks" => (
            vec![
                col("Task", 0.36, Align::Left),
                col("Time", 0.1, Align::Right),
                col("Class", 0.13, Align::Left),
                col("Exposure", 0.11, Align::Right),
                col("AI tools that touch it", 0.3, Align::Left),
            ],
            ctx.tasks
                .iter()
                .map(|t| {
                    let tools: Vec<String> = t
                        .tools
                        .iter()
                        .map(|n| {
                            if t.tools_used.contains(n) {
                                format!("**{n}**")
                            } else {
                                n.clone()
                            }
                        })
                        .collect();
                    vec![
                        t.label.clone(),
                        format!("{}%", t.share_pct),
                        t.class_label.to_string(),
                        format!("{}%", t.exposure_pct),
                        if tools.is_empty() {
                            "—".into()
                        } else {
                            tools.join(", ")
                        },
                    ]
                })
                .collect(),
        ),
        "tools" => (
            vec![
                col("Tool", 0.2, Align::Left),
                col("What it automates", 0.3, Align::Left),
                col("Your tasks it touches", 0.38, Align::Left),
                col("You use it", 0.12, Align::Left),
            ],
            ctx.tools
                .iter()
                .map(|t| {
                    vec![
                        format!("**{}**", t.name),
                        t.automates.join(", "),
                        if t.your_tasks.is_empty() {
                            "— none of yours".into()
                        } else {
                            t.your_tasks.join("; ")
                        },
                        yes_no(t.used),
                    ]
                })
                .collect(),
        ),
        "learn" => (
            vec![
                col("Tool", 0.18, Align::Left),
                col("Level", 0.12, Align::Left),
                col("Why it matters for you", 0.36, Align::Left),
                col("Your tasks", 0.34, Align::Left),
            ],
            ctx.tools_to_learn
                .iter()
                .map(|t| {
                    vec![
                        format!("**{}**", t.name),
                        t.level.to_string(),
                        t.why.clone(),
                        t.your_tasks.join("; "),
                    ]
                })
                .collect(),
        ),
        "related" => (
            vec![
                col("Role", 0.4, Align::Left),
                col("Baseline", 0.16, Align::Right),
                col("Band", 0.24, Align::Left),
                col("vs your score", 0.2, Align::Right),
            ],
            ctx.related
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        format!("{}/100", r.baseline),
                        r.band.to_string(),
                        if r.delta > 0 {
                            format!("+{}", r.delta)
                        } else if r.delta < 0 {
                            format!("−{}", -r.delta)
                        } else {
                            "0".into()
                        },
                    ]
                })
                .collect(),
        ),
        "sources" => (
            vec![
                col("Measure", 0.3, Align::Left),
                col("Value", 0.1, Align::Right),
                col("Occupation code", 0.3, Align::Left),
                col("Column", 0.3, Align::Left),
            ],
            ctx.role
                .exposure_sources
                .iter()
                .map(|s| {
                    vec![
                        s.measure.clone(),
                        format!("{:.3}", s.value),
                        s.code.clone(),
                        s.column.clone(),
                    ]
                })
                .collect(),
        ),
        "components" => (
            vec![
                col("Component", 0.7, Align::Left),
                col("Points", 0.3, Align::Right),
            ],
            std::iter::once(vec![
                format!("Baseline for {}", ctx.role.name),
                ctx.role.baseline.to_string(),
            ])
            .chain(
                ctx.components
                    .iter()
                    .map(|c| vec![c.name.to_string(), c.signed.clone()]),
            )
            .chain(std::iter::once(vec![
                "**Your score**".into(),
                format!("**{}**", ctx.score.value),
            ]))
            .collect(),
        ),
        _ => return None,
    })
}

pub fn table(flow: &mut Flow, name: &str) -> Result<(), LayoutError> {
    let (cols, rows) = data(flow, name).ok_or_else(|| LayoutError::Markup {
        page: flow.page + 1,
        message: format!("unknown table `{name}`"),
    })?;
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

    let draw_row = |flow: &mut Flow, cells: Vec<String>, header: bool, zebra: bool| {
        let sets: Vec<_> = cells
            .iter()
            .zip(&cols)
            .zip(&widths)
            .map(|((cell, k), w)| {
                let mut style = cell_style(k.align, header);
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
            flow.items.push(rect(
                Rect::new(flow.x, flow.y, flow.width, h),
                Some(f),
                None,
            ));
        }
        let mut x = flow.x;
        for (set, w) in sets.into_iter().zip(&widths) {
            flow.items.extend(set.placed(x + pad_x, flow.y + pad_y));
            x += w;
        }
        flow.y += h;
        if !header {
            flow.items
                .push(hline(flow.x, flow.x + flow.width, flow.y, c.faint, 0.5));
        }
    };
    draw_row(
        flow,
        cols.iter().map(|k| k.title.to_string()).collect(),
        true,
        false,
    );
    if rows.is_empty() {
        draw_row(
            flow,
            std::iter::once("Nothing to list for your profile.".to_string())
                .chain(std::iter::repeat_n(String::new(), cols.len() - 1))
                .collect(),
            false,
            false,
        );
    }
    for (i, row) in rows.into_iter().enumerate() {
        draw_row(flow, row, false, i % 2 == 1);
    }
    Ok(())
}
