//! [`OutputSet`]: the files of one command, checked before the work and written all or none.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use super::Staged;
use crate::error::{Error, Result};

/// The outputs of a command that writes several files (`cocluster --heatmap`,
/// `vectorize --vocab`, `embed --kept`, `run`).
///
/// [`OutputSet::new`] checks every path before any work is done — its folder exists, it is not a
/// folder, no two outputs are the same file (through links too), no output is one of the
/// inputs — and creates each output's temp file, which proves the folder writable.
/// [`OutputSet::write`] fills one part into its temp file; [`OutputSet::commit`] renames them
/// all once every part is written. Dropping the set without a commit (an error, a `?`) removes
/// every temp file: no output of a failed command appears.
///
/// The renames at the end are not one atomic step: if one fails (the folder changed under the
/// command) the ones before it have already replaced their targets; the error names the file.
///
/// ```
/// use std::io::Write;
/// use cinegenre::io::OutputSet;
/// let dir = std::env::temp_dir().join(format!("cinegenre-set-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
/// let mut out = OutputSet::new(&[&a, &b], &[])?;
/// out.write(&a, |w| w.write_all(b"one").map_err(|e| cinegenre::Error::io(&a, e)))?;
/// assert!(!a.exists()); // nothing appears before the commit
/// out.write(&b, |w| w.write_all(b"two").map_err(|e| cinegenre::Error::io(&b, e)))?;
/// out.commit()?;
/// assert_eq!(std::fs::read_to_string(&b)?, "two");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct OutputSet {
    parts: Vec<Part>,
    committed: bool,
}

#[derive(Debug)]
struct Part {
    staged: Staged,
    written: bool,
}

/// What makes two paths the same file: device and inode when it exists, else the canonical
/// folder and the name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

impl OutputSet {
    /// Check `outputs` against each other and against `inputs`, and create their temp files.
    ///
    /// # Errors
    /// [`Error::Io`] naming the output: its folder does not exist or is not writable, it is a
    /// folder, it is the same file as another output or as an input.
    pub fn new(outputs: &[&Path], inputs: &[&Path]) -> Result<OutputSet> {
        let inputs: HashMap<Identity, &Path> = inputs.iter().map(|&i| (identity(i), i)).collect();
        let mut seen: HashMap<Identity, &Path> = HashMap::new();
        let mut set = OutputSet { parts: Vec::with_capacity(outputs.len()), committed: false };
        for &output in outputs {
            check_folder(output)?;
            let id = identity(output);
            let clash = match (inputs.get(&id), seen.get(&id)) {
                (Some(input), _) => Some(format!("the input {}", input.display())),
                (None, Some(other)) => Some(format!("another output, {}", other.display())),
                (None, None) => None,
            };
            if let Some(clash) = clash {
                return Err(Error::io(output, io::Error::other(format!("is the same file as {clash}"))));
            }
            seen.insert(id, output);
            let staged = Staged::new(output)?.keep_extension();
            // Creating the temp file now proves the folder writable before any work is done.
            if staged.temp.is_some() {
                let created = staged.create().map(drop);
                set.parts.push(Part { staged, written: false });
                created?;
            } else {
                set.parts.push(Part { staged, written: false });
            }
        }
        Ok(set)
    }

    /// Write the part for `target` (one of the outputs given to [`OutputSet::new`]) into its temp
    /// file; `fill` as for [`super::write_atomic`]. Writing a part again replaces its content.
    pub fn write<F>(&mut self, target: &Path, fill: F) -> Result<()>
    where
        F: FnOnce(&mut BufWriter<File>) -> Result<()>,
    {
        let part = self.part(target)?;
        part.written = false;
        part.staged.fill(fill)?;
        part.written = true;
        Ok(())
    }

    /// Write the part for `target` with a writer that takes a path (`write_npy`, `write_mtx`,
    /// a heatmap writer, …): `write` is given the temp file's path (the target itself for a
    /// device). Errors that name the temp file are made to name `target`.
    pub fn write_path(&mut self, target: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
        let part = self.part(target)?;
        part.written = false;
        let destination = part.staged.destination().to_path_buf();
        write(&destination).map_err(|e| renamed(e, &destination, target))?;
        part.written = true;
        Ok(())
    }

    /// Rename every part over its target, once all are written.
    pub fn commit(mut self) -> Result<()> {
        if let Some(missing) = self.parts.iter().find(|p| !p.written) {
            return Err(Error::io(
                missing.staged.target(),
                io::Error::other("was never written: no output of this command was kept"),
            ));
        }
        for part in &self.parts {
            part.staged.publish()?;
        }
        self.committed = true;
        Ok(())
    }

    fn part(&mut self, target: &Path) -> Result<&mut Part> {
        self.parts.iter_mut().find(|p| p.staged.target() == target).ok_or_else(|| {
            Error::io(target, io::Error::other("is not one of the outputs declared for this command"))
        })
    }

    /// The declared outputs, in order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().map(|p| p.staged.target())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if !self.committed {
            self.parts.iter().for_each(|p| p.staged.discard());
        }
    }
}

/// `e` naming `to` where it named the file `from` (a temp file standing in for its target).
fn renamed(e: Error, from: &Path, to: &Path) -> Error {
    let swap = |path: PathBuf| if path == from { to.to_path_buf() } else { path };
    match e {
        Error::Io { path, source } => Error::Io { path: swap(path), source },
        Error::Parse { path, line, field, message } => {
            Error::Parse { path: swap(path), line, field, message }
        }
        Error::Model { path, message } => Error::Model { path: swap(path), message },
        other => other,
    }
}

/// The folder of `output` must exist and be a folder; `output` itself must not be one.
fn check_folder(output: &Path) -> Result<()> {
    let folder = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    match fs::metadata(folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            let message = format!("{} is not a folder", folder.display());
            return Err(Error::io(output, io::Error::new(io::ErrorKind::NotADirectory, message)));
        }
        Err(e) => {
            let message = format!("its folder {} cannot be used: {e}", folder.display());
            return Err(Error::io(output, io::Error::new(e.kind(), message)));
        }
    }
    if fs::metadata(output).is_ok_and(|m| m.is_dir()) {
        return Err(Error::io(
            output,
            io::Error::new(io::ErrorKind::IsADirectory, "is a folder, not a file"),
        ));
    }
    Ok(())
}

/// Whether `a` and `b` name the same file: same device and inode when both exist (through
/// links, hard links and `..`), else the same canonical folder and name.
pub fn same_file(a: &Path, b: &Path) -> bool {
    identity(a) == identity(b)
}

fn identity(path: &Path) -> Identity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = fs::metadata(path) {
            return Identity::Inode(meta.dev(), meta.ino());
        }
    }
    let folder = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let folder = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    Identity::Path(folder.join(path.file_name().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::io::atomic::tests::{names as listing, scratch};

    fn text(path: &Path, content: &'static str) -> impl FnOnce(&mut BufWriter<File>) -> Result<()> {
        let path = path.to_path_buf();
        move |w| w.write_all(content.as_bytes()).map_err(|e| Error::io(&path, e))
    }

    #[test]
    fn every_part_appears_only_at_commit() {
        let dir = scratch("set-commit");
        let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
        fs::write(&b, "old").unwrap();
        let mut set = OutputSet::new(&[&a, &b], &[]).unwrap();
        set.write(&a, text(&a, "A")).unwrap();
        set.write(&b, text(&b, "B")).unwrap();
        assert!(!a.exists() && fs::read_to_string(&b).unwrap() == "old");
        set.commit().unwrap();
        assert_eq!(
            (fs::read_to_string(&a).unwrap(), fs::read_to_string(&b).unwrap()),
            ("A".into(), "B".into())
        );
        assert_eq!(listing(&dir), ["a.txt", "b.txt"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failing_part_leaves_no_file_behind() {
        let dir = scratch("set-fail");
        let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
        let result = (|| {
            let mut set = OutputSet::new(&[&a, &b], &[])?;
            set.write(&a, text(&a, "A"))?;
            set.write(&b, |w| {
                w.write_all(b"half").map_err(|e| Error::io("b.txt", e))?;
                Err(Error::Shape("the second part failed".into()))
            })?;
            set.commit()
        })();
        assert!(result.unwrap_err().to_string().contains("second part failed"));
        assert!(listing(&dir).is_empty(), "left behind: {:?}", listing(&dir));
        // A set dropped before its commit, and one committed with a part unwritten, leave nothing.
        drop(OutputSet::new(&[&a, &b], &[]).unwrap());
        let mut set = OutputSet::new(&[&a, &b], &[]).unwrap();
        set.write(&a, text(&a, "A")).unwrap();
        assert!(set.commit().unwrap_err().to_string().contains("b.txt: was never written"));
        assert!(listing(&dir).is_empty(), "left behind: {:?}", listing(&dir));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn path_writers_fill_their_part_and_errors_name_the_target() {
        let dir = scratch("set-path");
        let (x, y) = (dir.join("x.npy"), dir.join("y.npy"));
        let mut set = OutputSet::new(&[&x, &y], &[]).unwrap();
        // Writers that choose the format from the extension see the target's.
        set.write_path(&x, |p| {
            assert_eq!(p.extension().and_then(|e| e.to_str()), Some("npy"), "{}", p.display());
            crate::io::write_npy(p, &[2], &[1.0f64, 2.0])
        })
        .unwrap();
        let err =
            set.write_path(&y, |p| Err(Error::io(p, io::Error::other("disk full")))).unwrap_err().to_string();
        assert_eq!(err, format!("{}: disk full", y.display()));
        set.write_path(&y, |p| crate::io::write_npy(p, &[1], &[3u8])).unwrap();
        set.commit().unwrap();
        assert_eq!(crate::io::read_npy(&x).unwrap().shape, [2]);
        assert_eq!(listing(&dir), ["x.npy", "y.npy"]);
    }

    #[test]
    fn bad_paths_are_refused_before_any_work() {
        let dir = scratch("set-check");
        let (a, input) = (dir.join("a.txt"), dir.join("in.mtx"));
        fs::write(&input, "x").unwrap();
        let err = |outs: &[&Path], ins: &[&Path]| OutputSet::new(outs, ins).unwrap_err().to_string();
        let e = err(&[&dir.join("no/such/x.txt")], &[]);
        assert!(e.contains("its folder") && e.contains("no/such"), "{e}");
        assert!(err(&[&dir], &[]).contains("is a folder"));
        let e = err(&[&a, &dir.join(".").join("a.txt")], &[]);
        assert!(e.contains("is the same file as another output"), "{e}");
        let e = err(&[&a, &input], &[&input]);
        assert!(e.contains("in.mtx: is the same file as the input"), "{e}");
        #[cfg(unix)]
        {
            let link = dir.join("link.mtx");
            fs::hard_link(&input, &link).unwrap();
            assert!(err(&[&link], &[&input]).contains("the input"));
            std::os::unix::fs::symlink(&input, dir.join("sym.mtx")).unwrap();
            assert!(err(&[&dir.join("sym.mtx")], &[&input]).contains("the input"));
        }
        let mut want = vec!["in.mtx".to_string()];
        if cfg!(unix) {
            want.extend(["link.mtx".into(), "sym.mtx".into()]);
        }
        assert_eq!(listing(&dir), want, "a refused set left files");
        fs::remove_dir_all(&dir).unwrap();
    }
}
