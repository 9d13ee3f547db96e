//! Labels never collide: in every chart of 2,000 generated reports (and the extreme audits of
//! every role), no label's box intersects another label's box or a mark it does not belong to.
//! Boxes come from the items the chart returns (real advances, the font's ascender and
//! descender) and the backend's tags (which group, mark or guide each item was drawn as).

use super::{area_for, audits, text_box};
use crate::catalog::Catalog;
use crate::chart::backend::{last_tags, Role, Tag};
use crate::chart::{draw, ChartTheme, Series, NAMES};
use crate::fonts::FontSet;
use crate::page::{Item, Shape};
use crate::report::chart_series;
use crate::score::assess;

/// Touching is fine; overlapping by more than this (points) is not.
const TOUCH: f32 = 0.1;

#[derive(Debug, Clone, Copy)]
struct Bx {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Bx {
    fn grow(self, d: f32) -> Bx {
        Bx {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    fn meets(&self, o: &Bx) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn contains(&self, (x, y): (f32, f32)) -> bool {
        x > self.x0 && x < self.x1 && y > self.y0 && y < self.y1
    }
}

/// Whether the segment a–b passes through the open box (Liang–Barsky clipping).
fn segment_meets(b: &Bx, a: (f32, f32), c: (f32, f32)) -> bool {
    let (dx, dy) = (c.0 - a.0, c.1 - a.1);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [
        (-dx, a.0 - b.x0),
        (dx, b.x1 - a.0),
        (-dy, a.1 - b.y0),
        (dy, b.y1 - a.1),
    ] {
        if p == 0.0 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    t0 < t1
}

fn inside_polygon(pts: &[(f32, f32)], (x, y): (f32, f32)) -> bool {
    let mut inside = false;
    let n = pts.len();
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            inside = !inside;
        }
    }
    inside
}

/// Whether a mark's ink covers part of the label box `b` (already shrunk by the tolerance).
fn mark_meets(b: &Bx, item: &Item) -> bool {
    let Item::Shape(s) = item else {
        return false;
    };
    let half = s.stroke.map(|k| k.width / 2.0).unwrap_or(0.0);
    match &s.shape {
        Shape::Rect(r) => Bx {
            x0: r.x,
            y0: r.y,
            x1: r.x + r.w,
            y1: r.y + r.h,
        }
        .grow(half)
        .meets(b),
        Shape::Circle { center, radius } => Bx {
            x0: center.x - radius,
            y0: center.y - radius,
            x1: center.x + radius,
            y1: center.y + radius,
        }
        .grow(half)
        .meets(b),
        Shape::Path { points, closed } => {
            let pts: Vec<(f32, f32)> = points.iter().map(|p| (p.x, p.y)).collect();
            let grown = b.grow(half);
            let mut segs: Vec<((f32, f32), (f32, f32))> =
                pts.windows(2).map(|w| (w[0], w[1])).collect();
            if *closed && pts.len() > 2 {
                segs.push((pts[pts.len() - 1], pts[0]));
            }
            if segs.iter().any(|(a, c)| segment_meets(&grown, *a, *c)) {
                return true;
            }
            // A filled polygon can hold the box whole, or the box the polygon.
            *closed
                && s.fill.is_some()
                && (inside_polygon(&pts, ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0))
                    || pts.iter().any(|p| b.contains(*p)))
        }
    }
}

/// The collisions in one drawn chart, described for a failure message.
fn collisions(fonts: &FontSet, items: &[Item], tags: &[Tag]) -> Vec<String> {
    assert_eq!(items.len(), tags.len(), "every item has a tag");
    let labels: Vec<(usize, Bx)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match it {
            Item::Text(r) if tags[i].role == Role::Label => {
                let b = text_box(fonts, r);
                Some((
                    i,
                    Bx {
                        x0: b.x,
                        y0: b.y,
                        x1: b.x + b.w,
                        y1: b.y + b.h,
                    }
                    .grow(-TOUCH),
                ))
            }
            _ => None,
        })
        .collect();
    let text = |i: usize| match &items[i] {
        Item::Text(r) => r.text.to_string(),
        _ => String::new(),
    };
    let mut out = Vec::new();
    for (k, (i, b)) in labels.iter().enumerate() {
        for (j, c) in &labels[k + 1..] {
            if tags[*i].label != tags[*j].label && b.meets(c) {
                out.push(format!(
                    "label {:?} overlaps label {:?}",
                    text(*i),
                    text(*j)
                ));
            }
        }
        let own = tags[*i].group;
        for (m, item) in items.iter().enumerate() {
            let t = tags[m];
            if t.role == Role::Mark && (own == 0 || t.group != own) && mark_meets(b, item) {
                out.push(format!("label {:?} overlaps mark {item:?}", text(*i)));
            }
        }
    }
    out
}

/// Draws every chart for `series` at its page size; the collisions, by chart.
fn check_series(fonts: &FontSet, theme: &ChartTheme, who: &str, series: &Series) -> Vec<String> {
    let mut out = Vec::new();
    for name in NAMES {
        let Ok(items) = draw(name, area_for(name), fonts, theme, series) else {
            continue;
        };
        for c in collisions(fonts, &items, &last_tags()) {
            out.push(format!("{name}/{who}: {c}"));
        }
    }
    out
}

fn generated_series(catalog: &Catalog, rows: usize) -> Vec<(String, Series)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.csv");
    let file = std::fs::File::create(&path).unwrap();
    crate::sample::write_sample(catalog, rows, 16, file).unwrap();
    let mut out = Vec::new();
    for row in crate::input::open(&path, catalog).unwrap() {
        let audit = row.expect("generated rows are accepted");
        let a = assess(&audit, catalog).unwrap();
        out.push((audit.audit_id.clone(), chart_series(&a, catalog)));
    }
    for role in &catalog.roles {
        for (who, audit) in audits(catalog, &role.key) {
            let a = assess(&audit, catalog).unwrap();
            out.push((format!("{}/{who}", role.key), chart_series(&a, catalog)));
        }
    }
    out
}

#[test]
fn no_label_overlaps_another_label_or_a_foreign_mark_in_2000_reports() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let all = generated_series(&catalog, 2000);
    assert!(all.len() >= 2000);
    let half = all.len() / 2;
    let found: Vec<String> = std::thread::scope(|s| {
        let jobs: Vec<_> = all
            .chunks(half.max(1))
            .map(|chunk| {
                let (fonts, theme) = (&fonts, &theme);
                s.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|(who, series)| check_series(fonts, theme, who, series))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    // Per chart: how many, and the first few, so one chart's flood does not hide another's.
    let mut by_chart: std::collections::BTreeMap<&str, Vec<&String>> = Default::default();
    for f in &found {
        by_chart
            .entry(f.split('/').next().unwrap_or(""))
            .or_default()
            .push(f);
    }
    let report: Vec<String> = by_chart
        .iter()
        .map(|(chart, v)| {
            let first: Vec<&str> = v.iter().take(4).map(|s| s.as_str()).collect();
            format!(
                "{chart}: {} collisions, e.g.\n  {}",
                v.len(),
                first.join("\n  ")
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "{} collisions in {} drawings of {} reports:\n{}",
        found.len(),
        NAMES.len() * all.len(),
        all.len(),
        report.join("\n")
    );
}

#[test]
fn the_checker_sees_a_label_over_a_foreign_bar_and_another_label() {
    use crate::chart::backend::{group, Canvas};
    use crate::chart::{label, rect};
    use crate::page::Rect;
    use plotters::style::text_anchor::{HPos, VPos};
    let fonts = FontSet::builtin();
    let theme = ChartTheme::default();
    let canvas = Canvas::new(Rect::new(0.0, 0.0, 200.0, 100.0), &fonts);
    let da = canvas.local();
    group();
    rect(&da, 10.0, 10.0, 60.0, 30.0, theme.you).unwrap();
    label(
        &da,
        "own",
        (20.0, 20.0),
        8.0,
        theme.ink,
        false,
        HPos::Left,
        VPos::Center,
    )
    .unwrap();
    group();
    label(
        &da,
        "foreign",
        (28.0, 20.0),
        8.0,
        theme.ink,
        false,
        HPos::Left,
        VPos::Center,
    )
    .unwrap();
    group();
    label(
        &da,
        "free",
        (120.0, 60.0),
        8.0,
        theme.ink,
        false,
        HPos::Left,
        VPos::Center,
    )
    .unwrap();
    drop(da);
    let items = canvas.finish();
    let found = collisions(&fonts, &items, &last_tags());
    assert!(
        found
            .iter()
            .any(|c| c.contains("\"foreign\" overlaps mark")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|c| c.contains("\"own\" overlaps label \"foreign\"")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|c| c.contains("\"own\" overlaps mark")),
        "{found:?}"
    );
    assert!(!found.iter().any(|c| c.contains("free")), "{found:?}");
}
