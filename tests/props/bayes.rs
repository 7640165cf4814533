//! Naive Bayes invariants: posteriors are probabilities, one-vs-rest predicts what it scores.

use cinegenre::bayes::{BinaryNb, MultinomialNb, NbParams};
use cinegenre::matrix::CsrMatrix;
use cinegenre::ovr::OneVsRest;
use proptest::prelude::*;

use crate::common::tolerance::F64_ROUNDING;

/// `(n, V)` counts and a class per row (`K` classes).
fn counts_and_classes() -> impl Strategy<Value = (usize, usize, Vec<f64>, Vec<u32>, usize)> {
    (1usize..12, 1usize..8, 1usize..4).prop_flat_map(|(n, v, k)| {
        (prop::collection::vec((0u8..6).prop_map(f64::from), n * v), prop::collection::vec(0..k as u32, n))
            .prop_map(move |(x, y)| (n, v, x, y, k))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn posteriors_sum_to_one((n, v, x, y, k) in counts_and_classes(), alpha in 0.01f64..3.0, fit_prior: bool) {
        let x = CsrMatrix::from_dense(n, v, &x);
        let nb = MultinomialNb::fit(&NbParams { alpha, fit_prior }, &x, &y, k).unwrap();
        let proba = nb.predict_proba(&x).unwrap();
        for (i, row) in proba.rows().enumerate() {
            let total: f64 = row.iter().sum();
            // `exp` of log-probabilities normalised by log-sum-exp: a few ulps per class.
            prop_assert!((total - 1.0).abs() <= F64_ROUNDING, "row {}: sum {}", i, total);
            prop_assert!(row.iter().all(|p| (0.0..=1.0).contains(p)));
        }
        // The most probable class is the prediction.
        for (row, &c) in proba.rows().zip(&nb.predict(&x).unwrap()) {
            let best = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(row[c as usize], best);
        }
    }

    #[test]
    fn one_vs_rest_predicts_scores_above_half((n, v, x, _, _) in counts_and_classes(),
                                              labels in prop::collection::vec(0u8..2, 36)) {
        let x = CsrMatrix::from_dense(n, v, &x);
        let k = 3;
        let y: Vec<u8> = labels.iter().cycle().take(n * k).copied().collect();
        let model = OneVsRest::<BinaryNb>::fit(&NbParams::default(), &x, &y, k).unwrap();
        let scores = model.scores(&x).unwrap();
        let predicted = model.predict(&x).unwrap();
        for (s, p) in scores.data().iter().zip(&predicted) {
            prop_assert_eq!(*p, u8::from(*s > 0.5));
        }
    }
}
