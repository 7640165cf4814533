//! Spectral co-clustering against scikit-learn 1.9.1 (`fixtures/cocluster/cases.json`, from
//! `tools/gen_cocluster.py`): the normalised matrix bit for bit, the singular triplets of our
//! three SVDs against numpy's exact SVD, and the partitions up to relabelling.
//!
//! A randomized SVD depends on its random matrix and is only as exact as its power iterations
//! make it: with scikit-learn's defaults (4 iterations here) the top vectors of the 18×18
//! tutorial matrix are off the exact ones by ~1.5e-8, in scikit-learn as in ours. So the
//! randomized SVD is checked twice: with the defaults against scikit-learn's randomized result
//! (same seed → same random matrix), and with [`CONVERGED_ITER`] power iterations against
//! numpy's *full* SVD of Aₙ (the exact subspace).

use cinegenre::cluster::{CoclusterParams, Input, SvdMethod, adjusted_rand_index, cocluster, normalise};
use cinegenre::linalg::{Operator, RandomizedSvd, Svd, jacobi_svd, lanczos_svd, randomized_svd};
use cinegenre::matrix::{CsrMatrix, DenseMatrix};
use serde_json::Value;

use crate::fixtures::{assert_bits_eq, f64s, load};

/// Singular values: absolute, they are ≤ 1 (Aₙ's top one is exactly 1); 1e-10 is the bound.
const SIGMA_TOL: f64 = 1e-10;
/// Singular vectors (unit length, up to sign): the bound, far above rounding (~1e-14)
/// and far below what a wrong subspace gives (≥ 1e-3 with these spectral gaps).
const VECTOR_TOL: f64 = 1e-8;
/// Power iterations after which the randomized range is the exact top subspace to rounding.
const CONVERGED_ITER: usize = 20;

fn cases() -> Vec<Value> {
    load("cocluster/cases.json")["cases"].as_array().expect("cases").clone()
}

fn matrix(case: &Value, key: &str) -> DenseMatrix {
    let shape = &case["shape"];
    let (m, n) = (shape[0].as_u64().unwrap() as usize, shape[1].as_u64().unwrap() as usize);
    DenseMatrix::from_vec(m, n, f64s(&case[key])).unwrap()
}

fn name(case: &Value) -> &str {
    case["name"].as_str().unwrap()
}

/// Compare the first `k` triplets of `got` with the reference, vectors up to sign.
fn check_svd(label: &str, got: &Svd, case: &Value) {
    let want_s = f64s(&case["s"]);
    let k = want_s.len();
    assert!(got.s.len() >= k, "{label}: {} singular values, want {k}", got.s.len());
    let max_s = (0..k).map(|t| (got.s[t] - want_s[t]).abs()).fold(0.0, f64::max);
    assert!(max_s <= SIGMA_TOL, "{label}: singular values differ by {max_s:e}: {:?} vs {want_s:?}", got.s);
    for (key, mat) in [("u", &got.u), ("v", &got.v)] {
        let want = f64s(&case[key]);
        let rows = want.len() / k;
        for t in 0..k {
            let col: Vec<f64> = (0..rows).map(|i| mat.get(i, t)).collect();
            let w: Vec<f64> = (0..rows).map(|i| want[i * k + t]).collect();
            let dot: f64 = col.iter().zip(&w).map(|(a, b)| a * b).sum();
            let sign = if dot < 0.0 { -1.0 } else { 1.0 };
            let err = col.iter().zip(&w).map(|(a, b)| (sign * a - b).abs()).fold(0.0, f64::max);
            assert!(err <= VECTOR_TOL, "{label}: {key}[:, {t}] differs by {err:e}");
        }
    }
}

#[test]
fn normalised_matrix_is_bit_identical() {
    for case in cases() {
        let x = matrix(&case, "x");
        let Operator::Dense { a, .. } = normalise(Input::Dense(&x)).unwrap().op else {
            panic!("dense input gives a dense operator")
        };
        assert_bits_eq(&format!("{} An", name(&case)), a.data(), &f64s(&case["an"]));
    }
}

#[test]
fn svds_match_numpy_exact_svd() {
    for case in cases() {
        let an = matrix(&case, "an");
        let k = f64s(&case["s"]).len();
        let label = name(&case);
        check_svd(&format!("{label} jacobi"), &jacobi_svd(&an), &case);
        let params = RandomizedSvd { n_iter: Some(CONVERGED_ITER), ..RandomizedSvd::new(k, 0) };
        let dense = randomized_svd(Operator::dense(an.clone()), &params).unwrap();
        check_svd(&format!("{label} randomized"), &dense, &case);
        let (m, n) = an.shape();
        let sparse = Operator::sparse(CsrMatrix::from_dense(m, n, an.data()));
        check_svd(&format!("{label} randomized sparse"), &randomized_svd(sparse, &params).unwrap(), &case);
        check_svd(&format!("{label} lanczos"), &lanczos_svd(&Operator::dense(an), k, 0).unwrap(), &case);
    }
}

#[test]
fn randomized_svd_matches_sklearn_with_the_same_random_matrix() {
    for case in cases() {
        let an = matrix(&case, "an");
        let r = &case["randomized"];
        let k = f64s(&r["s"]).len();
        let got = randomized_svd(Operator::dense(an), &RandomizedSvd::new(k, 0)).unwrap();
        let sk = serde_json::json!({"s": r["s"], "u": r["u"], "v": r["v"]});
        check_svd(&format!("{} vs sklearn randomized", name(&case)), &got, &sk);
    }
}

/// Rows then columns, as one labeling.
fn joint(row: &[usize], col: &[usize]) -> Vec<usize> {
    row.iter().chain(col).copied().collect()
}

#[test]
fn partitions_match_sklearn_up_to_relabelling() {
    for case in cases() {
        let x = matrix(&case, "x");
        let k = case["n_clusters"].as_u64().unwrap() as usize;
        let partitions: Vec<Vec<usize>> = case["partitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["labels"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect())
            .collect();
        let stable = case["seed_stable"].as_bool().unwrap();
        let (m, n) = x.shape();
        let csr = CsrMatrix::from_dense(m, n, x.data());
        for seed in 0..3 {
            for (kind, input) in [("dense", Input::Dense(&x)), ("sparse", Input::Sparse(&csr))] {
                for method in [SvdMethod::Randomized, SvdMethod::Lanczos] {
                    let params = CoclusterParams { svd_method: method, ..CoclusterParams::new(k, seed) };
                    let fit = cocluster(input, &params).unwrap();
                    let got = joint(&fit.row_labels, &fit.column_labels);
                    let aris: Vec<f64> = partitions.iter().map(|p| adjusted_rand_index(&got, p)).collect();
                    let label = format!("{} {kind} {method:?} seed {seed}", name(&case));
                    if stable {
                        assert_eq!(aris[0], 1.0, "{label}: ARI {} with sklearn's partition", aris[0]);
                    } else {
                        assert!(
                            aris.contains(&1.0),
                            "{label}: not one of sklearn's partitions (ARIs {aris:?})"
                        );
                    }
                }
            }
        }
    }
}
