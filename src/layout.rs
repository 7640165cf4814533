//! Every file `cinegenre run` writes in its output folder, named once.
//!
//! `run` writes them, `classify` reads the models back, `report` shows and links them; none of
//! the three spells a file name itself. A model of the registry
//! ([`crate::run::models`]) names its own files with the constants here.
//!
//! ```text
//! OUT/metrics.json                 every model's evaluation beside its baseline (reproducible)
//! OUT/timings.json                 seconds per stage and the devices used (varies run to run)
//! OUT/report.html                  one self-contained page (charts, heatmap and posters inline)
//! OUT/genres.json                  the label columns: genre id → name
//! OUT/vocabulary.json              the count vectorizer's terms → columns
//! OUT/idf.npy                      the TF-IDF weights (float64) the SVM's features used
//! OUT/nb.safetensors               one-vs-rest multinomial naive Bayes
//! OUT/svm.safetensors              one-vs-rest linear SVM
//! OUT/vectors.bin                  the word vectors (word2vec binary)
//! OUT/text_mlp.safetensors         the text MLP on mean word vectors
//! OUT/poster_features.npy          VGG16 features of the posters (+ .ids.json, their index)
//! OUT/poster_mlp.safetensors       the poster MLP
//! OUT/poster_training.json         the posters it trained on, by content (classify says so)
//! OUT/cooccurrence.png, .svg       the genre co-occurrence heatmaps before/after biclustering
//! ```
//!
//! ```
//! let out = cinegenre::layout::RunLayout::new("out");
//! assert_eq!(out.path(cinegenre::layout::METRICS), std::path::Path::new("out/metrics.json"));
//! ```

use std::path::{Path, PathBuf};

/// Every model's evaluation beside its baseline: identical for the same seed on one machine.
pub const METRICS: &str = "metrics.json";
/// Seconds per stage and the devices used (changes from run to run, unlike [`METRICS`]).
pub const TIMINGS: &str = "timings.json";
/// The HTML report.
pub const REPORT: &str = "report.html";
/// Genre id → name of the label columns.
pub const GENRES: &str = "genres.json";
/// The count vectorizer's vocabulary.
pub const VOCABULARY: &str = "vocabulary.json";
/// The IDF weights of the SVM's TF-IDF features.
pub const IDF: &str = "idf.npy";
/// The naive Bayes model.
pub const NAIVE_BAYES: &str = "nb.safetensors";
/// The linear SVM model.
pub const LINEAR_SVM: &str = "svm.safetensors";
/// The word vectors (word2vec binary).
pub const VECTORS: &str = "vectors.bin";
/// The text MLP.
pub const TEXT_MLP: &str = "text_mlp.safetensors";
/// The VGG16 features of the posters.
pub const POSTER_FEATURES: &str = "poster_features.npy";
/// Their index: ids, paths, weights and recipe.
pub const POSTER_FEATURES_IDS: &str = "poster_features.ids.json";
/// The poster MLP.
pub const POSTER_MLP: &str = "poster_mlp.safetensors";
/// The posters the poster MLP trained on, by content hash (`run::models::SeenPosters`).
pub const POSTER_TRAINING: &str = "poster_training.json";
/// The co-occurrence heatmaps (PNG for viewers, SVG inlined in the report).
pub const HEATMAP_PNG: &str = "cooccurrence.png";
pub const HEATMAP_SVG: &str = "cooccurrence.svg";

/// Every file a run may write (an input of the run must be none of them).
pub const ALL: &[&str] = &[
    METRICS,
    TIMINGS,
    REPORT,
    GENRES,
    VOCABULARY,
    IDF,
    NAIVE_BAYES,
    LINEAR_SVM,
    VECTORS,
    TEXT_MLP,
    POSTER_FEATURES,
    POSTER_FEATURES_IDS,
    POSTER_MLP,
    HEATMAP_PNG,
    HEATMAP_SVG,
];

/// A run's output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLayout {
    dir: PathBuf,
}

impl RunLayout {
    /// The layout of the folder `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> RunLayout {
        RunLayout { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `dir/name`, for one of this module's file names.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The file when it exists.
    pub fn existing(&self, name: &str) -> Option<PathBuf> {
        Some(self.path(name)).filter(|p| p.is_file())
    }
}
