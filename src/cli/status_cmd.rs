//! `riskreport status`: what the ledger of an output directory knows, for operators — the
//! counts, and with `--failed`, `--uncertain` or `--pending` the reports themselves.

use super::args::{StatusArgs, StatusFormat};
use super::Outcome;
use crate::batch::ledger::{timestamp, EmailState, Ledger, ReportEntry, FILE_NAME};
use crate::mail::send::mask;
use anyhow::bail;
use serde::Serialize;
use std::io::Write;

/// One listed report.
#[derive(Serialize)]
struct Listed {
    audit_id: String,
    email: Option<String>,
    state: EmailState,
    attempts: u32,
    last_reply: Option<String>,
    /// When it was last handed to a server, and which.
    attempted_at: Option<String>,
    server: Option<String>,
    next_try: Option<String>,
    message_id: Option<String>,
}

fn listed(e: &ReportEntry, show: bool) -> Listed {
    let t = |v: Option<time::OffsetDateTime>| v.and_then(|t| timestamp(t).ok());
    Listed {
        audit_id: e.render.audit_id.clone(),
        email: e
            .render
            .email
            .as_deref()
            .map(|a| if show { a.to_string() } else { mask(a) }),
        state: e.email_state,
        attempts: e.email_attempts,
        last_reply: e.email_response.clone(),
        attempted_at: t(e.email_claimed_at),
        server: e.email_server.clone(),
        next_try: t(e.email_next_try),
        message_id: e.message_id.clone(),
    }
}

/// One line about a report, for people.
pub fn describe(e: &ReportEntry, show: bool) -> String {
    let l = listed(e, show);
    let mut s = format!(
        "{} <{}> {}, {} attempt(s)",
        l.audit_id,
        l.email.as_deref().unwrap_or("no address"),
        l.state,
        l.attempts
    );
    if let Some(at) = &l.attempted_at {
        s.push_str(&format!(", last sent at {at}"));
        if let Some(srv) = &l.server {
            s.push_str(&format!(" via {srv}"));
        }
    }
    if let Some(n) = &l.next_try {
        s.push_str(&format!(", next try after {n}"));
    }
    if let Some(id) = &l.message_id {
        s.push_str(&format!(", Message-ID {id}"));
    }
    if let Some(r) = &l.last_reply {
        let r = match &e.render.email {
            Some(a) if !show && !a.is_empty() => r.replace(a.as_str(), &mask(a)),
            _ => r.clone(),
        };
        s.push_str(&format!(": {r}"));
    }
    s
}

pub fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    if !args.out.join(FILE_NAME).exists() && !args.out.join("reports").exists() {
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
