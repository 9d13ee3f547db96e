//! Turning audits into report files: the per-report pipeline (score → layout → PDF) and the
//! batch over a whole CSV that writes each PDF atomically and collects rejects and warnings.

pub mod pipeline;
pub mod progress;
mod render;
pub mod shard;

pub use render::{missing_warning, Renderer, Timings};

/// Peak resident set size of this process, from /proc (Linux); None elsewhere.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
