//! The tutorial's own evaluation: precision and recall of each movie's predicted genre set,
//! averaged over movies.
//!
//! ```text
//! TP = |gt ∩ pred|    FP = |pred \ gt|    FN = |gt \ pred|
//! precision = TP / (TP + FP)   (0 if nothing predicted)
//! recall    = TP / (TP + FN)   (0 if the movie has no genre)
//! reported:   np.mean(precisions), np.mean(recalls)
//! ```
//!
//! This is scikit-learn's `average="samples"` precision and recall, computed the tutorial's way
//! (its function `precision_recall(gt, preds)`, ALGORITHMS.md §8.3); the means use numpy's
//! pairwise summation so they match the printed `np.mean` to the last bit.

use serde::Serialize;

use super::{check_indicators, numpy_mean, ratio};
use crate::error::Result;

/// Precision and recall of every movie (row).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerMovie {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
}

impl PerMovie {
    /// `np.mean(precs)` (NaN when there are no movies, as numpy gives).
    pub fn mean_precision(&self) -> f64 {
        numpy_mean(&self.precision)
    }

    /// `np.mean(recs)` (NaN when there are no movies).
    pub fn mean_recall(&self) -> f64 {
        numpy_mean(&self.recall)
    }
}

/// The tutorial's per-movie precision and recall of `y_pred` against `y_true` (0/1 indicator
/// rows of `n_labels` columns; a predicted set is the labels marked 1, e.g. by
/// [`super::top_k_indicator`] for the MLPs' top-3 evaluation).
pub fn per_movie(y_true: &[u8], y_pred: &[u8], n_labels: usize) -> Result<PerMovie> {
    let n = check_indicators(y_true, y_pred, n_labels)?;
    let mut out = PerMovie { precision: Vec::with_capacity(n), recall: Vec::with_capacity(n) };
    for (gt, pred) in y_true.chunks_exact(n_labels).zip(y_pred.chunks_exact(n_labels)) {
        let tp = gt.iter().zip(pred).filter(|&(&t, &p)| t == 1 && p == 1).count();
        let fn_ = gt.iter().filter(|&&t| t == 1).count() - tp;
        let fp = pred.iter().filter(|&&p| p == 1).count() - tp;
        out.precision.push(ratio(tp as f64, (tp + fp) as f64));
        out.recall.push(ratio(tp as f64, (tp + fn_) as f64));
    }
    Ok(out)
}
