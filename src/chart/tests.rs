//! Every chart, for every role, with a typical audit and extreme ones: items come back, all of
//! them inside the area, text no smaller than 7 pt, and the figures the reader needs are written.

use super::backend::Canvas;
use super::*;
use crate::catalog::{Catalog, Task, Usage};
use crate::input::{Audit, TaskShare};
use crate::page::{Shape, TextRun};
use crate::report::chart_series;
use crate::score::fixtures::typical;
use crate::score::{assess, Assessment, TaskLine};
use plotters::style::FontTransform;

mod overlap;

/// The typical audit and three extremes: one (most exposed) task and 0 years; every task in equal
/// shares, 40 years, daily use in a high-offset industry; one safe task, never using AI.
fn audits(catalog: &Catalog, role_key: &str) -> Vec<(&'static str, Audit)> {
    let role = catalog.role(role_key).unwrap();
    let base = typical(catalog, role_key);
    let most = role
        .tasks
        .iter()
        .max_by(|a, b| a.exposure.total_cmp(&b.exposure))
        .unwrap();
    let least = role
        .tasks
        .iter()
        .min_by(|a, b| a.exposure.total_cmp(&b.exposure))
        .unwrap();
    let one = |t: &Task| {
        vec![TaskShare {
            key: t.key.clone(),
            share: 1.0,
        }]
    };
    let mut single = base.clone();
    single.tasks = one(most);
    single.years_experience = 0.0;
    single.ai_usage = Usage::Never;
    single.ai_tools.clear();
    single.industry = "media".into();
    let mut all = base.clone();
    all.tasks = role
        .tasks
        .iter()
        .map(|t| TaskShare {
            key: t.key.clone(),
            share: 1.0 / role.tasks.len() as f64,
        })
        .collect();
    all.years_experience = 40.0;
    all.ai_usage = Usage::Daily;
    all.ai_tools = role.tools.iter().map(|t| t.key.clone()).collect();
    all.industry = "finance".into();
    let mut safe = base.clone();
    safe.tasks = one(least);
    safe.years_experience = 60.0;
    safe.industry = "government".into();
    vec![
        ("typical", base),
        ("single", single),
        ("all", all),
        ("safe", safe),
    ]
}

/// Areas as the layouts give them: full content width (A4 less 2 × 56 pt), `::chart` heights.
fn area_for(name: &str) -> Rect {
    let h = match name {
        "time-split" => 120.0,
        "benchmark" => 150.0,
        "salary" => 110.0,
        "peers" | "roadmap" => 170.0,
        "related-roles" => 200.0,
        "demand" => 230.0,
        "waterfall" => 230.0,
        "task-exposure" => 330.0,
        _ => 220.0,
    };
    Rect::new(56.0, 120.0, 483.3, h)
}

fn text_box(fonts: &FontSet, r: &TextRun) -> Rect {
    let f = fonts.get(r.font);
    let w = r.width();
    let (asc, desc) = (f.ascender() * r.size, f.descender() * r.size);
    let th = r.rotation.to_radians();
    // Text frame on a y-down page: along the baseline, and "down" across it.
    let (ux, uy) = (th.cos(), -th.sin());
    let (vx, vy) = (th.sin(), th.cos());
    let corners = [(0.0, -asc), (w, -asc), (0.0, -desc), (w, -desc)]
        .map(|(a, b)| (r.x + a * ux + b * vx, r.y + a * uy + b * vy));
    bounds(corners.iter().copied())
}

fn bounds(pts: impl Iterator<Item = (f32, f32)>) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in pts {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    Rect::new(x0, y0, x1 - x0, y1 - y0)
}

fn item_box(fonts: &FontSet, item: &Item) -> Option<Rect> {
    Some(match item {
        Item::Text(r) => text_box(fonts, r),
        Item::Shape(s) => {
            let half = s.stroke.map(|k| k.width / 2.0).unwrap_or(0.0);
            let b = match &s.shape {
                Shape::Rect(r) => *r,
                Shape::Path { points, .. } => bounds(points.iter().map(|p| (p.x, p.y))),
                Shape::Circle { center, radius } => Rect::new(
                    center.x - radius,
                    center.y - radius,
                    2.0 * radius,
                    2.0 * radius,
                ),
            };
            Rect::new(b.x - half, b.y - half, b.w + 2.0 * half, b.h + 2.0 * half)
        }
        Item::Link { rect, .. } | Item::Image { rect, .. } => *rect,
        Item::Open(_) | Item::Close => return None,
    })
}

fn texts(items: &[Item]) -> Vec<&TextRun> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Text(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn has_text(items: &[Item], s: &str) -> bool {
    texts(items).iter().any(|r| &*r.text == s)
}

/// The checks every chart must pass, whatever the data: the problems found, if any.
fn problems(fonts: &FontSet, name: &str, who: &str, area: Rect, items: &[Item]) -> Vec<String> {
    let mut out = Vec::new();
    if texts(items).is_empty() {
        out.push(format!("{name}/{who}: no text"));
    }
    for item in items {
        let Some(b) = item_box(fonts, item) else {
            continue;
        };
        if !area.contains(&b) {
            out.push(format!(
                "{name}/{who}: {item:?} ({b:?}) leaves the area {area:?}"
            ));
        }
    }
    for r in texts(items) {
        if r.size < 7.0 - 1e-3 || r.text.trim().is_empty() {
            out.push(format!("{name}/{who}: text {:?} at {} pt", r.text, r.size));
        }
    }
    out
}

fn check(fonts: &FontSet, name: &str, who: &str, area: Rect, items: &[Item]) {
    let p = problems(fonts, name, who, area, items);
    assert!(p.is_empty(), "{}", p.join("\n"));
}

#[test]
fn every_chart_fits_its_area_for_every_role_and_extreme_audit() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let mut found = Vec::new();
    for role in &catalog.roles {
        for (who, audit) in audits(&catalog, &role.key) {
            let a = assess(&audit, &catalog).unwrap();
            for name in NAMES {
                let area = area_for(name);
                match draw(name, area, &fonts, &theme, &chart_series(&a, &catalog)) {
                    Ok(items) => found.extend(problems(
                        &fonts,
                        name,
                        &format!("{}/{who}", role.key),
                        area,
                        &items,
                    )),
                    Err(e) => found.push(format!("{name}/{}/{who}: {e}", role.key)),
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

fn backend_typical<'c>(catalog: &'c Catalog, audit: &'c Audit) -> Assessment<'c> {
    assess(audit, catalog).unwrap()
}

#[test]
fn charts_write_the_figures_the_reader_needs() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let audit = typical(&catalog, "backend-developer");
    let a = backend_typical(&catalog, &audit);
    let get = |name: &str| {
        draw(
            name,
            area_for(name),
            &fonts,
            &theme,
            &chart_series(&a, &catalog),
        )
        .unwrap()
    };

    let gauge = get("gauge");
    assert!(has_text(&gauge, "35") && has_text(&gauge, "Moderate risk"));
    for tick in ["0", "25", "50", "75", "100"] {
        assert!(has_text(&gauge, tick), "gauge lacks the tick {tick}");
    }
    let bench = get("benchmark");
    for s in [
        "You",
        "Typical Backend Developer",
        "All technology roles",
        "35",
        "42",
    ] {
        assert!(has_text(&bench, s), "benchmark lacks {s}");
    }
    let peers = get("peers");
    assert!(has_text(&peers, "You: 35") && has_text(&peers, "Safer than you: 68%"));
    let split = get("time-split");
    for s in [
        "You",
        "Typical Backend Developer",
        "Automated",
        "AI-assisted",
        "Human-safe",
        "29%",
        "35%",
        "36%",
    ] {
        assert!(has_text(&split, s), "time split lacks {s}");
    }
    let tasks = get("task-exposure");
    let rows = texts(&tasks)
        .iter()
        .filter(|r| r.text.ends_with('%'))
        .count();
    assert!(
        rows >= a.tasks.len(),
        "{rows} value labels for {} tasks",
        a.tasks.len()
    );
    let skills = get("skills");
    for s in &a.role.skills {
        assert!(has_text(&skills, &format!("{}%", s.resilience)));
    }
    let outlook = get("outlook");
    assert!(has_text(&outlook, "2026") && has_text(&outlook, "2035") && has_text(&outlook, "You"));
    let salary = get("salary");
    let mine = &a.role.salary_premium;
    assert!(
        has_text(&salary, "+15%") && has_text(&salary, "You"),
        "{mine}"
    );
    assert!(has_text(&salary, "AI salary premium at mid-level"));
    assert!(has_text(
        &salary,
        &format!("{}%", signed(mine.round() as i32))
    ));
    let demand = get("demand");
    assert!(has_text(&demand, "Demand index") && has_text(&demand, "Recommended skills"));
    let series = chart_series(&a, &catalog);
    for s in series
        .demand_current
        .iter()
        .chain(&series.demand_recommended)
    {
        assert!(
            has_text(&demand, &s.name),
            "demand does not name {}",
            s.name
        );
    }
    let roadmap = get("roadmap");
    for s in ["2026", "2034", "2035", "Phase 1", "Phase 3", "0–2 years"] {
        assert!(has_text(&roadmap, s), "roadmap lacks {s}");
    }
    for p in &a.role.roadmap {
        assert!(texts(&roadmap)
            .iter()
            .any(|r| *r.text == *p.title || r.text.ends_with('…')));
    }
    let related = get("related-roles");
    assert!(has_text(&related, "You: 35"));
    for k in &a.role.related_roles {
        assert!(
            has_text(&related, &catalog.role(k).unwrap().name),
            "related lacks {k}"
        );
    }
}

#[test]
fn waterfall_labels_every_component() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    for (who, audit) in audits(&catalog, "backend-developer") {
        let a = assess(&audit, &catalog).unwrap();
        let items = waterfall(
            area_for("waterfall"),
            &fonts,
            &theme,
            &chart_series(&a, &catalog),
        )
        .unwrap();
        let c = a.components;
        for v in [c.task_mix, c.experience, c.ai_fluency, c.industry] {
            assert!(
                has_text(&items, &signed(v)),
                "{who}: no label {}",
                signed(v)
            );
        }
        assert!(
            has_text(&items, &c.baseline.to_string()) && has_text(&items, &a.score.to_string())
        );
        assert_eq!(has_text(&items, "Limit to 1–99"), c.clamp != 0, "{who}");
    }
    let audit = &audits(&catalog, "backend-developer")[1].1;
    let a = assess(audit, &catalog).unwrap();
    assert!(
        a.components.task_mix > 0,
        "the single-task audit moves the task mix up"
    );
    let items = waterfall(
        area_for("waterfall"),
        &fonts,
        &theme,
        &chart_series(&a, &catalog),
    )
    .unwrap();
    assert!(has_text(&items, &format!("+{}", a.components.task_mix)));
}

#[test]
fn eighteen_tasks_fit_the_task_chart() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let audit = audits(&catalog, "backend-developer").remove(2).1;
    let mut a = assess(&audit, &catalog).unwrap();
    let mut extra = a.role.tasks[0].clone();
    extra.label =
        "An eighteenth task with a label far too long to fit beside its bar in any layout".into();
    a.tasks.push(TaskLine {
        task: &extra,
        share: 0.0,
        tools: Vec::new(),
    });
    assert_eq!(a.tasks.len(), 18);
    let area = Rect::new(50.0, 100.0, 495.0, 300.0);
    let items = task_exposure(area, &fonts, &theme, &chart_series(&a, &catalog)).unwrap();
    check(&fonts, "task-exposure", "18 tasks", area, &items);
    assert!(texts(&items)
        .iter()
        .any(|r| r.text.starts_with("An eighteenth") && r.text.ends_with('…')));
    let values = texts(&items)
        .iter()
        .filter(|r| r.text.ends_with('%') && r.text.len() <= 4)
        .count();
    assert!(values >= 18, "{values}");
}

#[test]
fn small_areas_and_unknown_names_are_errors() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let audit = typical(&catalog, "backend-developer");
    let a = assess(&audit, &catalog).unwrap();
    let tiny = Rect::new(0.0, 0.0, 60.0, 30.0);
    for name in NAMES {
        let e = draw(name, tiny, &fonts, &theme, &chart_series(&a, &catalog)).unwrap_err();
        assert!(matches!(e, ChartError::TooSmall { .. }), "{name}: {e}");
    }
    let e = draw(
        "pie",
        area_for("pie"),
        &fonts,
        &theme,
        &chart_series(&a, &catalog),
    )
    .unwrap_err();
    assert_eq!(e, ChartError::Unknown("pie".into()));
    assert!(e.to_string().contains("related-roles"));
}

#[test]
fn backend_maps_units_colours_and_rotation() {
    use plotters::element::{PathElement, Text};
    use plotters::style::RGBAColor;
    let fonts = FontSet::builtin();
    let area = Rect::new(100.0, 200.0, 50.0, 40.0);
    let canvas = Canvas::new(area, &fonts);
    let da = canvas.local();
    let half_red = ShapeStyle {
        color: RGBAColor(255, 0, 0, 0.5),
        filled: false,
        stroke_width: 5,
    };
    da.draw(&PathElement::new(
        vec![(1.25f32, 2.5f32), (10.0, 20.0)],
        half_red,
    ))
    .unwrap();
    let up = text_style(10.0, Color::rgb(0, 0, 0), true, HPos::Left, VPos::Top);
    da.draw(&Text::new(
        "Up",
        (20.0f32, 30.0f32),
        up.transform(FontTransform::Rotate270),
    ))
    .unwrap();
    let down = text_style(10.0, Color::rgb(0, 0, 0), false, HPos::Left, VPos::Top);
    da.draw(&Text::new(
        "Down",
        (20.0f32, 10.0f32),
        down.transform(FontTransform::Rotate90),
    ))
    .unwrap();
    drop(da);
    let items = canvas.finish();
    match &items[0] {
        Item::Shape(s) => {
            let Shape::Path { points, .. } = &s.shape else {
                panic!()
            };
            assert_eq!((points[0].x, points[0].y), (101.3, 202.5));
            let k = s.stroke.unwrap();
            assert_eq!(k.color, Color::rgb(255, 128, 128));
            assert!((k.width - 0.5).abs() < 1e-6);
        }
        other => panic!("{other:?}"),
    }
    let Item::Text(up) = &items[1] else { panic!() };
    assert_eq!((up.font, up.rotation), (FontId::BOLD, 90.0));
    // Reading upwards with its top at the anchor: the baseline is one ascent to the right.
    let asc = fonts.get(FontId::BOLD).ascender() * 10.0;
    assert!(
        (up.x - (120.0 + asc)).abs() < 1e-3 && (up.y - 230.0).abs() < 1e-3,
        "{up:?}"
    );
    let Item::Text(down) = &items[2] else {
        panic!()
    };
    assert_eq!(down.rotation, -90.0);
    let asc = fonts.get(FontId::REGULAR).ascender() * 10.0;
    assert!((down.x - (120.0 - asc)).abs() < 1e-3, "{down:?}");
}

#[test]
fn estimated_text_size_is_the_real_advance() {
    let fonts = FontSet::builtin();
    let canvas = Canvas::new(Rect::new(0.0, 0.0, 100.0, 100.0), &fonts);
    let style = text_style(8.0, Color::rgb(0, 0, 0), false, HPos::Left, VPos::Top);
    let (w, _) = canvas
        .root()
        .estimate_text_size("Wide MMM", &style)
        .unwrap();
    let want = crate::text::width("Wide MMM", FontId::REGULAR, 8.0, &fonts) * 10.0;
    assert!((w as f32 - want).abs() <= 1.0, "{w} vs {want}");
}

/// Writes `target/chart-preview.pdf`: every chart on its own page (typical backend audit, then
/// extremes and other roles), the area outlined, for looking at with a PDF viewer or pdftoppm.
#[test]
#[ignore = "writes a preview file; run with --ignored chart_preview"]
fn chart_preview() {
    use crate::page::{Document, Metadata, Page, ShapeItem, Stroke, A4_HEIGHT, A4_WIDTH};
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let mut pages = Vec::new();
    let cases = [
        ("backend-developer", 0),
        ("backend-developer", 1),
        ("ux-designer", 2),
        ("it-support-specialist", 3),
    ];
    for (role, which) in cases {
        let (who, audit) = audits(&catalog, role).remove(which);
        let a = assess(&audit, &catalog).unwrap();
        for name in NAMES {
            let area = area_for(name);
            let mut items = crate::text::line(
                &format!("{name} — {role} / {who} (score {})", a.score),
                FontId::BOLD,
                12.0,
                theme.ink,
                &fonts,
                &mut crate::text::Missing::default(),
            )
            .placed(50.0, 90.0);
            items.extend([Item::Shape(ShapeItem {
                shape: Shape::Rect(area),
                fill: None,
                stroke: Some(Stroke {
                    color: Color::rgb(0xF0, 0xC0, 0xF0),
                    width: 0.3,
                    dash: None,
                }),
            })]);
            items.extend(draw(name, area, &fonts, &theme, &chart_series(&a, &catalog)).unwrap());
            pages.push(Page { items });
        }
    }
    let doc = Document {
        width: A4_WIDTH,
        height: A4_HEIGHT,
        pages,
        outline: Vec::new(),
        metadata: Metadata {
            title: "Chart preview".into(),
            author: "riskreport".into(),
            subject: "charts".into(),
            keywords: Vec::new(),
            language: "en-GB".into(),
            created: time::macros::datetime!(2026-01-01 00:00 UTC),
            creator: "riskreport tests".into(),
        },
    };
    let bytes = crate::pdf::write(&doc, &fonts).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/chart-preview.pdf");
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn fonts_have_the_signs_charts_write() {
    let fonts = FontSet::builtin();
    for ch in ['–', '…', '×', '%', '+'] {
        for id in [FontId::REGULAR, FontId::BOLD] {
            assert!(fonts.get(id).has(ch), "{id:?} lacks {ch:?}");
        }
    }
}
