//! End-to-end tests of the `riskreport` binary on the fixture files in `tests/fixtures/`: every
//! test runs the real executable in a fresh temporary directory and checks its exit status,
//! standard output, standard error and the files it writes.

// Tests report to the test harness, which captures standard error; the binary logs through tracing.
#![allow(clippy::disallowed_macros)]

#[path = "cli/util.rs"]
mod util;

#[path = "cli/bad_input.rs"]
mod bad_input;
#[path = "cli/batch.rs"]
mod batch;
#[path = "cli/email.rs"]
mod email;
#[path = "cli/email_faults.rs"]
mod email_faults;
#[path = "cli/hostile_fs.rs"]
mod hostile_fs;
#[path = "cli/quirks.rs"]
mod quirks;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/score.rs"]
mod score;
#[path = "cli/scripts.rs"]
mod scripts;
#[path = "cli/usage.rs"]
mod usage;
