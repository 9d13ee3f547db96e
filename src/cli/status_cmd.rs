//! `riskreport status`: what the ledger of an output directory knows, for operators.

use super::args::{StatusArgs, StatusFormat};
use super::Outcome;
use crate::batch::ledger::{Ledger, FILE_NAME};
use anyhow::bail;

pub fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    if !args.out.join(FILE_NAME).exists() {
        bail!(
            "{} has no {FILE_NAME}: no batch has run there yet (riskreport run FILE --out {})",
            args.out.display(),
            args.out.display()
        );
    }
    let ledger = Ledger::open(&args.out)?;
    let s = ledger.summary()?;
    match args.format {
        StatusFormat::Json => println!("{}", serde_json::to_string_pretty(&s)?),
        StatusFormat::Text => {
            println!("ledger: {}", ledger.path().display());
            println!(
                "reports: {} ({} with email consent)",
                s.reports, s.consenting
            );
            let states: Vec<String> = s
                .email
                .iter()
                .map(|(state, n)| format!("{} {n}", state.as_str()))
                .collect();
            println!("email: {}", states.join(", "));
            match &s.last_run {
                Some(r) => println!(
                    "last run: {} → {}, {} ({}): {} rows, {} rendered, {} skipped, {} rejected, {} failed",
                    r.started_at,
                    r.finished_at.as_deref().unwrap_or("not finished (killed?)"),
                    r.status,
                    r.input,
                    r.counts.rows,
                    r.counts.rendered,
                    r.counts.skipped,
                    r.counts.rejected,
                    r.counts.failed
                ),
                None => println!("last run: none"),
            }
        }
    }
    Ok(Outcome::Clean)
}
