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
//! including its shrinking of variables stuck at a bound (`solve`; `params.shrinking = false`
//! turns it off and reaches the same optimum, more slowly).
//!
//! The pieces: `rows` copies the training rows once, label sign folded in and the bias as a
//! last column, with the two sparse kernels of a step (`w·z_i`, `w += d z_i`); `solve` is
//! liblinear's loop with shrinking; this file sets up `C_i`, `D_ii`, `U_i`, `Q̄_ii` and reads the
//! model out (`w`, bias, support vectors, dual objective).
//!
//! Deviations: the permutation draws from numpy's MT19937 ([`crate::rng::Mt19937`]) seeded by
//! `params.seed`, not liblinear's generator, so the path differs from `LinearSVC`'s and parity is
//! on the objective (both stop within `eps` of the same optimum). `w·z_i` is summed in four
//! interleaved partial sums instead of one chain (`rows`): the same value up to rounding, with a
//! dependency chain a quarter as long. The bias is a weight on a constant feature 1 (`intercept_scaling = 1`),
//! regularised, so this is **not** the model of `SVC(kernel='linear')` even at the optimum.
//! scikit-learn's `LinearSVC(dual='auto')` solves the *primal* (trust-region Newton) whenever
//! `n_samples > n_features`, as on the TF-IDF of the bundled movies; `dual=True` runs this
//! algorithm. Both solve the same problem (their tolerances mean different things).
//!
//! Cost: `O(Σ_{i active} nnz(x_i))` per pass, typically a few hundred passes at `eps = 1e-4`,
//! most of them over a shrunk set; memory `O(nnz(X_rows) + n + V)`; no kernel matrix.
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::svm::{SvmParams, binary::fit_all_rows};
//! let x = CsrMatrix::from_dense(4, 1, &[-2.0, -1.0, 1.0, 2.0]);
//! let svm = fit_all_rows(&x, &[0, 0, 1, 1], &SvmParams::linear_svc()).unwrap();
//! assert!(svm.decision(&x).unwrap().iter().zip([0, 0, 1, 1]).all(|(d, y)| (*d > 0.0) == (y == 1)));
//! ```

use crate::error::{Error, Result};
use crate::svm::binary::{BinarySvm, FitInfo, class_counts, constant_on};
use crate::svm::kernel::LinearKernel;
use crate::svm::params::{DcdLoss, SvmParams};

mod rows;
mod solve;

use rows::{SignedRows, axpy};
use solve::{Schedule, Var, solve};

/// Fit on rows `rows` of `kernel.x()` with 0/1 labels `y`; `warm` is a start α (same order as
/// `rows`, inside the box). Returns the model and α.
pub fn fit_dcd(
    kernel: &LinearKernel,
    rows: &[usize],
    y: &[u8],
    params: &SvmParams,
    warm: Option<Vec<f64>>,
) -> Result<(BinarySvm, Vec<f64>)> {
    params.validate()?;
    let l = rows.len();
    if y.len() != l || warm.as_ref().is_some_and(|a| a.len() != l) {
        return Err(Error::Shape(format!(
            "DCD on {l} training rows got {} labels and a start of {} values",
            y.len(),
            warm.as_ref().map_or(l, Vec::len)
        )));
    }
    let (n_absent, n_present) = class_counts(y)?;
    let (w0, w1) = params.class_weight.weights(n_absent, n_present);
    let x = kernel.x();
    let sign: Vec<f64> = y.iter().map(|&v| if v != 0 { 1.0 } else { -1.0 }).collect();
    let z = SignedRows::new(x, rows, &sign)?;
    let alpha = warm.unwrap_or_else(|| vec![0.0; l]);
    let mut vars: Vec<Var> = (0..l)
        .map(|s| {
            let c = params.c * if y[s] != 0 { w1 } else { w0 };
            let (diag, upper) = match params.loss {
                DcdLoss::Hinge => (0.0, c),
                DcdLoss::SquaredHinge => (0.5 / c, f64::INFINITY),
            };
            Var { alpha: alpha[s], qd: diag + kernel.diag(rows[s]) + 1.0, diag, upper }
        })
        .collect();
    // w over the features, then the bias: the weight of the constant feature 1.
    let mut w = vec![0.0; z.n_weights()];
    for (&slot, var) in z.slots().iter().zip(&vars) {
        let (cols, vals) = z.row(slot);
        axpy(&mut w, var.alpha, cols, vals);
    }
    let max_iter = params.max_iter.unwrap_or(1000);
    let schedule = Schedule {
        tol: params.tol,
        max_iter,
        shrinking: params.shrinking,
        seed: params.seed,
        checkpoints: params.checkpoint_every.is_some(),
    };
    let (n_iter, checkpoints) = solve(&z, &mut vars, &mut w, &schedule);
    w.truncate(x.n_cols() + 1); // drop the padding column (0)
    let norm2 = w.iter().map(|v| v * v).sum::<f64>();
    let objective = (norm2 + vars.iter().map(|v| v.alpha * (v.alpha * v.diag - 2.0)).sum::<f64>()) / 2.0;
    let alpha: Vec<f64> = vars.iter().map(|v| v.alpha).collect();
    let (support, dual_coef) =
        (0..l).filter(|&s| alpha[s] > 0.0).map(|s| (rows[s], alpha[s] * sign[s])).unzip();
    let info = FitInfo {
        c: params.c,
        n_iter,
        objective,
        support,
        dual_coef,
        hit_max_iter: n_iter >= max_iter,
        constant_prediction: None,
        checkpoints,
    };
    let intercept = w.pop().unwrap_or(0.0);
    let mut svm = BinarySvm { coef: w, intercept, info };
    svm.info.constant_prediction = constant_on(&svm, x, rows);
    Ok((svm, alpha))
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
