//! Stop requests: what SIGINT and SIGTERM mean to a run in progress.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// SIGINT/SIGTERM set the flag (finish what is in flight). A second SIGINT — a person pressing
/// Ctrl-C again — ends the process; a second SIGTERM does not: supervisors (systemd,
/// Kubernetes) repeat it, and the reports and emails in flight must still be recorded.
pub fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(&stop))?;
    for sig in [SIGINT, SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    Ok(stop)
}
