//! Named crash points for the fault tests: `RISKREPORT_FAILPOINT=NAME` (or `NAME@N`, the N-th
//! time the point is reached) makes the process kill itself with SIGKILL right there — no
//! clean-up, no destructors, like `kill -9` or a power cut for the process. `NAME@N:stop` stops
//! it (SIGSTOP) instead, so a test can change the world at that exact point and then let it go
//! on (SIGCONT). Unset, a point costs one atomic load.
//!
//! Points: `email-claimed` (the claim is committed, DATA not sent), `email-content-sent` (every
//! byte of the message written, the final dot not yet), `email-replied` (the server's 250 to the
//! dot read, not yet recorded), `email-recorded` (recorded `sent`), `batch-row` (a row of the
//! input was read).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

struct Armed {
    name: String,
    at: u64,
    stop: bool,
    hits: AtomicU64,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let v = std::env::var("RISKREPORT_FAILPOINT").ok()?;
            let (v, stop) = match v.strip_suffix(":stop") {
                Some(v) => (v.to_string(), true),
                None => (v, false),
            };
            let (name, at) = match v.split_once('@') {
                Some((n, k)) => (n.to_string(), k.trim().parse().ok()?),
                None => (v, 1),
            };
            Some(Armed {
                name,
                at,
                stop,
                hits: AtomicU64::new(0),
            })
        })
        .as_ref()
}

/// Reaching the point `name`: dies here when it is armed and this is the chosen hit.
pub fn hit(name: &str) {
    let Some(a) = armed() else { return };
    if a.name == name && a.hits.fetch_add(1, Ordering::SeqCst) + 1 == a.at {
        if a.stop {
            let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
            return;
        }
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGKILL);
        // SIGKILL cannot be caught; should raise fail, end just as abruptly.
        std::process::abort();
    }
}
