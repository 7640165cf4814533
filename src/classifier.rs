//! Any trained multi-label classifier, loaded from its model file by kind.
//!
//! `predict` and `classify` do not need to know which model a file holds: [`Classifier::load`]
//! reads the kind recorded in the file and builds the matching model.

use std::path::Path;

use crate::bayes::{NB_KIND, NbModel};
use crate::error::{Error, Result};
use crate::matrix::{CsrMatrix, DenseMatrix};
use crate::model_file::ModelFile;
use crate::svm::kernel::check_finite;
use crate::svm::{SVM_KIND, SvmModel};

/// A trained model of one of the kinds cinegenre writes.
#[derive(Debug, Clone)]
pub enum Classifier {
    /// One-vs-rest multinomial naive Bayes.
    NaiveBayes(NbModel),
    /// One-vs-rest linear SVM (scores are decision values).
    Svm(SvmModel),
}

impl Classifier {
    /// Load a model file of any supported kind.
    pub fn load(path: &Path) -> Result<Self> {
        let file = ModelFile::load_any(path)?;
        match file.kind() {
            NB_KIND => Ok(Classifier::NaiveBayes(NbModel::from_file(&file, path)?)),
            SVM_KIND => Ok(Classifier::Svm(SvmModel::from_file(&file, path)?)),
            other => Err(Error::model(
                path,
                format!("model kind `{other}` cannot predict (known kinds: {NB_KIND}, {SVM_KIND})"),
            )),
        }
    }

    /// One name per label column.
    pub fn labels(&self) -> &[String] {
        match self {
            Classifier::NaiveBayes(m) => &m.labels,
            Classifier::Svm(m) => &m.labels,
        }
    }

    /// Number of feature columns the model expects.
    pub fn n_features(&self) -> usize {
        match self {
            Classifier::NaiveBayes(m) => m.n_features,
            Classifier::Svm(m) => m.n_features,
        }
    }

    /// Per-label scores `(n, K)` (probabilities for naive Bayes, decision values for the SVM).
    pub fn scores(&self, x: &CsrMatrix) -> Result<DenseMatrix> {
        self.check_columns(x)?;
        match self {
            Classifier::NaiveBayes(m) => m.ovr.scores(x),
            Classifier::Svm(m) => m.ovr.scores(x),
        }
    }

    /// 0/1 predictions `(n, K)`, row-major.
    pub fn predict(&self, x: &CsrMatrix) -> Result<Vec<u8>> {
        self.check_columns(x)?;
        match self {
            Classifier::NaiveBayes(m) => m.ovr.predict(x),
            Classifier::Svm(m) => m.ovr.predict(x),
        }
    }

    /// Whether `predict` writes scores by default: decision values for the SVM.
    pub fn scores_by_default(&self) -> bool {
        matches!(self, Classifier::Svm(_))
    }

    /// `x` must have the model's columns and only finite values: a NaN or infinite feature
    /// would make that row's scores NaN (SVM) or meaningless (naive Bayes).
    fn check_columns(&self, x: &CsrMatrix) -> Result<()> {
        check_finite(x)?;
        if x.n_cols() != self.n_features() {
            return Err(Error::Shape(format!(
                "X has {} feature columns but the model was trained on {}",
                x.n_cols(),
                self.n_features()
            )));
        }
        Ok(())
    }
}
