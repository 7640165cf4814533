//! Tutorial section 5: bag of words and naive Bayes.
//!
//! The tutorial's text model on its own data: overviews with `,` and `.` deleted,
//! `CountVectorizer(max_df=0.95, min_df=0.005)`, an 80/20 split, one-vs-rest multinomial naive
//! Bayes on the counts, then scikit-learn's classification report and the tutorial's mean
//! per-movie precision and recall, beside the baseline (the three most frequent training genres
//! for every movie) and the tutorial's own figures (its In [123]).
//!
//! Run: `cargo run --release --example 03_naive_bayes` (under a second).

use cinegenre::bayes::{BinaryNb, NbParams};
use cinegenre::dataset::{Bundled, GenreMap, load_bundled, tutorial_clean};
use cinegenre::labels::binarize;
use cinegenre::metrics::{Baseline, Evaluation};
use cinegenre::ovr::OneVsRest;
use cinegenre::split::{split_from_mask, tutorial_mask};
use cinegenre::text::{CountVectorizer, CountVectorizerParams};

/// What the tutorial printed: mean per-movie (precision, recall) of its naive Bayes.
const TUTORIAL: (f64, f64) = (0.4889, 0.5496);

fn main() -> cinegenre::Result<()> {
    let (movies, _) = load_bundled(Bundled::Tutorial)?;
    let y = binarize(&movies, None)?.labels;
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params = CountVectorizerParams::tutorial();
    let x = CountVectorizer::new(params).fit_transform(&docs)?;
    println!("X: {} movies × {} words", x.n_rows(), x.n_cols());

    let split = split_from_mask(&tutorial_mask(x.n_rows(), 42, 0.8));
    let (y_train, y_test) = (y.select_rows(&split.train), y.select_rows(&split.test));
    let model = OneVsRest::<BinaryNb>::fit(
        &NbParams::default(),
        &x.select_rows(&split.train),
        y_train.as_slice(),
        y.n_cols(),
    )?;
    let predicted = model.predict(&x.select_rows(&split.test))?;

    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    let ours = Evaluation::new(y_test.as_slice(), &predicted, &names, 2)?;
    print!("{ours}");
    let baseline = Baseline::most_frequent(y_train.as_slice(), y_test.as_slice(), &names, 3)?;
    let base = &baseline.evaluation;
    println!("per-movie        precision  recall");
    println!("naive Bayes          {:.3}   {:.3}", ours.mean_precision, ours.mean_recall);
    println!(
        "baseline (top 3)     {:.3}   {:.3}   {}",
        base.mean_precision,
        base.mean_recall,
        baseline.genres.join(", ")
    );
    println!("the tutorial         {:.3}   {:.3}", TUTORIAL.0, TUTORIAL.1);
    Ok(())
}
