//! One run per output directory: an advisory lock (`flock`) on `DIR/.riskreport.lock`, taken
//! without waiting. The kernel releases it when the holder ends for any reason — exit, panic,
//! SIGKILL, OOM kill — so there is no stale lock to detect or clear, and no PID to trust.
//!
//! The file itself stays (removing it would let a process that opened the old file and a
//! process that created a new one both hold "the" lock). While held it names the holder (PID,
//! host, start time) for the message another run prints; a clean release empties it, so text
//! found in an unlocked file says the previous run ended without releasing (killed or crashed).
//!
//! On network filesystems: NFS (v4, or v3 with lockd) carries `flock` to the server, so runs on
//! two hosts exclude each other, and a dead client's lock ends with its lease (about 90 s). A
//! filesystem without locks (some FUSE and SMB mounts) is refused with that reason rather than
//! run unlocked.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const LOCK_FILE: &str = ".riskreport.lock";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "the output directory {dir} is in use by riskreport process {pid} on {host} (started {since}).\n\
         Wait for that run to finish, or stop it (the lock ends with that process, even if it is killed).",
        dir = dir_of(path)
    )]
    Held {
        pid: u32,
        host: String,
        since: String,
        path: PathBuf,
    },
    #[error(
        "another riskreport is just starting in {dir} (it holds {path} but has not written its name yet); try again in a few seconds",
        dir = dir_of(path),
        path = path.display()
    )]
    Starting { path: PathBuf },
    #[error("cannot lock {path}: the filesystem does not support file locks; put the output directory on a local disk or an NFS mount with locking", path = path.display())]
    Unsupported { path: PathBuf, source: io::Error },
    #[error("{path} is a symbolic link: the run lock is only taken inside the output directory; remove the link", path = path.display())]
    Link { path: PathBuf },
    // The io error is the source, not in the message: `{:#}` prints the chain once.
    #[error("cannot lock the output directory {path}", path = path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} exists and is not a directory: --out names the directory the reports go to; choose another path or move that file away", path = path.display())]
    NotADirectory { path: PathBuf },
}

fn dir_of(path: &Path) -> String {
    path.parent()
        .map_or_else(|| path.display().to_string(), |d| d.display().to_string())
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

    fn me() -> LockOwner {
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        LockOwner {
            pid: std::process::id(),
            since: now.format(&Rfc3339).unwrap_or_else(|_| now.to_string()),
            host: hostname(),
        }
    }
}

impl fmt::Display for LockOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pid={}", self.pid)?;
        writeln!(f, "started_at={}", self.since)?;
        writeln!(f, "host={}", self.host)
    }
}

/// The held lock; dropping it empties the file and releases the lock.
#[derive(Debug)]
pub struct RunLock {
    file: File,
    #[cfg(test)]
    path: PathBuf,
    /// The previous holder, when it ended without releasing (killed, crashed), for a warning.
    pub previous_unreleased: Option<LockOwner>,
}

impl RunLock {
    /// Takes `dir/.riskreport.lock` (creating `dir` if needed) or says who holds it.
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
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| {
                if e.raw_os_error() == Some(libc::ELOOP) {
                    LockError::Link { path: path.clone() }
                } else {
                    io_err(&path)(e)
                }
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let text = read_all(&mut file).unwrap_or_default();
                return Err(match LockOwner::parse(&text) {
                    Some(o) => LockError::Held {
                        pid: o.pid,
                        host: o.host,
                        since: o.since,
                        path,
                    },
                    None => LockError::Starting { path },
                });
            }
            Err(TryLockError::Error(e))
                if matches!(e.raw_os_error(), Some(libc::ENOLCK | libc::EOPNOTSUPP)) =>
            {
                return Err(LockError::Unsupported { path, source: e });
            }
            Err(TryLockError::Error(e)) => return Err(io_err(&path)(e)),
        }
        let previous = read_all(&mut file).map_err(io_err(&path))?;
        let write = |f: &mut File| -> io::Result<()> {
            f.set_len(0)?;
            f.rewind()?;
            f.write_all(LockOwner::me().to_string().as_bytes())?;
            f.sync_all()
        };
        write(&mut file).map_err(io_err(&path))?;
        Ok(RunLock {
            file,
            #[cfg(test)]
            path,
            previous_unreleased: LockOwner::parse(&previous),
        })
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Emptied while still held: the next run reads a clean release. Should this fail, the
        // next run only warns about a previous run that did not finish; the lock itself is the
        // kernel's and ends when the file is closed right after.
        if self.file.set_len(0).is_err() {
            tracing::debug!("could not empty the lock file on release");
        }
    }
}

fn read_all(file: &mut File) -> io::Result<String> {
    let mut bytes = Vec::new();
    file.rewind()?;
    file.take(4096).read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Child, Command, Stdio};

    /// Another process holding the lock (flock(1)) with `text` in the file, as a riskreport
    /// would have written it; returns once the lock is taken.
    fn held_elsewhere(dir: &Path, text: &str) -> Child {
        let path = dir.join(LOCK_FILE);
        std::fs::write(&path, text).unwrap();
        let mut child = Command::new("flock")
            .args(["--nonblock", "--no-fork"])
            .arg(&path)
            .args(["sh", "-c", "echo locked; exec sleep 600"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("flock(1) from util-linux runs");
        let mut line = [0u8; 7];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut line)
            .unwrap();
        assert_eq!(&line, b"locked\n");
        child
    }

    #[test]
    fn second_acquire_fails_while_held_and_succeeds_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let lock_path = dir.path().canonicalize().unwrap().join(LOCK_FILE);
        let first = RunLock::acquire(dir.path()).unwrap();
        assert!(first.previous_unreleased.is_none());
        assert_eq!(first.path(), lock_path);
        let me = LockOwner::parse(&std::fs::read_to_string(&lock_path).unwrap()).unwrap();
        assert_eq!(me.pid, std::process::id());

        // The same process, another open file: held like from any other process.
        match RunLock::acquire(dir.path()) {
            Err(LockError::Held {
                pid, since, path, ..
            }) => {
                assert_eq!(
                    (pid, since.as_str(), path.as_path()),
                    (me.pid, me.since.as_str(), lock_path.as_path())
                );
            }
            other => panic!("expected Held, got {other:?}"),
        }
        drop(first);
        assert_eq!(
            std::fs::read(&lock_path).unwrap(),
            b"",
            "emptied on release"
        );
        let again = RunLock::acquire(dir.path()).unwrap();
        assert!(again.previous_unreleased.is_none(), "a clean release");
    }

    #[test]
    fn a_holder_on_another_host_is_named_and_its_death_releases_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = LockOwner {
            pid: 4242,
            since: "2026-03-01T02:00:00Z".into(),
            host: "another-node-7f9c".into(),
        };
        let mut holder = held_elsewhere(dir.path(), &foreign.to_string());
        let msg = RunLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(
            msg.contains("in use by riskreport process 4242 on another-node-7f9c")
                && msg.contains("started 2026-03-01T02:00:00Z"),
            "{msg}"
        );
        holder.kill().unwrap();
        holder.wait().unwrap();
        // Killed without releasing: the kernel ended the lock; its text tells what happened.
        let lock = RunLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.previous_unreleased, Some(foreign));
    }

    #[test]
    fn a_holder_that_has_not_written_its_name_is_starting() {
        let dir = tempfile::tempdir().unwrap();
        let mut holder = held_elsewhere(dir.path(), "");
        assert!(matches!(
            RunLock::acquire(dir.path()),
            Err(LockError::Starting { .. })
        ));
        holder.kill().unwrap();
        holder.wait().unwrap();
    }

    #[test]
    fn a_planted_link_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(LOCK_FILE)).unwrap();
        assert!(matches!(
            RunLock::acquire(dir.path()),
            Err(LockError::Link { .. })
        ));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }
}
