//! The trivial baseline every model is shown beside: "always predict the k most frequent
//! training genres", the prior a model must beat to have learned anything from its features.
//!
//! ```text
//! count_g  = Σ_i y_train[i, g]                       (training movies labelled g)
//! prior    = the k genres with the largest count_g   (ties: the lower column first)
//! ŷ[i, g]  = 1 if g ∈ prior, for every test movie i
//! ```
//! It is evaluated exactly as the models are ([`Evaluation`]): with k = 3, the tutorial's
//! top-3 rule, its mean per-movie precision is the share of a test movie's three predicted
//! genres it carries. A model that does not beat it on the mean per-movie F1 has learned
//! nothing the label frequencies do not already say.
//!
//! Cost: O(n · g) for the counts and the evaluation.
//!
//! ```
//! use cinegenre::metrics::Baseline;
//! let genres: Vec<String> = ["Drama", "Comedy", "War"].map(String::from).to_vec();
//! let y_train = [1u8, 0, 0, 1, 1, 0, 1, 0, 1];   // Drama 3, Comedy 1, War 1
//! let y_test = [1u8, 0, 0, 0, 1, 0];
//! let b = Baseline::most_frequent(&y_train, &y_test, &genres, 1)?;
//! assert_eq!(b.genres, ["Drama"]);
//! assert_eq!(b.evaluation.mean_precision, 0.5);
//! # Ok::<(), cinegenre::Error>(())
//! ```

use serde::Serialize;

use super::Evaluation;
use crate::error::{Error, Result};

/// Genres per movie of the default baseline: the tutorial's top 3.
pub const BASELINE_K: usize = 3;

/// The most-frequent-genres prior and its evaluation on the test movies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// Genres predicted for every movie.
    pub k: usize,
    /// The `k` most frequent training genres, most frequent first.
    pub genres: Vec<String>,
    pub evaluation: Evaluation,
}

impl Baseline {
    /// Predict the `k` most frequent genres of `y_train` (0/1 rows, one column per genre) for
    /// every row of `y_test`, and evaluate.
    pub fn most_frequent(y_train: &[u8], y_test: &[u8], genres: &[String], k: usize) -> Result<Baseline> {
        let g = genres.len();
        if g == 0 || !y_train.len().is_multiple_of(g) || !y_test.len().is_multiple_of(g) {
            return Err(Error::Shape(format!(
                "baseline: {} training and {} test labels do not form rows of {g} genres",
                y_train.len(),
                y_test.len()
            )));
        }
        let mut counts = vec![0usize; g];
        for row in y_train.chunks_exact(g) {
            for (c, &v) in counts.iter_mut().zip(row) {
                *c += usize::from(v != 0);
            }
        }
        let mut order: Vec<usize> = (0..g).collect();
        order.sort_by_key(|&j| (std::cmp::Reverse(counts[j]), j));
        order.truncate(k.min(g));
        let mut row = vec![0u8; g];
        order.iter().for_each(|&j| row[j] = 1);
        let predicted: Vec<u8> = y_test.chunks_exact(g).flat_map(|_| row.iter().copied()).collect();
        Ok(Baseline {
            k: order.len(),
            genres: order.iter().map(|&j| genres[j].clone()).collect(),
            evaluation: Evaluation::new(y_test, &predicted, genres, 2)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_lower_column_and_k_is_capped() {
        let genres: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let y_train = [0u8, 1, 1, 1, 0, 0];
        let b = Baseline::most_frequent(&y_train, &[0, 0, 1], &genres, 2).unwrap();
        assert_eq!(b.genres, ["a", "b"]);
        assert_eq!(b.evaluation.mean_precision, 0.0);
        let all = Baseline::most_frequent(&y_train, &[0, 0, 1], &genres, 9).unwrap();
        assert_eq!(all.k, 3);
        assert_eq!((all.evaluation.mean_precision, all.evaluation.mean_recall), (1.0 / 3.0, 1.0));
    }

    #[test]
    fn ragged_labels_are_refused() {
        let genres: Vec<String> = ["a", "b"].map(String::from).to_vec();
        assert!(Baseline::most_frequent(&[1, 0, 1], &[1, 0], &genres, 1).is_err());
    }
}
