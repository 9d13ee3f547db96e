//! Names in every script the issue lists (Arabic, Persian, Hebrew, Devanagari, Bengali, Tamil,
//! Thai, Chinese, Japanese, Korean, Ethiopic, Georgian, Armenian, Latin+CJK, Vietnamese) render
//! with no warning, and independent tools read them back: pdftotext gives the exact NFC name on
//! the cover and in the running header, pdffonts shows every face embedded and subset, and the
//! covers of five scripts look like their reference images.

use crate::util::{fixture, run};
use std::path::Path;
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed by the tests (.ci/run installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// pdftotext's lines of page `page`, without the bidi embedding marks it wraps right-to-left
/// lines in (they are its output format, not the PDF's text).
fn page_lines(pdf: &str, page: usize) -> Vec<String> {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        &["-enc", "UTF-8", "-f", &p, "-l", &p, pdf, "-"],
    );
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| l.replace(['\u{202A}', '\u{202B}', '\u{202C}'], ""))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// (audit_id, full_name) of the fixture.
fn names() -> Vec<(String, String)> {
    let mut csv = csv::Reader::from_path(fixture("scripts.csv")).unwrap();
    csv.records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[3].to_string()))
        .collect()
}

#[test]
fn names_in_every_script_render_without_warning_and_read_back_exactly() {
    let r = run(&["run", &fixture("scripts.csv"), "--out", "out"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(
        !r.stderr.contains("no font has") && !r.stderr.contains('\u{FFFD}'),
        "stderr:\n{}",
        r.stderr
    );
    let names = names();
    assert_eq!(names.len(), 19);
    for (id, name) in names {
        let pdf = r.dir.path().join("out/reports").join(format!("{id}.pdf"));
        let p = pdf.to_str().unwrap();
        let cover = page_lines(p, 1);
        assert!(
            cover.contains(&name),
            "{id}: the cover does not read back {name:?}:\n{cover:#?}"
        );
        let header = page_lines(p, 2);
        assert!(
            header.iter().take(3).any(|l| *l == name),
            "{id}: the header of page 2 does not read back {name:?}:\n{header:#?}"
        );
        let all = String::from_utf8(tool("pdftotext", &["-enc", "UTF-8", p, "-"])).unwrap();
        assert!(!all.contains('\u{FFFD}'), "{id}: a replacement character");
        let fonts = String::from_utf8(tool("pdffonts", &[p])).unwrap();
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 2, "{id}: {fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert!(row.contains('+'), "{id}: font not subset: {row}");
            assert_eq!(
                (cols[n - 5], cols[n - 4], cols[n - 3]),
                ("yes", "yes", "yes"),
                "{id}: font not embedded, subset and mapped to Unicode: {row}"
            );
        }
    }
}

/// A binary greyscale PGM (P5): width, height, pixels.
fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5", "not a binary PGM");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[i + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

/// The cover's name line at 50 dpi, greyscale.
fn name_strip(pdf: &Path) -> Vec<u8> {
    let p = pdf.to_str().unwrap();
    let args = [
        "-r", "50", "-gray", "-f", "1", "-l", "1", "-x", "30", "-y", "95", "-W", "300", "-H", "34",
        p,
    ];
    let out = Command::new("pdftoppm")
        .args(args)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(out.status.success());
    out.stdout
}

#[test]
fn covers_look_like_their_reference_images() {
    let r = run(&["run", &fixture("scripts.csv"), "--out", "out"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let bless = std::env::var_os("RISKREPORT_BLESS").is_some();
    for script in ["ar", "he", "hi", "zh", "th"] {
        let pdf = r
            .dir
            .path()
            .join("out/reports")
            .join(format!("a-x-{script}.pdf"));
        let got = name_strip(&pdf);
        let reference = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/covers")
            .join(format!("{script}.pgm"));
        if bless {
            std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
            std::fs::write(&reference, &got).unwrap();
            continue;
        }
        let want =
            std::fs::read(&reference).unwrap_or_else(|e| panic!("{}: {e}", reference.display()));
        let (gw, gh, g) = read_pgm(&got);
        let (ww, wh, w) = read_pgm(&want);
        assert_eq!((gw, gh), (ww, wh), "{script}: image size");
        // Anti-aliasing may differ between poppler versions; a wrong glyph, a reversed word or
        // a missing name moves the mean by far more.
        let diff: u64 = g
            .iter()
            .zip(&w)
            .map(|(a, b)| (*a as i32 - *b as i32).unsigned_abs() as u64)
            .sum();
        let mean = diff as f64 / g.len() as f64;
        assert!(mean < 2.0, "{script}: mean pixel difference {mean:.2}");
        // The strip is not empty: the name is there (white on the accent band).
        assert!(
            g.iter().filter(|&&p| p > 180).count() > 60,
            "{script}: no name drawn"
        );
    }
}
