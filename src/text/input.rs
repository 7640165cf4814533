//! Documents from files, and the `vectorize` command's whole job as one call.
//!
//! | input | documents |
//! | --- | --- |
//! | `.txt` | one per line |
//! | `.csv` | the named column; a TMDB 5000 or The Movies Dataset file is read as movies |
//! | `.jsonl` | the named string field of every line |
//! | `.json` | TMDB API results: movies |
//!
//! Any of them may be gzip-compressed (`.gz` after the extension). Movie files are prepared as
//! `cinegenre dataset` prepares them (de-duplicated by id, empty overviews dropped), so their
//! rows line up with `cinegenre labels` on the same file; their column is `overview` or
//! `title`. Cleaning (the tutorial deletes `,` and `.`) is applied after reading.

use std::borrow::Cow;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::dataset::csv::{CsvReader, column_index};
use crate::dataset::{self, Movie, SourceFormat, tutorial_clean};
use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;
use crate::text::{
    CountVectorizer, CountVectorizerParams, DocFreq, TfidfParams, TfidfTransformer, Vocabulary,
};

/// Text cleaning before tokenizing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleaning {
    /// The tutorial's `text.replace(',', '').replace('.', '')`.
    Tutorial,
    /// The text as read.
    None,
}

impl Cleaning {
    /// Apply to one document.
    pub fn apply(self, text: &str) -> String {
        match self {
            Cleaning::Tutorial => tutorial_clean(text),
            Cleaning::None => text.to_string(),
        }
    }
}

/// What `vectorize` does.
#[derive(Debug, Clone)]
pub struct VectorizeOptions {
    /// Column (CSV) or field (JSON lines) with the text.
    pub column: String,
    pub min_df: DocFreq,
    pub max_df: DocFreq,
    /// TF-IDF (scikit-learn defaults) instead of counts.
    pub tfidf: bool,
    /// With `tfidf`: `1 + ln(tf)`.
    pub sublinear_tf: bool,
    pub cleaning: Cleaning,
}

/// A feature matrix and the vocabulary naming its columns.
#[derive(Debug, Clone)]
pub struct Features {
    pub matrix: CsrMatrix,
    pub vocabulary: Vocabulary,
}

/// Read the documents of `path` (see the module docs) and clean them.
pub fn read_documents(path: &Path, column: &str, cleaning: Cleaning) -> Result<Vec<String>> {
    let name = path.to_string_lossy();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let extension = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("");
    let text = dataset::read_text(path)?;
    let raw: Vec<String> = match extension {
        "txt" => text.lines().map(str::to_string).collect(),
        "jsonl" => json_lines_field(path, &text, column)?,
        "csv" | "json" => match dataset::detect_format(path, &text) {
            Ok(
                format @ (SourceFormat::Tmdb5000Csv
                | SourceFormat::MoviesDatasetCsv
                | SourceFormat::ApiResultsJson),
            ) => {
                let movies = dataset::load_movies_from_text(path, &text, format)?;
                movie_field(path, dataset::prepare(movies).0, column)?
            }
            _ if extension == "csv" => csv_column(path, &text, column)?,
            Ok(_) | Err(_) => {
                return Err(Error::parse(
                    path,
                    Some(1),
                    "a .json input must be TMDB API results (a JSON array or a page with \"results\")",
                ));
            }
        },
        other => {
            return Err(Error::parse(
                path,
                None,
                format!(
                    "cannot read documents from a `.{other}` file: use .txt, .csv, .jsonl or .json (optionally .gz)"
                ),
            ));
        }
    };
    if raw.is_empty() {
        return Err(Error::parse(path, None, "the file holds no documents"));
    }
    Ok(raw.iter().map(|doc| cleaning.apply(doc)).collect())
}

/// Read, clean and vectorize `path`.
pub fn vectorize_file(path: &Path, options: &VectorizeOptions) -> Result<Features> {
    vectorize_documents(&read_documents(path, &options.column, options.cleaning)?, options)
}

/// Counts (or TF-IDF) of already cleaned documents, with the vocabulary.
pub fn vectorize_documents<S: AsRef<str> + Sync>(docs: &[S], options: &VectorizeOptions) -> Result<Features> {
    let mut vectorizer = CountVectorizer::new(CountVectorizerParams {
        min_df: options.min_df,
        max_df: options.max_df,
        lowercase: true,
    });
    let mut matrix = vectorizer.fit_transform(docs)?;
    if options.tfidf {
        let params = TfidfParams { sublinear_tf: options.sublinear_tf, ..TfidfParams::default() };
        matrix = TfidfTransformer::new(params).fit_transform(&matrix)?;
    }
    let vocabulary = vectorizer
        .vocabulary()
        .cloned()
        .ok_or_else(|| Error::Shape("the vectorizer was not fitted".into()))?;
    Ok(Features { matrix, vocabulary })
}

fn movie_field(path: &Path, movies: Vec<Movie>, column: &str) -> Result<Vec<String>> {
    match column {
        "overview" => Ok(movies.into_iter().map(|m| m.overview).collect()),
        "title" => Ok(movies.into_iter().map(|m| m.title).collect()),
        other => Err(Error::parse(
            path,
            None,
            format!("movie files have the text columns `overview` and `title`, not `{other}`"),
        )
        .in_field(other)),
    }
}

fn csv_column(path: &Path, text: &str, column: &str) -> Result<Vec<String>> {
    let mut reader = CsvReader::new(path, text);
    let header = reader.read_header()?;
    let index = column_index(path, &header, column)?;
    let mut docs = Vec::new();
    while let Some(record) = reader.next_record()? {
        docs.push(record.fields[index].text.to_string());
    }
    Ok(docs)
}

fn json_lines_field(path: &Path, text: &str, field: &str) -> Result<Vec<String>> {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    lines
        .par_iter()
        .map(|&(i, line)| {
            let at = |message: String| Error::parse(path, Some(i + 1), message).in_field(field);
            let mut de = serde_json::Deserializer::from_str(line);
            let found =
                FieldSeed(field).deserialize(&mut de).map_err(|e| at(format!("invalid JSON: {e}")))?;
            de.end().map_err(|e| at(format!("invalid JSON: {e}")))?;
            match found {
                Found::Text(s) => Ok(s),
                Found::Null => Ok(String::new()),
                Found::NotText => Err(at("the field is not a string".into())),
                Found::Missing => Err(at("the field is missing".into())),
            }
        })
        .collect()
}

/// What [`FieldSeed`] found under its key.
enum Found {
    Text(String),
    Null,
    NotText,
    Missing,
}

/// Deserializes one JSON object keeping only the value of one key (the rest is skipped without
/// building a `serde_json::Value`, which makes reading a large JSON-lines file several times
/// faster).
struct FieldSeed<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Found;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Found, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = Found;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Found, A::Error> {
        let mut found = Found::Missing;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.0 {
                found = match map.next_value::<serde_json::Value>()? {
                    serde_json::Value::String(s) => Found::Text(s),
                    serde_json::Value::Null => Found::Null,
                    _ => Found::NotText,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}
