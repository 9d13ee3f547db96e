//! `riskreport ledger rebuild`: a new ledger from the PDFs after the old one was lost.

use super::args::RebuildArgs;
use super::Outcome;
use crate::store::lock::RunLock;

pub fn rebuild(args: RebuildArgs) -> anyhow::Result<Outcome> {
    let _lock = RunLock::acquire(&args.out)?;
    let r = crate::store::ledger::rebuild(&args.out)?;
    if let Some(p) = &r.moved_aside {
        tracing::info!("the damaged ledger was moved to {}", p.display());
    }
    for s in &r.skipped {
        tracing::warn!("{s} is not named <audit_id>.pdf; left out");
    }
    tracing::info!(
        "ledger rebuilt from {} PDF(s) in {} and the newest backup ({} report(s) kept sent, {} known only from it): every other report is recorded as sent-unknown and is never emailed without `riskreport send --resend --id ID`. The next `riskreport run FILE --out {}` renders them again (same bytes) and fills in what is missing.",
        r.reports,
        crate::store::layout::reports(&args.out).display(),
        r.backup_sent,
        r.from_backup,
        args.out.display()
    );
    Ok(Outcome::Clean)
}
