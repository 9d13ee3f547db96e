//! `riskreport sample`: deterministic realistic audits, for demos, tests and benchmarks.

use super::args::SampleArgs;
use super::Outcome;
use crate::catalog::Catalog;
use anyhow::Context;

pub fn run(catalog: &Catalog, args: SampleArgs) -> anyhow::Result<Outcome> {
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            crate::sample::write_sample(
                catalog,
                args.rows,
                args.seed,
                std::io::BufWriter::new(file),
            )?;
        }
        None => crate::sample::write_sample(
            catalog,
            args.rows,
            args.seed,
            std::io::BufWriter::new(std::io::stdout().lock()),
        )?,
    }
    Ok(Outcome::Clean)
}
