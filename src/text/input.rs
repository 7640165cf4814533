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

use std::path::Path;

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
    let docs = read_documents(path, &options.column, options.cleaning)?;
    let mut vectorizer = CountVectorizer::new(CountVectorizerParams {
        min_df: options.min_df,
        max_df: options.max_df,
        lowercase: true,
    });
    let mut matrix = vectorizer.fit_transform(&docs)?;
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
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = |message: String| Error::parse(path, Some(i + 1), message).in_field(field);
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| at(format!("invalid JSON: {e}")))?;
        match value.get(field) {
            Some(serde_json::Value::String(s)) => docs.push(s.clone()),
            Some(serde_json::Value::Null) => docs.push(String::new()),
            Some(_) => return Err(at("the field is not a string".into())),
            None => return Err(at("the field is missing".into())),
        }
    }
    Ok(docs)
}
