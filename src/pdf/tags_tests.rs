//! The structure tree of a real report, read back from the written PDF: the roles a screen
//! reader walks, in reading order; every chart with words; nothing drawn outside the tree.

use crate::catalog::Catalog;
use crate::fonts::FontSet;
use crate::report::{render, Layouts};
use lopdf::{Dictionary, Document, Object};
use std::collections::{BTreeMap, BTreeSet};

/// One structure element as read back: its role, attributes and children.
#[derive(Debug)]
struct El {
    role: String,
    alt: Option<String>,
    lang: Option<String>,
    scope: Option<String>,
    /// Marked content: (zero-based page, MCID).
    mcids: Vec<(usize, i64)>,
    objrs: usize,
    kids: Vec<El>,
}

impl El {
    fn walk<'a>(&'a self, out: &mut Vec<&'a El>) {
        out.push(self);
        for k in &self.kids {
            k.walk(out);
        }
    }

    fn all(&self) -> Vec<&El> {
        let mut out = Vec::new();
        self.walk(&mut out);
        out
    }
}

/// The typical backend developer's report for a reader called `name`, laid out on one thread
/// or (`spread`) on rayon's.
fn laid_out(name: &str, spread: bool) -> crate::report::Rendered {
    let catalog = Catalog::builtin();
    let mut audit = crate::score::fixtures::typical(&catalog, "backend-developer");
    audit.full_name = name.into();
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let lay = if spread {
        crate::report::render_spread
    } else {
        render
    };
    lay(&a, &catalog, &Layouts::builtin(), &FontSet::builtin()).unwrap()
}

fn report(name: &str) -> Vec<u8> {
    crate::pdf::write(&laid_out(name, false).document, &FontSet::builtin()).unwrap()
}

/// The StructTreeRoot and the document element below it, read back.
fn structure(doc: &Document) -> (&Dictionary, El) {
    let pages: BTreeMap<_, _> = doc
        .get_pages()
        .values()
        .enumerate()
        .map(|(i, &id)| (id, i))
        .collect();
    let reference = |d: &Dictionary, key: &[u8]| d.get(key).unwrap().as_reference().unwrap();
    let root = doc
        .get_dictionary(reference(doc.catalog().unwrap(), b"StructTreeRoot"))
        .unwrap();
    let top = doc.get_dictionary(reference(root, b"K")).unwrap();
    (root, read(doc, top, &pages))
}

fn text(o: &Object) -> String {
    lopdf::decode_text_string(o).unwrap()
}

fn read(doc: &Document, dict: &Dictionary, pages: &BTreeMap<(u32, u16), usize>) -> El {
    let page_of = |d: &Dictionary| d.get(b"Pg").ok().map(|p| pages[&p.as_reference().unwrap()]);
    let own_page = page_of(dict);
    let mut el = El {
        role: String::from_utf8(dict.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap(),
        alt: dict.get(b"Alt").ok().map(text),
        lang: dict.get(b"Lang").ok().map(text),
        scope: dict
            .get(b"A")
            .ok()
            .and_then(|a| a.as_dict().ok())
            .and_then(|a| a.get(b"Scope").ok())
            .map(|s| String::from_utf8(s.as_name().unwrap().to_vec()).unwrap()),
        mcids: Vec::new(),
        objrs: 0,
        kids: Vec::new(),
    };
    let kids = match dict.get(b"K").unwrap() {
        Object::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    for kid in kids {
        match kid {
            Object::Integer(mcid) => el.mcids.push((own_page.expect("/Pg for an MCID"), mcid)),
            Object::Reference(id) => {
                let d = doc.get_dictionary(id).unwrap();
                el.kids.push(read(doc, d, pages));
            }
            Object::Dictionary(d) => match d.get(b"Type").unwrap().as_name().unwrap() {
                b"MCR" => el.mcids.push((
                    page_of(&d).unwrap(),
                    d.get(b"MCID").unwrap().as_i64().unwrap(),
                )),
                b"OBJR" => el.objrs += 1,
                t => panic!("unexpected kid type {:?}", String::from_utf8_lossy(t)),
            },
            other => panic!("unexpected kid {other:?}"),
        }
    }
    el
}

/// The operators that put marks on the page.
const PAINTING: &[&str] = &[
    "Tj", "TJ", "'", "\"", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "Do",
];

/// Per page: the MCIDs in stream order; panics on painting outside tagged or artifact content.
fn marked_content(doc: &Document) -> Vec<Vec<i64>> {
    let mut out = Vec::new();
    for (number, id) in doc.get_pages() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
        // Per open sequence: whether it (or one around it) is tagged or an artifact.
        let mut stack: Vec<bool> = Vec::new();
        let mut mcids = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    let tag = op.operands[0].as_name().unwrap();
                    let mcid = op
                        .operands
                        .get(1)
                        .and_then(|p| p.as_dict().ok())
                        .and_then(|p| p.get(b"MCID").ok())
                        .map(|m| m.as_i64().unwrap());
                    if let Some(m) = mcid {
                        assert!(
                            !stack.iter().any(|&s| s),
                            "page {number}: MCID {m} inside another marked sequence"
                        );
                        mcids.push(m);
                    }
                    let covered = stack.last().copied().unwrap_or(false)
                        || mcid.is_some()
                        || tag == b"Artifact";
                    stack.push(covered);
                }
                "EMC" => {
                    stack.pop().expect("EMC without BDC");
                }
                op if PAINTING.contains(&op) => assert!(
                    stack.last().copied().unwrap_or(false),
                    "page {number}: `{op}` outside tagged content and artifacts"
                ),
                _ => {}
            }
        }
        assert!(stack.is_empty(), "page {number}: unbalanced marked content");
        out.push(mcids);
    }
    out
}

#[test]
fn a_report_is_tagged_in_reading_order_with_words_for_every_chart() {
    let bytes = report("Łukasz Wójcik");
    let doc = Document::load_mem(&bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    assert!(catalog
        .get(b"MarkInfo")
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Marked")
        .unwrap()
        .as_bool()
        .unwrap());
    let (root, tree) = structure(&doc);
    assert_eq!(tree.role, "Document");
    assert_eq!(tree.kids.len(), 24, "one section per page");

    let contents = marked_content(&doc);
    for (p, sect) in tree.kids.iter().enumerate() {
        assert_eq!(sect.role, "Sect");
        let els = sect.all();
        // Every page opens with its title: the first heading is an H1, and no level is
        // skipped below it.
        let headings: Vec<u8> = els
            .iter()
            .filter_map(|e| e.role.strip_prefix('H')?.parse().ok())
            .collect();
        assert_eq!(headings.first(), Some(&1), "page {}: {headings:?}", p + 1);
        assert!(
            headings.windows(2).all(|w| w[1] <= w[0] + 1),
            "page {}: heading levels {headings:?}",
            p + 1
        );
        // Reading order is the order of the marked content: a depth-first walk of the
        // section meets the page's MCIDs in stream order, each exactly once.
        let walked: Vec<i64> = els
            .iter()
            .flat_map(|e| &e.mcids)
            .map(|&(page, m)| {
                assert_eq!(page, p, "page {}: content of another page", p + 1);
                m
            })
            .collect();
        assert_eq!(walked, contents[p], "page {}: structure order", p + 1);
        // Content sits in elements that say what it is, not loose in a section or a list.
        for e in &els {
            if !e.mcids.is_empty() {
                assert!(
                    !["Sect", "L", "LI", "Table", "THead", "TBody", "TR", "TOC", "Div"]
                        .contains(&e.role.as_str()),
                    "page {}: content directly in a {}",
                    p + 1,
                    e.role
                );
            }
        }
    }

    let all = tree.all();
    let count = |role: &str| all.iter().filter(|e| e.role == role).count();
    // The charts: each a figure whose words carry the figures it draws.
    let figures: Vec<&&El> = all.iter().filter(|e| e.role == "Figure").collect();
    assert!(figures.len() >= 10, "{} figures", figures.len());
    for f in &figures {
        let alt = f.alt.as_deref().unwrap_or_default();
        assert!(
            alt.len() > 40 && alt.chars().any(|c| c.is_ascii_digit()),
            "figure alt text {alt:?}"
        );
    }
    let alts: BTreeSet<_> = figures.iter().map(|f| f.alt.clone()).collect();
    assert_eq!(
        alts.len(),
        figures.len(),
        "every chart says something different"
    );
    // Tables: a header row of column headers, then body rows of cells.
    assert!(count("Table") >= 3);
    for t in all.iter().filter(|e| e.role == "Table") {
        let parts: Vec<&str> = t.kids.iter().map(|k| k.role.as_str()).collect();
        assert_eq!(parts, ["THead", "TBody"]);
        for row in t.kids.iter().flat_map(|k| &k.kids) {
            assert_eq!(row.role, "TR");
            let cells: BTreeSet<&str> = row.kids.iter().map(|c| c.role.as_str()).collect();
            assert!(cells == BTreeSet::from(["TH"]) || cells == BTreeSet::from(["TD"]));
        }
        for th in t.kids[0].kids.iter().flat_map(|r| &r.kids) {
            assert_eq!(th.scope.as_deref(), Some("Column"));
        }
    }
    // Lists: items of a label and a body (checklists: a body only).
    for li in all.iter().filter(|e| e.role == "LI") {
        let parts: Vec<&str> = li.kids.iter().map(|k| k.role.as_str()).collect();
        assert!(parts == ["Lbl", "LBody"] || parts == ["LBody"], "{parts:?}");
    }
    // The contents: one entry per section page, each a link with its annotation.
    let toc = all.iter().find(|e| e.role == "TOC").expect("a TOC");
    assert_eq!(toc.kids.len(), 22);
    for entry in &toc.kids {
        assert_eq!(entry.role, "TOCI");
        let link = entry
            .kids
            .iter()
            .find(|k| k.role == "Link")
            .expect("a link");
        assert_eq!(link.objrs, 1);
    }
    // The ParentTree maps each page's MCIDs back; the annotations have their own keys.
    let parent_tree = doc
        .get_dictionary(root.get(b"ParentTree").unwrap().as_reference().unwrap())
        .unwrap();
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    for (p, mcids) in contents.iter().enumerate() {
        assert_eq!(nums[2 * p].as_i64().unwrap(), p as i64);
        assert_eq!(nums[2 * p + 1].as_array().unwrap().len(), mcids.len());
    }
    assert_eq!(nums.len(), 2 * (24 + 22));
}

#[test]
fn a_name_in_another_script_is_a_span_in_its_language() {
    let doc = Document::load_mem(&report("محمد الأحمد")).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en-US");
    let (_, tree) = structure(&doc);
    let all = tree.all();
    let spans: Vec<_> = all.iter().filter(|e| e.role == "Span").collect();
    assert!(!spans.is_empty());
    assert!(spans.iter().all(|s| s.lang.as_deref() == Some("ar")));
    // The cover names the reader: in a paragraph of its own, as a span in Arabic.
    let cover = &tree.kids[0];
    assert!(cover
        .all()
        .iter()
        .any(|e| e.role == "P" && e.kids.iter().any(|k| k.role == "Span")));
}

/// What a screen reader's structure view gives (poppler's `pdfinfo -struct-text`).
fn struct_text(bytes: &[u8]) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_structure_reads_as_words_with_even_headings_side_by_side() {
    let text = struct_text(&report("Łukasz Wójcik"));
    // A contents entry: the title and the page number are two words, not "glance3".
    assert!(
        text.contains("\"Your results at a glance 3\""),
        "{}",
        &text[..text.len().min(3000)]
    );
    // Pages 8 to 10 set "What changes" and "What to do" side by side as equal headings.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let level_of = |heading: &str| -> Vec<&str> {
        lines
            .windows(2)
            .filter(|w| w[1] == format!("\"{heading}\""))
            .map(|w| w[0])
            .collect()
    };
    let changes = level_of("What changes");
    let to_do = level_of("What to do");
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert_eq!(changes, to_do);
}

/// The pages' trees joined in page order are the tree one pass over every page grows: the
/// structure `write_spread` writes is the one `write` does.
#[test]
fn page_trees_joined_are_the_tree_of_one_pass() {
    let fonts = FontSet::builtin();
    let doc = laid_out("Ana Ωμέγα 山田", false).document;
    let faces = super::super::embed::embed(&doc, &fonts, 5, false).unwrap();
    let images = super::super::image::Images::of(&doc);
    let palette = super::super::palette::Palette::of(&doc);
    let with = super::super::With {
        faces: &faces,
        images: &images,
        palette: &palette,
        forms: &super::super::forms::Forms::default(),
    };
    let n = doc.pages.len();
    let mut whole = super::Tree::new(n);
    let mut joined = super::Tree::new(n);
    for (i, page) in doc.pages.iter().enumerate() {
        let one = super::super::content(page, i, doc.height, &with, &mut whole);
        let mut tree = super::Tree::new(n);
        let own = super::super::content(page, i, doc.height, &with, &mut tree);
        assert_eq!(one.unwrap(), own.unwrap(), "page {}", i + 1);
        joined.append(tree);
    }
    assert!(whole.annots.len() > 3 && whole.nodes.len() > 300);
    assert!(whole.marked.iter().all(|m| !m.is_empty()));
    assert_eq!(joined, whole);
}

/// One report laid out and encoded with its pages spread over threads (`render --id`) is the
/// same page model and the same bytes as one made on one thread, including the characters
/// reported missing.
#[test]
fn a_report_spread_over_threads_is_the_same_report() {
    let fonts = FontSet::builtin();
    let name = "Ana Ωμέγα 山田 \u{16A0}\u{1F600}";
    let (one, spread) = (laid_out(name, false), laid_out(name, true));
    assert!(!one.missing.is_empty());
    assert_eq!(one.missing, spread.missing);
    assert!(one.document == spread.document);
    let bytes = crate::pdf::write(&one.document, &fonts).unwrap();
    let spread = crate::pdf::write_spread(&spread.document, &fonts).unwrap();
    assert!(bytes == spread, "the spread report's bytes differ");
}

/// A form starts from the state of the page that shows it (`pdf::forms`): what a page may leave
/// set between items, the form sets itself, and nothing else may be in force at a `Do` of one.
/// Checked on a real report, the reader's name in three scripts in its header.
#[test]
fn a_report_shows_its_header_form_from_a_state_the_form_sets() {
    let doc = Document::load_mem(&report("Ana Ωμέγα 山田")).unwrap();
    // Set by the pen only before use, so a form sets them too: colours, line style, font,
    // word spacing. Never written: whatever else a form would inherit.
    const NEVER: &[&str] = &["Tc", "Tz", "TL", "W", "W*", "gs", "J", "j", "M", "d0", "d1"];
    let mut forms = BTreeSet::new();
    for (number, id) in doc.get_pages() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
        let (mut text, mut saved, mut rise, mut mode) = (false, 0usize, 0.0f32, 0i64);
        let mut marked: Vec<(Vec<u8>, bool)> = Vec::new();
        let mut shown = 0;
        for op in &content.operations {
            let operand = |i: usize| op.operands[i].as_float().unwrap();
            match op.operator.as_str() {
                never if NEVER.contains(&never) => panic!("page {number}: `{never}`"),
                "BT" => text = true,
                "ET" => text = false,
                "q" => saved += 1,
                "Q" => saved -= 1,
                "cm" => assert!(saved > 0, "page {number}: cm outside q … Q"),
                "Ts" => rise = operand(0),
                "Tr" => mode = op.operands[0].as_i64().unwrap(),
                "BDC" | "BMC" => {
                    let pagination = op
                        .operands
                        .get(1)
                        .and_then(|p| p.as_dict().ok())
                        .and_then(|p| p.get(b"Type").ok())
                        .is_some_and(|t| t.as_name().ok() == Some(b"Pagination"));
                    marked.push((op.operands[0].as_name().unwrap().to_vec(), pagination));
                }
                "EMC" => {
                    marked.pop();
                }
                "Do" => {
                    let name = op.operands[0].as_name().unwrap();
                    if !name.starts_with(b"Fm") {
                        continue;
                    }
                    shown += 1;
                    forms.insert(name.to_vec());
                    assert!(!text && saved == 0, "page {number}: a form inside BT or q");
                    assert!(
                        rise == 0.0 && mode == 0,
                        "page {number}: rise or render mode"
                    );
                    assert_eq!(
                        marked,
                        [(b"Artifact".to_vec(), true)],
                        "page {number}: the form outside its pagination artifact"
                    );
                }
                _ => {}
            }
        }
        // The cover's footer has no header above it: it stays in its page.
        assert_eq!(shown, usize::from(number > 1), "page {number}");
    }
    assert_eq!(forms.len(), 1, "one header and footer for pages 2–24");
    let page = doc.get_pages()[&2];
    let resources = doc
        .get_dictionary(page)
        .and_then(|p| p.get(b"Resources"))
        .and_then(Object::as_reference)
        .and_then(|r| doc.get_dictionary(r))
        .unwrap();
    let xobjects = resources
        .get(b"XObject")
        .and_then(Object::as_reference)
        .and_then(|x| doc.get_dictionary(x))
        .unwrap();
    let form = doc
        .get_object(xobjects.get(b"Fm1").unwrap().as_reference().unwrap())
        .and_then(Object::as_stream)
        .unwrap();
    let ops = lopdf::content::Content::decode(&form.decompressed_content().unwrap())
        .unwrap()
        .operations;
    let first = |operator: &str| ops.iter().position(|op| op.operator == operator);
    for set in ["cs", "sc", "Tf", "Tw"] {
        assert!(
            first(set).unwrap() < first("TJ").or(first("Tj")).unwrap(),
            "the form shows text before it sets {set}"
        );
    }
    assert!(
        first("CS").unwrap() < first("S").unwrap() && first("w").unwrap() < first("S").unwrap()
    );
    assert_eq!(
        ops.iter().filter(|op| op.operator == "BT").count(),
        ops.iter().filter(|op| op.operator == "ET").count()
    );
}
