//! E-mailing each consenting person their report, exactly once: settings (file, environment,
//! flags), the message (templates in `layouts/email/`, the PDF attached, List-Unsubscribe), the
//! transport (SMTP over TLS through lettre, or an outbox of `.eml` files), optional DKIM, and
//! the send phase that drives the ledger's email state machine. See `send` for the exactly-once
//! argument and its one crash window.

pub mod dkim;
pub mod message;
pub mod policy;
pub mod send;
pub mod settings;
pub mod summary;
pub mod transport;
