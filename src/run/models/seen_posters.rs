//! The posters the run's poster MLP trained on, recorded by content, so that `classify --poster`
//! can say when it is shown one of them: a network scores its own training images from memory
//! (the Toy Story poster: Family 0.996 on random VGG16 weights), which is no prediction.
//!
//! ```text
//! OUT/poster_training.json   {"format_version": 1, "hash": "fnv1a64",
//!                             "posters": [{"id": "862", "bytes": 31337, "fnv1a64": "9f…"}, …]}
//! ```
//! A poster matches when its length and its 64-bit FNV-1a hash both do:
//! h₀ = 0xcbf29ce484222325, hᵢ₊₁ = (hᵢ ⊕ byteᵢ) · 0x100000001b3 (mod 2⁶⁴) — not cryptographic,
//! but two different posters of the same length collide with probability about 2⁻⁶⁴. The
//! content, not the path, is what counts: a training poster copied or renamed is still one.
//!
//! Cost: one pass over each training poster's bytes when the run writes it, one over the given
//! poster's when `classify` reads it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Version of the file's layout.
const FORMAT_VERSION: u32 = 1;

/// The training posters of a run, by content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeenPosters {
    format_version: u32,
    /// The content hash used (`fnv1a64`).
    hash: String,
    posters: Vec<SeenPoster>,
}

/// One training poster.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SeenPoster {
    /// Its movie's TMDB id (the file's stem).
    id: String,
    /// Its length in bytes.
    bytes: u64,
    /// [`fnv1a64`] of its bytes, 16 hex digits.
    fnv1a64: String,
}

impl SeenPosters {
    /// Hash the posters at `posters` ((movie id, path)).
    pub fn of(posters: &[(&str, &Path)]) -> Result<SeenPosters> {
        let posters = posters
            .iter()
            .map(|&(id, path)| {
                let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                Ok(SeenPoster {
                    id: id.to_string(),
                    bytes: bytes.len() as u64,
                    fnv1a64: format!("{:016x}", fnv1a64(&bytes)),
                })
            })
            .collect::<Result<_>>()?;
        Ok(SeenPosters { format_version: FORMAT_VERSION, hash: "fnv1a64".into(), posters })
    }

    /// Write the file (temporary file, then rename).
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::run::write::write_json(path, self)
    }

    /// Read a file [`SeenPosters::write`] wrote.
    pub fn read(path: &Path) -> Result<SeenPosters> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let seen: SeenPosters = serde_json::from_str(&text).map_err(|e| {
            Error::parse(path, Some(e.line()), format!("not the poster MLP's list of training posters: {e}"))
        })?;
        if seen.format_version != FORMAT_VERSION || seen.hash != "fnv1a64" {
            return Err(Error::parse(
                path,
                None,
                format!(
                    "format_version {} with hash {:?}: this build reads version {FORMAT_VERSION} with fnv1a64; \
                     rerun `cinegenre run`",
                    seen.format_version, seen.hash
                ),
            ));
        }
        Ok(seen)
    }

    /// The movie id of the training poster whose content `bytes` are, if any.
    pub fn find(&self, bytes: &[u8]) -> Option<&str> {
        let hash = format!("{:016x}", fnv1a64(bytes));
        self.posters
            .iter()
            .find(|p| p.bytes == bytes.len() as u64 && p.fnv1a64 == hash)
            .map(|p| p.id.as_str())
    }

    /// How many posters it lists.
    pub fn len(&self) -> usize {
        self.posters.len()
    }

    /// Whether it lists none.
    pub fn is_empty(&self) -> bool {
        self.posters.is_empty()
    }
}

/// 64-bit FNV-1a of `bytes` (Fowler, Noll, Vo; <http://www.isthe.com/chongo/tech/comp/fnv/>).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_poster_is_found_by_content_whatever_its_name() {
        let dir = std::env::temp_dir().join(format!("cinegenre-seen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("862.jpg"), dir.join("603.jpg"));
        std::fs::write(&a, b"poster of toy story").unwrap();
        std::fs::write(&b, b"poster of the matrix").unwrap();
        let seen = SeenPosters::of(&[("862", a.as_path())]).unwrap();
        let file = dir.join("poster_training.json");
        seen.write(&file).unwrap();
        let seen = SeenPosters::read(&file).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen.find(b"poster of toy story"), Some("862"));
        assert_eq!(seen.find(b"poster of the matrix"), None);
        assert_eq!(seen.find(b"poster of toy storz"), None);
        std::fs::write(&file, r#"{"format_version": 9, "hash": "fnv1a64", "posters": []}"#).unwrap();
        let e = SeenPosters::read(&file).unwrap_err().to_string();
        assert!(e.contains("poster_training.json") && e.contains("format_version 9"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
