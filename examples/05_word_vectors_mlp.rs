//! Tutorial section 8: word vectors and the text MLP.
//!
//! Trains skip-gram word vectors on the tutorial's overviews (the tutorial loaded Google News'
//! 300-d word2vec; here 50-d vectors train offline in seconds), averages each overview's
//! content-word vectors, trains the tutorial's MLP on them — Dense(300) ReLU → Dense(20),
//! RMSprop, batches of 500; sigmoid outputs where the tutorial had softmax — and scores each
//! test movie's three best genres as the tutorial did (mean per-movie precision and recall),
//! beside the baseline (the three most frequent training genres for every movie) and the
//! tutorial's figures (its In [267]).
//!
//! Vectors trained in a second on 1,559 short overviews know little of the language: expect the
//! MLP near (even below) the baseline here; `cinegenre run` trains them on ~10,000 movies, and
//! `--word-vectors` takes the tutorial's Google News file.
//!
//! Run: `cargo run --release --example 05_word_vectors_mlp` (a few seconds).

use cinegenre::backend::Backend;
use cinegenre::dataset::{Bundled, GenreMap, load_bundled};
use cinegenre::embed::text_model::{TextMlpParams, train_text_mlp};
use cinegenre::embed::{SkipGramParams, mean_vectors, train_skipgram};
use cinegenre::labels::binarize;
use cinegenre::metrics::{Baseline, Evaluation};
use cinegenre::split::{split_from_mask, tutorial_mask};

/// What the tutorial printed: mean per-movie (precision, recall) of its text MLP's top 3.
const TUTORIAL: (f64, f64) = (0.5197, 0.5639);

fn main() -> cinegenre::Result<()> {
    let (movies, _) = load_bundled(Bundled::Tutorial)?;
    let docs: Vec<&str> = movies.iter().map(|m| m.overview.as_str()).collect();
    let params = SkipGramParams { dim: 50, epochs: 5, threads: 1, ..SkipGramParams::default() };
    let (vectors, report) = train_skipgram(&docs, &params, false)?;
    println!("skip-gram: {} words × {} dims in {:.1} s", report.vocabulary, vectors.dim(), report.seconds);

    // Movies whose overview has no content word with a vector are dropped.
    let means = mean_vectors(&docs, &vectors);
    let (dim, y) = (means.dim, binarize(&movies, None)?.labels.select_rows(&means.kept));
    println!("{} of {} movies have a mean vector", means.kept.len(), movies.len());
    let rows = |idx: &[usize]| -> Vec<f32> {
        idx.iter().flat_map(|&i| means.rows[i * dim..(i + 1) * dim].iter().copied()).collect()
    };

    let split = split_from_mask(&tutorial_mask(means.kept.len(), 42, 0.8));
    let backend = Backend::cpu()?;
    let y_train = y.select_rows(&split.train);
    let text = TextMlpParams::default();
    let (model, history) =
        train_text_mlp(&backend, &rows(&split.train), dim, y_train.as_slice(), y.n_cols(), &text)?;
    let last = history.epochs.last().map_or(f64::NAN, |e| e.loss);
    println!("{} epochs on {}, final loss {last:.4}", history.epochs.len(), backend.name());

    let predicted = model.top_k(&backend, &rows(&split.test), split.test.len(), 3)?;
    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    let y_test = y.select_rows(&split.test);
    let ours = Evaluation::new(y_test.as_slice(), &predicted, &names, 2)?;
    let baseline = Baseline::most_frequent(y_train.as_slice(), y_test.as_slice(), &names, 3)?;
    let base = &baseline.evaluation;
    println!("per-movie, top 3 genres      precision  recall");
    println!("text MLP on mean vectors         {:.3}   {:.3}", ours.mean_precision, ours.mean_recall);
    println!("baseline (top 3)                 {:.3}   {:.3}", base.mean_precision, base.mean_recall);
    println!("the tutorial (Google News 300-d) {:.3}   {:.3}", TUTORIAL.0, TUTORIAL.1);
    Ok(())
}
