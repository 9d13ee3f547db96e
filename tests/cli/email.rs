//! Email: the real binary against a real SMTP server on loopback — `tests/smtp/server.py`
//! (aiosmtpd), which each test starts on a free port and which writes every accepted message
//! byte-exact to a directory. Covers delivery and headers, the byte-identical PDF, exactly-once
//! across runs, 550 / 450 handling, server down, wrong password, STARTTLS with a test
//! certificate, the loopback-only plain mode, consent, suppression, the outbox and
//! `--to-override`, `--resend`, that the password never shows, and the brand's logo inline.

use crate::util::tempdir;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use tempfile::TempDir;

const FROM: &str = "AI Career Risk <reports@risk.example>";
const UNSUB: &str = "https://risk.example/u?id={audit_id}&e={email}";
const PASSWORD: &str = "Tr0ub4dor&3-horse";

/// A Python that has aiosmtpd: $RISKREPORT_TEST_PYTHON, Debian's /usr/bin/python3 (where
/// `apt-get install python3-aiosmtpd` puts it), or `python3` on the PATH.
pub(crate) fn python() -> &'static str {
    static PY: OnceLock<String> = OnceLock::new();
    PY.get_or_init(|| {
        let candidates = std::env::var("RISKREPORT_TEST_PYTHON")
            .into_iter()
            .chain(["/usr/bin/python3".to_string(), "python3".to_string()]);
        for c in candidates {
            let ok = Command::new(&c)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return c;
            }
        }
        panic!("no Python with aiosmtpd: install Debian's python3-aiosmtpd (bash .ci/run does) or `pip install aiosmtpd`, or set RISKREPORT_TEST_PYTHON");
    })
}

/// The test SMTP server; killed on drop.
pub(crate) struct Smtp {
    child: Child,
    pub(crate) port: u16,
    maildir: PathBuf,
}

impl Smtp {
    pub(crate) fn start(dir: &Path, extra: &[&str]) -> Smtp {
        let maildir = dir.join(format!("maildir-{}", extra.len()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut child = Command::new(python())
            .arg(&script)
            .arg("--maildir")
            .arg(&maildir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tests/smtp/server.py");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the SMTP test server did not start within 20 s");
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the SMTP test server said {line:?}"));
        Smtp {
            child,
            port,
            maildir,
        }
    }

    /// Arguments for plain SMTP to this server (allowed: it is on loopback).
    pub(crate) fn plain(&self) -> Vec<String> {
        [
            "--insecure-smtp",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &self.port.to_string(),
        ]
        .map(String::from)
        .to_vec()
    }

    pub(crate) fn mails(&self) -> Vec<Mail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                Mail {
                    rcpt: name.split_once('-').unwrap().1.to_string(),
                    raw: std::fs::read(&p).unwrap(),
                }
            })
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One accepted message: its envelope recipient and raw bytes.
pub(crate) struct Mail {
    pub(crate) rcpt: String,
    pub(crate) raw: Vec<u8>,
}

impl Mail {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.raw.clone()).expect("7-bit message")
    }

    fn head(&self) -> String {
        let t = self.text();
        t.split("\r\n\r\n").next().unwrap().to_string()
    }

    /// A top-level header, unfolded; None when absent.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let head = self.head().replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        head.split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }

    fn header_names(&self) -> Vec<String> {
        self.head()
            .split("\r\n")
            .filter(|l| !l.starts_with([' ', '\t']))
            .map(|l| l.split(':').next().unwrap().to_ascii_lowercase())
            .collect()
    }

    /// The decoded application/pdf part.
    fn pdf(&self) -> Vec<u8> {
        let t = self.text();
        let at = t
            .find("Content-Type: application/pdf")
            .expect("a PDF attachment");
        // The part's headers start after the boundary line before it.
        let part_start = t[..at].rfind("\r\n--").unwrap();
        let body_start = part_start + t[part_start..].find("\r\n\r\n").unwrap() + 4;
        let part_head = &t[part_start..body_start];
        assert!(
            part_head.contains("Content-Transfer-Encoding: base64"),
            "{part_head}"
        );
        let body_end = body_start + t[body_start..].find("\r\n--").unwrap();
        base64_decode(&t[body_start..body_end])
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let chars: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(chars.len() * 3 / 4);
    for chunk in chars.chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let mut n = 0u32;
        for &c in chunk {
            n = (n << 6) | if c == b'=' { 0 } else { val(c) };
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

pub(crate) struct Out {
    pub(crate) code: i32,
    pub(crate) stderr: String,
}

/// Runs riskreport in `dir` with no RISKREPORT_* from the outer environment, short retry
/// delays, and `env` added.
pub(crate) fn rr(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_riskreport"));
    c.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("RISKREPORT_") || k.starts_with("JOB_COMPLETION") {
            c.env_remove(k);
        }
    }
    c.env("RISKREPORT_RETRY_BASE_MS", "20");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(
        !out.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        out.stderr
    );
    out
}

/// A 12-row sample: the directory, and the addresses with and without consent by audit_id.
pub(crate) struct Sample {
    dir: TempDir,
    pub(crate) consenting: Vec<(String, String)>,
    pub(crate) refusing: Vec<String>,
}

pub(crate) fn sample(seed: u64) -> Sample {
    sample_rows(seed, 12)
}

/// `rows` sample audits in a fresh directory.
pub(crate) fn sample_rows(seed: u64, rows: usize) -> Sample {
    let dir = tempdir();
    let o = rr(
        dir.path(),
        &[
            "sample",
            "--rows",
            &rows.to_string(),
            "--seed",
            &seed.to_string(),
            "-o",
            "audits.csv",
        ],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut r = csv::Reader::from_path(dir.path().join("audits.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (id, email, consent) = (col("audit_id"), col("email"), col("consent_email"));
    let mut consenting = Vec::new();
    let mut refusing = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let yes = matches!(
            rec[consent].trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "1"
        );
        if yes {
            consenting.push((rec[id].to_string(), rec[email].to_string()));
        } else {
            refusing.push(rec[email].to_string());
        }
    }
    assert!(
        consenting.len() >= 3 && !refusing.is_empty(),
        "seed {seed}: want both kinds of rows"
    );
    Sample {
        dir,
        consenting,
        refusing,
    }
}

impl Sample {
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `run audits.csv --out out --email` plus message settings and `extra`.
    pub(crate) fn run(&self, extra: &[String], env: &[(&str, &str)]) -> Out {
        let mut args: Vec<String> = [
            "run",
            "audits.csv",
            "--out",
            "out",
            "--jobs",
            "2",
            "--email",
        ]
        .map(String::from)
        .to_vec();
        args.extend(message_args());
        args.extend_from_slice(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rr(self.path(), &args, env)
    }

    pub(crate) fn send(&self, extra: &[String], env: &[(&str, &str)]) -> Out {
        let mut args: Vec<String> = ["send", "--out", "out"].map(String::from).to_vec();
        args.extend(message_args());
        args.extend_from_slice(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rr(self.path(), &args, env)
    }

    pub(crate) fn summary(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.path().join("out/summary.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    pub(crate) fn email(&self, key: &str) -> u64 {
        self.summary()["email"][key]
            .as_u64()
            .unwrap_or_else(|| panic!("no email.{key} in {}", self.summary()))
    }

    /// `status --format json`: reports per email state.
    pub(crate) fn states(&self) -> serde_json::Value {
        let o = Command::new(env!("CARGO_BIN_EXE_riskreport"))
            .args(["status", "--out", "out", "--format", "json"])
            .current_dir(self.path())
            .output()
            .unwrap();
        assert!(o.status.success());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut m = serde_json::Map::new();
        for pair in v["email"].as_array().unwrap() {
            m.insert(pair[0].as_str().unwrap().to_string(), pair[1].clone());
        }
        serde_json::Value::Object(m)
    }

    pub(crate) fn consenting_addresses(&self) -> BTreeSet<String> {
        self.consenting
            .iter()
            .map(|(_, e)| e.to_lowercase())
            .collect()
    }
}

fn message_args() -> Vec<String> {
    [
        "--from",
        FROM,
        "--reply-to",
        "help@risk.example",
        "--unsubscribe-url",
        UNSUB,
    ]
    .map(String::from)
    .to_vec()
}

pub(crate) fn rcpts(mails: &[Mail]) -> BTreeSet<String> {
    mails.iter().map(|m| m.rcpt.to_lowercase()).collect()
}

#[test]
fn delivers_each_consenting_report_once_with_the_right_headers_and_the_exact_pdf() {
    let s = sample(31);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), s.consenting.len(), "{}", o.stderr);
    assert_eq!(rcpts(&mails), s.consenting_addresses());
    for refused in &s.refusing {
        assert!(
            !rcpts(&mails).contains(&refused.to_lowercase()),
            "{refused} did not consent"
        );
    }
    assert_eq!(s.email("sent"), s.consenting.len() as u64);
    assert_eq!(s.email("skipped_no_consent"), s.refusing.len() as u64);
    assert!(
        s.summary()["email"]["messages_per_second"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(s.summary()["rendered"], 12, "the batch figures stay");

    for (id, email) in &s.consenting {
        let m = mails
            .iter()
            .find(|m| m.rcpt.eq_ignore_ascii_case(email))
            .unwrap();
        assert_eq!(
            m.header("From").as_deref(),
            Some("\"AI Career Risk\" <reports@risk.example>")
        );
        assert_eq!(m.header("Reply-To").as_deref(), Some("help@risk.example"));
        assert!(m.header("To").unwrap().contains(email.as_str()));
        let subject = m.header("Subject").unwrap();
        assert!(
            subject.contains("your AI career risk report is ready") && !subject.contains("/100"),
            "no score in the subject (lock screens): {subject}"
        );
        let mid = m.header("Message-ID").unwrap();
        assert!(
            mid.starts_with(&format!("<{id}.")) && mid.ends_with("@risk.example>"),
            "{mid}"
        );
        assert!(m.header("Date").is_some());
        let lu = m.header("List-Unsubscribe").unwrap();
        let enc = email.replace('@', "%40").replace('+', "%2B");
        assert!(
            lu.contains(&format!("<https://risk.example/u?id={id}&e={enc}>")),
            "{lu}"
        );
        assert!(
            lu.contains("<mailto:help@risk.example?subject=unsubscribe%20"),
            "{lu}"
        );
        assert_eq!(
            m.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let text = m.text();
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("text/plain") && text.contains("text/html"));
        assert!(
            text.contains("AI-Career-Risk-Report-"),
            "friendly attachment name"
        );
        let pdf = std::fs::read(s.path().join(format!("out/reports/{id}.pdf"))).unwrap();
        assert!(
            m.pdf() == pdf,
            "{id}: the attached PDF differs from the report"
        );
    }
    // The first names are greeted.
    let first = mails
        .iter()
        .any(|m| m.header("Subject").unwrap().contains(", your"));
    assert!(first, "no personalised subject");

    let states = s.states();
    assert_eq!(states["sent"], s.consenting.len() as u64);
    assert_eq!(
        states["none"],
        s.refusing.len() as u64,
        "non-consenting rows are never touched"
    );

    // A second run (and a send) delivers nothing.
    let again = s.run(&smtp.plain(), &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let send = s.send(&smtp.plain(), &[]);
    assert_eq!(send.code, 0, "{}", send.stderr);
    assert!(send.stderr.contains("nothing to send"), "{}", send.stderr);
    assert_eq!(smtp.mails().len(), s.consenting.len());
    assert_eq!(s.email("sent"), 0);
    assert_eq!(s.email("already_sent"), s.consenting.len() as u64);

    // --resend --id sends exactly that one again.
    let (id, email) = &s.consenting[0];
    let mut args = smtp.plain();
    args.extend(["--resend".into(), "--id".into(), id.clone()]);
    let resend = s.send(&args, &[]);
    assert_eq!(resend.code, 0, "{}", resend.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), s.consenting.len() + 1);
    assert!(mails.last().unwrap().rcpt.eq_ignore_ascii_case(email));
}

#[test]
fn a_550_fails_that_row_only_and_a_450_is_retried() {
    let s = sample(32);
    let rejected = s.consenting[0].1.clone();
    let busy = s.consenting[1].1.clone();
    let smtp = Smtp::start(s.path(), &["--reject", &rejected, "--tempfail-once", &busy]);
    let mut args = smtp.plain();
    args.extend(["--smtp-connections".into(), "1".into()]);
    let o = s.run(&args, &[]);
    assert_eq!(o.code, 1, "a permanent failure makes exit 1:\n{}", o.stderr);
    assert!(o.stderr.contains("550"), "{}", o.stderr);
    let got = rcpts(&smtp.mails());
    let mut want = s.consenting_addresses();
    want.remove(&rejected.to_lowercase());
    assert_eq!(
        got, want,
        "everyone but the 550 got theirs, the 450 one after a retry"
    );
    assert_eq!(s.email("failed_permanent"), 1);
    assert_eq!(s.email("failed_transient"), 0);
    assert!(s.email("retries") >= 1);
    let f = &s.summary()["email"]["failures"][0];
    assert_eq!(f["audit_id"], s.consenting[0].0.as_str());
    assert!(
        f["reason"].as_str().unwrap().starts_with("550 5.1.1"),
        "{f}"
    );
    let states = s.states();
    assert_eq!(states["failed-permanent"], 1);
    assert_eq!(states["sent"], s.consenting.len() as u64 - 1);

    // A permanent failure is not retried by the next run, which still exits 1 and says so.
    let again = s.send(&smtp.plain(), &[]);
    assert_eq!(again.code, 1, "outstanding work: {}", again.stderr);
    assert!(
        again.stderr.contains("1 report(s) failed (1 permanently"),
        "{}",
        again.stderr
    );
    assert_eq!(smtp.mails().len(), s.consenting.len() - 1);
    assert_eq!(s.summary()["email"]["outstanding"], 1);
    assert_eq!(s.summary()["email"]["ledger"]["failed-permanent"], 1);

    // After the cause is fixed (here: the address now accepted), one bulk command sends it.
    drop(smtp);
    let smtp = Smtp::start(s.path(), &[]);
    let mut args = smtp.plain();
    args.extend(["--resend".into(), "--failed".into()]);
    let fixed = s.send(&args, &[]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(
        rcpts(&smtp.mails()),
        BTreeSet::from([rejected.to_lowercase()])
    );
    assert_eq!(s.states()["sent"], s.consenting.len() as u64);
}

#[test]
fn a_450_that_persists_stays_transient_for_the_next_run() {
    let s = sample(33);
    let busy = s.consenting[0].1.clone();
    let smtp = Smtp::start(s.path(), &["--tempfail", &busy]);
    let mut args = smtp.plain();
    args.extend(["--max-retries".into(), "2".into()]);
    let o = s.run(&args, &[]);
    assert_eq!(s.email("retries"), 2, "{}", o.stderr);
    assert_eq!(
        o.code, 1,
        "a transient failure left makes exit 1:\n{}",
        o.stderr
    );
    assert_eq!(s.email("failed_transient"), 1);
    assert_eq!(s.states()["failed-transient"], 1);
    assert_eq!(smtp.mails().len(), s.consenting.len() - 1);
    // Its next try is in the future, so an immediate run leaves it alone — and exits 1,
    // because the work is not done.
    let again = s.send(&smtp.plain(), &[]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again.stderr.contains("1 waiting for a later try"),
        "{}",
        again.stderr
    );
    assert_eq!(smtp.mails().len(), s.consenting.len() - 1);
    // status lists it, with the reply and the next try; the address masked unless asked.
    let o = Command::new(env!("CARGO_BIN_EXE_riskreport"))
        .args(["status", "--out", "out", "--failed"])
        .current_dir(s.path())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&o.stdout).into_owned();
    let id = &s.consenting[0].0;
    assert!(
        listed.contains(id.as_str()) && listed.contains("failed-transient"),
        "{listed}"
    );
    assert!(
        listed.contains("450 4.2.1") && listed.contains("next try after"),
        "{listed}"
    );
    assert!(
        !listed.contains(busy.as_str()) && listed.contains("***@"),
        "masked: {listed}"
    );
}

#[test]
fn server_down_stops_the_phase_keeps_the_pdfs_and_marks_nothing() {
    let s = sample(34);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let args: Vec<String> = [
        "--insecure-smtp",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port.to_string(),
    ]
    .map(String::from)
    .to_vec();
    let o = s.run(&args, &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("cannot use the SMTP server 127.0.0.1"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.to_lowercase().contains("refused"), "{}", o.stderr);
    assert_eq!(
        std::fs::read_dir(s.path().join("out/reports"))
            .unwrap()
            .count(),
        12,
        "PDFs kept"
    );
    let states = s.states();
    assert_eq!(
        (states["sent"].as_u64(), states["sending"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(states["none"], 12);
    assert_eq!(s.summary()["email"]["status"], "not-run");
    assert!(s.summary()["email"]["error"]
        .as_str()
        .unwrap()
        .contains("cannot use"));
}

#[test]
fn wrong_password_sends_nothing_and_the_password_never_shows() {
    let s = sample(35);
    let smtp = Smtp::start(s.path(), &["--user", "reports", "--password", PASSWORD]);
    let wrong = "wrong-Secret-42";
    let env = [
        ("RISKREPORT_SMTP_USER", "reports"),
        ("RISKREPORT_SMTP_PASSWORD", wrong),
    ];
    let o = s.run(&smtp.plain(), &env);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("535"), "{}", o.stderr);
    assert!(o.stderr.contains("refused the login"), "{}", o.stderr);
    assert!(smtp.mails().is_empty());
    assert_eq!(s.states()["sent"], 0);
    assert_eq!(s.states()["sending"], 0);
    let summary = std::fs::read_to_string(s.path().join("out/summary.json")).unwrap();
    for text in [&o.stderr, &summary] {
        assert!(!text.contains(wrong), "the password leaked:\n{text}");
    }

    // The right one, from a file, with -vv logging: delivered, and still never shown.
    std::fs::write(s.path().join("pw"), format!("{PASSWORD}\n")).unwrap();
    let env = [
        ("RISKREPORT_SMTP_USER", "reports"),
        ("RISKREPORT_SMTP_PASSWORD_FILE", "pw"),
    ];
    let mut args = smtp.plain();
    args.push("-vv".into());
    let o = s.send(&args, &env);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(rcpts(&smtp.mails()), s.consenting_addresses());
    let summary = std::fs::read_to_string(s.path().join("out/summary.json")).unwrap();
    for text in [&o.stderr, &summary] {
        assert!(!text.contains(PASSWORD), "the password leaked:\n{text}");
    }
    assert!(
        summary.contains("as reports"),
        "the user is shown: {summary}"
    );
}

/// A self-signed server certificate that rustls accepts (CA:FALSE, serverAuth, SAN for
/// localhost and 127.0.0.1), made with openssl.
fn test_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let o = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (Debian package openssl; bash .ci/run installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (cert, key)
}

#[test]
fn starttls_with_a_test_certificate_and_login() {
    let s = sample(36);
    let (cert, key) = test_certificate(s.path());
    let smtp = Smtp::start(
        s.path(),
        &[
            "--user",
            "reports",
            "--password",
            PASSWORD,
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );
    let url = format!("smtp://reports@127.0.0.1:{}", smtp.port);
    let env = [
        ("RISKREPORT_SMTP_URL", url.as_str()),
        ("RISKREPORT_SMTP_PASSWORD", PASSWORD),
    ];
    // Without the test CA the certificate is not trusted: stop, nothing sent.
    let o = s.run(&[], &env);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("cannot use the SMTP server"),
        "{}",
        o.stderr
    );
    assert!(smtp.mails().is_empty());
    assert_eq!(s.states()["sending"], 0);

    let ca = ["--smtp-ca".to_string(), cert.to_str().unwrap().to_string()];
    let o = s.send(&ca, &env);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(rcpts(&smtp.mails()), s.consenting_addresses());
    assert!(o.stderr.contains("STARTTLS"), "{}", o.stderr);
    assert!(!o.stderr.contains(PASSWORD));
    assert!(!std::fs::read_to_string(s.path().join("out/summary.json"))
        .unwrap()
        .contains(PASSWORD));
}

#[test]
fn plain_smtp_only_to_loopback_and_tls_is_required_by_default() {
    let s = sample(37);
    // --insecure-smtp to another host is refused before anything happens (no connection).
    let o = s.run(
        &["--insecure-smtp", "--smtp-host", "mail.example.com"].map(String::from),
        &[],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("only allowed to a loopback host"),
        "{}",
        o.stderr
    );
    assert!(
        !s.path().join("out").exists(),
        "settings are checked before the batch renders"
    );

    // Without --insecure-smtp, a plain server on loopback is refused: STARTTLS is required.
    let smtp = Smtp::start(s.path(), &[]);
    let port = smtp.port.to_string();
    let o = s.run(
        &["--smtp-host", "127.0.0.1", "--smtp-port", &port].map(String::from),
        &[],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(smtp.mails().is_empty());
    assert_eq!(s.states()["sending"], 0);

    // With it, to 127.0.0.1: allowed.
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(smtp.mails().len(), s.consenting.len());
}

#[test]
fn the_suppression_file_is_honoured() {
    let s = sample(38);
    let smtp = Smtp::start(s.path(), &[]);
    let suppressed = s.consenting[1].1.to_uppercase();
    std::fs::write(
        s.path().join("suppress.txt"),
        format!("# unsubscribed\n{suppressed}\n\n"),
    )
    .unwrap();
    let mut args = smtp.plain();
    args.extend(["--suppress".into(), "suppress.txt".into()]);
    let o = s.run(&args, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut want = s.consenting_addresses();
    want.remove(&suppressed.to_lowercase());
    assert_eq!(rcpts(&smtp.mails()), want);
    assert_eq!(s.email("suppressed"), 1);
    // Also from the config file.
    std::fs::write(
        s.path().join("riskreport.toml"),
        "[delivery]\nsuppress = \"suppress.txt\"\n",
    )
    .unwrap();
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(s.email("suppressed"), 1);
    assert_eq!(rcpts(&smtp.mails()), want);
}

#[test]
fn the_outbox_writes_eml_files_and_sends_nothing() {
    let s = sample(39);
    let o = s.run(&["--outbox".into(), "outbox".into()], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut files: Vec<String> = std::fs::read_dir(s.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = s
        .consenting
        .iter()
        .map(|(id, _)| format!("{id}.eml"))
        .collect();
    want.sort();
    assert_eq!(files, want);
    let eml = std::fs::read_to_string(s.path().join("outbox").join(&want[0])).unwrap();
    assert!(eml.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert_eq!(s.summary()["email"]["mode"], "outbox");
    // The ledger is untouched: the real send still happens, and sends the same message.
    assert_eq!(s.states()["none"], 12);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(rcpts(&smtp.mails()), s.consenting_addresses());
    let id = &s.consenting[0].0;
    let sent = smtp
        .mails()
        .into_iter()
        .find(|m| {
            m.header("Message-ID")
                .unwrap()
                .starts_with(&format!("<{id}."))
        })
        .unwrap();
    let dry = std::fs::read_to_string(s.path().join(format!("outbox/{id}.eml"))).unwrap();
    // The same message but for its Date, the moment of the hand-over. The server's copy ends
    // with the CRLF that precedes the end-of-data dot.
    let undated = |t: &str| -> String {
        t.split("\r\n")
            .filter(|l| !l.starts_with("Date: "))
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let sent_text = sent.text();
    assert_eq!(
        undated(sent_text.strip_suffix("\r\n").unwrap()),
        undated(&dry),
        "the dry run shows the very message that is sent"
    );
    assert!(dry.contains("\r\nDate: "), "a Date header");
}

#[test]
fn to_override_delivers_everything_to_one_address() {
    // A seed whose 12 rows have both consenting and refusing readers.
    let s = sample(70);
    let smtp = Smtp::start(s.path(), &[]);
    let mut args = smtp.plain();
    args.extend(["--to-override".into(), "qa@risk.example".into()]);
    let o = s.run(&args, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), s.consenting.len());
    assert!(mails.iter().all(|m| m.rcpt == "qa@risk.example"));
    let originals: BTreeSet<String> = mails
        .iter()
        .map(|m| m.header("X-Riskreport-Original-To").unwrap().to_lowercase())
        .collect();
    assert_eq!(originals, s.consenting_addresses());
    assert!(mails
        .iter()
        .all(|m| !m.header_names().contains(&"cc".to_string())));
    assert_eq!(
        s.states()["sent"],
        0,
        "a test send does not count as the delivery"
    );
}

#[test]
fn dkim_signatures_verify_with_dkimpy() {
    let s = sample(41);
    let key = s.path().join("dkim.pem");
    let o = Command::new("openssl")
        .args(["genrsa", "-traditional", "-out"])
        .arg(&key)
        .arg("2048")
        .output()
        .expect("openssl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let der = Command::new("openssl")
        .args(["rsa", "-pubout", "-outform", "DER", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(der.status.success());
    let b64 = Command::new(python())
        .args([
            "-c",
            "import sys,base64; print(base64.b64encode(sys.stdin.buffer.read()).decode())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(&der.stdout)?;
            c.wait_with_output()
        })
        .unwrap();
    std::fs::write(s.path().join("dkim.pub"), &b64.stdout).unwrap();

    let smtp = Smtp::start(s.path(), &[]);
    let mut args = smtp.plain();
    args.extend(
        [
            "--dkim-selector",
            "s1",
            "--dkim-domain",
            "risk.example",
            "--dkim-key",
            "dkim.pem",
        ]
        .map(String::from),
    );
    let o = s.run(&args, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), s.consenting.len());
    let sig = mails[0].header("DKIM-Signature").expect("signed");
    assert!(sig.contains("c=relaxed/relaxed"), "{sig}");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/dkim_verify.py");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&smtp.maildir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    let v = Command::new(python())
        .arg(script)
        .arg(s.path().join("dkim.pub"))
        .args(&files)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    assert!(v.status.success(), "dkimpy: {said}");
}

/// What Python's `email` package (the default, compat32 policy) reads from a received message:
/// `[filename, Content-Type name, Subject, To display name, plain-text body]`, decoded.
fn python_reads(raw: &[u8]) -> Vec<String> {
    let script = r#"
import email, json, sys
from email.header import decode_header, make_header
from email.utils import parseaddr
m = email.message_from_binary_file(sys.stdin.buffer)
pdf = [p for p in m.walk() if p.get_content_type() == "application/pdf"][0]
text = [p for p in m.walk() if p.get_content_type() == "text/plain"][0]
dec = lambda h: str(make_header(decode_header(h)))
print(json.dumps([pdf.get_filename(), pdf.get_param("name"), dec(m["Subject"]),
    dec(parseaddr(m["To"])[0]), text.get_payload(decode=True).decode("utf-8")]))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(raw)?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn names_in_any_script_reach_the_file_name_subject_and_greeting() {
    let dir = tempdir();
    let header = format!("{},preferred_name", crate::util::HEADER);
    let row = |id: &str, name: &str, preferred: &str| {
        format!("{id},2026-03-01T09:00:00Z,{id}@example.com,{name},Backend Engineer,backend-developer,technology,7,crud-endpoints=50;schema-design=50,copilot,weekly,,true,{preferred}\n")
    };
    // The Vietnamese name is typed decomposed (NFD), as some systems store it.
    let csv = format!(
        "{header}\n{}{}{}{}",
        row("ar-1", "محمد الهاشمي", "محمد"),
        row("zh-1", "王小明", ""),
        row(
            "vi-1",
            "Nguye\u{302}\u{303}n Thi\u{323} Ho\u{302}\u{300}ng",
            ""
        ),
        row("hi-1", "Arjun Sharma", "अर्जुन"),
    );
    std::fs::write(dir.path().join("audits.csv"), csv).unwrap();
    let smtp = Smtp::start(dir.path(), &[]);
    let mut args: Vec<String> = ["run", "audits.csv", "--out", "out", "--email"]
        .map(String::from)
        .to_vec();
    args.extend(message_args());
    args.extend(smtp.plain());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = rr(dir.path(), &args, &[]);
    // Characters the built-in fonts lack are drawn as a replacement and warned about; the
    // email does not depend on them.
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 4, "{}", o.stderr);
    for (id, file, ascii, subject, to, hi) in [
        (
            "ar-1",
            "محمد-الهاشمي",
            "mHmd-lhshmy",
            "محمد",
            "محمد الهاشمي",
            "Hi محمد,",
        ),
        (
            "zh-1",
            "王小明",
            "WangXiaoMing",
            "王小明",
            "王小明",
            "Hi 王小明,",
        ),
        (
            "vi-1",
            "Nguyễn-Thị-Hồng",
            "Nguyen-Thi-Hong",
            "Nguyễn Thị Hồng",
            "Nguyễn Thị Hồng",
            "Hi Nguyễn Thị Hồng,",
        ),
        (
            "hi-1",
            "Arjun-Sharma",
            "Arjun-Sharma",
            "अर्जुन",
            "Arjun Sharma",
            "Hi अर्जुन,",
        ),
    ] {
        let m = mails
            .iter()
            .find(|m| m.rcpt.eq_ignore_ascii_case(&format!("{id}@example.com")))
            .unwrap_or_else(|| panic!("no message for {id}"));
        let read = python_reads(&m.raw);
        assert_eq!(read[0], format!("AI-Career-Risk-Report-{file}.pdf"), "{id}");
        assert_eq!(
            read[1],
            format!("AI-Career-Risk-Report-{ascii}.pdf"),
            "{id}"
        );
        assert_eq!(
            read[2],
            format!("{subject}, your AI career risk report is ready"),
            "{id}"
        );
        assert_eq!(read[3], to, "{id}");
        assert!(read[4].contains(hi), "{id}: {}", read[4]);
        assert!(
            read[4].contains(&format!("AI-Career-Risk-Report-{file}.pdf")),
            "{id}: the body names the attachment as it arrives"
        );
    }
}

/// A copy of the built-in layouts in `dir` whose brand has the logo of `tests/fixtures/`.
fn layouts_with_logo(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("layouts");
    let to = dir.join("layouts");
    std::fs::create_dir_all(to.join("pages")).unwrap();
    for entry in std::fs::read_dir(from.join("pages")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join("pages").join(path.file_name().unwrap())).unwrap();
    }
    std::fs::copy(from.join("running.j2"), to.join("running.j2")).unwrap();
    let style = std::fs::read_to_string(from.join("style.toml")).unwrap();
    let style = style.replacen("[brand]\n", "[brand]\nlogo = \"brand/logo.png\"\n", 1);
    std::fs::write(to.join("style.toml"), style).unwrap();
    std::fs::create_dir_all(to.join("brand")).unwrap();
    std::fs::copy(crate::util::fixture("logo.png"), to.join("brand/logo.png")).unwrap();
    to
}

#[test]
fn a_brand_logo_reaches_the_html_part_as_an_inline_image() {
    let s = sample_rows(43, 5);
    let layouts = layouts_with_logo(s.path());
    let smtp = Smtp::start(s.path(), &[]);
    let mut extra = smtp.plain();
    extra.extend(["--layouts".into(), layouts.display().to_string()]);
    let o = s.run(&extra, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), s.consenting.len(), "{}", o.stderr);
    // Python's email package reads the structure: the HTML and the logo side by side in a
    // multipart/related, the HTML's image the part with that Content-ID, the bytes the file's.
    let script = r#"
import email, json, sys
m = email.message_from_binary_file(sys.stdin.buffer)
tree = [p.get_content_type() for p in m.walk()]
html = [p for p in m.walk() if p.get_content_type() == "text/html"][0]
text = [p for p in m.walk() if p.get_content_type() == "text/plain"][0]
logo = [p for p in m.walk() if p.get_content_type() == "image/png"][0]
print(json.dumps({"tree": tree, "html": html.get_payload(decode=True).decode("utf-8"),
    "text": text.get_payload(decode=True).decode("utf-8"),
    "cid": logo["Content-ID"], "disposition": logo.get_content_disposition(),
    "png": list(logo.get_payload(decode=True))}))
"#;
    let read = |raw: &[u8]| -> serde_json::Value {
        let mut c = Command::new(python())
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        c.stdin.take().unwrap().write_all(raw).unwrap();
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "Python finds no HTML, text and PNG part: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(raw)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let png = std::fs::read(crate::util::fixture("logo.png")).unwrap();
    for mail in &mails {
        let m = read(&mail.raw);
        let tree: Vec<&str> = m["tree"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            tree,
            [
                "multipart/mixed",
                "multipart/alternative",
                "text/plain",
                "multipart/related",
                "text/html",
                "image/png",
                "application/pdf"
            ]
        );
        let cid = m["cid"].as_str().unwrap();
        let cid = cid.trim_start_matches('<').trim_end_matches('>');
        assert!(
            m["html"]
                .as_str()
                .unwrap()
                .contains(&format!("src=\"cid:{cid}\"")),
            "the HTML shows the inline part {cid}"
        );
        assert_eq!(m["disposition"], "inline");
        let bytes: Vec<u8> = m["png"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u8)
            .collect();
        assert!(bytes == png, "the logo's bytes are the file's");
        assert!(!m["text"].as_str().unwrap().contains("cid:"));
    }
    // The reports carry it too: one image on the cover.
    let pdf = s
        .path()
        .join(format!("out/reports/{}.pdf", s.consenting[0].0));
    let list = Command::new("pdfimages")
        .args(["-f", "1", "-l", "1", "-list"])
        .arg(&pdf)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    let kinds: Vec<&str> = list
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(kinds, ["image", "smask"], "{list}");
    // `send` signs with the same brand when given the same layouts: a report sent again
    // carries the logo, and without --layouts it does not.
    let id = s.consenting[0].0.clone();
    for (layouts, logo) in [(Some(&layouts), true), (None, false)] {
        let mut extra = smtp.plain();
        extra.extend(["--resend".into(), "--id".into(), id.clone()]);
        if let Some(l) = layouts {
            extra.extend(["--layouts".into(), l.display().to_string()]);
        }
        let o = s.send(&extra, &[]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let last = smtp.mails().pop().unwrap();
        let raw = String::from_utf8_lossy(&last.raw);
        assert_eq!(raw.contains("Content-Type: image/png"), logo, "{raw}");
    }
}
