//! riskreport: validates AI career risk audits, scores them and renders personalised reports.

mod batch;
mod catalog;
mod chart;
mod cli;
mod fonts;
mod input;
mod mail;
mod output;
mod page;
mod pdf;
mod report;
mod sample;
mod score;

fn main() -> std::process::ExitCode {
    cli::main()
}
