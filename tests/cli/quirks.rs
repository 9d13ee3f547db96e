//! Exports as real tools write them, all accepted: BOM, `;` with decimal commas, CRLF, RFC 4180
//! quoting, any column order, extra columns, shares off by one, names in any script.

use crate::util::{assert_has, fixture, run, run_in, tempdir, Run, REJECTS_HEADER};

/// `validate` and `score` both accept every row of the fixture; returns the `score` run.
fn assert_clean(fixture_name: &str, ids: &[&str]) -> Run {
    let path = fixture(fixture_name);
    let v = run(&["validate", &path]);
    assert_eq!(
        v.code, 0,
        "validate {fixture_name}: stdout:\n{}\nstderr:\n{}",
        v.stdout, v.stderr
    );
    assert_eq!(
        v.stdout,
        format!("{path}: {} valid rows, 0 rejected\n", ids.len()),
        "validate {fixture_name}"
    );

    let s = run(&["score", &path, "--out", "out"]);
    assert_eq!(s.code, 0, "score {fixture_name}: stderr:\n{}", s.stderr);
    assert_eq!(s.scored_ids(), ids, "score {fixture_name}");
    assert_has(
        "score stderr",
        &s.stderr,
        &[&format!("scored {} audits, rejected 0", ids.len())],
    );
    assert_eq!(s.read("out/rejects.csv").trim_end(), REJECTS_HEADER);
    s
}

fn no_warning(r: &Run) {
    assert!(
        !r.stderr.contains("warning"),
        "unexpected warning:\n{}",
        r.stderr
    );
}

#[test]
fn utf8_byte_order_mark() {
    let bytes = std::fs::read(fixture("bom.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFaudit_id,"));
    no_warning(&assert_clean("bom.csv", &["be-001", "be-002"]));
}

#[test]
fn semicolon_separated_with_decimal_comma() {
    let s = assert_clean(
        "semicolon_decimal_comma.csv",
        &["be-001", "be-002", "be-003"],
    );
    no_warning(&s);
    // The row with `7,5` years scores exactly like the same row written with a comma
    // separator and `7.5`.
    let text = std::fs::read_to_string(fixture("semicolon_decimal_comma.csv")).unwrap();
    let bad_row = text.lines().nth(3).unwrap();
    assert!(
        bad_row.contains(";\"7,5\";") || bad_row.contains(";7,5;"),
        "{bad_row}"
    );
    let dir = tempdir();
    let comma = "audit_id,submitted_at,email,full_name,job_title,role,industry,years_experience,tasks,ai_tools,ai_usage,country,consent_email\n\
        be-003,2026-03-03T08:15:00Z,marta@example.com,Marta Nowak,Backend Developer,backend-developer,technology,7.5,crud-endpoints=40;code-review=30;mentoring=30,claude,monthly,PL,yes\n";
    std::fs::write(dir.path().join("comma.csv"), comma).unwrap();
    let c = run_in(dir, &["score", "comma.csv", "--out", "out"]);
    assert_eq!(c.code, 0, "stderr:\n{}", c.stderr);
    assert_eq!(s.stdout.lines().nth(3), c.stdout.lines().nth(1));
}

#[test]
fn crlf_line_endings() {
    let bytes = std::fs::read(fixture("crlf.csv")).unwrap();
    assert_eq!(
        bytes.windows(2).filter(|w| w == b"\r\n").count(),
        4,
        "header and three rows end with CRLF"
    );
    no_warning(&assert_clean("crlf.csv", &["be-001", "be-002", "be-003"]));
}

#[test]
fn rfc4180_quoted_fields_with_commas_and_doubled_quotes() {
    let text = std::fs::read_to_string(fixture("quoted_fields.csv")).unwrap();
    assert!(
        text.contains(r#""Wei, Li ""Lee""""#)
            && text.contains(r#""Backend Engineer, Payments, EMEA""#)
    );
    no_warning(&assert_clean("quoted_fields.csv", &["be-001", "be-002"]));
}

#[test]
fn columns_in_another_order() {
    let text = std::fs::read_to_string(fixture("reordered_columns.csv")).unwrap();
    assert!(text.starts_with("consent_email,country,"));
    no_warning(&assert_clean(
        "reordered_columns.csv",
        &["be-001", "be-002", "be-003"],
    ));
}

#[test]
fn unknown_extra_column_warns_once_by_name() {
    let path = fixture("extra_column.csv");
    let v = run(&["validate", &path]);
    assert_eq!(v.code, 0, "stderr:\n{}", v.stderr);
    assert_eq!(
        v.stderr,
        format!("warning: {path}: ignoring unknown column: favourite_colour\n")
    );
    let s = assert_clean("extra_column.csv", &["be-001", "be-002"]);
    assert_eq!(
        s.stderr.matches("favourite_colour").count(),
        1,
        "stderr:\n{}",
        s.stderr
    );
    assert_eq!(
        s.stderr.matches("warning").count(),
        1,
        "stderr:\n{}",
        s.stderr
    );
}

#[test]
fn shares_summing_to_101_are_normalised_silently() {
    let s = assert_clean("shares_101.csv", &["be-001", "be-002", "be-003"]);
    no_warning(&s);
    assert!(!s.stderr.contains("tasks"), "stderr:\n{}", s.stderr);
}

#[test]
fn names_in_vietnamese_greek_and_cyrillic() {
    let text = std::fs::read_to_string(fixture("names_unicode.csv")).unwrap();
    assert_has(
        "fixture",
        &text,
        &[
            "Nguyễn Thị Minh Khai",
            "Γιώργος Παπαδόπουλος",
            "Светлана Иванова",
        ],
    );
    no_warning(&assert_clean(
        "names_unicode.csv",
        &["vi-001", "el-001", "ru-001"],
    ));
}
