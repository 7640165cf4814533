//! What a run found: the data `metrics.json` holds, `timings.json` records and `report.html`
//! shows.
//!
//! `run` fills a [`RunResults`]; `report` and the terminal summary ([`RunResults::summary`])
//! only read it, so neither needs the pipeline. Everything serialised into `metrics.json` is
//! a function of the data, the flags and the seed: two runs with the same seed on the same
//! machine write the same bytes. What changes from run to run — seconds per stage — lives in
//! [`Timings`], written to `timings.json` instead.

mod environment;
mod summary;
mod trace;

use std::path::PathBuf;

use serde::Serialize;

pub use environment::Environment;
pub use trace::{Chart, Curve, Keyed, Trace};

use crate::cluster::GenreBiclusters;
use crate::dataset::PrepareReport;
use crate::metrics::{Baseline, Evaluation};

/// The results of a run, as written to `metrics.json` (timings aside).
#[derive(Debug, Clone, Serialize)]
pub struct RunResults {
    pub cinegenre_version: &'static str,
    pub data: DataSummary,
    pub seed: u32,
    /// The run's split of the movies; a model whose features only some movies have splits those.
    pub train_rows: usize,
    pub test_rows: usize,
    pub features: FeatureSummary,
    /// Every model, in the registry's order, each beside its baseline.
    pub models: Vec<ModelResult>,
    /// Genre co-occurrence biclusters (tutorial section 4).
    pub biclusters: Option<GenreBiclusters>,
    /// Things to know about the models (a label predicting a constant, random weights).
    pub warnings: Vec<String>,
    /// What each model's stages did beyond its evaluation, under keys its registry file
    /// chose, as top-level keys of `metrics.json`.
    #[serde(flatten)]
    pub details: Keyed<serde_json::Value>,
    /// A few test movies with every model's predicted genres.
    pub samples: Vec<Sample>,
    /// What data and weights the run used beyond the movies: (what, where from).
    pub inputs: Vec<(String, String)>,
    /// How each model learned (curves and details, e.g. a `chosen_c` per genre), by model key.
    pub traces: Keyed<Trace>,
    /// Every file the run wrote, relative to its output folder.
    pub outputs: Vec<PathBuf>,
    /// What the models used, for the report's "Data and weights" list: (what, description).
    #[serde(skip)]
    pub notes: Vec<(String, String)>,
    /// The output folder.
    #[serde(skip)]
    pub out_dir: PathBuf,
    /// Seconds per stage and the devices: `timings.json`, not `metrics.json`.
    #[serde(skip)]
    pub timings: Timings,
}

/// Where the movies came from and what preparation removed.
#[derive(Debug, Clone, Serialize)]
pub struct DataSummary {
    pub source: String,
    pub prepare: PrepareReport,
    pub movies: usize,
    pub genres: Vec<String>,
    /// Movies labelled with each genre, in the order of `genres`.
    pub genre_counts: Vec<usize>,
}

/// The text features.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureSummary {
    pub min_df: String,
    pub max_df: String,
    pub n_features: usize,
    pub count_nnz: usize,
    pub tfidf_nnz: usize,
}

/// One model's evaluation on its test movies, beside the baseline on the same movies and the
/// tutorial's printed figures.
#[derive(Debug, Clone, Serialize)]
pub struct ModelResult {
    /// The model's key in the run's registry (`crate::run::models`).
    pub key: String,
    pub name: String,
    pub features: String,
    pub train_rows: usize,
    pub test_rows: usize,
    pub evaluation: Evaluation,
    /// "Always predict the k most frequent training genres", on the same test movies.
    pub baseline: Baseline,
    pub tutorial_mean_precision: f64,
    pub tutorial_mean_recall: f64,
    /// Why the figures may mean less than they seem (random VGG16 weights), when they do.
    pub caveat: Option<String>,
}

impl ModelResult {
    /// Whether the model beats its baseline on the mean per-movie F1 (the samples average).
    pub fn beats_baseline(&self) -> bool {
        self.evaluation.samples_f1() > self.baseline.evaluation.samples_f1()
    }
}

/// One test movie with its true genres and what each model predicted.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub title: String,
    pub true_genres: Vec<String>,
    /// (model name, predicted genres), one entry per model, in the registry's order.
    pub predicted: Vec<(String, Vec<String>)>,
    /// A small JPEG thumbnail of the poster as a `data:` URI, when the run has the poster.
    #[serde(skip)]
    pub poster: Option<String>,
}

/// Seconds per stage and where each stage ran (`timings.json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// (stage key, seconds), in the order the stages ran.
    pub stages: Vec<(String, f64)>,
    pub environment: Environment,
}

impl Timings {
    /// Seconds of all stages.
    pub fn total(&self) -> f64 {
        self.stages.iter().map(|(_, s)| s).sum()
    }
}

/// The names of the columns set in one 0/1 row.
pub fn genres_of(row: &[u8], names: &[String]) -> Vec<String> {
    row.iter().zip(names).filter(|(v, _)| **v != 0).map(|(_, n)| n.clone()).collect()
}
