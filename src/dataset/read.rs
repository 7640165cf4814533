//! Reading any supported movie file: bytes → text (gzip-transparent, UTF-8 checked) → format
//! detected from the content → [`Movie`] records in file order.
//!
//! Detection looks at the content, never the file name:
//!
//! ```text
//! first non-blank char '['                         → TMDB API results JSON (array)
//! '{' and the first line is an object with "results" → TMDB API results JSON (one page)
//! '{' and the first line is any other object          → movies JSONL
//! '{' spanning lines, whole text has "results"        → TMDB API results JSON (pretty page)
//! otherwise a CSV header with imdb_id / belongs_to_collection / adult / video
//!                                                     → The Movies Dataset CSV
//! a CSV header with keywords                          → TMDB 5000 CSV
//! ```
//!
//! ```
//! use cinegenre::dataset::{detect_format, SourceFormat};
//! let path = std::path::Path::new("x");
//! assert_eq!(detect_format(path, "[]").unwrap(), SourceFormat::ApiResultsJson);
//! assert_eq!(detect_format(path, "{\"id\": 1}\n").unwrap(), SourceFormat::MoviesJsonl);
//! assert!(detect_format(path, "a,b\n1,2\n").is_err());
//! ```

use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;
use serde_json::Value;

use crate::dataset::csv::{CsvReader, optional_column};
use crate::dataset::movie::{Movie, SourceFormat};
use crate::dataset::{api_json, jsonl, movies_dataset, tmdb5000};
use crate::error::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The whole file as UTF-8 text, decompressed when it starts with the gzip magic bytes; a
/// leading byte-order mark is dropped. Invalid UTF-8 is a parse error naming the line.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_text(path, bytes)
}

/// [`read_text`] on bytes already in memory; `path` only names the source in errors.
pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let bytes = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        MultiGzDecoder::new(&bytes[..]).read_to_end(&mut out).map_err(|e| {
            Error::parse(path, None, format!("the gzip stream could not be decompressed: {e}"))
        })?;
        out
    } else {
        bytes
    };
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
        let bad: Vec<String> = bytes[valid..].iter().take(4).map(|b| format!("{b:#04x}")).collect();
        Error::parse(path, Some(line), format!("invalid UTF-8 (bytes {})", bad.join(" ")))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// Which [`SourceFormat`] `text` is, judged from its content (see the module docs).
pub fn detect_format(path: &Path, text: &str) -> Result<SourceFormat> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(Error::parse(path, Some(1), "the file is empty"));
    }
    if trimmed.starts_with('[') {
        return Ok(SourceFormat::ApiResultsJson);
    }
    if trimmed.starts_with('{') {
        return detect_json_object(path, trimmed);
    }
    let mut reader = CsvReader::new(path, text);
    let header = reader.read_header()?;
    let has = |name: &str| optional_column(&header, name).is_some();
    if ["imdb_id", "belongs_to_collection", "adult", "video"].iter().any(|c| has(c)) {
        return Ok(SourceFormat::MoviesDatasetCsv);
    }
    if has("keywords") {
        return Ok(SourceFormat::Tmdb5000Csv);
    }
    let names: Vec<&str> = header.fields.iter().map(|f| f.text.as_ref()).collect();
    Err(Error::parse(
        path,
        Some(header.line),
        format!(
            "not a known movie format: a CSV header needs `keywords` (TMDB 5000) or `imdb_id` \
             (The Movies Dataset); found columns: {}",
            names.join(", ")
        ),
    ))
}

fn detect_json_object(path: &Path, text: &str) -> Result<SourceFormat> {
    let first_line = text.lines().next().unwrap_or("");
    if let Ok(value) = serde_json::from_str::<Value>(first_line) {
        return Ok(if value.get("results").is_some() {
            SourceFormat::ApiResultsJson
        } else {
            SourceFormat::MoviesJsonl
        });
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) if value.get("results").is_some() => Ok(SourceFormat::ApiResultsJson),
        Ok(_) => Err(Error::parse(
            path,
            Some(1),
            "not a known movie format: a JSON object without \"results\" (not a TMDB API page) \
             that spans several lines (not JSON Lines)",
        )),
        // Neither parses: report it as JSONL so that the first bad line is named.
        Err(_) => Ok(SourceFormat::MoviesJsonl),
    }
}

/// Every movie in `path`, any supported format, in file order, nothing filtered.
pub fn load_movies(path: &Path) -> Result<Vec<Movie>> {
    let text = read_text(path)?;
    let format = detect_format(path, &text)?;
    load_movies_from_text(path, &text, format)
}

/// Parse `text` as `format`; `path` only names the source in errors.
pub fn load_movies_from_text(path: &Path, text: &str, format: SourceFormat) -> Result<Vec<Movie>> {
    match format {
        SourceFormat::Tmdb5000Csv => tmdb5000::read(path, text),
        SourceFormat::MoviesDatasetCsv => movies_dataset::read(path, text),
        SourceFormat::ApiResultsJson => api_json::read(path, text),
        SourceFormat::MoviesJsonl => jsonl::parse_jsonl(path, text),
    }
}
