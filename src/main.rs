//! riskreport: validates AI career risk audits, scores them and renders personalised reports.

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
mod pool;
mod report;
mod sample;
mod score;
mod store;
mod text;

fn main() -> std::process::ExitCode {
    cli::main()
}
