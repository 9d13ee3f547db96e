//! Never twice: the real binary against the loopback SMTP server (`tests/smtp/server.py`) with
//! faults a real night brings — SIGKILL at named points (`RISKREPORT_FAILPOINT`), a server that
//! stores a message and drops the connection before its reply, a server slower than the command
//! timeout, a lost ledger, refusals at MAIL FROM, at RCPT and at the end of DATA, and a closed
//! standard error. Every test counts the messages the server stored per recipient.

use crate::email::{rcpts, rr, sample, sample_rows, Out, Sample, Smtp};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Stored messages per recipient (lowercase).
fn per_rcpt(smtp: &Smtp) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for mail in smtp.mails() {
        *m.entry(mail.rcpt.to_lowercase()).or_insert(0) += 1;
    }
    m
}

fn render_only(s: &Sample) {
    let o = rr(
        s.path(),
        &["run", "audits.csv", "--out", "out", "--jobs", "2"],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

fn args(smtp: &Smtp, extra: &[&str]) -> Vec<String> {
    let mut a = smtp.plain();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn status(dir: &Path, extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_riskreport"))
        .args(["status", "--out", "out"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn count(s: &Sample, state: &str) -> u64 {
    s.states()[state].as_u64().unwrap()
}

#[test]
fn sigkill_at_named_points_never_sends_twice() {
    // 80 rows give 64 consenting: more than the ten kills can use up even when, on several
    // connections, the others deliver a few more before the process dies (about 47 at most).
    let s = sample_rows(51, 80);
    render_only(&s);
    let smtp = Smtp::start(s.path(), &[]);
    let consenting = s.consenting.len() as u64;
    // Every point where a crash could make a second copy, on one and on several connections.
    let points = [
        ("email-replied@2", "1"),
        ("email-content-sent@2", "1"),
        ("email-claimed@3", "3"),
        ("email-replied@4", "3"),
        ("email-recorded@2", "2"),
        ("email-replied@1", "4"),
        ("email-content-sent@3", "3"),
        ("email-claimed@1", "1"),
        ("email-replied@3", "2"),
        ("email-replied@2", "4"),
    ];
    let mut killed = 0;
    for (point, connections) in points {
        let before = smtp.mails().len();
        let o = s.send(
            &args(&smtp, &["--smtp-connections", connections]),
            &[("RISKREPORT_FAILPOINT", point)],
        );
        if o.code == -1 {
            killed += 1;
        } else {
            assert_eq!(o.code, 1, "{point}: {}", o.stderr);
        }
        let over: Vec<_> = per_rcpt(&smtp)
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .collect();
        assert!(over.is_empty(), "after {point}: duplicates {over:?}");
        eprintln!(
            "{point} on {connections} connection(s): killed {}, {} delivered, uncertain now {}",
            o.code == -1,
            smtp.mails().len() - before,
            count(&s, "uncertain")
        );
    }
    assert_eq!(killed, points.len(), "every fault landed");
    // The rest goes out; nothing claimed by a dead process is sent again.
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(
        o.code, 1,
        "uncertain reports are outstanding work:\n{}",
        o.stderr
    );
    assert!(o.stderr.contains("UNCERTAIN"), "{}", o.stderr);
    let per = per_rcpt(&smtp);
    assert!(per.values().all(|n| *n == 1), "0 duplicates: {per:?}");
    let (sent, uncertain) = (count(&s, "sent"), count(&s, "uncertain"));
    assert_eq!(
        sent + uncertain,
        consenting,
        "every report sent or uncertain"
    );
    assert_eq!(count(&s, "sending"), 0);
    assert!(
        uncertain >= 10,
        "each kill left its claim(s) uncertain: {uncertain}"
    );
    // The uncertain ones the server did store ("replied" kills) are exactly the doubt.
    let delivered: u64 = per.len() as u64;
    eprintln!(
        "10 SIGKILLs: {consenting} consenting, {delivered} delivered once, 0 twice, {uncertain} uncertain ({} of them never arrived)",
        consenting - delivered
    );
    assert!(delivered >= sent);
    let listed = status(s.path(), &["--uncertain"]);
    assert_eq!(listed.lines().count() as u64, uncertain, "{listed}");
    assert!(
        listed.contains("last sent at") && listed.contains("via 127.0.0.1:"),
        "{listed}"
    );
}

#[test]
fn a_dropped_connection_after_the_server_stored_the_message_is_uncertain_and_not_resent() {
    let s = sample(52);
    let (id, victim) = s.consenting[1].clone();
    let smtp = Smtp::start(s.path(), &["--drop-after-store", &victim]);
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("UNCERTAIN") && o.stderr.contains(&id),
        "{}",
        o.stderr
    );
    assert_eq!(
        per_rcpt(&smtp).get(&victim.to_lowercase()),
        Some(&1),
        "stored once"
    );
    assert_eq!(count(&s, "uncertain"), 1);
    assert_eq!(count(&s, "sent"), s.consenting.len() as u64 - 1);
    assert_eq!(s.email("uncertain"), 1);
    assert_eq!(s.summary()["email"]["status"], "partial");
    // Reruns never send it again by themselves, and keep saying so (exit 1).
    for _ in 0..2 {
        let again = s.send(&smtp.plain(), &[]);
        assert_eq!(again.code, 1, "{}", again.stderr);
        assert!(again.stderr.contains(&id), "{}", again.stderr);
    }
    assert_eq!(per_rcpt(&smtp).get(&victim.to_lowercase()), Some(&1));
    assert!(per_rcpt(&smtp).values().all(|n| *n == 1));
    let listed = status(s.path(), &["--uncertain", "--show-addresses"]);
    assert!(listed.contains(&id) && listed.contains(&victim), "{listed}");
    assert!(listed.contains("no reply to the message's end"), "{listed}");
    let first_mid = smtp.mails()[0].header("Message-ID");
    assert!(first_mid.is_some());

    // The operator decides: send it again, with the same Message-ID (a copy that did arrive
    // can be recognised).
    drop(smtp);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.send(&args(&smtp, &["--resend-uncertain", "--id", &id]), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(
        rcpts(&mails).into_iter().collect::<Vec<_>>(),
        [victim.to_lowercase()]
    );
    let mid = mails[0].header("Message-ID").unwrap();
    assert!(
        mid.starts_with(&format!("<{id}.")) && !mid.contains(".r1@"),
        "{mid}"
    );
    assert_eq!(count(&s, "uncertain"), 0);
}

#[test]
fn a_slow_reply_within_the_data_timeout_is_delivered_once_and_beyond_it_is_uncertain() {
    let s = sample(53);
    let smtp = Smtp::start(s.path(), &["--slow-data", "4"]);
    let extra = [
        "--smtp-timeout",
        "2",
        "--smtp-data-timeout",
        "30",
        "--smtp-connections",
        "4",
    ];
    let o = s.run(&args(&smtp, &extra), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let per = per_rcpt(&smtp);
    assert_eq!(per.len(), s.consenting.len());
    assert!(per.values().all(|n| *n == 1), "{per:?}");
    assert_eq!(count(&s, "sent"), s.consenting.len() as u64);

    // A reply slower than the DATA timeout: in doubt, never a second copy. Three in a row stop
    // the phase rather than put more reports in doubt.
    let s = sample(63);
    let smtp = Smtp::start(s.path(), &["--slow-data", "7"]);
    let extra = [
        "--smtp-timeout",
        "3",
        "--smtp-data-timeout",
        "3",
        "--smtp-connections",
        "1",
    ];
    let o = s.run(&args(&smtp, &extra), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("without a reply"), "{}", o.stderr);
    assert!(
        o.stderr.contains("did not answer in time (timeout"),
        "{}",
        o.stderr
    );
    // Three in a row stop the phase; a fourth may already have been on its way on the
    // connection (at most one per connection can be in doubt).
    let uncertain = count(&s, "uncertain");
    assert!(
        (3..=4).contains(&uncertain),
        "{}",
        status(s.path(), &["--uncertain"])
    );
    // The server stores a message when its final dot arrives, on its own clock: wait for the
    // count, not for a guessed time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while (smtp.mails().len() as u64) < uncertain && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let stored = smtp.mails().len() as u64;
    assert_eq!(
        stored,
        uncertain,
        "every stored message is one the ledger holds in doubt:\n{}\n{:?}",
        o.stderr,
        per_rcpt(&smtp)
    );
    let again = s.send(&args(&smtp, &["--smtp-data-timeout", "30"]), &[]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    let per = per_rcpt(&smtp);
    assert!(per.values().all(|n| *n == 1), "{per:?}");
    assert_eq!(per.len(), s.consenting.len());
}

#[test]
fn a_lost_ledger_stops_email_until_it_is_restored_or_rebuilt() {
    let s = sample(55);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let delivered = smtp.mails().len();
    assert_eq!(delivered, s.consenting.len());
    let out = s.path().join("out");
    assert!(
        out.join("ledger-backups").read_dir().unwrap().count() >= 1,
        "a backup per run"
    );
    let pdf = out.join(format!("reports/{}.pdf", s.consenting[0].0));
    let pdf_time = std::fs::metadata(&pdf).unwrap().modified().unwrap();

    for damage in ["delete", "empty"] {
        for f in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"] {
            let _ = std::fs::remove_file(out.join(f));
        }
        if damage == "empty" {
            std::fs::write(out.join("ledger.sqlite"), b"").unwrap();
        }
        let o = s.send(&smtp.plain(), &[]);
        assert_eq!(o.code, 2, "{damage}: {}", o.stderr);
        assert!(
            o.stderr.contains("ledger rebuild") && o.stderr.contains("PDF(s)"),
            "{}",
            o.stderr
        );
        let o = s.run(&smtp.plain(), &[]);
        assert_eq!(o.code, 2, "{damage}: {}", o.stderr);
        assert_eq!(
            smtp.mails().len(),
            delivered,
            "{damage}: nobody emailed again"
        );
        assert_eq!(
            std::fs::metadata(&pdf).unwrap().modified().unwrap(),
            pdf_time,
            "nothing re-rendered"
        );
        // The failed run still says so in summary.json.
        assert_eq!(s.summary()["status"], "failed");
        assert!(s.summary()["error"]
            .as_str()
            .unwrap()
            .contains("ledger rebuild"));
    }

    let o = rr(s.path(), &["ledger", "rebuild", "--out", "out"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("sent-unknown"), "{}", o.stderr);
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        smtp.mails().len(),
        delivered,
        "a rebuilt ledger emails nobody"
    );
    // The backup said who was sent; everyone else is sent-unknown.
    assert_eq!(count(&s, "sent"), s.consenting.len() as u64);
    assert_eq!(count(&s, "sent-unknown"), s.refusing.len() as u64);
    // Only an operator's --resend sends one again, as a new message.
    let id = s.consenting[0].0.clone();
    let o = s.send(&args(&smtp, &["--resend", "--id", &id]), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mails = smtp.mails();
    assert_eq!(mails.len(), delivered + 1);
    let mid = mails.last().unwrap().header("Message-ID").unwrap();
    assert!(mid.contains(".r1@"), "a resend is a new message: {mid}");
}

#[test]
fn a_ledger_lost_after_a_crash_is_rebuilt_without_a_second_copy() {
    // The newest backup is from before the send (taken when the batch ended); the send is
    // killed after three messages were recorded, and then the ledger is damaged.
    let s = sample_rows(67, 20);
    render_only(&s);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.send(
        &args(&smtp, &["--smtp-connections", "1"]),
        &[("RISKREPORT_FAILPOINT", "email-recorded@3")],
    );
    assert_eq!(o.code, -1, "killed: {}", o.stderr);
    assert_eq!(smtp.mails().len(), 3);
    let out = s.path().join("out");
    for f in ["ledger.sqlite-wal", "ledger.sqlite-shm"] {
        let _ = std::fs::remove_file(out.join(f));
    }
    std::fs::write(
        out.join("ledger.sqlite"),
        b"damaged damaged damaged damaged",
    )
    .unwrap();
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("Do not copy a backup"), "{}", o.stderr);
    let o = rr(s.path(), &["ledger", "rebuild", "--out", "out"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let per = per_rcpt(&smtp);
    assert!(per.values().all(|n| *n == 1), "no second copy: {per:?}");
    assert_eq!(smtp.mails().len(), 3);
}

#[test]
fn a_refused_sender_stops_the_phase_and_marks_nothing() {
    let s = sample(56);
    let smtp = Smtp::start(
        s.path(),
        &[
            "--mail-from-reply",
            "553 5.7.1 <reports@risk.example>: Sender address rejected: not owned by user reports",
        ],
    );
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("553 5.7.1") && o.stderr.contains("MAIL FROM"),
        "{}",
        o.stderr
    );
    assert!(smtp.mails().is_empty());
    assert_eq!(count(&s, "none"), 12, "nothing marked");
    assert_eq!(count(&s, "failed-permanent"), 0);
    assert_eq!(s.summary()["email"]["status"], "stopped");
    // After the fix, the next run sends them all, once.
    drop(smtp);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(rcpts(&smtp.mails()), s.consenting_addresses());
}

#[test]
fn a_554_at_rcpt_fails_that_recipient_only() {
    let s = sample(57);
    let (id, addr) = s.consenting[0].clone();
    let rule = format!("{addr}=554 5.7.0 <{addr}>: Recipient address rejected by policy");
    let smtp = Smtp::start(s.path(), &["--rcpt-reply", &rule]);
    let o = s.run(&args(&smtp, &["--smtp-connections", "1"]), &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let mut want = s.consenting_addresses();
    want.remove(&addr.to_lowercase());
    assert_eq!(rcpts(&smtp.mails()), want);
    assert_eq!(count(&s, "failed-permanent"), 1);
    let listed = status(s.path(), &["--failed"]);
    assert!(
        listed.contains(&id) && listed.contains("(at RCPT TO"),
        "{listed}"
    );
    assert!(
        !o.stderr.contains(&addr),
        "addresses are masked in logs: {}",
        o.stderr
    );
    // The next run does not stop on it either.
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!o.stderr.contains("stopped"), "{}", o.stderr);
}

#[test]
fn refusals_in_a_row_are_the_configuration_and_mark_nothing() {
    // Every recipient refused (relay access denied): a configuration problem, not 5 bad rows.
    let s = sample_rows(58, 20);
    let smtp = Smtp::start(
        s.path(),
        &["--rcpt-reply", "*=554 5.7.1 Relay access denied"],
    );
    let o = s.run(&args(&smtp, &["--smtp-connections", "1"]), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("refused the recipients of 5 reports in a row"),
        "{}",
        o.stderr
    );
    assert_eq!(count(&s, "failed-permanent"), 0);
    assert_eq!(count(&s, "none"), 20);

    // Every message refused at the end of DATA (content): stop after 3, nothing marked.
    let s = sample(59);
    let smtp = Smtp::start(
        s.path(),
        &["--data-reply", "*=554 5.6.0 Message content rejected"],
    );
    let o = s.run(&args(&smtp, &["--smtp-connections", "1"]), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("refused the messages of 3 reports in a row"),
        "{}",
        o.stderr
    );
    assert_eq!(count(&s, "failed-permanent"), 0);
    assert_eq!(count(&s, "none"), 12);
    assert!(smtp.mails().is_empty());
}

/// Runs riskreport with its standard error a pipe whose reader is already gone (EPIPE on
/// every write), or closed altogether (EBADF).
fn with_dead_stderr(dir: &Path, args: &[String], closed: bool) -> i32 {
    let bin = env!("CARGO_BIN_EXE_riskreport");
    let mut c = if closed {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("exec \"$0\" \"$@\" 2>&-")
            .arg(bin)
            .args(args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(args);
        c
    };
    for (k, _) in std::env::vars() {
        if k.starts_with("RISKREPORT_") {
            c.env_remove(k);
        }
    }
    c.env("RISKREPORT_RETRY_BASE_MS", "20").current_dir(dir);
    let mut child = c
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    child.wait().unwrap().code().unwrap_or(-1)
}

#[test]
fn a_closed_standard_error_never_stops_the_work() {
    for closed in [false, true] {
        let s = sample(60 + closed as u64);
        let smtp = Smtp::start(s.path(), &[]);
        let mut a: Vec<String> = ["run", "audits.csv", "--out", "out", "--email", "-v"]
            .map(String::from)
            .to_vec();
        a.extend(["--from", "AI Career Risk <reports@risk.example>"].map(String::from));
        a.extend(smtp.plain());
        let code = with_dead_stderr(s.path(), &a, closed);
        assert_eq!(code, 0, "closed={closed}");
        assert_eq!(
            rcpts(&smtp.mails()),
            s.consenting_addresses(),
            "closed={closed}"
        );
        assert_eq!(count(&s, "sent"), s.consenting.len() as u64);
    }
}

#[test]
fn headers_date_is_the_hand_over_and_settings_warn() {
    let s = sample(64);
    let smtp = Smtp::start(s.path(), &[]);
    let mut a = smtp.plain();
    a.extend([
        "--from".into(),
        "AI Career Risk <reports@risk.example>".into(),
    ]);
    a.extend(["--envelope-from".into(), "bounces@risk.example".into()]);
    let mut c: Vec<&str> = vec!["run", "audits.csv", "--out", "out", "--email"];
    c.extend(a.iter().map(String::as_str));
    let o: Out = rr(s.path(), &c, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("no unsubscribe URL"), "{}", o.stderr);
    assert!(o.stderr.contains("no postal address"), "{}", o.stderr);
    let now = time::OffsetDateTime::now_utc();
    for m in smtp.mails() {
        let date = m.header("Date").unwrap();
        let t = time::OffsetDateTime::parse(&date, &time::format_description::well_known::Rfc2822)
            .unwrap_or_else(|e| panic!("{date}: {e}"));
        assert!(
            (now - t).abs() < time::Duration::minutes(5),
            "Date {date} is not the hand-over time"
        );
        assert_eq!(m.header("Return-Path"), None);
    }
    // MAIL FROM (where bounces go) is the envelope sender setting, not the From address.
    let senders: Vec<String> = std::fs::read_dir(s.path().join("maildir-0"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "from"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(senders.len(), s.consenting.len());
    assert!(
        senders.iter().all(|f| f == "bounces@risk.example"),
        "{senders:?}"
    );
}

#[test]
fn a_tampered_ledger_path_never_attaches_another_file() {
    let s = sample(65);
    render_only(&s);
    let secret = s.path().join("secret.pdf");
    std::fs::write(&secret, b"%PDF private").unwrap();
    let conn = rusqlite::Connection::open(s.path().join("out/ledger.sqlite")).unwrap();
    conn.execute(
        "UPDATE reports SET pdf_path = ?1",
        [secret.to_str().unwrap()],
    )
    .unwrap();
    drop(conn);
    // The directory may even move: the reports are found beside the ledger.
    std::fs::rename(s.path().join("out"), s.path().join("moved")).unwrap();
    std::fs::rename(s.path().join("moved"), s.path().join("out")).unwrap();
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.send(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for m in smtp.mails() {
        assert!(
            !String::from_utf8_lossy(&m.raw).contains("JVBERiBwcml2YXRl"),
            "the planted file was attached"
        );
    }
    assert_eq!(rcpts(&smtp.mails()), s.consenting_addresses());
}

#[test]
fn failing_settings_never_print_the_password() {
    let s = sample(66);
    render_only(&s);
    let secret = "hunter2-Zebra-Secret";
    let cases: [(&str, Vec<(&str, String)>); 5] = [
        (
            "[smtp]\nhost = \"127.0.0.1\"\npassword = \"hunter2-Zebra-Secret\"\n",
            vec![],
        ),
        (
            "[smtp]\nurl = \"smtp://u:hunter2-Zebra-Secret@127.0.0.1:2525\"\n",
            vec![],
        ),
        (
            "[smtp]\nhost = \"127.0.0.1\"\nuser = \"u\" password_file = \"hunter2-Zebra-Secret\"\n",
            vec![],
        ),
        (
            "[smtp]\nhost = \"127.0.0.1\"\n",
            vec![("RISKREPORT_SMTP_PASSWORD", secret.to_string())],
        ),
        (
            "[smtp]\nhost = \"127.0.0.1\"\nport = 1\n",
            vec![
                ("RISKREPORT_SMTP_USER", "u".to_string()),
                ("RISKREPORT_SMTP_PASSWORD", secret.to_string()),
                ("RISKREPORT_INSECURE_SMTP", "1".to_string()),
            ],
        ),
    ];
    for (config, env) in cases {
        std::fs::write(s.path().join("riskreport.toml"), config).unwrap();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for cmd in [
            vec!["send", "--out", "out", "--from", "r@risk.example"],
            vec![
                "run",
                "audits.csv",
                "--out",
                "out",
                "--email",
                "--from",
                "r@risk.example",
            ],
            vec![
                "send",
                "--out",
                "out",
                "--from",
                "r@risk.example",
                "-vv",
                "--log-format",
                "json",
            ],
        ] {
            let o = rr(s.path(), &cmd, &env);
            assert_eq!(o.code, 2, "{config} {cmd:?}: {}", o.stderr);
            assert!(
                !o.stderr.contains("hunter2"),
                "{config} {cmd:?}: the password leaked:\n{}",
                o.stderr
            );
            if let Ok(summary) = std::fs::read_to_string(s.path().join("out/summary.json")) {
                assert!(!summary.contains("hunter2"), "in summary.json: {summary}");
            }
        }
    }
}

#[test]
fn a_re_export_with_upper_case_ids_emails_nobody_again() {
    let s = sample(68);
    let smtp = Smtp::start(s.path(), &[]);
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let delivered = smtp.mails().len();
    assert_eq!(delivered, s.consenting.len());
    // The same rows, ids upper-cased, as another export might write them.
    let text = std::fs::read_to_string(s.path().join("audits.csv")).unwrap();
    let upper: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return l.to_string();
            }
            let (id, rest) = l.split_once(',').unwrap();
            format!("{},{rest}", id.to_ascii_uppercase())
        })
        .collect();
    std::fs::write(s.path().join("audits.csv"), upper.join("\n") + "\n").unwrap();
    let o = s.run(&smtp.plain(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(smtp.mails().len(), delivered, "nobody emailed again");
    assert_eq!(count(&s, "sent"), s.consenting.len() as u64);
    // Within one file, ids that differ only in case are duplicates.
    let mut dup = upper.clone();
    let second = dup[1].clone();
    let (id, rest) = second.split_once(',').unwrap();
    dup.push(format!("{},{rest}", id.to_ascii_lowercase()));
    std::fs::write(s.path().join("dup.csv"), dup.join("\n") + "\n").unwrap();
    let o = rr(s.path(), &["validate", "dup.csv"], &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
}

#[test]
fn sigterm_during_the_email_phase_starts_no_new_message() {
    let s = sample_rows(69, 30);
    render_only(&s);
    let smtp = Smtp::start(s.path(), &["--slow-data", "1"]);
    let mut a: Vec<String> = ["send", "--out", "out", "--from", "r@risk.example"]
        .map(String::from)
        .to_vec();
    a.extend(args(&smtp, &["--smtp-connections", "4"]));
    // Paused (SIGSTOP) at the first claim; SIGTERM arrives while it is paused.
    let child = Command::new(env!("CARGO_BIN_EXE_riskreport"))
        .args(&a)
        .current_dir(s.path())
        .env("RISKREPORT_FAILPOINT", "email-claimed@1:stop")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    crate::util::wait_until_stopped(child.id(), 60, "never claimed");
    let pid = child.id().to_string();
    for sig in ["-TERM", "-CONT"] {
        assert!(Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap()
            .success());
    }
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "interrupted: {err}");
    assert!(err.contains("interrupted"), "{err}");
    let stored = smtp.mails().len();
    assert!(
        stored <= 4,
        "only the messages already claimed went out: {stored}"
    );
    assert_eq!(count(&s, "sent") as usize, stored);
    assert_eq!(count(&s, "sending") + count(&s, "uncertain"), 0);
    let (code, rest) = (s.send(&smtp.plain(), &[]).code, smtp.mails().len());
    assert_eq!(code, 0);
    assert_eq!(
        rest,
        s.consenting.len(),
        "the rest goes out on the next run, once each"
    );
}
