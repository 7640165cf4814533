//! Kaggle "The Movies Dataset" (`movies_metadata.csv`): RFC 4180 CSV whose `genres` cell is a
//! **Python literal**, `[{'id': 16, 'name': 'Animation'}, …]`, parsed with [`super::pyliteral`].
//!
//! `id` and `popularity` are strings in this file and are parsed to numbers here. The bundled
//! sample has 4,994 rows, 4 overviews with newlines and id 105045 twice (kept; de-duplicate with
//! [`super::prepare`]).
//!
//! ```
//! use cinegenre::dataset::{load_movies_from_text, SourceFormat};
//! let csv = "adult,id,imdb_id,title,overview,genres,popularity\n\
//!            False,862,tt0114709,Toy Story,Woody.,\"[{'id': 16, 'name': \"\"D'Anim\"\"}]\",21.946943\n";
//! let path = std::path::Path::new("movies_metadata.csv");
//! let movies = load_movies_from_text(path, csv, SourceFormat::MoviesDatasetCsv).unwrap();
//! assert_eq!((movies[0].genre_ids.clone(), movies[0].popularity), (vec![16], Some(21.946943)));
//! ```

use std::path::Path;

use crate::dataset::csv::Field;
use crate::dataset::csv_movies::{genre_id, read_csv_movies};
use crate::dataset::movie::Movie;
use crate::dataset::pyliteral::{self, PyValue};
use crate::error::{Error, Result};

/// Every record of a Movies Dataset CSV text, in file order.
pub(crate) fn read(path: &Path, text: &str) -> Result<Vec<Movie>> {
    read_csv_movies(path, text, python_genres)
}

fn python_genres(path: &Path, field: &Field<'_>) -> Result<Vec<u32>> {
    let fail = |msg: String| Error::parse(path, Some(field.line), msg).in_field("genres");
    if field.text.trim().is_empty() {
        return Err(fail("the cell is empty (expected a Python list such as [])".into()));
    }
    let value = pyliteral::parse(&field.text).map_err(|e| fail(format!("malformed Python literal: {e}")))?;
    let PyValue::List(items) = value else {
        return Err(fail("expected a list of {'id': …, 'name': …} dicts".into()));
    };
    items
        .iter()
        .map(|item| match item.get("id") {
            Some(PyValue::Int(id)) => genre_id(path, field, *id),
            _ => Err(fail(format!("expected a dict with an integer 'id', found {item}"))),
        })
        .collect()
}
