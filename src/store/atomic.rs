//! Writing output files so that a reader never sees a half-written one: write to a temporary
//! file in the same directory, sync, then rename over the target.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Refuses an output that is the input itself (the same file, by device and inode, or by
/// path once both are resolved): writing it would destroy what is being read.
pub fn refuse_same_file(input: &Path, output: &Path, what: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let same = match (std::fs::metadata(input), std::fs::metadata(output)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    };
    if same {
        anyhow::bail!(
            "{what} {} is the input file {}: it would be overwritten while it is read; write to another file",
            output.display(),
            input.display()
        );
    }
    Ok(())
}

/// Writes `bytes` to `path` through an [`AtomicFile`]; an error names the file, how much was to
/// be written and, for a full disk, what to do. `points` names its failpoints: `POINTS-write`
/// (an I/O error before the first byte) and `POINTS-half-written`.
pub fn write_atomic(path: &Path, bytes: &[u8], points: &str) -> anyhow::Result<()> {
    let write = || -> io::Result<()> {
        let mut f = AtomicFile::create(path)?;
        if let Some(e) = crate::failpoint::io_error(&format!("{points}-write")) {
            return Err(e);
        }
        let (first, rest) = bytes.split_at(bytes.len() / 2);
        f.write_all(first)?;
        f.flush()?;
        crate::failpoint::hit(&format!("{points}-half-written"));
        f.write_all(rest)?;
        f.commit()
    };
    write().map_err(|e| {
        let full = e.raw_os_error() == Some(28) || e.kind() == io::ErrorKind::StorageFull;
        let what = format!("cannot write {} ({} bytes)", path.display(), bytes.len());
        if full {
            anyhow::Error::new(e).context(format!(
                "{what}: the disk is full — free space and run again; finished reports are kept and not rendered again"
            ))
        } else {
            anyhow::Error::new(e).context(what)
        }
    })
}

pub struct AtomicFile {
    tmp: PathBuf,
    target: PathBuf,
    file: io::BufWriter<File>,
}

impl AtomicFile {
    /// A new temporary file beside `target`, under an unpredictable name, created with
    /// `create_new` (O_CREAT|O_EXCL): it never opens an existing file and never follows a
    /// symbolic link planted under that name, so nothing outside the directory is written.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        use std::hash::{BuildHasher, Hasher};
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "target has no file name")
        })?;
        let mut tries = 0;
        loop {
            // RandomState is seeded from the OS per process and per call: an unguessable tag.
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(tries);
            let tmp = target.with_file_name(format!(
                ".{}.{}.{:016x}.tmp",
                name.to_string_lossy(),
                std::process::id(),
                h.finish()
            ));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(file) => {
                    return Ok(AtomicFile {
                        tmp,
                        target: target.to_path_buf(),
                        file: io::BufWriter::new(file),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!(
                            "cannot create {} (written first as {}, then renamed): {e}",
                            target.display(),
                            tmp.display()
                        ),
                    ))
                }
            }
        }
    }

    /// Makes the content durable and visible under the target name.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_all()?;
        std::fs::rename(&self.tmp, &self.target)?;
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Persist the rename itself; a directory fsync can fail on some file systems, harmlessly.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        self.tmp.clear();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_link_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, b"keep me").unwrap();
        let target = dir.path().join("out/summary.json");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        // A link under the target name itself: the rename replaces the link, not its target.
        std::os::unix::fs::symlink(&outside, &target).unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"{}").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep me");
        assert_eq!(std::fs::read(&target).unwrap(), b"{}");
        assert!(!std::fs::symlink_metadata(&target)
            .unwrap()
            .file_type()
            .is_symlink());
        // Two files at once never share a temporary name.
        let a = AtomicFile::create(&target).unwrap();
        let b = AtomicFile::create(&target).unwrap();
        assert_ne!(a.tmp, b.tmp);
    }
}
