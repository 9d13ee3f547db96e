//! Named crash points for the fault tests: `RISKREPORT_FAILPOINT=NAME` (or `NAME@N`, the N-th
//! time the point is reached) makes the process kill itself with SIGKILL right there — no
//! clean-up, no destructors, like `kill -9` or a power cut for the process. `NAME@N:stop` stops
//! it (SIGSTOP) instead, so a test can change the world at that exact point and then let it go
//! on (SIGCONT). `NAME@N:enospc` makes an I/O point fail as a full disk would (see
//! [`io_error`]). Several points are armed at once with commas (`batch-row@30:stop,
//! batch-stopping:stop`). Unset, a point costs one atomic load.
//!
//! Points: `email-claimed` (the claim is committed, DATA not sent), `email-content-sent` (every
//! byte of the message written, the final dot not yet), `email-replied` (the server's 250 to the
//! dot read, not yet recorded), `email-recorded` (recorded `sent`), `batch-row` (a row of the
//! input was read), `batch-stopping` (a stop request was noticed; the reports in flight are not
//! finished yet), `pdf-write` (an I/O point: a report's PDF is about to be written),
//! `pdf-half-written` (half its bytes are in the temporary file), `pdf-renamed` (the PDF is in
//! place, not yet recorded in the ledger).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

struct Armed {
    name: String,
    at: u64,
    stop: bool,
    enospc: bool,
    hits: AtomicU64,
}

fn parse(v: &str) -> Option<Armed> {
    let (v, stop) = match v.strip_suffix(":stop") {
        Some(v) => (v, true),
        None => (v, false),
    };
    let (v, enospc) = match v.strip_suffix(":enospc") {
        Some(v) => (v, true),
        None => (v, false),
    };
    let (name, at) = match v.split_once('@') {
        Some((n, k)) => (n, k.trim().parse().ok()?),
        None => (v, 1),
    };
    Some(Armed {
        name: name.trim().to_string(),
        at,
        stop,
        enospc,
        hits: AtomicU64::new(0),
    })
}

/// The armed point called `name`, if any.
fn armed(name: &str) -> Option<&'static Armed> {
    static ARMED: OnceLock<Vec<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            std::env::var("RISKREPORT_FAILPOINT")
                .map(|v| v.split(',').filter_map(parse).collect())
                .unwrap_or_default()
        })
        .iter()
        .find(|a| a.name == name)
}

/// An I/O point: `Some(ENOSPC)` when `name` is armed with `:enospc` and this is the chosen hit
/// (every later hit too: a full disk stays full).
pub fn io_error(name: &str) -> Option<std::io::Error> {
    let a = armed(name)?;
    (a.enospc && a.hits.fetch_add(1, Ordering::SeqCst) + 1 >= a.at)
        .then(|| std::io::Error::from_raw_os_error(28))
}

/// Reaching the point `name`: dies here when it is armed and this is the chosen hit.
pub fn hit(name: &str) {
    let Some(a) = armed(name) else { return };
    if a.enospc {
        return;
    }
    if a.hits.fetch_add(1, Ordering::SeqCst) + 1 == a.at {
        if a.stop {
            let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
            return;
        }
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGKILL);
        // SIGKILL cannot be caught; should raise fail, end just as abruptly.
        std::process::abort();
    }
}
