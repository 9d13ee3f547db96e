//! Checks the written PDF with independent readers: lopdf for structure, poppler for text
//! and fonts, qpdf for syntax. Also a timing run for a report-sized document (ignored).

use super::write;
use crate::fonts::{FontId, FontSet};
use crate::page::{
    Color, Document, Glyph, Item, LinkTarget, Metadata, OutlineEntry, Page, Point, Rect, Role,
    Shape, ShapeItem, Stroke, TextRun, A4_HEIGHT, A4_WIDTH,
};
use std::path::Path;
use std::process::Command;

const GREEK: &str = "Γιώργος Παπαδόπουλος";
const VIETNAMESE: &str = "Nguyễn Thị Hồng Nhung";
const CYRILLIC: &str = "Олександр Коваленко";
const POLISH: &str = "Łukasz Wójcik, zażółć gęślą jaźń";
const JUSTIFIED: &str =
    "Automation exposure is highest where routine tasks dominate the working week of a role";
const CJK_MIX: &str = "Fallback: 漢 in its own face";
const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 .,;:!?()[]{}&%$€£@#*+-=/\\\"'<>|~^_`";
const INK: Color = Color::rgb(0x1f, 0x29, 0x37);
const ACCENT: Color = Color::rgb(0xd9, 0x48, 0x1c);

/// `text` shaped as the layout would, as runs whose baseline starts at (x, y).
fn runs(x: f32, y: f32, font: FontId, size: f32, text: &str) -> Vec<Item> {
    let fonts = FontSet::builtin();
    let line = crate::text::line(
        text,
        font,
        size,
        INK,
        &fonts,
        &mut crate::text::Missing::default(),
    );
    line.runs
        .into_iter()
        .map(|mut r| {
            r.x += x;
            r.y = y;
            Item::Text(r)
        })
        .collect()
}

/// `text` as one run (it must need only one face, and be left to right). Runs the text path
/// splits only for their language (Cyrillic words among Latin ones) are joined again.
fn run(x: f32, y: f32, font: FontId, size: f32, text: &str) -> Item {
    let items = runs(x, y, font, size, text);
    let mut joined: Option<TextRun> = None;
    for item in items {
        let Item::Text(r) = item else { continue };
        match &mut joined {
            None => joined = Some(TextRun { lang: None, ..r }),
            Some(j) => {
                assert!(j.font == r.font && !r.rtl, "{text:?} needs one face");
                let offset = j.text.len() as u32;
                let mut glyphs = j.glyphs.to_vec();
                glyphs.extend(r.glyphs.iter().map(|g| Glyph {
                    cluster: g.cluster + offset,
                    ..*g
                }));
                j.glyphs = glyphs.into();
                j.text = format!("{}{}", j.text, r.text).into();
            }
        }
    }
    Item::Text(joined.expect("some text"))
}

/// `run` turned counter-clockwise by `rotation` degrees.
fn rotated(x: f32, y: f32, size: f32, text: &str, rotation: f32) -> Item {
    let mut item = run(x, y, FontId::REGULAR, size, text);
    if let Item::Text(t) = &mut item {
        t.rotation = rotation;
    }
    item
}

/// A line stretched to `width` the way the layout justifies: extra space after each space.
fn justified(fonts: &FontSet, x: f32, y: f32, width: f32, text: &str) -> Item {
    let natural = crate::text::width(text, FontId::REGULAR, 10.0, fonts);
    let gap = (width - natural) / text.matches(' ').count() as f32;
    assert!(
        (0.3..6.0).contains(&gap),
        "unrealistic justification gap {gap} for {text:?}"
    );
    let mut item = run(x, y, FontId::REGULAR, 10.0, text);
    if let Item::Text(t) = &mut item {
        let mut glyphs = t.glyphs.to_vec();
        for g in glyphs.iter_mut() {
            if t.text.as_bytes()[g.cluster as usize] == b' ' {
                g.advance += gap;
            }
        }
        t.glyphs = glyphs.into();
    }
    item
}

fn shape(shape: Shape, fill: Option<Color>, stroke: Option<Stroke>) -> Item {
    Item::Shape(ShapeItem {
        shape,
        fill,
        stroke,
    })
}

fn metadata() -> Metadata {
    Metadata {
        title: "AI career risk report — Łukasz Wójcik".into(),
        author: "riskreport".into(),
        subject: "Personal automation risk assessment".into(),
        keywords: vec!["AI".into(), "career".into(), "risk".into()],
        language: "pl-PL".into(),
        created: time::macros::datetime!(2025-03-14 09:30:00 UTC),
        creator: "riskreport test".into(),
    }
}

fn sample(fonts: &FontSet) -> Document {
    let mut first = Page::default();
    first.items.extend([
        run(56.0, 80.0, FontId::BOLD, 20.0, "Your AI career risk report"),
        run(56.0, 120.0, FontId::REGULAR, 11.0, POLISH),
        run(56.0, 140.0, FontId::REGULAR, 11.0, VIETNAMESE),
        run(56.0, 160.0, FontId::BOLD, 11.0, GREEK),
        run(56.0, 180.0, FontId::REGULAR, 11.0, CYRILLIC),
        justified(fonts, 56.0, 210.0, 480.0, JUSTIFIED),
        run(
            56.0,
            240.0,
            FontId::REGULAR,
            11.0,
            "See the methods on page 3",
        ),
        Item::Link {
            rect: Rect::new(56.0, 230.0, 150.0, 14.0),
            target: LinkTarget::Page(2),
        },
        Item::Link {
            rect: Rect::new(56.0, 250.0, 150.0, 14.0),
            target: LinkTarget::Uri("https://example.org/methods?a=(1)".into()),
        },
    ]);
    let mut second = Page::default();
    let thin = Stroke::solid(INK, 0.8);
    second.items.extend([
        shape(
            Shape::Rect(Rect::new(56.0, 60.0, 200.0, 100.0)),
            Some(ACCENT.tint(0.7)),
            None,
        ),
        shape(
            Shape::Rect(Rect::new(300.0, 60.0, 200.0, 100.0)),
            None,
            Some(Stroke {
                color: ACCENT,
                width: 1.5,
                dash: Some((4.0, 2.0)),
            }),
        ),
        shape(
            Shape::Path {
                points: vec![
                    Point { x: 56.0, y: 300.0 },
                    Point { x: 150.0, y: 220.0 },
                    Point { x: 250.0, y: 260.0 },
                ],
                closed: false,
            },
            None,
            Some(thin),
        ),
        shape(
            Shape::Path {
                points: vec![
                    Point { x: 300.0, y: 300.0 },
                    Point { x: 400.0, y: 200.0 },
                    Point { x: 500.0, y: 300.0 },
                ],
                closed: true,
            },
            Some(ACCENT),
            Some(thin),
        ),
        shape(
            Shape::Circle {
                center: Point { x: 150.0, y: 420.0 },
                radius: 50.0,
            },
            Some(ACCENT),
            None,
        ),
        shape(
            Shape::Circle {
                center: Point { x: 400.0, y: 420.0 },
                radius: 50.0,
            },
            None,
            Some(thin),
        ),
        Item::Image {
            rect: Rect::new(300.0, 500.0, 90.0, 30.0),
            image: std::sync::Arc::new(crate::page::Image::new(
                3,
                1,
                &[31, 58, 104, 255, 255, 255, 27, 122, 128],
                Some(&[255, 128, 0]),
            )),
        },
        rotated(40.0, 700.0, 9.0, "Ryzyko automatyzacji (%)", 90.0),
        run(56.0, 800.0, FontId::REGULAR, 9.0, "Bottom line of page two"),
    ]);
    let mut third = Page::default();
    third
        .items
        .push(run(56.0, 80.0, FontId::ITALIC, 12.0, "Methods and sources"));
    // Three runs: the Han character is set in the CJK face.
    third
        .items
        .extend(runs(56.0, 100.0, FontId::REGULAR, 12.0, CJK_MIX));
    // Enough distinct glyphs that subset codes take every byte value a literal string must
    // escape.
    third
        .items
        .push(run(56.0, 120.0, FontId::REGULAR, 7.0, ALPHABET));
    tagged(Document {
        width: A4_WIDTH,
        height: A4_HEIGHT,
        pages: vec![first, second, third],
        outline: vec![
            OutlineEntry {
                title: "Your results".into(),
                page: 0,
            },
            OutlineEntry {
                title: "Μέθοδοι — methods".into(),
                page: 2,
            },
        ],
        metadata: metadata(),
    })
}

fn tool(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (install poppler-utils and qpdf): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pdf_is_valid_and_complete() {
    let fonts = FontSet::builtin();
    let doc = sample(&fonts);
    let bytes = write(&doc, &fonts).expect("write");
    assert_eq!(
        bytes,
        write(&doc, &fonts).expect("second write"),
        "two writes differ"
    );

    let lo = lopdf::Document::load_mem(&bytes).expect("lopdf parses the output");
    assert_eq!(lo.get_pages().len(), 3);
    let descriptors: Vec<_> = lo
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor"))
        .collect();
    assert_eq!(
        descriptors.len(),
        4,
        "regular, bold, italic and the CJK face are used"
    );
    assert!(
        descriptors.iter().all(|d| d.has(b"FontFile2")),
        "every font is embedded"
    );
    let catalog = lo.catalog().unwrap();
    assert!(catalog.has(b"Outlines"));
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"pl-PL");
    let first_page = lo.get_pages()[&1];
    let annots = lo
        .get_dictionary(first_page)
        .unwrap()
        .get(b"Annots")
        .unwrap()
        .as_array()
        .unwrap();
    // Annotations are objects of their own, so their Link elements can refer to them.
    let annots: Vec<&lopdf::Dictionary> = annots
        .iter()
        .map(|a| lo.get_dictionary(a.as_reference().unwrap()).unwrap())
        .collect();
    let actions: Vec<_> = annots
        .iter()
        .map(|a| a.get(b"A").unwrap().as_dict().unwrap())
        .collect();
    let goto = actions
        .iter()
        .find(|a| a.get(b"S").unwrap().as_name().unwrap() == b"GoTo")
        .expect("internal link");
    let dest = goto.get(b"D").unwrap().as_array().unwrap();
    assert_eq!(
        dest[0].as_reference().unwrap(),
        lo.get_pages()[&3],
        "link goes to page 3"
    );
    assert!(actions
        .iter()
        .any(|a| a.get(b"S").unwrap().as_name().unwrap() == b"URI"));
    // Links say what they do (PDF/UA), print (PDF/A), and the page tabs in structure order.
    let said: Vec<String> = annots
        .iter()
        .map(|a| {
            assert_eq!(a.get(b"F").unwrap().as_i64().unwrap(), 4);
            lopdf::decode_text_string(a.get(b"Contents").unwrap()).unwrap()
        })
        .collect();
    let third = doc.outline.iter().find(|o| o.page == 2).map(|o| &o.title);
    let goto_said = match third {
        Some(t) => format!("Go to page 3: {t}"),
        None => "Go to page 3".to_string(),
    };
    assert!(said.contains(&goto_said), "{said:?}");
    assert!(said.contains(&"Open https://example.org/methods?a=(1)".to_string()));
    assert_eq!(
        lo.get_dictionary(first_page)
            .unwrap()
            .get(b"Tabs")
            .unwrap()
            .as_name()
            .unwrap(),
        b"S"
    );
    let prefs = catalog
        .get(b"ViewerPreferences")
        .unwrap()
        .as_dict()
        .unwrap();
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());

    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("t.pdf"), &bytes).unwrap();
    let text = tool(dir.path(), "pdftotext", &["-enc", "UTF-8", "t.pdf", "-"]);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        GREEK,
        VIETNAMESE,
        CYRILLIC,
        POLISH,
        JUSTIFIED,
        "Ryzyko automatyzacji (%)",
        "Methods and sources",
        CJK_MIX,
        ALPHABET,
    ] {
        assert!(
            words.contains(expected),
            "pdftotext lacks {expected:?} in:\n{text}"
        );
    }

    let check = tool(dir.path(), "qpdf", &["--check", "t.pdf"]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    let listing = tool(dir.path(), "pdffonts", &["t.pdf"]);
    let rows: Vec<Vec<&str>> = listing
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 4, "{listing}");
    for row in rows {
        let n = row.len();
        assert_eq!(
            (row[n - 5], row[n - 4]),
            ("yes", "yes"),
            "font not embedded and subset:\n{listing}"
        );
    }

    let info = tool(dir.path(), "pdfinfo", &["t.pdf"]);
    assert!(info.contains("Producer:        riskreport"), "{info}");
    assert!(!info.contains("PDF/X"), "{info}");
}

#[test]
fn bad_page_references_are_errors_not_broken_files() {
    let fonts = FontSet::builtin();
    let mut doc = sample(&fonts);
    doc.outline.push(OutlineEntry {
        title: "nowhere".into(),
        page: 9,
    });
    assert!(write(&doc, &fonts).is_err());
    let mut doc = sample(&fonts);
    doc.pages[0].items.extend([
        Item::open(Role::Link),
        Item::Link {
            rect: Rect::new(0.0, 0.0, 1.0, 1.0),
            target: LinkTarget::Page(3),
        },
        Item::Close,
    ]);
    assert!(write(&doc, &fonts).is_err());
}

/// ~24 pages, ~10k words, ~10 charts: the size of one report.
fn report_sized(fonts: &FontSet) -> Document {
    const WORDS: &[&str] = &[
        "automation",
        "risk",
        "career",
        "tasks",
        "exposure",
        "skills",
        "routine",
        "the",
        "of",
        "and",
        "analysis",
        "Wójcik",
        "zażółć",
        "Nguyễn",
        "Παπαδόπουλος",
        "Коваленко",
        "judgement",
        "clients",
        "software",
        "growth",
    ];
    let mut pages = Vec::new();
    let mut n = 0usize;
    for p in 0..24 {
        let mut page = Page::default();
        page.items.push(run(
            56.0,
            60.0,
            FontId::BOLD,
            16.0,
            &format!("Section {}", p + 1),
        ));
        let chart = p % 24 < 10 && p > 1;
        let lines = if chart { 28 } else { 50 };
        for l in 0..lines {
            let mut line = String::new();
            loop {
                n += 7;
                let word = WORDS[n % WORDS.len()];
                if !line.is_empty()
                    && crate::text::width(&format!("{line} {word}"), FontId::REGULAR, 10.0, fonts)
                        > 483.0
                {
                    break;
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
            page.items
                .push(justified(fonts, 56.0, 90.0 + l as f32 * 14.0, 483.0, &line));
        }
        if chart {
            let top = 520.0;
            page.items.push(shape(
                Shape::Rect(Rect::new(56.0, top, 483.0, 260.0)),
                None,
                Some(Stroke::solid(INK, 0.5)),
            ));
            for i in 0..12 {
                let h = 20.0 + (i * 37 % 200) as f32;
                page.items.push(shape(
                    Shape::Rect(Rect::new(80.0 + i as f32 * 36.0, top + 240.0 - h, 24.0, h)),
                    Some(ACCENT),
                    None,
                ));
                page.items.push(run(
                    80.0 + i as f32 * 36.0,
                    top + 255.0,
                    FontId::REGULAR,
                    7.0,
                    &format!("Q{}", i + 1),
                ));
                page.items.push(shape(
                    Shape::Path {
                        points: vec![
                            Point {
                                x: 56.0,
                                y: top + i as f32 * 20.0,
                            },
                            Point {
                                x: 539.0,
                                y: top + i as f32 * 20.0,
                            },
                        ],
                        closed: false,
                    },
                    None,
                    Some(Stroke {
                        color: INK.tint(0.8),
                        width: 0.3,
                        dash: Some((2.0, 2.0)),
                    }),
                ));
            }
            page.items
                .push(rotated(48.0, top + 200.0, 8.0, "Risk score (%)", 90.0));
            page.items.push(shape(
                Shape::Circle {
                    center: Point {
                        x: 500.0,
                        y: top + 40.0,
                    },
                    radius: 12.0,
                },
                Some(ACCENT),
                Some(Stroke::solid(INK, 0.5)),
            ));
        }
        page.items.push(run(
            290.0,
            810.0,
            FontId::REGULAR,
            8.0,
            &format!("{} / 24", p + 1),
        ));
        page.items.push(Item::Link {
            rect: Rect::new(56.0, 800.0, 100.0, 12.0),
            target: LinkTarget::Page(0),
        });
        pages.push(page);
    }
    let outline = (0..24)
        .step_by(3)
        .map(|p| OutlineEntry {
            title: format!("Section {}", p + 1),
            page: p,
        })
        .collect();
    tagged(Document {
        width: A4_WIDTH,
        height: A4_HEIGHT,
        pages,
        outline,
        metadata: metadata(),
    })
}

/// The document with each page a section and each link area inside a Link element, as the
/// report stage tags its pages.
fn tagged(mut doc: Document) -> Document {
    for page in &mut doc.pages {
        let mut items = vec![Item::open(Role::Sect)];
        for item in page.items.drain(..) {
            if let Item::Link { .. } = item {
                items.extend([Item::open(Role::Link), item, Item::Close]);
            } else {
                items.push(item);
            }
        }
        items.push(Item::Close);
        page.items = items;
    }
    doc
}

/// The page content as printpdf `Op`s, the way this module built it before it wrote the bytes
/// itself. printpdf's encoding of these ops is what `pen`, `text` and `shape` must match,
/// operator for operator (see `content_streams_say_what_printpdf_would`).
mod reference {
    use super::super::embed::Faces;
    use super::super::pen::round;
    use crate::page::{Color, Item, Page, Point, Shape, ShapeItem, Stroke, TextRun};
    use printpdf::{
        Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, Polygon, PolygonRing, Pt,
        Rgb, TextItem, TextMatrix, WindingOrder,
    };

    const KAPPA: f32 = 0.552_284_8;

    #[derive(Default)]
    struct State {
        fill: Option<Color>,
        stroke: Option<Color>,
        width: Option<f32>,
        dash: Option<Option<(f32, f32)>>,
        font: Option<(u16, f32)>,
    }

    pub(super) fn ops(page: &Page, height: f32, faces: &Faces) -> Vec<Op> {
        let mut ops = Vec::new();
        let mut state = State::default();
        for item in &page.items {
            match item {
                Item::Text(run) => text(&mut ops, &mut state, run, height, faces),
                Item::Shape(item) => shape(&mut ops, &mut state, item, height),
                Item::Image { rect, .. } => ops.push(Op::UseXobject {
                    // The document's first image: the only one of the test documents.
                    id: printpdf::XObjectId("Im1".into()),
                    transform: printpdf::XObjectTransform {
                        translate_x: Some(Pt(round(rect.x, 100.0))),
                        translate_y: Some(Pt(round(height - rect.bottom(), 100.0))),
                        scale_x: Some(round(rect.w, 100.0)),
                        scale_y: Some(round(rect.h, 100.0)),
                        no_auto_scale: true,
                        ..Default::default()
                    },
                }),
                Item::Link { .. } | Item::Open(_) | Item::Close => {}
            }
        }
        ops
    }

    fn rgb(c: Color) -> printpdf::Color {
        let channel = |v: u8| round(v as f32 / 255.0, 1000.0);
        printpdf::Color::Rgb(Rgb {
            r: channel(c.r),
            g: channel(c.g),
            b: channel(c.b),
            icc_profile: None,
        })
    }

    fn fill(ops: &mut Vec<Op>, state: &mut State, color: Color) {
        if state.fill != Some(color) {
            ops.push(Op::SetFillColor { col: rgb(color) });
            state.fill = Some(color);
        }
    }

    fn stroke(ops: &mut Vec<Op>, state: &mut State, stroke: &Stroke) {
        if state.stroke != Some(stroke.color) {
            ops.push(Op::SetOutlineColor {
                col: rgb(stroke.color),
            });
            state.stroke = Some(stroke.color);
        }
        let width = round(stroke.width.max(0.0), 100.0);
        if state.width != Some(width) {
            ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            state.width = Some(width);
        }
        let dash = stroke
            .dash
            .map(|(on, off)| (round(on.max(0.0), 100.0), round(off.max(0.0), 100.0)))
            .filter(|&(on, off)| on + off > 0.0);
        if state.dash != Some(dash) {
            let pattern = match dash {
                Some((on, off)) => LineDashPattern::new(0.0, &[on, off]),
                None => LineDashPattern::solid(),
            };
            ops.push(Op::SetLineDashPattern { dash: pattern });
            state.dash = Some(dash);
        }
    }

    fn text(ops: &mut Vec<Op>, state: &mut State, run: &TextRun, height: f32, faces: &Faces) {
        let Some(Some(face)) = faces.get(run.font.0 as usize) else {
            return;
        };
        if run.glyphs.is_empty() || run.size.is_nan() || run.size <= 0.0 {
            return;
        }
        let size = round(run.size, 100.0);
        ops.push(Op::StartTextSection);
        if state.font != Some((run.font.0, size)) {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(printpdf::FontId(face.id.clone())),
                size: Pt(size),
            });
            state.font = Some((run.font.0, size));
        }
        fill(ops, state, run.color);
        let (x, y) = (round(run.x, 10.0), round(height - run.y, 10.0));
        let matrix = if run.rotation == 0.0 {
            TextMatrix::Translate(Pt(x), Pt(y))
        } else {
            let (sin, cos) = run.rotation.to_radians().sin_cos();
            let (sin, cos) = (round(sin, 10000.0), round(cos, 10000.0));
            TextMatrix::Raw([cos, sin, -sin + 0.0, cos, x, y])
        };
        ops.push(Op::SetTextMatrix { matrix });
        let items = vec![TextItem::GlyphIds(
            run.glyphs
                .iter()
                .map(|g| printpdf::Codepoint::new(g.id, 0.0))
                .collect(),
        )];
        ops.push(Op::ShowText { items });
        ops.push(Op::EndTextSection);
    }

    fn shape(ops: &mut Vec<Op>, state: &mut State, item: &ShapeItem, height: f32) {
        let line_stroke = item.stroke.as_ref().filter(|s| s.width > 0.0);
        if item.fill.is_none() && line_stroke.is_none() {
            return;
        }
        if let Some(color) = item.fill {
            fill(ops, state, color);
        }
        if let Some(s) = line_stroke {
            stroke(ops, state, s);
        }
        let mode = match (item.fill.is_some(), line_stroke.is_some()) {
            (true, true) => PaintMode::FillStroke,
            (true, false) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        let at = |p: Point, bezier: bool| LinePoint {
            p: printpdf::Point {
                x: Pt(round(p.x, 100.0)),
                y: Pt(round(height - p.y, 100.0)),
            },
            bezier,
        };
        let polygon = |points: Vec<LinePoint>, mode: PaintMode| Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        };
        match &item.shape {
            Shape::Rect(r) => ops.push(Op::DrawRectangle {
                rectangle: printpdf::Rect {
                    x: Pt(round(r.x, 100.0)),
                    y: Pt(round(height - r.bottom(), 100.0)),
                    width: Pt(round(r.w, 100.0)),
                    height: Pt(round(r.h, 100.0)),
                    mode: Some(mode),
                    winding_order: Some(WindingOrder::NonZero),
                },
            }),
            Shape::Path { points, closed } => {
                if points.len() < 2 {
                    return;
                }
                let corners: Vec<LinePoint> = points.iter().map(|p| at(*p, false)).collect();
                if *closed {
                    ops.push(polygon(corners, mode));
                } else {
                    if item.fill.is_some() {
                        ops.push(polygon(corners.clone(), PaintMode::Fill));
                    }
                    if line_stroke.is_some() {
                        ops.push(Op::DrawLine {
                            line: Line {
                                points: corners,
                                is_closed: false,
                            },
                        });
                    }
                }
            }
            Shape::Circle { center, radius } => {
                if *radius > 0.0 {
                    let (r, k, c) = (*radius, *radius * KAPPA, *center);
                    let p = |dx: f32, dy: f32, bezier: bool| {
                        at(
                            Point {
                                x: c.x + dx,
                                y: c.y + dy,
                            },
                            bezier,
                        )
                    };
                    let points = vec![
                        p(r, 0.0, false),
                        p(r, k, true),
                        p(k, r, true),
                        p(0.0, r, false),
                        p(-k, r, true),
                        p(-r, k, true),
                        p(-r, 0.0, false),
                        p(-r, -k, true),
                        p(-k, -r, true),
                        p(0.0, -r, false),
                        p(k, -r, true),
                        p(r, -k, true),
                        p(r, 0.0, false),
                    ];
                    ops.push(polygon(points, mode));
                }
            }
        }
    }
}

/// Decodes a shown string, in the named font, to the glyphs it shows.
type Glyphs<'a> = &'a dyn Fn(&[u8], &[u8]) -> Vec<i64>;

/// Operations of a content stream as comparable across encodings: text shown as the glyphs
/// of the subset it shows (`glyphs` decodes a string in the named font), each run placed by
/// an absolute text matrix (`Td` moves are summed up), and text objects, word spacing and
/// marked content left out: those are ours alone. `strings` gets the shown strings' bytes.
fn operations(
    content: &[u8],
    glyphs: Glyphs,
    palette: &[u8],
    strings: &mut Vec<Vec<u8>>,
) -> Vec<(String, Vec<lopdf::Object>)> {
    let normal = |o: &lopdf::Object| match o {
        lopdf::Object::String(bytes, _) => {
            lopdf::Object::String(bytes.clone(), lopdf::StringFormat::Literal)
        }
        other => other.clone(),
    };
    let number = |o: &lopdf::Object| o.as_float().expect("a number") as f64;
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let mut font: Vec<u8> = Vec::new();
    let mut line = (0.0f64, 0.0f64);
    let mut out = Vec::new();
    for op in lopdf::content::Content::decode(content)
        .expect("content stream parses")
        .operations
    {
        match op.operator.as_str() {
            "Ts" | "BDC" | "BMC" | "EMC" | "ET" | "Tw" | "cs" | "CS" => {}
            // A text object starts at the origin: its first `Td` is where the run goes.
            "BT" => line = (0.0, 0.0),
            // A palette colour is the RGB printpdf sets, three decimals a channel as ours.
            "sc" | "SC" => {
                let i = op.operands[0].as_i64().expect("an index") as usize;
                let operands = palette[3 * i..3 * i + 3]
                    .iter()
                    .map(|&v| lopdf::Object::Real(super::pen::round(v as f32 / 255.0, 1000.0)))
                    .collect();
                let rgb = if op.operator == "sc" { "rg" } else { "RG" };
                out.push((rgb.to_string(), operands));
            }
            "Tf" => {
                font = op.operands[0].as_name().expect("a font name").to_vec();
                out.push((op.operator, op.operands.iter().map(normal).collect()));
            }
            "Tm" | "Td" => {
                let v: Vec<f64> = op.operands.iter().map(number).collect();
                let matrix = if op.operator == "Td" {
                    line = (round(line.0 + v[0]), round(line.1 + v[1]));
                    vec![1.0, 0.0, 0.0, 1.0, line.0, line.1]
                } else {
                    line = (v[4], v[5]);
                    v
                };
                let operands = matrix
                    .into_iter()
                    .map(|v| lopdf::Object::Real(v as f32))
                    .collect();
                out.push(("Tm".to_string(), operands));
            }
            "Tj" | "TJ" => {
                // Glyph placement (TJ offsets, rises) is ours alone: printpdf is asked for the
                // glyphs, so text-showing operators compare as the glyphs they show.
                let mut shown = Vec::new();
                for o in &op.operands {
                    let items = match o {
                        lopdf::Object::Array(items) => items.clone(),
                        o => vec![o.clone()],
                    };
                    for item in items {
                        if let lopdf::Object::String(b, _) = item {
                            shown.extend(glyphs(&font, &b));
                            strings.push(b);
                        }
                    }
                }
                let shown = shown.into_iter().map(lopdf::Object::Integer).collect();
                out.push(("show".to_string(), vec![lopdf::Object::Array(shown)]));
            }
            _ => {
                let operands = op
                    .operands
                    .iter()
                    .map(|o| match o {
                        lopdf::Object::Array(items) => {
                            lopdf::Object::Array(items.iter().map(normal).collect())
                        }
                        o => normal(o),
                    })
                    .collect();
                out.push((op.operator, operands));
            }
        }
    }
    out
}

/// The lookup table of the Indexed colour space of `doc`'s first page: RGB bytes.
fn palette(doc: &lopdf::Document) -> Vec<u8> {
    let page = *doc.get_pages().values().next().unwrap();
    let deref = |o: &lopdf::Object| doc.dereference(o).unwrap().1.clone();
    let resources = deref(doc.get_dictionary(page).unwrap().get(b"Resources").unwrap());
    let spaces = deref(resources.as_dict().unwrap().get(b"ColorSpace").unwrap());
    let space = deref(spaces.as_dict().unwrap().get(super::palette::NAME).unwrap());
    let space = space.as_array().unwrap();
    assert_eq!(space[0].as_name().unwrap(), b"Indexed");
    assert_eq!(space[1].as_name().unwrap(), b"DeviceRGB");
    let lookup = space[3].as_str().unwrap().to_vec();
    assert_eq!(lookup.len(), 3 * (space[2].as_i64().unwrap() as usize + 1));
    lookup
}

/// Each font resource of `doc`'s first page: whether its codes are one byte, and its CID →
/// glyph map (none: Identity, two-byte codes that are the glyphs).
fn encodings(doc: &lopdf::Document) -> std::collections::HashMap<Vec<u8>, (bool, Option<Vec<u8>>)> {
    let page = *doc.get_pages().values().next().unwrap();
    let deref = |o: &lopdf::Object| doc.dereference(o).unwrap().1.clone();
    let resources = deref(doc.get_dictionary(page).unwrap().get(b"Resources").unwrap());
    let fonts = deref(resources.as_dict().unwrap().get(b"Font").unwrap());
    let mut out = std::collections::HashMap::new();
    for (name, font) in fonts.as_dict().unwrap() {
        let font = deref(font);
        let font = font.as_dict().unwrap();
        let cid_font = deref(&font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]);
        let map = match deref(cid_font.as_dict().unwrap().get(b"CIDToGIDMap").unwrap()) {
            lopdf::Object::Stream(s) => Some(s.decompressed_content().unwrap_or(s.content.clone())),
            _ => None,
        };
        let one_byte = match deref(font.get(b"Encoding").unwrap()) {
            lopdf::Object::Stream(s) => {
                let program = s.decompressed_content().unwrap_or(s.content.clone());
                String::from_utf8_lossy(&program).contains("<00> <FF>")
            }
            _ => false,
        };
        out.insert(name.clone(), (one_byte, map));
    }
    out
}

/// The glyphs a string shows in a font of `encodings`.
fn decode(
    encodings: &std::collections::HashMap<Vec<u8>, (bool, Option<Vec<u8>>)>,
    font: &[u8],
    bytes: &[u8],
) -> Vec<i64> {
    let (one_byte, map) = &encodings[font];
    let codes: Vec<usize> = if *one_byte {
        bytes.iter().map(|&b| b as usize).collect()
    } else {
        bytes
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]) as usize)
            .collect()
    };
    codes
        .into_iter()
        .map(|c| match map {
            Some(map) => u16::from_be_bytes([map[2 * c], map[2 * c + 1]]) as i64,
            None => c as i64,
        })
        .collect()
}

#[test]
fn content_streams_say_what_printpdf_would() {
    let fonts = FontSet::builtin();
    let mut escaped = vec![b'(', b')', b'\\', b'\r', b'\n'];
    for doc in [sample(&fonts), report_sized(&fonts)] {
        let ours = lopdf::Document::load_mem(&write(&doc, &fonts).unwrap()).unwrap();
        // printpdf's encoding of the same pages as ops, with the same fonts and subsets.
        let mut pdf = printpdf::PdfDocument::new("reference");
        let faces = super::embed::embed(&doc, &fonts, 5, false).unwrap();
        // printpdf subsets each face to the glyphs shown, numbered as `subset` numbers them.
        for face in faces.iter().flatten().filter(|f| f.embedded()) {
            let parsed = printpdf::ParsedFont::from_bytes(face.font.data, 0, &mut Vec::new())
                .expect("printpdf parses the face");
            pdf.resources.fonts.map.insert(
                printpdf::FontId(face.id.clone()),
                printpdf::PdfFont::new(parsed),
            );
        }
        let size = printpdf::Rect::from_wh(printpdf::Pt(doc.width), printpdf::Pt(doc.height));
        for page in &doc.pages {
            pdf.pages.push(printpdf::PdfPage {
                media_box: size.clone(),
                trim_box: size.clone(),
                crop_box: size.clone(),
                ops: reference::ops(page, doc.height, &faces),
            });
        }
        let options = printpdf::PdfSaveOptions {
            optimize: false,
            subset_fonts: true,
            secure: true,
            image_optimization: None,
        };
        let theirs = pdf.to_lopdf_document(&options, &mut Vec::new());
        let (ours_pages, their_pages) = (ours.get_pages(), theirs.get_pages());
        let (ours_fonts, their_fonts) = (encodings(&ours), encodings(&theirs));
        let palette = palette(&ours);
        assert!(
            ours_fonts.values().any(|(one_byte, _)| *one_byte),
            "no face is shown with one-byte codes"
        );
        assert_eq!(ours_pages.len(), their_pages.len());
        for ((number, a), b) in ours_pages.iter().zip(their_pages.values()) {
            let (a, b) = (ours.get_page_content(*a), theirs.get_page_content(*b));
            assert!(a.len() > 1, "page {number} is empty");
            let mut strings = Vec::new();
            let ops = operations(
                &a,
                &|f, b| decode(&ours_fonts, f, b),
                &palette,
                &mut strings,
            );
            // Every colour is the palette's: none set as RGB.
            let raw = lopdf::content::Content::decode(&a).unwrap().operations;
            assert!(!raw
                .iter()
                .any(|op| op.operator == "rg" || op.operator == "RG"));
            assert!(
                raw.iter().any(|op| op.operator == "sc"),
                "page {number}: no colour"
            );
            let theirs = &|f: &[u8], b: &[u8]| decode(&their_fonts, f, b);
            let reference = operations(&b, theirs, &[], &mut Vec::new());
            assert_eq!(ops, reference, "page {number}");
            for bytes in strings {
                escaped.retain(|b| !bytes.contains(b));
            }
        }
    }
    // The codes went through the literal-string escapes, not around them.
    assert!(
        escaped.is_empty(),
        "no glyph code had the bytes {escaped:?}"
    );
}

#[test]
#[ignore = "timing; run with cargo test --release -- --ignored --nocapture bench_24_pages"]
fn bench_24_pages() {
    let fonts = FontSet::builtin();
    let doc = report_sized(&fonts);
    let words: usize = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| {
            if let Item::Text(t) = i {
                t.text.split(' ').count()
            } else {
                0
            }
        })
        .sum();
    let shapes = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter(|i| matches!(i, Item::Shape(_)))
        .count();
    let time = |f: &mut dyn FnMut() -> usize| {
        let rounds = 20;
        let start = std::time::Instant::now();
        let mut size = 0;
        for _ in 0..rounds {
            size = f();
        }
        (start.elapsed().as_secs_f64() * 1000.0 / rounds as f64, size)
    };
    println!("{} pages, {words} words, {shapes} shapes", doc.pages.len());
    let (ms, _) = time(&mut || {
        let faces = super::embed::embed(&doc, &fonts, 5, false).unwrap();
        let images = super::image::Images::of(&doc);
        let palette = super::palette::Palette::of(&doc);
        let with = super::With {
            faces: &faces,
            images: &images,
            palette: &palette,
            forms: &super::forms::Forms::default(),
        };
        doc.pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut tree = super::tags::Tree::new(doc.pages.len());
                super::content(p, i, doc.height, &with, &mut tree)
                    .unwrap()
                    .len()
            })
            .sum()
    });
    println!("faces subset and content streams: {ms:.2} ms/doc");
    let pdf = super::build(&doc).unwrap();
    let (ms, _) = time(&mut || {
        pdf.to_lopdf_document(
            &printpdf::PdfSaveOptions {
                optimize: false,
                image_optimization: None,
                ..Default::default()
            },
            &mut Vec::new(),
        )
        .objects
        .len()
    });
    println!("printpdf to_lopdf_document (pages, links): {ms:.2} ms/doc");
    for level in [1, 2, 3, 6, 9] {
        let (ms, size) = time(&mut || super::write_at(&doc, &fonts, level, false).unwrap().len());
        println!(
            "write, deflate level {level}: {ms:.1} ms/doc, {size} bytes ({:.0} KiB)",
            size as f64 / 1024.0
        );
    }
}

#[test]
fn justified_spaces_are_word_spacing_and_a_break_hyphen_is_a_code_of_its_own() {
    let fonts = FontSet::builtin();
    let before = "Hyphenated at a break: sec";
    let end = 56.0 + crate::text::width(before, FontId::REGULAR, 10.0, &fonts);
    let mut hyphen = run(end, 100.0, FontId::REGULAR, 10.0, "-");
    if let Item::Text(t) = &mut hyphen {
        t.text = "\u{AD}".into();
    }
    let mut doc = sample(&fonts);
    doc.pages.truncate(1);
    doc.outline.clear();
    doc.pages[0].items = vec![
        justified(&fonts, 56.0, 80.0, 480.0, JUSTIFIED),
        run(56.0, 100.0, FontId::REGULAR, 10.0, before),
        hyphen,
        run(
            56.0,
            114.0,
            FontId::REGULAR,
            10.0,
            "tor - with a real hyphen too.",
        ),
    ];
    let doc = tagged(doc);
    let bytes = write(&doc, &fonts).unwrap();
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    let page = *pdf.get_pages().values().next().unwrap();
    let content = lopdf::content::Content::decode(&pdf.get_page_content(page)).unwrap();
    let gap = {
        let natural = crate::text::width(JUSTIFIED, FontId::REGULAR, 10.0, &fonts);
        (480.0 - natural) / JUSTIFIED.matches(' ').count() as f32
    };
    // The justified line widens its spaces by word spacing, not by an offset at each space.
    let tw: Vec<f32> = content
        .operations
        .iter()
        .filter(|op| op.operator == "Tw")
        .map(|op| op.operands[0].as_float().unwrap())
        .collect();
    assert!(
        tw.iter().any(|&w| (w - gap).abs() < 0.01),
        "no Tw of {gap}: {tw:?}"
    );
    let offsets = content
        .operations
        .iter()
        .filter(|op| op.operator == "TJ")
        .flat_map(|op| op.operands[0].as_array().unwrap().clone())
        .filter(|o| o.as_float().is_ok_and(|v| v.abs() > 100.0))
        .count();
    assert_eq!(offsets, 0, "offsets as wide as a justified space");
    // The break's hyphen spells its soft hyphen through ToUnicode: no /ActualText span,
    // and text extraction reads it where a real hyphen reads as a hyphen.
    let raw = String::from_utf8_lossy(&pdf.get_page_content(page)).into_owned();
    assert!(!raw.contains("ActualText"), "{raw}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.pdf"), &bytes).unwrap();
    let text = tool(dir.path(), "pdftotext", &["t.pdf", "-"]);
    assert!(text.contains("sec\u{AD}"), "{text:?}");
    assert!(text.contains("tor - with"), "{text:?}");
    let words: Vec<&str> = text.split_whitespace().collect();
    let expected: Vec<&str> = JUSTIFIED.split_whitespace().collect();
    assert!(
        words.windows(expected.len()).any(|w| w == expected),
        "the justified line reads {words:?}"
    );
}

#[test]
fn furniture_the_same_on_several_pages_is_one_form_and_the_rest_stays_inline() {
    let fonts = FontSet::builtin();
    let mut doc = sample(&fonts);
    doc.outline.clear();
    doc.pages.truncate(2);
    doc.pages.push(Page::default());
    doc.pages[2]
        .items
        .push(run(56.0, 100.0, FontId::REGULAR, 11.0, "Third page"));
    // The first page's stream ends in a justified line, whose word spacing is still in
    // force when the page shows the form.
    doc.pages[0]
        .items
        .push(justified(&fonts, 56.0, 700.0, 480.0, JUSTIFIED));
    let mut doc = tagged(doc);
    let pages = doc.pages.len();
    let rule = Stroke::solid(INK, 0.7);
    for (i, page) in doc.pages.iter_mut().enumerate() {
        page.items
            .push(Item::Open(crate::page::Tag::Artifact { pagination: true }));
        page.items
            .push(run(56.0, 40.0, FontId::BOLD, 8.0, "RUNNING HEADER"));
        page.items.push(shape(
            Shape::Path {
                points: vec![Point { x: 56.0, y: 50.0 }, Point { x: 539.0, y: 50.0 }],
                closed: false,
            },
            None,
            Some(rule),
        ));
        page.items.push(Item::Close);
        page.items
            .push(Item::Open(crate::page::Tag::Artifact { pagination: true }));
        let number = format!("Folio {} of {pages}", i + 1);
        page.items
            .push(run(480.0, 810.0, FontId::REGULAR, 8.0, &number));
        page.items.push(Item::Close);
    }
    let bytes = write(&doc, &fonts).unwrap();
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    let forms: Vec<_> = pdf
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_stream()
                .is_ok_and(|s| s.dict.get(b"Subtype").ok() == Some(&lopdf::Object::from("Form")))
        })
        .map(|(&id, _)| id)
        .collect();
    assert_eq!(
        forms.len(),
        1,
        "one form for the header shared by {pages} pages"
    );
    let form = pdf.get_object(forms[0]).unwrap().as_stream().unwrap();
    let body = form.decompressed_content().unwrap();
    let ops = lopdf::content::Content::decode(&body).unwrap().operations;
    let first_text = ops
        .iter()
        .position(|op| op.operator == "TJ" || op.operator == "Tj")
        .expect("the header's text is in the form");
    let spacing = ops
        .iter()
        .position(|op| op.operator == "Tw")
        .expect("the form sets its word spacing");
    assert!(spacing < first_text, "word spacing set before the text");
    assert_eq!(ops[spacing].operands[0].as_float().unwrap(), 0.0);
    assert!(
        ops.iter().any(|op| op.operator == "S"),
        "the rule is in the form"
    );
    for (n, &page) in pdf.get_pages().values().enumerate() {
        let content = String::from_utf8_lossy(&pdf.get_page_content(page)).into_owned();
        assert_eq!(
            content.matches("/Fm1 Do").count(),
            1,
            "page {}: {content}",
            n + 1
        );
        if n == 0 {
            // The justified line's word spacing is in force where the page shows the form.
            let before = &content[..content.find("/Fm1 Do").unwrap()];
            let tw = lopdf::content::Content::decode(before.as_bytes())
                .unwrap()
                .operations
                .into_iter()
                .rfind(|op| op.operator == "Tw")
                .expect("the justified line sets word spacing");
            assert!(tw.operands[0].as_float().unwrap() > 0.3, "{tw:?}");
        }
        let artifact = content.rfind("/Artifact<</Type/Pagination>>BDC").unwrap();
        assert!(content.rfind("/Fm1 Do").unwrap() > artifact);
        let xobjects = pdf
            .get_dictionary(page)
            .and_then(|p| p.get(b"Resources"))
            .and_then(lopdf::Object::as_reference)
            .and_then(|r| pdf.get_dictionary(r))
            .and_then(|r| r.get(b"XObject"))
            .and_then(lopdf::Object::as_reference)
            .and_then(|x| pdf.get_dictionary(x))
            .unwrap();
        assert_eq!(
            xobjects.get(b"Fm1").unwrap().as_reference().unwrap(),
            forms[0]
        );
    }
    // Every page still reads its header and its own folio, which no form holds.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.pdf"), &bytes).unwrap();
    tool(dir.path(), "qpdf", &["--check", "t.pdf"]);
    for page in 1..=pages {
        let p = page.to_string();
        let text = tool(dir.path(), "pdftotext", &["-f", &p, "-l", &p, "t.pdf", "-"]);
        assert!(text.contains("RUNNING HEADER"), "page {page}: {text}");
        assert!(
            text.contains(&format!("Folio {page} of {pages}")),
            "page {page}: {text}"
        );
    }

    // Furniture on one page only stays in that page's stream.
    for page in &mut doc.pages[1..] {
        let len = page.items.len();
        page.items.truncate(len - 7);
    }
    let bytes = write(&doc, &fonts).unwrap();
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    assert!(!pdf.objects.values().any(|o| o.as_stream().is_ok_and(|s| s
        .dict
        .get(b"Subtype")
        .ok()
        == Some(&lopdf::Object::from("Form")))));
    std::fs::write(dir.path().join("one.pdf"), &bytes).unwrap();
    let text = tool(
        dir.path(),
        "pdftotext",
        &["-f", "1", "-l", "1", "one.pdf", "-"],
    );
    assert!(text.contains("RUNNING HEADER"), "{text}");
}
