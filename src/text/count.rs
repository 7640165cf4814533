//! `CountVectorizer`: documents → term-count matrix, with scikit-learn 1.9.1 parity.
//!
//! ```text
//! X[i, j] = number of tokens of python_lower(doc_i) equal to vocabulary term j
//! df_t    = #{ i : term t occurs in doc_i }
//! keep t  ⇔  df_t ≤ max_df.threshold(n_docs)  and  df_t ≥ min_df.threshold(n_docs)
//! column(t) = rank of t among the kept terms in code-point order (Python's sorted())
//! ```
//!
//! Steps of [`CountVectorizer::fit_transform`]: (1) in parallel, lowercase each document once;
//! (2) in parallel over chunks of documents, tokenize and intern each token (a `&str` slice of
//! the lowercased text, no `String` per token) in a chunk-local hash table, and count each
//! document's term ids by sort + run length; (3) merge the chunk tables into global ids and
//! document frequencies (integer sums: the result does not depend on the thread count);
//! (4) prune by `min_df`/`max_df` and sort the survivors by code point: that order *is* the
//! vocabulary; (5) in parallel, map each document's ids to columns and sort its row.
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

impl CountVectorizerParams {
    /// The tutorial's `CountVectorizer(max_df=0.95, min_df=0.005)`: terms in at least 0.5% and
    /// at most 95% of the documents, lowercased.
    pub fn tutorial() -> Self {
        CountVectorizerParams {
            min_df: DocFreq::Fraction(0.005),
            max_df: DocFreq::Fraction(0.95),
            lowercase: true,
        }
    }
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
        let chunks: Vec<Chunk<'_>> = texts.par_chunks(chunk_len(texts.len())).map(Chunk::count).collect();
        let merged = Merged::new(&chunks);
        if merged.terms.is_empty() {
            return Err(Error::Vocabulary(EMPTY_VOCABULARY.into()));
        }
        let max_doc_count = max_df.threshold(docs.len());
        let min_doc_count = min_df.threshold(docs.len());
        if max_doc_count < min_doc_count {
            return Err(Error::Vocabulary(MAX_DF_BELOW_MIN_DF.into()));
        }
        let mut kept: Vec<u32> = (0..merged.terms.len() as u32)
            .filter(|&g| {
                let d = merged.df[g as usize] as f64;
                d <= max_doc_count && d >= min_doc_count
            })
            .collect();
        if kept.is_empty() {
            return Err(Error::Vocabulary(NOTHING_LEFT_AFTER_PRUNING.into()));
        }
        // UTF-8 byte order is code-point order, i.e. Python's sorted() on str.
        kept.sort_unstable_by_key(|&g| merged.terms[g as usize]);
        let mut column_of = vec![u32::MAX; merged.terms.len()];
        for (j, &g) in kept.iter().enumerate() {
            column_of[g as usize] = j as u32;
        }
        let rows: Vec<Rows> = chunks
            .par_iter()
            .zip(&merged.remaps)
            .map(|(chunk, remap)| {
                chunk.rows.map_sorted(|local| match column_of[remap[local as usize] as usize] {
                    u32::MAX => None,
                    j => Some(j),
                })
            })
            .collect();
        let kept: Vec<&str> = kept.iter().map(|&g| merged.terms[g as usize]).collect();
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
        let chunk_len = chunk_len(texts.len());
        let rows: Vec<Rows> = texts
            .par_chunks(chunk_len)
            .map(|texts| {
                let mut rows = Rows::default();
                let mut cols = Vec::new();
                for text in texts {
                    cols.clear();
                    cols.extend(tokens(text).filter_map(|t| vocab.get(t)));
                    cols.sort_unstable();
                    for &j in &cols {
                        rows.add(j);
                    }
                    rows.end_row();
                }
                rows
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

/// Documents of one parallel chunk, tokenized against a chunk-local term table.
struct Chunk<'a> {
    /// Local term id → term (a slice of a lowercased document).
    terms: Vec<&'a str>,
    /// Per document: `(local term id, count)`, one entry per distinct term.
    rows: Rows,
}

impl<'a> Chunk<'a> {
    /// Tokenize and count `texts`, hashing each token once; rows list terms in order of first
    /// appearance (like scikit-learn's), counted through a per-term "last seen in" slot.
    fn count(texts: &'a [Cow<'a, str>]) -> Self {
        let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
        ids.reserve(4096);
        let mut terms = Vec::new();
        // Per local term: (document of its last occurrence + 1, its entry in `rows`).
        let mut last_seen: Vec<(u32, u32)> = Vec::new();
        let mut rows = Rows::default();
        for (d, text) in texts.iter().enumerate() {
            let doc_tag = d as u32 + 1;
            for token in tokens(text) {
                let id = *ids.entry(token).or_insert_with(|| {
                    terms.push(token);
                    last_seen.push((0, 0));
                    terms.len() as u32 - 1
                });
                let seen = &mut last_seen[id as usize];
                if seen.0 == doc_tag {
                    rows.entries[seen.1 as usize].1 += 1;
                } else {
                    *seen = (doc_tag, rows.entries.len() as u32);
                    rows.entries.push((id, 1));
                }
            }
            rows.end_row();
        }
        Chunk { terms, rows }
    }
}

/// The union of the chunks' term tables with document frequencies.
struct Merged<'a> {
    /// Global term id → term.
    terms: Vec<&'a str>,
    /// Global term id → number of documents containing it.
    df: Vec<u32>,
    /// Per chunk: local term id → global term id.
    remaps: Vec<Vec<u32>>,
}

impl<'a> Merged<'a> {
    /// Merge in chunk order; df are integer sums, so the result does not depend on chunking
    /// except for the order of global ids, which is never observed (terms are sorted later).
    fn new(chunks: &[Chunk<'a>]) -> Self {
        let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut terms = Vec::new();
        let mut df = Vec::new();
        let mut remaps = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            let remap: Vec<u32> = chunk
                .terms
                .iter()
                .map(|&t| {
                    *ids.entry(t).or_insert_with(|| {
                        terms.push(t);
                        df.push(0);
                        terms.len() as u32 - 1
                    })
                })
                .collect();
            for &(local, _) in &chunk.rows.entries {
                df[remap[local as usize] as usize] += 1;
            }
            remaps.push(remap);
        }
        Merged { terms, df, remaps }
    }
}

/// Documents per parallel work unit: about four per thread, at least 16 documents.
fn chunk_len(n_docs: usize) -> usize {
    n_docs.div_ceil(4 * rayon::current_num_threads()).max(16)
}

/// Consecutive sparse rows of `(column or term id, count)` in one flat buffer.
#[derive(Default)]
struct Rows {
    entries: Vec<(u32, u32)>,
    /// `ends[i]`: one past the last entry of row `i`.
    ends: Vec<usize>,
}

impl Rows {
    /// Count one more occurrence of `id` in the current row, whose ids arrive sorted.
    fn add(&mut self, id: u32) {
        let row_is_open = self.entries.len() > self.ends.last().copied().unwrap_or(0);
        match self.entries.last_mut() {
            Some((last, count)) if row_is_open && *last == id => *count += 1,
            _ => self.entries.push((id, 1)),
        }
    }

    /// Close the current row.
    fn end_row(&mut self) {
        self.ends.push(self.entries.len());
    }

    /// Relabel ids through `map` (dropping `None`) and sort each row by the new id.
    fn map_sorted(&self, map: impl Fn(u32) -> Option<u32>) -> Rows {
        let mut out = Rows { entries: Vec::with_capacity(self.entries.len()), ends: Vec::new() };
        let mut start = 0;
        for &end in &self.ends {
            let row_start = out.entries.len();
            out.entries
                .extend(self.entries[start..end].iter().filter_map(|&(id, c)| map(id).map(|j| (j, c))));
            out.entries[row_start..].sort_unstable_by_key(|&(j, _)| j);
            out.end_row();
            start = end;
        }
        out
    }
}

/// Stack the row blocks into one CSR matrix with `f64` counts.
fn assemble(blocks: &[Rows], n_cols: usize) -> Result<CsrMatrix> {
    let nnz = blocks.iter().map(|b| b.entries.len()).sum();
    let n_rows = blocks.iter().map(|b| b.ends.len()).sum();
    let mut indptr = Vec::with_capacity(n_rows + 1);
    let mut indices = Vec::with_capacity(nnz);
    let mut data = Vec::with_capacity(nnz);
    indptr.push(0);
    for block in blocks {
        let offset = indices.len();
        indptr.extend(block.ends.iter().map(|&e| offset + e));
        indices.extend(block.entries.iter().map(|&(j, _)| j));
        data.extend(block.entries.iter().map(|&(_, c)| f64::from(c)));
    }
    CsrMatrix::from_parts(n_rows, n_cols, indptr, indices, data)
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
