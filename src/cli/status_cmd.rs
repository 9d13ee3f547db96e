//! `riskreport status`: what the ledger of an output directory knows, for operators — the
//! counts, and with `--failed`, `--uncertain` or `--pending` the reports themselves.

use super::args::{StatusArgs, StatusFormat};
use super::listing::{describe, listed, Listed};
use super::Outcome;
use crate::store::ledger::{EmailState, Ledger, FILE_NAME};
use anyhow::bail;
use std::io::Write;

pub fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    if !args.out.join(FILE_NAME).exists() && !crate::store::layout::reports(&args.out).exists() {
        bail!(
            "{} has no {FILE_NAME}: no batch has run there yet (riskreport run FILE --out {})",
            args.out.display(),
            args.out.display()
        );
    }
    let ledger = Ledger::open_read_only(&args.out)?;
    let mut states = Vec::new();
    if args.failed {
        states.extend([EmailState::FailedTransient, EmailState::FailedPermanent]);
    }
    if args.uncertain {
        states.push(EmailState::Uncertain);
    }
    let mut entries = if states.is_empty() {
        Vec::new()
    } else {
        ledger.entries_in(&states)?
    };
    if args.pending {
        let due: std::collections::HashSet<String> = ledger
            .pending_emails(time::OffsetDateTime::now_utc())?
            .into_iter()
            .map(|p| p.audit_id)
            .collect();
        entries.extend(
            ledger
                .entries_in(&[EmailState::None, EmailState::FailedTransient])?
                .into_iter()
                .filter(|e| {
                    due.contains(&e.render.audit_id) || e.email_state == EmailState::FailedTransient
                })
                .filter(|e| e.render.consent),
        );
        entries.sort_by(|a, b| a.render.audit_id.cmp(&b.render.audit_id));
        entries.dedup_by(|a, b| a.render.audit_id == b.render.audit_id);
    }
    let listing = args.failed || args.uncertain || args.pending;
    let s = ledger.summary()?;
    let mut out = std::io::stdout().lock();
    match args.format {
        StatusFormat::Json => {
            let mut v = serde_json::to_value(&s)?;
            if listing {
                let list: Vec<Listed> = entries
                    .iter()
                    .map(|e| listed(e, args.show_addresses))
                    .collect();
                v["reports"] = serde_json::to_value(list)?;
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        StatusFormat::Text if listing => {
            for e in &entries {
                writeln!(out, "{}", describe(e, args.show_addresses))?;
            }
            if entries.is_empty() {
                writeln!(out, "(none)")?;
            }
        }
        StatusFormat::Text => {
            writeln!(out, "ledger: {}", ledger.path().display())?;
            writeln!(
                out,
                "reports: {} ({} with email consent)",
                s.reports, s.consenting
            )?;
            let states: Vec<String> = s
                .email
                .iter()
                .map(|(state, n)| format!("{} {n}", state.as_str()))
                .collect();
            writeln!(out, "email: {}", states.join(", "))?;
            let outstanding = s.count(EmailState::Uncertain)
                + s.count(EmailState::FailedTransient)
                + s.count(EmailState::FailedPermanent);
            if outstanding > 0 {
                writeln!(out, "needs an operator: {outstanding} (riskreport status --out {} --uncertain / --failed)", args.out.display())?;
            }
            match &s.last_run {
                Some(r) => writeln!(
                    out,
                    "last run: {} → {}, {} ({}): {} rows, {} rendered, {} skipped, {} rejected, {} failed",
                    r.started_at,
                    r.finished_at.as_deref().unwrap_or("not finished (killed?)"),
                    r.status,
                    r.input,
                    r.counts.rows,
                    r.counts.rendered,
                    r.counts.skipped,
                    r.counts.rejected,
                    r.counts.failed
                )?,
                None => writeln!(out, "last run: none")?,
            }
        }
    }
    Ok(Outcome::Clean)
}
