//! The charts of pages 8–10, 12 and 19–22 for every role and extreme series: inside their area,
//! no text below 7 pt, no two labels on top of each other, the figures written, and an area
//! below the minimum refused.

use super::*;
use crate::catalog::{Catalog, Usage};
use crate::input::TaskShare;
use crate::page::{Shape, TextRun};
use crate::report::chart_series;
use crate::score::assess;
use crate::score::fixtures::typical;

const NEW: [&str; 8] = [
    "class-automated",
    "class-assisted",
    "class-human-safe",
    "skill-gaps",
    "phase-1",
    "phase-2",
    "phase-3",
    "ninety-days",
];

/// The largest heights the templates give (class charts: 8 rows; gaps: 5 rows).
fn area_for(name: &str) -> Rect {
    let h = match name {
        "skill-gaps" => 126.0,
        "ninety-days" => 66.0,
        n if n.starts_with("phase") => 86.0,
        _ => 150.0,
    };
    Rect::new(56.0, 120.0, 483.3, h)
}

/// The height the page's template gives for this series (pages 8–10, 12 count rows).
fn template_area(name: &str, data: &Series) -> Rect {
    let h = match name {
        // No gaps: the page places no chart; the empty state gets the one-row height.
        "skill-gaps" => 36.0 + 18.0 * data.skill_gaps.len().clamp(1, 5) as f32,
        "ninety-days" => 66.0,
        n if n.starts_with("phase") => 86.0,
        n => {
            let class = match n {
                "class-automated" => TaskClass::Automated,
                "class-assisted" => TaskClass::Assisted,
                _ => TaskClass::HumanSafe,
            };
            let of = |yours: bool| {
                data.class_tasks
                    .iter()
                    .filter(|t| t.class == class && t.yours == yours)
                    .count()
            };
            match of(true) {
                0 => 52.0 + 14.0 * of(false).min(6) as f32,
                k => 38.0 + 14.0 * k.min(8) as f32,
            }
        }
    };
    Rect::new(56.0, 120.0, 483.3, h)
}

/// The smallest height any template gives.
fn small_area_for(name: &str) -> Rect {
    let h = match name {
        "skill-gaps" => 54.0,
        "ninety-days" => 66.0,
        n if n.starts_with("phase") => 86.0,
        _ => 52.0,
    };
    Rect::new(56.0, 120.0, 483.3, h)
}

fn text_box(fonts: &FontSet, r: &TextRun) -> Rect {
    let f = fonts.get(r.font);
    let (asc, desc) = (f.ascender() * r.size, f.descender() * r.size);
    Rect::new(r.x, r.y - asc, r.width(), asc - desc)
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

fn overlap(a: &Rect, b: &Rect) -> bool {
    // A point of slack: ascender-to-descender boxes of stacked lines touch by design.
    let dx = a.right().min(b.right()) - a.x.max(b.x);
    let dy = a.bottom().min(b.bottom()) - a.y.max(b.y);
    dx > 1.0 && dy > 1.0
}

fn problems(fonts: &FontSet, who: &str, area: Rect, items: &[Item]) -> Vec<String> {
    let mut out = Vec::new();
    if texts(items).is_empty() {
        out.push(format!("{who}: no text"));
    }
    for item in items {
        let b = match item {
            Item::Text(r) => text_box(fonts, r),
            Item::Shape(s) => {
                let half = s.stroke.map(|k| k.width / 2.0).unwrap_or(0.0);
                let b = match &s.shape {
                    Shape::Rect(r) => *r,
                    Shape::Circle { center, radius } => Rect::new(
                        center.x - radius,
                        center.y - radius,
                        2.0 * radius,
                        2.0 * radius,
                    ),
                    Shape::Path { points, .. } => {
                        let xs = points.iter().map(|p| p.x);
                        let ys = points.iter().map(|p| p.y);
                        let (x0, x1) = (
                            xs.clone().fold(f32::MAX, f32::min),
                            xs.fold(f32::MIN, f32::max),
                        );
                        let (y0, y1) = (
                            ys.clone().fold(f32::MAX, f32::min),
                            ys.fold(f32::MIN, f32::max),
                        );
                        Rect::new(x0, y0, x1 - x0, y1 - y0)
                    }
                };
                Rect::new(b.x - half, b.y - half, b.w + 2.0 * half, b.h + 2.0 * half)
            }
            _ => continue,
        };
        if !area.contains(&b) {
            out.push(format!("{who}: {b:?} leaves {area:?}"));
        }
    }
    let runs = texts(items);
    for r in &runs {
        if r.size < MIN_LABEL - 1e-3 || r.text.trim().is_empty() {
            out.push(format!("{who}: text {:?} at {} pt", r.text, r.size));
        }
    }
    for (i, a) in runs.iter().enumerate() {
        for b in &runs[i + 1..] {
            if overlap(&text_box(fonts, a), &text_box(fonts, b)) {
                out.push(format!("{who}: {:?} overlaps {:?}", a.text, b.text));
            }
        }
    }
    out
}

/// Typical, one task (the most exposed), every task in equal shares, one safe task.
fn series_for(catalog: &Catalog, role_key: &str) -> Vec<(&'static str, Series)> {
    let role = catalog.role(role_key).unwrap();
    let base = typical(catalog, role_key);
    let one = |t: &crate::catalog::Task| {
        vec![TaskShare {
            key: t.key.clone(),
            share: 1.0,
        }]
    };
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
    let mut single = base.clone();
    single.tasks = one(most);
    single.ai_usage = Usage::Never;
    single.ai_tools.clear();
    let mut all = base.clone();
    all.tasks = role
        .tasks
        .iter()
        .map(|t| TaskShare {
            key: t.key.clone(),
            share: 1.0 / role.tasks.len() as f64,
        })
        .collect();
    all.ai_usage = Usage::Daily;
    all.ai_tools = role.tools.iter().map(|t| t.key.clone()).collect();
    let mut safe = base.clone();
    safe.tasks = one(least);
    [
        ("typical", base),
        ("single", single),
        ("all", all),
        ("safe", safe),
    ]
    .into_iter()
    .map(|(who, audit)| {
        (
            who,
            chart_series(&assess(&audit, catalog).unwrap(), catalog),
        )
    })
    .collect()
}

#[test]
fn page_charts_fit_for_every_role_and_extreme_audit() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let mut found = Vec::new();
    for role in &catalog.roles {
        for (who, data) in series_for(&catalog, &role.key) {
            for name in NEW {
                for area in [area_for(name), template_area(name, &data)] {
                    let at = format!("{name}/{}/{who}/{}", role.key, area.h);
                    match draw(name, area, &fonts, &theme, &data) {
                        Ok(items) => found.extend(problems(&fonts, &at, area, &items)),
                        Err(e) => found.push(format!("{at}: {e}")),
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

fn sample() -> Series {
    let catalog = Catalog::builtin();
    let audit = typical(&catalog, "backend-developer");
    chart_series(&assess(&audit, &catalog).unwrap(), &catalog)
}

fn task(label: &str, class: TaskClass, share: i32, exposure: i32) -> ClassTask {
    ClassTask {
        label: label.into(),
        class,
        yours: true,
        share_pct: share,
        typical_pct: 5,
        exposure_pct: exposure,
    }
}

#[test]
fn class_chart_takes_twelve_long_labels_in_any_script() {
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let mut data = sample();
    let long = [
        "Reviewing and reconciling quarterly infrastructure cost reports across every team",
        "مراجعة تقارير التكاليف الفصلية للبنية التحتية ومطابقتها عبر جميع الفرق في المؤسسة كلها",
        "各チームの四半期インフラコスト報告書を確認し照合する作業と関係者への説明と合意形成の調整",
    ];
    data.class_tasks = (0..12)
        .map(|i| {
            task(
                long[i % 3],
                TaskClass::Automated,
                8 - (i as i32 % 8),
                90 - i as i32,
            )
        })
        .collect();
    for area in [
        area_for("class-automated"),
        small_area_for("class-automated"),
    ] {
        let items = draw("class-automated", area, &fonts, &theme, &data).unwrap();
        let p = problems(&fonts, "12 tasks", area, &items);
        assert!(p.is_empty(), "{}", p.join("\n"));
        assert!(texts(&items).iter().any(|r| r.text.ends_with('…')));
    }
    // The tall area shows the first rows and counts the rest.
    let items = draw(
        "class-automated",
        area_for("class-automated"),
        &fonts,
        &theme,
        &data,
    )
    .unwrap();
    assert!(texts(&items)
        .iter()
        .any(|r| r.text.starts_with("and ") && r.text.contains("more")));
    assert!(has_text(&items, "90%") && has_text(&items, "8%"));
}

#[test]
fn class_chart_without_tasks_of_the_class_shows_the_typical_ones_or_says_so() {
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let area = area_for("class-assisted");
    let mut data = sample();
    for t in &mut data.class_tasks {
        if t.class == TaskClass::Assisted {
            t.yours = false;
            t.share_pct = 0;
        }
    }
    let typical: Vec<_> = data
        .class_tasks
        .iter()
        .filter(|t| t.class == TaskClass::Assisted)
        .collect();
    assert!(!typical.is_empty());
    let items = draw("class-assisted", area, &fonts, &theme, &data).unwrap();
    assert!(texts(&items)
        .iter()
        .any(|r| r.text.starts_with("None of your tasks")));
    assert!(has_text(&items, "Share of a typical week"));
    assert!(has_text(&items, &format!("{}%", typical[0].typical_pct)));
    let alt = alt_text("class-assisted", &data).unwrap();
    assert!(
        alt.contains("typical") && alt.contains(&typical[0].label),
        "{alt}"
    );

    data.class_tasks.retain(|t| t.class != TaskClass::Assisted);
    let items = draw("class-assisted", area, &fonts, &theme, &data).unwrap();
    assert!(texts(&items)
        .iter()
        .any(|r| r.text.starts_with("Neither you nor")));
    assert!(
        !items.iter().any(|i| matches!(i, Item::Shape(_))),
        "no empty axes"
    );
    let p = problems(&fonts, "empty", area, &items);
    assert!(p.is_empty(), "{}", p.join("\n"));
}

#[test]
fn skill_gaps_write_both_shares_and_the_resilience() {
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let mut data = sample();
    data.skill_gaps = vec![
        GapBar {
            name: "Stakeholder negotiation across a very long skill name indeed".into(),
            your_pct: 0,
            typical_pct: 31,
            resilience: 88,
        },
        GapBar {
            name: "System Design".into(),
            your_pct: 4,
            typical_pct: 12,
            resilience: 85,
        },
    ];
    let area = area_for("skill-gaps");
    let items = draw("skill-gaps", area, &fonts, &theme, &data).unwrap();
    for s in [
        "0%",
        "31%",
        "4%",
        "12%",
        "88% resilient",
        "85% resilient",
        "50%",
    ] {
        assert!(has_text(&items, s), "lacks {s}");
    }
    let p = problems(&fonts, "gaps", area, &items);
    assert!(p.is_empty(), "{}", p.join("\n"));
    data.skill_gaps.clear();
    let items = draw("skill-gaps", area, &fonts, &theme, &data).unwrap();
    assert!(texts(&items)
        .iter()
        .any(|r| r.text.starts_with("No skill gaps")));
}

#[test]
fn phase_charts_mark_their_phase_and_number_the_milestones() {
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let data = sample();
    for i in 0..3 {
        let name = format!("phase-{}", i + 1);
        let items = draw(&name, area_for(&name), &fonts, &theme, &data).unwrap();
        let (from, to) = phase::years(&data, i);
        assert!(has_text(&items, &from.to_string()) && has_text(&items, &to.to_string()));
        assert!(
            has_text(&items, &format!("Phase {} · {from}–{to}", i + 1)),
            "{name}"
        );
        for k in 0..data.phase_steps[i].len().min(phase::MAX_STEPS) {
            assert!(
                texts(&items)
                    .iter()
                    .any(|r| r.text.starts_with(&format!("{}. ", k + 1))),
                "{name}: milestone {}",
                k + 1
            );
        }
        let alt = alt_text(&name, &data).unwrap();
        assert!(alt.contains(&from.to_string()) && alt.contains(&data.phases[i].title));
    }
}

#[test]
fn calendar_dates_its_weeks_from_the_submission() {
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let mut data = sample();
    data.plan_start = time::macros::date!(2026 - 12 - 30);
    data.quick_wins = 3;
    let area = area_for("ninety-days");
    let items = draw("ninety-days", area, &fonts, &theme, &data).unwrap();
    for s in [
        "30 Dec",
        "6 Jan",
        "This week: 3 quick wins",
        "Retake the audit, 29 Mar",
    ] {
        assert!(has_text(&items, s), "lacks {s}");
    }
    let p = problems(&fonts, "calendar", area, &items);
    assert!(p.is_empty(), "{}", p.join("\n"));
    let alt = alt_text("ninety-days", &data).unwrap();
    assert!(
        alt.contains("30 December 2026") && alt.contains("29 March 2027"),
        "{alt}"
    );
}

#[test]
fn page_charts_refuse_areas_below_their_minimum() {
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let data = sample();
    for name in NEW {
        let a = small_area_for(name);
        for area in [
            Rect::new(a.x, a.y, a.w, 30.0),
            Rect::new(a.x, a.y, 200.0, a.h),
        ] {
            let e = draw(name, area, &fonts, &theme, &data).unwrap_err();
            assert!(matches!(e, ChartError::TooSmall { .. }), "{name}: {e}");
        }
    }
}
