//! The one worker-pool shape the batch (rendering) and the email phase (sending) share: N scoped
//! workers, each with its own state (an SMTP session, a ledger handle), take jobs from one bounded
//! channel; the calling thread feeds them and settles every result itself, so everything that
//! writes shared state (the ledger's run record, counters, progress) stays on one thread. At most
//! `window` jobs are in flight, so memory does not grow with the input.

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

/// The feeding side, handed to the `drive` closure of [`scoped`].
pub struct Feeder<J, R> {
    jobs: Option<Sender<J>>,
    done: Receiver<R>,
    in_flight: usize,
    window: usize,
}

impl<J, R> Feeder<J, R> {
    /// Hands a job to a worker. When `window` jobs are already out, results are settled first
    /// (blocking for the oldest) so the window, not the input, bounds memory. Returns false when
    /// no worker is left to take it.
    pub fn submit(
        &mut self,
        job: J,
        settle: &mut impl FnMut(R) -> anyhow::Result<()>,
    ) -> anyhow::Result<bool> {
        while self.in_flight >= self.window {
            if !self.settle_next(settle)? {
                return Ok(false);
            }
        }
        let sent = self.jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok());
        self.in_flight += usize::from(sent);
        Ok(sent)
    }

    /// Settles whatever has finished, without waiting.
    pub fn settle_ready(
        &mut self,
        settle: &mut impl FnMut(R) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        while let Ok(r) = self.done.try_recv() {
            self.in_flight -= 1;
            settle(r)?;
        }
        Ok(())
    }

    /// No more jobs: waits for every job handed out and settles it.
    pub fn finish(
        &mut self,
        settle: &mut impl FnMut(R) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.jobs = None;
        while self.in_flight > 0 && self.settle_next(settle)? {}
        Ok(())
    }

    /// Waits for the next result and settles it; false when every worker has gone.
    fn settle_next(
        &mut self,
        settle: &mut impl FnMut(R) -> anyhow::Result<()>,
    ) -> anyhow::Result<bool> {
        match self.done.recv() {
            Ok(r) => {
                self.in_flight -= 1;
                settle(r)?;
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }
}

/// Runs `drive` on the calling thread with `workers` threads behind it. Worker `i` starts with
/// `start(i)` (None: that worker does not run, e.g. it could not open its ledger), runs `work` on
/// each job it takes, and ends with `end` on its state once the jobs run out. Every worker is
/// joined before this returns, also when `drive` fails.
pub fn scoped<J, R, W, T>(
    workers: usize,
    window: usize,
    start: impl Fn(usize) -> Option<W> + Sync,
    work: impl Fn(&mut W, J) -> R + Sync,
    end: impl Fn(W) + Sync,
    drive: impl FnOnce(&mut Feeder<J, R>) -> anyhow::Result<T>,
) -> anyhow::Result<T>
where
    J: Send,
    R: Send,
{
    let workers = workers.max(1);
    let (job_tx, job_rx) = bounded::<J>(window.max(1));
    let (done_tx, done_rx) = unbounded::<R>();
    std::thread::scope(|scope| {
        for i in 0..workers {
            let (job_rx, done_tx) = (job_rx.clone(), done_tx.clone());
            let (start, work, end) = (&start, &work, &end);
            scope.spawn(move || {
                let Some(mut state) = start(i) else { return };
                for job in job_rx.iter() {
                    if done_tx.send(work(&mut state, job)).is_err() {
                        break;
                    }
                }
                end(state);
            });
        }
        drop((job_rx, done_tx));
        let mut feeder = Feeder {
            jobs: Some(job_tx),
            done: done_rx,
            in_flight: 0,
            window: window.max(1),
        };
        // Dropping the feeder (with its sender) on any exit lets the workers run out and join.
        drive(&mut feeder)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_is_settled_once_on_the_calling_thread_within_the_window() {
        let caller = std::thread::current().id();
        let mut seen = Vec::new();
        let max_in_flight = std::sync::atomic::AtomicUsize::new(0);
        let now = std::sync::atomic::AtomicUsize::new(0);
        use std::sync::atomic::Ordering::SeqCst;
        scoped(
            3,
            4,
            Some,
            |_, j: u32| {
                let n = now.fetch_add(1, SeqCst) + 1;
                max_in_flight.fetch_max(n, SeqCst);
                now.fetch_sub(1, SeqCst);
                j * 2
            },
            |_| {},
            |feed| {
                let mut settle = |r: u32| {
                    assert_eq!(std::thread::current().id(), caller);
                    seen.push(r);
                    Ok(())
                };
                for j in 0..200 {
                    assert!(feed.submit(j, &mut settle)?);
                    assert!(feed.in_flight <= 4);
                    feed.settle_ready(&mut settle)?;
                }
                feed.finish(&mut settle)
            },
        )
        .unwrap();
        seen.sort_unstable();
        assert_eq!(seen, (0..200).map(|j| j * 2).collect::<Vec<_>>());
        assert!(max_in_flight.load(SeqCst) <= 3);
    }

    #[test]
    fn workers_that_do_not_start_leave_submit_false_instead_of_hanging() {
        let r = scoped(
            2,
            1,
            |_| None::<()>,
            |_, j: u32| j,
            |_| {},
            |feed| {
                let mut settle = |_| Ok(());
                // The first job may sit in the channel; the next finds no one to take it.
                let mut accepted = 0;
                for j in 0..3 {
                    if feed.submit(j, &mut settle)? {
                        accepted += 1;
                    } else {
                        break;
                    }
                }
                Ok(accepted)
            },
        )
        .unwrap();
        assert!(r < 3, "{r} jobs accepted with no worker running");
    }

    #[test]
    fn a_failing_drive_still_joins_the_workers() {
        let ended = std::sync::atomic::AtomicUsize::new(0);
        let r: anyhow::Result<()> = scoped(
            2,
            2,
            |_| Some(()),
            |_, j: u32| j,
            |_| {
                ended.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            },
            |feed| {
                feed.submit(1, &mut |_| Ok(()))?;
                anyhow::bail!("the ledger is full")
            },
        );
        assert!(r.is_err());
        assert_eq!(ended.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
