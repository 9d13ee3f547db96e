//! The command line: argument definitions and the wiring from each subcommand to the stages.
//! Exit status: 0 all done, 1 done with rejected rows or failures, 2 could not run.

mod args;
mod bench_cmd;
mod email;
mod ledger_cmd;
mod listing;
mod log;
mod run_cmd;
mod sample_cmd;
mod score_cmd;
mod send_cmd;
mod signals;
mod status_cmd;
mod validate_cmd;

use crate::catalog::Catalog;
use anyhow::Context;
use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

/// What a command reports back: whether anything was rejected or failed.
pub enum Outcome {
    Clean,
    WithRejects,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    log::init(cli.quiet, cli.verbose, cli.log_format);
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::WithRejects) => ExitCode::from(1),
        Err(e) => {
            // A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            tracing::error!("{e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    if let Command::Status(a) = cli.command {
        return status_cmd::run(a);
    }
    if let Command::Ledger(args::LedgerCommand::Rebuild(a)) = cli.command {
        return ledger_cmd::rebuild(a);
    }
    let quiet = cli.quiet;
    let catalog_dir = cli.catalog.as_deref();
    match cli.command {
        Command::Status(_) | Command::Ledger(_) => unreachable!("handled above"),
        Command::Validate(a) => validate_cmd::run(&load_catalog(catalog_dir)?, a),
        Command::Score(a) => score_cmd::run(&load_catalog(catalog_dir)?, a),
        Command::Sample(a) => sample_cmd::run(&load_catalog(catalog_dir)?, a),
        Command::Send(a) => {
            load_catalog(catalog_dir)?;
            send_cmd::run(a, quiet)
        }
        Command::Run(mut a) => {
            // A bar is for people; JSON logs get progress as log lines.
            a.no_progress |= cli.log_format == args::LogFormat::Json;
            let renderer = renderer(catalog_dir, &a.render)?;
            run_cmd::run(&renderer, a, quiet)
        }
        Command::Bench(a) => {
            let renderer = renderer(catalog_dir, &a.render)?;
            bench_cmd::run(&renderer, a)
        }
        Command::Render(a) => {
            let ids = run_cmd::render_ids(&a)?;
            // The lock and the ledger are opened while the catalog, fonts and templates load:
            // a cold `render --id` waits for the slower of the two, not both.
            let (renderer, held) = renderer_beside(catalog_dir, &a.render, || run_cmd::hold(&a));
            let renderer = renderer?;
            run_cmd::render(&renderer, a, ids, held?)
        }
    }
}

fn load_catalog(dir: Option<&std::path::Path>) -> anyhow::Result<Catalog> {
    match dir {
        None => Ok(Catalog::builtin()),
        Some(d) => Catalog::from_dir(d)
            .with_context(|| format!("the catalog in {} is refused", d.display())),
    }
}

/// The catalog, fonts and templates, loaded side by side: together they are most of a cold
/// `render --id`.
fn renderer(
    catalog_dir: Option<&std::path::Path>,
    opts: &args::RenderOptions,
) -> anyhow::Result<crate::batch::Renderer> {
    renderer_beside(catalog_dir, opts, || ()).0
}

/// `renderer`, and `beside` run at the same time. Two halves of about equal work for two
/// cores: the catalog (the most) with the fonts, and `beside` then the templates; in each the
/// first is started first, so the second is what an idle core takes over.
fn renderer_beside<T: Send>(
    catalog_dir: Option<&std::path::Path>,
    opts: &args::RenderOptions,
    beside: impl FnOnce() -> T + Send,
) -> (anyhow::Result<crate::batch::Renderer>, T) {
    let ((catalog, fonts), (other, layouts)) = rayon::join(
        || {
            rayon::join(
                || load_catalog(catalog_dir),
                || match &opts.font_dir {
                    Some(d) => {
                        crate::fonts::FontSet::with_fallback_dir(d).map_err(anyhow::Error::msg)
                    }
                    None => Ok(crate::fonts::FontSet::builtin()),
                },
            )
        },
        || {
            rayon::join(beside, || match &opts.layouts {
                Some(d) => crate::report::Layouts::from_dir(d),
                None => Ok(crate::report::Layouts::builtin()),
            })
        },
    );
    let renderer = (|| {
        Ok(crate::batch::Renderer {
            catalog: catalog?,
            layouts: layouts?,
            fonts: fonts?,
        })
    })();
    (renderer, other)
}

/// Prints the reader's file-level warnings once, on stderr.
fn print_warnings(reader: &crate::input::AuditReader) {
    for w in &reader.warnings {
        tracing::warn!("{}: {w}", reader.path().display());
    }
}
