//! Reports from the ledger as operators see them: one line for people, one object for JSON;
//! addresses masked unless asked. Used by `status` and by the email phase's closing lines.

use crate::mail::send::mask;
use crate::store::ledger::{timestamp, EmailState, ReportEntry};
use serde::Serialize;

/// One listed report.
#[derive(Serialize)]
pub struct Listed {
    audit_id: String,
    email: Option<String>,
    state: EmailState,
    attempts: u32,
    last_reply: Option<String>,
    /// When it was last handed to a server, and which.
    attempted_at: Option<String>,
    server: Option<String>,
    next_try: Option<String>,
    message_id: Option<String>,
}

pub fn listed(e: &ReportEntry, show: bool) -> Listed {
    let t = |v: Option<time::OffsetDateTime>| v.and_then(|t| timestamp(t).ok());
    Listed {
        audit_id: e.render.audit_id.clone(),
        email: e
            .render
            .email
            .as_deref()
            .map(|a| if show { a.to_string() } else { mask(a) }),
        state: e.email_state,
        attempts: e.email_attempts,
        last_reply: e.email_response.clone(),
        attempted_at: t(e.email_claimed_at),
        server: e.email_server.clone(),
        next_try: t(e.email_next_try),
        message_id: e.message_id.clone(),
    }
}

/// One line about a report, for people.
pub fn describe(e: &ReportEntry, show: bool) -> String {
    let l = listed(e, show);
    let mut s = format!(
        "{} <{}> {}, {} attempt(s)",
        l.audit_id,
        l.email.as_deref().unwrap_or("no address"),
        l.state,
        l.attempts
    );
    if let Some(at) = &l.attempted_at {
        s.push_str(&format!(", last sent at {at}"));
        if let Some(srv) = &l.server {
            s.push_str(&format!(" via {srv}"));
        }
    }
    if let Some(n) = &l.next_try {
        s.push_str(&format!(", next try after {n}"));
    }
    if let Some(id) = &l.message_id {
        s.push_str(&format!(", Message-ID {id}"));
    }
    if let Some(r) = &l.last_reply {
        let r = match &e.render.email {
            Some(a) if !show && !a.is_empty() => r.replace(a.as_str(), &mask(a)),
            _ => r.clone(),
        };
        s.push_str(&format!(": {r}"));
    }
    s
}
