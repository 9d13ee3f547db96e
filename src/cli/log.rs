//! Every message goes through `tracing` to standard error: as plain lines for people
//! ("warning: …", "error: …", the rest as is) or, with `--log-format json`, one JSON object a
//! line and nothing else, for log collectors. Warnings only with --quiet; per-report lines with -v.

use super::args::LogFormat;
use std::fmt;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

pub fn init(quiet: bool, verbose: u8, format: LogFormat) {
    let level = match (quiet, verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("RISKREPORT_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("riskreport={level},progress={level}")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| QuietStderr)
        .with_target(false)
        .with_ansi(false);
    // Fails only when a subscriber is already set (tests); messages then go there.
    let installed = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.event_format(Plain).try_init(),
    };
    drop(installed);
}

/// The text format: the level as a word people read, only where it matters.
struct Plain;

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: format::Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let prefix = match *event.metadata().level() {
            Level::ERROR => "error: ",
            Level::WARN => "warning: ",
            Level::INFO => "",
            _ => "debug: ",
        };
        writer.write_str(prefix)?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Standard error that swallows write errors. A closed or broken stderr (`… 2>&1 | true`,
/// `2>&-`) must never stop the work; tracing-subscriber reports a failed write with
/// `eprintln!`, which panics, so the failure must not reach it. A live progress bar is
/// lifted while a line is written, so the two never tear.
struct QuietStderr;

impl std::io::Write for QuietStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        crate::batch::progress::suspended(|| {
            if std::io::stderr().write_all(buf).is_err() {
                // Nowhere left to say it.
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if std::io::stderr().flush().is_err() {
            // As above.
        }
        Ok(())
    }
}
