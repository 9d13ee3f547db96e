//! The layout stage without files: page count, geometry and overflow detection.

use super::templates::{BUILTIN_RUNNING, BUILTIN_STYLE, PAGE_NAMES};
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

/// The text of one page's runs, run after run.
fn page_text(page: &crate::page::Page) -> String {
    page.items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(&*t.text),
            _ => None,
        })
        .collect()
}

fn text_of(doc: &Document) -> String {
    doc.pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| {
            if let Item::Text(t) = i {
                Some(&*t.text)
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
                let w = t.width();
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
    let layouts = Layouts::new(
        pages,
        BUILTIN_RUNNING.to_string(),
        BUILTIN_STYLE.to_string(),
    )
    .unwrap();
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

/// A page set from `layout` on page 5, every other page short.
fn with_page_5(layout: &str) -> Layouts {
    let pages = PAGE_NAMES
        .iter()
        .map(|n| {
            let text = if *n == "05-benchmark" {
                layout.to_string()
            } else {
                format!("# {n}\n\nShort.\n")
            };
            (n.to_string(), text)
        })
        .collect();
    Layouts::new(
        pages,
        BUILTIN_RUNNING.to_string(),
        BUILTIN_STYLE.to_string(),
    )
    .unwrap()
}

#[test]
fn an_optional_section_that_does_not_fit_is_left_out_and_the_closing_callout_kept() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let audit = audit(&catalog, "Ana");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let page_5 = |body_words: usize, optional_words: usize| {
        let body = "Body text fills the page. ".repeat(body_words / 5);
        let optional = "Optional words. ".repeat(optional_words / 2);
        let layouts = with_page_5(&format!(
            "# Spare\n\n{body}\n\n::optional\n\nOPTIONAL {optional}\n\n::spare\n\nCLOSING pointer.\n"
        ));
        let r = render(&a, &catalog, &layouts, &fonts).expect("spare content never overflows");
        let text: String = page_text(&r.document.pages[4]);
        (text.contains("OPTIONAL"), text.contains("CLOSING"))
    };
    // Room for both groups: both are set.
    assert_eq!(page_5(100, 40), (true, true));
    // The optional section is too long for the room left, the closing line is not.
    assert_eq!(page_5(100, 1200), (false, true));
    // A full page does without both.
    assert_eq!(page_5(1025, 1200), (false, false));
}

#[test]
fn an_optional_first_section_takes_its_room_before_a_growing_chart_and_ends_where_it_says() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let audit = audit(&catalog, "Ana");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    // Body text, a chart that may grow from 150 to 700 pt, an optional section of some 130 pt
    // and a closing paragraph that is always set.
    let page_5 = |body_words: usize, first: &str| {
        let body = "Body text fills the page. ".repeat(body_words / 5);
        let optional = "Optional words. ".repeat(100);
        let layouts = with_page_5(&format!(
            "# Spare\n\n{body}\n\n::chart benchmark 150-700\n\n::optional{first}\n\nOPTIONAL {optional}\n\n::end optional\n\nALWAYS set.\n"
        ));
        let r = render(&a, &catalog, &layouts, &fonts).expect("optional content never overflows");
        let text: String = page_text(&r.document.pages[4]);
        (text.contains("OPTIONAL"), text.contains("ALWAYS"))
    };
    // Room for the chart to grow: a plain optional section gives way to its growth, a first
    // one does not; the closing paragraph after `::end optional` stays either way.
    assert_eq!(page_5(200, ""), (false, true));
    assert_eq!(page_5(200, " first"), (true, true));
    // With the chart at its least height and no room left for the section, both do without it.
    assert_eq!(page_5(600, " first"), (false, true));
    assert_eq!(page_5(600, ""), (false, true));
}

#[test]
fn a_name_in_an_unsupported_script_is_replaced_and_reported() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    // Tifinagh (Tamazight): no built-in face has it.
    let audit = audit(&catalog, "ⵜⴰⵙⵍⵉⵜ ⴰⵎⴰⵣⵉⵖ");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let r = render(&a, &catalog, &layouts, &fonts).unwrap();
    assert_eq!(r.missing.iter().collect::<String>(), "ⴰⵉⵍⵎⵖⵙⵜⵣ");
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
            2 => prop::sample::select(SCRIPTS.chars().collect::<Vec<_>>()),
        ]
    }

    /// Letters, marks and joiners of the scripts the built-in faces cover, beyond Latin, Greek,
    /// Cyrillic, Arabic and Han above: every one must render without a replacement.
    const SCRIPTS: &str = "\
        אבגדהוזחטיךכלםמןנסעףפץצקרשת\
        कखगघचछजझटडणतथदधनपबभमयरलवशसहािीुूेैोौं्\
        কখগঘচজটডতদনপবমযরলশসহািীুূেোৌং্\
        கஙசஞடணதநபமயரலவழளறனாிீுூெேைொோ்\
        กขคงจฉชซญดตถทนบปผพฟมยรลวสหอะาำิีึืุูเแโใไ่้๊๋\
        가각간갈감강개거건걸겨고공구국그기김나다라마바박사서수아이자정조지차최하한\
        あいうえおかきくけこさしすせそたちつてとなにのはまやゆよらりるれろわをんアイウエオカキクケコサシスセソタチ\
        ሀለሐመሠረሰሸቀበተቸኀነኘአከኸወዐዘዠየደጀገጠጨጰጸፀፈፐ\
        აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ\
        ԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖաբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ\
        یپچژگک\u{200C}";

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

    /// A task mix: a random subset of the role's tasks (`pick` as a bit mask) with integer
    /// weights that add up to exactly 100 — from all on one task to 1% slivers.
    fn tasks_cell(keys: &[String], pick: u64, weights: &[u32]) -> String {
        let chosen: Vec<(&String, u32)> = keys
            .iter()
            .zip(weights.iter().copied().cycle())
            .enumerate()
            .filter(|(i, _)| pick & (1 << (i % 64)) != 0)
            .map(|(_, kw)| kw)
            .collect();
        let chosen = if chosen.is_empty() {
            vec![(&keys[0], 1)]
        } else {
            chosen
        };
        let total: u32 = chosen.iter().map(|(_, w)| *w).sum();
        let mut shares: Vec<u32> = chosen
            .iter()
            .map(|(_, w)| (w * 100 / total).max(1))
            .collect();
        let sum: u32 = shares.iter().sum();
        // The rounding goes to (or comes from) the largest share, which stays above 0.
        let big = (0..shares.len()).max_by_key(|&i| shares[i]).unwrap();
        shares[big] = u32::try_from(i64::from(shares[big]) + 100 - i64::from(sum)).unwrap();
        chosen
            .iter()
            .zip(shares)
            .map(|((k, _), s)| format!("{k}={s}"))
            .collect::<Vec<_>>()
            .join(";")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: std::env::var("RISKREPORT_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48), ..ProptestConfig::default() })]
        /// Rows are written as CSV and read back through the real reader and validator; each
        /// must be accepted (the generator stays inside product.md's rules) and render.
        #[test]
        fn every_accepted_row_renders_24_pages(
            id in "[A-Za-z0-9][A-Za-z0-9_-]{0,63}",
            name in field(120),
            title in field(200),
            role_i in 0usize..64,
            industry_i in 0usize..64,
            years in 0u32..=600,
            pick in any::<u64>(),
            weights in prop::collection::vec(1u32..1000, 1..12),
            tools in any::<u64>(),
            usage in 0usize..5,
            country in prop::sample::select(vec!["", "DE", "vn", "KR", "SA", "IL", "IN", "JP", "us"]),
            consent in any::<bool>(),
        ) {
            let catalog = Catalog::builtin();
            let fonts = FontSet::builtin();
            let layouts = Layouts::builtin();
            let role = &catalog.roles[role_i % catalog.roles.len()];
            let task_keys: Vec<String> = role.tasks.iter().map(|t| t.key.clone()).collect();
            let industry = if industry_i % 4 == 0 { String::new() } else { catalog.industries[industry_i % catalog.industries.len()].key.clone() };
            let tools: Vec<&str> = catalog.tools.iter().enumerate().filter(|(i, _)| tools & (1 << (i % 64)) != 0 && i % 3 == 0).map(|(_, t)| t.key.as_str()).collect();
            let usage = ["", "never", "monthly", "weekly", "daily"][usage];
            let years = format!("{}.{}", years / 10, years % 10);
            let consent = if consent { "true" } else { "false" };
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("row.csv");
            let mut w = csv::Writer::from_path(&path).unwrap();
            w.write_record(["audit_id", "submitted_at", "email", "full_name", "job_title", "role", "industry", "years_experience", "tasks", "ai_tools", "ai_usage", "country", "consent_email"]).unwrap();
            w.write_record([id.as_str(), "2026-11-20T09:30:00Z", "reader@example.com", &name, &title, &role.key, &industry, &years, &tasks_cell(&task_keys, pick, &weights), &tools.join(";"), usage, country, consent]).unwrap();
            w.flush().unwrap();
            let rows: Vec<_> = crate::input::open(&path, &catalog).unwrap().collect();
            prop_assert_eq!(rows.len(), 1);
            let a = match rows.into_iter().next().unwrap() {
                Ok(a) => a,
                Err(r) => return Err(TestCaseError::fail(format!("inside the rules, yet rejected: {r}"))),
            };
            let assessed = crate::score::assess(&a, &catalog).unwrap();
            let r = render(&assessed, &catalog, &layouts, &fonts);
            prop_assert!(r.is_ok(), "{:?} / {:?} as {}: {}", a.full_name, a.job_title, role.key, r.err().unwrap());
            let r = r.unwrap();
            prop_assert_eq!(r.document.pages.len(), PAGES);
            // Every script with a built-in face renders as itself, never as a replacement.
            let lacking: Vec<char> = r.missing.iter().copied().filter(|c| SCRIPTS.contains(*c)).collect();
            prop_assert!(lacking.is_empty(), "{:?}: no face for {:?}", a.full_name, lacking);
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

/// The lines of text in each table cell (each list item apart), in reading order.
fn table_cell_lines(doc: &Document) -> Vec<Vec<String>> {
    use crate::page::{Role, Tag};
    let mut cells: Vec<Vec<(f32, String)>> = Vec::new();
    for page in &doc.pages {
        // Per open element: whether it is a cell (or a list item's body inside one).
        let mut stack: Vec<bool> = Vec::new();
        for item in &page.items {
            match item {
                Item::Open(Tag::Element(e)) => {
                    let cell = matches!(e.role, Role::TD | Role::TH | Role::LBody | Role::Lbl);
                    let inside = stack.last().copied().unwrap_or(false);
                    if cell {
                        cells.push(Vec::new());
                    }
                    stack.push(cell || inside);
                }
                Item::Open(Tag::Artifact { .. }) => stack.push(false),
                Item::Close => {
                    stack.pop();
                }
                Item::Text(t) if stack.last().copied().unwrap_or(false) => {
                    let cell = cells.last_mut().expect("a cell is open");
                    match cell.last_mut() {
                        Some((y, line)) if (*y - t.y).abs() < 0.01 => line.push_str(&t.text),
                        _ => cell.push((t.y, t.text.to_string())),
                    }
                }
                _ => {}
            }
        }
    }
    cells
        .into_iter()
        .map(|c| c.into_iter().map(|(_, l)| l).collect())
        .collect()
}

#[test]
fn no_table_cell_splits_a_word_across_lines() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut audits = Vec::new();
    for file in [
        "tests/fixtures/extremes.csv",
        "tests/fixtures/scripts.csv",
        "input/audits.csv",
    ] {
        let rows = crate::input::open(&root.join(file), &catalog).unwrap();
        // Every third row of the sample keeps the test quick; the fixtures in full.
        let step = if file.starts_with("input") { 3 } else { 1 };
        audits.extend(rows.filter_map(Result::ok).step_by(step));
    }
    assert!(audits.len() > 150);
    let mut lines_seen = 0;
    for a in &audits {
        let assessed = crate::score::assess(a, &catalog).unwrap();
        let r = render(&assessed, &catalog, &layouts, &fonts).unwrap();
        for cell in table_cell_lines(&r.document) {
            lines_seen += cell.len();
            for pair in cell.windows(2) {
                // A line broken between words ends with the (invisible) space it broke at, or
                // after a hyphen, dash or slash; one that ends in a letter went on in the next.
                let (end, next) = (pair[0].chars().last(), pair[1].chars().next());
                let split = end.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric);
                assert!(!split, "{}: a word split in a cell: {pair:?}", a.audit_id);
            }
        }
    }
    assert!(lines_seen > 1000, "{lines_seen} cell lines read");
}

/// Line 8391 of `riskreport sample --rows 10000 --seed 7`: a Junior iOS Developer with 17 tasks,
/// four tools and a long name. Four two-line actions, the long task labels in the sentences and
/// the list, and the phase chart at its least height came to 9 pt more than the type area of
/// page 19 ("content overflows the page by 9 pt"). The page now does without its least personal
/// section, the pitfalls, and keeps the actions, the chart and how the reader will know.
#[test]
fn a_junior_with_long_task_labels_fits_the_phase_1_page() {
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let layouts = Layouts::builtin();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad19.csv");
    std::fs::write(
        &path,
        "audit_id,submitted_at,email,full_name,job_title,role,industry,years_experience,tasks,ai_tools,ai_usage,country,consent_email\n\
         a-2026-11-08390,2026-11-23T05:07:58Z,sebastiao40@example.org,Sebastião de Albuquerque e Castro Silva,Junior iOS Developer,,technology,1,\
         app-architecture=5;os-adaptation=5;accessibility=5;store-compliance=5;api-integration=5;localisation=5;code-review-mentoring=5;\
         standard-screens=10;crash-triage=5;product-design-collab=10;device-issues=10;build-release=5;unit-tests=5;offline-sync=5;\
         ui-test-automation=5;models-networking=5;performance-profiling=5,\
         applitools;xcode-intelligence;copilot;gemini-android-studio,daily,BR,true\n",
    )
    .unwrap();
    let rows: Vec<_> = crate::input::open(&path, &catalog).unwrap().collect();
    assert_eq!(rows.len(), 1);
    let audit = rows
        .into_iter()
        .next()
        .unwrap()
        .expect("validate accepts the row");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let r = render(&a, &catalog, &layouts, &fonts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.document.pages.len(), PAGES);
    let page_19: String = page_text(&r.document.pages[18]);
    for kept in ["Actions", "For you", "How you will know it is working"] {
        assert!(page_19.contains(kept), "page 19 keeps {kept:?}");
    }
}
