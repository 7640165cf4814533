//! The data layer against the real files in `fixtures/data/` and the reference counts in
//! `fixtures/data/README.md` (computed there with Python's `csv`/`json` modules), plus the
//! error messages on bad input.

mod bundled;
mod errors;
mod labels;
mod real_counts;

use std::collections::{BTreeMap, HashSet};

use cinegenre::dataset::{GenreMap, Movie};

/// Per-genre movie counts by name, one per movie per genre, as the README tabulates them.
pub fn genre_counts(movies: &[Movie]) -> BTreeMap<String, usize> {
    let genres = GenreMap::tmdb_2017();
    let mut counts = BTreeMap::new();
    for movie in movies {
        for &id in &movie.genre_ids {
            let name = genres.name(id).map_or_else(|| format!("#{id}"), str::to_string);
            *counts.entry(name).or_insert(0) += 1;
        }
    }
    counts
}

/// Parse a README genre line such as `Drama 2297, Comedy 1722`.
pub fn readme_counts(line: &str) -> BTreeMap<String, usize> {
    line.split(", ")
        .map(|pair| {
            let (name, n) = pair.trim().rsplit_once(' ').expect("`Name count` pair");
            (name.to_string(), n.parse().expect("count"))
        })
        .collect()
}

/// Assert two genre tables agree, printing the genres that differ.
pub fn assert_counts(label: &str, got: &BTreeMap<String, usize>, want: &BTreeMap<String, usize>) {
    let names: HashSet<&String> = got.keys().chain(want.keys()).collect();
    let mut diffs: Vec<(String, Option<usize>, Option<usize>)> = names
        .into_iter()
        .filter(|n| got.get(*n) != want.get(*n))
        .map(|n| (n.clone(), got.get(n).copied(), want.get(n).copied()))
        .collect();
    diffs.sort();
    assert!(diffs.is_empty(), "{label}: genre counts differ (genre, got, want): {diffs:?}");
}

/// Distinct ids among `movies`.
pub fn distinct_ids(movies: &[Movie]) -> usize {
    movies.iter().map(|m| m.id).collect::<HashSet<_>>().len()
}

/// Records with a non-empty overview and at least one genre (the README's "usable").
pub fn usable(movies: &[Movie]) -> usize {
    movies.iter().filter(|m| !m.overview.trim().is_empty() && !m.genre_ids.is_empty()).count()
}
