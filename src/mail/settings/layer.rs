//! The mail settings, defined once: each field is a flag and an environment variable (clap, the
//! flag winning) and a key of its section in the config file (serde). `Layer::over` stacks the
//! command line over the file, field by field. Secrets are no field of the command line or the
//! file: the SMTP password and the unsubscribe secret come from the environment (or a file).

use super::{Secret, TlsMode};
use anyhow::{bail, Context};
use clap::builder::BoolishValueParser;
use clap::Args;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One layer of settings, every field optional: the command line (flags over environment) or
/// the config file, whose sections are these four parts.
#[derive(Args, Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Layer {
    #[command(flatten)]
    pub smtp: Smtp,
    #[command(flatten)]
    pub message: Message,
    #[command(flatten)]
    pub dkim: Dkim,
    #[command(flatten)]
    pub delivery: Delivery,
}

/// `[smtp]`: where and how to connect.
#[derive(Args, Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Smtp {
    /// SMTP server as smtp://[user@]host[:port] (STARTTLS) or smtps://… (implicit TLS); a password only in the environment variable
    #[arg(long = "smtp-url", env = "RISKREPORT_SMTP_URL", value_name = "URL")]
    pub url: Option<String>,
    /// SMTP host
    #[arg(long = "smtp-host", env = "RISKREPORT_SMTP_HOST", value_name = "HOST")]
    pub host: Option<String>,
    /// SMTP port (default 587 STARTTLS, 465 implicit, 25 plain)
    #[arg(long = "smtp-port", env = "RISKREPORT_SMTP_PORT", value_name = "PORT")]
    pub port: Option<u16>,
    /// starttls (default) or implicit
    #[arg(long = "smtp-tls", env = "RISKREPORT_SMTP_TLS", value_name = "MODE")]
    pub tls: Option<TlsMode>,
    /// SMTP login; the password only from RISKREPORT_SMTP_PASSWORD or a password file
    #[arg(long = "smtp-user", env = "RISKREPORT_SMTP_USER", value_name = "USER")]
    pub user: Option<String>,
    #[arg(skip)]
    #[serde(skip)]
    pub password: Option<Secret>,
    /// File holding the SMTP password (one line)
    #[arg(
        long = "smtp-password-file",
        env = "RISKREPORT_SMTP_PASSWORD_FILE",
        value_name = "FILE"
    )]
    pub password_file: Option<PathBuf>,
    /// Extra CA certificate (PEM) to trust for the server
    #[arg(long = "smtp-ca", env = "RISKREPORT_SMTP_CA", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Plain SMTP without TLS; refused unless the host is loopback (127.0.0.1, ::1, localhost)
    #[arg(long = "insecure-smtp", env = "RISKREPORT_INSECURE_SMTP", num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    pub insecure: Option<bool>,
    /// Parallel SMTP connections (default 4)
    #[arg(
        long = "smtp-connections",
        env = "RISKREPORT_SMTP_CONNECTIONS",
        value_name = "N"
    )]
    pub connections: Option<usize>,
    /// Seconds to wait for the server to connect and answer each command (default 30)
    #[arg(
        long = "smtp-timeout",
        env = "RISKREPORT_SMTP_TIMEOUT",
        value_name = "SECS"
    )]
    pub timeout_seconds: Option<u64>,
    /// Seconds to wait for the reply to a whole message (default 600, RFC 5321)
    #[arg(
        long = "smtp-data-timeout",
        env = "RISKREPORT_SMTP_DATA_TIMEOUT",
        value_name = "SECS"
    )]
    pub data_timeout_seconds: Option<u64>,
}

/// `[message]`: who sends, and how readers unsubscribe.
#[derive(Args, Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Message {
    /// Sender, e.g. 'AI Career Risk <reports@example.com>'
    #[arg(long, env = "RISKREPORT_FROM", value_name = "MAILBOX")]
    pub from: Option<String>,
    /// Envelope sender (MAIL FROM, where bounces go); default the From address
    #[arg(long, env = "RISKREPORT_ENVELOPE_FROM", value_name = "ADDR")]
    pub envelope_from: Option<String>,
    /// The sender's postal address for the email footer
    #[arg(long, env = "RISKREPORT_POSTAL_ADDRESS", value_name = "TEXT")]
    pub postal_address: Option<String>,
    #[arg(skip)]
    #[serde(skip)]
    pub unsubscribe_secret: Option<Secret>,
    /// File holding the secret that signs {token} in the unsubscribe URL
    #[arg(long, env = "RISKREPORT_UNSUBSCRIBE_SECRET_FILE", value_name = "FILE")]
    pub unsubscribe_secret_file: Option<PathBuf>,
    /// Reply-To address
    #[arg(long, env = "RISKREPORT_REPLY_TO", value_name = "MAILBOX")]
    pub reply_to: Option<String>,
    /// One-click unsubscribe URL (https), with {audit_id}, {email} or {token} placeholders
    #[arg(long, env = "RISKREPORT_UNSUBSCRIBE_URL", value_name = "URL")]
    pub unsubscribe_url: Option<String>,
    /// Address for mailto: unsubscribes (default: Reply-To, else From)
    #[arg(long, env = "RISKREPORT_UNSUBSCRIBE_MAILTO", value_name = "ADDR")]
    pub unsubscribe_mailto: Option<String>,
    /// Directory with subject.j2, body.txt.j2, body.html.j2 instead of the built-in ones
    #[arg(
        long = "email-templates",
        env = "RISKREPORT_EMAIL_TEMPLATES",
        value_name = "DIR"
    )]
    pub templates: Option<PathBuf>,
}

/// `[dkim]`: signing.
#[derive(Args, Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Dkim {
    /// DKIM selector
    #[arg(
        long = "dkim-selector",
        env = "RISKREPORT_DKIM_SELECTOR",
        value_name = "NAME"
    )]
    pub selector: Option<String>,
    /// DKIM signing domain
    #[arg(
        long = "dkim-domain",
        env = "RISKREPORT_DKIM_DOMAIN",
        value_name = "DOMAIN"
    )]
    pub domain: Option<String>,
    /// DKIM private key: RSA PKCS#1 PEM, or base64 Ed25519 with --dkim-algorithm ed25519
    #[arg(long = "dkim-key", env = "RISKREPORT_DKIM_KEY", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// rsa (default) or ed25519
    #[arg(
        long = "dkim-algorithm",
        env = "RISKREPORT_DKIM_ALGORITHM",
        value_name = "ALG"
    )]
    pub algorithm: Option<String>,
}

/// `[delivery]`: whom not to email, how fast, how often to retry; dry runs.
#[derive(Args, Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Delivery {
    /// Addresses never to email, one per line (unsubscribed, bounced)
    #[arg(long, env = "RISKREPORT_SUPPRESS", value_name = "FILE")]
    pub suppress: Option<PathBuf>,
    /// At most this many messages a minute
    #[arg(long, env = "RISKREPORT_MAX_PER_MINUTE", value_name = "N")]
    pub max_per_minute: Option<u32>,
    /// Retries of a 4xx or connection trouble within one run (default 3)
    #[arg(long, env = "RISKREPORT_MAX_RETRIES", value_name = "N")]
    pub max_retries: Option<u32>,
    /// First retry delay in milliseconds, doubled each time (default 1000)
    #[arg(long, env = "RISKREPORT_RETRY_BASE_MS", value_name = "MS", hide = true)]
    pub retry_base_ms: Option<u64>,
    /// Dry run: write DIR/<audit_id>.eml instead of sending; the ledger is not changed
    #[arg(long, env = "RISKREPORT_OUTBOX", value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// Send every message to this one test address; the ledger is not changed
    #[arg(long, env = "RISKREPORT_TO_OVERRIDE", value_name = "ADDR")]
    pub to_override: Option<String>,
}

impl Layer {
    /// This layer over `below`, field by field: what is set here wins. Both go through their
    /// serde form, so no field can be forgotten; the secrets (no serde form) come from `self`,
    /// else from `below`.
    pub fn over(self, below: Layer) -> Layer {
        fn overlay(below: &mut serde_json::Value, top: serde_json::Value) {
            match (below, top) {
                (serde_json::Value::Object(b), serde_json::Value::Object(t)) => {
                    for (k, v) in t {
                        overlay(b.entry(k).or_insert(serde_json::Value::Null), v);
                    }
                }
                (_, serde_json::Value::Null) => {}
                (b, t) => *b = t,
            }
        }
        let (password, secret) = (
            self.smtp.password.clone().or(below.smtp.password.clone()),
            self.message
                .unsubscribe_secret
                .clone()
                .or(below.message.unsubscribe_secret.clone()),
        );
        let mut merged = serde_json::to_value(&below).expect("settings serialise");
        overlay(
            &mut merged,
            serde_json::to_value(&self).expect("settings serialise"),
        );
        let mut l: Layer =
            serde_json::from_value(merged).expect("a merge of two layers reads back");
        l.smtp.password = password;
        l.message.unsubscribe_secret = secret;
        l
    }

    /// The config file layer. Relative paths in it are taken from the file's directory.
    pub fn from_file(path: &Path) -> anyhow::Result<Layer> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        // Never toml's own Display: it quotes the offending line, and that line may hold a
        // password someone wrote into the file. The line number and the message only.
        let mut l: Layer = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            let at = line.map(|n| format!(", line {n}")).unwrap_or_default();
            let hint = if e.message().contains("`password`") {
                " (a password never goes in this file: use password_file, or RISKREPORT_SMTP_PASSWORD / RISKREPORT_SMTP_PASSWORD_FILE)"
            } else {
                ""
            };
            anyhow::anyhow!("the config file {}{at}: {}{hint}", path.display(), e.message().trim())
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        for p in [
            &mut l.smtp.password_file,
            &mut l.smtp.ca_file,
            &mut l.message.unsubscribe_secret_file,
            &mut l.message.templates,
            &mut l.dkim.key_file,
            &mut l.delivery.suppress,
            &mut l.delivery.outbox,
        ] {
            *p = p.take().map(|p| base.join(p));
        }
        l.smtp
            .expand_url(false, &format!("[smtp] url in {}", path.display()))?;
        Ok(l)
    }
}

impl Smtp {
    /// Splits `url` (`smtp://user@host:port` for STARTTLS, `smtps://…` for implicit TLS) into
    /// host, port, user, TLS mode (and password, where `allow_password`), without overriding
    /// what the same layer sets explicitly.
    pub fn expand_url(&mut self, allow_password: bool, what: &str) -> anyhow::Result<()> {
        let Some(raw) = self.url.take() else {
            return Ok(());
        };
        // Never echo the URL itself: it may hold a password.
        let u = url::Url::parse(&raw)
            .map_err(|e| anyhow::anyhow!("{what} is not a valid URL ({e})"))?;
        let tls = match u.scheme() {
            "smtp" => TlsMode::Starttls,
            "smtps" => TlsMode::Implicit,
            other => bail!("{what}: the scheme must be smtp:// (STARTTLS) or smtps:// (implicit TLS), not {other}://"),
        };
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .with_context(|| format!("{what} has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |s: &str| -> anyhow::Result<String> {
            Ok(percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .with_context(|| format!("{what}: a %-escape is not UTF-8"))?
                .into_owned())
        };
        if let Some(pw) = u.password() {
            if !allow_password {
                bail!("{what} contains a password; passwords are taken only from RISKREPORT_SMTP_PASSWORD, RISKREPORT_SMTP_PASSWORD_FILE (or password_file in the config file), or a RISKREPORT_SMTP_URL in the environment, never from a flag or the config file");
            }
            if self.password.is_none() {
                self.password = Some(Secret(decode(pw)?));
            }
        }
        if !u.username().is_empty() && self.user.is_none() {
            self.user = Some(decode(u.username())?);
        }
        self.host.get_or_insert(host);
        if let Some(p) = u.port() {
            self.port.get_or_insert(p);
        }
        self.tls.get_or_insert(tls);
        Ok(())
    }
}
