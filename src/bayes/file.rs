//! Saving and loading one-vs-rest naive Bayes models ([`ModelFile`] kind `multinomial_nb_ovr`).
//!
//! Tensors use scikit-learn's attribute names, stacked over the `K` labels (`V` features):
//! `feature_count` `(K, 2, V)`, `feature_log_prob` `(K, 2, V)`, `class_count` `(K, 2)`,
//! `class_log_prior` `(K, 2)`, and `constant` `(K,)` (−1 for a fitted label, else the constant
//! 0/1 value, whose rows in the other tensors are zero). Metadata: `alpha`, `fit_prior`,
//! `n_features`, `labels` (JSON list of names) and, where known, `vocabulary` (the vocabulary
//! file the features came from).

use std::path::Path;

use crate::bayes::{BinaryNb, MultinomialNb, NbParams};
use crate::error::{Error, Result};
use crate::labels::LabelFile;
use crate::matrix::{CsrMatrix, DenseMatrix};
use crate::model_file::ModelFile;
use crate::ovr::{LabelModel, OneVsRest};

/// The model kind written into the file.
pub const NB_KIND: &str = "multinomial_nb_ovr";

/// A trained one-vs-rest naive Bayes model with what is needed to use it again.
#[derive(Debug, Clone, PartialEq)]
pub struct NbModel {
    pub ovr: OneVsRest<BinaryNb>,
    pub params: NbParams,
    pub n_features: usize,
    /// One name per label column.
    pub labels: Vec<String>,
    /// The vocabulary file the feature columns refer to, if known.
    pub vocabulary: Option<String>,
}

impl NbModel {
    /// Train one-vs-rest naive Bayes on counts `x` and the labels (with their names) of `y`.
    pub fn train(
        params: &NbParams,
        x: &CsrMatrix,
        y: &LabelFile,
        vocabulary: Option<String>,
    ) -> Result<Self> {
        if x.n_rows() != y.labels.n_rows() {
            return Err(Error::Shape(format!(
                "X has {} rows but Y has {}: they must describe the same movies",
                x.n_rows(),
                y.labels.n_rows()
            )));
        }
        let ovr = OneVsRest::fit(params, x, y.labels.as_slice(), y.labels.n_cols())?;
        Ok(NbModel { ovr, params: *params, n_features: x.n_cols(), labels: y.names.clone(), vocabulary })
    }

    /// Write to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let (k, v) = (self.ovr.n_labels(), self.n_features);
        let mut feature_count = Vec::with_capacity(k * 2 * v);
        let mut feature_log_prob = Vec::with_capacity(k * 2 * v);
        let mut class_count = Vec::with_capacity(k * 2);
        let mut class_log_prior = Vec::with_capacity(k * 2);
        let mut constant = Vec::with_capacity(k);
        for model in self.ovr.models() {
            match model {
                LabelModel::Constant(value) => {
                    feature_count.extend(std::iter::repeat_n(0.0, 2 * v));
                    feature_log_prob.extend(std::iter::repeat_n(0.0, 2 * v));
                    class_count.extend([0.0, 0.0]);
                    class_log_prior.extend([0.0, 0.0]);
                    constant.push(i64::from(*value));
                }
                LabelModel::Fitted(BinaryNb(nb)) => {
                    feature_count.extend_from_slice(nb.feature_count().data());
                    feature_log_prob.extend_from_slice(nb.feature_log_prob().data());
                    class_count.extend_from_slice(nb.class_count());
                    class_log_prior.extend_from_slice(nb.class_log_prior());
                    constant.push(-1);
                }
            }
        }
        let mut file = ModelFile::new(NB_KIND);
        file.set_meta("alpha", self.params.alpha.to_string());
        file.set_meta("fit_prior", self.params.fit_prior.to_string());
        file.set_meta("n_features", v.to_string());
        file.set_meta("labels", serde_json::to_string(&self.labels).expect("strings serialise"));
        if let Some(vocabulary) = &self.vocabulary {
            file.set_meta("vocabulary", vocabulary.clone());
        }
        file.put_f64("feature_count", vec![k, 2, v], feature_count);
        file.put_f64("feature_log_prob", vec![k, 2, v], feature_log_prob);
        file.put_f64("class_count", vec![k, 2], class_count);
        file.put_f64("class_log_prior", vec![k, 2], class_log_prior);
        file.put_i64("constant", vec![k], constant);
        file.save(path)
    }

    /// Read a model written by [`NbModel::save`].
    pub fn load(path: &Path) -> Result<Self> {
        Self::from_file(&ModelFile::load(path, NB_KIND)?, path)
    }

    /// Rebuild from an already loaded [`ModelFile`] of kind [`NB_KIND`].
    pub fn from_file(file: &ModelFile, path: &Path) -> Result<Self> {
        let params =
            NbParams { alpha: file.meta_parsed("alpha")?, fit_prior: file.meta_parsed("fit_prior")? };
        let v: usize = file.meta_parsed("n_features")?;
        let labels: Vec<String> = serde_json::from_str(file.meta("labels")?).map_err(|e| {
            Error::model(path, format!("metadata entry `labels` is not a JSON list of names: {e}"))
        })?;
        let k = labels.len();
        if !(params.alpha.is_finite() && params.alpha >= 0.0) {
            return Err(Error::model(
                path,
                format!("metadata entry `alpha` is {}, not a finite value ≥ 0", params.alpha),
            ));
        }
        // Log-probabilities ≤ 0 (−∞ where α = 0 met a zero count), counts ≥ 0, no NaN.
        for name in ["feature_log_prob", "class_log_prior"] {
            file.check_range(name, f64::NEG_INFINITY, 0.0)?;
        }
        for name in ["feature_count", "class_count"] {
            file.check_range(name, 0.0, f64::MAX)?;
        }
        let feature_count = file.f64_tensor("feature_count", &[k, 2, v])?;
        let feature_log_prob = file.f64_tensor("feature_log_prob", &[k, 2, v])?;
        let class_count = file.f64_tensor("class_count", &[k, 2])?;
        let class_log_prior = file.f64_tensor("class_log_prior", &[k, 2])?;
        let constant = file.i64_tensor("constant", &[k])?;
        let mut models = Vec::with_capacity(k);
        for (label, &kind) in constant.iter().enumerate() {
            models.push(match kind {
                -1 => {
                    let block = label * 2 * v..(label + 1) * 2 * v;
                    let pair = label * 2..label * 2 + 2;
                    LabelModel::Fitted(BinaryNb(MultinomialNb::from_parts(
                        DenseMatrix::from_vec(2, v, feature_log_prob[block.clone()].to_vec())?,
                        class_log_prior[pair.clone()].to_vec(),
                        DenseMatrix::from_vec(2, v, feature_count[block].to_vec())?,
                        class_count[pair].to_vec(),
                    )?))
                }
                c @ (0 | 1) => LabelModel::Constant(c as u8),
                other => {
                    return Err(Error::model(
                        path,
                        format!("tensor `constant` holds {other} for label {label}"),
                    ));
                }
            });
        }
        Ok(NbModel {
            ovr: OneVsRest::from_models(models),
            params,
            n_features: v,
            labels,
            vocabulary: file.meta("vocabulary").ok().map(str::to_string),
        })
    }
}
