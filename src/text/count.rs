//! `CountVectorizer`: documents → term-count matrix, with scikit-learn 1.9.1 parity.
//!
//! ```text
//! X[i, j] = number of tokens of python_lower(doc_i) equal to vocabulary term j
//! df_t    = #{ i : term t occurs in doc_i }
//! keep t  ⇔  df_t ≤ max_df.threshold(n_docs)  and  df_t ≥ min_df.threshold(n_docs)
//! column(t) = rank of t among the kept terms in code-point order (Python's sorted())
//! ```
//!
//! Steps of [`CountVectorizer::fit_transform`]: (1) in parallel, lowercase each document once
//! and count its tokens in a per-document hash map of `&str` slices (no `String` per token);
//! (2) merge per-document term sets into document frequencies (a parallel fold of sums, so the
//! result is independent of scheduling); (3) prune by `min_df`/`max_df`, sort the survivors
//! by code point: that order *is* the vocabulary; (4) in parallel, map each document's terms to
//! columns and sort its row.
//!
//! Reference: `sklearn.feature_extraction.text.CountVectorizer` with the default analyzer,
//! `token_pattern=r"(?u)\b\w\w+\b"`, no stop words, unigrams. Errors carry scikit-learn's
//! messages verbatim. Deviations: counts are stored as `f64` (sklearn: `int64`), and column
//! indices inside a row are ascending (sklearn leaves them in first-appearance order, which
//! is the same matrix); `fit_transform` always refits, even after [`CountVectorizer::from_vocabulary`].
//!
//! Cost: `O(total characters)` time for tokenizing plus `O(V log V)` for the sort; memory is
//! the lowercased copies plus one `(term, count)` pair per distinct term per document.
//!
//! ```
//! use cinegenre::text::{CountVectorizer, CountVectorizerParams};
//! let docs = ["The cat sat on the mat.", "The dog sat on the log"];
//! let mut cv = CountVectorizer::new(CountVectorizerParams::default());
//! let x = cv.fit_transform(&docs).unwrap();
//! assert_eq!(cv.vocabulary().unwrap().terms(), ["cat", "dog", "log", "mat", "on", "sat", "the"]);
//! assert_eq!(x.to_dense(), vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 2.0]);
//! ```

use std::borrow::Cow;

use rayon::prelude::*;

use super::doc_freq::DocFreq;
use super::fxhash::FxHashMap;
use super::tokenize::{python_lower, tokens};
use super::vocabulary::Vocabulary;
use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;

/// scikit-learn's message when no document has a single token.
pub const EMPTY_VOCABULARY: &str = "empty vocabulary; perhaps the documents only contain stop words";
/// scikit-learn's message when `max_df` stands for fewer documents than `min_df`.
pub const MAX_DF_BELOW_MIN_DF: &str = "max_df corresponds to < documents than min_df";
/// scikit-learn's message when the document-frequency limits remove every term.
pub const NOTHING_LEFT_AFTER_PRUNING: &str =
    "After pruning, no terms remain. Try a lower min_df or a higher max_df.";

/// The options of scikit-learn's `CountVectorizer` this crate supports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CountVectorizerParams {
    /// Drop terms in fewer documents than this (sklearn default `1`, an int).
    pub min_df: DocFreq,
    /// Drop terms in more documents than this (sklearn default `1.0`, a float).
    pub max_df: DocFreq,
    /// Apply Python's `str.lower()` before tokenizing (sklearn default `True`).
    pub lowercase: bool,
}

impl Default for CountVectorizerParams {
    fn default() -> Self {
        CountVectorizerParams { min_df: DocFreq::Count(1), max_df: DocFreq::Fraction(1.0), lowercase: true }
    }
}

/// Term counter; fitted once it holds a [`Vocabulary`].
#[derive(Clone, Debug)]
pub struct CountVectorizer {
    params: CountVectorizerParams,
    vocabulary: Option<Vocabulary>,
}

/// One document's distinct terms with their counts, borrowing from the (lowercased) text.
type TermCounts<'a> = Vec<(&'a str, u32)>;

impl CountVectorizer {
    /// An unfitted vectorizer.
    pub fn new(params: CountVectorizerParams) -> Self {
        CountVectorizer { params, vocabulary: None }
    }

    /// A vectorizer fitted to a given vocabulary (sklearn's `vocabulary=` argument).
    pub fn from_vocabulary(params: CountVectorizerParams, vocabulary: Vocabulary) -> Self {
        CountVectorizer { params, vocabulary: Some(vocabulary) }
    }

    /// The parameters.
    pub fn params(&self) -> &CountVectorizerParams {
        &self.params
    }

    /// The fitted vocabulary, if any.
    pub fn vocabulary(&self) -> Option<&Vocabulary> {
        self.vocabulary.as_ref()
    }

    /// Learn the vocabulary from `docs` and return their `(n_docs, n_terms)` count matrix.
    pub fn fit_transform<S: AsRef<str> + Sync>(&mut self, docs: &[S]) -> Result<CsrMatrix> {
        let min_df = self.params.min_df.validate("min_df")?;
        let max_df = self.params.max_df.validate("max_df")?;
        let texts = self.lowered(docs);
        let doc_terms: Vec<TermCounts<'_>> =
            texts.par_iter().map_init(FxHashMap::default, |map, text| count_terms(map, text)).collect();

        let df = document_frequencies(&doc_terms);
        if df.is_empty() {
            return Err(Error::Vocabulary(EMPTY_VOCABULARY.into()));
        }
        let max_doc_count = max_df.threshold(docs.len());
        let min_doc_count = min_df.threshold(docs.len());
        if max_doc_count < min_doc_count {
            return Err(Error::Vocabulary(MAX_DF_BELOW_MIN_DF.into()));
        }
        let mut kept: Vec<&str> = df
            .iter()
            .filter(|&(_, &d)| d as f64 <= max_doc_count && d as f64 >= min_doc_count)
            .map(|(&term, _)| term)
            .collect();
        if kept.is_empty() {
            return Err(Error::Vocabulary(NOTHING_LEFT_AFTER_PRUNING.into()));
        }
        // UTF-8 byte order is code-point order, i.e. Python's sorted() on str.
        kept.sort_unstable();
        let columns: FxHashMap<&str, u32> = kept.iter().enumerate().map(|(j, &t)| (t, j as u32)).collect();

        let rows: Vec<Vec<(u32, u32)>> = doc_terms
            .par_iter()
            .map(|terms| {
                let mut row: Vec<(u32, u32)> =
                    terms.iter().filter_map(|&(t, c)| columns.get(t).map(|&j| (j, c))).collect();
                row.sort_unstable_by_key(|&(j, _)| j);
                row
            })
            .collect();
        let matrix = assemble(&rows, kept.len())?;
        self.vocabulary = Some(Vocabulary::from_terms(kept.into_iter().map(str::to_owned).collect())?);
        Ok(matrix)
    }

    /// Count the vocabulary's terms in `docs` (terms outside the vocabulary are ignored).
    pub fn transform<S: AsRef<str> + Sync>(&self, docs: &[S]) -> Result<CsrMatrix> {
        let vocab = self.vocabulary.as_ref().ok_or_else(|| {
            Error::Vocabulary(
                "CountVectorizer is not fitted: call fit_transform or from_vocabulary first".into(),
            )
        })?;
        let texts = self.lowered(docs);
        let rows: Vec<Vec<(u32, u32)>> = texts
            .par_iter()
            .map(|text| {
                let mut cols: Vec<u32> = tokens(text).filter_map(|t| vocab.get(t)).collect();
                cols.sort_unstable();
                let mut row: Vec<(u32, u32)> = Vec::new();
                for j in cols {
                    match row.last_mut() {
                        Some((last, count)) if *last == j => *count += 1,
                        _ => row.push((j, 1)),
                    }
                }
                row
            })
            .collect();
        assemble(&rows, vocab.len())
    }

    /// Each document, lowercased with Python's rules when `lowercase` is set.
    fn lowered<'a, S: AsRef<str> + Sync>(&self, docs: &'a [S]) -> Vec<Cow<'a, str>> {
        let lowercase = self.params.lowercase;
        docs.par_iter()
            .map(|d| {
                let d = d.as_ref();
                let needs_lowering = !d.is_ascii() || d.bytes().any(|b| b.is_ascii_uppercase());
                if lowercase && needs_lowering { Cow::Owned(python_lower(d)) } else { Cow::Borrowed(d) }
            })
            .collect()
    }
}

/// Distinct tokens of `text` with their counts (order unspecified), via a reused scratch map.
fn count_terms<'a>(map: &mut FxHashMap<&'a str, u32>, text: &'a str) -> TermCounts<'a> {
    map.clear();
    for token in tokens(text) {
        *map.entry(token).or_insert(0) += 1;
    }
    map.iter().map(|(&t, &c)| (t, c)).collect()
}

/// Number of documents containing each term: a parallel fold of integer sums (deterministic).
fn document_frequencies<'a>(doc_terms: &[TermCounts<'a>]) -> FxHashMap<&'a str, u32> {
    doc_terms
        .par_iter()
        .fold(FxHashMap::default, |mut df: FxHashMap<&'a str, u32>, terms| {
            for &(t, _) in terms {
                *df.entry(t).or_insert(0) += 1;
            }
            df
        })
        .reduce(FxHashMap::default, |a, b| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (t, d) in small {
                *big.entry(t).or_insert(0) += d;
            }
            big
        })
}

/// Stack per-document `(column, count)` rows into a CSR matrix with `f64` values.
fn assemble(rows: &[Vec<(u32, u32)>], n_cols: usize) -> Result<CsrMatrix> {
    let nnz = rows.iter().map(Vec::len).sum();
    let mut indptr = Vec::with_capacity(rows.len() + 1);
    let mut indices = Vec::with_capacity(nnz);
    let mut data = Vec::with_capacity(nnz);
    indptr.push(0);
    for row in rows {
        for &(j, c) in row {
            indices.push(j);
            data.push(f64::from(c));
        }
        indptr.push(indices.len());
    }
    CsrMatrix::from_parts(rows.len(), n_cols, indptr, indices, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(docs: &[&str], min_df: DocFreq, max_df: DocFreq) -> Result<CsrMatrix> {
        CountVectorizer::new(CountVectorizerParams { min_df, max_df, lowercase: true }).fit_transform(docs)
    }

    #[test]
    fn errors_use_sklearn_messages() {
        let msg = |r: Result<CsrMatrix>| r.unwrap_err().to_string();
        assert_eq!(msg(fit(&["a b", "!"], DocFreq::Count(1), DocFreq::Fraction(1.0))), EMPTY_VOCABULARY);
        assert_eq!(msg(fit(&["aa bb"], DocFreq::Count(2), DocFreq::Count(1))), MAX_DF_BELOW_MIN_DF);
        assert_eq!(msg(fit(&["aa bb"], DocFreq::Count(2), DocFreq::Count(3))), NOTHING_LEFT_AFTER_PRUNING);
    }

    #[test]
    fn transform_before_fit_is_an_error() {
        let cv = CountVectorizer::new(CountVectorizerParams::default());
        assert!(cv.transform(&["aa"]).is_err());
    }
}
