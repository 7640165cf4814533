//! Tutorial section 5, second model: TF-IDF and the linear SVM, C chosen by grid search.
//!
//! The tutorial's SVM on its own data: overviews with `,` and `.` deleted,
//! `CountVectorizer(max_df=0.95, min_df=0.005)` then `TfidfTransformer()`, an 80/20 split, and
//! one `SVC(kernel='linear', class_weight='balanced')` per genre with `C` ∈ {0.01, 0.1, 1}
//! chosen by stratified 3-fold grid search on micro-F1 (the 2017 tutorial's `GridSearchCV`).
//! Prints each genre's `C`, the classification report on the test movies, and the mean
//! per-movie precision and recall beside the baseline (the three most frequent training genres
//! for every movie) and the tutorial's (its In [122]).
//!
//! Run: `cargo run --release --example 04_svm_grid_search` (a few seconds: 20 genres × 3 C ×
//! 4 fits).

use cinegenre::dataset::{Bundled, GenreMap, load_bundled, tutorial_clean};
use cinegenre::labels::binarize;
use cinegenre::metrics::{Baseline, Evaluation};
use cinegenre::split::{split_from_mask, tutorial_mask};
use cinegenre::svm::{GridConfig, grid_search};
use cinegenre::text::{CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer};

/// What the tutorial printed: mean per-movie (precision, recall) of its SVM.
const TUTORIAL: (f64, f64) = (0.3309, 0.5710);

fn main() -> cinegenre::Result<()> {
    let (movies, _) = load_bundled(Bundled::Tutorial)?;
    let y = binarize(&movies, None)?.labels;
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params = CountVectorizerParams::tutorial();
    let counts = CountVectorizer::new(params).fit_transform(&docs)?;
    let x = TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts)?;
    println!("X: {} movies × {} words, TF-IDF rows of unit length", x.n_rows(), x.n_cols());

    // The grid search sees the training movies only; the test movies judge the chosen models.
    let split = split_from_mask(&tutorial_mask(x.n_rows(), 42, 0.8));
    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    let config = GridConfig { cv: 3, ..GridConfig::default() };
    let (y_train, y_test) = (y.select_rows(&split.train), y.select_rows(&split.test));
    let search = grid_search(&x.select_rows(&split.train), y_train.as_slice(), &names, &config)?;
    for (name, label) in names.iter().zip(&search.labels) {
        match label.chosen_c {
            Some(c) => println!("{name:>16}: C = {c}"),
            None => println!("{name:>16}: one class only in training, a constant"),
        }
    }

    let predicted = search.ovr().predict(&x.select_rows(&split.test))?;
    let ours = Evaluation::new(y_test.as_slice(), &predicted, &names, 2)?;
    print!("{ours}");
    let baseline = Baseline::most_frequent(y_train.as_slice(), y_test.as_slice(), &names, 3)?;
    let base = &baseline.evaluation;
    println!("per-movie        precision  recall");
    println!("linear SVM           {:.3}   {:.3}", ours.mean_precision, ours.mean_recall);
    println!(
        "baseline (top 3)     {:.3}   {:.3}   {}",
        base.mean_precision,
        base.mean_recall,
        baseline.genres.join(", ")
    );
    println!("the tutorial         {:.3}   {:.3}", TUTORIAL.0, TUTORIAL.1);
    Ok(())
}
