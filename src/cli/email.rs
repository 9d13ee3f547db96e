//! The email phase as the commands run it (`send`, `run --email`): settings from flags,
//! environment and file; the phase; its closing lines and what still needs an operator.

use super::args::MailOptions;
use crate::mail::send::{self, EmailSummary, Mode, PhaseStatus};
use crate::mail::settings::{Settings, DEFAULT_CONFIG};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Flags over environment (clap has merged them) over the config file, checked.
pub fn settings(m: &MailOptions) -> anyhow::Result<Settings> {
    Settings::load(
        m.settings.clone(),
        |k| std::env::var(k).ok(),
        m.config.as_deref(),
        Path::new(DEFAULT_CONFIG),
    )
}

/// Whether a mail setting was given as a flag (not only in the environment, where it may be
/// set for every command of a nightly job).
pub fn mail_flags_given() -> bool {
    use clap::{Args, Command};
    let cmd = crate::mail::settings::Layer::augment_args(Command::new("mail"));
    let longs: Vec<String> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long())
        .chain(["config"])
        .map(|l| format!("--{l}"))
        .collect();
    std::env::args().any(|a| {
        let name = a.split('=').next().unwrap_or("");
        longs.iter().any(|l| l == name)
    })
}

/// Runs the phase and prints its closing lines: what this run did, then what still needs an
/// operator (uncertain and failed reports, by id); exit 1 while anything is outstanding.
pub fn email_phase(
    settings: &Settings,
    out: &Path,
    m: &MailOptions,
    quiet: bool,
    stop: &AtomicBool,
) -> anyhow::Result<EmailSummary> {
    let opts = send::Options {
        out: out.to_path_buf(),
        resend: if m.resend && !m.failed {
            m.resend_ids.clone()
        } else {
            Vec::new()
        },
        resend_failed: m.resend && m.failed,
        resend_uncertain: m.resend_uncertain.then(|| m.resend_ids.clone()),
        quiet,
    };
    if m.resend && !m.failed && m.resend_ids.is_empty() {
        anyhow::bail!("--resend needs --id ID (repeatable) or --failed");
    }
    if !m.resend && !m.resend_uncertain && !m.resend_ids.is_empty() {
        anyhow::bail!("--id needs --resend or --resend-uncertain");
    }
    let result = send::run(settings, &opts, stop);
    // Outstanding work is listed whether or not the phase ran to the end.
    if !quiet {
        print_outstanding(out);
    }
    let s = result?;
    if !quiet {
        let verb = match s.mode {
            Mode::Outbox => "written to the outbox",
            Mode::ToOverride => "sent to the override address",
            Mode::Smtp => "sent",
        };
        tracing::info!(
            "email: {} {verb}, {} failed for now, {} failed permanently, {} uncertain, {} suppressed, {} without consent, {} sent before ({:.1} messages/s, {} retries) via {}",
            s.sent,
            s.failed_transient,
            s.failed_permanent,
            s.uncertain + s.found_uncertain,
            s.suppressed,
            s.skipped_no_consent,
            s.already_sent,
            s.messages_per_second,
            s.retries,
            s.via
        );
        if s.pending == 0 {
            tracing::info!("email: nothing to send now (every consenting report is sent, failed, uncertain or waiting for its next try)");
        }
    }
    if s.status == PhaseStatus::Interrupted {
        tracing::info!("email: interrupted; the messages in flight were finished and recorded. Run again to send the rest.");
    }
    Ok(s)
}

/// The reports an operator must look at, from the ledger: uncertain ones by id with when and
/// where they were sent, and failed ones counted, with the commands that act on them.
fn print_outstanding(out: &Path) {
    use crate::store::ledger::{EmailState, Ledger};
    let Ok(ledger) = Ledger::open(out) else {
        return;
    };
    let (Ok(uncertain), Ok(failed)) = (
        ledger.entries_in(&[EmailState::Uncertain]),
        ledger.entries_in(&[EmailState::FailedTransient, EmailState::FailedPermanent]),
    ) else {
        return;
    };
    let dir = out.display();
    if !uncertain.is_empty() {
        tracing::info!(
            "email: {} report(s) UNCERTAIN — handed to the server without a reply to the end of the message; they may or may not have arrived and are never sent again automatically:",
            uncertain.len()
        );
        for e in uncertain.iter().take(20) {
            tracing::info!("  {}", super::listing::describe(e, false));
        }
        if uncertain.len() > 20 {
            tracing::info!(
                "  … and {} more: riskreport status --out {dir} --uncertain",
                uncertain.len() - 20
            );
        }
        tracing::info!("  check the server's log for their Message-IDs, then send the ones that did not arrive: riskreport send --out {dir} --resend-uncertain [--id ID …]");
    }
    if !failed.is_empty() {
        let permanent = failed
            .iter()
            .filter(|e| e.email_state == EmailState::FailedPermanent)
            .count();
        tracing::info!(
            "email: {} report(s) failed ({} permanently, {} waiting for a later try): riskreport status --out {dir} --failed; after fixing the cause: riskreport send --out {dir} --resend --failed",
            failed.len(),
            permanent,
            failed.len() - permanent
        );
    }
}
