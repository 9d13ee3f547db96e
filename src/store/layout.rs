//! Where things live in an output directory, and the checks made before a run writes there:
//! `reports/<audit_id>.pdf`, `summary.json`, `rejects.csv`, `ledger.sqlite`, `ledger-backups/`,
//! the run lock and the "emails went out" marker. Every command names these paths through here.

use super::atomic::AtomicFile;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const REPORTS: &str = "reports";
pub const SUMMARY: &str = "summary.json";
pub const REJECTS: &str = "rejects.csv";
pub const LEDGER: &str = "ledger.sqlite";
pub const LEDGER_BACKUPS: &str = "ledger-backups";
/// Written before the first email is claimed: its presence says a ledger existed that knew of
/// sent mail, so a missing ledger is a loss to repair, not a fresh start.
pub const MARKER: &str = ".riskreport-emailed";

pub fn reports(out: &Path) -> PathBuf {
    out.join(REPORTS)
}

/// The report of `audit_id`; ids are checked (`input::is_audit_id`) before they get here.
pub fn report_pdf(out: &Path, audit_id: &str) -> PathBuf {
    reports(out).join(format!("{audit_id}.pdf"))
}

/// Makes `reports/` ready for writing: refused when it is a link or a file (reports are written
/// only inside the output directory), created when missing; temporary files of killed runs in
/// the root, `reports/` and the backups are removed. Returns how many were removed.
pub fn prepare(out: &Path) -> anyhow::Result<usize> {
    let reports = reports(out);
    if let Ok(m) = std::fs::symlink_metadata(&reports) {
        if m.file_type().is_symlink() {
            anyhow::bail!(
                "{} is a symbolic link: reports are written only inside the output directory; make it a real directory (or use --out on the link's target)",
                reports.display()
            );
        }
        if !m.is_dir() {
            anyhow::bail!(
                "{} is a file, but the reports go into a directory of that name: move the file away and run again",
                reports.display()
            );
        }
    }
    std::fs::create_dir_all(&reports)
        .with_context(|| format!("cannot create {}", reports.display()))?;
    Ok(remove_leftovers(&reports)
        + remove_leftovers(out)
        + remove_leftovers(&out.join(LEDGER_BACKUPS)))
}

/// Temporary files of a killed run (`.NAME.…tmp`); only whole files ever carry their own name.
fn remove_leftovers(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with('.') && n.ends_with(".tmp")
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Refuses an input that is one of the files a run writes in `out`.
pub fn refuse_input_inside(input: &Path, out: &Path) -> anyhow::Result<()> {
    for name in [REJECTS, SUMMARY, LEDGER] {
        super::atomic::refuse_same_file(input, &out.join(name), "the output")?;
    }
    Ok(())
}

/// Writes `doc` as pretty JSON, whole or not at all.
pub fn write_json(path: &Path, doc: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut f = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(&mut f, doc)?;
    f.write_all(b"\n")?;
    f.commit()
        .with_context(|| format!("cannot write {}", path.display()))
}
