//! Tutorial sections 3–4: the movies and their genres.
//!
//! Loads the tutorial's own 1,559 movies (bundled), binarizes their genres the way
//! `MultiLabelBinarizer` does, and prints how many movies carry each genre — the numbers the
//! tutorial's notebook printed as `Y.sum(axis=0)`.
//!
//! Run: `cargo run --release --example 01_dataset`

use cinegenre::dataset::{Bundled, GenreMap, load_bundled};
use cinegenre::labels::binarize;

fn main() -> cinegenre::Result<()> {
    let (movies, report) = load_bundled(Bundled::Tutorial)?;
    println!("{report}");
    let y = binarize(&movies, None)?.labels;
    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    let mut counts: Vec<(usize, &String)> = y.column_sums().into_iter().zip(&names).collect();
    counts.sort_by_key(|&(count, _)| std::cmp::Reverse(count));
    for (count, name) in counts {
        println!("{name:>16} {count:5} {}", "#".repeat(count / 10));
    }
    Ok(())
}
