//! The TMDB response bodies the dataset builder reads, parsed without trusting them: any
//! byte string gives a value or an error, never a panic, and no number inside the JSON sizes
//! an allocation or a loop.
//!
//! ```text
//! genre/movie/list                  {"genres": [{"id": 28, "name": "Action"}, …]}
//! discover/movie, movie/popular,    {"page": 1, "results": […], "total_pages": 7, …}
//! search/movie                      results as in dataset::api_json; total_pages clamped to
//!                                   0..=500 (TMDB's maximum), 1 when absent or not a number
//! ```
//!
//! A hostile or broken server could send `"total_pages": 4e9`; the planner would then ask for
//! (and hold slots for) four billion pages. The clamp bounds it by TMDB's documented 500
//! (the plan's `--pages` bounds it further). Bodies are at most 8 MiB before they get here.
//!
//! ```
//! use cinegenre::tmdb::parse_results_page;
//! let page = parse_results_page("p", br#"{"results": [], "total_pages": 4e9}"#).unwrap();
//! assert_eq!(page.total_pages, 500);
//! ```

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::dataset::{self, Movie, SourceFormat};
use crate::tmdb::plan::MAX_PAGES;

/// One entry of `genre/movie/list`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Genre {
    pub id: u32,
    pub name: String,
}

#[derive(Deserialize)]
struct GenreList {
    genres: Vec<Genre>,
}

/// The genres of a `genre/movie/list` body.
pub fn parse_genre_list(bytes: &[u8]) -> Result<Vec<Genre>, String> {
    serde_json::from_slice::<GenreList>(bytes).map(|list| list.genres).map_err(|e| e.to_string())
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct ResultsPage {
    pub movies: Vec<Movie>,
    /// The server's `total_pages`, within `0..=500`.
    pub total_pages: u32,
}

/// A page of `discover/movie`, `movie/popular` or `search/movie`; `source` names it in errors.
pub fn parse_results_page(source: &str, bytes: &[u8]) -> Result<ResultsPage, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let total_pages = match value.get("total_pages") {
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(whole), _) => whole.min(u64::from(MAX_PAGES)) as u32,
            (None, Some(x)) if x > 0.0 => x.min(f64::from(MAX_PAGES)) as u32,
            _ => 0,
        },
        _ => 1,
    };
    let movies = dataset::load_movies_from_text(Path::new(source), text, SourceFormat::ApiResultsJson)
        .map_err(|e| e.to_string())?;
    Ok(ResultsPage { movies, total_pages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_pages_is_clamped_whatever_its_type() {
        let pages = |v: &str| {
            let body = format!(r#"{{"results": [], "total_pages": {v}}}"#);
            parse_results_page("p", body.as_bytes()).map(|p| p.total_pages)
        };
        for (v, want) in [
            ("7", 7),
            ("4000000000", 500),
            ("18446744073709551615", 500),
            ("1e308", 500),
            ("4e9", 500),
            ("2.5", 2),
            ("-3", 0),
            ("-1e300", 0),
            ("\"9\"", 1),
            ("null", 1),
        ] {
            assert_eq!(pages(v), Ok(want), "total_pages {v}");
        }
        assert!(pages("1e999").is_err(), "out of range for f64: a parse error, not infinity");
    }

    #[test]
    fn genre_lists_parse_or_say_why() {
        let genres = parse_genre_list(br#"{"genres": [{"id": 28, "name": "Action"}]}"#).unwrap();
        assert_eq!(genres, vec![Genre { id: 28, name: "Action".into() }]);
        for bad in [&b"{}"[..], b"{\"genres\": [{\"id\": -1, \"name\": \"x\"}]}", b"\xff", b""] {
            assert!(parse_genre_list(bad).is_err());
        }
    }
}
