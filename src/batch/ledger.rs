//! The ledger: an embedded SQLite database (`DIR/ledger.sqlite`) that remembers, per audit, what
//! was rendered from which input (fingerprint), where the PDF is and what its bytes hash to, and
//! where its email stands. It makes re-runs incremental (`needs_render`) and e-mailing
//! exactly-once (the email state machine below).
//!
//! Email states (`reports.email_state`, enforced by a CHECK constraint):
//!
//! ```text
//!   none ──mark_queued──▶ queued ──mark_sent──────▶ sent
//!     ▲                     │  ▲ ──mark_permanent─▶ failed-permanent
//!     │                     │  └─mark_queued─┐
//!     │                     └─mark_transient─▶ failed-transient (next_try)
//!     └──────────── reset_for_resend (operator `--resend`) ◀── any state
//! ```
//!
//! `mark_queued` is the claim: it only succeeds for a consenting report that is not `sent` or
//! `failed-permanent`, and the sender must not send when it returns `false`. The outcome methods
//! only accept a report that is `queued`.
//!
//! All times are stored as RFC 3339 strings in one canonical form — UTC, whole seconds,
//! `YYYY-MM-DDTHH:MM:SSZ` — so that SQL string comparison (`email_next_try <= ?now`) is time order.

// The email-state half of the API (claim, outcomes, pending, resend) is the contract for the
// Email issue's sender, tested here before that sender exists.
#![allow(dead_code)]

use anyhow::{bail, Context};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The ledger's file name inside the output directory.
pub const FILE_NAME: &str = "ledger.sqlite";

/// Schema migrations, applied in order; `PRAGMA user_version` is the number applied so far.
/// Append new steps, never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: reports and runs.
    "CREATE TABLE reports (
        audit_id       TEXT PRIMARY KEY,
        fingerprint    TEXT NOT NULL,
        pdf_path       TEXT NOT NULL,
        pdf_sha256     TEXT NOT NULL,
        pdf_bytes      INTEGER NOT NULL,
        score          INTEGER,
        rendered_at    TEXT NOT NULL,
        email          TEXT,
        consent        INTEGER NOT NULL,
        email_state    TEXT NOT NULL DEFAULT 'none'
            CHECK (email_state IN ('none', 'queued', 'sent', 'failed-transient', 'failed-permanent')),
        email_attempts INTEGER NOT NULL DEFAULT 0,
        email_next_try TEXT,
        email_response TEXT,
        email_sent_at  TEXT,
        message_id     TEXT
    );
    CREATE INDEX reports_email_state ON reports (email_state);
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        input       TEXT NOT NULL,
        rows        INTEGER NOT NULL DEFAULT 0,
        rendered    INTEGER NOT NULL DEFAULT 0,
        skipped     INTEGER NOT NULL DEFAULT 0,
        rejected    INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        status      TEXT NOT NULL
    );",
    // 2: the person's name, for the email's salutation and attachment name (`riskreport send`
    // has no input file). NULL for reports recorded before this step.
    "ALTER TABLE reports ADD COLUMN full_name TEXT;",
];

/// Where a report's email stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmailState {
    None,
    Queued,
    Sent,
    FailedTransient,
    FailedPermanent,
}

impl EmailState {
    pub const ALL: [EmailState; 5] = [
        EmailState::None,
        EmailState::Queued,
        EmailState::Sent,
        EmailState::FailedTransient,
        EmailState::FailedPermanent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::None => "none",
            EmailState::Queued => "queued",
            EmailState::Sent => "sent",
            EmailState::FailedTransient => "failed-transient",
            EmailState::FailedPermanent => "failed-permanent",
        }
    }

    pub fn parse(s: &str) -> Option<EmailState> {
        EmailState::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for EmailState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `record_render` stores after a PDF has been written (renamed into place).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderRecord {
    pub audit_id: String,
    pub fingerprint: String,
    pub pdf_path: PathBuf,
    pub pdf_sha256: String,
    pub pdf_bytes: u64,
    pub score: Option<i32>,
    pub rendered_at: OffsetDateTime,
    pub email: Option<String>,
    pub consent: bool,
    /// The person's full name, for the email (None for reports recorded by an older version).
    pub full_name: Option<String>,
}

/// One row of `reports`, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportEntry {
    pub render: RenderRecord,
    pub email_state: EmailState,
    pub email_attempts: u32,
    pub email_next_try: Option<OffsetDateTime>,
    pub email_response: Option<String>,
    pub email_sent_at: Option<OffsetDateTime>,
    pub message_id: Option<String>,
}

/// A report the email phase should (try to) send now.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingEmail {
    pub audit_id: String,
    pub email: String,
    pub pdf_path: PathBuf,
    pub pdf_sha256: String,
    pub fingerprint: String,
    pub state: EmailState,
    /// Attempts started so far (each `mark_queued` counts one).
    pub attempts: u32,
    pub full_name: Option<String>,
    pub score: Option<i32>,
    /// When the report was rendered (the audit's submission time): the email's Date.
    pub rendered_at: OffsetDateTime,
}

/// Counts of one run, written by `finish_run`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunCounts {
    pub rows: u64,
    pub rendered: u64,
    pub skipped: u64,
    pub rejected: u64,
    pub failed: u64,
}

/// One row of `runs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    pub id: i64,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339; `None` while running or when the run was killed.
    pub finished_at: Option<String>,
    pub input: String,
    pub counts: RunCounts,
    /// `running` until `finish_run` sets the caller's status (e.g. `ok`, `interrupted`).
    pub status: String,
}

/// What `riskreport status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerSummary {
    pub reports: u64,
    pub consenting: u64,
    /// Reports per email state, every state listed (zero included), in state order.
    pub email: Vec<(EmailState, u64)>,
    pub last_run: Option<RunInfo>,
}

impl LedgerSummary {
    pub fn count(&self, state: EmailState) -> u64 {
        self.email
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    }
}

pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

/// SHA-256 over the row's bytes, the catalog's and layouts' fingerprints and the program version,
/// each preceded by its length (u64, little-endian) so that no two different inputs concatenate
/// to the same byte stream ("ab"+"c" vs "a"+"bc").
pub fn fingerprint(row_bytes: &[u8], catalog_fp: &str, layouts_fp: &str, version: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"riskreport-fingerprint-v1");
    for part in [
        row_bytes,
        catalog_fp.as_bytes(),
        layouts_fp.as_bytes(),
        version.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    hex(&h.finalize())
}

/// SHA-256 (hex) of bytes in memory, e.g. a PDF just rendered.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 (hex) and length of a file, read in 64 KiB blocks.
pub fn sha256_file(path: &Path) -> io::Result<(String, u64)> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex(&h.finalize()), len))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The canonical stored form of a time: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`. One fixed
/// width, so string order is time order (RFC 3339 with variable fractions or offsets is not).
pub fn timestamp(t: OffsetDateTime) -> anyhow::Result<String> {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond");
    t.format(&Rfc3339)
        .with_context(|| format!("cannot store the time {t} as RFC 3339"))
}

fn parse_time(s: &str) -> rusqlite::Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn path_text(p: &Path) -> anyhow::Result<&str> {
    p.to_str().with_context(|| {
        format!(
            "the path {} is not valid UTF-8 and cannot be recorded in the ledger",
            p.display()
        )
    })
}

fn to_i64(n: u64, what: &str) -> anyhow::Result<i64> {
    i64::try_from(n).with_context(|| format!("{what} {n} is too large for the ledger"))
}

const REPORT_COLUMNS: &str =
    "audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent, \
     email_state, email_attempts, email_next_try, email_response, email_sent_at, message_id, \
     full_name";

fn report_from_row(r: &Row<'_>) -> rusqlite::Result<ReportEntry> {
    let state: String = r.get(9)?;
    let opt_time = |i: usize| -> rusqlite::Result<Option<OffsetDateTime>> {
        r.get::<_, Option<String>>(i)?
            .as_deref()
            .map(parse_time)
            .transpose()
    };
    Ok(ReportEntry {
        render: RenderRecord {
            audit_id: r.get(0)?,
            fingerprint: r.get(1)?,
            pdf_path: PathBuf::from(r.get::<_, String>(2)?),
            pdf_sha256: r.get(3)?,
            pdf_bytes: r.get::<_, i64>(4)?.max(0) as u64,
            score: r.get(5)?,
            rendered_at: parse_time(&r.get::<_, String>(6)?)?,
            email: r.get(7)?,
            consent: r.get(8)?,
            full_name: r.get(15)?,
        },
        email_state: EmailState::parse(&state).ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(
                9,
                format!("email_state '{state}'"),
                rusqlite::types::Type::Text,
            )
        })?,
        email_attempts: r.get::<_, i64>(10)?.clamp(0, u32::MAX as i64) as u32,
        email_next_try: opt_time(11)?,
        email_response: r.get(12)?,
        email_sent_at: opt_time(13)?,
        message_id: r.get(14)?,
    })
}

impl Ledger {
    /// Opens (creating if needed) `dir/ledger.sqlite` and brings its schema up to date.
    pub fn open(dir: &Path) -> anyhow::Result<Ledger> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
        let path = dir.join(FILE_NAME);
        let conn = Connection::open(&path)
            .with_context(|| format!("cannot open the ledger {}", path.display()))?;
        let mut ledger = Ledger { conn, path };
        ledger
            .configure()
            .with_context(|| format!("cannot set up the ledger {}", ledger.path.display()))?;
        ledger.migrate().with_context(|| {
            format!(
                "cannot update the schema of the ledger {}",
                ledger.path.display()
            )
        })?;
        Ok(ledger)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> anyhow::Result<()> {
        // `status` may read while a run writes; the run lock keeps writers to one, but be patient
        // rather than fail on a momentary lock.
        self.conn.busy_timeout(Duration::from_secs(10))?;
        // WAL: readers never block the writer, and a commit is one append to the log. On a file
        // system without shared memory support SQLite keeps its rollback journal; that is slower
        // but just as correct, so the answer is not checked.
        let _mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        // NORMAL in WAL mode: a commit is atomic and the database can never be corrupted, but the
        // last commits before a power cut (not a process crash) may be rolled back. That is fine
        // for render records — a lost record only means the report is rendered again, with the
        // same bytes. It is NOT fine for email state, see `durable_write`.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    fn migrate(&mut self) -> anyhow::Result<()> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            bail!("the ledger has schema version {version}, newer than this riskreport understands ({known}); use a newer riskreport or another output directory");
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            // IMMEDIATE takes the write lock first, so two processes cannot both migrate.
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if now > i as i64 {
                continue; // someone else applied it meanwhile
            }
            tx.execute_batch(sql)
                .with_context(|| format!("migration {}", i + 1))?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Runs an email-state write with `synchronous = FULL`: in WAL mode that fsyncs the log at
    /// every commit, so once this returns the state survives a power cut or kernel crash. With
    /// NORMAL a `sent` written a moment before a power cut could be rolled back, and the next run
    /// would send that report again — exactly-once needs the write to be durable before the sender
    /// moves on. The cost (one fsync per email) is small next to an SMTP round trip.
    fn durable_write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let result: anyhow::Result<T> = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        let reset = self.conn.pragma_update(None, "synchronous", "NORMAL");
        let out = result?;
        reset?;
        Ok(out)
    }

    /// The stored entry of one report, if any.
    pub fn entry(&self, audit_id: &str) -> anyhow::Result<Option<ReportEntry>> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE audit_id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [audit_id], report_from_row)
            .optional()?)
    }

    /// Whether the report must be (re)rendered: no entry, the input fingerprint changed, the PDF
    /// is missing, or its size or SHA-256 differ from the recorded ones.
    ///
    /// This reads and hashes the whole PDF (after a cheap size check). SHA-256 runs at several
    /// hundred MB/s per core, so a report of a few hundred KB costs well under a millisecond plus
    /// the read — a few seconds for 10,000 reports, against minutes to render them. Cheaper
    /// checks (size + mtime) would miss a file that was replaced by one of the same length.
    pub fn needs_render(
        &self,
        audit_id: &str,
        fingerprint: &str,
        pdf_path: &Path,
    ) -> anyhow::Result<bool> {
        let recorded: Option<(String, String, i64)> = self
            .conn
            .query_row(
                "SELECT fingerprint, pdf_sha256, pdf_bytes FROM reports WHERE audit_id = ?1",
                [audit_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((fp, sha, bytes)) = recorded else {
            return Ok(true);
        };
        if fp != fingerprint {
            return Ok(true);
        }
        match std::fs::metadata(pdf_path) {
            Ok(m) if m.is_file() && m.len() as i64 == bytes => {}
            Ok(_) => return Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", pdf_path.display())),
        }
        match sha256_file(pdf_path) {
            Ok((actual, _)) => Ok(actual != sha),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", pdf_path.display())),
        }
    }

    /// Records a report whose PDF has just been renamed into place, in one transaction. A report
    /// rendered before keeps its email state: a re-rendered report is not resent automatically
    /// (operators use `reset_for_resend`).
    pub fn record_render(&mut self, entry: &RenderRecord) -> anyhow::Result<()> {
        let pdf_path = path_text(&entry.pdf_path)?;
        let rendered_at = timestamp(entry.rendered_at)?;
        let pdf_bytes = to_i64(entry.pdf_bytes, "PDF size")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent, full_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (audit_id) DO UPDATE SET
                fingerprint = excluded.fingerprint, pdf_path = excluded.pdf_path,
                pdf_sha256 = excluded.pdf_sha256, pdf_bytes = excluded.pdf_bytes, score = excluded.score,
                rendered_at = excluded.rendered_at, email = excluded.email, consent = excluded.consent,
                full_name = excluded.full_name",
            params![entry.audit_id, entry.fingerprint, pdf_path, entry.pdf_sha256, pdf_bytes, entry.score, rendered_at, entry.email, entry.consent, entry.full_name],
        )
        .with_context(|| format!("cannot record the report of {} in the ledger", entry.audit_id))?;
        tx.commit()?;
        Ok(())
    }

    /// Claims a report for one send attempt, just before handing it to SMTP; counts the attempt.
    /// Returns `false` — and the caller must not send — when the report is unknown, has no
    /// consent or address, or is already `sent` or `failed-permanent`.
    ///
    /// A report still `queued` at the start of a run was claimed by a run that died before it
    /// recorded the outcome; it is offered again by `pending_emails`. If that run died after the
    /// server accepted the message, this is the one window where a recipient can get a second
    /// copy; it spans one SMTP reply plus one local commit, and the stable Message-ID lets mail
    /// systems recognise the duplicate.
    pub fn mark_queued(&mut self, audit_id: &str) -> anyhow::Result<bool> {
        self.durable_write(|tx| {
            let n = tx.execute(
                "UPDATE reports SET email_state = 'queued', email_attempts = email_attempts + 1, email_next_try = NULL
                 WHERE audit_id = ?1 AND consent = 1 AND email IS NOT NULL AND email != ''
                   AND email_state IN ('none', 'queued', 'failed-transient')",
                [audit_id],
            )?;
            Ok(n == 1)
        })
    }

    /// The server accepted the message: records its response, the Message-ID and the time.
    pub fn mark_sent(
        &mut self,
        audit_id: &str,
        response: &str,
        message_id: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let at = timestamp(at)?;
        self.outcome(
            audit_id,
            EmailState::Sent,
            "email_response = ?2, message_id = ?3, email_sent_at = ?4, email_next_try = NULL",
            params![audit_id, response, message_id, at],
        )
    }

    /// A 4xx or connection trouble: try again at `next_try` or later.
    pub fn mark_transient(
        &mut self,
        audit_id: &str,
        response: &str,
        next_try: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let next_try = timestamp(next_try)?;
        self.outcome(
            audit_id,
            EmailState::FailedTransient,
            "email_response = ?2, email_next_try = ?3",
            params![audit_id, response, next_try],
        )
    }

    /// A 5xx for this recipient: never retried automatically.
    pub fn mark_permanent(&mut self, audit_id: &str, response: &str) -> anyhow::Result<()> {
        self.outcome(
            audit_id,
            EmailState::FailedPermanent,
            "email_response = ?2, email_next_try = NULL",
            params![audit_id, response],
        )
    }

    fn outcome(
        &mut self,
        audit_id: &str,
        state: EmailState,
        set: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> anyhow::Result<()> {
        let sql = format!("UPDATE reports SET email_state = '{}', {set} WHERE audit_id = ?1 AND email_state = 'queued'", state.as_str());
        self.durable_write(|tx| {
            if tx.execute(&sql, params)? == 1 {
                return Ok(());
            }
            let current: Option<String> = tx.query_row("SELECT email_state FROM reports WHERE audit_id = ?1", [audit_id], |r| r.get(0)).optional()?;
            match current {
                None => bail!("the ledger has no report {audit_id}"),
                Some(s) => bail!("cannot mark the email of {audit_id} {state}: it is {s}, not queued (mark_queued must come first)"),
            }
        })
    }

    /// Reports to email now: consent given, an address, and state `none`, `queued` (an attempt
    /// cut short by a crash) or `failed-transient` whose next try is due. Sorted by audit_id.
    pub fn pending_emails(&self, now: OffsetDateTime) -> anyhow::Result<Vec<PendingEmail>> {
        let now = timestamp(now)?;
        let mut stmt = self.conn.prepare(
            "SELECT audit_id, email, pdf_path, pdf_sha256, fingerprint, email_state, email_attempts, full_name, score, rendered_at FROM reports
             WHERE consent = 1 AND email IS NOT NULL AND email != ''
               AND (email_state IN ('none', 'queued')
                    OR (email_state = 'failed-transient' AND (email_next_try IS NULL OR email_next_try <= ?1)))
             ORDER BY audit_id",
        )?;
        let rows = stmt.query_map([now], |r| {
            let state: String = r.get(5)?;
            Ok(PendingEmail {
                audit_id: r.get(0)?,
                email: r.get(1)?,
                pdf_path: PathBuf::from(r.get::<_, String>(2)?),
                pdf_sha256: r.get(3)?,
                fingerprint: r.get(4)?,
                state: EmailState::parse(&state).ok_or_else(|| {
                    rusqlite::Error::InvalidColumnType(
                        5,
                        format!("email_state '{state}'"),
                        rusqlite::types::Type::Text,
                    )
                })?,
                attempts: r.get::<_, i64>(6)?.clamp(0, u32::MAX as i64) as u32,
                full_name: r.get(7)?,
                score: r.get(8)?,
                rendered_at: parse_time(&r.get::<_, String>(9)?)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Operator `--resend`: puts a report back to `none` with no attempts, so the next email
    /// phase sends it again (consent still applies). The previous `email_sent_at` and
    /// `message_id` stay as the record of the last delivery until a new one replaces them.
    /// Returns `false` when the ledger has no such report.
    pub fn reset_for_resend(&mut self, audit_id: &str) -> anyhow::Result<bool> {
        self.durable_write(|tx| {
            let n = tx.execute(
                "UPDATE reports SET email_state = 'none', email_attempts = 0, email_next_try = NULL, email_response = NULL WHERE audit_id = ?1",
                [audit_id],
            )?;
            Ok(n == 1)
        })
    }

    /// Starts a run record (status `running`); returns its id for `finish_run`.
    pub fn begin_run(&mut self, input: &str, started_at: OffsetDateTime) -> anyhow::Result<i64> {
        let started_at = timestamp(started_at)?;
        self.conn.execute(
            "INSERT INTO runs (started_at, input, status) VALUES (?1, ?2, 'running')",
            params![started_at, input],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Closes a run record with its counts and final status (e.g. `ok`, `partial`, `interrupted`).
    pub fn finish_run(
        &mut self,
        id: i64,
        counts: &RunCounts,
        status: &str,
        finished_at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let finished_at = timestamp(finished_at)?;
        let n = self.conn.execute(
            "UPDATE runs SET finished_at = ?2, rows = ?3, rendered = ?4, skipped = ?5, rejected = ?6, failed = ?7, status = ?8 WHERE id = ?1",
            params![
                id,
                finished_at,
                to_i64(counts.rows, "row count")?,
                to_i64(counts.rendered, "rendered count")?,
                to_i64(counts.skipped, "skipped count")?,
                to_i64(counts.rejected, "rejected count")?,
                to_i64(counts.failed, "failed count")?,
                status
            ],
        )?;
        if n != 1 {
            bail!("the ledger has no run {id}");
        }
        Ok(())
    }

    /// Totals for `riskreport status`.
    pub fn summary(&self) -> anyhow::Result<LedgerSummary> {
        let (reports, consenting): (i64, i64) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(consent = 1), 0) FROM reports",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut email: Vec<(EmailState, u64)> = EmailState::ALL.iter().map(|s| (*s, 0)).collect();
        let mut stmt = self
            .conn
            .prepare("SELECT email_state, COUNT(*) FROM reports GROUP BY email_state")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (state, n) = row?;
            if let Some(slot) = email.iter_mut().find(|(s, _)| s.as_str() == state) {
                slot.1 = n.max(0) as u64;
            }
        }
        let last_run = self
            .conn
            .query_row("SELECT id, started_at, finished_at, input, rows, rendered, skipped, rejected, failed, status FROM runs ORDER BY id DESC LIMIT 1", [], |r| {
                let n = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
                Ok(RunInfo {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    input: r.get(3)?,
                    counts: RunCounts { rows: n(4)?, rendered: n(5)?, skipped: n(6)?, rejected: n(7)?, failed: n(8)? },
                    status: r.get(9)?,
                })
            })
            .optional()?;
        Ok(LedgerSummary {
            reports: reports.max(0) as u64,
            consenting: consenting.max(0) as u64,
            email,
            last_run,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 02:00:00 UTC);

    fn write_pdf(dir: &Path, id: &str, bytes: &[u8]) -> RenderRecord {
        let reports = dir.join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        let path = reports.join(format!("{id}.pdf"));
        std::fs::write(&path, bytes).unwrap();
        RenderRecord {
            audit_id: id.to_string(),
            fingerprint: fingerprint(id.as_bytes(), "cat", "lay", "0.1.0"),
            pdf_path: path,
            pdf_sha256: sha256_hex(bytes),
            pdf_bytes: bytes.len() as u64,
            score: Some(42),
            rendered_at: T0,
            email: Some(format!("{id}@example.com")),
            consent: true,
            full_name: Some(format!("Person {id}")),
        }
    }

    fn state(l: &Ledger, id: &str) -> EmailState {
        l.entry(id).unwrap().unwrap().email_state
    }

    #[test]
    fn fresh_open_creates_schema_and_wal() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::open(dir.path()).unwrap();
        assert!(dir.path().join(FILE_NAME).is_file());
        let v: i64 = l
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let mode: String = l
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let tables: Vec<String> = l
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(tables, ["reports", "runs"]);
        let s = l.summary().unwrap();
        assert_eq!((s.reports, s.consenting, s.last_run.clone()), (0, 0, None));
        assert_eq!(s.email.len(), 5);
    }

    #[test]
    fn reopen_keeps_data_and_refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let rec = write_pdf(dir.path(), "a1", b"%PDF-1.7 one");
        {
            let mut l = Ledger::open(dir.path()).unwrap();
            l.record_render(&rec).unwrap();
            let run = l.begin_run("audits.csv", T0).unwrap();
            l.finish_run(
                run,
                &RunCounts {
                    rows: 3,
                    rendered: 1,
                    skipped: 1,
                    rejected: 1,
                    failed: 0,
                },
                "ok",
                T0 + time::Duration::minutes(2),
            )
            .unwrap();
        }
        let l = Ledger::open(dir.path()).unwrap();
        let e = l.entry("a1").unwrap().unwrap();
        assert_eq!(e.render, rec);
        assert_eq!(e.email_state, EmailState::None);
        let s = l.summary().unwrap();
        assert_eq!(
            (s.reports, s.consenting, s.count(EmailState::None)),
            (1, 1, 1)
        );
        let run = s.last_run.unwrap();
        assert_eq!(
            (run.input.as_str(), run.status.as_str(), run.counts.rendered),
            ("audits.csv", "ok", 1)
        );
        assert_eq!(run.started_at, "2026-03-01T02:00:00Z");
        assert_eq!(run.finished_at.as_deref(), Some("2026-03-01T02:02:00Z"));
        drop(l);

        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Ledger::open(dir.path()).err().unwrap();
        assert!(
            format!("{err:#}").contains("newer than this riskreport"),
            "{err:#}"
        );
    }

    #[test]
    fn a_version_1_ledger_gains_full_name_as_null() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent)
             VALUES ('old', 'fp', 'r/old.pdf', 'sha', 3, 40, '2026-03-01T02:00:00Z', 'old@example.com', 1)",
            [],
        )
        .unwrap();
        drop(conn);
        let l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.entry("old").unwrap().unwrap().render.full_name, None);
        let p = l.pending_emails(T0).unwrap();
        assert_eq!(
            (p[0].full_name.clone(), p[0].score, p[0].rendered_at),
            (None, Some(40), T0)
        );
    }

    #[test]
    fn fingerprint_is_length_prefixed() {
        let a = fingerprint(b"ab", "c", "d", "1");
        assert_eq!(a, fingerprint(b"ab", "c", "d", "1"));
        assert_ne!(a, fingerprint(b"a", "bc", "d", "1"));
        assert_ne!(a, fingerprint(b"ab", "c", "d", "2"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn needs_render_cases() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        let rec = write_pdf(dir.path(), "a1", b"%PDF-1.7 original bytes");
        assert!(
            l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
                .unwrap(),
            "no entry yet"
        );
        l.record_render(&rec).unwrap();
        assert!(
            !l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
                .unwrap(),
            "unchanged"
        );
        assert!(
            l.needs_render(
                "a1",
                &fingerprint(b"other row", "cat", "lay", "0.1.0"),
                &rec.pdf_path
            )
            .unwrap(),
            "input changed"
        );

        // Same length, different bytes: only the hash can tell.
        std::fs::write(&rec.pdf_path, b"%PDF-1.7 tampered bytes").unwrap();
        assert!(
            l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
                .unwrap(),
            "tampered"
        );
        std::fs::write(&rec.pdf_path, b"%PDF-1.7 orig").unwrap();
        assert!(
            l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
                .unwrap(),
            "truncated"
        );
        std::fs::write(&rec.pdf_path, b"%PDF-1.7 original bytes").unwrap();
        assert!(
            !l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
                .unwrap(),
            "restored"
        );

        std::fs::remove_file(&rec.pdf_path).unwrap();
        assert!(
            l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
                .unwrap(),
            "deleted"
        );
        assert!(l
            .needs_render("unknown", &rec.fingerprint, &rec.pdf_path)
            .unwrap());
    }

    #[test]
    fn re_render_keeps_sent_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        let rec = write_pdf(dir.path(), "a1", b"%PDF v1");
        l.record_render(&rec).unwrap();
        assert!(l.mark_queued("a1").unwrap());
        l.mark_sent(
            "a1",
            "250 2.0.0 Ok: queued as ABC",
            "<a1.v1@riskreport>",
            T0,
        )
        .unwrap();

        let mut again = write_pdf(dir.path(), "a1", b"%PDF v2, re-rendered");
        again.fingerprint = fingerprint(b"fixed row", "cat", "lay", "0.1.0");
        again.rendered_at = T0 + time::Duration::days(1);
        l.record_render(&again).unwrap();

        let e = l.entry("a1").unwrap().unwrap();
        assert_eq!(e.render, again);
        assert_eq!(e.email_state, EmailState::Sent);
        assert_eq!(e.email_attempts, 1);
        assert_eq!(e.message_id.as_deref(), Some("<a1.v1@riskreport>"));
        assert_eq!(e.email_sent_at, Some(T0));
        assert!(
            l.pending_emails(T0 + time::Duration::days(2))
                .unwrap()
                .is_empty(),
            "not resent automatically"
        );
        assert!(
            !l.mark_queued("a1").unwrap(),
            "a sent report cannot be claimed again"
        );

        assert!(l.reset_for_resend("a1").unwrap());
        assert!(!l.reset_for_resend("nobody").unwrap());
        let pending = l.pending_emails(T0).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].state, pending[0].attempts),
            (EmailState::None, 0)
        );
    }

    #[test]
    fn pending_emails_honours_consent_and_next_try() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        for id in [
            "a-none",
            "b-noconsent",
            "c-transient",
            "d-due",
            "e-permanent",
            "f-queued",
            "g-sent",
            "h-noaddress",
        ] {
            let mut rec = write_pdf(dir.path(), id, id.as_bytes());
            rec.consent = id != "b-noconsent";
            if id == "h-noaddress" {
                rec.email = None;
            }
            l.record_render(&rec).unwrap();
        }
        assert!(
            !l.mark_queued("b-noconsent").unwrap(),
            "no consent, no claim"
        );
        assert!(!l.mark_queued("h-noaddress").unwrap());
        assert!(!l.mark_queued("zz-unknown").unwrap());
        for id in ["c-transient", "d-due", "e-permanent", "f-queued", "g-sent"] {
            assert!(l.mark_queued(id).unwrap());
        }
        l.mark_transient(
            "c-transient",
            "451 4.7.1 try later",
            T0 + time::Duration::minutes(10),
        )
        .unwrap();
        l.mark_transient("d-due", "421 busy", T0 - time::Duration::seconds(1))
            .unwrap();
        l.mark_permanent("e-permanent", "550 5.1.1 no such user")
            .unwrap();
        l.mark_sent("g-sent", "250 ok", "<g@x>", T0).unwrap();

        let ids = |now| {
            l.pending_emails(now)
                .unwrap()
                .into_iter()
                .map(|p| p.audit_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(T0), ["a-none", "d-due", "f-queued"]);
        // Exactly at next_try it is due; a fractional `now` is compared at whole seconds.
        assert_eq!(
            ids(T0 + time::Duration::minutes(10)),
            ["a-none", "c-transient", "d-due", "f-queued"]
        );
        assert_eq!(
            ids(T0 + time::Duration::milliseconds(599_500)),
            ["a-none", "d-due", "f-queued"]
        );

        let c = l.entry("c-transient").unwrap().unwrap();
        assert_eq!(c.email_state, EmailState::FailedTransient);
        assert_eq!(c.email_next_try, Some(T0 + time::Duration::minutes(10)));
        assert_eq!(c.email_response.as_deref(), Some("451 4.7.1 try later"));
        // A retry counts a second attempt and clears next_try.
        assert!(l.mark_queued("c-transient").unwrap());
        let c = l.entry("c-transient").unwrap().unwrap();
        assert_eq!(
            (c.email_state, c.email_attempts, c.email_next_try),
            (EmailState::Queued, 2, None)
        );
        assert!(
            !l.mark_queued("e-permanent").unwrap(),
            "permanent failures are not retried"
        );

        let s = l.summary().unwrap();
        assert_eq!((s.reports, s.consenting), (8, 7));
        assert_eq!(
            s.email,
            [
                (EmailState::None, 3),
                (EmailState::Queued, 2),
                (EmailState::Sent, 1),
                (EmailState::FailedTransient, 1),
                (EmailState::FailedPermanent, 1)
            ]
        );
    }

    #[test]
    fn state_machine_rejects_invalid_states_and_transitions() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        l.record_render(&write_pdf(dir.path(), "a1", b"x")).unwrap();

        let err = l
            .conn
            .execute(
                "UPDATE reports SET email_state = 'delivered' WHERE audit_id = 'a1'",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
        assert_eq!(state(&l, "a1"), EmailState::None);

        // Outcomes need a claim first.
        let err = l.mark_sent("a1", "250 ok", "<m>", T0).unwrap_err();
        assert!(
            format!("{err:#}").contains("it is none, not queued"),
            "{err:#}"
        );
        assert!(l.mark_permanent("nobody", "550").is_err());
        assert!(l.mark_queued("a1").unwrap());
        l.mark_permanent("a1", "550 no").unwrap();
        assert!(
            l.mark_transient("a1", "451", T0).is_err(),
            "failed-permanent is final until a resend"
        );
        assert_eq!(state(&l, "a1"), EmailState::FailedPermanent);
    }

    #[test]
    fn run_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        let first = l.begin_run("a.csv", T0).unwrap();
        l.finish_run(first, &RunCounts::default(), "ok", T0)
            .unwrap();
        let second = l
            .begin_run("b.csv", T0 + time::Duration::hours(24))
            .unwrap();
        let last = l.summary().unwrap().last_run.unwrap();
        assert_eq!(
            (
                last.id,
                last.input.as_str(),
                last.status.as_str(),
                last.finished_at
            ),
            (second, "b.csv", "running", None)
        );
        assert!(l
            .finish_run(12345, &RunCounts::default(), "ok", T0)
            .is_err());
    }

    #[test]
    fn timestamps_are_canonical() {
        let t = datetime!(2026-03-01 03:04:05.678 +01:00);
        assert_eq!(timestamp(t).unwrap(), "2026-03-01T02:04:05Z");
    }
}
