//! The poster branch of `cinegenre run` (tutorial section 7): posters of the run's movies →
//! VGG16 features → a seeded 80/20 split → the poster MLP → its three best genres per test movie,
//! scored as the tutorial scores them.
//!
//! ```text
//! posters   DIR/<tmdb_id>.jpg for the run's movies, in the run's order (default: the 1,300
//!           posters bundled in fixtures/posters, found through CARGO_MANIFEST_DIR; --posters DIR)
//! features  VGG16 (--vgg-weights FILE, else seeded random weights: NOT meaningful) at 224×224,
//!           Keras preprocessing → OUT/poster_features.npy + .ids.json, reused when the weights,
//!           recipe and posters match, resumed when interrupted (crate::vgg::extract)
//! split     tutorial_mask(kept posters, seed, 0.8), a fresh draw as the tutorial's msk over X
//! train     Dense(1024) ReLU → Dense(256) ReLU → Dense(20) sigmoid, binary cross-entropy,
//!           RMSprop(lr 1e-4, decay 1e-6), batches of 64, 20 epochs ([`EPOCHS`]; the tutorial: 60)
//! evaluate  top-3 genres per test movie → classification report and per-movie P/R
//! write     OUT/poster_mlp.safetensors
//! ```
//!
//! Reference: the tutorial's `model_visual` (ALGORITHMS.md §11; the tutorial printed mean
//! per-movie precision 0.49 and recall 0.50 with ImageNet weights). Deviations: Glorot weights
//! and shuffles from a seeded MT19937; without a weight file the features come from a random
//! network and the scores say nothing about posters — the report says so.
//!
//! Cost: 30.7 GFLOP per poster for the features (once, then cached); the MLP
//! ≈ 6·n·25.9 M flops per epoch (≈ 0.16 TFLOP per epoch for 1,050 training posters).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::extract::{ExtractConfig, FeatureIndex, ImageInput, extract_features, list_images};
use super::network::{Precision, Vgg};
use super::preprocess::Preprocess;
use super::{Architecture, FlattenOrder, VggWeights};
use crate::backend::Backend;
use crate::dataset::Movie;
use crate::embed::text_model::{TOP_K, top_k_predictions};
use crate::error::{Error, Result};
use crate::io::{NpyData, read_npy};
use crate::kernels::Activation;
use crate::labels::LabelMatrix;
use crate::metrics::Evaluation;
use crate::mlp::{Mlp, MlpModel, OptimizerKind, Output, TrainParams, fit};
use crate::split::{split_from_mask, tutorial_mask};

/// The features of the run's posters.
pub const FEATURES_FILE: &str = "poster_features.npy";
/// Their index (ids, paths, weights, recipe).
pub const FEATURES_IDS_FILE: &str = "poster_features.ids.json";
/// The poster MLP of the run.
pub const POSTER_MLP_FILE: &str = "poster_mlp.safetensors";
/// Posters used by `run --quick`.
pub const QUICK_POSTERS: usize = 60;
/// Poster-MLP epochs. The tutorial ran 60 (10 + 50); one epoch over ~1,050 posters takes
/// 4–7.5 s on two cores (`cinegenre bench mlp`, 25088→1024→256→20), so 60 would take the full
/// `run` past its 10-minute budget after ~5 min of VGG16 features: 20 keep it inside.
pub const EPOCHS: usize = 20;
/// Poster-MLP epochs with `--quick`.
pub const QUICK_EPOCHS: usize = 10;
/// What the tutorial printed for its poster MLP: mean per-movie (precision, recall).
pub const TUTORIAL_POSTER_MLP: (f64, f64) = (0.4899, 0.5002);
/// What the report says of features from a random network.
pub const RANDOM_WEIGHTS_NOTE: &str = "random weights — not meaningful";

/// The posters bundled with the crate (`fixtures/posters`, not inside the binary).
pub fn bundled_posters_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("posters")
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
    /// The tutorial's branch; `quick`: [`QUICK_POSTERS`] posters and [`QUICK_EPOCHS`] epochs.
    pub fn tutorial(quick: bool) -> PosterOptions {
        PosterOptions {
            dir: None,
            weights: None,
            limit: quick.then_some(QUICK_POSTERS),
            arch: Architecture::vgg16(),
            input_size: super::preprocess::INPUT_SIZE,
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
    /// Run movies with a poster file, before `limit`.
    pub posters_found: usize,
    pub posters_used: usize,
    pub skipped: Vec<String>,
    pub features_cached: bool,
    pub feature_dim: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub epochs: usize,
    pub final_loss: f64,
    pub final_binary_accuracy: f64,
    pub device: String,
}

/// The trained poster MLP and its top-3 evaluation on the held-out posters.
#[derive(Debug, Clone)]
pub struct PosterResult {
    pub model: Mlp,
    pub evaluation: Evaluation,
    pub summary: PosterSummary,
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
    let (out, ids) = (out_dir.join(FEATURES_FILE), out_dir.join(FEATURES_IDS_FILE));
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

/// The whole branch: posters → features → split → MLP → top-3 evaluation → `poster_mlp`.
#[allow(clippy::too_many_arguments)]
pub fn run_poster_branch(
    movies: &[Movie],
    labels: &LabelMatrix,
    genres: &[String],
    seed: u32,
    train_fraction: f64,
    options: &PosterOptions,
    backend: &Backend,
    out_dir: &Path,
    progress: bool,
) -> Result<PosterResult> {
    let dir = options.dir.clone().unwrap_or_else(bundled_posters_dir);
    let (pairs, found) = poster_inputs(&dir, movies, options.limit)?;
    if pairs.len() < 10 {
        return Err(Error::Shape(format!(
            "{} has posters for only {} of the run's movies; at least 10 are needed (or --no-posters)",
            dir.display(),
            pairs.len()
        )));
    }
    let inputs: Vec<ImageInput> = pairs.iter().map(|(i, _)| i.clone()).collect();
    let row_of: HashMap<&Path, usize> = pairs.iter().map(|(i, r)| (i.path.as_path(), *r)).collect();
    let vgg = network(options, seed, backend.clone())?;
    let (x, index, cached) = poster_features(&vgg, &inputs, options, out_dir, progress)?;
    let dim = index.dim;
    let movie_rows: Vec<usize> = index.paths.iter().map(|p| row_of[p.as_path()]).collect();
    let y = labels.select_rows(&movie_rows);
    let split = split_from_mask(&tutorial_mask(movie_rows.len(), seed, train_fraction));
    if split.train.is_empty() || split.test.is_empty() {
        return Err(Error::Shape(format!(
            "{} posters leave {} training and {} test movies; both need some",
            movie_rows.len(),
            split.train.len(),
            split.test.len()
        )));
    }
    let rows = |idx: &[usize]| -> Vec<f32> {
        idx.iter().flat_map(|&i| x[i * dim..(i + 1) * dim].iter().copied()).collect()
    };
    let (x_train, x_test) = (rows(&split.train), rows(&split.test));
    let (y_train, y_test) = (y.select_rows(&split.train), y.select_rows(&split.test));
    let g = labels.n_cols();
    let model = Mlp::new(&[dim, 1024, 256, g], Activation::Relu, Output::Sigmoid, seed)?;
    let targets: Vec<f32> = y_train.as_slice().iter().map(|&v| f32::from(v)).collect();
    let params = TrainParams {
        epochs: options.epochs,
        batch: options.mlp_batch,
        seed,
        optimizer: OptimizerKind::tutorial(),
        quiet: !progress,
        ..TrainParams::default()
    };
    let (model, history) = fit(backend, model, &x_train, &targets, &params)?;
    let predicted = top_k_predictions(backend, &model, &x_test, split.test.len(), TOP_K)?;
    let evaluation = Evaluation::new(y_test.as_slice(), &predicted, genres, 2)?;
    MlpModel { mlp: model.clone(), labels: genres.to_vec() }.save(&out_dir.join(POSTER_MLP_FILE))?;
    let meaningful = options.weights.is_some();
    let last = history.epochs.last();
    let summary = PosterSummary {
        network: vgg.weights.arch.name.clone(),
        precision: vgg.precision().to_string(),
        weights: if meaningful {
            vgg.weights.source.clone()
        } else {
            format!("{RANDOM_WEIGHTS_NOTE} (seed {seed})")
        },
        meaningful,
        posters_dir: dir,
        posters_found: found,
        posters_used: index.ids.len(),
        skipped: index.skipped.iter().map(|s| format!("{}: {}", s.path.display(), s.error)).collect(),
        features_cached: cached,
        feature_dim: dim,
        train_rows: split.train.len(),
        test_rows: split.test.len(),
        epochs: history.epochs.len(),
        final_loss: last.map_or(f64::NAN, |e| e.loss),
        final_binary_accuracy: last.map_or(f64::NAN, |e| e.accuracy),
        device: backend.name(),
    };
    Ok(PosterResult { model, evaluation, summary })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Bundled, GenreMap, load_bundled};
    use crate::labels::binarize;

    #[test]
    fn bundled_posters_belong_to_bundled_movies_and_the_branch_reuses_its_features() {
        let (movies, _) = load_bundled(Bundled::All).unwrap();
        let (all, found) = poster_inputs(&bundled_posters_dir(), &movies, None).unwrap();
        assert_eq!((all.len(), found), (1300, 1300), "every bundled poster has a movie");
        let labels = binarize(&movies, Some(GenreMap::tmdb_2017().ids())).unwrap().labels;
        let genres = GenreMap::tmdb_2017().names_for(labels.genre_ids());
        let options = PosterOptions {
            limit: Some(24),
            arch: Architecture::vgg16().narrowed(32),
            input_size: 32,
            epochs: 2,
            ..PosterOptions::tutorial(true)
        };
        let dir = std::env::temp_dir().join(format!("cinegenre-poster-branch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let run =
            || run_poster_branch(&movies, &labels, &genres, 1, 0.8, &options, &Backend::Scalar, &dir, false);
        let first = run().unwrap();
        assert_eq!(first.summary.posters_used, 24);
        assert!(!first.summary.features_cached && !first.summary.meaningful);
        assert!(first.summary.weights.starts_with(RANDOM_WEIGHTS_NOTE));
        assert_eq!(first.summary.train_rows + first.summary.test_rows, 24);
        let second = run().unwrap();
        assert!(second.summary.features_cached);
        assert_eq!(second.evaluation.mean_precision, first.evaluation.mean_precision);
        assert!(dir.join(POSTER_MLP_FILE).exists());
        assert_eq!(second.summary.precision, "f32");
        // bf16 features are other numbers: the f32 cache must not be taken for them.
        let bf16 = PosterOptions { precision: Precision::Bf16, ..options.clone() };
        let cpu = Backend::cpu().unwrap();
        let run_bf16 = || run_poster_branch(&movies, &labels, &genres, 1, 0.8, &bf16, &cpu, &dir, false);
        match run_bf16() {
            Ok(third) => {
                assert!(!third.summary.features_cached, "bf16 run reused f32 features");
                assert_eq!(third.summary.precision, "bf16");
                assert!(run_bf16().unwrap().summary.features_cached);
            }
            Err(e) => {
                assert!(!crate::kernels::gemm::amx::available() && e.to_string().contains("AMX"), "{e}");
                eprintln!("AMX not available here, checked the error instead: {e}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
