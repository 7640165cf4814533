//! One label's linear SVM: build the dual of a 0/1 column, solve it, keep `w` and `b`.
//!
//! ```text
//! class 0 (label absent)  → y = +1,  C_i = C · weight_0        (libsvm's label[0], sorted labels)
//! class 1 (label present) → y = −1,  C_i = C · weight_1
//! w = Σ_i α_i t_i x_i,   t_i = −y_i = ±1 for present/absent,   b = ρ
//! decision(x) = w·x + b   (> 0 ⇒ label present)
//! ```
//! scikit-learn's `SVC` hands libsvm the samples grouped by class (class 0 first, each group in
//! the original order) and flips the sign of libsvm's decision `Σ α_i y_i K(x_i, x) − ρ` so that
//! positive means class 1 (ALGORITHMS §5.2, §5.7). We build the same problem in the same order, so
//! `support`, `dual_coef` and `intercept` match `SVC.support_`, `dual_coef_` and `intercept_`.
//! The decision of a new row costs `O(nnz(x))` through `w` instead of one kernel per support
//! vector; the two agree to rounding (scikit-learn's own check: 1.8e-14).
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::ovr::BinaryClassifier;
//! use cinegenre::svm::{BinarySvm, SvmParams};
//! // ALGORITHMS §5.7: coef [2/3, 1], intercept −2, support [0, 2, 4, 5].
//! let x = CsrMatrix::from_dense(6, 2, &[0., 1., 1., 0., 1., 1., 2., 2., 0., 2., 3., 1.]);
//! let svm = BinarySvm::fit_binary(&SvmParams::default(), &x, &[0, 0, 0, 1, 1, 1]).unwrap();
//! assert!((svm.coef[0] - 2.0 / 3.0).abs() < 1e-12 && (svm.intercept + 2.0).abs() < 1e-12);
//! assert_eq!(svm.info.support, vec![0, 2, 4, 5]);
//! ```

use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;
use crate::ovr::BinaryClassifier;
use crate::svm::kernel::{GRAM_MAX_ROWS, Gram, LAZY_CACHE_BYTES, LazyRows, LinearKernel, Rows};
use crate::svm::params::{SolverKind, SvmParams};
use crate::svm::smo::{Checkpoint, SmoOptions, SmoProblem, solve};

/// What the solver reports about one fit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FitInfo {
    /// The `C` of this fit.
    pub c: f64,
    /// Solver steps (SMO) or outer iterations (DCD).
    pub n_iter: usize,
    /// Dual objective at the returned α (SMO: `½αᵀQα − eᵀα`; DCD: liblinear's dual).
    pub objective: f64,
    /// Training rows with `α_i > 0`, class 0 first (scikit-learn's `support_`).
    pub support: Vec<usize>,
    /// `α_i t_i` of the support rows (scikit-learn's `dual_coef_`).
    pub dual_coef: Vec<f64>,
    /// Stopped by the iteration cap.
    pub hit_max_iter: bool,
    /// Every training row fell on one side: the model predicts a constant (ALGORITHMS §5.9).
    pub constant_prediction: Option<u8>,
    /// How the solver converged, when [`SvmParams::checkpoint_every`] asked (SMO: every that
    /// many steps; DCD: every pass).
    pub checkpoints: Vec<Checkpoint>,
}

/// A fitted linear SVM for one label: `decision(x) = coef·x + intercept`.
#[derive(Debug, Clone, PartialEq)]
pub struct BinarySvm {
    /// `w`, one weight per feature.
    pub coef: Vec<f64>,
    pub intercept: f64,
    pub info: FitInfo,
}

impl BinarySvm {
    /// `w·x_i + b` for every row of `x`.
    pub fn decision(&self, x: &CsrMatrix) -> Result<Vec<f64>> {
        if x.n_cols() != self.coef.len() {
            return Err(Error::Shape(format!(
                "X has {} feature columns but the SVM was trained on {}",
                x.n_cols(),
                self.coef.len()
            )));
        }
        Ok(x.rows().map(|(cols, vals)| self.decision_row(cols, vals)).collect())
    }

    fn decision_row(&self, cols: &[u32], vals: &[f64]) -> f64 {
        cols.iter().zip(vals).fold(0.0, |s, (&j, &v)| s + self.coef[j as usize] * v) + self.intercept
    }

    /// libsvm's class vote on training-like rows: present unless `decision < 0` (at exactly 0
    /// `SVC.predict` says class 1, ALGORITHMS §5.7).
    pub fn vote(&self, cols: &[u32], vals: &[f64]) -> u8 {
        u8::from(self.decision_row(cols, vals) >= 0.0)
    }
}

/// The two class counts of a 0/1 column, or an error naming the missing class.
pub fn class_counts(y: &[u8]) -> Result<(usize, usize)> {
    let present = y.iter().filter(|&&v| v != 0).count();
    let absent = y.len() - present;
    if present == 0 || absent == 0 {
        return Err(Error::param(
            "y",
            format!("the number of classes has to be greater than one; got 1 class ({} rows)", y.len()),
        ));
    }
    Ok((absent, present))
}

/// The training rows `rows` of `kernel.x()` with labels `y` (same length), grouped the way
/// libsvm sees them: class 0 rows, then class 1 rows, each in the given order.
pub(crate) fn grouped(rows: &[usize], y: &[u8]) -> (Vec<usize>, Vec<i8>) {
    let absent = rows.iter().zip(y).filter(|&(_, &v)| v == 0).map(|(&r, _)| (r, 1i8));
    let present = rows.iter().zip(y).filter(|&(_, &v)| v != 0).map(|(&r, _)| (r, -1i8));
    absent.chain(present).unzip()
}

/// Fit SMO on rows `rows` of the kernel (labels `y`, class weights from `params`), reading
/// kernel rows from `gram` when given, else computing them lazily. `warm` is a start in the
/// grouped order (feasible for these bounds).
pub fn fit_smo(
    kernel: &LinearKernel,
    gram: Option<&Gram>,
    rows: &[usize],
    y: &[u8],
    params: &SvmParams,
    warm: Option<Vec<f64>>,
) -> Result<(BinarySvm, Vec<f64>)> {
    params.validate()?;
    let (n_absent, n_present) = class_counts(y)?;
    let (w0, w1) = params.class_weight.weights(n_absent, n_present);
    let (index, signs) = grouped(rows, y);
    let c: Vec<f64> = signs.iter().map(|&s| if s > 0 { params.c * w0 } else { params.c * w1 }).collect();
    let source = match gram {
        Some(g) => Rows::Full(g),
        None => Rows::Lazy(LazyRows::new(kernel, LAZY_CACHE_BYTES)),
    };
    let problem = SmoProblem { rows: source, index: index.clone(), y: signs.clone(), c, alpha: warm };
    let options = SmoOptions {
        eps: params.tol,
        shrinking: params.shrinking,
        max_iter: params.max_iter,
        trace: false,
        checkpoint_every: params.checkpoint_every,
        ..SmoOptions::default()
    };
    let solution = solve(problem, &options);
    let mut coef = vec![0.0; kernel.x().n_cols()];
    let (mut support, mut dual_coef) = (Vec::new(), Vec::new());
    for ((&row, &s), &a) in index.iter().zip(&signs).zip(&solution.alpha) {
        if a != 0.0 {
            let coefficient = -f64::from(s) * a;
            let (cols, vals) = kernel.x().row(row);
            for (&j, &v) in cols.iter().zip(vals) {
                coef[j as usize] += coefficient * v;
            }
            support.push(row);
            dual_coef.push(coefficient);
        }
    }
    let info = FitInfo {
        c: params.c,
        n_iter: solution.n_iter,
        objective: solution.objective,
        support,
        dual_coef,
        hit_max_iter: solution.hit_max_iter,
        constant_prediction: None,
        checkpoints: solution.checkpoints,
    };
    let mut svm = BinarySvm { coef, intercept: solution.rho, info };
    svm.info.constant_prediction = constant_on(&svm, kernel.x(), rows);
    Ok((svm, solution.alpha))
}

/// `Some(v)` if the model's 0/1 prediction is `v` on every one of `rows`.
pub(crate) fn constant_on(svm: &BinarySvm, x: &CsrMatrix, rows: &[usize]) -> Option<u8> {
    let mut votes = rows.iter().map(|&r| {
        let (cols, vals) = x.row(r);
        u8::from(svm.decision_row(cols, vals) > 0.0)
    });
    let first = votes.next()?;
    votes.all(|v| v == first).then_some(first)
}

/// Fit one model on all rows of `x` with the solver of `params` (no grid search).
pub fn fit_all_rows(x: &CsrMatrix, y: &[u8], params: &SvmParams) -> Result<BinarySvm> {
    if y.len() != x.n_rows() {
        return Err(Error::Shape(format!("X has {} rows but y has {} labels", x.n_rows(), y.len())));
    }
    let kernel = LinearKernel::new(x)?;
    let rows: Vec<usize> = (0..x.n_rows()).collect();
    match params.solver {
        SolverKind::Smo => {
            let gram = (x.n_rows() <= GRAM_MAX_ROWS).then(|| Gram::from_kernel(&kernel));
            Ok(fit_smo(&kernel, gram.as_ref(), &rows, y, params, None)?.0)
        }
        SolverKind::Dcd => Ok(crate::svm::dcd::fit_dcd(&kernel, &rows, y, params, None)?.0),
    }
}

impl BinaryClassifier for BinarySvm {
    type Params = SvmParams;
    const THRESHOLD: f64 = 0.0;

    fn fit_binary(params: &SvmParams, x: &CsrMatrix, y: &[u8]) -> Result<Self> {
        fit_all_rows(x, y, params)
    }

    fn score(&self, x: &CsrMatrix) -> Result<Vec<f64>> {
        self.decision(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 40 points on a noisy line: neither class separable, so both solvers take many steps.
    fn data() -> (CsrMatrix, Vec<u8>) {
        let mut rng = crate::rng::Mt19937::new(7);
        let (mut dense, mut y) = (Vec::new(), Vec::new());
        for i in 0..40 {
            let label = u8::from(i % 2 == 0);
            let shift = if label == 1 { 0.6 } else { -0.6 };
            dense.extend([shift + rng.random_sample() * 2.0 - 1.0, rng.random_sample() * 2.0 - 1.0]);
            y.push(label);
        }
        (CsrMatrix::from_dense(40, 2, &dense), y)
    }

    #[test]
    fn smo_checkpoints_fall_to_the_solution() {
        let (x, y) = data();
        let params = SvmParams { checkpoint_every: Some(3), tol: 1e-6, ..SvmParams::default() };
        let svm = fit_all_rows(&x, &y, &params).unwrap();
        let cps = &svm.info.checkpoints;
        assert!(cps.len() >= 3, "{cps:?}");
        assert!(cps.iter().rev().skip(1).all(|c| c.step % 3 == 0), "{cps:?}");
        let last = cps.last().unwrap();
        assert_eq!(last.step, svm.info.n_iter);
        assert!((last.objective - svm.info.objective).abs() <= 1e-9 * svm.info.objective.abs().max(1.0));
        assert!(last.violation < 1e-6, "{last:?}");
        assert_eq!(last.support, svm.info.support.len());
        // SMO lowers f(α) at every step.
        assert!(cps.windows(2).all(|w| w[1].objective <= w[0].objective + 1e-12), "{cps:?}");
        // And recording changes nothing else.
        let plain = fit_all_rows(&x, &y, &SvmParams { checkpoint_every: None, ..params }).unwrap();
        assert_eq!((plain.coef.clone(), plain.intercept), (svm.coef.clone(), svm.intercept));
        assert!(plain.info.checkpoints.is_empty());
    }

    #[test]
    fn dcd_checkpoints_one_per_pass() {
        let (x, y) = data();
        let params = SvmParams { checkpoint_every: Some(1), ..SvmParams::linear_svc() };
        let svm = fit_all_rows(&x, &y, &params).unwrap();
        let cps = &svm.info.checkpoints;
        assert_eq!(cps.len(), svm.info.n_iter);
        assert_eq!(cps.iter().map(|c| c.step).collect::<Vec<_>>(), (1..=svm.info.n_iter).collect::<Vec<_>>());
        assert!((cps.last().unwrap().objective - svm.info.objective).abs() < 1e-9);
        assert!(cps.last().unwrap().violation <= params.tol);
        assert!(cps[0].violation > params.tol);
    }
}
