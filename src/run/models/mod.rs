//! The model registry: every model `cinegenre run` trains, registered once.
//!
//! A model is one type implementing [`RunModel`], in one file of this folder, listed once in
//! [`REGISTRY`]. That one place says everything about it: its key and name, the files it
//! writes ([`crate::layout`]), how `run` trains, evaluates and saves it ([`RunModel::train`]),
//! how `classify` scores a new movie with it ([`RunModel::load`] → [`Scorer`]), and what the
//! report shows (its [`ModelResult`], beside its baseline, in the generic sections).
//!
//! ```text
//! key          model                                      features            file
//! naive_bayes  one-vs-rest multinomial naive Bayes        counts              nb.safetensors
//! linear_svm   one-vs-rest linear SVM, C by grid search   TF-IDF              svm.safetensors (+ idf.npy)
//! text_mlp     Dense(300) ReLU → Dense(20) sigmoid        mean word vectors   text_mlp.safetensors (+ vectors.bin)
//! poster_mlp   Dense(1024)/Dense(256)/Dense(20)           VGG16 features      poster_mlp.safetensors (+ poster_features.*)
//!              (--quick: Dense(64)/Dense(32)/Dense(20))
//! ```
//!
//! Adding a model: a new file here with a type implementing [`RunModel`], and one line in
//! [`REGISTRY`] (plus `mod`). `run`, `classify`, `metrics.json` and the report pick it up.

mod linear_svm;
mod mlp_branch;
mod naive_bayes;
mod poster_mlp;
mod seen_posters;
mod text_mlp;

use std::path::PathBuf;

pub use linear_svm::LinearSvm;
pub use mlp_branch::{MlpBranch, MlpOutcome, train_and_evaluate};
pub use naive_bayes::NaiveBayes;
pub use poster_mlp::{PosterMlp, QUICK_HIDDEN as POSTER_QUICK_HIDDEN};
pub use seen_posters::SeenPosters;
pub use text_mlp::TextMlp;

use crate::backend::Backend;
use crate::error::Result;
use crate::layout::RunLayout;
use crate::metrics::{BASELINE_K, Baseline, Evaluation};
use crate::progress::Stages;
use crate::results::{ModelResult, Trace};

use super::config::RunConfig;
use super::data::RunData;

/// Every model of `run`, in the order they train and appear in reports.
pub static REGISTRY: [&dyn RunModel; 4] = [&NaiveBayes, &LinearSvm, &TextMlp, &PosterMlp];

/// One model of the run.
pub trait RunModel: Sync {
    /// Key in `metrics.json`, timings and samples: `naive_bayes`, `linear_svm`, …
    fn key(&self) -> &'static str;
    /// The name people read.
    fn name(&self) -> &'static str;
    /// Whether this run trains it (`--no-svm`, `--no-posters`).
    fn enabled(&self, _config: &RunConfig) -> bool {
        true
    }
    /// Numbered stages its training opens (for the `[k/n]` count).
    fn stages(&self) -> usize {
        1
    }
    /// Train on the run's training movies, evaluate on its test movies beside the baseline,
    /// save its files in the run folder.
    fn train(&self, run: &RunData, stages: &mut Stages) -> Result<Trained>;
    /// The saved model, ready to score new movies; `None` when the folder lacks its files.
    fn load(&self, layout: &RunLayout) -> Result<Option<Box<dyn Scorer>>>;
}

/// A movie `classify` is asked about.
#[derive(Debug, Clone, Default)]
pub struct NewMovie {
    pub title: String,
    pub overview: String,
    pub poster: Option<PathBuf>,
}

/// A saved model scoring new movies.
pub trait Scorer {
    /// The model's scores for `movie`, or why it cannot score it.
    fn score(&self, movie: &NewMovie, explain: usize) -> Result<Scored>;
}

/// What a scorer says of one movie.
#[derive(Debug, Clone)]
pub enum Scored {
    Scores(ModelScores),
    /// The model has nothing to say about this movie (no known word, no poster given).
    Skipped {
        model: String,
        reason: String,
        /// The user gave no input of this model's kind (no `--poster`): worth no warning.
        expected: bool,
    },
}

/// One model's scores for a new movie.
#[derive(Debug, Clone)]
pub struct ModelScores {
    pub model: String,
    /// What the scores are ("probability", "decision value", …).
    pub unit: &'static str,
    /// (genre, score), best first.
    pub scores: Vec<(String, f64)>,
    /// The genres the model predicts.
    pub predicted: Vec<String>,
    /// A caveat to print beside the scores (random VGG16 weights).
    pub caveat: Option<String>,
    /// Set when the model trained on this very movie (its poster): the scores are recalled,
    /// not predicted.
    pub seen_in_training: Option<String>,
    /// The words that pushed each genre, when asked (`--explain`): (genre, [(word, push)]),
    /// largest push first.
    pub explanations: Vec<(String, Vec<(String, f64)>)>,
}

impl ModelScores {
    /// Scores of `genres`, sorted best first; `predicted[g]` marks the genres it predicts.
    pub fn new(
        model: &str,
        unit: &'static str,
        genres: &[String],
        scores: &[f64],
        predicted: &[bool],
    ) -> Self {
        let mut order: Vec<usize> = (0..genres.len().min(scores.len())).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        ModelScores {
            model: model.into(),
            unit,
            scores: order.iter().map(|&i| (genres[i].clone(), scores[i])).collect(),
            predicted: order.iter().filter(|&&i| predicted[i]).map(|&i| genres[i].clone()).collect(),
            caveat: None,
            seen_in_training: None,
            explanations: Vec::new(),
        }
    }

    /// The `k` best genres.
    pub fn top(&self, k: usize) -> &[(String, f64)] {
        &self.scores[..k.min(self.scores.len())]
    }
}

/// The caveat of a text model whose vocabulary holds no word of the overview.
pub const NO_KNOWN_WORD: &str =
    "no word of the overview is in the run's vocabulary: these scores are the genre priors alone";

/// What training one model produced.
#[derive(Debug, Clone)]
pub struct Trained {
    pub result: ModelResult,
    /// Test predictions: (row of the movie in [`RunData::movies`], its 0/1 genre row).
    pub predictions: Vec<(usize, Vec<u8>)>,
    /// Files written.
    pub outputs: Vec<PathBuf>,
    pub warnings: Vec<String>,
    /// Data and weights used beyond the movies: (what, where from).
    pub inputs: Vec<(String, String)>,
    /// Stage key → the backend it computed on.
    pub devices: Vec<(String, Backend)>,
    /// What its stages did beyond the evaluation, as top-level keys of `metrics.json`
    /// (`word_vectors`, `posters`).
    pub details: Vec<(String, serde_json::Value)>,
    /// What it used, for the report's "Data and weights": (what, description).
    pub notes: Vec<(String, String)>,
    /// How it learned: `metrics.json`'s `traces` and the report's "How each model learned".
    pub trace: Option<Trace>,
}

impl Trained {
    /// A trained model with its evaluation, test predictions and files, and nothing else yet.
    pub fn new(result: ModelResult, predictions: Vec<(usize, Vec<u8>)>, outputs: Vec<PathBuf>) -> Self {
        Trained {
            result,
            predictions,
            outputs,
            warnings: Vec::new(),
            inputs: Vec::new(),
            devices: Vec::new(),
            details: Vec::new(),
            notes: Vec::new(),
            trace: None,
        }
    }
}

/// `value` as JSON for [`Trained::details`] or a [`Trace`]'s details.
pub fn to_json<T: serde::Serialize>(what: &str, value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| crate::error::Error::Shape(format!("{what}: not JSON: {e}")))
}

/// A model's evaluation beside the baseline on the same movies.
pub struct Scoring<'a> {
    pub key: &'static str,
    pub name: String,
    pub features: String,
    pub tutorial: (f64, f64),
    pub genres: &'a [String],
    pub y_train: &'a [u8],
    pub y_test: &'a [u8],
    pub predicted: &'a [u8],
}

impl Scoring<'_> {
    /// Evaluate the predictions and the [`BASELINE_K`] most-frequent-genres baseline.
    pub fn result(&self) -> Result<ModelResult> {
        let g = self.genres.len().max(1);
        Ok(ModelResult {
            key: self.key.into(),
            name: self.name.clone(),
            features: self.features.clone(),
            train_rows: self.y_train.len() / g,
            test_rows: self.y_test.len() / g,
            evaluation: Evaluation::new(self.y_test, self.predicted, self.genres, 2)?,
            baseline: Baseline::most_frequent(self.y_train, self.y_test, self.genres, BASELINE_K)?,
            tutorial_mean_precision: self.tutorial.0,
            tutorial_mean_recall: self.tutorial.1,
            caveat: None,
        })
    }
}

/// Pair test movie rows with their rows of `predicted` (n_test × g).
pub fn predictions_of(test_movies: &[usize], predicted: &[u8], g: usize) -> Vec<(usize, Vec<u8>)> {
    test_movies.iter().zip(predicted.chunks_exact(g.max(1))).map(|(&m, row)| (m, row.to_vec())).collect()
}

/// The model files a scorer needs, all present, or `None`.
fn all_present<const N: usize>(layout: &RunLayout, names: [&str; N]) -> Option<[PathBuf; N]> {
    let found: Vec<PathBuf> = names.iter().filter_map(|n| layout.existing(n)).collect();
    found.try_into().ok()
}

/// Explanations for every genre: `push(g)` lists each word's push towards genre `g`; the `k`
/// largest positive pushes are kept, largest first.
fn explain_all(
    genres: &[String],
    k: usize,
    push: impl Fn(usize) -> Vec<(String, f64)>,
) -> Vec<(String, Vec<(String, f64)>)> {
    genres
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let mut words: Vec<(String, f64)> = push(g).into_iter().filter(|(_, p)| *p > 0.0).collect();
            words.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            words.truncate(k);
            (name.clone(), words)
        })
        .collect()
}

/// Each word of a sparse row (`cols`, `values`) with its push `values[i] · weight(cols[i])`.
fn pushes(
    terms: &[String],
    cols: &[u32],
    values: &[f64],
    weight: impl Fn(usize) -> f64,
) -> Vec<(String, f64)> {
    cols.iter()
        .zip(values)
        .filter_map(|(&j, &v)| terms.get(j as usize).map(|t| (t.clone(), v * weight(j as usize))))
        .collect()
}

/// One MLP's outputs for one row of raw features, its [`mlp_branch::TOP_K`] best genres
/// predicted (the tutorial's top-3 rule).
fn mlp_scores(name: &str, model: &crate::mlp::MlpModel, features: &[f32]) -> Result<ModelScores> {
    let p = model.predict_proba(&Backend::cpu()?, features, 1)?;
    let p: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
    let mut predicted = vec![false; p.len()];
    crate::metrics::top_k(&p, mlp_branch::TOP_K).into_iter().for_each(|i| predicted[i] = true);
    Ok(ModelScores::new(name, "output", &model.labels, &p, &predicted))
}
