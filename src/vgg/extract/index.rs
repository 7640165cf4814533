//! [`FeatureIndex`]: what the rows of a feature file are — recipe, image ids and paths, the
//! size and modification time of every image read — and the checks that let an extraction
//! reuse rows only for images that have not changed since.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::{ExtractConfig, ImageInput};
use crate::error::{Error, Result};
use crate::io::write_atomic;

use crate::vgg::network::Vgg;

/// An image file as it was when it was read: a replaced or edited image differs in size or
/// modification time (nanoseconds where the file system keeps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub len: u64,
    /// Modification time: seconds and nanoseconds since the Unix epoch.
    pub modified_s: u64,
    pub modified_ns: u32,
}

impl FileStamp {
    /// The stamp of `path` now; `None` when it cannot be read (missing, no permission).
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified_s: modified.as_secs(),
            modified_ns: modified.subsec_nanos(),
        })
    }
}

/// An image that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub error: String,
    /// The file when it was tried (`None`: it could not even be examined).
    #[serde(default)]
    pub stamp: Option<FileStamp>,
}

/// What the rows of a feature file are: written beside it (`--ids`) and, while extracting, as
/// the checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureIndex {
    pub format_version: u32,
    /// Where the weights came from (a file, or `random weights (seed s)`).
    pub weights: String,
    pub arch: String,
    pub input_hw: (usize, usize),
    pub resize: String,
    pub normalization: String,
    pub flatten: String,
    /// Arithmetic of the convolutions (`f32` or `bf16`); files written before it was recorded
    /// were all f32.
    #[serde(default = "f32_name")]
    pub precision: String,
    /// Numbers per row.
    pub dim: usize,
    /// Inputs consumed (kept + skipped).
    pub done: usize,
    /// Row r is image `ids[r]` read from `paths[r]`, which then had `stamps[r]` (files written
    /// before stamps were recorded have none, and their rows are never reused).
    pub ids: Vec<String>,
    pub paths: Vec<PathBuf>,
    #[serde(default)]
    pub stamps: Vec<FileStamp>,
    pub skipped: Vec<Skipped>,
}

const FORMAT_VERSION: u32 = 1;
/// The largest index or checkpoint read: 1 GiB holds the ids, paths and stamps of millions of
/// images.
const MAX_INDEX_BYTES: u64 = 1 << 30;

fn f32_name() -> String {
    "f32".into()
}

impl FeatureIndex {
    /// An empty index for `vgg` run with `config`.
    pub fn new(vgg: &Vgg, config: &ExtractConfig) -> FeatureIndex {
        let (h, w, c) = vgg.output_shape(config.preprocess.size);
        FeatureIndex {
            format_version: FORMAT_VERSION,
            weights: vgg.weights.source.clone(),
            arch: vgg.weights.arch.name.clone(),
            input_hw: config.preprocess.size,
            resize: config.preprocess.resize.name().into(),
            normalization: config.preprocess.normalization.name().into(),
            flatten: format!("{:?}", config.flatten).to_ascii_lowercase(),
            precision: vgg.precision().to_string(),
            dim: h * w * c,
            done: 0,
            ids: Vec::new(),
            paths: Vec::new(),
            stamps: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Read an index (or checkpoint) JSON file.
    pub fn read(path: &Path) -> Result<FeatureIndex> {
        // A regular file of bounded size: a FIFO in place of a checkpoint must not block.
        let bytes = crate::io::state::read_state(path, MAX_INDEX_BYTES)
            .and_then(|b| b.ok_or_else(|| std::io::ErrorKind::NotFound.into()))
            .map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|_| Error::parse(path, None, "not UTF-8 text"))?;
        serde_json::from_str(&text).map_err(|e| Error::parse(path, Some(e.line()), e.to_string()))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, |w| self.write_to(path, w))
    }

    /// The JSON of the index into `w` (`path` names it in errors).
    pub(crate) fn write_to(&self, path: &Path, w: &mut impl Write) -> Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(|e| Error::io(path, e.into()))?;
        w.write_all(b"\n").map_err(|e| Error::io(path, e))
    }

    /// Same network, weights and recipe as `other`.
    pub fn same_recipe(&self, other: &FeatureIndex) -> bool {
        (self.format_version, &self.weights, &self.arch, self.input_hw, &self.resize)
            == (other.format_version, &other.weights, &other.arch, other.input_hw, &other.resize)
            && (&self.normalization, &self.flatten, &self.precision, self.dim)
                == (&other.normalization, &other.flatten, &other.precision, other.dim)
    }

    /// Record a kept image (row `ids.len()`), stamped as it was before it was read.
    pub(crate) fn push_kept(&mut self, input: &ImageInput, stamp: Option<FileStamp>) {
        self.ids.push(input.id.clone());
        self.paths.push(input.path.clone());
        // A file that could be decoded but not examined gets a stamp nothing will ever match.
        self.stamps.push(stamp.unwrap_or(FileStamp { len: u64::MAX, modified_s: 0, modified_ns: 0 }));
    }

    /// This index cut back to the longest prefix of `inputs` it consumed unchanged: the same
    /// paths in the same order, each file with the size and modification time recorded when it
    /// was read. Rows after the first replaced, edited, moved or new image are dropped, so that
    /// image and everything after it is extracted again.
    pub fn unchanged_prefix(&self, inputs: &[ImageInput]) -> FeatureIndex {
        let mut out = FeatureIndex {
            done: 0,
            ids: Vec::new(),
            paths: Vec::new(),
            stamps: Vec::new(),
            skipped: Vec::new(),
            ..self.clone_recipe()
        };
        if self.ids.len() != self.paths.len() || self.stamps.len() != self.paths.len() {
            return out;
        }
        let (mut kept, mut skipped) = (0, 0);
        for input in inputs.iter().take(self.done) {
            let now = FileStamp::of(&input.path);
            if self.paths.get(kept) == Some(&input.path) && now == self.stamps.get(kept).copied() {
                out.ids.push(self.ids[kept].clone());
                out.paths.push(input.path.clone());
                out.stamps.push(self.stamps[kept]);
                kept += 1;
            } else if let Some(s) =
                self.skipped.get(skipped).filter(|s| s.path == input.path && s.stamp == now)
            {
                out.skipped.push(s.clone());
                skipped += 1;
            } else {
                break;
            }
            out.done += 1;
        }
        out
    }

    /// The `done` inputs this index consumed are the first `done` of `inputs`, in order, and
    /// none of those files changed since.
    pub fn covers_prefix_of(&self, inputs: &[ImageInput]) -> bool {
        self.done <= inputs.len() && self.unchanged_prefix(inputs) == *self
    }

    fn clone_recipe(&self) -> FeatureIndex {
        FeatureIndex {
            ids: Vec::new(),
            paths: Vec::new(),
            stamps: Vec::new(),
            skipped: Vec::new(),
            weights: self.weights.clone(),
            arch: self.arch.clone(),
            resize: self.resize.clone(),
            normalization: self.normalization.clone(),
            flatten: self.flatten.clone(),
            precision: self.precision.clone(),
            ..*self
        }
    }
}
