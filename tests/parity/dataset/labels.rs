//! MultiLabelBinarizer parity on the tutorial's own movies.

use cinegenre::dataset::{GenreMap, load_movies};
use cinegenre::labels::binarize;

use crate::fixtures::path as fixture;

/// Column sums printed by the source repository's notebook for
/// `MultiLabelBinarizer().fit_transform(genre_ids)` (README, `paritoshgoyal_movies_with_overviews`).
const NOTEBOOK_COLUMN_SUMS: [usize; 20] =
    [328, 243, 239, 652, 214, 439, 402, 141, 47, 450, 240, 44, 250, 187, 117, 230, 265, 82, 19, 90];

#[test]
fn tutorial_labels_match_the_notebook() {
    let movies =
        load_movies(&fixture("data/tmdb_tutorial/paritoshgoyal_movies_with_overviews.json.gz")).unwrap();
    let binarized = binarize(&movies, None).unwrap();
    let y = &binarized.labels;
    assert_eq!((y.n_rows(), y.n_cols(), binarized.unknown), (1559, 20, 0));
    assert_eq!(y.genre_ids(), GenreMap::tmdb_2017().ids(), "classes_ = sorted ids");
    let got = y.column_sums();
    let diffs: Vec<(usize, usize, usize)> = (0..20)
        .filter(|&j| got[j] != NOTEBOOK_COLUMN_SUMS[j])
        .map(|j| (j, got[j], NOTEBOOK_COLUMN_SUMS[j]))
        .take(5)
        .collect();
    assert!(diffs.is_empty(), "column sums differ (column, got, want): {diffs:?}");
    // Same matrix when the columns are given explicitly.
    let explicit = binarize(&movies, Some(GenreMap::tmdb_2017().ids())).unwrap();
    assert_eq!(&explicit.labels, y);
    // Row 0 is Deadpool: Action, Adventure, Comedy, Romance.
    let deadpool: Vec<u32> = (0..20).filter(|&j| y.row(0)[j] == 1).map(|j| y.genre_ids()[j]).collect();
    assert_eq!(deadpool, vec![12, 28, 35, 10749]);
}

#[test]
fn restricted_columns_count_the_unknown_ids() {
    let movies =
        load_movies(&fixture("data/tmdb_tutorial/paritoshgoyal_movies_with_overviews.json.gz")).unwrap();
    // Without Foreign (10769), as today's TMDB list: its 19 labels become "unknown".
    let today: Vec<u32> = GenreMap::tmdb_2017().ids().iter().copied().filter(|&g| g != 10769).collect();
    let b = binarize(&movies, Some(&today)).unwrap();
    assert_eq!((b.labels.n_cols(), b.unknown), (19, 19));
    let sub = b.labels.select_rows(&[0, 0, 5]);
    assert_eq!((sub.n_rows(), sub.row(1)), (3, b.labels.row(0)));
    assert_eq!(sub.column(0), vec![b.labels.row(0)[0], b.labels.row(0)[0], b.labels.row(5)[0]]);
}
