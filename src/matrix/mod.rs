//! Matrices: sparse CSR ([`CsrMatrix`]) for text features, dense row-major ([`DenseMatrix`]) for
//! everything else. The heavy kernels on top of them live in `kernels/`.
//!
//! ```
//! use cinegenre::matrix::{CsrMatrix, DenseMatrix};
//! // [[1, 0, 2], [0, 0, 3]] as scipy's csr_matrix: indptr, indices, data.
//! let x = CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 0.0, 3.0]);
//! assert_eq!((x.n_rows(), x.n_cols(), x.nnz()), (2, 3, 3));
//! assert_eq!(x.indptr(), &[0, 2, 3]);
//! assert_eq!(x.select_rows(&[1]).to_dense(), vec![0.0, 0.0, 3.0]);
//! let d = DenseMatrix::from_vec(2, 2, vec![1.0, 2.0, 3.0, 4.0])?;
//! assert_eq!(d.row(1), &[3.0, 4.0]);
//! # Ok::<(), cinegenre::Error>(())
//! ```

mod csr;
mod dense;
mod pairwise;

pub use csr::CsrMatrix;
pub use dense::DenseMatrix;
pub use pairwise::pairwise_sum;
