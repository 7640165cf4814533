//! Dual coordinate descent for the linear SVM with a regularised bias (liblinear's L1-/L2-loss
//! SVC, scikit-learn's `LinearSVC`; ALGORITHMS §6).
//!
//! ```text
//! primal  min_w  ½‖w‖² + Σ_i C_i ξ(1 − y_i w·x̄_i),   x̄_i = (x_i, 1),   ξ(m) = max(0, m) or max(0, m)²
//! dual    min_α  ½ αᵀQ̄α − eᵀα,   Q̄ = Q + D,   0 ≤ α_i ≤ U_i
//!         hinge:          U_i = C_i,  D_ii = 0
//!         squared hinge:  U_i = ∞,    D_ii = 1 / (2 C_i)
//! keep w = Σ α_i y_i x̄_i; for each i in a random order:
//!   G   = y_i w·x̄_i − 1 + D_ii α_i,      PG = G projected on the box
//!   α_i ← min(max(α_i − G / Q̄_ii, 0), U_i),   w += (Δα_i) y_i x̄_i
//! stop when max PG − min PG ≤ eps over a full pass
//! ```
//! Hsieh, Chang, Lin, Keerthi & Sundararajan, "A Dual Coordinate Descent Method for Large-scale
//! Linear SVM", ICML 2008, <https://www.csie.ntu.edu.tw/~cjlin/papers/cddual.pdf>. Reference:
//! liblinear `solve_l2r_l1l2_svc` as in scikit-learn 1.9.1 (`sklearn/svm/src/liblinear/linear.cpp`),
//! including its shrinking of variables stuck at a bound.
//!
//! Deviations: the permutation draws from numpy's MT19937 ([`crate::rng::Mt19937`]) seeded by
//! `params.seed`, not liblinear's generator, so the path differs from `LinearSVC`'s and parity is
//! on the objective (both stop within `eps` of the same optimum). The bias is a weight on a
//! constant feature 1 (`intercept_scaling = 1`), regularised, so this is **not** the model of
//! `SVC(kernel='linear')` even at the optimum.
//!
//! Cost: `O(nnz(X))` per pass, memory `O(n + V)`; no kernel matrix.
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::svm::{SvmParams, binary::fit_all_rows};
//! let x = CsrMatrix::from_dense(4, 1, &[-2.0, -1.0, 1.0, 2.0]);
//! let svm = fit_all_rows(&x, &[0, 0, 1, 1], &SvmParams::linear_svc()).unwrap();
//! assert!(svm.decision(&x).unwrap().iter().zip([0, 0, 1, 1]).all(|(d, y)| (*d > 0.0) == (y == 1)));
//! ```

use crate::error::Result;
use crate::rng::Mt19937;
use crate::svm::binary::{BinarySvm, FitInfo, class_counts, constant_on};
use crate::svm::kernel::LinearKernel;
use crate::svm::params::{DcdLoss, SvmParams};

/// Fit on rows `rows` of `kernel.x()` with 0/1 labels `y`; `warm` is a start α (same order as
/// `rows`). Returns the model and α.
pub fn fit_dcd(
    kernel: &LinearKernel,
    rows: &[usize],
    y: &[u8],
    params: &SvmParams,
    warm: Option<Vec<f64>>,
) -> Result<(BinarySvm, Vec<f64>)> {
    params.validate()?;
    let (n_absent, n_present) = class_counts(y)?;
    let (w0, w1) = params.class_weight.weights(n_absent, n_present);
    let x = kernel.x();
    let l = rows.len();
    let sign: Vec<f64> = y.iter().map(|&v| if v != 0 { 1.0 } else { -1.0 }).collect();
    let c: Vec<f64> = y.iter().map(|&v| params.c * if v != 0 { w1 } else { w0 }).collect();
    let (diag, upper): (Vec<f64>, Vec<f64>) = match params.loss {
        DcdLoss::Hinge => (vec![0.0; l], c.clone()),
        DcdLoss::SquaredHinge => (c.iter().map(|ci| 0.5 / ci).collect(), vec![f64::INFINITY; l]),
    };
    let mut alpha = warm.unwrap_or_else(|| vec![0.0; l]);
    // w over the features, plus the bias weight on the constant feature 1.
    let mut w = vec![0.0; x.n_cols()];
    let mut bias = 0.0;
    let mut qd = vec![0.0; l];
    for s in 0..l {
        qd[s] = diag[s] + kernel.diag(rows[s]) + 1.0;
        let (cols, vals) = x.row(rows[s]);
        for (&j, &v) in cols.iter().zip(vals) {
            w[j as usize] += sign[s] * alpha[s] * v;
        }
        bias += sign[s] * alpha[s];
    }
    let max_iter = params.max_iter.unwrap_or(1000);
    let mut rng = Mt19937::new((params.seed & 0xffff_ffff) as u32);
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let (mut pg_max_old, mut pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut iter = 0;
    while iter < max_iter {
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for i in 0..active {
            let j = i + rng.next_u32() as usize % (active - i);
            index.swap(i, j);
        }
        let mut s = 0;
        while s < active {
            let i = index[s];
            let (cols, vals) = x.row(rows[i]);
            let wx = cols.iter().zip(vals).fold(0.0, |acc, (&j, &v)| acc + w[j as usize] * v) + bias;
            let g = wx * sign[i] - 1.0 + alpha[i] * diag[i];
            let pg = match projected_gradient(alpha[i], upper[i], g, pg_max_old, pg_min_old) {
                Some(pg) => pg,
                None => {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (alpha[i] - g / qd[i]).max(0.0).min(upper[i]);
                let d = (alpha[i] - old) * sign[i];
                for (&j, &v) in cols.iter().zip(vals) {
                    w[j as usize] += d * v;
                }
                bias += d;
            }
            s += 1;
        }
        iter += 1;
        if pg_max - pg_min <= params.tol {
            if active == l {
                break;
            }
            active = l;
            (pg_max_old, pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
        pg_min_old = if pg_min >= 0.0 { f64::NEG_INFINITY } else { pg_min };
    }
    let norm2 = w.iter().map(|v| v * v).sum::<f64>() + bias * bias;
    let objective = (norm2 + alpha.iter().zip(&diag).map(|(a, d)| a * (a * d - 2.0)).sum::<f64>()) / 2.0;
    let (support, dual_coef) =
        (0..l).filter(|&s| alpha[s] > 0.0).map(|s| (rows[s], alpha[s] * sign[s])).unzip();
    let info = FitInfo {
        c: params.c,
        n_iter: iter,
        objective,
        support,
        dual_coef,
        hit_max_iter: iter >= max_iter,
        constant_prediction: None,
    };
    let mut svm = BinarySvm { coef: w, intercept: bias, info };
    svm.info.constant_prediction = constant_on(&svm, x, rows);
    Ok((svm, alpha))
}

/// liblinear's projected gradient, or `None` when the variable is shrunk: at 0 with `G` above
/// the last pass's largest projected gradient, or at `U` with `G` below its smallest.
fn projected_gradient(alpha: f64, upper: f64, g: f64, pg_max_old: f64, pg_min_old: f64) -> Option<f64> {
    if alpha == 0.0 {
        if g > pg_max_old {
            return None;
        }
        Some(g.min(0.0))
    } else if alpha == upper {
        if g < pg_min_old {
            return None;
        }
        Some(g.max(0.0))
    } else {
        Some(g)
    }
}

/// The primal objective `½‖w‖² + ½b² + Σ C_i ξ(1 − y_i f(x_i))` of a DCD model (for checks).
pub fn primal_objective(svm: &BinarySvm, kernel: &LinearKernel, y: &[u8], params: &SvmParams) -> Result<f64> {
    let (n_absent, n_present) = class_counts(y)?;
    let (w0, w1) = params.class_weight.weights(n_absent, n_present);
    let decision = svm.decision(kernel.x())?;
    let loss: f64 = decision
        .iter()
        .zip(y)
        .map(|(f, &v)| {
            let (sign, weight) = if v != 0 { (1.0, w1) } else { (-1.0, w0) };
            let margin = (1.0 - sign * f).max(0.0);
            params.c * weight * if params.loss == DcdLoss::Hinge { margin } else { margin * margin }
        })
        .sum();
    let norm2 = svm.coef.iter().map(|v| v * v).sum::<f64>() + svm.intercept * svm.intercept;
    Ok(0.5 * norm2 + loss)
}
