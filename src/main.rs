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

use std::ffi::{c_char, c_int, CStr};

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
///
/// `render` (one report or a few, on all cores) commits the arena at once instead: a cold
/// `render --id` otherwise takes some 1,800 page faults as its heap grows, a fifth of its CPU;
/// committed up front it takes 700 and ~2 ms less wall time, for a peak RSS of ~50 MiB
/// instead of 24 that no batch ever reaches this way.
///
/// glibc passes an `.init_array` function the program's arguments (musl passes none: then
/// every command keeps the batch's settings).
extern "C" fn tune_allocator(argc: c_int, argv: *const *const c_char, _env: *const *const c_char) {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: `argv` holds `argc` C strings when glibc calls us, and is null or `argc` 0
    // otherwise; the option stores are made before main and before any other thread exists.
    unsafe {
        let args = (0..argc.max(0) as usize)
            .map(|i| *argv.add(i))
            .take_while(|a| !a.is_null())
            .map(|a| CStr::from_ptr(a).to_bytes());
        let eager = !argv.is_null() && command(args) == Some(b"render".as_slice());
        libmimalloc_sys::mi_option_set_default(ARENA_EAGER_COMMIT, eager.into());
        libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 50);
    }
}

/// The subcommand among the program's arguments (the first after the global options), found
/// without allocating: the allocator is not set up yet.
fn command<'a>(mut args: impl Iterator<Item = &'a [u8]>) -> Option<&'a [u8]> {
    args.next()?; // the program
    while let Some(a) = args.next() {
        if a == b"--catalog" || a == b"--log-format" {
            args.next();
        } else if !a.starts_with(b"-") {
            return Some(a);
        }
    }
    None
}

/// Run by the loader before the Rust runtime's first allocation, so the first arena is
/// already created under these options.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn(c_int, *const *const c_char, *const *const c_char) =
    tune_allocator;

fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(test)]
mod tests {
    use super::command;

    fn of(args: &[&str]) -> Option<String> {
        command(args.iter().map(|a| a.as_bytes())).map(|c| String::from_utf8_lossy(c).into())
    }

    #[test]
    fn the_command_is_found_after_the_global_options_and_their_values() {
        assert_eq!(of(&["rr", "render", "a.csv"]).as_deref(), Some("render"));
        assert_eq!(
            of(&["rr", "-q", "--catalog", "render", "run", "render"]).as_deref(),
            Some("run")
        );
        assert_eq!(
            of(&["rr", "--log-format", "json", "-vv", "render"]).as_deref(),
            Some("render")
        );
        assert_eq!(
            of(&["rr", "--catalog=render", "run"]).as_deref(),
            Some("run")
        );
        assert_eq!(of(&["rr", "-q"]), None);
        assert_eq!(of(&[]), None);
    }
}
