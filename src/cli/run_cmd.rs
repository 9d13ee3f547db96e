//! `riskreport run` (the batch over a whole file) and `riskreport render` (chosen ids): both
//! write PDFs atomically to `DIR/reports/<audit_id>.pdf` and record them in the ledger.

use super::args::{RenderArgs, RunArgs};
use super::Outcome;
use crate::batch::pipeline::{self, Options};
use crate::batch::progress::Mode;
use crate::batch::shard::Shard;
use crate::batch::{missing_warning, Renderer};
use crate::input;
use crate::store::ledger::{Ledger, RunStatus};
use crate::store::lock::RunLock;
use anyhow::{bail, Context};

pub fn run(renderer: &Renderer, args: RunArgs, quiet: bool) -> anyhow::Result<Outcome> {
    // Mail settings are checked before the long render, so a mistake there costs nothing.
    let mail = if args.email {
        let mut s = super::email::settings(&args.mail)?;
        s.brand = renderer.layouts.style.brand.clone();
        Some(s)
    } else {
        let resend =
            args.mail.resend || args.mail.resend_uncertain || !args.mail.resend_ids.is_empty();
        if resend || super::email::mail_flags_given() {
            tracing::warn!("email options given without --email: nothing is emailed");
        }
        None
    };
    let shard = match args.shard {
        Some(s) => s,
        None => Shard::from_env()?.unwrap_or(Shard::ALL),
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let progress = if quiet {
        Mode::Quiet
    } else if args.no_progress {
        Mode::Lines
    } else {
        Mode::Auto
    };
    let opts = Options {
        out: args.out.clone(),
        jobs,
        force: args.force,
        shard,
        progress,
    };
    let stop = super::signals::stop_flag()?;
    let s = pipeline::run(renderer, &args.file, &opts, &stop)?;
    let line = format!(
        "{} rows: {} rendered, {} unchanged, {} rejected, {} failed{} in {:.1} s ({:.1} reports/s, {} job{}); summary in {}/summary.json",
        s.rows,
        s.rendered,
        s.unchanged,
        s.rejected,
        s.failed,
        if s.other_shard > 0 { format!(", {} in other shards", s.other_shard) } else { String::new() },
        s.seconds,
        s.reports_per_second,
        s.jobs,
        if s.jobs == 1 { "" } else { "s" },
        args.out.display()
    );
    if !quiet {
        tracing::info!("{line}");
        if s.rendered == 0 && s.unchanged > 0 && s.status != RunStatus::Interrupted {
            tracing::info!("nothing to render: every report is up to date (use --force to render them all again)");
        }
        if s.rejected > 0 {
            tracing::info!("rejected rows and the reasons: {}", s.rejects_csv);
        }
    }
    if s.status == RunStatus::Interrupted {
        tracing::info!("interrupted: the reports in flight were finished and recorded. Run the same command again to resume; finished reports are skipped.");
    }
    if mail.is_none() {
        // The email phase backs the ledger up at its end; a run without one does it here.
        match Ledger::open(&args.out).and_then(|l| l.backup()) {
            Ok(p) => tracing::debug!("ledger backed up to {}", p.display()),
            Err(e) => tracing::warn!("could not back up the ledger: {e:#}"),
        }
    }
    let mut clean = s.status == RunStatus::Ok;
    if let Some(settings) = mail.filter(|_| s.status != RunStatus::Interrupted) {
        let e = super::email::email_phase(&settings, &args.out, &args.mail, quiet, &stop)?;
        clean &= !e.has_failures();
    }
    Ok(if clean {
        Outcome::Clean
    } else {
        Outcome::WithRejects
    })
}

fn wanted_ids(args: &RenderArgs) -> anyhow::Result<Vec<String>> {
    let mut ids = args.ids.clone();
    if let Some(p) = &args.ids_from {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        ids.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    if ids.is_empty() {
        bail!("no audit ids given: use --id ID or --ids-from FILE");
    }
    Ok(ids)
}

/// The audit ids `render` was asked for, checked against `-o`.
pub fn render_ids(args: &RenderArgs) -> anyhow::Result<Vec<String>> {
    let ids = wanted_ids(args)?;
    if args.output.is_some() && ids.len() != 1 {
        bail!("-o names one file; give exactly one --id with it, or use --out DIR for several");
    }
    Ok(ids)
}

/// What `render` holds while it writes into the output directory: the run lock and the
/// ledger (neither with `-o`, which writes a loose copy outside it).
pub struct Held {
    _lock: Option<RunLock>,
    ledger: Option<Ledger>,
}

pub fn hold(args: &RenderArgs) -> anyhow::Result<Held> {
    let ledger_dir = args.output.is_none().then_some(&args.out);
    let lock = ledger_dir.map(|d| RunLock::acquire(d)).transpose()?;
    let ledger = ledger_dir.map(|d| Ledger::open(d)).transpose()?;
    if let Some(l) = &ledger {
        l.keep_log_on_close()?;
    }
    Ok(Held {
        _lock: lock,
        ledger,
    })
}

pub fn render(
    renderer: &Renderer,
    args: RenderArgs,
    ids: Vec<String>,
    held: Held,
) -> anyhow::Result<Outcome> {
    let mut reader = input::open(&args.file, &renderer.catalog)?;
    // A local, so it closes before `held`'s lock is released (parameters drop last).
    let mut ledger = held.ledger;
    let mut wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut failures = 0;
    // Only the wanted rows are validated (the others just claim their ids for duplicate
    // detection), and reading stops once every wanted id was found.
    loop {
        let next = {
            let w = &wanted;
            reader.next_wanted(&|id| w.contains(&id))
        };
        let Some(item) = next else { break };
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
                let path = match &args.output {
                    Some(p) => p.clone(),
                    None => {
                        crate::store::layout::prepare(&args.out)?;
                        crate::store::layout::report_pdf(&args.out, &id)
                    }
                };
                let fp = pipeline::fingerprint(renderer, &audit);
                // One report at a time: its pages are spread over the cores.
                match pipeline::render_to_file(renderer, &audit, fp, &path, true) {
                    Ok((record, missing)) => {
                        if let Some(l) = ledger.as_mut() {
                            l.record_render(&record)?;
                        }
                        if let Some(w) =
                            missing_warning(&args.file, audit.line, &audit.audit_id, &missing)
                        {
                            tracing::warn!("{w}");
                        }
                        tracing::info!(
                            "{id}: score {} → {}",
                            record.score.unwrap_or_default(),
                            path.display()
                        );
                    }
                    Err(e) => {
                        failures += 1;
                        tracing::error!(
                            "{}, line {} (audit_id {id}): {e:#}",
                            args.file.display(),
                            audit.line
                        );
                    }
                }
            }
            Err(r) => {
                failures += 1;
                tracing::error!(
                    "`{id}` was rejected, so it has no report; fix the row and render again:\n{r}"
                );
            }
        }
        if wanted.is_empty() {
            break;
        }
    }
    for id in &wanted {
        failures += 1;
        tracing::error!("no row with audit_id `{id}` in {}", args.file.display());
    }
    Ok(if failures > 0 {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}
