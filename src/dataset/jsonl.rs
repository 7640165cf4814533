//! cinegenre's interchange format for prepared movies: JSON Lines, one [`Movie`] per line.
//!
//! Each line is `{"id":…,"title":…,"overview":…,"genre_ids":[…],"poster_path":…,
//! "release_date":…,"popularity":…,"language":…}` (optional fields may be `null` or absent).
//! Blank lines are skipped. Python reads it with `pandas.read_json(path, lines=True)`.
//! Non-finite popularity values have no JSON form and are written as `null`.
//!
//! ```
//! use cinegenre::dataset::{read_jsonl, write_jsonl, Movie};
//! let dir = std::env::temp_dir().join(format!("cinegenre-jsonl-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let movie = Movie { id: 862, title: "Toy Story".into(), overview: "Woody.".into(),
//!     genre_ids: vec![16, 35], poster_path: None, release_date: None, popularity: Some(21.9),
//!     language: Some("en".into()) };
//! write_jsonl(&dir.join("m.jsonl"), &[movie.clone()]).unwrap();
//! assert_eq!(read_jsonl(&dir.join("m.jsonl")).unwrap(), vec![movie]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::dataset::json_fields::{FieldSpec, diagnose, message_without_location, type_error};
use crate::dataset::movie::Movie;
use crate::dataset::read::read_text;
use crate::error::{Error, Result};
use crate::io::write_atomic;

const MOVIE_FIELDS: &[FieldSpec] = &[
    FieldSpec { name: "id", required: true, check: type_error::<u64> },
    FieldSpec { name: "title", required: true, check: type_error::<String> },
    FieldSpec { name: "overview", required: true, check: type_error::<String> },
    FieldSpec { name: "genre_ids", required: true, check: type_error::<Vec<u32>> },
    FieldSpec { name: "poster_path", required: false, check: type_error::<Option<String>> },
    FieldSpec { name: "release_date", required: false, check: type_error::<Option<String>> },
    FieldSpec { name: "popularity", required: false, check: type_error::<Option<f64>> },
    FieldSpec { name: "language", required: false, check: type_error::<Option<String>> },
];

/// Write `movies` to `path`, one JSON object per line, atomically.
pub fn write_jsonl(path: &Path, movies: &[Movie]) -> Result<()> {
    write_atomic(path, |out| {
        for movie in movies {
            serde_json::to_writer(&mut *out, movie).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
            out.write_all(b"\n").map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    })
}

/// Read a JSONL file written by [`write_jsonl`] (gzip allowed); errors name file, line, field.
pub fn read_jsonl(path: &Path) -> Result<Vec<Movie>> {
    let text = read_text(path)?;
    parse_jsonl(path, &text)
}

/// Parse JSONL `text`; `path` only names the file in errors.
pub(crate) fn parse_jsonl(path: &Path, text: &str) -> Result<Vec<Movie>> {
    let mut movies = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Movie>(line) {
            Ok(movie) => movies.push(movie),
            Err(e) => return Err(explain(path, index + 1, line, &e)),
        }
    }
    Ok(movies)
}

fn explain(path: &Path, line_number: usize, line: &str, e: &serde_json::Error) -> Error {
    let line_no = Some(line_number);
    if e.is_syntax() || e.is_eof() {
        let message = format!("malformed JSON at column {}: {}", e.column(), message_without_location(e));
        return Error::parse(path, line_no, message);
    }
    let Ok(value) = serde_json::from_str::<Value>(line) else {
        return Error::parse(path, line_no, message_without_location(e));
    };
    match diagnose(&value, MOVIE_FIELDS) {
        Some(fault) => Error::parse(path, line_no, fault.message).in_field(fault.field),
        None => Error::parse(path, line_no, message_without_location(e)),
    }
}
