//! Turning audits into report files: the per-report pipeline (score → layout → PDF) and the
//! batch over a whole CSV that writes each PDF atomically and collects rejects and warnings.

mod render;

pub use render::{missing_warning, Renderer, Timings};
