//! The real movie data shipped inside the binary (`include_bytes!` of `fixtures/data/`), so
//! the library and CLI work from any directory without downloads.
//!
//! Files, in the order [`Bundled::All`] concatenates them before de-duplicating by id (the
//! first occurrence wins, so an id's record comes from the earliest file that has it):
//!
//! ```text
//!  1 paritoshgoyal_movies_with_overviews   the tutorial's text-model input (1,559)
//!  2 paritoshgoyal_movie_list123           TMDB movie/popular, 50 pages (1,000)
//!  3 paritoshgoyal_movies_for_posters      discover/movie per genre (1,653)
//!  4 paritoshgoyal_poster_movies           second discover crawl, posters found (1,462)
//!  5 paritoshgoyal_no_poster_movies        second discover crawl, no poster (191)
//!  6 paritoshgoyal_final_movies_set        the tutorial's poster-model input (1,278)
//!  7 yashchoubey_movie_list                movie/popular from another re-run (1,000)
//!  8 yashchoubey_movies_for_posters        discover/movie from that re-run (1,777)
//!  9 tmdb_5000_movies                      Kaggle TMDB 5000 (4,803)
//! 10 movies_metadata_sample                Kaggle The Movies Dataset, first rows (4,994)
//! ```
//!
//! Tutorial files first, so tutorial labels win over the later crawls. Provenance and
//! licences: `fixtures/data/README.md`. Cost: ~5.6 MB of gzip in the binary; loading all
//! decompresses ~14 MB and parses the files in parallel.
//!
//! ```
//! use cinegenre::dataset::{load_bundled, Bundled};
//! let (movies, report) = load_bundled(Bundled::Tutorial).unwrap();
//! assert_eq!((movies.len(), report.kept), (1559, 1559));
//! ```

use std::path::PathBuf;

use rayon::prelude::*;

use crate::dataset::movie::{Movie, SourceFormat};
use crate::dataset::prepare::{PrepareReport, prepare};
use crate::dataset::read::{decode_text, load_movies_from_text};
use crate::error::{Error, Result};

/// Which bundled movies to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundled {
    /// `paritoshgoyal_movies_with_overviews`: the tutorial's text-model input, 1,559 movies.
    Tutorial,
    /// Every bundled movie file, concatenated in the documented order, de-duplicated by id.
    All,
}

impl std::fmt::Display for Bundled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bundled::Tutorial => "tutorial",
            Bundled::All => "all",
        })
    }
}

macro_rules! bundled_files {
    ($($dir:literal $name:literal => $format:ident,)*) => {
        static SOURCES: &[(&str, SourceFormat)] = &[$(($name, SourceFormat::$format)),*];
        static BYTES: &[&[u8]] =
            &[$(include_bytes!(concat!("../../fixtures/data/", $dir, $name))),*];
    };
}

bundled_files! {
    "tmdb_tutorial/" "paritoshgoyal_movies_with_overviews.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "paritoshgoyal_movie_list123.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "paritoshgoyal_movies_for_posters.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "paritoshgoyal_poster_movies.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "paritoshgoyal_no_poster_movies.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "paritoshgoyal_final_movies_set.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "yashchoubey_movie_list.json.gz" => ApiResultsJson,
    "tmdb_tutorial/" "yashchoubey_movies_for_posters.json.gz" => ApiResultsJson,
    "" "tmdb_5000_movies.csv.gz" => Tmdb5000Csv,
    "" "movies_metadata_sample.csv.gz" => MoviesDatasetCsv,
}

/// The bundled movie files (file name, format), in [`Bundled::All`] order.
pub fn bundled_sources() -> &'static [(&'static str, SourceFormat)] {
    SOURCES
}

/// The raw gzip bytes of bundled file `name` (as listed by [`bundled_sources`]).
pub fn bundled_bytes(name: &str) -> Option<&'static [u8]> {
    SOURCES.iter().position(|&(n, _)| n == name).map(|i| BYTES[i])
}

/// Every record of one bundled file, in file order, nothing filtered.
pub fn load_bundled_file(name: &str) -> Result<Vec<Movie>> {
    let index = SOURCES.iter().position(|&(n, _)| n == name).ok_or_else(|| {
        let known: Vec<&str> = SOURCES.iter().map(|&(n, _)| n).collect();
        Error::param("bundled file", format!("`{name}` is not one of {}", known.join(", ")))
    })?;
    load_index(index)
}

fn load_index(index: usize) -> Result<Vec<Movie>> {
    let (name, format) = SOURCES[index];
    let path = PathBuf::from("<bundled>").join(name);
    let text = decode_text(&path, BYTES[index].to_vec())?;
    load_movies_from_text(&path, &text, format)
}

/// Load bundled movies and [`prepare`] them (de-duplicate by id, drop empty overviews).
pub fn load_bundled(which: Bundled) -> Result<(Vec<Movie>, PrepareReport)> {
    let movies = match which {
        Bundled::Tutorial => load_index(0)?,
        Bundled::All => {
            let per_file: Vec<Vec<Movie>> =
                (0..SOURCES.len()).into_par_iter().map(load_index).collect::<Result<_>>()?;
            per_file.into_iter().flatten().collect()
        }
    };
    Ok(prepare(movies))
}
