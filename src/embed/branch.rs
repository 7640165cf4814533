//! The word-vector branch of `cinegenre run` (tutorial section 6): vectors → mean vector per
//! overview → a seeded 80/20 split of the movies that have one → the text MLP → its three best
//! genres per test movie, scored as the tutorial scores them.
//!
//! ```text
//! vectors   our own skip-gram on the overviews (seeded, 2 threads)  or  --word-vectors FILE
//!           read keeping only the overviews' content words; written to DIR/vectors.bin
//! means     embed::mean_vectors on the raw overviews; movies without a usable token dropped
//! split     tutorial_mask(kept movies, seed, 0.8): a fresh draw over the kept rows, as the
//!           tutorial draws a new msk over its 1261 rows
//! train     Dense(300) ReLU → Dense(20) sigmoid (or softmax), RMSprop, batches of 500
//! evaluate  top-3 genres per test movie → classification report and per-movie P/R
//! write     DIR/text_mlp.safetensors
//! ```
//!
//! The skip-gram vectors see every overview, test movies included, as the vectorizer of the
//! naive-Bayes branch does: both are unsupervised and never see a genre. With one training thread
//! skip-gram is deterministic; with two (the default here) Hogwild updates may interleave
//! differently between runs, so the vectors — and the MLP's scores — can differ in the last
//! digits from run to run.
//!
//! Cost: skip-gram O(words · epochs · window · negative · dim); the MLP as in
//! [`text_model`](super::text_model).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::text_model::{TOP_K, TextMlpParams, top_k_predictions, train_text_mlp};
use super::{
    DropReason, Format, MeanVectors, ReadOptions, SkipGramParams, WordVectors, mean_vectors, needed_words,
    read_vectors, train_skipgram, write_vectors,
};
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::labels::LabelMatrix;
use crate::metrics::Evaluation;
use crate::mlp::{Mlp, MlpModel};
use crate::split::{split_from_mask, tutorial_mask};

/// Where the word vectors come from.
#[derive(Debug, Clone)]
pub enum VectorSource {
    /// Train skip-gram on the overviews.
    Train(SkipGramParams),
    /// A word2vec binary or text / GloVe file.
    File(PathBuf),
}

/// The run's own vectors: 100 dimensions, 10 epochs (5 with `quick`), seed `seed`, 2 threads;
/// gensim's defaults otherwise.
///
/// The corpus is small (~600k words), so epochs matter more than dimensions: on the bundled
/// data the text MLP's top-3 precision goes 0.44 → 0.47 → 0.50 for 3, 5 and 10 epochs (150
/// dimensions gain nothing at 5), while 10 epochs take ~17 s on 2 busy cores.
pub fn run_skipgram_params(seed: u32, quick: bool) -> SkipGramParams {
    SkipGramParams {
        dim: 100,
        epochs: if quick { 5 } else { 10 },
        seed: u64::from(seed),
        threads: 2,
        ..SkipGramParams::default()
    }
}

/// The vectors and mean vectors of the overviews.
#[derive(Debug, Clone)]
pub struct DocumentVectors {
    pub means: MeanVectors,
    /// What the vectors are, for reports.
    pub description: String,
    /// Words in the table.
    pub vocabulary: usize,
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
    let (table, description): (WordVectors, String) = match source {
        VectorSource::Train(params) => {
            let (table, report) = train_skipgram(docs, params, progress)?;
            let what = format!(
                "own skip-gram, {} words × {} dims, {} epochs ({:.0} words/s)",
                table.len(),
                table.dim(),
                params.epochs,
                report.words_per_second()
            );
            (table, what)
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
            (table, what)
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
    Ok(DocumentVectors { means, description, vocabulary: table.len() })
}

/// The trained text MLP and its top-3 evaluation on the held-out kept movies.
#[derive(Debug, Clone)]
pub struct TextResult {
    pub model: Mlp,
    pub evaluation: Evaluation,
    pub summary: WordVectorSummary,
}

/// Split the kept movies with `tutorial_mask(kept, seed, train_fraction)`, train the text MLP,
/// evaluate its top-3 genres on the test side and save the model as `model_out`.
#[allow(clippy::too_many_arguments)]
pub fn train_and_evaluate(
    vectors: &DocumentVectors,
    labels: &LabelMatrix,
    genres: &[String],
    seed: u32,
    train_fraction: f64,
    params: &TextMlpParams,
    backend: &Backend,
    model_out: &Path,
) -> Result<TextResult> {
    let means = &vectors.means;
    let (dim, g) = (means.dim, labels.n_cols());
    let y = labels.select_rows(&means.kept);
    let split = split_from_mask(&tutorial_mask(means.kept.len(), seed, train_fraction));
    if split.train.is_empty() || split.test.is_empty() {
        return Err(Error::Shape(format!(
            "{} movies with a mean vector leave {} training and {} test movies; both need some",
            means.kept.len(),
            split.train.len(),
            split.test.len()
        )));
    }
    let rows = |idx: &[usize]| -> Vec<f32> {
        idx.iter().flat_map(|&i| means.rows[i * dim..(i + 1) * dim].iter().copied()).collect()
    };
    let (x_train, x_test) = (rows(&split.train), rows(&split.test));
    let (y_train, y_test) = (y.select_rows(&split.train), y.select_rows(&split.test));
    let (model, history) = train_text_mlp(backend, &x_train, dim, y_train.as_slice(), g, params)?;
    let predicted = top_k_predictions(backend, &model, &x_test, split.test.len(), TOP_K)?;
    let evaluation = Evaluation::new(y_test.as_slice(), &predicted, genres, 2)?;
    MlpModel { mlp: model.clone(), labels: genres.to_vec() }.save(model_out)?;
    let last = history.epochs.last();
    let dropped = |r: DropReason| means.dropped.iter().filter(|(_, d)| *d == r).count();
    let summary = WordVectorSummary {
        vectors: vectors.description.clone(),
        dim,
        vocabulary: vectors.vocabulary,
        kept: means.kept.len(),
        dropped_only_stop_words: dropped(DropReason::OnlyStopWords),
        dropped_no_known_word: dropped(DropReason::NoKnownWord),
        train_rows: split.train.len(),
        test_rows: split.test.len(),
        output: params.output.name(),
        epochs: history.epochs.len(),
        final_loss: last.map_or(f64::NAN, |e| e.loss),
        final_binary_accuracy: last.map_or(f64::NAN, |e| e.accuracy),
        device: backend.name(),
    };
    Ok(TextResult { model, evaluation, summary })
}
