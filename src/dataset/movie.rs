//! The one movie record every loader produces, and the source formats it is read from.

use serde::{Deserialize, Serialize};

/// One movie: what the pipeline needs from any source (text, labels, poster key, metadata).
///
/// Optional fields are `None` when the source lacks the column or leaves the cell empty
/// (TMDB 5000 has no `poster_path`; some release dates are empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movie {
    /// TMDB movie id.
    pub id: u64,
    pub title: String,
    /// The plot summary, verbatim (no cleaning; see [`super::tutorial_clean`]).
    pub overview: String,
    /// TMDB genre ids in the source's order.
    pub genre_ids: Vec<u32>,
    /// TMDB poster key such as `/rhIRbceoE9lR4veEXuwCC2wARtG.jpg`.
    #[serde(default)]
    pub poster_path: Option<String>,
    /// `YYYY-MM-DD` as the source writes it.
    #[serde(default)]
    pub release_date: Option<String>,
    #[serde(default)]
    pub popularity: Option<f64>,
    /// `original_language`, an ISO 639-1 code such as `en`.
    #[serde(default)]
    pub language: Option<String>,
}

/// The file formats [`super::load_movies`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// Kaggle "TMDB 5000 Movie Dataset" `tmdb_5000_movies.csv` (genres as JSON in a CSV cell).
    Tmdb5000Csv,
    /// Kaggle "The Movies Dataset" `movies_metadata.csv` (genres as Python literals).
    MoviesDatasetCsv,
    /// TMDB API `results` objects: a JSON array of them, or one page `{"page":…,"results":[…]}`.
    ApiResultsJson,
    /// cinegenre's own JSON Lines: one serialized [`Movie`] per line.
    MoviesJsonl,
}

impl SourceFormat {
    /// A short human name for messages and reports.
    pub fn describe(self) -> &'static str {
        match self {
            SourceFormat::Tmdb5000Csv => "TMDB 5000 CSV",
            SourceFormat::MoviesDatasetCsv => "The Movies Dataset CSV",
            SourceFormat::ApiResultsJson => "TMDB API results JSON",
            SourceFormat::MoviesJsonl => "movies JSONL",
        }
    }
}

/// `Some(s)` unless `s` is empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    if s.is_empty() { None } else { Some(s.to_string()) }
}
