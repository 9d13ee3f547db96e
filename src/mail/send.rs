//! The email phase: every report the ledger offers (`pending_emails`: consent given, not sent,
//! not failed permanently, not uncertain, a transient failure due) gets its PDF by email — at
//! most once, even when in doubt.
//!
//! Per report, on one of `--smtp-connections` sender threads, each with its own connection
//! (`transport::Session`) and ledger connection:
//!
//! 1. skip it if its address is in the suppression file, or its PDF no longer matches the
//!    SHA-256 the ledger recorded (re-run the batch first);
//! 2. build the message (Date: now; a message that cannot be built fails permanently);
//! 3. MAIL FROM and RCPT TO; then the **claim** — `sending`, one fsync'd commit — and only
//!    then DATA and the message. A connection has at most one claimed report at any moment;
//! 4. the outcome, recorded before anything else: the server's 2xx to the final dot → `sent`;
//!    a failure before the dot → retried `--max-retries` times with backoff, then
//!    `failed-transient` (or `failed-permanent` for a 5xx about this recipient or message);
//!    **no reply to the final dot** (timeout, dropped connection) → `uncertain`: it may have
//!    been delivered, so no automatic run sends it again (`send --resend-uncertain` does).
//!
//! A process that dies holding a claim leaves the report `sending`; the next phase (holding the
//! run lock, so nobody else is sending) turns it `uncertain`. So no crash, timeout or dropped
//! connection can make a second copy; the price is that a report whose first copy never
//! arrived waits for an operator's decision. Replies are judged by stage (`policy`): a 5xx at
//! MAIL FROM, at login or TLS, or for [`RECIPIENT_REFUSALS_TO_STOP`] recipients in a row, or
//! [`CONTENT_REFUSALS_TO_STOP`] messages in a row, is the configuration's: the phase stops
//! (exit 2) and those reports are left as they were.
//!
//! `--outbox DIR` (dry run) and `--to-override ADDR` (everything to one test address) leave the
//! ledger untouched, so the real delivery later still happens.

use super::message::{Built, Composer, Letter};
use super::policy::{self, Streak, Verdict};
use super::settings::Settings;
use super::transport::{Attempt, Outbound, Session, Stage};
use crate::store::ledger::{self, EmailState, Ledger, PendingEmail};
use anyhow::{bail, Context};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// After the in-run retries, the next run tries again no sooner than this × 2^(attempts − 1),
/// capped at [`MAX_NEXT_TRY`].
const NEXT_TRY_BASE: time::Duration = time::Duration::minutes(15);
const MAX_NEXT_TRY: time::Duration = time::Duration::hours(24);
/// This many reports in a row that end in connection trouble or in doubt (after their
/// retries) stop the phase: the server is gone or keeps dropping us.
const CONNECTION_FAILURES_TO_STOP: u32 = 3;
/// This many recipients refused (5xx at RCPT) in a row, with none accepted between, is the
/// server refusing us (relay access, reputation), not so many bad addresses.
pub const RECIPIENT_REFUSALS_TO_STOP: usize = 5;
/// This many messages refused at the end of DATA in a row: the content is refused (size,
/// attachment type, spam filter), and every other message would be too.
pub const CONTENT_REFUSALS_TO_STOP: usize = 3;

pub struct Options {
    pub out: PathBuf,
    /// `--resend --id ID`: put these back to `none` first, with a new Message-ID.
    pub resend: Vec<String>,
    /// `--resend --failed`: every failed report.
    pub resend_failed: bool,
    /// `--resend-uncertain [--id ID]`: the uncertain reports (these ids only, when given).
    pub resend_uncertain: Option<Vec<String>>,
    pub quiet: bool,
}

/// One report that did not go out, for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct EmailFailure {
    pub audit_id: String,
    pub state: &'static str,
    pub reason: String,
}

/// Where the messages go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    #[default]
    Smtp,
    /// A dry run: `.eml` files in a directory.
    Outbox,
    /// Every message to one test address.
    ToOverride,
}

/// How the email phase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseStatus {
    #[default]
    NotRun,
    Ok,
    /// Something is left for an operator, now or from before.
    Partial,
    /// Configuration or server: nothing more was sent.
    Stopped,
    Interrupted,
}

/// The `email` object of summary.json: what this run did, and what the ledger still holds.
#[derive(Debug, Clone, Serialize, Default)]
pub struct EmailSummary {
    pub mode: Mode,
    pub status: PhaseStatus,
    /// Where to: host, port, TLS, user; or the outbox. Never the password.
    pub via: String,
    pub pending: u64,
    pub sent: u64,
    pub failed_transient: u64,
    pub failed_permanent: u64,
    /// Sent this run with no reply to the final dot: maybe delivered, never sent again
    /// automatically.
    pub uncertain: u64,
    /// Claimed by a process that died, found at the start of this run: now uncertain.
    pub found_uncertain: u64,
    pub suppressed: u64,
    pub skipped_no_consent: u64,
    pub skipped_pdf_changed: u64,
    pub already_sent: u64,
    pub retries: u64,
    pub seconds: f64,
    pub messages_per_second: f64,
    pub failures: Vec<EmailFailure>,
    /// Reports per email state in the ledger after this run (every state listed).
    pub ledger: BTreeMap<&'static str, u64>,
    /// failed-transient + failed-permanent + uncertain in the ledger: work for an operator.
    pub outstanding: u64,
    pub error: Option<String>,
}

impl EmailSummary {
    /// Anything left undone that makes the exit status 1.
    pub fn has_failures(&self) -> bool {
        self.outstanding
            + self.skipped_pdf_changed
            + self.failed_transient
            + self.failed_permanent
            + self.uncertain
            > 0
            || self.status == PhaseStatus::Interrupted
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

/// `ana.lopez@example.com` → `a***@example.com`, for logs and summaries.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
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
        let now = Instant::now();
        if let Some(at) = self.slot(now).filter(|at| *at > now) {
            std::thread::sleep(at - now);
        }
    }

    /// Takes the next send slot for a sender asking at `now`: the earliest time it may send.
    fn slot(&self, now: Instant) -> Option<Instant> {
        let iv = self.interval?;
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let at = (*next).max(now);
        *next = at + iv;
        Some(at)
    }
}

/// What one report came to.
enum Outcome {
    Sent,
    Transient(String, bool),
    Permanent(String, Streak),
    Uncertain(String),
    Suppressed,
    PdfChanged(String),
    NotClaimed,
    /// The configuration or the server as a whole: stop the phase.
    Stop(String),
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
    /// SIGINT/SIGTERM: no new message is started; the ones past their claim finish.
    stop: &'a AtomicBool,
    abort: AtomicBool,
    retries: std::sync::atomic::AtomicU64,
}

/// One sender thread's own things.
struct Worker<'a> {
    session: Option<Session<'a>>,
    ledger: Option<Ledger>,
    rng: rand_chacha::ChaCha8Rng,
}

fn backoff(base: Duration, retry: u32, rng: &mut impl Rng) -> Duration {
    let exp = base.saturating_mul(1u32 << retry.min(16));
    exp.mul_f64(rng.gen_range(0.5..1.5))
}

fn next_try(attempts: u32) -> OffsetDateTime {
    let factor = 1i32 << attempts.saturating_sub(1).min(10);
    OffsetDateTime::now_utc() + (NEXT_TRY_BASE * factor).min(MAX_NEXT_TRY)
}

fn process(job: &PendingEmail, sh: &Shared<'_>, w: &mut Worker<'_>) -> anyhow::Result<Outcome> {
    if sh.suppress.contains(&job.email.trim().to_lowercase()) {
        return Ok(Outcome::Suppressed);
    }
    // The attachment is always DIR/reports/<audit_id>.pdf, never a path read from the ledger:
    // a tampered ledger cannot attach another file, and a moved directory still works.
    if !crate::input::is_audit_id(&job.audit_id) {
        return Ok(Outcome::PdfChanged(format!(
            "the ledger holds the audit id {:?}, which is not a valid report name; not sent",
            job.audit_id
        )));
    }
    let pdf_path = crate::store::layout::report_pdf(sh.out, &job.audit_id);
    let pdf = match std::fs::read(&pdf_path) {
        Ok(b) if ledger::sha256_hex(&b) == job.pdf_sha256 => b,
        Ok(_) => {
            return Ok(Outcome::PdfChanged(format!(
                "{} changed since it was recorded; run the batch again to re-render it",
                pdf_path.display()
            )))
        }
        Err(e) => {
            return Ok(Outcome::PdfChanged(format!(
                "cannot read {}: {e}; run the batch again to re-render it",
                pdf_path.display()
            )))
        }
    };
    let compose = || -> anyhow::Result<Built> {
        sh.composer.compose(&Letter {
            audit_id: &job.audit_id,
            email: &job.email,
            full_name: job.full_name.as_deref(),
            preferred_name: job.preferred_name.as_deref(),
            score: job.score,
            pdf: &pdf,
            pdf_sha256: &job.pdf_sha256,
            resends: job.resends,
            date: OffsetDateTime::now_utc(),
        })
    };
    let mut retry = 0u32;
    loop {
        if sh.abort.load(Ordering::Relaxed) || sh.stop.load(Ordering::Relaxed) {
            return Ok(Outcome::Aborted);
        }
        let built = match compose() {
            Ok(b) => b,
            Err(e) => {
                let reason = format!("not sent: {e:#}");
                if let Some(l) = w.ledger.as_mut() {
                    l.mark_permanent(&job.audit_id, &reason)?;
                }
                return Ok(Outcome::Permanent(reason, Streak::None));
            }
        };
        sh.pacer.wait();
        let bytes = built.message.formatted();
        let attempt = match (&sh.outbound, w.session.as_mut()) {
            (Outbound::Outbox(dir), _) => {
                let path = dir.join(format!("{}.eml", job.audit_id));
                let write = || -> std::io::Result<()> {
                    let mut f = crate::store::atomic::AtomicFile::create(&path)?;
                    f.write_all(&bytes)?;
                    f.commit()
                };
                match write() {
                    Ok(()) => Attempt::Accepted(format!("written to {}", path.display())),
                    Err(e) => {
                        return Ok(Outcome::Stop(format!(
                            "cannot write {}: {e}",
                            path.display()
                        )))
                    }
                }
            }
            (Outbound::Smtp(_), Some(session)) => {
                let server = session.server().name();
                let ledger = &mut w.ledger;
                let id = &job.audit_id;
                let (abort, stop) = (&sh.abort, sh.stop);
                let mut claim = || -> anyhow::Result<bool> {
                    // The phase is stopping, or we were asked to: nothing more goes past here.
                    if abort.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                    match ledger.as_mut() {
                        Some(l) => l.claim(id, &server, OffsetDateTime::now_utc()),
                        None => Ok(true),
                    }
                };
                session.send(&built.envelope, &bytes, &mut claim)?
            }
            (Outbound::Smtp(_), None) => bail!("internal: a sender thread without a session"),
        };
        let trouble = match attempt {
            Attempt::Accepted(reply) => {
                if let Some(l) = w.ledger.as_mut() {
                    l.mark_sent(
                        &job.audit_id,
                        &reply,
                        &built.message_id,
                        OffsetDateTime::now_utc(),
                    )?;
                }
                crate::failpoint::hit("email-recorded");
                tracing::debug!(audit_id = %job.audit_id, reply = %reply, "email sent");
                return Ok(Outcome::Sent);
            }
            Attempt::NotClaimed => return Ok(Outcome::NotClaimed),
            Attempt::Failed(t) => t,
        };
        let claimed = w.ledger.is_some()
            && matches!(
                trouble.stage,
                Stage::Data | Stage::Content | Stage::EndOfData
            );
        let reason = policy::reason(&trouble);
        match policy::judge(&trouble) {
            Verdict::Uncertain => {
                if let Some(l) = w.ledger.as_mut() {
                    l.mark_uncertain(&job.audit_id, &reason, &built.message_id)?;
                }
                return Ok(Outcome::Uncertain(reason));
            }
            Verdict::Stop => {
                if claimed {
                    if let Some(l) = w.ledger.as_mut() {
                        l.release(&job.audit_id)?;
                    }
                }
                return Ok(Outcome::Stop(reason));
            }
            Verdict::Permanent(streak) => {
                if let Some(l) = w.ledger.as_mut() {
                    l.mark_permanent(&job.audit_id, &reason)?;
                }
                return Ok(Outcome::Permanent(reason, streak));
            }
            Verdict::Retry { connection } => {
                if retry < sh.settings.max_retries && !sh.abort.load(Ordering::Relaxed) {
                    if claimed {
                        if let Some(l) = w.ledger.as_mut() {
                            // Due at once: the retry below claims it again.
                            l.mark_transient(&job.audit_id, &reason, OffsetDateTime::now_utc())?;
                        }
                    }
                    let wait = backoff(sh.settings.retry_base, retry, &mut w.rng);
                    tracing::info!(audit_id = %job.audit_id, reply = %mask_in(&reason, &job.email), retry = retry + 1, wait_ms = wait.as_millis() as u64, "email: transient failure, retrying");
                    sh.retries.fetch_add(1, Ordering::Relaxed);
                    retry += 1;
                    std::thread::sleep(wait);
                    continue;
                }
                if let Some(l) = w.ledger.as_mut() {
                    l.mark_transient(&job.audit_id, &reason, next_try(job.attempts + 1))?;
                }
                return Ok(Outcome::Transient(reason, connection));
            }
        }
    }
}

/// `text` with `address` masked.
fn mask_in(text: &str, address: &str) -> String {
    if address.is_empty() {
        return text.to_string();
    }
    text.replace(address, &mask(address))
}

/// Runs the email phase on the ledger of `opts.out` and writes the `email` object into
/// `opts.out/summary.json`. `Err(Stopped)` when it could not run or was stopped.
pub fn run(settings: &Settings, opts: &Options, stop: &AtomicBool) -> anyhow::Result<EmailSummary> {
    let mut summary = EmailSummary {
        mode: if settings.outbox.is_some() {
            Mode::Outbox
        } else if settings.to_override.is_some() {
            Mode::ToOverride
        } else {
            Mode::Smtp
        },
        status: PhaseStatus::NotRun,
        ..EmailSummary::default()
    };
    let result = phase(settings, opts, stop, &mut summary);
    if let Err(e) = &result {
        if summary.status != PhaseStatus::NotRun {
            summary.status = PhaseStatus::Stopped;
        }
        summary.error = Some(format!("{e:#}"));
    }
    // What the ledger holds now, whatever happened (it may be what could not be opened).
    if let Ok(l) = Ledger::open(&opts.out) {
        if let Ok(totals) = l.summary() {
            summary.ledger = totals.email.iter().map(|(s, n)| (s.as_str(), *n)).collect();
            summary.outstanding = [
                EmailState::FailedTransient,
                EmailState::FailedPermanent,
                EmailState::Uncertain,
            ]
            .iter()
            .map(|s| totals.count(*s))
            .sum();
            if summary.status == PhaseStatus::Ok && summary.outstanding > 0 {
                summary.status = PhaseStatus::Partial;
            }
        }
        if let Err(e) = l.backup() {
            tracing::warn!("could not back up the ledger: {e:#}");
        }
    }
    super::summary::write(&opts.out, &summary)?;
    match result {
        Ok(()) => Ok(summary),
        Err(e) => Err(Stopped(format!("{e:#}")).into()),
    }
}

/// The operator's requests, before anything is sent.
fn apply_resends(ledger: &mut Ledger, opts: &Options) -> anyhow::Result<()> {
    for id in &opts.resend {
        if !ledger.reset_for_resend(id)? {
            bail!(
                "--resend --id {id}: the ledger in {} has no report {id}",
                opts.out.display()
            );
        }
        tracing::info!(audit_id = %id, "email: reset for a resend (new Message-ID)");
    }
    if opts.resend_failed {
        let ids = ledger.reset_failed()?;
        tracing::info!("email: {} failed report(s) due again", ids.len());
    }
    if let Some(ids) = &opts.resend_uncertain {
        let done = ledger.reset_uncertain(ids)?;
        tracing::info!(
            "email: {} uncertain report(s) will be sent again, with their first Message-ID",
            done.len()
        );
    }
    Ok(())
}

fn phase(
    settings: &Settings,
    opts: &Options,
    stop: &AtomicBool,
    summary: &mut EmailSummary,
) -> anyhow::Result<()> {
    let record = settings.outbox.is_none() && settings.to_override.is_none();
    let resending =
        !opts.resend.is_empty() || opts.resend_failed || opts.resend_uncertain.is_some();
    if !record && resending {
        bail!("--resend / --resend-uncertain change the ledger, and --outbox / --to-override never do: run the resend without them");
    }
    let _lock = crate::store::lock::RunLock::acquire(&opts.out)?;
    let mut ledger = Ledger::open(&opts.out)?;
    if record {
        // We hold the lock: a claim still open belongs to a process that died.
        let found = ledger.recover_dead_claims()?;
        for id in &found {
            tracing::warn!(audit_id = %id, "email: was being sent by a process that ended before the server's reply was recorded; now uncertain, not sent again automatically");
        }
        summary.found_uncertain = found.len() as u64;
        apply_resends(&mut ledger, opts)?;
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
        summary.status = PhaseStatus::Ok;
        return Ok(());
    }
    for w in &settings.warnings {
        tracing::warn!("email: {w}");
    }
    // Only now, with work to do: connect, TLS, login. Nothing is claimed yet.
    outbound.preflight()?;
    if record {
        ledger::write_marker(&opts.out)?;
    }
    tracing::info!(
        "email: {} report(s) to send via {}",
        pending.len(),
        summary.via
    );
    summary.status = PhaseStatus::Ok;

    let sh = Shared {
        settings,
        composer,
        outbound,
        pacer: Pacer::new(settings.max_per_minute),
        suppress,
        record,
        out: &opts.out,
        stop,
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
    let mut fatal: Option<String> = None;
    let mut interrupted = false;
    let mut streak_release: Vec<String> = Vec::new();
    let start = |t: usize| {
        let ledger = if sh.record {
            match Ledger::open(sh.out) {
                Ok(l) => Some(l),
                Err(e) => {
                    sh.abort.store(true, Ordering::Relaxed);
                    tracing::error!("email: cannot open the ledger: {e:#}");
                    return None;
                }
            }
        } else {
            None
        };
        let seed =
            started.elapsed().as_nanos() as u64 ^ ((t as u64) << 48) ^ std::process::id() as u64;
        Some(Worker {
            session: match &sh.outbound {
                Outbound::Smtp(server) => Some(Session::new(server)),
                Outbound::Outbox(_) => None,
            },
            ledger,
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed),
        })
    };
    let work = |w: &mut Worker<'_>, job: PendingEmail| {
        let out = process(&job, &sh, w);
        (job, out)
    };
    let end = |mut w: Worker<'_>| {
        if let Some(s) = w.session.take() {
            s.close();
        }
    };
    crate::pool::scoped(threads, threads * 2, start, work, end, |feed| {
        let mut connection_failures = 0u32;
        let mut recipient_refusals: Vec<String> = Vec::new();
        let mut content_refusals: Vec<String> = Vec::new();
        let mut stopped_by: Option<Streak> = None;
        let mut last_report = Instant::now();
        let total = pending.len();
        let mut done = 0usize;
        let mut settle = |job: PendingEmail,
                          out: anyhow::Result<Outcome>,
                          summary: &mut EmailSummary,
                          fatal: &mut Option<String>|
         -> anyhow::Result<()> {
            done += 1;
            let id = job.audit_id.clone();
            let mut fail = |state: &'static str, reason: &str| {
                let reason = mask_in(reason, &job.email);
                if !opts.quiet {
                    tracing::warn!("email {id} ({}): {state}: {reason}", mask(&job.email));
                }
                summary.failures.push(EmailFailure {
                    audit_id: id.clone(),
                    state,
                    reason,
                });
            };
            let stop_with = |why: String, fatal: &mut Option<String>| {
                if fatal.is_none() {
                    *fatal = Some(why);
                }
                sh.abort.store(true, Ordering::Relaxed);
            };
            let out = match out {
                Ok(o) => o,
                Err(e) => {
                    // The ledger failed (disk full, I/O error): nothing more can be recorded.
                    stop_with(format!("the ledger could not record {id}: {e:#}"), fatal);
                    return Ok(());
                }
            };
            match out {
                Outcome::Sent => {
                    summary.sent += 1;
                    connection_failures = 0;
                    recipient_refusals.clear();
                    content_refusals.clear();
                }
                Outcome::Transient(r, connection) => {
                    summary.failed_transient += 1;
                    fail("failed-transient (a later run tries again)", &r);
                    if connection {
                        connection_failures += 1;
                        if connection_failures >= CONNECTION_FAILURES_TO_STOP {
                            stop_with(format!("lost the SMTP server: {connection_failures} reports in a row failed with connection trouble (last: {r})"), fatal);
                        }
                    } else {
                        connection_failures = 0;
                    }
                }
                Outcome::Uncertain(r) => {
                    summary.uncertain += 1;
                    fail(
                        "uncertain (maybe delivered; not sent again automatically)",
                        &r,
                    );
                    recipient_refusals.clear();
                    content_refusals.clear();
                    connection_failures += 1;
                    if connection_failures >= CONNECTION_FAILURES_TO_STOP {
                        stop_with(format!("the SMTP server left {connection_failures} messages in a row without a reply to their end (last: {r}); stopped so that no more reports end in doubt"), fatal);
                    }
                }
                Outcome::Permanent(r, streak) => {
                    summary.failed_permanent += 1;
                    fail("failed-permanent", &r);
                    let (run, limit, what) = match streak {
                        Streak::Recipient => {
                            content_refusals.clear();
                            (
                                &mut recipient_refusals,
                                RECIPIENT_REFUSALS_TO_STOP,
                                "the recipients of",
                            )
                        }
                        Streak::Content => {
                            recipient_refusals.clear();
                            (
                                &mut content_refusals,
                                CONTENT_REFUSALS_TO_STOP,
                                "the messages of",
                            )
                        }
                        Streak::None => return Ok(()),
                    };
                    run.push(id.clone());
                    // Refusals of the same kind still in flight when the streak stopped the
                    // phase belong to it too: released, never marked failed.
                    let late = stopped_by == Some(streak);
                    if run.len() >= limit || late {
                        summary.failed_permanent -= run.len() as u64;
                        streak_release.append(run);
                        if late {
                            return Ok(());
                        }
                        stopped_by = Some(streak);
                        stop_with(format!("the server refused {what} {limit} reports in a row (last: {}): that points at the sending configuration (sender, relay permission, message size or content), not at the reports, so they were not marked failed", mask_in(&r, &job.email)), fatal);
                    }
                }
                Outcome::Suppressed => summary.suppressed += 1,
                Outcome::PdfChanged(r) => {
                    summary.skipped_pdf_changed += 1;
                    fail("not sent", &r);
                }
                Outcome::NotClaimed | Outcome::Aborted => {}
                Outcome::Stop(r) => stop_with(r, fatal),
            }
            if !opts.quiet && last_report.elapsed() >= Duration::from_secs(5) {
                last_report = Instant::now();
                tracing::info!("email: {done}/{total} done, {} sent", summary.sent);
            }
            Ok(())
        };
        let mut settle = |(job, out)| settle(job, out, summary, &mut fatal);
        for job in pending {
            if stop.load(Ordering::Relaxed) {
                interrupted = true;
                break;
            }
            if sh.abort.load(Ordering::Relaxed) {
                break;
            }
            feed.settle_ready(&mut settle)?;
            if !feed.submit(job, &mut settle)? {
                break;
            }
        }
        feed.finish(&mut settle)
    })?;
    interrupted |= stop.load(Ordering::Relaxed);
    for id in &streak_release {
        ledger.release(id)?;
    }
    summary
        .failures
        .retain(|f| !streak_release.contains(&f.audit_id));
    summary.retries = sh.retries.load(Ordering::Relaxed);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.messages_per_second = summary.sent as f64 / summary.seconds.max(1e-9);
    summary.status = if fatal.is_some() {
        PhaseStatus::Stopped
    } else if interrupted {
        PhaseStatus::Interrupted
    } else if summary.has_failures() {
        PhaseStatus::Partial
    } else {
        PhaseStatus::Ok
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
        let t0 = *p.next.lock().unwrap();
        let ms = |d: Duration| d.as_millis();
        // Four senders asking at once get slots 50 ms apart.
        let slots: Vec<u128> = (0..4).map(|_| ms(p.slot(t0).unwrap() - t0)).collect();
        assert_eq!(slots, [0, 50, 100, 150]);
        // One asking after a pause is not owed the slots it missed.
        let late = t0 + Duration::from_secs(1);
        assert_eq!(ms(p.slot(late).unwrap() - t0), 1000);
        assert_eq!(ms(p.slot(late).unwrap() - t0), 1050);
        assert!(Pacer::new(None).slot(t0).is_none(), "no limit, no wait");
    }
}
