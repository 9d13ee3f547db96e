//! The nightly batch: read → validate → (shard) → skip unchanged → render on N workers → write
//! atomically → record in the ledger. At most `window` rows are in flight, so memory stays flat
//! whatever the file size. A stop request (SIGINT/SIGTERM) stops reading, lets the reports in
//! flight finish and records them; a kill at any point leaves only whole PDFs behind.

use super::progress::{Counts, Mode, Progress};
use super::shard::Shard;
use super::Renderer;
use crate::input::{self, Audit, RejectWriter};
use crate::store::atomic::AtomicFile;
use crate::store::layout;
use crate::store::ledger::{self, Ledger, RenderRecord, RunCounts, RunStatus};
use crate::store::lock::RunLock;
use anyhow::Context;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use time::OffsetDateTime;

pub struct Options {
    pub out: PathBuf,
    pub jobs: usize,
    pub force: bool,
    pub shard: Shard,
    pub progress: Mode,
}

/// A row whose report could not be made (layout or write error), for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub line: u64,
    pub audit_id: String,
    pub error: String,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub input: String,
    pub out: String,
    pub reports_dir: String,
    pub rejects_csv: String,
    pub ledger: String,
    pub started_at: String,
    pub finished_at: String,
    pub seconds: f64,
    pub jobs: usize,
    pub shard: String,
    pub rows: u64,
    pub rendered: u64,
    pub unchanged: u64,
    pub other_shard: u64,
    pub rejected: u64,
    pub failed: u64,
    pub reports_per_second: f64,
    pub status: RunStatus,
    pub failures: Vec<Failure>,
    pub warnings: Vec<String>,
    pub peak_rss_mib: Option<f64>,
}

/// The same audit always gives the same bytes here, whatever its line or column order.
fn canonical(a: &Audit) -> Vec<u8> {
    let tasks: Vec<String> = a
        .tasks
        .iter()
        .map(|t| format!("{}={:.6}", t.key, t.share))
        .collect();
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
        a.audit_id,
        a.submitted_at,
        a.email,
        a.full_name,
        a.job_title,
        a.role,
        a.industry,
        a.years_experience,
        tasks.join(";"),
        a.ai_tools.join(";"),
        a.ai_usage,
        a.country,
        a.consent_email
    )
    .into_bytes()
}

pub fn fingerprint(renderer: &Renderer, a: &Audit) -> String {
    ledger::fingerprint(
        &canonical(a),
        &renderer.catalog.fingerprint,
        &renderer.layouts.fingerprint,
        env!("CARGO_PKG_VERSION"),
    )
}

struct Job {
    audit: Audit,
    fingerprint: String,
}

/// What a worker hands back: the record to commit, or why not.
enum Done {
    Ok {
        record: RenderRecord,
        missing: BTreeSet<char>,
        line: u64,
    },
    Failed(Failure),
}

/// What the feeding thread keeps while workers render: the ledger and the counts it settles
/// every finished report into.
struct Tally<'a> {
    ledger: Ledger,
    c: Counts,
    progress: Progress,
    warnings: Vec<String>,
    failures: Vec<Failure>,
    input_path: &'a Path,
}

impl Tally<'_> {
    fn settle(&mut self, done: Done) -> anyhow::Result<()> {
        match done {
            Done::Ok {
                record,
                missing,
                line,
            } => {
                // Recorded only after the rename: a crash in between re-renders, never trusts a missing file.
                self.ledger.record_render(&record)?;
                self.c.rendered += 1;
                if let Some(w) =
                    super::missing_warning(self.input_path, line, &record.audit_id, &missing)
                {
                    tracing::warn!("{w}");
                    self.warnings.push(w);
                }
                tracing::debug!(audit_id = %record.audit_id, bytes = record.pdf_bytes, "rendered");
            }
            Done::Failed(f) => {
                self.c.failed += 1;
                tracing::error!(
                    "{}, line {} (audit_id {}): {}",
                    self.input_path.display(),
                    f.line,
                    f.audit_id,
                    f.error
                );
                self.failures.push(f);
            }
        }
        self.progress.update(&self.c);
        Ok(())
    }
}

/// Renders one audit and puts its PDF in place (temporary file, fsync, rename).
pub fn render_to_file(
    renderer: &Renderer,
    audit: &Audit,
    fingerprint: String,
    path: &Path,
    spread: bool,
) -> anyhow::Result<(RenderRecord, BTreeSet<char>)> {
    let r = if spread {
        renderer.render_spread(audit)?
    } else {
        renderer.render(audit)?
    };
    crate::store::atomic::write_atomic(path, &r.pdf, "pdf")?;
    crate::failpoint::hit("pdf-renamed");
    let record = RenderRecord {
        audit_id: audit.audit_id.clone(),
        fingerprint,
        pdf_path: path.to_path_buf(),
        pdf_sha256: ledger::sha256_hex(&r.pdf),
        pdf_bytes: r.pdf.len() as u64,
        score: Some(r.score),
        rendered_at: audit.submitted_at,
        email: Some(audit.email.clone()),
        consent: audit.consent_email,
        full_name: Some(audit.full_name.clone()),
        preferred_name: audit.preferred_name.clone(),
    };
    Ok((record, r.missing))
}

pub fn run(
    renderer: &Renderer,
    input_path: &Path,
    opts: &Options,
    stop: &AtomicBool,
) -> anyhow::Result<Summary> {
    let started_clock = OffsetDateTime::now_utc();
    let lock = RunLock::acquire(&opts.out)?;
    let result = run_locked(renderer, input_path, opts, stop, &lock, started_clock);
    if let Some(e) = result
        .as_ref()
        .err()
        .filter(|e| e.downcast_ref::<InputChanged>().is_none())
    {
        // The run could not finish (a disk, the ledger, the input): say so where cron and
        // dashboards look, if the disk lets us. Only with the lock held: another run's
        // summary is never overwritten.
        let doc = serde_json::json!({
            "input": input_path.display().to_string(),
            "out": opts.out.display().to_string(),
            "started_at": ledger::timestamp(started_clock).ok(),
            "finished_at": ledger::timestamp(OffsetDateTime::now_utc()).ok(),
            "status": RunStatus::Failed,
            "error": format!("{e:#}"),
        });
        if let Err(w) = write_summary(&opts.out, &doc) {
            tracing::warn!("could not write summary.json either: {w:#}");
        }
    }
    drop(lock);
    result
}

fn write_summary(out: &Path, doc: &impl Serialize) -> anyhow::Result<()> {
    layout::write_json(&out.join(layout::SUMMARY), doc)
}

fn run_locked(
    renderer: &Renderer,
    input_path: &Path,
    opts: &Options,
    stop: &AtomicBool,
    lock: &RunLock,
    started_clock: OffsetDateTime,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let mut warnings = Vec::new();
    if let Some(dead) = &lock.previous_unreleased {
        warnings.push(format!(
            "the previous run in this directory (process {} on {}, started {}) ended without finishing — killed or crashed; its finished reports are kept and the rest are rendered now",
            dead.pid, dead.host, dead.since
        ));
    }
    let leftovers = layout::prepare(&opts.out)?;
    if leftovers > 0 {
        warnings.push(format!(
            "removed {leftovers} temporary file(s) of an interrupted run"
        ));
    }
    let input_before = InputStat::of(input_path)?;
    layout::refuse_input_inside(input_path, &opts.out)?;
    let reader = input::open(input_path, &renderer.catalog)?;
    for w in &reader.warnings {
        warnings.push(format!("{}: {w}", input_path.display()));
    }
    let mut ledger = Ledger::open(&opts.out)?;
    let run_id = ledger.begin_run(&input_path.display().to_string(), started_clock)?;
    let rejects_path = opts.out.join(layout::REJECTS);
    let mut rejects = RejectWriter::new(AtomicFile::create(&rejects_path)?)?;

    let progress = Progress::new(opts.progress, reader.estimated_rows);
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let mut interrupted = false;
    let jobs = opts.jobs.max(1);
    let window = jobs * 4;

    let work = |_: &mut (), job: Job| {
        let path = layout::report_pdf(&opts.out, &job.audit.audit_id);
        let line = job.audit.line;
        match render_to_file(renderer, &job.audit, job.fingerprint, &path, false) {
            Ok((record, missing)) => Done::Ok {
                record,
                missing,
                line,
            },
            Err(e) => Done::Failed(Failure {
                line,
                audit_id: job.audit.audit_id.clone(),
                error: format!("{e:#}"),
            }),
        }
    };
    let mut t = Tally {
        ledger,
        c: Counts::default(),
        progress,
        warnings,
        failures: Vec::new(),
        input_path,
    };
    crate::pool::scoped(
        jobs,
        window,
        |_| Some(()),
        work,
        |_| {},
        |feed| {
            for item in reader {
                if stop.load(Ordering::Relaxed) {
                    interrupted = true;
                    crate::failpoint::hit("batch-stopping");
                    break;
                }
                t.c.rows += 1;
                crate::failpoint::hit("batch-row");
                match item {
                    Err(r) => {
                        t.c.rejected += 1;
                        rejects.write(&r)?;
                    }
                    Ok(audit) if !opts.shard.owns(&audit.audit_id) => t.c.other_shard += 1,
                    Ok(audit) => {
                        let fp = fingerprint(renderer, &audit);
                        let path = layout::report_pdf(&opts.out, &audit.audit_id);
                        if !opts.force && !t.ledger.needs_render(&audit.audit_id, &fp, &path)? {
                            t.c.unchanged += 1;
                        } else {
                            let job = Job {
                                audit,
                                fingerprint: fp,
                            };
                            if !feed.submit(job, &mut |d| t.settle(d))? {
                                anyhow::bail!("all render workers stopped");
                            }
                        }
                    }
                }
                feed.settle_ready(&mut |d| t.settle(d))?;
                t.progress.update(&t.c);
            }
            feed.finish(&mut |d| t.settle(d))
        },
    )?;
    let Tally {
        mut ledger,
        c,
        progress,
        warnings,
        failures,
        ..
    } = t;
    progress.finish();
    rejects.finish()?.commit()?;

    // A file rewritten or truncated while it was read (an export still being written, a
    // copy in progress) gives a run over part of it that looks whole: refuse to call it done.
    let changed = InputStat::of(input_path)
        .ok()
        .filter(|now| *now != input_before)
        .map(|now| input_before.describe_change(&now))
        .or_else(|| (!input_path.exists()).then(|| "it was removed".to_string()));
    let status = if changed.is_some() {
        RunStatus::InputChanged
    } else if interrupted {
        RunStatus::Interrupted
    } else if c.rejected + c.failed > 0 {
        RunStatus::Partial
    } else {
        RunStatus::Ok
    };
    let counts = RunCounts {
        rows: c.rows,
        rendered: c.rendered,
        skipped: c.unchanged + c.other_shard,
        rejected: c.rejected,
        failed: c.failed,
    };
    let finished_clock = OffsetDateTime::now_utc();
    ledger.finish_run(run_id, &counts, status, finished_clock)?;
    let seconds = started.elapsed().as_secs_f64();
    let summary = Summary {
        input: input_path.display().to_string(),
        out: opts.out.display().to_string(),
        reports_dir: layout::reports(&opts.out).display().to_string(),
        rejects_csv: rejects_path.display().to_string(),
        ledger: ledger.path().display().to_string(),
        started_at: ledger::timestamp(started_clock)?,
        finished_at: ledger::timestamp(finished_clock)?,
        seconds,
        jobs,
        shard: format!("{}/{}", opts.shard.index, opts.shard.count),
        rows: c.rows,
        rendered: c.rendered,
        unchanged: c.unchanged,
        other_shard: c.other_shard,
        rejected: c.rejected,
        failed: c.failed,
        reports_per_second: c.rendered as f64 / seconds.max(1e-9),
        status,
        failures,
        warnings,
        peak_rss_mib: super::peak_rss_kib().map(|k| k as f64 / 1024.0),
    };
    write_summary(&opts.out, &summary)?;
    if let Some(what) = changed {
        return Err(InputChanged(format!(
            "{} changed while it was being read ({what}): the {} report(s) rendered from it are kept and recorded, but rows may be missing or mixed. Run again once the file is complete (copy it first if something is still writing it)",
            input_path.display(),
            summary.rendered
        ))
        .into());
    }
    Ok(summary)
}

/// The input changed under the run; its summary.json already says so (`input-changed`).
#[derive(Debug)]
struct InputChanged(String);

impl std::fmt::Display for InputChanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputChanged {}

/// What identifies the input file's content cheaply: size, modification time, inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InputStat {
    len: u64,
    modified: Option<std::time::SystemTime>,
    dev: u64,
    ino: u64,
}

impl InputStat {
    fn of(path: &Path) -> anyhow::Result<InputStat> {
        use std::os::unix::fs::MetadataExt;
        let m =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(InputStat {
            len: m.len(),
            modified: m.modified().ok(),
            dev: m.dev(),
            ino: m.ino(),
        })
    }

    fn describe_change(&self, now: &InputStat) -> String {
        if (self.dev, self.ino) != (now.dev, now.ino) {
            "it was replaced by another file".into()
        } else if self.len != now.len {
            format!("{} bytes when the run started, {} now", self.len, now.len)
        } else {
            "it was written to during the run".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_ignores_the_line_and_follows_the_content() {
        let renderer = Renderer {
            catalog: crate::catalog::Catalog::builtin(),
            layouts: crate::report::Layouts::builtin(),
            fonts: crate::fonts::FontSet::builtin(),
        };
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("input/audits.csv");
        let audits: Vec<Audit> = input::open(&path, &renderer.catalog)
            .unwrap()
            .take(2)
            .map(Result::unwrap)
            .collect();
        let mut moved = audits[0].clone();
        moved.line += 10;
        assert_eq!(
            fingerprint(&renderer, &audits[0]),
            fingerprint(&renderer, &moved)
        );
        assert_ne!(
            fingerprint(&renderer, &audits[0]),
            fingerprint(&renderer, &audits[1])
        );
        let mut renamed = audits[0].clone();
        renamed.full_name.push('x');
        assert_ne!(
            fingerprint(&renderer, &audits[0]),
            fingerprint(&renderer, &renamed)
        );
    }
}
