//! How a batch says what it is doing: a live bar on a terminal, a plain log line every few
//! seconds otherwise (cron, CI, Kubernetes logs), nothing but problems with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The bar on screen, if any: log lines lift it while they are written (`suspended`).
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `f` (a write to standard error) with the progress bar, if one is drawn, lifted.
pub fn suspended(f: impl FnOnce()) {
    let bar = ACTIVE.lock().map(|b| b.clone()).unwrap_or(None);
    match bar {
        Some(b) => b.suspend(f),
        None => f(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bar on a terminal, log lines otherwise.
    Auto,
    /// Log lines even on a terminal.
    Lines,
    Quiet,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub rows: u64,
    pub rendered: u64,
    pub unchanged: u64,
    pub other_shard: u64,
    pub rejected: u64,
    pub failed: u64,
}

impl Counts {
    fn settled(&self) -> u64 {
        self.rendered + self.unchanged + self.other_shard + self.rejected + self.failed
    }
}

pub struct Progress {
    bar: Option<ProgressBar>,
    mode: Mode,
    started: Instant,
    last_line: Instant,
    every: Duration,
    /// Estimated rows in the file (from its line count), for the ETA.
    pub estimate: u64,
}

impl Progress {
    pub fn new(mode: Mode, estimate: u64) -> Progress {
        let bar = (mode == Mode::Auto && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(estimate), ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar:.cyan/blue} {pos}/{len} rows  {per_sec}  ETA {eta}  {msg}")
                    .expect("valid template")
                    .progress_chars("━╸─"),
            );
            bar
        });
        if let (Some(b), Ok(mut active)) = (&bar, ACTIVE.lock()) {
            *active = Some(b.clone());
        }
        let now = Instant::now();
        // RISKREPORT_PROGRESS_SECONDS changes the log-line interval (default 5 s).
        let every = std::env::var("RISKREPORT_PROGRESS_SECONDS")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s >= 0.0)
            .map_or(Duration::from_secs(5), Duration::from_secs_f64);
        Progress {
            bar,
            mode,
            started: now,
            last_line: now,
            every,
            estimate,
        }
    }

    pub fn update(&mut self, c: &Counts) {
        let done = c.settled();
        if let Some(bar) = &self.bar {
            if done > bar.length().unwrap_or(0) {
                bar.set_length(done);
            }
            bar.set_position(done);
            bar.set_message(format!(
                "rendered {}  unchanged {}  rejected {}  failed {}",
                c.rendered, c.unchanged, c.rejected, c.failed
            ));
        } else if self.mode != Mode::Quiet && self.last_line.elapsed() >= self.every {
            self.last_line = Instant::now();
            let secs = self.started.elapsed().as_secs_f64();
            let rate = done as f64 / secs.max(1e-9);
            let eta = if rate > 0.0 && self.estimate > done {
                format!("{:.0}s", (self.estimate - done) as f64 / rate)
            } else {
                "-".into()
            };
            tracing::info!(
                target: "progress",
                "{done}/{} rows, {rate:.1} rows/s, rendered {}, unchanged {}, rejected {}, failed {}, eta {eta}",
                self.estimate.max(done),
                c.rendered,
                c.unchanged,
                c.rejected,
                c.failed
            );
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            if let Ok(mut active) = ACTIVE.lock() {
                *active = None;
            }
        }
    }
}
