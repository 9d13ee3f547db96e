//! A lost ledger must never be silently replaced: a new, empty one beside existing reports
//! would render everything again and email every consenting person a second time. So:
//!
//! - `check_not_lost` refuses to open a missing or empty ledger while `reports/` holds PDFs or
//!   the marker file says emails were sent from this directory;
//! - the email phase writes that marker (`MARKER`) before its first claim;
//! - `Ledger::backup` keeps online copies in `ledger-backups/` (the last few);
//! - `rebuild` makes a ledger from the PDFs, every report `sent-unknown`.

use super::{sha256_file, timestamp, EmailState, Ledger, FILE_NAME};
use crate::store::layout::{LEDGER_BACKUPS, MARKER, REPORTS};
use anyhow::{bail, Context};
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

const KEEP_BACKUPS: usize = 5;

/// The files of `dir` that `keep` accepts, sorted; none when `dir` cannot be read.
fn sorted_files(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file() && keep(p))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn pdf_names(dir: &Path) -> Vec<PathBuf> {
    sorted_files(&dir.join(REPORTS), |p| {
        p.extension().is_some_and(|x| x == "pdf")
    })
}

/// The newest backup, if any.
pub fn latest_backup(dir: &Path) -> Option<PathBuf> {
    backups(dir).pop()
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    sorted_files(&dir.join(LEDGER_BACKUPS), |p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("ledger-") && n.ends_with(".sqlite"))
    })
}

/// What to do about a lost or damaged ledger, for the error message.
fn remedies(dir: &Path) -> String {
    let backups = match latest_backup(dir) {
        Some(b) => format!(
            " and the newest backup ({}): reports it records as sent stay sent",
            b.display()
        ),
        None => String::new(),
    };
    format!(
        "rebuild it with `riskreport ledger rebuild --out {}`, from the PDFs{backups}, and every other report becomes sent-unknown, never emailed again without --resend. Do not copy a backup from {}/ back by hand: it forgets what was emailed after it was taken, and those people would be emailed again. To start afresh on purpose, use a new output directory",
        dir.display(),
        dir.join(LEDGER_BACKUPS).display()
    )
}

/// Refuses when the ledger is missing or empty although this directory has been used:
/// `reports/` holds PDFs, or the marker says emails were sent.
pub fn check_not_lost(dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(FILE_NAME);
    let what = match std::fs::metadata(&path) {
        Ok(m) if m.len() > 0 => return Ok(()),
        // A fresh WAL database can hold its first pages in the log only.
        Ok(_)
            if std::fs::metadata(dir.join(format!("{FILE_NAME}-wal")))
                .is_ok_and(|w| w.len() > 0) =>
        {
            return Ok(())
        }
        Ok(_) => "is empty (0 bytes)",
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing",
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let pdfs = pdf_names(dir).len();
    let marker = dir.join(MARKER).exists();
    if pdfs == 0 && !marker {
        return Ok(());
    }
    let mut why = Vec::new();
    if pdfs > 0 {
        why.push(format!(
            "{} holds {pdfs} PDF(s)",
            dir.join(REPORTS).display()
        ));
    }
    if marker {
        why.push(format!(
            "{} says emails were sent from this directory",
            dir.join(MARKER).display()
        ));
    }
    bail!(
        "the ledger {} {what}, but {}: a new ledger would render every report again and email every consenting person a second time, so nothing was done. {}",
        path.display(),
        why.join(" and "),
        remedies(dir)
    )
}

/// Adds the remedies to an error from opening a damaged ledger ("file is not a database").
pub fn explain_unreadable(dir: &Path, e: anyhow::Error) -> anyhow::Error {
    let text = format!("{e:#}").to_lowercase();
    if text.contains("not a database") || text.contains("malformed") || text.contains("corrupt") {
        let hint = remedies(dir);
        e.context(format!(
            "the ledger {} is damaged: {hint}",
            dir.join(FILE_NAME).display()
        ))
    } else {
        e
    }
}

/// Notes, durably and once, that emails are being sent from `dir`.
pub fn write_marker(dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(MARKER);
    if path.exists() {
        return Ok(());
    }
    let mut f = crate::store::atomic::AtomicFile::create(&path)?;
    writeln!(
        f,
        "riskreport sent email from this directory (first at {}); its ledger.sqlite is the only record of who got one. Do not delete the ledger.",
        timestamp(OffsetDateTime::now_utc())?
    )?;
    f.commit()
        .with_context(|| format!("cannot write {}", path.display()))
}

impl Ledger {
    /// An online copy of the ledger (`VACUUM INTO`: consistent while others read) in
    /// `DIR/ledger-backups/ledger-<time>.sqlite`; keeps the newest few.
    pub fn backup(&self) -> anyhow::Result<PathBuf> {
        let dir = self
            .path
            .parent()
            .context("the ledger has no directory")?
            .join(LEDGER_BACKUPS);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let now = OffsetDateTime::now_utc();
        let stamp = timestamp(now)?.replace([':', '-'], "");
        let target = dir.join(format!("ledger-{stamp}-{:09}.sqlite", now.nanosecond()));
        let tmp = dir.join(format!(".ledger-backup.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let tmp_text = super::path_text(&tmp)?.to_string();
        self.conn
            .execute("VACUUM INTO ?1", [tmp_text])
            .with_context(|| format!("cannot back up the ledger to {}", tmp.display()))?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all())?;
        std::fs::rename(&tmp, &target)?;
        let all = backups(self.path.parent().unwrap_or(Path::new(".")));
        for old in all.iter().take(all.len().saturating_sub(KEEP_BACKUPS)) {
            let _ = std::fs::remove_file(old);
        }
        Ok(target)
    }
}

/// What `rebuild` did.
pub struct Rebuilt {
    pub reports: usize,
    pub skipped: Vec<String>,
    pub moved_aside: Option<PathBuf>,
    /// Reports known only from the backup (their PDFs are gone).
    pub from_backup: usize,
    /// Reports the backup records as sent, kept sent.
    pub backup_sent: usize,
}

/// `riskreport ledger rebuild`: a new ledger from `DIR/reports/*.pdf`, each report recorded
/// `sent-unknown` (never emailed without `--resend`) with a fingerprint that matches no input,
/// so the next run renders each again and fills in its address and consent. A damaged ledger
/// is moved aside first; a readable one with reports is left alone.
pub fn rebuild(dir: &Path) -> anyhow::Result<Rebuilt> {
    let path = dir.join(FILE_NAME);
    let mut moved_aside = None;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
        match Ledger::open_unchecked(dir).and_then(|l| l.summary()) {
            Ok(s) if s.reports > 0 => bail!(
                "the ledger {} is readable and records {} report(s): rebuild only replaces a lost or damaged one (move it away first if you really mean to)",
                path.display(),
                s.reports
            ),
            _ => {
                let stamp = timestamp(OffsetDateTime::now_utc())?.replace([':', '-'], "");
                let aside = dir.join(format!("{FILE_NAME}.damaged-{stamp}"));
                std::fs::rename(&path, &aside)
                    .with_context(|| format!("cannot move {} aside", path.display()))?;
                for ext in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{FILE_NAME}{ext}")));
                }
                moved_aside = Some(aside);
            }
        }
    }
    let mut ledger = Ledger::open_unchecked(dir)?;
    let mut reports = 0;
    let mut skipped = Vec::new();
    for pdf in pdf_names(dir) {
        let id = pdf
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !crate::input::is_audit_id(&id) {
            skipped.push(pdf.display().to_string());
            continue;
        }
        let (sha, bytes) =
            sha256_file(&pdf).with_context(|| format!("cannot read {}", pdf.display()))?;
        let modified = std::fs::metadata(&pdf)
            .and_then(|m| m.modified())
            .map(OffsetDateTime::from)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        ledger.insert_rebuilt(&id, &pdf, &sha, bytes, modified)?;
        reports += 1;
    }
    let (from_backup, backup_sent) = match latest_backup(dir) {
        Some(b) => ledger.merge_backup(&b)?,
        None => (0, 0),
    };
    write_marker(dir)?;
    Ok(Rebuilt {
        reports,
        skipped,
        moved_aside,
        from_backup,
        backup_sent,
    })
}

impl Ledger {
    /// Takes from a backup what it can be trusted with: a `sent` it records stays sent (the
    /// backup is older than the loss, so anything it does not record as sent may have been sent
    /// since), and the address, consent, name and score of each report, so `--resend` works
    /// before the next run. Reports whose PDFs are gone come back from it as sent or
    /// sent-unknown, so nobody is emailed again for them either. Returns (added, kept sent).
    fn merge_backup(&mut self, backup: &Path) -> anyhow::Result<(usize, usize)> {
        use rusqlite::OpenFlags;
        let src = rusqlite::Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("cannot read the backup {}", backup.display()))?;
        type Row = (
            String,
            String,
            String,
            i64,
            Option<i32>,
            String,
            Option<String>,
            bool,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = src
            .prepare(
                "SELECT audit_id, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent, email_state,
                        message_id, email_sent_at, email_response, full_name FROM reports",
            )
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?))
                })?
                .collect()
            })
            .with_context(|| format!("cannot read the reports of the backup {}", backup.display()))?;
        let (mut added, mut sent) = (0, 0);
        self.durable_write(|tx| {
            for (id, path, sha, bytes, score, rendered, email, consent, state, mid, sent_at, response, name) in &rows {
                let was_sent = EmailState::parse(state) == Some(EmailState::Sent);
                let n = tx.execute(
                    "UPDATE reports SET email = ?2, consent = ?3, full_name = ?4, score = ?5 WHERE audit_id = ?1",
                    rusqlite::params![id, email, consent, name, score],
                )?;
                if n == 0 {
                    tx.execute(
                        "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent, full_name, email_state, email_response)
                         VALUES (?1, 'rebuilt', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'sent-unknown', 'ledger rebuilt: known only from a backup, its PDF is gone')",
                        rusqlite::params![id, path, sha, bytes, score, rendered, email, consent, name],
                    )?;
                    added += 1;
                }
                if was_sent {
                    tx.execute(
                        "UPDATE reports SET email_state = 'sent', message_id = ?2, email_sent_at = ?3, email_response = ?4 WHERE audit_id = ?1",
                        rusqlite::params![id, mid, sent_at, response],
                    )?;
                    sent += 1;
                }
            }
            Ok(())
        })?;
        Ok((added, sent))
    }

    fn insert_rebuilt(
        &mut self,
        id: &str,
        pdf: &Path,
        sha: &str,
        bytes: u64,
        modified: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let path = super::path_text(self.relative(pdf))?.to_string();
        let at = timestamp(modified)?;
        let bytes = super::to_i64(bytes, "PDF size")?;
        self.durable_write(|tx| {
            tx.execute(
                "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, rendered_at, consent, email_state, email_response)
                 VALUES (?1, 'rebuilt', ?2, ?3, ?4, ?5, 0, 'sent-unknown', 'ledger rebuilt from the PDFs: whether it was emailed is unknown')",
                rusqlite::params![id, path, sha, bytes, at],
            )?;
            Ok(())
        })
    }
}
