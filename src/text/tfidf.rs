//! `TfidfTransformer`: counts → TF-IDF weights, bit-for-bit equal to scikit-learn 1.9.1.
//!
//! ```text
//! idf_j  = ln((1 + n) / (1 + df_j)) + 1      smooth_idf = true  (default)
//!        = ln(n / df_j) + 1                  smooth_idf = false
//! tf_ij  = X_ij, or ln(X_ij) + 1 when sublinear_tf
//! w_ij   = tf_ij · idf_j                      (idf_j = 1 when use_idf = false)
//! out_ij = w_ij / sqrt(Σ_k w_ik²)             norm = L2 (default)
//!        = w_ij / Σ_k |w_ik|                  norm = L1;   rows whose sum is 0 stay as they are
//! ```
//!
//! Steps, in scikit-learn's exact floating-point order (Sparck Jones, "A statistical
//! interpretation of term specificity and its application in retrieval", 1972, for idf):
//! `fit` computes `n / df` as one f64 division, then `ln`, then `+ 1.0`; `transform` sorts each
//! row's column indices (sklearn's int → float64 conversion of the count matrix does the same),
//! applies `ln(x) + 1` if sublinear, multiplies by `idf`, then normalizes each row by a
//! **sequential** f64 sum over ascending columns, `sqrt`, and a **division** per entry (not a
//! multiplication by the reciprocal), exactly as `_inplace_csr_row_normalize_l2` does. No FMA.
//!
//! Reference: `sklearn.feature_extraction.text.TfidfTransformer` (and
//! `sklearn.utils.sparsefuncs_fast`). Deviation: `ln` is the platform libm's `log`; numpy's
//! `np.log` on AVX-512 CPUs uses its own vector routine, which differs from libm in the last
//! bit for rare arguments (about 5 ratios `n/(df+1)` out of ~1,600 for n ≈ 1,560), so idf can
//! differ by one ulp there; the bundled fixtures check there is no such ratio in them. Input
//! rows that already carry unsorted float values are sorted too (sklearn keeps their order).
//!
//! Cost: `fit` `O(nnz + n_cols)`, `transform` `O(nnz)` plus the per-row sort of unsorted rows;
//! output memory equals the input's.
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::text::{TfidfParams, TfidfTransformer};
//! let counts = CsrMatrix::from_dense(2, 2, &[1.0, 1.0, 0.0, 3.0]);
//! let mut tfidf = TfidfTransformer::new(TfidfParams::default());
//! let x = tfidf.fit_transform(&counts).unwrap();
//! assert_eq!(tfidf.idf().unwrap(), &[1.0 + (3.0f64 / 2.0).ln(), 1.0]);
//! assert_eq!(x.row(1).1, &[1.0]);
//! ```

use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;

/// Row normalization (`norm='l1'` / `'l2'`; `None` in [`TfidfParams::norm`] means no norm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    /// Divide by the sum of absolute values.
    L1,
    /// Divide by the Euclidean length.
    L2,
}

/// scikit-learn's `TfidfTransformer` options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TfidfParams {
    /// Row normalization, default `Some(Norm::L2)`.
    pub norm: Option<Norm>,
    /// Weight by inverse document frequency, default `true`.
    pub use_idf: bool,
    /// Add one to `n` and every `df`, default `true`.
    pub smooth_idf: bool,
    /// Replace `tf` with `ln(tf) + 1`, default `false`.
    pub sublinear_tf: bool,
}

impl Default for TfidfParams {
    fn default() -> Self {
        TfidfParams { norm: Some(Norm::L2), use_idf: true, smooth_idf: true, sublinear_tf: false }
    }
}

/// TF-IDF weighting; fitted once it knows the number of columns (and, with `use_idf`, the idf).
#[derive(Clone, Debug)]
pub struct TfidfTransformer {
    params: TfidfParams,
    n_features: Option<usize>,
    idf: Option<Vec<f64>>,
}

impl TfidfTransformer {
    /// An unfitted transformer.
    pub fn new(params: TfidfParams) -> Self {
        TfidfTransformer { params, n_features: None, idf: None }
    }

    /// A transformer fitted to a known idf vector (one entry per column); `use_idf` is set.
    pub fn from_idf(params: TfidfParams, idf: Vec<f64>) -> Self {
        TfidfTransformer {
            params: TfidfParams { use_idf: true, ..params },
            n_features: Some(idf.len()),
            idf: Some(idf),
        }
    }

    /// The parameters.
    pub fn params(&self) -> &TfidfParams {
        &self.params
    }

    /// The fitted idf, one entry per column (`None` before fit or without `use_idf`).
    pub fn idf(&self) -> Option<&[f64]> {
        self.idf.as_deref()
    }

    /// Learn the idf of each column of the count matrix `x` (document frequency = stored
    /// entries per column, like `np.bincount(X.indices)`).
    pub fn fit(&mut self, x: &CsrMatrix) -> Result<()> {
        self.n_features = Some(x.n_cols());
        self.idf = self.params.use_idf.then(|| {
            let smooth = usize::from(self.params.smooth_idf);
            let n = (x.n_rows() + smooth) as f64;
            x.column_counts().into_iter().map(|df| (n / (df + smooth) as f64).ln() + 1.0).collect()
        });
        Ok(())
    }

    /// Weight and normalize `x`; the result has ascending column indices in every row.
    pub fn transform(&self, x: &CsrMatrix) -> Result<CsrMatrix> {
        let n_features = self.n_features.ok_or_else(|| {
            Error::Shape("TfidfTransformer is not fitted: call fit before transform".into())
        })?;
        if x.n_cols() != n_features {
            return Err(Error::Shape(format!(
                "TfidfTransformer was fitted on {n_features} columns but the matrix has {}",
                x.n_cols()
            )));
        }
        let mut out = x.clone();
        out.sort_indices();
        if self.params.sublinear_tf {
            for v in out.data_mut() {
                *v = v.ln() + 1.0;
            }
        }
        if let Some(idf) = &self.idf {
            for i in 0..out.n_rows() {
                let (indices, values) = out.row_mut(i);
                for (v, &j) in values.iter_mut().zip(indices) {
                    *v *= idf[j as usize];
                }
            }
        }
        if let Some(norm) = self.params.norm {
            for i in 0..out.n_rows() {
                normalize_row(out.row_mut(i).1, norm);
            }
        }
        Ok(out)
    }

    /// [`fit`](Self::fit) then [`transform`](Self::transform).
    pub fn fit_transform(&mut self, x: &CsrMatrix) -> Result<CsrMatrix> {
        self.fit(x)?;
        self.transform(x)
    }
}

/// scikit-learn's `_inplace_csr_row_normalize_l1/_l2` on one row: sequential sum in stored
/// order, skip an all-zero row, then divide.
fn normalize_row(values: &mut [f64], norm: Norm) {
    let mut sum = 0.0f64;
    match norm {
        Norm::L1 => values.iter().for_each(|v| sum += v.abs()),
        Norm::L2 => values.iter().for_each(|v| sum += v * v),
    }
    if sum == 0.0 {
        return;
    }
    let divisor = match norm {
        Norm::L1 => sum,
        Norm::L2 => sum.sqrt(),
    };
    for v in values {
        *v /= divisor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_rejects_other_widths_and_unfitted_use() {
        let x = CsrMatrix::from_dense(1, 2, &[1.0, 2.0]);
        let t = TfidfTransformer::new(TfidfParams::default());
        assert!(matches!(t.transform(&x), Err(Error::Shape(_))));
        let t = TfidfTransformer::from_idf(TfidfParams::default(), vec![1.0; 3]);
        assert!(matches!(t.transform(&x), Err(Error::Shape(_))));
    }

    #[test]
    fn empty_rows_stay_zero() {
        let x = CsrMatrix::from_dense(2, 2, &[0.0, 0.0, 2.0, 0.0]);
        let out = TfidfTransformer::new(TfidfParams::default()).fit_transform(&x).unwrap();
        assert_eq!(out.to_dense(), vec![0.0, 0.0, 1.0, 0.0]);
    }
}
