//! Where messages go: an SMTP server through lettre (TLS required unless `--insecure-smtp` to a
//! loopback host; a pool of `--smtp-connections` connections shared by the sender threads), or
//! an outbox directory of `.eml` files for a dry run. Also the classification of SMTP errors
//! into what the sender does next.

use super::settings::{SmtpSettings, TlsMode};
use anyhow::Context;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{Message, SmtpTransport, Transport as _};
use std::io::Write;
use std::path::PathBuf;

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 4xx or connection trouble: retry later.
    Transient(String),
    /// 5xx about this recipient or message: never retried automatically.
    Permanent(String),
    /// Authentication, TLS or policy about the whole connection: stop the email phase.
    Fatal(String),
}

pub enum Outbound {
    Smtp {
        transport: SmtpTransport,
        describe: String,
    },
    Outbox(PathBuf),
}

impl Outbound {
    pub fn smtp(s: &SmtpSettings) -> anyhow::Result<Outbound> {
        let mut b = SmtpTransport::builder_dangerous(&s.host)
            .port(s.port)
            .timeout(Some(s.timeout))
            .pool_config(PoolConfig::new().max_size(s.connections as u32));
        if s.tls != TlsMode::Plain {
            let mut p = TlsParameters::builder(s.host.clone());
            if let Some(ca) = &s.ca_file {
                let pem = std::fs::read(ca)
                    .with_context(|| format!("cannot read the CA certificate {}", ca.display()))?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    anyhow::anyhow!("{} is not a PEM certificate ({e})", ca.display())
                })?;
                p = p.add_root_certificate(cert);
            }
            let params = p
                .build_rustls()
                .map_err(|e| anyhow::anyhow!("cannot set up TLS for {}: {e}", s.host))?;
            b = b.tls(match s.tls {
                TlsMode::Implicit => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        } else {
            b = b.tls(Tls::None);
        }
        if let (Some(u), Some(p)) = (&s.user, &s.password) {
            b = b.credentials(Credentials::new(u.clone(), p.expose().to_string()));
        }
        Ok(Outbound::Smtp {
            transport: b.build(),
            describe: s.to_string(),
        })
    }

    pub fn outbox(dir: PathBuf) -> anyhow::Result<Outbound> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
        Ok(Outbound::Outbox(dir))
    }

    pub fn describe(&self) -> String {
        match self {
            Outbound::Smtp { describe, .. } => format!("SMTP {describe}"),
            Outbound::Outbox(d) => format!("the outbox {} (dry run, nothing sent)", d.display()),
        }
    }

    /// Connects (TLS, login) once before any message is claimed, so a wrong password, a bad
    /// certificate or a server that is down stops the phase with nothing marked.
    pub fn preflight(&self) -> anyhow::Result<()> {
        match self {
            Outbound::Outbox(_) => Ok(()),
            Outbound::Smtp {
                transport,
                describe,
            } => match transport.test_connection() {
                Ok(true) => Ok(()),
                Ok(false) => anyhow::bail!("the SMTP server {describe} did not answer NOOP"),
                Err(e) => Err(anyhow::anyhow!(
                    "cannot use the SMTP server {describe}: {}{}",
                    chain(&e),
                    hint(&e)
                )),
            },
        }
    }

    /// Hands one message over; on success returns the server's reply (or the outbox file).
    pub fn deliver(&self, audit_id: &str, m: &Message) -> Result<String, Failure> {
        match self {
            Outbound::Smtp { transport, .. } => match transport.send(m) {
                Ok(r) => Ok(
                    format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" "))
                        .trim()
                        .to_string(),
                ),
                Err(e) => Err(classify(&e)),
            },
            Outbound::Outbox(dir) => {
                let path = dir.join(format!("{audit_id}.eml"));
                let write = || -> std::io::Result<()> {
                    let mut f = crate::output::AtomicFile::create(&path)?;
                    f.write_all(&m.formatted())?;
                    f.commit()
                };
                write()
                    .map(|()| format!("written to {}", path.display()))
                    .map_err(|e| Failure::Fatal(format!("cannot write {}: {e}", path.display())))
            }
        }
    }

    pub fn shutdown(&self) {
        if let Outbound::Smtp { transport, .. } = self {
            transport.shutdown();
        }
    }
}

/// The error and its sources, e.g. "network error: Connection refused (os error 111)".
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
    }
    s
}

fn hint(e: &lettre::transport::smtp::Error) -> &'static str {
    let text = chain(e).to_ascii_lowercase();
    match e.status().map(|c| c.to_string()) {
        Some(c) if c == "535" || c == "534" => " — the server refused the login: check RISKREPORT_SMTP_USER and the password",
        Some(c) if c == "530" => " — the server wants authentication or STARTTLS first",
        _ if text.contains("starttls is not supported") => {
            " — the server offers no STARTTLS, and TLS is required (plain SMTP only with --insecure-smtp, to a loopback host)"
        }
        _ if text.contains("corrupt message") || text.contains("invalidcontenttype") => {
            " — the server does not speak TLS on this port (implicit TLS is usually port 465, STARTTLS 587)"
        }
        _ if text.contains("certificate") || text.contains("tls") || text.contains("handshake") => {
            " — TLS failed: for a private CA give --smtp-ca FILE (RISKREPORT_SMTP_CA)"
        }
        _ if e.status().is_none() => " — is the server running and the host/port right?",
        _ => "",
    }
}

/// lettre's error as (code, text, TLS flag), classified by [`classify_parts`].
pub fn classify(e: &lettre::transport::smtp::Error) -> Failure {
    let code = e.status().and_then(|c| c.to_string().parse::<u16>().ok());
    let text = chain(e);
    // "permanent error (550): 5.1.1 no such user" → "550 5.1.1 no such user"
    let reply = match (code, text.split_once("): ")) {
        (Some(c), Some((_, rest))) => format!("{c} {rest}"),
        _ => text.clone(),
    };
    classify_parts(code, &reply, e.is_tls())
}

/// The decision table. Observed with lettre 0.11: a wrong password (535) and "must issue
/// STARTTLS first" (530) come back as *permanent* errors like a 550 for a recipient, so the
/// reply code and enhanced status code decide; a refused connection, a timeout and an untrusted
/// certificate carry no code.
pub fn classify_parts(code: Option<u16>, reply: &str, tls: bool) -> Failure {
    let reply = reply.trim().to_string();
    let enhanced = reply
        .split_whitespace()
        .nth(1)
        .filter(|w| w.len() >= 5 && w.as_bytes()[1] == b'.')
        .unwrap_or("");
    match code {
        _ if tls => Failure::Fatal(reply),
        // Authentication and encryption are about the connection, not the recipient.
        Some(530 | 534 | 535 | 538) => Failure::Fatal(reply),
        Some(500..=599)
            if matches!(
                enhanced,
                "5.7.0" | "5.7.8" | "5.7.9" | "5.7.10" | "5.7.11" | "5.7.12" | "5.7.14"
            ) =>
        {
            Failure::Fatal(reply)
        }
        Some(400..=499) => Failure::Transient(reply),
        Some(500..=599) => Failure::Permanent(reply),
        // No code: connection refused or reset, timeout, an unreadable reply.
        _ => Failure::Transient(reply),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        use Failure::*;
        let c = classify_parts;
        assert!(matches!(
            c(Some(550), "550 5.1.1 no such user", false),
            Permanent(_)
        ));
        assert!(matches!(
            c(Some(554), "554 5.7.1 rejected by policy", false),
            Permanent(_)
        ));
        assert!(matches!(
            c(Some(450), "450 4.2.1 try later", false),
            Transient(_)
        ));
        assert!(matches!(
            c(Some(451), "451 4.3.0 local error", false),
            Transient(_)
        ));
        assert!(matches!(c(Some(421), "421 closing", false), Transient(_)));
        assert!(matches!(
            c(Some(535), "535 5.7.8 Authentication failed", false),
            Fatal(_)
        ));
        assert!(matches!(
            c(Some(530), "530 Must issue a STARTTLS command first", false),
            Fatal(_)
        ));
        assert!(matches!(c(Some(550), "550 5.7.8 auth", false), Fatal(_)));
        assert!(matches!(
            c(None, "network error: Connection refused", false),
            Transient(_)
        ));
        assert!(matches!(c(None, "tls error", true), Fatal(_)));
        assert_eq!(
            c(Some(550), " 550 5.1.1 no such user ", false),
            Permanent("550 5.1.1 no such user".into())
        );
    }
}
