//! Multinomial naive Bayes for count features (McCallum & Nigam, "A Comparison of Event Models
//! for Naive Bayes Text Classification", AAAI-98 workshop, 1998).
//!
//! For classes `c` and features `j`, with counts `x` and additive smoothing `α`:
//!
//! ```text
//! N_cj            = Σ_{i : y_i = c} x_ij                          feature counts
//! log θ_cj        = ln(N_cj + α) − ln(Σ_j' (N_cj' + α))            feature_log_prob_
//! log π_c         = ln(n_c) − ln(Σ_c' n_c')                         class_log_prior_ (fit_prior)
//!                 = −ln(K)                                          (fit_prior = false)
//! jll_ic          = (Σ_j x_ij · log θ_cj) + log π_c                 joint log-likelihood
//! P(c | x_i)      = exp(jll_ic − logsumexp_c' jll_ic')
//! ```
//!
//! Matches scikit-learn's `MultinomialNB` (1.9.1, `force_alpha=True`): the row sum
//! `Σ_j (N_cj + α)` is numpy's pairwise sum ([`pairwise_sum`]); `jll` is accumulated in the
//! stored-entry order of the sparse row, as scipy's CSR × dense product does, then the prior is
//! added; `logsumexp` follows scipy's form `max + log1p(Σ_{c ≠ argmax} exp(jll_c − max))`. On
//! sparse input the results agree with scikit-learn to a few ulps (the only differences are the
//! platform's `ln`, `exp` and `log1p`); the tutorial fed *dense* counts, where BLAS picks the
//! summation order. Deviation: `α < 0`, negative counts and NaN or infinite counts are errors
//! (scikit-learn's "negative values" and "Input X contains NaN"), the latter naming the cell.
//!
//! Cost: fit `O(nnz(X) + K·V)`, predict `O(nnz(X)·K)`, memory `K·V` floats.
//!
//! ```
//! use cinegenre::bayes::{MultinomialNb, NbParams};
//! use cinegenre::matrix::CsrMatrix;
//! // Two documents of class 0 say word 0, one of class 1 says word 1.
//! let x = CsrMatrix::from_dense(3, 2, &[2.0, 0.0, 1.0, 0.0, 0.0, 3.0]);
//! let nb = MultinomialNb::fit(&NbParams::default(), &x, &[0, 0, 1], 2).unwrap();
//! let p = nb.predict_proba(&CsrMatrix::from_dense(1, 2, &[0.0, 1.0])).unwrap();
//! assert!(p.get(0, 1) > 0.5);
//! ```

use crate::error::{Error, Result};
use crate::matrix::{CsrMatrix, DenseMatrix, pairwise_sum};
use crate::svm::kernel::check_finite;

/// Hyper-parameters of [`MultinomialNb`] (scikit-learn's defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NbParams {
    /// Additive (Laplace/Lidstone) smoothing `α ≥ 0`.
    pub alpha: f64,
    /// Learn class priors from the data; otherwise uniform.
    pub fit_prior: bool,
}

impl Default for NbParams {
    fn default() -> Self {
        NbParams { alpha: 1.0, fit_prior: true }
    }
}

/// A fitted multinomial naive Bayes model over `K` classes and `V` features.
#[derive(Debug, Clone, PartialEq)]
pub struct MultinomialNb {
    /// `log θ`, `(K, V)` row-major.
    feature_log_prob: DenseMatrix,
    /// `log π`, `K` entries.
    class_log_prior: Vec<f64>,
    /// `N`, `(K, V)`: kept so the model can be inspected and saved.
    feature_count: DenseMatrix,
    /// `n_c`, `K` entries.
    class_count: Vec<f64>,
}

impl MultinomialNb {
    /// Fit on counts `x` `(n, V)` with class indices `y` (`n` entries, each `< n_classes`).
    pub fn fit(params: &NbParams, x: &CsrMatrix, y: &[u32], n_classes: usize) -> Result<Self> {
        if params.alpha.is_nan() || params.alpha < 0.0 {
            return Err(Error::param("alpha", format!("must be a number ≥ 0, got {}", params.alpha)));
        }
        if y.len() != x.n_rows() {
            return Err(Error::Shape(format!("X has {} rows but y has {} labels", x.n_rows(), y.len())));
        }
        if let Some(&c) = y.iter().find(|&&c| c as usize >= n_classes) {
            return Err(Error::Shape(format!("class index {c} is out of range for {n_classes} classes")));
        }
        // One pass for both checks; the first bad value decides the message.
        if let Some(&v) = x.data().iter().find(|&&v| !(v >= 0.0 && v.is_finite())) {
            if !v.is_finite() {
                check_finite(x)?; // names the row and column
            }
            return Err(Error::param("X", "negative values in data passed to MultinomialNB (input X)"));
        }
        let n_features = x.n_cols();
        let mut feature_count = DenseMatrix::zeros(n_classes, n_features);
        let mut class_count = vec![0.0; n_classes];
        for ((idx, vals), &c) in x.rows().zip(y) {
            class_count[c as usize] += 1.0;
            let counts = feature_count.row_mut(c as usize);
            for (&j, &v) in idx.iter().zip(vals) {
                counts[j as usize] += v;
            }
        }
        Ok(Self::from_counts(params, feature_count, class_count))
    }

    /// Derive the log-probabilities from feature and class counts.
    pub fn from_counts(params: &NbParams, feature_count: DenseMatrix, class_count: Vec<f64>) -> Self {
        let (n_classes, n_features) = feature_count.shape();
        let mut feature_log_prob = DenseMatrix::zeros(n_classes, n_features);
        let mut smoothed = vec![0.0; n_features];
        for c in 0..n_classes {
            for (s, &n) in smoothed.iter_mut().zip(feature_count.row(c)) {
                *s = n + params.alpha;
            }
            let log_total = pairwise_sum(&smoothed).ln();
            for (out, &s) in feature_log_prob.row_mut(c).iter_mut().zip(&smoothed) {
                *out = s.ln() - log_total;
            }
        }
        let class_log_prior = if params.fit_prior {
            let log_total = class_count.iter().sum::<f64>().ln();
            class_count.iter().map(|&n| n.ln() - log_total).collect()
        } else {
            vec![-(n_classes as f64).ln(); n_classes]
        };
        MultinomialNb { feature_log_prob, class_log_prior, feature_count, class_count }
    }

    /// Reassemble a fitted model from its four arrays (as saved by [`NbModel`]).
    ///
    /// [`NbModel`]: crate::bayes::NbModel
    pub fn from_parts(
        feature_log_prob: DenseMatrix,
        class_log_prior: Vec<f64>,
        feature_count: DenseMatrix,
        class_count: Vec<f64>,
    ) -> Result<Self> {
        let k = class_log_prior.len();
        if feature_log_prob.n_rows() != k
            || feature_count.shape() != feature_log_prob.shape()
            || class_count.len() != k
        {
            return Err(Error::Shape(format!(
                "naive Bayes arrays disagree: log-probabilities {:?}, counts {:?}, {} priors, {} class counts",
                feature_log_prob.shape(),
                feature_count.shape(),
                k,
                class_count.len()
            )));
        }
        Ok(MultinomialNb { feature_log_prob, class_log_prior, feature_count, class_count })
    }

    /// Number of classes `K`.
    pub fn n_classes(&self) -> usize {
        self.class_log_prior.len()
    }

    /// Number of features `V`.
    pub fn n_features(&self) -> usize {
        self.feature_log_prob.n_cols()
    }

    /// `log θ`, `(K, V)`.
    pub fn feature_log_prob(&self) -> &DenseMatrix {
        &self.feature_log_prob
    }

    /// `log π`, `K` entries.
    pub fn class_log_prior(&self) -> &[f64] {
        &self.class_log_prior
    }

    /// `N`, `(K, V)`.
    pub fn feature_count(&self) -> &DenseMatrix {
        &self.feature_count
    }

    /// `n_c`, `K` entries.
    pub fn class_count(&self) -> &[f64] {
        &self.class_count
    }

    /// Joint log-likelihood `jll`, `(n, K)`.
    pub fn joint_log_likelihood(&self, x: &CsrMatrix) -> Result<DenseMatrix> {
        if x.n_cols() != self.n_features() {
            return Err(Error::Shape(format!(
                "X has {} features but the naive Bayes model was fitted on {}",
                x.n_cols(),
                self.n_features()
            )));
        }
        let k = self.n_classes();
        let mut jll = DenseMatrix::zeros(x.n_rows(), k);
        for (i, (idx, vals)) in x.rows().enumerate() {
            let out = jll.row_mut(i);
            for (c, o) in out.iter_mut().enumerate() {
                let log_prob = self.feature_log_prob.row(c);
                let mut acc = 0.0;
                for (&j, &v) in idx.iter().zip(vals) {
                    acc += v * log_prob[j as usize];
                }
                *o = acc + self.class_log_prior[c];
            }
        }
        Ok(jll)
    }

    /// Posterior probabilities `P(c | x)`, `(n, K)`; each row sums to 1.
    pub fn predict_proba(&self, x: &CsrMatrix) -> Result<DenseMatrix> {
        let mut jll = self.joint_log_likelihood(x)?;
        for row in jll.data_mut().chunks_mut(self.n_classes().max(1)) {
            let lse = log_sum_exp(row);
            for v in row.iter_mut() {
                *v = (*v - lse).exp();
            }
        }
        Ok(jll)
    }

    /// Most probable class of each row (ties go to the lowest class index).
    pub fn predict(&self, x: &CsrMatrix) -> Result<Vec<u32>> {
        let jll = self.joint_log_likelihood(x)?;
        Ok(jll
            .rows()
            .map(|row| {
                let mut best = 0;
                for (c, &v) in row.iter().enumerate() {
                    if v > row[best] {
                        best = c;
                    }
                }
                best as u32
            })
            .collect())
    }
}

/// `ln Σ exp(a)` in scipy's form: `m + log1p(Σ_{i ≠ first argmax} exp(a_i − m))`.
fn log_sum_exp(a: &[f64]) -> f64 {
    let mut arg_max = 0;
    for (i, &v) in a.iter().enumerate() {
        if v > a[arg_max] {
            arg_max = i;
        }
    }
    let max = a[arg_max];
    if !max.is_finite() {
        return max;
    }
    let rest: f64 = a.iter().enumerate().filter(|&(i, _)| i != arg_max).map(|(_, &v)| (v - max).exp()).sum();
    rest.ln_1p() + max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_negative_counts_and_alpha() {
        let x = CsrMatrix::from_dense(1, 1, &[-1.0]);
        assert!(MultinomialNb::fit(&NbParams::default(), &x, &[0], 1).is_err());
        let x = CsrMatrix::from_dense(1, 1, &[1.0]);
        let bad = NbParams { alpha: -0.5, fit_prior: true };
        assert!(MultinomialNb::fit(&bad, &x, &[0], 1).is_err());
    }

    #[test]
    fn non_finite_counts_are_named_as_such() {
        for (bad, name) in [(f64::NAN, "NaN"), (f64::INFINITY, "inf"), (f64::NEG_INFINITY, "-inf")] {
            let x = CsrMatrix::from_dense(2, 2, &[1.0, 0.0, 0.0, bad]);
            let e = MultinomialNb::fit(&NbParams::default(), &x, &[0, 1], 2).unwrap_err().to_string();
            assert!(e.contains(&format!("row 1, column 1 holds {name}")) && !e.contains("negative"), "{e}");
        }
    }

    #[test]
    fn log_sum_exp_is_stable() {
        assert!((log_sum_exp(&[1000.0, 1000.0]) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(log_sum_exp(&[f64::NEG_INFINITY, f64::NEG_INFINITY]), f64::NEG_INFINITY);
    }
}
