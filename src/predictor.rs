//! `cinegenre predict`: any saved model file, loaded by the kind it records, predicting labels
//! from a feature matrix. (`crate::classify` is the other way in: a new *movie* through every
//! model of a run folder.)
//!
//! Features come as Matrix Market (`.mtx`, sparse) or numpy (`.npy`, dense) files, whatever
//! the model: naive Bayes and the SVM work on sparse rows, an MLP on dense rows, and each form
//! is converted to the other when needed. A value that is NaN or ±∞ is refused with its row and
//! column: it would poison every score of its row.
//!
//! ```text
//! kind                  scores                      0/1 predictions
//! multinomial_nb_ovr    P(genre | x)                P > 0.5
//! linear_svm_ovr        decision value w·x + b      decision > 0
//! mlp                   sigmoid/softmax outputs     output > 0.5, or the top k per row
//! ```

use std::path::Path;

use crate::backend::Backend;
use crate::bayes::{NB_KIND, NbModel};
use crate::error::{Error, Result};
use crate::io::{NpyData, read_mtx, read_npy};
use crate::matrix::{CsrMatrix, DenseMatrix};
use crate::mlp::{MLP_KIND, MlpModel};
use crate::model_file::ModelFile;
use crate::svm::{SVM_KIND, SvmModel};

/// A trained model of one of the kinds cinegenre writes.
#[derive(Debug, Clone)]
pub enum Predictor {
    /// One-vs-rest multinomial naive Bayes.
    NaiveBayes(NbModel),
    /// One-vs-rest linear SVM (scores are decision values).
    Svm(SvmModel),
    /// A multi-layer perceptron (scores are its outputs).
    Mlp(MlpModel),
}

/// A feature matrix as read from a file.
#[derive(Debug, Clone)]
pub enum Features {
    Sparse(CsrMatrix),
    /// Row-major f32 values, rows, columns.
    Dense(Vec<f32>, usize, usize),
}

impl Features {
    /// Read `.mtx` (Matrix Market) or `.npy` (a 2-D numeric array), told apart by content.
    pub fn read(path: &Path) -> Result<Features> {
        let features = if is_npy(path)? {
            let array = read_npy(path)?;
            if array.shape.len() != 2 {
                return Err(Error::parse(
                    path,
                    None,
                    format!("expected a 2-D array, found shape {:?}", array.shape),
                ));
            }
            let values: Vec<f32> = match array.data {
                NpyData::F32(v) => v,
                NpyData::F64(v) => v.into_iter().map(|x| x as f32).collect(),
                NpyData::I64(v) => v.into_iter().map(|x| x as f32).collect(),
                NpyData::U8(v) => v.into_iter().map(f32::from).collect(),
            };
            Features::Dense(values, array.shape[0], array.shape[1])
        } else {
            Features::Sparse(read_mtx(path)?)
        };
        features.check_finite(path)?;
        Ok(features)
    }

    /// Rows × columns.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Features::Sparse(x) => x.shape(),
            Features::Dense(_, n, d) => (*n, *d),
        }
    }

    /// The rows as a sparse matrix (f64).
    pub fn to_sparse(&self) -> CsrMatrix {
        match self {
            Features::Sparse(x) => x.clone(),
            Features::Dense(v, n, d) => {
                let wide: Vec<f64> = v.iter().map(|&x| f64::from(x)).collect();
                CsrMatrix::from_dense(*n, *d, &wide)
            }
        }
    }

    /// The rows as dense f32, refusing a matrix too large to hold densely.
    pub fn to_dense(&self, path: &Path) -> Result<Vec<f32>> {
        match self {
            Features::Dense(v, _, _) => Ok(v.clone()),
            Features::Sparse(x) => {
                let (n, d) = x.shape();
                if n.checked_mul(d).is_none_or(|cells| cells > MAX_DENSE_CELLS) {
                    return Err(Error::param(
                        "x",
                        format!("{}: {n}×{d} is too large to densify for an MLP", path.display()),
                    ));
                }
                Ok(x.to_dense().into_iter().map(|v| v as f32).collect())
            }
        }
    }

    fn check_finite(&self, path: &Path) -> Result<()> {
        let bad = |i: usize, j: usize, v: f64| {
            Error::parse(path, None, format!("row {i}, column {j} is {v}: features must be finite numbers"))
        };
        match self {
            Features::Sparse(x) => {
                for i in 0..x.n_rows() {
                    let (cols, vals) = x.row(i);
                    if let Some(k) = vals.iter().position(|v| !v.is_finite()) {
                        return Err(bad(i, cols[k] as usize, vals[k]));
                    }
                }
            }
            Features::Dense(v, _, d) => {
                if let Some(k) = v.iter().position(|x| !x.is_finite()) {
                    return Err(bad(k / (*d).max(1), k % (*d).max(1), f64::from(v[k])));
                }
            }
        }
        Ok(())
    }
}

/// Cells of the largest dense matrix made from a sparse one (1 GiB of f32).
const MAX_DENSE_CELLS: usize = 1 << 28;

fn is_npy(path: &Path) -> Result<bool> {
    use std::io::Read as _;
    let mut magic = [0u8; 6];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut magic).map_err(|e| Error::io(path, e))?;
    Ok(n == 6 && &magic == b"\x93NUMPY")
}

impl Predictor {
    /// Load a model file of any supported kind.
    pub fn load(path: &Path) -> Result<Self> {
        let file = ModelFile::load_any(path)?;
        match file.kind() {
            NB_KIND => Ok(Predictor::NaiveBayes(NbModel::from_file(&file, path)?)),
            SVM_KIND => Ok(Predictor::Svm(SvmModel::from_file(&file, path)?)),
            MLP_KIND => Ok(Predictor::Mlp(MlpModel::from_file(&file, path)?)),
            other => Err(Error::model(
                path,
                format!(
                    "model kind `{other}` cannot predict (known kinds: {NB_KIND}, {SVM_KIND}, {MLP_KIND})"
                ),
            )),
        }
    }

    /// One name per label column.
    pub fn labels(&self) -> &[String] {
        match self {
            Predictor::NaiveBayes(m) => &m.labels,
            Predictor::Svm(m) => &m.labels,
            Predictor::Mlp(m) => &m.labels,
        }
    }

    /// Number of feature columns the model expects.
    pub fn n_features(&self) -> usize {
        match self {
            Predictor::NaiveBayes(m) => m.n_features,
            Predictor::Svm(m) => m.n_features,
            Predictor::Mlp(m) => m.mlp.n_inputs(),
        }
    }

    /// What a score is: `probability`, `decision value`, `output`.
    pub fn unit(&self) -> &'static str {
        match self {
            Predictor::NaiveBayes(_) => "probability",
            Predictor::Svm(_) => "decision value",
            Predictor::Mlp(_) => "output",
        }
    }

    /// Per-label scores `(n, K)`, row-major; `path` names the features in errors.
    pub fn scores(&self, x: &Features, path: &Path, backend: &Backend) -> Result<DenseMatrix> {
        self.check_columns(x, path)?;
        let (n, k) = (x.shape().0, self.labels().len());
        match self {
            Predictor::NaiveBayes(m) => m.ovr.scores(&x.to_sparse()),
            Predictor::Svm(m) => m.ovr.scores(&x.to_sparse()),
            Predictor::Mlp(m) => {
                let p = m.predict_proba(backend, &x.to_dense(path)?, n)?;
                DenseMatrix::from_vec(n, k, p.into_iter().map(f64::from).collect())
            }
        }
    }

    /// 0/1 predictions `(n, K)`, row-major: each model's own rule, or the `top` best per row.
    pub fn predict(
        &self,
        x: &Features,
        path: &Path,
        backend: &Backend,
        top: Option<usize>,
    ) -> Result<Vec<u8>> {
        self.check_columns(x, path)?;
        let k = self.labels().len();
        match (self, top) {
            (_, Some(top)) => crate::metrics::top_k_indicator(self.scores(x, path, backend)?.data(), k, top),
            (Predictor::NaiveBayes(m), None) => m.ovr.predict(&x.to_sparse()),
            (Predictor::Svm(m), None) => m.ovr.predict(&x.to_sparse()),
            (Predictor::Mlp(_), None) => {
                Ok(self.scores(x, path, backend)?.data().iter().map(|&s| u8::from(s > 0.5)).collect())
            }
        }
    }

    /// Whether `predict` writes scores by default: decision values for the SVM.
    pub fn scores_by_default(&self) -> bool {
        matches!(self, Predictor::Svm(_))
    }

    /// `x` must have the model's columns and only finite values (checked again here for
    /// features built in memory; [`Features::read`] names the file).
    fn check_columns(&self, x: &Features, path: &Path) -> Result<()> {
        let finite = match x {
            Features::Sparse(m) => crate::svm::kernel::check_finite(m),
            Features::Dense(v, _, d) => crate::mlp::check_finite_rows(v, *d, "X"),
        };
        // Name the file the poisoned cell came from, not the parameter.
        finite.map_err(|e| match e {
            Error::Param { message, .. } => Error::parse(path, None, message),
            other => other,
        })?;
        let d = x.shape().1;
        if d != self.n_features() {
            return Err(Error::Shape(format!(
                "X has {d} feature columns but the model was trained on {}",
                self.n_features()
            )));
        }
        Ok(())
    }
}
