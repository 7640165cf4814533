//! CSR invariants: conversions and transposes round-trip; products agree with dense algebra.

use cinegenre::matrix::{CsrMatrix, DenseMatrix, pairwise_sum};
use proptest::prelude::*;

/// A dense `(rows, cols)` matrix with about half its entries zero (small integers, so sums are
/// exact and the comparisons below can be equalities).
fn sparse_dense() -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
    (0usize..9, 0usize..9).prop_flat_map(|(r, c)| {
        prop::collection::vec(prop_oneof![Just(0.0), (-4i32..5).prop_map(f64::from)], r * c)
            .prop_map(move |v| (r, c, v))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dense_round_trip_and_double_transpose((r, c, values) in sparse_dense()) {
        let x = CsrMatrix::from_dense(r, c, &values);
        prop_assert_eq!(x.to_dense(), values.clone());
        prop_assert_eq!(x.nnz(), values.iter().filter(|&&v| v != 0.0).count());
        let t = x.transpose();
        prop_assert_eq!(t.shape(), (c, r));
        prop_assert!(t.has_sorted_indices());
        prop_assert_eq!(t.transpose(), x);
    }

    #[test]
    fn column_sums_and_product_match_dense((r, c, values) in sparse_dense(), k in 0usize..4) {
        let x = CsrMatrix::from_dense(r, c, &values);
        let want_sums: Vec<f64> = (0..c).map(|j| (0..r).map(|i| values[i * c + j]).sum()).collect();
        prop_assert_eq!(x.column_sums(), want_sums);
        let b_values: Vec<f64> = (0..c * k).map(|i| (i % 7) as f64 - 3.0).collect();
        let b = DenseMatrix::from_vec(c, k, b_values.clone()).unwrap();
        let product = x.mul_dense(&b).unwrap();
        for i in 0..r {
            for j in 0..k {
                let want: f64 = (0..c).map(|l| values[i * c + l] * b_values[l * k + j]).sum();
                prop_assert_eq!(product.get(i, j), want);
            }
        }
    }

    #[test]
    fn select_rows_picks_rows((r, c, values) in sparse_dense(), picks in prop::collection::vec(0usize..9, 0..6)) {
        let x = CsrMatrix::from_dense(r, c, &values);
        let rows: Vec<usize> = picks.into_iter().filter(|&i| i < r).collect();
        let want: Vec<f64> = rows.iter().flat_map(|&i| values[i * c..(i + 1) * c].to_vec()).collect();
        prop_assert_eq!(x.select_rows(&rows).to_dense(), want);
    }

    #[test]
    fn pairwise_sum_of_integers_is_exact(values in prop::collection::vec(-1000i32..1000, 0..600)) {
        let floats: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        prop_assert_eq!(pairwise_sum(&floats), f64::from(values.iter().sum::<i32>()));
    }
}
