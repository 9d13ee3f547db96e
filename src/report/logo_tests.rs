//! The brand's logo from a layouts directory to the PDF, checked with qpdf and poppler, and
//! every way a logo file can be wrong.

use super::*;
use crate::catalog::Catalog;
use crate::fonts::FontSet;
use crate::page::{Item, Tag};
use crate::report::{render, Layouts};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logo.png");

/// A copy of the built-in layouts in `dir` whose brand has `logo = "<logo>"` (none when
/// `None`); the caller puts the file.
fn layouts_dir(dir: &Path, logo: Option<&str>) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("layouts");
    let out = dir.join("layouts");
    std::fs::create_dir_all(out.join("pages")).unwrap();
    for name in super::super::templates::PAGE_NAMES {
        let rel = format!("pages/{name}.j2");
        std::fs::copy(root.join(&rel), out.join(&rel)).unwrap();
    }
    std::fs::copy(root.join("running.j2"), out.join("running.j2")).unwrap();
    let mut style = std::fs::read_to_string(root.join("style.toml")).unwrap();
    if let Some(logo) = logo {
        style = style.replacen("[brand]\n", &format!("[brand]\nlogo = \"{logo}\"\n"), 1);
    }
    std::fs::write(out.join("style.toml"), style).unwrap();
    out
}

fn with_fixture(dir: &Path) -> PathBuf {
    let layouts = layouts_dir(dir, Some("brand/logo.png"));
    std::fs::create_dir_all(layouts.join("brand")).unwrap();
    std::fs::copy(FIXTURE, layouts.join("brand/logo.png")).unwrap();
    layouts
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

/// The images of `items` with whether each lies inside an artifact.
fn images(items: &[Item]) -> Vec<(crate::page::Rect, bool)> {
    let mut stack: Vec<bool> = Vec::new();
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Open(tag) => {
                let artifact = matches!(tag, Tag::Artifact { .. });
                stack.push(artifact || stack.last().copied().unwrap_or(false));
            }
            Item::Close => {
                stack.pop();
            }
            Item::Image { rect, .. } => out.push((*rect, stack.last().copied().unwrap_or(false))),
            _ => {}
        }
    }
    out
}

#[test]
fn a_logo_stands_on_the_cover_and_in_the_running_header_as_one_image_xobject() {
    let tmp = tempfile::TempDir::new().unwrap();
    let layouts = Layouts::from_dir(&with_fixture(tmp.path())).unwrap();
    let plain = Layouts::from_dir(&layouts_dir(&tmp.path().join("plain"), None)).unwrap();
    assert_ne!(
        layouts.fingerprint, plain.fingerprint,
        "a logo renders the reports again"
    );
    let catalog = Catalog::builtin();
    let fonts = FontSet::builtin();
    let audit = crate::score::fixtures::typical(&catalog, "backend-developer");
    let a = crate::score::assess(&audit, &catalog).unwrap();
    let doc = render(&a, &catalog, &layouts, &fonts).unwrap().document;

    // The cover: one logo, 9 pt high like the square it replaces, 3:1 like the file.
    let cover = images(&doc.pages[0].items);
    assert_eq!(cover.len(), 1, "one logo on the cover");
    let (r, artifact) = cover[0];
    assert!(artifact, "the brand's name beside it says it in words");
    assert!(
        (r.h - 9.0).abs() < 0.01 && (r.w - 27.0).abs() < 0.01,
        "{r:?}"
    );
    let no_square = !doc.pages[0].items.iter().any(|i| {
        matches!(i, Item::Shape(s) if matches!(s.shape, crate::page::Shape::Rect(q)
            if q.w == 9.0 && q.h == 9.0))
    });
    assert!(no_square, "the logo takes the square's place");
    // Every other page: one logo in the header, left of the brand's label.
    for (i, page) in doc.pages.iter().enumerate().skip(1) {
        let found = images(&page.items);
        assert_eq!(found.len(), 1, "page {}", i + 1);
        let (r, artifact) = found[0];
        assert!(artifact && r.bottom() < layouts.style.page.margin_top);
        let label = page
            .items
            .iter()
            .find_map(|it| match it {
                Item::Text(t) if &*t.text == "AI CAREER RISK AUDIT" => Some(t.x),
                _ => None,
            })
            .expect("the header's label");
        assert!(
            r.right() < label,
            "page {}: {r:?} overlaps the label",
            i + 1
        );
    }
    // The built-in layouts keep the square and draw no image.
    let builtin = render(&a, &catalog, &Layouts::builtin(), &fonts).unwrap();
    assert!(builtin
        .document
        .pages
        .iter()
        .all(|p| images(&p.items).is_empty()));

    let bytes = crate::pdf::write(&doc, &fonts).unwrap();
    let again = crate::pdf::write(
        &render(&a, &catalog, &layouts, &fonts).unwrap().document,
        &fonts,
    )
    .unwrap();
    assert!(bytes == again, "a re-render gives the same bytes");
    std::fs::write(tmp.path().join("r.pdf"), &bytes).unwrap();
    tool(tmp.path(), "qpdf", &["--check", "r.pdf"]);
    // page num type width height color comp bpc enc interp object ID …
    let list = tool(tmp.path(), "pdfimages", &["-list", "r.pdf"]);
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows.len(),
        2 * doc.pages.len(),
        "an image and its mask a page:\n{list}"
    );
    for pair in rows.chunks(2) {
        assert_eq!(&pair[0][2..7], ["image", "240", "80", "rgb", "3"], "{list}");
        assert_eq!(
            &pair[1][2..7],
            ["smask", "240", "80", "gray", "1"],
            "{list}"
        );
        // Object 'ID' of every row is the first page's: one XObject, shared.
        assert_eq!(pair[0][10], rows[0][10], "{list}");
    }
    let lo = lopdf::Document::load_mem(&bytes).unwrap();
    let images: Vec<&lopdf::Stream> = lo
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image"))
        .collect();
    assert_eq!(images.len(), 2, "the image and its SMask, once");
    for s in &images {
        assert_eq!(
            s.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"FlateDecode"
        );
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&s.content[..])
            .read_to_end(&mut raw)
            .unwrap();
        let channels = if s.dict.has(b"SMask") { 3 } else { 1 };
        assert_eq!(raw.len(), 240 * 80 * channels);
    }
}

#[test]
fn every_png_colour_type_decodes_to_rgb_and_alpha() {
    let inflate = |z: &[u8]| {
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut raw)
            .unwrap();
        raw
    };
    let encode = |color: png::ColorType,
                  depth: png::BitDepth,
                  data: &[u8],
                  extra: &dyn Fn(&mut png::Encoder<&mut Vec<u8>>)| {
        let mut out = Vec::new();
        {
            let mut e = png::Encoder::new(&mut out, 2, 1);
            e.set_color(color);
            e.set_depth(depth);
            extra(&mut e);
            e.write_header().unwrap().write_image_data(data).unwrap();
        }
        out
    };
    use png::{BitDepth as D, ColorType as C};
    let none = |_: &mut png::Encoder<&mut Vec<u8>>| {};
    /// A file, the RGB of its two pixels and their alpha.
    type Case = (Vec<u8>, [u8; 6], Option<[u8; 2]>);
    let cases: Vec<Case> = vec![
        (
            encode(C::Grayscale, D::Eight, &[0, 200], &none),
            [0, 0, 0, 200, 200, 200],
            None,
        ),
        (
            encode(C::GrayscaleAlpha, D::Eight, &[10, 255, 20, 0], &none),
            [10, 10, 10, 20, 20, 20],
            Some([255, 0]),
        ),
        (
            encode(
                C::Rgb,
                D::Sixteen,
                &[1, 0, 2, 0, 3, 0, 255, 255, 0, 0, 128, 0],
                &none,
            ),
            [1, 2, 3, 255, 0, 128],
            None,
        ),
        (
            encode(C::Indexed, D::Eight, &[1, 0], &|e| {
                e.set_palette(vec![9, 8, 7, 50, 60, 70]);
                e.set_trns(vec![0, 255]);
            }),
            [50, 60, 70, 9, 8, 7],
            Some([255, 0]),
        ),
        // A fully opaque alpha channel is no SMask.
        (
            encode(C::Rgba, D::Eight, &[1, 2, 3, 255, 4, 5, 6, 255], &none),
            [1, 2, 3, 4, 5, 6],
            None,
        ),
    ];
    for (i, (file, rgb, alpha)) in cases.into_iter().enumerate() {
        let image = decode(&file).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!((image.width, image.height), (2, 1));
        assert_eq!(inflate(&image.rgb), rgb, "case {i}");
        assert_eq!(
            image.alpha.as_deref().map(inflate),
            alpha.map(|a| a.to_vec()),
            "case {i}"
        );
    }
}

#[test]
fn a_bad_logo_is_refused_at_start_up_naming_the_file_the_cause_and_the_fix() {
    let tmp = tempfile::TempDir::new().unwrap();
    let fixture = std::fs::read(FIXTURE).unwrap();
    let mut huge = fixture.clone();
    huge.resize(MAX_BYTES as usize + 1, 0);
    /// A name, the logo's path, its content (none: no file) and words the error must say.
    type Case<'a> = (&'a str, &'a str, Option<Vec<u8>>, &'a [&'a str]);
    let cases: Vec<Case> = vec![
        (
            "missing",
            "brand/logo.png",
            None,
            &["cannot be read", "remove the `logo` line"],
        ),
        (
            "text",
            "logo.png",
            Some(b"not an image at all".to_vec()),
            &["is not a PNG file", "save the logo as a PNG"],
        ),
        (
            "corrupt",
            "logo.png",
            Some(fixture[..fixture.len() / 2].to_vec()),
            &["is not a readable PNG", "save the logo as a PNG"],
        ),
        (
            "bytes",
            "logo.png",
            Some(huge),
            &["is 2.0 MiB, more than the 2 MiB", "export it smaller"],
        ),
        (
            "pixels",
            "logo.png",
            Some(encode_test_png(4001, 2, false)),
            &["4001×2 pixels", "at most 4000 pixels a side"],
        ),
        (
            "svg",
            "logo.svg",
            Some(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()),
            &[
                "is an SVG",
                "only PNG logos are supported",
                "export it as PNG",
            ],
        ),
        (
            "svg-named-png",
            "logo.png",
            Some(b"<?xml version='1.0'?><svg/>".to_vec()),
            &["is an SVG file, and only PNG logos are supported"],
        ),
        ("directory", "brand", Some(Vec::new()), &["is not a file"]),
    ];
    for (case, rel, content, words) in cases {
        let dir = tmp.path().join(case);
        let layouts = layouts_dir(&dir, Some(rel));
        match (case, content) {
            ("directory", _) => std::fs::create_dir_all(layouts.join(rel)).unwrap(),
            (_, Some(bytes)) => std::fs::write(layouts.join(rel), bytes).unwrap(),
            (_, None) => {}
        }
        let message = match Layouts::from_dir(&layouts) {
            Ok(_) => panic!("{case}: the logo was accepted"),
            Err(e) => format!("{e:#}"),
        };
        let path = layouts.join(rel).display().to_string();
        assert!(message.contains(&path), "{case}: names the file: {message}");
        assert!(
            message.contains("[brand]"),
            "{case}: says where it is set: {message}"
        );
        for w in words {
            assert!(message.contains(w), "{case}: {w:?} missing from: {message}");
        }
    }
    // The fixture itself is fine, and small.
    assert!(fixture.len() < 8 * 1024);
    let ok = layouts_dir(&tmp.path().join("ok"), Some("logo.png"));
    std::fs::write(ok.join("logo.png"), &fixture).unwrap();
    Layouts::from_dir(&ok).unwrap();
}
