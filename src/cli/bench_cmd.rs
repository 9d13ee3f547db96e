//! `riskreport bench`: the repository's throughput benchmark. Renders the first N valid rows
//! in memory (no file writes) on 1 thread and on all cores, several times, and prints
//! medians with their range: reports/s, CPU ms per report, ms per report by stage (score,
//! layout, charts, PDF: font subsets, deflate, the rest), PDF size and peak RSS. Each PDF is
//! dropped once measured, so the peak RSS is the renderer's, not the benchmark's.

use super::args::BenchArgs;
use super::Outcome;
use crate::batch::{peak_rss_kib, Renderer, Timings};
use crate::input;
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Median, min and max.
fn spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// CPU time of the whole process so far (user and system, every thread).
fn cpu() -> Duration {
    // SAFETY: getrusage writes the struct it is given and nothing else.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
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
    let mut sizes: Vec<usize> = Vec::new();
    let mut jobs_list = vec![1];
    if cores > 1 {
        jobs_list.push(cores);
    }
    let n = audits.len() as f64;
    let mut one_job = None;
    for &jobs in &jobs_list {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
        let (mut rates, mut cpu_ms) = (Vec::new(), Vec::new());
        for _ in 0..args.runs {
            let (started, cpu_before) = (Instant::now(), cpu());
            let results: Vec<(usize, Timings)> = pool.install(|| {
                audits
                    .par_iter()
                    .map(|a| renderer.render(a).map(|r| (r.pdf.len(), r.timings)))
                    .collect::<Result<Vec<_>, _>>()
            })?;
            let secs = started.elapsed().as_secs_f64();
            rates.push(n / secs);
            cpu_ms.push((cpu() - cpu_before).as_secs_f64() * 1000.0 / n);
            if jobs == 1 {
                sizes = results.iter().map(|r| r.0).collect();
                phases.extend(results.iter().map(|r| r.1));
            }
        }
        let (rate, rate_min, rate_max) = spread(rates);
        let (cpu, cpu_min, cpu_max) = spread(cpu_ms);
        let scaling = match one_job {
            Some(single) => format!(", {:.2}× one job", rate / single),
            None => String::new(),
        };
        one_job.get_or_insert(rate);
        println!(
            "  {jobs} job{}: {rate:.1} reports/s median (min {rate_min:.1}, max {rate_max:.1}{scaling}); \
             CPU {cpu:.2} ms a report (min {cpu_min:.2}, max {cpu_max:.2})",
            if jobs == 1 { " " } else { "s" },
        );
    }
    let ms = |f: &dyn Fn(&Timings) -> Duration| {
        spread(phases.iter().map(|t| f(t).as_secs_f64() * 1000.0).collect()).0
    };
    println!(
        "  per report (1 job, median): score {:.3} ms, layout {:.2} ms, charts {:.2} ms, \
         PDF {:.2} ms (font subsets {:.2}, deflate {:.2}, the rest {:.2})",
        ms(&|t| t.score),
        ms(&|t| t.layout),
        ms(&|t| t.charts),
        ms(&|t| t.pdf),
        ms(&|t| t.subset),
        ms(&|t| t.deflate),
        ms(&|t| t.pdf.saturating_sub(t.subset + t.deflate)),
    );
    let mean = sizes.iter().sum::<usize>() as f64 / sizes.len().max(1) as f64;
    let (min, max) = (
        sizes.iter().min().copied().unwrap_or(0),
        sizes.iter().max().copied().unwrap_or(0),
    );
    println!(
        "  PDF size: {:.1} KiB mean (min {:.1}, max {:.1})",
        mean / 1024.0,
        min as f64 / 1024.0,
        max as f64 / 1024.0
    );
    if let Some(kib) = peak_rss_kib() {
        println!("  peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }
    Ok(Outcome::Clean)
}
