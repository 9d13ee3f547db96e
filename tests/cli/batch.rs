//! The nightly batch: incremental re-runs, the ledger, crash safety under SIGKILL, SIGTERM,
//! the run lock, shards, progress lines, summary.json and exit statuses — on the real binary.

use crate::util::tempdir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Out {
    code: i32,
    stderr: String,
    stdout: String,
}

fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_riskreport"));
    c.args(args)
        .current_dir(dir)
        .env_remove("RISKREPORT_CATALOG")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("JOB_COMPLETIONS")
        .env_remove("RISKREPORT_LOG");
    c
}

fn out(o: Output) -> Out {
    Out {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
    }
}

fn rr(dir: &Path, args: &[&str]) -> Out {
    let o = out(cmd(dir, args).output().unwrap());
    assert!(
        !o.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        o.stderr
    );
    o
}

/// A sample input of `rows` audits in `dir`.
fn sample(dir: &Path, rows: usize) -> PathBuf {
    let o = rr(
        dir,
        &[
            "sample",
            "--rows",
            &rows.to_string(),
            "--seed",
            "11",
            "-o",
            "audits.csv",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    dir.join("audits.csv")
}

fn summary(dir: &Path, out: &str) -> serde_like::Summary {
    serde_like::Summary::read(&dir.join(out).join("summary.json"))
}

/// summary.json read with a tiny field extractor (the tests need no JSON crate).
mod serde_like {
    use std::path::Path;

    pub struct Summary(pub String);

    impl Summary {
        pub fn read(p: &Path) -> Summary {
            Summary(std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        }

        pub fn num(&self, key: &str) -> u64 {
            let pat = format!("\"{key}\": ");
            let i = self
                .0
                .find(&pat)
                .unwrap_or_else(|| panic!("no {key} in {}", self.0))
                + pat.len();
            self.0[i..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
                .parse()
                .unwrap()
        }

        pub fn text(&self, key: &str) -> String {
            let pat = format!("\"{key}\": \"");
            let i = self
                .0
                .find(&pat)
                .unwrap_or_else(|| panic!("no {key} in {}", self.0))
                + pat.len();
            self.0[i..].chars().take_while(|c| *c != '"').collect()
        }
    }
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn assert_whole_pdfs(reports: &Path) -> usize {
    let mut n = 0;
    for p in pdfs(reports) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".tmp") {
            continue;
        }
        assert!(name.ends_with(".pdf"), "unexpected file {name}");
        let doc =
            lopdf::Document::load(&p).unwrap_or_else(|e| panic!("{name} is not a whole PDF: {e}"));
        assert_eq!(doc.get_pages().len(), 24, "{name}");
        n += 1;
    }
    n
}

#[test]
fn a_second_run_renders_nothing_and_force_renders_everything() {
    let t = tempdir();
    let input = sample(t.path(), 24);
    let input = input.to_str().unwrap();
    let first = rr(t.path(), &["run", input, "--out", "out", "--jobs", "2"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let s = summary(t.path(), "out");
    assert_eq!(
        (s.num("rows"), s.num("rendered"), s.num("unchanged")),
        (24, 24, 0)
    );
    assert_eq!(s.text("status"), "ok");

    let second = rr(t.path(), &["run", input, "--out", "out"]);
    assert_eq!(second.code, 0);
    assert!(
        second.stderr.contains("nothing to render"),
        "{}",
        second.stderr
    );
    assert_eq!(summary(t.path(), "out").num("rendered"), 0);

    // A damaged and a deleted report are redone, and only they.
    let reports = t.path().join("out/reports");
    let files = pdfs(&reports);
    std::fs::write(&files[0], b"%PDF-1.7 truncated").unwrap();
    std::fs::remove_file(&files[1]).unwrap();
    let third = rr(t.path(), &["run", input, "--out", "out"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    let s = summary(t.path(), "out");
    assert_eq!((s.num("rendered"), s.num("unchanged")), (2, 22));
    assert_eq!(assert_whole_pdfs(&reports), 24);

    let forced = rr(t.path(), &["run", input, "--out", "out", "--force"]);
    assert_eq!(forced.code, 0);
    assert_eq!(summary(t.path(), "out").num("rendered"), 24);

    let status = rr(t.path(), &["status", "--out", "out"]);
    assert_eq!(status.code, 0);
    assert!(status.stdout.contains("reports: 24"), "{}", status.stdout);
}

#[test]
fn killed_runs_leave_only_whole_pdfs_and_a_rerun_finishes_every_row_once() {
    let t = tempdir();
    let input = sample(t.path(), 120);
    let input = input.to_str().unwrap();
    let reports = t.path().join("out/reports");
    // SIGKILL inside a PDF write (half its bytes in the temporary file), between its rename
    // and the ledger, and between rows; early, mid-way and late in the run.
    for point in [
        "pdf-half-written@3",
        "pdf-renamed@40",
        "batch-row@70",
        "pdf-half-written@110",
    ] {
        let o = cmd(
            t.path(),
            &["run", input, "--out", "out", "--jobs", "2", "--force"],
        )
        .env("RISKREPORT_FAILPOINT", point)
        .output()
        .unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(o.status.signal(), Some(9), "{point}: the kill landed");
        if point.starts_with("pdf-half-written") {
            let tmp = std::fs::read_dir(&reports)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .ends_with(".tmp")
                })
                .count();
            assert!(
                tmp >= 1,
                "{point}: killed with a half-written temporary file"
            );
        }
        assert_whole_pdfs(&reports);
    }
    let finish = rr(t.path(), &["run", input, "--out", "out", "--jobs", "2"]);
    assert_eq!(finish.code, 0, "{}", finish.stderr);
    let s = summary(t.path(), "out");
    assert_eq!(s.num("rendered") + s.num("unchanged"), 120);
    assert_eq!(assert_whole_pdfs(&reports), 120);
    assert!(
        pdfs(&reports)
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".tmp")),
        "temporary files left behind"
    );
    // The ledger agrees with the files: nothing is left to redo.
    let again = rr(t.path(), &["run", input, "--out", "out"]);
    assert_eq!(
        summary(t.path(), "out").num("rendered"),
        0,
        "{}",
        again.stderr
    );
    let status = rr(t.path(), &["status", "--out", "out", "--format", "json"]);
    assert!(
        status.stdout.contains("\"reports\": 120"),
        "{}",
        status.stdout
    );
}

#[test]
fn sigterm_finishes_the_reports_in_flight_and_says_how_to_resume() {
    let t = tempdir();
    let input = sample(t.path(), 150);
    let input = input.to_str().unwrap();
    // Stopped at row 30, and again once the stop request is noticed with reports in flight:
    // each SIGTERM lands at a known point, not after a guessed delay.
    let child = cmd(t.path(), &["run", input, "--out", "out", "--jobs", "1"])
        .env(
            "RISKREPORT_FAILPOINT",
            "batch-row@30:stop,batch-stopping:stop",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let signal = |sig: &str| {
        assert!(Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap()
            .success())
    };
    crate::util::wait_until_stopped(child.id(), 60, "the run reaches row 30");
    signal("-TERM");
    signal("-CONT");
    crate::util::wait_until_stopped(child.id(), 60, "the run notices the stop request");
    // Supervisors repeat SIGTERM; the second must not cut the reports in flight short.
    signal("-TERM");
    signal("-CONT");
    let o = out(child.wait_with_output().unwrap());
    assert_eq!(
        o.code, 1,
        "not 130: a second SIGTERM finishes like the first\n{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("interrupted") && o.stderr.contains("again to resume"),
        "{}",
        o.stderr
    );
    let s = summary(t.path(), "out");
    assert_eq!(s.text("status"), "interrupted");
    let done = s.num("rendered");
    assert!((30..150).contains(&done), "{done} rendered");
    assert_eq!(
        assert_whole_pdfs(&t.path().join("out/reports")) as u64,
        done,
        "every finished report is recorded"
    );
    let resumed = rr(t.path(), &["run", input, "--out", "out"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let s = summary(t.path(), "out");
    assert_eq!((s.num("rendered"), s.num("unchanged")), (150 - done, done));
}

#[test]
fn a_second_run_on_the_same_directory_is_refused_and_a_killed_holder_releases_it() {
    let t = tempdir();
    let input = sample(t.path(), 40);
    let input = input.to_str().unwrap();
    // The first run stops itself at its 20th row, holding the lock.
    let mut first = cmd(t.path(), &["run", input, "--out", "out", "--jobs", "1"])
        .env("RISKREPORT_FAILPOINT", "batch-row@20:stop")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    crate::util::wait_until_stopped(first.id(), 60, "the first run reaches row 20");
    let second = rr(t.path(), &["run", input, "--out", "out"]);
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains(&format!("in use by riskreport process {} on ", first.id())),
        "{}",
        second.stderr
    );

    // SIGKILL: nothing of the first run releases anything; the kernel does.
    first.kill().unwrap();
    first.wait().unwrap();
    let third = rr(t.path(), &["run", input, "--out", "out", "--no-progress"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert!(
        third.stderr.contains(&format!(
            "the previous run in this directory (process {} on ",
            first.id()
        )) && third.stderr.contains("ended without finishing"),
        "{}",
        third.stderr
    );
    let fourth = rr(t.path(), &["run", input, "--out", "out", "--no-progress"]);
    assert_eq!(fourth.code, 0, "{}", fourth.stderr);
    assert!(
        !fourth.stderr.contains("previous run"),
        "a clean release is not reported: {}",
        fourth.stderr
    );
}

#[test]
fn shards_cover_every_row_exactly_once() {
    let t = tempdir();
    let input = sample(t.path(), 45);
    let input = input.to_str().unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for k in 0..3 {
        let out = format!("shard-{k}");
        let o = if k == 1 {
            // The Kubernetes Indexed Job way.
            out_env(
                t.path(),
                &["run", input, "--out", &out],
                &[("JOB_COMPLETION_INDEX", "1"), ("JOB_COMPLETIONS", "3")],
            )
        } else {
            rr(
                t.path(),
                &["run", input, "--out", &out, "--shard", &format!("{k}/3")],
            )
        };
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert_eq!(summary(t.path(), &out).text("shard"), format!("{k}/3"));
        for p in pdfs(&t.path().join(&out).join("reports")) {
            *seen
                .entry(p.file_name().unwrap().to_string_lossy().into_owned())
                .or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 45);
    assert!(seen.values().all(|&n| n == 1));
    let bad = rr(t.path(), &["run", input, "--out", "x", "--shard", "3/3"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("counted from 0"), "{}", bad.stderr);
}

fn out_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut c = cmd(dir, args);
    for (k, v) in env {
        c.env(k, v);
    }
    out(c.output().unwrap())
}

#[test]
fn without_a_terminal_progress_is_plain_log_lines_and_json_logs_are_json() {
    let t = tempdir();
    let input = sample(t.path(), 40);
    let input = input.to_str().unwrap();
    let o = out_env(
        t.path(),
        &["run", input, "--out", "out", "--jobs", "1"],
        &[("RISKREPORT_PROGRESS_SECONDS", "0")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .lines()
            .any(|l| l.contains("rows/s") && l.contains("/40 rows")),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains('\u{1b}'),
        "no terminal colour codes in a log"
    );
    let j = out_env(
        t.path(),
        &[
            "--log-format",
            "json",
            "run",
            input,
            "--out",
            "out2",
            "--jobs",
            "1",
        ],
        &[("RISKREPORT_PROGRESS_SECONDS", "0")],
    );
    let line = j
        .stderr
        .lines()
        .find(|l| l.contains("rows/s"))
        .unwrap_or_else(|| panic!("{}", j.stderr));
    assert!(
        line.starts_with('{') && line.ends_with('}') && line.contains("\"level\":\"INFO\""),
        "{line}"
    );
    let quiet = rr(t.path(), &["--quiet", "run", input, "--out", "out3"]);
    assert_eq!(quiet.code, 0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

#[test]
fn exit_status_is_1_with_rejects_and_2_when_the_input_cannot_be_read() {
    let t = tempdir();
    let fixture = crate::util::fixture("duplicate_id.csv");
    let o = rr(t.path(), &["run", &fixture, "--out", "out"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let s = summary(t.path(), "out");
    assert_eq!(
        (
            s.num("rendered"),
            s.num("rejected"),
            s.text("status").as_str()
        ),
        (2, 1, "partial")
    );
    let missing = rr(t.path(), &["run", "nope.csv", "--out", "out"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.csv"));
}

#[test]
fn render_by_id_updates_the_ledger_and_explains_bad_ids() {
    let t = tempdir();
    let input = sample(t.path(), 5);
    let input = input.to_str().unwrap();
    std::fs::write(
        t.path().join("ids.txt"),
        "# ids to redo\na-2026-11-00002\n\na-2026-11-00004\n",
    )
    .unwrap();
    let o = rr(
        t.path(),
        &["render", input, "--ids-from", "ids.txt", "--id", "zzz"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("no row with audit_id `zzz`"),
        "{}",
        o.stderr
    );
    assert_eq!(pdfs(&t.path().join("output/reports")).len(), 2);
    let status = rr(t.path(), &["status"]);
    assert!(status.stdout.contains("reports: 2"), "{}", status.stdout);
    // The batch then only renders the three others.
    let run = rr(t.path(), &["run", input]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(summary(t.path(), "output").num("rendered"), 3);
}

/// Every line of `stderr` is one JSON object with a level and a message; returns the levels.
fn json_levels(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}\nin:\n{stderr}"));
            assert!(v["fields"]["message"].is_string(), "{l}");
            v["level"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn json_logs_hold_nothing_but_json_through_errors_warnings_and_email() {
    let t = tempdir();
    let input = sample(t.path(), 6);
    let input = input.to_str().unwrap();
    // Unknown column (warning), a full disk on the 2nd report (error), the closing lines.
    let text = std::fs::read_to_string(input).unwrap();
    let mut lines = text.lines();
    let mut extra = format!("{},extra\n", lines.next().unwrap());
    for l in lines {
        extra.push_str(&format!("{l},x\n"));
    }
    std::fs::write(input, extra).unwrap();
    let o = out_env(
        t.path(),
        &[
            "--log-format",
            "json",
            "run",
            input,
            "--out",
            "out",
            "--jobs",
            "1",
        ],
        &[("RISKREPORT_FAILPOINT", "pdf-write@2:enospc")],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let levels = json_levels(&o.stderr);
    for level in ["ERROR", "WARN", "INFO"] {
        assert!(
            levels.iter().any(|l| l == level),
            "no {level}:\n{}",
            o.stderr
        );
    }
    // The email phase and its closing lines, into an outbox.
    let o = rr(
        t.path(),
        &[
            "--log-format",
            "json",
            "send",
            "--out",
            "out",
            "--outbox",
            "box",
            "--from",
            "r@risk.example",
        ],
    );
    assert!(o.stderr.contains("outbox"), "{}", o.stderr);
    json_levels(&o.stderr);
    // A refusal (exit 2) is JSON too.
    let o = rr(
        t.path(),
        &["--log-format", "json", "status", "--out", "nowhere"],
    );
    assert_eq!(o.code, 2);
    assert_eq!(json_levels(&o.stderr), ["ERROR"]);
}
