use super::*;
use std::collections::HashMap;

/// A layer written as its config file text.
fn layer(toml_text: &str) -> Layer {
    toml::from_str(toml_text).unwrap()
}

const OK: &str = "[smtp]\nhost = \"h.example\"\n[message]\nfrom = \"r@example.org\"\n";

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn the_command_line_beats_the_file_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("riskreport.toml");
    std::fs::write(
        &cfg,
        "[smtp]\nhost = \"file.example\"\nport = 2525\nuser = \"fileuser\"\npassword_file = \"pw\"\n[message]\nfrom = \"File <file@example.com>\"\nreply_to = \"help@example.com\"\n[delivery]\nmax_retries = 7\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("pw"), "s3cret-from-file\n").unwrap();
    let cmdline =
        layer("[smtp]\nhost = \"flag.example\"\n[message]\nfrom = \"Env <env@example.com>\"\n");
    let s = Settings::load(cmdline, no_env, Some(&cfg), Path::new("nope.toml")).unwrap();
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
fn every_field_is_a_flag_an_environment_variable_and_a_file_key() {
    use clap::CommandFactory;
    #[derive(clap::Parser)]
    struct Probe {
        #[command(flatten)]
        l: Layer,
    }
    let cmd = Probe::command();
    let args: Vec<_> = cmd.get_arguments().collect();
    let file_keys = serde_json::to_value(Layer::default()).unwrap();
    let keys: usize = file_keys
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_object().unwrap().len())
        .sum();
    assert_eq!(args.len(), keys, "one flag per file key");
    for a in args {
        let env = a
            .get_env()
            .unwrap_or_else(|| panic!("{} has no environment variable", a.get_id()));
        assert!(env.to_string_lossy().starts_with("RISKREPORT_"), "{env:?}");
        assert!(a.get_long().is_some(), "{}", a.get_id());
    }
}

#[test]
fn url_from_env_may_carry_a_password_but_not_from_file_or_flag() {
    let url = "smtps://me%40x.org:p%40ss@mail.example.org";
    let env: HashMap<&str, String> = [("RISKREPORT_SMTP_URL", url.to_string())].into();
    let mut cmdline = layer("[message]\nfrom = \"r@example.org\"\n");
    cmdline.smtp.url = Some(url.into());
    let s = Settings::load(
        cmdline.clone(),
        |k| env.get(k).cloned(),
        None,
        Path::new("nope.toml"),
    )
    .unwrap();
    let smtp = s.smtp.unwrap();
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.tls),
        ("mail.example.org", 465, TlsMode::Implicit)
    );
    assert_eq!(smtp.user.as_deref(), Some("me@x.org"));
    assert_eq!(smtp.password.unwrap().expose(), "p@ss");

    // The same URL from a flag (it is not the environment's): refused, without echoing it.
    cmdline.smtp.url = Some("smtp://u:hunter2@h.example".into());
    let err = Settings::load(
        cmdline,
        |k| env.get(k).cloned(),
        None,
        Path::new("nope.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("contains a password") && err.contains("--smtp-url"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn plain_smtp_only_to_loopback() {
    let base = |host: &str| {
        layer(&format!(
            "[smtp]\nhost = \"{host}\"\ninsecure = true\n[message]\nfrom = \"r@example.org\"\n"
        ))
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
    assert_eq!(l.smtp.host.as_deref(), Some("mail.example.com"));
    assert_eq!(l.smtp.tls, Some(TlsMode::Starttls));
    assert_eq!(l.delivery.max_per_minute, Some(600));
    assert!(l.smtp.password.is_none());
    assert_eq!(l.smtp.data_timeout_seconds, Some(600));
    assert_eq!(
        l.message.envelope_from.as_deref(),
        Some("bounces@example.com")
    );
    assert!(l.message.unsubscribe_secret_file.is_some());
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
    assert!(
        e.contains("never goes in this file") && e.contains("unknown field `password`"),
        "{e}"
    );
    std::fs::write(&cfg, "[message]\nhost = \"h\"\n").unwrap();
    let e = format!("{:#}", Layer::from_file(&cfg).unwrap_err());
    assert!(
        e.contains("unknown field `host`"),
        "a key in the wrong section: {e}"
    );
}

#[test]
fn unsubscribe_tokens_need_a_real_secret_and_gaps_are_warned() {
    let base = layer(OK);
    let s = Settings::resolve(base.clone()).unwrap();
    let w = s.warnings.join("\n");
    assert!(
        w.contains("no unsubscribe URL") && w.contains("no postal address"),
        "{w}"
    );
    let mut token = base.clone();
    token.message.unsubscribe_url = Some("https://x.example/u?t={token}".into());
    let e = Settings::resolve(token.clone()).unwrap_err().to_string();
    assert!(e.contains("RISKREPORT_UNSUBSCRIBE_SECRET"), "{e}");
    let mut short = token.clone();
    short.message.unsubscribe_secret = Some(Secret::new("short"));
    assert!(Settings::resolve(short).is_err());
    let mut good = token;
    good.message.unsubscribe_secret = Some(Secret::new("a-long-random-secret-0123456789"));
    good.message.postal_address = Some("1 Main St".into());
    let s = Settings::resolve(good).unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert!(!format!("{s:?}").contains("a-long-random-secret"));
    let mut leaky = base.clone();
    leaky.message.unsubscribe_url = Some("https://x.example/u?e={email}".into());
    let s = Settings::resolve(leaky).unwrap();
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("anyone can unsubscribe")));
    let mut slow = base;
    slow.smtp.timeout_seconds = Some(60);
    slow.smtp.data_timeout_seconds = Some(10);
    assert!(Settings::resolve(slow).is_err());
}

#[test]
fn checks() {
    let ok = layer(OK);
    assert!(Settings::resolve(ok.clone()).is_ok());
    let mut no_from = ok.clone();
    no_from.message.from = None;
    assert!(Settings::resolve(no_from)
        .unwrap_err()
        .to_string()
        .contains("RISKREPORT_FROM"));
    let mut user_no_pw = ok.clone();
    user_no_pw.smtp.user = Some("u".into());
    assert!(Settings::resolve(user_no_pw).is_err());
    let mut http = ok.clone();
    http.message.unsubscribe_url = Some("http://x.example/u".into());
    assert!(Settings::resolve(http).is_err());
    let mut outbox = ok;
    outbox.smtp.host = None;
    outbox.delivery.outbox = Some("ob".into());
    assert!(Settings::resolve(outbox).unwrap().smtp.is_none());
}
