//! Top-k selection of label scores, as the tutorial's `np.argsort(row)[-k:]`.
//!
//! The tutorial used numpy's default (introsort, not stable) argsort, whose choice among equal
//! scores is implementation-defined; cinegenre fixes it to `np.argsort(row, kind="stable")[-k:]`:
//! among ties the higher index wins. `-0.0` and `0.0` compare equal (a tie). NaN sorts above
//! every number, as in numpy, so NaN scores are picked first. Deviation: `k = 0` selects
//! nothing (numpy's `[-0:]` would select the whole row); `k > n` selects all `n`.
//!
//! Cost: O(n log n) per row.

use std::cmp::Ordering;

use crate::error::{Error, Result};

/// numpy's sort order for floats: numbers ascending, NaN last, `-0.0 == 0.0`.
fn numpy_order(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// Indices of the `k` highest scores, in `np.argsort(scores, kind="stable")[-k:]` order
/// (ascending score, ties by ascending index).
///
/// ```
/// use cinegenre::metrics::top_k;
/// assert_eq!(top_k(&[0.2, 0.9, 0.2, 0.5], 2), vec![3, 1]);
/// assert_eq!(top_k(&[0.2, 0.9, 0.2, 0.5], 3), vec![2, 3, 1]); // tie 0.2: index 2 beats 0
/// ```
pub fn top_k(scores: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| numpy_order(scores[i], scores[j]));
    order.split_off(scores.len() - k.min(scores.len()))
}

/// A 0/1 indicator matrix marking the top `k` scores of every row of `scores`
/// (row-major, `n_labels` columns).
pub fn top_k_indicator(scores: &[f64], n_labels: usize, k: usize) -> Result<Vec<u8>> {
    if n_labels == 0 || !scores.len().is_multiple_of(n_labels) {
        return Err(Error::Shape(format!("{} scores do not form rows of {n_labels} labels", scores.len())));
    }
    let mut out = vec![0u8; scores.len()];
    for (row, marks) in scores.chunks_exact(n_labels).zip(out.chunks_exact_mut(n_labels)) {
        for j in top_k(row, k) {
            marks[j] = 1;
        }
    }
    Ok(out)
}
