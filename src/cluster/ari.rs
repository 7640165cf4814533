//! Adjusted Rand index between two partitions, as scikit-learn's `adjusted_rand_score`.
//!
//! ```text
//! n_ij = |A_i ∩ B_j|,  a_i = Σ_j n_ij,  b_j = Σ_i n_ij,  C(x) = x(x−1)/2
//! index = Σ C(n_ij),  expected = Σ C(a_i) · Σ C(b_j) / C(n),  max = (Σ C(a_i) + Σ C(b_j)) / 2
//! ARI = (index − expected) / (max − expected)      (1.0 when both are one cluster or all singletons)
//! ```
//! Paper: L. Hubert and P. Arabie, "Comparing partitions", J. Classification 2, 1985.
//! Reference: scikit-learn 1.9.1 `metrics/cluster/_supervised.py` (it computes the same value
//! from the pair confusion matrix). Cost: `O(n + |A| |B|)`.
//!
//! ```
//! use cinegenre::cluster::adjusted_rand_index;
//! assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
//! assert!(adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) < 0.0);
//! ```

use std::collections::HashMap;

fn pairs(x: f64) -> f64 {
    x * (x - 1.0) / 2.0
}

/// ARI of two labelings of the same items (panics if their lengths differ: a programming error).
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "adjusted_rand_index: labelings of different lengths");
    let n = a.len() as f64;
    let mut table: HashMap<(usize, usize), f64> = HashMap::new();
    let mut rows: HashMap<usize, f64> = HashMap::new();
    let mut cols: HashMap<usize, f64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1.0;
        *rows.entry(x).or_default() += 1.0;
        *cols.entry(y).or_default() += 1.0;
    }
    let (nr, nc) = (rows.len(), cols.len());
    if nr == nc && (nr == 1 || nr == 0 || nr == a.len()) {
        return 1.0; // scikit-learn's special cases: identical trivial partitions
    }
    let index: f64 = table.values().map(|&v| pairs(v)).sum();
    let sa: f64 = rows.values().map(|&v| pairs(v)).sum();
    let sb: f64 = cols.values().map(|&v| pairs(v)).sum();
    let expected = sa * sb / pairs(n);
    let max = (sa + sb) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}
