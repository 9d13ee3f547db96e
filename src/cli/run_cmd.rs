//! `riskreport run` (every valid row) and `riskreport render` (chosen ids): PDFs written
//! atomically to `DIR/reports/<audit_id>.pdf`, rejects to `DIR/rejects.csv`.

use super::args::{RenderArgs, RunArgs};
use super::{print_warnings, Outcome};
use crate::batch::{missing_warning, Renderer};
use crate::input::{self, RejectWriter};
use crate::output::AtomicFile;
use anyhow::{bail, Context};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

fn write_pdf(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(renderer: &Renderer, args: RunArgs) -> anyhow::Result<Outcome> {
    let reader = input::open(&args.file, &renderer.catalog)?;
    print_warnings(&reader);
    let reports = args.out.join("reports");
    std::fs::create_dir_all(&reports)
        .with_context(|| format!("cannot create {}", reports.display()))?;
    let rejects_path = args.out.join("rejects.csv");
    let mut rejects = RejectWriter::new(AtomicFile::create(&rejects_path)?)?;
    let started = Instant::now();
    let (mut done, mut rejected, mut failed) = (0u64, 0u64, 0u64);
    for item in reader {
        match item {
            Ok(audit) => match renderer.render(&audit) {
                Ok(r) => {
                    write_pdf(&reports.join(format!("{}.pdf", audit.audit_id)), &r.pdf)?;
                    if let Some(w) = missing_warning(&audit, &r.missing) {
                        eprintln!("warning: {w}");
                    }
                    done += 1;
                }
                Err(e) => {
                    failed += 1;
                    eprintln!(
                        "error: line {} (audit_id {}): {e:#}",
                        audit.line, audit.audit_id
                    );
                }
            },
            Err(r) => {
                rejected += 1;
                rejects.write(&r)?;
            }
        }
    }
    rejects.finish()?.commit()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{done} report{} written to {} in {secs:.1} s ({:.0}/s); {rejected} row{} rejected (see {}); {failed} failed",
        if done == 1 { "" } else { "s" },
        reports.display(),
        done as f64 / secs.max(1e-9),
        if rejected == 1 { "" } else { "s" },
        rejects_path.display()
    );
    Ok(if rejected + failed > 0 {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}

pub fn render(renderer: &Renderer, args: RenderArgs) -> anyhow::Result<Outcome> {
    if args.output.is_some() && args.ids.len() != 1 {
        bail!("-o names one file; give exactly one --id with it, or use --out DIR for several");
    }
    let reader = input::open(&args.file, &renderer.catalog)?;
    let mut wanted: Vec<&str> = args.ids.iter().map(String::as_str).collect();
    let mut failures = 0;
    for item in reader {
        let (id, result) = match item {
            Ok(audit) => (audit.audit_id.clone(), Ok(audit)),
            Err(r) => (r.audit_id.clone(), Err(r)),
        };
        let Some(pos) = wanted.iter().position(|w| *w == id) else {
            continue;
        };
        wanted.remove(pos);
        match result {
            Ok(audit) => {
                let r = renderer.render(&audit)?;
                let path = match &args.output {
                    Some(p) => p.clone(),
                    None => {
                        let dir = args.out.join("reports");
                        std::fs::create_dir_all(&dir)?;
                        dir.join(format!("{id}.pdf"))
                    }
                };
                write_pdf(&path, &r.pdf)?;
                if let Some(w) = missing_warning(&audit, &r.missing) {
                    eprintln!("warning: {w}");
                }
                eprintln!("{id}: score {} → {}", r.score, path.display());
            }
            Err(r) => {
                failures += 1;
                eprintln!("error: {id} was rejected, so it has no report:\n{r}");
            }
        }
        if wanted.is_empty() {
            break;
        }
    }
    for id in &wanted {
        failures += 1;
        eprintln!(
            "error: no row with audit_id `{id}` in {}",
            args.file.display()
        );
    }
    Ok(if failures > 0 {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}
