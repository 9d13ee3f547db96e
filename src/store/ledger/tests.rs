use super::*;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-03-01 02:00:00 UTC);

fn write_pdf(dir: &Path, id: &str, bytes: &[u8]) -> RenderRecord {
    let reports = dir.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let path = reports.join(format!("{id}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    RenderRecord {
        audit_id: id.to_string(),
        fingerprint: fingerprint(id.as_bytes(), "cat", "lay", "0.1.0"),
        pdf_path: path,
        pdf_sha256: sha256_hex(bytes),
        pdf_bytes: bytes.len() as u64,
        score: Some(42),
        rendered_at: T0,
        email: Some(format!("{id}@example.com")),
        consent: true,
        full_name: Some(format!("Person {id}")),
        preferred_name: None,
    }
}

fn state(l: &Ledger, id: &str) -> EmailState {
    l.entry(id).unwrap().unwrap().email_state
}

#[test]
fn fresh_open_creates_schema_and_wal() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    assert!(dir.path().join(FILE_NAME).is_file());
    let v: i64 = l
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, MIGRATIONS.len() as i64);
    let mode: String = l
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let tables: Vec<String> = l
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(tables, ["reports", "runs"]);
    let s = l.summary().unwrap();
    assert_eq!((s.reports, s.consenting, s.last_run.clone()), (0, 0, None));
    assert_eq!(s.email.len(), 7);
}

#[test]
fn reopen_keeps_data_and_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    drop(Ledger::open(dir.path()).unwrap());
    let rec = write_pdf(dir.path(), "a1", b"%PDF-1.7 one");
    {
        let mut l = Ledger::open(dir.path()).unwrap();
        l.record_render(&rec).unwrap();
        let run = l.begin_run("audits.csv", T0).unwrap();
        l.finish_run(
            run,
            &RunCounts {
                rows: 3,
                rendered: 1,
                skipped: 1,
                rejected: 1,
                failed: 0,
            },
            RunStatus::Ok,
            T0 + time::Duration::minutes(2),
        )
        .unwrap();
    }
    let l = Ledger::open(dir.path()).unwrap();
    let e = l.entry("a1").unwrap().unwrap();
    assert_eq!(e.render, rec);
    assert_eq!(e.email_state, EmailState::None);
    let s = l.summary().unwrap();
    assert_eq!(
        (s.reports, s.consenting, s.count(EmailState::None)),
        (1, 1, 1)
    );
    let run = s.last_run.unwrap();
    assert_eq!(
        (run.input.as_str(), run.status.as_str(), run.counts.rendered),
        ("audits.csv", "ok", 1)
    );
    assert_eq!(run.started_at, "2026-03-01T02:00:00Z");
    assert_eq!(run.finished_at.as_deref(), Some("2026-03-01T02:02:00Z"));
    drop(l);

    let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Ledger::open(dir.path()).err().unwrap();
    assert!(
        format!("{err:#}").contains("newer than this riskreport"),
        "{err:#}"
    );
}

#[test]
fn a_version_1_ledger_gains_full_name_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    conn.execute_batch(MIGRATIONS[0]).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute(
        "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent)
         VALUES ('old', 'fp', 'r/old.pdf', 'sha', 3, 40, '2026-03-01T02:00:00Z', 'old@example.com', 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let l = Ledger::open(dir.path()).unwrap();
    assert_eq!(l.entry("old").unwrap().unwrap().render.full_name, None);
    let p = l.pending_emails(T0).unwrap();
    assert_eq!((p[0].full_name.clone(), p[0].score), (None, Some(40)));
    assert_eq!(p[0].preferred_name, None, "migrated in as NULL");
}

#[test]
fn the_preferred_name_reaches_the_email_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    let mut rec = write_pdf(dir.path(), "jo", b"%PDF-1.7 jo");
    rec.preferred_name = Some("Jo".into());
    l.record_render(&rec).unwrap();
    let p = l.pending_emails(T0).unwrap();
    assert_eq!(p[0].preferred_name.as_deref(), Some("Jo"));
    assert_eq!(
        l.entry("jo")
            .unwrap()
            .unwrap()
            .render
            .preferred_name
            .as_deref(),
        Some("Jo")
    );
}

#[test]
fn fingerprint_is_length_prefixed() {
    let a = fingerprint(b"ab", "c", "d", "1");
    assert_eq!(a, fingerprint(b"ab", "c", "d", "1"));
    assert_ne!(a, fingerprint(b"a", "bc", "d", "1"));
    assert_ne!(a, fingerprint(b"ab", "c", "d", "2"));
    assert_eq!(a.len(), 64);
}

#[test]
fn needs_render_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    let rec = write_pdf(dir.path(), "a1", b"%PDF-1.7 original bytes");
    assert!(
        l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
            .unwrap(),
        "no entry yet"
    );
    l.record_render(&rec).unwrap();
    assert!(
        !l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
            .unwrap(),
        "unchanged"
    );
    assert!(
        l.needs_render(
            "a1",
            &fingerprint(b"other row", "cat", "lay", "0.1.0"),
            &rec.pdf_path
        )
        .unwrap(),
        "input changed"
    );

    // Same length, different bytes: only the hash can tell.
    std::fs::write(&rec.pdf_path, b"%PDF-1.7 tampered bytes").unwrap();
    assert!(
        l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
            .unwrap(),
        "tampered"
    );
    std::fs::write(&rec.pdf_path, b"%PDF-1.7 orig").unwrap();
    assert!(
        l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
            .unwrap(),
        "truncated"
    );
    std::fs::write(&rec.pdf_path, b"%PDF-1.7 original bytes").unwrap();
    assert!(
        !l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
            .unwrap(),
        "restored"
    );

    std::fs::remove_file(&rec.pdf_path).unwrap();
    assert!(
        l.needs_render("a1", &rec.fingerprint, &rec.pdf_path)
            .unwrap(),
        "deleted"
    );
    assert!(l
        .needs_render("unknown", &rec.fingerprint, &rec.pdf_path)
        .unwrap());
}

const SRV: &str = "mail.example:587";

#[test]
fn re_render_keeps_sent_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    let rec = write_pdf(dir.path(), "a1", b"%PDF v1");
    l.record_render(&rec).unwrap();
    assert!(l.claim("a1", SRV, T0).unwrap());
    l.mark_sent(
        "a1",
        "250 2.0.0 Ok: queued as ABC",
        "<a1.v1@riskreport>",
        T0,
    )
    .unwrap();

    let mut again = write_pdf(dir.path(), "a1", b"%PDF v2, re-rendered");
    again.fingerprint = fingerprint(b"fixed row", "cat", "lay", "0.1.0");
    again.rendered_at = T0 + time::Duration::days(1);
    l.record_render(&again).unwrap();

    let e = l.entry("a1").unwrap().unwrap();
    assert_eq!(e.render, again);
    assert_eq!(e.email_state, EmailState::Sent);
    assert_eq!(e.email_attempts, 1);
    assert_eq!(e.message_id.as_deref(), Some("<a1.v1@riskreport>"));
    assert_eq!(e.email_sent_at, Some(T0));
    assert_eq!(e.email_server.as_deref(), Some(SRV));
    assert!(
        l.pending_emails(T0 + time::Duration::days(2))
            .unwrap()
            .is_empty(),
        "not resent automatically"
    );
    assert!(
        !l.claim("a1", SRV, T0).unwrap(),
        "a sent report cannot be claimed again"
    );

    assert!(l.reset_for_resend("a1").unwrap());
    assert!(!l.reset_for_resend("nobody").unwrap());
    let pending = l.pending_emails(T0).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].state, pending[0].attempts, pending[0].resends),
        (EmailState::None, 0, 1),
        "a resend counts, for a new Message-ID"
    );
}

#[test]
fn pending_emails_honours_consent_next_try_and_doubt() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    for id in [
        "a-none",
        "b-noconsent",
        "c-transient",
        "d-due",
        "e-permanent",
        "f-uncertain",
        "g-sent",
        "h-noaddress",
        "i-sending",
    ] {
        let mut rec = write_pdf(dir.path(), id, id.as_bytes());
        rec.consent = id != "b-noconsent";
        if id == "h-noaddress" {
            rec.email = None;
        }
        l.record_render(&rec).unwrap();
    }
    assert!(
        !l.claim("b-noconsent", SRV, T0).unwrap(),
        "no consent, no claim"
    );
    assert!(!l.claim("h-noaddress", SRV, T0).unwrap());
    assert!(!l.claim("zz-unknown", SRV, T0).unwrap());
    // Failures before a claim need none.
    l.mark_transient(
        "c-transient",
        "451 4.7.1 try later",
        T0 + time::Duration::minutes(10),
    )
    .unwrap();
    l.mark_transient("d-due", "421 busy", T0 - time::Duration::seconds(1))
        .unwrap();
    l.mark_permanent("e-permanent", "550 5.1.1 no such user")
        .unwrap();
    for id in ["f-uncertain", "g-sent", "i-sending"] {
        assert!(l.claim(id, SRV, T0).unwrap());
    }
    l.mark_uncertain("f-uncertain", "no reply to the end of DATA", "<f@x>")
        .unwrap();
    l.mark_sent("g-sent", "250 ok", "<g@x>", T0).unwrap();
    assert!(
        !l.claim("i-sending", SRV, T0).unwrap(),
        "a claimed report cannot be claimed twice"
    );

    let ids = |l: &Ledger, now| {
        l.pending_emails(now)
            .unwrap()
            .into_iter()
            .map(|p| p.audit_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&l, T0),
        ["a-none", "d-due"],
        "never sending or uncertain ones"
    );
    // Exactly at next_try it is due; a fractional `now` is compared at whole seconds.
    assert_eq!(
        ids(&l, T0 + time::Duration::minutes(10)),
        ["a-none", "c-transient", "d-due"]
    );
    assert_eq!(
        ids(&l, T0 + time::Duration::milliseconds(599_500)),
        ["a-none", "d-due"]
    );
    let c = l.entry("c-transient").unwrap().unwrap();
    assert_eq!(
        (c.email_state, c.email_attempts, c.email_next_try),
        (
            EmailState::FailedTransient,
            1,
            Some(T0 + time::Duration::minutes(10))
        )
    );
    // A retry claims it again and counts a second attempt.
    assert!(l.claim("c-transient", SRV, T0).unwrap());
    let c = l.entry("c-transient").unwrap().unwrap();
    assert_eq!(
        (c.email_state, c.email_attempts, c.email_next_try),
        (EmailState::Sending, 2, None)
    );
    assert!(!l.claim("e-permanent", SRV, T0).unwrap());
    assert!(
        !l.claim("f-uncertain", SRV, T0).unwrap(),
        "doubt is never resolved by a rerun"
    );

    // The process holding claims dies; the next phase finds them.
    assert_eq!(
        l.recover_dead_claims().unwrap(),
        ["c-transient", "i-sending"]
    );
    assert_eq!(state(&l, "i-sending"), EmailState::Uncertain);
    assert!(l
        .entry("i-sending")
        .unwrap()
        .unwrap()
        .email_response
        .unwrap()
        .contains("may have been delivered"));

    let s = l.summary().unwrap();
    assert_eq!((s.reports, s.consenting), (9, 8));
    assert_eq!(s.count(EmailState::Uncertain), 3);
    assert_eq!(s.count(EmailState::Sent), 1);
    assert_eq!(s.count(EmailState::FailedPermanent), 1);
    assert_eq!(s.count(EmailState::Sending), 0);

    // Operators: uncertain ones back by choice (the Message-ID stays), failed ones in bulk.
    assert!(l.reset_uncertain(&["g-sent".into()]).is_err());
    assert_eq!(
        l.reset_uncertain(&["f-uncertain".into()]).unwrap(),
        ["f-uncertain"]
    );
    assert_eq!(l.entry("f-uncertain").unwrap().unwrap().email_resends, 0);
    assert_eq!(l.reset_failed().unwrap(), ["d-due", "e-permanent"]);
    assert_eq!(
        ids(&l, T0),
        ["a-none", "d-due", "e-permanent", "f-uncertain"]
    );
}

#[test]
fn state_machine_rejects_invalid_states_and_transitions() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    l.record_render(&write_pdf(dir.path(), "a1", b"x")).unwrap();

    let err = l
        .conn
        .execute(
            "UPDATE reports SET email_state = 'delivered' WHERE audit_id = 'a1'",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
    assert_eq!(state(&l, "a1"), EmailState::None);

    // Sent and uncertain need a claim first.
    let err = l.mark_sent("a1", "250 ok", "<m>", T0).unwrap_err();
    assert!(format!("{err:#}").contains("it is none"), "{err:#}");
    assert!(l.mark_uncertain("a1", "no reply", "<m>").is_err());
    assert!(l.mark_permanent("nobody", "550").is_err());
    assert!(l.claim("a1", SRV, T0).unwrap());
    l.mark_permanent("a1", "550 no").unwrap();
    assert!(
        l.mark_transient("a1", "451", T0).is_err(),
        "failed-permanent is final until a resend"
    );
    assert_eq!(state(&l, "a1"), EmailState::FailedPermanent);
    // A refusal that was the configuration's is undone.
    l.release("a1").unwrap();
    assert_eq!(state(&l, "a1"), EmailState::None);
}

#[test]
fn a_version_2_ledger_turns_queued_into_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    conn.execute_batch(MIGRATIONS[0]).unwrap();
    conn.execute_batch(MIGRATIONS[1]).unwrap();
    conn.pragma_update(None, "user_version", 2).unwrap();
    for (id, st) in [("q", "queued"), ("S", "none"), ("s", "sent"), ("n", "none")] {
        conn.execute(
            "INSERT INTO reports (audit_id, fingerprint, pdf_path, pdf_sha256, pdf_bytes, score, rendered_at, email, consent, email_state)
             VALUES (?1, 'fp', 'r/x.pdf', 'sha', 3, 40, '2026-03-01T02:00:00Z', 'x@example.com', 1, ?2)",
            [id, st],
        )
        .unwrap();
    }
    drop(conn);
    let l = Ledger::open(dir.path()).unwrap();
    assert_eq!(state(&l, "q"), EmailState::Uncertain);
    // "S" and "s" are one report now, and the emailed one won.
    assert_eq!(state(&l, "s"), EmailState::Sent);
    assert_eq!(state(&l, "S"), EmailState::Sent);
    assert_eq!(l.summary().unwrap().reports, 3);
    assert_eq!(state(&l, "n"), EmailState::None);
    let ids: Vec<String> = l
        .pending_emails(T0)
        .unwrap()
        .into_iter()
        .map(|p| p.audit_id)
        .collect();
    assert_eq!(ids, ["n"]);
}

#[test]
fn a_lost_ledger_is_never_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut l = Ledger::open(dir.path()).unwrap();
        l.record_render(&write_pdf(dir.path(), "a1", b"%PDF one"))
            .unwrap();
        l.record_render(&write_pdf(dir.path(), "a2", b"%PDF two"))
            .unwrap();
        assert!(l.claim("a1", SRV, T0).unwrap());
        l.mark_sent("a1", "250 ok", "<a1@x>", T0).unwrap();
        let b = l.backup().unwrap();
        assert!(
            b.starts_with(dir.path().join(crate::store::layout::LEDGER_BACKUPS)),
            "{}",
            b.display()
        );
    }
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("{FILE_NAME}{f}")));
    }
    let err = format!("{:#}", Ledger::open(dir.path()).err().expect("refused"));
    assert!(
        err.contains("is missing") && err.contains("holds 2 PDF(s)"),
        "{err}"
    );
    assert!(
        err.contains("ledger rebuild") && err.contains("ledger-backups"),
        "{err}"
    );
    std::fs::write(dir.path().join(FILE_NAME), b"").unwrap();
    let err = format!("{:#}", Ledger::open(dir.path()).err().expect("refused"));
    assert!(err.contains("is empty"), "{err}");
    std::fs::write(
        dir.path().join(FILE_NAME),
        b"garbage, not SQLite at all......",
    )
    .unwrap();
    let err = format!("{:#}", Ledger::open(dir.path()).err().expect("refused"));
    assert!(
        err.contains("damaged") && err.contains("ledger rebuild"),
        "{err}"
    );

    // The backup restores the truth.
    let backup = guard::latest_backup(dir.path()).unwrap();
    std::fs::copy(&backup, dir.path().join(FILE_NAME)).unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    assert_eq!(state(&l, "a1"), EmailState::Sent);
    drop(l);

    // Rebuild refuses a readable ledger; after a loss it records every PDF as sent-unknown.
    assert!(rebuild(dir.path()).is_err());
    std::fs::write(
        dir.path().join(FILE_NAME),
        b"garbage, not SQLite at all......",
    )
    .unwrap();
    let r = rebuild(dir.path()).unwrap();
    assert_eq!(r.reports, 2);
    assert!(r.moved_aside.is_some());
    assert_eq!((r.backup_sent, r.from_backup), (1, 0));
    let l = Ledger::open(dir.path()).unwrap();
    assert_eq!(
        state(&l, "a1"),
        EmailState::Sent,
        "the backup's sent is kept"
    );
    assert_eq!(state(&l, "a2"), EmailState::SentUnknown);
    assert_eq!(
        l.entry("a2").unwrap().unwrap().render.email.as_deref(),
        Some("a2@example.com"),
        "the address comes from the backup"
    );
    assert!(l.pending_emails(T0).unwrap().is_empty());
    // The next render fills in the address and consent, and keeps the state.
    let mut l = l;
    l.record_render(&write_pdf(dir.path(), "a2", b"%PDF two"))
        .unwrap();
    assert_eq!(state(&l, "a2"), EmailState::SentUnknown);
    assert!(l.pending_emails(T0).unwrap().is_empty());
    assert!(l.reset_for_resend("a2").unwrap());
    assert_eq!(l.pending_emails(T0).unwrap().len(), 1);

    // Without PDFs but with the marker: also refused.
    let other = tempfile::tempdir().unwrap();
    guard::write_marker(other.path()).unwrap();
    assert!(Ledger::open(other.path()).is_err());
    // A directory never used: a new ledger, as ever.
    let fresh = tempfile::tempdir().unwrap();
    assert!(Ledger::open(fresh.path()).is_ok());
}
#[test]
fn run_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    let first = l.begin_run("a.csv", T0).unwrap();
    l.finish_run(first, &RunCounts::default(), RunStatus::Ok, T0)
        .unwrap();
    let second = l
        .begin_run("b.csv", T0 + time::Duration::hours(24))
        .unwrap();
    let last = l.summary().unwrap().last_run.unwrap();
    assert_eq!(
        (
            last.id,
            last.input.as_str(),
            last.status.as_str(),
            last.finished_at
        ),
        (second, "b.csv", "running", None)
    );
    assert!(l
        .finish_run(12345, &RunCounts::default(), RunStatus::Ok, T0)
        .is_err());
}

#[test]
fn timestamps_are_canonical() {
    let t = datetime!(2026-03-01 03:04:05.678 +01:00);
    assert_eq!(timestamp(t).unwrap(), "2026-03-01T02:04:05Z");
}

#[test]
fn sqlite_errors_name_the_ledger_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    let path = l.path().display().to_string();
    for (raw, want) in [
        (
            "database or disk is full",
            "is full: free space and run again",
        ),
        ("disk I/O error: Error code 4874", "could not be written"),
        ("database is locked: Error code 5", "another riskreport"),
    ] {
        let e = format!("{:#}", l.explain(anyhow::anyhow!(raw)));
        assert!(
            e.contains(&path) && e.contains(want) && e.contains(raw),
            "{e}"
        );
    }
}

#[test]
fn pdf_paths_are_stored_relative_to_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(dir.path()).unwrap();
    let rec = write_pdf(dir.path(), "a1", b"%PDF rel");
    l.record_render(&rec).unwrap();
    let stored: String = l
        .conn
        .query_row(
            "SELECT pdf_path FROM reports WHERE audit_id = 'a1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "reports/a1.pdf");
    assert_eq!(
        l.entry("a1").unwrap().unwrap().render.pdf_path,
        rec.pdf_path
    );
    assert_eq!(l.pending_emails(T0).unwrap()[0].pdf_path, rec.pdf_path);
}
