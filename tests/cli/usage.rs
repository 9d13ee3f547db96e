//! The command line itself: version, help, bad arguments, a missing input file.

use crate::util::{assert_has, run};

#[test]
fn version() {
    let r = run(&["--version"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!("riskreport {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn validate_help() {
    let r = run(&["validate", "--help"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_has(
        "help",
        &r.stdout,
        &[
            "Usage: riskreport validate [OPTIONS] <FILE>",
            "--rejects <PATH>",
            "Example:",
        ],
    );
}

#[test]
fn score_help() {
    let r = run(&["score", "--help"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_has(
        "help",
        &r.stdout,
        &[
            "Usage: riskreport score [OPTIONS] <FILE>",
            "--format <FORMAT>",
            "--out <DIR>",
            "json",
        ],
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["validate"][..],
        &["score", "x.csv", "--format", "xml"],
        &["frobnicate"],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: stderr:\n{}", r.stderr);
        assert!(
            r.stderr.starts_with("error: "),
            "{args:?}: stderr:\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: stdout:\n{}", r.stdout);
    }
}

#[test]
fn missing_input_file_exits_2_naming_the_path() {
    for cmd in ["validate", "score"] {
        let r = run(&[cmd, "no-such-audits.csv"]);
        assert_eq!(r.code, 2, "{cmd}: stderr:\n{}", r.stderr);
        assert!(r.stdout.is_empty(), "{cmd}: stdout:\n{}", r.stdout);
        assert!(
            r.stderr
                .starts_with("error: cannot open no-such-audits.csv: "),
            "{cmd}: stderr:\n{}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{cmd}: stderr:\n{}", r.stderr);
        // The cause is printed once, not repeated by the error chain.
        assert_eq!(
            r.stderr.matches("(os error").count(),
            1,
            "{cmd}: stderr:\n{}",
            r.stderr
        );
    }
}
