//! `riskreport score`: one line per valid audit on standard output (CSV or JSON), rejects to
//! `rejects.csv`, a count on standard error.

use super::args::{Format, ScoreArgs};
use super::{print_warnings, Outcome};
use crate::catalog::Catalog;
use crate::input::{self, RejectWriter};
use crate::score::{assess, Assessment};
use crate::store::atomic::AtomicFile;
use serde::Serialize;
use std::io::Write;

/// The published figures of one audit, in output column order.
#[derive(Serialize, Clone)]
struct ScoreLine<'a> {
    audit_id: &'a str,
    role: &'a str,
    score: i32,
    band: &'static str,
    automation_pct: i32,
    horizon: String,
    resilience: i32,
    adaptability: &'static str,
    peers_safer_pct: i32,
    range_low: i32,
    range_high: i32,
}

impl<'a> ScoreLine<'a> {
    fn of(a: &'a Assessment) -> Self {
        ScoreLine {
            audit_id: &a.audit.audit_id,
            role: &a.role.key,
            score: a.score,
            band: a.band.label(),
            automation_pct: a.automation_pct,
            horizon: a.horizon.label(),
            resilience: a.resilience,
            adaptability: a.adaptability.label(),
            peers_safer_pct: a.peers_safer_pct,
            range_low: a.range.0,
            range_high: a.range.1,
        }
    }
}

pub fn run(catalog: &Catalog, args: ScoreArgs) -> anyhow::Result<Outcome> {
    let reader = input::open(&args.file, catalog)?;
    print_warnings(&reader);
    std::fs::create_dir_all(&args.out)?;
    let rejects_path = args.out.join(crate::store::layout::REJECTS);
    let mut rejects = RejectWriter::new(AtomicFile::create(&rejects_path)?)?;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut sink = match args.format {
        Format::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
        Format::Json => Sink::Json(out, 0),
    };
    let (mut scored, mut rejected) = (0u64, 0u64);
    for item in reader {
        match item {
            Ok(audit) => {
                let a = assess(&audit, catalog)?;
                sink.write(&ScoreLine::of(&a))?;
                scored += 1;
            }
            Err(r) => {
                rejected += 1;
                rejects.write(&r)?;
            }
        }
    }
    sink.finish()?;
    rejects.finish()?.commit()?;
    tracing::info!(
        "scored {scored} audit{}, rejected {rejected} (reasons in {})",
        if scored == 1 { "" } else { "s" },
        rejects_path.display()
    );
    Ok(if rejected > 0 {
        Outcome::WithRejects
    } else {
        Outcome::Clean
    })
}

/// Standard output in the chosen format; JSON is one array, streamed element by element.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json(W, u64),
}

impl<W: Write> Sink<W> {
    fn write(&mut self, line: &ScoreLine) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => {
                // An id like `-2-3` is a formula to a spreadsheet: defused as in rejects.csv.
                let id = crate::input::defuse(line.audit_id);
                w.serialize(ScoreLine {
                    audit_id: &id,
                    ..line.clone()
                })?
            }
            Sink::Json(w, n) => {
                w.write_all(if *n == 0 { b"[\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut *w, line)?;
                *n += 1;
            }
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush()?,
            Sink::Json(mut w, n) => {
                w.write_all(if n == 0 { b"[]\n" } else { b"\n]\n" })?;
                w.flush()?;
            }
        }
        Ok(())
    }
}
