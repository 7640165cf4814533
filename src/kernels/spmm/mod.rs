//! Sparse × dense: C = S·B with S in CSR (f32 values), for scoring sparse features (TF-IDF)
//! against dense weights.
//!
//! ```text
//! C[i][j] = Σ_{q ∈ indptr[i]..indptr[i+1]} data[q] · B[indices[q]][j]     S: (m, k), B: (k, n)
//! ```
//!
//! CSR storage of a 2 × 3 example:
//!
//! ```text
//! S = [5 0 7]    indptr  = [0, 2, 3]
//!     [0 9 0]    indices = [0, 2, 1]
//!                data    = [5, 7, 9]
//! ```
//!
//! Variants: [`scalar`] (f64 accumulation per output), [`simd`] (rows across cores, each row
//! a sum of B's rows scaled by its values, f32, compiled per SIMD level), [`gpu`]
//! (`shaders/spmm.wgsl`, one invocation per output element). Cost: O(nnz·n) time.
//!
//! Where SpMM happens in the pipeline — naive Bayes' joint log-likelihood (`bayes`) and the
//! co-clustering's randomized SVD (`linalg::operator`) — the products are f64 and must match
//! scipy's summation order to a few ulps; WGSL has no portable f64, so those stay on their f64
//! CPU code, and this f32 family (and its shader) serves f32 scoring and `cinegenre bench`.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::spmm::{spmm, CsrRef};
//! let s = CsrRef { n_rows: 1, n_cols: 2, indptr: &[0, 1], indices: &[1], data: &[2.0] };
//! let mut c = [f32::NAN; 2];
//! spmm(&Backend::Scalar, s, 2, &[1.0, 2.0, 3.0, 4.0], &mut c).unwrap();
//! assert_eq!(c, [6.0, 8.0]);
//! ```

#[cfg(feature = "gpu")]
pub mod gpu;
pub mod scalar;
pub mod simd;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::on_gpu;

/// A borrowed CSR matrix with f32 values and u32 offsets (the GPU's integer width).
#[derive(Debug, Clone, Copy)]
pub struct CsrRef<'a> {
    pub n_rows: usize,
    pub n_cols: usize,
    pub indptr: &'a [u32],
    pub indices: &'a [u32],
    pub data: &'a [f32],
}

impl CsrRef<'_> {
    /// The span of row `i` in `indices` and `data`.
    pub(crate) fn row(&self, i: usize) -> std::ops::Range<usize> {
        (self.indptr[i] as usize)..(self.indptr[i + 1] as usize)
    }

    fn check(&self) -> Result<()> {
        let bad = |why: String| Err(Error::Shape(format!("spmm: invalid CSR matrix: {why}")));
        if self.indptr.len() != self.n_rows + 1 || self.indptr.first() != Some(&0) {
            return bad(format!("indptr has {} entries for {} rows", self.indptr.len(), self.n_rows));
        }
        let nnz = self.indptr[self.n_rows] as usize;
        if self.indices.len() != nnz || self.data.len() != nnz {
            return bad(format!(
                "{nnz} non-zeros but {} indices, {} values",
                self.indices.len(),
                self.data.len()
            ));
        }
        if self.indptr.windows(2).any(|w| w[0] > w[1]) {
            return bad("indptr decreases".into());
        }
        if let Some(col) = self.indices.iter().find(|&&c| c as usize >= self.n_cols) {
            return bad(format!("column index {col} ≥ {} columns", self.n_cols));
        }
        Ok(())
    }
}

/// C = S·B. `b`: (S.n_cols, n), `c`: (S.n_rows, n).
pub fn spmm(backend: &Backend, s: CsrRef<'_>, n: usize, b: &[f32], c: &mut [f32]) -> Result<()> {
    s.check()?;
    if b.len() != s.n_cols * n || c.len() != s.n_rows * n {
        return Err(Error::Shape(format!(
            "spmm: S is {}×{}, B has {} elements, C {}; expected {}·{n} and {}·{n}",
            s.n_rows,
            s.n_cols,
            b.len(),
            c.len(),
            s.n_cols,
            s.n_rows
        )));
    }
    if n == 0 {
        return Ok(());
    }
    match backend {
        Backend::Scalar => scalar::spmm(s, n, b, c),
        Backend::Cpu { simd, par } => simd::spmm(*simd, *par, s, n, b, c),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::spmm(ctx, s, n, b, c)?),
    }
    Ok(())
}
