//! Stratified k-fold assignment, exactly as scikit-learn's `StratifiedKFold(shuffle=False)`.
//!
//! ```text
//! classes encoded by order of first appearance;  y_order = sort(y_encoded)
//! allocation[f][c] = #{ t ≡ f (mod k) : y_order[t] = c }          (round-robin over sorted labels)
//! class c's samples, in their original order, get folds 0,0,…,1,1,…  (allocation[·][c] of each)
//! ```
//! scikit-learn 1.9.1 `sklearn/model_selection/_split.py` (`_make_test_folds`; ALGORITHMS §5.8).
//! It raises when `k` exceeds the number of samples or the size of **every** class, and warns
//! when it exceeds the size of the smallest class only; so do we (the warning is returned).
//!
//! Cost: `O(n)`.
//!
//! ```
//! use cinegenre::svm::folds::stratified_kfold;
//! let (folds, warning) = stratified_kfold(&[0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], 5).unwrap();
//! assert_eq!(folds, vec![0, 0, 0, 1, 1, 1, 3, 2, 2, 3, 4, 4]);
//! assert!(warning.is_some()); // the rarer class has 4 members < 5 folds
//! ```

use crate::error::{Error, Result};

/// The test fold of every sample, and scikit-learn's warning if the smallest class has fewer
/// members than folds.
pub fn stratified_kfold(y: &[u8], k: usize) -> Result<(Vec<usize>, Option<String>)> {
    let n = y.len();
    if k < 2 {
        return Err(Error::param(
            "cv",
            format!("k-fold cross-validation requires at least 2 folds, got {k}"),
        ));
    }
    if k > n {
        return Err(Error::param(
            "cv",
            format!(
                "cannot have number of splits n_splits={k} greater than the number of samples: n_samples={n}"
            ),
        ));
    }
    // Encode classes by first appearance.
    let mut code = [usize::MAX; 2];
    let mut n_classes = 0;
    let encoded: Vec<usize> = y
        .iter()
        .map(|&v| {
            let v = usize::from(v != 0);
            if code[v] == usize::MAX {
                code[v] = n_classes;
                n_classes += 1;
            }
            code[v]
        })
        .collect();
    let mut counts = vec![0usize; n_classes];
    encoded.iter().for_each(|&c| counts[c] += 1);
    if counts.iter().all(|&c| k > c) {
        return Err(Error::param(
            "cv",
            format!("n_splits={k} cannot be greater than the number of members in each class ({counts:?})"),
        ));
    }
    let smallest = *counts.iter().min().expect("n ≥ k ≥ 2");
    let warning = (k > smallest).then(|| {
        format!("the least populated class in y has only {smallest} members, which is less than n_splits={k}")
    });
    // y_order = sorted codes: counts[0] zeros then counts[1] ones. allocation[f][c] = number of
    // t ≡ f (mod k) with y_order[t] = c.
    let mut allocation = vec![vec![0usize; n_classes]; k];
    let mut start = 0;
    for (c, &count) in counts.iter().enumerate() {
        for t in start..start + count {
            allocation[t % k][c] += 1;
        }
        start += count;
    }
    let mut next = vec![(0usize, 0usize); n_classes]; // (fold, used in that fold) per class
    let folds = encoded
        .iter()
        .map(|&c| {
            let (fold, used) = &mut next[c];
            while *used == allocation[*fold][c] {
                *fold += 1;
                *used = 0;
            }
            *used += 1;
            *fold
        })
        .collect();
    Ok((folds, warning))
}
