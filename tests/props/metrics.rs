//! Invariants of the metrics on random indicator matrices and score rows.

use cinegenre::metrics::{Average, averaged, per_label, per_movie, top_k};
use proptest::prelude::*;

/// (y_true, y_pred, n_labels): up to 12 samples × 1..6 labels, each cell 0 or 1.
fn indicator_pairs() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, usize)> {
    (1usize..6, 0usize..12).prop_flat_map(|(labels, samples)| {
        let cells = labels * samples;
        (prop::collection::vec(0u8..2, cells), prop::collection::vec(0u8..2, cells), Just(labels))
    })
}

fn f1_within_bounds(p: f64, r: f64, f: f64) -> bool {
    if p > 0.0 && r > 0.0 { p.min(r) <= f && f <= p.max(r) } else { f == 0.0 }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn f1_lies_between_precision_and_recall((y_true, y_pred, n) in indicator_pairs()) {
        let s = per_label(&y_true, &y_pred, n).unwrap();
        for k in 0..n {
            prop_assert!(f1_within_bounds(s.precision[k], s.recall[k], s.f1[k]), "label {}: {:?}", k, s);
        }
        let (p, r, f) = averaged(&y_true, &y_pred, n, Average::Micro).unwrap();
        prop_assert!(f1_within_bounds(p, r, f), "micro ({}, {}, {})", p, r, f);
        for average in Average::ALL {
            let (p, r, f) = averaged(&y_true, &y_pred, n, average).unwrap();
            if y_true.is_empty() && average == Average::Samples {
                prop_assert!(p.is_nan() && r.is_nan() && f.is_nan());
                continue;
            }
            for v in [p, r, f] {
                prop_assert!((0.0..=1.0).contains(&v), "{} average out of [0, 1]: {}", average.name(), v);
            }
        }
    }

    #[test]
    fn per_movie_scores_are_fractions((y_true, y_pred, n) in indicator_pairs()) {
        let pm = per_movie(&y_true, &y_pred, n).unwrap();
        prop_assert_eq!(pm.precision.len(), y_true.len() / n);
        for v in pm.precision.iter().chain(&pm.recall) {
            prop_assert!((0.0..=1.0).contains(v));
        }
        // The tutorial's per-movie scores are scikit-learn's samples-average P and R.
        if !y_true.is_empty() {
            let (p, r, _) = averaged(&y_true, &y_pred, n, Average::Samples).unwrap();
            prop_assert_eq!((pm.mean_precision(), pm.mean_recall()), (p, r));
        }
    }

    #[test]
    fn top_k_picks_the_k_highest(scores in prop::collection::vec(prop_oneof![(-4i32..5).prop_map(f64::from), -1e3f64..1e3, Just(-0.0)], 0..12),
                                 k in 0usize..14) {
        let top = top_k(&scores, k);
        prop_assert_eq!(top.len(), k.min(scores.len()));
        let mut seen = vec![false; scores.len()];
        for &i in &top {
            prop_assert!(!seen[i], "index {} twice", i);
            seen[i] = true;
        }
        let lowest_kept = top.iter().map(|&i| scores[i]).fold(f64::INFINITY, f64::min);
        for (j, &s) in scores.iter().enumerate().filter(|&(j, _)| !seen[j]) {
            prop_assert!(s <= lowest_kept, "excluded index {} scores {} above a kept {}", j, s, lowest_kept);
            // Ties go to the higher index.
            if s == lowest_kept {
                prop_assert!(top.iter().all(|&i| scores[i] != s || i > j), "tie at {} not resolved to higher index", j);
            }
        }
    }
}
