//! `score`: one line per valid audit in CSV or JSON, rejects to `DIR/rejects.csv`.

use crate::util::{assert_has, fixture, run, REJECTS_HEADER, SCORE_HEADER};

const KEYS: [&str; 11] = [
    "audit_id",
    "role",
    "score",
    "band",
    "automation_pct",
    "horizon",
    "resilience",
    "adaptability",
    "peers_safer_pct",
    "range_low",
    "range_high",
];

#[test]
fn csv_output_has_the_documented_columns_and_numbers() {
    let s = run(&["score", &fixture("bom.csv"), "--out", "out"]);
    assert_eq!(s.code, 0, "stderr:\n{}", s.stderr);
    assert_eq!(SCORE_HEADER, KEYS.join(","));
    let lines: Vec<&str> = s.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "stdout:\n{}", s.stdout);
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), KEYS.len(), "{line}");
        assert_eq!(cells[1], "backend-developer", "{line}");
        let score: i32 = cells[2]
            .parse()
            .unwrap_or_else(|_| panic!("score in {line}"));
        assert!((0..=100).contains(&score), "{line}");
        let (low, high): (i32, i32) = (cells[9].parse().unwrap(), cells[10].parse().unwrap());
        assert!(
            low <= score && score <= high,
            "the range holds the score: {line}"
        );
    }
}

#[test]
fn json_output_is_one_array_of_objects() {
    let s = run(&[
        "score",
        &fixture("duplicate_id.csv"),
        "--format",
        "json",
        "--out",
        "out",
    ]);
    assert_eq!(s.code, 1, "stderr:\n{}", s.stderr);
    let body = s.stdout.trim();
    assert!(
        body.starts_with('[') && body.ends_with(']'),
        "stdout:\n{}",
        s.stdout
    );
    let inner = body[1..body.len() - 1].trim();
    let objects: Vec<&str> = inner.split(",\n").map(str::trim).collect();
    assert_eq!(objects.len(), 2, "stdout:\n{}", s.stdout);
    for (obj, id) in objects.iter().zip(["be-001", "be-002"]) {
        assert!(obj.starts_with('{') && obj.ends_with('}'), "{obj}");
        assert_eq!(obj.matches('{').count(), 1, "{obj}");
        assert_eq!(obj.matches('}').count(), 1, "{obj}");
        assert!(
            obj.starts_with(&format!(
                "{{\"audit_id\":\"{id}\",\"role\":\"backend-developer\","
            )),
            "{obj}"
        );
        for key in KEYS {
            assert_eq!(
                obj.matches(&format!("\"{key}\":")).count(),
                1,
                "{key} in {obj}"
            );
        }
    }
    assert_eq!(s.read("out/rejects.csv").lines().count(), 2);
}

#[test]
fn json_output_with_no_rows_is_an_empty_array() {
    let s = run(&[
        "score",
        &fixture("header_only.csv"),
        "--format",
        "json",
        "--out",
        "out",
    ]);
    assert_eq!(s.code, 0, "stderr:\n{}", s.stderr);
    assert_eq!(s.stdout, "[]\n");
}

#[test]
fn rejects_go_to_the_out_directory_which_is_created() {
    let s = run(&[
        "score",
        &fixture("unknown_task.csv"),
        "--out",
        "runs/2026/out",
    ]);
    assert_eq!(s.code, 1, "stderr:\n{}", s.stderr);
    assert_eq!(s.scored_ids(), ["be-001", "be-002"]);
    let rejects = s.read("runs/2026/out/rejects.csv");
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], REJECTS_HEADER);
    assert!(lines[1].starts_with("4,be-003,tasks,"), "{rejects}");
    assert_has("rejects.csv", lines[1], &["did you mean `crud-endpoints`"]);
    assert_has(
        "stderr",
        &s.stderr,
        &["rejected 1", "runs/2026/out/rejects.csv"],
    );
}

#[test]
fn rejects_default_to_output_in_the_working_directory() {
    let s = run(&["score", &fixture("consent_maybe.csv")]);
    assert_eq!(s.code, 1, "stderr:\n{}", s.stderr);
    let rejects = s.read("output/rejects.csv");
    assert!(
        rejects.starts_with(&format!("{REJECTS_HEADER}\n4,be-003,consent_email,")),
        "{rejects}"
    );
}

#[test]
fn rejects_csv_defuses_formula_cells() {
    let dir = crate::util::tempdir();
    let text = std::fs::read_to_string(fixture("duplicate_id.csv")).unwrap();
    let formula = text.replacen("\nbe-002,", "\n=cmd|' /C calc'!A0,", 1);
    std::fs::write(dir.path().join("formula.csv"), formula).unwrap();
    let s = crate::util::run_in(dir, &["score", "formula.csv", "--out", "out"]);
    assert_eq!(s.code, 1, "stderr:\n{}", s.stderr);
    assert_eq!(s.scored_ids(), ["be-001"]);
    let rejects = s.read("out/rejects.csv");
    assert!(
        rejects.contains("\n3,'=cmd|' /C calc'!A0,audit_id,"),
        "{rejects}"
    );
}
