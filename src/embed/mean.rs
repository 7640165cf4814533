//! Mean word vectors of documents, bit-for-bit as the tutorial computes them (ALGORITHMS.md
//! §12.2, §1 item 13).
//!
//! ```text
//! tokens(doc)  = re.findall(r'\w+', doc)                 original case, 1-char tokens kept
//! content(doc) = [t for t in tokens(doc) if t not in en_stop]      (174 words, case-sensitive)
//! known(doc)   = [t.lower() for t in content(doc) if t.lower() in vectors]
//! mean(doc)    = (((0 + v₁) + v₂) + … + v_k) / float32(k)           float32, in token order
//! ```
//!
//! The tutorial's loop is `s = 0; s += model[tok.lower()]` then `s / float(count)`: the sum is
//! a float32 array accumulated sequentially (the first add `0 + v₁` turns `-0.0` into `+0.0`,
//! and so does this code), divided in float32. A document with no content token, or none that
//! the vectors know, has no mean: it is reported in [`MeanVectors::dropped`] and left out,
//! and [`MeanVectors::kept`] maps output rows back to documents.
//!
//! Cost: O(tokens · dim) time; one output row per kept document.
//!
//! ```
//! use cinegenre::embed::{DropReason, WordVectors, mean_vectors};
//! let v = WordVectors::from_rows(2, vec!["the".into(), "cat".into()], &[9.0, 9.0, 1.0, 3.0])?;
//! let m = mean_vectors(&["The cat, the CAT", "the of", "dog"], &v);
//! // "The" is no stop word (case-sensitive) but is looked up as "the"; "the" is dropped.
//! assert_eq!(m.rows, vec![(9.0 + 1.0 + 1.0) / 3.0, (9.0 + 3.0 + 3.0) / 3.0]);
//! assert_eq!(m.kept, vec![0]);
//! assert_eq!(m.dropped, vec![(1, DropReason::OnlyStopWords), (2, DropReason::NoKnownWord)]);
//! # Ok::<(), cinegenre::Error>(())
//! ```

use std::collections::HashSet;

use rayon::prelude::*;

use crate::embed::{WordVectors, is_stop_word};
use crate::text::{is_python_word_char, python_lower};

/// Why a document has no mean vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// Every token is a stop word (or there is no token at all).
    OnlyStopWords,
    /// No content token has a vector.
    NoKnownWord,
}

impl DropReason {
    /// A short name for files and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::OnlyStopWords => "only stop words",
            DropReason::NoKnownWord => "no word with a vector",
        }
    }
}

/// Mean vectors of the documents that have one.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanVectors {
    /// Vector dimension.
    pub dim: usize,
    /// (kept.len(), dim) row-major float32.
    pub rows: Vec<f32>,
    /// Document index of each row, ascending.
    pub kept: Vec<usize>,
    /// Documents left out, ascending, with the reason.
    pub dropped: Vec<(usize, DropReason)>,
}

/// `re.findall(r'\w+', doc)`: maximal runs of Python word characters, original case.
pub fn word_tokens(doc: &str) -> impl Iterator<Item = &str> {
    let mut rest = doc;
    std::iter::from_fn(move || {
        let start = rest.find(is_python_word_char)?;
        let tail = &rest[start..];
        let len = tail.find(|c: char| !is_python_word_char(c)).unwrap_or(tail.len());
        rest = &tail[len..];
        Some(&tail[..len])
    })
}

/// The tokens that are not stop words (original case).
pub fn content_tokens(doc: &str) -> impl Iterator<Item = &str> {
    word_tokens(doc).filter(|t| !is_stop_word(t))
}

/// Every lowercased content token of `docs`: the words a vector file must provide for them
/// (what `--vocab-from` keeps).
pub fn needed_words<S: AsRef<str>>(docs: &[S]) -> HashSet<String> {
    docs.iter().flat_map(|d| content_tokens(d.as_ref())).map(python_lower).collect()
}

/// The tutorial's mean vector of every document (see the module docs).
pub fn mean_vectors<S: AsRef<str> + Sync>(docs: &[S], vectors: &WordVectors) -> MeanVectors {
    let dim = vectors.dim();
    let means: Vec<Result<Vec<f32>, DropReason>> =
        docs.par_iter().map(|doc| mean_of(doc.as_ref(), vectors)).collect();
    let mut out = MeanVectors { dim, rows: Vec::new(), kept: Vec::new(), dropped: Vec::new() };
    for (i, mean) in means.into_iter().enumerate() {
        match mean {
            Ok(row) => {
                out.rows.extend_from_slice(&row);
                out.kept.push(i);
            }
            Err(reason) => out.dropped.push((i, reason)),
        }
    }
    out
}

fn mean_of(doc: &str, vectors: &WordVectors) -> Result<Vec<f32>, DropReason> {
    let mut sum = vec![0f32; vectors.dim()];
    let (mut content, mut known) = (0usize, 0usize);
    for token in content_tokens(doc) {
        content += 1;
        if let Some(v) = vectors.get(&python_lower(token)) {
            known += 1;
            for (s, x) in sum.iter_mut().zip(v) {
                *s += x;
            }
        }
    }
    match (content, known) {
        (0, _) => Err(DropReason::OnlyStopWords),
        (_, 0) => Err(DropReason::NoKnownWord),
        _ => {
            let k = known as f32;
            sum.iter_mut().for_each(|s| *s /= k);
            Ok(sum)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_python_word_runs_with_single_characters() {
        let toks: Vec<&str> = word_tokens("A man's 2nd-life: naïve café_x!").collect();
        assert_eq!(toks, ["A", "man", "s", "2nd", "life", "naïve", "café_x"]);
        let content: Vec<&str> = content_tokens("The man is in a war").collect();
        assert_eq!(content, ["The", "man", "war"]);
    }

    #[test]
    fn negative_zero_becomes_positive_as_in_numpy() {
        let v = WordVectors::from_rows(1, vec!["z".into()], &[-0.0]).unwrap();
        let m = mean_vectors(&["z"], &v);
        assert_eq!(m.rows[0].to_bits(), 0.0f32.to_bits());
    }
}
