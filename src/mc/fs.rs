//! The one way the crate writes an output file: a temporary file in the same directory,
//! synced to disk, then renamed over the target, so a reader never sees a half-written file
//! and a failure never destroys the previous one.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output file being written: bytes go to a temporary file beside `path`;
/// [`AtomicFile::commit`] syncs it and renames it over `path`. Dropped without a commit, the
/// temporary file is removed and `path` is left as it was.
///
/// For streamed output (one CSV row per run); [`write_atomic`] writes a whole buffer.
///
/// # Examples
/// ```
/// use escalation::mc::AtomicFile;
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("atomic-doc-{}.csv", std::process::id()));
/// let mut file = AtomicFile::create(&path)?;
/// writeln!(file, "run,value")?;
/// assert!(!path.exists()); // nothing visible until the commit
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "run,value\n");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Starts writing `path`: creates a new temporary file `.NAME.PID.N.tmp` in its
    /// directory.
    ///
    /// # Errors
    /// The I/O error of creating the temporary file (e.g. the directory does not exist).
    pub fn create(path: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let path = path.as_ref();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let mut attempt = 0u32;
        loop {
            let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(file) => {
                    return Ok(AtomicFile {
                        path: path.to_path_buf(),
                        tmp,
                        file: Some(file),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Syncs the temporary file to disk and renames it over the target.
    ///
    /// # Errors
    /// The I/O error of syncing or renaming; the temporary file is then removed and the
    /// target left as it was.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Err(io::Error::other("file already committed"));
        };
        let result = file.sync_all().and_then(|()| {
            drop(file);
            std::fs::rename(&self.tmp, &self.path)
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        result
    }

    /// Syncs what was written so far to disk without renaming: after a successful sync,
    /// [`AtomicFile::commit`] has only the rename left to do (so several files can be made
    /// durable first and then renamed together).
    ///
    /// # Errors
    /// The I/O error of flushing or syncing (e.g. the disk is full).
    pub fn sync(&mut self) -> io::Result<()> {
        let file = self.file()?;
        file.flush()?;
        file.sync_all()
    }

    fn file(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("file already committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `contents` to `path` atomically (see [`AtomicFile`]): on any error the temporary
/// file is removed and an existing `path` is left untouched.
///
/// # Errors
/// The I/O error of creating, writing, syncing or renaming the file.
///
/// # Examples
/// ```
/// let path = std::env::temp_dir().join(format!("atomic-doc-{}.txt", std::process::id()));
/// escalation::mc::write_atomic(&path, b"done")?;
/// assert_eq!(std::fs::read(&path)?, b"done");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomic(path: impl AsRef<Path>, contents: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(contents)?;
    file.commit()
}
