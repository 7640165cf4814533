//! The features of the poster MLP in `cinegenre run` (tutorial section 7): the posters of the
//! run's movies → VGG16 features, cached and resumable. The model itself is trained by the
//! run's model registry (`crate::run::models::PosterMlp`, through the MLP branch shared with the
//! text model).
//!
//! ```text
//! posters   DIR/<tmdb_id>.jpg for the run's movies, in the run's order (default: the 1,300
//!           posters bundled in fixtures/posters: see [`bundled_posters_dir`]; --posters DIR)
//! features  VGG16 (--vgg-weights FILE, else seeded random weights: NOT meaningful) at 224×224,
//!           Keras preprocessing → OUT/poster_features.npy + .ids.json, reused when the weights,
//!           recipe and posters match, resumed when interrupted (crate::vgg::extract)
//! ```
//!
//! Reference: the tutorial's `model_visual` (ALGORITHMS.md §11; the tutorial printed mean
//! per-movie precision 0.49 and recall 0.50 with ImageNet weights). Without a weight file the
//! features come from a random network and the scores say little about posters — the report
//! says so.
//!
//! Cost: 30.7 GFLOP per poster for the features (once, then cached).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::backend::Backend;
use crate::dataset::Movie;
use crate::error::{Error, Result};
use crate::io::{NpyData, read_npy};
use crate::layout::{POSTER_FEATURES, POSTER_FEATURES_IDS};
use crate::vgg::extract::{ExtractConfig, FeatureIndex, ImageInput, extract_features, list_images};
use crate::vgg::network::{Precision, Vgg};
use crate::vgg::preprocess::Preprocess;
use crate::vgg::{Architecture, FlattenOrder, VggWeights};

/// Environment variable naming the folder of the bundled posters (for a binary moved away from
/// its source tree).
pub const POSTERS_ENV: &str = "CINEGENRE_POSTERS";
/// Posters used by `run` by default: the first 800 of the 1,300 bundled ones (the VGG16 pass
/// is ~60% of the run at ~16 posters/s in bf16 on 2 cores; `--poster-limit 1300` takes all).
pub const DEFAULT_POSTERS: usize = 800;
/// Posters used by `run --quick`.
pub const QUICK_POSTERS: usize = 60;
/// Poster-MLP epochs: the tutorial's first, verbose fit. It then ran 50 more; on standardised
/// features the training accuracy passes 0.99 by epoch 5 and the test scores level off well
/// before 10 (see `crate::run::models::poster_mlp`).
pub const EPOCHS: usize = 10;
/// Poster-MLP epochs with `--quick`.
pub const QUICK_EPOCHS: usize = 10;
/// What the report says of features from a random network.
pub const RANDOM_WEIGHTS_NOTE: &str = "random weights — not meaningful";

/// The posters bundled with the crate (1,300 w185 JPEGs, not inside the binary), looked for in
/// this order: `$CINEGENRE_POSTERS`; `posters/` or `fixtures/posters/` next to the binary (or
/// two and three folders up, where cargo puts binaries); the source tree the binary was built
/// from. An error says how to point at them when none exists.
pub fn bundled_posters_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(POSTERS_ENV) {
        let dir = PathBuf::from(dir);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(Error::param(POSTERS_ENV, format!("{} is not a folder", dir.display())))
        };
    }
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            candidates.push(dir.join("posters"));
            candidates.push(dir.join("fixtures").join("posters"));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("posters"));
    candidates.into_iter().find(|d| d.join("index.csv").is_file()).ok_or_else(|| {
        Error::param(
            "posters",
            format!(
                "the bundled posters were not found next to the binary nor in {}: pass --posters DIR, \
                 set {POSTERS_ENV}=DIR (the repository's fixtures/posters), copy that folder next to \
                 the binary as posters/, or run with --no-posters",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("posters").display()
            ),
        )
    })
}

/// How the poster branch runs.
#[derive(Debug, Clone)]
pub struct PosterOptions {
    /// Poster folder (`<tmdb_id>.jpg`); `None`: [`bundled_posters_dir`].
    pub dir: Option<PathBuf>,
    /// VGG16 weights (safetensors or Keras .h5); `None`: random weights from the run's seed.
    pub weights: Option<PathBuf>,
    /// At most this many posters (the first in the run's movie order); `None`: all.
    pub limit: Option<usize>,
    /// The network: VGG16 (tests use a narrowed one).
    pub arch: Architecture,
    /// Input side in pixels (224 as the tutorial; tests use less).
    pub input_size: usize,
    /// Images per forward pass.
    pub batch: usize,
    /// MLP epochs and batch.
    pub epochs: usize,
    pub mlp_batch: usize,
    /// Arithmetic of the convolutions (bf16: AMX tiles, CPU only).
    pub precision: Precision,
}

impl PosterOptions {
    /// The tutorial's branch on [`DEFAULT_POSTERS`] posters; `quick`: [`QUICK_POSTERS`] posters
    /// and [`QUICK_EPOCHS`] epochs.
    pub fn tutorial(quick: bool) -> PosterOptions {
        PosterOptions {
            dir: None,
            weights: None,
            limit: Some(if quick { QUICK_POSTERS } else { DEFAULT_POSTERS }),
            arch: Architecture::vgg16(),
            input_size: crate::vgg::preprocess::INPUT_SIZE,
            batch: 8,
            epochs: if quick { QUICK_EPOCHS } else { EPOCHS },
            mlp_batch: 64,
            precision: Precision::F32,
        }
    }
}

/// What the branch did, as written to `metrics.json`.
#[derive(Debug, Clone, Serialize)]
pub struct PosterSummary {
    pub network: String,
    /// Arithmetic of the convolutions: `f32`, or `bf16` (AMX tiles).
    pub precision: String,
    /// The weight file, or [`RANDOM_WEIGHTS_NOTE`] with the seed.
    pub weights: String,
    pub meaningful: bool,
    pub posters_dir: PathBuf,
    /// How the MLP saw the features: `standardized` (per-feature, training statistics) or `raw`.
    pub scaling: String,
    /// Run movies with a poster file, before `limit`.
    pub posters_found: usize,
    pub posters_used: usize,
    pub skipped: Vec<String>,
    /// Whether an earlier run's features were reused (not in metrics.json: it changes between
    /// two otherwise identical runs).
    #[serde(skip)]
    pub features_cached: bool,
    pub feature_dim: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub epochs: usize,
    pub final_loss: f64,
    pub final_binary_accuracy: f64,
    pub device: String,
}

/// The posters in `dir` of `movies`, in movie order: (input, movie row) pairs, and how many
/// movies had one before `limit`.
pub fn poster_inputs(
    dir: &Path,
    movies: &[Movie],
    limit: Option<usize>,
) -> Result<(Vec<(ImageInput, usize)>, usize)> {
    if !dir.is_dir() {
        return Err(Error::param("posters", format!("{} is not a folder of posters", dir.display())));
    }
    let by_id: HashMap<String, ImageInput> =
        list_images(dir)?.into_iter().map(|i| (i.id.clone(), i)).collect();
    let found: Vec<(ImageInput, usize)> = movies
        .iter()
        .enumerate()
        .filter_map(|(row, m)| by_id.get(&m.id.to_string()).map(|i| (i.clone(), row)))
        .collect();
    let n = found.len();
    Ok((found.into_iter().take(limit.unwrap_or(usize::MAX)).collect(), n))
}

/// The VGG network of the branch: weights from the file, or random from `seed`.
pub fn network(options: &PosterOptions, seed: u32, backend: Backend) -> Result<Vgg> {
    let weights = match &options.weights {
        Some(path) => VggWeights::load(path, options.arch.clone())?,
        None => VggWeights::random(options.arch.clone(), seed),
    };
    Vgg::with_precision(weights, backend, options.precision)
}

/// The network a feature index was extracted with, rebuilt for new images (`classify`):
/// the same weight file, or the same seeded random draw.
pub fn network_of_index(index: &FeatureIndex, backend: Backend) -> Result<Vgg> {
    let depth = index.arch.strip_prefix("vgg").and_then(|d| d.parse().ok());
    let arch = Architecture::vgg(depth.ok_or_else(|| {
        Error::param("arch", format!("the poster features were made by `{}`, not a VGG network", index.arch))
    })?)?;
    let seed = index.weights.strip_prefix("random weights (seed ").and_then(|s| s.strip_suffix(')'));
    let weights = match seed {
        Some(seed) => VggWeights::random(
            arch,
            seed.parse().map_err(|_| Error::param("weights", format!("bad seed in `{}`", index.weights)))?,
        ),
        None => VggWeights::load(Path::new(&index.weights), arch)?,
    };
    // The same arithmetic too, so a new poster's features are comparable with the training rows.
    Vgg::with_precision(weights, backend, index.precision.parse()?)
}

/// Features of `inputs` in `out_dir`: reused when a feature file with the same weights, recipe
/// and posters is there, else extracted (continuing an interrupted extraction).
pub fn poster_features(
    vgg: &Vgg,
    inputs: &[ImageInput],
    options: &PosterOptions,
    out_dir: &Path,
    progress: bool,
) -> Result<(Vec<f32>, FeatureIndex, bool)> {
    let preprocess = Preprocess {
        size: (options.input_size, options.input_size),
        ..Preprocess::for_weights(&vgg.weights.origin)
    };
    let flatten = FlattenOrder::of(&vgg.weights.origin);
    let config = ExtractConfig { batch: options.batch, preprocess, flatten, progress };
    let (out, ids) = (out_dir.join(POSTER_FEATURES), out_dir.join(POSTER_FEATURES_IDS));
    let fresh = FeatureIndex::new(vgg, &config);
    if let Ok(index) = FeatureIndex::read(&ids)
        && index.same_recipe(&fresh)
        && index.done == inputs.len()
        && index.covers_prefix_of(inputs)
        && let Ok(rows) = read_rows(&out, index.ids.len(), index.dim)
    {
        return Ok((rows, index, true));
    }
    let index = extract_features(vgg, inputs, &config, &out, &ids)?;
    let rows = read_rows(&out, index.ids.len(), index.dim)?;
    Ok((rows, index, false))
}

fn read_rows(path: &Path, n: usize, dim: usize) -> Result<Vec<f32>> {
    let array = read_npy(path)?;
    match array.data {
        NpyData::F32(v) if array.shape == [n, dim] => Ok(v),
        _ => Err(Error::Shape(format!("{}: expected float32 ({n}, {dim})", path.display()))),
    }
}
