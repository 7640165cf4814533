//! Evaluation of multilabel predictions: precision, recall and F1 per label and averaged, the
//! classification report, the tutorial's per-movie precision/recall, and top-k selection.
//!
//! Labels are 0/1 indicator matrices stored row-major as `u8` slices: `y[i · n_labels + k]` is 1
//! when sample (movie) `i` has label (genre) `k`. For label `k` with TP, FP, FN counted over the
//! samples:
//!
//! ```text
//! P_k = TP / (TP + FP)      R_k = TP / (TP + FN)      F1_k = 2·TP / (2·TP + FP + FN)
//! support_k = TP + FN       (an undefined ratio, x/0, is 0.0: scikit-learn's zero_division="warn")
//! micro:    pool TP, FP, FN over all labels, then the same formulas
//! macro:    unweighted mean of the per-label values
//! weighted: mean weighted by support (the plain mean if every support is 0)
//! samples:  the formulas per sample (row) instead of per label, then the mean over samples
//! ```
//!
//! Reference: scikit-learn 1.9.1 `sklearn/metrics/_classification.py`
//! (`precision_recall_fscore_support`, `classification_report`) on numpy 2.4.6. The operations
//! happen in the same order — F1 as `2·TP / (1·true + pred)`, means as numpy's pairwise sum
//! divided by the count, weighted means as `Σ(v·w) / Σw` with pairwise sums — so results agree
//! to the last bit. Deviation: a single label column (`n_labels == 1`) is still treated as a
//! one-label indicator matrix, where scikit-learn would reinterpret it as binary class targets.
//!
//! Cost: O(samples · labels) time, O(labels + samples) memory.
//!
//! ```
//! use cinegenre::metrics::{averaged, per_label, Average};
//! // two movies, three genres
//! let y_true = [1, 0, 1, 0, 1, 0];
//! let y_pred = [1, 1, 0, 0, 1, 0];
//! let scores = per_label(&y_true, &y_pred, 3)?;
//! assert_eq!(scores.precision, vec![1.0, 0.5, 0.0]);
//! assert_eq!(scores.support, vec![1, 1, 1]);
//! let (p, r, f1) = averaged(&y_true, &y_pred, 3, Average::Micro)?;
//! assert_eq!((p, r), (2.0 / 3.0, 2.0 / 3.0));
//! assert_eq!(f1, 4.0 / 6.0);
//! # Ok::<(), cinegenre::Error>(())
//! ```

mod baseline;
mod evaluation;
mod per_movie;
mod prf;
mod report;
mod topk;

pub use baseline::{BASELINE_K, Baseline};
pub use evaluation::{AveragedScores, Evaluation};
pub use per_movie::{PerMovie, per_movie};
pub use prf::{Average, LabelScores, averaged, per_label};
pub use report::{classification_report, classification_report_2017};
pub use topk::{top_k, top_k_indicator};

use crate::error::{Error, Result};
use crate::matrix::pairwise_sum;

/// Check that `y_true` and `y_pred` are 0/1 matrices of the same shape with `n_labels` columns;
/// returns the number of samples (rows).
fn check_indicators(y_true: &[u8], y_pred: &[u8], n_labels: usize) -> Result<usize> {
    if n_labels == 0 {
        return Err(Error::Shape("label indicator matrices need at least one label column".into()));
    }
    if y_true.len() != y_pred.len() || !y_true.len().is_multiple_of(n_labels) {
        return Err(Error::Shape(format!(
            "y_true has {} values and y_pred {}: both must be (samples, {n_labels}) indicator matrices",
            y_true.len(),
            y_pred.len()
        )));
    }
    for (name, y) in [("y_true", y_true), ("y_pred", y_pred)] {
        if let Some(pos) = y.iter().position(|&v| v > 1) {
            return Err(Error::param(
                name,
                format!("value {} at row {}, label {} is not 0 or 1", y[pos], pos / n_labels, pos % n_labels),
            ));
        }
    }
    Ok(y_true.len() / n_labels)
}

/// `x / y`, or 0.0 when `y == 0` (scikit-learn's `_prf_divide` with `zero_division="warn"`).
fn ratio(x: f64, y: f64) -> f64 {
    if y == 0.0 { 0.0 } else { x / y }
}

/// `np.mean` of a float64 array: pairwise sum divided by the count (NaN when empty).
fn numpy_mean(values: &[f64]) -> f64 {
    pairwise_sum(values) / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_values_are_checked() {
        assert!(matches!(check_indicators(&[1, 0], &[1], 2), Err(Error::Shape(_))));
        assert!(matches!(check_indicators(&[1, 0, 1], &[1, 0, 1], 2), Err(Error::Shape(_))));
        assert!(matches!(check_indicators(&[1, 2], &[1, 0], 2), Err(Error::Param { .. })));
        assert_eq!(check_indicators(&[1, 0, 0, 1], &[0, 0, 1, 1], 2).unwrap(), 2);
    }
}
