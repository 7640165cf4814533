//! Tutorial sections 3–4: the movies and their genres.
//!
//! Loads the tutorial's own movies (bundled), binarizes their genres the way
//! `MultiLabelBinarizer` does, and prints how many movies carry each genre beside the
//! tutorial's `np.sum(Y, axis=0)` (its notebook's In [55], on 1,595 movies), then what the
//! baseline — every movie gets the three most frequent genres — scores on these movies: the
//! figure every model of the later sections has to beat.
//!
//! Run: `cargo run --release --example 01_data` (under a second).

use cinegenre::dataset::{Bundled, GenreMap, load_bundled};
use cinegenre::labels::binarize;
use cinegenre::metrics::Baseline;

/// The tutorial's genre counts (In [55], `print np.sum(Y, axis=0)`), by genre id ascending.
const TUTORIAL_COUNTS: &[(u32, usize)] = &[
    (12, 327),
    (14, 234),
    (16, 220),
    (18, 645),
    (27, 222),
    (28, 438),
    (35, 404),
    (36, 138),
    (37, 45),
    (53, 440),
    (80, 233),
    (99, 133),
    (878, 242),
    (9648, 196),
    (10402, 135),
    (10749, 232),
    (10751, 256),
    (10752, 80),
    (10769, 23),
    (10770, 25),
];

fn main() -> cinegenre::Result<()> {
    let (movies, report) = load_bundled(Bundled::Tutorial)?;
    println!("{report}");
    let y = binarize(&movies, None)?.labels;
    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    println!("Y: {} movies × {} genres (the tutorial: 1595 × 20)", y.n_rows(), y.n_cols());

    let mut counts: Vec<(usize, &String, u32)> =
        y.column_sums().into_iter().zip(&names).zip(y.genre_ids()).map(|((c, n), &id)| (c, n, id)).collect();
    counts.sort_by_key(|&(count, _, _)| std::cmp::Reverse(count));
    println!("{:>16} {:>5} {:>9}", "genre", "ours", "tutorial");
    for (count, name, id) in counts {
        let tutorial =
            TUTORIAL_COUNTS.iter().find(|&&(t, _)| t == id).map_or("-".into(), |t| t.1.to_string());
        println!("{name:>16} {count:5} {tutorial:>9} {}", "#".repeat(count / 20));
    }

    // The baseline on every movie: the three most frequent genres, per-movie precision/recall.
    let all = y.as_slice();
    let baseline = Baseline::most_frequent(all, all, &names, 3)?;
    println!(
        "baseline ({}) on all movies: per-movie precision {:.3}, recall {:.3}",
        baseline.genres.join(", "),
        baseline.evaluation.mean_precision,
        baseline.evaluation.mean_recall
    );
    Ok(())
}
