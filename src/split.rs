//! The tutorial's train/test split, made reproducible: a seeded version of
//! `msk = np.random.rand(n) < 0.8`.
//!
//! ```text
//! np.random.seed(seed)
//! u_i  = np.random.rand(n)[i]        (numpy's legacy MT19937, see crate::rng)
//! train = { i : u_i < fraction },    test = { i : u_i ≥ fraction }
//! ```
//!
//! The split is an independent Bernoulli draw per row: about `fraction · n` rows train, not
//! exactly, and not stratified by label — the tutorial's behaviour. It ran unseeded; seeding
//! the same generator lets a Python session rebuild cinegenre's split bit for bit with
//! `np.random.seed(seed); msk = np.random.rand(n) < fraction`.
//!
//! Cost: `2n` generator draws, O(n) memory.
//!
//! ```
//! use cinegenre::split::{split_from_mask, tutorial_mask};
//! let mask = tutorial_mask(5, 0, 0.6); // np.random.seed(0); np.random.rand(5) < 0.6
//! assert_eq!(mask, vec![true, false, false, true, true]);
//! let split = split_from_mask(&mask);
//! assert_eq!((split.train, split.test), (vec![0, 3, 4], vec![1, 2]));
//! ```

use crate::rng::Mt19937;

/// `np.random.seed(seed); np.random.rand(n) < train_fraction`: `true` marks a training row.
///
/// A fraction ≤ 0 (or NaN) puts every row in the test set, ≥ 1 every row in training, exactly
/// as the comparison does in numpy.
pub fn tutorial_mask(n: usize, seed: u32, train_fraction: f64) -> Vec<bool> {
    let mut rng = Mt19937::new(seed);
    (0..n).map(|_| rng.random_sample() < train_fraction).collect()
}

/// Row indices of the two sides of a split, each ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Rows where the mask is `true` (`X[msk]`).
    pub train: Vec<usize>,
    /// Rows where the mask is `false` (`X[~msk]`).
    pub test: Vec<usize>,
}

/// The row indices selected by `mask` and by its negation, in row order.
pub fn split_from_mask(mask: &[bool]) -> Split {
    let (train, test): (Vec<usize>, Vec<usize>) = (0..mask.len()).partition(|&i| mask[i]);
    Split { train, test }
}
