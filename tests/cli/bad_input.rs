//! Files that cannot be read at all (exit 2) and rows that break a rule (exit 1, the other rows
//! still scored): each message names the line, the column and how to fix it.

use crate::util::{
    assert_has, fixture, run, run_in, tempdir, Run, HEADER, REJECTS_HEADER, VALID_ROWS,
};

/// `validate` and `score` both stop with exit 2, a message naming the file and `words`, and
/// `score` writes nothing.
fn assert_file_refused(path: &str, run_with: impl Fn(&[&str]) -> Run, words: &[&str]) {
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    let v = run_with(&["validate", path]);
    assert_eq!(
        v.code, 2,
        "validate {name}: stdout:\n{}\nstderr:\n{}",
        v.stdout, v.stderr
    );
    assert!(
        v.stdout.is_empty(),
        "validate {name} printed:\n{}",
        v.stdout
    );
    assert!(v.stderr.starts_with("error: "), "stderr:\n{}", v.stderr);
    assert_has("stderr", &v.stderr, &[name]);
    assert_has("stderr", &v.stderr, words);

    let s = run_with(&["score", path, "--out", "out"]);
    assert_eq!(s.code, 2, "score {name}: stderr:\n{}", s.stderr);
    assert!(s.stdout.is_empty(), "score {name} printed:\n{}", s.stdout);
    assert_has("stderr", &s.stderr, words);
    assert!(
        !s.dir.path().join("out").exists(),
        "score {name} wrote output"
    );
}

fn refused(fixture_name: &str, words: &[&str]) {
    assert_file_refused(&fixture(fixture_name), run, words);
}

/// Writes `bytes` to `name` in a fresh directory and checks that file is refused.
fn generated_refused(name: &str, bytes: &[u8], words: &[&str]) {
    let run_with = |args: &[&str]| {
        let dir = tempdir();
        std::fs::write(dir.path().join(name), bytes).unwrap();
        run_in(dir, args)
    };
    assert_file_refused(name, run_with, words);
}

/// One expected rejected row: its line, the column named, and key words of the reason.
struct Expect<'a> {
    line: u64,
    column: &'a str,
    words: &'a [&'a str],
}

/// `validate` reports exactly `expected` (line, column, fix) and exit 1; `validate --rejects` and
/// `score --out` write them to a rejects CSV; `score` still scores be-001 and be-002.
fn assert_rows_rejected(run_with: impl Fn(&[&str]) -> Run, path: &str, expected: &[Expect]) {
    let v = run_with(&["validate", path, "--rejects", "rejects.csv"]);
    assert_eq!(
        v.code, 1,
        "validate: stdout:\n{}\nstderr:\n{}",
        v.stdout, v.stderr
    );
    assert!(v.stderr.is_empty(), "validate stderr:\n{}", v.stderr);
    for e in expected {
        let msg = v.message_for_line(e.line);
        assert_has("message", msg, &[&format!(", column {}: ", e.column)]);
        assert_has("message", msg, e.words);
    }
    assert_eq!(
        v.stdout.lines().count(),
        expected.len() + 1,
        "one message per problem and a summary:\n{}",
        v.stdout
    );
    assert_has(
        "summary",
        v.stdout.lines().last().unwrap(),
        &[&format!(": 2 valid rows, {} rejected", expected.len())],
    );
    assert_rejects_csv(&v.read("rejects.csv"), expected);

    let s = run_with(&["score", path, "--out", "out"]);
    assert_eq!(s.code, 1, "score stderr:\n{}", s.stderr);
    assert_eq!(s.scored_ids(), ["be-001", "be-002"]);
    assert_has(
        "score stderr",
        &s.stderr,
        &[&format!("scored 2 audits, rejected {}", expected.len())],
    );
    assert_rejects_csv(&s.read("out/rejects.csv"), expected);
}

fn assert_rejects_csv(csv: &str, expected: &[Expect]) {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(REJECTS_HEADER), "rejects.csv:\n{csv}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), expected.len(), "rejects.csv:\n{csv}");
    for (row, e) in rows.iter().zip(expected) {
        assert!(
            row.starts_with(&format!("{},", e.line)),
            "rejects.csv row {row:?} is not line {}",
            e.line
        );
        assert_has("rejects.csv row", row, &[&format!(",{},", e.column)]);
    }
}

/// The fixture has be-001 and be-002 valid and one rejected row at `line`.
fn rejected(fixture_name: &str, line: u64, column: &str, words: &[&str]) {
    assert_rows_rejected(
        run,
        &fixture(fixture_name),
        &[Expect {
            line,
            column,
            words,
        }],
    );
}

// --- the file cannot be read: exit 2 ---

#[test]
fn empty_file_is_refused() {
    refused(
        "empty.csv",
        &["is empty", "expected a header row naming the columns"],
    );
}

#[test]
fn file_without_header_is_refused() {
    refused(
        "no_header.csv",
        &[
            "the first line is not a header",
            "Add a header row: audit_id,",
        ],
    );
}

#[test]
fn missing_required_column_is_named() {
    refused(
        "missing_column.csv",
        &["required column missing from the header: email."],
    );
}

#[test]
fn column_named_twice_is_refused() {
    refused(
        "duplicate_column.csv",
        &["names column `email` twice", "remove one"],
    );
}

#[test]
fn latin1_file_is_refused_with_line_byte_and_fix() {
    let bytes = std::fs::read(fixture("latin1.csv")).unwrap();
    assert!(
        bytes.contains(&0xE9) && std::str::from_utf8(&bytes).is_err(),
        "the fixture must stay Latin-1"
    );
    refused(
        "latin1.csv",
        &["is not UTF-8", "line 3", "0xE9", "Latin-1", "iconv"],
    );
}

#[test]
fn binary_file_is_refused() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    generated_refused(
        "audits.csv",
        png,
        &[
            "looks like a binary file",
            "NUL byte",
            "export the audits as CSV",
        ],
    );
}

#[test]
fn byte_order_mark_alone_is_an_empty_file() {
    generated_refused("bom-only.csv", b"\xEF\xBB\xBF", &["is empty"]);
}

#[test]
fn header_only_is_clean_with_a_note() {
    let v = run(&["validate", &fixture("header_only.csv")]);
    assert_eq!(v.code, 0, "stderr:\n{}", v.stderr);
    assert_has(
        "stdout",
        &v.stdout,
        &[
            "0 valid rows, 0 rejected",
            "note: the file has a header but no audit rows",
        ],
    );

    let s = run(&["score", &fixture("header_only.csv"), "--out", "out"]);
    assert_eq!(s.code, 0, "stderr:\n{}", s.stderr);
    assert!(s.scored_ids().is_empty());
    assert_has("stderr", &s.stderr, &["scored 0 audits, rejected 0"]);
    assert_eq!(s.read("out/rejects.csv").trim_end(), REJECTS_HEADER);
}

// --- rows rejected: exit 1, the valid rows still score ---

#[test]
fn duplicate_audit_id_names_the_first_line() {
    rejected(
        "duplicate_id.csv",
        4,
        "audit_id",
        &["`be-001` is already used on line 2", "unique"],
    );
}

#[test]
fn audit_id_with_path_traversal() {
    rejected(
        "id_dotdot.csv",
        4,
        "audit_id",
        &[
            "`../etc/passwd` contains",
            "use only letters A–Z, digits, '_' and '-'",
        ],
    );
}

#[test]
fn audit_id_with_spaces() {
    rejected(
        "id_spaces.csv",
        4,
        "audit_id",
        &["`be 003` contains \" \"", "use only letters"],
    );
}

#[test]
fn audit_id_of_65_characters() {
    rejected(
        "id_65_chars.csv",
        4,
        "audit_id",
        &["is 65 characters long; the limit is 64"],
    );
}

#[test]
fn audit_id_of_40_non_ascii_characters_is_about_characters_not_length() {
    rejected(
        "id_non_ascii.csv",
        4,
        "audit_id",
        &["contains", "use only letters"],
    );
    let v = run(&["validate", &fixture("id_non_ascii.csv")]);
    assert!(
        !v.stdout.contains("characters long"),
        "a 40-character id is not too long:\n{}",
        v.stdout
    );
}

#[test]
fn invalid_email() {
    rejected(
        "email_invalid.csv",
        4,
        "email",
        &[
            "`marta.example.com` is not a valid email address",
            "name@example.com",
        ],
    );
}

#[test]
fn email_with_line_break_inside_quotes() {
    // The bad row starts on line 3 and spans two lines; be-002 follows on line 5.
    rejected(
        "email_crlf.csv",
        3,
        "email",
        &["contains a line break", "write the bare address only"],
    );
    let v = run(&["validate", &fixture("email_crlf.csv")]);
    assert!(
        !v.stdout.contains("Bcc"),
        "the header-injection text is not echoed:\n{}",
        v.stdout
    );
}

#[test]
fn email_with_display_name() {
    rejected(
        "email_display_name.csv",
        4,
        "email",
        &[
            "has a display name",
            "write the bare address only, e.g. ana@example.com",
        ],
    );
}

#[test]
fn full_name_empty() {
    rejected(
        "name_empty.csv",
        4,
        "full_name",
        &["is empty or only spaces"],
    );
}

#[test]
fn full_name_only_spaces() {
    rejected(
        "name_only_spaces.csv",
        4,
        "full_name",
        &["is empty or only spaces"],
    );
}

#[test]
fn full_name_of_121_characters() {
    // 121 × "Ж": 242 bytes, so the limit must count characters.
    rejected(
        "name_121_chars.csv",
        4,
        "full_name",
        &["is 121 characters long; the limit is 120"],
    );
}

#[test]
fn full_name_with_tab_or_bell() {
    let words: &[&str] = &["contains a control character", "remove it"];
    assert_rows_rejected(
        run,
        &fixture("name_control_char.csv"),
        &[
            Expect {
                line: 4,
                column: "full_name",
                words,
            },
            Expect {
                line: 5,
                column: "full_name",
                words,
            },
        ],
    );
}

#[test]
fn job_title_matching_no_role_with_empty_role_column() {
    rejected(
        "title_no_role.csv",
        4,
        "job_title",
        &[
            "`Pastry Chef` matches no role of the catalog",
            "fill the role column with the closest key, e.g. `",
        ],
    );
}

#[test]
fn task_shares_summing_to_80() {
    rejected(
        "shares_80.csv",
        4,
        "tasks",
        &["the shares add up to 80%", "must add up to 100"],
    );
}

#[test]
fn unknown_task_key_suggests_the_closest() {
    rejected(
        "unknown_task.csv",
        4,
        "tasks",
        &[
            "`crud-endpoint` is not a task of backend-developer",
            "did you mean `crud-endpoints`",
            "Valid keys: crud-endpoints,",
        ],
    );
}

#[test]
fn negative_years() {
    rejected(
        "years_negative.csv",
        4,
        "years_experience",
        &["the value -1 is outside 0–60"],
    );
}

#[test]
fn sixty_one_years() {
    rejected(
        "years_61.csv",
        4,
        "years_experience",
        &["the value 61 is outside 0–60"],
    );
}

#[test]
fn unknown_tool_suggests_the_closest() {
    rejected(
        "unknown_tool.csv",
        4,
        "ai_tools",
        &[
            "`copilott` is not a tool of the catalog",
            "did you mean `copilot`",
        ],
    );
}

#[test]
fn consent_maybe() {
    rejected(
        "consent_maybe.csv",
        4,
        "consent_email",
        &["`maybe` is not a yes/no answer", "write true or false"],
    );
}

#[test]
fn row_with_too_many_fields() {
    rejected(
        "too_many_fields.csv",
        4,
        "(row)",
        &[
            "the row has 14 fields but the header has 13",
            "double quotes",
        ],
    );
}

#[test]
fn a_cell_over_64_kib_is_rejected_without_stopping_the_batch() {
    let dir = tempdir();
    let huge = "x".repeat(100 * 1024);
    let csv = format!(
        "{HEADER}\n{VALID_ROWS}be-003,2026-03-03T08:15:00Z,marta@example.com,\"{huge}\",Backend Developer,backend-developer,technology,10,crud-endpoints=40;code-review=30;mentoring=30,claude,monthly,PL,yes\n"
    );
    std::fs::write(dir.path().join("big.csv"), csv).unwrap();
    let big = dir.path().join("big.csv");
    let big = big.to_str().unwrap().to_string();
    assert_rows_rejected(
        run,
        &big,
        &[Expect {
            line: 4,
            column: "full_name",
            words: &["the value is 102400 bytes long; the limit is 65536 bytes"],
        }],
    );
    let v = run(&["validate", &big]);
    assert!(
        v.stdout.len() < 1000,
        "the huge cell is not echoed ({} bytes of stdout)",
        v.stdout.len()
    );
}

#[test]
fn crlf_line_endings_keep_line_numbers() {
    let dir = tempdir();
    let text = std::fs::read_to_string(fixture("duplicate_id.csv")).unwrap();
    assert!(!text.contains('\r'));
    std::fs::write(dir.path().join("dup-crlf.csv"), text.replace('\n', "\r\n")).unwrap();
    let path = dir
        .path()
        .join("dup-crlf.csv")
        .to_str()
        .unwrap()
        .to_string();
    assert_rows_rejected(
        run,
        &path,
        &[Expect {
            line: 4,
            column: "audit_id",
            words: &["already used on line 2"],
        }],
    );
}

/// Peak resident memory (KiB) of `riskreport ARGS` run in `dir`, and what it printed; measured
/// by the kernel through `getrusage` in a Python parent, which has no other children.
fn peak_kib(dir: &std::path::Path, args: &[&str]) -> (u64, String) {
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg("import resource,subprocess,sys\nr=subprocess.run(sys.argv[1:],capture_output=True,text=True)\nsys.stderr.write(r.stdout)\nprint(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        .arg(env!("CARGO_BIN_EXE_riskreport"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&o.stdout);
    let mut it = said.split_whitespace();
    let code: i32 = it.next().unwrap().parse().unwrap();
    let kib: u64 = it.next().unwrap().parse().unwrap();
    assert_eq!(code, 1, "{said}");
    (kib, String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn a_row_of_100_mb_is_rejected_without_being_held_in_memory() {
    let t = tempdir();
    let mut csv = format!("{HEADER}\n{VALID_ROWS}").into_bytes();
    // Line 4: one quoted cell of 100 MB with line breaks in it; line 5 and on: rows after it.
    csv.extend_from_slice(b"big-1,2026-03-01T09:00:00Z,a@example.com,\"");
    for _ in 0..100 {
        csv.extend(std::iter::repeat_n(b'x', (1 << 20) - 1));
        csv.push(b'\n');
    }
    csv.extend_from_slice(b"\",x,,,1,a=100,,,,true\n");
    csv.extend_from_slice(VALID_ROWS.replace("be-00", "af-00").as_bytes());
    std::fs::write(t.path().join("big.csv"), &csv).unwrap();
    let (kib, stdout) = peak_kib(t.path(), &["validate", "big.csv"]);
    assert!(
        stdout.contains("big.csv: 4 valid rows, 1 rejected"),
        "the rows after it are read:\n{stdout}"
    );
    let msg = stdout
        .lines()
        .find(|l| l.starts_with("line 4 (audit_id big-1), column (row): the row is "))
        .unwrap_or_else(|| panic!("no message for line 4:\n{stdout}"));
    assert_has("the message", msg, &["104857", "1 MiB", "quote"]);
    // The cell alone is 100 MB; the whole process stays far below it.
    assert!(kib < 40 * 1024, "peak memory {kib} KiB");

    // A quote that is never closed swallows the file: one reject, the same small memory.
    let mut csv =
        format!("{HEADER}\n{VALID_ROWS}open-1,2026-03-01T09:00:00Z,\"a@example.com\n").into_bytes();
    for i in 0..20_000 {
        csv.extend_from_slice(VALID_ROWS.replace("be-00", &format!("r{i}-")).as_bytes());
    }
    std::fs::write(t.path().join("open.csv"), &csv).unwrap();
    let (kib, stdout) = peak_kib(t.path(), &["validate", "open.csv"]);
    assert!(
        stdout.contains("open.csv: 2 valid rows, 1 rejected"),
        "{stdout}"
    );
    assert!(stdout.contains("line 4 (audit_id open-1)"), "{stdout}");
    assert!(kib < 40 * 1024, "peak memory {kib} KiB");
}
