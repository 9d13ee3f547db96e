//! Mail settings from three layers — the config file (`--config FILE`, else `./riskreport.toml`
//! when present), the environment (`RISKREPORT_*`) and flags — where a flag beats the
//! environment and the environment beats the file, setting by setting.
//!
//! The SMTP password comes only from `RISKREPORT_SMTP_PASSWORD`, `RISKREPORT_SMTP_PASSWORD_FILE`
//! (or `password_file` in the config file) or a `RISKREPORT_SMTP_URL` that carries one; never
//! from a flag. It is held in a [`Secret`], whose `Debug` prints `***`, and is never logged or
//! written to the summary.

use anyhow::{bail, Context};
use lettre::message::Mailbox;
use lettre::Address;
use serde::Deserialize;
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

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain connect, then STARTTLS (required, never skipped); port 587 by default.
    Starttls,
    /// TLS from the first byte (SMTPS); port 465 by default.
    Implicit,
    /// No TLS at all: only with `--insecure-smtp`, only to a loopback host; port 25 by default.
    Plain,
}

impl TlsMode {
    pub fn parse(s: &str) -> anyhow::Result<TlsMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(TlsMode::Starttls),
            "implicit" | "smtps" | "tls" => Ok(TlsMode::Implicit),
            other => bail!("unknown TLS mode `{other}`: use starttls or implicit (plain SMTP is --insecure-smtp)"),
        }
    }
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

/// One layer of settings: every field optional. Flags, environment and file each make one;
/// [`Layer::over`] stacks them.
#[derive(Debug, Default, Clone)]
pub struct Layer {
    pub url: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: Option<TlsMode>,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub password_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub insecure: Option<bool>,
    pub connections: Option<usize>,
    pub timeout_seconds: Option<u64>,
    pub data_timeout_seconds: Option<u64>,
    pub from: Option<String>,
    pub envelope_from: Option<String>,
    pub postal_address: Option<String>,
    pub unsubscribe_secret: Option<Secret>,
    pub unsubscribe_secret_file: Option<PathBuf>,
    pub reply_to: Option<String>,
    pub unsubscribe_url: Option<String>,
    pub unsubscribe_mailto: Option<String>,
    pub templates: Option<PathBuf>,
    pub dkim_selector: Option<String>,
    pub dkim_domain: Option<String>,
    pub dkim_key_file: Option<PathBuf>,
    pub dkim_algorithm: Option<String>,
    pub suppress: Option<PathBuf>,
    pub max_per_minute: Option<u32>,
    pub max_retries: Option<u32>,
    pub retry_base_ms: Option<u64>,
    pub outbox: Option<PathBuf>,
    pub to_override: Option<String>,
}

macro_rules! stack {
    ($top:ident, $below:ident; $($f:ident),* $(,)?) => {
        Layer { $($f: $top.$f.or($below.$f)),* }
    };
}

impl Layer {
    /// This layer on top of `below`: each setting from here when set, else from `below`.
    pub fn over(self, below: Layer) -> Layer {
        let top = self;
        stack!(top, below; url, host, port, tls, user, password, password_file, ca_file, insecure,
            connections, timeout_seconds, data_timeout_seconds, from, envelope_from, postal_address,
            unsubscribe_secret, unsubscribe_secret_file, reply_to, unsubscribe_url, unsubscribe_mailto,
            templates, dkim_selector, dkim_domain, dkim_key_file, dkim_algorithm, suppress,
            max_per_minute, max_retries, retry_base_ms, outbox, to_override)
    }

    /// The environment layer, read through `get` (so tests need not touch the process env).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Layer> {
        let s = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let p = |k: &str| s(k).map(PathBuf::from);
        fn num<T: std::str::FromStr>(k: &str, v: Option<String>) -> anyhow::Result<Option<T>> {
            v.map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{k}={v:?} is not a valid number"))
            })
            .transpose()
        }
        let insecure = match s("RISKREPORT_INSECURE_SMTP").as_deref().map(str::trim) {
            None => None,
            Some("1" | "true" | "yes") => Some(true),
            Some("0" | "false" | "no") => Some(false),
            Some(v) => bail!("RISKREPORT_INSECURE_SMTP={v:?}: use 1 or 0"),
        };
        let mut l = Layer {
            url: s("RISKREPORT_SMTP_URL"),
            host: s("RISKREPORT_SMTP_HOST"),
            port: num("RISKREPORT_SMTP_PORT", s("RISKREPORT_SMTP_PORT"))?,
            tls: s("RISKREPORT_SMTP_TLS")
                .map(|v| TlsMode::parse(&v).context("RISKREPORT_SMTP_TLS"))
                .transpose()?,
            user: s("RISKREPORT_SMTP_USER"),
            password: get("RISKREPORT_SMTP_PASSWORD")
                .filter(|v| !v.is_empty())
                .map(Secret),
            password_file: p("RISKREPORT_SMTP_PASSWORD_FILE"),
            ca_file: p("RISKREPORT_SMTP_CA"),
            insecure,
            connections: num(
                "RISKREPORT_SMTP_CONNECTIONS",
                s("RISKREPORT_SMTP_CONNECTIONS"),
            )?,
            timeout_seconds: num("RISKREPORT_SMTP_TIMEOUT", s("RISKREPORT_SMTP_TIMEOUT"))?,
            data_timeout_seconds: num(
                "RISKREPORT_SMTP_DATA_TIMEOUT",
                s("RISKREPORT_SMTP_DATA_TIMEOUT"),
            )?,
            from: s("RISKREPORT_FROM"),
            envelope_from: s("RISKREPORT_ENVELOPE_FROM"),
            postal_address: s("RISKREPORT_POSTAL_ADDRESS"),
            unsubscribe_secret: get("RISKREPORT_UNSUBSCRIBE_SECRET")
                .filter(|v| !v.is_empty())
                .map(Secret),
            unsubscribe_secret_file: p("RISKREPORT_UNSUBSCRIBE_SECRET_FILE"),
            reply_to: s("RISKREPORT_REPLY_TO"),
            unsubscribe_url: s("RISKREPORT_UNSUBSCRIBE_URL"),
            unsubscribe_mailto: s("RISKREPORT_UNSUBSCRIBE_MAILTO"),
            templates: p("RISKREPORT_EMAIL_TEMPLATES"),
            dkim_selector: s("RISKREPORT_DKIM_SELECTOR"),
            dkim_domain: s("RISKREPORT_DKIM_DOMAIN"),
            dkim_key_file: p("RISKREPORT_DKIM_KEY"),
            dkim_algorithm: s("RISKREPORT_DKIM_ALGORITHM"),
            suppress: p("RISKREPORT_SUPPRESS"),
            max_per_minute: num("RISKREPORT_MAX_PER_MINUTE", s("RISKREPORT_MAX_PER_MINUTE"))?,
            max_retries: num("RISKREPORT_MAX_RETRIES", s("RISKREPORT_MAX_RETRIES"))?,
            retry_base_ms: num("RISKREPORT_RETRY_BASE_MS", s("RISKREPORT_RETRY_BASE_MS"))?,
            outbox: p("RISKREPORT_OUTBOX"),
            to_override: s("RISKREPORT_TO_OVERRIDE"),
        };
        l.expand_url(true, "RISKREPORT_SMTP_URL")?;
        Ok(l)
    }

    /// The config file layer. Relative paths in it are taken from the file's directory.
    pub fn from_file(path: &Path) -> anyhow::Result<Layer> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        // Never toml's own Display: it quotes the offending line, and that line may hold a
        // password someone wrote into the file. The line number and the message only.
        let f: FileSettings = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            let at = line.map(|n| format!(", line {n}")).unwrap_or_default();
            let hint = if e.message().contains("`password`") {
                " (a password never goes in this file: use password_file, or RISKREPORT_SMTP_PASSWORD / RISKREPORT_SMTP_PASSWORD_FILE)"
            } else {
                ""
            };
            anyhow::anyhow!(
                "the config file {}{at}: {}{hint}",
                path.display(),
                e.message().trim()
            )
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rel = |p: Option<PathBuf>| p.map(|p| base.join(p));
        let mut l = Layer {
            url: f.smtp.url,
            host: f.smtp.host,
            port: f.smtp.port,
            tls: f.smtp.tls,
            user: f.smtp.user,
            password: None,
            password_file: rel(f.smtp.password_file),
            ca_file: rel(f.smtp.ca_file),
            insecure: f.smtp.insecure,
            connections: f.smtp.connections,
            timeout_seconds: f.smtp.timeout_seconds,
            data_timeout_seconds: f.smtp.data_timeout_seconds,
            from: f.message.from,
            envelope_from: f.message.envelope_from,
            postal_address: f.message.postal_address,
            unsubscribe_secret: None,
            unsubscribe_secret_file: rel(f.message.unsubscribe_secret_file),
            reply_to: f.message.reply_to,
            unsubscribe_url: f.message.unsubscribe_url,
            unsubscribe_mailto: f.message.unsubscribe_mailto,
            templates: rel(f.message.templates),
            dkim_selector: f.dkim.selector,
            dkim_domain: f.dkim.domain,
            dkim_key_file: rel(f.dkim.key_file),
            dkim_algorithm: f.dkim.algorithm,
            suppress: rel(f.delivery.suppress),
            max_per_minute: f.delivery.max_per_minute,
            max_retries: f.delivery.max_retries,
            retry_base_ms: f.delivery.retry_base_ms,
            outbox: rel(f.delivery.outbox),
            to_override: f.delivery.to_override,
        };
        l.expand_url(false, &format!("[smtp] url in {}", path.display()))?;
        Ok(l)
    }

    /// Splits `url` (`smtp://user@host:port` for STARTTLS, `smtps://…` for implicit TLS) into
    /// this layer's host, port, user, TLS mode (and password, where `allow_password`), without
    /// overriding what the same layer sets explicitly.
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
                bail!("{what} contains a password; passwords are taken only from RISKREPORT_SMTP_PASSWORD, RISKREPORT_SMTP_PASSWORD_FILE (or password_file in the config file), never from a flag or the config file");
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

/// `riskreport.toml`: see `riskreport.example.toml` at the repository root.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    #[serde(default)]
    smtp: SmtpSection,
    #[serde(default)]
    message: MessageSection,
    #[serde(default)]
    dkim: DkimSection,
    #[serde(default)]
    delivery: DeliverySection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpSection {
    url: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    tls: Option<TlsMode>,
    user: Option<String>,
    password_file: Option<PathBuf>,
    ca_file: Option<PathBuf>,
    insecure: Option<bool>,
    connections: Option<usize>,
    timeout_seconds: Option<u64>,
    data_timeout_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageSection {
    from: Option<String>,
    envelope_from: Option<String>,
    postal_address: Option<String>,
    unsubscribe_secret_file: Option<PathBuf>,
    reply_to: Option<String>,
    unsubscribe_url: Option<String>,
    unsubscribe_mailto: Option<String>,
    templates: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DkimSection {
    selector: Option<String>,
    domain: Option<String>,
    key_file: Option<PathBuf>,
    algorithm: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliverySection {
    suppress: Option<PathBuf>,
    max_per_minute: Option<u32>,
    max_retries: Option<u32>,
    retry_base_ms: Option<u64>,
    outbox: Option<PathBuf>,
    to_override: Option<String>,
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
}

/// A host that never leaves this machine: `localhost`, 127.0.0.0/8 or ::1. No DNS is asked.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
    /// Stacks flags over environment over file and checks the result.
    pub fn load(
        flags: Layer,
        env: Layer,
        config: Option<&Path>,
        default_config: &Path,
    ) -> anyhow::Result<Settings> {
        let file = match config {
            Some(p) => Layer::from_file(p)?,
            None if default_config.is_file() => Layer::from_file(default_config)?,
            None => Layer::default(),
        };
        Settings::resolve(flags.over(env).over(file))
    }

    /// Checks one stacked layer and fills the defaults.
    pub fn resolve(l: Layer) -> anyhow::Result<Settings> {
        if l.url.is_some() {
            bail!("internal: the SMTP URL must be expanded per layer");
        }
        let from = mailbox(
            "the sender (RISKREPORT_FROM / --from / [message] from)",
            l.from.as_deref().with_context(|| {
                "no sender address: set RISKREPORT_FROM, --from or [message] from in riskreport.toml"
            })?,
        )?;
        let reply_to = l
            .reply_to
            .as_deref()
            .map(|v| mailbox("the Reply-To address", v))
            .transpose()?;
        let unsubscribe_mailto = match &l.unsubscribe_mailto {
            Some(v) => address(
                "the unsubscribe mailto address",
                v.trim_start_matches("mailto:"),
            )?,
            None => reply_to
                .as_ref()
                .map_or(from.email.clone(), |r| r.email.clone()),
        };
        let mut warnings = Vec::new();
        if let Some(u) = &l.unsubscribe_url {
            check_unsubscribe_url(u)?;
        } else if l.outbox.is_none() {
            warnings.push("no unsubscribe URL (RISKREPORT_UNSUBSCRIBE_URL / --unsubscribe-url): large mailbox providers expect one-click unsubscribe (RFC 8058) from bulk senders and may file these messages as spam; only the mailto link is offered".to_string());
        }
        let unsubscribe_secret = match (&l.unsubscribe_secret, &l.unsubscribe_secret_file) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(f)) => Some(read_secret_file(f, "unsubscribe secret")?),
            (None, None) => None,
        };
        if let Some(u) = &l.unsubscribe_url {
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
            .envelope_from
            .as_deref()
            .map(|v| address("the envelope sender (RISKREPORT_ENVELOPE_FROM)", v))
            .transpose()?;
        let postal_address = l
            .postal_address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from);
        if postal_address.is_none() && l.outbox.is_none() && l.to_override.is_none() {
            warnings.push("no postal address for the footer (RISKREPORT_POSTAL_ADDRESS / [message] postal_address): commercial email law (e.g. CAN-SPAM) asks for the sender's postal address".to_string());
        }
        let to_override = l
            .to_override
            .as_deref()
            .map(|v| address("--to-override", v))
            .transpose()?;
        let dkim = match (&l.dkim_selector, &l.dkim_domain, &l.dkim_key_file) {
            (None, None, None) => None,
            (Some(s), Some(d), Some(k)) => Some(DkimSettings {
                selector: s.clone(),
                domain: d.clone(),
                key_file: k.clone(),
                algorithm: l.dkim_algorithm.clone().unwrap_or_else(|| "rsa".into()),
            }),
            _ => bail!("DKIM needs all three of selector, domain and key file (RISKREPORT_DKIM_SELECTOR, RISKREPORT_DKIM_DOMAIN, RISKREPORT_DKIM_KEY)"),
        };
        let smtp = if l.outbox.is_some() {
            None
        } else {
            Some(smtp_settings(&l)?)
        };
        let connections = l.connections.unwrap_or(4);
        if connections == 0 || connections > 64 {
            bail!("--smtp-connections must be 1..=64, not {connections}");
        }
        if l.max_per_minute == Some(0) {
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
            unsubscribe_url: l.unsubscribe_url,
            unsubscribe_mailto,
            templates: l.templates,
            dkim,
            suppress: l.suppress,
            max_per_minute: l.max_per_minute,
            max_retries: l.max_retries.unwrap_or(3),
            retry_base: Duration::from_millis(l.retry_base_ms.unwrap_or(1000)),
            outbox: l.outbox,
            to_override,
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

fn smtp_settings(l: &Layer) -> anyhow::Result<SmtpSettings> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Layer {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Layer::from_env(|k| m.get(k).cloned()).unwrap()
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("riskreport.toml");
        std::fs::write(
            &cfg,
            "[smtp]\nhost = \"file.example\"\nport = 2525\nuser = \"fileuser\"\npassword_file = \"pw\"\n[message]\nfrom = \"File <file@example.com>\"\nreply_to = \"help@example.com\"\n[delivery]\nmax_retries = 7\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("pw"), "s3cret-from-file\n").unwrap();
        let e = env(&[
            ("RISKREPORT_SMTP_HOST", "env.example"),
            ("RISKREPORT_FROM", "Env <env@example.com>"),
        ]);
        let flags = Layer {
            host: Some("flag.example".into()),
            ..Layer::default()
        };
        let s = Settings::load(flags, e, Some(&cfg), Path::new("nope.toml")).unwrap();
        let smtp = s.smtp.clone().unwrap();
        assert_eq!(smtp.host, "flag.example");
        assert_eq!(smtp.port, 2525);
        assert_eq!(smtp.tls, TlsMode::Starttls);
        assert_eq!(smtp.user.as_deref(), Some("fileuser"));
        assert_eq!(smtp.password.as_ref().unwrap().expose(), "s3cret-from-file");
        assert_eq!(s.from.email.to_string(), "env@example.com");
        assert_eq!(s.reply_to.unwrap().email.to_string(), "help@example.com");
        assert_eq!(s.unsubscribe_mailto.to_string(), "help@example.com");
        assert_eq!(s.max_retries, 7);
        // The password never shows in Debug or Display.
        let shown = format!("{:?} {smtp}", s.smtp);
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn url_from_env_may_carry_a_password_but_not_from_file_or_flag() {
        let e = env(&[
            (
                "RISKREPORT_SMTP_URL",
                "smtps://me%40x.org:p%40ss@mail.example.org",
            ),
            ("RISKREPORT_FROM", "r@example.org"),
        ]);
        let s = Settings::resolve(e).unwrap();
        let smtp = s.smtp.unwrap();
        assert_eq!(
            (smtp.host.as_str(), smtp.port, smtp.tls),
            ("mail.example.org", 465, TlsMode::Implicit)
        );
        assert_eq!(smtp.user.as_deref(), Some("me@x.org"));
        assert_eq!(smtp.password.unwrap().expose(), "p@ss");

        let mut flags = Layer {
            url: Some("smtp://u:hunter2@h.example".into()),
            ..Layer::default()
        };
        let err = flags
            .expand_url(false, "--smtp-url")
            .unwrap_err()
            .to_string();
        assert!(err.contains("contains a password"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn plain_smtp_only_to_loopback() {
        let base = |host: &str| Layer {
            host: Some(host.into()),
            insecure: Some(true),
            from: Some("r@example.org".into()),
            ..Layer::default()
        };
        let s = Settings::resolve(base("127.0.0.1")).unwrap().smtp.unwrap();
        assert_eq!((s.tls, s.port), (TlsMode::Plain, 25));
        assert!(Settings::resolve(base("::1")).is_ok());
        assert!(Settings::resolve(base("localhost")).is_ok());
        let err = Settings::resolve(base("mail.example.org"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("only allowed to a loopback host"), "{err}");
        assert!(Settings::resolve(base("10.0.0.1")).is_err());
        assert!(Settings::resolve(base("127.example.org")).is_err());
    }

    #[test]
    fn the_example_config_parses() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("riskreport.example.toml");
        let l = Layer::from_file(&p).unwrap();
        assert_eq!(l.host.as_deref(), Some("mail.example.com"));
        assert_eq!(l.tls, Some(TlsMode::Starttls));
        assert_eq!(l.max_per_minute, Some(600));
        assert!(l.password.is_none());
        assert_eq!(l.data_timeout_seconds, Some(600));
        assert_eq!(l.envelope_from.as_deref(), Some("bounces@example.com"));
        assert!(l.unsubscribe_secret_file.is_some());
    }

    #[test]
    fn a_config_file_error_never_shows_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("riskreport.toml");
        for (text, line) in [
            ("[smtp]\nhost = \"h\"\npassword = \"hunter2-Secret\"\n", 3),
            (
                "[smtp]\nhost = \"h\"\nuser = \"u\" password_file = \"hunter2-Secret\"\n",
                3,
            ),
            ("[smtp]\nhost = \"hunter2-Secret\n", 2),
        ] {
            std::fs::write(&cfg, text).unwrap();
            let e = format!("{:#}", Layer::from_file(&cfg).unwrap_err());
            assert!(!e.contains("hunter2"), "{e}");
            assert!(
                e.contains(&format!("line {line}")) && e.contains("riskreport.toml"),
                "{e}"
            );
        }
        std::fs::write(&cfg, "[smtp]\npassword = \"hunter2-Secret\"\n").unwrap();
        let e = format!("{:#}", Layer::from_file(&cfg).unwrap_err());
        assert!(e.contains("never goes in this file"), "{e}");
    }

    #[test]
    fn unsubscribe_tokens_need_a_real_secret_and_gaps_are_warned() {
        let base = Layer {
            host: Some("h.example".into()),
            from: Some("r@example.org".into()),
            ..Layer::default()
        };
        let s = Settings::resolve(base.clone()).unwrap();
        let w = s.warnings.join("\n");
        assert!(
            w.contains("no unsubscribe URL") && w.contains("no postal address"),
            "{w}"
        );
        let token = Layer {
            unsubscribe_url: Some("https://x.example/u?t={token}".into()),
            ..base.clone()
        };
        let e = Settings::resolve(token.clone()).unwrap_err().to_string();
        assert!(e.contains("RISKREPORT_UNSUBSCRIBE_SECRET"), "{e}");
        let short = Layer {
            unsubscribe_secret: Some(Secret::new("short")),
            ..token.clone()
        };
        assert!(Settings::resolve(short).is_err());
        let good = Layer {
            unsubscribe_secret: Some(Secret::new("a-long-random-secret-0123456789")),
            postal_address: Some("1 Main St".into()),
            ..token
        };
        let s = Settings::resolve(good).unwrap();
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert!(!format!("{s:?}").contains("a-long-random-secret"));
        let leaky = Layer {
            unsubscribe_url: Some("https://x.example/u?e={email}".into()),
            ..base.clone()
        };
        let s = Settings::resolve(leaky).unwrap();
        assert!(s
            .warnings
            .iter()
            .any(|w| w.contains("anyone can unsubscribe")));
        let slow = Layer {
            timeout_seconds: Some(60),
            data_timeout_seconds: Some(10),
            ..base
        };
        assert!(Settings::resolve(slow).is_err());
    }

    #[test]
    fn checks() {
        let ok = Layer {
            host: Some("h.example".into()),
            from: Some("r@example.org".into()),
            ..Layer::default()
        };
        assert!(Settings::resolve(ok.clone()).is_ok());
        let no_from = Layer {
            from: None,
            ..ok.clone()
        };
        assert!(Settings::resolve(no_from)
            .unwrap_err()
            .to_string()
            .contains("RISKREPORT_FROM"));
        let user_no_pw = Layer {
            user: Some("u".into()),
            ..ok.clone()
        };
        assert!(Settings::resolve(user_no_pw).is_err());
        let http = Layer {
            unsubscribe_url: Some("http://x.example/u".into()),
            ..ok.clone()
        };
        assert!(Settings::resolve(http).is_err());
        let outbox = Layer {
            host: None,
            outbox: Some("ob".into()),
            ..ok.clone()
        };
        assert!(Settings::resolve(outbox).unwrap().smtp.is_none());
        let bad_file = tempfile::tempdir().unwrap();
        let p = bad_file.path().join("c.toml");
        std::fs::write(&p, "[smtp]\npassword = \"x\"\n").unwrap();
        let err = format!("{:#}", Layer::from_file(&p).unwrap_err());
        assert!(err.contains("unknown field `password`"), "{err}");
    }
}
