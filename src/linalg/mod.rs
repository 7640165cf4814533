//! Dense linear algebra written by hand for the co-clustering step: a linear [`Operator`] over
//! dense or sparse matrices, Householder QR and LU-with-pivoting normalisers ([`qr`]), a one-sided
//! Jacobi SVD for small matrices ([`jacobi_svd`]), and two truncated SVDs of large ones:
//! the randomized range finder of scikit-learn ([`randomized_svd`]) and Golub–Kahan–Lanczos
//! bidiagonalisation ([`lanczos_svd`]) for comparison.
//!
//! Dimension letters: `m × n` the operator, `l` the sketch width (`k + oversamples`), `k` the
//! singular triplets wanted. All dense matrices are row-major [`DenseMatrix`].
//!
//! Sign convention (scikit-learn's `svd_flip`): each left singular vector `u_j` is multiplied by
//! the sign of its entry of largest magnitude (first one on ties), and `v_j` with it, so that
//! entry is positive. Every SVD here returns vectors in that convention.
//!
//! CPU only: the mat-mat products are rayon-parallel over output rows; a GPU path is future work.
//!
//! The three SVDs agree on a small matrix (singular values 4, 3, 1, signs as `svd_flip`):
//!
//! ```
//! use cinegenre::linalg::{Operator, RandomizedSvd, jacobi_svd, lanczos_svd, randomized_svd};
//! use cinegenre::matrix::DenseMatrix;
//! let a = DenseMatrix::from_vec(3, 3, vec![3.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 1.0])?;
//! let exact = jacobi_svd(&a);
//! assert!((exact.s[0] - 4.0).abs() < 1e-12 && (exact.s[1] - 3.0).abs() < 1e-12);
//! let sketched = randomized_svd(Operator::dense(a.clone()), &RandomizedSvd::new(2, 0))?;
//! let lanczos = lanczos_svd(&Operator::dense(a), 2, 0)?;
//! for svd in [&sketched, &lanczos] {
//!     assert!((svd.s[0] - 4.0).abs() < 1e-9 && (svd.s[1] - 3.0).abs() < 1e-9);
//!     assert!((svd.u.get(1, 0) - 1.0).abs() < 1e-9); // u₁ = e₂, positive by svd_flip
//! }
//! # Ok::<(), cinegenre::Error>(())
//! ```
//!
//! [`DenseMatrix`]: crate::matrix::DenseMatrix

mod jacobi;
mod lanczos;
mod operator;
pub mod qr;
mod random;
mod randomized;

pub use jacobi::{jacobi_svd, jacobi_svd_sweeps, svd_flip};
pub use lanczos::lanczos_svd;
pub use operator::Operator;
pub use random::LegacyGauss;
pub use randomized::{Normalizer, RandomizedSvd, randomized_svd};

use crate::matrix::DenseMatrix;

/// A truncated SVD `A ≈ U · diag(s) · Vᵀ`.
#[derive(Debug, Clone, PartialEq)]
pub struct Svd {
    /// Left singular vectors as columns: `(m, k)`.
    pub u: DenseMatrix,
    /// Singular values, descending.
    pub s: Vec<f64>,
    /// Right singular vectors as columns: `(n, k)` (scikit-learn returns the transpose, `Vt`).
    pub v: DenseMatrix,
}

/// `aᵀ` of a row-major matrix.
pub fn transpose(a: &DenseMatrix) -> DenseMatrix {
    let (m, n) = a.shape();
    let mut out = vec![0.0; m * n];
    for i in 0..m {
        for (j, &x) in a.row(i).iter().enumerate() {
            out[j * m + i] = x;
        }
    }
    DenseMatrix::from_vec(n, m, out).expect("the transpose has the same number of entries")
}

/// `a · b` for small dense matrices: `(m, p) · (p, n)`, rayon over output rows.
pub fn matmul(a: &DenseMatrix, b: &DenseMatrix) -> DenseMatrix {
    use rayon::prelude::*;
    let (m, p) = a.shape();
    let n = b.n_cols();
    debug_assert_eq!(p, b.n_rows());
    let mut out = DenseMatrix::zeros(m, n);
    if n == 0 {
        return out;
    }
    out.data_mut().par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        for (t, &x) in a.row(i).iter().enumerate() {
            if x != 0.0 {
                for (o, &y) in row.iter_mut().zip(b.row(t)) {
                    *o += x * y;
                }
            }
        }
    });
    out
}

/// Keep the first `k` columns of a row-major matrix.
pub fn first_columns(a: &DenseMatrix, k: usize) -> DenseMatrix {
    let (m, n) = a.shape();
    let k = k.min(n);
    let data = (0..m).flat_map(|i| a.row(i)[..k].iter().copied()).collect();
    DenseMatrix::from_vec(m, k, data).expect("m · k entries")
}
