//! Naive Bayes on one 0/1 label: the per-genre estimator inside one-vs-rest.

use crate::bayes::{MultinomialNb, NbParams};
use crate::error::Result;
use crate::matrix::CsrMatrix;
use crate::ovr::BinaryClassifier;

/// A two-class [`MultinomialNb`] (class 0 = label absent, class 1 = present), scored by
/// `P(present | x)` and thresholded at 0.5 by one-vs-rest, as scikit-learn's
/// `OneVsRestClassifier(MultinomialNB())` does.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryNb(pub MultinomialNb);

impl BinaryClassifier for BinaryNb {
    type Params = NbParams;
    const THRESHOLD: f64 = 0.5;

    fn fit_binary(params: &NbParams, x: &CsrMatrix, y: &[u8]) -> Result<Self> {
        let classes: Vec<u32> = y.iter().map(|&v| u32::from(v != 0)).collect();
        MultinomialNb::fit(params, x, &classes, 2).map(BinaryNb)
    }

    fn score(&self, x: &CsrMatrix) -> Result<Vec<f64>> {
        let proba = self.0.predict_proba(x)?;
        Ok(proba.rows().map(|row| row[1]).collect())
    }
}
