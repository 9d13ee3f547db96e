//! How much of its type area a page fills, read from the page model: the lowest mark of the
//! page's own content (not the running header and footer) against the area between the margins.
//! The layout test holds every page to the range `[fill]` in style.toml sets.

use crate::page::{Item, Page, Rect, Shape, Tag};

/// The share of the type area above the page's lowest mark, 0–1 (more when a mark reaches
/// into the bottom margin).
pub fn filled(page: &Page, content: Rect) -> f32 {
    // Open tags, true for the running header and footer.
    let mut open: Vec<bool> = Vec::new();
    let mut bottom = content.y;
    for item in &page.items {
        let low = match item {
            Item::Open(tag) => {
                let pagination = matches!(tag, Tag::Artifact { pagination: true });
                open.push(pagination || open.last().copied().unwrap_or(false));
                continue;
            }
            Item::Close => {
                open.pop();
                continue;
            }
            _ if open.last().copied().unwrap_or(false) => continue,
            // The baseline and a descender's depth below it.
            Item::Text(t) => t.y + 0.25 * t.size,
            Item::Shape(s) => match &s.shape {
                Shape::Rect(r) => r.y + r.h,
                Shape::Path { points, .. } => points.iter().map(|p| p.y).fold(f32::MIN, f32::max),
                Shape::Circle { center, radius } => center.y + radius,
            },
            Item::Link { rect, .. } | Item::Image { rect, .. } => rect.y + rect.h,
        };
        bottom = bottom.max(low);
    }
    (bottom - content.y) / content.h
}

#[cfg(test)]
mod tests {
    use super::filled;
    use crate::catalog::Catalog;
    use crate::fonts::FontSet;
    use crate::report::{render, Layouts};
    use std::path::Path;

    /// Every page of every report from the edge profiles and a fifth of the sample (every
    /// fifth row: all roles and bands; the whole sample is a few seconds more in a release
    /// build) fills its type area within `[fill]`, unless it is a designed page.
    #[test]
    fn every_page_fills_its_type_area_within_the_style_range() {
        let catalog = Catalog::builtin();
        let fonts = FontSet::builtin();
        let layouts = Layouts::builtin();
        let style = &layouts.style;
        let range = &style.fill;
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut audits = Vec::new();
        for (file, step) in [
            ("tests/fixtures/extremes.csv", 1),
            ("tests/fixtures/scripts.csv", 1),
            ("input/audits.csv", 5),
        ] {
            let rows = crate::input::open(&root.join(file), &catalog).unwrap();
            audits.extend(rows.filter_map(Result::ok).step_by(step));
        }
        assert!(audits.len() > 100, "{} reports", audits.len());
        let mut per_page = vec![Vec::new(); crate::report::PAGES];
        let mut outside = Vec::new();
        for audit in &audits {
            let a = crate::score::assess(audit, &catalog).unwrap();
            let doc = render(&a, &catalog, &layouts, &fonts)
                .unwrap_or_else(|e| panic!("{}: {e}", audit.audit_id))
                .document;
            for (i, page) in doc.pages.iter().enumerate() {
                let f = filled(page, style.content());
                per_page[i].push(f);
                if !range.designed.contains(&(i + 1)) && !(range.min..=range.max).contains(&f) {
                    outside.push(format!("p{} {} {:.0}%", i + 1, audit.audit_id, f * 100.0));
                }
            }
        }
        let summary: Vec<String> = per_page
            .iter_mut()
            .enumerate()
            .map(|(i, v)| {
                v.sort_by(f32::total_cmp);
                format!(
                    "p{}: {:.0}–{:.0}% (median {:.0}%)",
                    i + 1,
                    v[0] * 100.0,
                    v[v.len() - 1] * 100.0,
                    v[v.len() / 2] * 100.0
                )
            })
            .collect();
        assert!(
            outside.is_empty(),
            "{} pages outside {:.0}–{:.0}%, e.g. {:?}\nper page: {}",
            outside.len(),
            range.min * 100.0,
            range.max * 100.0,
            &outside[..outside.len().min(60)],
            summary.join("; ")
        );
    }
}
