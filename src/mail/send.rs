//! The email phase: every report the ledger offers (`pending_emails`: consent given, not yet
//! sent, not failed permanently, a transient failure due) gets its PDF by email, exactly once.
//!
//! Per report, on one of `--smtp-connections` sender threads, each with its own ledger
//! connection:
//!
//! 1. skip it if its address is in the suppression file, or its PDF no longer matches the
//!    SHA-256 the ledger recorded (re-run the batch first);
//! 2. build the message (a message that cannot be built is failed permanently);
//! 3. `mark_queued` — the durable claim; the ledger refuses a report that is sent, failed
//!    permanently or has no consent, and then nothing is sent;
//! 4. hand it to the server, at most `--max-per-minute`; a 4xx or connection trouble is retried
//!    `--max-retries` times with exponential backoff and jitter, then recorded
//!    `failed-transient` with a next try for a later run; a 5xx fails this report only
//!    (`failed-permanent`); authentication, TLS or policy trouble stops the whole phase;
//! 5. `mark_sent` with the server's reply, right after the reply, before anything else.
//!
//! **The crash window.** A crash after the server accepted a message (its reply to the end of
//! DATA) and before step 5 commits leaves the report `queued`; the next run sends it again. The
//! window is one fsync'd SQLite commit (a few milliseconds) on the thread that got the reply,
//! and the repeated message carries the same Message-ID, so mail systems can tell it is a
//! duplicate. Everything else — a crash before the reply, a killed connection — repeats nothing
//! the recipient saw.
//!
//! Before claiming anything, the phase connects once (TLS and login included): a server that is
//! down, a wrong password or a bad certificate stops it with nothing marked and the PDFs kept.
//!
//! `--outbox DIR` (dry run) and `--to-override ADDR` (everything to one test address) leave the
//! ledger untouched, so the real delivery later still happens.

use super::message::{Composer, Letter};
use super::settings::Settings;
use super::transport::{Failure, Outbound};
use crate::batch::ledger::{self, EmailState, Ledger, PendingEmail};
use anyhow::{bail, Context};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// After the in-run retries, the next run tries again no sooner than this × 2^(attempts − 1),
/// capped at [`MAX_NEXT_TRY`].
const NEXT_TRY_BASE: time::Duration = time::Duration::minutes(15);
const MAX_NEXT_TRY: time::Duration = time::Duration::hours(24);
/// This many reports in a row that end in connection trouble (after their retries) stop the
/// phase: the server is gone, and the rest would only wait through their own retries.
const CONNECTION_FAILURES_TO_STOP: u32 = 3;

pub struct Options {
    pub out: PathBuf,
    /// `--resend --id ID`: put these back to `none` first.
    pub resend: Vec<String>,
    pub quiet: bool,
}

/// One report that did not go out, for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct EmailFailure {
    pub audit_id: String,
    pub state: &'static str,
    pub reason: String,
}

/// The `email` object of summary.json.
#[derive(Debug, Clone, Serialize, Default)]
pub struct EmailSummary {
    /// smtp | outbox (dry run) | to-override
    pub mode: &'static str,
    /// ok | partial (some failed) | stopped (connection-level failure) | interrupted | not-run
    pub status: &'static str,
    /// Where to: host, port, TLS, user; or the outbox. Never the password.
    pub via: String,
    pub pending: u64,
    pub sent: u64,
    pub failed_transient: u64,
    pub failed_permanent: u64,
    pub suppressed: u64,
    pub skipped_no_consent: u64,
    pub skipped_pdf_changed: u64,
    pub already_sent: u64,
    pub retries: u64,
    pub seconds: f64,
    pub messages_per_second: f64,
    pub failures: Vec<EmailFailure>,
    pub error: Option<String>,
}

impl EmailSummary {
    /// Anything left undone that makes the exit status 1.
    pub fn has_failures(&self) -> bool {
        self.failed_transient + self.failed_permanent + self.skipped_pdf_changed > 0
            || self.status == "interrupted"
    }
}

/// The phase could not run or was stopped: exit status 2. The summary is written first.
#[derive(Debug)]
pub struct Stopped(pub String);

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Stopped {}

/// Reads the suppression file: one address per line, `#` comments and blank lines ignored,
/// compared without regard to case.
pub fn read_suppression(path: &Path) -> anyhow::Result<HashSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the suppression file {}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Spaces the sends of all threads to at most `per_minute`.
struct Pacer {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pacer {
    fn new(per_minute: Option<u32>) -> Pacer {
        Pacer {
            interval: per_minute.map(|n| Duration::from_secs_f64(60.0 / n as f64)),
            next: Mutex::new(Instant::now()),
        }
    }
    fn wait(&self) {
        let Some(iv) = self.interval else { return };
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let at = (*next).max(Instant::now());
            *next = at + iv;
            at
        };
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
    }
}

/// What one report came to.
enum Outcome {
    Sent,
    Transient(String, bool),
    Permanent(String),
    Suppressed,
    PdfChanged(String),
    NotClaimed,
    Fatal(String),
    Aborted,
}

struct Shared<'a> {
    settings: &'a Settings,
    composer: Composer,
    outbound: Outbound,
    pacer: Pacer,
    suppress: HashSet<String>,
    record: bool,
    out: &'a Path,
    abort: AtomicBool,
    retries: std::sync::atomic::AtomicU64,
}

fn backoff(base: Duration, retry: u32, rng: &mut impl Rng) -> Duration {
    let exp = base.saturating_mul(1u32 << retry.min(16));
    exp.mul_f64(rng.gen_range(0.5..1.5))
}

fn next_try(attempts: u32) -> OffsetDateTime {
    let factor = 1i32 << attempts.saturating_sub(1).min(10);
    OffsetDateTime::now_utc() + (NEXT_TRY_BASE * factor).min(MAX_NEXT_TRY)
}

fn process(
    job: &PendingEmail,
    sh: &Shared<'_>,
    ledger: &mut Option<Ledger>,
    rng: &mut impl Rng,
) -> anyhow::Result<Outcome> {
    if sh.suppress.contains(&job.email.trim().to_lowercase()) {
        return Ok(Outcome::Suppressed);
    }
    let pdf = match std::fs::read(&job.pdf_path) {
        Ok(b) if ledger::sha256_hex(&b) == job.pdf_sha256 => b,
        Ok(_) => {
            return Ok(Outcome::PdfChanged(format!(
                "{} changed since it was recorded; run the batch again to re-render it",
                job.pdf_path.display()
            )))
        }
        Err(e) => {
            return Ok(Outcome::PdfChanged(format!(
                "cannot read {}: {e}; run the batch again to re-render it",
                job.pdf_path.display()
            )))
        }
    };
    let letter = Letter {
        audit_id: &job.audit_id,
        email: &job.email,
        full_name: job.full_name.as_deref(),
        score: job.score,
        pdf: &pdf,
        pdf_sha256: &job.pdf_sha256,
        rendered_at: job.rendered_at,
    };
    let built = match sh.composer.compose(&letter) {
        Ok(b) => b,
        Err(e) => {
            let reason = format!("not sent: {e:#}");
            if let Some(l) = ledger.as_mut() {
                if l.mark_queued(&job.audit_id)? {
                    l.mark_permanent(&job.audit_id, &reason)?;
                }
            }
            return Ok(Outcome::Permanent(reason));
        }
    };
    if let Some(l) = ledger.as_mut() {
        if !l.mark_queued(&job.audit_id)? {
            return Ok(Outcome::NotClaimed);
        }
    }
    let attempts = job.attempts + 1;
    let mut retry = 0u32;
    loop {
        if sh.abort.load(Ordering::Relaxed) {
            if let Some(l) = ledger.as_mut() {
                l.mark_transient(
                    &job.audit_id,
                    "not tried: the email phase was stopped",
                    OffsetDateTime::now_utc(),
                )?;
            }
            return Ok(Outcome::Aborted);
        }
        sh.pacer.wait();
        let result = sh.outbound.deliver(&job.audit_id, &built.message);
        // Record first, log after: this is the crash window (see the module doc).
        match result {
            Ok(reply) => {
                if let Some(l) = ledger.as_mut() {
                    l.mark_sent(
                        &job.audit_id,
                        &reply,
                        &built.message_id,
                        OffsetDateTime::now_utc(),
                    )?;
                }
                tracing::debug!(audit_id = %job.audit_id, reply = %reply, "email sent");
                return Ok(Outcome::Sent);
            }
            Err(Failure::Permanent(r)) => {
                if let Some(l) = ledger.as_mut() {
                    l.mark_permanent(&job.audit_id, &r)?;
                }
                return Ok(Outcome::Permanent(r));
            }
            Err(Failure::Fatal(r)) => {
                if let Some(l) = ledger.as_mut() {
                    // Due at once: nothing was wrong with this report.
                    l.mark_transient(&job.audit_id, &r, OffsetDateTime::now_utc())?;
                }
                return Ok(Outcome::Fatal(r));
            }
            Err(Failure::Transient(r)) => {
                let connection = !r.starts_with('4');
                if retry < sh.settings.max_retries {
                    let wait = backoff(sh.settings.retry_base, retry, rng);
                    tracing::info!(audit_id = %job.audit_id, reply = %r, retry = retry + 1, wait_ms = wait.as_millis() as u64, "email: transient failure, retrying");
                    sh.retries.fetch_add(1, Ordering::Relaxed);
                    retry += 1;
                    std::thread::sleep(wait);
                    continue;
                }
                if let Some(l) = ledger.as_mut() {
                    l.mark_transient(&job.audit_id, &r, next_try(attempts))?;
                }
                return Ok(Outcome::Transient(r, connection));
            }
        }
    }
}

/// Runs the email phase on the ledger of `opts.out` and writes the `email` object into
/// `opts.out/summary.json`. `Err(Stopped)` when it could not run or was stopped.
pub fn run(settings: &Settings, opts: &Options, stop: &AtomicBool) -> anyhow::Result<EmailSummary> {
    let mut summary = EmailSummary {
        mode: if settings.outbox.is_some() {
            "outbox"
        } else if settings.to_override.is_some() {
            "to-override"
        } else {
            "smtp"
        },
        status: "not-run",
        ..EmailSummary::default()
    };
    let result = phase(settings, opts, stop, &mut summary);
    if let Err(e) = &result {
        summary.status = if summary.status == "not-run" {
            "not-run"
        } else {
            "stopped"
        };
        summary.error = Some(format!("{e:#}"));
    }
    super::summary::write(&opts.out, &summary)?;
    match result {
        Ok(()) => Ok(summary),
        Err(e) => Err(Stopped(format!("{e:#}")).into()),
    }
}

fn phase(
    settings: &Settings,
    opts: &Options,
    stop: &AtomicBool,
    summary: &mut EmailSummary,
) -> anyhow::Result<()> {
    let record = settings.outbox.is_none() && settings.to_override.is_none();
    if !record && !opts.resend.is_empty() {
        bail!("--resend changes the ledger, and --outbox / --to-override never do: run the resend without them");
    }
    let _lock = crate::batch::lock::RunLock::acquire(&opts.out)?;
    let mut ledger = Ledger::open(&opts.out)?;
    for id in &opts.resend {
        if !ledger.reset_for_resend(id)? {
            bail!(
                "--resend --id {id}: the ledger in {} has no report {id}",
                opts.out.display()
            );
        }
        tracing::info!(audit_id = %id, "email: reset for a resend");
    }
    let totals = ledger.summary()?;
    summary.skipped_no_consent = totals.reports - totals.consenting;
    summary.already_sent = totals.count(EmailState::Sent);
    let pending = ledger.pending_emails(OffsetDateTime::now_utc())?;
    summary.pending = pending.len() as u64;
    let outbound = match (&settings.outbox, &settings.smtp) {
        (Some(dir), _) => Outbound::outbox(dir.clone())?,
        (None, Some(s)) => Outbound::smtp(s)?,
        (None, None) => bail!("no SMTP server and no outbox"),
    };
    summary.via = outbound.describe();
    let suppress = match &settings.suppress {
        Some(p) => read_suppression(p)?,
        None => HashSet::new(),
    };
    let composer = Composer::new(settings)?;
    if pending.is_empty() {
        summary.status = "ok";
        return Ok(());
    }
    // Only now, with work to do: connect, TLS, login. Nothing is claimed yet.
    outbound.preflight()?;
    tracing::info!(
        "email: {} report(s) to send via {}",
        pending.len(),
        summary.via
    );
    summary.status = "ok";

    let sh = Shared {
        settings,
        composer,
        outbound,
        pacer: Pacer::new(settings.max_per_minute),
        suppress,
        record,
        out: &opts.out,
        abort: AtomicBool::new(false),
        retries: Default::default(),
    };
    let threads = settings
        .smtp
        .as_ref()
        .map_or(1, |s| s.connections)
        .min(pending.len())
        .max(1);
    let started = Instant::now();
    let (job_tx, job_rx) = mpsc::sync_channel::<PendingEmail>(threads * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(String, anyhow::Result<Outcome>)>();
    let mut fatal: Option<String> = None;
    let mut interrupted = false;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for t in 0..threads {
            let done_tx = done_tx.clone();
            let (sh, job_rx) = (&sh, &job_rx);
            scope.spawn(move || {
                let mut ledger = if sh.record {
                    match Ledger::open(sh.out) {
                        Ok(l) => Some(l),
                        Err(e) => {
                            let _ = done_tx.send((String::new(), Err(e)));
                            return;
                        }
                    }
                } else {
                    None
                };
                let seed = started.elapsed().as_nanos() as u64
                    ^ ((t as u64) << 48)
                    ^ std::process::id() as u64;
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                loop {
                    let job = match job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv() {
                        Ok(j) => j,
                        Err(_) => return,
                    };
                    let out = process(&job, sh, &mut ledger, &mut rng);
                    if done_tx.send((job.audit_id, out)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut in_flight = 0usize;
        let mut connection_failures = 0u32;
        let mut last_report = Instant::now();
        let total = pending.len();
        let mut done = 0usize;
        let mut settle = |id: String,
                          out: anyhow::Result<Outcome>,
                          summary: &mut EmailSummary,
                          fatal: &mut Option<String>|
         -> anyhow::Result<()> {
            done += 1;
            let mut fail = |state: &'static str, reason: String| {
                if !opts.quiet {
                    eprintln!("email {id}: {state}: {reason}");
                }
                summary.failures.push(EmailFailure {
                    audit_id: id.clone(),
                    state,
                    reason,
                });
            };
            match out? {
                Outcome::Sent => {
                    summary.sent += 1;
                    connection_failures = 0;
                }
                Outcome::Transient(r, connection) => {
                    summary.failed_transient += 1;
                    fail(
                        "failed-transient (will be retried by a later run)",
                        r.clone(),
                    );
                    if connection {
                        connection_failures += 1;
                        if connection_failures >= CONNECTION_FAILURES_TO_STOP && fatal.is_none() {
                            *fatal = Some(format!("lost the SMTP server: {connection_failures} reports in a row failed with connection trouble (last: {r})"));
                            sh.abort.store(true, Ordering::Relaxed);
                        }
                    } else {
                        connection_failures = 0;
                    }
                }
                Outcome::Permanent(r) => {
                    summary.failed_permanent += 1;
                    fail("failed-permanent", r);
                }
                Outcome::Suppressed => summary.suppressed += 1,
                Outcome::PdfChanged(r) => {
                    summary.skipped_pdf_changed += 1;
                    fail("not sent", r);
                }
                Outcome::NotClaimed => {}
                Outcome::Fatal(r) => {
                    if fatal.is_none() {
                        *fatal = Some(r);
                    }
                    sh.abort.store(true, Ordering::Relaxed);
                }
                Outcome::Aborted => {}
            }
            if !opts.quiet && last_report.elapsed() >= Duration::from_secs(5) {
                last_report = Instant::now();
                tracing::info!("email: {done}/{total} done, {} sent", summary.sent);
            }
            Ok(())
        };
        for job in pending {
            if stop.load(Ordering::Relaxed) {
                interrupted = true;
                break;
            }
            if sh.abort.load(Ordering::Relaxed) {
                break;
            }
            while let Ok((id, out)) = done_rx.try_recv() {
                in_flight -= 1;
                settle(id, out, summary, &mut fatal)?;
            }
            if job_tx.send(job).is_err() {
                break;
            }
            in_flight += 1;
        }
        drop(job_tx);
        for (id, out) in done_rx.iter() {
            in_flight = in_flight.saturating_sub(1);
            settle(id, out, summary, &mut fatal)?;
        }
        Ok(())
    })?;
    sh.outbound.shutdown();
    summary.retries = sh.retries.load(Ordering::Relaxed);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.messages_per_second = summary.sent as f64 / summary.seconds.max(1e-9);
    summary.status = if fatal.is_some() {
        "stopped"
    } else if interrupted {
        "interrupted"
    } else if summary.has_failures() {
        "partial"
    } else {
        "ok"
    };
    if let Some(reason) = fatal {
        bail!(
            "the email phase stopped after {} sent: {reason}. The PDFs are kept; the reports not sent stay pending for the next run",
            summary.sent
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let base = Duration::from_millis(100);
        for retry in 0..4 {
            let d = backoff(base, retry, &mut rng);
            let nominal = 100.0 * f64::from(1u32 << retry);
            let ms = d.as_secs_f64() * 1000.0;
            assert!(ms >= nominal * 0.5 && ms < nominal * 1.5, "{retry}: {ms}");
        }
    }

    #[test]
    fn next_try_is_capped() {
        let now = OffsetDateTime::now_utc();
        assert!(next_try(1) - now <= time::Duration::minutes(16));
        assert!(next_try(30) - now <= MAX_NEXT_TRY + time::Duration::seconds(1));
    }

    #[test]
    fn suppression_is_case_insensitive_with_comments() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.txt");
        std::fs::write(
            &p,
            "# bounced\nAna@Example.com\n\n  bob@example.org  # unsubscribed\n",
        )
        .unwrap();
        let s = read_suppression(&p).unwrap();
        assert!(s.contains("ana@example.com") && s.contains("bob@example.org"));
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn pacer_spaces_sends() {
        let p = Pacer::new(Some(1200)); // one per 50 ms
        let t = Instant::now();
        for _ in 0..4 {
            p.wait();
        }
        assert!(
            t.elapsed() >= Duration::from_millis(140),
            "{:?}",
            t.elapsed()
        );
    }
}
