//! One-vs-rest multi-label classification: one binary classifier per label column.
//!
//! ```text
//! fit:      for each label k:  y_k constant ?  remember the constant  :  fit C on (X, y_k)
//! predict:  ŷ_ik = [ score_k(x_i) > t ]        (strict)
//! ```
//! Matches scikit-learn's `OneVsRestClassifier` on a multi-label indicator matrix
//! (`sklearn/multiclass.py`, 1.9.1): a column with a single value in the training set becomes a
//! constant predictor whose score is that value (0 or 1); the score is the decision function
//! where the classifier has one (threshold `t = 0`) and `P(label | x)` otherwise (`t = 0.5`).
//! scikit-learn decides `t` from the *first* estimator only, so a constant first column switches
//! every label to 0.5; we reproduce that (see [`OneVsRest::threshold`]).
//!
//! Labels are fitted in parallel (rayon). Cost: the sum of the `K` binary fits.
//!
//! ```
//! use cinegenre::bayes::{BinaryNb, NbParams};
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::ovr::OneVsRest;
//! let x = CsrMatrix::from_dense(4, 2, &[3.0, 0.0, 2.0, 0.0, 0.0, 3.0, 0.0, 2.0]);
//! // Label 0 follows word 0; label 1 is never present (a constant column).
//! let y = [1, 0, 1, 0, 0, 0, 0, 0];
//! let model = OneVsRest::<BinaryNb>::fit(&NbParams::default(), &x, &y, 2).unwrap();
//! assert_eq!(model.predict(&x).unwrap(), y);
//! ```

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::matrix::{CsrMatrix, DenseMatrix};

/// A classifier of one 0/1 label, as one-vs-rest needs it.
pub trait BinaryClassifier: Sized + Send + Sync {
    /// Hyper-parameters shared by every label.
    type Params: Sync;
    /// The cut `score > THRESHOLD` that one-vs-rest applies: 0 for a decision function, 0.5 for
    /// a probability.
    const THRESHOLD: f64;
    /// Fit on features `x` `(n, V)` and labels `y` (`n` entries, both classes present).
    fn fit_binary(params: &Self::Params, x: &CsrMatrix, y: &[u8]) -> Result<Self>;
    /// One score per row of `x`.
    fn score(&self, x: &CsrMatrix) -> Result<Vec<f64>>;
}

/// The model of one label: fitted, or constant because training saw a single value.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelModel<C> {
    /// Every training row had this value (0 or 1).
    Constant(u8),
    /// A fitted binary classifier.
    Fitted(C),
}

/// `K` binary models, one per label column.
#[derive(Debug, Clone, PartialEq)]
pub struct OneVsRest<C> {
    models: Vec<LabelModel<C>>,
}

impl<C: BinaryClassifier> OneVsRest<C> {
    /// Fit one model per column of the row-major 0/1 matrix `y` `(n, n_labels)`.
    pub fn fit(params: &C::Params, x: &CsrMatrix, y: &[u8], n_labels: usize) -> Result<Self> {
        if n_labels == 0 || y.len() != x.n_rows() * n_labels {
            return Err(Error::Shape(format!(
                "X has {} rows but the label matrix holds {} values for {} labels",
                x.n_rows(),
                y.len(),
                n_labels
            )));
        }
        let models = (0..n_labels)
            .into_par_iter()
            .map(|k| {
                let column: Vec<u8> = y.chunks_exact(n_labels).map(|row| u8::from(row[k] != 0)).collect();
                match constant_value(&column) {
                    Some(value) => Ok(LabelModel::Constant(value)),
                    None => C::fit_binary(params, x, &column).map(LabelModel::Fitted),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OneVsRest { models })
    }

    /// Assemble from per-label models (for loading a saved model).
    pub fn from_models(models: Vec<LabelModel<C>>) -> Self {
        OneVsRest { models }
    }

    /// The per-label models.
    pub fn models(&self) -> &[LabelModel<C>] {
        &self.models
    }

    /// Number of labels `K`.
    pub fn n_labels(&self) -> usize {
        self.models.len()
    }

    /// scikit-learn's threshold: `C::THRESHOLD` if the first label was fitted, 0.5 if it is
    /// constant (a constant predictor is not a classifier with a decision function).
    pub fn threshold(&self) -> f64 {
        match self.models.first() {
            Some(LabelModel::Fitted(_)) => C::THRESHOLD,
            _ => 0.5,
        }
    }

    /// Scores `(n, K)`: the classifier's score, or the constant value.
    pub fn scores(&self, x: &CsrMatrix) -> Result<DenseMatrix> {
        let columns = self
            .models
            .par_iter()
            .map(|model| match model {
                LabelModel::Constant(value) => Ok(vec![f64::from(*value); x.n_rows()]),
                LabelModel::Fitted(classifier) => classifier.score(x),
            })
            .collect::<Result<Vec<_>>>()?;
        let k = self.models.len();
        let mut scores = DenseMatrix::zeros(x.n_rows(), k);
        for (label, column) in columns.iter().enumerate() {
            for (i, &s) in column.iter().enumerate() {
                scores.data_mut()[i * k + label] = s;
            }
        }
        Ok(scores)
    }

    /// Predicted 0/1 matrix `(n, K)`, row-major: `score > threshold`.
    pub fn predict(&self, x: &CsrMatrix) -> Result<Vec<u8>> {
        let threshold = self.threshold();
        Ok(self.scores(x)?.data().iter().map(|&s| u8::from(s > threshold)).collect())
    }
}

/// `Some(v)` if every entry equals `v` (an empty column counts as constant 0).
fn constant_value(column: &[u8]) -> Option<u8> {
    match column.first() {
        None => Some(0),
        Some(&first) => column.iter().all(|&v| v == first).then_some(first),
    }
}
