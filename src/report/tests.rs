//! The layout stage without files: page count, geometry and overflow detection.

use super::templates::{BUILTIN_STYLE, PAGE_NAMES};
use super::*;
use crate::catalog::Catalog;
use crate::input::Audit;
use crate::page::Item;

fn audit(catalog: &Catalog, name: &str) -> Audit {
    let mut a = crate::score::fixtures::typical(catalog, "backend-developer");
    a.full_name = name.into();
    a.job_title = "Senior Backend Engineer".into();
    a
}

fn text_of(doc: &Document) -> String {
    doc.pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| {
            if let Item::Text(t) = i {
                Some(t.text.as_str())
            } else {
                None
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_typical_report_has_24_pages_inside_the_paper_with_a_linked_contents() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    let audit = audit(&catalog, "Łukasz Wójcik");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let r = render(&a, &catalog, &layouts, &fonts).unwrap();
    let doc = &r.document;
    assert_eq!(doc.pages.len(), PAGES);
    assert_eq!(doc.outline.len(), PAGES);
    assert!(r.missing.is_empty());
    for (i, page) in doc.pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Text(t) = item {
                let w = fonts.measure(t.font, &t.text, t.size);
                if t.rotation == 0.0 {
                    assert!(
                        t.x >= 0.0 && t.x + w <= doc.width + 0.5 && t.y <= doc.height,
                        "page {}: {:?} leaves the paper",
                        i + 1,
                        t.text
                    );
                }
            }
        }
    }
    let links = doc.pages[1]
        .items
        .iter()
        .filter(|i| matches!(i, Item::Link { .. }))
        .count();
    assert_eq!(links, PAGES - 2, "one contents link per section page");
    let text = text_of(doc);
    for needle in [
        "Łukasz Wójcik",
        "Page 24 of 24",
        "35",
        "Informational analysis only",
    ] {
        assert!(text.contains(needle), "{needle:?} missing");
    }
    assert_eq!(doc.metadata.created, audit.submitted_at);
}

#[test]
fn the_same_assessment_gives_the_same_page_model() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    let audit = audit(&catalog, "Anna Smirnova");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let one = render(&a, &catalog, &layouts, &fonts).unwrap().document;
    let two = render(&a, &catalog, &layouts, &fonts).unwrap().document;
    assert!(one == two);
}

#[test]
fn overflowing_copy_is_an_error_naming_the_page() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let long = "This sentence is far too long for one page. ".repeat(400);
    let pages = PAGE_NAMES
        .iter()
        .map(|n| {
            (
                n.to_string(),
                if *n == "05-benchmark" {
                    format!("# Too long\n\n{long}\n")
                } else {
                    format!("# {n}\n\nShort.\n")
                },
            )
        })
        .collect();
    let layouts = Layouts::new(pages, BUILTIN_STYLE.to_string()).unwrap();
    let audit = audit(&catalog, "Ana");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    match render(&a, &catalog, &layouts, &fonts) {
        Err(LayoutError::Overflow { page, by, .. }) => {
            assert_eq!(page, 5);
            assert!(by > 100.0);
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("overflow not detected"),
    }
}

#[test]
fn a_name_in_an_unsupported_script_is_replaced_and_reported() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    let audit = audit(&catalog, "王小明");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let r = render(&a, &catalog, &layouts, &fonts).unwrap();
    assert_eq!(r.missing.iter().collect::<String>(), "小明王");
    assert!(text_of(&r.document).contains(crate::fonts::REPLACEMENT));
}

#[test]
fn markup_in_a_name_or_title_is_only_text() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    for (name, title) in [
        ("::columns Smith", "::chart gauge 300"),
        ("::chart Doe", "# Head of **Sales**"),
        ("**Ann** Lee", "- bullet [ ] box"),
        ("# Bob", "> [risk] 1. first ::end"),
        ("1. Zoë *Star*", "::next `code` :: x"),
    ] {
        let mut audit = audit(&catalog, name);
        audit.job_title = title.into();
        let a = crate::score::assess(&audit, &catalog).unwrap();
        let r = render(&a, &catalog, &layouts, &fonts)
            .unwrap_or_else(|e| panic!("{name:?} / {title:?}: {e}"));
        assert_eq!(r.document.pages.len(), PAGES);
        let text = text_of(&r.document);
        let first = name.split_whitespace().next().unwrap();
        assert!(text.contains(first), "{first:?} is shown as typed");
        assert!(
            !text.chars().any(|c| ('\u{F7A0}'..='\u{F7AF}').contains(&c)),
            "no stand-in reaches the page"
        );
    }
}

mod accepted_renders {
    //! Whatever `validate` accepts, `run` renders: names of 1–120 characters in any script
    //! (letters, marks, punctuation, the markup's own characters), titles up to 200, any
    //! role, any share of time on one task, any years and tool use.
    use super::*;
    use proptest::prelude::*;

    fn name_chars() -> impl Strategy<Value = char> {
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => prop::sample::select(vec![' ', '-', '\'', '.', '—', '–', '*', ':', '#', '>', '[', ']', '`', '"', '&', '/']),
            1 => prop::char::range('À', 'ž'),
            1 => prop::char::range('Α', 'ω'),
            1 => prop::char::range('А', 'я'),
            1 => prop::sample::select(vec!['\u{301}', '\u{308}', '\u{200D}', 'ß', 'ﬁ', 'Ǆ', 'ŉ']),
            1 => prop::char::range('\u{4E00}', '\u{4E50}'),
            1 => prop::char::range('\u{0627}', '\u{064A}'),
        ]
    }

    fn text(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(name_chars(), 1..=max).prop_map(|v| {
            let s: String = v.into_iter().collect();
            let t = s.trim().to_string();
            if t.is_empty() {
                "X".to_string()
            } else {
                t
            }
        })
    }

    /// Mixed text, or one character repeated (a 119-character "word" of dashes or letters).
    fn field(max: usize) -> impl Strategy<Value = String> {
        prop_oneof![
            3 => text(max),
            1 => (name_chars(), 1..=max).prop_map(|(c, n)| {
                let s = c.to_string().repeat(n);
                if s.trim().is_empty() { "X".into() } else { s.trim().to_string() }
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: std::env::var("RISKREPORT_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48), ..ProptestConfig::default() })]
        #[test]
        fn every_accepted_row_renders_24_pages(
            name in field(120),
            title in field(200),
            role_i in 0usize..13,
            focus in 0usize..20,
            years in 0.0f64..=60.0,
            tools in 0usize..6,
            usage in 0usize..4,
        ) {
            let catalog = Catalog::builtin();
            let fonts = FontSet::builtin();
            let layouts = Layouts::builtin();
            let role = &catalog.roles[role_i % catalog.roles.len()];
            let mut a = crate::score::fixtures::typical(&catalog, &role.key);
            a.full_name = name.chars().take(120).collect();
            a.job_title = title;
            a.years_experience = years;
            // All the time on one task, or the typical spread.
            if focus < a.tasks.len() && focus % 2 == 0 {
                for (i, t) in a.tasks.iter_mut().enumerate() {
                    t.share = if i == focus { 1.0 } else { 0.0 };
                }
                a.tasks.retain(|t| t.share > 0.0);
            }
            a.ai_tools = catalog.tools.iter().take(tools * 4).map(|t| t.key.clone()).collect();
            a.ai_usage = crate::catalog::Usage::ALL[usage];
            let assessed = crate::score::assess(&a, &catalog).unwrap();
            let r = render(&assessed, &catalog, &layouts, &fonts);
            prop_assert!(r.is_ok(), "{:?} / {:?} as {}: {}", a.full_name, a.job_title, role.key, r.err().unwrap());
            prop_assert_eq!(r.unwrap().document.pages.len(), PAGES);
        }
    }
}

#[test]
fn long_first_names_are_shortened_at_a_grapheme_boundary() {
    use super::context::shorten;
    assert_eq!(shorten("Ana", 24), "Ana");
    let long = "e\u{301}".repeat(30);
    let s = shorten(&long, 24);
    assert_eq!(s.chars().filter(|c| *c == '\u{301}').count(), 23, "{s}");
    assert!(s.ends_with('…') && !s.contains("\u{301}\u{301}"));
    assert_eq!(shorten(&"—".repeat(119), 24).chars().count(), 24);
}
