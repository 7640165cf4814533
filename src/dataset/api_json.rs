//! TMDB API `results` objects (`movie/popular`, `discover/movie`), the format of the tutorial's
//! own data files: a JSON array of result objects, or one API page `{"page": 1, "results": […]}`.
//!
//! Used keys: `id`, `title`, `overview` (may be empty or null), `genre_ids`, `poster_path`
//! (nullable), `release_date`, `popularity`, `original_language`; other keys are ignored.
//! Empty strings in optional fields become `None`.
//!
//! ```
//! use cinegenre::dataset::{load_movies_from_text, SourceFormat};
//! let json = r#"{"page": 1, "results": [{"id": 293660, "title": "Deadpool",
//!     "overview": "", "genre_ids": [28, 35], "poster_path": null}]}"#;
//! let path = std::path::Path::new("page.json");
//! let movies = load_movies_from_text(path, json, SourceFormat::ApiResultsJson).unwrap();
//! assert_eq!((movies[0].id, movies[0].poster_path.clone()), (293660, None));
//! ```

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::dataset::json_fields::{FieldSpec, diagnose, message_without_location, type_error};
use crate::dataset::movie::Movie;
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct ApiMovie {
    id: u64,
    title: String,
    #[serde(default)]
    overview: Option<String>,
    genre_ids: Vec<u32>,
    #[serde(default)]
    poster_path: Option<String>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    popularity: Option<f64>,
    #[serde(default)]
    original_language: Option<String>,
}

#[derive(Deserialize)]
struct ApiPage {
    results: Vec<ApiMovie>,
}

const API_FIELDS: &[FieldSpec] = &[
    FieldSpec { name: "id", required: true, check: type_error::<u64> },
    FieldSpec { name: "title", required: true, check: type_error::<String> },
    FieldSpec { name: "overview", required: false, check: type_error::<Option<String>> },
    FieldSpec { name: "genre_ids", required: true, check: type_error::<Vec<u32>> },
    FieldSpec { name: "poster_path", required: false, check: type_error::<Option<String>> },
    FieldSpec { name: "release_date", required: false, check: type_error::<Option<String>> },
    FieldSpec { name: "popularity", required: false, check: type_error::<Option<f64>> },
    FieldSpec { name: "original_language", required: false, check: type_error::<Option<String>> },
];

/// Every result object of an API results text, in file order.
pub(crate) fn read(path: &Path, text: &str) -> Result<Vec<Movie>> {
    let is_page = text.trim_start().starts_with('{');
    let parsed = if is_page {
        serde_json::from_str::<ApiPage>(text).map(|page| page.results)
    } else {
        serde_json::from_str::<Vec<ApiMovie>>(text)
    };
    let results = parsed.map_err(|e| explain(path, text, is_page, &e))?;
    Ok(results.into_iter().map(into_movie).collect())
}

fn into_movie(m: ApiMovie) -> Movie {
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    Movie {
        id: m.id,
        title: m.title,
        overview: m.overview.unwrap_or_default(),
        genre_ids: m.genre_ids,
        poster_path: non_empty(m.poster_path),
        release_date: non_empty(m.release_date),
        popularity: m.popularity,
        language: non_empty(m.original_language),
    }
}

/// Turn serde's error into one that names the line and, where it can be found, the field.
fn explain(path: &Path, text: &str, is_page: bool, e: &serde_json::Error) -> Error {
    let line = Some(e.line()).filter(|&l| l > 0);
    let error = Error::parse(path, line, message_without_location(e));
    if e.is_syntax() || e.is_eof() {
        return error;
    }
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return error;
    };
    let results = if is_page { value.get("results") } else { Some(&value) };
    let Some(Value::Array(items)) = results else {
        let message = if is_page {
            "expected an API page with a \"results\" array"
        } else {
            "expected a JSON array of TMDB result objects"
        };
        return Error::parse(path, line, message).in_field(if is_page { "results" } else { "(root)" });
    };
    for (index, item) in items.iter().enumerate() {
        if let Some(fault) = diagnose(item, API_FIELDS) {
            let message = format!("result {index}: {}", fault.message);
            return Error::parse(path, line, message).in_field(fault.field);
        }
    }
    error
}
