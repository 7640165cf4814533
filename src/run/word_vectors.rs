//! The features of the text MLP in `cinegenre run` (tutorial section 6): word vectors → the mean
//! vector of every overview. The model itself is trained by the run's model registry
//! (`crate::run::models::TextMlp`, through the MLP branch shared with the poster model).
//!
//! ```text
//! vectors   our own skip-gram on the overviews (seeded, deterministic)  or  --word-vectors FILE
//!           read keeping only the overviews' content words; written to DIR/vectors.bin
//! means     embed::mean_vectors on the raw overviews; movies without a usable token dropped
//! ```
//!
//! The skip-gram vectors see every overview, test movies included, as the vectorizer of the
//! naive-Bayes branch does: both are unsupervised and never see a genre. By default skip-gram is
//! deterministic (the same vectors for the same seed and `--threads`, see [`crate::embed::skipgram`]);
//! `run --hogwild` trains Hogwild instead, faster but different in the last digits each run.
//!
//! Cost: skip-gram O(words · epochs · window · negative · dim).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::embed::{
    Format, MeanVectors, ReadOptions, SkipGramParams, WordVectors, mean_vectors, needed_words, read_vectors,
    train_skipgram, write_vectors,
};
use crate::error::{Error, Result};

/// Where the word vectors come from.
#[derive(Debug, Clone)]
pub enum VectorSource {
    /// Train skip-gram on the overviews.
    Train(SkipGramParams),
    /// A word2vec binary or text / GloVe file.
    File(PathBuf),
}

/// The run's own vectors: 100 dimensions, 10 epochs (5 with `quick`), seed `seed`, on `threads`
/// threads (`None`: [`RUN_SKIPGRAM_THREADS`]) in deterministic rounds (the same vectors on any
/// machine), or lock-free with `hogwild`; gensim's defaults otherwise.
///
/// The corpus is small (~600k words), so epochs matter more than dimensions: on the bundled
/// data the text MLP's top-3 precision goes 0.44 → 0.47 → 0.50 for 3, 5 and 10 epochs (150
/// dimensions gain nothing at 5).
pub fn run_skipgram_params(seed: u32, quick: bool, threads: Option<usize>, hogwild: bool) -> SkipGramParams {
    SkipGramParams {
        dim: 100,
        epochs: if quick { 5 } else { 10 },
        seed: u64::from(seed),
        threads: threads.unwrap_or(RUN_SKIPGRAM_THREADS),
        hogwild,
        compute_loss: true,
        ..SkipGramParams::default()
    }
}

/// Jobs per deterministic round of the run's skip-gram: fixed, so the vectors do not depend on
/// the machine's core count.
pub const RUN_SKIPGRAM_THREADS: usize = 2;

/// The vectors and mean vectors of the overviews.
#[derive(Debug, Clone)]
pub struct DocumentVectors {
    pub means: MeanVectors,
    /// What the vectors are, for reports.
    pub description: String,
    /// Words in the table.
    pub vocabulary: usize,
    /// Skip-gram's loss per epoch, when it trained them (and was asked to compute it).
    pub losses: Option<Vec<f64>>,
}

/// What the branch did, as written to `metrics.json`.
#[derive(Debug, Clone, Serialize)]
pub struct WordVectorSummary {
    pub vectors: String,
    pub dim: usize,
    pub vocabulary: usize,
    pub kept: usize,
    /// Movies without a usable token: only stop words, or no word with a vector.
    pub dropped_only_stop_words: usize,
    pub dropped_no_known_word: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub output: &'static str,
    pub epochs: usize,
    pub final_loss: f64,
    pub final_binary_accuracy: f64,
    pub device: String,
}

/// Get the vectors (training or reading them), save them as `vectors_out` (word2vec binary), and
/// take the mean vector of every overview in `docs`.
pub fn document_vectors(
    docs: &[String],
    source: &VectorSource,
    vectors_out: &Path,
    progress: bool,
) -> Result<DocumentVectors> {
    let (table, description, losses): (WordVectors, String, Option<Vec<f64>>) = match source {
        VectorSource::Train(params) => {
            let (table, report) = train_skipgram(docs, params, progress)?;
            // No rate here: the description goes into metrics.json, which must not change
            // between two runs with the same seed.
            let what = format!(
                "own skip-gram, {} words × {} dims, {} epochs",
                table.len(),
                table.dim(),
                params.epochs
            );
            let losses = params.compute_loss.then_some(report.epoch_loss);
            (table, what, losses)
        }
        VectorSource::File(path) => {
            let needed = needed_words(docs);
            let read = ReadOptions { keep: Some(&needed), ..ReadOptions::default() };
            let (table, report) = read_vectors(path, None, &read)?;
            let what = format!(
                "{} ({} of {} words kept, {} dims)",
                path.display(),
                table.len(),
                report.records,
                table.dim()
            );
            (table, what, None)
        }
    };
    let means = mean_vectors(docs, &table);
    if means.kept.is_empty() {
        return Err(Error::Shape(format!(
            "none of the {} overviews has a content word with a vector ({description})",
            docs.len()
        )));
    }
    write_vectors(vectors_out, &table, Format::Binary)?;
    Ok(DocumentVectors { means, description, vocabulary: table.len(), losses })
}
