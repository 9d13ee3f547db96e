//! Where messages go: an SMTP server, spoken to stage by stage through lettre's `SmtpConnection`
//! (TLS required unless `--insecure-smtp` to a loopback host), or an outbox directory of `.eml`
//! files for a dry run.
//!
//! Each sender thread holds one [`Session`] — one connection, reused message after message. A
//! message goes MAIL FROM → RCPT TO → *claim* → DATA → content → final dot, and every failure
//! says at which [`Stage`] it happened, because that decides what may be done next: anything
//! before the final dot delivered nothing and may be retried; after the dot, only the server's
//! reply tells, and without one the message may or may not have been delivered. The claim (a
//! caller's callback, the ledger's durable `sending`) happens just before DATA, so each
//! connection has at most one report in doubt at any moment.

use super::settings::{SmtpSettings, TlsMode};
use anyhow::Context;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use std::time::Duration;

/// Where in the conversation something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// TCP, greeting, EHLO.
    Connect,
    /// STARTTLS or the implicit-TLS handshake, certificate checks.
    Tls,
    /// AUTH.
    Login,
    MailFrom,
    Rcpt,
    /// The DATA command (before any content).
    Data,
    /// Writing the message; the final dot not yet sent.
    Content,
    /// The final dot was (or may have been) sent; waiting for the reply.
    EndOfData,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Connect => "connecting",
            Stage::Tls => "TLS",
            Stage::Login => "login",
            Stage::MailFrom => "MAIL FROM",
            Stage::Rcpt => "RCPT TO",
            Stage::Data => "DATA",
            Stage::Content => "sending the message",
            Stage::EndOfData => "end of DATA",
        }
    }
}

/// A failed attempt: the stage, the reply code when the server answered, the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trouble {
    pub stage: Stage,
    pub code: Option<u16>,
    pub reply: String,
}

/// What became of one attempt.
#[derive(Debug)]
pub enum Attempt {
    /// The server's 2xx reply to the final dot.
    Accepted(String),
    Failed(Trouble),
    /// The claim callback said no: nothing was sent.
    NotClaimed,
}

/// An SMTP server and how to talk to it. Connections are made by each [`Session`].
pub struct Server {
    host: String,
    port: u16,
    tls: TlsMode,
    tls_params: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    data_timeout: Duration,
    describe: String,
}

pub enum Outbound {
    Smtp(Server),
    Outbox(std::path::PathBuf),
}

impl Outbound {
    pub fn smtp(s: &SmtpSettings) -> anyhow::Result<Outbound> {
        let tls_params = if s.tls != TlsMode::Plain {
            let mut p = TlsParameters::builder(s.host.clone());
            if let Some(ca) = &s.ca_file {
                let pem = std::fs::read(ca)
                    .with_context(|| format!("cannot read the CA certificate {}", ca.display()))?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    anyhow::anyhow!("{} is not a PEM certificate ({e})", ca.display())
                })?;
                p = p.add_root_certificate(cert);
            }
            Some(
                p.build_rustls()
                    .map_err(|e| anyhow::anyhow!("cannot set up TLS for {}: {e}", s.host))?,
            )
        } else {
            None
        };
        let credentials = match (&s.user, &s.password) {
            (Some(u), Some(p)) => Some(Credentials::new(u.clone(), p.expose().to_string())),
            _ => None,
        };
        Ok(Outbound::Smtp(Server {
            host: s.host.clone(),
            port: s.port,
            tls: s.tls,
            tls_params,
            credentials,
            hello: ClientId::default(),
            timeout: s.timeout,
            data_timeout: s.data_timeout,
            describe: s.to_string(),
        }))
    }

    pub fn outbox(dir: std::path::PathBuf) -> anyhow::Result<Outbound> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
        Ok(Outbound::Outbox(dir))
    }

    pub fn describe(&self) -> String {
        match self {
            Outbound::Smtp(s) => format!("SMTP {}", s.describe),
            Outbound::Outbox(d) => format!("the outbox {} (dry run, nothing sent)", d.display()),
        }
    }

    /// Connects (TLS, login) once before any message is claimed, so a wrong password, a bad
    /// certificate or a server that is down stops the phase with nothing marked.
    pub fn preflight(&self) -> anyhow::Result<()> {
        let Outbound::Smtp(server) = self else {
            return Ok(());
        };
        match server.connect() {
            Ok(mut c) => {
                let _ = c.quit();
                Ok(())
            }
            Err(t) => Err(anyhow::anyhow!(
                "cannot use the SMTP server {}: {}{}",
                server.describe,
                t.reply,
                hint(&t)
            )),
        }
    }
}

impl Server {
    /// `host:port`, for the ledger's record of where a claimed message went.
    pub fn name(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn connect(&self) -> Result<SmtpConnection, Trouble> {
        let implicit = match self.tls {
            TlsMode::Implicit => self.tls_params.as_ref(),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            implicit,
            None,
        )
        .map_err(|e| {
            let t = trouble(Stage::Connect, &e);
            // With implicit TLS the handshake is part of connecting.
            if implicit.is_some() && t.code.is_none() && looks_like_tls(&t.reply) {
                Trouble {
                    stage: Stage::Tls,
                    ..t
                }
            } else {
                t
            }
        })?;
        if self.tls == TlsMode::Starttls {
            let params = self
                .tls_params
                .as_ref()
                .expect("TLS parameters for STARTTLS");
            conn.starttls(params, &self.hello)
                .map_err(|e| trouble(Stage::Tls, &e))?;
        }
        if let Some(c) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, c)
                .map_err(|e| trouble(Stage::Login, &e))?;
        }
        Ok(conn)
    }
}

/// One connection's worth of sending, reused across messages.
pub struct Session<'a> {
    server: &'a Server,
    conn: Option<SmtpConnection>,
}

/// The message's bytes in blocks; notes when all were written (the final dot comes next).
struct Blocks<'m> {
    rest: &'m [u8],
    all_written: bool,
}

impl<'m> Iterator for Blocks<'m> {
    type Item = &'m [u8];
    fn next(&mut self) -> Option<&'m [u8]> {
        if self.rest.is_empty() {
            // lettre asks for the next block only after writing the previous one.
            self.all_written = true;
            crate::failpoint::hit("email-content-sent");
            return None;
        }
        let n = self.rest.len().min(64 * 1024);
        let (block, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(block)
    }
}

impl<'a> Session<'a> {
    pub fn new(server: &'a Server) -> Session<'a> {
        Session { server, conn: None }
    }

    pub fn server(&self) -> &Server {
        self.server
    }

    /// Drops the connection after trouble; the next message connects afresh. lettre's abort
    /// says QUIT and waits for the answer: not for as long as a whole message may take.
    fn drop_connection(&mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = c.set_timeout(Some(Duration::from_millis(500)));
            c.abort();
        }
    }

    /// After a negative reply the transaction is reset; if even that fails, reconnect later.
    fn reset(&mut self) {
        if let Some(c) = self.conn.as_mut() {
            if c.command(Rset).is_err() {
                self.drop_connection();
            }
        }
    }

    /// Sends one message: MAIL FROM, RCPT TO, then `claim()` — which must durably record that
    /// this message is about to go, and may refuse — then DATA and the content. `Err` only when
    /// the claim itself failed (the ledger); nothing was sent then.
    pub fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        claim: &mut dyn FnMut() -> anyhow::Result<bool>,
    ) -> anyhow::Result<Attempt> {
        if self.conn.as_mut().is_some_and(|c| c.has_broken()) {
            self.drop_connection();
        }
        if self.conn.is_none() {
            match self.server.connect() {
                Ok(c) => self.conn = Some(c),
                Err(t) => return Ok(Attempt::Failed(t)),
            }
        }
        let conn = self.conn.as_mut().expect("connected above");

        let mut params = Vec::new();
        let non_ascii_address = envelope
            .to()
            .iter()
            .chain(envelope.from())
            .any(|a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii());
        if non_ascii_address {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Ok(Attempt::Failed(Trouble {
                    stage: Stage::MailFrom,
                    code: None,
                    reply: "the address is not ASCII and the server does not offer SMTPUTF8".into(),
                }));
            }
            params.push(MailParameter::SmtpUtfEight);
        }
        if !message.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }

        if let Err(e) = conn.command(Mail::new(envelope.from().cloned(), params)) {
            return Ok(self.failed(Stage::MailFrom, &e));
        }
        for to in envelope.to() {
            let conn = self.conn.as_mut().expect("connected");
            if let Err(e) = conn.command(Rcpt::new(to.clone(), vec![])) {
                return Ok(self.failed(Stage::Rcpt, &e));
            }
        }

        match claim() {
            Ok(true) => {}
            Ok(false) => {
                self.reset();
                return Ok(Attempt::NotClaimed);
            }
            Err(e) => {
                self.drop_connection();
                return Err(e);
            }
        }
        crate::failpoint::hit("email-claimed");

        let conn = self.conn.as_mut().expect("connected");
        if let Err(e) = conn.command(Data) {
            return Ok(self.failed(Stage::Data, &e));
        }
        // RFC 5321 §4.5.3.2: up to 10 minutes for the reply to the final dot.
        if conn.set_timeout(Some(self.server.data_timeout)).is_err() {
            self.drop_connection();
            return Ok(Attempt::Failed(Trouble {
                stage: Stage::Content,
                code: None,
                reply: "cannot set the DATA timeout on the connection".into(),
            }));
        }
        let mut blocks = Blocks {
            rest: message,
            all_written: false,
        };
        let result = conn.message_iter(&mut blocks);
        match result {
            Ok(reply) => {
                crate::failpoint::hit("email-replied");
                if conn.set_timeout(Some(self.server.timeout)).is_err() {
                    self.drop_connection();
                }
                Ok(Attempt::Accepted(reply_text(
                    reply.code().to_string(),
                    reply.message(),
                )))
            }
            Err(e) if e.status().is_some() => {
                // The server answered the dot, negatively: nothing was delivered.
                if conn.set_timeout(Some(self.server.timeout)).is_err() {
                    self.drop_connection();
                } else {
                    self.reset();
                }
                Ok(Attempt::Failed(trouble(Stage::EndOfData, &e)))
            }
            Err(e) => {
                let stage = if blocks.all_written {
                    Stage::EndOfData
                } else {
                    Stage::Content
                };
                self.drop_connection();
                Ok(Attempt::Failed(trouble(stage, &e)))
            }
        }
    }

    fn failed(&mut self, stage: Stage, e: &lettre::transport::smtp::Error) -> Attempt {
        let t = trouble(stage, e);
        if t.code.is_some() {
            self.reset();
        } else {
            self.drop_connection();
        }
        Attempt::Failed(t)
    }

    /// Says goodbye politely.
    pub fn close(mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = c.quit();
        }
    }
}

fn reply_text<'r>(code: String, lines: impl Iterator<Item = &'r str>) -> String {
    format!("{code} {}", lines.collect::<Vec<_>>().join(" "))
        .trim()
        .to_string()
}

fn looks_like_tls(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "tls",
        "certificate",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
    ]
    .iter()
    .any(|w| t.contains(w))
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

/// lettre's error as a [`Trouble`]: "permanent error (550): 5.1.1 no such user" becomes code
/// 550 with the reply "550 5.1.1 no such user".
fn trouble(stage: Stage, e: &lettre::transport::smtp::Error) -> Trouble {
    let code = e.status().and_then(|c| c.to_string().parse::<u16>().ok());
    let text = chain(e);
    let reply = match (code, text.split_once("): ")) {
        (Some(c), Some((_, rest))) => format!("{c} {rest}"),
        // A read timeout surfaces as EAGAIN ("Resource temporarily unavailable"): say what it is.
        _ if text.contains("(os error 11)") || text.to_lowercase().contains("timed out") => {
            format!("the server did not answer in time (timeout; {text})")
        }
        _ => text,
    };
    Trouble {
        stage,
        code,
        reply: reply.trim().to_string(),
    }
}

fn hint(t: &Trouble) -> &'static str {
    let text = t.reply.to_ascii_lowercase();
    match (t.stage, t.code) {
        (_, Some(535 | 534)) => {
            " — the server refused the login: check RISKREPORT_SMTP_USER and the password"
        }
        (_, Some(530)) => " — the server wants authentication or STARTTLS first",
        _ if text.contains("starttls is not supported") => {
            " — the server offers no STARTTLS, and TLS is required (plain SMTP only with --insecure-smtp, to a loopback host)"
        }
        _ if text.contains("corrupt message") || text.contains("invalidcontenttype") => {
            " — the server does not speak TLS on this port (implicit TLS is usually port 465, STARTTLS 587)"
        }
        (Stage::Tls, _) => " — TLS failed: for a private CA give --smtp-ca FILE (RISKREPORT_SMTP_CA)",
        (_, None) => " — is the server running and the host/port right?",
        _ => "",
    }
}
