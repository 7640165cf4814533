//! The poster MLP in the run (tutorial section 7): the posters of the run's movies → VGG16
//! features (crate::run::posters: cached, resumable) → standardised with the training posters'
//! statistics → Dense(1024) ReLU → Dense(256) ReLU → Dense(20) sigmoid, RMSprop(lr 1e-4,
//! decay 1e-6), batches of 64 → the three best genres per test poster. `--quick` trains
//! Dense([`QUICK_HIDDEN`]) instead: 60 posters cannot fit the tutorial's 26M weights (a 104 MB
//! file for a model that does not beat the baseline), and its 1.6M make a 6 MB file.
//!
//! Scaling: the tutorial fed the raw features. On a random VGG16 (no weight file) they reach
//! ~10³ with most at 0, and RMSprop then starts at a loss above 100 and ends below the
//! most-frequent-genres baseline; standardised (`StandardScaler` on the training rows, saved in
//! the model), the same network beats it. `run --poster-scaling raw` keeps the tutorial's recipe.
//!
//! Precision: where the CPU has a bf16 unit (AMX tiles, or AVX512-BF16 pairs with Winograd)
//! the convolutions run in bf16 by default (f32 sums;
//! features within 7e-3 relative of f32, `tests/parity/vgg.rs`), else f32; `run --precision`
//! chooses. Without `--vgg-weights FILE` the weights are random: the scores then say how well
//! random convolutional features separate genres, not what a poster shows — every figure of
//! this model carries that caveat.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::layout::{self, RunLayout};
use crate::mlp::{MlpModel, OptimizerKind, Output, TrainParams};
use crate::progress::Stages;
use crate::run::posters::{
    EPOCHS, PosterOptions, PosterSummary, QUICK_EPOCHS, RANDOM_WEIGHTS_NOTE, network, network_of_index,
    poster_features, poster_inputs,
};
use crate::vgg::FlattenOrder;
use crate::vgg::extract::{FeatureIndex, ImageInput};
use crate::vgg::network::Precision;
use crate::vgg::preprocess::Preprocess;

use super::mlp_branch::{MlpBranch, TOP_K, train_and_evaluate};
use super::{NewMovie, RunData, RunModel, Scored, Scorer, SeenPosters, Trained, to_json};

/// The name people read.
const NAME: &str = "poster MLP";
use crate::run::config::{MIN_POSTERS, PosterScaling};

/// What the tutorial printed for its poster MLP (ImageNet weights): mean per-movie
/// (precision, recall).
pub const TUTORIAL: (f64, f64) = (0.4899, 0.5002);

/// Hidden layers of the poster MLP under `run --quick`.
pub const QUICK_HIDDEN: [usize; 2] = [64, 32];

/// The registry entry.
pub struct PosterMlp;

impl RunModel for PosterMlp {
    fn key(&self) -> &'static str {
        "poster_mlp"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn enabled(&self, config: &super::RunConfig) -> bool {
        config.posters
    }

    fn stages(&self) -> usize {
        2
    }

    fn train(&self, run: &RunData, stages: &mut Stages) -> Result<Trained> {
        let config = run.config;
        let mut options = PosterOptions::tutorial(config.quick);
        options.weights = config.vgg_weights.clone();
        options.dir = Some(config.effective_posters_dir()?);
        options.limit = config.poster_limit.or(options.limit);
        options.input_size = config.poster_size;
        options.precision = config.poster_precision.unwrap_or_else(|| default_precision(&run.backend));
        let dir = options.dir.clone().unwrap_or_default();

        stages.start("poster_features", "VGG16 features of the posters");
        let (pairs, found) = poster_inputs(&dir, &run.movies, options.limit)?;
        if pairs.len() < MIN_POSTERS {
            return Err(Error::Shape(format!(
                "{} has posters for only {} of the run's movies; at least {} are needed (or --no-posters)",
                dir.display(),
                pairs.len(),
                MIN_POSTERS
            )));
        }
        let inputs: Vec<ImageInput> = pairs.iter().map(|(i, _)| i.clone()).collect();
        let row_of: HashMap<&Path, usize> = pairs.iter().map(|(i, r)| (i.path.as_path(), *r)).collect();
        let vgg = network(&options, config.seed, run.backend.clone())?;
        let (x, index, cached) = poster_features(&vgg, &inputs, &options, run.layout.dir(), stages.shown())?;
        let movie_rows: Vec<usize> = index
            .paths
            .iter()
            .map(|p| {
                row_of.get(p.as_path()).copied().ok_or_else(|| {
                    Error::Shape(format!("{}: a feature row of a poster outside the run", p.display()))
                })
            })
            .collect::<Result<_>>()?;
        stages.done(&format!(
            "{} posters ({}, {}{})",
            index.ids.len(),
            if config.vgg_weights.is_some() { vgg.weights.source.as_str() } else { RANDOM_WEIGHTS_NOTE },
            vgg.precision(),
            if cached { ", cached features" } else { "" }
        ));

        // The network is done: its weights, packed kernels and activation buffers (~0.3 GB at
        // a batch of 8) go before the MLP's weights and optimiser state come, so the MLP takes
        // over their pages instead of raising the peak.
        let (network_name, precision, source) =
            (vgg.weights.arch.name.clone(), vgg.precision().to_string(), vgg.weights.source.clone());
        drop(vgg);

        stages.start(self.key(), "Training the poster MLP on VGG16 features");
        let meaningful = config.vgg_weights.is_some();
        let weights =
            if meaningful { source } else { format!("{RANDOM_WEIGHTS_NOTE} (seed {})", config.seed) };
        let branch = MlpBranch {
            key: self.key(),
            name: format!("{} (sigmoid output, top {TOP_K} genres)", self.name()),
            features: format!("{network_name} features, {weights}"),
            tutorial: TUTORIAL,
            rows: &x,
            dim: index.dim,
            movie_rows: &movie_rows,
            hidden: if config.quick { QUICK_HIDDEN.to_vec() } else { vec![1024, 256] },
            output: Output::Sigmoid,
            train: TrainParams {
                epochs: if config.quick { QUICK_EPOCHS } else { EPOCHS },
                batch: options.mlp_batch,
                seed: config.seed,
                optimizer: OptimizerKind::tutorial(),
                quiet: !stages.shown(),
                ..TrainParams::default()
            },
            standardize: config.poster_scaling == PosterScaling::Standardized,
        };
        let model_file = run.layout.path(layout::POSTER_MLP);
        let mut out = train_and_evaluate(
            &branch,
            &run.labels,
            &run.genres,
            config.seed,
            config.train_fraction,
            &run.backend,
            &model_file,
        )?;
        let seen_file = run.layout.path(layout::POSTER_TRAINING);
        let seen: Vec<(&str, &Path)> =
            out.split.train.iter().map(|&i| (index.ids[i].as_str(), index.paths[i].as_path())).collect();
        SeenPosters::of(&seen)?.write(&seen_file)?;
        if !meaningful {
            out.result.caveat =
                Some(format!("{RANDOM_WEIGHTS_NOTE}: pass --vgg-weights FILE for real features"));
        }
        let last = out.history.epochs.last();
        let summary = PosterSummary {
            network: network_name,
            precision,
            weights: weights.clone(),
            meaningful,
            posters_dir: dir,
            scaling: match config.poster_scaling {
                PosterScaling::Standardized => "standardized".into(),
                PosterScaling::Raw => "raw".into(),
            },
            posters_found: found,
            posters_used: index.ids.len(),
            skipped: index.skipped.iter().map(|s| format!("{}: {}", s.path.display(), s.error)).collect(),
            features_cached: cached,
            feature_dim: index.dim,
            train_rows: out.split.train.len(),
            test_rows: out.split.test.len(),
            epochs: out.history.epochs.len(),
            final_loss: last.map_or(f64::NAN, |e| e.loss),
            final_binary_accuracy: last.map_or(f64::NAN, |e| e.accuracy),
            device: run.backend.name(),
        };
        let model_bytes = std::fs::metadata(&model_file).map_err(|e| Error::io(&model_file, e))?.len();
        stages.done(&format!(
            "{} epochs on {} ({} train, {} test): top-3 mean precision {:.4}, recall {:.4}; {} {:.1} MB",
            summary.epochs,
            summary.device,
            summary.train_rows,
            summary.test_rows,
            out.result.evaluation.mean_precision,
            out.result.evaluation.mean_recall,
            layout::POSTER_MLP,
            model_bytes as f64 / 1e6
        ));
        let mut warnings = Vec::new();
        if !meaningful {
            warnings.push(format!(
                "poster MLP: {} uses {weights}; its scores say little about posters (pass --vgg-weights FILE)",
                summary.network
            ));
        }
        let outputs = vec![
            run.layout.path(layout::POSTER_FEATURES),
            run.layout.path(layout::POSTER_FEATURES_IDS),
            model_file,
            seen_file,
        ];
        let mut trained = Trained::new(out.result, out.predictions, outputs);
        trained.warnings = warnings;
        trained.inputs = vec![("VGG16 weights".into(), weights)];
        trained.devices =
            vec![("poster_features".into(), run.backend.clone()), (self.key().into(), run.backend.clone())];
        trained.notes.push((
            "Posters".into(),
            format!(
                "{} of {} found, VGG16 in {}, features {} for the MLP{}",
                summary.posters_used,
                summary.posters_found,
                summary.precision,
                summary.scaling,
                if summary.features_cached { " (features cached by an earlier run)" } else { "" }
            ),
        ));
        trained.details.push(("posters".into(), to_json("posters", &summary)?));
        trained.trace = Some(super::mlp_branch::trace(&out.history));
        Ok(trained)
    }

    fn load(&self, layout: &RunLayout) -> Result<Option<Box<dyn Scorer>>> {
        let Some([model, ids]) =
            super::all_present(layout, [layout::POSTER_MLP, layout::POSTER_FEATURES_IDS])
        else {
            return Ok(None);
        };
        // Runs before the list of training posters existed load without it.
        let seen = layout.existing(layout::POSTER_TRAINING).map(|p| SeenPosters::read(&p)).transpose()?;
        Ok(Some(Box::new(PosterScorer { model, index: FeatureIndex::read(&ids)?, seen })))
    }
}

/// bf16 where the CPU backend has a bf16 unit — AMX tiles or AVX512-BF16 pairs (~1.8× the
/// f32 Winograd's speed on a Zen 4, features within 7e-3 of f32) — else f32 (the scalar
/// reference and the GPU).
fn default_precision(backend: &crate::backend::Backend) -> Precision {
    let cpu = matches!(backend, crate::backend::Backend::Cpu { .. });
    if cpu && Precision::Bf16.supported_on(backend).is_ok() { Precision::Bf16 } else { Precision::F32 }
}

/// Scores a poster with the network and recipe the run's feature index records (weights, input
/// size, preprocessing, flatten order, precision), so its features match the training rows'.
struct PosterScorer {
    model: std::path::PathBuf,
    index: FeatureIndex,
    /// The posters it trained on (`None`: a run from before the file existed).
    seen: Option<SeenPosters>,
}

impl Scorer for PosterScorer {
    fn score(&self, movie: &NewMovie, _explain: usize) -> Result<Scored> {
        let Some(poster) = &movie.poster else {
            return Ok(Scored::Skipped {
                model: NAME.into(),
                reason: "no --poster given".into(),
                expected: true,
            });
        };
        // A missing file, a folder, a FIFO or a device is named as what it is.
        crate::vgg::preprocess::check_image_file(poster)
            .map_err(|e| Error::param("--poster", e.to_string()))?;
        let vgg = network_of_index(&self.index, crate::backend::Backend::cpu()?)?;
        let hw = self.index.input_hw;
        let preprocess = Preprocess { size: hw, ..Preprocess::for_weights(&vgg.weights.origin) };
        let out = vgg.forward(&preprocess.load(poster)?, 1, hw)?;
        let mut features = vec![0.0f32; out.len()];
        FlattenOrder::of(&vgg.weights.origin).flatten(&out, vgg.output_shape(hw), &mut features);
        let mut scores = super::mlp_scores(NAME, &MlpModel::load(&self.model)?, &features)?;
        if let Some(seen) = &self.seen {
            let bytes = std::fs::read(poster).map_err(|e| Error::io(poster, e))?;
            if let Some(id) = seen.find(&bytes) {
                scores.seen_in_training = Some(format!(
                    "this poster was in the training set (TMDB id {id}): its scores are recalled, not predicted"
                ));
            }
        }
        if self.index.weights.starts_with("random weights") {
            scores.caveat = Some(format!("{RANDOM_WEIGHTS_NOTE}: the run had no --vgg-weights"));
        }
        Ok(Scored::Scores(scores))
    }
}
