//! Where each report's email stands, and the only ways it may move. The rule this table
//! enforces: **at most once when in doubt**. A report is claimed (`sending`, one fsync'd commit)
//! just before its own DATA command; once the message's final dot may have reached the server and
//! no reply was recorded, it is `uncertain` and no automatic run sends it again.
//!
//! ```text
//!              claim (just before DATA)          reply 250 to the dot
//!   none ─────────────────────────▶ sending ─────────────────────────▶ sent
//!    ▲  ▲                             │ │ │  no reply to the dot, or the
//!    │  │ 4xx / 5xx / trouble before  │ │ └──process died while sending──▶ uncertain
//!    │  │ the dot (nothing delivered) │ └─5xx──▶ failed-permanent
//!    │  └───────── failed-transient ◀─┘ (next_try)
//!    └── operator: --resend (any state), --resend --failed, --resend-uncertain
//!   sent-unknown: the ledger was rebuilt from the PDFs (`ledger rebuild`); only --resend
//! ```
//!
//! Failures before a claim (connection, MAIL FROM, RCPT) go straight from `none` or
//! `failed-transient` to `failed-transient` / `failed-permanent`. `release` undoes a failure
//! that turned out to be the configuration's, not the report's (nothing was delivered).

use super::{timestamp, Ledger, ReportEntry, REPORT_COLUMNS};
use anyhow::bail;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;
use time::OffsetDateTime;

/// Where a report's email stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmailState {
    None,
    Sending,
    Sent,
    FailedTransient,
    FailedPermanent,
    Uncertain,
    SentUnknown,
}

impl EmailState {
    pub const ALL: [EmailState; 7] = [
        EmailState::None,
        EmailState::Sending,
        EmailState::Sent,
        EmailState::FailedTransient,
        EmailState::FailedPermanent,
        EmailState::Uncertain,
        EmailState::SentUnknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::None => "none",
            EmailState::Sending => "sending",
            EmailState::Sent => "sent",
            EmailState::FailedTransient => "failed-transient",
            EmailState::FailedPermanent => "failed-permanent",
            EmailState::Uncertain => "uncertain",
            EmailState::SentUnknown => "sent-unknown",
        }
    }

    pub fn parse(s: &str) -> Option<EmailState> {
        EmailState::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for EmailState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A report the email phase should (try to) send now.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingEmail {
    pub audit_id: String,
    pub email: String,
    pub pdf_path: PathBuf,
    pub pdf_sha256: String,
    pub state: EmailState,
    /// Attempts that ended so far.
    pub attempts: u32,
    pub full_name: Option<String>,
    /// The name the reader asked to be addressed by: the salutation's, when present.
    pub preferred_name: Option<String>,
    pub score: Option<i32>,
    /// Operator resends so far: part of the Message-ID, so a resend is a new message.
    pub resends: u32,
}

/// The email state in column `i` of a row.
pub(super) fn state_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<EmailState> {
    let state: String = r.get(i)?;
    EmailState::parse(&state).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(
            i,
            format!("email_state '{state}'"),
            rusqlite::types::Type::Text,
        )
    })
}

/// A report's email state as stored, if the report exists.
fn state_of(tx: &rusqlite::Transaction<'_>, audit_id: &str) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        "SELECT email_state FROM reports WHERE audit_id = ?1",
        [audit_id],
        |r| r.get(0),
    )
    .optional()
}

const SENDABLE: &str = "consent = 1 AND email IS NOT NULL AND email != ''";

impl Ledger {
    /// The claim, made just before the DATA command: `none` or `failed-transient` → `sending`,
    /// durably, with the time and the server. Returns `false` — and the caller must not send —
    /// when the report is unknown, has no consent or address, or is in any other state.
    pub fn claim(
        &mut self,
        audit_id: &str,
        server: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        let at = timestamp(at)?;
        self.durable_write(|tx| {
            let n = tx.execute(
                &format!(
                    "UPDATE reports SET email_state = 'sending', email_attempts = email_attempts + 1,
                        email_next_try = NULL, email_claimed_at = ?2, email_server = ?3
                     WHERE audit_id = ?1 AND {SENDABLE} AND email_state IN ('none', 'failed-transient')"
                ),
                params![audit_id, at, server],
            )?;
            Ok(n == 1)
        })
    }

    /// The server answered the final dot with 2xx.
    pub fn mark_sent(
        &mut self,
        audit_id: &str,
        response: &str,
        message_id: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let at = timestamp(at)?;
        self.outcome(
            audit_id,
            EmailState::Sent,
            &["sending"],
            "email_response = ?2, message_id = ?3, email_sent_at = ?4, email_next_try = NULL",
            params![audit_id, response, message_id, at],
        )
    }

    /// The final dot may have reached the server and no reply was read: never sent again
    /// automatically. `message_id` is kept so an operator can look for it in the server's logs.
    pub fn mark_uncertain(
        &mut self,
        audit_id: &str,
        reason: &str,
        message_id: &str,
    ) -> anyhow::Result<()> {
        self.outcome(
            audit_id,
            EmailState::Uncertain,
            &["sending"],
            "email_response = ?2, message_id = ?3, email_next_try = NULL",
            params![audit_id, reason, message_id],
        )
    }

    /// A 4xx, or trouble before the final dot: try again at `next_try` or later.
    pub fn mark_transient(
        &mut self,
        audit_id: &str,
        response: &str,
        next_try: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let next_try = timestamp(next_try)?;
        self.outcome(
            audit_id,
            EmailState::FailedTransient,
            &["sending", "none", "failed-transient"],
            "email_response = ?2, email_next_try = ?3",
            params![audit_id, response, next_try],
        )
    }

    /// A 5xx about this recipient or this message: never retried automatically.
    pub fn mark_permanent(&mut self, audit_id: &str, response: &str) -> anyhow::Result<()> {
        self.outcome(
            audit_id,
            EmailState::FailedPermanent,
            &["sending", "none", "failed-transient"],
            "email_response = ?2, email_next_try = NULL",
            params![audit_id, response],
        )
    }

    /// Undoes a failure that was the configuration's (e.g. every recipient refused in a row):
    /// back to `none`, due at the next run. Only for states in which nothing was delivered.
    pub fn release(&mut self, audit_id: &str) -> anyhow::Result<()> {
        self.outcome(
            audit_id,
            EmailState::None,
            &["sending", "failed-permanent", "failed-transient"],
            "email_response = NULL, email_next_try = NULL",
            params![audit_id],
        )
    }

    /// `state` → `to`, only from one of `from`; a bug in the caller otherwise. Attempts count
    /// here when the report was not claimed (the claim counts its own).
    fn outcome(
        &mut self,
        audit_id: &str,
        to: EmailState,
        from: &[&str],
        set: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> anyhow::Result<()> {
        let from_sql = from
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let count = if to == EmailState::None {
            ""
        } else {
            "email_attempts = email_attempts + (email_state != 'sending'), "
        };
        let sql = format!(
            "UPDATE reports SET {count}email_state = '{}', {set} WHERE audit_id = ?1 AND email_state IN ({from_sql})",
            to.as_str()
        );
        self.durable_write(|tx| {
            if tx.execute(&sql, params)? == 1 {
                return Ok(());
            }
            match state_of(tx, audit_id)? {
                None => bail!("the ledger has no report {audit_id}"),
                Some(s) => {
                    bail!("cannot mark the email of {audit_id} {to}: it is {s}, not one of {from_sql}")
                }
            }
        })
    }

    /// At the start of an email phase (the run lock held, so no other process is sending):
    /// a report still `sending` was claimed by a process that died before it recorded the
    /// server's reply. It may have been delivered: `uncertain`. Returns those audit ids.
    pub fn recover_dead_claims(&mut self) -> anyhow::Result<Vec<String>> {
        self.durable_write(|tx| {
            let ids: Vec<String> = tx
                .prepare("SELECT audit_id FROM reports WHERE email_state = 'sending' ORDER BY audit_id")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            tx.execute(
                "UPDATE reports SET email_state = 'uncertain',
                    email_response = 'the process sending it ended before the server''s reply was recorded; it may have been delivered'
                 WHERE email_state = 'sending'",
                [],
            )?;
            Ok(ids)
        })
    }

    /// Reports to email now: consent given, an address, and state `none` or `failed-transient`
    /// whose next try is due. Sorted by audit_id.
    pub fn pending_emails(&self, now: OffsetDateTime) -> anyhow::Result<Vec<PendingEmail>> {
        let now = timestamp(now)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT audit_id, email, pdf_path, pdf_sha256, email_state, email_attempts, full_name, score, email_resends, preferred_name FROM reports
             WHERE {SENDABLE}
               AND (email_state = 'none'
                    OR (email_state = 'failed-transient' AND (email_next_try IS NULL OR email_next_try <= ?1)))
             ORDER BY audit_id"
        ))?;
        let rows = stmt.query_map([now], |r| {
            Ok(PendingEmail {
                audit_id: r.get(0)?,
                email: r.get(1)?,
                pdf_path: self.dir().join(r.get::<_, String>(2)?),
                pdf_sha256: r.get(3)?,
                state: state_at(r, 4)?,
                attempts: r.get::<_, i64>(5)?.clamp(0, u32::MAX as i64) as u32,
                full_name: r.get(6)?,
                score: r.get(7)?,
                resends: r.get::<_, i64>(8)?.clamp(0, u32::MAX as i64) as u32,
                preferred_name: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Entries in any of `states` (all consenting reports' states when empty), by audit_id.
    pub fn entries_in(&self, states: &[EmailState]) -> anyhow::Result<Vec<ReportEntry>> {
        let filter = if states.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = states.iter().map(|s| format!("'{s}'")).collect();
            format!("WHERE email_state IN ({})", list.join(", "))
        };
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports {filter} ORDER BY audit_id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], super::report_from_row)?;
        Ok(rows
            .map(|r| r.map(|e| self.absolute(e)))
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Operator `--resend --id`: back to `none` with no attempts, whatever the state, and one
    /// more resend (so the new message gets a new Message-ID: a provider that deduplicates by
    /// Message-ID would otherwise drop the copy the operator means to deliver). `false` when
    /// the ledger has no such report.
    pub fn reset_for_resend(&mut self, audit_id: &str) -> anyhow::Result<bool> {
        self.durable_write(|tx| {
            let n = tx.execute(
                "UPDATE reports SET email_state = 'none', email_attempts = 0, email_next_try = NULL,
                    email_response = NULL, email_resends = email_resends + 1 WHERE audit_id = ?1",
                [audit_id],
            )?;
            Ok(n == 1)
        })
    }

    /// Operator `--resend --failed`: every failed report (transient or permanent) due now.
    pub fn reset_failed(&mut self) -> anyhow::Result<Vec<String>> {
        self.reset_where(
            "email_state IN ('failed-transient', 'failed-permanent')",
            None,
        )
    }

    /// Operator `--resend-uncertain`: the uncertain reports (all, or those of `ids`) due now.
    /// The Message-ID stays: if the first copy did arrive, the recipient's system can tell.
    pub fn reset_uncertain(&mut self, ids: &[String]) -> anyhow::Result<Vec<String>> {
        self.reset_where("email_state = 'uncertain'", Some(ids))
    }

    fn reset_where(&mut self, cond: &str, ids: Option<&[String]>) -> anyhow::Result<Vec<String>> {
        let cond = cond.to_string();
        self.durable_write(move |tx| {
            let mut chosen: Vec<String> = tx
                .prepare(&format!(
                    "SELECT audit_id FROM reports WHERE {cond} ORDER BY audit_id"
                ))?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            if let Some(ids) = ids.filter(|i| !i.is_empty()) {
                for id in ids {
                    if !chosen.contains(id) {
                        match state_of(tx, id)? {
                            None => bail!("the ledger has no report {id}"),
                            Some(s) => bail!("{id} is {s}, not uncertain: nothing to resend (use --resend --id {id} to send it again anyway)"),
                        }
                    }
                }
                chosen.retain(|c| ids.contains(c));
            }
            for id in &chosen {
                tx.execute(
                    "UPDATE reports SET email_state = 'none', email_next_try = NULL WHERE audit_id = ?1",
                    [id],
                )?;
            }
            Ok(chosen)
        })
    }
}
