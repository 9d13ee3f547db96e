//! `riskreport validate`: every problem of every row, then a one-line verdict.

use super::args::ValidateArgs;
use super::{print_warnings, Outcome};
use crate::catalog::Catalog;
use crate::input::{self, RejectWriter};
use crate::store::atomic::AtomicFile;
use anyhow::Context;
use std::io::Write;

pub fn run(catalog: &Catalog, args: ValidateArgs) -> anyhow::Result<Outcome> {
    if let Some(p) = &args.rejects {
        crate::store::atomic::refuse_same_file(&args.file, p, "--rejects")?;
    }
    let reader = input::open(&args.file, catalog)?;
    print_warnings(&reader);
    // Written beside its target and renamed at the end: nothing is replaced until it is whole.
    let mut rejects_out = match &args.rejects {
        Some(p) => Some(RejectWriter::new(AtomicFile::create(p)?)?),
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut valid, mut rejected) = (0u64, 0u64);
    for item in reader {
        match item {
            Ok(_) => valid += 1,
            Err(r) => {
                rejected += 1;
                writeln!(out, "{r}")?;
                if let Some(w) = rejects_out.as_mut() {
                    w.write(&r)?;
                }
            }
        }
    }
    if let (Some(w), Some(p)) = (rejects_out, &args.rejects) {
        w.finish()?
            .commit()
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    writeln!(
        out,
        "{}: {valid} valid row{}, {rejected} rejected",
        args.file.display(),
        plural(valid),
    )?;
    if valid + rejected == 0 {
        writeln!(out, "note: the file has a header but no audit rows")?;
    }
    out.flush()?;
    Ok(if rejected > 0 {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
