//! `riskreport send`: the email phase on an output directory whose reports are rendered; also
//! the shared helpers `run --email` uses (settings from flags, environment and file; the
//! closing line).

use super::args::{MailOptions, SendArgs};
use super::Outcome;
use crate::mail::send::{self, EmailSummary};
use crate::mail::settings::{Layer, Settings, TlsMode, DEFAULT_CONFIG};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Flags over environment over config file, checked.
pub fn settings(m: &MailOptions) -> anyhow::Result<Settings> {
    let mut flags = Layer {
        url: m.smtp_url.clone(),
        host: m.smtp_host.clone(),
        port: m.smtp_port,
        tls: m.smtp_tls.as_deref().map(TlsMode::parse).transpose()?,
        user: m.smtp_user.clone(),
        ca_file: m.smtp_ca.clone(),
        insecure: m.insecure_smtp.then_some(true),
        connections: m.smtp_connections,
        timeout_seconds: m.smtp_timeout,
        from: m.from.clone(),
        reply_to: m.reply_to.clone(),
        unsubscribe_url: m.unsubscribe_url.clone(),
        unsubscribe_mailto: m.unsubscribe_mailto.clone(),
        templates: m.email_templates.clone(),
        dkim_selector: m.dkim_selector.clone(),
        dkim_domain: m.dkim_domain.clone(),
        dkim_key_file: m.dkim_key.clone(),
        suppress: m.suppress.clone(),
        max_per_minute: m.max_per_minute,
        max_retries: m.max_retries,
        outbox: m.outbox.clone(),
        to_override: m.to_override.clone(),
        ..Layer::default()
    };
    flags.expand_url(false, "--smtp-url")?;
    let env = Layer::from_env(|k| std::env::var(k).ok())?;
    let config = m
        .config
        .clone()
        .or_else(|| std::env::var_os("RISKREPORT_CONFIG").map(Into::into));
    Settings::load(flags, env, config.as_deref(), Path::new(DEFAULT_CONFIG))
}

/// Runs the phase and prints its closing line; exit 1 when something did not go out.
pub fn email_phase(
    settings: &Settings,
    out: &Path,
    resend: &[String],
    quiet: bool,
    stop: &AtomicBool,
) -> anyhow::Result<EmailSummary> {
    let opts = send::Options {
        out: out.to_path_buf(),
        resend: resend.to_vec(),
        quiet,
    };
    let s = send::run(settings, &opts, stop)?;
    if !quiet {
        let verb = match s.mode {
            "outbox" => "written to the outbox",
            "to-override" => "sent to the override address",
            _ => "sent",
        };
        eprintln!(
            "email: {} {verb}, {} failed for now, {} failed permanently, {} suppressed, {} without consent, {} sent before ({:.1} messages/s, {} retries) via {}",
            s.sent,
            s.failed_transient,
            s.failed_permanent,
            s.suppressed,
            s.skipped_no_consent,
            s.already_sent,
            s.messages_per_second,
            s.retries,
            s.via
        );
        if s.pending == 0 {
            eprintln!("email: nothing to send (every consenting report is sent, failed permanently or waiting for its next try; --resend --id ID sends one again)");
        }
    }
    if s.status == "interrupted" {
        eprintln!("email: interrupted; the messages in flight were finished and recorded. Run again to send the rest.");
    }
    Ok(s)
}

pub fn run(args: SendArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let settings = settings(&args.mail)?;
    if !args.out.join(crate::batch::ledger::FILE_NAME).exists() {
        anyhow::bail!(
            "{} has no ledger: render the reports first (riskreport run FILE --out {})",
            args.out.display(),
            args.out.display()
        );
    }
    let stop = super::run_cmd::stop_flag()?;
    let s = email_phase(&settings, &args.out, &resend_ids(&args.mail), quiet, &stop)?;
    Ok(if s.has_failures() {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}

pub fn resend_ids(m: &MailOptions) -> Vec<String> {
    if m.resend {
        m.resend_ids.clone()
    } else {
        Vec::new()
    }
}
