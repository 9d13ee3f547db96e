//! Mail settings from three layers — the config file (`--config FILE`, else `./riskreport.toml`
//! when present), the environment (`RISKREPORT_*`) and flags — where a flag beats the
//! environment and the environment beats the file, setting by setting.
//!
//! The SMTP password comes only from `RISKREPORT_SMTP_PASSWORD`, `RISKREPORT_SMTP_PASSWORD_FILE`
//! (or `password_file` in the config file) or a `RISKREPORT_SMTP_URL` that carries one; never
//! from a flag. It is held in a [`Secret`], whose `Debug` prints `***`, and is never logged or
//! written to the summary.

mod layer;
mod smtp;

pub use layer::Layer;
use smtp::smtp_settings;
pub use smtp::{SmtpSettings, TlsMode};

use anyhow::{bail, Context};
use lettre::message::Mailbox;
use lettre::Address;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The config file read when `--config` is not given, if it exists in the working directory.
pub const DEFAULT_CONFIG: &str = "riskreport.toml";

/// A value that must never be shown: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    #[cfg(test)]
    pub fn new(s: &str) -> Secret {
        Secret(s.to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone)]
pub struct DkimSettings {
    pub selector: String,
    pub domain: String,
    pub key_file: PathBuf,
    /// `rsa` (PKCS#1 PEM key) or `ed25519` (base64 key).
    pub algorithm: String,
}

/// Everything the email phase needs, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// None when writing to an outbox (no server needed).
    pub smtp: Option<SmtpSettings>,
    pub from: Mailbox,
    /// MAIL FROM (where bounces go, the Return-Path); the From address when unset.
    pub envelope_from: Option<Address>,
    /// The sender's postal address for the footer (commercial email law, e.g. CAN-SPAM).
    pub postal_address: Option<String>,
    /// Signs the `{token}` of the unsubscribe URL (HMAC-SHA256).
    pub unsubscribe_secret: Option<Secret>,
    pub reply_to: Option<Mailbox>,
    /// With `{audit_id}` / `{email}` placeholders; https only (RFC 8058).
    pub unsubscribe_url: Option<String>,
    pub unsubscribe_mailto: Address,
    pub templates: Option<PathBuf>,
    pub dkim: Option<DkimSettings>,
    pub suppress: Option<PathBuf>,
    pub max_per_minute: Option<u32>,
    pub max_retries: u32,
    pub retry_base: Duration,
    pub outbox: Option<PathBuf>,
    pub to_override: Option<Address>,
    /// Things that will not stop the phase but hurt deliverability; printed before sending.
    pub warnings: Vec<String>,
    /// The brand of the layouts the reports were rendered with: the sender's name when From
    /// has none, and the email's accent colour.
    pub brand: crate::report::Brand,
}

fn mailbox(what: &str, v: &str) -> anyhow::Result<Mailbox> {
    v.parse::<Mailbox>()
        .map_err(|e| anyhow::anyhow!("{what} {v:?} is not a valid address ({e})"))
}

fn address(what: &str, v: &str) -> anyhow::Result<Address> {
    v.trim()
        .parse::<Address>()
        .map_err(|e| anyhow::anyhow!("{what} {v:?} is not a valid address ({e})"))
}

fn read_secret_file(p: &Path, what: &str) -> anyhow::Result<Secret> {
    let text = std::fs::read_to_string(p)
        .with_context(|| format!("cannot read the {what} file {}", p.display()))?;
    let pw = text.strip_suffix('\n').unwrap_or(&text);
    let pw = pw.strip_suffix('\r').unwrap_or(pw);
    if pw.is_empty() {
        bail!("the {what} file {} is empty", p.display());
    }
    Ok(Secret(pw.to_string()))
}

impl Settings {
    /// The command line (flags over environment, as clap read them) over the config file,
    /// with the secrets from the environment (`env`), checked.
    pub fn load(
        mut cmdline: Layer,
        env: impl Fn(&str) -> Option<String>,
        config: Option<&Path>,
        default_config: &Path,
    ) -> anyhow::Result<Settings> {
        let secret = |k: &str| env(k).filter(|v| !v.is_empty()).map(Secret);
        cmdline.smtp.password = secret("RISKREPORT_SMTP_PASSWORD");
        cmdline.message.unsubscribe_secret = secret("RISKREPORT_UNSUBSCRIBE_SECRET");
        // A password may ride in the URL only when the URL is the environment's, not a flag's.
        let url_from_env =
            cmdline.smtp.url.is_some() && cmdline.smtp.url == env("RISKREPORT_SMTP_URL");
        let what = if url_from_env {
            "RISKREPORT_SMTP_URL"
        } else {
            "--smtp-url"
        };
        cmdline.smtp.expand_url(url_from_env, what)?;
        let file = match config {
            Some(p) => Layer::from_file(p)?,
            None if default_config.is_file() => Layer::from_file(default_config)?,
            None => Layer::default(),
        };
        Settings::resolve(cmdline.over(file))
    }

    /// Checks one stacked layer and fills the defaults.
    pub fn resolve(l: Layer) -> anyhow::Result<Settings> {
        if l.smtp.url.is_some() {
            bail!("internal: the SMTP URL must be expanded per layer");
        }
        let from = mailbox(
            "the sender (RISKREPORT_FROM / --from / [message] from)",
            l.message.from.as_deref().with_context(|| {
                "no sender address: set RISKREPORT_FROM, --from or [message] from in riskreport.toml"
            })?,
        )?;
        let reply_to = l
            .message
            .reply_to
            .as_deref()
            .map(|v| mailbox("the Reply-To address", v))
            .transpose()?;
        let unsubscribe_mailto = match &l.message.unsubscribe_mailto {
            Some(v) => address(
                "the unsubscribe mailto address",
                v.trim_start_matches("mailto:"),
            )?,
            None => reply_to
                .as_ref()
                .map_or(from.email.clone(), |r| r.email.clone()),
        };
        let mut warnings = Vec::new();
        if let Some(u) = &l.message.unsubscribe_url {
            check_unsubscribe_url(u)?;
        } else if l.delivery.outbox.is_none() {
            warnings.push("no unsubscribe URL (RISKREPORT_UNSUBSCRIBE_URL / --unsubscribe-url): large mailbox providers expect one-click unsubscribe (RFC 8058) from bulk senders and may file these messages as spam; only the mailto link is offered".to_string());
        }
        let unsubscribe_secret = match (
            &l.message.unsubscribe_secret,
            &l.message.unsubscribe_secret_file,
        ) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(f)) => Some(read_secret_file(f, "unsubscribe secret")?),
            (None, None) => None,
        };
        if let Some(u) = &l.message.unsubscribe_url {
            if u.contains("{token}") && unsubscribe_secret.is_none() {
                bail!("the unsubscribe URL uses {{token}} but no secret signs it: set RISKREPORT_UNSUBSCRIBE_SECRET or RISKREPORT_UNSUBSCRIBE_SECRET_FILE (or [message] unsubscribe_secret_file)");
            }
            if !u.contains("{token}") && u.contains("{email}") {
                warnings.push("the unsubscribe URL carries the address ({email}) without a {token}: anyone can unsubscribe anyone; use {token} with an unsubscribe secret".to_string());
            }
        }
        if let Some(s) = &unsubscribe_secret {
            if s.expose().len() < 16 {
                bail!("the unsubscribe secret is shorter than 16 characters: use a long random one (e.g. `openssl rand -hex 32`)");
            }
        }
        let envelope_from = l
            .message
            .envelope_from
            .as_deref()
            .map(|v| address("the envelope sender (RISKREPORT_ENVELOPE_FROM)", v))
            .transpose()?;
        let postal_address = l
            .message
            .postal_address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from);
        if postal_address.is_none()
            && l.delivery.outbox.is_none()
            && l.delivery.to_override.is_none()
        {
            warnings.push("no postal address for the footer (RISKREPORT_POSTAL_ADDRESS / [message] postal_address): commercial email law (e.g. CAN-SPAM) asks for the sender's postal address".to_string());
        }
        let to_override = l
            .delivery
            .to_override
            .as_deref()
            .map(|v| address("--to-override", v))
            .transpose()?;
        let dkim = match (&l.dkim.selector, &l.dkim.domain, &l.dkim.key_file) {
            (None, None, None) => None,
            (Some(s), Some(d), Some(k)) => Some(DkimSettings {
                selector: s.clone(),
                domain: d.clone(),
                key_file: k.clone(),
                algorithm: l.dkim.algorithm.clone().unwrap_or_else(|| "rsa".into()),
            }),
            _ => bail!("DKIM needs all three of selector, domain and key file (RISKREPORT_DKIM_SELECTOR, RISKREPORT_DKIM_DOMAIN, RISKREPORT_DKIM_KEY)"),
        };
        let smtp = if l.delivery.outbox.is_some() {
            None
        } else {
            Some(smtp_settings(&l.smtp)?)
        };
        let connections = l.smtp.connections.unwrap_or(4);
        if connections == 0 || connections > 64 {
            bail!("--smtp-connections must be 1..=64, not {connections}");
        }
        if l.delivery.max_per_minute == Some(0) {
            bail!("--max-per-minute must be at least 1");
        }
        if let Some(d) = &dkim {
            if let Some(w) = super::dkim::check_key_size(d)? {
                warnings.push(w);
            }
            let from_domain = from.email.domain().to_ascii_lowercase();
            let d_domain = d.domain.to_ascii_lowercase();
            if from_domain != d_domain && !from_domain.ends_with(&format!(".{d_domain}")) {
                warnings.push(format!("the DKIM domain {} does not align with the From domain {from_domain}: DMARC will not count the signature", d.domain));
            }
        }
        Ok(Settings {
            smtp,
            from,
            envelope_from,
            postal_address,
            unsubscribe_secret,
            warnings,
            reply_to,
            unsubscribe_url: l.message.unsubscribe_url,
            unsubscribe_mailto,
            templates: l.message.templates,
            dkim,
            suppress: l.delivery.suppress,
            max_per_minute: l.delivery.max_per_minute,
            max_retries: l.delivery.max_retries.unwrap_or(3),
            retry_base: Duration::from_millis(l.delivery.retry_base_ms.unwrap_or(1000)),
            outbox: l.delivery.outbox,
            to_override,
            brand: crate::report::Brand::default(),
        })
    }
}

fn check_unsubscribe_url(u: &str) -> anyhow::Result<()> {
    if !u.starts_with("https://") {
        bail!("the unsubscribe URL must start with https:// (RFC 8058 one-click unsubscribe), got {u:?}");
    }
    if u.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','))
    {
        bail!("the unsubscribe URL {u:?} contains a space, control character, quote, comma or angle bracket");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
