//! The `embed` command as one call: documents → the words they need → a filtered read of the
//! vector file → mean vectors → `E.npy` (float32, (kept, dim)) and `kept.json`.
//!
//! `E.npy` is what the text MLP takes: one float32 row per kept document, in document order;
//! `kept.json` maps rows back to documents (and so to the rows of `Y.npy` from `labels`).

use std::io::Write;
use std::path::Path;

use crate::embed::{Format, MeanVectors, ReadOptions, ReadReport, Utf8Errors, mean_vectors, needed_words};
use crate::error::{Error, Result};
use crate::io::{write_atomic, write_npy};

/// What [`embed_documents`] reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbedOptions {
    /// The vector file's format; `None`: from the name, else sniffed.
    pub format: Option<Format>,
    pub utf8_errors: Utf8Errors,
}

/// Mean vectors of `docs` from the vector file `vectors`, reading only the words they need.
pub fn embed_documents<S: AsRef<str> + Sync>(
    docs: &[S],
    vectors: &Path,
    options: &EmbedOptions,
) -> Result<(MeanVectors, ReadReport)> {
    let needed = needed_words(docs);
    let read = ReadOptions { keep: Some(&needed), utf8_errors: options.utf8_errors, limit: None };
    let (table, report) = crate::embed::read_vectors(vectors, options.format, &read)?;
    let means = mean_vectors(docs, &table);
    if means.kept.is_empty() {
        return Err(Error::Shape(format!(
            "{}: none of the {} documents has a content word with a vector",
            vectors.display(),
            docs.len()
        )));
    }
    Ok((means, report))
}

/// Write the means as float32 `.npy` of shape (kept, dim).
pub fn write_means(path: &Path, means: &MeanVectors) -> Result<()> {
    write_npy(path, &[means.kept.len(), means.dim], &means.rows)
}

/// Write `kept.json`: `{"n_documents", "dim", "kept": [doc index of each row],
/// "dropped": [{"index", "reason"}]}`.
pub fn write_kept(path: &Path, means: &MeanVectors, n_documents: usize) -> Result<()> {
    let dropped: Vec<serde_json::Value> = means
        .dropped
        .iter()
        .map(|&(index, reason)| serde_json::json!({"index": index, "reason": reason.as_str()}))
        .collect();
    let value = serde_json::json!({
        "n_documents": n_documents,
        "dim": means.dim,
        "kept": means.kept,
        "dropped": dropped,
    });
    write_atomic(path, |out| {
        serde_json::to_writer(&mut *out, &value).map_err(|e| Error::io(path, e.into()))?;
        out.write_all(b"\n").map_err(|e| Error::io(path, e))
    })
}
