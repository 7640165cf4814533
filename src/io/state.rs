//! State and cache files (the TMDB rate file, the GPU tile-tuning cache, resume indexes): read
//! only when they are regular files of bounded size, written without following a link.
//!
//! ```text
//! read    lstat: absent → None; a link, FIFO, device or folder → error (never opened, so a
//!         FIFO cannot block); size > max → error; open O_NOFOLLOW|O_NONBLOCK; fstat again
//!         (the file may have been swapped); read at most max + 1 bytes
//! write   temp sibling .NAME.tmp-PID created with create_new (a planted link there is an
//!         error, not followed) → fill → rename over NAME (a rename replaces a link at NAME,
//!         it never writes through it)
//! open    for in-place updates (pwrite): O_NOFOLLOW|O_NONBLOCK, then fstat must say regular
//! ```
//!
//! Cost: one `lstat` and one `fstat` per read, nothing proportional to the file beyond the read.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// `open(2)` flags: do not follow a final symbolic link, do not block on a FIFO.
#[cfg(all(target_os = "linux", any(target_arch = "aarch64", target_arch = "arm")))]
pub(crate) const NO_FOLLOW_NO_BLOCK: i32 = 0o100000 | 0o4000;
#[cfg(all(target_os = "linux", not(any(target_arch = "aarch64", target_arch = "arm"))))]
pub(crate) const NO_FOLLOW_NO_BLOCK: i32 = 0o400000 | 0o4000;
#[cfg(target_os = "macos")]
pub(crate) const NO_FOLLOW_NO_BLOCK: i32 = 0x100 | 0x4;
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(crate) const NO_FOLLOW_NO_BLOCK: i32 = 0;

/// What a path that is not a regular file is, in words (`a symbolic link`, `a FIFO`, …).
pub fn describe_kind(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

fn not_regular(meta: &fs::Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("is {}, not a regular file: state and cache files must be plain files", describe_kind(meta)),
    )
}

/// Open `path` for reading only if it is a regular file (no link followed, no FIFO waited on).
/// `Ok(None)` when it does not exist.
pub fn open_regular(path: &Path) -> io::Result<Option<File>> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let file = options(OpenOptions::new().read(true)).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(Some(file))
}

/// The bytes of the state file `path`, at most `max_bytes` of them; `Ok(None)` when absent.
///
/// # Errors
/// The file is a link, FIFO, device or folder, is larger than `max_bytes`, or cannot be read.
pub fn read_state(path: &Path, max_bytes: u64) -> io::Result<Option<Vec<u8>>> {
    let Some(file) = open_regular(path)? else { return Ok(None) };
    let len = file.metadata()?.len();
    if len > max_bytes {
        return Err(too_large(len, max_bytes));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64, max_bytes));
    }
    Ok(Some(bytes))
}

fn too_large(len: u64, max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("is {len} bytes, larger than the {max} bytes a file of this kind can need: not read"),
    )
}

/// Open (creating when absent) the state file `path` for in-place writes, refusing a link, a
/// FIFO or a device at that name.
pub fn open_state_for_write(path: &Path) -> io::Result<File> {
    if let Ok(meta) = fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(not_regular(&meta));
    }
    let file = options(OpenOptions::new().write(true).create(true).truncate(false)).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(file)
}

/// Replace the state file `path` with `bytes`: a fresh temp sibling (`create_new`), then a
/// rename, which replaces a link at `path` instead of writing through it. No `fsync`: state
/// files are caches.
pub fn write_state(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let _ = fs::remove_file(&tmp); // a stale one of a dead process with our pid, or a planted link
    let result = create_new(&tmp).and_then(|mut f| f.write_all(bytes)).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Create `path`, which must not exist (a link planted there is not followed).
pub fn create_new(path: &Path) -> io::Result<File> {
    options(OpenOptions::new().write(true).create_new(true)).open(path)
}

/// `dir/.NAME.tmp-PID` beside `path` (the pattern [`crate::io::write_atomic`] sweeps).
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn options(o: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(NO_FOLLOW_NO_BLOCK);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cinegenre-state-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn links_fifos_and_big_files_are_refused_and_writes_replace_links() {
        let dir = scratch("all");
        let state = dir.join("state.json");
        assert!(read_state(&state, 10).unwrap().is_none());
        write_state(&state, b"12345").unwrap();
        assert_eq!(read_state(&state, 10).unwrap().unwrap(), b"12345");
        let err = read_state(&state, 4).unwrap_err();
        assert!(err.to_string().contains("5 bytes"), "{err}");

        // A link to a file outside: read refuses, write replaces the link, the target is intact.
        let outside = dir.join("outside.txt");
        fs::write(&outside, b"precious").unwrap();
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let err = read_state(&link, 100).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(open_state_for_write(&link).unwrap_err().to_string().contains("symbolic link"));
        write_state(&link, b"new").unwrap();
        assert_eq!(fs::read(&outside).unwrap(), b"precious");
        assert!(fs::symlink_metadata(&link).unwrap().is_file());

        // A device: refused without reading it.
        let err = read_state(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(err.to_string().contains("a device"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
