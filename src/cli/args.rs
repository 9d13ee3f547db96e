//! Argument definitions (clap derive). Only shapes here; behaviour lives in the command modules.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "riskreport",
    version,
    about = "Validate AI career risk audits, score them and render personalised 24-page PDF reports",
    after_help = "Examples:\n  riskreport validate input/audits.csv\n  riskreport score input/audits.csv --format json > scores.json\n  riskreport sample --rows 1000 --seed 7 > audits.csv\n  riskreport --catalog my-catalog/ score audits.csv\n\nExit status: 0 all rows fine, 1 some rows rejected, 2 could not run (bad arguments, unreadable input, bad catalog)."
)]
pub struct Cli {
    /// Catalog directory (catalog.toml, tools.toml, industries.toml, roles/*.toml) instead of the built-in one
    #[arg(long, global = true, value_name = "DIR", env = "RISKREPORT_CATALOG")]
    pub catalog: Option<PathBuf>,

    /// Only warnings and errors (no progress)
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More detail in the log (-v per report, -vv debug)
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Log format on standard error
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check every row of an audit CSV and list the problems (exit 1 if any row is rejected)
    #[command(after_help = "Example:\n  riskreport validate input/audits.csv")]
    Validate(ValidateArgs),
    /// Score every valid audit and print one line per audit, audit_id first
    #[command(
        after_help = "Examples:\n  riskreport score input/audits.csv\n  riskreport score input/audits.csv --format json --out /tmp/run"
    )]
    Score(ScoreArgs),
    /// Render the 24-page PDF report of every valid row into DIR/reports/
    #[command(
        after_help = "Examples:\n  riskreport run input/audits.csv\n  riskreport run input/audits.csv --out /srv/reports --font-dir /usr/share/fonts/truetype/noto"
    )]
    Run(RunArgs),
    /// Summarise the ledger of an output directory: reports, email states, last run; list the
    /// reports that need an operator
    #[command(
        after_help = "Examples:\n  riskreport status --out output\n  riskreport status --out output --uncertain\n  riskreport status --out output --failed --format json\n\nExit status: 0, or 2 when the ledger cannot be read."
    )]
    Status(StatusArgs),
    /// Repair an output directory's ledger
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Render the reports of chosen audit ids only
    #[command(
        after_help = "Examples:\n  riskreport render input/audits.csv --id a-2026-11-00042\n  riskreport render input/audits.csv --id a-1 -o /tmp/a-1.pdf"
    )]
    Render(RenderArgs),
    /// Measure rendering throughput (reports/s on 1 and all cores, ms per phase, peak RSS)
    #[command(
        after_help = "Example:\n  cargo run --release -- bench input/audits.csv --rows 200 --runs 5"
    )]
    Bench(BenchArgs),
    /// Email the rendered reports of an output directory to the people who consented
    #[command(
        after_help = "Examples:\n  RISKREPORT_SMTP_URL=smtps://reports@mail.example.com RISKREPORT_SMTP_PASSWORD_FILE=/run/secrets/smtp \\\n    RISKREPORT_FROM='AI Career Risk <reports@example.com>' riskreport send --out output\n  riskreport send --out output --outbox /tmp/outbox          # dry run: .eml files, nothing sent\n  riskreport send --out output --resend --id a-2026-11-00042  # again, with a new Message-ID\n  riskreport send --out output --resend --failed               # every failed report again\n  riskreport send --out output --resend-uncertain              # the ones that may not have arrived\n\nSettings: flags over RISKREPORT_* environment variables over riskreport.toml (--config).\nThe SMTP password only from RISKREPORT_SMTP_PASSWORD or RISKREPORT_SMTP_PASSWORD_FILE.\nExit status: 0 all sent, 1 reports left failed or uncertain (see riskreport status --failed / --uncertain), 2 could not run or stopped."
    )]
    Send(SendArgs),
    /// Write a deterministic sample of realistic audits as CSV
    #[command(
        after_help = "Example:\n  riskreport sample --rows 500 --seed 2026 > input/audits.csv"
    )]
    Sample(SampleArgs),
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The audit CSV export
    pub file: PathBuf,
    /// Also write the rejected rows to this CSV
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// The audit CSV export
    pub file: PathBuf,
    /// Output format on standard output
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Directory for rejects.csv
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    /// Number of audit rows
    #[arg(long, default_value_t = 500)]
    pub rows: usize,
    /// Random seed; the same rows and seed always give the same file
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Options every rendering command shares.
#[derive(Args, Debug)]
pub struct RenderOptions {
    /// Extra fonts (.ttf/.otf) used for characters the built-in fonts lack, e.g. CJK
    #[arg(long, value_name = "DIR", env = "RISKREPORT_FONT_DIR")]
    pub font_dir: Option<PathBuf>,
    /// Layout directory (style.toml, running.j2, pages/*.j2) instead of the built-in layouts
    #[arg(long, value_name = "DIR", env = "RISKREPORT_LAYOUTS")]
    pub layouts: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The audit CSV export
    pub file: PathBuf,
    /// Output directory (reports/, rejects.csv, summary.json, ledger.sqlite)
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Render threads (default: all cores)
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Render every row again, even when its report is up to date
    #[arg(long)]
    pub force: bool,
    /// Take only shard K of N (0-based), by a hash of audit_id; also read from
    /// JOB_COMPLETION_INDEX / JOB_COMPLETIONS (Kubernetes Indexed Job)
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::batch::shard::Shard>,
    /// Plain log lines instead of a progress bar, even on a terminal
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub render: RenderOptions,
    /// After rendering, email every consenting report of DIR not sent yet (see `send --help`)
    #[arg(long)]
    pub email: bool,
    #[command(flatten)]
    pub mail: MailOptions,
}

#[derive(Args, Debug)]
pub struct SendArgs {
    /// Output directory holding ledger.sqlite and reports/
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Layout directory whose [brand] (name, colours, logo) signs the email, as for `run`
    #[arg(long, value_name = "DIR", env = "RISKREPORT_LAYOUTS")]
    pub layouts: Option<PathBuf>,
    #[command(flatten)]
    pub mail: MailOptions,
}

/// Email settings. Each also from the environment (RISKREPORT_*, named in brackets) and from
/// the config file; a flag beats the environment, which beats the file.
#[derive(Args, Debug, Default, PartialEq)]
#[command(next_help_heading = "Email")]
pub struct MailOptions {
    /// Mail settings file (default: ./riskreport.toml when present)
    #[arg(long, value_name = "FILE", env = "RISKREPORT_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub settings: crate::mail::settings::Layer,
    /// Send again: the reports given with --id (any state; a new Message-ID), or with --failed every failed one
    #[arg(long)]
    pub resend: bool,
    /// With --resend: every failed-transient and failed-permanent report
    #[arg(long, requires = "resend")]
    pub failed: bool,
    /// Send the uncertain reports again (all, or those given with --id); they may arrive twice
    #[arg(long, conflicts_with = "resend")]
    pub resend_uncertain: bool,
    /// audit_id (repeatable; with --resend or --resend-uncertain)
    #[arg(long = "id", value_name = "ID")]
    pub resend_ids: Vec<String>,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Output directory holding ledger.sqlite
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// List the reports whose email failed (transient or permanent)
    #[arg(long)]
    pub failed: bool,
    /// List the reports whose email is uncertain (maybe delivered, not sent again automatically)
    #[arg(long)]
    pub uncertain: bool,
    /// List the reports waiting to be emailed (none yet, or a transient failure)
    #[arg(long)]
    pub pending: bool,
    /// Show whole addresses in the lists (masked by default, as in logs)
    #[arg(long)]
    pub show_addresses: bool,
}

#[derive(Subcommand, Debug)]
pub enum LedgerCommand {
    /// Make a new ledger from DIR/reports/*.pdf and the newest backup after the old one was lost
    /// or damaged: what the backup records as sent stays sent, every other report is recorded as
    /// sent-unknown and never emailed again without --resend
    #[command(
        after_help = "Example:\n  riskreport ledger rebuild --out output\n  riskreport run input/audits.csv --out output   # then fills in addresses and consent"
    )]
    Rebuild(RebuildArgs),
}

#[derive(Args, Debug)]
pub struct RebuildArgs {
    /// Output directory holding reports/
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum StatusFormat {
    #[default]
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// The audit CSV export
    pub file: PathBuf,
    /// audit_id to render (repeatable)
    #[arg(long = "id", value_name = "ID", required_unless_present = "ids_from")]
    pub ids: Vec<String>,
    /// File with one audit_id per line (blank lines and # comments ignored)
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<PathBuf>,
    /// Write the PDF here (with exactly one --id)
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Output directory when -o is not given (reports/<id>.pdf)
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    #[command(flatten)]
    pub render: RenderOptions,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The audit CSV to take rows from
    pub file: PathBuf,
    /// How many valid rows to render per run
    #[arg(long, default_value_t = 200)]
    pub rows: usize,
    /// Runs per configuration; medians are reported
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    #[command(flatten)]
    pub render: RenderOptions,
}
