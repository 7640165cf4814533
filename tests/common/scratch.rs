//! A scratch folder for one test: fresh and empty when made, removed when dropped — kept when
//! the test panicked, for a look. It derefs to its [`Path`], so `dir.join(…)`, `&dir` and
//! `dir.display()` read as they would on a `PathBuf`. Included by path from binaries that use
//! only part of it, hence `allow(dead_code)`.
#![allow(dead_code)]

use std::ops::Deref;
use std::path::{Path, PathBuf};

pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `$TMPDIR/cinegenre-{binary}-{name}-{pid}`, emptied if a crashed run left it.
    pub fn new(binary: &str, name: &str) -> Self {
        Self::at(std::env::temp_dir().join(format!("cinegenre-{binary}-{name}-{}", std::process::id())))
    }

    /// The folder `dir`, emptied first.
    pub fn at(dir: PathBuf) -> Self {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        ScratchDir(dir)
    }
}

impl Deref for ScratchDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for ScratchDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A file in its own [`ScratchDir`]: the folder lives as long as the path is held.
pub struct ScratchFile {
    path: PathBuf,
    _dir: ScratchDir,
}

impl ScratchFile {
    /// `content` written to `name` in a fresh `ScratchDir::new(binary, label)`.
    pub fn new(binary: &str, label: &str, name: &str, content: &[u8]) -> Self {
        let dir = ScratchDir::new(binary, label);
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        ScratchFile { path, _dir: dir }
    }
}

impl Deref for ScratchFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for ScratchFile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}
