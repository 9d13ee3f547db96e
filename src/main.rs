//! riskreport: validates AI career risk audits, scores them and renders personalised reports.

mod catalog;
mod chart;
mod fonts;
mod page;
mod pdf;
mod cli;
mod input;
mod output;
mod sample;
mod report;
mod score;
mod batch;

fn main() -> std::process::ExitCode {
    cli::main()
}
