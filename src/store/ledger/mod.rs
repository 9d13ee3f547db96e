//! The ledger: an embedded SQLite database (`DIR/ledger.sqlite`) that remembers, per audit, what
//! was rendered from which input (fingerprint), where the PDF is and what its bytes hash to, and
//! where its email stands. It makes re-runs incremental (`needs_render`) and e-mailing
//! exactly-once (the email state machine below).
//!
//! The email state machine is in `email`, the defences against a lost ledger (refusing to start
//! afresh beside existing reports, backups, rebuilding from the PDFs) in `guard`.
//!
//! All times are stored as RFC 3339 strings in one canonical form — UTC, whole seconds,
//! `YYYY-MM-DDTHH:MM:SSZ` — so that SQL string comparison (`email_next_try <= ?now`) is time order.

mod email;
mod guard;

pub use email::{EmailState, PendingEmail};
pub use guard::{rebuild, write_marker};

use anyhow::{bail, Context};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The ledger's file name inside the output directory.
pub use crate::store::layout::LEDGER as FILE_NAME;

/// How a batch run ended, as `summary.json` and the ledger's `runs` table say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    Ok,
    /// Done, with rejected rows or failed reports.
    Partial,
    Interrupted,
    /// The input changed while it was read: the run does not count as done.
    InputChanged,
    /// Could not finish (a disk, the ledger, the input).
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Ok => "ok",
            RunStatus::Partial => "partial",
            RunStatus::Interrupted => "interrupted",
            RunStatus::InputChanged => "input-changed",
            RunStatus::Failed => "failed",
        }
    }
}

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
    // 3: email at most once when in doubt; audit ids compared without case (a re-export that
    // upper-cases them must not make new reports, and new emails). `queued` (claimed before MAIL FROM) becomes
    // `sending` (claimed just before DATA); a report left `queued` by an older version may have
    // been delivered, so it becomes `uncertain`. New: `sent-unknown` (ledger rebuilt from the
    // PDFs), the claim's time and server, and a resend counter for fresh Message-IDs.
    "CREATE TABLE reports_v3 (
        audit_id       TEXT PRIMARY KEY COLLATE NOCASE,
        fingerprint    TEXT NOT NULL,
        pdf_path       TEXT NOT NULL,
        pdf_sha256     TEXT NOT NULL,
        pdf_bytes      INTEGER NOT NULL,
        score          INTEGER,
        rendered_at    TEXT NOT NULL,
        email          TEXT,
        consent        INTEGER NOT NULL,
        email_state    TEXT NOT NULL DEFAULT 'none'
            CHECK (email_state IN ('none', 'sending', 'sent', 'failed-transient', 'failed-permanent',
                                   'uncertain', 'sent-unknown')),
        email_attempts INTEGER NOT NULL DEFAULT 0,
        email_next_try TEXT,
        email_response TEXT,
        email_sent_at  TEXT,
        message_id     TEXT,
        full_name      TEXT,
        email_claimed_at TEXT,
        email_server   TEXT,
        email_resends  INTEGER NOT NULL DEFAULT 0
    );
    INSERT OR IGNORE INTO reports_v3 (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at,
        email, consent, email_state, email_attempts, email_next_try, email_response, email_sent_at,
        message_id, full_name)
    SELECT audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent,
        CASE email_state WHEN 'queued' THEN 'uncertain' ELSE email_state END,
        email_attempts, email_next_try,
        CASE email_state WHEN 'queued'
            THEN 'an older riskreport was sending it when it stopped; it may have been delivered'
            ELSE email_response END,
        email_sent_at, message_id, full_name
    FROM reports
    -- Ids differing only in case become one report: the one that was emailed wins.
    ORDER BY CASE email_state WHEN 'sent' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END;
    DROP TABLE reports;
    ALTER TABLE reports_v3 RENAME TO reports;
    CREATE INDEX reports_email_state ON reports (email_state);",
    // 4: the name the reader asked to be addressed by (the audit's `preferred_name`), for the
    // email's salutation; NULL when they gave none (the salutation uses the whole name).
    "ALTER TABLE reports ADD COLUMN preferred_name TEXT;",
];

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
    /// The name they asked to be addressed by, if any.
    pub preferred_name: Option<String>,
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
    /// When the last claim (just before DATA) was made, and to which server.
    pub email_claimed_at: Option<OffsetDateTime>,
    pub email_server: Option<String>,
    /// Operator resends so far (each gives the next message a new Message-ID).
    pub email_resends: u32,
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
    format!("{:x}", h.finalize())
}

/// SHA-256 (hex) of bytes in memory, e.g. a PDF just rendered.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// SHA-256 (hex) and length of a file.
pub fn sha256_file(path: &Path) -> io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let len = io::copy(&mut File::open(path)?, &mut h)?;
    Ok((format!("{:x}", h.finalize()), len))
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
     full_name, email_claimed_at, email_server, email_resends, preferred_name";

fn report_from_row(r: &Row<'_>) -> rusqlite::Result<ReportEntry> {
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
            preferred_name: r.get(19)?,
        },
        email_state: email::state_at(r, 9)?,
        email_attempts: r.get::<_, i64>(10)?.clamp(0, u32::MAX as i64) as u32,
        email_next_try: opt_time(11)?,
        email_response: r.get(12)?,
        email_sent_at: opt_time(13)?,
        message_id: r.get(14)?,
        email_claimed_at: opt_time(16)?,
        email_server: r.get(17)?,
        email_resends: r.get::<_, i64>(18)?.clamp(0, u32::MAX as i64) as u32,
    })
}

impl Ledger {
    /// Opens (creating if needed) `dir/ledger.sqlite` and brings its schema up to date — but
    /// never creates a new one where an earlier one was lost (see `guard::check_not_lost`).
    pub fn open(dir: &Path) -> anyhow::Result<Ledger> {
        guard::check_not_lost(dir)?;
        let l = Ledger::open_unchecked(dir);
        l.map_err(|e| guard::explain_unreadable(dir, e))
    }

    /// Opens the ledger for reading only (`status`): nothing is created, migrated or written,
    /// so it works on a read-only volume or a copy (then as an immutable file). A ledger of an
    /// older schema is opened normally, to be brought up to date first.
    pub fn open_read_only(dir: &Path) -> anyhow::Result<Ledger> {
        use rusqlite::OpenFlags;
        guard::check_not_lost(dir)?;
        let path = dir.join(FILE_NAME);
        let uri = |extra: &str| -> anyhow::Result<String> {
            Ok(format!(
                "file:{}?mode=ro{extra}",
                path_text(&path)?
                    .replace('%', "%25")
                    .replace('?', "%3f")
                    .replace('#', "%23")
            ))
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
        let try_open = |u: String| -> rusqlite::Result<Connection> {
            let c = Connection::open_with_flags(u, flags)?;
            c.busy_timeout(Duration::from_secs(10))?;
            // Reading the schema version proves the file opens (WAL needs its -shm).
            let _: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
            Ok(c)
        };
        let conn = match try_open(uri("")?) {
            Ok(c) => c,
            // On a read-only volume a WAL database cannot make its -shm: read it as a file
            // nobody changes.
            Err(_) => try_open(uri("&immutable=1")?).map_err(|e| {
                guard::explain_unreadable(
                    dir,
                    anyhow::Error::new(e).context(format!(
                        "cannot open the ledger {} for reading",
                        path.display()
                    )),
                )
            })?,
        };
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != MIGRATIONS.len() as i64 {
            drop(conn);
            return Ledger::open(dir);
        }
        Ok(Ledger { conn, path })
    }

    fn open_unchecked(dir: &Path) -> anyhow::Result<Ledger> {
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
        // 512 KiB of page cache, not SQLite's 2 MB: a night's lookups are one row by key each,
        // which the B-tree's inner pages (a few dozen for 10,000 rows) serve, and the rest of
        // the cache only grew the batch's peak memory as the ledger grew.
        self.conn.pragma_update(None, "cache_size", -512)?;
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
        let out = result.map_err(|e| self.explain(e))?;
        reset?;
        Ok(out)
    }

    /// The output directory the ledger lives in.
    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// Paths are stored relative to the output directory (`reports/<id>.pdf`), so a moved
    /// directory keeps working; a path elsewhere is stored as given.
    fn relative<'p>(&self, p: &'p Path) -> &'p Path {
        p.strip_prefix(self.dir()).unwrap_or(p)
    }

    /// A stored entry with its PDF path made usable from here again.
    fn absolute(&self, mut e: ReportEntry) -> ReportEntry {
        e.render.pdf_path = self.dir().join(&e.render.pdf_path);
        e
    }

    /// Names the ledger and what to do, for SQLite's terse errors ("database is locked",
    /// "disk I/O error", "database or disk is full").
    fn explain(&self, e: anyhow::Error) -> anyhow::Error {
        let text = format!("{e:#}").to_lowercase();
        let path = self.path.display();
        let what = if text.contains("full") {
            format!("the disk holding the ledger {path} is full: free space and run again — finished reports and every recorded email state are kept")
        } else if text.contains("disk i/o") {
            format!("the ledger {path} could not be written (an I/O error from the disk, often a full or failing disk): free space or check the disk, and run again — what was recorded before is kept")
        } else if text.contains("locked") || text.contains("busy") {
            format!("the ledger {path} stayed locked by another process for 10 s: is another riskreport (or an sqlite3 shell) using this output directory?")
        } else if text.contains("readonly") || text.contains("read-only") {
            format!("the ledger {path} is read-only: give this user write access to it and its directory")
        } else {
            format!("the ledger {path}")
        };
        e.context(what)
    }

    /// The stored entry of one report, if any.
    #[cfg(test)]
    pub fn entry(&self, audit_id: &str) -> anyhow::Result<Option<ReportEntry>> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE audit_id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [audit_id], report_from_row)
            .map(|e| self.absolute(e))
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
    /// Leaves this connection's commits in the write-ahead log when it closes, for the next
    /// connection to fold into the database. `render --id` records one report: folding it in
    /// at close synced the log and the database and deleted and re-created the log, 5 of its 7
    /// fsyncs and some 14 ms of its wall time on this machine. The record is as safe as any
    /// commit under `synchronous = NORMAL` (a power cut may lose it; the report is then
    /// rendered again with the same bytes); the next `run` folds it in at its end.
    pub fn keep_log_on_close(&self) -> anyhow::Result<()> {
        self.conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
        Ok(())
    }

    pub fn record_render(&mut self, entry: &RenderRecord) -> anyhow::Result<()> {
        let pdf_path = path_text(self.relative(&entry.pdf_path))?;
        let rendered_at = timestamp(entry.rendered_at)?;
        let pdf_bytes = to_i64(entry.pdf_bytes, "PDF size")?;
        let result = (|| -> anyhow::Result<()> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
            "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent, full_name, preferred_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (audit_id) DO UPDATE SET
                audit_id = excluded.audit_id, fingerprint = excluded.fingerprint, pdf_path = excluded.pdf_path,
                pdf_sha256 = excluded.pdf_sha256, pdf_bytes = excluded.pdf_bytes, score = excluded.score,
                rendered_at = excluded.rendered_at, email = excluded.email, consent = excluded.consent,
                full_name = excluded.full_name, preferred_name = excluded.preferred_name",
            params![entry.audit_id, entry.fingerprint, pdf_path, entry.pdf_sha256, pdf_bytes, entry.score, rendered_at, entry.email, entry.consent, entry.full_name, entry.preferred_name],
        )
        .with_context(|| format!("cannot record the report of {} in the ledger", entry.audit_id))?;
            tx.commit()?;
            Ok(())
        })();
        result.map_err(|e| self.explain(e))
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
        status: RunStatus,
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
                status.as_str()
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
mod tests;
