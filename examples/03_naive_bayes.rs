//! Tutorial section 5: bag of words and naive Bayes.
//!
//! The tutorial's text model on its own data: overviews with `,` and `.` deleted,
//! `CountVectorizer(max_df=0.95, min_df=0.005)`, an 80/20 split, one-vs-rest multinomial naive
//! Bayes on the counts, then scikit-learn's classification report and the tutorial's mean
//! per-movie precision and recall.
//!
//! Run: `cargo run --release --example 02_naive_bayes`

use cinegenre::bayes::{BinaryNb, NbParams};
use cinegenre::dataset::{Bundled, GenreMap, load_bundled, tutorial_clean};
use cinegenre::labels::binarize;
use cinegenre::metrics::Evaluation;
use cinegenre::ovr::OneVsRest;
use cinegenre::split::{split_from_mask, tutorial_mask};
use cinegenre::text::{CountVectorizer, CountVectorizerParams};

fn main() -> cinegenre::Result<()> {
    let (movies, _) = load_bundled(Bundled::Tutorial)?;
    let y = binarize(&movies, None)?.labels;
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params = CountVectorizerParams::tutorial();
    let x = CountVectorizer::new(params).fit_transform(&docs)?;
    println!("X: {} movies × {} words", x.n_rows(), x.n_cols());

    let split = split_from_mask(&tutorial_mask(x.n_rows(), 42, 0.8));
    let y_train = y.select_rows(&split.train);
    let model = OneVsRest::<BinaryNb>::fit(
        &NbParams::default(),
        &x.select_rows(&split.train),
        y_train.as_slice(),
        y.n_cols(),
    )?;
    let predicted = model.predict(&x.select_rows(&split.test))?;

    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    let evaluation = Evaluation::new(y.select_rows(&split.test).as_slice(), &predicted, &names, 2)?;
    print!("{evaluation}");
    Ok(())
}
