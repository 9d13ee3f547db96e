//! `riskreport bench`: the repository's throughput benchmark. Renders the first N valid rows
//! in memory (no file writes) on 1 thread and on all cores, several times, and prints medians:
//! reports/s, ms per report by phase, PDF size and peak RSS.

use super::args::BenchArgs;
use super::Outcome;
use crate::batch::{peak_rss_kib, Renderer, Timings};
use crate::input;
use rayon::prelude::*;
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn run(renderer: &Renderer, args: BenchArgs) -> anyhow::Result<Outcome> {
    let audits: Vec<_> = input::open(&args.file, &renderer.catalog)?
        .filter_map(Result::ok)
        .take(args.rows)
        .collect();
    anyhow::ensure!(
        !audits.is_empty(),
        "{} has no valid rows to benchmark",
        args.file.display()
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "riskreport bench: {} reports, {} runs each, {} cores available",
        audits.len(),
        args.runs,
        cores
    );

    // Warm-up: fonts parsed, caches filled, page faults taken.
    for a in audits.iter().take(10) {
        renderer.render(a)?;
    }
    let mut phases: Vec<Timings> = Vec::new();
    let mut bytes = 0usize;
    let mut jobs_list = vec![1];
    if cores > 1 {
        jobs_list.push(cores);
    }
    for &jobs in &jobs_list {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
        let mut rates = Vec::new();
        for _ in 0..args.runs {
            let started = Instant::now();
            let results: Vec<_> = pool.install(|| {
                audits
                    .par_iter()
                    .map(|a| renderer.render(a))
                    .collect::<Result<Vec<_>, _>>()
            })?;
            let secs = started.elapsed().as_secs_f64();
            rates.push(audits.len() as f64 / secs);
            if jobs == 1 {
                bytes = results.iter().map(|r| r.pdf.len()).sum::<usize>() / results.len();
                phases.extend(results.iter().map(|r| r.timings));
            }
        }
        let sorted = {
            let mut r = rates.clone();
            r.sort_by(f64::total_cmp);
            r
        };
        println!(
            "  {jobs} job{}: {:.1} reports/s median (min {:.1}, max {:.1})",
            if jobs == 1 { " " } else { "s" },
            median(rates),
            sorted[0],
            sorted[sorted.len() - 1]
        );
    }
    let ms = |f: fn(&Timings) -> Duration| {
        median(phases.iter().map(|t| f(t).as_secs_f64() * 1000.0).collect())
    };
    println!(
        "  per report (1 job, median): score {:.3} ms, layout {:.2} ms, charts {:.2} ms, PDF {:.2} ms",
        ms(|t| t.score),
        ms(|t| t.layout),
        ms(|t| t.charts),
        ms(|t| t.pdf)
    );
    println!("  PDF size: {:.1} KiB mean", bytes as f64 / 1024.0);
    if let Some(kib) = peak_rss_kib() {
        println!("  peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }
    Ok(Outcome::Clean)
}
