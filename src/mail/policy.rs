//! What a failed attempt means, decided by the SMTP stage it happened at, then the reply code.
//! The enhanced status code (e.g. 5.7.1) only explains; it never moves a failure between
//! stages: a 554 5.7.1 at RCPT is about that recipient, a 553 5.7.1 at MAIL FROM is about our
//! sender, which no other recipient will change.

use super::transport::{Stage, Trouble};

/// Which run of same-kind refusals a permanent failure belongs to: many in a row point at the
/// configuration rather than at the reports (see `send`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streak {
    /// 5xx at RCPT: the recipient.
    Recipient,
    /// 5xx at DATA or at the end of DATA: the message.
    Content,
    /// Refused before the server was asked (e.g. the address cannot be sent here).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing was delivered; try again (in this run after a backoff, else a later run).
    /// `connection`: no reply at all (refused, reset, timed out) rather than a 4xx.
    Retry { connection: bool },
    /// This report only, never retried automatically.
    Permanent(Streak),
    /// The final dot may have reached the server and no reply came: it may have been delivered.
    Uncertain,
    /// The sender, login, TLS or server as a whole: stop the phase, mark nothing.
    Stop,
}

pub fn judge(t: &Trouble) -> Verdict {
    match (t.stage, t.code) {
        (Stage::EndOfData, None) => Verdict::Uncertain,
        (Stage::Tls, _) => Verdict::Stop,
        (Stage::Login, None) if t.reply.contains("No compatible authentication") => Verdict::Stop,
        (Stage::MailFrom, None) if t.reply.contains("SMTPUTF8") => Verdict::Permanent(Streak::None),
        (_, None) => Verdict::Retry { connection: true },
        (_, Some(421)) => Verdict::Retry { connection: true },
        (_, Some(400..=499)) => Verdict::Retry { connection: false },
        (Stage::Connect | Stage::Login | Stage::MailFrom, Some(500..=599)) => Verdict::Stop,
        (Stage::Rcpt, Some(500..=599)) => Verdict::Permanent(Streak::Recipient),
        (Stage::Data | Stage::Content | Stage::EndOfData, Some(500..=599)) => {
            Verdict::Permanent(Streak::Content)
        }
        // A reply outside 4xx/5xx where a failure was reported: the conversation is off track.
        (_, Some(_)) => Verdict::Retry { connection: true },
    }
}

/// The reply with where it came and what its enhanced status code says, for people:
/// "554 5.7.1 <x>: Relay access denied (at RCPT TO: refused by policy)".
pub fn reason(t: &Trouble) -> String {
    let enhanced = t
        .reply
        .split_whitespace()
        .nth(1)
        .filter(|w| w.len() >= 5 && w.as_bytes().get(1) == Some(&b'.'))
        .unwrap_or("");
    let meaning = match enhanced.get(..3).unwrap_or("") {
        "5.1" | "4.1" => ": address",
        "5.2" | "4.2" => ": mailbox",
        "5.3" | "4.3" => ": mail system",
        "5.4" | "4.4" => ": routing",
        "5.5" | "4.5" => ": protocol",
        "5.6" | "4.6" => ": message content",
        "5.7" | "4.7" => ": refused by policy or security",
        _ => "",
    };
    let no_reply = if t.code.is_none() && t.stage == Stage::EndOfData {
        ", no reply to the message's end"
    } else {
        ""
    };
    format!("{} (at {}{meaning}{no_reply})", t.reply, t.stage.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(stage: Stage, code: Option<u16>, reply: &str) -> Trouble {
        Trouble {
            stage,
            code,
            reply: reply.into(),
        }
    }

    #[test]
    fn the_stage_decides_then_the_code() {
        use Stage::*;
        use Verdict::*;
        let cases = [
            (
                MailFrom,
                Some(553),
                "553 5.7.1 sender not owned by user",
                Stop,
            ),
            (
                MailFrom,
                Some(451),
                "451 4.3.0 try later",
                Retry { connection: false },
            ),
            (
                Rcpt,
                Some(554),
                "554 5.7.0 policy",
                Permanent(Streak::Recipient),
            ),
            (
                Rcpt,
                Some(550),
                "550 5.1.1 no such user",
                Permanent(Streak::Recipient),
            ),
            (
                Rcpt,
                Some(450),
                "450 4.2.1 busy",
                Retry { connection: false },
            ),
            (
                Data,
                Some(554),
                "554 no valid recipients",
                Permanent(Streak::Content),
            ),
            (
                EndOfData,
                Some(552),
                "552 5.3.4 too big",
                Permanent(Streak::Content),
            ),
            (
                EndOfData,
                Some(451),
                "451 4.3.0 local error",
                Retry { connection: false },
            ),
            (EndOfData, None, "network error: timed out", Uncertain),
            (
                Content,
                None,
                "network error: broken pipe",
                Retry { connection: true },
            ),
            (
                Data,
                None,
                "incomplete response",
                Retry { connection: true },
            ),
            (
                Connect,
                None,
                "Connection refused",
                Retry { connection: true },
            ),
            (Connect, Some(554), "554 no service", Stop),
            (
                Connect,
                Some(421),
                "421 too busy",
                Retry { connection: true },
            ),
            (Login, Some(535), "535 5.7.8 bad credentials", Stop),
            (Tls, None, "invalid peer certificate", Stop),
            (Rcpt, None, "connection reset", Retry { connection: true }),
        ];
        for (stage, code, reply, want) in cases {
            assert_eq!(judge(&t(stage, code, reply)), want, "{stage:?} {reply}");
        }
    }

    #[test]
    fn reasons_say_where_and_what() {
        let r = reason(&t(
            Stage::Rcpt,
            Some(554),
            "554 5.7.1 <a@b.c>: Relay access denied",
        ));
        assert_eq!(
            r,
            "554 5.7.1 <a@b.c>: Relay access denied (at RCPT TO: refused by policy or security)"
        );
        let r = reason(&t(Stage::EndOfData, None, "network error: timed out"));
        assert!(
            r.ends_with("(at end of DATA, no reply to the message's end)"),
            "{r}"
        );
    }
}
