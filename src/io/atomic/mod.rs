//! Atomic file output: write everything to a temporary sibling, then rename over the target.
//!
//! ```text
//! target            dir/NAME
//! temporary         dir/.NAME.tmp-PID         (same folder: the rename stays on one file system;
//!                                             an OutputSet part: dir/.NAME.tmp-PID.EXT)
//! write_atomic      remove stale dir/.NAME.tmp-<dead pid> → fill temp → flush → fsync → rename
//! on any error      the temp file is removed; the previous NAME (or no file) stays in place
//! ```
//!
//! A reader never sees a half-written output, and a failed or interrupted command leaves the
//! previous file (or no file) in place. A process killed between creating and renaming its temp
//! file leaves `.NAME.tmp-PID` (or `.NAME.tmp-PID.EXT`) behind; the next write of the same
//! output removes it — only files of exactly that pattern, only when `/proc` exists and says
//! process PID is gone (a PID of another PID namespace sharing the folder would look gone: such
//! setups should not share output folders).
//!
//! A target that exists and is not a regular file — `/dev/null`, `/dev/stdout`, `/dev/full`, a
//! FIFO — is written in place: a rename would replace the device node itself (as root, in
//! `/dev`). Errors then come straight from the device (`/dev/full`: "No space left on device")
//! and no temp file exists. A target that is a folder is an error before anything is written.
//!
//! Commands that write several files use [`OutputSet`]: every path is checked before the work
//! starts, every part is written to its temp file, and the files appear only when all parts
//! succeeded.
//!
//! Cost: one `read_dir` of the target's folder per write (the stale-file sweep), one `fsync`.

mod set;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use set::{OutputSet, same_file};

/// Write `path` atomically: `fill` writes the content into a buffered writer; on success the
/// temporary file is flushed, synced and renamed to `path`; on any error it is removed.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let staged = Staged::new(path)?;
    let result = staged.fill(fill).and_then(|()| staged.publish());
    if result.is_err() {
        staged.discard();
    }
    result
}

/// One output on its way to disk: through a temp sibling, or in place for a non-regular target.
#[derive(Debug)]
pub(crate) struct Staged {
    target: PathBuf,
    /// `None` when the target is a device or FIFO and is written directly.
    temp: Option<PathBuf>,
}

impl Staged {
    /// Decide how `target` is written, refuse a folder, and sweep stale temp files of it.
    pub(crate) fn new(target: &Path) -> Result<Staged> {
        match fs::metadata(target) {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::io(
                    target,
                    io::Error::new(io::ErrorKind::IsADirectory, "is a folder, not a file"),
                ));
            }
            Ok(meta) if !meta.is_file() => return Ok(Staged { target: target.to_path_buf(), temp: None }),
            _ => {}
        }
        if is_own_temp(target) {
            // Already a private temp file of an OutputSet: no `..NAME.tmp-PID.EXT.tmp-PID`.
            return Ok(Staged { target: target.to_path_buf(), temp: None });
        }
        remove_stale_temps(target);
        Ok(Staged { target: target.to_path_buf(), temp: Some(temp_sibling(target)) })
    }

    /// The file `fill` writes into: the temp file, or the target itself.
    pub(crate) fn destination(&self) -> &Path {
        self.temp.as_deref().unwrap_or(&self.target)
    }

    /// Create (or truncate) the destination now: proves the folder is writable.
    pub(crate) fn create(&self) -> Result<File> {
        match &self.temp {
            Some(temp) => {
                // A fresh file: a link planted at the temp name is removed, never followed.
                let _ = fs::remove_file(temp);
                crate::io::state::create_new(temp).map_err(|e| self.error(e))
            }
            None => File::create(&self.target).map_err(|e| self.error(e)),
        }
    }

    /// Write the content; I/O errors name the target (the temp file is an implementation detail).
    pub(crate) fn fill<F>(&self, fill: F) -> Result<()>
    where
        F: FnOnce(&mut BufWriter<File>) -> Result<()>,
    {
        let mut writer = BufWriter::new(self.create()?);
        fill(&mut writer)?;
        writer.flush().map_err(|e| self.error(e))?;
        let file = writer.into_inner().map_err(|e| self.error(e.into_error()))?;
        if self.temp.is_some() {
            file.sync_all().map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// Rename the temp file over the target (nothing to do for an in-place write).
    pub(crate) fn publish(&self) -> Result<()> {
        match &self.temp {
            Some(temp) => fs::rename(temp, &self.target).map_err(|e| Error::io(&self.target, e)),
            None => Ok(()),
        }
    }

    /// Remove the temp file, if any (errors ignored: it may never have been created).
    pub(crate) fn discard(&self) {
        if let Some(temp) = &self.temp {
            let _ = fs::remove_file(temp);
        }
    }

    /// Give the temp file the target's extension too (`.NAME.tmp-PID.EXT`), for writers that
    /// choose the format from the name they are given (heatmaps: `.png` or `.svg`).
    pub(crate) fn keep_extension(mut self) -> Staged {
        if let (Some(temp), Some(ext)) = (&self.temp, self.target.extension()) {
            let mut name = temp.as_os_str().to_os_string();
            name.push(".");
            name.push(ext);
            self.temp = Some(PathBuf::from(name));
        }
        self
    }

    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    fn error(&self, e: io::Error) -> Error {
        match &self.temp {
            Some(temp) => Error::io(
                &self.target,
                io::Error::new(e.kind(), format!("{e} (writing the temporary file {})", temp.display())),
            ),
            None => Error::io(&self.target, e),
        }
    }
}

/// `dir/.name.tmp-<pid>` beside `path`.
pub(crate) fn temp_sibling(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp_name = format!(".{name}.tmp-{}", std::process::id());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(tmp_name),
        _ => PathBuf::from(tmp_name),
    }
}

/// Remove the temp files of dead processes in the folder of `target`: every
/// `dir/.NAME.tmp-PID` and `dir/.NAME.tmp-PID.EXT` ([`OutputSet`]'s form, `EXT` the extension
/// of `NAME`) — of any output, not only `target`'s, so a killed command's leftovers go at the
/// next write into the folder by any command.
///
/// Best effort: a folder that cannot be listed, or a system without `/proc`, removes nothing.
pub(crate) fn remove_stale_temps(target: &Path) {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    sweep_stale_temps(dir);
}

/// Remove the temp files (`.NAME.tmp-PID`, `.NAME.tmp-PID.EXT`) of dead processes in `dir`;
/// returns how many were removed. Only regular files are removed, only when `/proc` exists
/// and says process PID is gone.
pub fn sweep_stale_temps(dir: &Path) -> usize {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return 0;
    }
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(temp_pid) else { continue };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if pid != me
            && is_file
            && !proc.join(pid.to_string()).exists()
            && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The PID of a temp file name `.NAME.tmp-PID` or `.NAME.tmp-PID.EXT` (`EXT` being the
/// extension of `NAME`), else `None`.
fn temp_pid(file_name: &str) -> Option<u32> {
    let (name, tail) = file_name.strip_prefix('.')?.rsplit_once(".tmp-")?;
    if name.is_empty() {
        return None;
    }
    let digits = match tail.split_once('.') {
        None => tail,
        Some((digits, ext)) => {
            let own = Path::new(name).extension().and_then(|e| e.to_str());
            if own != Some(ext) {
                return None;
            }
            digits
        }
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether `path` is a temp file of this process (`.NAME.tmp-<our pid>[.EXT]`): a writer handed
/// one by [`OutputSet::write_path`] writes it in place instead of nesting another temp file.
fn is_own_temp(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).and_then(temp_pid) == Some(std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test (also used by `set`'s tests).
    pub(super) fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cinegenre-atomic-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The sorted file names in `dir`.
    pub(super) fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn failed_fill_leaves_no_file_behind() {
        let dir = scratch("fail");
        let target = dir.join("out.txt");
        let err = write_atomic(&target, |w| {
            w.write_all(b"half").map_err(|e| Error::io("out.txt", e))?;
            Err(Error::Shape("boom".into()))
        });
        assert!(err.is_err());
        assert!(!target.exists());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "temporary file was not removed");
        write_atomic(&target, |w| w.write_all(b"whole").map_err(|e| Error::io("out.txt", e))).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "whole");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temps_of_dead_processes_are_removed_and_nothing_else() {
        if !Path::new("/proc/self").exists() {
            return; // no way to tell dead processes here: the sweep is documented as a no-op
        }
        let dir = scratch("stale");
        // A PID above the kernel's maximum (2^22) never exists.
        let dead = 4_194_304 + 17;
        let live = std::process::id();
        let keep = [
            format!(".out.txt.tmp-{live}x"),
            format!(".out.txt.tmp-{dead}.bak"),
            format!(".out.txt.tmp-{dead}.txt.txt"),
            "out.txt.tmp-1".to_string(),
            ".out.txt.tmp-".to_string(),
        ];
        let gone = [
            format!(".out.txt.tmp-{dead}"),
            format!(".out.txt.tmp-{dead}.txt"),
            // Another output's leftovers, and the nested name vectorize once left.
            format!(".other.txt.tmp-{dead}"),
            format!("..X.mtx.tmp-{dead}.mtx.tmp-{dead}"),
        ];
        for name in keep.iter().chain(&gone) {
            fs::write(dir.join(name), b"x").unwrap();
        }
        // A live process's temp (PID 1 always exists) is kept.
        fs::write(dir.join(".out.txt.tmp-1"), b"x").unwrap();
        write_atomic(&dir.join("out.txt"), |w| w.write_all(b"new").map_err(|e| Error::io("out.txt", e)))
            .unwrap();
        let mut want: Vec<String> = keep.to_vec();
        want.extend([".out.txt.tmp-1".to_string(), "out.txt".to_string()]);
        want.sort();
        assert_eq!(names(&dir), want);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_device_target_is_written_in_place_and_errors_name_it() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            return; // Linux only
        }
        let err = write_atomic(full, |w| {
            w.write_all(&[7u8; 1 << 16]).map_err(|e| Error::io(full, e))?;
            Ok(())
        })
        .unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("/dev/full: "), "{message}");
        assert!(message.contains("No space left"), "{message}");
        assert!(!Path::new(&format!("/dev/.full.tmp-{}", std::process::id())).exists());
        assert!(full.exists() && !fs::metadata(full).unwrap().is_file(), "the device node was replaced");
        // /dev/null takes anything.
        write_atomic(Path::new("/dev/null"), |w| w.write_all(b"gone").map_err(|e| Error::io("null", e)))
            .unwrap();
    }

    #[test]
    fn a_folder_target_is_refused_before_writing() {
        let dir = scratch("folder");
        let err = write_atomic(&dir, |_| panic!("must not be called")).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        assert!(names(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
