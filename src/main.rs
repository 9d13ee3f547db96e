//! riskreport: validates AI career risk audits, scores them and renders personalised reports.

mod batch;
mod catalog;
mod chart;
mod cli;
mod failpoint;
mod fonts;
mod input;
mod mail;
mod page;
mod pdf;
mod pool;
mod report;
mod sample;
mod score;
mod spread;
mod store;
mod text;

/// mimalloc rather than glibc's allocator: setting text allocates many small, short-lived
/// buffers per paragraph (shaped pieces, lines, runs), and the benchmark gained about a tenth.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options by number (the crate does not name them, for stability; v3, which
/// libmimalloc-sys builds, numbers these two as v2 did): commit arena memory as it is used, not
/// all at once, and give freed memory back after 50 ms rather than 10. Measured on the
/// benchmark: peak RSS 165 -> 81 MiB for 2% of throughput. Set as defaults, so an operator's
/// `MIMALLOC_ARENA_EAGER_COMMIT` / `MIMALLOC_PURGE_DELAY` still win (0 purges at once: ~12 MiB
/// less peak RSS on the batch, for some throughput).
extern "C" fn tune_allocator() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: plain option stores, made before main and before any other thread exists.
    unsafe {
        libmimalloc_sys::mi_option_set_default(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 50);
    }
}

/// Run by the loader before the Rust runtime's first allocation, so the first arena is
/// already created under these options.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

fn main() -> std::process::ExitCode {
    cli::main()
}
