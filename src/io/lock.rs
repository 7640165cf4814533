//! One command per output folder: an advisory lock file `DIR/.cinegenre.lock`.
//!
//! ```text
//! acquire   open DIR/.cinegenre.lock (created; a link or FIFO there is refused) → try_lock
//!           (flock, exclusive, non-blocking) → the path still names the locked inode (a holder
//!           that was just releasing may have removed it: then retry) → write our pid into it
//! busy      refuse at once: "DIR is in use by another cinegenre (pid N) …" — the second
//!           command touches nothing, the first finishes as if alone
//! release   on drop: remove the file, then close (which unlocks); a killed holder's lock goes
//!           with the process (the kernel drops it), its stale file is taken over
//! ```
//!
//! Advisory: only cinegenre processes honour it. The lock is `flock`, so it does not work
//! across machines on some network file systems (NFS without lock support).
//!
//! Cost: one open, one `flock`, two `stat`s and one small write per command.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock file's name inside the folder.
pub const LOCK_FILE: &str = ".cinegenre.lock";

/// A held lock on a folder; released when dropped.
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    file: File,
}

impl FolderLock {
    /// Lock `dir` (which must exist) for this process, or refuse with the holder's pid.
    ///
    /// # Errors
    /// [`Error::Io`] naming the folder: another process holds the lock (the message names its
    /// pid), or the lock file cannot be created.
    pub fn acquire(dir: &Path) -> Result<FolderLock> {
        let path = dir.join(LOCK_FILE);
        for _ in 0..8 {
            let mut file = open(&path).map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let holder = holder_pid(&mut file).map_or("unknown pid".into(), |p| format!("pid {p}"));
                    return Err(Error::io(
                        dir,
                        io::Error::new(
                            io::ErrorKind::ResourceBusy,
                            format!(
                                "is in use by another cinegenre command ({holder}, lock file {}): wait \
                                 for it to finish, or choose another folder",
                                path.display()
                            ),
                        ),
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            if !still_named(&file, &path) {
                continue; // the previous holder removed it while we waited: lock the new one
            }
            file.set_len(0).map_err(|e| Error::io(&path, e))?;
            writeln!(file, "{}", std::process::id()).map_err(|e| Error::io(&path, e))?;
            return Ok(FolderLock { path, file });
        }
        Err(Error::io(&path, io::Error::other("the lock file keeps changing; try again")))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Remove while still holding the lock: a waiter that opened this inode sees it unnamed.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

fn open(path: &Path) -> io::Result<File> {
    if let Ok(meta) = fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {}, not a lock file: remove it", super::state::describe_kind(&meta)),
        ));
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(super::state::NO_FOLLOW_NO_BLOCK);
    }
    options.open(path)
}

/// The pid written by the holder, if readable.
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Whether `path` still names the inode `file` has open.
fn still_named(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_pid_and_released_on_drop() {
        let dir = std::env::temp_dir().join(format!("cinegenre-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let first = FolderLock::acquire(&dir).unwrap();
        assert_eq!(fs::read_to_string(first.path()).unwrap().trim(), std::process::id().to_string());
        let err = FolderLock::acquire(&dir).unwrap_err().to_string();
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        assert!(err.starts_with(&dir.display().to_string()), "{err}");
        drop(first);
        assert!(!dir.join(LOCK_FILE).exists());
        let again = FolderLock::acquire(&dir).unwrap();
        drop(again);
        fs::remove_dir_all(&dir).unwrap();
    }
}
