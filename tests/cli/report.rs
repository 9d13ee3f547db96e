//! The report end to end: `run` and `render` write real PDFs, which independent tools (lopdf,
//! pdftotext, pdffonts, qpdf) must accept: exactly 24 pages, fonts embedded and subset, and the
//! reader's name, score and top task in the text layer.

use crate::util::{fixture, run};
use std::path::Path;
use std::process::Command;

fn page_count(path: &Path) -> usize {
    let doc = lopdf::Document::load(path)
        .unwrap_or_else(|e| panic!("lopdf cannot parse {}: {e}", path.display()));
    doc.get_pages().len()
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!(
            "{name} is needed by the tests (Debian poppler-utils / qpdf; .ci/run installs it): {e}"
        )
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Collapses whitespace so phrases broken over lines still match.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (audit_id, full_name, score, top task label) from `score` output plus the fixture itself.
fn expectations(file: &str) -> Vec<(String, String, String)> {
    let scored = run(&["score", &fixture(file), "--format", "csv"]);
    let mut csv = csv::Reader::from_path(fixture(file)).unwrap();
    let names: Vec<(String, String)> = csv
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[3].trim().to_string()))
        .collect();
    scored
        .scored_ids()
        .iter()
        .zip(scored.stdout.lines().skip(1))
        .map(|(id, line)| {
            let score = line.split(',').nth(2).unwrap().to_string();
            let name = names.iter().find(|(i, _)| i == id).unwrap().1.clone();
            (id.to_string(), name, score)
        })
        .collect()
}

#[test]
fn extreme_rows_give_24_valid_pages_each_with_name_score_and_fonts() {
    let r = run(&["run", &fixture("extremes.csv"), "--out", "out"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    // Every name in the fixture, the CJK one included, has a built-in face.
    assert!(!r.stderr.contains("no font has"), "stderr:\n{}", r.stderr);
    for (id, name, score) in expectations("extremes.csv") {
        let pdf = r.dir.path().join("out/reports").join(format!("{id}.pdf"));
        assert_eq!(page_count(&pdf), 24, "{id}");
        let p = pdf.to_str().unwrap();
        let text = squash(&tool("pdftotext", &["-enc", "UTF-8", p, "-"]));
        let probe = squash(&name).split(' ').next_back().unwrap().to_string();
        assert!(
            text.contains(&probe),
            "{id}: name part {probe:?} not in the text layer"
        );
        assert!(text.contains("Page 24 of 24"), "{id}: footer");
        assert!(text.contains(&score), "{id}: score {score}");
        assert!(
            text.contains("Informational analysis only"),
            "{id}: disclaimer"
        );
        tool("qpdf", &["--check", p]);
        let fonts = tool("pdffonts", &[p]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{id}: no fonts");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(row.contains('+'), "{id}: font not subset: {row}");
            let n = cols.len();
            assert_eq!(
                (cols[n - 5], cols[n - 4]),
                ("yes", "yes"),
                "{id}: font not embedded and subset: {row}"
            );
        }
    }
}

#[test]
fn every_sample_row_gives_exactly_24_pages_and_the_same_bytes_twice() {
    let first = run(&["run", &fixture("../../input/audits.csv"), "--out", "out"]);
    assert_eq!(first.code, 0, "stderr:\n{}", first.stderr);
    let dir = first.dir.path().join("out/reports");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(page_count(&path), 24, "{}", path.display());
        n += 1;
    }
    assert_eq!(n, 500);
    let again = run(&[
        "render",
        &fixture("../../input/audits.csv"),
        "--id",
        "a-2026-11-00007",
        "-o",
        "again.pdf",
    ]);
    assert_eq!(again.code, 0, "stderr:\n{}", again.stderr);
    let a = std::fs::read(dir.join("a-2026-11-00007.pdf")).unwrap();
    let b = std::fs::read(again.dir.path().join("again.pdf")).unwrap();
    assert!(a == b, "the same input must give byte-identical PDFs");
}

#[test]
fn render_explains_unknown_and_rejected_ids() {
    let r = run(&[
        "render",
        &fixture("duplicate_id.csv"),
        "--id",
        "nope",
        "--id",
        "be-001",
    ]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains("no row with audit_id `nope`"),
        "{}",
        r.stderr
    );
    assert!(r.dir.path().join("output/reports/be-001.pdf").exists());
}

/// `render --id` validates only the rows it was asked for: problems in the others are not
/// its business, but a requested row with a problem is reported with the reason.
#[test]
fn render_reports_problems_of_requested_rows_only() {
    let dir = crate::util::tempdir();
    let bad = "bad-1,2026-03-01T09:00:00Z,x@example.com,Jo Kim,Backend Engineer,backend-developer,technology,sixty,crud-endpoints=50;schema-design=50,,never,KR,true\n";
    let csv = format!("{}\n{bad}{}", crate::util::HEADER, crate::util::VALID_ROWS);
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    let r = crate::util::run_in(dir, &["render", "in.csv", "--id", "be-002", "-o", "x.pdf"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(!r.stderr.contains("bad-1"), "{}", r.stderr);
    assert!(r.dir.path().join("x.pdf").exists());
    let r = crate::util::run_in(r.dir, &["render", "in.csv", "--id", "bad-1", "-o", "y.pdf"]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains("`bad-1` was rejected") && r.stderr.contains("years_experience"),
        "{}",
        r.stderr
    );
    assert!(!r.dir.path().join("y.pdf").exists());
}

#[test]
fn the_reader_is_addressed_by_the_preferred_name_or_the_whole_name() {
    let dir = crate::util::tempdir();
    let header = format!("{},preferred_name", crate::util::HEADER);
    let row = |id: &str, name: &str, preferred: &str| {
        format!("{id},2026-03-01T09:00:00Z,{id}@example.com,{name},Senior Backend Engineer,backend-developer,technology,7,crud-endpoints=50;schema-design=50,copilot,weekly,KR,true,{preferred}\n")
    };
    let long = "Ж".repeat(121);
    let csv = format!(
        "{header}\n{}{}{}",
        row("p-1", "Sun Haoran", "Haoran"),
        row("p-2", "Jo Kim", ""),
        row("p-3", "Ana Silva", &long)
    );
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    let r = crate::util::run_in(dir, &["run", "in.csv", "--out", "out"]);
    assert_eq!(r.code, 1, "one row is rejected:\n{}", r.stderr);
    let rejects = r.read("out/rejects.csv");
    assert!(
        rejects.contains("p-3,preferred_name,is 121 characters long"),
        "{rejects}"
    );
    let page3 = |id: &str| {
        let pdf = r.dir.path().join(format!("out/reports/{id}.pdf"));
        squash(&tool(
            "pdftotext",
            &["-f", "3", "-l", "3", pdf.to_str().unwrap(), "-"],
        ))
    };
    assert!(
        page3("p-1").contains("Haoran, your personal AI"),
        "{}",
        page3("p-1")
    );
    // Without a preferred name, the whole name: "Kim" (a guess from KR) would be wrong.
    assert!(
        page3("p-2").contains("Jo Kim, your personal AI"),
        "{}",
        page3("p-2")
    );
}
