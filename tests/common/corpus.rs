//! The tutorial's text-model input, built as the tutorial builds it: overviews with `,` and `.`
//! deleted, `CountVectorizer(max_df=0.95, min_df=0.005)` counts, and `MultiLabelBinarizer`
//! labels — on the tutorial's own movies (the parity tests) or on the whole bundled data (the
//! benches, at the size `cinegenre run` uses).

use cinegenre::dataset::{Bundled, GenreMap, Movie, load_bundled, load_bundled_file, tutorial_clean};
use cinegenre::labels::{LabelMatrix, binarize};
use cinegenre::matrix::CsrMatrix;
use cinegenre::text::{CountVectorizer, CountVectorizerParams};

/// The 1,559 movies of `paritoshgoyal_movies_with_overviews` in file order: their counts, and
/// labels over the genre ids present (ascending).
pub fn tutorial_counts() -> (CsrMatrix, LabelMatrix) {
    let movies = load_bundled_file("paritoshgoyal_movies_with_overviews.json.gz").expect("bundled file");
    counts_and_labels(&movies, None)
}

/// Every bundled movie (≈10k, de-duplicated), or the first `limit`: their counts, and labels
/// over the 20 TMDB genres of 2017.
pub fn bundled_counts(limit: Option<usize>) -> (CsrMatrix, LabelMatrix) {
    let (mut movies, _) = load_bundled(Bundled::All).expect("bundled data");
    movies.truncate(limit.unwrap_or(usize::MAX));
    counts_and_labels(&movies, Some(GenreMap::tmdb_2017().ids()))
}

fn counts_and_labels(movies: &[Movie], genre_ids: Option<&[u32]>) -> (CsrMatrix, LabelMatrix) {
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params = CountVectorizerParams::tutorial();
    let counts = CountVectorizer::new(params).fit_transform(&docs).expect("vectorize");
    let labels = binarize(movies, genre_ids).expect("labels").labels;
    (counts, labels)
}
