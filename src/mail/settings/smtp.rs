//! The SMTP part of the settings, checked: server, TLS, login, timeouts.

use super::{layer, read_secret_file, Secret};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain connect, then STARTTLS (required, never skipped); port 587 by default.
    Starttls,
    /// TLS from the first byte (SMTPS); port 465 by default.
    #[value(alias = "smtps", alias = "tls")]
    #[serde(alias = "smtps", alias = "tls")]
    Implicit,
    /// No TLS at all: only with `--insecure-smtp`, only to a loopback host; port 25 by default.
    #[value(skip)]
    Plain,
}

impl TlsMode {
    fn default_port(self) -> u16 {
        match self {
            TlsMode::Starttls => 587,
            TlsMode::Implicit => 465,
            TlsMode::Plain => 25,
        }
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsMode::Starttls => "STARTTLS",
            TlsMode::Implicit => "implicit TLS",
            TlsMode::Plain => "plain, no TLS",
        })
    }
}

/// Where and how to connect. `Debug` shows the password as `***`.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub ca_file: Option<PathBuf>,
    pub connections: usize,
    /// For connecting and for each command.
    pub timeout: Duration,
    /// For the reply to the final dot of DATA (RFC 5321 §4.5.3.2: 10 minutes).
    pub data_timeout: Duration,
}

impl fmt::Display for SmtpSettings {
    /// For logs: host, port, TLS mode and user — never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} ({})", self.host, self.port, self.tls)?;
        if let Some(u) = &self.user {
            write!(f, " as {u}")?;
        }
        Ok(())
    }
}

/// A host that never leaves this machine: `localhost`, 127.0.0.0/8 or ::1. No DNS is asked.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub(super) fn smtp_settings(l: &layer::Smtp) -> anyhow::Result<SmtpSettings> {
    let host = l
        .host
        .clone()
        .filter(|h| !h.trim().is_empty())
        .context("no SMTP server: set RISKREPORT_SMTP_URL or RISKREPORT_SMTP_HOST (or --smtp-host, or [smtp] host in riskreport.toml), or use --outbox DIR for a dry run")?;
    let insecure = l.insecure.unwrap_or(false);
    let tls = if insecure {
        if !is_loopback(&host) {
            bail!("--insecure-smtp (plain SMTP, no TLS) is only allowed to a loopback host (localhost, 127.0.0.1, ::1), and {host} is not one: use STARTTLS (smtp://) or implicit TLS (smtps://)");
        }
        TlsMode::Plain
    } else {
        l.tls.unwrap_or(TlsMode::Starttls)
    };
    let password = match (&l.password, &l.password_file) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(f)) => Some(read_secret_file(f, "SMTP password")?),
        (None, None) => None,
    };
    if password.is_some() && l.user.is_none() {
        bail!("an SMTP password is set but no user: set RISKREPORT_SMTP_USER (or --smtp-user)");
    }
    if l.user.is_some() && password.is_none() {
        bail!("an SMTP user is set but no password: set RISKREPORT_SMTP_PASSWORD or RISKREPORT_SMTP_PASSWORD_FILE");
    }
    let timeout = l.timeout_seconds.unwrap_or(30);
    if timeout == 0 {
        bail!("the SMTP timeout must be at least 1 second");
    }
    let data_timeout = l.data_timeout_seconds.unwrap_or(600);
    if data_timeout < timeout {
        bail!("the DATA timeout ({data_timeout} s) must not be shorter than the SMTP timeout ({timeout} s): the reply to a whole message can take longer than to a command (RFC 5321 suggests 10 minutes)");
    }
    Ok(SmtpSettings {
        port: l.port.unwrap_or(tls.default_port()),
        host,
        tls,
        user: l.user.clone(),
        password,
        ca_file: l.ca_file.clone(),
        connections: l.connections.unwrap_or(4).clamp(1, 64),
        timeout: Duration::from_secs(timeout),
        data_timeout: Duration::from_secs(data_timeout),
    })
}
