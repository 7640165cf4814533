//! Invariants of spectral co-clustering: planted blocks are recovered exactly, and permuting
//! rows and columns permutes the labels (the partition is the same up to relabelling).
//!
//! Why k ≤ 3: with k exactly separated blocks, σ = 1 has multiplicity k and any basis of that
//! space is a valid SVD; the method keeps ⌈log₂ k⌉ of its vectors, which spans the k − 1
//! directions needed to tell all blocks apart only for k ≤ 3 (for k = 4 a block-aligned basis
//! maps two blocks to the same point, in scikit-learn as here).

use cinegenre::cluster::{CoclusterParams, Input, adjusted_rand_index, cocluster};
use cinegenre::matrix::DenseMatrix;
use proptest::prelude::*;

/// A matrix of `k` planted blocks in shuffled rows/columns: (matrix, row truth, column truth).
/// Block entries in [1, 2), off-block entries `noise` × [0, 1).
fn planted(noise: f64) -> impl Strategy<Value = (DenseMatrix, Vec<usize>, Vec<usize>)> {
    (2usize..4).prop_flat_map(move |k| {
        (prop::collection::vec(2usize..6, k), prop::collection::vec(2usize..6, k), any::<u64>(), Just(k))
            .prop_map(move |(rows, cols, seed, k)| {
                let mut state = seed | 1;
                let mut next = move || {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 11) as f64 / (1u64 << 53) as f64
                };
                let mut rl: Vec<usize> = (0..k).flat_map(|b| std::iter::repeat_n(b, rows[b])).collect();
                let mut cl: Vec<usize> = (0..k).flat_map(|b| std::iter::repeat_n(b, cols[b])).collect();
                for v in [&mut rl, &mut cl] {
                    for i in (1..v.len()).rev() {
                        let j = (next() * (i + 1) as f64) as usize;
                        v.swap(i, j);
                    }
                }
                let (m, n) = (rl.len(), cl.len());
                let data = (0..m * n)
                    .map(|t| if rl[t / n] == cl[t % n] { 1.0 + next() } else { noise * next() })
                    .collect();
                (DenseMatrix::from_vec(m, n, data).unwrap(), rl, cl)
            })
    })
}

fn k_of(labels: &[usize]) -> usize {
    labels.iter().max().unwrap() + 1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn planted_blocks_are_recovered((a, rows, cols) in planted(0.0), seed in 0u32..1000) {
        let fit = cocluster(Input::Dense(&a), &CoclusterParams::new(k_of(&rows), seed)).unwrap();
        let got: Vec<usize> = fit.row_labels.iter().chain(&fit.column_labels).copied().collect();
        let want: Vec<usize> = rows.iter().chain(&cols).copied().collect();
        prop_assert_eq!(adjusted_rand_index(&got, &want), 1.0, "got {:?}, want {:?}", got, want);
    }

    #[test]
    fn permuting_rows_and_columns_permutes_labels((a, rows, _cols) in planted(0.05), shift in 1usize..7) {
        let (m, n) = a.shape();
        // Rotate rows by `shift` and reverse the columns.
        let pr: Vec<usize> = (0..m).map(|i| (i + shift) % m).collect();
        let pc: Vec<usize> = (0..n).rev().collect();
        let data = pr.iter().flat_map(|&i| pc.iter().map(move |&j| (i, j))).map(|(i, j)| a.get(i, j)).collect();
        let b = DenseMatrix::from_vec(m, n, data).unwrap();
        let params = CoclusterParams::new(k_of(&rows), 0);
        let fa = cocluster(Input::Dense(&a), &params).unwrap();
        let fb = cocluster(Input::Dense(&b), &params).unwrap();
        let moved: Vec<usize> = pr.iter().map(|&i| fa.row_labels[i]).chain(pc.iter().map(|&j| fa.column_labels[j])).collect();
        let got: Vec<usize> = fb.row_labels.iter().chain(&fb.column_labels).copied().collect();
        prop_assert_eq!(adjusted_rand_index(&got, &moved), 1.0);
    }
}
