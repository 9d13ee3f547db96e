//! Hostile filesystem: nothing is written outside `--out`, planted links are never followed,
//! leftovers of killed runs are removed, an output is never the input.

use crate::util::{tempdir, wait_until_stopped, Tmpfs};
use std::path::Path;
use std::process::Command;

fn rr(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_riskreport"))
        .args(args)
        .current_dir(dir)
        .env_remove("RISKREPORT_FAILPOINT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr,
    )
}

fn sample(dir: &Path, rows: usize) {
    let (code, _, err) = rr(
        dir,
        &["sample", "--rows", &rows.to_string(), "-o", "audits.csv"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn planted_links_in_the_output_are_never_followed() {
    let t = tempdir();
    sample(t.path(), 3);
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let secret = t.path().join("secret.txt");
    std::fs::write(&secret, b"do not touch").unwrap();
    let first_pdf = std::fs::read_dir(t.path().join("out/reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .unwrap();
    for link in [
        t.path().join("out/summary.json"),
        t.path().join("out/rejects.csv"),
        first_pdf.clone(),
    ] {
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&secret, &link).unwrap();
    }
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&secret).unwrap(), b"do not touch");
    assert!(std::fs::read(&first_pdf).unwrap().starts_with(b"%PDF"));
    assert!(!std::fs::symlink_metadata(&first_pdf)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_reports_directory_that_is_a_link_is_refused() {
    let t = tempdir();
    sample(t.path(), 2);
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(t.path().join("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, t.path().join("out/reports")).unwrap();
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written there"
    );
}

#[test]
fn leftovers_of_killed_runs_are_removed_everywhere() {
    let t = tempdir();
    sample(t.path(), 2);
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let left = [
        "out/.summary.json.4242.tmp",
        "out/.rejects.csv.4242.00ff.tmp",
        "out/reports/.x.pdf.4242.tmp",
    ];
    for l in left {
        std::fs::write(t.path().join(l), b"half").unwrap();
    }
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    for l in left {
        assert!(!t.path().join(l).exists(), "{l} left behind");
    }
    assert!(err.contains("removed 3 temporary file(s)"), "{err}");
}

#[test]
fn an_output_is_never_the_input() {
    let t = tempdir();
    sample(t.path(), 3);
    let before = std::fs::read(t.path().join("audits.csv")).unwrap();
    let (code, _, err) = rr(
        t.path(),
        &["validate", "audits.csv", "--rejects", "audits.csv"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the input file"), "{err}");
    assert_eq!(std::fs::read(t.path().join("audits.csv")).unwrap(), before);
    std::fs::create_dir_all(t.path().join("out")).unwrap();
    std::fs::hard_link(
        t.path().join("audits.csv"),
        t.path().join("out/rejects.csv"),
    )
    .unwrap();
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(t.path().join("audits.csv")).unwrap(), before);
    // A separate rejects file is written whole, as before.
    let (code, _, err) = rr(t.path(), &["validate", "audits.csv", "--rejects", "r.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(t.path().join("r.csv"))
        .unwrap()
        .starts_with("line,audit_id"));
}

#[test]
fn score_csv_defuses_formula_cells() {
    let t = tempdir();
    sample(t.path(), 2);
    let text = std::fs::read_to_string(t.path().join("audits.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let comma = lines[1].find(',').unwrap();
    lines[1] = format!("-2-3{}", &lines[1][comma..]);
    std::fs::write(t.path().join("audits.csv"), lines.join("\n") + "\n").unwrap();
    let (code, out, err) = rr(t.path(), &["score", "audits.csv", "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().any(|l| l.starts_with("'-2-3,")), "{out}");
}

/// Whatever `validate` accepts, `run` renders: the shipped sample's profiles with the longest
/// and strangest names and titles the rules allow.
#[test]
fn extreme_names_and_titles_on_real_profiles_all_render() {
    let t = tempdir();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("input/audits.csv");
    let mut r = csv::Reader::from_path(&src).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (name, title, role) = (col("full_name"), col("job_title"), col("role"));
    let names = [
        "—".repeat(119),
        "W".repeat(120),
        "::columns Smith".to_string(),
        "**Ann** # Lee > [risk]".to_string(),
        "Maximiliana-Alexandrovna ".repeat(4).trim().to_string(),
        "Zoë Ŀ Ǆ ﬁ e\u{301}\u{308} Ωμέγα Дмитрий".to_string(),
    ];
    let mut w = csv::Writer::from_path(t.path().join("x.csv")).unwrap();
    w.write_record(&h).unwrap();
    let mut n = 0;
    for (i, rec) in r.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if rec[role].is_empty() {
            continue; // the title must then match a role; here it may be anything
        }
        rec[name] = names[i % names.len()].clone();
        rec[title] = match i % 3 {
            0 => "Principal Staff Engineer, "
                .repeat(8)
                .chars()
                .take(200)
                .collect(),
            1 => "—".repeat(200),
            _ => rec[title].clone(),
        };
        w.write_record(&rec).unwrap();
        n += 1;
        if n == 48 {
            break;
        }
    }
    w.flush().unwrap();
    drop(w);
    let (code, out, err) = rr(t.path(), &["validate", "x.csv"]);
    assert_eq!(code, 0, "all inside the rules: {out}{err}");
    let (code, _, err) = rr(t.path(), &["run", "x.csv", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{n} rows: {n} rendered")), "{err}");
}

/// Runs `run` stopped (SIGSTOP) at the 50th row read, lets `meanwhile` change the world, then
/// lets it go on (SIGCONT); its exit code and standard error.
fn run_paused_at_row_50(dir: &Path, meanwhile: impl FnOnce()) -> (i32, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_riskreport"))
        .args(["run", "audits.csv", "--out", "out", "--jobs", "2"])
        .current_dir(dir)
        .env("RISKREPORT_FAILPOINT", "batch-row@50:stop")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    wait_until_stopped(pid, 120, "never reached row 50");
    meanwhile();
    assert!(Command::new("kill")
        .args(["-CONT", &pid.to_string()])
        .status()
        .unwrap()
        .success());
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn an_input_truncated_during_the_run_is_not_reported_as_done() {
    let t = tempdir();
    sample(t.path(), 120);
    let input = t.path().join("audits.csv");
    // Untouched: the pause alone changes nothing.
    let (code, err) = run_paused_at_row_50(t.path(), || {});
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(t.path().join("out")).unwrap();
    // Truncated at a line boundary while the run is at row 50.
    let (code, err) = run_paused_at_row_50(t.path(), || {
        let text = std::fs::read_to_string(&input).unwrap();
        let keep: Vec<&str> = text.lines().take(81).collect();
        std::fs::write(&input, keep.join("\n") + "\n").unwrap();
    });
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("changed while it was being read"), "{err}");
    let summary = std::fs::read_to_string(t.path().join("out/summary.json")).unwrap();
    assert!(
        summary.contains("\"status\": \"input-changed\""),
        "{summary}"
    );
}

#[test]
fn utf16_exports_are_read_like_utf8() {
    let t = tempdir();
    sample(t.path(), 20);
    let text = std::fs::read_to_string(t.path().join("audits.csv")).unwrap();
    // Spreadsheets' "Unicode text": UTF-16 with a byte-order mark, either byte order, CRLF.
    let crlf = text.replace('\n', "\r\n");
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(crlf.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(crlf.encode_utf16().flat_map(|u| u.to_be_bytes()))
        .collect();
    std::fs::write(t.path().join("le.csv"), le).unwrap();
    std::fs::write(t.path().join("be.csv"), be).unwrap();
    let (code, want, err) = rr(t.path(), &["score", "audits.csv", "--out", "o1"]);
    assert_eq!(code, 0, "{err}");
    for f in ["le.csv", "be.csv"] {
        let (code, got, err) = rr(t.path(), &["score", f, "--out", "o2"]);
        assert_eq!(code, 0, "{f}: {err}");
        assert_eq!(got, want, "{f}");
    }
}

/// Every PDF in `dir` is whole: begins with %PDF- and ends with %%EOF.
fn all_whole(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "a temporary file was left: {name}");
        if name.ends_with(".pdf") {
            let b = std::fs::read(&p).unwrap();
            assert!(
                b.starts_with(b"%PDF-") && b.trim_ascii_end().ends_with(b"%%EOF"),
                "{name} is cut short"
            );
            n += 1;
        }
    }
    n
}

#[test]
fn a_full_disk_names_the_file_and_the_rerun_finishes() {
    let t = tempdir();
    sample(t.path(), 6);
    let o = Command::new(env!("CARGO_BIN_EXE_riskreport"))
        .args(["run", "audits.csv", "--out", "out", "--jobs", "1"])
        .current_dir(t.path())
        .env("RISKREPORT_FAILPOINT", "pdf-write@3:enospc")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the disk is full — free space and run again"),
        "{err}"
    );
    assert!(
        err.contains("out/reports/") && err.contains(".pdf ("),
        "names the file: {err}"
    );
    assert!(
        err.contains("error: audits.csv, line 4 (audit_id "),
        "names the input row: {err}"
    );
    let summary = std::fs::read_to_string(t.path().join("out/summary.json")).unwrap();
    assert!(summary.contains("\"failed\": 4"), "{summary}");
    assert_eq!(all_whole(&t.path().join("out/reports")), 2);
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 rendered, 2 unchanged"), "{err}");
}

#[test]
fn a_real_full_disk_on_a_small_tmpfs() {
    let t = tempdir();
    sample(t.path(), 12);
    let mnt = t.path().join("small");
    // Where it cannot mount, the injected-ENOSPC test above covers the path.
    let Some(_fs) = Tmpfs::mount(&mnt, "420k", "a_real_full_disk_on_a_small_tmpfs") else {
        return;
    };
    let out = mnt.join("out");
    let (code, _, err) = rr(
        t.path(),
        &[
            "run",
            "audits.csv",
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "1",
        ],
    );
    assert_ne!(code, 0, "{err}");
    assert!(err.to_lowercase().contains("full"), "{err}");
    let whole = all_whole(&out.join("reports"));
    assert!(whole < 12, "the disk did fill: {whole}");
}

#[test]
fn status_reads_a_ledger_on_a_read_only_volume() {
    let t = tempdir();
    sample(t.path(), 3);
    let mnt = t.path().join("ro");
    let Some(_fs) = Tmpfs::mount(&mnt, "4m", "status_reads_a_ledger_on_a_read_only_volume") else {
        return;
    };
    let out = mnt.join("out");
    let out_s = out.to_str().unwrap();
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", out_s]);
    assert_eq!(code, 0, "{err}");
    assert!(Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mnt)
        .status()
        .unwrap()
        .success());
    let (code, stdout, err) = rr(t.path(), &["status", "--out", out_s]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("reports: 3"), "{stdout}");
    let (code, stdout, err) = rr(
        t.path(),
        &["status", "--out", out_s, "--pending", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("\"reports\""), "{stdout}");
}

#[test]
fn an_output_path_that_is_a_file_is_named_with_the_fix() {
    let t = tempdir();
    sample(t.path(), 2);
    std::fs::write(t.path().join("afile"), b"x").unwrap();
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "afile"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("afile exists and is not a directory"), "{err}");
    assert_eq!(err.matches("os error").count(), 0, "{err}");
    std::fs::create_dir_all(t.path().join("o2")).unwrap();
    std::fs::write(t.path().join("o2/reports"), b"x").unwrap();
    let (code, _, err) = rr(t.path(), &["run", "audits.csv", "--out", "o2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("o2/reports is a file"), "{err}");
    let (code, _, err) = rr(
        t.path(),
        &["validate", "audits.csv", "--rejects", "no/such/dir/r.csv"],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.matches("No such file or directory").count(),
        1,
        "said once: {err}"
    );
}
