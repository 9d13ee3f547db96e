//! One run per output directory: `DIR/.riskreport.lock`, created with O_EXCL (`create_new`), holds
//! the owner's PID, start time and host. Released (removed) on Drop.
//!
//! A lock left behind by a process that died (SIGKILL, power cut, OOM kill) is detected and
//! cleared:
//! - same host: the owner is dead when `/proc/<pid>` does not exist (Linux; elsewhere `kill -0`),
//!   or when the PID is our own but this process does not hold the lock (a container restarted:
//!   riskreport is PID 1 again). Locks held by this process are tracked in `HELD`, so a second
//!   `acquire` of the same directory from the same process fails like any other;
//! - another host (a shared volume, e.g. a Kubernetes pod retried on another node): PIDs mean
//!   nothing here, so the holder refreshes the file's mtime every `HEARTBEAT`, and a lock whose
//!   mtime is older than `FOREIGN_STALE_AFTER` is stale.
//!
//! A live PID that was reused by an unrelated process keeps the lock held: the error tells the
//! operator how to check and clear it. Wrongly breaking a live lock would be worse.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const LOCK_FILE: &str = ".riskreport.lock";
/// How often a holder refreshes its lock file's mtime.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// A lock from another host not refreshed for this long belongs to a dead process.
pub const FOREIGN_STALE_AFTER: Duration = Duration::from_secs(120);
/// A lock file that cannot be parsed (its writer died between create and write) this old is stale.
const UNREADABLE_GRACE: Duration = Duration::from_secs(10);

/// Lock files held by this process (canonical paths).
static HELD: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "the output directory {dir} is in use by riskreport process {pid} on {host} (started {since}).\n\
         Wait for that run to finish, or stop it. If no riskreport is running any more (check with `ps -p {pid}` on {host}), \
         remove {path} and run again.",
        dir = path.parent().map_or_else(|| path.display().to_string(), |d| d.display().to_string()),
        path = path.display()
    )]
    Held {
        pid: u32,
        host: String,
        since: String,
        path: PathBuf,
    },
    #[error(
        "another riskreport is just starting in {dir} (its lock file {path} is still being written); try again in a few seconds",
        dir = path.parent().map_or_else(|| path.display().to_string(), |d| d.display().to_string()),
        path = path.display()
    )]
    Starting { path: PathBuf },
    // The io error is the source, not in the message: `{:#}` prints the chain once.
    #[error("cannot lock the output directory {path}", path = path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} exists and is not a directory: --out names the directory the reports go to; choose another path or move that file away", path = path.display())]
    NotADirectory { path: PathBuf },
}

/// Who holds (or held) a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockOwner {
    pub pid: u32,
    /// RFC 3339.
    pub since: String,
    pub host: String,
}

impl LockOwner {
    fn parse(text: &str) -> Option<LockOwner> {
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(str::trim)
        };
        Some(LockOwner {
            pid: field("pid")?.parse().ok()?,
            since: field("started_at")?.to_string(),
            host: field("host")?.to_string(),
        })
    }
}

impl fmt::Display for LockOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pid={}", self.pid)?;
        writeln!(f, "started_at={}", self.since)?;
        writeln!(f, "host={}", self.host)
    }
}

/// The held lock. Dropping it stops the heartbeat and removes the file (if it is still ours).
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    owner: LockOwner,
    /// The dead owner whose stale lock was cleared to take this one, for a log line.
    pub cleared_stale: Option<LockOwner>,
    heartbeat: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
}

impl RunLock {
    /// Takes `dir/.riskreport.lock` (creating `dir` if needed), clearing a stale lock first.
    pub fn acquire(dir: &Path) -> Result<RunLock, LockError> {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LockError::Io { path, source }
        };
        if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
            return Err(LockError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.canonicalize().map_err(io_err(dir))?.join(LOCK_FILE);
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let owner = LockOwner {
            pid: std::process::id(),
            since: now.format(&Rfc3339).unwrap_or_else(|_| now.to_string()),
            host: hostname(),
        };
        let mut cleared_stale = None;
        // Held for the whole attempt, so that two threads of this process cannot both see our
        // PID in the file and take it for a previous incarnation's.
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        // A few rounds: each lost race (someone else created or cleared the file between our
        // steps) is re-examined from the start.
        for _ in 0..5 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let written = f
                        .write_all(owner.to_string().as_bytes())
                        .and_then(|_| f.sync_all());
                    if let Err(e) = written {
                        let _ = std::fs::remove_file(&path);
                        return Err(io_err(&path)(e));
                    }
                    let heartbeat = start_heartbeat(path.clone());
                    held.push(path.clone());
                    return Ok(RunLock {
                        path,
                        owner,
                        cleared_stale,
                        heartbeat,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err(&path)(e)),
            }
            let (text, modified) = match read_lock(&path) {
                Ok(Some(v)) => v,
                Ok(None) => continue, // released meanwhile
                Err(e) => return Err(io_err(&path)(e)),
            };
            let age = SystemTime::now()
                .duration_since(modified)
                .unwrap_or(Duration::ZERO);
            let existing = LockOwner::parse(&text);
            let stale = match &existing {
                Some(o) if o.host == owner.host && o.pid == owner.pid => !held.contains(&path),
                Some(o) if o.host == owner.host => !pid_alive(o.pid),
                Some(_) => age > FOREIGN_STALE_AFTER,
                None => age > UNREADABLE_GRACE,
            };
            if !stale {
                return Err(match existing {
                    Some(o) => LockError::Held {
                        pid: o.pid,
                        host: o.host,
                        since: o.since,
                        path,
                    },
                    None => LockError::Starting { path },
                });
            }
            if remove_if_unchanged(&path, &text).map_err(io_err(&path))? {
                cleared_stale = Some(existing.unwrap_or(LockOwner {
                    pid: 0,
                    since: "unknown".into(),
                    host: "unknown".into(),
                }));
            }
        }
        Err(LockError::Starting { path })
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    #[cfg(test)]
    pub fn owner(&self) -> &LockOwner {
        &self.owner
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.heartbeat.take() {
            drop(stop);
            let _ = handle.join();
        }
        HELD.lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p| p != &self.path);
        // Only remove the file if it is still ours (it could have been cleared and retaken by
        // an operator who judged us dead).
        if let Ok(Some((text, _))) = read_lock(&self.path) {
            if LockOwner::parse(&text).as_ref() == Some(&self.owner) {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

/// The lock file's text and mtime; `None` when it does not exist.
fn read_lock(path: &Path) -> io::Result<Option<(String, SystemTime)>> {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let modified = match std::fs::metadata(path).and_then(|m| m.modified()) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some((text, modified)))
}

/// Removes a stale lock only if it still has the text we judged stale, so that two processes
/// clearing the same stale lock cannot remove the fresh lock one of them has just taken: the
/// file is first renamed aside (atomic; only one process gets it), then checked.
fn remove_if_unchanged(path: &Path, stale_text: &str) -> io::Result<bool> {
    let aside = path.with_file_name(format!("{LOCK_FILE}.stale.{}", std::process::id()));
    match std::fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    }
    let taken = std::fs::read(&aside)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if taken == stale_text {
        std::fs::remove_file(&aside)?;
        return Ok(true);
    }
    // We grabbed a fresh lock another process has just taken: put it back (hard_link fails
    // rather than overwrite should yet another lock have appeared), then drop our copy.
    let _ = std::fs::hard_link(&aside, path);
    let _ = std::fs::remove_file(&aside);
    Ok(false)
}

fn start_heartbeat(path: PathBuf) -> Option<(mpsc::Sender<()>, thread::JoinHandle<()>)> {
    let (stop, stopped) = mpsc::channel::<()>();
    let handle = thread::Builder::new()
        .name("riskreport-lock-heartbeat".into())
        .spawn(move || {
            // Ends when the sender is dropped (Disconnected).
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(HEARTBEAT) {
                if let Ok(f) = File::options().append(true).open(&path) {
                    let _ = f.set_modified(SystemTime::now());
                }
            }
        })
        .ok()?;
    Some((stop, handle))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// Whether a process with this PID exists on this machine. When that cannot be told, it is
/// assumed alive: a lock is never broken on a guess.
fn pid_alive(pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    #[cfg(unix)]
    {
        // `kill -0` checks existence without signalling; EPERM (someone else's process) still
        // prints an error and fails, so only "No such process" counts as dead.
        if let Ok(out) = std::process::Command::new("kill")
            .arg("-0")
            .arg(pid.to_string())
            .output()
        {
            return out.status.success()
                || !String::from_utf8_lossy(&out.stderr)
                    .to_lowercase()
                    .contains("no such process");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!pid_alive(pid), "pid {pid} should be gone once reaped");
        pid
    }

    #[test]
    fn second_acquire_fails_while_held_and_succeeds_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let lock_path = dir.path().canonicalize().unwrap().join(LOCK_FILE);
        let first = RunLock::acquire(dir.path()).unwrap();
        assert!(first.cleared_stale.is_none());
        assert_eq!(first.path(), lock_path);
        let text = std::fs::read_to_string(&lock_path).unwrap();
        assert!(
            text.contains(&format!("pid={}", std::process::id())),
            "{text}"
        );

        match RunLock::acquire(dir.path()) {
            Err(LockError::Held {
                pid, since, path, ..
            }) => {
                assert_eq!(
                    (pid, since.as_str(), path.as_path()),
                    (
                        std::process::id(),
                        first.owner().since.as_str(),
                        lock_path.as_path()
                    )
                );
            }
            other => panic!("expected Held, got {other:?}"),
        }
        assert!(
            lock_path.exists(),
            "the failed attempt left the holder's lock alone"
        );
        drop(first);
        assert!(!lock_path.exists(), "released on drop");
        drop(RunLock::acquire(dir.path()).unwrap());
    }

    #[test]
    fn live_process_on_this_host_holds_the_lock() {
        // PID 1 always exists; it stands for another riskreport that is running.
        let dir = tempfile::tempdir().unwrap();
        let other = LockOwner {
            pid: 1,
            since: "2026-03-01T02:00:00Z".into(),
            host: hostname(),
        };
        std::fs::write(dir.path().join(LOCK_FILE), other.to_string()).unwrap();
        let msg = RunLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(
            msg.contains("in use by riskreport process 1")
                && msg.contains("started 2026-03-01T02:00:00Z"),
            "{msg}"
        );
        assert!(msg.contains("remove") && msg.contains(LOCK_FILE), "{msg}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap(),
            other.to_string()
        );
    }

    #[test]
    fn own_pid_from_a_previous_incarnation_is_stale() {
        // A restarted container: the lock names our PID, but this process never took it.
        let dir = tempfile::tempdir().unwrap();
        let previous = LockOwner {
            pid: std::process::id(),
            since: "2026-03-01T02:00:00Z".into(),
            host: hostname(),
        };
        std::fs::write(dir.path().join(LOCK_FILE), previous.to_string()).unwrap();
        let lock = RunLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.cleared_stale, Some(previous));
    }

    #[test]
    fn dead_pid_lock_is_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let dead = LockOwner {
            pid: dead_pid(),
            since: "2026-03-01T02:00:00Z".into(),
            host: hostname(),
        };
        std::fs::write(dir.path().join(LOCK_FILE), dead.to_string()).unwrap();
        let lock = RunLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.cleared_stale.as_ref(), Some(&dead));
        let text = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
        assert_eq!(LockOwner::parse(&text).as_ref(), Some(lock.owner()));
        assert!(!std::fs::read_dir(dir.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".stale.")));
    }

    #[test]
    fn foreign_host_lock_is_stale_only_without_heartbeat() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        let foreign = LockOwner {
            pid: 1,
            since: "2026-03-01T02:00:00Z".into(),
            host: "another-node-7f9c".into(),
        };
        std::fs::write(&path, foreign.to_string()).unwrap();
        assert!(
            matches!(RunLock::acquire(dir.path()), Err(LockError::Held { .. })),
            "fresh heartbeat: held"
        );

        let old = SystemTime::now() - FOREIGN_STALE_AFTER - Duration::from_secs(30);
        File::options()
            .append(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let lock = RunLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.cleared_stale, Some(foreign));
    }

    #[test]
    fn unreadable_lock_waits_for_grace_then_clears() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        std::fs::write(&path, "").unwrap();
        assert!(matches!(
            RunLock::acquire(dir.path()),
            Err(LockError::Starting { .. })
        ));
        File::options()
            .append(true)
            .open(&path)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(60))
            .unwrap();
        let lock = RunLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.cleared_stale.as_ref().map(|o| o.pid), Some(0));
    }

    #[test]
    fn drop_leaves_someone_elses_lock_alone() {
        let dir = tempfile::tempdir().unwrap();
        let lock = RunLock::acquire(dir.path()).unwrap();
        let other = LockOwner {
            pid: 1,
            since: "x".into(),
            host: "elsewhere".into(),
        };
        std::fs::write(dir.path().join(LOCK_FILE), other.to_string()).unwrap();
        drop(lock);
        assert!(dir.path().join(LOCK_FILE).exists());
    }
}
