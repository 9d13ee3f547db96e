//! riskreport: validates AI career risk audits, scores them and renders personalised reports.

/// `eprintln!` that never panics: std's panics when standard error is closed or a broken pipe
/// (`riskreport send … 2>&1 | true`), and a message about the work must never stop the work.
/// Defined before the modules, so it shadows std's everywhere in the crate.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod batch;
mod catalog;
mod chart;
mod cli;
mod failpoint;
mod fonts;
mod input;
mod mail;
mod page;
mod pdf;
mod report;
mod sample;
mod score;
mod store;

fn main() -> std::process::ExitCode {
    cli::main()
}
