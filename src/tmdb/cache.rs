//! The response cache that makes a fetch resumable: one file per finished request, written
//! atomically, checked when read back.
//!
//! ```text
//! DIR/cache/<readable key>-<fnv1a64 of key>.json   the raw body of a 200 response that parsed
//! DIR/cache/<…>.json.corrupt                        a cached file that no longer parses, set
//!                                                   aside (and re-fetched) rather than deleted
//! ```
//!
//! A body is stored only after it parsed, through [`crate::io::write_atomic`] (temp + fsync +
//! rename): killing the process at any moment leaves each file whole or absent, so a rerun
//! repeats at most the requests that were in flight. The key is [`super::Request::cache_key`]
//! (path and sorted query, built before credentials are added), so no file name or content
//! holds the API key. Posters need no entry here: `DIR/posters/<id>.jpg` is itself the record,
//! and it counts as done only if it is whole and decodes ([`super::poster_is_valid`]). The
//! rate limiter keeps its recent request times beside the entries, in `rate.json`.
//!
//! ```
//! use cinegenre::tmdb::{Cache, Lookup};
//! let dir = std::env::temp_dir().join(format!("cinegenre-cache-doc-{}", std::process::id()));
//! let cache = Cache::open(&dir).unwrap();
//! cache.put("movie/603", b"{\"id\": 603}").unwrap();
//! let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string());
//! assert!(matches!(cache.get("movie/603", parse), Lookup::Hit(v) if v["id"] == 603));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::write_atomic;

/// The largest JSON body read from the API or the cache (TMDB's pages are ~10 KB).
pub const MAX_JSON_BYTES: u64 = 8 << 20;

/// A folder of cached response bodies.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// What the cache holds for a key.
#[derive(Debug)]
pub enum Lookup<T> {
    /// A stored body that parsed.
    Hit(T),
    /// Nothing stored.
    Miss,
    /// A stored body that did not parse: moved aside, with a message naming the file.
    Corrupt(String),
}

impl Cache {
    /// Open (creating it if needed) the cache folder `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Cache { dir: dir.to_path_buf() })
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds `key`'s body.
    pub fn path_for(&self, key: &str) -> PathBuf {
        let readable: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '=' { c } else { '_' })
            .take(80)
            .collect();
        self.dir.join(format!("{readable}-{:016x}.json", fnv1a64(key.as_bytes())))
    }

    /// The stored body of `key`, parsed by `parse`; a body that fails to parse is moved to
    /// `<file>.corrupt` and reported, so the caller fetches it again.
    pub fn get<T>(&self, key: &str, parse: impl FnOnce(&[u8]) -> Result<T, String>) -> Lookup<T> {
        let path = self.path_for(key);
        // Regular files only (a link or FIFO in the cache is never followed or waited on).
        let parsed = match crate::io::state::read_state(&path, MAX_JSON_BYTES) {
            Ok(None) => return Lookup::Miss,
            Ok(Some(bytes)) => parse(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(e.to_string()),
            Err(e) => return Lookup::Corrupt(format!("{}: unreadable cache file ({e})", path.display())),
        };
        match parsed {
            Ok(value) => Lookup::Hit(value),
            Err(why) => {
                let aside = path.with_extension("json.corrupt");
                let moved = std::fs::rename(&path, &aside).is_ok();
                Lookup::Corrupt(format!(
                    "{}: corrupted cache file ({why}); {}, fetching it again",
                    path.display(),
                    if moved {
                        format!("kept as {}", aside.display())
                    } else {
                        "could not move it aside".into()
                    }
                ))
            }
        }
    }

    /// Store `body` for `key` atomically.
    pub fn put(&self, key: &str, body: &[u8]) -> Result<()> {
        let path = self.path_for(key);
        write_atomic(&path, |w| w.write_all(body).map_err(|e| Error::io(&path, e)))
    }
}

/// FNV-1a, 64 bits: a stable, dependency-free name hash (not for security).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("cinegenre-cache-{name}-{}", std::process::id()))
    }

    #[test]
    fn corrupt_entries_are_set_aside_and_reported() {
        let dir = temp("corrupt");
        let cache = Cache::open(&dir).unwrap();
        let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string());
        assert!(matches!(cache.get("genre/movie/list", parse), Lookup::Miss));
        cache.put("genre/movie/list", b"{\"genres\": [").unwrap();
        cache.put("configuration", b"{}").unwrap();
        let Lookup::Corrupt(message) = cache.get("genre/movie/list", parse) else { panic!("not reported") };
        assert!(message.contains("genre_movie_list") && message.contains("corrupted"), "{message}");
        assert!(matches!(cache.get("genre/movie/list", parse), Lookup::Miss));
        assert!(matches!(cache.get("configuration", parse), Lookup::Hit(_)), "other entries were lost");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_differ_for_keys_that_read_alike() {
        let cache = Cache { dir: PathBuf::from("c") };
        assert_ne!(cache.path_for("search/movie?query=a b"), cache.path_for("search/movie?query=a_b"));
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
