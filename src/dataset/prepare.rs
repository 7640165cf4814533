//! The tutorial's data cleaning: de-duplicate movies, drop those without an overview, and
//! delete commas and periods from overviews before vectorising.
//!
//! The tutorial (ALGORITHMS.md §1, steps 1 and 3) does, in this order:
//!
//! ```text
//! keep the first movie with each id            (its `seen_before` loop)
//! drop movies whose overview is empty          (`if len(overview)==0`)
//! overview.replace(',', '').replace('.', '')   (before CountVectorizer)
//! ```
//!
//! Deviation: an overview of only whitespace counts as empty here (the tutorial's data has
//! none, and such a document yields no tokens anyway). Movies without genres are kept, as the
//! tutorial keeps them (an all-zero label row), and counted in [`PrepareReport::no_genre`].
//! Cost: `O(n)` time, one hash set of ids.
//!
//! ```
//! use cinegenre::dataset::{prepare, tutorial_clean, Movie};
//! let movie = |id, overview: &str| Movie { id, title: String::new(), overview: overview.into(),
//!     genre_ids: vec![], poster_path: None, release_date: None, popularity: None, language: None };
//! let (kept, report) = prepare(vec![movie(1, "a"), movie(1, "b"), movie(2, " ")]);
//! assert_eq!((kept.len(), kept[0].overview.as_str()), (1, "a"));
//! assert_eq!((report.read, report.duplicates, report.empty_overview, report.no_genre), (3, 1, 1, 1));
//! assert_eq!(tutorial_clean("U.S. agents, 3.5 days."), "US agents 35 days");
//! ```

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::dataset::load_movies;
use crate::dataset::movie::Movie;
use crate::error::Result;

/// What [`prepare`] did: `read = duplicates + empty_overview + kept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PrepareReport {
    /// Records given.
    pub read: usize,
    /// Records dropped because an earlier record had the same id.
    pub duplicates: usize,
    /// Records dropped (after de-duplication) because their overview is empty or blank.
    pub empty_overview: usize,
    /// Kept records that have no genre id (kept, with an all-zero label row).
    pub no_genre: usize,
    /// Records kept.
    pub kept: usize,
}

/// The tutorial's `overview.replace(',', '').replace('.', '')`: delete every comma and period.
pub fn tutorial_clean(overview: &str) -> String {
    overview.chars().filter(|&c| c != ',' && c != '.').collect()
}

/// De-duplicate by id keeping the first occurrence, then drop empty overviews; order is kept.
pub fn prepare(movies: Vec<Movie>) -> (Vec<Movie>, PrepareReport) {
    let mut report = PrepareReport { read: movies.len(), ..PrepareReport::default() };
    let mut seen = HashSet::with_capacity(movies.len());
    let mut kept = Vec::with_capacity(movies.len());
    for movie in movies {
        if !seen.insert(movie.id) {
            report.duplicates += 1;
        } else if movie.overview.trim().is_empty() {
            report.empty_overview += 1;
        } else {
            report.no_genre += usize::from(movie.genre_ids.is_empty());
            kept.push(movie);
        }
    }
    report.kept = kept.len();
    (kept, report)
}

/// Load movie files of any format, in order, and [`prepare`] them together (so an id repeated
/// across files is kept once, from the first file that has it). A directory stands for its
/// `movies.jsonl`, as written by `cinegenre fetch tmdb --out DIR`.
pub fn load_prepared(paths: &[PathBuf]) -> Result<(Vec<Movie>, PrepareReport)> {
    let mut movies = Vec::new();
    for path in paths {
        if path.is_dir() {
            movies.extend(load_movies(&path.join("movies.jsonl"))?);
        } else {
            movies.extend(load_movies(path)?);
        }
    }
    Ok(prepare(movies))
}

impl fmt::Display for PrepareReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read {}, dropped {} duplicate ids and {} empty overviews, kept {} ({} without a genre)",
            self.read, self.duplicates, self.empty_overview, self.kept, self.no_genre
        )
    }
}
