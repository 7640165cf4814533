//! A trained one-vs-rest linear SVM with its search results, saved as [`ModelFile`] kind
//! `linear_svm_ovr`.
//!
//! Tensors (`K` labels, `V` features): `coef` `(K, V)`, `intercept` `(K,)`, `constant` `(K,)`
//! (−1 for a fitted label, else the constant 0/1 value; its `coef` row and `intercept` are 0),
//! `chosen_c` `(K,)` (NaN for a constant label), `n_support`, `n_iter` `(K,)` and `objective`
//! `(K,)`. Metadata: `solver`, `class_weight`, `grid`, `cv`, `n_features`, `labels`.

use std::path::Path;

use crate::error::{Error, Result};
use crate::labels::LabelFile;
use crate::matrix::CsrMatrix;
use crate::model_file::ModelFile;
use crate::ovr::{LabelModel, OneVsRest};
use crate::svm::binary::{BinarySvm, FitInfo};
use crate::svm::grid::{GridConfig, SearchResult, grid_search};
use crate::svm::params::SolverKind;

/// The model kind written into the file.
pub const SVM_KIND: &str = "linear_svm_ovr";

/// One-vs-rest linear SVMs chosen by grid search.
#[derive(Debug, Clone)]
pub struct SvmModel {
    pub ovr: OneVsRest<BinarySvm>,
    /// The chosen `C` per label (`None`: constant label).
    pub chosen_c: Vec<Option<f64>>,
    pub n_features: usize,
    pub labels: Vec<String>,
    /// `smo` or `dcd`.
    pub solver: String,
    pub class_weight: String,
    pub grid: Vec<f64>,
    pub cv: usize,
}

impl SvmModel {
    /// Grid-search one model per label of `y` on features `x`; also returns the search details.
    pub fn train(x: &CsrMatrix, y: &LabelFile, config: &GridConfig) -> Result<(Self, SearchResult)> {
        if x.n_rows() != y.labels.n_rows() {
            return Err(Error::Shape(format!(
                "X has {} rows but Y has {}: they must describe the same movies",
                x.n_rows(),
                y.labels.n_rows()
            )));
        }
        let search = grid_search(x, y.labels.as_slice(), &y.names, config)?;
        let model = SvmModel {
            ovr: search.ovr(),
            chosen_c: search.labels.iter().map(|l| l.chosen_c).collect(),
            n_features: x.n_cols(),
            labels: y.names.clone(),
            solver: match config.params.solver {
                SolverKind::Smo => "smo".into(),
                SolverKind::Dcd => "dcd".into(),
            },
            class_weight: format!("{:?}", config.params.class_weight),
            grid: config.grid.clone(),
            cv: config.cv,
        };
        Ok((model, search))
    }

    /// Write to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let (k, v) = (self.ovr.n_labels(), self.n_features);
        let mut coef = Vec::with_capacity(k * v);
        let (mut intercept, mut constant, mut n_support, mut n_iter, mut objective) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for model in self.ovr.models() {
            match model {
                LabelModel::Constant(value) => {
                    coef.extend(std::iter::repeat_n(0.0, v));
                    intercept.push(0.0);
                    constant.push(i64::from(*value));
                    n_support.push(0);
                    n_iter.push(0);
                    objective.push(0.0);
                }
                LabelModel::Fitted(svm) => {
                    coef.extend_from_slice(&svm.coef);
                    intercept.push(svm.intercept);
                    constant.push(-1);
                    n_support.push(svm.info.support.len() as i64);
                    n_iter.push(svm.info.n_iter as i64);
                    objective.push(svm.info.objective);
                }
            }
        }
        let mut file = ModelFile::new(SVM_KIND);
        file.set_meta("solver", self.solver.clone());
        file.set_meta("class_weight", self.class_weight.clone());
        file.set_meta("grid", serde_json::to_string(&self.grid).expect("floats serialise"));
        file.set_meta("cv", self.cv.to_string());
        file.set_meta("n_features", v.to_string());
        file.set_meta("labels", serde_json::to_string(&self.labels).expect("strings serialise"));
        file.put_f64("coef", vec![k, v], coef);
        file.put_f64("intercept", vec![k], intercept);
        file.put_i64("constant", vec![k], constant);
        file.put_f64("chosen_c", vec![k], self.chosen_c.iter().map(|c| c.unwrap_or(f64::NAN)).collect());
        file.put_i64("n_support", vec![k], n_support);
        file.put_i64("n_iter", vec![k], n_iter);
        file.put_f64("objective", vec![k], objective);
        file.save(path)
    }

    /// Read a model written by [`SvmModel::save`].
    pub fn load(path: &Path) -> Result<Self> {
        Self::from_file(&ModelFile::load(path, SVM_KIND)?, path)
    }

    /// Rebuild from an already loaded [`ModelFile`] of kind [`SVM_KIND`].
    pub fn from_file(file: &ModelFile, path: &Path) -> Result<Self> {
        let v: usize = file.meta_parsed("n_features")?;
        let labels: Vec<String> = serde_json::from_str(file.meta("labels")?).map_err(|e| {
            Error::model(path, format!("metadata entry `labels` is not a JSON list of names: {e}"))
        })?;
        let grid: Vec<f64> = serde_json::from_str(file.meta("grid")?).map_err(|e| {
            Error::model(path, format!("metadata entry `grid` is not a JSON list of numbers: {e}"))
        })?;
        let k = labels.len();
        let coef = file.f64_tensor("coef", &[k, v])?;
        for name in ["coef", "intercept", "objective"] {
            file.check_range(name, -f64::MAX, f64::MAX)?;
        }
        // NaN marks a label with no C chosen (a constant label); any other C is > 0 and finite.
        if let Some((label, c)) = file
            .f64_tensor("chosen_c", &[k])?
            .iter()
            .enumerate()
            .find(|(_, c)| !(c.is_nan() || (**c > 0.0 && c.is_finite())))
        {
            return Err(Error::model(
                path,
                format!("tensor `chosen_c` holds {c} for label {label}: not a C > 0"),
            ));
        }
        let intercept = file.f64_tensor("intercept", &[k])?;
        let constant = file.i64_tensor("constant", &[k])?;
        let chosen = file.f64_tensor("chosen_c", &[k])?;
        let n_iter = file.i64_tensor("n_iter", &[k])?;
        let objective = file.f64_tensor("objective", &[k])?;
        let mut models = Vec::with_capacity(k);
        for (label, &kind) in constant.iter().enumerate() {
            models.push(match kind {
                -1 => LabelModel::Fitted(BinarySvm {
                    coef: coef[label * v..(label + 1) * v].to_vec(),
                    intercept: intercept[label],
                    info: FitInfo {
                        c: chosen[label],
                        n_iter: n_iter[label].max(0) as usize,
                        objective: objective[label],
                        ..FitInfo::default()
                    },
                }),
                c @ (0 | 1) => LabelModel::Constant(c as u8),
                other => {
                    return Err(Error::model(
                        path,
                        format!("tensor `constant` holds {other} for label {label}"),
                    ));
                }
            });
        }
        Ok(SvmModel {
            ovr: OneVsRest::from_models(models),
            chosen_c: chosen.iter().map(|&c| (!c.is_nan()).then_some(c)).collect(),
            n_features: v,
            labels,
            solver: file.meta("solver")?.to_string(),
            class_weight: file.meta("class_weight")?.to_string(),
            grid,
            cv: file.meta_parsed("cv")?,
        })
    }
}
