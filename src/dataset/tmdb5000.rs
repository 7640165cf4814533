//! Kaggle "TMDB 5000 Movie Dataset" (`tmdb_5000_movies.csv`): RFC 4180 CSV whose `genres`
//! cell is a JSON array `[{"id": 28, "name": "Action"}, …]`.
//!
//! The file has no `poster_path` column, so [`Movie::poster_path`] is always `None`; the
//! 4,803 rows include 3 overviews with a bare `\r` inside the quoted cell, kept verbatim.
//!
//! ```
//! use cinegenre::dataset::{detect_format, load_movies_from_text, SourceFormat};
//! let csv = "id,title,overview,genres,keywords\n\
//!            19995,Avatar,\"A Marine, on Pandora.\",\"[{\"\"id\"\": 28, \"\"name\"\": \"\"Action\"\"}]\",[]\n";
//! let path = std::path::Path::new("tmdb.csv");
//! assert_eq!(detect_format(path, csv).unwrap(), SourceFormat::Tmdb5000Csv);
//! let movies = load_movies_from_text(path, csv, SourceFormat::Tmdb5000Csv).unwrap();
//! assert_eq!((movies[0].id, movies[0].genre_ids.clone()), (19995, vec![28]));
//! ```
//!
//! [`Movie::poster_path`]: crate::dataset::Movie::poster_path

use std::path::Path;

use serde::Deserialize;

use crate::dataset::csv::Field;
use crate::dataset::csv_movies::read_csv_movies;
use crate::dataset::movie::Movie;
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct GenreEntry {
    id: u32,
}

/// Every record of a TMDB 5000 CSV text, in file order.
pub(crate) fn read(path: &Path, text: &str) -> Result<Vec<Movie>> {
    read_csv_movies(path, text, json_genres)
}

fn json_genres(path: &Path, field: &Field<'_>) -> Result<Vec<u32>> {
    let fail = |msg: String| Error::parse(path, Some(field.line), msg).in_field("genres");
    if field.text.trim().is_empty() {
        return Err(fail("the cell is empty (expected a JSON list such as [])".into()));
    }
    let entries: Vec<GenreEntry> = serde_json::from_str(&field.text)
        .map_err(|e| fail(format!("not a JSON list of {{\"id\", \"name\"}} objects: {e}")))?;
    Ok(entries.into_iter().map(|g| g.id).collect())
}
