//! [`WordVectors`]: words and their `dim`-dimensional float32 vectors, in file order, with an
//! exact (case-sensitive) word → row lookup, like gensim's `KeyedVectors`.

use std::collections::HashMap;

use crate::error::{Error, Result};

/// A table of word vectors: row `i` is the vector of `words[i]`.
///
/// Words are unique; [`WordVectors::push`] keeps the first vector of a repeated word (gensim's
/// rule for a file with duplicates) and reports the repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct WordVectors {
    dim: usize,
    words: Vec<String>,
    index: HashMap<String, usize>,
    /// (n_words, dim) row-major.
    data: Vec<f32>,
}

impl WordVectors {
    /// An empty table of `dim`-dimensional vectors (`dim` ≥ 1).
    pub fn new(dim: usize) -> Result<Self> {
        if dim == 0 {
            return Err(Error::param("dim", "word vectors need at least one dimension"));
        }
        Ok(WordVectors { dim, words: Vec::new(), index: HashMap::new(), data: Vec::new() })
    }

    /// A table from words and their rows (`data`: (words.len(), dim) row-major); repeated words
    /// keep their first row.
    pub fn from_rows(dim: usize, words: Vec<String>, data: &[f32]) -> Result<Self> {
        let mut table = WordVectors::new(dim)?;
        if data.len() != words.len() * dim {
            return Err(Error::Shape(format!(
                "{} words need {} values of dimension {dim}, found {}",
                words.len(),
                words.len() * dim,
                data.len()
            )));
        }
        for (word, row) in words.into_iter().zip(data.chunks_exact(dim)) {
            table.push(word, row)?;
        }
        Ok(table)
    }

    /// Append `word` with `vector`; `Ok(false)` (and nothing stored) when the word is already
    /// present.
    pub fn push(&mut self, word: String, vector: &[f32]) -> Result<bool> {
        if vector.len() != self.dim {
            return Err(Error::Shape(format!(
                "the vector of `{word}` has {} values, the table has dimension {}",
                vector.len(),
                self.dim
            )));
        }
        if self.index.contains_key(&word) {
            return Ok(false);
        }
        self.index.insert(word.clone(), self.words.len());
        self.words.push(word);
        self.data.extend_from_slice(vector);
        Ok(true)
    }

    /// Vector dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the table holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words, in row order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// All rows, (len, dim) row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// Row of `word` (exact, case-sensitive), if present.
    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index.get(word).copied()
    }

    /// Vector of `word` (exact, case-sensitive), if present.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index_of(word).map(|i| self.row(i))
    }

    /// Vector of row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// `(word, vector)` pairs in row order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[f32])> {
        self.words.iter().map(String::as_str).zip(self.data.chunks_exact(self.dim))
    }
}
