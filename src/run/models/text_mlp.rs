//! The text MLP in the run (tutorial section 6): word vectors (our own skip-gram, or
//! `--word-vectors FILE`) → the mean vector of each overview's content words → Dense(300) ReLU →
//! Dense(20) sigmoid (or the tutorial's softmax), RMSprop in batches of 500 → the three best
//! genres per test movie (crate::embed::text_model has the recipe and why).
//!
//! Movies whose overview has no content word with a vector are dropped before the split; the
//! model is tested on its own split of the kept movies. A new movie without such a word gets no
//! text-MLP score, and `classify` says so.

use crate::embed::format::{ReadOptions, read_vectors};
use crate::embed::mean::{DropReason, mean_vectors, needed_words};
use crate::embed::text_model::TextMlpParams;
use crate::error::Result;
use crate::layout::{self, RunLayout};
use crate::mlp::{MlpModel, TrainParams};
use crate::progress::Stages;
use crate::run::word_vectors::{
    DocumentVectors, VectorSource, WordVectorSummary, document_vectors, run_skipgram_params,
};

use super::mlp_branch::{MlpBranch, TOP_K, train_and_evaluate};
use super::{NewMovie, RunData, RunModel, Scored, Scorer, Trained, to_json};

/// The name people read.
const NAME: &str = "text MLP";

/// The tutorial's text MLP (GoogleNews mean vectors, softmax): mean per-movie (precision,
/// recall) of its top 3 genres.
pub const TUTORIAL: (f64, f64) = (0.5197, 0.5639);

/// The registry entry.
pub struct TextMlp;

impl RunModel for TextMlp {
    fn key(&self) -> &'static str {
        "text_mlp"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn stages(&self) -> usize {
        2
    }

    fn train(&self, run: &RunData, stages: &mut Stages) -> Result<Trained> {
        let config = run.config;
        let source = match &config.word_vectors {
            Some(path) => VectorSource::File(path.clone()),
            None => VectorSource::Train(run_skipgram_params(
                config.seed,
                config.quick,
                config.skipgram_threads,
                config.skipgram_hogwild,
            )),
        };
        stages.start("word_vectors", "Word vectors and mean vectors of the overviews");
        let docs: Vec<String> = run.movies.iter().map(|m| m.overview.clone()).collect();
        let vectors_file = run.layout.path(layout::VECTORS);
        let vectors = document_vectors(&docs, &source, &vectors_file, stages.shown())?;
        stages.done(&format!(
            "{}; {} movies kept, {} without a usable token dropped",
            vectors.description,
            vectors.means.kept.len(),
            vectors.means.dropped.len()
        ));

        stages.start(self.key(), "Training the text MLP on mean word vectors");
        let params = TextMlpParams { output: config.text_output, seed: config.seed, ..Default::default() };
        let branch = MlpBranch {
            key: self.key(),
            name: format!("{} ({} output, top {TOP_K} genres)", self.name(), params.output.name()),
            features: format!("mean word vectors: {}", vectors.description),
            tutorial: TUTORIAL,
            rows: &vectors.means.rows,
            dim: vectors.means.dim,
            movie_rows: &vectors.means.kept,
            hidden: vec![params.hidden],
            output: params.output,
            train: TrainParams {
                epochs: params.epochs,
                batch: params.batch,
                shuffle: true,
                seed: params.seed,
                optimizer: params.optimizer,
                quiet: !stages.shown(),
                ..TrainParams::default()
            },
            standardize: false,
        };
        let model_file = run.layout.path(layout::TEXT_MLP);
        let out = train_and_evaluate(
            &branch,
            &run.labels,
            &run.genres,
            config.seed,
            config.train_fraction,
            &run.backend,
            &model_file,
        )?;
        let summary = summary(&vectors, &out.history, out.split.train.len(), out.split.test.len(), run);
        stages.done(&format!(
            "{} epochs on {} ({} train, {} test): top-3 mean precision {:.4}, recall {:.4}",
            summary.epochs,
            summary.device,
            summary.train_rows,
            summary.test_rows,
            out.result.evaluation.mean_precision,
            out.result.evaluation.mean_recall
        ));
        let mut inputs = Vec::new();
        if let Some(path) = &config.word_vectors {
            inputs.push(("word vectors".into(), path.display().to_string()));
        }
        let mut trained = Trained::new(out.result, out.predictions, vec![vectors_file, model_file]);
        trained.inputs = inputs;
        trained.devices = vec![(self.key().into(), run.backend.clone())];
        trained.notes.push(("Word vectors".into(), summary.vectors.clone()));
        trained.details.push(("word_vectors".into(), to_json("word vectors", &summary)?));
        let mut trace = super::mlp_branch::trace(&out.history);
        if let Some(losses) = &vectors.losses {
            trace.charts.insert(
                0,
                crate::results::Chart {
                    title: "Skip-gram loss per epoch".into(),
                    x: "epoch".into(),
                    y: "loss summed over the epoch".into(),
                    log_y: false,
                    curves: vec![crate::results::Curve::counted("skip-gram", losses.iter().copied())],
                },
            );
        }
        trained.trace = Some(trace);
        Ok(trained)
    }

    fn load(&self, layout: &RunLayout) -> Result<Option<Box<dyn Scorer>>> {
        let Some([model, vectors]) = super::all_present(layout, [layout::TEXT_MLP, layout::VECTORS]) else {
            return Ok(None);
        };
        Ok(Some(Box::new(TextScorer { model: MlpModel::load(&model)?, vectors })))
    }
}

fn summary(
    vectors: &DocumentVectors,
    history: &crate::mlp::History,
    train_rows: usize,
    test_rows: usize,
    run: &RunData,
) -> WordVectorSummary {
    let means = &vectors.means;
    let dropped = |r: DropReason| means.dropped.iter().filter(|(_, d)| *d == r).count();
    let last = history.epochs.last();
    WordVectorSummary {
        vectors: vectors.description.clone(),
        dim: means.dim,
        vocabulary: vectors.vocabulary,
        kept: means.kept.len(),
        dropped_only_stop_words: dropped(DropReason::OnlyStopWords),
        dropped_no_known_word: dropped(DropReason::NoKnownWord),
        train_rows,
        test_rows,
        output: run.config.text_output.name(),
        epochs: history.epochs.len(),
        final_loss: last.map_or(f64::NAN, |e| e.loss),
        final_binary_accuracy: last.map_or(f64::NAN, |e| e.accuracy),
        device: run.backend.name(),
    }
}

struct TextScorer {
    model: MlpModel,
    vectors: std::path::PathBuf,
}

impl Scorer for TextScorer {
    fn score(&self, movie: &NewMovie, _explain: usize) -> Result<Scored> {
        let docs = [movie.overview.clone()];
        let keep = needed_words(&docs);
        let read = ReadOptions { keep: Some(&keep), ..ReadOptions::default() };
        let (table, _) = read_vectors(&self.vectors, None, &read)?;
        let means = mean_vectors(&docs, &table);
        if means.kept.is_empty() {
            let why = match means.dropped.first().map(|d| d.1) {
                Some(DropReason::OnlyStopWords) => "the overview has only stop words",
                _ => "no word of the overview has a vector in the run's vocabulary",
            };
            return Ok(Scored::Skipped { model: NAME.into(), reason: why.into(), expected: false });
        }
        Ok(Scored::Scores(super::mlp_scores(NAME, &self.model, &means.rows)?))
    }
}
